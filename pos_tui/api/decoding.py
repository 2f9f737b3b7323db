"""From a response body (XML, JSON or JSONP) to a plain tree of dicts, lists and strings.

The tree has the shape of the API's own JSON output, whichever format came in: ``status`` at
the top, element text as strings (``""`` for empty elements), attributes as keys, repeated
children gathered in lists. The typed models (``models``) validate that tree.

Real responses are not always well-formed, so the XML path repairs what the field notes
describe before parsing: a byte-order mark, raw ``&`` in text, HTML entity names, stray
control characters, and (through libxml2's recovery) mismatched closing tags such as
``<amount>9.90</points>``. What it never does is turn a body that is not a whole API response
into a success: HTML pages, empty or cut-short bodies and unrepairable XML raise
:class:`~pos_tui.api.errors.BadResponseError`. DTDs and entity declarations are refused before
parsing, so nothing is expanded and nothing is fetched.
"""

from __future__ import annotations

import html.entities
import json
import re
from typing import Any

from .errors import BadResponseError

Tree = dict[str, Any]

#: Bounds on what a body may be (an API response is far inside all of them).
MAX_BODY = 20 * 1024 * 1024  # reports, which are larger, pass their own bound
MAX_DEPTH = 64
MAX_DIGITS = 40

STATUSES = ("success", "error", "no_match")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST)", re.IGNORECASE)
_HTML = re.compile(rb"^\s*<(!doctype\s+html|html|head|body|title|h1|p)\b", re.IGNORECASE)
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
# An '&' that does not start one of XML's own references: raw, or an HTML entity name.
_AMP = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)([A-Za-z][A-Za-z0-9]*;)?")
# A start tag with '=' then a quote inside it: an element with attributes. Only those elements have
# their attributes read (reading .attrib of every element costs more than the whole parse).
_ATTRIBUTED = re.compile(rb"<([A-Za-z_][\w.:-]*)[^<>=]*=\s*[\"']")
_CONTROL = bytes(range(0x00, 0x09)) + b"\x0b\x0c" + bytes(range(0x0E, 0x20))
_END = re.compile(rb"(</\s*response\s*>|<\s*response\b[^<>]*/>)\s*$", re.IGNORECASE)
_JSONP = re.compile(r"^\s*(?:/\*\*/\s*)?[A-Za-z_$][\w$.]*\s*\((.*)\)\s*;?\s*$", re.DOTALL)
# libxml2 error for a mismatched closing tag: repaired by recovery, as the reference needs.
_TOLERATED_XML_ERRORS = {"ERR_TAG_NAME_MISMATCH"}


def parse_body(body: bytes, *, max_bytes: int = MAX_BODY) -> Tree:
    """Parse a response body of any of the API's formats into a tree. Raises ``BadResponseError``.

    Bounded: a body over ``max_bytes``, nested deeper than ``MAX_DEPTH``, or with a number of more
    than ``MAX_DIGITS`` digits is refused, in well under a second."""
    if not isinstance(body, bytes | bytearray):
        raise TypeError("parse_body takes bytes")
    if len(body) > max_bytes:
        raise BadResponseError(f"The answer is too large ({len(body):,} bytes; at most {max_bytes:,})")
    stripped = bytes(body)
    for bom in _BOMS:
        if stripped.startswith(bom):
            if bom != _BOMS[0]:
                stripped = _utf16_to_utf8(stripped)
            else:
                stripped = stripped[len(bom) :]
            break
    stripped = stripped.strip()
    if not stripped:
        raise BadResponseError("The server sent an empty answer", cut_short=True)
    first = stripped[:1]
    if first == b"<":
        if _HTML.match(stripped):
            raise BadResponseError(_html_message(stripped))
        tree = _parse_xml(stripped)
    elif first in (b"{", b"["):
        tree = _parse_json(stripped)
    elif _JSONP.match(stripped[:200].decode("latin-1") + ")"):
        tree = _parse_jsonp(stripped)
    else:
        raise BadResponseError(f"The server sent something that is not an API response: {_snippet(stripped)}")
    _check_depth(tree)
    status = tree.get("status")
    if not isinstance(status, str) or status.strip().lower() not in STATUSES:
        raise BadResponseError("The answer has no status of the loyalty API (success, error or no_match)")
    tree["status"] = status.strip().lower()
    return tree


def error_messages(tree: Tree) -> list[str]:
    """The messages of an ``error`` (or ``no_match``) response, from ``error``, ``errors`` or ``message``.

    The live service sends ``"error": "…"`` or ``"errors": [...]`` (or both); each message once.
    """
    found: list[str] = []

    def collect(value: Any) -> None:
        if isinstance(value, str):
            if value.strip():
                found.append(value.strip())
        elif isinstance(value, list):
            for item in value:
                collect(item)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)

    for key in ("error", "errors", "message"):
        collect(tree.get(key))
    return list(dict.fromkeys(found))  # a body may carry one message as "error" and in "errors"


# XML ---------------------------------------------------------------------------------------


def _parse_xml(body: bytes) -> Tree:
    from lxml import etree  # deferred: lxml is not needed to start the till

    if _DTD.search(body):
        raise BadResponseError("The answer declares a DTD or entities; it was refused unread")
    cut_short = not _END.search(body[-256:])
    body = _repair_xml(body)
    parser = etree.XMLParser(
        recover=True,
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=len(body) > 8 * 1024 * 1024,  # a large report; depth is checked while walking
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(body, parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise BadResponseError(f"The answer is not readable XML ({exc})", cut_short=cut_short) from None
    if root is None:
        raise BadResponseError("The answer is not readable XML", cut_short=cut_short)
    if _local(root.tag) != "response":
        raise BadResponseError(f"The answer is XML but not an API response (root <{_local(root.tag)}>)")
    if cut_short:
        raise BadResponseError("The answer was cut short (no closing </response>)", cut_short=True)
    fatal = [e for e in parser.error_log if e.type_name not in _TOLERATED_XML_ERRORS]
    if fatal:
        raise BadResponseError(
            f"The answer is malformed XML: {fatal[0].message.strip()} (line {fatal[0].line})"
        )
    tree = _element(root, _attributed_tags(body))
    return tree if isinstance(tree, dict) else {}


def _repair_xml(body: bytes) -> bytes:
    if b"&" in body:
        body = _AMP.sub(_fix_ampersand, body)
    return body.translate(None, _CONTROL)


def _attributed_tags(body: bytes) -> frozenset[str]:
    """Tags of the start tags that carry attributes (a false alarm only costs a lookup).

    One pass of one regex over the start tags: linear, whatever the body repeats."""
    return frozenset(
        match.group(1).decode("ascii", "replace").rsplit(":", 1)[-1] for match in _ATTRIBUTED.finditer(body)
    )


def _fix_ampersand(match: re.Match[bytes]) -> bytes:
    name = match.group(1)
    if name is None:
        return b"&amp;"  # a raw '&' in text, as in "Coffees & Teas"
    codepoint = html.entities.name2codepoint.get(name[:-1].decode("ascii"))
    if codepoint is not None:
        return b"&#%d;" % codepoint
    return b"&amp;" + name


def _local(tag: object) -> str:
    """An element's tag without its namespace (lxml types a tag as str, bytes or QName)."""
    text = tag.decode() if isinstance(tag, bytes | bytearray) else str(tag)
    return text.rsplit("}", 1)[-1] if "}" in text else text


def _element(element: Any, attributed: frozenset[str], depth: int = 1) -> Any:
    """An element as a value: text for a leaf, a dict for an element with children or attributes."""
    if depth > MAX_DEPTH:
        raise BadResponseError("The answer is nested too deeply to be an API response")
    attrib = element.attrib if _local(element.tag) in attributed else None
    if len(element) == 0:
        text = (element.text or "").strip()
        if not attrib:
            return text
        leaf: dict[str, Any] = dict(attrib)
        if text:
            leaf.setdefault("text", text)
        return leaf
    node: dict[str, Any] = dict(attrib) if attrib else {}
    for child in element:
        tag = child.tag
        if not isinstance(tag, str):  # comments, processing instructions, entities
            continue
        if "}" in tag:
            tag = _local(tag)
        if len(child) == 0 and tag not in attributed:
            value: Any = (child.text or "").strip()  # the common case, inlined
        else:
            value = _element(child, attributed, depth + 1)
        if tag in node:
            existing = node[tag]
            if isinstance(existing, _Repeated):
                existing.append(value)
            else:
                node[tag] = _Repeated((existing, value))
        else:
            node[tag] = value
    return node


class _Repeated(list):  # type: ignore[type-arg]
    """Repeated children of one element, kept in document order."""


# JSON --------------------------------------------------------------------------------------


def _parse_json(body: bytes) -> Tree:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = body.decode("latin-1")
    return _load_json(text)


def _parse_jsonp(body: bytes) -> Tree:
    text = body.decode("utf-8", errors="replace")
    match = _JSONP.match(text)
    if match is None:
        raise BadResponseError("The answer was cut short (an unterminated JSONP call)", cut_short=True)
    return _load_json(match.group(1))


def _load_json(text: str) -> Tree:
    try:
        value = json.loads(
            text,
            parse_float=_bounded_number,
            parse_int=_bounded_number,
            parse_constant=_no_constant,
            object_hook=_null_is_empty,
        )
    except json.JSONDecodeError as exc:
        cut = exc.pos >= len(text.rstrip()) - 1
        if cut:
            raise BadResponseError("The answer was cut short (incomplete JSON)", cut_short=True) from None
        raise BadResponseError(f"The answer is malformed JSON ({exc.msg} at character {exc.pos})") from None
    except RecursionError:
        raise BadResponseError("The answer is nested too deeply to be an API response") from None
    if not isinstance(value, dict):
        raise BadResponseError("The answer is JSON but not an API response (no object at the top)")
    response = value.get("response")
    if "status" not in value and isinstance(response, dict):
        value = response  # some gateways wrap the document in {"response": {...}}
    return value


def _bounded_number(text: str) -> str:
    """A JSON number, kept as the API's text (every value of the API is a string), within bounds."""
    if len(text) > MAX_DIGITS:
        raise BadResponseError(f"The answer holds a number of {len(text)} characters")
    return text


def _no_constant(name: str) -> Any:
    raise BadResponseError(f"The answer holds {name}, which is not a JSON number")


def _check_depth(tree: Any) -> None:
    stack = [(tree, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise BadResponseError("The answer is nested too deeply to be an API response")
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


def _null_is_empty(obj: dict[str, Any]) -> dict[str, Any]:
    """JSON ``null`` means what an empty XML element means: ``""``."""
    if None in obj.values():
        return {key: "" if value is None else value for key, value in obj.items()}
    return obj


# Messages ----------------------------------------------------------------------------------


def _html_message(body: bytes) -> str:
    match = _TITLE.search(body[:4096])
    title = re.sub(rb"\s+", b" ", match.group(1)).strip().decode("utf-8", "replace") if match else ""
    suffix = f" ({title[:80]})" if title else ""
    return f"The server sent a web page instead of an API response{suffix}"


def _snippet(body: bytes) -> str:
    text = body[:40].decode("utf-8", "replace")
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return repr(text + ("…" if len(body) > 40 else ""))


def _utf16_to_utf8(body: bytes) -> bytes:
    try:
        text = body.decode("utf-16")
    except UnicodeDecodeError:
        raise BadResponseError("The answer is not valid UTF-16 text") from None
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    return text.encode("utf-8")
