"""How the sandbox shows a customer, a campaign balance and a receipt's head, in the reference's shapes."""

from __future__ import annotations

import json
import sqlite3
from decimal import ROUND_DOWN, Decimal
from typing import Any

from . import db
from .db import wire_count, wire_money
from .render import Items

CUSTOMER_FIELDS = (
    "code",
    "card_number",
    "first_name",
    "last_name",
    "phone",
    "email",
    "street1",
    "street2",
    "city",
    "state",
    "postal_code",
    "country",
    "custom_date",
    "custom_field",
    "customer_username",
    "registered",
)


def customer(row: sqlite3.Row, *, hide_custom_field: bool = False) -> dict[str, Any]:
    view = {name: row[name] for name in CUSTOMER_FIELDS}
    if hide_custom_field:
        view.pop("custom_field")
    for key, value in json.loads(row["custom_fields"] or "{}").items():
        view[key] = {"label": value.get("label", ""), "data": value.get("data", "")}
    return view


def monetary(points: Decimal, campaign: sqlite3.Row) -> str:
    ratio = Decimal(campaign["reward_ratio"] or "0")
    return wire_money(points / ratio) if ratio else ""


def _balance(conn: sqlite3.Connection, acct: sqlite3.Row, camp: sqlite3.Row, code: str) -> db.Balance:
    return db.balance(conn, acct["id"], code, [camp["id"]])


def campaign(conn: sqlite3.Connection, acct: sqlite3.Row, camp: sqlite3.Row, code: str) -> dict[str, Any]:
    """One campaign of ``customer_info``: balances and available rewards, as the reference shows."""
    kind = camp["type"]
    own = _balance(conn, acct, camp, code)
    view: dict[str, Any] = {"id": camp["id"], "name": camp["name"], "type": kind}
    if kind == "buyx":
        view["balances"] = Items(
            "item",
            [{k: v for k, v in i.items() if k != "reward_id"} for i in buyx_items(conn, acct, camp, code)],
        )
        view["last_transaction"] = own.last or "0000-00-00"
        view["available_rewards"] = Items(
            "reward",
            [
                _drop_empty(
                    {
                        "item_id": i["item_id"],
                        "name": i["name"],
                        "earn_ratio": i["earn_ratio"],
                        "reward_id": i["reward_id"],
                    },
                    "reward_id",
                )
                for i in buyx_items(conn, acct, camp, code)
                if Decimal(i["earned"]) >= 1
            ],
        )
        return view
    shown = own
    coalition = bool(acct["coalition"]) and kind in {"points", "giftcard"}
    if coalition:
        shown = db.balance(conn, acct["id"], code, db.coalition_campaigns(conn, acct, kind))
    fmt = wire_count if kind in {"points", "events"} else wire_money
    view["balance"] = fmt(shown.balance)
    if kind == "earned":
        view["currency"] = camp["currency"]
    view["cumulative"] = fmt(own.cumulative)
    if kind == "points" and not coalition:
        view["monetary_balance"] = monetary(shown.balance, camp)
    if kind in {"points", "giftcard"} and not coalition:
        view["currency"] = camp["currency"]
        view["glyph"] = camp["glyph"]
    view["last_transaction"] = own.last or "0000-00-00"
    if coalition:
        view["balance_coalition"] = fmt(shown.balance)
        view["cumulative_coalition"] = fmt(shown.cumulative)
    if kind in {"points", "events"}:
        view["available_rewards"] = Items(
            "reward",
            [
                _drop_empty(
                    {
                        "id": r["id"],
                        "description": r["description"],
                        "needed_to_redeem": r["needed"],
                        "reward_id": r["reward_id"],
                    },
                    "reward_id",
                )
                for r in db.rewards(conn, camp["id"])
            ],
        )
    return view


def buyx_items(
    conn: sqlite3.Connection, acct: sqlite3.Row, camp: sqlite3.Row, code: str
) -> list[dict[str, Any]]:
    """Each item the customer has bought: balance, earned, cumulative, redeemed, ratio."""
    found = []
    for item in db.items(conn, camp["id"]):
        counts = db.balance(conn, acct["id"], code, [camp["id"]], item=item["name"])
        if counts.cumulative == 0 and counts.redeemed_count == 0:
            continue
        ratio = Decimal(item["earn_ratio"])
        earned = (counts.balance / ratio).to_integral_value(rounding=ROUND_DOWN)
        entry = {
            "name": item["name"],
            "item_id": item["item_id"],
            "balance": wire_count(counts.balance),
            "earned": wire_count(earned),
            "cumulative": wire_count(counts.cumulative),
            "redeemed": str(counts.redeemed_count),
            "earn_ratio": str(item["earn_ratio"]),
            "reward_id": item["reward_id"],
        }
        found.append(_drop_empty(entry, "item_id"))
    return found


#: The marketing agency behind the account, as every redemption receipt of the reference names it.
AGENCY = {"id": "acmemktg", "name": "ACME Marketing", "email": "server@acmemarkting.com"}


def glyph(acct: sqlite3.Row, camp: sqlite3.Row) -> str:
    """The currency sign a receipt's money lines carry: the campaign's, else the account's."""
    return camp["glyph"] or acct["symbol"] or ""


def receipt_head(
    acct: sqlite3.Row, camp: sqlite3.Row, cust: sqlite3.Row, *, redemption: bool = False
) -> dict[str, Any]:
    head: dict[str, Any] = {"account_name": acct["business_name"]}
    if redemption:  # redemption receipts name the agency (one Android POS crashes without it)
        head["agency"] = dict(AGENCY)
    return head | {
        "campaign": {"id": camp["id"], "name": camp["name"], "type": camp["type"]},
        "customer": {
            "first_name": cust["first_name"],
            "last_name": cust["last_name"],
            "card_number": cust["card_number"],
            "code": cust["code"],
            "phone": cust["phone"],
            "email": cust["email"],
            "custom_field": cust["custom_field"],
            "custom_date": cust["custom_date"],
        },
    }


def balances_after(
    conn: sqlite3.Connection, acct: sqlite3.Row, camp: sqlite3.Row, code: str
) -> dict[str, Any]:
    """``balance`` and ``cumulative_balance`` of a receipt, in the campaign's terms."""
    kind = camp["type"]
    ids = [camp["id"]]
    if acct["coalition"] and kind in {"points", "giftcard"}:
        ids = db.coalition_campaigns(conn, acct, kind)
    now = db.balance(conn, acct["id"], code, ids)
    if kind == "points":

        def points(value: Decimal) -> dict[str, str]:
            return {
                "points": wire_count(value),
                "monetary": monetary(value, camp),
                "currency": camp["currency"],
                "glyph": glyph(acct, camp),
            }

        return {"balance": points(now.balance), "cumulative_balance": points(now.cumulative)}
    sign = glyph(acct, camp)
    if kind == "events":
        return {
            "balance": {"events": wire_count(now.balance)},
            "cumulative_balance": {"events": wire_count(now.cumulative)},
        }
    return {
        "balance": {"amount": wire_money(now.balance), "currency": camp["currency"], "glyph": sign},
        "cumulative_balance": {
            "amount": wire_money(now.cumulative),
            "currency": camp["currency"],
            "glyph": sign,
        },
    }


def buyx_receipt_balances(conn: sqlite3.Connection, acct: sqlite3.Row, camp: sqlite3.Row, code: str) -> Items:
    return Items(
        "item",
        [
            {"name": i["name"], "current": i["balance"], "cumulative": i["cumulative"]}
            for i in buyx_items(conn, acct, camp, code)
        ],
    )


def _drop_empty(view: dict[str, Any], *keys: str) -> dict[str, Any]:
    for key in keys:
        if view.get(key) == "":
            view.pop(key)
    return view
