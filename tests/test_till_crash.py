"""Kill -9 the *till* (``pos-tui`` in a real terminal) mid-write, again and again: every next start
settles the journal, and at the end the sandbox's ledger holds every confirmed earn exactly once.

Each round starts the till in tmux against the sandbox server on loopback (answers 0.5 s after
the commit), scans John Doe's card as a reader does, presses ``+``, types an amount and Enter,
then kills the till with SIGKILL at a random moment from 0 to 1.2 s later: before the request
left, while the server works, after it committed, or after the receipt showed."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter

import pytest

from .sandbox_helpers import free_port, sandbox_server
from .test_terminal import Tmux

pytestmark = [
    pytest.mark.slow(seconds=45),  # dealt out first (tests/conftest.py)
    pytest.mark.terminal,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)"),
]
KILLS = 20


def test_kill_minus_nine_of_the_till_mid_write(tmp_path):
    port = free_port()
    rng = random.Random(20261123)
    env = {
        "POS_TUI_DATA_DIR": str(tmp_path / "till"),
        "POS_TUI_CONFIG": str(tmp_path / "c.toml"),
        "POS_TUI_API_URL": f"http://127.0.0.1:{port}/api.php",
        "POS_TUI_USER_ID": "john1970",
        "POS_TUI_ACCOUNT_ID": "greatwidgets",
        "POS_TUI_API_KEY": "1959caadac9b13dcb3",
        "POS_TUI_RESEND_AFTER": "2",
        "TERM": "xterm-256color",
        "PATH": os.environ.get("PATH", ""),
    }
    command = "env " + " ".join(f"{k}={v}" for k, v in env.items()) + f" {sys.executable} -m pos_tui"
    outcomes: Counter[str] = Counter()
    with sandbox_server(tmp_path / "s.db", port, "--reset", "--faults", "record_activity:delay=0.5"):
        for n in range(KILLS):
            socket = tmp_path / f"t{n}.sock"
            subprocess.run(
                ["tmux", "-S", str(socket), "new-session", "-d", "-s", "t", "-x", "80", "-y", "24", command],
                check=True,
                timeout=30,
            )
            tmux = Tmux("t", socket)
            pid = int(tmux.run("display", "-p", "-t", "t", "#{pane_pid}").strip())
            try:
                tmux.wait_for("Scan the customer's card", timeout=60)
                deadline = time.monotonic() + 30
                while "Starting" in tmux.screen() and time.monotonic() < deadline:
                    time.sleep(0.1)  # the services load in a thread (imports hold the GIL)
                time.sleep(0.5)  # and the journal's replay at start: the reader comes after
                tmux.type_raw("1212121212\r")
                tmux.wait_for("John Doe", timeout=20)
                tmux.type_raw("+")
                tmux.wait_for("Earn — John Doe", timeout=20)
                tmux.wait_for("Campaign .*Widget Rewards", timeout=20)  # chosen: the amount has the focus
                tmux.type_raw(f"{n + 1}")
                tmux.run("send-keys", "-t", "t", "Enter")
                time.sleep(rng.uniform(0, 1.2))
                screen = tmux.screen()
                outcomes["receipt shown" if "Points earned" in screen else "no receipt yet"] += 1
            finally:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                subprocess.run(["tmux", "-S", str(socket), "kill-server"], capture_output=True, timeout=30)
        # The next start settles everything (the quarantine here is 2 s).
        replay_env = {**os.environ, **env}
        for _ in range(15):
            done = subprocess.run(
                [sys.executable, "-m", "pos_tui", "journal", "replay"],
                env=replay_env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            if done.returncode == 0:
                break
            time.sleep(1)
        assert done.returncode == 0, done.stdout + done.stderr
        listing = subprocess.run(
            [sys.executable, "-m", "pos_tui", "journal", "--json"],
            env=replay_env,
            capture_output=True,
            text=True,
        )
    entries = [json.loads(line) for line in listing.stdout.splitlines() if line.strip()]
    with sqlite3.connect(tmp_path / "s.db") as conn:
        rows = conn.execute("SELECT description FROM transactions WHERE deleted = 0").fetchall()
    refs = Counter(m for (text,) in rows for m in re.findall(r"\[pos:(\w+)\]", text))
    confirmed = {e["ref"] for e in entries if e["state"] == "confirmed"}
    assert all(count == 1 for count in refs.values()), f"doubled: {refs}"
    assert set(refs) == confirmed, "the ledger and the journal disagree"
    assert not [e for e in entries if e["state"] in ("sent", "unknown", "queued", "pending")]
    print(
        f"\n{KILLS} kills of the till: {dict(outcomes)}; {len(entries)} journalled, "
        f"{len(confirmed)} confirmed = {sum(refs.values())} in the ledger"
    )
