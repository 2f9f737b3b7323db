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
    """A line of a campaign's history (``customer_balance`` with ``transactions_number``).

    The live service (and every public client) names the fields ``id``, ``authorization`` (the
    free text sent with the write), ``user_name`` and ``record_timestamp``."""

    transaction_id: Text = Field("", validation_alias=AliasChoices("id", "transaction_id"))
    date: WireDate = None
    timestamp: WireDateTime = Field(None, validation_alias=AliasChoices("record_timestamp", "timestamp"))
    amount: Amount = None
    orig_amount: Amount = None
    redeemed: Text = ""
    item: Text = ""
    authorization: Text = Field("", validation_alias=AliasChoices("authorization", "description"))
    user: Text = Field("", validation_alias=AliasChoices("user_name", "user"))

    @property
    def is_redemption(self) -> bool:
        return is_yes(self.redeemed)

    @property
    def understood(self) -> bool:
        """Whether the line carries what a decision needs: its id and its free text (even empty)."""
        return bool(self.transaction_id) and "authorization" in self.model_fields_set


class BalanceCustomer(WireModel):
    code: Text = ""
    card_number: Text = ""
    first_name: Text = ""
    last_name: Text = ""
    balance: Amount = None
    #: ``None`` when the body had no ``<transactions>`` element: the history was not located.
    transactions: Annotated[list[HistoryTransaction] | None, wrapped("transaction")] = None


class BalanceCampaign(WireModel):
    campaign_id: Text = Field("", validation_alias=AliasChoices("campaign_id", "id"))
    campaign_type: Text = Field("", validation_alias=AliasChoices("campaign_type", "type"))
    campaign_name: Text = Field("", validation_alias=AliasChoices("campaign_name", "name"))
    currency: Text = ""
    customer: BalanceCustomer | None = None


class CustomerBalance(WireModel):
    """``customer_balance`` in the shape the live service sends and its public clients read:
    ``campaign > customer > transactions > transaction``."""

    status: Text = "success"
    campaign: BalanceCampaign = Field(default_factory=BalanceCampaign)

    @property
    def located(self) -> bool:
        """Whether the body held a history this client understands, line by line.

        A success whose transaction list cannot be found, or whose lines lack the id or the free
        text, is *not* an empty history: nothing may be concluded from it."""
        customer = self.campaign.customer
        if customer is None or customer.transactions is None:
            return False
        return all(line.understood for line in customer.transactions)

    @property
    def transactions(self) -> list[HistoryTransaction]:
        customer = self.campaign.customer
        return list(customer.transactions or []) if customer is not None else []

    @property
    def code(self) -> str:
        return self.campaign.customer.code if self.campaign.customer is not None else ""

    @property
    def card_number(self) -> str:
        return self.campaign.customer.card_number if self.campaign.customer is not None else ""


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
