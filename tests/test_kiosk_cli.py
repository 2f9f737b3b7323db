"""``pos-tui kiosk``: the manager PIN, the kiosk's own account, and refusing the till's."""

from __future__ import annotations

import io

import keyring
import pytest

from pos_tui import cli
from pos_tui.cli.kiosk import _live_factory, clean_environment
from pos_tui.config.settings import load_settings
from pos_tui.till.kiosk import KioskRefused
from pos_tui.till.manager_pin import verify_pin

from .keyrings import MemoryKeyring


@pytest.fixture
def memory(monkeypatch):
    store = MemoryKeyring()
    monkeypatch.setattr(keyring, "get_keyring", lambda: store)
    return store


def test_set_pin_stores_only_a_scrypt_hash(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("246810\n"))
    assert cli.main(["kiosk", "--set-pin", "--pin-stdin"]) == 0
    text = (tmp_path / "config.toml").read_text()
    assert "246810" not in text and "kiosk_manager_pin_hash" in text
    assert verify_pin("246810", load_settings().kiosk_manager_pin_hash)
    assert "hashed with scrypt" in capsys.readouterr().out


@pytest.mark.parametrize("pin", ["123", "12ab", ""])
def test_set_pin_refuses_a_pin_that_is_not_4_to_12_digits(tmp_path, monkeypatch, capsys, pin):
    monkeypatch.setattr("sys.stdin", io.StringIO(pin + "\n"))
    assert cli.main(["kiosk", "--set-pin", "--pin-stdin"]) == 2
    assert "nothing was saved" in capsys.readouterr().err
    assert not (tmp_path / "config.toml").exists()


def test_the_kiosk_will_not_start_without_its_own_user(monkeypatch, capsys):
    monkeypatch.setenv("POS_TUI_USER_ID", "john1970")
    monkeypatch.setenv("POS_TUI_ACCOUNT_ID", "greatwidgets")
    assert cli.main(["kiosk"]) == 2
    assert "no kiosk user is set" in capsys.readouterr().err
    monkeypatch.setenv("POS_TUI_KIOSK_USER_ID", "john1970")
    assert cli.main(["kiosk"]) == 2
    assert "the till's own user" in capsys.readouterr().err


def test_the_kiosk_will_not_start_with_the_tills_secret(monkeypatch, capsys, memory):
    monkeypatch.setenv("POS_TUI_USER_ID", "john1970")
    monkeypatch.setenv("POS_TUI_ACCOUNT_ID", "greatwidgets")
    monkeypatch.setenv("POS_TUI_KIOSK_USER_ID", "kiosk1")
    memory.set_password("pos-tui", "greatwidgets/john1970", "same-secret")
    memory.set_password("pos-tui", "greatwidgets/kiosk1", "same-secret")
    assert cli.main(["kiosk"]) == 2
    err = capsys.readouterr().err
    assert "secret is the till's" in err and "same-secret" not in err


def test_the_kiosk_uses_its_own_user_and_secret(monkeypatch, memory):
    monkeypatch.setenv("POS_TUI_USER_ID", "john1970")
    monkeypatch.setenv("POS_TUI_ACCOUNT_ID", "greatwidgets")
    monkeypatch.setenv("POS_TUI_KIOSK_USER_ID", "kiosk1")
    monkeypatch.setenv("POS_TUI_API_KEY", "till-secret")
    memory.set_password("pos-tui", "greatwidgets/kiosk1", "kiosk-secret")
    services = _live_factory(load_settings())()
    creds = services.api.credentials
    assert (creds.user_id, creds.account_id) == ("kiosk1", "greatwidgets")
    assert "kiosk-secret" not in repr(creds)
    monkeypatch.delenv("POS_TUI_API_KEY")
    monkeypatch.setenv("POS_TUI_KIOSK_API_KEY", "till-secret")
    memory.set_password("pos-tui", "greatwidgets/john1970", "till-secret")
    with pytest.raises(KioskRefused):
        _live_factory(load_settings())


def test_the_kiosk_secret_is_never_accepted_from_the_settings_file(tmp_path, capsys):
    (tmp_path / "config.toml").write_text('kiosk_api_key = "oops"\n')
    assert cli.main(["kiosk"]) == 2
    assert "not allowed" in capsys.readouterr().err


def test_textual_variables_are_cleaned_before_the_driver_starts(monkeypatch):
    monkeypatch.setenv("TEXTUAL_ALLOW_SIGNALS", "1")
    monkeypatch.setenv("TEXTUAL_SCREENSHOT", "1")
    monkeypatch.setenv("TERM", "xterm")
    import os

    saved = dict(os.environ)  # the snapshot plugin keeps its own TEXTUAL_* variable
    try:
        clean_environment()
        assert not [n for n in os.environ if n.startswith("TEXTUAL_")] and os.environ["TERM"] == "xterm"
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_kiosk_login_refuses_the_tills_user_or_secret_before_anything_is_saved(
    tmp_path, monkeypatch, capsys, memory
):
    monkeypatch.setenv("POS_TUI_USER_ID", "john1970")
    monkeypatch.setenv("POS_TUI_ACCOUNT_ID", "greatwidgets")
    memory.set_password("pos-tui", "greatwidgets/john1970", "till-secret")
    monkeypatch.setattr("sys.stdin", io.StringIO("anything\n"))
    assert cli.main(["kiosk", "--login", "--user-id", "john1970", "--password-stdin"]) == 2
    assert "the till's own user" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("till-secret\n"))
    assert cli.main(["kiosk", "--login", "--user-id", "kiosk1", "--password-stdin"]) == 2
    assert "secret is the till's" in capsys.readouterr().err
    assert set(memory.store) == {("pos-tui", "greatwidgets/john1970")}
    assert not (tmp_path / "config.toml").exists()
