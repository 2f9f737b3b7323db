"""``pos-tui report`` and ``pos-tui manager-pin`` against the in-process sandbox."""

from __future__ import annotations

import csv
import io
import tomllib

import pytest

from pos_tui import cli
from pos_tui.sandbox.demo import GIFT, JANE
from pos_tui.till.manager_pin import verify_pin

from .sandbox_helpers import client, make_sandbox


@pytest.fixture
def sandbox_account(tmp_path, monkeypatch):
    sandbox = make_sandbox(tmp_path, customers=90)
    monkeypatch.setenv("POS_TUI_USER_ID", "john1970")
    monkeypatch.setenv("POS_TUI_ACCOUNT_ID", "greatwidgets")
    monkeypatch.setenv("POS_TUI_API_KEY", "1959caadac9b13dcb3")
    from pos_tui import services

    monkeypatch.setattr(services, "client_from_settings", lambda settings, **kw: client(sandbox))
    return sandbox


async def _direct(sandbox):
    async with client(sandbox) as api:
        return await api.customers_balances(campaign_id=GIFT)


def test_report_pages_itself_into_a_csv_file(sandbox_account, tmp_path, capsys):
    import asyncio

    out = tmp_path / "balances.csv"
    code = cli.main(
        ["report", "customers_balances", f"campaign_id={GIFT}", "--csv", str(out), "--page-size", "7"]
    )
    assert code == 0
    rows = list(csv.reader(out.open(encoding="utf-8")))
    direct = asyncio.run(_direct(sandbox_account))
    assert rows[0][:4] == ["Card", "First name", "Last name", "Balance"]
    assert len(rows) - 1 == len(direct.customers) > 7
    assert [r[0] for r in rows[1:]] == [c.card_number for c in direct.customers]  # no page lost or doubled
    err = capsys.readouterr().err
    assert f"{len(direct.customers)} rows written" in err and "━" not in err  # piped: no progress bar


def test_report_to_standard_output(sandbox_account, capsys):
    assert cli.main(["report", "transactions_all", f"selected_campaigns={GIFT}"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0][0] == "When" and any(r[1] == JANE["card_number"] for r in rows[1:])


@pytest.mark.parametrize(
    "argv, words",
    [
        (["report", "customers_balances"], "campaign_id"),
        (["report", "customers_all", "date_start=yesterday"], "YYYY-MM-DD"),
        (["report", "customers_all", "campaign_id=1"], "takes"),
        (["report", "customers_balances", "campaign_id=1", "--page-size", "0"], "page-size"),
        (["report", "customers_all", f"selected_campaigns={GIFT}", "last=5"], "cannot be combined"),
        (["report", "customers_balances", "campaign_id=1", "coalition_balance=all"], "coalition_points"),
        (["report", "customers_all", "last=yesterday"], "digits"),
    ],
)
def test_report_usage_errors(sandbox_account, capsys, argv, words):
    assert cli.main(argv) == 2
    assert words in capsys.readouterr().err


def test_report_says_where_the_next_delta_starts(sandbox_account, capsys):
    assert cli.main(["report", "customers_all", "last=0"]) == 0
    out, err = capsys.readouterr()
    rows = list(csv.reader(io.StringIO(out)))
    assert len(rows) > 90  # last=0: every customer
    assert "pos-tui: next time, last=" in err
    newest = err.split("last=")[1].split()[0]
    assert cli.main(["report", "customers_all", f"last={newest}"]) == 0
    assert (
        len(list(csv.reader(io.StringIO(capsys.readouterr().out)))) == 1
    )  # nothing changed since: the header


def test_report_refused_by_the_service(sandbox_account, tmp_path, capsys):
    assert (
        cli.main(["report", "customers_balances", "campaign_id=nope", "--csv", str(tmp_path / "x.csv")]) == 1
    )
    assert "Unknown campaign_id" in capsys.readouterr().err


def test_manager_pin_stores_only_a_salted_hash(tmp_path, monkeypatch, capsys):
    config = tmp_path / "config.toml"
    monkeypatch.setenv("POS_TUI_CONFIG", str(config))
    monkeypatch.setattr("sys.stdin", io.StringIO("482913\n"))
    assert cli.main(["manager-pin", "--pin-stdin", "--name", "Ana"]) == 0
    text = config.read_text(encoding="utf-8")
    assert "482913" not in text
    data = tomllib.loads(text)
    assert verify_pin("482913", data["manager_pin_hash"]) and data["manager_name"] == "Ana"
    monkeypatch.setattr("sys.stdin", io.StringIO("12\n"))
    assert cli.main(["manager-pin", "--pin-stdin"]) == 2
    assert "4 to 12 digits" in capsys.readouterr().err
