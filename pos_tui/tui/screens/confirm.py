"""A yes/no question that shows exactly what will happen (voids)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from ...api import models as m
from ...receipt import amount, magnitude, money
from ..widgets import PendingBadge, TrainingBanner


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes, do it"),
        Binding("n,escape", "answer(False)", "No"),
        Binding("enter", "enter", show=False),
    ]

    def __init__(self, question: str, details: str) -> None:
        super().__init__()
        self.question = question
        self.details = details

    def compose(self) -> ComposeResult:
        if getattr(self.app, "training", False):
            yield TrainingBanner()
        with Vertical(id="confirm", classes="panel"):
            yield Static(self.question, classes="title", markup=False)
            yield Static(self.details, id="confirm-details", markup=False)
            yield Static("Y: yes — N or Escape: no", id="confirm-hint", classes="hint")
        yield PendingBadge()
        yield Footer()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    def action_enter(self) -> None:
        """Enter never answers: ``Enter Enter`` must not void before anyone reads the question."""
        self.query_one("#confirm-hint", Static).update("Press Y to confirm, or N / Escape for no.")


def reversal_text(receipt: m.Receipt) -> str:
    """Exactly what a void of this receipt's transaction reverses, in the cashier's words."""
    t = receipt.transaction
    who = receipt.customer.name or receipt.customer.card_number
    kind = m.KIND_TITLES.get(receipt.kind, receipt.kind)
    lines = [f"Transaction {receipt.transaction_id} — {receipt.campaign.name} ({kind})", f"Customer: {who}"]
    effect = ""
    if isinstance(t, m.receipts.PointsEarnTransaction) and t.recorded:
        effect = f"removes the {amount(t.recorded.points)} points earned"
    elif isinstance(t, m.receipts.GiftCardLoadTransaction) and t.add:
        effect = f"removes the {money(t.add.amount, t.add.currency, t.add.glyph)} loaded"
    elif isinstance(t, m.receipts.BuyXEarnTransaction) and t.purchase:
        effect = f"removes {amount(t.purchase.quantity)} × {t.purchase.item} bought"
    elif isinstance(t, m.receipts.EventsEarnTransaction):
        effect = "removes the visit"
    elif isinstance(t, m.receipts.EarnedEarnTransaction) and t.earn:
        effect = f"removes the {money(t.earn.amount, t.earn.currency, t.earn.glyph)} earned"
    elif isinstance(t, m.receipts.PointsRedeemTransaction):
        points = sum(
            (
                p
                for p in (
                    t.reward and magnitude(t.reward.points),
                    t.custom and magnitude(t.custom.points),
                    t.monetary and magnitude(t.monetary.points),
                )
                if p
            ),
            start=0,
        )
        effect = f"gives back the {amount(points)} points redeemed"  # type: ignore[arg-type]
    elif isinstance(t, m.receipts.MoneyRedeemTransaction) and t.deduct and t.deduct.amount is not None:
        effect = f"gives back the {money(abs(t.deduct.amount), t.deduct.currency, t.deduct.glyph)} redeemed"
    elif isinstance(t, m.receipts.BuyXRedeemTransaction) and t.reward:
        effect = (
            f"gives back the free {t.reward.service_product} ({amount(magnitude(t.reward.deduct))} purchases)"
        )
    elif isinstance(t, m.receipts.EventsRedeemTransaction) and t.reward:
        effect = f"gives back the {amount(magnitude(t.reward.amount))} visits redeemed"
    lines.append(f"Voiding it {effect or 'reverses it'}.")
    return "\n".join(lines)
