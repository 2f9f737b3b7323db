"""Receipts on ESC/POS paper: every shape at every width through python-escpos's Dummy printer,
decoded back with the selected code page and compared with the screen's text."""

from __future__ import annotations

import socket
import threading
import time
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_tui.api.calls import decode
from pos_tui.printing import CODE_PAGES, Printer, PrinterFault, build_job, folder, parse_printer
from pos_tui.printing.text import MARKER, RECEIPT_CHARACTERS, SAMPLE_CHARACTERS, TRANSLITERATION
from pos_tui.till.receipt import WIDTHS, StoreHeader, render_receipt, render_void_slip

from .conftest import reference
from .test_receipt import SHAPES

WHEN = datetime(2026, 11, 22, 14, 3)
HEADER = StoreHeader("Café Müller — Straße", ("Ærøgade 5", "Zürich ZH 8001", "+41 44 123 45 67"))

# ESC/POS commands a job may contain: prefix -> total length in bytes
_COMMANDS = {
    b"\x1b@": 2,
    b"\x1bt": 3,
    b"\x1bd": 3,
    b"\x1dV\x00": 3,
    b"\x1dV\x01": 3,
    b"\x1dVA": 4,
    b"\x1dVB": 4,
}


def from_paper(job: bytes, code_page: str) -> tuple[str, list[bytes]]:
    """The text a job prints (ESC/POS commands removed) and the commands, in order. Any control
    byte that is not a known command fails the test: it would be garbage or a command on paper."""
    text, commands, i = bytearray(), [], 0
    while i < len(job):
        for prefix, size in _COMMANDS.items():
            if job.startswith(prefix, i):
                commands.append(job[i : i + size])
                i += size
                break
        else:
            byte = job[i]
            assert byte >= 0x20 or byte == 0x0A, f"control byte {byte:#04x} at {i} in {job!r}"
            text.append(byte)
            i += 1
    return text.decode(CODE_PAGES[code_page]), commands


def shape(name: str):
    call, hint, _ = SHAPES[name]
    receipt = decode(call, reference(name), hint=hint).receipt  # type: ignore[attr-defined]
    receipt.customer.first_name, receipt.customer.last_name = "Zoë", "Ærø-Straße"
    return call, receipt


@pytest.mark.parametrize("code_page", ["CP858", "CP1252", "CP437"])
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", sorted(SHAPES))
def test_every_shape_prints_what_the_screen_shows(name, width, code_page):
    _, receipt = shape(name)
    printer = Printer("none", code_page=code_page)
    kw = {"width": width, "when": WHEN, "terminal": "Till-2", "header": HEADER}
    screen = render_receipt(receipt, **kw)
    job = printer.job(render_receipt(receipt, fold=printer.fold, **kw))
    paper, commands = from_paper(job, code_page)

    assert commands[:2] == [b"\x1b@", b"\x1bt" + bytes([{"CP858": 19, "CP1252": 16, "CP437": 0}[code_page]])]
    assert commands[-1] in (b"\x1dV\x00", b"\x1dVA\x03", b"\x1dVB\x03") and len(commands) == 4
    paper = paper.rstrip("\n") + "\n"
    assert paper == render_receipt(receipt, fold=printer.fold, **kw)
    assert "\ufffd" not in paper and paper.count(MARKER) == screen.count(MARKER)  # 0 unreadable
    assert all(len(line) <= width for line in paper.splitlines())
    assert "DUPLICATE" not in paper and "****" in paper and receipt.customer.card_number not in paper
    if code_page == "CP1252":  # holds every character these receipts use: the paper is the screen
        assert paper == screen
    elif code_page == "CP858":  # no dashes: "—" prints "-", and nothing else changes
        assert paper == screen.replace("—", "-") and "Zoë Ærø-Straße" in paper and "Zürich" in paper
    else:  # CP437 has no ø and no €: readable stand-ins, never "?"
        assert "Zoë Æro-Straße" in paper and "Ærogade" in paper


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", sorted(SHAPES))
def test_a_reprint_says_duplicate_with_its_count_at_the_top_and_the_bottom(name, width):
    _, receipt = shape(name)
    printer = Printer("none")
    for copy in (1, 2):
        text = render_receipt(receipt, width=width, when=WHEN, training=True, copy=copy, fold=printer.fold)
        paper, _ = from_paper(printer.job(text), "CP858")
        lines = paper.rstrip("\n").splitlines()
        assert lines[0].strip() == "TRAINING - NOT A RECEIPT" == lines[-1].strip()
        assert lines[2].strip() == f"DUPLICATE {copy}" == lines[-3].strip()
        assert paper.count("DUPLICATE") == 2


def test_the_euro_prints_as_the_euro_on_cp858_and_as_eur_where_the_page_has_none():
    for page, expected in (("CP858", "€"), ("CP1252", "€"), ("ISO_8859-15", "€"), ("CP437", "EUR")):
        paper, _ = from_paper(build_job("Total €5.00", code_page=page), page)
        assert paper.splitlines()[0] == f"Total {expected}5.00"


def test_every_character_a_receipt_uses_is_readable_on_every_code_page():
    for page in CODE_PAGES:
        fold = folder(page)
        for char in RECEIPT_CHARACTERS + SAMPLE_CHARACTERS.replace(" ", ""):
            printed = fold(char)
            assert printed and MARKER not in printed, f"{char!r} on {page} prints {printed!r}"
            printed.encode(CODE_PAGES[page])


def test_transliterations_are_plain_ascii():
    assert all(value.isascii() and value.isprintable() for value in TRANSLITERATION.values())


def test_text_from_outside_never_becomes_a_printer_command():
    receipt = shape("transactions-2")[1]
    receipt.customer.first_name = "Eve\x1b@\x1dV\x00\x10\x14\x01\x00\x05"  # would cut or pulse the drawer
    text = render_receipt(receipt, width=32, when=WHEN, fold=folder("CP858"))
    paper, commands = from_paper(build_job(text), "CP858")
    assert len(commands) == 4 and "Eve?@?V???" in paper


@given(st.text())
def test_any_text_folds_into_the_page_without_control_characters(text):
    for page in ("CP858", "CP437", "CP866"):
        folded = folder(page)(text)
        folded.encode(CODE_PAGES[page])
        assert all(c == "\n" or c.isprintable() for c in folded)


def test_the_void_slip_prints_void_at_the_top_and_the_bottom():
    _, receipt = shape("transactions-1")
    printer = Printer("none")
    text = render_void_slip(receipt, width=32, when=WHEN, header=HEADER, fold=printer.fold)
    paper, _ = from_paper(printer.job(text), "CP858")
    lines = paper.rstrip("\n").splitlines()
    assert lines[0].strip() == "VOID - TRANSACTION REVERSED" == lines[-1].strip()
    assert "Voided transaction" in paper and receipt.transaction_id in paper
    assert "Points earned" in paper and "1,990" in paper and "Café Müller - Straße" in paper


def test_the_store_header_is_read_from_either_set_of_names():
    from pos_tui.api.models import AccountInfo

    ours = AccountInfo.model_validate(
        {
            "account": {
                "business_name": "Great Widgets",
                "street1": "1 Main St",
                "city": "Springfield",
                "state": "IL",
                "postal_code": "62701",
                "phone": "555-0100",
            }
        }
    )
    typed = AccountInfo.model_validate(
        {
            "account": {
                "biz_name": "Great Widgets",
                "biz_address1": "1 Main St",
                "biz_city": "Springfield",
                "biz_state": "IL",
                "biz_zip": "62701",
                "contact_phone": "555-0100",
            }
        }
    )
    expected = StoreHeader("Great Widgets", ("1 Main St", "Springfield IL 62701", "555-0100"))
    assert StoreHeader.from_account(ours.account) == expected == StoreHeader.from_account(typed.account)


def test_a_gift_card_receipt_shows_the_remaining_balance():
    _, receipt = shape("transactions-8")
    text = render_receipt(receipt, width=32, when=WHEN)
    assert "Remaining balance" in text and "40.75 USD" in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("none", "none"),
        ("", "none"),
        ("usb:04b8:0202", "usb:04b8:0202"),
        ("usb:0x4B8:0x202", "usb:04b8:0202"),
        ("serial:/dev/ttyUSB0", "serial:/dev/ttyUSB0"),
        ("serial:/dev/ttyS0@19200", "serial:/dev/ttyS0@19200"),
        ("network:192.168.1.50", "network:192.168.1.50:9100"),
        ("network:printer.local:9101", "network:printer.local:9101"),
        ("network:[::1]:9100", "network:[::1]:9100"),
        ("file:/dev/usb/lp0", "file:/dev/usb/lp0"),
        ("cups:TM-T20", "cups:TM-T20"),
    ],
)
def test_printer_settings_parse(text, expected):
    assert str(parse_printer(text)) == expected


@pytest.mark.parametrize(
    "text", ["usb:xyz", "usb:04b8", "lpt:1", "network:", "network:host:99999", "serial:@9600", "none:x"]
)
def test_a_bad_printer_setting_is_one_clear_line(text, monkeypatch):
    from pos_tui.config.settings import SettingsError, load_settings

    monkeypatch.setenv("POS_TUI_PRINTER", text)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert "\n" not in message and message.startswith("environment variable POS_TUI_PRINTER ")
    assert "Value error" not in message and repr(text) in message


def test_a_file_target_gets_the_whole_job(tmp_path):
    target = tmp_path / "lp0"
    printer = Printer(f"file:{target}")
    printer.print_text(["Café", "€5.00"])
    paper, commands = from_paper(target.read_bytes(), "CP858")
    assert paper.startswith("Café\n€5.00\n") and len(commands) == 4


def test_a_file_target_that_cannot_be_opened_is_a_fault(tmp_path):
    with pytest.raises(PrinterFault, match="Cannot reach the printer"):
        Printer(f"file:{tmp_path}/no/such/dir/lp0").print_text("x")


def test_no_printer_is_a_fault_that_says_how_to_set_one_up():
    with pytest.raises(PrinterFault, match="POS_TUI_PRINTER"):
        Printer("none").print_text("x")


class FakeNetworkPrinter:
    """A printer on 127.0.0.1 that answers DLE EOT status queries with given bytes (None: silent)."""

    def __init__(self, status: dict[int, int | None]) -> None:
        self.status = status
        self.received = bytearray()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.server.accept()
        with conn:
            while chunk := conn.recv(4096):
                self.received += chunk
                while (at := self.received.find(b"\x10\x04")) >= 0 and len(self.received) > at + 2:
                    answer = self.status.get(self.received[at + 2])
                    del self.received[at : at + 3]
                    if answer is not None:
                        conn.sendall(bytes([answer]))

    def close(self) -> None:
        self.thread.join(5)
        self.server.close()


@pytest.mark.parametrize(
    ("status", "fault"),
    [
        ({1: 0x1A, 2: 0x16, 4: 0x12}, "cover is open"),  # offline (bit 3), cause: cover open (bit 2)
        ({1: 0x1A, 2: 0x32, 4: 0x72}, "out of paper"),  # offline, cause: paper end (bit 5)
        ({1: 0x12, 4: 0x72}, "out of paper"),  # online but the roll sensor says empty
        ({1: 0x1A, 2: 0x12, 4: 0x12}, "offline"),
    ],
)
def test_a_network_printer_that_reports_a_fault_gets_no_text(status, fault):
    fake = FakeNetworkPrinter(status)
    started = time.monotonic()
    with pytest.raises(PrinterFault, match=fault):
        Printer(f"network:127.0.0.1:{fake.port}").print_text("Hello")
    assert time.monotonic() - started < 1.5
    fake.close()
    assert b"Hello" not in fake.received


@pytest.mark.parametrize("status", [{1: 0x12, 2: 0x12, 4: 0x12}, {}])  # ready; silent (no status support)
def test_a_network_printer_that_is_ready_or_silent_prints(status):
    fake = FakeNetworkPrinter(status)
    Printer(f"network:127.0.0.1:{fake.port}").print_text("Hello €")
    fake.close()
    paper, _ = from_paper(bytes(fake.received), "CP858")
    assert paper.startswith("Hello €\n")


def test_an_unreachable_network_printer_is_a_fault_within_a_second():
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(PrinterFault, match="Cannot reach the printer"):
        Printer(f"network:127.0.0.1:{port}").print_text("x")
    assert time.monotonic() - started < 1.0


@given(st.text(max_size=60))
def test_any_printer_setting_parses_or_says_why_in_one_line(text):
    try:
        target = parse_printer(text)
    except ValueError as exc:
        assert "\n" not in str(exc) and str(exc)
    else:
        assert parse_printer(str(target)) == target  # what `pos-tui config` shows reads back the same


def test_copies_are_counted_on_disk_so_a_reprint_after_a_restart_is_a_duplicate(tmp_path):
    from pos_tui.printing import Printer

    copies = tmp_path / "printed-copies.json"
    first = Printer(f"file:{tmp_path / 'paper.bin'}", copies_file=copies)
    assert first.next_copy("receipt:261") == 0
    first.printed("receipt:261")
    again = Printer(f"file:{tmp_path / 'paper.bin'}", copies_file=copies)  # the next start
    assert again.next_copy("receipt:261") == 1 and again.next_copy("receipt:262") == 0
    copies.write_text("not json")
    assert Printer("none", copies_file=copies).next_copy("receipt:261") == 0  # unreadable: no crash
