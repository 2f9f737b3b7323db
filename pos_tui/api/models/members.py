"""Registration and promotions: ``record_customer``, ``validate_customer_password``, ``campaign_promos``.

``record_customer`` answers with the new ``customer`` (its ``code`` and card number); some
servers put those fields straight under ``<response>``. ``campaign_promos`` has no public
answer shape, so :class:`CampaignPromos` reads it tolerantly: any list of entries (under
``promos``, ``promotions``, ``promo``, ``promotion``, ``items`` or ``campaign_promos``, wrapped
or not), each with an id (``id``, ``promo_id``, ``promotion_id``) and a name or description.
Entries without an id are dropped: the earn form sends the id, so a nameless id is still useful
and an id-less name is not.
"""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, Field, model_validator

from .common import Amount, Text, WireModel
from .customer import Customer

_CUSTOMER_KEYS = frozenset(Customer.model_fields) | {"customer_code"}


class RecordCustomerResponse(WireModel):
    """``record_customer``: the customer just registered (``customer.code`` is its unique id)."""

    status: Text = "success"
    customer: Customer = Field(default_factory=Customer)

    @model_validator(mode="before")
    @classmethod
    def _flat(cls, value: Any) -> Any:
        # Accept <response><code>…</code><card_number>…</card_number></response> too.
        if isinstance(value, dict) and not isinstance(value.get("customer"), dict):
            flat = {k: v for k, v in value.items() if k in _CUSTOMER_KEYS}
            if flat:
                rest = {k: v for k, v in value.items() if k not in _CUSTOMER_KEYS and k != "customer"}
                if "code" not in flat and "customer_code" in flat:
                    flat["code"] = flat["customer_code"]
                return {**rest, "customer": flat}
        return value

    @property
    def code(self) -> str:
        return self.customer.code

    @property
    def card_number(self) -> str:
        return self.customer.card_number


class Promo(WireModel):
    """A promotion of a campaign: what ``record_activity`` takes as ``promo_id``."""

    id: Text = Field("", validation_alias=AliasChoices("id", "promo_id", "promotion_id", "promos_id"))
    name: Text = Field("", validation_alias=AliasChoices("name", "title", "promo_name", "promotion_name"))
    description: Text = ""
    operation: Text = ""  # "x" multiplies, "+" adds
    amount: Amount = None

    @property
    def label(self) -> str:
        """What the cashier sees: the name, else the description, else the id."""
        return self.name or self.description or self.id


_LIST_KEYS = ("promos", "promotions", "campaign_promos", "promo", "promotion", "items", "item")


def _entries(value: Any, depth: int = 0) -> list[Any] | None:
    """The list of promotion entries inside ``value``, however it is wrapped; None if there is none."""
    if depth > 3:
        return None
    if isinstance(value, list):
        return value
    if not isinstance(value, dict):
        return None
    if _looks_like_entry(value):
        return [value]
    for key in _LIST_KEYS:
        if key in value:
            inner = value[key]
            if isinstance(inner, str):
                return [] if not inner.strip() else None
            found = _entries(inner, depth + 1)
            if found is not None:
                return found
    return None


def _looks_like_entry(value: dict[str, Any]) -> bool:
    return any(key in value for key in ("id", "promo_id", "promotion_id", "promos_id"))


class CampaignPromos(WireModel):
    """``campaign_promos``: the campaign's promotions (``promos``; empty when it has none)."""

    status: Text = "success"
    promos: list[Promo] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _find_list(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        if isinstance(value.get("promos"), list) and all(isinstance(p, Promo) for p in value["promos"]):
            return value
        rest = {k: v for k, v in value.items() if k not in _LIST_KEYS}
        found = _entries({k: v for k, v in value.items() if k in _LIST_KEYS})
        if found is None:
            if any(k in value for k in _LIST_KEYS):
                raise ValueError("the promotions are in a shape this version cannot read")
            found = []
        entries = [
            entry for entry in found if isinstance(entry, dict) and _looks_like_entry(entry) and _id_of(entry)
        ]
        if found and not entries:
            raise ValueError("no promotion in the answer has an id")
        return {**rest, "promos": entries}

    def by_id(self, promo_id: str) -> Promo | None:
        return next((p for p in self.promos if p.id == promo_id), None)


def _id_of(entry: dict[str, Any]) -> str:
    for key in ("id", "promo_id", "promotion_id", "promos_id"):
        value = entry.get(key)
        if isinstance(value, str | int) and str(value).strip():
            return str(value).strip()
    return ""
