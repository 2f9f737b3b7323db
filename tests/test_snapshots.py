"""What each screen looks like (pytest-textual-snapshot). Data seeded as of a fixed day, the clock
frozen, cursor blink off. Update with ``pytest tests/test_snapshots.py --snapshot-update`` and
look at the report before committing."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Select

from pos_tui.sandbox.demo import GIFT, JANE, JOHN, WIDGETS
from pos_tui.tui.screens.confirm import ConfirmScreen
from pos_tui.tui.screens.customer import CustomerScreen
from pos_tui.tui.screens.earn import EarnScreen
from pos_tui.tui.screens.history import HistoryScreen
from pos_tui.tui.screens.receipt import ReceiptScreen
from pos_tui.tui.screens.redeem import RedeemScreen

from .till_helpers import make_app, scan, type_slowly, until

SIZE = (100, 32)


async def _customer(pilot, card):
    await scan(pilot, card)
    await until(pilot, lambda: isinstance(pilot.app.screen, CustomerScreen))
    await pilot.pause(0.1)


async def _earn_form(pilot):
    await _customer(pilot, JOHN["card_number"])
    await pilot.press("plus")
    await until(pilot, lambda: isinstance(pilot.app.screen, EarnScreen) and pilot.app.screen.campaigns)
    await until(pilot, lambda: pilot.app.screen.query_one("#campaign", Select).value == WIDGETS)
    await type_slowly(pilot, "9,95")


async def _receipt(pilot):
    await _earn_form(pilot)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, ReceiptScreen))
    await pilot.pause(0.1)


def test_scan_screen(snap_compare, tmp_path):
    assert snap_compare(make_app(tmp_path), terminal_size=SIZE)


def test_scan_screen_unknown_card(snap_compare, tmp_path):
    async def run_before(pilot):
        await scan(pilot, "1540280f")
        await until(pilot, lambda: pilot.app.unknown_card == "1540280f")
        pilot.app.clear_notifications()
        await pilot.pause(0.1)

    assert snap_compare(make_app(tmp_path), terminal_size=SIZE, run_before=run_before)


def test_customer_screen(snap_compare, tmp_path):
    async def run_before(pilot):
        await _customer(pilot, JOHN["card_number"])

    assert snap_compare(make_app(tmp_path), terminal_size=SIZE, run_before=run_before)


def test_customer_screen_all_five_kinds(snap_compare, tmp_path):
    async def run_before(pilot):
        await _customer(pilot, JANE["card_number"])

    assert snap_compare(make_app(tmp_path), terminal_size=(120, 32), run_before=run_before)


def test_earn_screen(snap_compare, tmp_path):
    assert snap_compare(make_app(tmp_path), terminal_size=SIZE, run_before=_earn_form)


def test_redeem_screen(snap_compare, tmp_path):
    async def run_before(pilot):
        await _customer(pilot, JOHN["card_number"])
        await pilot.press("minus")
        await until(pilot, lambda: isinstance(pilot.app.screen, RedeemScreen))
        await until(pilot, lambda: pilot.app.screen.query_one("#campaign", Select).value == WIDGETS)
        await pilot.pause(0.1)

    assert snap_compare(make_app(tmp_path), terminal_size=SIZE, run_before=run_before)


def test_receipt_screen(snap_compare, tmp_path):
    assert snap_compare(make_app(tmp_path), terminal_size=(100, 36), run_before=_receipt)


def test_void_confirmation(snap_compare, tmp_path):
    async def run_before(pilot):
        await _receipt(pilot)
        await pilot.press("v")
        await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        await pilot.pause(0.1)

    assert snap_compare(make_app(tmp_path), terminal_size=SIZE, run_before=run_before)


def test_history_screen(snap_compare, tmp_path):
    async def run_before(pilot):
        await _customer(pilot, JANE["card_number"])
        screen = pilot.app.screen
        screen.query_one("#campaigns", DataTable).move_cursor(row=[c.id for c in screen.info.campaigns].index(GIFT))
        await pilot.press("asterisk")
        await until(pilot, lambda: isinstance(pilot.app.screen, HistoryScreen) and pilot.app.screen.rows)
        await pilot.pause(0.1)

    assert snap_compare(make_app(tmp_path), terminal_size=SIZE, run_before=run_before)


def test_find_screen(snap_compare, tmp_path):
    async def run_before(pilot):
        await pilot.press("f2")
        await type_slowly(pilot, "doe")
        await pilot.press("enter")
        await until(pilot, lambda: pilot.app.screen.query_one("#matches", DataTable).row_count == 2)
        pilot.app.screen.query_one("#query", Input).focus()
        await pilot.pause(0.1)

    assert snap_compare(make_app(tmp_path), terminal_size=SIZE, run_before=run_before)
