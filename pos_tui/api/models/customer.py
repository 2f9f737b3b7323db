"""Customers and their campaign balances: ``customer_info``, ``customer_search``, ``customer_find``."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, BeforeValidator, Discriminator, Field, Tag

from ..kinds import CAMPAIGN_KINDS
from .common import Amount, Text, WireDate, WireModel, custom_fields, is_yes, wrapped


class Customer(WireModel):
    code: Text = ""
    card_number: Text = ""
    first_name: Text = ""
    last_name: Text = ""
    phone: Text = ""
    email: Text = ""
    street1: Text = ""
    street2: Text = ""
    city: Text = ""
    state: Text = ""
    postal_code: Text = ""
    country: Text = ""
    custom_date: WireDate = None
    custom_field: Text = ""
    customer_username: Text = ""
    registered: Text = ""

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    @property
    def is_registered(self) -> bool:
        return is_yes(self.registered)

    @property
    def custom_fields(self) -> dict[str, Any]:
        return custom_fields(self)


class Reward(WireModel):
    """A reward of a points or events campaign (``available_rewards`` / ``campaign_rewards``)."""

    id: Text = ""
    description: Text = ""
    needed_to_redeem: Amount = None
    reward_id: Text = ""
    level: Amount = None

    @property
    def cost(self) -> Decimal | None:
        return self.needed_to_redeem if self.needed_to_redeem is not None else self.level

    @property
    def redeem_key(self) -> str:
        """The value to send as ``reward_to_redeem``."""
        return self.id or self.reward_id


class BuyXReward(WireModel):
    """An earned free item of a buy-X campaign."""

    item_id: Text = ""
    name: Text = ""
    earn_ratio: Amount = None
    reward_id: Text = ""

    @property
    def redeem_key(self) -> str:
        return self.item_id or self.reward_id or self.name


class BuyXItemBalance(WireModel):
    name: Text = ""
    item_id: Text = ""
    balance: Amount = None
    earned: Amount = None
    cumulative: Amount = None
    redeemed: Amount = None
    earn_ratio: Amount = None


class _Campaign(WireModel):
    id: Text = ""
    name: Text = ""
    type: Text = ""
    currency: Text = ""
    glyph: Text = ""
    last_transaction: WireDate = None
    balance_coalition: Amount = None
    cumulative_coalition: Amount = None

    @property
    def is_coalition(self) -> bool:
        return self.balance_coalition is not None


class PointsCampaign(_Campaign):
    type: Literal["points"] = "points"
    balance: Amount = None
    cumulative: Amount = None
    monetary_balance: Amount = None
    available_rewards: Annotated[list[Reward], wrapped("reward")] = Field(default_factory=list)


class GiftCardCampaign(_Campaign):
    type: Literal["giftcard"] = "giftcard"
    balance: Amount = None
    cumulative: Amount = None
    available_rewards: Annotated[list[Reward], wrapped("reward")] = Field(default_factory=list)


class EarnedCampaign(_Campaign):
    type: Literal["earned"] = "earned"
    balance: Amount = None
    cumulative: Amount = None
    available_rewards: Annotated[list[Reward], wrapped("reward")] = Field(default_factory=list)


class EventsCampaign(_Campaign):
    type: Literal["events"] = "events"
    balance: Amount = None
    cumulative: Amount = None
    available_rewards: Annotated[list[Reward], wrapped("reward")] = Field(default_factory=list)


class BuyXCampaign(_Campaign):
    type: Literal["buyx"] = "buyx"
    balances: Annotated[list[BuyXItemBalance], wrapped("item")] = Field(default_factory=list)
    available_rewards: Annotated[list[BuyXReward], wrapped("reward")] = Field(default_factory=list)


class OtherCampaign(_Campaign):
    """A campaign of a kind this version does not know: kept, shown by name, never fatal."""

    balance: Amount = None
    cumulative: Amount = None


def _campaign_kind(value: Any) -> str:
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    kind = kind.strip().lower() if isinstance(kind, str) else ""
    return kind if kind in CAMPAIGN_KINDS else "other"


def _lower_type(value: Any) -> Any:
    if isinstance(value, dict) and isinstance(value.get("type"), str):
        kind = value["type"].strip().lower()
        if kind in CAMPAIGN_KINDS and kind != value["type"]:
            value = {**value, "type": kind}
    return value


Campaign = Annotated[
    Annotated[PointsCampaign, Tag("points")]
    | Annotated[GiftCardCampaign, Tag("giftcard")]
    | Annotated[BuyXCampaign, Tag("buyx")]
    | Annotated[EventsCampaign, Tag("events")]
    | Annotated[EarnedCampaign, Tag("earned")]
    | Annotated[OtherCampaign, Tag("other")],
    Discriminator(_campaign_kind),
    BeforeValidator(_lower_type),
]


class CustomerInfo(WireModel):
    """``customer_info``: one customer and, unless ``include_balances=N``, each campaign."""

    status: Text = "success"
    customer: Customer = Field(default_factory=Customer)
    campaigns: Annotated[list[Campaign], wrapped("campaign")] = Field(default_factory=list)

    def campaign(self, campaign_id: str) -> Campaign | None:
        return next((c for c in self.campaigns if c.id == campaign_id), None)

    @property
    def is_coalition(self) -> bool:
        return any(c.is_coalition for c in self.campaigns)


class FoundCustomer(Customer):
    """A match of ``customer_search`` / ``customer_find`` (balances when ``include_balances=Y``)."""

    customer_code: Text = ""
    campaigns: Annotated[list[Campaign], wrapped("campaign")] = Field(default_factory=list)

    @property
    def unique_code(self) -> str:
        return self.code or self.customer_code


class CustomerList(WireModel):
    status: Text = "success"
    customers: Annotated[list[FoundCustomer], wrapped("customer")] = Field(
        default_factory=list, validation_alias=AliasChoices("customers", "customer")
    )
