"""Where the receipts go (``printer`` setting) and sending a job there. Plain Python.

``usb:VID:PID`` · ``serial:/dev/ttyUSB0[@BAUD]`` · ``network:HOST[:PORT]`` (9100) ·
``file:/dev/usb/lp0`` · ``cups:NAME`` · ``none``. The connection modules (pyusb, pyserial,
python-escpos itself) are imported only when a job is sent: CI and most tills have none of them.
USB, serial and network printers answer status queries (offline, cover open, paper out): the job
is refused before a byte is sent when they report a fault. A device file or CUPS queue cannot tell.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("pos_tui.printing")

KINDS = ("usb", "serial", "network", "file", "cups", "none")
FORMS = "usb:VID:PID, serial:/dev/ttyUSB0, network:HOST:9100, file:/dev/usb/lp0, cups:NAME or none"
#: Seconds to reach a printer and to wait for its status answer: a fault shows within about a second.
CONNECT_TIMEOUT = 1.0
#: Seconds one write may stall (a printer busy printing holds the data back).
WRITE_TIMEOUT = 10.0
_CHUNK = 1024  # bytes per write: a fault part-way is reported as such

# DLE EOT n: real-time status. n=1 printer, n=2 offline cause, n=4 paper roll sensor.
_STATUS_PRINTER, _STATUS_OFFLINE, _STATUS_PAPER = b"\x10\x04\x01", b"\x10\x04\x02", b"\x10\x04\x04"


class PrinterFault(Exception):
    """The job did not (all) reach the printer; the message is in the cashier's words."""


@dataclass(frozen=True)
class PrinterTarget:
    kind: str
    path: str = ""  # serial device, file, CUPS queue
    host: str = ""
    port: int = 9100
    vendor: int = 0
    product: int = 0
    baudrate: int = 9600

    @property
    def enabled(self) -> bool:
        return self.kind != "none"

    @property
    def reports_status(self) -> bool:
        return self.kind in ("usb", "serial", "network")

    def __str__(self) -> str:
        if self.kind == "usb":
            return f"usb:{self.vendor:04x}:{self.product:04x}"
        if self.kind == "network":
            host = f"[{self.host}]" if ":" in self.host else self.host
            return f"network:{host}:{self.port}"
        if self.kind == "serial":
            return f"serial:{self.path}" + (f"@{self.baudrate}" if self.baudrate != 9600 else "")
        return f"{self.kind}:{self.path}" if self.path else self.kind


def parse_printer(text: str) -> PrinterTarget:
    """The target a ``printer`` setting names, or a ValueError that says, in one line, what is wrong."""
    text = text.strip()
    kind, _, rest = text.partition(":")
    kind, rest = kind.lower(), rest.strip()
    if kind in ("none", ""):
        if rest:
            raise ValueError(f"{text!r}: 'none' takes nothing after it")
        return PrinterTarget("none")
    if kind not in KINDS:
        raise ValueError(f"{text!r} is not a printer; use {FORMS}")
    if not rest:
        raise ValueError(f"{text!r} needs an address; use {FORMS}")
    if kind == "usb":
        match = re.fullmatch(r"(?:0x)?([0-9a-fA-F]{1,4}):(?:0x)?([0-9a-fA-F]{1,4})", rest)
        if not match:
            raise ValueError(f"{text!r}: expected usb:VID:PID in hex, e.g. usb:04b8:0202 (see lsusb)")
        return PrinterTarget("usb", vendor=int(match[1], 16), product=int(match[2], 16))
    if kind == "network":
        match = re.fullmatch(r"\[([0-9a-fA-F:.]+)\](?::(\d+))?|([^:\s\[\]/]+)(?::(\d+))?", rest)
        if not match:
            raise ValueError(f"{text!r}: expected network:HOST or network:HOST:PORT ([::1]:9100 for IPv6)")
        port = int(match[2] or match[4] or 9100)
        if not 0 < port < 65536:
            raise ValueError(f"{text!r}: the port must be 1 to 65535")
        return PrinterTarget("network", host=match[1] or match[3], port=port)
    if kind == "serial":
        path, _, baud = rest.partition("@")
        if not path.strip() or (baud and not baud.isdigit()):
            raise ValueError(f"{text!r}: expected serial:DEVICE[@BAUD], e.g. serial:/dev/ttyUSB0")
        return PrinterTarget("serial", path=path.strip(), baudrate=int(baud or 9600))
    return PrinterTarget(kind, path=rest.strip())


def send(job: bytes, target: PrinterTarget, *, profile: str = "") -> None:
    """Send one whole job. Blocking: call it in a thread. Raises :class:`PrinterFault`."""
    if not target.enabled:
        raise PrinterFault("No printer is set up (setting 'printer', or POS_TUI_PRINTER).")
    printer = _connect(target, profile)
    sent = 0
    try:
        if target.reports_status:
            _check_status(printer, target)
        _timeout(printer, WRITE_TIMEOUT)
        for start in range(0, len(job), _CHUNK):
            printer._raw(job[start : start + _CHUNK])  # the driver's write; the job is already encoded
            sent = start + _CHUNK
        if hasattr(printer, "flush"):
            printer.flush()
    except PrinterFault:
        raise
    except Exception as exc:
        done = min(sent, len(job))
        log.warning("printer %s failed after %d of %d bytes: %s", target, done, len(job), _reason(exc))
        log.debug("printer failure", exc_info=True)
        where = " in the middle of the receipt" if sent else ""
        raise PrinterFault(f"The printer ({target}) failed{where}: {_reason(exc)}. Print again.") from None
    finally:
        try:
            printer.close()
        except Exception:  # closing a dead connection: nothing more to learn
            log.debug("closing %s failed", target, exc_info=True)


def _connect(target: PrinterTarget, profile: str) -> Any:
    from .text import load_escpos

    try:
        load_escpos()
        from escpos import printer as escpos_printer
    except ImportError:  # pragma: no cover - python-escpos is a dependency
        raise PrinterFault("Printing needs python-escpos (pip install python-escpos).") from None
    kw: dict[str, Any] = {"profile": profile or None}
    try:
        if target.kind == "usb":
            if not escpos_printer.Usb.is_usable():
                raise PrinterFault("USB printers need pyusb and libusb: pip install 'pos-tui[usb]'.")
            usb_timeout = int(WRITE_TIMEOUT * 1000)  # milliseconds
            printer = escpos_printer.Usb(target.vendor, target.product, timeout=usb_timeout, **kw)
        elif target.kind == "serial":
            if not escpos_printer.Serial.is_usable():
                raise PrinterFault("Serial printers need pyserial: pip install 'pos-tui[serial]'.")
            printer = escpos_printer.Serial(
                target.path, baudrate=target.baudrate, timeout=CONNECT_TIMEOUT, **kw
            )
        elif target.kind == "network":
            printer = escpos_printer.Network(target.host, target.port, timeout=CONNECT_TIMEOUT, **kw)
        elif target.kind == "file":
            printer = escpos_printer.File(target.path, **kw)
        else:  # cups: a raw job through lp, so no pycups (and no libcups headers) is needed
            if not escpos_printer.LP.is_usable():
                raise PrinterFault("CUPS printing needs the 'lp' command (apt-get install cups-client).")
            printer = escpos_printer.LP(target.path, **kw)
        printer.open()
    except PrinterFault:
        raise
    except Exception as exc:
        log.warning("cannot open printer %s: %s", target, _reason(exc))
        log.debug("printer failure", exc_info=True)
        raise PrinterFault(f"Cannot reach the printer ({target}): {_reason(exc)}.") from None
    return printer


def _check_status(printer: Any, target: PrinterTarget) -> None:
    """Refuse the job when the printer says it cannot print; go on when it does not answer."""
    _timeout(printer, CONNECT_TIMEOUT)
    try:
        online = _query(printer, _STATUS_PRINTER)
        if online is None:
            log.info("printer %s does not answer status queries; printing anyway", target)
            return
        cause = _query(printer, _STATUS_OFFLINE) if online & 0x08 else 0
        paper = _query(printer, _STATUS_PAPER)
    except OSError as exc:
        raise PrinterFault(f"Cannot reach the printer ({target}): {_reason(exc)}.") from None
    if cause and cause & 0x04:
        raise PrinterFault("The printer's cover is open: close it and print again.")
    if (cause and cause & 0x20) or (paper is not None and paper & 0x60 == 0x60):
        raise PrinterFault("The printer is out of paper: load a roll and print again.")
    if online & 0x08:
        raise PrinterFault(
            f"The printer ({target}) is offline: check it (lights, feed button) and print again."
        )


def _query(printer: Any, command: bytes) -> int | None:
    """One status byte, or None when the printer stays silent (many report nothing)."""
    printer._raw(command)
    try:
        answer = printer._read()
    except (TimeoutError, NotImplementedError):
        return None
    except Exception as exc:  # pyusb's USBTimeoutError, pyserial's errors
        if "timeout" in type(exc).__name__.lower() or "timed out" in str(exc).lower():
            return None
        raise OSError(str(exc)) from exc
    return answer[-1] if answer else None


def _timeout(printer: Any, seconds: float) -> None:
    device: Any = getattr(printer, "_device", None)
    if hasattr(device, "settimeout"):
        device.settimeout(seconds)  # a network printer's socket
    elif hasattr(device, "timeout") and hasattr(device, "write_timeout"):
        device.timeout = device.write_timeout = seconds  # pyserial


def _reason(exc: BaseException) -> str:
    seen: BaseException | None = exc
    while seen is not None:  # python-escpos wraps the OSError that says what happened
        if isinstance(seen, OSError) and seen.strerror:
            return seen.strerror.lower()
        seen = seen.__cause__ or seen.__context__
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:160]
