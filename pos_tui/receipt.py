"""Receipts as plain text of a given width (32, 42 or 48 columns, for thermal paper). Plain Python.

Driven by the receipt the API returned, for all ten shapes (five kinds × earn/redeem).
"""

from __future__ import annotations

import re
import textwrap
from datetime import datetime
from decimal import Decimal

from .api.models import receipts as r

WIDTHS = (32, 42, 48)
_JOURNAL_TAG = re.compile(r"\s*\[pos:[\w-]+\]")
TRAINING_MARK = "TRAINING — NOT A RECEIPT"
KIND_TITLES = {
    "points": "Points",
    "giftcard": "Gift card",
    "buyx": "Buy X get one free",
    "events": "Visits",
    "earned": "Earn per visit",
}


def amount(value: Decimal | None) -> str:
    """A count or points, grouped: ``4,590``; ``-`` when the API left it empty."""
    if value is None:
        return "-"
    if value == value.to_integral_value():
        return f"{value.quantize(Decimal(1)):,}"
    return f"{value:,}"


def magnitude(value: Decimal | None) -> Decimal | None:
    """What a redemption took, whichever sign the service gave it (live JSON sends ``-1``)."""
    return None if value is None else abs(value)


def size(value: Decimal | None) -> str:
    """A redeemed count or points, without its sign (the receipt writes the minus)."""
    return amount(magnitude(value))


def money(value: Decimal | None, currency: str = "", glyph: str = "") -> str:
    if value is None:
        return "-"
    text = f"{value:,.2f}"
    if glyph:
        return f"{'-' if value < 0 else ''}{glyph}{text.lstrip('-')}"
    return f"{text} {currency}".strip()


class _Paper:
    def __init__(self, width: int) -> None:
        self.width = width
        self.lines: list[str] = []

    def center(self, text: str) -> None:
        for line in textwrap.wrap(text, self.width) or [""]:
            self.lines.append(line.center(self.width).rstrip())

    def text(self, text: str) -> None:
        self.lines.extend(textwrap.wrap(text, self.width, subsequent_indent="  ") or [""])

    def pair(self, label: str, value: str) -> None:
        room = self.width - len(value) - 1
        if room >= 8 and len(label) <= room:
            self.lines.append(f"{label}{' ' * (self.width - len(label) - len(value))}{value}")
            return
        self.text(label)
        for line in textwrap.wrap(value, self.width) or [""]:
            self.lines.append(line.rjust(self.width))

    def rule(self) -> None:
        self.lines.append("-" * self.width)


def render_receipt(
    receipt: r.Receipt,
    *,
    width: int = 42,
    when: datetime | None = None,
    training: bool = False,
    terminal: str = "",
    pending: bool = False,
) -> str:
    if width not in WIDTHS:
        raise ValueError(f"receipt width must be one of {WIDTHS}")
    paper = _Paper(width)
    if training:
        paper.center(TRAINING_MARK)
        paper.rule()
    if pending:
        paper.center("PENDING — will be sent when online")
        paper.rule()
    paper.center(receipt.account_name or "Loyalty")
    title = receipt.campaign.name or KIND_TITLES.get(receipt.kind, "")
    paper.center(f"{title} — {'Redemption' if receipt.action == 'redeem' else 'Purchase'}")
    paper.rule()
    customer = receipt.customer
    if customer.name:
        paper.pair("Customer", customer.name)
    if customer.card_number:
        paper.pair("Card", customer.card_number)
    paper.rule()
    _body(paper, receipt)
    paper.rule()
    if receipt.transaction_id:
        paper.pair("Transaction", receipt.transaction_id)
    if terminal:
        paper.pair("Till", terminal)
    paper.pair("Time", (when or datetime.now()).strftime("%Y-%m-%d %H:%M"))
    if pending:
        paper.rule()
        paper.center("PENDING — will be sent when online")
    if training:
        paper.rule()
        paper.center(TRAINING_MARK)
    return "\n".join(paper.lines) + "\n"


def _body(paper: _Paper, receipt: r.Receipt) -> None:
    t = receipt.transaction
    note = t.description
    if isinstance(t, r.PointsEarnTransaction):
        if t.purchase and t.purchase.amount is not None:
            paper.pair("Purchase", money(t.purchase.amount, t.purchase.currency, t.purchase.glyph))
        if t.promotion:
            paper.pair(
                f"Promotion: {t.promotion.description}",
                f"{t.promotion.operation}{amount(t.promotion.amount)}",
            )
        if t.recorded:
            paper.pair("Points earned", amount(t.recorded.points))
            note = t.recorded.description or note
    elif isinstance(t, r.GiftCardLoadTransaction):
        if t.add:
            paper.pair("Loaded", money(t.add.amount, t.add.currency, t.add.glyph))
            note = t.add.description or note
    elif isinstance(t, r.BuyXEarnTransaction):
        if t.purchase:
            paper.pair("Bought", f"{amount(t.purchase.quantity)} x {t.purchase.item}")
            note = t.purchase.description or note
    elif isinstance(t, r.EventsEarnTransaction):
        paper.pair("Visit", "recorded")
        if t.event:
            if t.event.amount is not None:
                paper.pair("Purchase", money(t.event.amount))
            note = t.event.description or note
    elif isinstance(t, r.EarnedEarnTransaction):
        if t.earn:
            paper.pair("Earned this visit", money(t.earn.amount, t.earn.currency, t.earn.glyph))
        if t.event:
            note = t.event.description or note
    elif isinstance(t, r.PointsRedeemTransaction):
        if t.reward:
            paper.pair(f"Reward: {t.reward.description or t.reward.id}", f"-{size(t.reward.points)} pts")
        if t.custom:
            paper.pair("Points redeemed", f"-{size(t.custom.points)} pts")
        if t.monetary:
            paper.pair(
                f"Redeemed {money(magnitude(t.monetary.amount), t.monetary.currency, t.monetary.glyph)}",
                f"-{size(t.monetary.points)} pts",
            )
    elif isinstance(t, r.MoneyRedeemTransaction):
        if t.deduct and t.deduct.amount is not None:
            label = "Spent" if receipt.kind == "giftcard" else "Redeemed"
            paper.pair(label, money(magnitude(t.deduct.amount), t.deduct.currency, t.deduct.glyph))
            note = t.deduct.description or note
    elif isinstance(t, r.BuyXRedeemTransaction):
        if t.reward:
            paper.pair(f"Free {t.reward.service_product}", f"-{size(t.reward.deduct)} bought")
    elif isinstance(t, r.EventsRedeemTransaction):
        if t.reward:
            paper.pair(f"Reward: {t.reward.description or t.reward.id}", f"-{size(t.reward.amount)} visits")
    note = _JOURNAL_TAG.sub("", note).strip()  # the journal's reference is for reconciliation
    if note:
        paper.text(f"Note: {note}")
    _balances(paper, receipt)


def _balances(paper: _Paper, receipt: r.Receipt) -> None:
    t = receipt.transaction
    balances = getattr(t, "balances", None)
    if balances:
        paper.rule()
        paper.pair("Item", "now / lifetime")
        for item in balances:
            paper.pair(f"  {item.name}", f"{amount(item.current)} / {amount(item.cumulative)}")
        return
    balance = getattr(t, "balance", None)
    cumulative = getattr(t, "cumulative_balance", None)
    if balance is None:
        return
    paper.rule()
    if isinstance(balance, r.PointsBalance):
        paper.pair("Balance", f"{amount(balance.points)} pts")
        if balance.monetary is not None:
            paper.pair("  worth", money(balance.monetary, balance.currency, balance.glyph))
        if isinstance(cumulative, r.PointsBalance):
            paper.pair("Lifetime", f"{amount(cumulative.points)} pts")
    elif isinstance(balance, r.EventsBalance):
        paper.pair("Visits", amount(balance.events))
        if isinstance(cumulative, r.EventsBalance):
            paper.pair("Lifetime visits", amount(cumulative.events))
    elif isinstance(balance, r.MoneyLine):
        paper.pair("Balance", money(balance.amount, balance.currency, balance.glyph))
        if isinstance(cumulative, r.MoneyLine):
            paper.pair("Lifetime", money(cumulative.amount, cumulative.currency, cumulative.glyph))


def provisional_receipt(request: object, *, account_name: str = "", campaign_name: str = "") -> r.Receipt:
    """A receipt for an earn queued offline, from what the cashier entered (no balance: unknown yet)."""
    kind = getattr(request, "kind", "")
    customer = getattr(request, "customer", None)
    transaction: dict[str, object] = {"description": getattr(request, "authorization", "")}
    amount_ = getattr(request, "amount", None)
    if kind == "points" and amount_ is not None:
        transaction["purchase"] = {"amount": str(amount_)}
    elif kind == "giftcard":
        transaction["add"] = {"amount": str(amount_)}
    elif kind == "buyx":
        item = getattr(request, "service_product", None) or getattr(request, "item_identifier", "") or ""
        transaction["purchase"] = {"item": item, "quantity": str(getattr(request, "quantity", None) or 1)}
    elif kind in ("events", "earned"):
        transaction["event"] = {"description": ""}
    return r.RECEIPT_MODELS[("earn", kind)].model_validate(
        {
            "account_name": account_name,
            "campaign": {"id": getattr(request, "campaign_id", ""), "name": campaign_name, "type": kind},
            "customer": {
                "card_number": getattr(customer, "card_number", "") or "",
                "code": getattr(customer, "code", "") or "",
            },
            "transaction": transaction,
        }
    )
