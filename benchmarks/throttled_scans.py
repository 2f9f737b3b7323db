"""A hundred scans a second into a till whose CPU is throttled, as on a loaded store PC.

The till (``pos-tui demo`` in tmux) is put in a cgroup with a CPU quota (default: 20 ms of CPU per
250 ms), so it runs in slices with stalls of ~230 ms between them, and handles keys seconds after
its input thread read them. A hundred scans (CR, CR LF and Tab terminators) are written at 100 a
second; the till's log must then name each card once, whole and in order. Needs root and a
writable cgroup (v1 ``/sys/fs/cgroup/cpu`` or v2 ``/sys/fs/cgroup``); run by hand:

    sudo .venv/bin/python benchmarks/throttled_scans.py [--runs 5] [--quota-ms 20] [--period-ms 250]

Before the fix of 2026-11-24 (the wait for queued keys ran out by the keys' own, seconds-old time)
5 of 6 runs lost, split or stalled scans; after it, 12 of 12 runs were whole.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def cgroup(name: str, quota_us: int, period_us: int) -> tuple[Path, Path]:
    """A cgroup limited to ``quota_us`` of CPU per ``period_us``: (its procs file, its limit file)."""
    v1 = Path("/sys/fs/cgroup/cpu")
    if v1.is_dir():
        group = v1 / name
        group.mkdir(exist_ok=True)
        (group / "cpu.cfs_period_us").write_text(str(period_us))
        (group / "cpu.cfs_quota_us").write_text(str(quota_us))
        return group / "cgroup.procs", group / "cpu.cfs_quota_us"
    group = Path("/sys/fs/cgroup") / name
    group.mkdir(exist_ok=True)
    (group / "cpu.max").write_text(f"{quota_us} {period_us}")
    return group / "cgroup.procs", group / "cpu.max"


def tmux(socket: Path, *args: str) -> str:
    done = subprocess.run(["tmux", "-S", str(socket), *args], capture_output=True, text=True, timeout=30)
    return done.stdout


def wait_for(socket: Path, pattern: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if re.search(pattern, tmux(socket, "capture-pane", "-p", "-t", "till")):
            return True
        time.sleep(0.1)
    return False


def one_run(work: Path, quota_us: int, period_us: int) -> list[tuple[str, str]]:
    """The scans the till logged (length, last four), or a one-item list naming what went wrong."""
    socket = work / "tmux.sock"
    env = {
        "POS_TUI_DATA_DIR": str(work / "data"),
        "POS_TUI_CONFIG": str(work / "config.toml"),
        "TERM": "xterm-256color",
        "PATH": os.environ.get("PATH", ""),
    }
    command = " ".join(f"{k}={v}" for k, v in env.items()) + f" exec {sys.executable} -m pos_tui demo"
    tmux(socket, "new-session", "-d", "-s", "till", "-x", "110", "-y", "32", command)
    try:
        if not wait_for(socket, "Scan the customer's card", 60):
            return [("never started", "")]
        pid = tmux(socket, "list-panes", "-t", "till", "-F", "#{pane_pid}").split()[0]
        procs, limit = cgroup("pos-tui-throttled", quota_us, period_us)
        procs.write_text(pid)
        try:
            cards = [f"8{n:07d}" for n in range(1, 100)] + ["1212121212"]
            started = time.monotonic()
            for n, card in enumerate(cards):
                tmux(socket, "send-keys", "-t", "till", "-l", card + ["\r", "\r\n", "\t"][n % 3])
                time.sleep(max(0.0, started + (n + 1) * 0.01 - time.monotonic()))
            if not wait_for(socket, "John Doe — card 1212121212", 120):
                return [("last card never shown", "")]
        finally:
            limit.write_text("-1" if limit.name == "cpu.cfs_quota_us" else "max")
        time.sleep(1)
        log = (work / "data" / "logs" / "pos-tui.log").read_text()
        return re.findall(r"scan length=(\d+) card=…(\w*)", log)
    finally:
        tmux(socket, "kill-server")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quota-ms", type=float, default=20)
    parser.add_argument("--period-ms", type=float, default=250)
    args = parser.parse_args()
    want = [("8", f"{n:04d}") for n in range(1, 100)] + [("10", "1212")]
    bad = 0
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as work:
            got = one_run(Path(work), int(args.quota_ms * 1000), int(args.period_ms * 1000))
        first = next((i for i, (a, b) in enumerate(zip(got, want, strict=False)) if a != b), None)
        if got == want:
            print(f"run {run + 1}: 100 scans whole")
        else:
            bad += 1
            where = got[:1] if first is None else f"scan {first + 1} is {got[first]}, not {want[first]}"
            print(f"run {run + 1}: {len(got)} scans logged; {where}")
    print(f"{args.runs - bad} of {args.runs} runs whole (quota {args.quota_ms} ms per {args.period_ms} ms)")


if __name__ == "__main__":
    main()
