"""One journal entry as the program sees it: its state, its request and what became of it."""

from __future__ import annotations

import enum
import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ...api import requests as rq


class State(enum.StrEnum):
    PENDING = "pending"  # journalled; never sent
    SENT = "sent"  # claimed by a sender: the request is (or was) on its way
    CONFIRMED = "confirmed"  # the service recorded it (its answer, a read, or a manager)
    REFUSED = "refused"  # the service said no: nothing was recorded
    UNKNOWN = "unknown"  # no usable answer and no proof either way: the customer's writes wait
    QUEUED = "queued"  # an earn that provably never left, waiting for the service (offline)
    NOT_SENT = "not_sent"  # a redemption, void or batch that never left: nothing was recorded
    NOT_RECORDED = "not_recorded"  # a manager settled an unknown entry as never recorded


OPEN_STATES = (State.PENDING, State.SENT, State.UNKNOWN, State.QUEUED)


@dataclass(frozen=True)
class Entry:
    id: int
    ref: str
    created: datetime
    updated: datetime
    call: str
    card_number: str
    code: str
    request: dict[str, Any]
    state: State
    attempts: int
    sent_at: datetime | None
    transaction_id: str
    response: dict[str, Any] | None
    error: str
    resolved_by: str
    approver: str = ""  # the manager who approved it (a void; an amount over the store's limit)

    @property
    def card(self) -> str:
        """Who the entry is for, for display: the card number, else the code (a batch: "batch")."""
        return self.card_number or self.code or ("batch" if self.call == "batch_transactions" else "")

    def typed_request(self) -> Any:
        return rq.request_from_json(self.call, self.request)

    def as_json(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        for key in ("created", "updated", "sent_at"):
            out[key] = out[key].isoformat(timespec="milliseconds") if out[key] else ""
        out["state"] = str(self.state)
        return out


def parse_time(text: str) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:  # journals written before times were kept in UTC: this machine's time
        moment = moment.astimezone()
    return moment.astimezone(UTC)


def entry_from_row(row: sqlite3.Row) -> Entry:
    created = parse_time(row["created"])
    updated = parse_time(row["updated"])
    assert created is not None and updated is not None
    try:
        response = json.loads(row["response"]) if row["response"] else None
    except ValueError:
        response = None
    return Entry(
        id=row["id"],
        ref=row["ref"],
        created=created,
        updated=updated,
        call=row["call"],
        card_number=row["card_number"],
        code=row["code"],
        request=json.loads(row["request"]),
        state=State(row["state"]),
        attempts=row["attempts"],
        sent_at=parse_time(row["sent_at"]),
        transaction_id=row["transaction_id"],
        response=response if isinstance(response, dict) else None,
        error=row["error"],
        resolved_by=row["resolved_by"],
        approver=row["approver"],
    )
