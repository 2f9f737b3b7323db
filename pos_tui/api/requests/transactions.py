"""Earns and redemptions of the five campaign kinds, and voids (``transaction_delete``)."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from ..wire import format_decimal
from .common import CustomerRef, Money, OptionalMoney, Request, WriteCall


class CampaignWrite(Request):
    """An earn or a redemption: one transaction of one customer in one campaign."""

    customer: CustomerRef
    campaign_id: str = Field(min_length=1)
    authorization: str = ""

    def _common(self) -> dict[str, str]:
        fields = {**self.customer.fields(), "campaign_id": self.campaign_id}
        if self.authorization:
            fields["authorization"] = self.authorization
        return fields


class EarnRequest(CampaignWrite):
    call: ClassVar[WriteCall] = "record_activity"

    send_transaction_email: bool = False
    custom_fields: dict[int, str] = Field(default_factory=dict)

    def _earn_common(self) -> dict[str, str]:
        fields = self._common()
        if self.send_transaction_email:
            fields["send_transaction_email"] = "Y"
        for number, value in sorted(self.custom_fields.items()):
            fields[f"custom_field_{number}"] = value
        return fields


class PointsEarn(EarnRequest):
    kind: Literal["points"] = "points"
    amount: OptionalMoney = None
    promo_id: str | None = None

    def fields(self) -> dict[str, str]:
        fields = self._earn_common()
        if self.amount is not None:
            fields["amount"] = format_decimal(self.amount)
        if self.promo_id:
            fields["promo_id"] = self.promo_id
        return fields


class GiftCardLoad(EarnRequest):
    kind: Literal["giftcard"] = "giftcard"
    amount: Money

    def fields(self) -> dict[str, str]:
        return {**self._earn_common(), "amount": format_decimal(self.amount)}


class BuyXEarn(EarnRequest):
    """A buy-X purchase: the item by id (``service_product``) or by identifier, and a quantity."""

    kind: Literal["buyx"] = "buyx"
    service_product: str | None = None
    item_identifier: str | None = None
    quantity: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _item(self) -> BuyXEarn:
        if not (self.service_product or self.item_identifier):
            raise ValueError("a buy-X purchase needs an item")
        return self

    def fields(self) -> dict[str, str]:
        fields = self._earn_common()
        if self.service_product:
            fields["service_product"] = self.service_product
        else:
            fields["item_identifier"] = self.item_identifier or ""
        if self.quantity is not None:
            fields["buyx_quantity"] = str(self.quantity)
        return fields


class EventsEarn(EarnRequest):
    kind: Literal["events"] = "events"

    def fields(self) -> dict[str, str]:
        return self._earn_common()


class EarnedEarn(EarnRequest):
    kind: Literal["earned"] = "earned"

    def fields(self) -> dict[str, str]:
        return self._earn_common()


Earn = Annotated[PointsEarn | GiftCardLoad | BuyXEarn | EventsEarn | EarnedEarn, Field(discriminator="kind")]


class RedeemRequest(CampaignWrite):
    call: ClassVar[WriteCall] = "redeem"

    @field_validator("customer")
    @classmethod
    def _needs_code(cls, customer: CustomerRef) -> CustomerRef:
        if not customer.code:
            raise ValueError("a redemption needs the customer's code, not only the card number")
        return customer


class PointsRedeem(RedeemRequest):
    """A reward, custom points and/or a custom money amount: at most one of each, at least one."""

    kind: Literal["points"] = "points"
    reward_id: str | None = None
    custom_points: OptionalMoney = None
    custom_dollars: OptionalMoney = None

    @model_validator(mode="after")
    def _something(self) -> PointsRedeem:
        if not (self.reward_id or self.custom_points or self.custom_dollars):
            raise ValueError("choose a reward, custom points or a custom amount")
        return self

    def fields(self) -> dict[str, str]:
        fields = self._common()
        if self.reward_id:
            fields["reward_to_redeem"] = self.reward_id
        if self.custom_points is not None:
            fields["custom_points_redeem"] = format_decimal(self.custom_points)
        if self.custom_dollars is not None:
            fields["custom_dollars_redeem"] = format_decimal(self.custom_dollars)
        return fields


class _AmountRedeem(RedeemRequest):
    amount: Money

    def fields(self) -> dict[str, str]:
        return {**self._common(), "reward_to_redeem": format_decimal(self.amount)}


class GiftCardRedeem(_AmountRedeem):
    kind: Literal["giftcard"] = "giftcard"


class EarnedRedeem(_AmountRedeem):
    kind: Literal["earned"] = "earned"


class BuyXRedeem(RedeemRequest):
    """One free item: its ``item_id`` (or identifier / ``reward_id``)."""

    kind: Literal["buyx"] = "buyx"
    item: str = Field(min_length=1)

    def fields(self) -> dict[str, str]:
        return {**self._common(), "reward_to_redeem": self.item}


class EventsRedeem(RedeemRequest):
    kind: Literal["events"] = "events"
    reward_id: str = Field(min_length=1)

    def fields(self) -> dict[str, str]:
        return {**self._common(), "reward_to_redeem": self.reward_id}


Redemption = Annotated[
    PointsRedeem | GiftCardRedeem | BuyXRedeem | EventsRedeem | EarnedRedeem,
    Field(discriminator="kind"),
]


class TransactionDelete(Request):
    """A void: the transaction ``transaction_id`` of the customer ``code`` is deleted."""

    call: ClassVar[WriteCall] = "transaction_delete"

    campaign_id: str = Field(min_length=1)
    code: str = Field(min_length=1)
    transaction_id: str = Field(min_length=1)

    def fields(self) -> dict[str, str]:
        return {"campaign_id": self.campaign_id, "code": self.code, "transaction_id": self.transaction_id}
