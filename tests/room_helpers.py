"""A real ``pos-tui serve`` on loopback for the training-room tests (and the benchmark)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PASSWORD = "tiger lily 7"


class Room:
    def __init__(self, process: subprocess.Popen[str], url: str, tmp: Path) -> None:
        self.process = process
        self.url = url
        self.tmp = tmp
        self.lines: list[str] = []

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://") + "ws"

    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for_line(self, pattern: str, timeout: float = 20.0) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                found = re.search(pattern, line)
                if found:
                    return found
            time.sleep(0.05)
        raise AssertionError(f"no line matching {pattern!r} in the trainer's view:\n{self.output()}")

    def session_pids(self) -> list[int]:
        """The room's child processes, from /proc (the session processes)."""
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    pids.append(int(entry.name))
        return pids

    def room_dirs(self) -> list[Path]:
        return sorted(self.tmp.glob("pos-tui-room-*"))

    def session_dirs(self) -> list[Path]:
        return sorted(self.tmp.glob("pos-tui-room-*/session-*"))


@contextmanager
def running_room(
    tmp: Path, *args: str, password: str | None = PASSWORD, env: dict[str, str] | None = None
) -> Iterator[Room]:
    command = [sys.executable, "-m", "pos_tui", "serve", "--port", "0", *args]
    if password is not None:
        secret = tmp / "room-password.txt"
        secret.write_text(password + "\n")
        command += ["--password-file", str(secret)]
    environment = {**os.environ, "TMPDIR": str(tmp), **(env or {})}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    match = re.search(r"training room at (http://\S+/)", first)
    if not match:
        process.kill()
        raise AssertionError(f"pos-tui serve did not start: {first}{process.stdout.read()}")
    room = Room(process, match.group(1), tmp)
    room.lines.append(first.rstrip("\n"))

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            room.lines.append(line.rstrip("\n"))

    threading.Thread(target=pump, daemon=True).start()
    try:
        yield room
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
