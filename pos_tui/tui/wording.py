"""What the cashier reads when something goes wrong: plain words, and what to do next."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..api import errors

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel


def explain(exc: BaseException, *, write: bool = False) -> tuple[str, SeverityLevel]:
    """(message, severity) for an API failure; the severity is Textual's, for ``notify``."""
    if isinstance(exc, errors.AuthenticationError):
        return (
            "The loyalty service refused this till's login. Ask a manager to check the settings.",
            "error",
        )
    if isinstance(exc, errors.ApiError):
        return (f"Refused: {_cashier(exc.message)}. Nothing was recorded.", "warning")
    if isinstance(exc, errors.NoMatchError):
        return ("No customer has that card.", "warning")
    if isinstance(exc, errors.NotSentError) and not write:
        return (
            "Cannot reach the loyalty service: the customer's balances cannot be read right now. "
            "Anything queued is sent when it answers.",
            "error",
        )
    if isinstance(exc, errors.NotSentError):
        return (
            "Cannot reach the loyalty service. Nothing was recorded; try again when the network is back.",
            "error",
        )
    if isinstance(exc, errors.OutcomeUnknownError) and write:
        return (
            "The loyalty service did not confirm. The transaction MAY have been recorded: do not repeat it; "
            "check the customer's history (H) first.",
            "error",
        )
    if isinstance(exc, errors.OutcomeUnknownError | errors.BadResponseError):
        return ("The loyalty service did not answer properly. Try again in a moment.", "error")
    if isinstance(exc, errors.HTTPStatusRefusal):
        return (f"The loyalty service refused the request ({exc.message}). Ask a manager.", "error")
    if write:
        return (
            "Something went wrong (details in the log). The transaction may or may not have been "
            "recorded: check the customer's history (H) before repeating it.",
            "error",
        )
    return ("Something went wrong (details in the log).", "error")


def _cashier(message: str) -> str:
    text = message.strip().rstrip(".")
    return text.replace("Insufficient balance", "not enough balance")
