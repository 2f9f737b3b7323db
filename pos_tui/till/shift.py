"""X and Z reports: this till's journal for the shift, matched against the service's transactions.

One calculation (:func:`build`) makes both. The shift starts at the last Z (or at the first
journal entry); an X report can be printed any time; a Z report closes the shift, gets the next
number and is kept in ``shifts.db`` (SQLite, in the data dir): it cannot be redone, and the next
shift starts where it ended. Every journal entry is matched by its ``[pos:REF]`` reference
(a batch row's ``REF-n``) against ``transactions_all`` for the same days; every mismatch is
listed. Plain Python (no Textual): ``lines()`` is the text to show or print.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..api.wire import format_decimal

KINDS = ("earn", "redemption", "void", "queued", "unknown", "refused")
_REF = re.compile(r"\[pos:([0-9A-Za-z-]+)\]")
_UNKNOWN_STATES = {"pending", "sent", "unknown"}
_REFUSED_STATES = {"refused", "not_sent"}


@dataclass(frozen=True)
class Item:
    """One write of the shift (a batch counts each row)."""

    ref: str
    created: str
    campaign_id: str
    kind: str  # one of KINDS
    amount: Decimal | None
    state: str


@dataclass
class Total:
    campaign_id: str
    kind: str
    count: int = 0
    amount: Decimal = Decimal(0)


def shown_time(stamp: str) -> str:
    """A journal time (ISO, with milliseconds) as a manager reads it: ``2026-11-22 14:03:05``."""
    return stamp.replace("T", " ")[:19]


@dataclass
class ShiftReport:
    kind: str  # "X" or "Z"
    start: str
    end: str
    terminal: str
    number: int | None = None
    totals: list[Total] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    items: int = 0
    checked: bool = True  # False when the service could not be read (nothing was matched)
    campaign_names: dict[str, str] = field(default_factory=dict)

    def lines(self) -> list[str]:
        title = f"Z REPORT No. {self.number}" if self.kind == "Z" else "X REPORT (shift still open)"
        out = [
            title,
            f"Till: {self.terminal or '-'}",
            f"From: {shown_time(self.start) if self.start else 'the first entry'}",
            f"To:   {shown_time(self.end)}",
        ]
        out.append(f"Entries: {self.items}")
        out.append("")
        if not self.totals:
            out.append("No transactions in this shift.")
        for total in self.totals:
            name = self.campaign_names.get(total.campaign_id, total.campaign_id or "(no campaign)")
            amount = f"  {format_decimal(total.amount)}" if total.amount else ""
            out.append(f"{name} — {total.kind}: {total.count}{amount}")
        out.append("")
        if not self.checked:
            out.append("NOT CHECKED: the loyalty service could not be read.")
        elif self.mismatches:
            out.append(f"MISMATCHES ({len(self.mismatches)}):")
            out.extend(f"- {problem}" for problem in self.mismatches)
        else:
            out.append("Every entry matches the loyalty service.")
        return out


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _kind(call: str, state: str, row_redeemed: bool = False) -> str:
    if state == "queued":
        return "queued"
    if state in _UNKNOWN_STATES:
        return "unknown"
    if state in _REFUSED_STATES:
        return "refused"
    if call == "transaction_delete":
        return "void"
    if call == "redeem" or row_redeemed:
        return "redemption"
    return "earn"


def _amount(request: dict[str, Any]) -> Decimal | None:
    for name in ("amount", "custom_dollars", "custom_points", "quantity"):
        value = _decimal(request.get(name))
        if value is not None:
            return value
    return None


def created(entry: Any) -> str:
    """When an entry was made, as the shift's clock reads it: this machine's local time, ISO text
    (the journal keeps an aware UTC datetime)."""
    when = entry.created
    if isinstance(when, datetime):
        if when.tzinfo is not None:
            when = when.astimezone().replace(tzinfo=None)
        return when.isoformat(timespec="milliseconds")
    return str(when)


def items_of(entries: Iterable[Any]) -> list[Item]:
    """The journal's entries as shift items (fields used: ref, created, call, request, state)."""
    out: list[Item] = []
    for entry in entries:
        request = entry.request or {}
        if entry.call == "batch_transactions":
            for n, row in enumerate(request.get("rows") or (), start=1):
                kind = _kind(entry.call, entry.state, bool(row.get("redeemed")))
                out.append(
                    Item(
                        f"{entry.ref}-{n}",
                        created(entry),
                        row.get("campaign_id", ""),
                        kind,
                        _amount(row),
                        entry.state,
                    )
                )
            continue
        kind = _kind(entry.call, entry.state)
        out.append(
            Item(
                entry.ref, created(entry), request.get("campaign_id", ""), kind, _amount(request), entry.state
            )
        )
    return out


def build(
    entries: Iterable[Any],
    service: Sequence[Any] | None,
    *,
    kind: str,
    start: str,
    end: str,
    terminal: str = "",
    number: int | None = None,
    campaign_names: dict[str, str] | None = None,
) -> ShiftReport:
    """The X or Z report of the entries created in [start, end). ``service`` is the
    ``transactions_all`` rows of those days (None: the service could not be read)."""
    items = [i for i in items_of(entries) if (not start or i.created >= start) and i.created < end]
    totals: dict[tuple[str, str], Total] = {}
    for item in items:
        total = totals.setdefault((item.campaign_id, item.kind), Total(item.campaign_id, item.kind))
        total.count += 1
        total.amount += item.amount or Decimal(0)
    report = ShiftReport(
        kind=kind,
        start=start,
        end=end,
        terminal=terminal,
        number=number,
        totals=sorted(totals.values(), key=lambda t: (t.campaign_id, KINDS.index(t.kind))),
        items=len(items),
        checked=service is not None,
        campaign_names=campaign_names or {},
    )
    if service is not None:
        report.mismatches = _mismatches(items, service)
    return report


def _mismatches(items: list[Item], service: Sequence[Any]) -> list[str]:
    found: dict[str, Any] = {}
    for row in service:
        for ref in _REF.findall(getattr(row, "authorization", "") or ""):
            found[ref] = row
    problems = []
    for item in items:
        if item.kind == "void":
            continue  # a void carries no reference; its transaction is gone from the report
        row = found.get(item.ref)
        if item.kind in {"earn", "redemption"}:
            if row is None:
                problems.append(f"{item.ref}: confirmed {item.kind} not found at the service")
                continue
            if row.is_redemption != (item.kind == "redemption"):
                problems.append(
                    f"{item.ref}: the service has it as {'a redemption' if row.is_redemption else 'an earn'}"
                )
            theirs = row.amount_number
            if item.amount is not None and theirs is not None and abs(theirs) != abs(item.amount):
                here, there = format_decimal(item.amount), format_decimal(theirs)
                problems.append(f"{item.ref}: amount {here} here, {there} at the service")
        elif row is not None:
            problems.append(f"{item.ref}: {item.state} here but RECORDED at the service")
        elif item.kind == "unknown":
            problems.append(f"{item.ref}: outcome unknown and not found at the service (yet)")
    return problems


class Shifts:
    """Z reports already taken: ``shifts.db``. Numbers come from the database, once each."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        with self._connect() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS closes (number INTEGER PRIMARY KEY, start TEXT NOT NULL, "
                "end_ TEXT NOT NULL UNIQUE, closed_at TEXT NOT NULL, text TEXT NOT NULL)"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10, isolation_level=None)

    def current_start(self) -> str:
        with self._connect() as conn:
            row = conn.execute("SELECT end_ FROM closes ORDER BY number DESC LIMIT 1").fetchone()
        return row[0] if row else ""

    def close(self, report: ShiftReport) -> ShiftReport:
        """Keep a Z: numbered in one transaction; refused if another Z closed this shift meanwhile."""
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            row = conn.execute("SELECT number, end_ FROM closes ORDER BY number DESC LIMIT 1").fetchone()
            if (row[1] if row else "") != report.start:
                conn.execute("ROLLBACK")
                raise ShiftAlreadyClosed("This shift was closed by another Z report meanwhile.")
            report.number = (row[0] if row else 0) + 1
            conn.execute(
                "INSERT INTO closes (number, start, end_, closed_at, text) VALUES (?, ?, ?, ?, ?)",
                (
                    report.number,
                    report.start,
                    report.end,
                    datetime.now().isoformat(timespec="seconds"),
                    "\n".join(report.lines()),
                ),
            )
            conn.execute("COMMIT")
        finally:
            conn.close()
        return report

    def closed(self) -> list[tuple[int, str, str, str]]:
        with self._connect() as conn:
            return conn.execute("SELECT number, start, end_, text FROM closes ORDER BY number").fetchall()


class ShiftAlreadyClosed(Exception):
    pass


class CannotClose(Exception):
    """A Z report is refused: nothing in the shift, or the service could not be read."""


def _shifts(services: Any) -> Shifts:
    from ..config.settings import data_dir

    return Shifts(Path(data_dir()) / ("training-shifts.db" if services.options.training else "shifts.db"))


NOTHING_TO_CLOSE = "Nothing to close: no transaction since the last Z report."


async def _shift_entries(services: Any, now: datetime | None = None) -> tuple[str, str, list[Any]]:
    """The shift's start, its end (now, on the journal's own clock) and this till's entries in it."""
    import asyncio

    start = await asyncio.to_thread(_shifts(services).current_start)
    end = (now or datetime.now()).isoformat(timespec="milliseconds")  # the journal's own clock
    journal = services.journal
    entries = await asyncio.to_thread(journal.entries) if journal is not None else []
    return start, end, [e for e in entries if (not start or created(e) >= start) and created(e) < end]


async def nothing_to_close(services: Any) -> bool:
    """Whether a Z report now would refuse (asked before the manager is asked to confirm it)."""
    return not (await _shift_entries(services))[2]


async def shift_report(services: Any, kind: str, *, now: datetime | None = None) -> ShiftReport:
    """Build the X (or take the Z) report of the current shift: reads the journal and
    ``transactions_all`` for the shift's days. A Z refuses an empty shift and is kept at once."""
    import asyncio
    from datetime import date

    from ..api import errors

    shifts = _shifts(services)
    start, end, entries = await _shift_entries(services, now)
    if kind == "Z" and not entries:
        raise CannotClose(NOTHING_TO_CLOSE)
    first_day = date.fromisoformat((start or min((created(e) for e in entries), default=end))[:10])
    names: dict[str, str] = {}
    service: list[Any] | None
    try:
        answer = await services.api.transactions_all(
            date_start=first_day, date_end=date.fromisoformat(end[:10])
        )
        service = list(answer.transactions)
        campaigns = await services.api.campaigns_list()
        names = {c.id: c.name for c in campaigns.campaigns}
    except errors.LoyaltyError:
        service = None
    report = build(
        entries,
        service,
        kind=kind,
        start=start,
        end=end,
        terminal=services.options.terminal,
        campaign_names=names,
    )
    if kind == "Z":
        if service is None:
            raise CannotClose(
                "The loyalty service cannot be read, so the shift cannot be checked: try the Z later."
            )
        report = await asyncio.to_thread(shifts.close, report)
    return report
