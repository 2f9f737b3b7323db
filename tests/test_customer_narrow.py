"""The customer screen at 80×24 shows every campaign's details whole; the palette's typing is no scan."""

from __future__ import annotations

import asyncio

from textual.command import CommandPalette
from textual.widgets import DataTable

from pos_tui.sandbox.demo import JOHN
from pos_tui.till.balances import details_text, rewards_text

from .till_helpers import customer_shown, make_app, scan, until


def slow_campaigns(app) -> None:
    """The campaign list answers after 0.6 s (a slow server): Earn sets up that long."""
    real = app.services.api.campaigns_list

    async def slow():
        await asyncio.sleep(0.6)
        return await real()

    app.services.api.campaigns_list = slow


async def test_at_80x24_every_detail_is_on_screen_whole(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, JOHN["card_number"])
        await until(pilot, lambda: customer_shown(app))
        await pilot.pause()
        table = app.screen.query_one("#campaigns", DataTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width  # nothing cut off
        for campaign in app.screen.info.campaigns:
            whole = "; ".join(p for p in (details_text(campaign), rewards_text(campaign)) if p)
            shown = table.get_row(campaign.id)[-1].plain
            assert " ".join(shown.splitlines()) == whole
        table.move_cursor(row=2)
        await pilot.resize_terminal(140, 30)  # wide: the Kind column is back, the highlight stays
        await pilot.pause()
        assert [c.label.plain for c in table.columns.values()] == ["Campaign", "Kind", "Balance", "Details"]
        assert table.cursor_row == 2


async def test_fast_typing_in_the_command_palette_is_never_a_scan(tmp_path):
    """Pilot types faster than any person (all keys at one instant, then Enter): in the palette
    that is a command, not a card "theme"."""
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await scan(pilot, "theme")
        await pilot.pause(0.2)
        assert app.unknown_card == ""
        assert not app.recent_scans  # no scan was handled at all


async def test_keys_typed_while_the_earn_screen_loads_are_kept_in_order(tmp_path):
    """A cashier types `+12.50⏎` without waiting: the campaigns are still loading (a slow server),
    so the amount field is not there yet. The keys wait and land in order; nothing is lost."""
    from textual.widgets import Input

    from pos_tui.sandbox.demo import WIDGETS
    from pos_tui.tui.screens.receipt import ReceiptScreen

    app = make_app(tmp_path)
    slow_campaigns(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, JOHN["card_number"])
        await until(pilot, lambda: customer_shown(app))
        app.last_campaign_id = WIDGETS
        await pilot.press("plus", "1", "2", "full_stop", "5", "0")
        screen = app.screen
        await until(pilot, lambda: screen.query("#points-amount") and not app.wedge.held and app.pump.idle)
        assert screen.query_one("#points-amount", Input).value == "12.50"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
        info = await app.services.api.customer_info(card_number=JOHN["card_number"])
        assert info.campaign(WIDGETS).balance == 1500 + 1250


async def test_typed_ahead_tab_moves_the_focus_before_the_next_key(tmp_path):
    """`+12` Tab `7` typed while the campaigns load: 12 is the amount, 7 the promotion id (each
    replayed key is handled before the next is routed). The promotions list cannot be read here,
    so the typed id field is offered (while it loads, and after) and takes the 7."""
    from textual.widgets import Input

    from pos_tui.sandbox.demo import WIDGETS

    app = make_app(tmp_path, faults="campaign_promos:http502=1")
    slow_campaigns(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, JOHN["card_number"])
        await until(pilot, lambda: customer_shown(app))
        app.last_campaign_id = WIDGETS
        await pilot.press("plus", "1", "2", "tab", "7")
        screen = app.screen
        await until(pilot, lambda: screen.accepts_keys)
        await pilot.pause(0.1)
        assert screen.query_one("#points-amount", Input).value == "12"
        assert screen.query_one("#promo", Input).value == "7"


async def test_typed_ahead_tab_reaches_the_promotion_choice(tmp_path):
    """`+12` Tab typed while the campaigns load, the promotions readable: 12 is the amount and the
    focus ends on the promotion choice, whether the list came before the Tab or after it."""
    from textual.widgets import Input

    from pos_tui.sandbox.demo import WIDGETS
    from pos_tui.tui.screens.promos import PromoRow, PromoSelect

    app = make_app(tmp_path)
    slow_campaigns(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, JOHN["card_number"])
        await until(pilot, lambda: customer_shown(app))
        app.last_campaign_id = WIDGETS
        await pilot.press("plus", "1", "2", "tab")
        screen = app.screen
        await until(pilot, lambda: screen.accepts_keys and screen.query_one(PromoRow).state == "listed")
        await until(pilot, lambda: isinstance(app.focused, PromoSelect))
        assert screen.query_one("#points-amount", Input).value == "12"


async def test_a_key_that_bubbles_back_to_the_app_passes_the_wedge_once(tmp_path):
    """An unhandled key bubbles from the focused widget back up to the app. Fed to the wedge a
    second time it doubled: two quick keys and Enter on a table became the "card" ``xxyy``."""
    from textual import events

    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, JOHN["card_number"])
        await until(pilot, lambda: customer_shown(app))
        await pilot.pause(0.2)
        scans_before = list(app.recent_scans)
        for key, character in (("x", "x"), ("y", "y"), ("enter", None)):
            event = events.Key(key, character)  # a person: each key shown before the next
            app.post_message(event)
            await pilot.pause(0.1)
        await pilot.pause(0.2)
        assert list(app.recent_scans) == scans_before  # "xy" is too short to be a card: no scan
        assert app.unknown_card == ""


async def test_keys_queued_behind_a_tab_go_where_the_tab_moved_the_focus(tmp_path):
    """The app fell behind: Tab, 3, 0, 0 (typed 150 ms apart) wait in its queue together. The
    3 must go to the field the Tab moves to, not to the rewards list the focus was still on."""
    from textual import events
    from textual._time import get_time
    from textual.widgets import Input

    from pos_tui.tui.screens.redeem import RedeemScreen

    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, JOHN["card_number"])
        await until(pilot, lambda: customer_shown(app))
        await pilot.press("minus")
        await until(pilot, lambda: isinstance(app.screen, RedeemScreen) and app.screen.accepts_keys)
        await pilot.pause(0.1)
        assert app.focused is not None and app.focused.id == "rewards"
        start = get_time() - 1.0
        for n, (key, character) in enumerate((("tab", None), ("3", "3"), ("0", "0"), ("0", "0"))):
            event = events.Key(key, character)
            event.time = start + n * 0.15  # a person's pace, handled late and all at once
            app.post_message(event)
        await until(pilot, lambda: app.screen.query_one("#custom-points", Input).value == "300")
