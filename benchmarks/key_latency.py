"""A person's key, from the terminal to the screen: the till (through its card-reader wedge) against
a minimal Textual app with one focused Input (no wedge), in the same run, in tmux.

Each key is written with ``send-keys`` one every 150 ms, as a cashier types; the screen is polled
every 2 ms until the key shows. Prints the median and p95 of each and their ratio.

    .venv/bin/python benchmarks/key_latency.py [--keys 40]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

BASELINE = textwrap.dedent(
    """
    from textual.app import App
    from textual.widgets import Input, Static

    class One(App):
        def compose(self):
            yield Static("type the card number")
            yield Input(id="field")

        def on_mount(self):
            self.query_one(Input).focus()

    One().run()
    """
)


def tmux(socket: Path, *args: str) -> str:
    done = subprocess.run(["tmux", "-S", str(socket), *args], capture_output=True, text=True, timeout=30)
    return done.stdout


def measure(command: str, work: Path, keys: int, marker: str) -> list[float]:
    socket = work / f"{marker}.sock"
    tmux(socket, "new-session", "-d", "-s", "b", "-x", "110", "-y", "32", command)
    try:
        deadline = time.monotonic() + 60
        while "type the card number" not in tmux(socket, "capture-pane", "-p", "-t", "b"):
            if time.monotonic() > deadline:
                raise SystemExit(f"{marker}: never showed its first screen")
            time.sleep(0.1)
        time.sleep(1.0)  # the till loads its services in a thread after the first frame
        row = next(
            i
            for i, line in enumerate(tmux(socket, "capture-pane", "-p", "-t", "b").splitlines())
            if "type the card number" in line
        )
        typed, delays = "", []
        alphabet = "x7k3m9p2q5"
        for n in range(keys):
            if len(typed) >= 20:  # keep the text short: clear the field like a cashier would
                for _ in typed:
                    tmux(socket, "send-keys", "-t", "b", "BSpace")
                    time.sleep(0.15)
                typed = ""
            character = alphabet[n % len(alphabet)]
            typed += character
            sent = time.monotonic()
            tmux(socket, "send-keys", "-t", "b", "-l", character)
            while True:
                lines = tmux(socket, "capture-pane", "-p", "-t", "b").splitlines()
                if any(typed in line for line in lines[row : row + 4]):
                    break
                if time.monotonic() - sent > 2:
                    raise SystemExit(f"{marker}: {typed!r} never showed")
                time.sleep(0.002)
            delays.append((time.monotonic() - sent) * 1000)
            time.sleep(max(0.0, 0.15 - (time.monotonic() - sent)))
        return delays
    finally:
        tmux(socket, "kill-server")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "baseline.py").write_text(BASELINE)
        env = f"env TERM=xterm-256color PATH={os.environ['PATH']}"
        data = f"POS_TUI_DATA_DIR={work}/data POS_TUI_CONFIG={work}/c.toml"
        till = f"{env} {data} {sys.executable} -m pos_tui demo"
        baseline = f"{env} {sys.executable} {work}/baseline.py"
        results = {
            "minimal Textual app": measure(baseline, work, args.keys, "base"),
            "pos-tui demo": measure(till, work, args.keys, "till"),
        }
    base = statistics.median(results["minimal Textual app"])
    for name, delays in results.items():
        p95 = statistics.quantiles(delays, n=20)[-1]
        median = statistics.median(delays)
        print(f"{name:20s} median {median:5.1f} ms  p95 {p95:5.1f} ms  ({median / base:.2f}x the baseline)")


if __name__ == "__main__":
    main()
