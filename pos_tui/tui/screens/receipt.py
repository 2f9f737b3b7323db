"""The receipt the API returned, as it prints; print it, export it, or void the transaction."""

from __future__ import annotations

import logging
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
from ...till.receipt import WIDTHS, StoreHeader, render_receipt, render_void_slip
from ...till.reversal import reversal_text
from ..messages import ReceiptWidthChosen, StoreHeaderRead
from ..wording import explain
from .base import TillScreen
from .confirm import ConfirmScreen

log = logging.getLogger("pos_tui.print")


class ReceiptScreen(TillScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,escape", "done", "Done"),
        Binding("p", "print", "Print"),
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
        width = self.till.services.options.receipt_width
        self.width = width if width in WIDTHS else 42
        self.when = self.till.services.clock()
        self.voided = False
        self.printing = False
        #: The store's header: the one read this session, else read once from ``account_info``.
        self.store: StoreHeader | None = self.till.services.store

    def on_mount(self) -> None:
        if self.store is None:
            self.load_store()
        printer = self.till.services.printer
        if printer is not None and printer.enabled:
            self.warm_up()

    @work(group="print", exit_on_error=False, thread=True)
    def warm_up(self) -> None:
        """Load the printer library now, so that a fault shows within a second of 'p'."""
        from ...printing.text import load_escpos

        load_escpos()

    @work(group="store", exit_on_error=False)
    async def load_store(self) -> None:
        """The store's name and address for the header, read once per session (account_info)."""
        try:
            info: Any = await self.till.services.api.account_info()
        except errors.LoyaltyError as exc:
            log.info("no store header: %s", exc)
            return
        self.store = StoreHeader.from_account(info.account)
        self.till.post_message(StoreHeaderRead(self.store))
        self.query_one("#paper", Static).update(self.text())

    def heading(self) -> str:
        if self.pending:
            return "Receipt — PENDING: the purchase is queued and will be sent when the service answers"
        what = "Redemption" if self.receipt.action == "redeem" else "Purchase"
        return f"Receipt — {what} recorded, transaction {self.receipt.transaction_id or '?'}"

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="receipt-scroll"), Center():
            yield Static(self.text(), id="paper", markup=False)  # names, addresses: literal

    def text(self, *, copy: int = 0, fold: Any = None) -> str:
        """The paper: the receipt, or once voided the void slip; ``copy`` n > 0 is DUPLICATE n."""
        services = self.till.services
        common: dict[str, Any] = {
            "width": self.width,
            "training": services.options.training,
            "terminal": services.options.terminal,
            "header": self.store,
            "copy": copy,
            "fold": fold,
        }
        if self.voided:
            return render_void_slip(self.receipt, when=self.voided_at, **common)
        return render_receipt(self.receipt, when=self.when, pending=self.pending, **common)

    def print_key(self) -> str:
        """What the printer counts copies of: this transaction's receipt, or its void slip."""
        what = self.receipt.transaction_id or f"pending-{id(self.receipt)}"
        return f"{'void' if self.voided else 'receipt'}:{what}"

    def action_print(self) -> None:
        printer = self.till.services.printer
        if printer is None or not printer.enabled:
            self.notify(
                'No printer is set up: set printer = "usb:VID:PID" (or network:, serial:, file:, cups:) '
                "in the settings, or POS_TUI_PRINTER. 's' saves the receipt as text.",
                severity="warning",
                timeout=10,
            )
            return
        if self.printing:
            self.notify("Already printing…")
            return
        self.printing = True
        self._printing = self.till.start_busy("Printing…")
        key = self.print_key()
        copy = printer.next_copy(key)
        self.print_paper(printer, key, copy, self.text(copy=copy, fold=printer.fold))

    @work(group="print", exit_on_error=False, thread=True)
    def print_paper(self, printer: Any, key: str, copy: int, text: str) -> None:
        from ...printing import PrinterFault

        try:
            printer.print_text(text)
        except PrinterFault as exc:
            self.app.call_from_thread(self._printed, str(exc), copy)
            return
        except Exception:  # a bug in a driver: the trace goes to the log, the cashier gets words
            log.exception("printing %s failed", key)
            self.app.call_from_thread(
                self._printed, "The printer failed (details in the log). Print again.", copy
            )
            return
        printer.printed(key)
        self.app.call_from_thread(self._printed, "", copy)

    def _printed(self, problem: str, copy: int) -> None:
        self.printing = False
        self.till.end_busy(self._printing)
        if problem:
            self.notify(problem, title="Not printed", severity="error", timeout=15, markup=False)
            return
        self.notify(f"Printed (DUPLICATE {copy})." if copy else "Printed.")

    def action_width(self) -> None:
        self.width = WIDTHS[(WIDTHS.index(self.width) + 1) % len(WIDTHS)]
        self.till.post_message(ReceiptWidthChosen(self.width))  # the next receipt, the next start
        self.query_one("#paper", Static).update(self.text())
        self.notify(f"Paper width {self.width} columns")

    def action_save(self) -> None:
        self.save(self.text())

    @work(group="files", exit_on_error=False, thread=True)
    def save(self, text: str) -> None:
        folder: Path = self.till.services.options.receipts_dir
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

        approver = await approve(self.app, "void", f"Void transaction {self.receipt.transaction_id}.")
        if approver is None:
            return
        delete = rq.TransactionDelete(
            campaign_id=self.receipt.campaign.id, code=code, transaction_id=self.receipt.transaction_id
        )
        problem = await self.till.void(
            delete, card_number=self.receipt.customer.card_number, approver=approver
        )
        if problem:
            self.notify(problem, severity="warning", timeout=15)
            return
        self.voided = True
        self.voided_at = self.till.services.clock()
        self.set_heading(f"Void slip — transaction {self.receipt.transaction_id} VOIDED ('p' prints it)")
        self.query_one("#paper", Static).update(self.text())
        self.notify(f"Transaction {self.receipt.transaction_id} voided.")

    async def _code_for_card(self) -> str:
        card = self.receipt.customer.card_number or (self.customer.card_number if self.customer else "") or ""
        try:
            info: Any = await self.till.services.api.customer_info(card_number=card, include_balances=False)
        except errors.LoyaltyError as exc:
            self.notify(explain(exc)[0], severity="error")
            return ""
        return str(info.customer.code)
