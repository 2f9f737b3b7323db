"""The sandbox's ledger: SQLite (WAL), one writer at a time, balances derived from transactions.

Balances are never stored: they are sums over the customer's transactions that are not
deleted, so ``transaction_delete`` reverses exactly what a transaction did, and a crash can
never leave a balance out of step with its history.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    id TEXT PRIMARY KEY, user_id TEXT NOT NULL, secret TEXT NOT NULL, business_name TEXT NOT NULL,
    currency TEXT NOT NULL, symbol TEXT NOT NULL, timezone TEXT NOT NULL, coalition INTEGER NOT NULL,
    street1 TEXT DEFAULT '', city TEXT DEFAULT '', state TEXT DEFAULT '', postal_code TEXT DEFAULT '',
    country TEXT DEFAULT '', phone TEXT DEFAULT '', email TEXT DEFAULT ''
);
CREATE TABLE IF NOT EXISTS campaigns (
    id TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(id), name TEXT NOT NULL,
    type TEXT NOT NULL, currency TEXT NOT NULL, glyph TEXT NOT NULL DEFAULT '',
    points_ratio TEXT NOT NULL DEFAULT '', reward_ratio TEXT NOT NULL DEFAULT '',
    event_amount TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS rewards (
    id TEXT PRIMARY KEY, campaign_id TEXT NOT NULL REFERENCES campaigns(id), description TEXT NOT NULL,
    needed TEXT NOT NULL, reward_id TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS promotions (
    id TEXT PRIMARY KEY, campaign_id TEXT NOT NULL REFERENCES campaigns(id), description TEXT NOT NULL,
    operation TEXT NOT NULL, amount TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS items (
    rowid INTEGER PRIMARY KEY, campaign_id TEXT NOT NULL REFERENCES campaigns(id),
    item_id TEXT NOT NULL DEFAULT '', name TEXT NOT NULL, earn_ratio INTEGER NOT NULL,
    reward_id TEXT NOT NULL DEFAULT '', UNIQUE (campaign_id, name)
);
CREATE TABLE IF NOT EXISTS customers (
    account_id TEXT NOT NULL REFERENCES accounts(id), code TEXT NOT NULL, card_number TEXT NOT NULL,
    first_name TEXT DEFAULT '', last_name TEXT DEFAULT '', phone TEXT DEFAULT '', email TEXT DEFAULT '',
    street1 TEXT DEFAULT '', street2 TEXT DEFAULT '', city TEXT DEFAULT '', state TEXT DEFAULT '',
    postal_code TEXT DEFAULT '', country TEXT DEFAULT '', custom_date TEXT DEFAULT '',
    custom_field TEXT DEFAULT '', customer_username TEXT DEFAULT '', registered TEXT DEFAULT 'N',
    custom_fields TEXT DEFAULT '{}', created TEXT NOT NULL, updated TEXT NOT NULL,
    changed INTEGER NOT NULL DEFAULT 0,  -- the transaction sequence when the record last changed
    PRIMARY KEY (account_id, code)
);
CREATE INDEX IF NOT EXISTS customers_card ON customers(account_id, card_number);
CREATE TABLE IF NOT EXISTS transactions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, account_id TEXT NOT NULL, campaign_id TEXT NOT NULL,
    code TEXT NOT NULL, redeemed INTEGER NOT NULL, amount TEXT NOT NULL, item TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '', user TEXT NOT NULL DEFAULT '', created TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0, details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS transactions_customer ON transactions(account_id, code, campaign_id);
CREATE INDEX IF NOT EXISTS transactions_created ON transactions(account_id, created);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS memberships (  -- registered in a campaign before any transaction
    account_id TEXT NOT NULL, code TEXT NOT NULL, campaign_id TEXT NOT NULL,
    PRIMARY KEY (account_id, code, campaign_id)
);
CREATE TABLE IF NOT EXISTS customer_passwords (
    account_id TEXT NOT NULL, code TEXT NOT NULL, salt TEXT NOT NULL, hash TEXT NOT NULL,
    PRIMARY KEY (account_id, code)
);
"""

CENT = Decimal("0.01")


class Refused(Exception):
    """The API answers ``status="error"`` with this message; nothing was written."""


class NotFound(Exception):
    """The API answers ``status="no_match"``."""


def wire_money(value: Decimal) -> str:
    """Money as the API writes it: two decimals, half up."""
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def wire_count(value: Decimal) -> str:
    """A count or points as the API writes it: no trailing ``.0`` when whole."""
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return str(value.normalize())


@dataclass
class Balance:
    balance: Decimal = Decimal(0)
    cumulative: Decimal = Decimal(0)
    redeemed_count: int = 0
    last: str = ""


class Ledger:
    """The sandbox's database. Reads run concurrently; writes one at a time (``write()``)."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._local = threading.local()
        self._write_lock = threading.Lock()
        with self.connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(SCHEMA)

    def connect(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=30, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=30000")
            self._local.conn = conn
        return conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``), serialised in this process and across them."""
        with self._write_lock:
            conn = self.connect()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        conn = self.connect()
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")


# Queries shared by reads and writes ---------------------------------------------------------


def _one(cursor: sqlite3.Cursor) -> sqlite3.Row | None:
    """The first row (the ledger's connections use ``sqlite3.Row``; sqlite3 types it as Any)."""
    row: sqlite3.Row | None = cursor.fetchone()
    return row


def account(conn: sqlite3.Connection, account_id: str) -> sqlite3.Row | None:
    return _one(conn.execute("SELECT * FROM accounts WHERE id = ?", (account_id,)))


def campaign(conn: sqlite3.Connection, account_id: str, campaign_id: str) -> sqlite3.Row:
    row = _one(
        conn.execute(
            "SELECT * FROM campaigns WHERE account_id = ? AND (id = ? OR name = ?) ORDER BY id = ? DESC",
            (account_id, campaign_id, campaign_id, campaign_id),
        )
    )
    if row is None:
        raise Refused(f"Unknown campaign_id '{campaign_id}'" if campaign_id else "campaign_id is required")
    return row


def campaigns(conn: sqlite3.Connection, account_id: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM campaigns WHERE account_id = ? ORDER BY rowid", (account_id,)
    ).fetchall()


def find_customer(
    conn: sqlite3.Connection, account_id: str, *, code: str = "", card_number: str = ""
) -> sqlite3.Row | None:
    if code:
        return _one(
            conn.execute("SELECT * FROM customers WHERE account_id = ? AND code = ?", (account_id, code))
        )
    if card_number:
        return _one(
            conn.execute(
                "SELECT * FROM customers WHERE account_id = ? AND card_number = ?", (account_id, card_number)
            )
        )
    return None


#: The time zone the server stamps transactions in (the live service uses the account's); None:
#: this machine's local time. Set per request by the sandbox (``Sandbox(server_tz=...)``).
server_tz: ContextVar[str | None] = ContextVar("server_tz", default=None)


def now() -> str:
    zone = server_tz.get()
    moment = datetime.now(ZoneInfo(zone)).replace(tzinfo=None) if zone else datetime.now()
    return moment.replace(microsecond=0).isoformat(sep=" ")


def new_code(conn: sqlite3.Connection) -> str:
    """A new 16-digit customer code, as the API generates them (deterministic: a sequence)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'next_code'").fetchone()
    value = int(row["value"]) if row else 4137071924090694
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('next_code', ?)", (str(value + 7919),))
    return str(value)


def create_customer(
    conn: sqlite3.Connection, account_id: str, *, code: str = "", card_number: str = "", **fields: str
) -> sqlite3.Row:
    code = code or new_code(conn)
    stamp = fields.pop("created", "") or now()
    columns = {"account_id": account_id, "code": code, "card_number": card_number, **fields}
    columns.setdefault("created", stamp)
    columns.setdefault("updated", stamp)
    newest = conn.execute("SELECT COALESCE(MAX(id), 0) FROM transactions").fetchone()[0]
    columns["changed"] = newest + 1
    names = ", ".join(columns)
    marks = ", ".join("?" for _ in columns)
    conn.execute(f"INSERT INTO customers ({names}) VALUES ({marks})", tuple(columns.values()))
    found = find_customer(conn, account_id, code=code)
    assert found is not None
    return found


def insert_transaction(conn: sqlite3.Connection, **values: Any) -> int:
    values.setdefault("created", now())
    if isinstance(values.get("details"), dict):
        values["details"] = json.dumps(values["details"])
    values["amount"] = str(values["amount"])
    names = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    cursor = conn.execute(f"INSERT INTO transactions ({names}) VALUES ({marks})", tuple(values.values()))
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def balance(
    conn: sqlite3.Connection, account_id: str, code: str, campaign_ids: list[str], item: str | None = None
) -> Balance:
    """Balance, lifetime earnings, redemptions and last date over one or more campaigns."""
    marks = ", ".join("?" for _ in campaign_ids)
    query = (
        "SELECT amount, redeemed, created FROM transactions WHERE deleted = 0 AND account_id = ? "
        f"AND code = ? AND campaign_id IN ({marks})"
    )
    params: list[Any] = [account_id, code, *campaign_ids]
    if item is not None:
        query += " AND item = ?"
        params.append(item)
    result = Balance()
    for row in conn.execute(query, params):
        amount = Decimal(row["amount"])
        result.balance += amount
        if row["redeemed"]:
            result.redeemed_count += 1
        elif amount > 0:
            result.cumulative += amount
        result.last = max(result.last, row["created"][:10])
    return result


def belongs(conn: sqlite3.Connection, account_id: str, code: str, campaign_id: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM transactions WHERE account_id = ? AND code = ? AND campaign_id = ? LIMIT 1",
        (account_id, code, campaign_id),
    ).fetchone()
    if row is None:
        row = conn.execute(
            "SELECT 1 FROM memberships WHERE account_id = ? AND code = ? AND campaign_id = ?",
            (account_id, code, campaign_id),
        ).fetchone()
    return row is not None


def coalition_campaigns(conn: sqlite3.Connection, account_row: sqlite3.Row, kind: str) -> list[str]:
    rows = conn.execute(
        "SELECT id FROM campaigns WHERE account_id = ? AND type = ?", (account_row["id"], kind)
    ).fetchall()
    return [row["id"] for row in rows]


def items(conn: sqlite3.Connection, campaign_id: str) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM items WHERE campaign_id = ? ORDER BY rowid", (campaign_id,)).fetchall()


def rewards(conn: sqlite3.Connection, campaign_id: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM rewards WHERE campaign_id = ? ORDER BY CAST(needed AS REAL), id", (campaign_id,)
    ).fetchall()
