"""The card reader at the App's door: every key passes the wedge before anything else sees it.

A reader types a card number as a burst of keys ending in Enter (a "keyboard wedge"). Both the
till and the kiosk read it the same way, so both derive from :class:`WedgeApp`, which owns the
key path; each says what a key typed by a person does (``deliver_key``) and what a scan does
(``card_read``). A person's key is held only until ``scan_gap`` shows no reader-fast key followed
it; keys of a burst shown before a stall are taken back when the scan completes (``take_back_key``).
"""

from __future__ import annotations

from textual import events
from textual._time import get_time  # the clock Textual stamps key events with
from textual.app import App
from textual.driver import Driver
from textual.message import Message

from ..till.cards import Held, WedgeBuffer
from . import readtime


class ReleaseTyping(Message):
    """Time to hand held keys on, if no faster key followed them."""


class WedgeApp(App[None]):
    """An App whose keys are read through a :class:`WedgeBuffer` first."""

    #: How long to wait for read keys still queued, while none of them arrives, before held keys
    #: are released anyway (a count gone wrong must not hold a person's keys for good).
    QUEUED_KEYS_PATIENCE = 1.0

    def __init__(self, scan_gap: float) -> None:
        super().__init__()
        self.wedge = WedgeBuffer(gap=scan_gap)
        self.keys_seen = 0  # keys handled, against readtime.keys_read(): are keys still queued?
        self._queued_wait: tuple[int, float] | None = None  # (keys_seen, since when) while waiting

    def get_driver_class(self) -> type[Driver]:
        readtime.install()  # a reader's burst keeps one time however busy the event loop is
        return super().get_driver_class()

    # What each app decides -----------------------------------------------------------------------

    def key_is_private(self, event: events.Key) -> bool:
        """A key that must never be read as part of a scan (nor logged): it goes straight on."""
        return False

    def key_arrived(self, event: events.Key) -> None:
        """Called for every key the wedge reads, before it is read."""

    async def deliver_key(self, held: Held) -> None:
        """A key a person typed: pass it on."""
        raise NotImplementedError

    def take_back_key(self, held: Held) -> None:
        """A key already delivered turned out to be the start of a scan."""

    def card_read(self, raw: str, at: float) -> None:
        """A reader's burst; ``at`` is its terminator key's timestamp."""
        raise NotImplementedError

    def release_delay(self) -> float:
        """How long after a held key to look whether a faster key followed it."""
        return self.wedge.gap + 0.002

    # The key path ---------------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if not isinstance(event, events.Key) or event.is_forwarded:  # a key bubbling back: seen
            await super().on_event(event)
            return
        self.keys_seen += 1  # every key the parser counted, a private one too
        if self.key_is_private(event):
            for held in [*self.wedge.release_all(), Held(event.key, event.character, event.time, event)]:
                await self.deliver_key(held)  # in order, behind the keys already on their way
            return
        self.key_arrived(event)
        released, scan = self.wedge.feed(Held(event.key, event.character, event.time, event))
        for held in released:
            await self.deliver_key(held)
        if self.wedge.undo is not None:
            self.take_back_key(self.wedge.undo)
        if scan is not None:
            self.card_read(scan, event.time)
        if self.wedge.held:
            # The timer only queues a message, so the release is handled after every key already
            # queued: a burst's keys, stamped microseconds apart, are all seen before it.
            self.set_timer(self.release_delay(), lambda: self.post_message(ReleaseTyping()))

    async def on_release_typing(self, message: ReleaseTyping) -> None:
        now = get_time()
        if self.wedge.run and self._keys_on_their_way(now):
            # Keys already read are still queued (a busy loop lags behind the reader, by seconds on
            # a throttled till): they, not the clock, say whether a fast key followed. Ask again
            # after them.
            self.set_timer(self.wedge.gap, lambda: self.post_message(ReleaseTyping()))
            return
        for held in self.wedge.flush(now):
            await self.deliver_key(held)

    def _keys_on_their_way(self, now: float) -> bool:
        """Keys read are not all handled yet, and they are still arriving: the wait runs out only
        after QUEUED_KEYS_PATIENCE with no key handled (measured from now, never from the keys'
        own time, which a lagging loop makes seconds old)."""
        if readtime.keys_read() <= self.keys_seen and not readtime.parsing():
            self._queued_wait = None
            return False
        if self._queued_wait is None or self._queued_wait[0] != self.keys_seen:
            self._queued_wait = (self.keys_seen, now)
        return now - self._queued_wait[1] < self.QUEUED_KEYS_PATIENCE
