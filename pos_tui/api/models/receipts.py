"""Receipts of ``record_activity`` (earn) and ``redeem``: five campaign kinds × two actions.

Receipts carry no campaign type in the reference (live ones do, in ``campaign.type``), so
:func:`receipt_kind` works it out from the call, a hint from the caller, ``campaign.type`` or
the transaction's own shape, and :data:`RECEIPT_MODELS` picks the typed model.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal, TypeVar

from pydantic import AliasChoices, BeforeValidator, Field, SerializeAsAny, WrapSerializer

from ..kinds import CAMPAIGN_KINDS
from .common import Amount, Text, WireDate, WireModel, wrapped


def _empty_none(value: Any) -> Any:
    return None if value == "" or value is None else value


def _none_as_empty(value: Any, handler: Any) -> Any:
    return "" if value is None else handler(value)


T = TypeVar("T")
#: A sub-element that may be empty (``<promotion></promotion>``): ``None``, dumped as ``""``.
Maybe = Annotated[T | None, BeforeValidator(_empty_none), WrapSerializer(_none_as_empty)]


Action = Literal["earn", "redeem"]


class Agency(WireModel):
    id: Text = ""
    name: Text = ""
    email: Text = ""


class ReceiptCampaign(WireModel):
    id: Text = ""
    name: Text = ""
    type: Text = ""


class ReceiptCustomer(WireModel):
    first_name: Text = ""
    last_name: Text = ""
    card_number: Text = ""
    code: Text = ""
    phone: Text = ""
    email: Text = ""
    custom_field: Text = ""
    custom_date: WireDate = None

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


class MoneyLine(WireModel):
    """An amount of money: a purchase, a gift-card load or spend, an earned amount."""

    amount: Amount = None
    currency: Text = ""
    glyph: Text = ""
    description: Text = ""


class PointsBalance(WireModel):
    points: Amount = None
    monetary: Amount = None
    currency: Text = ""
    glyph: Text = ""


class EventsBalance(WireModel):
    events: Amount = None


class Promotion(WireModel):
    description: Text = ""
    operation: Text = ""  # "x" multiplies, "+" adds
    amount: Amount = None


class RecordedPoints(WireModel):
    points: Amount = None
    description: Text = ""


class EventLine(WireModel):
    description: Text = ""
    amount: Amount = None


class BuyXPurchaseLine(WireModel):
    item: Text = ""
    quantity: Amount = None
    description: Text = ""


class BuyXItemCount(WireModel):
    name: Text = ""
    current: Amount = None
    cumulative: Amount = None


class PointsRewardLine(WireModel):
    id: Text = ""
    points: Amount = None
    description: Text = ""


class CustomPointsLine(WireModel):
    points: Amount = None


class MonetaryRedemptionLine(WireModel):
    amount: Amount = None
    currency: Text = ""
    glyph: Text = ""
    points: Amount = None


class EventsRewardLine(WireModel):
    id: Text = ""
    amount: Amount = None
    description: Text = ""


class BuyXRewardLine(WireModel):
    service_product: Text = ""
    deduct: Amount = None


_CUMULATIVE = AliasChoices("cumulative_balance", "cummulative_balance")


class _Transaction(WireModel):
    id: Text = ""
    description: Text = ""


class PointsEarnTransaction(_Transaction):
    purchase: Maybe[MoneyLine] = None
    promotion: Maybe[Promotion] = None
    recorded: Maybe[RecordedPoints] = None
    balance: Maybe[PointsBalance] = None
    cumulative_balance: Maybe[PointsBalance] = Field(None, validation_alias=_CUMULATIVE)


class GiftCardLoadTransaction(_Transaction):
    add: Maybe[MoneyLine] = None
    balance: Maybe[MoneyLine] = None
    cumulative_balance: Maybe[MoneyLine] = Field(None, validation_alias=_CUMULATIVE)


class BuyXEarnTransaction(_Transaction):
    purchase: Maybe[BuyXPurchaseLine] = None
    balances: Annotated[list[BuyXItemCount], wrapped("item")] = Field(default_factory=list)


class EventsEarnTransaction(_Transaction):
    event: Maybe[EventLine] = None
    balance: Maybe[EventsBalance] = None
    cumulative_balance: Maybe[EventsBalance] = Field(None, validation_alias=_CUMULATIVE)


class EarnedEarnTransaction(_Transaction):
    event: Maybe[EventLine] = None
    earn: Maybe[MoneyLine] = None
    balance: Maybe[MoneyLine] = None
    cumulative_balance: Maybe[MoneyLine] = Field(None, validation_alias=_CUMULATIVE)


class PointsRedeemTransaction(_Transaction):
    reward: Maybe[PointsRewardLine] = None
    custom: Maybe[CustomPointsLine] = None
    monetary: Maybe[MonetaryRedemptionLine] = None
    balance: Maybe[PointsBalance] = None
    cumulative_balance: Maybe[PointsBalance] = Field(None, validation_alias=_CUMULATIVE)


class MoneyRedeemTransaction(_Transaction):
    """A gift-card spend or an earn-per-event redemption: money deducted."""

    deduct: Maybe[MoneyLine] = None
    balance: Maybe[MoneyLine] = None
    cumulative_balance: Maybe[MoneyLine] = Field(None, validation_alias=_CUMULATIVE)


class BuyXRedeemTransaction(_Transaction):
    reward: Maybe[BuyXRewardLine] = None
    balances: Annotated[list[BuyXItemCount], wrapped("item")] = Field(default_factory=list)


class EventsRedeemTransaction(_Transaction):
    reward: Maybe[EventsRewardLine] = None
    balance: Maybe[EventsBalance] = None
    cumulative_balance: Maybe[EventsBalance] = Field(None, validation_alias=_CUMULATIVE)


class Receipt(WireModel):
    """What the API returns to print a receipt. ``kind`` and ``action`` say which of the ten shapes."""

    kind: ClassVar[str] = ""
    action: ClassVar[Action] = "earn"

    account_name: Text = ""
    agency: Maybe[Agency] = None
    campaign: ReceiptCampaign = Field(default_factory=ReceiptCampaign)
    customer: ReceiptCustomer = Field(default_factory=ReceiptCustomer)
    transaction: _Transaction = Field(default_factory=_Transaction)

    @property
    def transaction_id(self) -> str:
        return self.transaction.id


def _receipt(kind: str, action: Action, transaction: type[_Transaction]) -> type[Receipt]:
    name = f"{kind.capitalize()}{action.capitalize()}Receipt"
    model = type(
        name,
        (Receipt,),
        {
            "__annotations__": {"transaction": transaction},
            "transaction": Field(default_factory=transaction),
            "kind": kind,
            "action": action,
            "__module__": __name__,
        },
    )
    return model


RECEIPT_MODELS: dict[tuple[Action, str], type[Receipt]] = {
    ("earn", "points"): _receipt("points", "earn", PointsEarnTransaction),
    ("earn", "giftcard"): _receipt("giftcard", "earn", GiftCardLoadTransaction),
    ("earn", "buyx"): _receipt("buyx", "earn", BuyXEarnTransaction),
    ("earn", "events"): _receipt("events", "earn", EventsEarnTransaction),
    ("earn", "earned"): _receipt("earned", "earn", EarnedEarnTransaction),
    ("redeem", "points"): _receipt("points", "redeem", PointsRedeemTransaction),
    ("redeem", "giftcard"): _receipt("giftcard", "redeem", MoneyRedeemTransaction),
    ("redeem", "buyx"): _receipt("buyx", "redeem", BuyXRedeemTransaction),
    ("redeem", "events"): _receipt("events", "redeem", EventsRedeemTransaction),
    ("redeem", "earned"): _receipt("earned", "redeem", MoneyRedeemTransaction),
}


class ReceiptResponse(WireModel):
    status: Text = "success"
    receipt: SerializeAsAny[Receipt]

    @property
    def transaction_id(self) -> str:
        return self.receipt.transaction_id


def receipt_kind(receipt: Any, action: Action, hint: str | None = None) -> str:
    """Which campaign kind a receipt tree belongs to.

    The caller's hint wins (the till knows the campaign it wrote to), then ``campaign.type``
    of live receipts, then the transaction's shape. A gift-card spend and an earn-per-event
    redemption have the same shape; without a hint it is read as a gift card.
    """
    if hint in CAMPAIGN_KINDS:
        return hint
    receipt = receipt if isinstance(receipt, dict) else {}
    campaign = receipt.get("campaign")
    if isinstance(campaign, dict):
        declared = campaign.get("type")
        if isinstance(declared, str) and declared.strip().lower() in CAMPAIGN_KINDS:
            return declared.strip().lower()
    transaction = receipt.get("transaction")
    keys = set(transaction) if isinstance(transaction, dict) else set()
    balance = transaction.get("balance") if isinstance(transaction, dict) else None
    balance_keys = set(balance) if isinstance(balance, dict) else set()
    if "balances" in keys:
        return "buyx"
    if "events" in balance_keys:
        return "events"
    if action == "earn":
        if "earn" in keys:
            return "earned"
        if "add" in keys:
            return "giftcard"
        if "event" in keys:
            return "events"
        purchase = transaction.get("purchase") if isinstance(transaction, dict) else None
        if isinstance(purchase, dict) and ("item" in purchase or "quantity" in purchase):
            return "buyx"
        return "points"
    reward = transaction.get("reward") if isinstance(transaction, dict) else None
    if isinstance(reward, dict) and "service_product" in reward:
        return "buyx"
    if keys & {"custom", "monetary"} or "points" in balance_keys:
        return "points"
    if isinstance(reward, dict):
        return "points" if "points" in reward else "events"
    return "giftcard"


def decode_receipt(tree: dict[str, Any], action: Action, hint: str | None = None) -> ReceiptResponse:
    """Validate a success tree of ``record_activity`` / ``redeem`` into its typed receipt."""
    receipt = tree.get("receipt")
    kind = receipt_kind(receipt, action, hint)
    model = RECEIPT_MODELS[(action, kind)]
    return ReceiptResponse(
        status=tree.get("status", "success"),
        receipt=model.model_validate(receipt if isinstance(receipt, dict) else {}),
        **{k: v for k, v in tree.items() if k not in {"status", "receipt"}},
    )
