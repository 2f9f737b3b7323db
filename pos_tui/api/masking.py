"""What logs may show of a card number or customer code (the API layer logs every call)."""

from __future__ import annotations


def mask_card(value: str) -> str:
    """A card number or code as logs may show it: the last four characters."""
    value = value or ""
    return "…" + value[-4:] if len(value) > 4 else "…"
