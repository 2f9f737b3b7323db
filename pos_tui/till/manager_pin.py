"""The manager PIN: a salted scrypt hash in the settings file, a lock after 5 wrong tries, and a
small record of who approved what.

Plain Python (no Textual). The PIN itself is never stored or logged; ``hash_pin`` gives the text
kept as ``manager_pin_hash`` in the settings file (``pos-tui manager-pin`` sets it). Wrong tries
are counted in a file in the data dir, so quitting the till does not reset a lock.
Approvals go to ``approvals.db`` (SQLite) until the journal records the approver itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

MAX_TRIES = 5
LOCK_SECONDS = 300
_N, _R, _P = 2**14, 8, 1


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    """``scrypt$N$r$p$salt$hash`` (base64): hashlib's scrypt with a random 16-byte salt. The one
    PIN hash of pos-tui: the manager's PIN at the till and the kiosk's exit PIN."""
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    salt64, digest64 = base64.b64encode(salt).decode(), base64.b64encode(digest).decode()
    return f"scrypt${_N}${_R}${_P}${salt64}${digest64}"


def verify_pin(pin: str, stored: str) -> bool:
    """Whether ``pin`` matches a :func:`hash_pin` string (constant time); False for an empty or
    malformed one."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest, validate=True)
        got = hashlib.scrypt(
            pin.encode(),
            salt=base64.b64decode(salt, validate=True),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


_PIN = re.compile(r"[0-9]{4,12}")


def valid_pin(pin: str) -> bool:
    """4 to 12 ASCII digits (``str.isdigit`` would take other scripts' digits too)."""
    return bool(_PIN.fullmatch(pin))


class Locked(Exception):
    def __init__(self, seconds: int) -> None:
        super().__init__(f"Too many wrong PINs: locked for {seconds // 60} min {seconds % 60} s.")
        self.seconds = seconds


@dataclass
class PinGate:
    """Checks PINs against ``stored`` and counts failures in ``state_path``."""

    stored: str
    state_path: Path
    name: str = "manager"
    clock: object = time.time

    @property
    def configured(self) -> bool:
        return bool(self.stored)

    def _now(self) -> float:
        return float(self.clock())  # type: ignore[operator]

    def _state(self) -> dict[str, float]:
        try:
            data = json.loads(self.state_path.read_text(encoding="utf-8"))
            return {
                "failures": float(data.get("failures", 0)),
                "locked_until": float(data.get("locked_until", 0)),
            }
        except (OSError, ValueError, AttributeError):
            return {"failures": 0.0, "locked_until": 0.0}

    def _save(self, state: dict[str, float]) -> None:
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        self.state_path.write_text(json.dumps(state), encoding="utf-8")

    def locked_for(self) -> int:
        left = self._state()["locked_until"] - self._now()
        return max(0, int(left + 0.999))

    def attempt(self, pin: str) -> str | None:
        """The approver's name when the PIN is right, else None. Raises :class:`Locked`. Blocking
        (scrypt, a file): call it in a thread."""
        left = self.locked_for()
        if left:
            raise Locked(left)
        state = self._state()
        if verify_pin(pin, self.stored):
            self._save({"failures": 0, "locked_until": 0})
            return self.name
        failures = state["failures"] + 1
        if failures >= MAX_TRIES:
            self._save({"failures": 0, "locked_until": self._now() + LOCK_SECONDS})
            raise Locked(LOCK_SECONDS)
        self._save({"failures": failures, "locked_until": 0})
        return None

    def tries_left(self) -> int:
        return MAX_TRIES - int(self._state()["failures"])


class Approvals:
    """Who approved what: ``approvals.db`` (the journal will carry the approver later)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        with self._connect() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS approvals (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                "at TEXT NOT NULL, approver TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL)"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def record(self, approver: str, action: str, detail: str, at: str = "") -> None:
        from datetime import datetime

        stamp = at or datetime.now().isoformat(sep=" ", timespec="seconds")
        with self._connect() as conn:
            conn.execute(
                "INSERT INTO approvals (at, approver, action, detail) VALUES (?, ?, ?, ?)",
                (stamp, approver, action, detail),
            )

    def entries(self) -> list[tuple[str, str, str, str]]:
        with self._connect() as conn:
            return conn.execute("SELECT at, approver, action, detail FROM approvals ORDER BY id").fetchall()
