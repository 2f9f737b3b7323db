"""The manager's area against the in-process sandbox: PIN, reports table, export, dashboard, X/Z."""

from __future__ import annotations

import csv
import re
from decimal import Decimal

import pytest
from textual.widgets import Input, Select, Static

from pos_tui.api import requests as rq
from pos_tui.sandbox.demo import GIFT, JANE, WIDGETS
from pos_tui.till.manager_pin import LOCK_SECONDS, MAX_TRIES, Locked, PinGate, hash_pin, valid_pin, verify_pin
from pos_tui.till.reporting import COLUMNS, Table, safe_cell, write_csv
from pos_tui.tui.bigtable import BigTable
from pos_tui.tui.screens.dashboard import DashboardScreen
from pos_tui.tui.screens.manager import ManagerScreen, ShiftScreen
from pos_tui.tui.screens.manager_pin import ManagerPinScreen, approvals_for
from pos_tui.tui.screens.reports import ReportsScreen

from .till_helpers import customer_shown, make_app, type_slowly, until

SIZE = (100, 32)


async def enter_manager(pilot, pin: str = "1234") -> None:
    await pilot.press("f9")
    await until(pilot, lambda: isinstance(pilot.app.screen, ManagerPinScreen))
    await type_slowly(pilot, pin)
    await pilot.press("enter")


# The PIN ------------------------------------------------------------------------------------------


def test_pin_hash_is_salted_scrypt_and_checks():
    one, two = hash_pin("4321"), hash_pin("4321")
    assert one != two and one.startswith("scrypt$") and "4321" not in one
    assert verify_pin("4321", one) and not verify_pin("4322", one)
    assert (
        not verify_pin("4321", "")
        and not verify_pin("4321", "scrypt$x$y")
        and not verify_pin("1", "md5$a$b$c$d$e")
    )
    assert valid_pin("0000") and not valid_pin("١٢٣٤")  # ASCII digits only (isdigit took these)


def test_five_wrong_tries_lock_for_a_while(tmp_path):
    now = [1000.0]
    gate = PinGate(hash_pin("4321"), tmp_path / "pin.json", clock=lambda: now[0])
    for _ in range(MAX_TRIES - 1):
        assert gate.attempt("0000") is None
    with pytest.raises(Locked):
        gate.attempt("0000")
    with pytest.raises(Locked):  # even the right PIN, while locked
        gate.attempt("4321")
    again = PinGate(gate.stored, tmp_path / "pin.json", clock=lambda: now[0])  # a restarted till
    assert again.locked_for() == LOCK_SECONDS
    now[0] += LOCK_SECONDS + 1
    assert again.attempt("4321") == "manager"
    assert again.tries_left() == MAX_TRIES


async def test_f9_asks_the_pin_and_opens_the_manager_area(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, ManagerPinScreen))
        assert "1234" in str(app.screen.query_one("#pin-box").query(Static)[-2].render())  # training shows it
        await type_slowly(pilot, "9876")
        await pilot.press("enter")
        await until(pilot, lambda: "Wrong PIN" in str(app.screen.query_one("#pin-error", Static).render()))
        assert "4 tries left" in str(app.screen.query_one("#pin-error", Static).render())
        await type_slowly(pilot, "1234")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ManagerScreen))
        assert app.screen.approver == "manager"
        entries = approvals_for(app.services).entries()
        assert [(e[1], e[2]) for e in entries] == [("manager", "manager area")]


async def test_a_pin_typed_at_reader_speed_is_a_pin_not_a_card(tmp_path):
    from .till_helpers import scan

    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, ManagerPinScreen))
        await scan(pilot, "1234")
        await until(pilot, lambda: isinstance(app.screen, ManagerScreen))
        assert not app.recent_scans  # never looked up, never listed


async def test_escape_on_the_pin_screen_stays_in_the_till(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, ManagerPinScreen))
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ManagerPinScreen))
        assert not isinstance(app.screen, ManagerScreen)


async def test_demo_manager_opens_the_pin_at_start(tmp_path):
    app = make_app(tmp_path)
    app.start_in_manager = True
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ManagerPinScreen))


# Reports ------------------------------------------------------------------------------------------


async def open_reports(pilot, **kw) -> ReportsScreen:
    await enter_manager(pilot)
    await until(pilot, lambda: isinstance(pilot.app.screen, ManagerScreen))
    await pilot.press("r")
    await until(
        pilot, lambda: isinstance(pilot.app.screen, ReportsScreen) and pilot.app.screen.campaign_kinds
    )
    return pilot.app.screen


async def test_balances_report_pages_into_the_table_with_the_liability(tmp_path):
    app = make_app(tmp_path, customers=120)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        screen.page_size = 25
        assert screen.query_one("#report-campaign", Select).value == GIFT
        await pilot.press("f5")
        await until(pilot, lambda: screen.table_data.complete, timeout=30)
        direct = await app.services.api.customers_balances(campaign_id=GIFT)
        table = screen.query_one(BigTable)
        assert len(table.rows) == len(direct.customers) > 25  # more than one page
        expected = sum((c.balance_equivalent for c in direct.customers), start=Decimal(0))
        summary = str(screen.query_one("#report-summary", Static).render())
        assert f"{expected:,.2f}" in summary and "john1970@greatwidgets" in summary
        assert "rows." in str(screen.query_one("#report-status", Static).render())


async def test_filter_sort_and_open_a_customer(tmp_path):
    app = make_app(tmp_path, customers=60)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        await pilot.press("f5")
        await until(pilot, lambda: screen.table_data.complete, timeout=30)
        table = screen.query_one(BigTable)
        await pilot.press("slash")
        await type_slowly(pilot, "doe")
        assert [table.rows[i][:3] for i in table.view] == [(JANE["card_number"], "Jane", "Doe")]
        screen.query_one("#report-filter", Input).value = ""
        await pilot.pause()
        assert len(table.view) == len(table.rows)
        screen.set_focus(table)
        await pilot.pause()
        for _ in range(3):
            await pilot.press("right")  # to Balance
            await pilot.pause(0.1)
        await until(pilot, lambda: table.column == 3)
        await pilot.press("s")
        await until(pilot, lambda: table.sorted_by == (3, False))
        balances = [Decimal(table.rows[i][3]) for i in table.view]
        assert balances == sorted(balances)
        await pilot.pause(0.1)
        await pilot.press("s")
        await until(pilot, lambda: table.sorted_by == (3, True))
        balances = [Decimal(table.rows[i][3]) for i in table.view]
        assert balances == sorted(balances, reverse=True)
        screen.query_one("#report-filter", Input).value = "Jane"
        await pilot.pause()
        screen.set_focus(table)
        await pilot.pause(0.2)  # a person's Enter comes well after their last key (else: a reader's burst)
        await pilot.press("enter")
        await until(pilot, lambda: customer_shown(app))
        assert app.screen.info.customer.code == JANE["code"]
        await pilot.press("escape")  # back to the report the manager came from, not to the scan screen
        await until(pilot, lambda: app.screen is screen)
        assert table.rows  # the pulled report is still there


async def test_the_table_redraws_what_changed_from_its_line_cache():
    """Drawn lines are cached: a cursor move, a scroll and a new theme still draw the truth."""
    from textual.app import App, ComposeResult

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield BigTable(COLUMNS["customers_all"])

    rows = [(f"{1000 + i}", f"First{i}", "Last", "", "", "", "", "") for i in range(500)]
    app = One()
    async with app.run_test(size=(80, 12)) as pilot:
        table = app.query_one(BigTable)
        table.add_rows(rows)
        table.focus()
        await pilot.pause()
        cursor = table.get_component_rich_style("bigtable--cursor")

        def line(y: int) -> tuple[str, bool]:
            strip = table.render_line(y)
            return strip.text.split()[0], any(s.style and s.style.bgcolor == cursor.bgcolor for s in strip)

        assert line(1) == ("1000", True) and line(2) == ("1001", False)
        await pilot.press("down")
        await pilot.pause()
        assert line(1) == ("1000", False) and line(2) == ("1001", True)

        async def on_screen_as_if_redrawn_whole() -> bool:
            shown = app.export_screenshot()  # what the terminal has: only refreshed lines were redrawn
            table.refresh()
            await pilot.pause()
            return shown == app.export_screenshot()

        for key in ("down", "down", "up", "pagedown", "up", "end", "up", "home"):
            await pilot.press(key)
            await pilot.pause()
            assert await on_screen_as_if_redrawn_whole(), key
        for _ in range(20):
            await pilot.press("down")
        await pilot.pause()
        assert table.scroll_offset.y > 0 and line(1)[0] == f"{1000 + table.scroll_offset.y}"
        assert line(table.cursor - table.scroll_offset.y + 1) == (f"{1000 + table.cursor}", True)
        before = table.render_line(2)
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        assert table.render_line(2).text == before.text and table.render_line(2) != before


async def test_a_long_fetch_can_be_cancelled_and_keeps_what_arrived(tmp_path):
    app = make_app(tmp_path, customers=200, faults="customers_balances:delay=0.3")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        screen.page_size = 10
        screen.query_one("#report-campaign", Select).value = WIDGETS
        await pilot.press("f5")
        await until(pilot, lambda: len(screen.table_data.rows) >= 10, timeout=30)
        assert screen.fetching
        await pilot.press("escape")
        assert not screen.fetching and isinstance(app.screen, ReportsScreen)
        got = len(screen.table_data.rows)
        await pilot.pause(0.8)
        assert len(screen.table_data.rows) == got and not screen.table_data.complete
        assert "Cancelled" in str(screen.query_one("#report-status", Static).render())
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ManagerScreen))


async def test_transactions_report_and_csv_export(tmp_path, monkeypatch):
    monkeypatch.setenv("POS_TUI_DATA_DIR", str(tmp_path / "data"))
    app = make_app(tmp_path, customers=30)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        screen.query_one("#report-kind", Select).value = "transactions_all"
        await pilot.pause()
        await pilot.press("f5")
        await until(pilot, lambda: screen.table_data.complete, timeout=30)
        assert screen.table_data.columns == COLUMNS["transactions_all"] and screen.table_data.rows
        assert {row[4] for row in screen.table_data.rows} == {"E", "R"}
        await pilot.press("ctrl+e")
        await until(pilot, lambda: list((tmp_path / "data" / "exports").glob("*.csv")))
    exported = next((tmp_path / "data" / "exports").glob("transactions_all-*.csv"))
    rows = list(csv.reader(exported.open(encoding="utf-8")))
    assert rows[0][0] == "When" and len(rows) == len(screen.table_data.rows) + 1


def test_csv_neutralises_formulas_but_keeps_negative_numbers(tmp_path):
    table = Table("customers_balances", COLUMNS["customers_balances"])
    evil = ('=HYPERLINK("http://x")', "+1+1", "@SUM(A1)", "-12.50", "-3", "1", "2", "-cmd|' /C calc'!A0")
    row = evil + ("",) * (len(table.columns) - len(evil))
    table.rows.append(row)
    write_csv(table, tmp_path / "out.csv")
    written = list(csv.reader((tmp_path / "out.csv").open(encoding="utf-8")))[1]
    assert written[:3] == ['\'=HYPERLINK("http://x")', "'+1+1", "'@SUM(A1)"]
    assert written[3:5] == ["-12.50", "-3"]  # Balance and Value are numeric columns
    assert written[7] == "'-cmd|' /C calc'!A0"  # E-mail is text
    assert safe_cell("-5", numeric=False) == "'-5" and safe_cell("Ann") == "Ann"


# Dashboard ----------------------------------------------------------------------------------------


async def test_dashboard_shows_every_part(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await enter_manager(pilot)
        await until(pilot, lambda: isinstance(app.screen, ManagerScreen))
        await pilot.press("d")
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, DashboardScreen)
                and app.screen.query(".dash-spark")
                and "Most active customers" in str(app.screen.query_one("#dash-lists", Static).render())
            ),
        )
        screen = app.screen
        totals = str(screen.query_one("#dash-totals", Static).render())
        assert "Customers: 22 in all" in totals and "Active campaigns: 5" in totals
        assert len(screen.query(".dash-spark")) == 5
        lists = str(screen.query_one("#dash-lists", Static).render())
        assert (
            "Most active customers" in lists and "Last transactions" in lists and "Newest customers" in lists
        )
        assert "permissions" in str(screen.query_one("#dash-note", Static).render())


# Shift close --------------------------------------------------------------------------------------


async def _earn_and_redeem(app) -> None:
    from pos_tui.tui.writes import WriteResult

    card = rq.CustomerRef(card_number=JANE["card_number"])
    result = await app.write(rq.GiftCardLoad(customer=card, campaign_id=GIFT, amount=Decimal("10")))
    assert isinstance(result, WriteResult) and result.confirmed
    code = rq.CustomerRef(code=JANE["code"])
    result = await app.write(rq.GiftCardRedeem(customer=code, campaign_id=GIFT, amount=Decimal("4.25")))
    assert result.confirmed


async def test_x_then_z_report_match_the_service_and_z_happens_once(tmp_path, monkeypatch):
    monkeypatch.setenv("POS_TUI_DATA_DIR", str(tmp_path / "data"))
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _earn_and_redeem(app)
        await enter_manager(pilot)
        await until(pilot, lambda: isinstance(app.screen, ManagerScreen))
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ShiftScreen) and app.screen.lines)
        text = "\n".join(app.screen.lines)
        assert (
            "X REPORT" in text
            and "Gift Card — earn: 1  10" in text
            and "Gift Card — redemption: 1  4.25" in text
        )
        assert "Every entry matches the loyalty service." in text
        from pos_tui.printing import Printer

        paper = tmp_path / "x-report.bin"
        app.services.printer = Printer(f"file:{paper}")
        await pilot.press("p")
        await until(pilot, lambda: "X report printed." in [n.message for n in app._notifications])
        printed = paper.read_bytes().decode("cp858", "replace")
        assert "X REPORT" in printed and "Gift Card" in printed  # the report, on the printer
        await pilot.press("escape")
        await pilot.press("z")
        await until(pilot, lambda: app.screen.__class__.__name__ == "ConfirmScreen")
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, ShiftScreen) and app.screen.lines)
        assert app.screen.lines[0] == "Z REPORT No. 1"
        assert app.screen.lines[2].startswith("From: ")
        assert re.fullmatch(r"To:   \d{4}-\d\d-\d\d \d\d:\d\d:\d\d", app.screen.lines[3])  # no ms
        await pilot.press("escape")
        await pilot.press("z")  # nothing since the Z: said at once, no question asked first
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, ShiftScreen)
                and app.screen.query("#shift-text")
                and "Nothing to close" in str(app.screen.query_one("#shift-text", Static).render())
            ),
        )
        await pilot.press("escape")
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ShiftScreen) and app.screen.lines)
        assert "No transactions in this shift." in app.screen.lines


def test_mismatches_are_listed():
    from dataclasses import dataclass, field
    from typing import Any

    from pos_tui.api.models import ReportTransaction
    from pos_tui.till.shift import build

    @dataclass
    class E:
        ref: str
        call: str
        state: str
        request: dict[str, Any] = field(default_factory=dict)
        created: str = "2026-11-22T10:00:00.000"

    entries = [
        E("a1", "record_activity", "confirmed", {"campaign_id": "G", "amount": "10"}),
        E("b2", "record_activity", "confirmed", {"campaign_id": "G", "amount": "5"}),
        E("c3", "redeem", "unknown", {"campaign_id": "G", "amount": "2"}),
        E("d4", "record_activity", "queued", {"campaign_id": "G", "amount": "1"}),
        E("e5", "redeem", "confirmed", {"campaign_id": "G", "amount": "3"}),
        E("f6", "transaction_delete", "confirmed", {"campaign_id": "G"}),
    ]
    service = [
        ReportTransaction(authorization="x [pos:a1]", amount_number="10", redeemed="E"),
        ReportTransaction(authorization="[pos:c3]", amount_number="2", redeemed="R"),
        ReportTransaction(authorization="[pos:e5]", amount_number="30", redeemed="R"),
        ReportTransaction(authorization="other till [pos:zz]", amount_number="1", redeemed="E"),
    ]
    report = build(entries, service, kind="X", start="", end="2026-11-23", terminal="T1")
    assert report.mismatches == [
        "b2: confirmed earn not found at the service",
        "c3: unknown here but RECORDED at the service",
        "e5: amount 3 here, 30 at the service",
    ]
    kinds = {(t.campaign_id, t.kind): (t.count, t.amount) for t in report.totals}
    assert kinds == {
        ("G", "earn"): (2, Decimal(15)),
        ("G", "redemption"): (1, Decimal(3)),
        ("G", "void"): (1, Decimal(0)),
        ("G", "queued"): (1, Decimal(1)),
        ("G", "unknown"): (1, Decimal(2)),
    }
    unread = build(entries, None, kind="X", start="", end="2026-11-23")
    assert "NOT CHECKED" in "\n".join(unread.lines())


# The form's coalition_balance and last: the request `pos-tui report` makes ------------------------


def record_reports(transport) -> list[dict[str, str]]:
    """Every ``type=reports`` request sent through ``transport`` from now on, as its form fields."""
    from urllib.parse import parse_qsl

    import httpx

    real = transport.handle_async_request
    sent: list[dict[str, str]] = []

    async def recording(request: httpx.Request) -> httpx.Response:
        fields = dict(parse_qsl(request.content.decode()))
        if fields.get("type") == "reports":
            sent.append(fields)
        return await real(request)

    transport.handle_async_request = recording
    return sent


async def cli_requests(app, monkeypatch, tmp_path, report: str, *items: str) -> list[dict[str, str]]:
    """The ``type=reports`` requests of ``pos-tui report REPORT ITEMS…`` on the app's sandbox."""
    from pos_tui import services
    from pos_tui.api.client import Credentials, LoyaltyClient
    from pos_tui.cli import manager as cli_manager
    from pos_tui.sandbox.app import InProcessTransport
    from pos_tui.sandbox.demo import ACCOUNT

    sandbox = app.services.sandbox
    transport = InProcessTransport(sandbox)
    client = LoyaltyClient(
        Credentials(ACCOUNT["user_id"], ACCOUNT["id"], ACCOUNT["secret"]),
        url="http://sandbox.invalid/api.php",
        transport=transport,
    )
    sent = record_reports(transport)
    for name, value in (("USER_ID", ACCOUNT["user_id"]), ("ACCOUNT_ID", ACCOUNT["id"])):
        monkeypatch.setenv(f"POS_TUI_{name}", value)
    monkeypatch.setenv("POS_TUI_API_KEY", ACCOUNT["secret"])
    monkeypatch.setenv("POS_TUI_DATA_DIR", str(tmp_path / "cli-data"))
    monkeypatch.setattr(services, "client_from_settings", lambda settings, **kw: client)
    params = cli_manager._params(report, list(items))
    assert await cli_manager._report(report, params, str(tmp_path / f"{report}.csv"), PAGE) == 0
    return sent


PAGE = 40


async def test_coalition_balance_in_the_form_is_the_clis_request(tmp_path, monkeypatch):
    app = make_app(tmp_path, customers=60)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reports(pilot)
        screen.page_size = PAGE
        assert screen.query_one("#report-coalition", Select).display  # balances take it
        assert not screen.query_one("#report-start", Input).display  # and no dates
        screen.query_one("#report-coalition", Select).value = "coalition_storedvalue"
        sent = record_reports(app.services.transport)
        await pilot.press("f5")
        await until(pilot, lambda: screen.table_data.complete, timeout=30)
        form = list(sent)
        assert len(form) > 1 and all(f["coalition_balance"] == "coalition_storedvalue" for f in form)
        assert all(f["campaign_id"] == GIFT for f in form)  # the vendor's page: still required
        direct = await app.services.api.customers_balances(
            campaign_id=GIFT, coalition_balance="coalition_storedvalue"
        )
        assert [r[0] for r in screen.table_data.rows] == [c.card_number for c in direct.customers]
        expected = sum((c.balance_equivalent for c in direct.customers), start=Decimal(0))
        summary = str(screen.query_one("#report-summary", Static).render())
        assert summary.startswith(f"Coalition gift-card liability: {expected:,.2f}")
        screen.query_one("#report-coalition", Select).value = "coalition_points"
        await pilot.press("f5")
        await until(
            pilot,
            lambda: sent[-1].get("coalition_balance") == "coalition_points" and screen.table_data.complete,
            timeout=30,
        )
        assert not str(screen.query_one("#report-summary", Static).render())  # points: no liability
        cli = await cli_requests(
            app, monkeypatch, tmp_path, "customers_balances", f"campaign_id={GIFT}",
            "coalition_balance=coalition_storedvalue",
        )  # fmt: skip
        assert cli == form


async def test_changed_since_last_in_the_form_is_the_clis_request(tmp_path, monkeypatch):
    app = make_app(tmp_path, customers=30)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reports(pilot)
        last, delta = screen.query_one("#report-last", Input), screen.query_one("#report-delta")
        assert not delta.display  # balances don't take it
        screen.query_one("#report-kind", Select).value = "customers_all"
        await until(pilot, lambda: delta.display)
        assert not screen.query_one("#report-coalition", Select).display
        sent = record_reports(app.services.transport)
        screen.set_focus(last)
        await type_slowly(pilot, "0")
        await pilot.press("enter")  # a campaign is chosen: the service would refuse both
        status = screen.query_one("#report-status", Static)
        await until(pilot, lambda: "choose no campaign" in str(status.render()))
        assert not sent
        screen.query_one("#report-campaign", Select).clear()
        await pilot.press("f5")
        await until(pilot, lambda: screen.table_data.complete, timeout=30)
        everyone = len(screen.table_data.rows)
        assert sent[-1]["last"] == "0" and "selected_campaigns" not in sent[-1] and everyone > 20
        newest = screen.notes["last"]
        summary = screen.query_one("#report-summary", Static)
        assert f"'Changed since ID' {newest} lists" in str(summary.render())
        await _earn_and_redeem(app)  # Jane has new transactions
        last.value = newest
        await pilot.press("f5")
        await until(pilot, lambda: screen.table_data.complete and sent[-1]["last"] == newest, timeout=30)
        assert [(r[0], r[1]) for r in screen.table_data.rows] == [(JANE["card_number"], "Jane")]
        assert int(screen.notes["last"]) > int(newest)
        form = sent[-1]
        cli = await cli_requests(app, monkeypatch, tmp_path, "customers_all", f"last={newest}")
        assert cli == [form]


async def test_no_campaign_is_no_campaign(tmp_path):
    """The blank campaign line: balances ask for one; transactions are every campaign's (it was
    sent as the campaign "Select.NULL", which the service refused)."""
    app = make_app(tmp_path, customers=20)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        sent = record_reports(app.services.transport)
        screen.query_one("#report-campaign", Select).clear()
        await pilot.press("f5")
        status = screen.query_one("#report-status", Static)
        await until(pilot, lambda: "Choose a campaign first." in str(status.render()))
        screen.query_one("#report-kind", Select).value = "transactions_all"
        await pilot.pause()
        await pilot.press("f5")
        await until(pilot, lambda: screen.table_data.complete, timeout=30)
        assert [f["report"] for f in sent] == ["transactions_all"] and "selected_campaigns" not in sent[0]
        direct = await app.services.api.transactions_all()
        assert len(screen.table_data.rows) == len(direct.transactions) > 0


async def test_the_manager_fields_follow_the_apps_cursor_blink(tmp_path):
    """make_app switches blinking off for repeatable pictures: the PIN snapshot at 80x24 caught the
    PIN field's cursor mid-blink on a busy machine."""
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, ManagerPinScreen))
        await pilot.pause()
        assert app.screen.query_one("#pin", Input).cursor_blink is False
        await type_slowly(pilot, "1234")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ManagerScreen))
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ReportsScreen))
        await pilot.pause()
        assert [box.cursor_blink for box in app.screen.query(Input)] == [False] * 4


async def test_pin_digits_typed_before_the_field_has_the_focus_still_count(tmp_path):
    """A manager quicker than a busy till: keys that reach the PIN screen before its field has the
    focus were lost (the till's void test typed 4 digits and got 'Wrong PIN' on a loaded machine)."""
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, ManagerPinScreen))
        await pilot.pause()
        app.screen.set_focus(None)  # as before AUTO_FOCUS has run
        await pilot.pause()
        await type_slowly(pilot, "1234")
        assert app.screen.query_one("#pin", Input).value == "1234"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ManagerScreen))
