"""What every ``pos-tui`` command shares: the exit codes, the error that carries one, the settings
load that turns a bad file into a usage error, and terminal-safe output."""

from __future__ import annotations

import json
import re
import sys
from typing import Any

_C1 = re.compile("[\x7f-\x9f]")

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_UNKNOWN, EXIT_QUEUED, EXIT_UNREACHABLE, EXIT_BUG = (
    0,
    1,
    2,
    3,
    4,
    5,
    70,
)


class CommandError(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def settings_error(exc: Exception) -> CommandError:
    return CommandError(str(exc), EXIT_USAGE)


def load_settings_or_exit() -> Any:
    from ..config.settings import SettingsError, load_settings

    try:
        return load_settings()
    except SettingsError as exc:
        raise settings_error(exc) from None


def read_input(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        with open(name, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise CommandError(f"{name}: {exc.strerror}", EXIT_USAGE) from None


def print_json(value: Any) -> None:
    """JSON for a terminal: every control character of the server's text escaped (JSON escapes
    those under 0x20 itself; DEL and the C1 controls, CSI among them, are escaped here)."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    sys.stdout.write(_C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def printable(text: str) -> str:
    """Text from outside, for a terminal: control characters (escape sequences) removed."""
    return "".join(ch if ch.isprintable() or ch in " \n" else " " for ch in text)
