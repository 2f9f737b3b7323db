"""Answers in the API's formats: XML (default), JSON, JSONP, condensed JSON.

Handlers build a tree of dicts and strings; lists are :class:`Items`, which know their XML
child tag (``<campaigns><campaign>…``) and whether the children stand directly in the parent
(``inline``, as a report's ``<customer>`` elements do). In JSON a list is an array named after
its wrapper, as the shared README describes.

As the live service does, a ``&`` in text is sent raw (``Coffees & Teas``): clients repair it
before parsing. Only a ``&`` that would otherwise read as an entity reference (``&amp;``,
``&#38;``) is escaped, so that no text changes on the way. A :class:`PerFormat` value differs
between XML and JSON (a redemption's ``deduct.amount`` is negative in live JSON only). JSON
errors come as ``"errors": [...]`` from the calls in :data:`ERRORS_AS_LIST` and as
``"error": "…"`` from the others: the live service sends both forms.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import quoteattr

_CALLBACK = re.compile(r"^[A-Za-z_$][\w$.]{0,63}$")
_ENTITY_LIKE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
#: Calls whose JSON errors are ``"errors": [...]`` (the calls typed clients make); the rest send ``"error"``.
ERRORS_AS_LIST = frozenset(
    {
        "customer_info",
        "customer_balance",
        "balance",
        "account_info",
        "record_activity",
        "redeem",
        "record_customer",
        "validate_customer_password",
        "campaign_promos",
        "batch_transactions",
        "dashboard",
        "buyx_items_list",
    }
)


@dataclass(frozen=True)
class PerFormat:
    """A value sent one way in XML and another in JSON."""

    xml: str
    json: str

    def __str__(self) -> str:
        return self.xml


def text(value: Any) -> str:
    """Element text as the live service writes it: ``<`` and ``>`` escaped, ``&`` raw."""
    return _ENTITY_LIKE.sub("&amp;", str(value)).replace("<", "&lt;").replace(">", "&gt;")


@dataclass
class Items:
    tag: str
    items: list[Any] = field(default_factory=list)
    inline: bool = False


def to_xml(status: str, tree: dict[str, Any]) -> bytes:
    lines = [f"<response status={quoteattr(status)}>"]
    _xml_children(tree, lines, 1)
    lines.append("</response>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _xml_children(tree: dict[str, Any], lines: list[str], depth: int) -> None:
    for key, value in tree.items():
        if isinstance(value, Items) and value.inline:
            for item in value.items:
                _xml_element(value.tag, item, lines, depth)
        else:
            _xml_element(key, value, lines, depth)


def _xml_element(tag: str, value: Any, lines: list[str], depth: int) -> None:
    pad = "  " * depth
    if isinstance(value, Items):
        if not value.items:
            lines.append(f"{pad}<{tag}></{tag}>")
            return
        lines.append(f"{pad}<{tag}>")
        for item in value.items:
            _xml_element(value.tag, item, lines, depth + 1)
        lines.append(f"{pad}</{tag}>")
    elif isinstance(value, dict):
        attrs = "".join(f" {k[1:]}={quoteattr(str(v))}" for k, v in value.items() if k.startswith("@"))
        children = {k: v for k, v in value.items() if not k.startswith("@")}
        lines.append(f"{pad}<{tag}{attrs}>")
        _xml_children(children, lines, depth + 1)
        lines.append(f"{pad}</{tag}>")
    else:
        lines.append(f"{pad}<{tag}>{text(value)}</{tag}>")


def _plain(value: Any) -> Any:
    if isinstance(value, PerFormat):
        return value.json
    if isinstance(value, Items):
        return [_plain(item) for item in value.items]
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out[key.lstrip("@")] = _plain(item)
        return out
    return str(value)


def to_json(
    status: str, tree: dict[str, Any], *, condensed: bool = False, callback: str = "", call: str = ""
) -> bytes:
    body = {"status": status, **_plain(tree)}
    if status == "error" and call in ERRORS_AS_LIST and isinstance(body.get("error"), str):
        body["errors"] = [body.pop("error")]
    if condensed:
        text = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    else:
        text = json.dumps(body, indent=2, ensure_ascii=False)
    if callback:
        text = f"{callback}({text});"
    return text.encode("utf-8")


def render(status: str, tree: dict[str, Any], fields: dict[str, str]) -> tuple[bytes, str]:
    """The body and its media type for the output the request asked for."""
    output = fields.get("output", "").strip().upper()
    callback = fields.get("callback", "").strip()
    if output == "JSON" or (callback and output != "XML"):
        condensed = fields.get("condensed", "").strip().lower() in {"yes", "y", "1", "true"}
        if callback and not _CALLBACK.match(callback):
            callback = ""
        media = "application/javascript" if callback else "application/json"
        call = fields.get("type", "").strip()
        body = to_json(status, tree, condensed=condensed, callback=callback, call=call)
        return body, media
    return to_xml(status, tree), "text/xml; charset=utf-8"
