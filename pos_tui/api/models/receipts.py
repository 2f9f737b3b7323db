"""Receipts of ``record_activity`` (earn) and ``redeem``: five campaign kinds × two actions.

Each of the ten shapes is a declared class (``PointsEarnReceipt`` … ``EarnedRedeemReceipt``).
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


class Transaction(WireModel):
    """What every receipt's transaction has; each shape adds its own lines."""

    id: Text = ""
    description: Text = ""


class PointsEarnTransaction(Transaction):
    purchase: Maybe[MoneyLine] = None
    promotion: Maybe[Promotion] = None
    recorded: Maybe[RecordedPoints] = None
    balance: Maybe[PointsBalance] = None
    cumulative_balance: Maybe[PointsBalance] = Field(None, validation_alias=_CUMULATIVE)


class GiftCardLoadTransaction(Transaction):
    add: Maybe[MoneyLine] = None
    balance: Maybe[MoneyLine] = None
    cumulative_balance: Maybe[MoneyLine] = Field(None, validation_alias=_CUMULATIVE)


class BuyXEarnTransaction(Transaction):
    purchase: Maybe[BuyXPurchaseLine] = None
    balances: Annotated[list[BuyXItemCount], wrapped("item")] = Field(default_factory=list)


class EventsEarnTransaction(Transaction):
    event: Maybe[EventLine] = None
    balance: Maybe[EventsBalance] = None
    cumulative_balance: Maybe[EventsBalance] = Field(None, validation_alias=_CUMULATIVE)


class EarnedEarnTransaction(Transaction):
    event: Maybe[EventLine] = None
    earn: Maybe[MoneyLine] = None
    balance: Maybe[MoneyLine] = None
    cumulative_balance: Maybe[MoneyLine] = Field(None, validation_alias=_CUMULATIVE)


class PointsRedeemTransaction(Transaction):
    reward: Maybe[PointsRewardLine] = None
    custom: Maybe[CustomPointsLine] = None
    monetary: Maybe[MonetaryRedemptionLine] = None
    balance: Maybe[PointsBalance] = None
    cumulative_balance: Maybe[PointsBalance] = Field(None, validation_alias=_CUMULATIVE)


class MoneyRedeemTransaction(Transaction):
    """A gift-card spend or an earn-per-event redemption: money deducted."""

    deduct: Maybe[MoneyLine] = None
    balance: Maybe[MoneyLine] = None
    cumulative_balance: Maybe[MoneyLine] = Field(None, validation_alias=_CUMULATIVE)


class BuyXRedeemTransaction(Transaction):
    reward: Maybe[BuyXRewardLine] = None
    balances: Annotated[list[BuyXItemCount], wrapped("item")] = Field(default_factory=list)


class EventsRedeemTransaction(Transaction):
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
    transaction: Transaction = Field(default_factory=Transaction)

    @property
    def transaction_id(self) -> str:
        return self.transaction.id


class PointsEarnReceipt(Receipt):
    """A purchase that earned points."""

    kind: ClassVar[str] = "points"
    action: ClassVar[Action] = "earn"
    transaction: PointsEarnTransaction = Field(default_factory=PointsEarnTransaction)


class GiftCardEarnReceipt(Receipt):
    """Money loaded on a gift card."""

    kind: ClassVar[str] = "giftcard"
    action: ClassVar[Action] = "earn"
    transaction: GiftCardLoadTransaction = Field(default_factory=GiftCardLoadTransaction)


class BuyXEarnReceipt(Receipt):
    """Items bought towards a free one."""

    kind: ClassVar[str] = "buyx"
    action: ClassVar[Action] = "earn"
    transaction: BuyXEarnTransaction = Field(default_factory=BuyXEarnTransaction)


class EventsEarnReceipt(Receipt):
    """A visit counted."""

    kind: ClassVar[str] = "events"
    action: ClassVar[Action] = "earn"
    transaction: EventsEarnTransaction = Field(default_factory=EventsEarnTransaction)


class EarnedEarnReceipt(Receipt):
    """A visit that earned a fixed amount of money."""

    kind: ClassVar[str] = "earned"
    action: ClassVar[Action] = "earn"
    transaction: EarnedEarnTransaction = Field(default_factory=EarnedEarnTransaction)


class PointsRedeemReceipt(Receipt):
    """A reward, custom points or a custom amount redeemed."""

    kind: ClassVar[str] = "points"
    action: ClassVar[Action] = "redeem"
    transaction: PointsRedeemTransaction = Field(default_factory=PointsRedeemTransaction)


class GiftCardRedeemReceipt(Receipt):
    """Money spent from a gift card."""

    kind: ClassVar[str] = "giftcard"
    action: ClassVar[Action] = "redeem"
    transaction: MoneyRedeemTransaction = Field(default_factory=MoneyRedeemTransaction)


class BuyXRedeemReceipt(Receipt):
    """A free item given."""

    kind: ClassVar[str] = "buyx"
    action: ClassVar[Action] = "redeem"
    transaction: BuyXRedeemTransaction = Field(default_factory=BuyXRedeemTransaction)


class EventsRedeemReceipt(Receipt):
    """A reward for visits given."""

    kind: ClassVar[str] = "events"
    action: ClassVar[Action] = "redeem"
    transaction: EventsRedeemTransaction = Field(default_factory=EventsRedeemTransaction)


class EarnedRedeemReceipt(Receipt):
    """Earned money redeemed."""

    kind: ClassVar[str] = "earned"
    action: ClassVar[Action] = "redeem"
    transaction: MoneyRedeemTransaction = Field(default_factory=MoneyRedeemTransaction)


RECEIPT_MODELS: dict[tuple[Action, str], type[Receipt]] = {
    (model.action, model.kind): model
    for model in (
        PointsEarnReceipt,
        GiftCardEarnReceipt,
        BuyXEarnReceipt,
        EventsEarnReceipt,
        EarnedEarnReceipt,
        PointsRedeemReceipt,
        GiftCardRedeemReceipt,
        BuyXRedeemReceipt,
        EventsRedeemReceipt,
        EarnedRedeemReceipt,
    )
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
