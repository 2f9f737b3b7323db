"""At the counter (issue 13): exact amounts, one thing per redemption, voids that need Y, honest
messages, the pending count, literal text from outside, quick campaign choice. Pilot tests."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import httpx
from textual.widgets import Footer, Input, OptionList, Static

from pos_tui.sandbox.demo import GIFT, JANE, JOHN, SHOPPER, WIDGETS
from pos_tui.tui.screens.confirm import ConfirmScreen
from pos_tui.tui.screens.customer import CustomerScreen
from pos_tui.tui.screens.earn import EarnScreen
from pos_tui.tui.screens.history import HistoryScreen
from pos_tui.tui.screens.receipt import ReceiptScreen
from pos_tui.tui.screens.redeem import RedeemScreen
from pos_tui.tui.widgets import PendingBadge

from .test_till import approve_with_pin, choose_campaign
from .till_helpers import customer_shown, make_app, scan, type_slowly, until

SIZE = (100, 32)


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def points_of(app, card: dict, campaign: str) -> Decimal:
    info = await app.services.api.customer_info(code=card["code"])
    return info.campaign(campaign).balance


async def open_card(pilot, card: dict) -> CustomerScreen:
    await scan(pilot, card["card_number"])
    await until(pilot, lambda: customer_shown(pilot.app))
    return pilot.app.screen


async def test_custom_points_redeem_only_the_custom_points(tmp_path):
    """John: 1,500 pts, the 1,000-pt reward affordable. Custom points 300 took 1,300 (the
    highlighted reward too); now it takes 300 and the screen says so before Enter."""
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_card(pilot, JOHN)
        await pilot.press("minus")
        screen = await choose_campaign(pilot, RedeemScreen, WIDGETS)
        screen.query_one("#custom-points", Input).focus()
        await type_slowly(pilot, "300")
        assert "Will deduct: 300 pts (custom points)" in text(screen, "#deduct")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
        assert await points_of(app, JOHN, WIDGETS) == 1200


async def test_custom_points_and_amount_together_are_refused(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_card(pilot, JOHN)
        await pilot.press("minus")
        screen = await choose_campaign(pilot, RedeemScreen, WIDGETS)
        assert "Will deduct: 1,000 pts (Free Widget)" in text(screen, "#deduct")
        screen.query_one("#custom-points", Input).focus()
        await type_slowly(pilot, "300")
        screen.query_one("#amount", Input).focus()
        await type_slowly(pilot, "2")
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert "not both" in text(screen, "#error") and isinstance(app.screen, RedeemScreen)
        assert await points_of(app, JOHN, WIDGETS) == 1500


async def test_amounts_are_exact_or_refused(tmp_path):
    """``-5`` was recorded as 5.00, ``1e9`` as 19, ``1,000`` as one unit, ``9.999`` rounded."""
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_card(pilot, JANE)
        await pilot.press("plus")
        screen = await choose_campaign(pilot, EarnScreen, GIFT)
        field = screen.query_one("#load-amount", Input)
        for typed, says in [
            ("-5", "negative"),
            ("1e9", "exponent"),
            ("1,000", "ambiguous"),
            ("9.9999", "decimals"),
        ]:
            field.value = ""
            field.focus()
            await type_slowly(pilot, typed)
            assert field.value == typed  # nothing silently dropped
            await pilot.press("enter")
            await until(pilot, lambda s=says: s in text(screen, "#error"))
            assert isinstance(app.screen, EarnScreen)
        info = await app.services.api.customer_info(code=JANE["code"])
        assert info.campaign(GIFT).balance == Decimal("55.70")


async def test_a_large_amount_asks_again_and_enter_never_answers(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_card(pilot, JANE)
        await pilot.press("plus")
        screen = await choose_campaign(pilot, EarnScreen, GIFT)
        screen.query_one("#load-amount", Input).focus()
        await type_slowly(pilot, "600")  # the store's default limit for a load is 500
        await pilot.press("enter")
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmScreen) and app.screen.query("#confirm-details")
        )
        assert "600.00" in text(app.screen, "#confirm-details")
        await pilot.press("enter", "enter")
        await pilot.pause(0.2)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await approve_with_pin(pilot)  # a void, or an amount over the limit: the manager's PIN
        await until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
        info = await app.services.api.customer_info(code=JANE["code"])
        assert info.campaign(GIFT).balance == Decimal("655.70")
        assert app.services.journal.entries()[-1].approver  # over the limit: approved and journalled


async def test_void_takes_y_not_enter_and_shows_money_without_references(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        customer = await open_card(pilot, JANE)
        await pilot.press("minus")
        screen = await choose_campaign(pilot, RedeemScreen, GIFT)
        screen.query_one("#amount", Input).focus()
        await type_slowly(pilot, "5")
        screen.query_one("#note", Input).focus()
        await type_slowly(pilot, "gift")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is customer)
        table = customer.query_one("#campaigns")
        table.move_cursor(row=[c.id for c in customer.info.campaigns].index(GIFT))
        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen) and app.screen.rows)
        await pilot.press("enter")
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmScreen) and app.screen.query("#confirm-details")
        )
        details = text(app.screen, "#confirm-details")
        assert "5.00 EUR" in details and "[pos:" not in details and "gift" in details
        await pilot.press("enter", "enter")  # Enter Enter voided before anyone read the dialog
        await pilot.pause(0.3)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await approve_with_pin(pilot)  # a void, or an amount over the limit: the manager's PIN
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
        await until(pilot, lambda: any("voided" in n.message for n in app._notifications))
        void = app.services.journal.entries()[-1]
        assert void.call == "transaction_delete" and void.approver  # who approved it is journalled
        info = await app.services.api.customer_info(code=JANE["code"])
        assert info.campaign(GIFT).balance == Decimal("55.70")


async def test_after_a_queued_earn_nothing_says_nothing_was_recorded(tmp_path):
    app = make_app(tmp_path)
    transport = app.services.transport
    real = transport.handle_async_request
    offline = {"on": False}

    async def maybe_offline(request):
        if offline["on"]:
            raise httpx.ConnectError("Network is unreachable", request=request)
        return await real(request)

    transport.handle_async_request = maybe_offline
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_card(pilot, JANE)
        offline["on"] = True
        await pilot.press("plus")
        await choose_campaign(pilot, EarnScreen, SHOPPER)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
        await pilot.press("escape")  # back to the customer: the lookup fails offline
        await until(pilot, lambda: any("Cannot reach" in n.message for n in app._notifications))
        said = " ".join(n.message for n in app._notifications)
        assert "Nothing was recorded" not in said and "try again" not in said.lower()


async def test_pending_is_visible_above_the_footer_from_start_up(tmp_path):
    import asyncio

    from pos_tui.api import requests as rq

    app = make_app(tmp_path)
    transport = app.services.transport

    slow = False

    async def down(request):
        if slow:
            await asyncio.sleep(3)  # the replay at start-up takes its time
        raise httpx.ConnectError("Network is unreachable", request=request)

    transport.handle_async_request = down
    earn = rq.EventsEarn(customer=rq.CustomerRef(code=JANE["code"]), campaign_id=SHOPPER, authorization="")
    outcome = await app.services.writer.submit(earn)  # refused at once (and retried twice): queued
    assert outcome.entry.state == "queued"
    slow = True
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        badge = app.screen.query_one(PendingBadge)
        footer = app.screen.query_one(Footer)
        assert app.pending == 1 and badge.display and "1 pending" in str(badge.render())
        assert badge.region.height == 1 and badge.region.y != footer.region.y
        assert "1&#160;pending" in app.export_screenshot()  # what the terminal shows


INJECTED = "[/x] [@click=app.quit]"


async def test_text_from_outside_is_shown_literally_everywhere(tmp_path):
    """A ``[/x]`` or ``[@click=app.quit]`` in any field the sandbox holds crashed the till."""
    from pos_tui.api import errors

    app = make_app(tmp_path)
    app.services.options.terminal = INJECTED
    db = sqlite3.connect(tmp_path / "training.db")
    with db:
        db.execute(
            "UPDATE customers SET first_name=?, last_name=?, phone=?, email=?, city=?, custom_field=?",
            ("[/x]", "[@click=app.quit]", INJECTED, INJECTED, INJECTED, INJECTED),
        )
        db.execute("UPDATE campaigns SET name = name || ?", (" " + INJECTED,))
        db.execute("UPDATE rewards SET description = description || ?", (" " + INJECTED,))
        db.execute("UPDATE items SET name = name || ?", (" " + INJECTED,))
        db.execute("UPDATE transactions SET description=?, user=?", (INJECTED, INJECTED))
        db.execute("UPDATE accounts SET business_name=?", (INJECTED,))
    db.close()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        customer = await open_card(pilot, JANE)
        assert "[/x] [@click=app.quit]" in text(customer, "#title")
        await pilot.press("plus")
        earn = await choose_campaign(pilot, EarnScreen, GIFT)
        earn.query_one("#load-amount", Input).focus()
        await type_slowly(pilot, "5")
        earn.query_one("#note", Input).focus()
        await type_slowly(pilot, "[/x]")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
        assert "[/x]" in text(app.screen, "#paper")
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await approve_with_pin(pilot)  # a void, or an amount over the limit: the manager's PIN
        await until(pilot, lambda: isinstance(app.screen, ReceiptScreen) and app.screen.voided)
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is customer)
        await pilot.press("minus")
        redeem = await choose_campaign(pilot, RedeemScreen, SHOPPER)
        assert INJECTED in " ".join(str(o.prompt) for o in redeem.query_one("#rewards", OptionList).options)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is customer)
        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen) and app.screen.rows)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is customer)

        async def refused(**kw):
            raise errors.ApiError([INJECTED])

        app.services.api.customer_info = refused
        await pilot.press("f5")
        await until(pilot, lambda: any(INJECTED in n.message for n in app._notifications))
        await pilot.press("escape")
        await pilot.press("f2")
        await type_slowly(pilot, "doe")
        await pilot.press("enter")
        await pilot.pause(0.5)
        await pilot.press("escape")
        await scan(pilot, "[/x]1234")
        await pilot.pause(0.3)
        assert app.is_running
        assert app.return_code is None


async def test_number_keys_pick_campaigns_and_arrows_stay_in_the_list(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_card(pilot, JANE)
        await pilot.press("plus")
        await until(pilot, lambda: isinstance(app.screen, EarnScreen) and app.screen.campaigns)
        screen = app.screen
        choices = screen.query_one("#campaign", OptionList)
        choices.focus()
        await pilot.press("down")
        await pilot.pause(0.1)
        assert app.focused is choices  # one arrow left the list before
        await pilot.press("down", "up", "down")
        await pilot.pause(0.1)
        assert app.focused is choices and choices.highlighted is not None
        number = [c.id for c in screen.campaigns].index(GIFT) + 1
        await pilot.press(str(number))
        await until(pilot, lambda: screen.campaign.id == GIFT)
        await pilot.pause()  # the focus moves when the app handles its queue (Widget.focus defers)
        assert app.focused is screen.query_one("#load-amount", Input)


async def test_a_new_cards_first_purchase_defaults_to_the_points_campaign(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.last_campaign_id = GIFT  # the last purchase was a gift-card load
        await scan(pilot, "77770001")
        await until(pilot, lambda: app.unknown_card == "77770001")
        await pilot.press("plus")
        await until(pilot, lambda: isinstance(app.screen, EarnScreen) and app.screen.campaign is not None)
        await pilot.pause()  # the focus moves when the app handles its queue (Widget.focus defers)
        assert app.screen.campaign.type == "points"
        assert app.focused is app.screen.query_one("#points-amount", Input)


async def test_a_voided_receipt_says_void_in_its_body_and_saved_text(tmp_path):
    from pos_tui.till.receipt import VOID_MARK

    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_card(pilot, JANE)
        await pilot.press("plus")
        screen = await choose_campaign(pilot, EarnScreen, GIFT)
        screen.query_one("#load-amount", Input).focus()
        await type_slowly(pilot, "5")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
        receipt = app.screen
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await approve_with_pin(pilot)  # a void, or an amount over the limit: the manager's PIN
        await until(pilot, lambda: receipt.voided)
        assert VOID_MARK in text(receipt, "#paper")  # the void slip (pos_tui.till.receipt.render_void_slip)
        await pilot.press("s")
        await until(pilot, lambda: list((tmp_path / "receipts").glob("*.txt")))
        saved = next((tmp_path / "receipts").glob("*.txt")).read_text()
        assert VOID_MARK in saved and "reversed" in saved.lower()


async def test_receipt_width_and_theme_are_remembered(tmp_path):
    import tomllib

    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        app.theme = "pos-high-contrast"
        await open_card(pilot, JANE)
        await pilot.press("plus")
        screen = await choose_campaign(pilot, EarnScreen, GIFT)
        screen.query_one("#load-amount", Input).focus()
        await type_slowly(pilot, "5")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
        await pilot.press("w")  # 42 -> 48
        config = tmp_path / "config.toml"
        await until(pilot, lambda: config.is_file() and "receipt_width" in config.read_text())
        await until(pilot, lambda: "theme" in config.read_text())
    saved = tomllib.loads(config.read_text())
    assert saved["receipt_width"] == 48 and saved["theme"] == "pos-high-contrast"


async def test_f1_shows_every_key_of_the_screen(tmp_path):
    from textual.widgets import HelpPanel

    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_card(pilot, JANE)
        await pilot.press("f1")
        await until(pilot, lambda: app.screen.query(HelpPanel))
        shown = str(app.screen.query_one(HelpPanel).query_one("KeyPanel").render())
        assert shown
        await pilot.press("f1")
        await until(pilot, lambda: not app.screen.query(HelpPanel))


async def test_find_by_phone_matches_the_digits_whatever_the_formatting(tmp_path):
    from textual.widgets import DataTable

    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        await pilot.press("f2")
        await type_slowly(pilot, "5555555")  # the demo's Does have 555-5555
        await pilot.press("enter")
        await until(
            pilot, lambda: "found" in text(app.screen, "#found") or "Nobody" in text(app.screen, "#found")
        )
        names = {str(app.screen.query_one("#matches", DataTable).get_row_at(r)[0]) for r in range(2)}
        assert {"John Doe", "Jane Doe"} <= names


async def test_a_first_purchase_can_register_the_customer(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await scan(pilot, "77770002")
        await until(pilot, lambda: app.unknown_card == "77770002")
        await pilot.press("plus")
        await until(pilot, lambda: isinstance(app.screen, EarnScreen) and app.screen.campaign is not None)
        screen = app.screen
        for field, value in (
            ("#new-name", "Ada Lovelace"),
            ("#new-phone", "555-7295"),
            ("#new-email", "ada@x.org"),
        ):
            screen.query_one(field, Input).focus()
            await type_slowly(pilot, value)
        screen.query_one("#points-amount", Input).focus()
        await type_slowly(pilot, "10")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
        info = await app.services.api.customer_info(card_number="77770002")
        assert info.customer.name == "Ada Lovelace" and info.customer.phone == "555-7295"
        assert info.customer.email == "ada@x.org"
        found = await app.services.api.customer_find("5557295")
        assert "77770002" in [c.card_number for c in found.customers]


async def test_keys_after_the_scan(tmp_path):
    """The closing note's counts: earn ``+ 995 Enter`` (2 keys + the amount), redeem a reward
    ``- Enter`` (2), custom redeem ``- Tab 300 Enter`` (3 + the points), void ``v y`` (2) and the
    manager's PIN and ``Enter``."""
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        customer = await open_card(pilot, JOHN)
        await pilot.press("plus")
        await until(pilot, lambda: isinstance(app.focused, Input) and app.focused.id == "points-amount")
        await type_slowly(pilot, "995")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await approve_with_pin(pilot)  # a void, or an amount over the limit: the manager's PIN
        await until(pilot, lambda: isinstance(app.screen, ReceiptScreen) and app.screen.voided)
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is customer)
        await pilot.press("minus")
        await until(pilot, lambda: isinstance(app.screen, RedeemScreen) and app.focused is not None)
        await until(pilot, lambda: app.focused.id == "rewards")
        await pilot.press("tab")
        assert app.focused.id == "custom-points"
        await type_slowly(pilot, "300")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
        assert await points_of(app, JOHN, WIDGETS) == 1200
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is customer)
        await pilot.press("minus")
        await until(pilot, lambda: isinstance(app.screen, RedeemScreen) and app.focused is not None)
        await until(pilot, lambda: app.focused.id == "rewards")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
        assert await points_of(app, JOHN, WIDGETS) == 200
