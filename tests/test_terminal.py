"""The till in a real terminal (tmux): card-reader bursts written as raw bytes, the screen read back.

Pilot spaces keys tens of milliseconds apart and would hide the races a reader causes; here every
scan's bytes reach the terminal in one write, back to back, and the till must see each scan whole.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import pytest

# Each test starts its own tmux server on a socket in its own tmp_path: unique per xdist worker.
pytestmark = [
    pytest.mark.terminal,
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)"),
]


class Tmux:
    def __init__(self, name: str, socket: Path) -> None:
        self.name, self.socket = name, socket

    def run(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-S", str(self.socket), *args], capture_output=True, text=True, timeout=30
        )
        return done.stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.name)

    def type_raw(self, text: str) -> None:
        """Write ``text`` to the terminal as one burst, as a keyboard-wedge reader does."""
        self.run("send-keys", "-t", self.name, "-l", text)

    def wait_for(self, pattern: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if re.search(pattern, screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{pattern!r} never appeared; the screen shows:\n{self.screen()}")


def start_till(tmp_path: Path, width: int = 110, height: int = 32) -> Tmux:
    """``pos-tui demo`` in its own tmux server (its socket in ``tmp_path``), not waited for."""
    socket = tmp_path / "tmux.sock"
    env = {
        "POS_TUI_DATA_DIR": str(tmp_path / "data"),
        "POS_TUI_CONFIG": str(tmp_path / "config.toml"),
        "POS_TUI_LOG_LEVEL": "DEBUG",
        "TERM": "xterm-256color",
        "PATH": os.environ.get("PATH", ""),
    }
    command = " ".join(f"{k}={v}" for k, v in env.items()) + f" {sys.executable} -m pos_tui demo"
    subprocess.run(
        [
            "tmux",
            "-S",
            str(socket),
            "new-session",
            "-d",
            "-s",
            "till",
            "-x",
            str(width),
            "-y",
            str(height),
            command,
        ],
        check=True,
        timeout=30,
    )
    return Tmux("till", socket)


@pytest.fixture
def till(tmp_path):
    tmux = start_till(tmp_path)
    tmux.wait_for("Scan the customer's card", timeout=60)
    yield tmux, tmp_path / "data" / "logs" / "pos-tui.log"
    tmux.run("kill-server")


def scanned(log: Path) -> list[str]:
    """The scans the till logged, in order, as (length, last four characters)."""
    return re.findall(r"scan length=(\d+) card=…(\w{4})", log.read_text())


def test_a_scan_at_reader_speed_opens_the_customer(till):
    tmux, _ = till
    tmux.type_raw("1212121212\r")
    screen = tmux.wait_for("John Doe — card 1212121212")
    assert "1,500 pts (10.00 EUR)" in screen and "Frequent Buyer" in screen


def test_back_to_back_scans_are_never_merged_split_or_short(till):
    tmux, log = till
    cards = [f"9{n:07d}" for n in range(1, 100)] + ["11112222"]
    tmux.type_raw("".join(card + "\r" for card in cards))  # 100 scans in one write
    tmux.wait_for("Jane Doe — card 11112222")
    deadline = time.monotonic() + 10
    while len(scanned(log)) < len(cards) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert scanned(log) == [(str(len(c)), c[-4:]) for c in cards]


def test_a_hundred_scans_a_second_with_crlf_and_tab_terminators(till):
    tmux, log = till
    cards = [f"8{n:07d}" for n in range(1, 100)] + ["1212121212"]
    terminators = ["\r", "\r\n", "\t"]
    started = time.monotonic()
    for n, card in enumerate(cards):
        tmux.type_raw(card + terminators[n % 3])
        time.sleep(max(0.0, started + (n + 1) * 0.01 - time.monotonic()))  # 100 a second
    tmux.wait_for("John Doe — card 1212121212")
    deadline = time.monotonic() + 10
    while len(scanned(log)) < len(cards) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert scanned(log) == [(str(len(c)), c[-4:]) for c in cards]
    screen = tmux.screen()
    assert "8" + "0000099"[-7:] not in screen.split("John Doe")[0]  # nothing typed into a field


def test_typing_by_hand_and_the_numeric_keypad_earn(till):
    tmux, _ = till
    for key in "11112222":
        tmux.type_raw(key)
        time.sleep(0.06)
    tmux.run("send-keys", "-t", "till", "Enter")
    tmux.wait_for("Jane Doe — card 11112222")
    tmux.type_raw("+")
    tmux.wait_for("Earn — Jane Doe")
    tmux.wait_for("Campaign .*Widget Rewards")
    for key in "12,5":
        tmux.type_raw(key)
        time.sleep(0.06)
    tmux.run("send-keys", "-t", "till", "Enter")
    screen = tmux.wait_for("Points earned +1,250")
    assert "TRAINING — NOT A RECEIPT" in screen


def test_the_live_till_against_a_sandbox_server_on_loopback(tmp_path):
    """``pos-tui`` with the account in POS_TUI_* variables, talking HTTP to the sandbox server."""
    from .sandbox_helpers import free_port, sandbox_server

    port = free_port()
    stack = ExitStack()
    stack.enter_context(sandbox_server(tmp_path / "s.db", port, "--reset"))
    socket_path = tmp_path / "tmux.sock"
    try:
        env = {
            "POS_TUI_DATA_DIR": str(tmp_path / "till"),
            "POS_TUI_CONFIG": str(tmp_path / "c.toml"),
            "POS_TUI_API_URL": f"http://127.0.0.1:{port}/api.php",
            "POS_TUI_USER_ID": "john1970",
            "POS_TUI_ACCOUNT_ID": "greatwidgets",
            "POS_TUI_API_KEY": "1959caadac9b13dcb3",
            "POS_TUI_TERMINAL_NAME": "Till-2",
            "TERM": "xterm-256color",
            "PATH": os.environ.get("PATH", ""),
        }
        command = " ".join(f"{k}={v}" for k, v in env.items()) + f" {sys.executable} -m pos_tui"
        subprocess.run(
            [
                "tmux",
                "-S",
                str(socket_path),
                "new-session",
                "-d",
                "-s",
                "live",
                "-x",
                "110",
                "-y",
                "32",
                command,
            ],
            check=True,
            timeout=30,
        )
        tmux = Tmux("live", socket_path)
        screen = tmux.wait_for("Scan the customer's card", timeout=60)
        assert "TRAINING" not in screen
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # the server may still be starting
            tmux.type_raw("1212121212\r")
            try:
                tmux.wait_for("John Doe — card 1212121212", timeout=2)
                break
            except AssertionError:
                continue
        screen = tmux.wait_for("John Doe — card 1212121212")
        assert "1,500 pts (10.00 EUR)" in screen and "TRAINING" not in screen
        log = (tmp_path / "till" / "logs" / "pos-tui.log").read_text()
        assert "1959caadac9b13dcb3" not in log and "call=customer_info customer=…1212" in log
    finally:
        subprocess.run(["tmux", "-S", str(socket_path), "kill-server"], capture_output=True, timeout=30)
        stack.close()


@pytest.mark.parametrize("delay", [0.3, 0.8, 1.5])
def test_a_scan_while_the_till_starts_is_read_whole(tmp_path, delay):
    """A reader's burst written while the till is still importing and mounting: the input thread
    turns one read into keys while the busy start-up holds the interpreter, so the keys' own
    creation times drift apart. They are one read; the till sees one scan, never a person's first
    key and a scan of the rest."""
    tmux = start_till(tmp_path, 80, 24)
    try:
        time.sleep(delay)
        tmux.type_raw("1212121212\r")
        tmux.wait_for("John Doe", timeout=60)
        assert scanned(tmp_path / "data" / "logs" / "pos-tui.log") == [("10", "1212")]
    finally:
        tmux.run("kill-server")
