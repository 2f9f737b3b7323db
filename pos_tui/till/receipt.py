"""Receipts as plain text of a given width (32, 42 or 48 columns, for thermal paper). Plain Python.

Driven by the receipt the API returned, for all ten shapes (five kinds × earn/redeem).
"""

from __future__ import annotations

import functools
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..api import requests as rq
from ..api.kinds import KIND_TITLES
from ..api.models import receipts as r
from .amounts import amount, magnitude, money, size

WIDTHS = (32, 42, 48)
_JOURNAL_TAG = re.compile(r"\s*\[pos:[\w-]+\]")
TRAINING_MARK = "TRAINING — NOT A RECEIPT"
DUPLICATE_MARK = "DUPLICATE"
VOID_MARK = "VOID — TRANSACTION REVERSED"


@dataclass(frozen=True)
class StoreHeader:
    """The store's name and address at the top of every receipt (from ``account_info``)."""

    name: str = ""
    lines: tuple[str, ...] = ()

    @classmethod
    def from_account(cls, account: object) -> StoreHeader:
        """From ``account_info``'s account, whichever names the server used (``business_name``/
        ``street1``… or a typed client's ``biz_name``/``biz_address1``…)."""
        extra = getattr(account, "model_extra", None) or {}

        def get(*names: str) -> str:
            for name in names:
                value = getattr(account, name, None) or extra.get(name)
                if isinstance(value, str) and value.strip():
                    return " ".join(value.split())
            return ""

        place = " ".join(
            part
            for part in (
                get("city", "biz_city"),
                get("state", "biz_state"),
                get("postal_code", "biz_zip", "zip"),
            )
            if part
        )
        lines = (
            get("street1", "biz_address1", "address1", "address"),
            get("street2", "biz_address2", "address2"),
            place,
            get("phone", "contact_phone", "biz_phone"),
        )
        return cls(get("business_name", "biz_name", "name"), tuple(line for line in lines if line))


def mask_card(number: str) -> str:
    """A card number as a receipt shows it: its last four characters only."""
    number = number.strip()
    return f"****{number[-4:]}" if number else ""


class _Paper:
    def __init__(self, width: int, fold: Callable[[str], str] | None = None) -> None:
        self.width = width
        self.lines: list[str] = []
        self.fold = fold or (lambda text: text)  # the printer's code page, before the layout

    def center(self, text: str) -> None:
        for line in textwrap.wrap(self.fold(text), self.width) or [""]:
            self.lines.append(line.center(self.width).rstrip())

    def text(self, text: str) -> None:
        self.lines.extend(textwrap.wrap(self.fold(text), self.width, subsequent_indent="  ") or [""])

    def pair(self, label: str, value: str) -> None:
        label, value = self.fold(label), self.fold(value)
        room = self.width - len(value) - 1
        if room >= 8 and len(label) <= room:
            self.lines.append(f"{label}{' ' * (self.width - len(label) - len(value))}{value}")
            return
        self.lines.extend(textwrap.wrap(label, self.width, subsequent_indent="  ") or [""])
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
    header: StoreHeader | None = None,
    copy: int = 0,
    fold: Callable[[str], str] | None = None,
) -> str:
    """The receipt's text. ``copy`` n > 0 marks a reprint DUPLICATE n at the top and the bottom;
    ``fold`` turns every piece of text into what a printer's code page holds, before the layout."""
    if width not in WIDTHS:
        raise ValueError(f"receipt width must be one of {WIDTHS}")
    paper = _Paper(width, fold)
    marks = _marks(training=training, copy=copy, pending=pending)
    for mark in marks:
        paper.center(mark)
        paper.rule()
    _header(paper, receipt, header)
    title = receipt.campaign.name or KIND_TITLES.get(receipt.kind, "")
    paper.center(f"{title} — {'Redemption' if receipt.action == 'redeem' else 'Purchase'}")
    paper.rule()
    customer = receipt.customer
    if customer.name:
        paper.pair("Customer", customer.name)
    if customer.card_number:
        paper.pair("Card", mask_card(customer.card_number))
    paper.rule()
    _body(paper, receipt)
    paper.rule()
    if receipt.transaction_id:
        paper.pair("Transaction", receipt.transaction_id)
    if terminal:
        paper.pair("Till", terminal)
    paper.pair("Time", (when or datetime.now()).strftime("%Y-%m-%d %H:%M"))
    for mark in reversed(marks):
        paper.rule()
        paper.center(mark)
    return "\n".join(paper.lines) + "\n"


def render_void_slip(
    receipt: r.Receipt,
    *,
    width: int = 42,
    when: datetime | None = None,
    training: bool = False,
    terminal: str = "",
    header: StoreHeader | None = None,
    copy: int = 0,
    fold: Callable[[str], str] | None = None,
) -> str:
    """The slip of a void: what the voided transaction had recorded, marked VOID top and bottom."""
    if width not in WIDTHS:
        raise ValueError(f"receipt width must be one of {WIDTHS}")
    paper = _Paper(width, fold)
    marks = [*_marks(training=training, copy=copy), VOID_MARK]
    for mark in marks:
        paper.center(mark)
        paper.rule()
    _header(paper, receipt, header)
    title = receipt.campaign.name or KIND_TITLES.get(receipt.kind, "")
    paper.center(f"{title} — Void")
    paper.rule()
    if receipt.customer.name:
        paper.pair("Customer", receipt.customer.name)
    if receipt.customer.card_number:
        paper.pair("Card", mask_card(receipt.customer.card_number))
    paper.pair("Voided transaction", receipt.transaction_id or "-")
    paper.rule()
    paper.text("Reversed:")
    body = _Paper(width, fold)
    _body(body, receipt, balances=False)
    paper.lines.extend(body.lines)
    paper.rule()
    if terminal:
        paper.pair("Till", terminal)
    paper.pair("Voided at", (when or datetime.now()).strftime("%Y-%m-%d %H:%M"))
    for mark in reversed(marks):
        paper.rule()
        paper.center(mark)
    return "\n".join(paper.lines) + "\n"


def _marks(*, training: bool, copy: int, pending: bool = False) -> list[str]:
    marks = [TRAINING_MARK] if training else []
    if copy > 0:
        marks.append(f"{DUPLICATE_MARK} {copy}")
    if pending:
        marks.append("PENDING — will be sent when online")
    return marks


def _header(paper: _Paper, receipt: r.Receipt, header: StoreHeader | None) -> None:
    paper.center((header and header.name) or receipt.account_name or "Loyalty")
    for line in header.lines if header else ():
        paper.center(line)


def _body(paper: _Paper, receipt: r.Receipt, *, balances: bool = True) -> None:
    note = _lines(receipt.transaction, paper, receipt.kind)
    note = _JOURNAL_TAG.sub("", note).strip()  # the journal's reference is for reconciliation
    if note:
        paper.text(f"Note: {note}")
    if balances:
        _balances(paper, receipt)


# The lines of each shape: one function each (``kind`` tells a gift-card spend from an earned
# redemption, which share a shape). Each returns the transaction's note.


@functools.singledispatch
def _lines(t: r.Transaction, paper: _Paper, kind: str) -> str:
    return t.description


@_lines.register
def _(t: r.PointsEarnTransaction, paper: _Paper, kind: str) -> str:
    if t.purchase and t.purchase.amount is not None:
        paper.pair("Purchase", money(t.purchase.amount, t.purchase.currency, t.purchase.glyph))
    if t.promotion:
        paper.pair(
            f"Promotion: {t.promotion.description}",
            f"{t.promotion.operation}{amount(t.promotion.amount)}",
        )
    if t.recorded:
        paper.pair("Points earned", amount(t.recorded.points))
        return t.recorded.description or t.description
    return t.description


@_lines.register
def _(t: r.GiftCardLoadTransaction, paper: _Paper, kind: str) -> str:
    if t.add:
        paper.pair("Loaded", money(t.add.amount, t.add.currency, t.add.glyph))
        return t.add.description or t.description
    return t.description


@_lines.register
def _(t: r.BuyXEarnTransaction, paper: _Paper, kind: str) -> str:
    if t.purchase:
        paper.pair("Bought", f"{amount(t.purchase.quantity)} x {t.purchase.item}")
        return t.purchase.description or t.description
    return t.description


@_lines.register
def _(t: r.EventsEarnTransaction, paper: _Paper, kind: str) -> str:
    paper.pair("Visit", "recorded")
    if t.event:
        if t.event.amount is not None:
            paper.pair("Purchase", money(t.event.amount))
        return t.event.description or t.description
    return t.description


@_lines.register
def _(t: r.EarnedEarnTransaction, paper: _Paper, kind: str) -> str:
    if t.earn:
        paper.pair("Earned this visit", money(t.earn.amount, t.earn.currency, t.earn.glyph))
    return (t.event and t.event.description) or t.description


@_lines.register
def _(t: r.PointsRedeemTransaction, paper: _Paper, kind: str) -> str:
    if t.reward:
        paper.pair(f"Reward: {t.reward.description or t.reward.id}", f"-{size(t.reward.points)} pts")
    if t.custom:
        paper.pair("Points redeemed", f"-{size(t.custom.points)} pts")
    if t.monetary:
        paper.pair(
            f"Redeemed {money(magnitude(t.monetary.amount), t.monetary.currency, t.monetary.glyph)}",
            f"-{size(t.monetary.points)} pts",
        )
    return t.description


@_lines.register
def _(t: r.MoneyRedeemTransaction, paper: _Paper, kind: str) -> str:
    if t.deduct and t.deduct.amount is not None:
        label = "Spent" if kind == "giftcard" else "Redeemed"
        paper.pair(label, money(magnitude(t.deduct.amount), t.deduct.currency, t.deduct.glyph))
        return t.deduct.description or t.description
    return t.description


@_lines.register
def _(t: r.BuyXRedeemTransaction, paper: _Paper, kind: str) -> str:
    if t.reward:
        paper.pair(f"Free {t.reward.service_product}", f"-{size(t.reward.deduct)} bought")
    return t.description


@_lines.register
def _(t: r.EventsRedeemTransaction, paper: _Paper, kind: str) -> str:
    if t.reward:
        paper.pair(f"Reward: {t.reward.description or t.reward.id}", f"-{size(t.reward.amount)} visits")
    return t.description


# Balances after the transaction: by the balance's shape.


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
    if balance is None:
        return
    paper.rule()
    _balance(balance, getattr(t, "cumulative_balance", None), paper, receipt.kind)


@functools.singledispatch
def _balance(balance: object, cumulative: object, paper: _Paper, kind: str) -> None:
    """Every balance a receipt can carry has its own function below."""


@_balance.register
def _(balance: r.PointsBalance, cumulative: object, paper: _Paper, kind: str) -> None:
    paper.pair("Balance", f"{amount(balance.points)} pts")
    if balance.monetary is not None:
        paper.pair("  worth", money(balance.monetary, balance.currency, balance.glyph))
    if isinstance(cumulative, r.PointsBalance):
        paper.pair("Lifetime", f"{amount(cumulative.points)} pts")


@_balance.register
def _(balance: r.EventsBalance, cumulative: object, paper: _Paper, kind: str) -> None:
    paper.pair("Visits", amount(balance.events))
    if isinstance(cumulative, r.EventsBalance):
        paper.pair("Lifetime visits", amount(cumulative.events))


@_balance.register
def _(balance: r.MoneyLine, cumulative: object, paper: _Paper, kind: str) -> None:
    label = "Remaining balance" if kind == "giftcard" else "Balance"
    paper.pair(label, money(balance.amount, balance.currency, balance.glyph))
    if isinstance(cumulative, r.MoneyLine):
        paper.pair("Lifetime", money(cumulative.amount, cumulative.currency, cumulative.glyph))


def provisional_receipt(
    request: rq.EarnRequest, *, account_name: str = "", campaign_name: str = ""
) -> r.Receipt:
    """A receipt for an earn queued offline, from what the cashier entered (no balance: unknown yet)."""
    kind = type(request).model_fields["kind"].default
    return r.RECEIPT_MODELS[("earn", kind)].model_validate(
        {
            "account_name": account_name,
            "campaign": {"id": request.campaign_id, "name": campaign_name, "type": kind},
            "customer": {
                "card_number": request.customer.card_number or "",
                "code": request.customer.code or "",
            },
            "transaction": {"description": request.authorization, **_entered(request)},
        }
    )


@functools.singledispatch
def _entered(request: rq.EarnRequest) -> dict[str, object]:
    """What the cashier entered, as the transaction's lines of a receipt of the request's kind."""
    return {"event": {"description": ""}}  # a visit (events, earned)


@_entered.register
def _(request: rq.PointsEarn) -> dict[str, object]:
    return {} if request.amount is None else {"purchase": {"amount": str(request.amount)}}


@_entered.register
def _(request: rq.GiftCardLoad) -> dict[str, object]:
    return {"add": {"amount": str(request.amount)}}


@_entered.register
def _(request: rq.BuyXEarn) -> dict[str, object]:
    item = request.service_product or request.item_identifier or ""
    return {"purchase": {"item": item, "quantity": str(request.quantity or 1)}}
