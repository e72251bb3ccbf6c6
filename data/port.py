"""The store port: what claimbot needs from a store, whatever keeps it (a TinyDB file, PostgreSQL).

Callers see records only (Claim, Speaker, StoredArticle, Feed, SeenItem, DigestRun), never a table, a row
dict, a file path or a connection. Two kinds of write:

- `batch()` changes claims, speakers, seen documents and article texts, all or nothing: an ingest is one
  batch. It may also read and change the small state below.
- `state_batch()` changes only the small, often-changed state (subscribers, chat settings, feeds and feed
  items, digest runs, named values), so a /subscribe never rewrites or waits for the claims.

When one operation changes both, it writes the claims first: a crash in between leaves claims whose
"item seen" mark is missing (the item is fetched again and changes nothing), never a seen item whose
claims are lost.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import date
from typing import Any, Protocol

from bot.models import Claim, Speaker
from data.records import ClaimChanges, Delivery, DigestRun, Feed, SeenItem, StoredArticle

__all__ = [
    "ClaimReads",
    "ClaimWrites",
    "Deliveries",
    "StateReads",
    "StateWrites",
    "Store",
    "StoreBatch",
    "StoreError",
]


class StoreError(Exception):
    """The store cannot be read or written; the message names the file or database and what is wrong."""


class StateReads(Protocol):
    """The small state, read."""

    def subscribers(self) -> list[int | str]:
        """Chats that asked for the daily digest, in the order they subscribed."""
        ...

    def state(self, key: str) -> Any:
        """A small named JSON value kept between runs (the digest watermark, ...); None when unset."""
        ...

    def chat_settings(self, chat: int | str) -> dict[str, Any]:
        """One chat's own settings (empty when it has none)."""
        ...

    def named_values(self) -> dict[str, Any]:
        """Every named value set with set_state (for copying a store)."""
        ...

    def all_chat_settings(self) -> dict[int | str, dict[str, Any]]:
        """Every chat's settings (for copying a store)."""
        ...

    def feeds(self) -> list[Feed]:
        """Followed feeds in the order they were added."""
        ...

    def feed_items(self) -> list[SeenItem]:
        """Every feed item taken so far, oldest first."""
        ...

    def digest_run(self, day: str) -> DigestRun | None:
        """The run prepared for a day (ISO date), if any."""
        ...

    def digest_days(self) -> list[str]:
        """Days that have a prepared digest run, oldest first."""
        ...


class StateWrites(StateReads, Protocol):
    """The small state, changed inside a batch: written when the batch ends, or not at all."""

    def subscribe(self, chat: int | str) -> bool:
        """Add a chat to the digest; False when it was already there."""
        ...

    def unsubscribe(self, chat: int | str) -> bool:
        """Remove a chat from the digest; False when it was not subscribed."""
        ...

    def set_state(self, key: str, value: Any) -> None: ...

    def set_chat_setting(self, chat: int | str, key: str, value: Any) -> None:
        """Set one setting of one chat; None removes it."""
        ...

    def add_feed(self, feed: Feed) -> Feed:
        """Follow a feed; one already followed (same url) is returned unchanged."""
        ...

    def update_feeds(self, feeds: Iterable[Feed]) -> None:
        """Store the new state of feeds still followed; feeds removed meanwhile stay removed."""
        ...

    def remove_feed(self, url: str) -> bool:
        """Stop following a feed; its items stay remembered. False when it was not followed."""
        ...

    def add_feed_items(self, items: Iterable[SeenItem]) -> None: ...

    def put_digest_run(self, run: DigestRun) -> None:
        """Keep a day's run; a day has one run, so a second put for it replaces the first."""
        ...


class ClaimReads(Protocol):
    """Claims, speakers, seen documents and article texts, read."""

    def claims(self) -> list[Claim]: ...

    def speakers(self) -> list[Speaker]: ...

    def seen_documents(
        self, ids: Collection[str] | None = None, hashes: Collection[str] = ()
    ) -> dict[str, str]:
        """Document id -> content hash of every article whose claims are stored; given `ids`, only the
        documents with one of those ids or `hashes` (a lookup, not a read of every document)."""
        ...

    def articles(self) -> list[StoredArticle]:
        """Every stored article text, in the order first stored."""
        ...

    def article_hashes(self) -> dict[str, str]:
        """Article id -> content hash of every stored text, without building the articles."""
        ...

    def merge_candidates(
        self,
        speakers: Collection[str],
        ids: Collection[str],
        days: Collection[date] | None = None,
        whole: Collection[str] = (),
    ) -> list[Claim]:
        """The stored claims a merge of new claims can touch, in store order, so an ingest merges without
        building every claim: the claims of `speakers` said within a day of one of `days` or undated
        (all of them when days is None: a new claim with no date may match any), every claim of the
        speakers in `whole` (they may be renamed), and those whose id is one of `ids`, or one made unique
        from it with trailing 'x's."""
        ...


class ClaimWrites(ClaimReads, Protocol):
    """Claims and what goes with them, changed inside a batch."""

    def put_claims(self, claims: Iterable[Claim]) -> None:
        """Upsert by Claim.id; a new claim goes after the stored ones."""
        ...

    def replace_claims(self, claims: Iterable[Claim]) -> None:
        """The whole claims table, in the given order, for when every claim was rebuilt."""
        ...

    def put_speakers(self, speakers: Iterable[Speaker]) -> None:
        """Upsert by Speaker.name, replacing the whole record."""
        ...

    def replace_speakers(self, speakers: Iterable[Speaker]) -> None:
        """The whole speaker registry, for when speakers were merged or renamed."""
        ...

    def mark_documents(self, docs: Mapping[str, str]) -> None:
        """Remember document id -> content hash, so a re-read document is skipped unless it changed."""
        ...

    def put_articles(self, articles: Iterable[StoredArticle]) -> None:
        """Upsert article texts by id (written before the claims, so no claim ever lacks its text)."""
        ...


class StoreBatch(ClaimWrites, StateWrites, Protocol):
    """Everything a batch can read and change, seeing its own changes; others see them when it ends."""


class Deliveries(Protocol):
    """Which digest part reached which chat: the ledger written around each send."""

    def states(self, day: str) -> dict[tuple[str, int], Delivery]:
        """The last state of each (chat, part) for a day; chats are keyed by str(chat id)."""
        ...

    def mark(self, day: str, chat: int | str, part: int, state: Delivery) -> None:
        """Record a state durably before returning."""
        ...

    def everything(self) -> dict[tuple[str, str, int], Delivery]:
        """The last state of every (day, chat, part) (for copying a store)."""
        ...


class Store(ClaimReads, StateReads, Protocol):
    """A claimbot store. Reads outside a batch see the last finished batch."""

    @property
    def location(self) -> str:
        """Where the store is, for messages (a file path, or a URL with no password)."""
        ...

    @property
    def schema(self) -> int:
        """The schema version this code writes; older stores are migrated when opened for writing."""
        ...

    def batch(self) -> AbstractContextManager[StoreBatch]:
        """Claims and state, all or nothing; on an exception nothing is written. Batches do not nest."""
        ...

    def state_batch(self) -> AbstractContextManager[StateWrites]:
        """The small state only: never reads or rewrites the claims."""
        ...

    def snapshot(self) -> tuple[Sequence[Claim], list[Speaker]]:
        """Claims (built lazily where the backend can) and speakers that agree with each other."""
        ...

    def headlines(self) -> dict[str, str]:
        """Article id -> title of every stored article with a title."""
        ...

    def count(self) -> dict[str, int]:
        """How many claims, speakers, documents, articles, subscribers, feeds and feed items are stored."""
        ...

    def stamp(self) -> Hashable:
        """A value that changes whenever claims or speakers change, so an answer index knows to refresh."""
        ...

    def changes(self, since: Hashable) -> ClaimChanges | None:
        """What changed in the claims and speakers since `since` (a stamp this store gave), up to a stamp
        at least as new as that one; None when the store cannot tell (another process rewrote the file, a
        whole replacement, a stamp too old): the caller then reads everything again."""
        ...

    def deliveries(self) -> Deliveries:
        """The digest delivery ledger."""
        ...

    def digest_lock(self) -> AbstractContextManager[bool]:
        """Held by the single digest sender: yields False at once when another process holds it."""
        ...

    def close(self) -> None:
        """Release connections; the store is not used afterwards."""
        ...
