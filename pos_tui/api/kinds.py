"""The five campaign kinds: their names (one ``Literal``) and how a person reads them."""

from __future__ import annotations

from typing import Literal, get_args

CampaignKind = Literal["points", "giftcard", "buyx", "events", "earned"]
CAMPAIGN_KINDS: tuple[CampaignKind, ...] = get_args(CampaignKind)
KIND_TITLES: dict[str, str] = {
    "points": "Points",
    "giftcard": "Gift card",
    "buyx": "Buy X get one free",
    "events": "Visits",
    "earned": "Earn per visit",
}


def title(kind: str) -> str:
    """A campaign kind in words (an unknown kind as itself)."""
    return KIND_TITLES.get(kind, kind)
