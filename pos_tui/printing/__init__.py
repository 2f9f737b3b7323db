"""Receipts, void slips and reports on ESC/POS thermal printers. Plain Python (no Textual).

    printer = Printer.from_settings(settings)       # or services.printer in the till
    printer.print_text(lines)                        # blocking: call it in a thread worker

:func:`print_text` is the one entry point for any text (an X/Z report, a void slip); receipts
count their copies with :meth:`Printer.next_copy` / :meth:`Printer.printed` so a reprint says
DUPLICATE. Faults are :class:`PrinterFault` with a message for the cashier.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .target import PrinterFault, PrinterTarget, parse_printer, send
from .text import CODE_PAGES, DEFAULT_CODE_PAGE, build_job, check_code_page, folder

__all__ = [
    "CODE_PAGES",
    "DEFAULT_CODE_PAGE",
    "Printer",
    "PrinterFault",
    "PrinterTarget",
    "build_job",
    "check_code_page",
    "folder",
    "parse_printer",
    "print_text",
]


class Printer:
    """One configured printer: where it is, its code page and python-escpos profile, its copies."""

    def __init__(
        self, target: PrinterTarget | str = "none", *, code_page: str = DEFAULT_CODE_PAGE, profile: str = ""
    ) -> None:
        self.target = parse_printer(target) if isinstance(target, str) else target
        self.code_page = check_code_page(code_page)
        self.profile = profile
        self._copies: dict[str, int] = {}

    @classmethod
    def from_settings(cls, settings: Any) -> Printer:
        return cls(
            getattr(settings, "printer", "none"),
            code_page=getattr(settings, "printer_codepage", DEFAULT_CODE_PAGE),
            profile=getattr(settings, "printer_profile", ""),
        )

    @property
    def enabled(self) -> bool:
        return self.target.enabled

    def fold(self, text: str) -> str:
        """The text as this printer's code page will print it."""
        return folder(self.code_page)(text)

    def job(self, text: str) -> bytes:
        return build_job(text, code_page=self.code_page, profile=self.profile)

    def print_text(self, lines: Iterable[str] | str) -> None:
        """Print text (a string, or lines) and cut. Blocking; raises :class:`PrinterFault`."""
        text = lines if isinstance(lines, str) else "\n".join(lines)
        send(self.job(text), self.target, profile=self.profile)

    # copies: the first complete print is the original, every later one a DUPLICATE n
    def next_copy(self, key: str) -> int:
        """0 when nothing was printed for ``key`` yet, else the number the next duplicate carries."""
        return self._copies.get(key, 0)

    def printed(self, key: str) -> None:
        """A job for ``key`` reached the printer whole."""
        self._copies[key] = self._copies.get(key, 0) + 1

    def __repr__(self) -> str:
        return f"Printer({str(self.target)!r}, code_page={self.code_page!r})"


def print_text(lines: Iterable[str] | str, printer: Printer | None = None) -> None:
    """Print any text (an X/Z report…) on ``printer`` or the configured one. Blocking."""
    if printer is None:
        from ..settings import load_settings

        printer = Printer.from_settings(load_settings())
    printer.print_text(lines)
