"""Typed write requests: earns and redemptions of the five campaign kinds, deletes and batches.

Each request knows its form fields (``fields()``), so the client, the journal and the command
line build exactly the same request. They are pydantic models, so the journal can store them as
JSON and read them back.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from .wire import format_decimal, parse_decimal


def _positive(value: Decimal | None) -> Decimal | None:
    if value is not None and value <= 0:
        raise ValueError("the amount must be more than zero")
    return value


Money = Annotated[Decimal, BeforeValidator(parse_decimal), AfterValidator(_positive)]
OptionalMoney = Annotated[Decimal | None, BeforeValidator(parse_decimal), AfterValidator(_positive)]


class _Request(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CustomerRef(_Request):
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


class _Write(_Request):
    customer: CustomerRef
    campaign_id: str = Field(min_length=1)
    authorization: str = ""

    def _common(self) -> dict[str, str]:
        fields = {**self.customer.fields(), "campaign_id": self.campaign_id}
        if self.authorization:
            fields["authorization"] = self.authorization
        return fields


class _Earn(_Write):
    send_transaction_email: bool = False
    custom_fields: dict[int, str] = Field(default_factory=dict)

    def _earn_common(self) -> dict[str, str]:
        fields = self._common()
        if self.send_transaction_email:
            fields["send_transaction_email"] = "Y"
        for number, value in sorted(self.custom_fields.items()):
            fields[f"custom_field_{number}"] = value
        return fields


class PointsEarn(_Earn):
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


class GiftCardLoad(_Earn):
    kind: Literal["giftcard"] = "giftcard"
    amount: Money

    def fields(self) -> dict[str, str]:
        return {**self._earn_common(), "amount": format_decimal(self.amount)}


class BuyXEarn(_Earn):
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


class EventsEarn(_Earn):
    kind: Literal["events"] = "events"

    def fields(self) -> dict[str, str]:
        return self._earn_common()


class EarnedEarn(_Earn):
    kind: Literal["earned"] = "earned"

    def fields(self) -> dict[str, str]:
        return self._earn_common()


Earn = Annotated[PointsEarn | GiftCardLoad | BuyXEarn | EventsEarn | EarnedEarn, Field(discriminator="kind")]


class _Redeem(_Write):
    @field_validator("customer")
    @classmethod
    def _needs_code(cls, customer: CustomerRef) -> CustomerRef:
        if not customer.code:
            raise ValueError("a redemption needs the customer's code, not only the card number")
        return customer


class PointsRedeem(_Redeem):
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


class _AmountRedeem(_Redeem):
    amount: Money

    def fields(self) -> dict[str, str]:
        return {**self._common(), "reward_to_redeem": format_decimal(self.amount)}


class GiftCardRedeem(_AmountRedeem):
    kind: Literal["giftcard"] = "giftcard"


class EarnedRedeem(_AmountRedeem):
    kind: Literal["earned"] = "earned"


class BuyXRedeem(_Redeem):
    """One free item: its ``item_id`` (or identifier / ``reward_id``)."""

    kind: Literal["buyx"] = "buyx"
    item: str = Field(min_length=1)

    def fields(self) -> dict[str, str]:
        return {**self._common(), "reward_to_redeem": self.item}


class EventsRedeem(_Redeem):
    kind: Literal["events"] = "events"
    reward_id: str = Field(min_length=1)

    def fields(self) -> dict[str, str]:
        return {**self._common(), "reward_to_redeem": self.reward_id}


Redemption = Annotated[
    PointsRedeem | GiftCardRedeem | BuyXRedeem | EventsRedeem | EarnedRedeem,
    Field(discriminator="kind"),
]


class TransactionDelete(_Request):
    campaign_id: str = Field(min_length=1)
    code: str = Field(min_length=1)
    transaction_id: str = Field(min_length=1)

    def fields(self) -> dict[str, str]:
        return {"campaign_id": self.campaign_id, "code": self.code, "transaction_id": self.transaction_id}


# Batches ----------------------------------------------------------------------------------

DELIMITERS = {"pipe": "|", "comma": ",", "tab": "\t"}
# The columns of each kind, in the reference's order ("amount" of events/earned only for redemptions).
BATCH_COLUMNS = {
    "points": ("campaign_id", "code", "redeemed", "amount", "date", "authorization", "promo_id"),
    "giftcard": ("campaign_id", "code", "redeemed", "amount", "date", "authorization"),
    "buyx": ("campaign_id", "code", "redeemed", "service_product", "amount", "date", "authorization"),
    "events": ("campaign_id", "code", "redeemed", "date", "authorization", "amount"),
    "earned": ("campaign_id", "code", "redeemed", "date", "authorization", "amount"),
}
_OPTIONAL_COLUMNS = {"amount", "date", "authorization", "promo_id"}
# Free text may lose a delimiter character; identifiers and amounts may not.
_TEXT_REPLACEMENTS = {"|": "/", ",": ";", "\t": " "}


class BatchRow(_Request):
    """One transaction of a batch. ``code`` is the customer's code or card number."""

    campaign_id: str = Field(min_length=1)
    code: str = Field(min_length=1)
    redeemed: bool = False
    amount: OptionalMoney = None
    date: dt.date | None = None
    authorization: str = ""
    promo_ids: tuple[str, ...] = ()
    service_product: str = ""
    custom_fields: dict[int, str] = Field(default_factory=dict)


class Batch(_Request):
    kind: Literal["points", "giftcard", "buyx", "events", "earned"]
    rows: tuple[BatchRow, ...] = Field(min_length=1)
    delimiter: Literal["auto", "pipe", "comma", "tab"] = "auto"
    apply_ratio: bool | None = None
    allow_undo: bool = False
    send_transaction_email: bool = False

    def columns(self) -> list[str]:
        columns = list(BATCH_COLUMNS[self.kind])
        if self.kind == "points" and not any(row.promo_ids for row in self.rows):
            columns.remove("promo_id")
        numbers = sorted({n for row in self.rows for n in row.custom_fields})
        return columns + [f"custom_field_{n}" for n in numbers]

    def chosen_delimiter(self) -> str:
        if self.delimiter != "auto":
            return self.delimiter
        for name in ("pipe", "tab", "comma"):
            if not any(DELIMITERS[name] in value for row in self.rows for value in self._raw(row)):
                return name
        return "pipe"

    def fields(self) -> dict[str, str]:
        delimiter_name = self.chosen_delimiter()
        delimiter = DELIMITERS[delimiter_name]
        columns = self.columns()
        used = {c for c in columns if any(self._value(row, c) for row in self.rows)}
        fields = {"delimiter": delimiter_name}
        if self.apply_ratio is not None:
            fields["apply_ratio"] = "yes" if self.apply_ratio else "no"
        if self.allow_undo:
            fields["allow-undo"] = "yes"
        if self.send_transaction_email:
            fields["send_transaction_email"] = "Y"
        for index, column in enumerate(columns, start=1):
            unused = column in _OPTIONAL_COLUMNS and column not in used
            fields[f"visits_header_{index}"] = "none" if unused else column
        lines = []
        for number, row in enumerate(self.rows, start=1):
            values = [self._cell(row, column, delimiter, number) for column in columns]
            lines.append(delimiter.join(values))
        fields["Visits_Data"] = "\n".join(lines) + "\n"
        return fields

    @staticmethod
    def _value(row: BatchRow, column: str) -> str:
        if column == "redeemed":
            return "Y" if row.redeemed else "N"
        if column == "amount":
            return "" if row.amount is None else format_decimal(row.amount)
        if column == "date":
            return row.date.isoformat() if row.date else ""
        if column == "promo_id":
            return ",".join(row.promo_ids)
        if column.startswith("custom_field_"):
            return row.custom_fields.get(int(column.rsplit("_", 1)[1]), "")
        return str(getattr(row, column))

    def _raw(self, row: BatchRow) -> list[str]:
        return [self._value(row, column) for column in self.columns()]

    def _cell(self, row: BatchRow, column: str, delimiter: str, number: int) -> str:
        value = " ".join(self._value(row, column).splitlines())
        if delimiter not in value:
            return value
        if column == "authorization" or column.startswith("custom_field_"):
            return value.replace(delimiter, _TEXT_REPLACEMENTS[delimiter])
        raise ValueError(
            f"row {number}: the {column} value contains the {self.chosen_delimiter()} delimiter; "
            "choose another delimiter"
        )


# From raw form fields (the command line) ------------------------------------------------------

_EARN_FIELDS = {
    "points": {"amount", "promo_id"},
    "giftcard": {"amount"},
    "buyx": {"service_product", "item_identifier", "buyx_quantity"},
    "events": set(),
    "earned": set(),
}
_REDEEM_FIELDS = {
    "points": {"reward_to_redeem", "custom_points_redeem", "custom_dollars_redeem"},
    "giftcard": {"reward_to_redeem"},
    "buyx": {"reward_to_redeem"},
    "events": {"reward_to_redeem"},
    "earned": {"reward_to_redeem"},
}
_COMMON = {"code", "card_number", "campaign_id", "authorization"}


def request_from_fields(call: str, kind: str, fields: dict[str, str]) -> Any:
    """The typed earn or redemption that raw API fields describe. Raises ValueError naming the
    field (an unused field is an error, never silently dropped)."""
    allowed = (_EARN_FIELDS if call == "record_activity" else _REDEEM_FIELDS).get(kind)
    if allowed is None:
        raise ValueError(f"unknown campaign kind {kind!r}")
    extra = {"send_transaction_email"} if call == "record_activity" else set()
    for name in fields:
        if name not in allowed | _COMMON | extra and not (
            call == "record_activity" and name.startswith("custom_field_")
        ):
            raise ValueError(f"field {name!r} is not used by {call} for a {kind} campaign")
    common: dict[str, Any] = {
        "customer": CustomerRef(
            code=fields.get("code") or None, card_number=fields.get("card_number") or None
        ),
        "campaign_id": fields.get("campaign_id", ""),
        "authorization": fields.get("authorization", ""),
    }
    if call == "record_activity":
        common["send_transaction_email"] = fields.get("send_transaction_email", "").upper() == "Y"
        common["custom_fields"] = {
            int(k.rsplit("_", 1)[1]): v for k, v in fields.items() if k.startswith("custom_field_")
        }
        if kind == "points":
            return PointsEarn(
                **common, amount=fields.get("amount") or None, promo_id=fields.get("promo_id") or None
            )
        if kind == "giftcard":
            return GiftCardLoad(**common, amount=fields.get("amount", ""))
        if kind == "buyx":
            quantity = fields.get("buyx_quantity")
            return BuyXEarn(
                **common,
                service_product=fields.get("service_product") or None,
                item_identifier=fields.get("item_identifier") or None,
                quantity=int(quantity) if quantity else None,
            )
        return (EventsEarn if kind == "events" else EarnedEarn)(**common)
    choice = fields.get("reward_to_redeem", "")
    if kind == "points":
        return PointsRedeem(
            **common,
            reward_id=choice or None,
            custom_points=fields.get("custom_points_redeem") or None,
            custom_dollars=fields.get("custom_dollars_redeem") or None,
        )
    if kind in ("giftcard", "earned"):
        return (GiftCardRedeem if kind == "giftcard" else EarnedRedeem)(**common, amount=choice)
    if kind == "buyx":
        return BuyXRedeem(**common, item=choice)
    return EventsRedeem(**common, reward_id=choice)


def batch_from_fields(kind: str, fields: dict[str, str]) -> Batch:
    """The typed batch that raw ``batch_transactions`` fields describe (headers, delimiter, rows)."""
    name = fields.get("delimiter", "").strip().lower()
    if name not in DELIMITERS:
        raise ValueError("delimiter must be pipe, comma or tab")
    headers = [fields[f"visits_header_{n}"].strip() for n in range(1, 100) if f"visits_header_{n}" in fields]
    rows = []
    for number, line in enumerate(
        filter(None, (x.strip() for x in fields.get("Visits_Data", "").splitlines())), 1
    ):
        cells = {
            h: v.strip() for h, v in zip(headers, line.split(DELIMITERS[name]), strict=False) if h != "none"
        }
        unknown = (
            set(cells)
            - set(BatchRow.model_fields)
            - {"redeemed", "promo_id"}
            - {h for h in cells if h.startswith("custom_field_")}
        )
        if unknown:
            raise ValueError(f"line {number}: column {sorted(unknown)[0]!r} is not a batch column")
        date_text = cells.get("date", "")
        rows.append(
            BatchRow(
                campaign_id=cells.get("campaign_id", ""),
                code=cells.get("code", ""),
                redeemed=cells.get("redeemed", "N").upper() == "Y",
                amount=cells.get("amount") or None,
                date=None if date_text.lower() in ("", "none") else date_text,
                authorization=cells.get("authorization", ""),
                service_product=cells.get("service_product", ""),
                promo_ids=tuple(p for p in cells.get("promo_id", "").split(",") if p),
                custom_fields={
                    int(k.rsplit("_", 1)[1]): v for k, v in cells.items() if k.startswith("custom_field_")
                },
            )
        )
    ratio = fields.get("apply_ratio", "").strip().lower()
    return Batch(
        kind=kind,
        rows=tuple(rows),
        delimiter=name,
        apply_ratio=None if not ratio else ratio == "yes",
        allow_undo=fields.get("allow-undo") == "yes",
        send_transaction_email=fields.get("send_transaction_email", "").upper() == "Y",
    )
