"""A campaign's recent transactions; Enter on one voids it after a confirmation."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from ...api import errors
from ...api import models as m
from ...api import requests as rq
from ...till.amounts import amount, money
from ...till.balances import kind_title, without_reference
from ..widgets import literal
from ..wording import explain
from .base import TillScreen
from .confirm import ConfirmScreen


class HistoryScreen(TillScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,v", "void", "Void selected"),
        Binding("f5", "refresh", "Refresh"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, info: m.CustomerInfo, campaign: Any) -> None:
        super().__init__()
        self.info = info
        self.campaign = campaign
        self.rows: list[m.HistoryTransaction] = []

    def heading(self) -> str:
        return f"History — {self.info.customer.name} — {self.campaign.name} ({kind_title(self.campaign)})"

    def compose_body(self) -> ComposeResult:
        yield Static(
            "The most recent transactions first. Select one and press Enter to void it (then Y).",
            classes="hint",
        )
        table: DataTable[str] = DataTable(id="history", cursor_type="row", zebra_stripes=True)
        yield table

    def on_mount(self) -> None:
        self.query_one("#history", DataTable).add_columns(
            "Transaction", "Date", "Kind", "Amount", "Item", "Note", "By"
        )
        self.action_refresh()

    def action_refresh(self) -> None:
        self.load()

    @work(exclusive=True, group="history", exit_on_error=False)
    async def load(self) -> None:
        busy = self.till.start_busy("Loading history…")
        try:
            result = await self.till.services.api.customer_balance(
                campaign_id=self.campaign.id, code=self.info.customer.code, transactions_number=20
            )
        except errors.LoyaltyError as exc:
            self.notify(explain(exc)[0], severity="error")
            return
        finally:
            self.till.end_busy(busy)
        self.rows = result.transactions
        table = self.query_one("#history", DataTable)
        table.clear()
        for row in self.rows:
            table.add_row(
                *literal(
                    row.transaction_id,
                    str(row.date or ""),
                    "Redeem" if row.is_redemption else "Earn",
                    self.shown_amount(row.amount),
                    row.item,
                    without_reference(row.authorization),
                    row.user,
                ),
                key=row.transaction_id,
            )
        table.focus()

    def shown_amount(self, value: Any) -> str:
        """An amount in the campaign's terms: money as money (with its currency), else a count."""
        if value is not None and self.campaign.type in {"giftcard", "earned"}:
            return money(value, getattr(self.campaign, "currency", ""))
        return amount(value)

    @on(DataTable.RowSelected)
    def selected(self) -> None:
        self.action_void()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_void(self) -> None:
        table = self.query_one("#history", DataTable)
        if not self.rows or table.cursor_row >= len(self.rows):
            return
        self.void(self.rows[table.cursor_row])

    @work(group="void", exit_on_error=False)
    async def void(self, row: m.HistoryTransaction) -> None:
        sign = "redemption of" if row.is_redemption else "earn of"
        what = f"{row.item} " if row.item else ""
        size = self.shown_amount(abs(row.amount) if row.amount is not None else None)
        note = without_reference(row.authorization)
        details = (
            f"Transaction {row.transaction_id} on {row.date} — {self.campaign.name}\n"
            f"Customer: {self.info.customer.name}\n"
            f"Voiding it reverses the {sign} {what}{size}"
            f"{' — ' + note if note else ''}."
        )
        if not await self.app.push_screen_wait(ConfirmScreen("Void this transaction?", details)):
            return
        from .manager_pin import approve

        approver = await approve(self.app, "void", f"Void transaction {row.transaction_id}.")
        if approver is None:
            return
        delete = rq.TransactionDelete(
            campaign_id=self.campaign.id, code=self.info.customer.code, transaction_id=row.transaction_id
        )
        problem = await self.till.void(delete, card_number=self.info.customer.card_number, approver=approver)
        if problem:
            self.notify(problem, severity="warning", timeout=15)
            return
        self.notify(f"Transaction {row.transaction_id} voided.")
        self.load()
