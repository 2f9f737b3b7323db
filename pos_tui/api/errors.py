"""The API layer's exceptions.

Every failure of a call ends as one of these, so callers never see an httpx or lxml
exception. For writes the split that matters is between :class:`NotSentError` (the request
provably never left: safe to try again) and :class:`OutcomeUnknownError` (it may have been
applied: never retry blindly, reconcile instead). Messages never contain the secret or the
request's fields.
"""

from __future__ import annotations


class LoyaltyError(Exception):
    """Base class of every error the API layer raises."""

    #: True when the server may have applied the call (only meaningful for writes).
    may_have_applied: bool = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotSentError(LoyaltyError):
    """The request never reached the server: name resolution, refused connection, connect timeout."""


class OutcomeUnknownError(LoyaltyError):
    """The request left, but no usable answer came back (timeout, dropped connection, 5xx, cut-short body).

    For a write the server may or may not have applied it.
    """

    may_have_applied = True

    def __init__(self, message: str, *, write: bool) -> None:
        super().__init__(message)
        self.write = write


class HTTPStatusRefusal(LoyaltyError):
    """The server answered with an HTTP 4xx status: the call was not processed."""

    def __init__(self, message: str, status_code: int) -> None:
        super().__init__(message)
        self.status_code = status_code


class BadResponseError(LoyaltyError):
    """The body is not an API response: HTML from a proxy, empty, cut short, malformed, a DTD."""

    def __init__(self, message: str, *, cut_short: bool = False) -> None:
        super().__init__(message)
        self.cut_short = cut_short


class ApiError(LoyaltyError):
    """The API answered ``status="error"``: it refused the call and applied nothing."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = [m for m in messages if m] or ["The loyalty service refused the request"]
        super().__init__("; ".join(self.messages))


class AuthenticationError(ApiError):
    """The API refused the credentials (user id, secret or account id)."""


class CustomerPasswordRejected(ApiError):
    """``validate_customer_password`` refused: wrong password, no password set, or an unknown card."""


class NoMatchError(LoyaltyError):
    """The API answered ``status="no_match"``: no customer matches the card or code."""
