"""Raw form fields (``pos-tui call record_activity code=… amount=…``) → typed write requests.

The command line names a write by its call and its campaign's kind; :func:`request_class` picks
the class, and this module reads each class's own fields. A field the class does not use is an
error, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import requests as rq
from .wire import DELIMITERS

_COMMON = {"code", "card_number", "campaign_id", "authorization"}
_Reader = Callable[[dict[str, str]], dict[str, Any]]


def _buyx_earn(fields: dict[str, str]) -> dict[str, Any]:
    quantity = fields.get("buyx_quantity")
    return {
        "service_product": fields.get("service_product") or None,
        "item_identifier": fields.get("item_identifier") or None,
        "quantity": int(quantity) if quantity else None,
    }


def _choice(fields: dict[str, str]) -> str:
    return fields.get("reward_to_redeem", "")


#: The fields each earn or redemption reads beyond the customer, the campaign and the note, and how.
_READERS: dict[type[rq.Request], tuple[set[str], _Reader]] = {
    rq.PointsEarn: (
        {"amount", "promo_id"},
        lambda f: {"amount": f.get("amount") or None, "promo_id": f.get("promo_id") or None},
    ),
    rq.GiftCardLoad: ({"amount"}, lambda f: {"amount": f.get("amount", "")}),
    rq.BuyXEarn: ({"service_product", "item_identifier", "buyx_quantity"}, _buyx_earn),
    rq.EventsEarn: (set(), lambda f: {}),
    rq.EarnedEarn: (set(), lambda f: {}),
    rq.PointsRedeem: (
        {"reward_to_redeem", "custom_points_redeem", "custom_dollars_redeem"},
        lambda f: {
            "reward_id": _choice(f) or None,
            "custom_points": f.get("custom_points_redeem") or None,
            "custom_dollars": f.get("custom_dollars_redeem") or None,
        },
    ),
    rq.GiftCardRedeem: ({"reward_to_redeem"}, lambda f: {"amount": _choice(f)}),
    rq.EarnedRedeem: ({"reward_to_redeem"}, lambda f: {"amount": _choice(f)}),
    rq.BuyXRedeem: ({"reward_to_redeem"}, lambda f: {"item": _choice(f)}),
    rq.EventsRedeem: ({"reward_to_redeem"}, lambda f: {"reward_id": _choice(f)}),
}


def request_from_fields(call: str, kind: str | None, fields: dict[str, str]) -> rq.Request:
    """The typed write that raw API fields describe (a void needs no kind). Raises ValueError
    (pydantic's ValidationError is one) naming the field."""
    if call == "transaction_delete":
        return rq.TransactionDelete(
            campaign_id=fields.get("campaign_id", ""),
            code=fields.get("code", ""),
            transaction_id=fields.get("transaction_id", ""),
        )
    if kind is None:
        raise ValueError("the campaign's kind is needed")
    cls = rq.request_class(call, kind)
    if cls is rq.Batch:
        return batch_from_fields(kind, fields)
    allowed, read = _READERS[cls]
    earn = issubclass(cls, rq.EarnRequest)
    extra = {"send_transaction_email"} if earn else set()
    for name in fields:
        if name not in allowed | _COMMON | extra and not (earn and name.startswith("custom_field_")):
            raise ValueError(f"field {name!r} is not used by {call} for a {kind} campaign")
    common: dict[str, Any] = {
        "customer": rq.CustomerRef(
            code=fields.get("code") or None, card_number=fields.get("card_number") or None
        ),
        "campaign_id": fields.get("campaign_id", ""),
        "authorization": fields.get("authorization", ""),
    }
    if earn:
        common["send_transaction_email"] = fields.get("send_transaction_email", "").upper() == "Y"
        common["custom_fields"] = _custom_fields(fields)
    return cls.model_validate({**common, **read(fields)})


def _custom_fields(cells: dict[str, str]) -> dict[int, str]:
    return {int(k.rsplit("_", 1)[1]): v for k, v in cells.items() if k.startswith("custom_field_")}


def batch_campaign_id(fields: dict[str, str]) -> str:
    """The campaign of a batch's first row (it tells the batch's kind)."""
    line = next((x for x in fields.get("Visits_Data", "").splitlines() if x.strip()), "")
    headers = [fields.get(f"visits_header_{n}", "") for n in range(1, 100)]
    sep = DELIMITERS.get(fields.get("delimiter", ""), "|")
    return dict(zip(headers, line.strip().split(sep), strict=False)).get("campaign_id", "")


def batch_from_fields(kind: str, fields: dict[str, str]) -> rq.Batch:
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
            - set(rq.BatchRow.model_fields)
            - {"redeemed", "promo_id"}
            - {h for h in cells if h.startswith("custom_field_")}
        )
        if unknown:
            raise ValueError(f"line {number}: column {sorted(unknown)[0]!r} is not a batch column")
        date_text = cells.get("date", "")
        rows.append(
            rq.BatchRow.model_validate(
                {
                    "campaign_id": cells.get("campaign_id", ""),
                    "code": cells.get("code", ""),
                    "redeemed": cells.get("redeemed", "N").upper() == "Y",
                    "amount": cells.get("amount") or None,
                    "date": None if date_text.lower() in ("", "none") else date_text,
                    "authorization": cells.get("authorization", ""),
                    "service_product": cells.get("service_product", ""),
                    "promo_ids": tuple(p for p in cells.get("promo_id", "").split(",") if p),
                    "custom_fields": _custom_fields(cells),
                }
            )
        )
    ratio = fields.get("apply_ratio", "").strip().lower()
    return rq.Batch.model_validate(
        {
            "kind": kind,
            "rows": tuple(rows),
            "delimiter": name,
            "apply_ratio": None if not ratio else ratio == "yes",
            "allow_undo": fields.get("allow-undo") == "yes",
            "send_transaction_email": fields.get("send_transaction_email", "").upper() == "Y",
        }
    )
