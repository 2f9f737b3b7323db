"""The new calls and the live shapes through ``pos-tui call`` against the sandbox server on
loopback, in XML and in JSON, as a store's scripts would run them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pos_tui.sandbox.demo import ACCOUNT, GIFT, JANE, WIDGETS

from .conftest import ROOT
from .sandbox_helpers import free_port, in_process, sandbox_server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    where = tmp_path_factory.mktemp("api-cli")
    port = free_port()
    with sandbox_server(where / "s.db", port, "--reset"):
        yield port, where


def call_env(server: tuple[int, Path], output: str) -> dict[str, str]:
    port, where = server
    env = {k: v for k, v in os.environ.items() if not k.startswith("POS_TUI_")}
    env.update(
        POS_TUI_DATA_DIR=str(where / f"till-{output}"),
        POS_TUI_CONFIG=str(where / "c.toml"),
        POS_TUI_API_URL=f"http://127.0.0.1:{port}/api.php",
        POS_TUI_USER_ID=ACCOUNT["user_id"],
        POS_TUI_ACCOUNT_ID=ACCOUNT["id"],
        POS_TUI_API_KEY=ACCOUNT["secret"],
        POS_TUI_OUTPUT=output,
        POS_TUI_READ_TIMEOUT="10",
    )
    return env


def pos(server: tuple[int, Path], output: str, *args: str) -> subprocess.CompletedProcess:
    """``pos-tui call ARGS`` in this process (``test_a_call_as_its_own_process`` runs the real one)."""
    return in_process(["call", *args], call_env(server, output))


def ok(done: subprocess.CompletedProcess) -> dict:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("output", ["xml", "json"])
def test_record_customer_then_its_password(server, output):
    card = f"cli-{output}-01"
    made = ok(
        pos(
            server,
            output,
            "record_customer",
            f"campaign_id={WIDGETS}",
            f"card_number={card}",
            "first_name=Ana & Bo",
            "email=ana@example.com",
            "phone=555-0101",
            "customer_password=7777",
        )
    )
    assert made["status"] == "success"
    assert made["customer"]["card_number"] == card and len(made["customer"]["code"]) == 16
    assert made["customer"]["first_name"] == "Ana & Bo"
    assert ok(
        pos(server, output, "validate_customer_password", f"card_number={card}", "customer_password=7777")
    ) == {"status": "success"}
    wrong = pos(server, output, "validate_customer_password", f"card_number={card}", "customer_password=1")
    assert wrong.returncode == 1 and "Invalid card number or customer password" in wrong.stderr
    again = pos(server, output, "record_customer", f"campaign_id={WIDGETS}", f"card_number={card}")
    assert again.returncode == 1 and "already in use" in again.stderr
    generated = ok(pos(server, output, "record_customer", f"campaign_id={GIFT}", "card_number_generate=10"))
    assert len(generated["customer"]["card_number"]) == 10


@pytest.mark.parametrize("output", ["xml", "json"])
def test_campaign_promos(server, output):
    promos = ok(pos(server, output, "campaign_promos", f"campaign_id={WIDGETS}"))
    assert [(p["id"], p["name"]) for p in promos["promos"]] == [
        ("89", "Double Points Tuesday"),
        ("90", "Welcome bonus"),
    ]


@pytest.mark.parametrize("output", ["xml", "json"])
def test_account_info_customer_search_campaigns_list_and_the_alias(server, output):
    account = ok(pos(server, output, "account_info"))["account"]
    assert (account["biz_name"], account["contact_email"]) == ("Demo Business", "shop@greatwidgets.example")
    found = ok(
        pos(
            server,
            output,
            "customer_search",
            f"card_number={JANE['card_number']}",
            "include_balances=Y",
            f"campaign_id={GIFT}",
        )
    )
    assert [[c["id"] for c in x["campaigns"]] for x in found["customers"]] == [[GIFT]]
    kinds = ok(pos(server, output, "campaigns_list", "type_restrict=giftcard"))
    assert [c["type"] for c in kinds["campaigns"]] == ["giftcard"]
    alias = ok(pos(server, output, "find_customer", "find_customer=Jane Doe"))
    assert [c["code"] for c in alias["customers"]] == [JANE["code"]]
    missing = pos(server, output, "customer_info", "card_number=nobody-at-all")
    assert missing.returncode == 1 and "No Customers Match Criteria" in missing.stderr


@pytest.mark.parametrize("output", ["xml", "json"])
def test_transactions_all_by_name(server, output):
    """The report for end-of-shift reconciliation, as a script runs it: today's lines of a
    campaign, each with its free text; a write made just before is among them."""
    from datetime import date

    today = date.today().isoformat()
    loaded = ok(
        pos(server, output, "record_activity", f"campaign_id={GIFT}", f"code={JANE['code']}", "amount=3")
    )
    report = ok(
        pos(
            server,
            output,
            "transactions_all",
            f"date_start={today}",
            f"date_end={today}",
            f"selected_campaigns={GIFT}",
        )
    )
    rows = report["transactions"]
    assert int(report["transactions_count"]) == len(rows) > 0
    assert any(f"[pos:{loaded['journal']}]" in row["authorization"] for row in rows)
    assert {row["card_number"] for row in rows} >= {JANE["card_number"]}


@pytest.mark.parametrize("output", ["xml", "json"])
def test_a_call_as_its_own_process(server, output):
    """What a store's script runs: a new ``pos-tui call`` process, its answer on stdout and its
    refusal on stderr with exit code 1."""

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "pos_tui", "call", *args],
            capture_output=True,
            text=True,
            env=call_env(server, output),
            cwd=ROOT,
            timeout=120,
        )

    account = ok(run("account_info"))["account"]
    assert account["biz_name"] == "Demo Business"
    missing = run("customer_info", "card_number=nobody-at-all")
    assert missing.returncode == 1 and "No Customers Match Criteria" in missing.stderr
