"""The sandbox's writes: ``record_activity``, ``redeem``, ``transaction_delete`` (batches: :mod:`.batch`).

Each runs inside one write transaction; a :class:`~.db.Refused` rolls it back, so a refused
call changes nothing.
"""

from __future__ import annotations

import sqlite3
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any

from ..api.wire import parse_decimal
from . import db, views
from .db import Refused, wire_count, wire_money
from .render import PerFormat


def need(fields: dict[str, str], name: str) -> Decimal:
    value = _amount(fields, name, required=True)
    assert value is not None  # required=True raises instead of returning None
    return value


def _amount(fields: dict[str, str], name: str, *, required: bool) -> Decimal | None:
    raw = fields.get(name, "")
    try:
        value = parse_decimal(raw)
    except ValueError:
        raise Refused(f"Invalid {name} '{raw}'") from None
    if value is None:
        if required:
            raise Refused(f"{name} is required")
        return None
    if value <= 0:
        raise Refused(f"{name} must be greater than zero")
    return value


def _customer_for_earn(conn: sqlite3.Connection, acct: sqlite3.Row, fields: dict[str, str]) -> sqlite3.Row:
    code, card = fields.get("code", "").strip(), fields.get("card_number", "").strip()
    if not (code or card):
        raise Refused("Either code or card_number is required")
    found = db.find_customer(conn, acct["id"], code=code, card_number=card)
    if found is None:  # "New customer accounts are automatically created when a transaction is received"
        found = db.create_customer(conn, acct["id"], code=code, card_number=card)
    return found


def _customer_by_code(conn: sqlite3.Connection, acct: sqlite3.Row, fields: dict[str, str]) -> sqlite3.Row:
    code = fields.get("code", "").strip()
    if not code:
        raise Refused("code is required (the customer's unique code, not the card number)")
    found = db.find_customer(conn, acct["id"], code=code)
    if found is None:
        raise Refused(f"No customer with code '{code}'")
    return found


def _item(conn: sqlite3.Connection, camp: sqlite3.Row, key: str) -> sqlite3.Row:
    for item in db.items(conn, camp["id"]):
        if key and key in (item["item_id"], item["reward_id"], item["name"]):
            return item
    raise Refused(f"Unknown item '{key}' in campaign '{camp['name']}'")


def balance_ids(conn: sqlite3.Connection, acct: sqlite3.Row, camp: sqlite3.Row) -> list[str]:
    if acct["coalition"] and camp["type"] in {"points", "giftcard"}:
        return db.coalition_campaigns(conn, acct, camp["type"])
    return [camp["id"]]


def _custom_fields(fields: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in fields.items() if k.startswith("custom_field_")}


def record_activity(
    conn: sqlite3.Connection, acct: sqlite3.Row, fields: dict[str, str], user: str
) -> dict[str, Any]:
    camp = db.campaign(conn, acct["id"], fields.get("campaign_id", "").strip())
    cust = _customer_for_earn(conn, acct, fields)
    note = fields.get("authorization", "")
    kind = camp["type"]
    base = {
        "account_id": acct["id"],
        "campaign_id": camp["id"],
        "code": cust["code"],
        "redeemed": 0,
        "description": note,
        "user": user,
    }
    details: dict[str, Any] = {"custom_fields": _custom_fields(fields)}
    transaction: dict[str, Any] = {}
    if kind == "points":
        amount = _amount(fields, "amount", required=False) or Decimal(0)
        points = amount * Decimal(camp["points_ratio"] or "1")
        promo_id = fields.get("promo_id", "").strip()
        promotion = None
        if promo_id:
            promotion = conn.execute(
                "SELECT * FROM promotions WHERE campaign_id = ? AND id = ?", (camp["id"], promo_id)
            ).fetchone()
            if promotion is None:
                raise Refused(f"Unknown promo_id '{promo_id}'")
            factor = Decimal(promotion["amount"])
            points = points * factor if promotion["operation"] == "x" else points + factor
        points = points.quantize(Decimal(1), rounding=ROUND_HALF_UP)
        details["purchase"] = wire_money(amount)
        tid = db.insert_transaction(conn, **base, amount=points, details=details)
        transaction = {
            "id": str(tid),
            "purchase": {
                "amount": wire_money(amount),
                "currency": camp["currency"],
                "glyph": views.glyph(acct, camp),
            },
        }
        if promotion is not None:
            transaction["promotion"] = {
                "description": promotion["description"],
                "operation": promotion["operation"],
                "amount": promotion["amount"],
            }
        transaction["recorded"] = {"points": wire_count(points), "description": note}
    elif kind == "giftcard":
        amount = need(fields, "amount")
        tid = db.insert_transaction(conn, **base, amount=amount, details=details)
        transaction = {
            "id": str(tid),
            "add": {
                "amount": wire_money(amount),
                "currency": camp["currency"],
                "glyph": views.glyph(acct, camp),
                "description": note,
            },
        }
    elif kind == "buyx":
        key = fields.get("service_product", "").strip() or fields.get("item_identifier", "").strip()
        if not key:
            raise Refused("service_product or item_identifier is required")
        item = _item(conn, camp, key)
        raw_quantity = fields.get("buyx_quantity", "").strip() or "1"
        if not raw_quantity.isdigit() or int(raw_quantity) < 1:
            raise Refused(f"Invalid buyx_quantity '{raw_quantity}'")
        quantity = int(raw_quantity)
        tid = db.insert_transaction(conn, **base, amount=quantity, item=item["name"], details=details)
        transaction = {
            "id": str(tid),
            "purchase": {"item": item["name"], "quantity": str(quantity), "description": note},
            "balances": views.buyx_receipt_balances(conn, acct, camp, cust["code"]),
        }
        return {"receipt": {**views.receipt_head(acct, camp, cust), "transaction": transaction}}
    elif kind == "events":
        paid = _amount(fields, "amount", required=False)
        if paid is not None:
            details["purchase"] = wire_money(paid)
        tid = db.insert_transaction(conn, **base, amount=1, details=details)
        event = {"description": note}
        if paid is not None:
            event["amount"] = wire_money(paid)
        transaction = {"id": str(tid), "event": event}
    else:  # earned: a fixed amount of money per visit
        earn = Decimal(camp["event_amount"] or "0")
        tid = db.insert_transaction(conn, **base, amount=earn, details=details)
        transaction = {
            "id": str(tid),
            "event": {"description": note},
            "earn": {
                "amount": wire_money(earn),
                "currency": camp["currency"],
                "glyph": views.glyph(acct, camp),
            },
        }
    transaction.update(views.balances_after(conn, acct, camp, cust["code"]))
    return {"receipt": {**views.receipt_head(acct, camp, cust), "transaction": transaction}}


def redeem(conn: sqlite3.Connection, acct: sqlite3.Row, fields: dict[str, str], user: str) -> dict[str, Any]:
    camp = db.campaign(conn, acct["id"], fields.get("campaign_id", "").strip())
    cust = _customer_by_code(conn, acct, fields)
    note = fields.get("authorization", "")
    kind = camp["type"]
    have = db.balance(conn, acct["id"], cust["code"], balance_ids(conn, acct, camp)).balance
    base = {
        "account_id": acct["id"],
        "campaign_id": camp["id"],
        "code": cust["code"],
        "redeemed": 1,
        "description": note,
        "user": user,
    }
    choice = fields.get("reward_to_redeem", "").strip()
    transaction: dict[str, Any]
    if kind == "points":
        total = Decimal(0)
        parts: dict[str, Any] = {}
        if choice:
            reward = reward_row(conn, camp, choice)
            total += Decimal(reward["needed"])
            parts["reward"] = {
                "id": reward["id"],
                "points": reward["needed"],
                "description": reward["description"],
            }
        custom = _amount(fields, "custom_points_redeem", required=False)
        if custom is not None:
            custom = custom.quantize(Decimal(1), rounding=ROUND_CEILING)
            total += custom
            parts["custom"] = {"points": wire_count(custom)}
        dollars = _amount(fields, "custom_dollars_redeem", required=False)
        if dollars is not None:
            if not camp["reward_ratio"]:
                raise Refused("custom_dollars_redeem needs a spend-to-reward ratio in the campaign")
            points = (dollars * Decimal(camp["reward_ratio"])).quantize(Decimal(1), rounding=ROUND_CEILING)
            total += points
            parts["monetary"] = {
                "amount": wire_money(dollars),
                "currency": camp["currency"],
                "glyph": views.glyph(acct, camp),
                "points": wire_count(points),
            }
        if not parts:
            raise Refused(
                "One of reward_to_redeem, custom_points_redeem or custom_dollars_redeem is required"
            )
        enough(have, total, "points")
        tid = db.insert_transaction(conn, **base, amount=-total, details=parts)
        transaction = {"id": str(tid), "description": note, **parts}
    elif kind in {"giftcard", "earned"}:
        amount = need(fields, "reward_to_redeem")
        enough(have, amount, camp["currency"] or "money", as_money=True)
        tid = db.insert_transaction(conn, **base, amount=-amount)
        transaction = {
            "id": str(tid),
            # Live JSON sends the deducted amount negative ("-1"); XML as the reference shows it.
            "deduct": {
                "amount": PerFormat(wire_money(amount), wire_money(-amount)),
                "currency": camp["currency"],
                "glyph": views.glyph(acct, camp),
                "description": note,
            },
        }
    elif kind == "buyx":
        item = _item(conn, camp, choice)
        counts = db.balance(conn, acct["id"], cust["code"], [camp["id"]], item=item["name"])
        ratio = Decimal(item["earn_ratio"])
        if counts.balance < ratio:
            raise Refused(
                f"Insufficient balance: {wire_count(counts.balance)} of {wire_count(ratio)} {item['name']} "
                "needed for a free one"
            )
        tid = db.insert_transaction(conn, **base, amount=-ratio, item=item["name"])
        transaction = {
            "id": str(tid),
            "description": note,
            "reward": {"service_product": item["name"], "deduct": wire_count(ratio)},
            "balances": views.buyx_receipt_balances(conn, acct, camp, cust["code"]),
        }
        return {
            "receipt": {**views.receipt_head(acct, camp, cust, redemption=True), "transaction": transaction}
        }
    else:  # events
        if not choice:
            raise Refused("reward_to_redeem is required")
        reward = reward_row(conn, camp, choice)
        needed = Decimal(reward["needed"])
        enough(have, needed, "visits")
        tid = db.insert_transaction(conn, **base, amount=-needed, details={"reward": reward["id"]})
        transaction = {
            "id": str(tid),
            "description": note,
            "reward": {"id": reward["id"], "amount": reward["needed"], "description": reward["description"]},
        }
    transaction.update(views.balances_after(conn, acct, camp, cust["code"]))
    return {"receipt": {**views.receipt_head(acct, camp, cust, redemption=True), "transaction": transaction}}


def reward_row(conn: sqlite3.Connection, camp: sqlite3.Row, key: str) -> sqlite3.Row:
    for reward in db.rewards(conn, camp["id"]):
        if key in (reward["id"], reward["reward_id"]):
            return reward
    raise Refused(f"Unknown reward '{key}' in campaign '{camp['name']}'")


def enough(have: Decimal, need: Decimal, unit: str, *, as_money: bool = False) -> None:
    if need > have:
        show = wire_money if as_money else wire_count
        raise Refused(f"Insufficient balance: {show(have)} {unit} available, {show(need)} needed")


def transaction_delete(
    conn: sqlite3.Connection, acct: sqlite3.Row, fields: dict[str, str], user: str
) -> dict[str, Any]:
    missing = [name for name in ("campaign_id", "code", "transaction_id") if not fields.get(name, "").strip()]
    if missing:
        raise Refused(f"{missing[0]} is required")
    camp = db.campaign(conn, acct["id"], fields["campaign_id"].strip())
    row = conn.execute(
        "SELECT * FROM transactions WHERE account_id = ? AND campaign_id = ? AND code = ? AND id = ? "
        "AND deleted = 0",
        (acct["id"], camp["id"], fields["code"].strip(), fields["transaction_id"].strip()),
    ).fetchone()
    if row is None:
        raise Refused(
            f"Transaction {fields['transaction_id'].strip()} not found for this customer and campaign"
        )
    after = db.balance(conn, acct["id"], row["code"], balance_ids(conn, acct, camp), item=row["item"] or None)
    if after.balance - Decimal(row["amount"]) < 0:
        raise Refused("Deleting this transaction would leave a negative balance")
    conn.execute("UPDATE transactions SET deleted = 1 WHERE id = ?", (row["id"],))
    return {}
