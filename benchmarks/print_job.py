"""What printing a receipt costs, against rendering it for the screen (run by hand).

    .venv/bin/python benchmarks/print_job.py

For the ten receipt shapes at 42 columns: the screen's render (baseline), the render folded into
CP858 plus the ESC/POS job built on python-escpos's Dummy, and sending the job to a file target.
Then how long a fault takes to show for a network printer that refuses the connection. Reported as
milliseconds per receipt and as a ratio to the baseline measured in the same run.
"""

from __future__ import annotations

import socket
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pos_tui.api.calls import decode  # noqa: E402
from pos_tui.printing import Printer, PrinterFault  # noqa: E402
from pos_tui.printing.text import load_escpos  # noqa: E402
from pos_tui.till.receipt import render_receipt  # noqa: E402
from tests.test_receipt import SHAPES  # noqa: E402

REFERENCE = ROOT / "tests" / "fixtures" / "reference"


def per_receipt(action, receipts, rounds: int = 30) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        for receipt in receipts:
            action(receipt)
    return (time.perf_counter() - start) / (rounds * len(receipts)) * 1000


def main() -> None:
    import logging

    logging.getLogger("pos_tui").setLevel(logging.ERROR)  # the refused connections below are expected
    started = time.perf_counter()
    load_escpos()
    print(f"python-escpos first load: {(time.perf_counter() - started) * 1000:.0f} ms (once, in a thread)")
    receipts = [
        decode(call, (REFERENCE / f"{name}.xml").read_bytes(), hint=hint).receipt
        for name, (call, hint, _) in SHAPES.items()
    ]
    printer = Printer("none")
    with tempfile.TemporaryDirectory() as tmp:
        to_file = Printer(f"file:{tmp}/lp0")
        screen = per_receipt(lambda r: render_receipt(r, width=42), receipts)
        job = per_receipt(lambda r: printer.job(render_receipt(r, width=42, fold=printer.fold)), receipts)
        sent = per_receipt(
            lambda r: to_file.print_text(render_receipt(r, width=42, fold=to_file.fold)), receipts
        )
    print(f"screen render        {screen:7.3f} ms/receipt  1.0x")
    print(f"render + fold + job  {job:7.3f} ms/receipt  {job / screen:.1f}x")
    print(f"... + sent to a file {sent:7.3f} ms/receipt  {sent / screen:.1f}x")
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
    refused = Printer(f"network:127.0.0.1:{port}")
    start = time.perf_counter()
    for _ in range(20):
        try:
            refused.print_text("x")
        except PrinterFault:
            pass
    print(f"fault from a refusing network printer: {(time.perf_counter() - start) / 20 * 1000:.2f} ms")


if __name__ == "__main__":
    main()
