"""``pos-tui printer test``: a test page with the store header and every character receipts use."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import textwrap
from typing import Any

log = logging.getLogger("pos_tui.cli")

EXIT_PRINTER = 6  # the printer could not print (offline, no paper, cover open, unreachable)


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    printer = commands.add_parser("printer", help="the receipt printer: 'test' prints a test page")
    printer.add_argument("action", choices=["test"])
    printer.add_argument("--printer", help="this printer instead of the configured one (e.g. file:/tmp/x)")
    printer.add_argument("--width", type=int, choices=[32, 42, 48], help="columns (default: receipt_width)")
    printer.add_argument("--show", action="store_true", help="also write the page to standard output")


def printer_command(args: argparse.Namespace) -> int:
    from ..config.logs import setup_logging
    from ..printing import Printer, PrinterFault, parse_printer
    from .common import EXIT_OK, EXIT_USAGE, CommandError, load_settings_or_exit

    settings = load_settings_or_exit()
    setup_logging()
    try:
        target = parse_printer(args.printer) if args.printer else parse_printer(settings.printer)
    except ValueError as exc:
        raise CommandError(f"--printer {exc}", EXIT_USAGE) from None
    printer = Printer(target, code_page=settings.printer_codepage, profile=settings.printer_profile)
    if not printer.enabled and not args.show:
        raise CommandError(
            "no printer is set up: set printer in the settings file or POS_TUI_PRINTER "
            "(usb:VID:PID, serial:DEVICE, network:HOST:9100, file:PATH, cups:NAME), "
            "or give --printer file:/tmp/receipt.bin to try without one",
            EXIT_USAGE,
        )
    width = args.width or settings.receipt_width
    header, problem = _store_header(settings)
    if problem:
        print(f"pos-tui: no store header on the test page: {problem}", file=sys.stderr)
    text = test_page(header, printer, width)
    if args.show:  # what the paper will say, in the printer's code page
        sys.stdout.write(printer.fold(text))
        if not printer.enabled:
            return EXIT_OK
    try:
        printer.print_text(text)
    except PrinterFault as exc:
        raise CommandError(str(exc), EXIT_PRINTER) from None
    print(f"Printed the test page on {printer.target} (code page {printer.code_page}, {width} columns).")
    return EXIT_OK


def test_page(header: Any, printer: Any, width: int) -> str:
    """The page: store header, the printer's settings, a ruler, every character receipts use."""
    from ..printing.text import RECEIPT_CHARACTERS, SAMPLE_CHARACTERS
    from ..till.receipt import DUPLICATE_MARK, TRAINING_MARK, VOID_MARK

    lines: list[str] = []

    def center(text: str) -> None:
        lines.extend(line.center(width).rstrip() for line in textwrap.wrap(printer.fold(text), width))

    if header is not None:
        center(header.name)
        for line in header.lines:
            center(line)
    center("PRINTER TEST")
    lines.append("-" * width)
    for line in (
        f"Printer    {printer.target}",
        f"Code page  {printer.code_page}",
        f"Width      {width} columns",
    ):
        lines += textwrap.wrap(printer.fold(line), width, subsequent_indent="  ")
    lines.append("".join(str(i % 10) for i in range(1, width + 1)))  # the last digit touches the edge
    lines.append("-" * width)
    lines.append("Receipt characters:")
    lines.append(printer.fold("  " + " ".join(RECEIPT_CHARACTERS)))
    lines.append("Names and notes:")
    lines += textwrap.wrap(
        printer.fold(SAMPLE_CHARACTERS), width, initial_indent="  ", subsequent_indent="  "
    )
    lines.append("Money:")
    lines += textwrap.wrap(printer.fold("€1,234.50 £9.95 ¥500 $14.95"), width, initial_indent="  ")
    lines.append("-" * width)
    for mark in (TRAINING_MARK, f"{DUPLICATE_MARK} 2", VOID_MARK):
        center(mark)
    lines.append("-" * width)
    lines += textwrap.wrap(
        "A ? or a wrong symbol above means the printer's code page differs: set printer_codepage "
        "(CP858, CP1252, CP437…) or printer_profile.",
        width,
    )
    return "\n".join(lines) + "\n"


def _store_header(settings: Any) -> tuple[Any, str]:
    """The store header from account_info, or why there is none (no account, no network)."""
    from ..config.settings import NotConfigured
    from ..services import client_from_settings
    from ..till.receipt import StoreHeader

    async def read() -> Any:
        api = client_from_settings(settings)
        try:
            return await asyncio.wait_for(api.account_info(), timeout=settings.read_timeout + 5)
        finally:
            await api.aclose()

    try:
        info = asyncio.run(read())
    except NotConfigured as exc:
        return None, str(exc)
    except Exception as exc:  # the page is still useful without the header
        log.info("account_info for the test page failed", exc_info=True)
        return None, f"account_info failed ({type(exc).__name__}: {exc})"
    return StoreHeader.from_account(info.account), ""
