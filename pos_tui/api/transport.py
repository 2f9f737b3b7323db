"""One call on the wire: POST the form, read the answer within bounds, decode it off the event
loop, and turn every transport failure into one of :mod:`.errors`.

A request that provably never left raises :class:`NotSentError`; one that may have reached the
server raises :class:`OutcomeUnknownError` when it is a write. Nothing here is retried.
"""

from __future__ import annotations

import asyncio
import logging
import re

import httpx

from . import models as m
from .calls import CallSpec, decode_tree
from .decoding import parse_body
from .errors import (
    ApiError,
    AuthenticationError,
    BadResponseError,
    HTTPStatusRefusal,
    NoMatchError,
    NotSentError,
    OutcomeUnknownError,
)

log = logging.getLogger("pos_tui.api")

MAX_BODY = 20 * 1024 * 1024
MAX_REPORT_BODY = 512 * 1024 * 1024  # a whole customers_all of a large account
_AUTH_WORDS = re.compile(
    r"password|api[ _-]?key|user[ _-]?id|credential|authenticat|not authori[sz]ed|login|"
    r"access denied|invalid user|account[ _-]?id|permission",
    re.IGNORECASE,
)


async def exchange(
    http: httpx.AsyncClient,
    url: str,
    spec: CallSpec,
    form: dict[str, str],
    headers: dict[str, str],
    hint: str | None,
) -> m.WireModel:
    """POST one call's form and return its success model; every failure is one of :mod:`.errors`
    (a write whose answer is lost or unreadable: :class:`OutcomeUnknownError`)."""
    write = spec.write
    limit = MAX_REPORT_BODY if spec.report else MAX_BODY
    try:
        async with http.stream("POST", url, data=form, headers=headers) as response:
            status = response.status_code
            body = await _read_bounded(response, limit) if status < 300 else b""
    except (
        httpx.ConnectError,
        httpx.ConnectTimeout,
        httpx.PoolTimeout,
        httpx.UnsupportedProtocol,
    ) as exc:
        raise NotSentError(f"Could not reach the loyalty server ({_describe(exc)})") from None
    except httpx.TimeoutException as exc:
        raise OutcomeUnknownError(
            f"The loyalty server did not answer in time ({_describe(exc)})", write=write
        ) from None
    except (httpx.TransportError, httpx.DecodingError) as exc:
        raise OutcomeUnknownError(
            f"The connection to the loyalty server broke ({_describe(exc)})", write=write
        ) from None
    except BadResponseError as exc:  # over the size bound
        if write:
            raise OutcomeUnknownError(
                f"{exc.message}; the transaction may or may not have been recorded", write=True
            ) from None
        raise
    if status >= 500:
        raise OutcomeUnknownError(f"The loyalty server failed (HTTP {status})", write=write)
    if 300 <= status < 400:
        where = response.headers.get("location", "elsewhere")
        raise HTTPStatusRefusal(
            f"The API address redirects (HTTP {status} to {where}); correct the API URL", status
        )
    if status >= 400:
        raise HTTPStatusRefusal(f"The loyalty server refused the request (HTTP {status})", status)
    try:
        # Decoding can take a while for a large body: never on the event loop.
        result = await asyncio.to_thread(_decode, spec, body, hint, limit)
    except BadResponseError as exc:
        if write:
            raise OutcomeUnknownError(
                f"{exc.message}; the transaction may or may not have been recorded", write=True
            ) from None
        raise
    if isinstance(result, m.ErrorResponse):
        error_class = (
            AuthenticationError if any(_AUTH_WORDS.search(msg) for msg in result.messages) else ApiError
        )
        raise error_class(result.messages)
    if isinstance(result, m.NoMatch):
        raise NoMatchError(result.message or "No customer matches that card or code")
    return result


async def _read_bounded(response: httpx.Response, limit: int) -> bytes:
    """The body, refused past ``limit`` bytes (a hostile or broken server is never read whole)."""
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limit:
            raise BadResponseError(f"The answer is too large (over {limit:,} bytes)")
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(spec: CallSpec, body: bytes, hint: str | None, limit: int) -> m.WireModel:
    """Body → model, in a worker thread. Whatever goes wrong is a ``BadResponseError``."""
    try:
        return decode_tree(spec, parse_body(body, max_bytes=limit), hint=hint)
    except BadResponseError:
        raise
    except Exception as exc:  # a body no one foresaw: it is not an answer, and it is logged
        log.exception("call=%s: the answer could not be decoded", spec.name)
        raise BadResponseError(f"The answer could not be read ({type(exc).__name__})") from None


def _describe(exc: Exception) -> str:
    """A short reason for a transport failure, without the request's fields."""
    text = str(exc).strip()
    if not text:
        return type(exc).__name__
    return text.splitlines()[0][:160]
