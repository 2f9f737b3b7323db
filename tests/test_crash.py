"""Kill -9 a real ``pos-tui call`` at random moments, dozens of times; every next start resumes the
journal. At the end the sandbox's ledger equals the journal's confirmed writes: nothing lost,
nothing doubled."""

from __future__ import annotations

import json
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter

import pytest

from pos_tui.sandbox.demo import GIFT, JANE

from .conftest import ROOT
from .sandbox_helpers import free_port
from .test_journal_cli import pos, sandbox_server, till_env

pytestmark = pytest.mark.slow(seconds=30)  # dealt out first (tests/conftest.py)
KILLS = 30


def test_kill_minus_nine_at_random_points(tmp_path):

    port = free_port()
    rng = random.Random(20261122)
    # A kill before the request left is resent after 2 s, not 300.
    env = {**till_env(tmp_path, port), "POS_TUI_RESEND_AFTER": "2"}
    killed = finished = 0
    # Answers come 0.3 s after the commit, so kills land before, during and after a request.
    with sandbox_server(tmp_path, port, "record_activity:delay=0.3"):
        for n in range(KILLS):
            child = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "pos_tui",
                    "call",
                    "--kind",
                    "giftcard",
                    "record_activity",
                    f"code={JANE['code']}",
                    f"campaign_id={GIFT}",
                    "amount=1",
                    f"authorization=crash {n}",
                ],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(rng.uniform(0.2, 1.6))
            if child.poll() is None:
                child.send_signal(signal.SIGKILL)
                killed += 1
            else:
                finished += 1
            child.wait(timeout=30)
        for _ in range(10):  # entries killed before their request left wait out the quarantine
            replay = subprocess.run(
                [sys.executable, "-m", "pos_tui", "journal", "replay"],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=120,
            )
            if replay.returncode == 0:
                break
            time.sleep(1)
        assert replay.returncode == 0, replay.stdout + replay.stderr
    journal = [json.loads(line) for line in pos(tmp_path, port, "journal", "--json").stdout.splitlines()]
    states = Counter(e["state"] for e in journal)
    with sqlite3.connect(tmp_path / "s.db") as db:
        descriptions = [
            row[0] for row in db.execute("SELECT description FROM transactions WHERE deleted = 0")
        ]
    ledger = Counter(ref for d in descriptions for ref in re.findall(r"\[pos:(\w+)\]", d))
    confirmed = {e["ref"] for e in journal if e["state"] == "confirmed"}
    print(
        f"\n{KILLS} runs: {killed} killed, {finished} finished; journal {dict(states)}; ledger {sum(ledger.values())}"
    )
    assert all(count == 1 for count in ledger.values()), "a write was doubled"
    assert set(ledger) == confirmed, "the ledger and the journal disagree"
    assert set(states) <= {"confirmed"}, "an entry was left open"
    assert killed >= KILLS // 3
