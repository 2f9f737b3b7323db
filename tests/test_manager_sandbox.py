"""The sandbox's bulk customers (``--customers N``) and the ``transactions_all`` report."""

from __future__ import annotations

import sqlite3
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_tui.api import requests as rq
from pos_tui.api.calls import decode
from pos_tui.cli import main
from pos_tui.sandbox.app import open_sandbox

from .sandbox_helpers import GIFT, JANE, WIDGETS, client, make_sandbox

TODAY = date(2026, 11, 1)


def _digest(path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return [
            conn.execute(
                "SELECT COUNT(*), SUM(LENGTH(code || first_name || created)) FROM customers"
            ).fetchone(),
            conn.execute(
                "SELECT COUNT(*), SUM(LENGTH(amount || created)), MAX(id) FROM transactions"
            ).fetchone(),
            conn.execute("SELECT value FROM meta WHERE key = 'next_code'").fetchone(),
        ]
    finally:
        conn.close()


def test_generated_customers_are_deterministic(tmp_path):
    open_sandbox(tmp_path / "a.db", customers=500, today=TODAY)
    open_sandbox(tmp_path / "b.db", customers=500, today=TODAY)
    assert _digest(tmp_path / "a.db") == _digest(tmp_path / "b.db")
    assert _digest(tmp_path / "a.db")[0][0] == 503  # John, Jane and the 500


def test_generated_customers_have_history_and_distinct_codes(tmp_path):
    open_sandbox(tmp_path / "s.db", customers=2000, today=TODAY)
    conn = sqlite3.connect(tmp_path / "s.db")
    codes = conn.execute(
        "SELECT COUNT(DISTINCT code), COUNT(*) FROM customers WHERE account_id = 'greatwidgets'"
    ).fetchone()
    assert codes[0] == codes[1] == 2002
    lonely = conn.execute(
        "SELECT COUNT(*) FROM customers c WHERE NOT EXISTS "
        "(SELECT 1 FROM transactions t WHERE t.code = c.code AND t.account_id = c.account_id)"
    ).fetchone()[0]
    assert lonely == 0
    # a created customer's 'changed' sequence is never ahead of the history written after it
    newest = conn.execute("SELECT MAX(id) FROM transactions").fetchone()[0]
    assert conn.execute("SELECT MAX(changed) FROM customers").fetchone()[0] <= newest + 1


def test_twenty_thousand_customers_in_a_few_seconds(tmp_path):
    started = time.perf_counter()
    open_sandbox(tmp_path / "s.db", customers=20_000, today=TODAY)
    assert time.perf_counter() - started < 20  # ~3 s here; 100,000 take ~16 s on a loaded 2-core box


def test_the_sandbox_command_takes_customers(tmp_path, monkeypatch):
    import pos_tui.sandbox.app as sandbox_app

    served = {}
    monkeypatch.setattr(sandbox_app, "serve", lambda sandbox, host, port: served.update(s=sandbox))
    assert main(["sandbox", "--db", str(tmp_path / "s.db"), "--customers", "1234", "--reset"]) == 0
    conn = sqlite3.connect(tmp_path / "s.db")
    assert (
        conn.execute("SELECT COUNT(*) FROM customers WHERE account_id = 'greatwidgets'").fetchone()[0] == 1236
    )


def test_negative_customers_is_a_usage_error(tmp_path, capsys):
    assert main(["sandbox", "--db", str(tmp_path / "s.db"), "--customers", "-3"]) == 2
    assert "--customers" in capsys.readouterr().err


@pytest.fixture
def sandbox(tmp_path):
    return make_sandbox(tmp_path)


async def test_transactions_all_lists_the_period_with_references(sandbox):
    async with client(sandbox) as api:
        before = await api.transactions_all(date_start=date.today(), selected_campaigns=[GIFT])
        earn = await api.record_activity(
            rq.GiftCardLoad(
                customer=rq.CustomerRef(card_number=JANE["card_number"]),
                campaign_id=GIFT,
                amount=Decimal("12.50"),
                authorization="till 1 [pos:abc123]",
            )
        )
        assert earn.status == "success"
        spend = await api.redeem(
            rq.GiftCardRedeem(
                customer=rq.CustomerRef(code=JANE["code"]),
                campaign_id=GIFT,
                amount=Decimal("2"),
                authorization="[pos:def456]",
            )
        )
        assert spend.status == "success"
        after = await api.transactions_all(date_start=date.today(), selected_campaigns=[GIFT])
        other = await api.transactions_all(date_start=date.today(), selected_campaigns=[WIDGETS])
    new = after.transactions[len(before.transactions) :]
    assert after.transactions_count == len(after.transactions) == len(before.transactions) + 2
    assert [(t.authorization, t.amount_number, t.is_redemption) for t in new] == [
        ("till 1 [pos:abc123]", Decimal("12.50"), False),
        ("[pos:def456]", Decimal("2"), True),
    ]
    assert {t.card_number for t in new} == {JANE["card_number"]}
    assert new[0].first_name == "Jane" and new[0].record_timestamp is not None
    assert all("[pos:abc123]" not in t.authorization for t in other.transactions)


async def test_transactions_all_date_range_is_inclusive(sandbox):
    async with client(sandbox) as api:
        everything = await api.transactions_all()
        days = sorted({t.record_timestamp.date() for t in everything.transactions})
        one = days[len(days) // 2]
        that_day = await api.transactions_all(date_start=one, date_end=one)
        assert that_day.transactions and all(t.record_timestamp.date() == one for t in that_day.transactions)
        tail = await api.transactions_all(date_start=one + timedelta(days=1))
        assert len(tail.transactions) < len(everything.transactions)


async def test_transactions_all_refuses_a_bad_date(sandbox):
    from pos_tui.api import errors

    async with client(sandbox) as api:
        with pytest.raises(errors.ApiError, match="date_start"):
            await api.call("transactions_all", {"report": "transactions_all", "date_start": "01/02/2026"})


@pytest.mark.parametrize("output", ["xml", "json"])
async def test_transactions_all_in_every_output(sandbox, output):
    async with client(sandbox, output=output) as api:
        report = await api.transactions_all(selected_campaigns=[GIFT])
    assert report.transactions and all(t.amount_number is not None for t in report.transactions)


def test_transactions_all_decodes_one_row_and_junk_tolerantly():
    one = b"""<response status="success"><transactions_count>1</transactions_count>
      <transaction><card_number>9</card_number><redeemed>R</redeemed><amount_number>9,95</amount_number>
      <authorization>[pos:x]</authorization><record_timestamp>2026-01-02 10:00:00</record_timestamp>
      <unexpected>kept</unexpected></transaction></response>"""
    report = decode("transactions_all", one)
    assert len(report.transactions) == 1
    row = report.transactions[0]
    assert (
        row.amount_number == Decimal("9.95")
        and row.is_redemption
        and row.model_extra == {"unexpected": "kept"}
    )
    empty = decode(
        "transactions_all",
        b'<response status="success"><transactions_count>0</transactions_count></response>',
    )
    assert empty.transactions == [] and empty.transactions_count == 0


@given(st.text(max_size=30))
def test_transactions_all_redeemed_flag_never_raises(flag):
    from pos_tui.api.models import ReportTransaction

    assert ReportTransaction(redeemed=flag).is_redemption in {True, False}
