"""Pilot tests of the till's flows for all five campaign kinds, against the in-process sandbox."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from textual._time import get_time
from textual.widgets import DataTable, Input, OptionList, Static

from pos_tui.sandbox.demo import BUYER, EMPLOYEE, GIFT, JANE, JOHN, SHOPPER, WIDGETS
from pos_tui.tui.screens.confirm import ConfirmScreen
from pos_tui.tui.screens.customer import CustomerScreen
from pos_tui.tui.screens.earn import EarnScreen
from pos_tui.tui.screens.history import HistoryScreen
from pos_tui.tui.screens.receipt import ReceiptScreen
from pos_tui.tui.screens.redeem import RedeemScreen
from pos_tui.tui.screens.scan import ScanScreen

from .till_helpers import customer_shown, make_app, scan, type_slowly, until

SIZE = (110, 36)


async def balance(app, campaign_id):
    info = await app.services.api.customer_info(code=JANE["code"])
    return info.campaign(campaign_id)


async def open_jane(pilot):
    await scan(pilot, JANE["card_number"])
    await until(pilot, lambda: customer_shown(pilot.app))
    return pilot.app.screen


async def choose_campaign(pilot, screen_type, campaign_id):
    """Highlight a campaign in the screen's list and choose it, as a cashier does with arrows and Enter."""
    await until(pilot, lambda: isinstance(pilot.app.screen, screen_type) and pilot.app.screen.composed)
    screen = pilot.app.screen
    choices = screen.query_one("#campaign", OptionList)
    await until(pilot, lambda: any(o.id == campaign_id for o in choices.options))
    choices.highlighted = [o.id for o in choices.options].index(campaign_id)
    choices.action_select()
    await until(pilot, lambda: screen.campaign is not None and screen.campaign.id == campaign_id)
    await pilot.pause(0.1)
    return screen


async def test_a_scan_opens_the_customer_wherever_the_focus_is(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, ScanScreen)
        assert app.focused is app.screen.query_one("#card", Input)
        await scan(pilot, JOHN["card_number"])
        await until(pilot, lambda: customer_shown(app))
        assert app.screen.info.customer.name == "John Doe"
        scan_screen = app.screen_stack[0]  # the reader's keys typed nothing into the card field below
        assert isinstance(scan_screen, ScanScreen) and scan_screen.query_one("#card", Input).value == ""
        table = app.screen.query_one("#campaigns", DataTable)
        assert table.row_count == 3
        # Mid-earn, with an amount field focused, a scan is still a scan (and types nothing).
        await pilot.press("plus")
        screen = await choose_campaign(pilot, EarnScreen, WIDGETS)
        field = screen.query_one("#points-amount", Input)
        field.focus()
        await scan(pilot, JANE["card_number"])
        await until(
            pilot,
            lambda: isinstance(app.screen, CustomerScreen) and app.screen.info.customer.code == JANE["code"],
        )
        assert field.value == ""


async def test_rescanning_the_same_card_keeps_the_form(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_jane(pilot)
        await pilot.press("plus")
        screen = await choose_campaign(pilot, EarnScreen, GIFT)
        screen.query_one("#load-amount", Input).value = "25"
        await scan(pilot, JANE["card_number"])
        await pilot.pause(0.3)
        assert app.screen is screen and screen.query_one("#load-amount", Input).value == "25"


async def test_typing_a_card_number_by_hand(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await type_slowly(pilot, "1212121212")
        assert app.screen.query_one("#card", Input).value == "1212121212"
        await pilot.press("enter")
        await until(pilot, lambda: customer_shown(app))
        assert app.screen.info.customer.code == JOHN["code"]


async def test_magstripe_and_failed_reads(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await scan(pilot, "%E?")
        await pilot.pause(0.1)
        assert any("swipe again" in n.message for n in app._notifications)
        await scan(pilot, "%B11112222^DOE/JANE^2512?")
        await until(pilot, lambda: customer_shown(app))
        assert app.screen.info.customer.code == JANE["code"]


async def test_an_identical_scan_within_a_second_is_looked_up_once(tmp_path):
    app = make_app(tmp_path)
    calls = []
    real = app.services.api.customer_info

    async def counting(**kw):
        calls.append(kw)
        return await real(**kw)

    app.services.api.customer_info = counting
    async with app.run_test(size=SIZE) as pilot:
        sent = get_time()  # the reader's own timestamps: half a second apart, however late handled
        await scan(pilot, JOHN["card_number"], at=sent)
        await scan(pilot, JOHN["card_number"], at=sent + 0.5)
        await until(pilot, lambda: customer_shown(app))
        await pilot.pause(0.2)
        assert len(calls) == 1


async def test_scans_two_seconds_apart_are_both_looked_up_even_when_handled_together(tmp_path):
    """A stalled loop hands both scans over at once: the reader's timestamps decide, not handling."""
    app = make_app(tmp_path)
    calls = []
    real = app.services.api.customer_info

    async def counting(**kw):
        calls.append(kw)
        return await real(**kw)

    app.services.api.customer_info = counting
    async with app.run_test(size=SIZE) as pilot:
        sent = get_time()
        await scan(pilot, JOHN["card_number"], at=sent - 2.0)
        await scan(pilot, JOHN["card_number"], at=sent)
        await until(pilot, lambda: customer_shown(app))
        await pilot.pause(0.2)
        assert len(calls) == 2


async def test_unknown_card_offers_an_earn_that_creates_the_customer(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await scan(pilot, "1540280f")
        await until(pilot, lambda: app.unknown_card == "1540280f")
        assert "No customer has card 1540280f" in str(app.screen.query_one("#unknown", Static).render())
        await pilot.press("plus")
        await choose_campaign(pilot, EarnScreen, SHOPPER)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReceiptScreen) and app.screen.query("#paper"))
        await pilot.press("enter")
        await until(pilot, lambda: customer_shown(app))
        assert app.screen.info.customer.card_number == "1540280f"
        assert app.screen.info.campaign(SHOPPER).balance == 1


EARNS = [
    (WIDGETS, "points", "#points-amount", "9,95", "5,685 pts"),
    (GIFT, "giftcard", "#load-amount", "20", "€75.70"),
    (BUYER, "buyx", None, None, "Coffees 13"),
    (SHOPPER, "events", None, None, "22 visits"),
    (EMPLOYEE, "earned", None, None, "40.50"),
]


@pytest.mark.parametrize("campaign, kind, field, value, expect", EARNS, ids=[e[1] for e in EARNS])
async def test_earn_of_each_kind(tmp_path, campaign, kind, field, value, expect):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_jane(pilot)
        await pilot.press("plus")
        screen = await choose_campaign(pilot, EarnScreen, campaign)
        if field:
            screen.query_one(field, Input).focus()
            await type_slowly(pilot, value)
        if kind == "buyx":
            items = screen.query_one("#item", OptionList)
            await until(pilot, lambda: any(o.id == "96" for o in items.options))
            items.highlighted = [o.id for o in items.options].index("96")
            screen.query_one("#quantity", Input).focus()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReceiptScreen) and app.screen.query("#paper"))
        receipt = app.screen.receipt
        assert (receipt.kind, receipt.action) == (kind, "earn")
        paper = str(app.screen.query_one("#paper", Static).render())
        assert "TRAINING — NOT A RECEIPT" in paper
        await pilot.press("enter")
        await until(
            pilot, lambda: isinstance(app.screen, CustomerScreen) and expect in _table_text(app.screen)
        )
        assert app.last_campaign_id == campaign


def _table_text(screen) -> str:
    table = screen.query_one("#campaigns", DataTable)
    return " ".join(str(cell) for row in range(table.row_count) for cell in table.get_row_at(row))


REDEEMS = [
    (WIDGETS, "points", None, "3,690 pts"),
    (GIFT, "giftcard", "10", "€45.70"),
    (BUYER, "buyx", None, "Coffees 2"),
    (SHOPPER, "events", None, "16 visits"),  # the first reward the balance covers: 5 visits
    (EMPLOYEE, "earned", "6", "30.00"),
]


@pytest.mark.parametrize("campaign, kind, amount, expect", REDEEMS, ids=[r[1] for r in REDEEMS])
async def test_redeem_of_each_kind(tmp_path, campaign, kind, amount, expect):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_jane(pilot)
        await pilot.press("minus")
        screen = await choose_campaign(pilot, RedeemScreen, campaign)
        if amount:
            screen.query_one("#amount", Input).focus()
            await type_slowly(pilot, amount)
        else:
            assert app.focused is screen.query_one("#rewards", OptionList)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReceiptScreen) and app.screen.query("#paper"))
        assert (app.screen.receipt.kind, app.screen.receipt.action) == (kind, "redeem")
        await pilot.press("escape")
        await until(
            pilot, lambda: isinstance(app.screen, CustomerScreen) and expect in _table_text(app.screen)
        )


async def test_rewards_the_balance_cannot_cover_are_shown_but_not_choosable(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await scan(pilot, JOHN["card_number"])
        await until(pilot, lambda: customer_shown(app))
        await pilot.press("minus")
        screen = await choose_campaign(pilot, RedeemScreen, WIDGETS)
        options = screen.query_one("#rewards", OptionList).options
        assert [(str(o.prompt), o.disabled) for o in options] == [
            ("Free Widget — 1,000 pts", False),
            ("Free bigger widget — 2,500 pts  (not enough balance)", True),
        ]


async def test_a_refusal_is_explained_and_the_form_is_kept(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_jane(pilot)
        await pilot.press("minus")
        screen = await choose_campaign(pilot, RedeemScreen, GIFT)
        field = screen.query_one("#amount", Input)
        field.focus()
        await type_slowly(pilot, "99")
        await pilot.press("enter")
        await until(pilot, lambda: "Not enough balance" in str(screen.query_one("#error", Static).render()))
        assert field.value == "99" and isinstance(app.screen, RedeemScreen)
        assert (await balance(app, GIFT)).balance == Decimal("55.70")


async def test_bad_input_gets_a_clear_message(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_jane(pilot)
        await pilot.press("plus")
        screen = await choose_campaign(pilot, EarnScreen, GIFT)
        screen.query_one("#load-amount", Input).focus()
        await type_slowly(pilot, "0,00")
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert "more than zero" in str(screen.query_one("#error", Static).render())
        assert isinstance(app.screen, EarnScreen)


async def test_one_submit_per_action(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_jane(pilot)
        await pilot.press("plus")
        screen = await choose_campaign(pilot, EarnScreen, SHOPPER)
        screen.action_confirm()
        screen.action_confirm()
        screen.action_confirm()
        await until(pilot, lambda: isinstance(app.screen, ReceiptScreen) and app.screen.query("#paper"))
        await pilot.pause(0.3)
        assert (await balance(app, SHOPPER)).balance == 22


async def approve_with_pin(pilot):
    """A void needs the manager PIN (training: 1234)."""
    from pos_tui.tui.screens.manager_pin import ManagerPinScreen

    # The PIN field sits in a container that mounts in its own task: typed before it has the
    # focus, the digits would be lost.
    await until(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, ManagerPinScreen)
            and getattr(pilot.app.screen.focused, "id", None) == "pin"
        ),
    )
    await type_slowly(pilot, "1234")
    await pilot.press("enter")


async def test_void_from_the_receipt_reverses_exactly(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_jane(pilot)
        await pilot.press("plus")
        screen = await choose_campaign(pilot, EarnScreen, GIFT)
        screen.query_one("#load-amount", Input).focus()
        await type_slowly(pilot, "12.5")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReceiptScreen) and app.screen.query("#paper"))
        assert (await balance(app, GIFT)).balance == Decimal("68.20")
        await pilot.press("v")
        # The details sit in a container that mounts in its own task: wait for them, not the screen.
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmScreen) and app.screen.query("#confirm-details")
        )
        details = str(app.screen.query_one("#confirm-details", Static).render())
        assert "removes the €12.50 loaded" in details and "Jane Doe" in details
        await pilot.press("y")
        await approve_with_pin(pilot)
        await until(pilot, lambda: isinstance(app.screen, ReceiptScreen) and app.screen.voided)
        assert (await balance(app, GIFT)).balance == Decimal("55.70")


async def test_void_from_the_history(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_jane(pilot)
        table = screen.query_one("#campaigns", DataTable)
        table.move_cursor(row=[c.id for c in screen.info.campaigns].index(GIFT))
        await pilot.press("asterisk")
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen) and app.screen.rows)
        assert [r.amount for r in app.screen.rows] == [Decimal("-44.30"), Decimal("100.00")]
        await pilot.press("enter")  # the most recent: the 44.30 spend
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("escape")  # no: nothing happens
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
        assert (await balance(app, GIFT)).balance == Decimal("55.70")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await approve_with_pin(pilot)
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen) and len(app.screen.rows) == 1)
        assert (await balance(app, GIFT)).balance == Decimal("100.00")


async def test_find_a_customer_without_a_card(tmp_path):
    from pos_tui.tui.screens.find import FindScreen

    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, FindScreen))
        await type_slowly(pilot, "jane doe")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.query_one("#matches", DataTable).row_count == 1)
        await pilot.press("enter")
        await until(pilot, lambda: customer_shown(app))
        assert app.screen.info.customer.code == JANE["code"]


async def test_receipt_width_and_export(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_jane(pilot)
        await pilot.press("plus")
        await choose_campaign(pilot, EarnScreen, SHOPPER)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReceiptScreen) and app.screen.query("#paper"))
        await pilot.press("w")  # 42 -> 48
        await pilot.press("s")
        await until(pilot, lambda: list((tmp_path / "receipts").glob("*-48.txt")))
        text = next((tmp_path / "receipts").glob("*-48.txt")).read_text()
        assert max(len(line) for line in text.splitlines()) == 48
        assert text.startswith("TRAINING — NOT A RECEIPT".center(48).rstrip())


async def test_network_failure_is_explained_and_nothing_is_half_done(tmp_path):
    from pos_tui.api import errors

    app = make_app(tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_jane(pilot)

        async def down(**kw):
            raise errors.NotSentError("Could not reach the loyalty server (refused)")

        app.services.api.customer_info = down
        await pilot.press("f5")
        await pilot.pause(0.2)
        assert any("Cannot reach" in n.message for n in app._notifications)
        assert app.screen is screen and app.busy == ""
        # Nothing half done: the customer's balances shown before the refresh are still there.
        assert screen.info.customer.code == JANE["code"]
        assert screen.query_one("#campaigns", DataTable).row_count == len(screen.info.campaigns) == 5


async def test_a_dropped_answer_is_confirmed_by_reading_not_repeated(tmp_path):
    app = make_app(tmp_path, faults="record_activity:after_commit=1")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_jane(pilot)
        await pilot.press("plus")
        await choose_campaign(pilot, EarnScreen, SHOPPER)
        await pilot.press("enter")
        await until(
            pilot, lambda: isinstance(app.screen, CustomerScreen) and "22 visits" in _table_text(app.screen)
        )
        assert any("confirmed after a connection problem" in n.message for n in app._notifications)
        assert app.pending == 0


async def test_an_unknown_outcome_is_said_plainly_and_the_card_waits(tmp_path):
    from pos_tui.sandbox.faults import FaultPlan
    from pos_tui.tui.widgets import PendingBadge

    app = make_app(
        tmp_path,
        faults="record_activity:after_commit=1,customer_balance:http502=1,transactions_all:http502=1",
    )
    sandbox = app.services.sandbox  # the in-process sandbox behind the client
    async with app.run_test(size=SIZE) as pilot:
        await open_jane(pilot)
        await pilot.press("plus")
        screen = await choose_campaign(pilot, EarnScreen, SHOPPER)
        await pilot.press("enter")
        await until(
            pilot, lambda: "MAY have been recorded" in str(screen.query_one("#error", Static).render())
        )
        assert app.pending == 1 and isinstance(app.screen, EarnScreen)
        assert "1 pending" in str(app.screen.query_one(PendingBadge).render())
        await pilot.press("enter")  # the cashier tries again: the card waits
        await until(pilot, lambda: "not confirmed yet" in str(screen.query_one("#error", Static).render()))
        sandbox.faults = FaultPlan()  # the network heals
        app.replay_journal()
        await until(pilot, lambda: app.pending == 0)
        assert (await balance(app, SHOPPER)).balance == 22  # recorded once


async def test_offline_earn_prints_a_pending_receipt_and_is_sent_later(tmp_path):
    import httpx

    from pos_tui.tui.widgets import PendingBadge

    app = make_app(tmp_path)
    transport = app.services.transport
    real = transport.handle_async_request
    offline = {"on": False}

    async def maybe_offline(request):
        if offline["on"]:
            raise httpx.ConnectError("Network is unreachable", request=request)
        return await real(request)

    transport.handle_async_request = maybe_offline
    async with app.run_test(size=SIZE) as pilot:
        await open_jane(pilot)
        offline["on"] = True
        await pilot.press("plus")
        screen = await choose_campaign(pilot, EarnScreen, SHOPPER)
        await pilot.press("enter")
        await until(
            pilot, lambda: isinstance(app.screen, ReceiptScreen) and app.screen.query("#paper"), timeout=15
        )
        paper = str(app.screen.query_one("#paper", Static).render())
        assert "PENDING — will be sent when online" in paper and app.pending == 1
        assert "1 pending" in str(app.screen.query_one(PendingBadge).render())
        await pilot.press("escape")
        await until(pilot, lambda: customer_shown(app))
        await pilot.press("minus")
        redeem = await choose_campaign(pilot, RedeemScreen, GIFT)
        redeem.query_one("#amount", Input).focus()
        await type_slowly(pilot, "1")
        await pilot.press("enter")
        await until(
            pilot,
            lambda: (
                "cannot be checked offline" in str(redeem.query_one("#error", Static).render())
                or "Cannot reach" in str(redeem.query_one("#error", Static).render())
            ),
            timeout=15,
        )
        offline["on"] = False
        app.replay_journal()
        await until(pilot, lambda: app.pending == 0)
        assert (await balance(app, SHOPPER)).balance == 22
        assert screen is not None


def johns_card_as_read(read_at: float) -> list[Any]:
    """John's card and Enter as the input thread posts one read of them: every key stamped with
    the read's time."""
    from textual import events
    from textual.keys import _character_to_key

    keys = [events.Key(_character_to_key(c), c) for c in JOHN["card_number"]] + [events.Key("enter", None)]
    for key in keys:
        key.time = read_at
    return keys


async def post_in_two_pieces_and_expect_john(
    app: Any, pilot: Any, keys: list[Any], between: Callable[[], None] = lambda: None
) -> None:
    """A lagging loop gets the first four keys, then the rest 300 ms later (``between`` runs in
    that gap); the scan stays whole: John is shown and nothing was typed into the card field."""
    for key in keys[:4]:
        app.post_message(key)
    await pilot.pause(0.3)
    between()
    for key in keys[4:]:
        app.post_message(key)
    await until(pilot, lambda: customer_shown(app))
    assert app.screen.info.customer.name == "John Doe"
    assert app.screen_stack[0].query_one("#card", Input).value == ""


async def test_a_scan_whose_keys_reach_a_lagging_loop_in_pieces_stays_whole(tmp_path, monkeypatch):
    """The input thread read the whole burst at once (one time on every key), but a busy loop gets
    its keys in pieces, 300 ms apart. The clock then says "no key followed": only the parser's count
    of keys read shows that more are queued. The scan stays whole and nothing is typed."""
    from pos_tui.tui import readtime

    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        monkeypatch.setattr(readtime, "keys_read", lambda: app.keys_seen + 5)  # the read is ahead
        keys = johns_card_as_read(get_time() - 0.3)  # read a while ago: the loop is that far behind
        await post_in_two_pieces_and_expect_john(app, pilot, keys)


async def test_a_scan_read_seconds_before_a_lagging_loop_gets_it_stays_whole(tmp_path, monkeypatch):
    """A throttled till (a cgroup's CPU quota, here and in the field a loaded PC) handled keys
    3.5 s after the input thread read them, in pieces. "How long may read keys stay queued" was
    measured from the keys' own (old) time, so it had run out before the first piece was handled:
    the first four keys were typed and ``0037`` became a scan of its own. Waiting for queued keys
    runs out only when none of them arrives for a while."""
    from pos_tui.tui import readtime

    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        keys = johns_card_as_read(get_time() - 3.5)
        read = app.keys_seen + len(keys)  # one read held the whole burst
        monkeypatch.setattr(readtime, "keys_read", lambda: read)
        await post_in_two_pieces_and_expect_john(app, pilot, keys)


async def test_a_read_still_being_parsed_holds_its_first_keys_back(tmp_path, monkeypatch):
    """The input thread posts a read's keys one by one as it parses them; between two of them the
    loop may find every key counted so far handled. While a read is being parsed, its first keys
    are not a person's typing yet."""
    from pos_tui.tui import readtime

    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        keys = johns_card_as_read(get_time())
        counted = {"n": app.keys_seen + 4, "parsing": True}  # four keys parsed so far
        monkeypatch.setattr(readtime, "keys_read", lambda: counted["n"])
        monkeypatch.setattr(readtime, "parsing", lambda: counted["parsing"])

        def rest_parsed() -> None:  # the input thread lost the CPU mid-read, then goes on
            # held, not typed: without this the scan still ended whole (its shown keys were taken
            # back), so only the card field during the pause tells the wait held them
            assert app.screen_stack[0].query_one("#card", Input).value == ""
            counted["n"] += len(keys) - 4
            counted["parsing"] = False

        await post_in_two_pieces_and_expect_john(app, pilot, keys, between=rest_parsed)


async def test_every_key_read_is_counted_as_seen_private_ones_too(tmp_path):
    """Keys typed into the command palette (private: never a scan) were not counted as seen, so the
    count of keys read ran ahead for good and every key a person typed afterwards waited out the
    patience for "queued" keys before it showed."""
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        before = app.keys_seen
        await pilot.press("ctrl+p")
        await until(pilot, lambda: type(app.screen).__name__ == "CommandPalette")
        await pilot.press("t", "h", "escape")
        await until(pilot, lambda: isinstance(app.screen, ScanScreen))
        assert app.keys_seen - before == 4


async def test_two_pieces_of_work_under_way_never_clear_each_others_busy_line(tmp_path):
    """A search and a card lookup overlap: the search ends first, the lookup is still shown."""
    import asyncio

    from pos_tui.tui.screens.find import FindScreen
    from pos_tui.tui.widgets import BusyLine

    app = make_app(tmp_path)
    transport = app.services.transport
    real = transport.handle_async_request
    gates = {"customer_find": asyncio.Event(), "customer_info": asyncio.Event()}

    async def gated(request):
        body = request.content.decode()
        for call, gate in gates.items():
            if f"type={call}" in body:
                await gate.wait()
        return await real(request)

    transport.handle_async_request = gated
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, FindScreen))
        app.screen.find("Doe")
        await until(pilot, lambda: app.busy == "Searching for Doe…")
        await scan(pilot, JOHN["card_number"])
        await until(pilot, lambda: app.busy == f"Looking up {JOHN['card_number']}…")
        gates["customer_find"].set()  # the search answers first
        await until(pilot, lambda: "found" in str(app.screen.query_one("#found", Static).render()))
        assert app.busy == f"Looking up {JOHN['card_number']}…"  # the lookup is still under way
        assert app.screen.query_one(BusyLine).has_class("-busy")
        gates["customer_info"].set()
        await until(pilot, lambda: customer_shown(app))
        assert app.busy == ""


async def test_composed_children_are_mounted_before_the_parents_mount():
    """The fact the till's screens stand on (they set up in on_mount, no waiting): Textual mounts
    every widget a screen composes, nested in containers, before the screen's own Mount."""
    from textual.app import App
    from textual.containers import Horizontal, Vertical
    from textual.screen import Screen
    from textual.widgets import Checkbox

    seen: list[bool] = []

    class Nested(Screen[None]):
        def compose(self):
            with Vertical(), Horizontal():
                yield Input(id="deep")
                with Vertical(), Horizontal():
                    yield Checkbox(id="deeper")
                    yield OptionList(id="deepest")

        def on_mount(self) -> None:
            found = [self.query_one(f"#{name}") for name in ("deep", "deeper", "deepest")]
            seen.append(all(widget.is_mounted for widget in found))

    async with App[None]().run_test() as pilot:
        for _ in range(10):
            await pilot.app.push_screen(Nested())
            await pilot.app.pop_screen()
        await pilot.pause()
    assert seen == [True] * 10
