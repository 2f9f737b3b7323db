"""The sandbox's manager calls: ``reports`` (``customers_all``, ``customers_balances``) and ``dashboard``."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from . import db, views
from .db import Refused, wire_count, wire_money
from .reads import yes
from .render import Items

# Reports ------------------------------------------------------------------------------------


def reports(conn: sqlite3.Connection, acct: sqlite3.Row, fields: dict[str, str], user: str) -> dict[str, Any]:
    report = fields.get("report", "").strip()
    if report == "customers_all":
        return _customers_all(conn, acct, fields)
    if report == "customers_balances":
        return _customers_balances(conn, acct, fields)
    if report == "transactions_all":
        from .transactions_report import transactions_all

        return transactions_all(conn, acct, fields)
    raise Refused(f"Unknown report '{report}'" if report else "report is required")


def period(fields: dict[str, str], column: str = "t.created") -> tuple[str, list[str]]:
    """The SQL condition (`` AND …``) and parameters of a report's ``date_start``/``date_end``:
    whole days, both included."""
    sql, params = "", []
    start, end = _date(fields, "date_start"), _date(fields, "date_end")
    if start:
        sql += f" AND {column} >= ?"
        params.append(start)
    if end:
        sql += f" AND {column} < ?"
        params.append((date.fromisoformat(end) + timedelta(days=1)).isoformat())
    return sql, params


def _date(fields: dict[str, str], name: str) -> str:
    raw = fields.get(name, "").strip()
    if not raw:
        return ""
    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        raise Refused(f"Invalid {name} '{raw}' (use YYYY-MM-DD)") from None


def _customers_all(conn: sqlite3.Connection, acct: sqlite3.Row, fields: dict[str, str]) -> dict[str, Any]:
    selected = [c for c in fields.get("selected_campaigns", "").split(",") if c.strip()]
    last = fields.get("last", "").strip()
    if selected and last:
        raise Refused("'last' cannot be combined with selected_campaigns")
    params: list[Any] = [acct["id"]]
    query = "SELECT * FROM customers c WHERE c.account_id = ?"
    if selected:
        for camp_id in selected:
            db.campaign(conn, acct["id"], camp_id.strip())
        marks = ", ".join("?" for _ in selected)
        sub = (
            "SELECT 1 FROM transactions t WHERE t.account_id = c.account_id AND t.code = c.code "
            f"AND t.campaign_id IN ({marks})"
        )
        params.extend(c.strip() for c in selected)
        within, dates = period(fields)
        params.extend(dates)
        query += f" AND EXISTS ({sub}{within})"
    if last:  # new or changed since transaction number `last`
        if not last.isdigit():
            raise Refused(f"Invalid last '{last}'")
        query += (
            " AND (c.changed > ? OR EXISTS (SELECT 1 FROM transactions t"
            " WHERE t.account_id = c.account_id AND t.code = c.code AND t.id > ?))"
        )
        params.extend([int(last), int(last)])
    rows = conn.execute(query + " ORDER BY c.created, c.code", params).fetchall()
    newest = conn.execute(
        "SELECT MAX(id) AS id FROM transactions WHERE account_id = ?", (acct["id"],)
    ).fetchone()
    customers = [
        {
            "first_name": r["first_name"],
            "last_name": r["last_name"],
            "phone": r["phone"],
            "email": r["email"],
            **_address(r),
            "customer_code": r["code"],
            "card_number": r["card_number"],
        }
        for r in rows
    ]
    return {"customers": Items("customer", customers, inline=True), "last": str(newest["id"] or 0)}


def _address(r: sqlite3.Row) -> dict[str, str]:
    """The columns both customer reports share, in the reference's order and names."""
    return {
        "address1": r["street1"],
        "address2": r["street2"],
        "city": r["city"],
        "state": r["state"],
        "zip": r["postal_code"],
        "country": r["country"],
        "custom1": r["custom_field"],
        "custom_date": r["custom_date"],
        "customer_username": r["customer_username"],
    }


def _customers_balances(
    conn: sqlite3.Connection, acct: sqlite3.Row, fields: dict[str, str]
) -> dict[str, Any]:
    coalition = fields.get("coalition_balance", "").strip()
    kinds = {"coalition_points": "points", "coalition_storedvalue": "giftcard"}
    if coalition:
        if coalition not in kinds:
            raise Refused("coalition_balance must be coalition_points or coalition_storedvalue")
        ids = db.coalition_campaigns(conn, acct, kinds[coalition])
        camp = db.campaign(conn, acct["id"], ids[0]) if ids else None
    else:
        camp = db.campaign(conn, acct["id"], fields.get("campaign_id", "").strip())
        ids = [camp["id"]]
    offset, limit = _int(fields, "offset", 0), _int(fields, "limit", 1_000_000)
    marks = ", ".join("?" for _ in ids)
    rows = conn.execute(
        f"SELECT c.* FROM customers c WHERE c.account_id = ? AND EXISTS (SELECT 1 FROM transactions t "
        f"WHERE t.account_id = c.account_id AND t.code = c.code AND t.campaign_id IN ({marks})) "
        "ORDER BY c.created, c.code LIMIT ? OFFSET ?",
        [acct["id"], *ids, limit, offset],
    ).fetchall()
    out = []
    for r in rows:
        earned = redeemed = Decimal(0)
        for t in conn.execute(
            "SELECT amount FROM transactions WHERE deleted = 0 AND account_id = ? AND code = ? "
            f"AND campaign_id IN ({marks})",
            [acct["id"], r["code"], *ids],
        ):
            amount = Decimal(t["amount"])
            if amount >= 0:
                earned += amount
            else:
                redeemed += amount
        fmt = wire_count if camp is not None and camp["type"] in {"points", "events", "buyx"} else wire_money

        def equivalent(value: Decimal) -> str:
            if camp is not None and camp["type"] == "points":
                return views.monetary(value, camp) or wire_money(value)
            return wire_money(value)

        out.append(
            {
                "card_number": r["card_number"],
                "code": r["code"],
                "first_name": r["first_name"],
                "last_name": r["last_name"],
                "email": r["email"],
                "phone": r["phone"],
                **_address(r),
                "record_timestamp": r["created"],
                "earned": fmt(earned),
                "redeemed": fmt(redeemed),
                "balance": fmt(earned + redeemed),
                "balance_equivalent": equivalent(earned + redeemed),
                "earned_equivalent": equivalent(earned),
                "redeemed_equivalent": equivalent(redeemed),
            }
        )
    return {"customers": Items("customer", out, inline=True)}


def _int(fields: dict[str, str], name: str, default: int) -> int:
    raw = fields.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise Refused(f"Invalid {name} '{raw}'")
    return int(raw)


# Dashboard ----------------------------------------------------------------------------------


def dashboard(
    conn: sqlite3.Connection, acct: sqlite3.Row, fields: dict[str, str], user: str
) -> dict[str, Any]:
    today = datetime.now().date()
    month = today.replace(day=1)
    last_month = (month - timedelta(days=1)).replace(day=1)
    same_day = min(today.day, (month - timedelta(days=1)).day)
    same_period_end = last_month.replace(day=same_day) + timedelta(days=1)
    aid = acct["id"]
    tree: dict[str, Any] = {}

    def count(table: str, start: date, end: date | None = None) -> str:
        sql = f"SELECT COUNT(*) FROM {table} WHERE account_id = ? AND created >= ?"
        params: list[Any] = [aid, start.isoformat()]
        if table == "transactions":
            sql += " AND deleted = 0"
        if end is not None:
            sql += " AND created < ?"
            params.append(end.isoformat())
        return str(conn.execute(sql, params).fetchone()[0])

    if fields.get("most_active", "").strip():
        n = _int(fields, "most_active", 10)
        rows = conn.execute(
            "SELECT c.code, c.card_number, c.first_name, c.last_name, COUNT(t.id) AS n FROM customers c "
            "JOIN transactions t ON t.account_id = c.account_id AND t.code = c.code AND t.deleted = 0 "
            "WHERE c.account_id = ? GROUP BY c.code ORDER BY n DESC, c.code LIMIT ?",
            (aid, n),
        ).fetchall()
        tree["most_active"] = Items(
            "customer",
            [
                {
                    "code": r["code"],
                    "card_number": r["card_number"],
                    "first_name": r["first_name"],
                    "last_name": r["last_name"],
                    "transactions": str(r["n"]),
                }
                for r in rows
            ],
        )
    if yes(fields, "customer_count") or yes(fields, "total_customers_this_month"):
        totals = {
            "all_time": str(
                conn.execute("SELECT COUNT(*) FROM customers WHERE account_id = ?", (aid,)).fetchone()[0]
            )
        }
        if yes(fields, "total_customers_this_month"):
            totals.update(
                this_month=count("customers", month),
                last_month=count("customers", last_month, month),
                same_period_last_month=count("customers", last_month, same_period_end),
            )
        tree["total_customers"] = totals
    if yes(fields, "total_transactions_this_month"):
        tree["total_transactions"] = {
            "this_month": count("transactions", month),
            "last_month": count("transactions", last_month, month),
            "same_period_last_month": count("transactions", last_month, same_period_end),
        }
    if yes(fields, "active_campaigns_count") or yes(fields, "active_campaign_count"):
        tree["active_campaigns_count"] = str(len(db.campaigns(conn, aid)))
    if fields.get("campaigns_per_day_activity", "").strip():
        days = _int(fields, "campaigns_per_day_activity", 30)
        start = today - timedelta(days=days - 1)
        activity = []
        for camp in db.campaigns(conn, aid):
            per_day = conn.execute(
                "SELECT substr(created, 1, 10) AS day, COUNT(*) AS n FROM transactions WHERE account_id = ? "
                "AND campaign_id = ? AND deleted = 0 AND created >= ? GROUP BY day ORDER BY day",
                (aid, camp["id"], start.isoformat()),
            ).fetchall()
            activity.append(
                {
                    "campaign_id": camp["id"],
                    "campaign_name": camp["name"],
                    "campaign_type": camp["type"],
                    "days": Items(
                        "day", [{"date": r["day"], "quantity": str(r["n"])} for r in per_day], inline=True
                    ),
                }
            )
        tree["campaigns_per_day_activity"] = Items("campaign", activity)
    if fields.get("last_X_transactions", "").strip():
        n = _int(fields, "last_X_transactions", 10)
        rows = conn.execute(
            "SELECT t.*, c.card_number, c.first_name, c.last_name, p.name AS campaign_name, "
            "p.type AS campaign_type "
            "FROM transactions t JOIN customers c ON c.account_id = t.account_id AND c.code = t.code "
            "JOIN campaigns p ON p.id = t.campaign_id WHERE t.account_id = ? AND t.deleted = 0 "
            "ORDER BY t.id DESC LIMIT ?",
            (aid, n),
        ).fetchall()
        tree["last_X_transactions"] = {
            "transactions": str(len(rows)),
            "transaction": Items(
                "transaction",
                [
                    {
                        "transaction_id": str(r["id"]),
                        "campaign_id": r["campaign_id"],
                        "campaign_name": r["campaign_name"],
                        "campaign_type": r["campaign_type"],
                        "code": r["code"],
                        "card_number": r["card_number"],
                        "first_name": r["first_name"],
                        "last_name": r["last_name"],
                        "date": r["created"][:10],
                        "amount": str(abs(Decimal(r["amount"]))),
                        "redeemed": "Y" if r["redeemed"] else "N",
                        "item": r["item"],
                        "description": r["description"],
                        "user": r["user"],
                    }
                    for r in rows
                ],
                inline=True,
            ),
        }
    if fields.get("last_X_customers", "").strip():
        n = _int(fields, "last_X_customers", 10)
        rows = conn.execute(
            "SELECT * FROM customers WHERE account_id = ? ORDER BY created DESC, code DESC LIMIT ?", (aid, n)
        ).fetchall()
        tree["last_X_customers"] = Items(
            "customer",
            [
                {
                    "code": r["code"],
                    "card_number": r["card_number"],
                    "first_name": r["first_name"],
                    "last_name": r["last_name"],
                    "time_stamp": r["created"],
                }
                for r in rows
            ],
        )
    return tree
