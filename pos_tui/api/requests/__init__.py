"""Typed write requests: earns and redemptions of the five campaign kinds, voids and batches.

Each request declares the call that sends it (``call``) and knows its form fields
(``fields()``), so the client, the journal and the command line build exactly the same request.
:func:`request_class` is the one table from (call, campaign kind) to a request's class: the
command line's form parsing, the earn and redeem screens and the journal all go through it.
Requests are pydantic models, so the journal stores them as JSON and reads them back
(:func:`request_from_json`).
"""

from __future__ import annotations

from typing import Any

from ..kinds import CAMPAIGN_KINDS
from .batch import BATCH_COLUMNS, Batch, BatchRow
from .common import CustomerRef, Money, OptionalMoney, Request, WriteCall
from .transactions import (
    BuyXEarn,
    BuyXRedeem,
    CampaignWrite,
    Earn,
    EarnedEarn,
    EarnedRedeem,
    EarnRequest,
    EventsEarn,
    EventsRedeem,
    GiftCardLoad,
    GiftCardRedeem,
    PointsEarn,
    PointsRedeem,
    RedeemRequest,
    Redemption,
    TransactionDelete,
)

__all__ = [
    "BATCH_COLUMNS",
    "REQUEST_CLASSES",
    "Batch",
    "BatchRow",
    "BuyXEarn",
    "BuyXRedeem",
    "CampaignWrite",
    "CustomerRef",
    "Earn",
    "EarnRequest",
    "EarnedEarn",
    "EarnedRedeem",
    "EventsEarn",
    "EventsRedeem",
    "GiftCardLoad",
    "GiftCardRedeem",
    "Money",
    "OptionalMoney",
    "PointsEarn",
    "PointsRedeem",
    "RedeemRequest",
    "Redemption",
    "Request",
    "TransactionDelete",
    "WriteCall",
    "request_class",
    "request_from_json",
]

_CAMPAIGN_WRITES: tuple[type[CampaignWrite], ...] = (
    PointsEarn,
    GiftCardLoad,
    BuyXEarn,
    EventsEarn,
    EarnedEarn,
    PointsRedeem,
    GiftCardRedeem,
    BuyXRedeem,
    EventsRedeem,
    EarnedRedeem,
)

#: The request class of each (call, campaign kind). A void and a batch have one class for every kind.
REQUEST_CLASSES: dict[tuple[str, str], type[Request]] = {
    **{(cls.call, cls.model_fields["kind"].default): cls for cls in _CAMPAIGN_WRITES},
    **{(cls.call, kind): cls for cls in (TransactionDelete, Batch) for kind in CAMPAIGN_KINDS},
}


def request_class(call: str, kind: str) -> type[Request]:
    """The class of the request ``call`` sends to a campaign of ``kind``.

    Raises ValueError for a call that is not a write or a kind this version does not know."""
    cls = REQUEST_CLASSES.get((call, kind))
    if cls is not None:
        return cls
    if not any(known == call for known, _ in REQUEST_CLASSES):
        raise ValueError(f"{call!r} is not a write")
    raise ValueError(f"unknown campaign kind {kind!r}")


def request_from_json(call: str, data: dict[str, Any]) -> Request:
    """A request as the journal stored it (``model_dump(mode="json")``) for ``call``."""
    classes = {cls for (known, _), cls in REQUEST_CLASSES.items() if known == call}
    if len(classes) == 1:  # a void: one class for every kind
        return classes.pop().model_validate(data)
    return request_class(call, str(data.get("kind"))).model_validate(data)
