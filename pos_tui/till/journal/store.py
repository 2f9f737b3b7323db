"""The journal's durable record: one SQLite row per write, moved between states only by
compare-and-set, so two tasks or two processes on one data dir never both act on one entry.

Plain Python, blocking (call it from a thread). Times are stored in UTC.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from ...api import errors
from .entry import OPEN_STATES, Entry, State, entry_from_row

#: What is kept of a server's answer or an error text: a hostile 10 MB body never lands whole.
MAX_STORED = 64 * 1024
MAX_ERROR = 500


SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ref TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    call TEXT NOT NULL,
    card TEXT NOT NULL,
    request TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    transaction_id TEXT NOT NULL DEFAULT '',
    response TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS entries_open ON entries(card, state);
"""
# Columns added after the first release (added to an older journal on open).
COLUMNS = {
    "card_number": "TEXT NOT NULL DEFAULT ''",
    "code": "TEXT NOT NULL DEFAULT ''",
    "sent_at": "TEXT NOT NULL DEFAULT ''",
    "resolved_by": "TEXT NOT NULL DEFAULT ''",
    "approver": "TEXT NOT NULL DEFAULT ''",
}


class CardBlocked(errors.LoyaltyError):
    """An earlier write for this customer has an unknown outcome; it must be settled first."""


class AlreadySettled(errors.LoyaltyError):
    """``resolve`` on an entry that is not unknown (settled entries are never changed by hand)."""


def now() -> datetime:
    return datetime.now(UTC)


def _stamp(moment: datetime | None = None) -> str:
    return (moment or now()).isoformat(timespec="milliseconds")


def bounded(value: Any, limit: int = MAX_STORED) -> str:
    """A response or text as stored: JSON, and never more than ``limit`` characters."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if len(text) <= limit:
        return text
    return json.dumps({"status": "success", "note": f"answer of {len(text)} characters not kept"})


class Journal:
    """The durable record of writes (SQLite WAL, synchronous=FULL). Thread-safe; blocking."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._queue_guard = threading.Lock()
        self._queue_file: IO[bytes] | None = None
        self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.executescript(SCHEMA)
        with self._tx() as conn:  # two processes may open an older journal at once
            have = {row["name"] for row in conn.execute("PRAGMA table_info(entries)")}
            for name, kind in COLUMNS.items():
                if name not in have:
                    conn.execute(f"ALTER TABLE entries ADD COLUMN {name} {kind}")
            if "card_number" not in have:  # an older journal: who, from its "card:…"/"code:…" key
                conn.execute("UPDATE entries SET card_number = substr(card, 6) WHERE card LIKE 'card:%'")
                conn.execute("UPDATE entries SET code = substr(card, 6) WHERE card LIKE 'code:%'")

    def close(self) -> None:
        self.release_queue()
        self._conn.close()

    def hold_queue(self, wait: float = 0.0) -> bool:
        """Become the one sender of the offline queue among every process on this data dir (a
        lock on ``<journal>.queue`` that the system drops when the process ends, kill -9 too),
        trying for up to ``wait`` seconds. False when another sender holds it: it sends the whole
        queue, in order. While the queue's head is on its way it is no longer ``queued``, so
        without this a second sender took the next entry for the head and sent it past the first."""
        deadline = time.monotonic() + wait
        while True:
            with self._queue_guard:
                if self._queue_file is None:
                    handle = open(f"{self.path}.queue", "a+b")  # noqa: SIM115 (held until release)
                    if _lock_nowait(handle):
                        self._queue_file = handle
                        return True
                    handle.close()
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)

    def release_queue(self) -> None:
        with self._queue_guard:
            handle, self._queue_file = self._queue_file, None
        if handle is not None:
            handle.close()  # closing the file drops the lock

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    # Adding -------------------------------------------------------------------------------------

    def add(
        self,
        call: str,
        request: Any,
        *,
        card_number: str = "",
        code: str = "",
        state: State = State.SENT,
        approver: str = "",
    ) -> Entry:
        """Journal a write before it is sent, already claimed by the caller (state sent, attempt 1:
        a crash from here on leaves an entry to be settled by reading), or queued. Refuses while
        the same customer (by card number or by code, whichever is known) has a write in flight or
        whose outcome is unknown."""
        stamp = _stamp()
        sending = state == State.SENT
        with self._tx() as conn:
            blocking = self._unknown_for(conn, card_number, code, batch=call == "batch_transactions")
            if blocking:
                raise CardBlocked(
                    f"An earlier transaction for this customer ({blocking}) may or may not have been "
                    "recorded; it must be settled first"
                )
            ref = secrets.token_hex(5)
            conn.execute(
                "INSERT INTO entries(ref, created, updated, call, card, card_number, code, request, state, "
                "attempts, sent_at, approver) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    ref,
                    stamp,
                    stamp,
                    call,
                    f"card:{card_number}" if card_number else f"code:{code}" if code else call,
                    card_number,
                    code,
                    json.dumps(request.model_dump(mode="json")),
                    state,
                    1 if sending else 0,
                    stamp if sending else "",
                    approver,
                ),
            )
        return self.get(ref)

    @staticmethod
    def _unknown_for(conn: sqlite3.Connection, card_number: str, code: str, *, batch: bool) -> str | None:
        if batch:  # a batch may touch anyone: one batch at a time until each is settled
            card_number, code = "", ""
            row = conn.execute(
                "SELECT ref FROM entries WHERE call = 'batch_transactions' AND state IN (?, ?) LIMIT 1",
                (State.UNKNOWN, State.SENT),
            ).fetchone()
            if row:
                return str(row["ref"])
        for column, value in (("card_number", card_number), ("code", code)):
            if value:
                row = conn.execute(
                    f"SELECT ref FROM entries WHERE {column} = ? AND state IN (?, ?) LIMIT 1",
                    (value, State.UNKNOWN, State.SENT),
                ).fetchone()
                if row:
                    return str(row["ref"])
        return None

    def blocking(self, *, card_number: str = "", code: str = "") -> list[Entry]:
        """The unsettled sent/unknown entries of a customer (by card number or code)."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT * FROM entries WHERE state IN (?, ?) AND "
                "((card_number != '' AND card_number = ?) OR (code != '' AND code = ?)) ORDER BY id",
                (State.UNKNOWN, State.SENT, card_number, code),
            ).fetchall()
        return [entry_from_row(row) for row in rows]

    # Moving between states: every change is a compare-and-set ----------------------------------

    def claim(self, ref: str, from_states: Iterable[State], attempts: int) -> Entry | None:
        """Take an entry to send it: ``from_states`` and ``attempts`` must still be what the caller
        read. Returns the claimed entry (state sent, one more attempt), or None if someone else
        moved it first — then the caller does nothing."""
        states = tuple(from_states)
        marks = ", ".join("?" for _ in states)
        stamp = _stamp()
        with self._tx() as conn:
            cursor = conn.execute(
                f"UPDATE entries SET state = ?, attempts = attempts + 1, sent_at = ?, updated = ? "
                f"WHERE ref = ? AND attempts = ? AND state IN ({marks})",
                (State.SENT, stamp, stamp, ref, attempts, *states),
            )
        return self.get(ref) if cursor.rowcount == 1 else None

    def settle(
        self, ref: str, state: State, *, attempts: int | None = None, never_left: bool = False, **fields: Any
    ) -> Entry:
        """Move a claimed entry (sent or unknown, ``attempts`` as claimed) to ``state``. When another
        process settled or sent it again meanwhile, nothing changes and the entry is returned as it
        now is. ``never_left``: the claimed send provably never left, so it is not counted (attempts
        counts the sends that may have reached the service)."""
        values: dict[str, Any] = {"state": state, "updated": _stamp(), **fields}
        if "response" in values:
            values["response"] = bounded(values["response"]) if values["response"] else ""
        if "error" in values:
            values["error"] = str(values["error"])[:MAX_ERROR]
        assignments = ", ".join(f"{key} = ?" for key in values)
        if never_left:
            assignments += ", attempts = MAX(attempts - 1, 0)"
        where = "ref = ? AND state IN (?, ?)"
        params: list[object] = [ref, State.SENT, State.UNKNOWN]
        if attempts is not None:
            where += " AND attempts = ?"
            params.append(attempts)
        with self._tx() as conn:
            conn.execute(f"UPDATE entries SET {assignments} WHERE {where}", (*values.values(), *params))
        return self.get(ref)

    def confirm(
        self, ref: str, transaction_id: str, *, response: Any = None, code: str = "", settled_by: str = ""
    ) -> Entry:
        """The service recorded it (a fact, from its answer or a read): confirmed from any open
        state, once. A settled entry is left as it is. ``settled_by``: what showed it, when not the
        service's answer or the customer's history (kept in ``resolved_by`` with the time)."""
        stamp = _stamp()
        by = f"{settled_by} at {stamp}" if settled_by else ""
        with self._tx() as conn:
            conn.execute(
                "UPDATE entries SET state = ?, transaction_id = ?, updated = ?, error = '', "
                "response = CASE WHEN ? != '' THEN ? ELSE response END, "
                "code = CASE WHEN code = '' THEN ? ELSE code END, "
                "resolved_by = CASE WHEN ? != '' THEN ? ELSE resolved_by END "
                f"WHERE ref = ? AND state IN ({', '.join('?' for _ in OPEN_STATES)})",
                (
                    State.CONFIRMED,
                    transaction_id,
                    stamp,
                    bounded(response) if response else "",
                    bounded(response) if response else "",
                    code,
                    by,
                    by,
                    ref,
                    *OPEN_STATES,
                ),
            )
        return self.get(ref)

    def resolve(self, ref: str, *, recorded: bool, by: str, transaction_id: str = "") -> Entry:
        """A manager settles an unknown entry by hand, once (who and when are kept)."""
        stamp = _stamp()
        state = State.CONFIRMED if recorded else State.NOT_RECORDED
        with self._tx() as conn:
            cursor = conn.execute(
                "UPDATE entries SET state = ?, transaction_id = ?, resolved_by = ?, updated = ? "
                "WHERE ref = ? AND state IN (?, ?)",
                (state, transaction_id, f"{by} at {stamp}", stamp, ref, State.UNKNOWN, State.SENT),
            )
        if cursor.rowcount != 1:
            current = self.get(ref)
            raise AlreadySettled(f"entry {ref} is {current.state}, not unknown: it cannot be resolved")
        return self.get(ref)

    # Reading ------------------------------------------------------------------------------------

    def get(self, ref: str) -> Entry:
        with self._lock:
            row = self._conn.execute("SELECT * FROM entries WHERE ref = ?", (ref,)).fetchone()
        if row is None:
            raise KeyError(ref)
        return entry_from_row(row)

    def find(self, ref: str) -> Entry | None:
        try:
            return self.get(ref)
        except KeyError:
            return None

    def entries(self, *, states: Iterable[State] | None = None) -> list[Entry]:
        query, params = "SELECT * FROM entries", []
        wanted = tuple(states) if states is not None else ()
        if wanted:
            query += f" WHERE state IN ({', '.join('?' for _ in wanted)})"
            params = [str(s) for s in wanted]
        with self._lock:
            rows = self._conn.execute(query + " ORDER BY id", params).fetchall()
        return [entry_from_row(row) for row in rows]

    def count(self, states: Iterable[State]) -> int:
        wanted = tuple(states)
        with self._lock:
            row = self._conn.execute(
                f"SELECT COUNT(*) FROM entries WHERE state IN ({', '.join('?' for _ in wanted)})",
                [str(s) for s in wanted],
            ).fetchone()
        return int(row[0])


def who_am_i() -> str:
    """Who resolves by hand, for the record: the login name and the machine."""
    import getpass
    import socket

    try:
        user = getpass.getuser()
    except Exception:  # no login name (a container): the uid says enough
        user = f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"
    return f"{user}@{socket.gethostname()}"


def _lock_nowait(handle: IO[bytes]) -> bool:
    """An exclusive lock on an open file, or False at once if another holds it."""
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
