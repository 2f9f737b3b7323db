"""The demo's generated customers: a few hundred (or 100,000) people with a history, the same
for the same seed, written in bulk."""

from __future__ import annotations

import random
import sqlite3
from datetime import date, timedelta
from decimal import Decimal

from .demo import ACCOUNT, BUYER, EMPLOYEE, GIFT, SHOPPER, WIDGETS

FIRST = [
    "Aroha",
    "Ben",
    "Chloe",
    "Dev",
    "Ema",
    "Farid",
    "Grace",
    "Hemi",
    "Isla",
    "Jack",
    "Kiri",
    "Liam",
    "Mia",
    "Noah",
    "Olivia",
    "Priya",
    "Quinn",
    "Rangi",
    "Sofia",
    "Tane",
    "Uma",
    "Vik",
    "Wiremu",
    "Zoe",
]
LAST = [
    "Brown",
    "Chen",
    "Davis",
    "Evans",
    "Fraser",
    "Gupta",
    "Harris",
    "Ito",
    "Jones",
    "King",
    "Lee",
    "Martin",
    "Ngata",
    "Olsen",
    "Patel",
    "Reid",
    "Singh",
    "Taylor",
    "Walker",
    "Young",
]


def generated(conn: sqlite3.Connection, count: int, today: date, rng: random.Random) -> None:
    """``count`` customers with a history, written in bulk (100,000 take a few seconds)."""
    aid = ACCOUNT["id"]
    items = ["Coffees", "Coffees", "Cakes", "Books"]
    row = conn.execute("SELECT value FROM meta WHERE key = 'next_code'").fetchone()
    next_code = int(row["value"]) if row else 4137071924090694
    last_id = conn.execute("SELECT COALESCE(MAX(id), 0) FROM transactions").fetchone()[0]
    days = [str(today - timedelta(days=back)) for back in range(121)]  # days[n]: n days ago
    two = [f"{n:02d}" for n in range(60)]
    customers: list[tuple[object, ...]] = []
    transactions: list[tuple[object, ...]] = []

    def tx(
        campaign: str, code: str, amount: object, stamp: str, redeemed: bool = False, item: str = ""
    ) -> None:
        transactions.append((aid, campaign, code, int(redeemed), str(amount), item, "", "demo", stamp))

    for n in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        ago = rng.randint(0, 120)
        phone = f"555-{rng.randint(0, 9999):04d}"
        email = f"{first}.{last}{n}@example.com".lower()
        city = rng.choice(["Anytown", "Lakeside", "Hillcrest"])
        created = f"{days[ago]} {two[rng.randint(8, 19)]}:{two[rng.randint(0, 59)]}:00"
        code = str(next_code)
        next_code += 7919
        changed = last_id + len(transactions) + 1
        customers.append(
            (
                aid,
                code,
                str(20_000_000 + n * 37),
                first,
                last,
                phone,
                email,
                city,
                "NZ",
                created,
                created,
                changed,
            )
        )
        balances = {WIDGETS: Decimal(0), GIFT: Decimal(0), SHOPPER: Decimal(0), EMPLOYEE: Decimal(0)}
        for _ in range(rng.randint(1, 14)):
            when = days[ago - rng.randint(0, ago)]
            stamp = f"{when} {two[rng.randint(8, 19)]}:{two[rng.randint(0, 59)]}:00"
            campaign = rng.choice([WIDGETS, WIDGETS, BUYER, GIFT, SHOPPER, EMPLOYEE])
            if campaign == BUYER:
                tx(BUYER, code, rng.randint(1, 3), stamp, item=rng.choice(items))
                continue
            if campaign == WIDGETS:
                amount = Decimal(rng.randint(5, 120)) * 100
            elif campaign == GIFT:
                amount = Decimal(rng.choice([20, 25, 50, 100]))
            elif campaign == SHOPPER:
                amount = Decimal(1)
            else:
                amount = Decimal("4.50")
            redeem = balances[campaign] > amount and rng.random() < 0.25
            if redeem:
                amount = min(balances[campaign], amount * Decimal(rng.randint(1, 2)))
                balances[campaign] -= amount
                tx(campaign, code, -amount, stamp, redeemed=True)
            else:
                balances[campaign] += amount
                tx(campaign, code, amount, stamp)
    conn.executemany(
        "INSERT INTO customers (account_id, code, card_number, first_name, last_name, phone, email, city, "
        "country, created, updated, changed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        customers,
    )
    conn.executemany(
        "INSERT INTO transactions (account_id, campaign_id, code, redeemed, amount, item, description, user, "
        "created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        transactions,
    )
    if count:
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('next_code', ?)", (str(next_code),))
