"""The receipt the API returned, as it prints; export it, or void the transaction."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, VerticalScroll
from textual.widgets import Static

from ...api import errors
from ...api import models as m
from ...api import requests as rq
from ...receipt import WIDTHS, render_receipt
from ..wording import explain
from .base import TillScreen
from .confirm import ConfirmScreen, reversal_text


class ReceiptScreen(TillScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,escape", "done", "Done"),
        Binding("w", "width", "Paper width"),
        Binding("s", "save", "Save as text"),
        Binding("v", "void", "Void"),
    ]

    def __init__(
        self, receipt: m.Receipt, *, customer: rq.CustomerRef | None = None, pending: bool = False
    ) -> None:
        super().__init__()
        self.receipt = receipt
        self.pending = pending  # queued offline: no transaction yet
        self.customer = customer
        self.width = self.till.services.receipt_width if self.till.services.receipt_width in WIDTHS else 42
        self.when = self.till.services.clock()
        self.voided = False

    def heading(self) -> str:
        if self.pending:
            return "Receipt — PENDING: the purchase is queued and will be sent when the service answers"
        what = "Redemption" if self.receipt.action == "redeem" else "Purchase"
        return f"Receipt — {what} recorded, transaction {self.receipt.transaction_id or '?'}"

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="receipt-scroll"), Center():
            yield Static(self.text(), id="paper")

    def text(self) -> str:
        return render_receipt(
            self.receipt,
            width=self.width,
            when=self.when,
            training=self.till.services.training,
            terminal=self.till.services.terminal,
            pending=self.pending,
        )

    def action_width(self) -> None:
        self.width = WIDTHS[(WIDTHS.index(self.width) + 1) % len(WIDTHS)]
        self.query_one("#paper", Static).update(self.text())
        self.notify(f"Paper width {self.width} columns")

    def action_save(self) -> None:
        self.save(self.text())

    @work(group="files", exit_on_error=False, thread=True)
    def save(self, text: str) -> None:
        folder: Path = self.till.services.receipts_dir
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{self.when:%Y%m%d-%H%M%S}-{self.receipt.transaction_id or 'receipt'}-{self.width}.txt"
        partial = folder / f".{name}.partial"
        partial.write_text(text, encoding="utf-8")
        partial.replace(folder / name)  # a reader never sees half a receipt
        self.app.call_from_thread(self.notify, f"Saved {folder / name}")

    def action_done(self) -> None:
        from .customer import CustomerScreen

        below = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else None
        if isinstance(below, CustomerScreen):
            self.app.pop_screen()
            return
        ref = self.customer
        self.till.open_customer(
            card_number=(ref.card_number or "") if ref else "", code=(ref.code or "") if ref else ""
        )

    def action_void(self) -> None:
        if self.pending:
            self.notify("This purchase is still queued: there is nothing to void yet.", severity="warning")
            return
        if self.voided:
            self.notify("Already voided.", severity="warning")
            return
        self.confirm_void()

    @work(group="void", exit_on_error=False)
    async def confirm_void(self) -> None:
        code = self.receipt.customer.code or (self.customer.code if self.customer else "") or ""
        if not code:
            code = await self._code_for_card()
            if not code:
                return
        ok = await self.app.push_screen_wait(
            ConfirmScreen("Void this transaction?", reversal_text(self.receipt))
        )
        if not ok:
            return
        from .manager_pin import approve

        if await approve(self.app, "void", f"Void transaction {self.receipt.transaction_id}.") is None:
            return
        delete = rq.TransactionDelete(
            campaign_id=self.receipt.campaign.id, code=code, transaction_id=self.receipt.transaction_id
        )
        problem = await self.till.void(delete)
        if problem:
            self.notify(problem, severity="warning", timeout=15)
            return
        self.voided = True
        self.set_heading(f"Receipt — transaction {self.receipt.transaction_id} VOIDED")
        self.notify(f"Transaction {self.receipt.transaction_id} voided.")

    async def _code_for_card(self) -> str:
        card = self.receipt.customer.card_number or (self.customer.card_number if self.customer else "") or ""
        try:
            info: Any = await self.till.services.api.customer_info(card_number=card, include_balances=False)
        except errors.LoyaltyError as exc:
            self.notify(explain(exc)[0], severity="error")
            return ""
        return str(info.customer.code)
