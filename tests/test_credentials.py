"""Credentials: login, logout, config, the setup screen, the keyring, and that the secret never
reaches a file, a log line, the request log or the screen."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import keyring
import pytest

from pos_tui.sandbox.demo import ACCOUNT

from .conftest import ROOT
from .keyrings import MemoryKeyring
from .sandbox_helpers import free_port, sandbox_server

SECRET = ACCOUNT["secret"]


@pytest.fixture
def server(tmp_path):
    log = tmp_path / "server" / "requests.jsonl"
    log.parent.mkdir()
    with sandbox_server(
        tmp_path / "server" / "s.db",
        free_port(),
        "--reset",
        "--request-log",
        str(log),
    ) as url:
        yield url


def cli(
    tmp_path: Path, *args: str, stdin: str = "", keyring_file: bool = True, **env: str
) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("POS_TUI_")}
    environment.update(
        POS_TUI_DATA_DIR=str(tmp_path / "data"), POS_TUI_CONFIG=str(tmp_path / "config" / "c.toml")
    )
    if keyring_file:
        environment.update(
            PYTHON_KEYRING_BACKEND="tests.keyrings.FileKeyring",
            POS_TUI_TEST_KEYRING=str(tmp_path / "test-keyring.json"),
        )
    else:
        environment["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "pos_tui", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        timeout=60,
    )


def test_login_without_a_keyring_refuses_and_writes_nothing(tmp_path):
    done = cli(
        tmp_path,
        "login",
        "--user-id",
        "john1970",
        "--account-id",
        "greatwidgets",
        "--password-stdin",
        stdin=SECRET + "\n",
        keyring_file=False,
    )
    assert done.returncode == 2
    assert "gnome-keyring-daemon --unlock" in done.stderr and "never written to a file" in done.stderr
    assert "Traceback" not in done.stderr and SECRET not in done.stderr
    assert not (tmp_path / "config").exists() and not (tmp_path / "data").exists()


def test_login_call_config_logout(tmp_path, server):
    done = cli(
        tmp_path,
        "login",
        "--user-id",
        "john1970",
        "--account-id",
        "greatwidgets",
        "--password-stdin",
        "--api-url",
        server,
        stdin=SECRET + "\n",
    )
    assert done.returncode == 0, done.stderr
    assert "Logged in as john1970 on greatwidgets (Demo Business)" in done.stdout
    settings_text = (tmp_path / "config" / "c.toml").read_text()
    assert 'user_id = "john1970"' in settings_text and SECRET not in settings_text
    assert SECRET in (tmp_path / "test-keyring.json").read_text()
    call = cli(tmp_path, "call", "customer_info", "card_number=1212121212")
    assert call.returncode == 0 and '"first_name": "John"' in call.stdout
    config = cli(tmp_path, "config")
    assert "secret             = ********  (keyring)" in config.stdout and SECRET not in config.stdout
    assert "user_id            = john1970" in config.stdout and "(file)" in config.stdout
    out = cli(tmp_path, "logout")
    assert out.returncode == 0 and "secret removed from the keyring" in out.stdout
    assert SECRET not in (tmp_path / "test-keyring.json").read_text()
    assert cli(tmp_path, "call", "customer_info", "card_number=1212121212").returncode == 2


def test_a_wrong_secret_is_refused_and_nothing_is_saved(tmp_path, server):
    done = cli(
        tmp_path,
        "login",
        "--user-id",
        "john1970",
        "--account-id",
        "greatwidgets",
        "--password-stdin",
        "--api-url",
        server,
        stdin="wrong-secret\n",
    )
    assert done.returncode == 1 and "rejected these credentials" in done.stderr
    assert not (tmp_path / "config" / "c.toml").exists() and not (tmp_path / "test-keyring.json").exists()


def test_environment_overrides_the_stored_values(tmp_path, server):
    cli(
        tmp_path,
        "login",
        "--user-id",
        "john1970",
        "--account-id",
        "greatwidgets",
        "--password-stdin",
        "--api-url",
        server,
        stdin=SECRET + "\n",
    )
    wrong = cli(tmp_path, "call", "account_info", POS_TUI_API_KEY="not-the-secret")
    assert wrong.returncode == 1 and "refused" in wrong.stderr
    config = cli(tmp_path, "config", POS_TUI_API_KEY="x", POS_TUI_ACCOUNT_ID="other")
    assert "(env POS_TUI_API_KEY)" in config.stdout and "account_id         = other" in config.stdout


def test_the_secret_reaches_no_file_no_log_and_no_output(tmp_path, server):
    outputs = []
    for args in (
        (
            "login",
            "--user-id",
            "john1970",
            "--account-id",
            "greatwidgets",
            "--password-stdin",
            "--api-url",
            server,
        ),
        ("call", "customer_info", "card_number=1212121212"),
        ("call", "redeem", "code=1", "campaign_id=x", "reward_to_redeem=1"),
        ("config",),
        ("call", "customer_info", "card_number=1"),
    ):
        done = cli(tmp_path, *args, stdin=SECRET + "\n", POS_TUI_LOG_LEVEL="DEBUG")
        outputs += [done.stdout, done.stderr]
    assert all(SECRET not in text for text in outputs)
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    # The test keyring stands in for the system keyring; the sandbox server's database holds the
    # account it checks secrets against. Nothing else may contain the secret.
    server_db = {tmp_path / "server" / name for name in ("s.db", "s.db-wal", "s.db-shm")}
    allowed = {tmp_path / "test-keyring.json", *server_db}
    leaks = [p for p in written if p not in allowed and SECRET.encode() in p.read_bytes()]
    assert leaks == []
    assert (tmp_path / "server" / "requests.jsonl").read_text().count('"user_password": "***"') >= 3
    assert "call=customer_info" in (tmp_path / "data" / "logs" / "pos-tui.log").read_text()


async def test_the_setup_screen_on_first_run(tmp_path, server, monkeypatch):
    from textual.widgets import Input

    from pos_tui.config.settings import load_settings
    from pos_tui.services import live_services
    from pos_tui.tui.factory import make_app
    from pos_tui.tui.screens.scan import ScanScreen
    from pos_tui.tui.screens.setup import SetupScreen

    from .till_helpers import customer_shown, scan, until

    memory = MemoryKeyring()
    monkeypatch.setattr(keyring, "get_keyring", lambda: memory)
    monkeypatch.setenv("POS_TUI_API_URL", server)
    app = make_app(lambda: live_services(load_settings()), training=False)
    app.cursor_blink = False
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SetupScreen) and app.screen.composed)
        screen = app.screen
        screen.query_one("#user_id", Input).value = "john1970"
        screen.query_one("#account_id", Input).value = "greatwidgets"
        screen.query_one("#secret", Input).value = "wrong"
        screen.query_one("#secret", Input).focus()
        await pilot.press("enter")
        await until(pilot, lambda: "refused" in str(screen.query_one("#error").render()))
        assert memory.store == {}
        screen.query_one("#secret", Input).value = SECRET
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ScanScreen) and app.ready)
        await scan(pilot, "1212121212")
        await until(pilot, lambda: customer_shown(app))
    assert memory.store == {("pos-tui", "greatwidgets/john1970"): SECRET}
    settings = (tmp_path / "config.toml").read_text()
    assert "john1970" in settings and SECRET not in settings
    server_files = {tmp_path / "server" / name for name in ("s.db", "s.db-wal", "s.db-shm")}
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p not in server_files]
    assert written and not [p for p in written if SECRET.encode() in p.read_bytes()]


needs_secret_service = pytest.mark.skipif(
    not (shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon")),
    reason="a real Secret Service needs dbus-run-session and gnome-keyring (.ci/run installs them)",
)


@needs_secret_service
def test_a_real_secret_service(tmp_path, server):
    """gnome-keyring in a private D-Bus session: login stores the secret there, call reads it back."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("POS_TUI_", "PYTHON_KEYRING"))}
    environment.update(
        POS_TUI_DATA_DIR=str(tmp_path / "data"),
        POS_TUI_CONFIG=str(tmp_path / "c.toml"),
        HOME=str(tmp_path / "home"),
        XDG_DATA_HOME=str(tmp_path / "home" / "share"),
    )
    (tmp_path / "home").mkdir()
    python = sys.executable
    script = (
        "echo -n unlock | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; "
        f"echo {SECRET} | {python} -m pos_tui login --user-id john1970 --account-id greatwidgets "
        f"--password-stdin --api-url {server} && "
        f"{python} -c 'import keyring; print(type(keyring.get_keyring()).__module__); "
        'print(keyring.get_password("pos-tui", "greatwidgets/john1970"))\' && '
        f"{python} -m pos_tui call customer_info card_number=1212121212"
    )
    done = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", script],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "keyring.backends.SecretService" in done.stdout
    assert f"\n{SECRET}\n" in done.stdout and '"first_name": "John"' in done.stdout
    assert SECRET not in (tmp_path / "c.toml").read_text()
