"""What a void reverses, in the cashier's words: one function per receipt shape. Plain Python."""

from __future__ import annotations

import functools
from decimal import Decimal

from ..api import kinds
from ..api.models import receipts as r
from .amounts import amount, magnitude, money


def reversal_text(receipt: r.Receipt) -> str:
    """Exactly what a void of this receipt's transaction reverses, in the cashier's words."""
    who = receipt.customer.name or receipt.customer.card_number
    lines = [
        f"Transaction {receipt.transaction_id} — {receipt.campaign.name} ({kinds.title(receipt.kind)})",
        f"Customer: {who}",
    ]
    effect = reversal(receipt.transaction)
    lines.append(f"Voiding it {effect or 'reverses it'}.")
    return "\n".join(lines)


@functools.singledispatch
def reversal(t: r.Transaction) -> str:
    """What voiding the transaction does ("" when its receipt does not say)."""
    return ""


@reversal.register
def _(t: r.PointsEarnTransaction) -> str:
    return f"removes the {amount(t.recorded.points)} points earned" if t.recorded else ""


@reversal.register
def _(t: r.GiftCardLoadTransaction) -> str:
    return f"removes the {money(t.add.amount, t.add.currency, t.add.glyph)} loaded" if t.add else ""


@reversal.register
def _(t: r.BuyXEarnTransaction) -> str:
    return f"removes {amount(t.purchase.quantity)} × {t.purchase.item} bought" if t.purchase else ""


@reversal.register
def _(t: r.EventsEarnTransaction) -> str:
    return "removes the visit"


@reversal.register
def _(t: r.EarnedEarnTransaction) -> str:
    return f"removes the {money(t.earn.amount, t.earn.currency, t.earn.glyph)} earned" if t.earn else ""


@reversal.register
def _(t: r.PointsRedeemTransaction) -> str:
    lines = (t.reward, t.custom, t.monetary)
    points = sum((magnitude(line.points) or Decimal(0) for line in lines if line), start=Decimal(0))
    return f"gives back the {amount(points)} points redeemed"


@reversal.register
def _(t: r.MoneyRedeemTransaction) -> str:
    if t.deduct is None or t.deduct.amount is None:
        return ""
    return f"gives back the {money(abs(t.deduct.amount), t.deduct.currency, t.deduct.glyph)} redeemed"


@reversal.register
def _(t: r.BuyXRedeemTransaction) -> str:
    if t.reward is None:
        return ""
    return f"gives back the free {t.reward.service_product} ({amount(magnitude(t.reward.deduct))} purchases)"


@reversal.register
def _(t: r.EventsRedeemTransaction) -> str:
    return f"gives back the {amount(magnitude(t.reward.amount))} visits redeemed" if t.reward else ""
