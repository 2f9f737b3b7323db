"""``pos-tui printer test``: the test page on a file target, with the store header from account_info."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pos_tui.printing.text import SAMPLE_CHARACTERS
from pos_tui.sandbox.demo import ACCOUNT

from .sandbox_helpers import free_port, sandbox_server
from .test_printing import from_paper

ROOT = Path(__file__).resolve().parent.parent


def pos(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("POS_TUI_")}
    base.update(POS_TUI_DATA_DIR=str(tmp_path / "till"), POS_TUI_CONFIG=str(tmp_path / "c.toml"), **env)
    return subprocess.run(
        [sys.executable, "-m", "pos_tui", *args],
        capture_output=True,
        text=True,
        env=base,
        cwd=ROOT,
        timeout=120,
    )


def test_the_test_page_has_the_store_header_and_every_character(tmp_path):
    port = free_port()
    target = tmp_path / "lp0"
    account = {
        "POS_TUI_API_URL": f"http://127.0.0.1:{port}/api.php",
        "POS_TUI_USER_ID": ACCOUNT["user_id"],
        "POS_TUI_ACCOUNT_ID": ACCOUNT["id"],
        "POS_TUI_API_KEY": ACCOUNT["secret"],
        "POS_TUI_PRINTER": f"file:{target}",
        "POS_TUI_PRINTER_CODEPAGE": "cp1252",
    }
    with sandbox_server(tmp_path / "s.db", port):
        done = pos(tmp_path, "printer", "test", "--width", "32", **account)
    assert done.returncode == 0, done.stderr
    assert f"Printed the test page on file:{target} (code page CP1252, 32 columns)" in done.stdout
    paper, commands = from_paper(target.read_bytes(), "CP1252")
    assert commands[:2] == [b"\x1b@", b"\x1bt\x10"] and commands[-1].startswith(b"\x1dV")
    lines = paper.splitlines()
    assert lines[0].strip() == "Demo Business" and "1 Widget Way" in paper and "555-0100" in paper
    assert "12345678901234567890123456789012" in lines and max(len(line) for line in lines) <= 32
    for char in "€£¥—×éßÆØ":
        assert char in paper
    assert set(SAMPLE_CHARACTERS) - set(paper) == {"ł", "č"}  # not in CP1252: l and c, never "?"
    assert "?" not in paper.split("A ? or")[0]


def test_without_a_printer_or_with_a_bad_one(tmp_path):
    done = pos(tmp_path, "printer", "test")
    assert done.returncode == 2 and "no printer is set up" in done.stderr and "Traceback" not in done.stderr
    done = pos(tmp_path, "printer", "test", POS_TUI_PRINTER="usb:nope")
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "usb:VID:PID" in done.stderr
    with __import__("socket").create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
    done = pos(tmp_path, "printer", "test", "--printer", f"network:127.0.0.1:{port}")
    assert done.returncode == 6, done.stderr
    assert f"Cannot reach the printer (network:127.0.0.1:{port}): connection refused" in done.stderr
    assert "no store header on the test page" in done.stderr and "Traceback" not in done.stderr


def test_show_writes_the_page_without_a_printer(tmp_path):
    done = pos(tmp_path, "printer", "test", "--show", "--printer", "none")
    assert done.returncode == 0 and "PRINTER TEST" in done.stdout and "DUPLICATE 2" in done.stdout
    assert "€" in done.stdout  # CP858 holds it


def test_a_reader_that_goes_away_is_no_error(tmp_path):
    """`pos-tui printer test --show | head`: the reader closed the pipe; that is no fault of ours."""
    read, write = os.pipe()
    os.close(read)  # the reader has gone before the first line
    base = {k: v for k, v in os.environ.items() if not k.startswith("POS_TUI_")}
    base.update(POS_TUI_DATA_DIR=str(tmp_path / "till"), POS_TUI_CONFIG=str(tmp_path / "c.toml"))
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pos_tui", "printer", "test", "--show", "--printer", "none"],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            env=base,
            cwd=ROOT,
            timeout=120,
        )
    finally:
        os.close(write)
    assert done.returncode == 141, done.stderr
    assert "unexpected error" not in done.stderr and "Traceback" not in done.stderr
