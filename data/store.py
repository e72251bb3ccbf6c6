"""The embedded store: TinyDB files beside each other, the only place TinyDB tables and file paths are seen.

- `claims.json`: claims, speakers and seen documents. Written once per batch, whole, through
  AtomicJSONStorage, so a second process sees either all of a batch or none of it; readers need no lock.
- `claims.articles.json`: the articles' texts, read only by the batches and readers that ask for them, so
  answering questions never reads them and writing claims never rewrites them.
- `claims.state.json`: the small, often-changed state (subscribers, chat settings, feeds, feed items,
  digest runs, named values), with its own lock, so a /subscribe neither rewrites nor waits for the claims.
- `claims.json.deliveries.jsonl`: the digest delivery ledger, appended line by line (data/ledger.py).

A batch that changed several files writes the texts first, then the claims, then the state: a crash in
between leaves a stored text whose claims are missing (the next ingest of that article completes it) or
claims whose feed item is not marked seen (the item is fetched again and adds nothing), never claims whose
text is lost or a seen item whose claims are.

A store object keeps the claims file's tables it last read or wrote, and uses them while the file is still
that version (same inode, size and time): an ingest reads the file at most once, and not at all when this
process wrote it last. Batches change copies of the table dicts and put new record dicts, never change one
in place, so the answer index may share the records.

Stores of schema 2 and older kept the state tables in the claims file. The first batch (of either kind)
that finds no state file copies them into one before it changes anything; the claims file drops them when
it is next written. Until then readers take them from the claims file.
"""

from __future__ import annotations

import os
import threading
from collections import defaultdict
from collections.abc import (
    Callable,
    Collection,
    Hashable,
    Iterable,
    Iterator,
    Mapping,
)
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from operator import methodcaller
from pathlib import Path
from typing import Any, TypeVar

from filelock import FileLock, Timeout
from tinydb import Query, TinyDB
from tinydb.storages import MemoryStorage
from tinydb.table import Table

from bot.memory import gc_paused
from bot.models import Claim, Speaker
from data.codec import (
    ClaimList,
    article_from_json,
    article_to_json,
    claim_from_json,
    claim_record,
    claim_to_json,
    feed_from_json,
    feed_to_json,
    headline,
    item_from_json,
    item_to_json,
    run_from_json,
    run_to_json,
    speaker_from_json,
    speaker_to_json,
)
from data.ledger import DeliveryLedger
from data.records import ClaimChanges, DigestRun, Feed, SeenItem, StoredArticle
from data.storage import AtomicJSONStorage, Signature, StoreError, Tables, signature

__all__ = [
    "SCHEMA",
    "Batch",
    "ClaimStore",
    "StoreError",
    "StoredArticle",
    "articles_path",
    "claim_from_json",
    "claim_to_json",
    "state_path",
]


def _schema_2(data: Tables) -> Tables:
    """Schema 2 keeps article texts in a second file beside the store; the claims file is unchanged, and
    the documents a schema-1 store marked as seen simply have no stored text."""
    return data


def _schema_3(data: Tables) -> Tables:
    """Schema 3 keeps the small state in its own file; by the time this runs the batch has copied the state
    tables there (or found the file already made), so the claims file just drops them."""
    return {name: table for name, table in data.items() if name not in STATE_TABLES}


SCHEMA = 3
# MIGRATIONS[n] turns a schema-n file into schema n + 1; files are migrated on load, saved by the next batch.
MIGRATIONS: dict[int, Callable[[Tables], Tables]] = {1: _schema_2, 2: _schema_3}
# The articles file first appeared with schema 2, the state file with schema 3: the same numbering.
ARTICLES_SINCE = 2
ARTICLE_MIGRATIONS: dict[int, Callable[[Tables], Tables]] = {2: lambda data: data}
STATE_SINCE = 3
STATE_MIGRATIONS: dict[int, Callable[[Tables], Tables]] = {}

CLAIMS, SPEAKERS, DOCUMENTS, META = "claims", "speakers", "documents", "_meta"
ARTICLES = "articles"
SUBSCRIBERS, STATE, SETTINGS = "subscribers", "state", "chat_settings"
FEEDS, FEED_ITEMS, RUNS = "feeds", "feed_items", "digest_runs"
STATE_TABLES = frozenset({SUBSCRIBERS, STATE, SETTINGS, FEEDS, FEED_ITEMS, RUNS})

T = TypeVar("T")


def articles_path(store_path: str | Path) -> Path:
    """Where a store keeps its article texts: `claims.json` -> `claims.articles.json`, beside it."""
    path = Path(store_path)
    return path.with_name(f"{path.stem}.articles.json")


def state_path(store_path: str | Path) -> Path:
    """Where a store keeps its small state: `claims.json` -> `claims.state.json`, beside it."""
    path = Path(store_path)
    return path.with_name(f"{path.stem}.state.json")


def _migrate(
    data: Tables | None,
    path: Path,
    first: int,
    migrations: Mapping[int, Callable[[Tables], Tables]],
    schema: int | None = None,
) -> tuple[Tables, bool, int]:
    """Bring a loaded file to SCHEMA; says whether it changed and which version it was. A file without
    _meta predates the marker: version `first`."""
    schema = SCHEMA if schema is None else schema
    if data is None:
        return {}, False, schema
    rows = list(data.get(META, {}).values())
    version = rows[0].get("schema") if rows else first
    if type(version) is not int or version < first:
        raise StoreError(f"{path}: schema version {version!r} in table {META!r} is not understood")
    if version > schema:
        raise StoreError(
            f"{path} has store schema {version}, newer than this claimbot understands ({schema}); "
            "upgrade claimbot (pull the newer version and reinstall it) to use this store. "
            "The file was left untouched"
        )
    found = version
    while version < schema:
        data = migrations[version](data)
        version += 1
    return data, found < schema, found


# --- one file ---------------------------------------------------------------------------------------------


class _Pending(MemoryStorage):
    """The whole database in memory; notes whether TinyDB changed anything, so a batch can skip the write."""

    def __init__(self, data: Tables) -> None:
        super().__init__()
        self.memory = data
        self.dirty = False

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self.memory = data
        self.dirty = True


class _Keys:
    """Where each record of a table is, by its key (and, for claims, by speaker), kept beside a loaded
    table and updated with it: a batch's upsert and merge candidates look records up instead of scanning
    100,000 of them. Copied per batch, each speaker's set only when that batch changes it."""

    def __init__(self, table: Mapping[str, Mapping[str, Any]], key: str, group: str | None) -> None:
        doc_ids, docs = list(table), list(table.values())
        self.where = dict(zip(map(methodcaller("get", key), docs), doc_ids, strict=True))
        self.next_id = max(map(int, doc_ids), default=0) + 1
        self.group = group
        groups: defaultdict[Any, set[str]] = defaultdict(set)
        if group is not None:
            for doc_id, name in zip(doc_ids, map(methodcaller("get", group), docs), strict=True):
                groups[name].add(doc_id)
        self.groups: dict[Any, set[str]] = dict(groups)
        self._own: set[Any] = set(self.groups)  # groups this copy may change in place

    def copy(self) -> _Keys:
        new = object.__new__(_Keys)
        new.where, new.next_id, new.group = dict(self.where), self.next_id, self.group
        new.groups, new._own = dict(self.groups), set()
        return new

    def put(self, doc_id: str, old: Mapping[str, Any] | None, record: Mapping[str, Any], key: str) -> None:
        self.where[record[key]] = doc_id
        if self.group is None:
            return
        if old is not None and old.get(self.group) != record[self.group]:
            self._group(old.get(self.group)).discard(doc_id)
        self._group(record[self.group]).add(doc_id)

    def _group(self, name: Any) -> set[str]:
        if name not in self._own:
            self.groups[name] = set(self.groups.get(name, ()))
            self._own.add(name)
        return self.groups[name]


_KEYS = {CLAIMS: ("id", "speaker"), SPEAKERS: ("name", None), DOCUMENTS: ("id", None)}


class _File:
    """One TinyDB file, read from disk the first time it is asked for, changed in memory, written once."""

    def __init__(self, path: Path, first: int, migrations: Mapping[int, Callable[[Tables], Tables]]) -> None:
        self.path = path
        self.disk = AtomicJSONStorage(path)
        self._first = first
        self._migrations = migrations
        self._pending: _Pending | None = None
        self._db: TinyDB | None = None
        self.migrated = False
        # table -> the records a batch put, by key; None for a table replaced whole
        self.touched: dict[str, dict[str, dict[str, Any]] | None] = {}
        self.keys: dict[str, _Keys] = {}  # per table, made when first needed (see _Keys)

    def start(self, raw: Tables | None) -> None:
        """Begin from these tables as read from the file (migrated here), instead of reading it."""
        data, self.migrated, _ = _migrate(raw, self.path, self._first, self._migrations)
        pending = self._pending = _Pending(data)
        self._db = TinyDB(storage=lambda: pending)

    def load(self) -> None:
        if self._pending is None:
            self.start(self.disk.read())

    def raw(self, name: str) -> Iterable[dict[str, Any]]:
        """The stored dicts of a table, without TinyDB's per-document copies (a quarter of a big load)."""
        self.load()
        assert self._pending is not None
        return (self._pending.read() or {}).get(name, {}).values()

    def table(self, name: str) -> Table:
        self.load()
        assert self._db is not None
        return self._db.table(name)

    def names(self) -> set[str]:
        self.load()
        assert self._pending is not None
        return set(self._pending.read() or {}) - {META}

    def build(self, name: str, build: Callable[[Mapping[str, Any]], T]) -> list[T]:
        rows = self.raw(name)
        try:
            with gc_paused():
                return [build(r) for r in rows]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise StoreError(f"{self.path}: a record in table {name!r} is malformed ({exc!r})") from exc

    def tables(self) -> Tables:
        """Every table as loaded (and changed since)."""
        self.load()
        assert self._pending is not None and self._pending.memory is not None
        return self._pending.memory

    def upsert(self, name: str, key: str, records: Iterable[dict[str, Any]]) -> None:
        """Replace records by key, append new ones, straight on the loaded dicts: one pass over the table,
        where TinyDB's update and insert would each rebuild it (a second apiece at 100,000 claims)."""
        fresh = {record[key]: record for record in records}
        if not fresh:
            return
        if name not in self.touched:
            self.touched[name] = {}
        seen = self.touched[name]
        if seen is not None:
            seen.update(fresh)
        table = self._raw_table(name)
        keys = self.keys_of(name, key)
        for k, record in fresh.items():
            doc_id = keys.where.get(k)
            if doc_id is None:
                doc_id, keys.next_id = str(keys.next_id), keys.next_id + 1
            keys.put(doc_id, table.get(doc_id), record, key)
            table[doc_id] = record

    def keys_of(self, name: str, key: str | None = None) -> _Keys:
        """The table's _Keys, made from the loaded table the first time."""
        found = self.keys.get(name)
        if found is None:
            own_key, group = _KEYS.get(name, (key, None))
            assert own_key is not None and (key is None or key == own_key)
            self.load()
            assert self._pending is not None and self._pending.memory is not None
            found = self.keys[name] = _Keys(self._pending.memory.get(name, {}), own_key, group)
        return found

    def replace(self, name: str, records: Iterable[dict[str, Any]]) -> None:
        """The whole table, in the given order."""
        self._raw_table(name)
        self.touched[name] = None
        self.keys.pop(name, None)
        assert self._pending is not None and self._pending.memory is not None
        self._pending.memory[name] = {str(i): record for i, record in enumerate(records, 1)}

    def _raw_table(self, name: str) -> dict[str, Any]:
        """A table's dicts for changing in place; this file's tables are then never changed through
        TinyDB (whose tables cache their next id), so the two cannot disagree."""
        self.load()
        assert self._pending is not None and self._pending.memory is not None
        self._pending.dirty = True
        return self._pending.memory.setdefault(name, {})

    def changes(self) -> Tables | None:
        """The tables to write back, or None when nothing changed."""
        if self._pending is None or not (self._pending.dirty or self.migrated):
            return None
        tables = self._pending.read() or {}
        tables[META] = {"1": {"schema": SCHEMA}}
        return tables

    def write_changes(self) -> bool:
        """Write the file if anything changed; says whether it did."""
        tables = self.changes()
        if tables is not None:
            self.disk.write(tables)
        return tables is not None


def _claims_file(path: Path) -> _File:
    return _File(path, 1, MIGRATIONS)


def _articles_file(path: Path) -> _File:
    return _File(articles_path(path), ARTICLES_SINCE, ARTICLE_MIGRATIONS)


def _legacy_state(path: Path) -> Tables:
    """The state tables a claims file of schema 2 or older still holds (none for schema 3)."""
    data = AtomicJSONStorage(path).read()
    if not data:
        return {}
    _migrate(data, path, 1, MIGRATIONS)  # refuses a newer or broken file before anything is taken from it
    return {name: table for name, table in data.items() if name in STATE_TABLES}


def _state_file(path: Path) -> _File:
    """The state file; when there is none yet, what an older claims file holds, to be written as one."""
    file = _File(state_path(path), STATE_SINCE, STATE_MIGRATIONS)
    if not file.path.exists() and path.exists():
        file.start(_legacy_state(path))
        file.migrated = True  # written by the first batch that opens it, even if it changes nothing
    return file


def _once(make: Callable[[], T]) -> Callable[[], T]:
    """make(), called the first time it is needed and remembered."""
    made: list[T] = []

    def get() -> T:
        if not made:
            made.append(make())
        return made[0]

    return get


# --- views ------------------------------------------------------------------------------------------------


class _StateView:
    """Reads and writes of the small state, over one loaded copy of the state file."""

    def __init__(self, state: Callable[[], _File]) -> None:
        self._state_file = state

    def _state(self, name: str) -> Table:
        self._check_open()
        return self._state_file().table(name)

    def _state_rows(self, name: str, build: Callable[[Mapping[str, Any]], T]) -> list[T]:
        self._check_open()
        return self._state_file().build(name, build)

    def _check_open(self) -> None:
        pass

    def subscribers(self) -> list[int | str]:
        return self._state_rows(SUBSCRIBERS, lambda r: r["chat"])

    def state(self, key: str) -> Any:
        rows = self._state(STATE).search(Query().key == key)
        return rows[0]["value"] if rows else None

    def chat_settings(self, chat: int | str) -> dict[str, Any]:
        rows = self._state(SETTINGS).search(Query().chat == chat)
        return dict(rows[0]["settings"]) if rows else {}

    def named_values(self) -> dict[str, Any]:
        return dict(self._state_rows(STATE, lambda r: (r["key"], r["value"])))

    def all_chat_settings(self) -> dict[int | str, dict[str, Any]]:
        return dict(self._state_rows(SETTINGS, lambda r: (r["chat"], dict(r["settings"]))))

    def feeds(self) -> list[Feed]:
        return self._state_rows(FEEDS, feed_from_json)

    def feed_items(self) -> list[SeenItem]:
        return self._state_rows(FEED_ITEMS, item_from_json)

    def digest_run(self, day: str) -> DigestRun | None:
        return next((run for run in self._state_rows(RUNS, run_from_json) if run.day == day), None)

    def digest_days(self) -> list[str]:
        return sorted(self._state_rows(RUNS, lambda r: r["day"]))

    def subscribe(self, chat: int | str) -> bool:
        table = self._state(SUBSCRIBERS)
        if table.contains(Query().chat == chat):
            return False
        table.insert({"chat": chat})
        return True

    def unsubscribe(self, chat: int | str) -> bool:
        return bool(self._state(SUBSCRIBERS).remove(Query().chat == chat))

    def set_state(self, key: str, value: Any) -> None:
        self._state(STATE).upsert({"key": key, "value": value}, Query().key == key)

    def set_chat_setting(self, chat: int | str, key: str, value: Any) -> None:
        settings = self.chat_settings(chat)
        if value is None:
            settings.pop(key, None)
        else:
            settings[key] = value
        self._state(SETTINGS).upsert({"chat": chat, "settings": settings}, Query().chat == chat)

    def add_feed(self, feed: Feed) -> Feed:
        table = self._state(FEEDS)
        for doc in table:
            if doc.get("url") == feed.url:
                return feed_from_json(doc)
        table.insert(feed_to_json(feed))
        return feed

    def update_feeds(self, feeds: Iterable[Feed]) -> None:
        table = self._state(FEEDS)
        where = {doc.get("url"): doc.doc_id for doc in table}
        for feed in feeds:
            if feed.url in where:
                table.update(feed_to_json(feed), doc_ids=[where[feed.url]])

    def remove_feed(self, url: str) -> bool:
        table = self._state(FEEDS)
        ids = [doc.doc_id for doc in table if doc.get("url") == url]
        if ids:
            table.remove(doc_ids=ids)
        return bool(ids)

    def add_feed_items(self, items: Iterable[SeenItem]) -> None:
        rows = [item_to_json(item) for item in items]
        if rows:
            self._state(FEED_ITEMS).insert_multiple(rows)

    def put_digest_run(self, run: DigestRun) -> None:
        self._state(RUNS).upsert(run_to_json(run), Query().day == run.day)


class _View(_StateView):
    """Reads over one loaded copy of the claims file (and of the other files, once asked for)."""

    def __init__(self, path: Path, claims: _File, articles: _File, state: Callable[[], _File]) -> None:
        super().__init__(state)
        self._path = path
        self._claims = claims
        self._articles = articles
        self._open = True

    def _check_open(self) -> None:
        if not self._open:
            raise RuntimeError(f"the batch on {self._path} has ended; open a new one")

    def _records(self, name: str, build: Callable[[Mapping[str, Any]], T]) -> list[T]:
        self._check_open()
        return self._claims.build(name, build)

    def claims(self) -> list[Claim]:
        return self._records(CLAIMS, claim_from_json)

    def claim_list(self) -> ClaimList:
        self._check_open()
        return ClaimList(list(self._claims.raw(CLAIMS)))

    def speakers(self) -> list[Speaker]:
        return self._records(SPEAKERS, speaker_from_json)

    def seen_documents(
        self, ids: Collection[str] | None = None, hashes: Collection[str] = ()
    ) -> dict[str, str]:
        if ids is None:
            return dict(self._records(DOCUMENTS, lambda r: (r["id"], r["hash"])))
        self._check_open()
        wanted, digests = set(ids), set(hashes)
        rows = self._claims.raw(DOCUMENTS)
        return {r["id"]: r["hash"] for r in rows if r["id"] in wanted or r["hash"] in digests}

    def articles(self) -> list[StoredArticle]:
        self._check_open()
        return self._articles.build(ARTICLES, article_from_json)

    def article_hashes(self) -> dict[str, str]:
        self._check_open()
        return dict(self._articles.build(ARTICLES, lambda r: (r["id"], r["hash"])))

    def merge_candidates(
        self,
        speakers: Collection[str],
        ids: Collection[str],
        days: Collection[date] | None = None,
        whole: Collection[str] = (),
    ) -> list[Claim]:
        self._check_open()
        names, everything, stems = set(speakers), set(whole), set(ids)
        near = (
            None if days is None else {(d + timedelta(days=k)).isoformat() for d in days for k in (-1, 0, 1)}
        )
        keys = self._claims.keys_of(CLAIMS)
        table = self._claims.tables().get(CLAIMS, {})
        found = {doc_id for name in names | everything for doc_id in keys.groups.get(name, ())}
        for stem in stems:
            for k in range(64):  # the ids made unique from a stem: the stem, then with 'x's added
                doc_id = keys.where.get(stem + "x" * k)
                if doc_id is None:
                    if k:
                        break
                    continue
                found.add(doc_id)
        rows = [
            r
            for r in (table[doc_id] for doc_id in sorted(found, key=int))
            if r["speaker"] in everything
            or (r["speaker"] in names and (near is None or r.get("said_on") is None or r["said_on"] in near))
            or _has_stem(r["id"], stems)
        ]
        try:
            return [claim_from_json(r) for r in rows]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise StoreError(f"{self._path}: a record in table {CLAIMS!r} is malformed ({exc!r})") from exc

    def count(self) -> dict[str, int]:
        self._check_open()
        counts = {name: 0 for name in (CLAIMS, SPEAKERS, DOCUMENTS)}
        counts |= {name: len(self._claims.table(name)) for name in self._claims.names() - STATE_TABLES}
        state = self._state_file()
        counts |= {name: n for name in state.names() if (n := len(state.table(name)))}
        return dict(sorted(counts.items()))


def _has_stem(claim_id: str, stems: set[str]) -> bool:
    """Whether the id is one of the stems, or one of them made unique with trailing 'x's."""
    while True:
        if claim_id in stems:
            return True
        if not claim_id.endswith("x"):
            return False
        claim_id = claim_id[:-1]


class Batch(_View):
    """A live view inside the writers' lock; everything put here is written once, when the batch ends."""

    def put_claims(self, claims: Iterable[Claim]) -> None:
        self._check_open()
        self._claims.upsert(CLAIMS, "id", (claim_record(c) for c in claims))

    def put_speakers(self, speakers: Iterable[Speaker]) -> None:
        self._check_open()
        self._claims.upsert(SPEAKERS, "name", (speaker_to_json(s) for s in speakers))

    def replace_speakers(self, speakers: Iterable[Speaker]) -> None:
        self._check_open()
        self._claims.replace(SPEAKERS, [speaker_to_json(s) for s in speakers])

    def mark_documents(self, docs: Mapping[str, str]) -> None:
        self._check_open()
        self._claims.upsert(DOCUMENTS, "id", ({"id": doc, "hash": digest} for doc, digest in docs.items()))

    def put_articles(self, articles: Iterable[StoredArticle]) -> None:
        self._check_open()
        self._articles.upsert(ARTICLES, "id", (article_to_json(a) for a in articles))

    def replace_claims(self, claims: Iterable[Claim]) -> None:
        self._check_open()
        self._claims.replace(CLAIMS, [claim_record(c) for c in claims])


class StateBatch(_StateView):
    """A live view of the state file inside its lock, written once when the batch ends."""

    def __init__(self, state: _File) -> None:
        super().__init__(lambda: state)
        self._open = True
        self._path = state.path

    def _check_open(self) -> None:
        if not self._open:
            raise RuntimeError(f"the batch on {self._path} has ended; open a new one")


# --- the store --------------------------------------------------------------------------------------------


class ClaimStore:
    """The TinyDB store: files any number of processes may read and take turns writing."""

    def __init__(self, path: str | Path, *, lock_timeout: float = 60.0) -> None:
        self.path = Path(path)
        self.articles_path = articles_path(self.path)
        self.state_path = state_path(self.path)
        self._lock_timeout = lock_timeout
        self._batch_threads: set[int] = set()  # threads with a batch open: theirs may not nest, others wait
        # The claims file's tables as this process last read or wrote them, with the file's signature then:
        # while the file is still that one, reads and the next batch start from them instead of parsing it
        # again, so an ingest reads the file at most once (none after this process's own last write) and a
        # long-running bot keeps one copy of it. The record dicts in here are never changed in place (a
        # batch works on copies of the table dicts and puts new records), so the answer index may share them.
        self._tables: tuple[Signature, Tables, dict[str, _Keys]] | None = None
        # What this process's own batches changed, newest last, so the answer index can follow a write
        # without reading every claim again (another process's write is not in it: that means a reload).
        self._log: tuple[_Written, ...] = ()

    @property
    def location(self) -> str:
        return str(self.path)

    @property
    def schema(self) -> int:
        return SCHEMA

    # --- reads: each one reads the file(s) it needs, as they are now

    def claims(self) -> list[Claim]:
        return self._load().claims()

    def speakers(self) -> list[Speaker]:
        return self._load().speakers()

    def seen_documents(
        self, ids: Collection[str] | None = None, hashes: Collection[str] = ()
    ) -> dict[str, str]:
        return self._load().seen_documents(ids, hashes)

    def _signature(self) -> Signature | None:
        try:
            return signature(os.stat(self.path))
        except FileNotFoundError:
            return None

    def snapshot(self) -> tuple[ClaimList, list[Speaker]]:
        """Claims (built lazily) and speakers from one read of the file, so the two agree."""
        view = self._load()
        return view.claim_list(), view.speakers()

    def merge_candidates(
        self,
        speakers: Collection[str],
        ids: Collection[str],
        days: Collection[date] | None = None,
        whole: Collection[str] = (),
    ) -> list[Claim]:
        return self._load().merge_candidates(speakers, ids, days, whole)

    def articles(self) -> list[StoredArticle]:
        """The stored article texts (reads only the articles file, which can be large)."""
        return _articles_file(self.path).build(ARTICLES, article_from_json)

    def article_hashes(self) -> dict[str, str]:
        return dict(_articles_file(self.path).build(ARTICLES, lambda r: (r["id"], r["hash"])))

    def headlines(self) -> dict[str, str]:
        rows = _articles_file(self.path).raw(ARTICLES)
        found = {r["id"]: headline(r) for r in rows}
        return {doc: title for doc, title in found.items() if title}

    def _reads(self) -> _StateView:
        return _StateView(_once(lambda: _state_file(self.path)))

    def subscribers(self) -> list[int | str]:
        return self._reads().subscribers()

    def state(self, key: str) -> Any:
        return self._reads().state(key)

    def chat_settings(self, chat: int | str) -> dict[str, Any]:
        return self._reads().chat_settings(chat)

    def named_values(self) -> dict[str, Any]:
        return self._reads().named_values()

    def all_chat_settings(self) -> dict[int | str, dict[str, Any]]:
        return self._reads().all_chat_settings()

    def feeds(self) -> list[Feed]:
        return self._reads().feeds()

    def feed_items(self) -> list[SeenItem]:
        return self._reads().feed_items()

    def digest_run(self, day: str) -> DigestRun | None:
        return self._reads().digest_run(day)

    def digest_days(self) -> list[str]:
        return self._reads().digest_days()

    def count(self) -> dict[str, int]:
        """Rows per table, without building any records."""
        return self._load().count()

    def stamp(self) -> Hashable:
        """The claims file's signature (inode, size, time): every batch that changes claims replaces it."""
        return self._signature()

    def changes(self, since: Hashable) -> ClaimChanges | None:
        """What this process's own batches changed since `since`, from the tables it keeps; None when
        another process wrote in between, or the file was replaced whole or migrated."""
        now = self._signature()
        if since == now:
            return ClaimChanges(now)
        cached = self._cached()
        if since is None or cached is None:
            return None
        records: dict[str, Mapping[str, Any]] = {}
        titles: dict[str, str] = {}
        speakers = False
        at = since
        for written in self._log:
            if written.before != at:
                continue
            if written.claims is None:
                return None
            records.update(written.claims)
            titles.update(written.titles)
            speakers = speakers or written.speakers
            at = written.after
        if at != now:
            return None
        try:
            claims = [claim_from_json(r) for r in records.values()]
            rows = cached[1].get(SPEAKERS, {}).values() if speakers else None
            registry = None if rows is None else [speaker_from_json(r) for r in rows]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise StoreError(f"{self.path}: a record is malformed ({exc!r})") from exc
        return ClaimChanges(now, claims, registry, titles)

    def deliveries(self) -> DeliveryLedger:
        return DeliveryLedger.beside(self.path)

    @contextmanager
    def digest_lock(self) -> Iterator[bool]:
        lock = FileLock(f"{self.path}.digest.lock", timeout=0)
        try:
            lock.acquire()
        except Timeout:
            yield False
            return
        try:
            yield True
        finally:
            lock.release()

    def close(self) -> None:
        """Nothing to release: every read and batch opens and closes its files."""

    # --- writes

    def _lock(self, path: Path) -> AbstractContextManager[object]:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"{path.parent}: cannot make the store's folder ({exc.strerror or exc})"
            ) from exc
        try:  # a read-only file system or folder: say so now rather than wait out the lock's timeout
            os.close(os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o644))
        except OSError as exc:
            raise StoreError(
                f"{path}.lock: cannot write the store's lock file ({exc.strerror or exc})"
            ) from exc
        lock = FileLock(f"{path}.lock", timeout=self._lock_timeout)
        try:
            lock.acquire(poll_interval=0.01)
        except Timeout as exc:
            raise StoreError(
                f"{path} is locked by another writer ({lock.lock_file} held for over {self._lock_timeout} s)"
            ) from exc
        return _Released(lock)

    @contextmanager
    def _one_at_a_time(self) -> Iterator[None]:
        thread = threading.get_ident()
        if thread in self._batch_threads:
            raise RuntimeError(f"a batch on {self.path} is already open; batches do not nest")
        self._batch_threads.add(thread)
        try:
            yield
        finally:
            self._batch_threads.discard(thread)

    @contextmanager
    def batch(self) -> Iterator[Batch]:
        """Lock, load the claims file as it is now, let the caller change it, write once; on an exception,
        nothing. The articles and state files are loaded (the state under its own lock) only if asked for."""
        # no garbage collection while the whole file is in memory: a full collection walks every record
        # (a quarter of a second at 100,000 claims) and finds nothing to free; a batch is short
        with self._one_at_a_time(), self._lock(self.path), gc_paused():
            claims = _claims_file(self.path)
            claims.disk.remove_stale_temps()
            cached = self._cached()
            if cached is not None:
                raw: Tables | None = {name: dict(table) for name, table in cached[1].items()}
                claims.disk.assume(cached[0])
            else:
                raw = claims.disk.read()
            with _Lazy(self._state_open) as state:
                claims.start(raw)  # refuses a newer or broken file before anything else is touched
                if cached is not None:
                    claims.keys = {name: keys.copy() for name, keys in list(cached[2].items())}
                claims.keys_of(CLAIMS)  # part of loading the file, once per version: an ingest needs them
                if raw and STATE_TABLES & set(raw):
                    state.get()  # copies the old state tables out before the claims file can drop them
                articles = _articles_file(self.path)
                articles.disk.remove_stale_temps()
                batch = Batch(self.path, claims, articles, state.get)
                try:
                    yield batch
                finally:
                    batch._open = False
                # texts, then claims, then state ("item seen" after its claims): see the module docstring
                before = claims.disk.known
                articles.write_changes()
                if claims.write_changes():
                    self._note(before, claims, articles)
                if not claims.migrated and claims.disk.known is not None:
                    self._tables = (claims.disk.known, claims.tables(), claims.keys)
                if state.opened or (not self.state_path.exists() and self.path.exists()):
                    state.get().write_changes()  # a new store gets its (empty) state file with its claims

    def _note(self, before: Signature | None, claims: _File, articles: _File) -> None:
        """Remember what a batch changed, for changes(); the last few batches are enough for a bot that
        refreshes its index before each question."""
        after = claims.disk.known
        if after is None:
            return
        touched = claims.touched.get(CLAIMS, {})
        whole = claims.migrated or touched is None
        put = articles.touched.get(ARTICLES) or {}
        titles = {doc: title for doc, r in put.items() if (title := headline(r))}
        written = _Written(before, after, None if whole else touched, SPEAKERS in claims.touched, titles)
        self._log = (*self._log[-(_LOG - 1) :], written)

    def _state_open(self) -> tuple[_File, AbstractContextManager[object]]:
        lock = self._lock(self.state_path)
        try:
            file = _state_file(self.path)
            file.disk.remove_stale_temps()
            file.load()
            if not file.path.exists() and self.path.exists():
                # the copy of an older store's state, made before anything changes: from now on it is
                # the state, and the claims file may drop its copy
                file.write_changes()
                file.migrated = False
        except BaseException:
            lock.__exit__(None, None, None)
            raise
        return file, lock

    @contextmanager
    def state_batch(self) -> Iterator[StateBatch]:
        """The small state alone, under its own lock: never reads or writes the claims file."""
        with self._one_at_a_time(), _Lazy(self._state_open) as state:
            batch = StateBatch(state.get())
            try:
                yield batch
            finally:
                batch._open = False
            state.get().write_changes()

    def _cached(self) -> tuple[Signature, Tables, dict[str, _Keys]] | None:
        cached = self._tables
        if cached is not None and cached[0] == self._signature():
            return cached
        return None

    def _load(self) -> _View:
        claims = _claims_file(self.path)
        cached = self._cached()
        if cached is not None:
            claims.start(cached[1])
            claims.keys = cached[2]  # shared: a reader only adds the keys it makes, never changes them
        else:
            claims.load()
            if not claims.migrated and claims.disk.known is not None:
                self._tables = (claims.disk.known, claims.tables(), claims.keys)
        return _View(self.path, claims, _articles_file(self.path), _once(lambda: _state_file(self.path)))


_LOG = 16  # batches remembered for changes()


@dataclass(frozen=True)
class _Written:
    """One batch this process wrote: the claims file's signature before and after, and what it put."""

    before: Signature | None
    after: Signature
    claims: Mapping[str, Mapping[str, Any]] | None  # claim records put, by id; None: replaced or migrated
    speakers: bool  # whether the speaker registry changed
    titles: Mapping[str, str]  # headlines of the articles put


class _Released:
    """Releases a held file lock when its block ends."""

    def __init__(self, lock: FileLock) -> None:
        self._lock = lock

    def __enter__(self) -> object:
        return self

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


class _Lazy:
    """The state file, opened (and locked) the first time a batch asks for it, released when it ends."""

    def __init__(self, opener: Callable[[], tuple[_File, AbstractContextManager[object]]]) -> None:
        self._opener = opener
        self._file: _File | None = None
        self._lock: AbstractContextManager[object] | None = None

    @property
    def opened(self) -> bool:
        return self._file is not None

    def get(self) -> _File:
        if self._file is None:
            self._file, self._lock = self._opener()
        return self._file

    def __enter__(self) -> _Lazy:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._lock is not None:
            self._lock.__exit__(None, None, None)
