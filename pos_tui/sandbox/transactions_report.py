"""The sandbox's ``reports`` / ``transactions_all``: every transaction of a period.

Fields: ``selected_campaigns`` (comma list; none means every campaign of the account),
``date_start`` and ``date_end`` (inclusive, ``YYYY-MM-DD``). The answer carries
``transactions_count`` and one ``transaction`` element per transaction, oldest first, with
``card_number``, ``first_name``, ``last_name``, ``redeemed`` (``R`` marks a redemption, ``E`` an
earn), ``authorization`` (the free text sent with the write), ``amount_number`` (unsigned) and
``record_timestamp``. Voided (deleted) transactions are not listed.
"""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from typing import Any

from . import db
from .db import wire_count, wire_money
from .render import Items
from .reports import period


def transactions_all(conn: sqlite3.Connection, acct: sqlite3.Row, fields: dict[str, str]) -> dict[str, Any]:
    selected = [c.strip() for c in fields.get("selected_campaigns", "").split(",") if c.strip()]
    ids = [db.campaign(conn, acct["id"], c)["id"] for c in selected] or [
        c["id"] for c in db.campaigns(conn, acct["id"])
    ]
    marks = ", ".join("?" for _ in ids)
    query = (
        "SELECT t.*, c.card_number, c.first_name, c.last_name FROM transactions t "
        "LEFT JOIN customers c ON c.account_id = t.account_id AND c.code = t.code "
        f"WHERE t.account_id = ? AND t.deleted = 0 AND t.campaign_id IN ({marks})"
    )
    within, dates = period(fields)
    rows = conn.execute(query + within + " ORDER BY t.id", [acct["id"], *ids, *dates]).fetchall()
    out = [
        {
            "card_number": r["card_number"] or "",
            "first_name": r["first_name"] or "",
            "last_name": r["last_name"] or "",
            "redeemed": "R" if r["redeemed"] else "E",
            "authorization": r["description"],
            "amount_number": _amount(abs(Decimal(r["amount"]))),
            "record_timestamp": r["created"],
        }
        for r in rows
    ]
    return {"transactions_count": str(len(out)), "transaction": Items("transaction", out, inline=True)}


def _amount(value: Decimal) -> str:
    return wire_count(value) if value == value.to_integral_value() else wire_money(value)
