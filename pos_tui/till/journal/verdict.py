"""One answer to "what happened to that write?": the cashier's words and the command line's exit
code, from a journal entry. The till and ``pos-tui`` both use it. Plain Python."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .entry import Entry, State

EXIT_OK, EXIT_REFUSED, EXIT_UNKNOWN, EXIT_QUEUED, EXIT_UNREACHABLE = 0, 1, 3, 4, 5
Severity = Literal["information", "warning", "error"]

BLOCKED = (
    "An earlier transaction for this customer is not confirmed yet; the till is checking it. "
    "Nothing new was sent: try again in a moment."
)


@dataclass(frozen=True)
class Verdict:
    done: bool  # recorded (or voided) for certain
    exit_code: int
    message: str
    severity: Severity


def verdict(entry: Entry) -> Verdict:
    voiding = entry.call == "transaction_delete"
    nothing = "Nothing was voided" if voiding else "Nothing was recorded"
    error = _sentence(entry.error)
    state = entry.state
    if state == State.CONFIRMED:
        return Verdict(True, EXIT_OK, "Voided." if voiding else "Recorded.", "information")
    if state == State.REFUSED:
        return Verdict(False, EXIT_REFUSED, f"Refused: {error}. {nothing}.", "error")
    if state == State.NOT_RECORDED:
        return Verdict(
            False, EXIT_REFUSED, f"Settled by hand as not recorded ({entry.resolved_by}).", "warning"
        )
    if state == State.QUEUED:
        return Verdict(
            False,
            EXIT_QUEUED,
            "The loyalty service cannot be reached. The earn is saved on this till and will be sent "
            "by itself when the service answers: do not enter it again.",
            "warning",
        )
    if state == State.NOT_SENT:
        if entry.call == "redeem":
            message = (
                "The loyalty service cannot be reached, and a redemption needs it (the balance cannot "
                f"be checked offline). {nothing}."
            )
        else:
            message = f"Cannot reach the loyalty service. {nothing}; try again when the network is back."
        return Verdict(False, EXIT_UNREACHABLE, message, "error")
    what = "the void" if voiding else "it"
    return Verdict(
        False,
        EXIT_UNKNOWN,
        f"The loyalty service did not confirm {what}. It MAY have been "
        f"{'done' if voiding else 'recorded'}: do not repeat it. The till keeps checking; the next "
        "transaction for this customer waits until it knows.",
        "warning",
    )


def _sentence(text: str) -> str:
    """Server text as one printable line (no control characters), without a final full stop."""
    return printable(text).strip().rstrip(".") or "no reason given"


def printable(text: str) -> str:
    """Text from outside with control characters (terminal escapes included) removed."""
    return "".join(ch if ch.isprintable() or ch == " " else " " for ch in text)
