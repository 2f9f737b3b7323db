"""The training room (``pos-tui serve``) measured in a real browser, against a baseline in the same run.

    .venv/bin/python benchmarks/serve_room.py [--runs 3] [--concurrent 6] [--cycles 50]

1. First screen in the browser: headless Chromium (already logged in) opens the till page; the
   time until the TRAINING banner, then the scan screen, is in the browser's terminal. One
   session (median of --runs), then --concurrent browsers opening at the same moment. Baseline:
   the same room serving a minimal Textual app (one line), so the ratio is the till's own cost.
2. Memory per session: VmRSS of each session process (the process group) 5 s after its first
   screen (the demo's sandbox loads behind it), with 1 and with --concurrent sessions open; and
   the room server's own VmRSS.
   The same without a browser: WebSocket clients, 1 and --concurrent at once, until the TRAINING
   banner's bytes arrive (the room and the tills' own cost, no Chromium on the CPUs).
3. Leaks: --cycles WebSocket connect/disconnect cycles without a browser (every other one closes
   right after the handshake, before the till has drawn anything); then the session processes and
   session data dirs left.

Every browser also runs on this machine, so the concurrent figures include six Chromiums' CPU.
Load average and CPU count are printed with the results.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser_helpers import chromium, log_in, missing, screen_text  # noqa: E402
from tests.room_helpers import PASSWORD, Room, running_room  # noqa: E402

MINIMAL = (
    "from textual.app import App\n"
    "from textual.widgets import Static\n"
    "class Minimal(App):\n"
    "    def compose(self):\n"
    "        yield Static('TRAINING minimal app ready')\n"
    "Minimal().run()\n"
)
SETTLE = 5.0  # seconds after the first screen before memory is read: the sandbox loads behind it
BASELINE_ROOM = (
    "import sys; from pos_tui.training.room import TrainingRoom\n"
    "TrainingRoom(port=0, password=sys.argv[1], max_sessions=int(sys.argv[2]),\n"
    "             command=[sys.executable, sys.argv[3]]).serve()\n"
)


@contextmanager
def baseline_room(tmp: Path, max_sessions: int) -> Iterator[Room]:
    """The same TrainingRoom, serving a minimal Textual app instead of ``pos-tui demo``."""
    script = tmp / "minimal.py"
    script.write_text(MINIMAL)
    command = [sys.executable, "-c", BASELINE_ROOM, PASSWORD, str(max_sessions), str(script)]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "TMPDIR": str(tmp)},
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    url = re.search(r"training room at (http://\S+/)", first)
    assert url, first
    room = Room(process, url.group(1), tmp)
    threading.Thread(target=lambda: [room.lines.append(x) for x in process.stdout], daemon=True).start()  # type: ignore[union-attr]
    try:
        yield room
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


def first_screen(browser, url: str, ready: str) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Seconds from opening the page to TRAINING on screen, and to ``ready`` on screen."""
    start = time.monotonic()
    browser.get(url)
    banner = None
    while True:
        text = screen_text(browser)
        now = time.monotonic() - start
        if banner is None and "TRAINING" in text:
            banner = now
        if ready in text:
            return banner or now, now
        if now > 120:
            raise RuntimeError(f"no first screen after 120 s:\n{text}")
        time.sleep(0.02)


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def session_rss(room: Room) -> list[int]:
    """VmRSS (kB) of each session: its process and anything in its process group."""
    groups = {pid: [pid] for pid in room.session_pids()}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                pgid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[2])
            except (OSError, IndexError, ValueError):
                continue
            if pgid in groups and int(entry.name) != pgid:
                groups[pgid].append(int(entry.name))
    return [sum(rss_kb(p) for p in pids) for pids in groups.values()]


def wait_idle(room: Room, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while (room.session_pids() or room.session_dirs()) and time.monotonic() < deadline:
        time.sleep(0.1)


def measure_browser(room: Room, ready: str, runs: int, concurrent: int) -> dict[str, object]:
    result: dict[str, object] = {}
    with chromium() as browser:
        log_in(browser, room.url, PASSWORD)  # the first login opens a session: not timed
        first_screen(browser, room.url, ready)
        browser.get("about:blank")
        wait_idle(room)
        singles = []
        for _ in range(runs):
            singles.append(first_screen(browser, room.url, ready))
            time.sleep(SETTLE)
            result["rss_1"] = session_rss(room)
            browser.get("about:blank")
            wait_idle(room)
        result["single"] = singles
    with ExitStack() as stack:
        browsers = [stack.enter_context(chromium()) for _ in range(concurrent)]
        for browser in browsers:
            log_in(browser, room.url, PASSWORD)
            first_screen(browser, room.url, ready)
            browser.get("about:blank")
        wait_idle(room)
        times: list[tuple[float, float]] = [(0.0, 0.0)] * concurrent
        barrier = threading.Barrier(concurrent)

        def open_page(index: int) -> None:
            barrier.wait()
            times[index] = first_screen(browsers[index], room.url, ready)

        threads = [threading.Thread(target=open_page, args=(i,)) for i in range(concurrent)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        result["concurrent"] = times
        time.sleep(SETTLE)
        result["rss_n"] = session_rss(room)
        result["server_rss"] = rss_kb(room.process.pid)
        for browser in browsers:
            browser.get("about:blank")
        wait_idle(room)
    return result


async def websocket_first_screens(room: Room, count: int) -> list[float]:
    """Without a browser: ``count`` WebSocket sessions opened at once; seconds until TRAINING arrives."""
    import aiohttp

    async def one(client: aiohttp.ClientSession) -> float:
        start = time.monotonic()
        async with client.ws_connect(room.ws_url + "?width=120&height=30") as ws:
            seen = b""
            while b"TRAINING" not in seen:
                message = await asyncio.wait_for(ws.receive(), 120)
                seen += message.data if message.type == aiohttp.WSMsgType.BINARY else b""
            return time.monotonic() - start

    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        await client.post(room.url + "login", data={"password": PASSWORD})
        times = await asyncio.gather(*(one(client) for _ in range(count)))
    wait_idle(room)
    return list(times)


async def cycles(room: Room, count: int) -> tuple[int, float]:
    import aiohttp

    started = time.monotonic()
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        await client.post(room.url + "login", data={"password": PASSWORD})
        for n in range(count):
            async with client.ws_connect(room.ws_url) as ws:
                if n % 2 == 0:  # wait for the till to draw, then leave
                    seen = b""
                    while b"TRAINING" not in seen:
                        message = await asyncio.wait_for(ws.receive(), 60)
                        if message.type != aiohttp.WSMsgType.BINARY:
                            break
                        seen += message.data
    return count, time.monotonic() - started


def summary(label: str, pairs: list[tuple[float, float]]) -> str:
    banner = [b for b, _ in pairs]
    ready = [r for _, r in pairs]
    return (
        f"{label:32s} banner median {statistics.median(banner):5.2f} s (max {max(banner):5.2f})   "
        f"scan screen median {statistics.median(ready):5.2f} s (max {max(ready):5.2f})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--concurrent", type=int, default=6)
    parser.add_argument("--cycles", type=int, default=50)
    args = parser.parse_args()
    if missing():
        print(f"cannot run: {missing()}")
        return 2
    print(f"cpus {os.cpu_count()}, load average at start {os.getloadavg()}")
    tmp = Path(tempfile.mkdtemp(prefix="pos-tui-bench-room-"))
    try:
        with running_room(tmp, "--max-sessions", str(max(12, args.concurrent))) as room:
            till = measure_browser(room, "Scan the customer's card", args.runs, args.concurrent)
            till["ws_1"] = [asyncio.run(websocket_first_screens(room, 1))[0] for _ in range(args.runs)]
            till["ws_n"] = asyncio.run(websocket_first_screens(room, args.concurrent))
            done, took = asyncio.run(cycles(room, args.cycles))
            time.sleep(1)
            wait_idle(room, 30)
            left_processes, left_dirs = len(room.session_pids()), len(room.session_dirs())
            closed = len(re.findall(r"session \d+ closed", room.output()))
        with baseline_room(tmp, max(12, args.concurrent)) as base_room:
            base = measure_browser(base_room, "minimal app ready", args.runs, args.concurrent)
            base["ws_1"] = [asyncio.run(websocket_first_screens(base_room, 1))[0] for _ in range(args.runs)]
            base["ws_n"] = asyncio.run(websocket_first_screens(base_room, args.concurrent))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"load average at end {os.getloadavg()}")
    print()
    print("first screen in the browser (from opening the page, logged in):")
    for label, data in (("pos-tui demo", till), ("baseline: minimal Textual app", base)):
        print(summary(f"  {label}, 1 session", data["single"]))  # type: ignore[arg-type]
        print(summary(f"  {label}, {args.concurrent} at once", data["concurrent"]))  # type: ignore[arg-type]
    for key, label in (("single", "1 session"), ("concurrent", f"{args.concurrent} at once")):
        ours = statistics.median(r for _, r in till[key])  # type: ignore[attr-defined]
        theirs = statistics.median(r for _, r in base[key])  # type: ignore[attr-defined]
        print(f"  ratio till / baseline, {label}: {ours / theirs:.2f}")
    print()
    print("first screen without a browser (WebSocket client, until TRAINING arrives):")
    for key, label in (("ws_1", "1 session"), ("ws_n", f"{args.concurrent} at once")):
        ours, theirs = till[key], base[key]
        print(
            f"  {label:10s} pos-tui demo median {statistics.median(ours):5.2f} s (max {max(ours):5.2f})   "
            f"baseline median {statistics.median(theirs):5.2f} s (max {max(theirs):5.2f})   "
            f"ratio {statistics.median(ours) / statistics.median(theirs):.2f}"
        )
    print()
    print("memory (VmRSS of each session process, MB):")
    for label, data in (("pos-tui demo", till), ("baseline", base)):
        one = [kb / 1024 for kb in data["rss_1"]]  # type: ignore[attr-defined]
        many = [kb / 1024 for kb in data["rss_n"]]  # type: ignore[attr-defined]
        print(
            f"  {label:14s} 1 session: {statistics.median(one):5.1f}   {args.concurrent} sessions: median "
            f"{statistics.median(many):5.1f}, min {min(many):5.1f}, max {max(many):5.1f}, "
            f"total {sum(many):6.1f}   "
            f"room server {data['server_rss'] / 1024:5.1f}"  # type: ignore[operator]
        )
    print()
    print(
        f"leaks: {done} connect/disconnect cycles in {took:.1f} s; sessions closed in the trainer's view "
        f"(browser runs included) "
        f"{closed}; session processes left {left_processes}; session data dirs left {left_dirs}"
    )
    return 0 if left_processes == left_dirs == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
