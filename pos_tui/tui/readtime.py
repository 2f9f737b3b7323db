"""Keys stamped with the time their bytes were read, not the time each key was parsed.

Textual's input thread reads the terminal (up to 4 KB at a time), parses the bytes into keys and
posts each one; every key's ``time`` is taken when its event is created. While the event loop is
busy, the interpreter lets the input thread run only in slices, so the keys of *one* read come out
milliseconds apart: a reader's ``80000001⏎`` (one write, one read) can look like a person's ``8``
followed by a reader's ``0000001⏎``. The wedge tells a reader from a person by these times, so all
the keys of one read get the read's time. Keys of separate reads keep separate times.

The parser also counts the keys it has read, and says while it is still parsing a read, so the
app can tell whether keys are still on their way to it: "no key followed within the gap" can only
be decided once every key read is handled.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual import events
from textual._time import get_time
from textual._xterm_parser import XTermParser

_keys_read = 0  # these three are written by the input thread only
_reads_begun = 0
_reads_done = 0


def keys_read() -> int:
    """How many keys the terminal's input thread has parsed so far."""
    return _keys_read


def parsing() -> bool:
    """The input thread is between the keys of one read: more of them may follow at once."""
    return _reads_begun != _reads_done


class ReadTimeParser(XTermParser):
    """:class:`XTermParser` whose keys carry the time of the read they came from."""

    def feed(self, data: str) -> Iterable[Any]:
        global _keys_read, _reads_begun, _reads_done
        read_at = get_time()
        _reads_begun += 1
        try:
            for token in super().feed(data):
                if isinstance(token, events.Key):
                    token.time = read_at
                    _keys_read += 1
                yield token
        finally:
            _reads_done += 1


def install() -> None:
    """Make the terminal and web drivers parse with :class:`ReadTimeParser` (idempotent)."""
    import importlib

    for name in ("textual.drivers.linux_driver", "textual.drivers.web_driver"):
        try:
            module = importlib.import_module(name)
        except ImportError:  # no termios (Windows): that driver is not used
            continue
        if getattr(module, "XTermParser", None) is XTermParser:
            module.XTermParser = ReadTimeParser  # type: ignore[attr-defined]
