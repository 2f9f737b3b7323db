"""Fault injection for the reliability work: ``CALL:KIND=VALUE`` items, comma separated.

KIND is one of ``before_commit`` / ``after_commit`` / ``http502`` / ``truncate`` (a probability
from 0 to 1), ``delay`` (seconds, after committing) or ``late`` (seconds: the request reaches the
server that much later — after the client gave up — and is then committed; no answer comes);
``late=0.3@0.05`` applies a delay to 5% of the requests.
CALL is an API ``type``, a report's name or ``*``. Draws come from one seeded generator, so a
run with the same seed and the same sequence of requests injects the same faults.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import dataclass

KINDS = ("before_commit", "after_commit", "delay", "http502", "truncate", "late")
SECONDS = ("delay", "late")


class FaultSpecError(ValueError):
    pass


class DroppedConnection(Exception):
    """Raised by the app to drop the connection: no (complete) answer reaches the client."""


@dataclass(frozen=True)
class Fault:
    call: str
    kind: str
    value: float
    chance: float = 1.0  # delay and late: applied with this probability (``late=0.3@0.05``)


@dataclass
class Decision:
    before_commit: bool = False
    after_commit: bool = False
    http502: bool = False
    truncate: bool = False
    delay: float = 0.0
    late: float = 0.0

    @property
    def names(self) -> list[str]:
        found = [k for k in ("before_commit", "after_commit", "http502", "truncate") if getattr(self, k)]
        return found + [k for k in SECONDS if getattr(self, k)]


def parse(spec: str) -> list[Fault]:
    faults = []
    for item in filter(None, (part.strip() for part in spec.split(","))):
        call, sep, rest = item.partition(":")
        kind, eq, raw = rest.partition("=")
        if not sep or not eq or not call:
            raise FaultSpecError(f"fault {item!r}: expected CALL:KIND=VALUE")
        if kind not in KINDS:
            raise FaultSpecError(f"fault {item!r}: KIND must be one of {', '.join(KINDS)}")
        raw, at, chance_text = raw.partition("@")
        try:
            value = float(raw)
            chance = float(chance_text) if at else 1.0
        except ValueError:
            raise FaultSpecError(f"fault {item!r}: {raw!r} is not a number") from None
        if kind in SECONDS and not 0 <= value <= 600:
            raise FaultSpecError(f"fault {item!r}: a delay is 0 to 600 seconds")
        if kind not in SECONDS and not 0 <= value <= 1:
            raise FaultSpecError(f"fault {item!r}: a probability is 0 to 1")
        if at and (kind not in SECONDS or not 0 <= chance <= 1):
            raise FaultSpecError(f"fault {item!r}: '@P' gives a delay's probability, from 0 to 1")
        faults.append(Fault(call.strip(), kind, value, chance))
    return faults


class FaultPlan:
    def __init__(self, faults: list[Fault] | str = "", seed: int = 0) -> None:
        self.faults = parse(faults) if isinstance(faults, str) else list(faults)
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        #: How many of each kind were injected (for reports).
        self.injected: Counter[str] = Counter()

    def __bool__(self) -> bool:
        return bool(self.faults)

    def decide(self, call: str) -> Decision:
        decision = Decision()
        with self._lock:
            for fault in self.faults:
                if fault.call not in ("*", call):
                    continue
                if fault.kind in SECONDS:
                    if fault.chance >= 1 or self._random.random() < fault.chance:
                        setattr(decision, fault.kind, max(getattr(decision, fault.kind), fault.value))
                elif self._random.random() < fault.value:
                    setattr(decision, fault.kind, True)
            self.injected.update(decision.names)
        return decision
