"""The sandbox's ``batch_transactions``: many earns and redemptions in one delimited text, all
recorded or none (the caller's write lock rolls a refused batch back)."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..api.wire import DELIMITERS
from . import db
from .db import Refused
from .writes import balance_ids, enough, need, reward_row


def batch_transactions(
    conn: sqlite3.Connection, acct: sqlite3.Row, fields: dict[str, str], user: str
) -> dict[str, Any]:
    delimiter = DELIMITERS.get(fields.get("delimiter", "").strip().lower())
    if delimiter is None:
        raise Refused("delimiter must be pipe, comma or tab")
    headers = []
    for index in range(1, 100):
        header = fields.get(f"visits_header_{index}")
        if header is None:
            break
        headers.append(header.strip())
    for required in ("campaign_id", "code", "redeemed"):
        if required not in headers:
            raise Refused(f"visits_header for '{required}' is required")
    ratio = fields.get("apply_ratio", "").strip().lower() == "yes"
    lines = [line.strip() for line in fields.get("Visits_Data", "").splitlines() if line.strip()]
    if not lines:
        raise Refused("Visits_Data has no transactions")
    problems = []
    for number_, line in enumerate(lines, start=1):
        values = line.split(delimiter)
        row = {h: v.strip() for h, v in zip(headers, values, strict=False) if h != "none"}
        try:
            _batch_row(conn, acct, row, ratio, user)
        except Refused as exc:
            problems.append(f"line {number_}: {exc}")
    if problems:  # all or nothing: the caller's write lock rolls everything back
        raise Refused(
            "; ".join(problems[:5]) + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else "")
        )
    return {"batch": {"@status": "all_imported", "transactions": str(len(lines))}}


def _batch_row(
    conn: sqlite3.Connection, acct: sqlite3.Row, row: dict[str, str], ratio: bool, user: str
) -> None:
    camp = db.campaign(conn, acct["id"], row.get("campaign_id", ""))
    key = row.get("code", "")
    if not key:
        raise Refused("code is required")
    cust = db.find_customer(conn, acct["id"], code=key) or db.find_customer(conn, acct["id"], card_number=key)
    if cust is None:
        cust = db.create_customer(conn, acct["id"], card_number=key)
    redeemed = row.get("redeemed", "").upper()
    if redeemed not in {"Y", "N"}:
        raise Refused(f"redeemed must be Y or N, not '{row.get('redeemed', '')}'")
    created = _batch_date(row.get("date", ""))
    kind = camp["type"]
    raw = row.get("amount", "")
    item = ""
    if kind == "buyx":
        item = row.get("service_product", "")
        if not item:
            raise Refused("service_product is required")
        known = conn.execute(
            "SELECT * FROM items WHERE campaign_id = ? AND name = ?", (camp["id"], item)
        ).fetchone()
        if known is None:  # the batch may bring items not defined beforehand
            conn.execute(
                "INSERT INTO items(campaign_id, name, earn_ratio) VALUES (?, ?, 10)", (camp["id"], item)
            )
            known = conn.execute(
                "SELECT * FROM items WHERE campaign_id = ? AND name = ?", (camp["id"], item)
            ).fetchone()
    if redeemed == "Y" and ratio and kind in {"points", "events"}:
        amount = Decimal(reward_row(conn, camp, raw)["needed"])
    else:
        default = "1" if kind in {"events", "buyx"} else ""
        amount = need({"amount": raw or default}, "amount")
        if ratio and redeemed == "N" and kind == "points":
            amount = (amount * Decimal(camp["points_ratio"] or "1")).quantize(
                Decimal(1), rounding=ROUND_HALF_UP
            )
            for promo_id in filter(None, (p.strip() for p in row.get("promo_id", "").split(","))):
                promo = conn.execute(
                    "SELECT * FROM promotions WHERE campaign_id = ? AND id = ?", (camp["id"], promo_id)
                ).fetchone()
                if promo is None:
                    raise Refused(f"Unknown promo_id '{promo_id}'")
                amount = (
                    amount * Decimal(promo["amount"])
                    if promo["operation"] == "x"
                    else amount + Decimal(promo["amount"])
                )
        elif ratio and redeemed == "N" and kind == "earned":
            amount = amount * Decimal(camp["event_amount"] or "0")
        elif ratio and redeemed == "Y" and kind == "buyx":
            amount = amount * Decimal(known["earn_ratio"])
    if redeemed == "Y":
        have = db.balance(
            conn, acct["id"], cust["code"], balance_ids(conn, acct, camp), item=item or None
        ).balance
        enough(have, amount, "available")
        amount = -amount
    details = {k: v for k, v in row.items() if k.startswith("custom_field_")}
    db.insert_transaction(
        conn,
        account_id=acct["id"],
        campaign_id=camp["id"],
        code=cust["code"],
        redeemed=int(redeemed == "Y"),
        amount=amount,
        item=item,
        description=row.get("authorization", ""),
        user=user,
        created=created,
        details=json.dumps({"batch": True, **details}),
    )


def _batch_date(raw: str) -> str:
    if not raw or raw.lower() == "none":
        return db.now()
    try:
        return date.fromisoformat(raw).isoformat() + " 12:00:00"
    except ValueError:
        raise Refused(f"Invalid date '{raw}' (use YYYY-MM-DD)") from None
