"""Card input: magstripe tracks, failed reads, and telling a reader's burst from a person typing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_tui.cards import Held, WedgeBuffer, parse_card


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


def feed(buffer: WedgeBuffer, text: str, start: float, step: float) -> tuple[list[str], list[str]]:
    typed, scans = [], []
    t = start
    for ch in text:
        key = {"\r": "enter", "\n": "ctrl+j", "\t": "tab"}.get(ch, ch)
        released, scan = buffer.feed(Held(key, ch if key == ch else None, t))
        typed += [h.key for h in released]
        if scan is not None:
            scans.append(scan)
        t += step
    typed += [h.key for h in buffer.flush(t + 1)]
    return typed, scans


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


@given(cards=st.lists(CARD, min_size=1, max_size=20), data=st.data())
def test_one_stall_inside_a_burst_does_not_split_it(cards, data):
    """A busy machine may stamp one key of a burst up to 100 ms late; the scan stays whole."""
    buffer, scans, typed, t = WedgeBuffer(), [], [], 0.0
    for card in cards:
        stall = data.draw(st.integers(0, len(card) - 1))
        for index, ch in enumerate(card + "\r"):
            t += 0.1 if index == stall and index > 0 else 0.0003
            released, scan = buffer.feed(Held("enter" if ch == "\r" else ch, None if ch == "\r" else ch, t))
            typed += released
            scans += [scan] if scan else []
        t += 0.2
    assert scans == cards and typed == []


def test_a_person_sees_keys_without_waiting_for_enter():
    buffer = WedgeBuffer()
    assert buffer.feed(Held("1", "1", 0.0)) == ([], None)
    assert buffer.feed(Held("2", "2", 0.1)) == ([], None)
    released, _ = buffer.feed(Held("3", "3", 0.2))  # two slow gaps: a person
    assert [h.key for h in released] == ["1", "2", "3"]
    assert buffer.flush(0.25) == []
    buffer.feed(Held("4", "4", 0.3))
    assert [h.key for h in buffer.flush(0.3 + buffer.max_gap + 0.01)] == ["4"]
