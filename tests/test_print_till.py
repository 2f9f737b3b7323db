"""Printing from the receipt screen: in a worker, DUPLICATE on reprints, faults within a second,
and a failed print never repeats the write."""

from __future__ import annotations

import json
import time

import escpos.printer
from textual.widgets import Static

from pos_tui.printing import Printer
from pos_tui.tui.screens.confirm import ConfirmScreen
from pos_tui.tui.screens.receipt import ReceiptScreen
from screenshots.scenes import till as scenes

from .test_printing import from_paper
from .test_till import approve_with_pin
from .till_helpers import make_app, until

SIZE = (100, 36)


def paper_on_screen(app) -> str:
    return str(app.screen.query_one("#paper", Static).render())


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


def printed(path) -> str:
    text, commands = from_paper(path.read_bytes(), "CP858")
    assert commands[:2] == [b"\x1b@", b"\x1bt\x13"]  # CP858 selected before any text
    return text.rstrip("\n") + "\n"


def writes_sent(log) -> int:
    return sum(json.loads(line)["call"] == "record_activity" for line in log.read_text().splitlines())


async def to_receipt(pilot) -> None:
    await scenes.receipt(pilot)
    await until(pilot, lambda: pilot.app.services.store is not None)  # the header, from account_info
    await pilot.pause(0.05)


async def test_p_prints_the_screen_and_a_reprint_says_duplicate(tmp_path):
    app = make_app(tmp_path)
    target = tmp_path / "lp0"
    app.services.printer = Printer(f"file:{target}")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await to_receipt(pilot)
        screen = paper_on_screen(app)
        assert "Demo Business" in screen and "1 Widget Way" in screen and "Anytown" in screen
        await pilot.press("p")
        await until(pilot, lambda: "Printed." in messages(app))
        first = printed(target)
        assert first == screen.replace("—", "-") and "DUPLICATE" not in first
        for copy in (1, 2):
            await pilot.press("p")
            await until(pilot, lambda copy=copy: f"Printed (DUPLICATE {copy})." in messages(app))
            lines = printed(target).rstrip("\n").splitlines()
            assert lines[0].strip() == "TRAINING - NOT A RECEIPT" and lines[2].strip() == f"DUPLICATE {copy}"
            assert (
                lines[-3].strip() == f"DUPLICATE {copy}" and lines[-1].strip() == "TRAINING - NOT A RECEIPT"
            )
        assert paper_on_screen(app) == screen  # the screen shows the receipt, not a copy


class BreaksMidJob(escpos.printer.File):
    """A device file that takes the first 200 bytes and then fails (a printer unplugged mid-receipt)."""

    broken = True

    def _raw(self, msg: bytes) -> None:
        if self.broken and self.device.tell() + len(msg) > 200:
            self.device.write(msg[: 200 - self.device.tell()])
            self.device.flush()
            raise OSError(5, "Input/output error")
        super()._raw(msg)


async def test_a_printer_failing_mid_job_shows_the_fault_and_the_write_was_sent_once(tmp_path, monkeypatch):
    import pos_tui.printing.target as target_module

    monkeypatch.setattr(target_module, "_CHUNK", 64)
    monkeypatch.setattr(escpos.printer, "File", BreaksMidJob)
    log = tmp_path / "requests.jsonl"
    app = make_app(tmp_path, request_log=log)
    target = tmp_path / "lp0"
    app.services.printer = Printer(f"file:{target}")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await to_receipt(pilot)
        screen = paper_on_screen(app)
        started = time.monotonic()
        await pilot.press("p")
        await until(pilot, lambda: any("middle of the receipt" in m for m in messages(app)))
        # No retry or timer of seconds stands between the fault and the screen (a loaded machine is
        # slower; the figure, well under a second, is measured by benchmarks/print_job.py).
        assert time.monotonic() - started < 5.0
        assert target.stat().st_size == 200  # half a receipt came out
        assert isinstance(app.screen, ReceiptScreen) and paper_on_screen(app) == screen
        assert not app.busy and writes_sent(log) == 1

        BreaksMidJob.broken = False  # the cashier fixes the printer and prints again
        try:
            await pilot.press("p")
            await until(pilot, lambda: "Printed." in messages(app))
        finally:
            BreaksMidJob.broken = True
        assert printed(target) == screen.replace("—", "-")  # the original: the failed job was no copy
        await pilot.pause(0.2)
        assert writes_sent(log) == 1


async def test_printing_does_not_block_the_screen(tmp_path, monkeypatch):
    import threading

    release = threading.Event()

    class SlowFile(escpos.printer.File):
        def _raw(self, msg: bytes) -> None:
            release.wait(5)  # a printer busy feeding paper
            super()._raw(msg)

    monkeypatch.setattr(escpos.printer, "File", SlowFile)
    app = make_app(tmp_path)
    app.services.printer = Printer(f"file:{tmp_path / 'lp0'}")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await to_receipt(pilot)
        await pilot.press("p")
        await until(pilot, lambda: app.busy == "Printing…")
        await pilot.press("w")  # the screen still answers while the job is stuck
        await until(pilot, lambda: "Paper width 48 columns" in messages(app))
        await pilot.press("p")
        await until(pilot, lambda: "Already printing…" in messages(app))
        release.set()
        await until(pilot, lambda: "Printed." in messages(app))
        assert not app.busy


async def test_without_a_printer_p_says_how_to_set_one_up(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await to_receipt(pilot)
        await pilot.press("p")
        await until(pilot, lambda: any("No printer is set up" in m for m in messages(app)))


async def test_after_a_void_p_prints_the_void_slip(tmp_path):
    app = make_app(tmp_path)
    target = tmp_path / "lp0"
    app.services.printer = Printer(f"file:{target}")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await to_receipt(pilot)
        transaction = app.screen.receipt.transaction_id
        await pilot.press("p")
        await until(pilot, lambda: "Printed." in messages(app))
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await approve_with_pin(pilot)  # a void takes the manager's PIN
        await until(pilot, lambda: isinstance(app.screen, ReceiptScreen) and app.screen.voided)
        slip = paper_on_screen(app)
        assert slip.splitlines()[2].strip() == "VOID — TRANSACTION REVERSED"
        await pilot.press("p")
        await until(pilot, lambda: messages(app).count("Printed.") == 2)  # the slip's first copy
        paper = printed(target)
        assert paper == slip.replace("—", "-") and transaction in paper and "DUPLICATE" not in paper


def test_the_readme_pictures_of_a_print_fault_show_the_fault():
    # screenshots/generate.py ran its scenes with Textual's test default (notifications off), so
    # the README's "fault on screen" showed a plain receipt and no fault at all.
    from pathlib import Path

    folder = Path(__file__).resolve().parent.parent / "screenshots"
    for name in ("receipt-print-fault.svg", "receipt-print-fault-80x24.svg"):
        svg = (folder / name).read_text(encoding="utf-8")
        assert "Not&#160;printed" in svg and "Cannot&#160;reach" in svg, name
