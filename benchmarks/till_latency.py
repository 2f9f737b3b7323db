"""Start-up and scan latency of the till in a real terminal (tmux), against baselines in the same run.

    .venv/bin/python benchmarks/till_latency.py [--runs 5] [--scans 20]

1. Launch to the first screen: ``pos-tui`` (live, against a loopback ``pos-tui sandbox``) and
   ``pos-tui demo``, against a minimal Textual app that shows one line, each started in a fresh
   tmux session; the time until its text is on the screen. Medians and ratios.
2. Scan to customer on screen: a reader burst written to the terminal, until the customer's name
   is on the screen; against the plain HTTP round trip of ``customer_info`` to the same server.
3. Peak memory (VmHWM) of the till process.

Screen polling (capture-pane every 5 ms) adds a few milliseconds to every figure alike.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

MINIMAL = (
    "from textual.app import App\n"
    "from textual.widgets import Static\n"
    "class Minimal(App):\n"
    "    def compose(self):\n"
    "        yield Static('Minimal app ready')\n"
    "Minimal().run()\n"
)
ACCOUNT = {"user_id": "john1970", "user_password": "1959caadac9b13dcb3", "account_id": "greatwidgets"}


class Session:
    def __init__(self, sock: Path, name: str) -> None:
        self.sock, self.name = sock, name

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-S", str(self.sock), *args], capture_output=True, text=True).stdout

    def start(self, command: str) -> float:
        started = time.perf_counter()
        self.tmux("new-session", "-d", "-s", self.name, "-x", "110", "-y", "32", command)
        return started

    def wait(self, text: str, since: float, timeout: float = 30) -> float:
        while time.perf_counter() - since < timeout:
            if text in self.tmux("capture-pane", "-p", "-t", self.name):
                return time.perf_counter() - since
            time.sleep(0.005)
        raise TimeoutError(f"{text!r} did not appear")

    def pid(self) -> int:
        return int(self.tmux("list-panes", "-t", self.name, "-F", "#{pane_pid}").strip())

    def kill(self) -> None:
        self.tmux("kill-session", "-t", self.name)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def env_prefix(values: dict[str, str]) -> str:
    return " ".join(f"{k}={v}" for k, v in values.items())


def peak_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scans", type=int, default=20)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    port = free_port()
    url = f"http://127.0.0.1:{port}/api.php"
    base = {
        "POS_TUI_DATA_DIR": str(tmp / "data"),
        "POS_TUI_CONFIG": str(tmp / "none.toml"),
        "TERM": "xterm-256color",
        "PATH": os.environ.get("PATH", ""),
    }
    live = {
        **base,
        "POS_TUI_API_URL": url,
        "POS_TUI_USER_ID": ACCOUNT["user_id"],
        "POS_TUI_ACCOUNT_ID": ACCOUNT["account_id"],
        "POS_TUI_API_KEY": ACCOUNT["user_password"],
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pos_tui",
            "sandbox",
            "--port",
            str(port),
            "--db",
            str(tmp / "s.db"),
            "--reset",
        ],
        env={**os.environ, **base},
        stderr=subprocess.DEVNULL,
    )
    (tmp / "minimal.py").write_text(MINIMAL)
    sock = tmp / "tmux.sock"
    commands = {
        "minimal": (f"{env_prefix(base)} {sys.executable} {tmp / 'minimal.py'}", "Minimal app ready"),
        "pos-tui": (f"{env_prefix(live)} {sys.executable} -m pos_tui", "Scan the customer's card"),
        "pos-tui demo": (f"{env_prefix(base)} {sys.executable} -m pos_tui demo", "Scan the customer's card"),
    }
    try:
        time.sleep(2)  # let the sandbox server start
        launch: dict[str, list[float]] = {name: [] for name in commands}
        for run in range(args.runs):  # interleaved, so all see the same machine load
            for name, (command, text) in commands.items():
                session = Session(sock, f"s{run}{len(launch[name])}{abs(hash(name)) % 1000}")
                launch[name].append(session.wait(text, session.start(command)))
                session.kill()
                time.sleep(0.2)
        print(f"launch to first screen, median of {args.runs} (tmux, 110x32):")
        base_time = statistics.median(launch["minimal"])
        for name, times in launch.items():
            median = statistics.median(times)
            print(f"  {name:13s} {median * 1000:7.0f} ms   {median / base_time:4.2f}x minimal")

        session = Session(sock, "scan")
        session.wait("Scan the customer's card", session.start(commands["pos-tui"][0]))
        cards = [("1212121212", "John Doe — card"), ("11112222", "Jane Doe — card")]
        scan_times, http_times = [], []
        for n in range(args.scans):
            card, text = cards[n % 2]
            started = time.perf_counter()
            session.tmux("send-keys", "-t", "scan", "-l", card + "\r")
            scan_times.append(session.wait(text, started))
            body = urllib.parse.urlencode({**ACCOUNT, "type": "customer_info", "card_number": card}).encode()
            started = time.perf_counter()
            with urllib.request.urlopen(urllib.request.Request(url, data=body)) as response:
                response.read()
            http_times.append(time.perf_counter() - started)
            time.sleep(1.1)  # past the duplicate-scan window
        scan, http = statistics.median(scan_times), statistics.median(http_times)
        print(
            f"scan to customer on screen, median of {args.scans}: {scan * 1000:.0f} ms; "
            f"plain HTTP customer_info round trip: {http * 1000:.0f} ms; "
            f"difference {(scan - http) * 1000:.0f} ms (target < 100 ms)"
        )
        print(f"peak memory of the live till: {peak_kib(session.pid()) / 1024:.0f} MiB")
        session.kill()
    finally:
        server.terminate()
        subprocess.run(["tmux", "-S", str(sock), "kill-server"], capture_output=True)


if __name__ == "__main__":
    main()
