"""The manager's area (behind the manager PIN): dashboard, reports, X and Z reports."""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from ...api import errors
from ..wording import explain
from .base import TillScreen
from .confirm import ConfirmScreen

MENU = (
    "D  Dashboard — customers, transactions, activity per campaign",
    "R  Reports — balances, customers, transactions; liability; CSV export",
    "X  X report — this till's shift so far (any time)",
    "Z  Z report — close the shift (numbered, once)",
    "Escape  back to the till",
)


log = logging.getLogger("pos_tui.manager")


class ManagerScreen(TillScreen):
    TITLE = "Manager"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "dashboard", "Dashboard"),
        Binding("r", "reports", "Reports"),
        Binding("x", "shift('X')", "X report"),
        Binding("z", "shift('Z')", "Z report"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, approver: str = "") -> None:
        super().__init__()
        self.approver = approver

    def compose_body(self) -> ComposeResult:
        with Vertical(id="manager-menu", classes="panel"):
            yield Static(Text("\n".join(MENU)))
            if self.approver:
                yield Static(Text(f"Approved by: {self.approver}"), classes="hint")

    def action_dashboard(self) -> None:
        from .dashboard import DashboardScreen

        self.app.push_screen(DashboardScreen())

    def action_reports(self) -> None:
        from .reports import ReportsScreen

        self.app.push_screen(ReportsScreen())

    def action_shift(self, kind: str) -> None:
        self.app.push_screen(ShiftScreen(kind))

    def action_back(self) -> None:
        self.app.pop_screen()


class ShiftScreen(TillScreen):
    """Shows an X report, or asks, then takes the Z report. ``lines`` is the printable text."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("f5", "again", "Refresh (X)"),
        Binding("p", "print", "Print"),
    ]

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind
        self.lines: list[str] = []
        self.report: Any = None

    def heading(self) -> str:
        return "Manager — X report" if self.kind == "X" else "Manager — Z report (close the shift)"

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="shift"):
            yield Static("Reading the journal and the loyalty service…", id="shift-text")

    def on_mount(self) -> None:
        self.run_shift()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_again(self) -> None:
        if self.kind == "X":
            self.run_shift()

    def action_print(self) -> None:
        printer = self.till.services.printer
        if not self.lines:
            self.notify("Nothing to print yet.", severity="warning")
            return
        if printer is None or not printer.enabled:
            self.notify("No printer is set up (the printer setting, or POS_TUI_PRINTER).", severity="warning")
            return
        self._printing = self.till.start_busy("Printing…")
        self.print_report(printer, [printer.fold(line) for line in self.lines])

    @work(group="print", exit_on_error=False, thread=True)
    def print_report(self, printer: Any, lines: list[str]) -> None:
        """Print the report's lines (a thread: the UI never waits on the printer)."""
        from ...printing import PrinterFault

        try:
            printer.print_text(lines)
            problem = ""
        except PrinterFault as exc:
            problem = str(exc)
        except Exception:  # a driver's bug: the trace to the log, words to the manager
            log.exception("printing the %s report failed", self.kind)
            problem = "The printer failed (details in the log). Print again."
        self.app.call_from_thread(self._printed, problem)

    def _printed(self, problem: str) -> None:
        self.till.end_busy(self._printing)
        if problem:
            self.notify(problem, title="Not printed", severity="error", timeout=15, markup=False)
        else:
            self.notify(f"{self.kind} report printed.")

    @work(exclusive=True, group="shift", exit_on_error=False)
    async def run_shift(self) -> None:
        from ...till.shift import (
            NOTHING_TO_CLOSE,
            CannotClose,
            ShiftAlreadyClosed,
            nothing_to_close,
            shift_report,
        )

        text = self.query_one("#shift-text", Static)
        if self.kind == "Z" and await nothing_to_close(self.till.services):
            text.update(Text(NOTHING_TO_CLOSE))  # said before anyone is asked to confirm
            return
        if self.kind == "Z":
            question = "Close the shift with a Z report?"
            details = "The Z report is numbered and kept; it cannot be redone. The next shift starts now."
            if not await self.app.push_screen_wait(ConfirmScreen(question, details)):
                self.app.pop_screen()
                return
        busy = self.till.start_busy("Reading the shift…")
        try:
            self.report = await shift_report(self.till.services, self.kind)
        except (CannotClose, ShiftAlreadyClosed) as exc:
            text.update(Text(str(exc)))
            return
        except errors.LoyaltyError as exc:
            text.update(Text(explain(exc)[0]))
            return
        finally:
            self.till.end_busy(busy)
        self.lines = self.report.lines()
        text.update(Text("\n".join(self.lines)))


def open_manager(app: Any) -> None:
    """F9: ask for the manager PIN, then open the manager area."""
    if not app.ready:
        app.notify("The till is still starting.", severity="warning")
        return
    if any(isinstance(screen, ManagerScreen) for screen in app.screen_stack):
        return
    app.run_worker(_enter(app), group="manager", exclusive=True, exit_on_error=False)


async def _enter(app: Any) -> None:
    from .manager_pin import approve

    approver = await approve(app, "manager area", "Open the manager area.")
    if approver is not None:
        app.push_screen(ManagerScreen(approver))
