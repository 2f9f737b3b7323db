"""Scroll latency of the manager's report table in a real terminal (tmux), against a minimal Textual
app in the same run.

    .venv/bin/python benchmarks/manager_scroll.py [--rows 100000] [--keys 200] [--size 80x24]
    .venv/bin/python benchmarks/manager_scroll.py --demo [--rows 100000]   # the whole till, slower

Each app runs in its own tmux server, all at once. Keys go in with ``tmux send-keys`` one every
150 ms, to each app in turn (so a busy moment of a shared machine falls on all of them alike), as
a manager presses them: Down, and PageDown every tenth key. Two clocks per key, both from the
moment ``send-keys`` is started (``time.monotonic``, one clock for every process on the machine):

* **frame**: the app logs the instant it hands each frame to its terminal writer (a hook on
  ``App._display``); the first frame after the key is the answer. Harness apps only.
* **screen**: ``tmux capture-pane -e`` (text and colours) is polled until the screen differs from
  the one before the key: what a person sees, give or take one poll (each poll is a process).

The apps:

* **table**: a small app around ``BigTable`` with ``--rows`` rows shaped like ``customers_balances``
  (card, names, amounts, e-mail, code, date), the cursor moving through them;
* **minimal**: one ``Static`` whose text is the key count, redrawn on each key: the floor of
  Textual's key-to-frame round trip on this machine at this moment;
* **demo** (``--demo``): ``pos-tui demo --manager --customers N``, PIN, R, F5, every page fetched,
  then the same keys in the real reports screen (screen clock only). Generating N customers takes
  a while (about 16 s for 100,000 on an idle machine) and fetching them longer.

``--compare ROOT`` adds the same table harness importing another checkout's ``pos_tui`` (e.g.
``git archive`` of the commit before a change), for a before/after in one run.

Prints p50/p95 of each and each p95 over the minimal app's. Target (issue 15): p95 < 100 ms.
The machine may be shared: read the ratio, and the load printed with it.
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
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

HOOK = textwrap.dedent(
    """
    import sys, time
    from textual.app import App

    LOG = open(sys.argv[1], "a", buffering=1)

    class Timed(App):
        \"\"\"Logs the instant each frame goes to the terminal writer.\"\"\"

        def _display(self, screen, renderable):
            super()._display(screen, renderable)
            if renderable is not None and not self._batch_count:
                LOG.write(f"{time.monotonic()}\\n")
    """
)

TABLE = HOOK + textwrap.dedent(
    """
    import random
    from pos_tui.till.reporting import COLUMNS
    from pos_tui.tui.bigtable import BigTable

    FIRST = "Ana Ben Cara Dev Ema Farid Grace Hemi Isla Jane Kai Liam Mia Noah Olivia".split()
    LAST = "Lee Chen Patel Singh Ngata Doe Evans Ito Reid Fraser Davis Young Gupta".split()

    def rows(n):
        pick = random.Random(15)
        out = []
        for i in range(n):
            first, last = pick.choice(FIRST), pick.choice(LAST)
            earned = pick.randrange(0, 20000)
            redeemed = -pick.randrange(0, earned + 1)
            balance = earned + redeemed
            out.append((
                f"{20000000 + i}", first, last, f"{balance}", f"{balance / 100:.2f}", f"{earned}",
                f"{redeemed}", f"{first}.{last}{i}@example.com".lower(), f"555-{i % 10000:04d}",
                pick.choice(["Auckland", "Nelson", "Napier"]), f"{4137071924090000 + i}",
                f"2026-{1 + i % 12:02d}-{1 + i % 28:02d} 12:{i % 60:02d}:00",
            ))
        return out

    class Harness(Timed):
        def compose(self):
            yield BigTable(COLUMNS["customers_balances"])

        def on_mount(self):
            table = self.query_one(BigTable)
            table.add_rows(rows(int(sys.argv[2])))
            table.focus()

    Harness().run()
    """
)

MINIMAL = HOOK + textwrap.dedent(
    """
    from textual.widgets import Static

    class Minimal(Timed):
        count = 0

        def compose(self):
            yield Static("Card 20000000 keys 0", id="one")

        def on_key(self, event):
            if event.key in ("down", "pagedown"):
                self.count += 1
                self.query_one(Static).update(f"Card 20000000 keys {self.count}")

    Minimal().run()
    """
)


def tmux(socket: Path, *args: str) -> str:
    done = subprocess.run(["tmux", "-S", str(socket), *args], capture_output=True, text=True, timeout=30)
    return done.stdout


def screen(socket: Path) -> str:
    return tmux(socket, "capture-pane", "-p", "-e", "-t", "b")


def wait_for(socket: Path, text: str, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while text not in tmux(socket, "capture-pane", "-p", "-t", "b"):
        if time.monotonic() > deadline:
            raise SystemExit(
                f"{what}: {text!r} never showed:\n{tmux(socket, 'capture-pane', '-p', '-t', 'b')}"
            )
        time.sleep(0.2)


def frames(log: Path | None) -> list[float]:
    if log is None or not log.exists():
        return []
    return [float(line) for line in log.read_text().split()]


@dataclass
class Subject:
    """One app under test in its own tmux server, and what its keys measured."""

    name: str
    socket: Path
    log: Path | None  # its frame log (harness apps)
    seen: list[float] = field(default_factory=list)  # key to screen changed, ms
    drawn: list[float] = field(default_factory=list)  # key to frame written, ms


def start(work: Path, name: str, command: str, size: tuple[int, int], log: Path | None) -> Subject:
    socket = work / f"{name}.sock"
    tmux(socket, "new-session", "-d", "-s", "b", "-x", str(size[0]), "-y", str(size[1]), command)
    return Subject(name, socket, log)


def press(subject: Subject, n: int) -> None:
    """Key ``n`` (Down; PageDown every tenth) to one app, timed on both clocks."""
    key = "PageDown" if n % 10 == 9 else "Down"
    socket, log = subject.socket, subject.log
    before = screen(socket)
    known = len(frames(log))
    sent = time.monotonic()
    tmux(socket, "send-keys", "-t", "b", key)
    while True:
        if screen(socket) != before:
            subject.seen.append((time.monotonic() - sent) * 1000)
            break
        if time.monotonic() - sent > 5:
            raise SystemExit(f"{subject.name}: key {n} ({key}) never changed the screen")
        time.sleep(0.002)
    if log is not None:
        deadline = time.monotonic() + 2
        while len(stamps := frames(log)) <= known and time.monotonic() < deadline:
            time.sleep(0.002)
        after = [t for t in stamps[known:] if t >= sent]
        if after:
            subject.drawn.append((after[0] - sent) * 1000)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def line(name: str, values: list[float], base: list[float] | None = None) -> str:
    text = f"{name:40s} p50 {statistics.median(values):6.1f} ms  p95 {p95(values):6.1f} ms  (n={len(values)})"
    if base:
        text += f"  p95 {p95(values) / p95(base):.2f}x minimal"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keys", type=int, default=200, help="keys per app")
    parser.add_argument("--size", default="80x24")
    parser.add_argument("--demo", action="store_true", help="also the real reports screen of pos-tui demo")
    parser.add_argument(
        "--compare", metavar="ROOT", help="also the table of another checkout (e.g. the commit before)"
    )
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    size = (width, height)
    path = f"env TERM=xterm-256color PATH={os.environ['PATH']}"
    print(f"load before: {' '.join(f'{n:.2f}' for n in os.getloadavg())} (1/5/15 min)")
    with tempfile.TemporaryDirectory(prefix="pos-scroll-") as folder:
        work = Path(folder)
        (work / "table.py").write_text(TABLE)
        (work / "minimal.py").write_text(MINIMAL)
        py = f"{path} PYTHONPATH={ROOT} {sys.executable}"
        subjects = [
            start(work, "minimal", f"{py} {work}/minimal.py {work}/minimal.log", size, work / "minimal.log"),
            start(
                work, "table", f"{py} {work}/table.py {work}/table.log {args.rows}", size, work / "table.log"
            ),
        ]
        ready = {"minimal": "keys 0", "table": "20000000"}
        if args.compare:
            other = f"{path} PYTHONPATH={Path(args.compare).resolve()} {sys.executable}"
            command = f"{other} {work}/table.py {work}/other.log {args.rows}"
            subjects.append(start(work, "table (--compare)", command, size, work / "other.log"))
            ready["table (--compare)"] = "20000000"
        if args.demo:
            data = f"POS_TUI_DATA_DIR={work}/data POS_TUI_CONFIG={work}/c.toml"
            command = f"{path} {data} PYTHONPATH={ROOT} {sys.executable} -m pos_tui demo --manager"
            subjects.append(start(work, "demo", f"{command} --customers {args.rows}", size, None))
            ready["demo"] = " rows."  # the reports screen's status once every page is in
        try:
            for subject in subjects:
                if subject.name == "demo":
                    for key, text in (
                        ("1234", "PIN"),
                        ("Enter", "PIN"),
                        ("r", "Reports"),
                        ("F5", "F5 fetch"),
                    ):
                        wait_for(subject.socket, text, 1800, "demo")
                        time.sleep(0.5)
                        tmux(subject.socket, "send-keys", "-t", "b", key)
                wait_for(subject.socket, ready[subject.name], 1800, subject.name)
                if subject.name == "demo":
                    shown = tmux(subject.socket, "capture-pane", "-p", "-t", "b").splitlines()
                    print("demo:", next(line.strip() for line in shown if ready["demo"] in line))
            time.sleep(1.0)  # let start-up work settle
            for n in range(args.keys):  # one key to each app in turn: all see the same load
                for subject in subjects:
                    sent = time.monotonic()
                    press(subject, n)
                    time.sleep(max(0.0, 0.15 - (time.monotonic() - sent)))
        finally:
            for subject in subjects:
                tmux(subject.socket, "kill-server")
    base = subjects[0]
    print(f"{args.rows:,} rows, {args.keys} keys per app (Down; PageDown every 10th), {width}x{height},")
    print("one key every 150 ms, to each app in turn")
    for subject in subjects:
        first = subject is base
        if subject.drawn:
            print(line(f"{subject.name}: key to frame written", subject.drawn, None if first else base.drawn))
        print(line(f"{subject.name}: key to screen changed", subject.seen, None if first else base.seen))
    print(f"load after: {' '.join(f'{n:.2f}' for n in os.getloadavg())} (1/5/15 min)")


if __name__ == "__main__":
    main()
