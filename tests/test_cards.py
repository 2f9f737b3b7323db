"""Card input: magstripe tracks, failed reads, and telling a reader's burst from a person typing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_tui.till.cards import Held, WedgeBuffer, parse_card


@pytest.mark.parametrize(
    "raw, number",
    [
        ("1212121212", "1212121212"),
        ("1540280f", "1540280f"),
        ("%B6009123412341234^DOE/JOHN^2512101000000000?", "6009123412341234"),
        (";6009123412341234=25121010000000000000?", "6009123412341234"),
        ("%B6009123412341234^DOE/JOHN^2512?;6009123412341234=2512?", "6009123412341234"),
        ("  89898989898989 ", "89898989898989"),
    ],
)
def test_card_numbers(raw, number):
    assert parse_card(raw).number == number


@pytest.mark.parametrize("raw", ["%E?", ";E?", "%E?;E?", "E?", "%B^?", "%"])
def test_failed_reads_ask_to_swipe_again(raw):
    read = parse_card(raw)
    assert not read.ok and "swipe again" in read.error


@pytest.mark.parametrize("raw", ["", "   ", "9,95", "hello world", "a" * 65])
def test_not_card_numbers(raw):
    assert not parse_card(raw).ok


class Field:
    """What the focused field holds: the keys delivered to it, minus those taken back."""

    def __init__(self) -> None:
        self.text: list[str] = []

    def deliver(self, held: list[Held]) -> None:
        for h in held:
            h.snapshot = len(self.text)
            self.text.append(h.key)

    def take_back(self, buffer: WedgeBuffer) -> None:
        if buffer.undo is not None:
            del self.text[buffer.undo.snapshot :]  # type: ignore[arg-type]


def feed(buffer: WedgeBuffer, text: str, start: float, step: float) -> tuple[list[str], list[str]]:
    field, scans = Field(), []
    t = start
    for ch in text:
        key = {"\r": "enter", "\n": "ctrl+j", "\t": "tab"}.get(ch, ch)
        released, scan = buffer.feed(Held(key, ch if key == ch else None, t))
        field.deliver(released)
        field.take_back(buffer)
        if scan is not None:
            scans.append(scan)
        t += step
    field.deliver(buffer.flush(t + 1))
    return field.text, scans


CARD = st.text(alphabet="0123456789abcdefABCDEF%^;=?/", min_size=4, max_size=40)


@given(cards=st.lists(CARD, min_size=1, max_size=50), terminator=st.sampled_from(["\r", "\t", "\r\n"]))
def test_back_to_back_scans_are_never_merged_split_or_short(cards, terminator):
    stream = "".join(card + terminator for card in cards)
    typed, scans = feed(WedgeBuffer(), stream, 0.0, 0.0002)  # 5,000 keys a second
    assert scans == cards
    assert typed == []


@given(text=st.text(alphabet="0123456789.,", min_size=1, max_size=12))
def test_a_person_typing_is_never_a_scan(text):
    typed, scans = feed(WedgeBuffer(), text + "\r", 0.0, 0.06)
    assert scans == []
    assert typed == list(text) + ["enter"]


def test_short_fast_runs_are_typing():
    typed, scans = feed(WedgeBuffer(), "12\r", 0.0, 0.0001)
    assert scans == [] and typed == ["1", "2", "enter"]


def test_typing_then_a_scan():
    buffer = WedgeBuffer()
    typed, _ = feed(buffer, "9,", 0.0, 0.1)
    assert typed == ["9", ","]
    typed, scans = feed(buffer, "1212121212\r", 5.0, 0.0001)
    assert scans == ["1212121212"] and typed == []


@pytest.mark.parametrize("typed_first", ["7", "72", "723"])
@pytest.mark.parametrize("pause", [0.035, 0.1, 0.15, 0.24])
def test_a_scan_right_after_a_persons_keys_is_whole_and_never_mixed(typed_first, pause):
    """Issue 13: ``7`` then a scan within 250 ms was read as card 71212121212; two keys then a
    scan as 212121212. A person types one key every ~150 ms; the reader follows ``pause`` later."""
    buffer, field, scans, t = WedgeBuffer(), Field(), [], 0.0
    for ch in typed_first:
        released, _ = buffer.feed(Held(ch, ch, t))
        field.deliver(released)
        t += 0.15
    t += pause - 0.15
    for ch in "1212121212\r":
        released, scan = buffer.feed(Held("enter" if ch == "\r" else ch, None if ch == "\r" else ch, t))
        field.deliver(released)
        field.take_back(buffer)
        scans += [scan] if scan else []
        t += 0.0002
    field.deliver(buffer.flush(t + 1))
    assert scans == ["1212121212"]
    assert field.text == list(typed_first)


@given(cards=st.lists(CARD, min_size=1, max_size=20), data=st.data())
def test_one_stall_inside_a_burst_does_not_split_it(cards, data):
    """A busy machine may stamp part of a burst up to 100 ms late; the scan stays whole and what
    was shown before the stall is taken back. (A stall after the burst's *first* key cannot be
    told from a person's key followed by a scan; the person wins: see the test above.)"""
    buffer, field, scans, t = WedgeBuffer(), Field(), [], 0.0
    for card in cards:
        stall = data.draw(st.integers(2, len(card)))
        for index, ch in enumerate(card + "\r"):
            t += 0.1 if index == stall else 0.0003
            released, scan = buffer.feed(Held("enter" if ch == "\r" else ch, None if ch == "\r" else ch, t))
            field.deliver(released)
            if data.draw(st.booleans()):  # the till's timer may show the keys during the stall
                field.deliver(buffer.flush(t + 0.05))
            field.take_back(buffer)
            scans += [scan] if scan else []
        t += 0.3
    assert scans == cards and field.text == []


def test_a_persons_key_is_released_once_nothing_fast_followed_it():
    buffer = WedgeBuffer()
    assert buffer.feed(Held("1", "1", 0.0)) == ([], None)
    assert buffer.flush(0.01) == []  # a reader's next key could still come
    assert [h.key for h in buffer.flush(0.0 + buffer.gap + 0.001)] == ["1"]
    released, _ = buffer.feed(Held("2", "2", 0.15))
    assert released == []
    released, _ = buffer.feed(Held("3", "3", 0.30))  # the next key shows a slow gap: 2 is typing
    assert [h.key for h in released] == ["2"]


def test_the_keys_of_one_read_share_the_read_time(monkeypatch):
    """The input thread may be paused between the keys of one read (a busy event loop holds the
    interpreter); each key's own creation time then drifts, and a reader's burst looks like a
    person's first key plus a scan. Every key of one read carries the read's time."""
    from textual import _time, events

    from pos_tui.tui import readtime

    ticks = iter(range(1000))
    clock = lambda: next(ticks) * 0.1  # noqa: E731  - every call 100 ms later: a starved thread
    monkeypatch.setattr(_time, "get_time", clock)
    monkeypatch.setattr(readtime, "get_time", clock)
    parser = readtime.ReadTimeParser()
    first = [e for e in parser.feed("80000001\r") if isinstance(e, events.Key)]
    second = [e for e in parser.feed("42") if isinstance(e, events.Key)]
    assert [e.character for e in first] == list("80000001\r")
    assert len({e.time for e in first}) == 1
    assert len({e.time for e in second}) == 1 and second[0].time > first[0].time
    wedge = WedgeBuffer()
    scans = [wedge.feed(Held(e.key, e.character, e.time))[1] for e in first]
    assert scans[-1] == "80000001"


def test_the_drivers_parse_with_read_times():
    from textual.drivers import linux_driver

    from pos_tui.tui import readtime

    readtime.install()
    readtime.install()
    assert linux_driver.XTermParser is readtime.ReadTimeParser
