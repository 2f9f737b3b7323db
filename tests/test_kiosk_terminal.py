"""The kiosk in a real terminal (tmux): every escape key a customer might try, a card read as raw
bytes, the idle wipe checked on the screen and in the scrollback, a crash seen from the terminal."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pos_tui.sandbox.demo import JANE

from .test_terminal import Tmux

pytestmark = [
    pytest.mark.terminal,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)"),
]

ESCAPES = ["C-c", "C-q", "C-z", "C-\\", "C-d", "C-p", "C-w", "Escape", "Tab"]
ESCAPES += [f"F{n}" for n in range(1, 13)] + [f"M-{c}" for c in "abcdefghijklmnopqrstuvwxyz"]


def files_outside(root: Path, data: Path) -> set[str]:
    return {
        str(p.relative_to(root))
        for p in root.rglob("*")
        if data not in p.parents and p != data and p.name != "tmux.sock"
    }


def start(tmp_path: Path, *, size=(80, 24), env_extra=None, program=None) -> Tmux:
    home, cwd = tmp_path / "home", tmp_path / "cwd"
    home.mkdir(exist_ok=True)
    cwd.mkdir(exist_ok=True)
    env = {
        "POS_TUI_DATA_DIR": str(tmp_path / "data"),
        "POS_TUI_CONFIG": str(tmp_path / "config.toml"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "TERM": "xterm-256color",
        "PATH": os.environ.get("PATH", ""),
        **(env_extra or {}),
    }
    program = program or f"{sys.executable} -m pos_tui demo --kiosk"
    command = " ".join(f"{k}={v}" for k, v in env.items()) + f" {program}; echo kiosk-exited-$?; sleep 600"
    socket = tmp_path / "tmux.sock"
    subprocess.run(
        ["tmux", "-S", str(socket), "new-session", "-d", "-s", "kiosk", "-c", str(cwd)]
        + ["-x", str(size[0]), "-y", str(size[1]), command],
        check=True,
        timeout=30,
    )
    return Tmux("kiosk", socket)


def wait_ready(tmux: Tmux, timeout: float = 60) -> str:
    """The resting screen, once the demo data is ready (it says "Starting…" until then)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        screen = tmux.screen()
        if "Hold your loyalty card" in screen and "Starting" not in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"the kiosk never became ready:\n{tmux.screen()}")


def stop(tmux: Tmux) -> None:
    subprocess.run(["tmux", "-S", str(tmux.socket), "kill-server"], capture_output=True, timeout=30)


def scrollback(tmux: Tmux) -> str:
    return tmux.run("capture-pane", "-p", "-S", "-", "-t", tmux.name)


@pytest.mark.parametrize("allow_signals", [False, True], ids=["plain", "TEXTUAL_ALLOW_SIGNALS"])
def test_every_escape_key_leaves_the_kiosk_running_on_its_screen(tmp_path, allow_signals):
    tmux = start(tmp_path, env_extra={"TEXTUAL_ALLOW_SIGNALS": "1"} if allow_signals else None)
    try:
        wait_ready(tmux)
        tty = tmux.run("display", "-p", "-t", "kiosk", "#{pane_tty}").strip()
        settings = subprocess.run(["stty", "-F", tty, "-a"], capture_output=True, text=True).stdout
        assert re.search(r"(^|\s)-isig\b", settings), settings  # no key of this terminal sends a signal
        before = files_outside(tmp_path, tmp_path / "data")
        for key in ESCAPES:
            tmux.run("send-keys", "-t", "kiosk", key)
            time.sleep(0.05)
        time.sleep(1.5)
        screen = tmux.screen()
        assert "kiosk-exited" not in screen, screen
        assert "Hold your loyalty card" in screen and "Command" not in screen
        assert files_outside(tmp_path, tmp_path / "data") == before
        tmux.type_raw(JANE["card_number"] + "\r")  # and it still serves customers
        tmux.wait_for("Coffees: 12 bought")
    finally:
        stop(tmux)


def test_a_scan_shows_only_what_a_customer_may_see_and_the_idle_wipe_leaves_no_trace(tmp_path):
    tmux = start(tmp_path, size=(120, 40), env_extra={"POS_TUI_KIOSK_IDLE_SECONDS": "3"})
    try:
        wait_ready(tmux)
        assert tmux.run("display", "-p", "-t", "kiosk", "#{alternate_on}").strip() == "1"
        tmux.type_raw(JANE["card_number"] + "\r")  # one write, as a reader types
        # the balance, not the account's name: that shows while the card is looked up (a loaded
        # run read "Looking up your card…" after "Widget Rewards" had appeared)
        screen = tmux.wait_for("Coffees: 12 bought")
        for shown in ("points · worth 31.27 EUR", "Ready now: Free Widget", "Coffees: 12 bought", "██"):
            assert shown in screen
        for private in (JANE["card_number"], JANE["code"], "555-5555", "jdoe@workemail.com", "Doe"):
            assert private not in screen
        time.sleep(4.5)
        screen = tmux.wait_for("Hold your loyalty card")
        history = scrollback(tmux)
        for trace in ("Widget", "Coffees", "EUR", "Ready now", JANE["card_number"]):
            assert trace not in screen and trace not in history, trace
    finally:
        stop(tmux)


CRASHING = (
    "import sys; import pos_tui.tui.kiosk as k; "
    "k.parse_card = lambda raw: (_ for _ in ()).throw(RuntimeError('boom')); "
    "from pos_tui.cli import main; sys.exit(main(['demo', '--kiosk']))"
)


def test_a_crash_shows_out_of_order_and_exits_non_zero(tmp_path):
    tmux = start(tmp_path, program=f'{sys.executable} -c "{CRASHING}"')
    try:
        wait_ready(tmux)
        tmux.type_raw(JANE["card_number"] + "\r")
        screen = tmux.wait_for("kiosk-exited-70")
        assert "OUT OF ORDER" in screen
        history = scrollback(tmux)
        for trace in ("Traceback", "boom", "raw", JANE["card_number"]):
            assert trace not in history, trace
        log = (tmp_path / "data" / "logs" / "pos-tui.log").read_text()
        assert "the kiosk crashed" in log and "RuntimeError: boom" in log
    finally:
        stop(tmux)


def test_the_live_kiosk_logs_in_and_shows_a_balance_from_a_sandbox_on_loopback(tmp_path):
    """A store PC with only the kiosk: ``kiosk --login`` stores its user, ``pos-tui kiosk`` uses it."""
    from .conftest import ROOT
    from .sandbox_helpers import free_port, sandbox_server

    port = free_port()
    env = {
        "POS_TUI_API_URL": f"http://127.0.0.1:{port}/api.php",
        "PYTHON_KEYRING_BACKEND": "tests.keyrings.FileKeyring",
        "POS_TUI_TEST_KEYRING": str(tmp_path / "keyring.json"),
        "PYTHONPATH": str(ROOT),
    }
    with sandbox_server(tmp_path / "s.db", port, "--reset"):
        login = subprocess.run(
            [sys.executable, "-m", "pos_tui", "kiosk", "--login", "--user-id", "john1970"]
            + ["--account-id", "greatwidgets", "--password-stdin"],
            input="1959caadac9b13dcb3\n",
            capture_output=True,
            text=True,
            timeout=60,
            env={
                **{k: v for k, v in os.environ.items() if not k.startswith("POS_TUI_")},
                **env,
                "POS_TUI_DATA_DIR": str(tmp_path / "data"),
                "POS_TUI_CONFIG": str(tmp_path / "config.toml"),
            },
        )
        assert login.returncode == 0, login.stderr
        config = (tmp_path / "config.toml").read_text()
        assert 'kiosk_user_id = "john1970"' in config and "1959caadac9b13dcb3" not in config
        tmux = start(tmp_path, env_extra=env, program=f"{sys.executable} -m pos_tui kiosk")
        try:
            screen = wait_ready(tmux)
            assert "TRAINING" not in screen
            tmux.type_raw("1212121212\r")
            screen = tmux.wait_for("points · worth 10.00 EUR")
            assert "1212121212" not in screen and "89898989898989" not in screen
        finally:
            stop(tmux)
