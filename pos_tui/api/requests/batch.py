"""``batch_transactions``: many earns or redemptions of one campaign kind in one delimited text."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Literal

from pydantic import Field

from ..kinds import CampaignKind
from ..wire import DELIMITERS, DelimiterName, format_decimal
from .common import Frozen, OptionalMoney, Request, WriteCall

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


class BatchRow(Frozen):
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


class Batch(Request):
    call: ClassVar[WriteCall] = "batch_transactions"

    kind: CampaignKind
    rows: tuple[BatchRow, ...] = Field(min_length=1)
    delimiter: Literal["auto"] | DelimiterName = "auto"
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
