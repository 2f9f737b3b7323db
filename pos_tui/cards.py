"""What a card reader sends, and what the till makes of it. Plain Python.

A keyboard-wedge reader "types" the card and presses Enter (some send Tab, or CR LF). Barcode
and NFC readers send the number itself (any string: hex UIDs such as ``1540280f`` too);
magstripe readers send track data: ``%B<number>^NAME^…?`` (track 1) and/or
``;<number>=…?`` (track 2). A failed read is ``%E?`` or ``;E?``.

:class:`WedgeBuffer` tells a reader's burst from a person typing: a reader's keys arrive
microseconds apart, a person's tens of milliseconds apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Lives in the API layer (it logs cards too and imports nothing of ours); re-exported here.
from .api.masking import mask_card as mask_card

_TRACK1 = re.compile(r"%[Bb]([^^?]{1,79})\^")
_TRACK2 = re.compile(r";([^=?]{1,37})[=?]")
_FAILED = re.compile(r"^[%;+]?E\??$")
_ALLOWED = re.compile(r"^[A-Za-z0-9._/-]{1,64}$")


@dataclass(frozen=True)
class CardRead:
    """The outcome of one read: a card number, or a reason it could not be used."""

    number: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.number)


def parse_card(raw: str) -> CardRead:
    """The card number in what a reader (or a person) typed."""
    text = raw.strip().strip("\x00")
    if not text:
        return CardRead(error="Nothing was read")
    if _FAILED.match(text) or text.upper() in {"%E?", ";E?", "%E?;E?"}:
        return CardRead(error="The card could not be read: swipe again")
    if text[0] in "%;":
        for pattern in (_TRACK1, _TRACK2):
            match = pattern.search(text)
            if match and match.group(1).strip():
                return _checked(match.group(1).strip().replace(" ", ""))
        return CardRead(error="The card could not be read: swipe again")
    return _checked(text)


def _checked(number: str) -> CardRead:
    if not _ALLOWED.match(number):
        return CardRead(error="That is not a card number")
    return CardRead(number=number)


# The wedge ---------------------------------------------------------------------------------

TERMINATORS = frozenset({"enter", "tab", "ctrl+m", "ctrl+j"})


@dataclass
class Held:
    """A key the buffer holds back while it decides whether it is part of a scan."""

    key: str
    character: str | None
    time: float
    event: object = None


@dataclass
class WedgeBuffer:
    """Split a stream of keys into scans and ordinary typing.

    Feed every key with its arrival time. Printable keys are held while a run lasts (no pause
    longer than ``max_gap``). A terminator (Enter, Tab, CR, LF) ends a scan when the run has at
    least ``min_length`` characters and its *median* gap is at most ``gap``: a reader's keys come
    microseconds apart, and one stall (a busy machine) does not split its burst; a person's come
    tens of milliseconds apart. Two gaps over ``2 * gap`` in a row show a person: the keys are
    released at once. ``flush`` releases keys that nothing followed within ``max_gap``.
    """

    gap: float = 0.03
    max_gap: float = 0.25  # a loaded 2-core till stalled a reader's burst for 100 ms and more
    min_length: int = 4
    held: list[Held] = field(default_factory=list)
    last_scan_end: float = -1.0

    def feed(self, key: Held) -> tuple[list[Held], str | None]:
        """Returns (keys to pass on as typing, a completed scan or None)."""
        released: list[Held] = []
        if self.held and key.time - self.held[-1].time > self.max_gap:
            released, self.held = self.held, []
        if key.key in TERMINATORS:
            if not self.held and 0 <= self.last_scan_end and key.time - self.last_scan_end <= self.gap:
                self.last_scan_end = key.time  # the LF of a CR LF, or a reader's Tab after Enter
                return released, None
            if len(self.held) >= self.min_length and self._median_gap(key) <= self.gap:
                scan = "".join(h.character or "" for h in self.held)
                self.held = []
                self.last_scan_end = key.time
                return released, scan
            released += self.held + [key]
            self.held = []
            return released, None
        if key.character is not None and key.character.isprintable() and len(key.character) == 1:
            self.held.append(key)
            times = [h.time for h in self.held[-3:]]
            slow = 2 * self.gap  # a person: tens of milliseconds a key, twice running
            if len(times) == 3 and times[1] - times[0] > slow and times[2] - times[1] > slow:
                released += self.held  # a person typing
                self.held = []
            return released, None
        released += self.held + [key]
        self.held = []
        return released, None

    def _median_gap(self, terminator: Held) -> float:
        times = [h.time for h in self.held] + [terminator.time]
        gaps = sorted(b - a for a, b in zip(times, times[1:], strict=False))
        return gaps[len(gaps) // 2]

    def flush(self, now: float) -> list[Held]:
        """Release held keys if no key followed them within ``max_gap`` (a person typing)."""
        if self.held and now - self.held[-1].time > self.max_gap:
            released, self.held = self.held, []
            return released
        return []
