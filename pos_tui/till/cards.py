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
from ..api.masking import mask_card as mask_card

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
    """One key as the wedge sees it. ``snapshot`` is set by whoever delivers the key: what the
    focused field held just before it, so that the key can be taken back if it was a scan's."""

    key: str
    character: str | None
    time: float
    event: object = None
    snapshot: object = None


@dataclass
class WedgeBuffer:
    """Split a stream of keys into scans and ordinary typing, by the keys' own timestamps.

    A reader's keys come microseconds apart (a few ms for a USB reader); a person's tens to
    hundreds of milliseconds apart. A printable key is held only until ``gap`` has passed with no
    faster key following it (``flush``), so a person's key shows within ``gap``; keys following
    each other within ``gap`` stay held until a terminator (Enter, Tab, CR, LF) makes them a scan,
    or until they turn out to be typing.

    A scan is the *fast tail* of the run before the terminator: the keys back from the terminator
    while each gap is at most ``gap``. A busy machine can stall a burst (up to ``max_gap``); a
    segment before such a stall joins the scan when it is itself a fast run of two keys or more
    (a reader's), never when it is one key (a person's ``7`` typed just before a scan stays the
    person's). Keys of a scan already shown before a stall are taken back: after ``feed``,
    ``undo`` names the first of them (restore the field to its ``snapshot``).
    """

    gap: float = 0.03
    max_gap: float = 0.25  # a loaded 2-core till stalled a reader's burst for 100 ms and more
    min_length: int = 4
    held: list[Held] = field(default_factory=list)
    #: The printable keys of the current run (shown ones, then held ones), within ``max_gap``.
    run: list[Held] = field(default_factory=list)
    last_scan_end: float = -1.0
    undo: Held | None = None

    def feed(self, key: Held) -> tuple[list[Held], str | None]:
        """Returns (keys to pass on as typing, a completed scan or None); sets ``undo``."""
        self.undo = None
        released: list[Held] = []
        if self.run and key.time - self.run[-1].time > self.max_gap:
            released, self.held, self.run = self.held, [], []
        if key.key in TERMINATORS:
            if not self.run and 0 <= self.last_scan_end and key.time - self.last_scan_end <= self.gap:
                self.last_scan_end = key.time  # the LF of a CR LF, or a reader's Tab after Enter
                return released, None
            start = self._scan_start(key)
            if start is None:
                released += self.held + [key]
                self.held, self.run = [], []
                return released, None
            held_from = len(self.run) - len(self.held)
            if start < held_from:
                self.undo = self.run[start]  # shown before a stall: take them back
            else:
                released += self.held[: start - held_from]  # a person's keys before the scan
            scan = "".join(h.character or "" for h in self.run[start:])
            self.held, self.run = [], []
            self.last_scan_end = key.time
            return released, scan
        if key.character is not None and key.character.isprintable() and len(key.character) == 1:
            if self.held and key.time - self.held[-1].time > self.gap:
                released += self.held  # not followed fast: typing (kept in the run)
                self.held = []
            self.held.append(key)
            self.run.append(key)
            del self.run[:-128]
            return released, None
        released += self.held + [key]
        self.held, self.run = [], []
        return released, None

    def _scan_start(self, terminator: Held) -> int | None:
        """Where in ``run`` the scan ending at ``terminator`` starts (None: no scan)."""
        times = [h.time for h in self.run] + [terminator.time]
        start = len(self.run)
        while start > 0 and times[start] - times[start - 1] <= self.gap:
            start -= 1
        while start > 0:  # a stall: join the segment before it if that is a reader's too
            before = start - 1
            while before > 0 and times[before] - times[before - 1] <= self.gap:
                before -= 1
            if start - before < 2:
                break
            start = before
        return start if len(self.run) - start >= self.min_length else None

    def flush(self, now: float) -> list[Held]:
        """Release held keys that no key followed within ``gap`` (a person typing)."""
        if self.run and now - self.run[-1].time > self.max_gap:
            self.run = [] if not self.held else self.run
        if self.held and now - self.held[-1].time > self.gap:
            released, self.held = self.held, []
            return released
        return []

    def release_all(self) -> list[Held]:
        """Everything held, now (the focus moved to a field that is never read as a scan)."""
        released, self.held, self.run = self.held, [], []
        return released
