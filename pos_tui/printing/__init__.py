"""Receipts, void slips and reports on ESC/POS thermal printers. Plain Python (no Textual).

    printer = Printer.from_settings(settings)       # or services.printer in the till
    printer.print_text(lines)                        # blocking: call it in a thread worker

:func:`print_text` is the one entry point for any text (an X/Z report, a void slip); receipts
count their copies with :meth:`Printer.next_copy` / :meth:`Printer.printed` so a reprint says
DUPLICATE. Faults are :class:`PrinterFault` with a message for the cashier.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
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
        self,
        target: PrinterTarget | str = "none",
        *,
        code_page: str = DEFAULT_CODE_PAGE,
        profile: str = "",
        copies_file: Path | None = None,
    ) -> None:
        self.target = parse_printer(target) if isinstance(target, str) else target
        self.code_page = check_code_page(code_page)
        self.profile = profile
        #: Where the copies printed are counted, so a reprint after a restart is still a DUPLICATE.
        self.copies_file = copies_file
        self._copies: dict[str, int] = _load_copies(copies_file)

    @classmethod
    def from_settings(cls, settings: Any, *, copies_file: Path | None = None) -> Printer:
        return cls(
            getattr(settings, "printer", "none"),
            code_page=getattr(settings, "printer_codepage", DEFAULT_CODE_PAGE),
            profile=getattr(settings, "printer_profile", ""),
            copies_file=copies_file,
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
        """A job for ``key`` reached the printer whole (blocking: it is kept on disk)."""
        self._copies[key] = self._copies.get(key, 0) + 1
        if self.copies_file is not None:
            self.copies_file.parent.mkdir(parents=True, exist_ok=True)
            partial = self.copies_file.with_suffix(".tmp")
            partial.write_text(json.dumps(self._copies), encoding="utf-8")
            os.replace(partial, self.copies_file)

    def __repr__(self) -> str:
        return f"Printer({str(self.target)!r}, code_page={self.code_page!r})"


def _load_copies(path: Path | None) -> dict[str, int]:
    """The copies printed so far (an unreadable file counts as none: the worst is an original
    marked as such twice, never a lost print)."""
    if path is None or not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): int(v) for k, v in data.items() if isinstance(v, int)}


def print_text(lines: Iterable[str] | str, printer: Printer | None = None) -> None:
    """Print any text (an X/Z report…) on ``printer`` or the configured one. Blocking."""
    if printer is None:
        from ..config.settings import load_settings

        printer = Printer.from_settings(load_settings())
    printer.print_text(lines)
