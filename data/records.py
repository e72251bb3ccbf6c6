"""The records the store keeps besides claims and speakers: article texts, feeds, feed items, digest runs,
and what changed in the claims since a stamp.

Frozen dataclasses with no I/O, shared by every backend and by the code that uses them; their dict
mapping lives in data/codec.py.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.models import Article, Claim, Speaker


@dataclass(frozen=True)
class StoredArticle:
    """An article as the store keeps it: the text and metadata, its content hash, and when it was ingested
    (None when unknown)."""

    article: Article
    hash: str
    ingested: datetime | None = None


@dataclass(frozen=True)
class Feed:
    """A followed feed and what the next poll needs: validators for a conditional GET and back-off state."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0
    next_poll: datetime | None = None
    last_error: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class SeenItem:
    """A feed item we are done with: known again by its guid (within its feed), its link or its text's hash.
    `doc` is the document id of the article made from it, when that article was new."""

    feed: str
    guid: str | None
    link: str | None
    hash: str | None
    doc: str | None
    seen: datetime | None


@dataclass(frozen=True)
class DigestRun:
    """One day's digest as prepared once: the cut (ISO time) it covers up to, its messages and recipients,
    kept so that a resumed run sends exactly the same text to the chats still due."""

    day: str
    cut: str
    messages: tuple[str, ...]
    recipients: tuple[int | str, ...]


class Delivery(StrEnum):
    """The state of one digest part to one chat, as the delivery ledger records it."""

    SENDING = "sending"  # written just before the request: a crash after it may have delivered the part
    SENT = "sent"
    BLOCKED = "blocked"  # the chat blocked the bot; it is unsubscribed
    FAILED = "failed"


@dataclass(frozen=True)
class ClaimChanges:
    """What the claims batches finished since a stamp changed: enough for an answer index to follow them
    without reading every claim again."""

    stamp: Hashable  # the store's stamp once these changes are applied
    claims: Sequence[Claim] = ()  # the claims added or changed, whole (a changed claim keeps its id)
    speakers: Sequence[Speaker] | None = None  # the whole registry, when it changed
    titles: Mapping[str, str] = field(default_factory=dict)  # headlines of the articles added
