"""What every write request shares: its base class, its amounts and its customer."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, model_validator

from ..wire import parse_decimal

WriteCall = Literal["record_activity", "redeem", "transaction_delete", "batch_transactions"]


def _positive(value: Decimal | None) -> Decimal | None:
    if value is not None and value <= 0:
        raise ValueError("the amount must be more than zero")
    return value


Money = Annotated[Decimal, BeforeValidator(parse_decimal), AfterValidator(_positive)]
OptionalMoney = Annotated[Decimal | None, BeforeValidator(parse_decimal), AfterValidator(_positive)]


class Frozen(BaseModel):
    """Frozen, and no field it does not know."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Request(Frozen):
    """A write request."""

    #: The API call that sends it.
    call: ClassVar[WriteCall]


class CustomerRef(Frozen):
    """Who a transaction is for: a card number (any string) or the customer's unique ``code``."""

    card_number: str | None = None
    code: str | None = None

    @model_validator(mode="after")
    def _one(self) -> CustomerRef:
        if not (self.card_number or self.code):
            raise ValueError("a card number or a customer code is needed")
        return self

    def fields(self) -> dict[str, str]:
        return {"code": self.code} if self.code else {"card_number": self.card_number or ""}

    @property
    def key(self) -> str:
        """A stable key for one customer (used to serialise writes per card)."""
        return f"code:{self.code}" if self.code else f"card:{self.card_number}"
