"""Wire types shared by every model: text, amounts, dates, list wrappers.

The tree the decoder hands over has the shape of the API's JSON output (strings everywhere,
lists named after their wrapper). An XML wrapper arrives as ``{"reward": [...]}`` or, with a
single child, ``{"reward": {...}}``; JSON sends ``[...]`` or, from some servers, one object.
:func:`wrapped` accepts all of them. Dumping a model with :meth:`WireModel.wire` gives the
API's JSON shape back, with values as strings.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer

from ..wire import format_decimal, parse_date, parse_datetime, parse_decimal


def _decimal_out(value: Decimal | None) -> str:
    return "" if value is None else format_decimal(value)


def _date_out(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def _datetime_out(value: datetime | None) -> str:
    return "" if value is None else value.isoformat(sep=" ")


#: Text; numbers become their string (``coerce_numbers_to_str``), JSON nulls arrive as "".
Text = str
#: Money, points, counts: always ``Decimal`` (or ``None`` for an empty element).
Amount = Annotated[
    Decimal | None, BeforeValidator(parse_decimal), PlainSerializer(_decimal_out, return_type=str)
]
WireDate = Annotated[date | None, BeforeValidator(parse_date), PlainSerializer(_date_out, return_type=str)]
WireDateTime = Annotated[
    datetime | None, BeforeValidator(parse_datetime), PlainSerializer(_datetime_out, return_type=str)
]

_PLACEHOLDER = re.compile(r"^[\s.…]*$")


def wrapped(*item_tags: str, siblings: tuple[str, ...] = ()) -> BeforeValidator:
    """Accept a list however it arrives: XML wrapper dict, one item, a JSON array, or empty.

    ``siblings`` names other children a wrapper may hold beside its items (a count, say);
    they are dropped from the list.
    """
    tags = frozenset(item_tags)
    allowed = tags | frozenset(siblings)

    def validate(value: Any) -> list[Any]:
        if value is None:
            return []
        if isinstance(value, dict) and value and set(value) <= allowed and set(value) & tags:
            value = next(value[tag] for tag in item_tags if tag in value)
        elif isinstance(value, dict) and value and set(value) <= frozenset(siblings):
            return []
        items = value if isinstance(value, list) else [value]
        # Text-only items (an empty wrapper, or the reference's "..." placeholders) are not records.
        return [item for item in items if not (isinstance(item, str) and _PLACEHOLDER.match(item))]

    return BeforeValidator(validate)


class WireModel(BaseModel):
    """Base of every model: unknown elements are kept (``model_extra``), never fatal."""

    #: ``defer_build``: a model's validator is built when first used (or by ``models.warm()``),
    #: not at import: building all of them took 0.2 s of every ``pos-tui`` command's start.
    model_config = ConfigDict(
        extra="allow", populate_by_name=True, coerce_numbers_to_str=True, defer_build=True
    )

    def wire(self) -> dict[str, Any]:
        """The API's JSON shape: lists named after their wrapper, every value a string."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


def is_yes(value: str) -> bool:
    return value.strip().upper() in {"Y", "YES", "TRUE", "1"}


class CustomField(WireModel):
    """A custom field: ``<custom_field_3><label>…</label><data>…</data></custom_field_3>``."""

    label: Text = ""
    data: Text = ""


def custom_fields(model: BaseModel) -> dict[str, CustomField]:
    """The ``custom_field_N`` objects a model kept among its extra elements, typed."""
    found: dict[str, CustomField] = {}
    for key, value in (model.model_extra or {}).items():
        if key.startswith("custom_field_") and isinstance(value, dict):
            found[key] = CustomField.model_validate(value)
    return found
