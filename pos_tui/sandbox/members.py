"""The sandbox's registration calls and promotions: ``record_customer``, ``validate_customer_password``,
``campaign_promos``.

Customer passwords are kept as salted PBKDF2 hashes in ``customer_passwords`` (never the
password itself, never in an answer or the request log).
"""

from __future__ import annotations

import hashlib
import hmac
import random
import re
import sqlite3
from typing import Any

from . import db, views
from .db import Refused
from .render import Items

_ITERATIONS = 20_000
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _hash(password: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, _ITERATIONS)


def set_password(conn: sqlite3.Connection, account_id: str, code: str, password: str) -> None:
    salt = hashlib.sha256(f"{account_id}:{code}:{password}".encode()).digest()[:16]
    conn.execute(
        "INSERT OR REPLACE INTO customer_passwords(account_id, code, salt, hash) VALUES (?, ?, ?, ?)",
        (account_id, code, salt.hex(), _hash(password, salt).hex()),
    )


def password_ok(conn: sqlite3.Connection, account_id: str, code: str, password: str) -> bool:
    row = conn.execute(
        "SELECT salt, hash FROM customer_passwords WHERE account_id = ? AND code = ?", (account_id, code)
    ).fetchone()
    if row is None:
        return False
    return hmac.compare_digest(_hash(password, bytes.fromhex(row["salt"])).hex(), row["hash"])


def _generated_card(conn: sqlite3.Connection, account_id: str, code: str, digits: int) -> str:
    """A card number of ``digits`` digits no customer has (deterministic for a given code)."""
    rng = random.Random(f"{account_id}:{code}")
    for _ in range(1000):
        card = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(digits - 1))
        if db.find_customer(conn, account_id, card_number=card) is None:
            return card
    raise Refused(f"Could not generate a free {digits}-digit card number")


def record_customer(
    conn: sqlite3.Connection, acct: sqlite3.Row, fields: dict[str, str], user: str
) -> dict[str, Any]:
    action = (fields.get("customer_action") or fields.get("action") or "").strip().lower()
    if action != "new":
        raise Refused("customer_action=new is required")
    camp = db.campaign(conn, acct["id"], fields.get("campaign_id", "").strip())
    card = fields.get("card_number", "").strip()
    generate = fields.get("card_number_generate", "").strip()
    if card and generate:
        raise Refused("Give card_number or card_number_generate, not both")
    if not card and not generate:
        raise Refused("card_number or card_number_generate is required")
    if generate and (not generate.isdigit() or not 4 <= int(generate) <= 32):
        raise Refused(f"Invalid card_number_generate '{generate}' (the number of digits, 4 to 32)")
    if card and db.find_customer(conn, acct["id"], card_number=card) is not None:
        raise Refused(f"Card number '{card}' is already in use")
    email = fields.get("email", "").strip()
    if email and not _EMAIL.match(email):
        raise Refused(f"Invalid email '{email}'")
    username = fields.get("customer_username", "").strip()
    if username:
        taken = conn.execute(
            "SELECT 1 FROM customers WHERE account_id = ? AND customer_username = ? COLLATE NOCASE",
            (acct["id"], username),
        ).fetchone()
        if taken:
            raise Refused(f"Customer username '{username}' is already in use")
    code = db.new_code(conn)
    if generate:
        card = _generated_card(conn, acct["id"], code, int(generate))
    cust = db.create_customer(
        conn,
        acct["id"],
        code=code,
        card_number=card,
        first_name=fields.get("first_name", "").strip(),
        last_name=fields.get("last_name", "").strip(),
        email=email,
        phone=fields.get("phone", "").strip(),
        customer_username=username,
        registered="Y",
    )
    conn.execute(
        "INSERT INTO memberships(account_id, code, campaign_id) VALUES (?, ?, ?)",
        (acct["id"], code, camp["id"]),
    )
    password = fields.get("customer_password", "")
    if password:
        set_password(conn, acct["id"], code, password)
    return {"customer": views.customer(cust)}


def validate_customer_password(
    conn: sqlite3.Connection, acct: sqlite3.Row, fields: dict[str, str], user: str
) -> dict[str, Any]:
    card = fields.get("card_number", "").strip()
    password = fields.get("customer_password", "")
    if not card:
        raise Refused("card_number is required")
    if not password:
        raise Refused("customer_password is required")
    cust = db.find_customer(conn, acct["id"], card_number=card)
    if cust is None or not password_ok(conn, acct["id"], cust["code"], password):
        raise Refused("Invalid card number or customer password")
    return {}


def campaign_promos(
    conn: sqlite3.Connection, acct: sqlite3.Row, fields: dict[str, str], user: str
) -> dict[str, Any]:
    camp = db.campaign(conn, acct["id"], fields.get("campaign_id", "").strip())
    rows = conn.execute(
        "SELECT * FROM promotions WHERE campaign_id = ? ORDER BY CAST(id AS INTEGER), id", (camp["id"],)
    ).fetchall()
    return {
        "promos": Items(
            "promo",
            [
                {
                    "id": row["id"],
                    "name": row["description"],
                    "description": row["description"],
                    "operation": row["operation"],
                    "amount": row["amount"],
                }
                for row in rows
            ],
        )
    }
