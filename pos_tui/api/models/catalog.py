"""The other calls a till needs: campaigns, rewards, buy-X items, the account, a balance's history,
and the plain envelopes (success, error, ``no_match``, batch)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AliasChoices, Field, model_validator

from .common import Amount, Text, WireDate, WireDateTime, WireModel, is_yes, wrapped
from .customer import Reward


class CampaignSummary(WireModel):
    """A campaign of ``campaigns_list``."""

    id: Text = ""
    name: Text = ""
    type: Text = ""
    currency: Text = ""
    glyph: Text = ""
    points_ratio: Amount = None
    reward_ratio: Amount = None


class CampaignsList(WireModel):
    status: Text = "success"
    campaigns: Annotated[list[CampaignSummary], wrapped("campaign")] = Field(default_factory=list)


class CampaignRewards(WireModel):
    status: Text = "success"
    rewards: Annotated[list[Reward], wrapped("reward")] = Field(
        default_factory=list, validation_alias=AliasChoices("rewards", "reward")
    )


class BuyXItem(WireModel):
    """An item of a buy-X campaign (``buyx_items_list``)."""

    id: Text = ""
    item_id: Text = ""
    name: Text = ""
    description: Text = ""
    earn_ratio: Amount = None
    reward_id: Text = ""

    @property
    def key(self) -> str:
        """The item's id, as ``service_product`` and ``reward_to_redeem`` take it."""
        return self.id or self.item_id

    @property
    def label(self) -> str:
        return self.description or self.name


class BuyXItemsList(WireModel):
    status: Text = "success"
    items: Annotated[list[BuyXItem], wrapped("item")] = Field(
        default_factory=list, validation_alias=AliasChoices("items", "item")
    )


def _named(*names: str) -> Any:
    """A field read under any of ``names`` (the live service's first) and dumped under the first."""
    return Field("", validation_alias=AliasChoices(*names), serialization_alias=names[0])


class Account(WireModel):
    """``account_info``'s account. Reads the live names (``biz_name``, ``biz_address1``,
    ``contact_phone``, …, as a typed client maps them) and the older ones (``business_name``,
    ``street1``, ``phone``, …); :meth:`wire` gives the live names back."""

    id: Text = _named("account_id", "id")
    business_name: Text = _named("biz_name", "business_name")
    street1: Text = _named("biz_address1", "street1", "address1")
    street2: Text = _named("biz_address2", "street2", "address2")
    city: Text = _named("biz_city", "city")
    state: Text = _named("biz_state", "state")
    postal_code: Text = _named("biz_zip", "postal_code", "zip")
    country: Text = _named("biz_country", "country")
    phone: Text = _named("contact_phone", "phone")
    email: Text = _named("contact_email", "email")
    language: Text = ""
    symbol: Text = ""
    glyph: Text = ""
    currency: Text = ""
    timezone: Text = ""
    coalition: Text = ""

    @property
    def is_coalition(self) -> bool:
        return is_yes(self.coalition)


class AccountInfo(WireModel):
    status: Text = "success"
    account: Account = Field(default_factory=Account)

    @model_validator(mode="before")
    @classmethod
    def _flat(cls, value: Any) -> Any:
        # Some servers put the account's fields straight under <response>.
        if isinstance(value, dict) and "account" not in value:
            fields = {k: v for k, v in value.items() if k != "status"}
            return {"status": value.get("status", "success"), "account": fields}
        return value


class HistoryTransaction(WireModel):
    """A line of a campaign's history (``customer_balance`` with ``transactions_number``)."""

    transaction_id: Text = Field("", validation_alias=AliasChoices("transaction_id", "id"))
    date: WireDate = None
    timestamp: WireDateTime = None
    amount: Amount = None
    redeemed: Text = ""
    item: Text = ""
    description: Text = ""
    user: Text = ""

    @property
    def is_redemption(self) -> bool:
        return is_yes(self.redeemed)


class BalanceCampaign(WireModel):
    id: Text = ""
    name: Text = ""
    type: Text = ""
    balance: Amount = None
    cumulative: Amount = None
    monetary_balance: Amount = None
    currency: Text = ""


class CustomerBalance(WireModel):
    status: Text = "success"
    code: Text = ""
    card_number: Text = ""
    campaign: BalanceCampaign = Field(default_factory=BalanceCampaign)
    transactions: Annotated[list[HistoryTransaction], wrapped("transaction")] = Field(default_factory=list)


class BatchResult(WireModel):
    status: Text = ""
    transactions: Amount = None


class BatchResponse(WireModel):
    status: Text = "success"
    batch: BatchResult = Field(default_factory=BatchResult)


class Success(WireModel):
    """A success with nothing in it (``transaction_delete``)."""

    status: Text = "success"


class ErrorResponse(WireModel):
    status: Text = "error"
    messages: list[str] = Field(default_factory=list, exclude=True)

    def wire(self) -> dict[str, Any]:
        body = super().wire()
        body.pop("error", None)
        body.pop("errors", None)
        if len(self.messages) == 1:
            body["error"] = self.messages[0]
        else:
            body["errors"] = list(self.messages)
        return body


class NoMatch(WireModel):
    status: Text = "no_match"
    message: Text = ""
