"""The manager's screens in named states (snapshot tests; 80×24 and a large terminal)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Select

from pos_tui.tui.bigtable import BigTable
from pos_tui.tui.screens.dashboard import DashboardScreen
from pos_tui.tui.screens.manager import ManagerScreen, ShiftScreen
from pos_tui.tui.screens.manager_pin import ManagerPinScreen
from pos_tui.tui.screens.reports import ReportsScreen

from .steps import type_slowly, until

Scene = Callable[[Pilot[Any]], Awaitable[None]]


async def pin(pilot: Pilot[Any]) -> None:
    await pilot.press("f9")
    await until(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, ManagerPinScreen) and getattr(pilot.app.focused, "id", None) == "pin"
        ),  # on a busy machine focus comes later
    )
    await pilot.pause(0.1)


async def pin_wrong(pilot: Pilot[Any]) -> None:
    await pin(pilot)
    await type_slowly(pilot, "9999")
    await pilot.press("enter")
    await until(pilot, lambda: "Wrong" in str(pilot.app.screen.query_one("#pin-error").render()))
    await pilot.pause(0.1)


async def menu(pilot: Pilot[Any]) -> None:
    await pin(pilot)
    await type_slowly(pilot, "1234")
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, ManagerScreen))
    await pilot.pause(0.1)


async def dashboard(pilot: Pilot[Any]) -> None:
    await menu(pilot)
    await pilot.press("d")
    await until(
        pilot, lambda: isinstance(pilot.app.screen, DashboardScreen) and pilot.app.screen.query(".dash-spark")
    )
    await pilot.pause(0.2)


async def reports(pilot: Pilot[Any]) -> None:
    await menu(pilot)
    await pilot.press("r")
    await until(
        pilot, lambda: isinstance(pilot.app.screen, ReportsScreen) and pilot.app.screen.campaign_kinds
    )
    await pilot.press("f5")
    await until(pilot, lambda: pilot.app.screen.table_data.complete, timeout=30)  # type: ignore[attr-defined]
    await pilot.pause(0.2)


async def reports_sorted(pilot: Pilot[Any]) -> None:
    await reports(pilot)
    table = pilot.app.screen.query_one(BigTable)
    table.column = 3
    table.action_sort()
    table.action_sort()  # descending
    table.cursor = 2
    await pilot.pause(0.2)


async def reports_coalition(pilot: Pilot[Any]) -> None:
    """Balances across the coalition's stored value: the coalition's gift-card liability."""
    await menu(pilot)
    await pilot.press("r")
    await until(
        pilot, lambda: isinstance(pilot.app.screen, ReportsScreen) and pilot.app.screen.campaign_kinds
    )
    pilot.app.screen.query_one("#report-coalition", Select).value = "coalition_storedvalue"
    await pilot.press("f5")
    await until(pilot, lambda: pilot.app.screen.table_data.complete, timeout=30)  # type: ignore[attr-defined]
    await pilot.pause(0.2)


async def reports_changed_since(pilot: Pilot[Any]) -> None:
    """Customers changed since an ID, every campaign: the summary gives the next pull's ID."""
    await menu(pilot)
    await pilot.press("r")
    await until(
        pilot, lambda: isinstance(pilot.app.screen, ReportsScreen) and pilot.app.screen.campaign_kinds
    )
    screen = pilot.app.screen
    screen.query_one("#report-kind", Select).value = "customers_all"
    screen.query_one("#report-campaign", Select).clear()
    await until(pilot, lambda: screen.query_one("#report-delta").display)
    screen.query_one("#report-last", Input).focus()
    await type_slowly(pilot, "240")
    await pilot.press("enter")
    await until(pilot, lambda: screen.table_data.complete, timeout=30)  # type: ignore[attr-defined]
    screen.query_one(BigTable).focus()
    await pilot.pause(0.2)


async def x_report(pilot: Pilot[Any]) -> None:
    await menu(pilot)
    await pilot.press("x")
    await until(pilot, lambda: isinstance(pilot.app.screen, ShiftScreen) and pilot.app.screen.lines)
    await pilot.pause(0.1)


SCENES: dict[str, Scene] = {
    "manager-pin": pin,
    "manager-pin-wrong": pin_wrong,
    "manager-menu": menu,
    "manager-dashboard": dashboard,
    "manager-reports": reports,
    "manager-reports-sorted": reports_sorted,
    "manager-reports-coalition": reports_coalition,
    "manager-reports-changed-since": reports_changed_since,
    "manager-x-report": x_report,
}
SIZES = {"80x24": (80, 24), "large": (120, 36)}
