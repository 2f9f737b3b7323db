"""``pos-tui decode`` and ``pos-tui call``: output, exit codes, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx
import pytest

from pos_tui import cli

from .conftest import REFERENCE, reference


def run(*args: str, stdin: bytes = b"", env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run(
        [sys.executable, "-m", "pos_tui", *args],
        input=stdin,
        capture_output=True,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def test_decode_prints_the_api_json_shape():
    done = run("decode", "--call", "customer_info", str(REFERENCE / "customer_info-1.xml"))
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["status"] == "success"
    assert out["campaigns"][0]["available_rewards"][0] == {
        "id": "678",
        "description": "Free Widget",
        "needed_to_redeem": "1000",
        "reward_id": "A-345678",
    }
    assert out["campaigns"][2]["balances"][0]["balance"] == "14"
    assert out["customer"]["custom_field_2"] == {"label": "Marital Status", "data": "Single"}


def test_decode_from_stdin_and_reports_by_name():
    done = run("decode", "--call", "customers_balances", "-", stdin=reference("report_customers_balances-1"))
    assert done.returncode == 0
    assert json.loads(done.stdout)["customers"][0]["record_timestamp"] == "2011-05-07 14:38:59"


@pytest.mark.parametrize("name, status", [("customer_info-3", "no_match"), ("customer_info-4", "error")])
def test_decode_error_and_no_match_exit_zero(name, status):
    done = run("decode", "--call", "customer_info", str(REFERENCE / f"{name}.xml"))
    assert done.returncode == 0 and json.loads(done.stdout)["status"] == status


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<html><title>502</title></html>",
        b'<response status="success"><customer>',
        b"\xff\xfe\x00garbage",
        b'<!DOCTYPE r [<!ENTITY a "b">]><response status="success"/>',
    ],
)
def test_decode_rejects_with_one_line_and_no_traceback(body):
    done = run("decode", "--call", "redeem", stdin=body)
    assert done.returncode == 1
    assert done.stdout == b""
    assert len(done.stderr.decode().strip().splitlines()) == 1
    assert b"Traceback" not in done.stderr


def test_decode_usage_errors():
    assert run("decode", "--call", "nonsense", stdin=b"").returncode == 2
    done = run("decode", "--call", "customer_info", "/no/such/file")
    assert done.returncode == 2 and b"Traceback" not in done.stderr


class FakeServer:
    def __init__(self, answer):
        self.answer = answer
        self.forms = []

    def __call__(self, request):
        from urllib.parse import parse_qs

        self.forms.append({k: v[0] for k, v in parse_qs(request.content.decode()).items()})
        if isinstance(self.answer, Exception):
            raise self.answer
        return httpx.Response(200, content=self.answer)


@pytest.fixture
def account(monkeypatch):
    monkeypatch.setenv("POS_TUI_USER_ID", "john1970")
    monkeypatch.setenv("POS_TUI_ACCOUNT_ID", "greatwidgets")
    monkeypatch.setenv("POS_TUI_API_KEY", "1959caadac9b13dcb3")
    monkeypatch.setenv("POS_TUI_API_URL", "https://api.test/")


def with_server(monkeypatch, server):
    from pos_tui import services

    real = services.client_from_settings
    monkeypatch.setattr(
        services, "client_from_settings", lambda s, **kw: real(s, transport=httpx.MockTransport(server))
    )


def test_call_prints_json(account, monkeypatch, capsys):
    server = FakeServer(reference("customer_info-1"))
    with_server(monkeypatch, server)
    assert cli.main(["call", "customer_info", "card_number=1212121212"]) == 0
    assert json.loads(capsys.readouterr().out)["customer"]["code"] == "89898989898989"
    assert server.forms[0]["card_number"] == "1212121212"
    assert server.forms[0]["user_password"] == "1959caadac9b13dcb3"


@pytest.mark.parametrize(
    "answer, code, words",
    [
        (reference("customer_info-3"), 1, "refused"),
        (b'<response status="error"><error>Insufficient balance</error></response>', 1, "Insufficient"),
        (httpx.ConnectError("refused"), 4, ": queued]"),
        (httpx.ReadTimeout("slow"), 3, "MAY have been recorded"),
        (b"<html><title>Bad Gateway</title></html>", 3, "MAY have been recorded"),
    ],
)
def test_call_exit_codes(account, monkeypatch, capsys, answer, code, words):
    with_server(monkeypatch, FakeServer(answer))
    argv = ["call", "--kind", "giftcard", "record_activity", "card_number=1", "campaign_id=2", "amount=5"]
    assert cli.main(argv) == code
    err = capsys.readouterr().err
    assert words in err and "1959caadac9b13dcb3" not in err


def test_call_without_credentials(capsys):
    assert cli.main(["call", "customer_info", "card_number=1"]) == 2
    assert "POS_TUI_USER_ID" in capsys.readouterr().err


def test_call_with_a_broken_settings_file(tmp_path, capsys):
    (tmp_path / "config.toml").write_text("receipt_width = [\n")
    assert cli.main(["call", "customer_info", "card_number=1"]) == 2
    err = capsys.readouterr().err
    assert "config.toml" in err and "not valid TOML" in err


def test_secret_in_settings_file_is_refused(tmp_path, capsys):
    (tmp_path / "config.toml").write_text('api_key = "x"\n')
    assert cli.main(["call", "customer_info", "card_number=1"]) == 2
    assert "keyring" in capsys.readouterr().err


def test_bad_field_syntax(capsys):
    assert cli.main(["call", "customer_info", "card_number"]) == 2


def test_an_unexpected_error_goes_to_the_log_not_the_terminal(tmp_path, monkeypatch, capsys):
    def broken(args):
        raise RuntimeError("boom in the decoder")

    monkeypatch.setattr("pos_tui.cli.call.cmd_decode", broken)
    assert cli.main(["decode", "--call", "customer_info", "-"]) == cli.EXIT_BUG
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unexpected error" in err and "Traceback" not in err
    log = (tmp_path / "data" / "logs" / "pos-tui.log").read_text()
    assert "Traceback" in log and "boom in the decoder" in log


def test_a_wrong_setting_names_the_file_the_key_and_the_problem(tmp_path, capsys):
    (tmp_path / "config.toml").write_text("receipt_width = 40\n")
    assert cli.main(["config"]) == 2
    err = capsys.readouterr().err
    assert "config.toml" in err and "'receipt_width'" in err and "32, 42 or 48" in err


def test_a_wrong_environment_variable_is_named(monkeypatch, capsys):
    monkeypatch.setenv("POS_TUI_READ_TIMEOUT", "soon")
    assert cli.main(["config"]) == 2
    assert "environment variable POS_TUI_READ_TIMEOUT" in capsys.readouterr().err


def test_server_text_reaches_the_terminal_without_control_characters(capsys):
    """A name with an escape sequence (ESC, or the one-byte CSI) is printed escaped, never obeyed."""
    cli.print_json({"first_name": "Eve\x1b]0;owned\x07\x9b2J€"})
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out
    assert json.loads(out)["first_name"] == "Eve\x1b]0;owned\x07\x9b2J€"  # still the same JSON
