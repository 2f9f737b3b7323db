"""Text for the paper: fold any Unicode into what one ESC/POS code page holds, and build the job.

Plain Python. python-escpos left to itself switches code pages mid-line (some printers reject the
pages it picks: ``€`` arrives as ``�`` or ``╒``), so the job selects one page explicitly
(``ESC t n``) and every character is folded into that page first: kept when the page holds it,
else a readable ASCII stand-in (``€`` → ``EUR``, ``—`` → ``-``, ``é`` → ``e``, ``ß`` → ``ss``),
else :data:`MARKER`. Control characters from outside (an ``ESC`` in a customer's name) never
reach the printer as commands.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import unicodedata
from collections.abc import Callable
from functools import cache, lru_cache

#: The code pages a till may select (``printer_codepage``): python-escpos's name → Python's codec.
CODE_PAGES: dict[str, str] = {
    "CP437": "cp437",
    "CP850": "cp850",
    "CP852": "cp852",
    "CP858": "cp858",
    "CP860": "cp860",
    "CP863": "cp863",
    "CP865": "cp865",
    "CP866": "cp866",
    "CP1250": "cp1250",
    "CP1251": "cp1251",
    "CP1252": "cp1252",
    "ISO_8859-2": "iso8859-2",
    "ISO_8859-15": "iso8859-15",
}
DEFAULT_CODE_PAGE = "CP858"  # CP850 with € (the field notes: printed correctly on a TM-T20III)

#: A character no rule can print: visible, one column, never a printer command.
MARKER = "?"

#: Stand-ins for characters a page may lack; the ones a receipt uses first (a test prints them all).
TRANSLITERATION: dict[str, str] = {
    "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₽": "RUB", "₩": "KRW", "₺": "TRY", "₪": "ILS",
    "₫": "VND", "₱": "PHP", "₦": "NGN", "₴": "UAH", "₿": "BTC", "¢": "c", "¤": "$",
    "—": "-", "–": "-", "‒": "-", "―": "-", "‐": "-", "‑": "-", "−": "-",
    "‘": "'", "’": "'", "‚": ",", "‛": "'", "′": "'", "“": '"', "”": '"', "„": '"', "″": '"',
    "«": '"', "»": '"', "‹": "<", "›": ">", "…": "...", "•": "*", "·": ".", "×": "x", "÷": "/",
    "±": "+/-", "°": "o", "№": "No", "™": "TM", "©": "(c)", "®": "(R)", "§": "S", "¶": "P",
    "½": "1/2", "¼": "1/4", "¾": "3/4", "¹": "1", "²": "2", "³": "3", "µ": "u",
    "ß": "ss", "ẞ": "SS", "Æ": "AE", "æ": "ae", "Ø": "O", "ø": "o", "Œ": "OE", "œ": "oe",
    "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ð": "D", "ð": "d", "Þ": "Th", "þ": "th", "ı": "i",
    "Ħ": "H", "ħ": "h", "ĸ": "k", "Ŋ": "N", "ŋ": "n", "ſ": "s", "¡": "!", "¿": "?",
}  # fmt: skip

#: Every character the receipts themselves put on paper beyond ASCII (marks, titles, currencies).
RECEIPT_CHARACTERS = "—€£¥$×"
#: What ``pos-tui printer test`` prints to show how this printer renders names and money.
SAMPLE_CHARACTERS = "€ £ ¥ $ — – × · … ‘’ “” « » ° é è ê ë à á â ä å ç ñ ó ö ø ú ü ß Æ Ø Å Ç É Ñ Ö Ü ł č š ž"


def check_code_page(name: str) -> str:
    """The page's canonical name, or a ValueError listing the ones a till may select."""
    canonical = name.strip().upper().replace("ISO-8859", "ISO_8859")
    if canonical not in CODE_PAGES:
        raise ValueError(f"unknown code page {name!r}; use one of {', '.join(CODE_PAGES)}")
    return canonical


def folder(code_page: str) -> Callable[[str], str]:
    """A function that turns any text into text the code page holds, character by character."""
    return _folders(check_code_page(code_page))


@cache
def _folders(code_page: str) -> Callable[[str], str]:
    codec = CODE_PAGES[code_page]

    def holds(text: str) -> bool:
        try:
            text.encode(codec)
        except UnicodeEncodeError:
            return False
        return True

    @lru_cache(maxsize=4096)
    def char(c: str) -> str:
        if c == "\n":
            return c
        category = unicodedata.category(c)
        if category == "Cf":  # zero-width joiners, soft hyphens, direction marks: nothing to print
            return ""
        if category[0] == "Z" or c == "\t":  # any space or separator prints as a space
            return " "
        if category[0] == "C":  # controls (ESC, GS, DLE…), unassigned, private use: never a command
            return MARKER
        if holds(c):
            return c
        if c in TRANSLITERATION:
            stand_in = TRANSLITERATION[c]
            return stand_in if holds(stand_in) else MARKER
        bare = "".join(x for x in unicodedata.normalize("NFKD", c) if not unicodedata.combining(x))
        if bare and bare.isprintable() and holds(bare):
            return bare
        return MARKER

    def fold(text: str) -> str:
        return "".join(char(c) for c in text)

    return fold


def encode(text: str, code_page: str) -> bytes:
    """The text folded into the page and encoded in it (never raises, never emits a control byte)."""
    page = check_code_page(code_page)
    return folder(page)(text).encode(CODE_PAGES[page])


_loading = threading.Lock()


def load_escpos() -> None:
    """Import python-escpos once, the way a till wants it. Left alone it parses its 1 MB printer
    database into a new temporary folder on every start (a second or more) and calls
    ``logging.basicConfig()`` (a stderr handler on the root logger, under a full-screen UI).
    Here the parsed database is cached in the data dir and the root logger stays untouched.
    Blocking: the receipt screen calls it in a thread before the first print."""
    with _loading:
        if "escpos.printer" in sys.modules:
            return
        if "ESCPOS_CAPABILITIES_PICKLE_DIR" not in os.environ:
            from ..config.paths import data_dir

            cache = data_dir() / "cache"
            try:
                cache.mkdir(parents=True, exist_ok=True)
                os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(cache)
            except OSError:
                pass  # python-escpos falls back to a temporary folder
        root = logging.getLogger()
        guard = logging.NullHandler()  # basicConfig() does nothing when the root has a handler
        root.addHandler(guard)
        try:
            import escpos.printer  # noqa: F401
        finally:
            root.removeHandler(guard)


def build_job(text: str, *, code_page: str = DEFAULT_CODE_PAGE, profile: str = "", cut: bool = True) -> bytes:
    """The bytes of one print job: initialise, select the code page, the text, feed and cut.

    Built on python-escpos's in-memory ``Dummy`` printer, so the job is whole before a byte is sent.
    """
    load_escpos()
    from escpos.printer import Dummy

    page = check_code_page(code_page)
    job = Dummy(profile=profile or None)
    job.hw("INIT")  # ESC @: a known state whatever the last job left
    job.charcode(page)  # ESC t n, emitted now; python-escpos no longer switches pages itself
    body = folder(page)(text if text.endswith("\n") else text + "\n")
    job.text(body)  # every character is in the page: python-escpos encodes it 1:1
    if cut:
        job.cut()
    output: bytes = job.output
    return output
