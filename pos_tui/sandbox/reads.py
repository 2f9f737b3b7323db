"""The sandbox's read calls: customers, campaigns, reports and the dashboard."""

from __future__ import annotations

import re
import sqlite3
from decimal import Decimal
from typing import Any

from ..api.kinds import CAMPAIGN_KINDS
from . import db, views
from .db import NotFound, Refused, wire_count, wire_money
from .render import Items

NO_MATCH = "No Customers Match Criteria"
SEARCHABLE = (
    "first_name",
    "last_name",
    "phone",
    "email",
    "card_number",
    "code",
    "city",
    "postal_code",
    "customer_username",
    "custom_field",
)


def yes(fields: dict[str, str], name: str, default: bool = False) -> bool:
    value = fields.get(name, "").strip().upper()
    return default if not value else value in {"Y", "YES", "TRUE", "1"}


def _customer_campaigns(
    conn: sqlite3.Connection, acct: sqlite3.Row, code: str, fields: dict[str, str]
) -> Items:
    wanted = fields.get("campaign_id", "").strip()
    shown = []
    for camp in db.campaigns(conn, acct["id"]):
        if wanted and wanted not in (camp["id"], camp["name"]):
            continue
        member = db.belongs(conn, acct["id"], code, camp["id"])
        # Coalition accounts list every campaign of the coalition unless show_only_belong_to=Y.
        everyone = bool(acct["coalition"]) and not yes(fields, "show_only_belong_to")
        if member or everyone or wanted:
            shown.append(views.campaign(conn, acct, camp, code))
    if wanted and not shown:
        raise Refused(f"Unknown campaign_id '{wanted}'")
    return Items("campaign", shown)


def customer_info(
    conn: sqlite3.Connection, acct: sqlite3.Row, fields: dict[str, str], user: str
) -> dict[str, Any]:
    code, card = fields.get("code", "").strip(), fields.get("card_number", "").strip()
    if not (code or card):
        raise Refused("Either code or card_number is required")
    cust = db.find_customer(conn, acct["id"], code=code, card_number=card)
    if cust is None:
        raise NotFound(NO_MATCH)
    tree: dict[str, Any] = {
        "customer": views.customer(cust, hide_custom_field=yes(fields, "hide_custom_field"))
    }
    if yes(fields, "include_balances", default=True):
        tree["campaigns"] = _customer_campaigns(conn, acct, cust["code"], fields)
    return tree


def _matches(conn: sqlite3.Connection, acct: sqlite3.Row, where: str, params: list[Any]) -> list[sqlite3.Row]:
    return conn.execute(
        f"SELECT * FROM customers WHERE account_id = ? AND ({where}) "
        "ORDER BY last_name, first_name, code LIMIT 200",
        [acct["id"], *params],
    ).fetchall()


def _found(
    conn: sqlite3.Connection,
    acct: sqlite3.Row,
    rows: list[sqlite3.Row],
    fields: dict[str, str],
    *,
    inline: bool = False,
) -> dict[str, Any]:
    """The matches; ``inline`` puts each ``<customer>`` straight under ``<response>`` in XML.

    With ``campaign_id`` the balances are those of that campaign only, as customer_info's are.
    """
    if not rows:
        raise NotFound(NO_MATCH)
    found = []
    only = {"campaign_id": fields.get("campaign_id", "")}
    for row in rows:
        view = views.customer(row)
        if yes(fields, "include_balances"):
            view["campaigns"] = _customer_campaigns(conn, acct, row["code"], only)
        found.append(view)
    return {"customers": Items("customer", found, inline=inline)}


def customer_search(
    conn: sqlite3.Connection, acct: sqlite3.Row, fields: dict[str, str], user: str
) -> dict[str, Any]:
    exact = yes(fields, "exact_match")
    clauses, params = [], []
    for name in SEARCHABLE:
        value = fields.get(name, "").strip()
        if value:
            clauses.append(f"{name} = ? COLLATE NOCASE" if exact else f"{name} LIKE ? ESCAPE '\\'")
            params.append(value if exact else f"%{_like(value)}%")
    if not clauses:
        raise Refused("Give at least one field to search by (" + ", ".join(SEARCHABLE) + ")")
    # The live service (as public clients read it) puts each <customer> straight under <response>.
    return _found(conn, acct, _matches(conn, acct, " AND ".join(clauses), params), fields, inline=True)


def customer_find(
    conn: sqlite3.Connection, acct: sqlite3.Row, fields: dict[str, str], user: str
) -> dict[str, Any]:
    text = fields.get("find_customer", "").strip()
    if not text:
        raise Refused("find_customer is required")
    alternatives = []
    params: list[Any] = []
    for alternative in filter(None, (part.strip() for part in text.split(","))):  # comma: OR
        terms = []
        for word in alternative.split():  # space: AND
            ors = [f"{name} LIKE ? ESCAPE '\\'" for name in SEARCHABLE]
            params.extend([f"%{_like(word)}%"] * len(SEARCHABLE))
            digits = re.sub(r"[\s().+-]", "", word)
            if digits.isdigit() and len(digits) >= 4:  # a phone, whatever its formatting: 5557295 = 555-7295
                ors.append(f"{_DIGITS_OF_PHONE} LIKE ?")
                params.append(f"%{digits}%")
            terms.append("(" + " OR ".join(ors) + ")")
        alternatives.append("(" + " AND ".join(terms) + ")")
    return _found(conn, acct, _matches(conn, acct, " OR ".join(alternatives), params), fields)


_DIGITS_OF_PHONE = (
    "".join("REPLACE(" for _ in "-( ).+") + "phone" + "".join(f", '{c}', '')" for c in "-( ).+")
)


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def campaigns_list(
    conn: sqlite3.Connection, acct: sqlite3.Row, fields: dict[str, str], user: str
) -> dict[str, Any]:
    restrict = fields.get("type_restrict", "").strip().lower()
    if restrict and restrict not in CAMPAIGN_KINDS:
        raise Refused(f"Invalid type_restrict '{restrict}' (one of {', '.join(CAMPAIGN_KINDS)})")
    return {
        "campaigns": Items(
            "campaign",
            [
                {
                    "id": c["id"],
                    "name": c["name"],
                    "type": c["type"],
                    "currency": c["currency"],
                    "glyph": c["glyph"],
                    "points_ratio": c["points_ratio"],
                    "reward_ratio": c["reward_ratio"],
                }
                for c in db.campaigns(conn, acct["id"])
                if not restrict or c["type"] == restrict
            ],
        )
    }


def campaign_rewards(
    conn: sqlite3.Connection, acct: sqlite3.Row, fields: dict[str, str], user: str
) -> dict[str, Any]:
    camp = db.campaign(conn, acct["id"], fields.get("campaign_id", "").strip())
    return {
        "rewards": Items(
            "reward",
            [
                {"id": r["id"], "level": r["needed"], "description": r["description"]}
                for r in db.rewards(conn, camp["id"])
            ],
        )
    }


def buyx_items_list(
    conn: sqlite3.Connection, acct: sqlite3.Row, fields: dict[str, str], user: str
) -> dict[str, Any]:
    camp = db.campaign(conn, acct["id"], fields.get("campaign_id", "").strip())
    if camp["type"] != "buyx":
        raise Refused(f"Campaign '{camp['name']}' is not a buy-X campaign")
    return {
        "items": Items(
            "item",
            [
                {
                    "id": i["item_id"],
                    "description": i["name"],
                    "earn_ratio": str(i["earn_ratio"]),
                    "reward_id": i["reward_id"],
                }
                for i in db.items(conn, camp["id"])
                if i["item_id"]
            ],
        )
    }


def account_info(
    conn: sqlite3.Connection, acct: sqlite3.Row, fields: dict[str, str], user: str
) -> dict[str, Any]:
    """The account, in the field names a typed client of the live service maps."""
    return {
        "account": {
            "account_id": acct["id"],
            "biz_name": acct["business_name"],
            "biz_address1": acct["street1"],
            "biz_address2": "",
            "biz_city": acct["city"],
            "biz_state": acct["state"],
            "biz_zip": acct["postal_code"],
            "biz_country": acct["country"],
            "contact_phone": acct["phone"],
            "contact_email": acct["email"],
            "language": "en",
            "currency": acct["currency"],
            "symbol": acct["symbol"],
            "glyph": acct["symbol"],
            "timezone": acct["timezone"],
            "coalition": "Y" if acct["coalition"] else "N",
        }
    }


def customer_balance(
    conn: sqlite3.Connection, acct: sqlite3.Row, fields: dict[str, str], user: str
) -> dict[str, Any]:
    camp = db.campaign(conn, acct["id"], fields.get("campaign_id", "").strip())
    code, card = fields.get("code", "").strip(), fields.get("card_number", "").strip()
    if not (code or card):
        raise Refused("Either code or card_number is required")
    cust = db.find_customer(conn, acct["id"], code=code, card_number=card)
    if cust is None:
        raise NotFound(NO_MATCH)
    raw = fields.get("transactions_number", "").strip() or "10"
    if not raw.isdigit():
        raise Refused(f"Invalid transactions_number '{raw}'")
    bal = db.balance(conn, acct["id"], cust["code"], [camp["id"]])
    fmt = wire_count if camp["type"] in {"points", "events", "buyx"} else wire_money
    rows = conn.execute(
        "SELECT * FROM transactions WHERE account_id = ? AND code = ? AND campaign_id = ? AND deleted = 0 "
        "ORDER BY id DESC LIMIT ?",
        (acct["id"], cust["code"], camp["id"], int(raw)),
    ).fetchall()
    # The live service's shape, as every public client reads it (api-reference README).
    return {
        "campaign": {
            "campaign_id": camp["id"],
            "campaign_type": camp["type"],
            "campaign_name": camp["name"],
            "currency": camp["currency"],
            "customer": {
                "code": cust["code"],
                "card_number": cust["card_number"],
                "first_name": cust["first_name"],
                "last_name": cust["last_name"],
                "balance": fmt(bal.balance),
                "transactions": Items("transaction", [_history(row, fmt) for row in rows]),
            },
        }
    }


def _history(row: sqlite3.Row, fmt: Any) -> dict[str, str]:
    return {
        "id": str(row["id"]),
        "date": row["created"][:10],
        "amount": fmt(Decimal(row["amount"])),
        "orig_amount": fmt(Decimal(row["amount"])),
        "redeemed": "Y" if row["redeemed"] else "N",
        "item": row["item"],
        "authorization": row["description"],
        "user_name": row["user"],
        "record_timestamp": row["created"].replace("T", " "),
    }
