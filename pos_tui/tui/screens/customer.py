"""The customer: who they are and every campaign's balance. From here: earn, redeem, history."""

from __future__ import annotations

import textwrap
from typing import Any, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from ...api import errors
from ...api import models as m
from ...till.balances import balance_text, details_text, kind_title, rewards_text
from ..widgets import literal
from ..wording import explain
from .base import TillScreen


def details(c: Any) -> str:
    """A campaign's details and rewards, as the table and the line under it show them."""
    return "; ".join(part for part in (details_text(c), rewards_text(c)) if part)


class CustomerScreen(TillScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("plus,e", "earn", "Earn"),
        Binding("minus,r", "redeem", "Redeem"),
        Binding("asterisk,h", "history", "History / void"),
        Binding("f5", "refresh", "Refresh"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, info: m.CustomerInfo | None = None) -> None:
        super().__init__()
        self.info = info or m.CustomerInfo()
        self._fresh = True
        self._narrow: bool | None = None  # the layout the table was last built for
        self.shown: m.CustomerInfo | None = None  # the customer the table shows (once mounted)

    def load(self, info: m.CustomerInfo) -> None:
        """Show another customer. The app keeps one CustomerScreen and reuses it for every scan
        (building a screen's widgets and styling them costs more than the lookup)."""
        self.info = info
        self._fresh = True
        if self.is_mounted:
            self.show(info)

    def heading(self) -> str:
        c = self.info.customer
        return f"{c.name or 'Customer'} — card {c.card_number or '-'} — code {c.code or '-'}"

    def compose_body(self) -> ComposeResult:
        yield Static("", id="customer-details", markup=False)
        table: DataTable[str] = DataTable(id="campaigns", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="campaign-details", markup=False)  # the whole row, whatever the width

    #: Below this width the Kind column goes (the line under the table names the kind) and the
    #: details wrap inside their column: nothing is cut at 80×24.
    NARROW = 100

    def on_mount(self) -> None:
        self.show(self.info)

    def on_resize(self, event: events.Resize) -> None:
        if (event.size.width < self.NARROW) != self._narrow:
            table = self.query_one("#campaigns", DataTable)
            row = table.cursor_row
            self.show(self.info)
            table.move_cursor(row=row)

    def show(self, info: m.CustomerInfo) -> None:
        self.info = info
        self.set_heading(self.heading())
        c = info.customer
        contact = "  ".join(part for part in (c.phone, c.email) if part)
        note = f"  “{c.custom_field}”" if c.custom_field else ""
        self.query_one("#customer-details", Static).update(f"{contact}{note}")
        table = self.query_one("#campaigns", DataTable)
        width = self.size.width or self.app.size.width
        self._narrow = width < self.NARROW
        table.clear(columns=True)
        table.add_columns(
            *(
                ("Campaign", "Balance", "Details")
                if self._narrow
                else ("Campaign", "Kind", "Balance", "Details")
            )
        )
        rows = [(c.name, kind_title(c), balance_text(c), details(c)) for c in info.campaigns]
        # the width the other columns leave Details (each cell is padded by one on either side)
        wrap_at = max(
            16,
            width - max((len(r[0]) for r in rows), default=0) - max((len(r[2]) for r in rows), default=0) - 8,
        )
        preferred = 0
        for index, (campaign, (name, kind, balance, detail)) in enumerate(
            zip(info.campaigns, rows, strict=True)
        ):
            if self._narrow:
                lines = textwrap.wrap(detail, wrap_at) or [""]
                table.add_row(*literal(name, balance, "\n".join(lines)), key=campaign.id, height=len(lines))
            else:
                table.add_row(*literal(name, kind, balance, detail), key=campaign.id)
            if campaign.id == self.till.last_campaign_id:
                preferred = index
        if info.campaigns:
            table.move_cursor(row=preferred)
        table.focus()
        self.shown = info

    @on(DataTable.RowHighlighted, "#campaigns")
    def _highlighted(self) -> None:
        c = self.selected
        if c is None:
            return
        self.query_one("#campaign-details", Static).update(
            f"{c.name} — {kind_title(c)}: {balance_text(c)}. {details(c)}"
        )

    @property
    def selected(self) -> Any:
        table = self.query_one("#campaigns", DataTable)
        if not self.info.campaigns:
            return None
        return self.info.campaigns[min(table.cursor_row, len(self.info.campaigns) - 1)]

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_earn(self) -> None:
        from .earn import open_earn

        c = self.info.customer
        open_earn(
            self.till,
            card_number=c.card_number,
            code=c.code,
            name=c.name,
            campaigns=None,
            preferred=getattr(self.selected, "id", ""),
            info=self.info,
        )

    def action_redeem(self) -> None:
        from .redeem import RedeemScreen

        if not self.info.customer.code:
            self.notify("This customer has no code yet; look the card up again.", severity="warning")
            return
        if not self.info.campaigns:
            self.notify("This customer has no balance to redeem yet.", severity="warning")
            return
        self.app.push_screen(RedeemScreen(self.info, preferred=getattr(self.selected, "id", "")))

    def action_history(self) -> None:
        from .history import HistoryScreen

        if self.selected is None:
            self.notify("No campaign to show.", severity="warning")
            return
        self.app.push_screen(HistoryScreen(self.info, self.selected))

    def action_refresh(self) -> None:
        self.reload()

    def on_screen_resume(self) -> None:
        if self._fresh:  # just looked up: no need to ask again
            self._fresh = False
            return
        self.reload()

    @work(exclusive=True, group="customer", exit_on_error=False)
    async def reload(self) -> None:
        c = self.info.customer
        busy = self.till.start_busy("Refreshing balances…")
        try:
            info = await self.till.services.api.customer_info(
                code=c.code or None, card_number=c.card_number or None
            )
        except errors.LoyaltyError as exc:
            message, severity = explain(exc)
            self.notify(message, severity=severity)
            return
        finally:
            self.till.end_busy(busy)
        self.show(info)
