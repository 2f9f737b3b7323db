"""The till's screens in named states, driven by Pilot. Used by the snapshot tests and by
``screenshots/generate.py`` so the pictures in the README are the screens the tests pin."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from pos_tui.sandbox.demo import GIFT, JANE, JOHN, WIDGETS
from pos_tui.tui.screens.confirm import ConfirmScreen
from pos_tui.tui.screens.customer import CustomerScreen
from pos_tui.tui.screens.earn import EarnScreen
from pos_tui.tui.screens.history import HistoryScreen
from pos_tui.tui.screens.promos import PromoRow
from pos_tui.tui.screens.receipt import ReceiptScreen
from pos_tui.tui.screens.redeem import RedeemScreen

from .steps import customer_shown, scan, type_slowly, until

Scene = Callable[[Pilot[Any]], Awaitable[None]]


async def scan_screen(pilot: Pilot[Any]) -> None:
    await pilot.pause(0.1)


async def unknown_card(pilot: Pilot[Any]) -> None:
    await scan(pilot, "1540280f")
    await until(pilot, lambda: getattr(pilot.app, "unknown_card", None) == "1540280f")
    pilot.app.clear_notifications()
    await pilot.pause(0.1)


async def _customer(pilot: Pilot[Any], card: str) -> None:
    await scan(pilot, card)
    await until(pilot, lambda: customer_shown(pilot.app))
    await pilot.pause(0.1)


async def customer(pilot: Pilot[Any]) -> None:
    await _customer(pilot, JOHN["card_number"])


async def customer_five_kinds(pilot: Pilot[Any]) -> None:
    await _customer(pilot, JANE["card_number"])


async def earn(pilot: Pilot[Any]) -> None:
    await customer(pilot)
    await pilot.press("plus")
    await until(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, EarnScreen)
            and pilot.app.screen.composed
            and pilot.app.screen.campaigns
        ),
    )
    await until(pilot, lambda: getattr(getattr(pilot.app.screen, "campaign", None), "id", None) == WIDGETS)
    await until(pilot, lambda: pilot.app.screen.query_one(PromoRow).state == "listed")
    await type_slowly(pilot, "9,95")


async def redeem(pilot: Pilot[Any]) -> None:
    await customer(pilot)
    await pilot.press("minus")
    # Composed first: before that the campaign list may not exist (reading it raised NoMatches).
    await until(pilot, lambda: isinstance(pilot.app.screen, RedeemScreen) and pilot.app.screen.composed)
    await until(pilot, lambda: getattr(getattr(pilot.app.screen, "campaign", None), "id", None) == WIDGETS)
    await pilot.pause(0.1)


async def receipt(pilot: Pilot[Any]) -> None:
    await earn(pilot)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, ReceiptScreen))
    await until(pilot, lambda: pilot.app.services.store is not None)  # type: ignore[attr-defined]
    await pilot.pause(0.1)


async def receipt_print_fault(pilot: Pilot[Any]) -> None:
    from pos_tui.printing import Printer

    await receipt(pilot)
    pilot.app.services.printer = Printer("file:/nonexistent/usb/lp0")  # type: ignore[attr-defined]
    await pilot.press("p")
    await until(pilot, lambda: any(n.title == "Not printed" for n in pilot.app._notifications))
    await pilot.pause(0.1)


async def void(pilot: Pilot[Any]) -> None:
    await receipt(pilot)
    await pilot.press("v")
    await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
    await pilot.pause(0.1)


async def history(pilot: Pilot[Any]) -> None:
    await customer_five_kinds(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CustomerScreen)
    screen.query_one("#campaigns", DataTable).move_cursor(
        row=[c.id for c in screen.info.campaigns].index(GIFT)
    )
    await pilot.press("asterisk")
    await until(pilot, lambda: isinstance(pilot.app.screen, HistoryScreen) and pilot.app.screen.rows)
    await pilot.pause(0.1)


async def find(pilot: Pilot[Any]) -> None:
    await pilot.press("f2")
    await type_slowly(pilot, "doe")
    await pilot.press("enter")
    await until(pilot, lambda: pilot.app.screen.query_one("#matches", DataTable).row_count == 2)
    pilot.app.screen.query_one("#query", Input).focus()
    await pilot.pause(0.1)


async def setup(pilot: Pilot[Any]) -> None:
    from pos_tui.tui.screens.setup import SetupScreen

    reason = "This till has no loyalty account yet (no loyalty account is set up)."
    await pilot.app.push_screen(SetupScreen(reason, api_url="https://api.clienttoolbox.com/api.php"))
    await pilot.pause(0.1)


#: name -> (terminal size, scene)
SCENES: dict[str, tuple[tuple[int, int], Scene]] = {
    "scan": ((100, 32), scan_screen),
    "scan-unknown-card": ((100, 32), unknown_card),
    "customer": ((100, 32), customer),
    "customer-five-kinds": ((120, 32), customer_five_kinds),
    "earn": ((100, 32), earn),
    "redeem": ((100, 32), redeem),
    "receipt": ((100, 36), receipt),
    "receipt-print-fault": ((80, 24), receipt_print_fault),
    "void": ((100, 32), void),
    "history": ((100, 32), history),
    "find": ((100, 32), find),
    "setup": ((100, 32), setup),
}

# Every screen at 80×24 as well (issue 13: the smallest terminal a till has must be fully usable).
for _name, (_size, _scene) in list(SCENES.items()):
    SCENES[f"{_name}-80x24"] = ((80, 24), _scene)
