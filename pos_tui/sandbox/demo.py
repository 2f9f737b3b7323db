"""Deterministic demo data: the reference's example account, John and Jane Doe, a few hundred
generated customers with a history, and a coalition account.

John Doe's ``customer_info`` answer is exactly the first example of customer_info.txt: his
history is built so that every balance, cumulative, earned and redeemed figure comes out as
the page shows it, dated up to 2011-12-31.
"""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import date, datetime, timedelta

from . import db, members

ACCOUNT = {"id": "greatwidgets", "user_id": "john1970", "secret": "1959caadac9b13dcb3"}
COALITION = {"id": "acmecoalition", "user_id": "acme1970", "secret": "acme-coalition-demo-key"}
WIDGETS, EMPLOYEE, BUYER = "1234567890123456", "2345678901234567", "3456789012345678"
GIFT, SHOPPER = "2222333344445555", "3333444455556666"
JOHN = {"code": "89898989898989", "card_number": "1212121212"}
JANE = {"code": "1234567890123456", "card_number": "11112222"}
JANE_PASSWORD = "2468"  # her customer password (the kiosk's PIN), for validate_customer_password


def seed(ledger: db.Ledger, *, customers: int = 300, today: date | None = None) -> None:
    """Fill an empty ledger. Same arguments, same data."""
    today = today or datetime.now().date()
    with ledger.write() as conn:
        if conn.execute("SELECT COUNT(*) FROM accounts").fetchone()[0]:
            return
        _account(conn)
        _john(conn)
        _jane(conn, today)
        from .generated import generated  # it uses this module's accounts and campaigns

        generated(conn, customers, today, random.Random(1970))
        _coalition(conn, today)


def _insert(conn: sqlite3.Connection, table: str, **values: object) -> None:
    names = ", ".join(values)
    conn.execute(
        f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' for _ in values)})", tuple(values.values())
    )


def _account(conn: sqlite3.Connection) -> None:
    _insert(
        conn,
        "accounts",
        **ACCOUNT,
        business_name="Demo Business",
        currency="EUR",
        symbol="€",
        timezone="Pacific/Auckland",
        coalition=0,
        street1="1 Widget Way",
        city="Anytown",
        state="ONT",
        postal_code="55555",
        country="NZ",
        phone="555-0100",
        email="shop@greatwidgets.example",
    )
    campaigns = [
        (WIDGETS, "Widget Rewards", "points", "", "100", "150", ""),
        (EMPLOYEE, "Employee Rewards", "earned", "", "", "", "4.50"),
        (BUYER, "Frequent Buyer", "buyx", "", "", "", ""),
        (GIFT, "Gift Card", "giftcard", "€", "", "", ""),
        (SHOPPER, "Frequent Shopper", "events", "", "", "", ""),
    ]
    for cid, name, kind, glyph, points_ratio, reward_ratio, event_amount in campaigns:
        _insert(
            conn,
            "campaigns",
            id=cid,
            account_id=ACCOUNT["id"],
            name=name,
            type=kind,
            currency="EUR",
            glyph=glyph,
            points_ratio=points_ratio,
            reward_ratio=reward_ratio,
            event_amount=event_amount,
        )
    _insert(
        conn,
        "rewards",
        id="678",
        campaign_id=WIDGETS,
        description="Free Widget",
        needed="1000",
        reward_id="A-345678",
    )
    _insert(conn, "rewards", id="753", campaign_id=WIDGETS, description="Free bigger widget", needed="2500")
    _insert(conn, "rewards", id="41", campaign_id=SHOPPER, description="Free Widget!", needed="9")
    _insert(conn, "rewards", id="42", campaign_id=SHOPPER, description="Free coffee", needed="5")
    _insert(
        conn,
        "promotions",
        id="89",
        campaign_id=WIDGETS,
        description="Double Points Tuesday",
        operation="x",
        amount="2",
    )
    _insert(
        conn,
        "promotions",
        id="90",
        campaign_id=WIDGETS,
        description="Welcome bonus",
        operation="+",
        amount="250",
    )
    _insert(
        conn, "items", campaign_id=BUYER, item_id="96", name="Coffees", earn_ratio=10, reward_id="A-345678"
    )
    _insert(conn, "items", campaign_id=BUYER, item_id="107", name="Cakes", earn_ratio=10)
    _insert(conn, "items", campaign_id=BUYER, item_id="", name="Books", earn_ratio=5)  # ad hoc, no id


def _tx(
    conn: sqlite3.Connection,
    account_id: str,
    campaign_id: str,
    code: str,
    amount: object,
    when: str,
    *,
    redeemed: bool = False,
    item: str = "",
    description: str = "",
    user: str = "demo",
) -> None:
    db.insert_transaction(
        conn,
        account_id=account_id,
        campaign_id=campaign_id,
        code=code,
        redeemed=int(redeemed),
        amount=amount,
        item=item,
        description=description,
        user=user,
        created=when,
    )


def _john(conn: sqlite3.Connection) -> None:
    custom = {"custom_field_2": {"label": "Marital Status", "data": "Single"}}
    db.create_customer(
        conn,
        ACCOUNT["id"],
        **JOHN,
        first_name="John",
        last_name="Doe",
        phone="555-5555",
        email="john@email.com",
        street1="123 Main St.",
        street2="Apt 3G",
        city="Anytown",
        state="ONT",
        postal_code="55555",
        country="NZ",
        custom_date="1970-07-14",
        custom_field="He Likes Cheese",
        customer_username="jdoe1970",
        registered="Y",
        custom_fields=json.dumps(custom),
        created="2010-01-15 10:00:00",
    )
    aid, code = ACCOUNT["id"], JOHN["code"]
    # Widget Rewards: 4500 earned, 3000 redeemed -> balance 1500, cumulative 4500.
    for when in ("2011-02-01", "2011-05-01", "2011-09-01"):
        _tx(conn, aid, WIDGETS, code, 1500, f"{when} 11:00:00")
    _tx(
        conn,
        aid,
        WIDGETS,
        code,
        -2500,
        "2011-10-01 11:00:00",
        redeemed=True,
        description="Free bigger widget",
    )
    _tx(conn, aid, WIDGETS, code, -500, "2011-12-31 11:00:00", redeemed=True, description="Custom points")
    # Employee Rewards: 59.95 earned, 43.45 redeemed -> balance 16.50.
    for month in range(1, 13):
        _tx(conn, aid, EMPLOYEE, code, "4.50", f"2011-{month:02d}-10 09:00:00")
    _tx(conn, aid, EMPLOYEE, code, "5.95", "2011-12-20 09:00:00", description="Overtime bonus")
    _tx(conn, aid, EMPLOYEE, code, "-43.45", "2011-12-31 17:00:00", redeemed=True)
    # Frequent Buyer: Coffees 24 bought, 1 redeemed; Cakes 21 and 1; Books 2.
    for item, bought, redeemed in (("Coffees", 24, 1), ("Cakes", 21, 1), ("Books", 2, 0)):
        for n in range(bought):
            _tx(conn, aid, BUYER, code, 1, f"2011-{1 + n % 11:02d}-{1 + n:02d} 08:00:00", item=item)
        for _ in range(redeemed):
            _tx(conn, aid, BUYER, code, -10, "2011-12-31 08:30:00", redeemed=True, item=item)


def _jane(conn: sqlite3.Connection, today: date) -> None:
    db.create_customer(
        conn,
        ACCOUNT["id"],
        **JANE,
        first_name="Jane",
        last_name="Doe",
        phone="555-5555",
        email="jdoe@workemail.com",
        street1="9 Side St.",
        city="Anytown",
        state="ND",
        postal_code="12345",
        country="NZ",
        custom_date="1970-07-14",
        custom_field="She likes cheese",
        customer_username="jdoe123",
        created=f"{today - timedelta(days=400)} 09:30:00",
    )
    aid, code = ACCOUNT["id"], JANE["code"]
    members.set_password(conn, aid, code, JANE_PASSWORD)
    day = today - timedelta(days=30)
    _tx(conn, aid, GIFT, code, "100.00", f"{day} 10:00:00", description="Birthday gift")
    _tx(conn, aid, GIFT, code, "-44.30", f"{day + timedelta(days=3)} 12:00:00", redeemed=True)
    for n in range(21):
        _tx(conn, aid, SHOPPER, code, 1, f"{day + timedelta(days=n)} 13:00:00")
    _tx(conn, aid, WIDGETS, code, 4690, f"{day + timedelta(days=5)} 14:00:00")
    for n in range(12):
        _tx(conn, aid, BUYER, code, 1, f"{day + timedelta(days=n)} 08:00:00", item="Coffees")
    for n in range(8):
        _tx(conn, aid, EMPLOYEE, code, "4.50", f"{day + timedelta(days=n)} 09:00:00")


def _coalition(conn: sqlite3.Connection, today: date) -> None:
    _insert(
        conn,
        "accounts",
        **COALITION,
        business_name="ACME Coalition",
        currency="USD",
        symbol="$",
        timezone="America/Toronto",
        coalition=1,
        city="Anytown",
        country="CA",
    )
    acme, widgets, gift = "0123456123456789", "1234567890120000", "0123456123450000"
    for campaign_id, name in (
        (acme, "ACME Rewards"),
        (widgets, "Widget Rewards"),
    ):  # two stores, one coalition
        _insert(
            conn,
            "campaigns",
            id=campaign_id,
            account_id=COALITION["id"],
            name=name,
            type="points",
            currency="USD",
            points_ratio="100",
            reward_ratio="150",
        )
    _insert(
        conn,
        "campaigns",
        id=gift,
        account_id=COALITION["id"],
        name="ACME Gift Card",
        type="giftcard",
        currency="USD",
        glyph="$",
    )
    for campaign in (acme, widgets):
        _insert(
            conn,
            "rewards",
            id=f"{campaign[-3:]}1",
            campaign_id=campaign,
            description="Free Widget",
            needed="1000",
        )
    db.create_customer(
        conn,
        COALITION["id"],
        **JOHN,
        first_name="John",
        last_name="Doe",
        phone="555-5555",
        email="john@email.com",
        created="2010-01-15 10:00:00",
    )
    _tx(conn, COALITION["id"], acme, JOHN["code"], 4500, f"{today - timedelta(days=20)} 10:00:00")
    _tx(
        conn,
        COALITION["id"],
        acme,
        JOHN["code"],
        -3000,
        f"{today - timedelta(days=10)} 10:00:00",
        redeemed=True,
    )
    _tx(conn, COALITION["id"], gift, JOHN["code"], "25.00", f"{today - timedelta(days=5)} 10:00:00")
