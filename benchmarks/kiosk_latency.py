"""The kiosk in a real terminal (tmux) against the till's demo, in the same run.

    .venv/bin/python benchmarks/kiosk_latency.py [--runs 5]

1. Launch to the first screen: ``pos-tui demo --kiosk`` ("Hold your loyalty card") against
   ``pos-tui demo`` ("Scan the customer's card"), each in a fresh tmux session.
2. Scan to balances on screen, 8 s after launch (the demo data is built behind the first screen):
   a reader burst for Jane (five campaigns) until her first campaign is drawn, kiosk against till.
Screen polling (capture-pane every 10 ms) adds the same few milliseconds to every figure.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def tmux(socket: Path, *args: str) -> str:
    return subprocess.run(["tmux", "-S", str(socket), *args], capture_output=True, text=True).stdout


def wait(socket: Path, check, timeout: float = 60) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if check(tmux(socket, "capture-pane", "-p", "-t", "b")):
            return time.perf_counter()
        time.sleep(0.01)
    raise TimeoutError(tmux(socket, "capture-pane", "-p", "-t", "b"))


def run_once(args: str, ready, shown) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        socket = Path(tmp) / "s"
        env = f"POS_TUI_DATA_DIR={tmp}/data POS_TUI_CONFIG={tmp}/c.toml TERM=xterm-256color"
        started = time.perf_counter()
        tmux(
            socket,
            "new-session",
            "-d",
            "-s",
            "b",
            "-x",
            "120",
            "-y",
            "40",
            f"{env} {sys.executable} -m pos_tui {args}",
        )
        launch = wait(socket, ready) - started
        time.sleep(8)  # the demo data is being built behind the first screen; scan once it is done
        tmux(socket, "send-keys", "-t", "b", "-l", "11112222\r")
        sent = time.perf_counter()
        scan = wait(socket, shown) - sent
        tmux(socket, "kill-server")
        return launch, scan


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    kiosk = [
        run_once(
            "demo --kiosk",
            lambda s: "Hold your loyalty card" in s,
            lambda s: "Widget Rewards" in s,
        )
        for _ in range(runs)
    ]
    till = [
        run_once(
            "demo",
            lambda s: "Scan the customer's card" in s,
            lambda s: "Widget Rewards" in s,
        )
        for _ in range(runs)
    ]
    for n, name in ((0, "launch to screen"), (1, "scan to balances")):
        k = statistics.median(r[n] for r in kiosk)
        t = statistics.median(r[n] for r in till)
        print(f"{name:18s} kiosk {k * 1000:7.0f} ms   till {t * 1000:7.0f} ms   ratio {k / t:.2f}")


if __name__ == "__main__":
    main()
