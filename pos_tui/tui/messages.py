"""What the screens tell the app. Small messages the app handles; the screens never set the
app's state themselves. Dataclasses (Textual calls ``__post_init__`` for them); ``eq=False`` keeps
them hashable by identity, as Textual's own messages are."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass(eq=False)
class CampaignUsed(Message):
    """A write on this campaign went through: the next earn or redemption starts on it."""

    campaign_id: str


@dataclass(eq=False)
class StoreHeaderRead(Message):
    """The store's name and address for receipt headers, read once from ``account_info``."""

    header: object


@dataclass(eq=False)
class ReceiptWidthChosen(Message):
    """The cashier chose a paper width: the next receipt and the next start use it."""

    width: int
