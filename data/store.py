"""Claims, speakers and seen documents in one TinyDB file; the only place records become dicts and back.

Writers take a file lock and work on an in-memory copy of the whole file, written back once per batch through
AtomicJSONStorage, so an ingest run costs one file write however many claims it finds, and a second process
sees either all of a batch or none of it. Readers need no lock: the file is only ever replaced whole.

The articles' texts live apart, in a second TinyDB file beside the store (`claims.json` ->
`claims.articles.json`), so answering questions never reads them and writing claims never rewrites them.
It is loaded only by the batches and readers that ask for articles, under the same lock, and a batch that
changed both writes the articles first: a crash in between leaves a stored text whose claims are missing,
which the next ingest of that article completes, never claims whose text is missing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar, overload

from filelock import FileLock, Timeout
from tinydb import Query, TinyDB
from tinydb.storages import MemoryStorage
from tinydb.table import Table

from bot.memory import gc_paused
from bot.models import Article, Claim, ClaimSummary, Figure, SearchTerms, Source, Speaker
from data.storage import AtomicJSONStorage, StoreError, Tables

__all__ = [
    "SCHEMA",
    "Batch",
    "ClaimStore",
    "StoreError",
    "StoredArticle",
    "articles_path",
    "claim_from_json",
    "claim_to_json",
]


def _schema_2(data: Tables) -> Tables:
    """Schema 2 keeps article texts in a second file beside the store; the claims file is unchanged, and
    the documents a schema-1 store marked as seen simply have no stored text."""
    return data


SCHEMA = 2
# MIGRATIONS[n] turns a schema-n file into schema n + 1; files are migrated on load, saved by the next batch.
MIGRATIONS: dict[int, Callable[[Tables], Tables]] = {1: _schema_2}
# The articles file first appeared with schema 2; the same numbering, its own migrations.
ARTICLES_SINCE = 2
ARTICLE_MIGRATIONS: dict[int, Callable[[Tables], Tables]] = {}

CLAIMS, SPEAKERS, DOCUMENTS, META = "claims", "speakers", "documents", "_meta"
SUBSCRIBERS, STATE = "subscribers", "state"
ARTICLES = "articles"

T = TypeVar("T")


# --- record <-> JSON --------------------------------------------------------------------------------------


def claim_to_json(claim: Claim) -> dict[str, Any]:
    """The public JSON shape of a claim; also exactly what the store keeps."""
    return {
        "id": claim.id,
        "speaker": claim.speaker,
        "statement": claim.statement,
        "figures": [_figure_to_json(f) for f in claim.figures],
        "said_on": _date_out(claim.said_on),
        "topic": claim.topic,
        "sources": [_source_to_json(s) for s in claim.sources],
        "first_seen": _datetime_out(claim.first_seen),
        "relayed_by": claim.relayed_by,
    }


def claim_from_json(record: Mapping[str, Any]) -> Claim:
    """Optional keys may be missing so that records from older schemas still load."""
    return Claim(
        id=record["id"],
        speaker=record["speaker"],
        statement=record["statement"],
        figures=tuple([_figure_from_json(f) for f in record.get("figures") or ()]),
        said_on=_date_in(record.get("said_on")),
        topic=record.get("topic"),
        sources=tuple([_source_from_json(s) for s in record.get("sources") or ()]),
        relayed_by=record.get("relayed_by"),
        first_seen=_datetime_in(record.get("first_seen")),
        search=_search_from_json(record.get("search")),
    )


class ClaimList(Sequence[Claim]):
    """The store's claims, each built from its record only when it is asked for.

    Answering needs every claim's summary but only a handful of whole claims; building all 100,000 up
    front would cost a second of start-up."""

    def __init__(self, records: list[Mapping[str, Any]]) -> None:
        self._records = records
        self._built: dict[int, Claim] = {}

    def __len__(self) -> int:
        return len(self._records)

    @overload
    def __getitem__(self, i: int) -> Claim: ...

    @overload
    def __getitem__(self, i: slice) -> list[Claim]: ...

    def __getitem__(self, i: int | slice) -> Claim | list[Claim]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        claim = self._built.get(i)
        if claim is None:
            claim = self._built[i] = claim_from_json(self._records[i])
        return claim

    def summaries(self) -> list[ClaimSummary]:
        with gc_paused():
            return [_summary(r) for r in self._records]


def _summary(record: Mapping[str, Any]) -> ClaimSummary:
    search = _search_from_json(record.get("search"))
    if search is not None and search.day:
        day = search.day
    else:
        said = record.get("said_on")
        published = [s["published"] for s in record.get("sources") or () if s.get("published")]
        first = said or (min(published) if published else None)
        day = date.fromisoformat(first).toordinal() if first else date.min.toordinal()
    figures = record.get("figures") or ()
    numbers = tuple(
        float(v) for f in figures for v in (f.get("value"), f.get("low"), f.get("high")) if v is not None
    )
    return ClaimSummary(record["speaker"], day, numbers, bool(figures), search)


def _claim_record(claim: Claim) -> dict[str, Any]:
    """What the store keeps of a claim: its public shape plus the answer index's precomputed terms."""
    record = claim_to_json(claim)
    if claim.search is not None:
        # one string per field: a big store loads several times faster than with lists of words
        record["search"] = {
            "own": " ".join(claim.search.own),
            "context": " ".join(claim.search.context),
            "words": " ".join(claim.search.words),
            "day": claim.search.day,
        }
    return record


def _search_from_json(record: Mapping[str, Any] | None) -> SearchTerms | None:
    if not record:
        return None
    return SearchTerms(
        record["own"].split(), record["context"].split(), record["words"].split(), record.get("day", 0)
    )


def _figure_to_json(figure: Figure) -> dict[str, Any]:
    return {
        "value": _number_out(figure.value),
        "low": _number_out(figure.low),
        "high": _number_out(figure.high),
        "unit": figure.unit,
        "qualifier": figure.qualifier,
        "text": figure.text,
    }


def _figure_from_json(record: Mapping[str, Any]) -> Figure:
    return Figure(
        text=record["text"],
        value=_number_in(record.get("value")),
        low=_number_in(record.get("low")),
        high=_number_in(record.get("high")),
        unit=record.get("unit"),
        qualifier=record.get("qualifier"),
    )


def _source_to_json(source: Source) -> dict[str, Any]:
    return {
        "document": source.document,
        "outlet": source.outlet,
        "url": source.url,
        "published": _date_out(source.published),
        "sentence": source.sentence,
    }


def _source_from_json(record: Mapping[str, Any]) -> Source:
    return Source(
        document=record["document"],
        sentence=record["sentence"],
        outlet=record.get("outlet"),
        url=record.get("url"),
        published=_date_in(record.get("published")),
    )


def _speaker_to_json(speaker: Speaker) -> dict[str, Any]:
    return {
        "name": speaker.name,
        "kind": speaker.kind,
        "aliases": list(speaker.aliases),
        "roles": list(speaker.roles),
    }


def _speaker_from_json(record: Mapping[str, Any]) -> Speaker:
    return Speaker(
        name=record["name"],
        kind=record.get("kind", "person"),
        aliases=tuple(record.get("aliases", ())),
        roles=tuple(record.get("roles", ())),
    )


@dataclass(frozen=True)
class StoredArticle:
    """An article as the store keeps it: the text and metadata, its content hash, and when it was ingested
    (None when unknown)."""

    article: Article
    hash: str
    ingested: datetime | None = None


def _article_to_json(stored: StoredArticle) -> dict[str, Any]:
    article = stored.article
    return {
        "id": article.id,
        "outlet": article.outlet,
        "url": article.url,
        "published": _date_out(article.published),
        "title": article.title,
        "hash": stored.hash,
        "ingested": _datetime_out(stored.ingested),
        "text": article.text,
    }


def _article_from_json(record: Mapping[str, Any]) -> StoredArticle:
    article = Article(
        id=record["id"],
        text=record["text"],
        outlet=record.get("outlet"),
        url=record.get("url"),
        published=_date_in(record.get("published")),
        title=record.get("title"),
    )
    return StoredArticle(article, record["hash"], _datetime_in(record.get("ingested")))


def _number_out(value: float | None) -> float | int | None:
    """3800.0 is written 3800: shorter files, and what a reader of the JSON expects to see."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _number_in(value: float | int | None) -> float | None:
    return None if value is None else float(value)


def _date_out(value: date | None) -> str | None:
    if value is None:
        return None
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def _date_in(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _datetime_out(value: datetime | None) -> str | None:
    """A naive datetime is taken as UTC, so every stored time carries its zone."""
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def _datetime_in(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


# --- schema -----------------------------------------------------------------------------------------------


def articles_path(store_path: str | Path) -> Path:
    """Where a store keeps its article texts: `claims.json` -> `claims.articles.json`, beside it."""
    path = Path(store_path)
    return path.with_name(f"{path.stem}.articles.json")


def _upgrade(data: Tables | None, path: Path) -> tuple[Tables, bool]:
    """Bring a loaded file to SCHEMA; says whether it changed. A file without _meta predates it: schema 1."""
    return _migrate(data, path, 1, MIGRATIONS)


def _upgrade_articles(data: Tables | None, path: Path) -> tuple[Tables, bool]:
    """The same for the articles file, which began at schema ARTICLES_SINCE."""
    return _migrate(data, path, ARTICLES_SINCE, ARTICLE_MIGRATIONS)


def _migrate(
    data: Tables | None, path: Path, first: int, migrations: Mapping[int, Callable[[Tables], Tables]]
) -> tuple[Tables, bool]:
    if data is None:
        return {}, False
    rows = list(data.get(META, {}).values())
    version = rows[0].get("schema") if rows else first
    if type(version) is not int or version < first:
        raise StoreError(f"{path}: schema version {version!r} in table {META!r} is not understood")
    if version > SCHEMA:
        raise StoreError(
            f"{path} has store schema {version}, newer than this claimbot understands ({SCHEMA}); "
            "upgrade claimbot (pull the newer version and reinstall it) to use this store. "
            "The file was left untouched"
        )
    migrated = version < SCHEMA
    while version < SCHEMA:
        data = migrations[version](data)
        version += 1
    return data, migrated


# --- views ------------------------------------------------------------------------------------------------


class _Pending(MemoryStorage):
    """The whole database in memory; notes whether TinyDB changed anything, so a batch can skip the write."""

    def __init__(self, data: Tables) -> None:
        super().__init__()
        self.memory = data
        self.dirty = False

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self.memory = data
        self.dirty = True


class _ArticleFile:
    """The article texts beside the store, read from disk the first time they are asked for."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.disk = AtomicJSONStorage(path)
        self._pending: _Pending | None = None
        self._db: TinyDB | None = None
        self.migrated = False

    def table(self) -> Table:
        if self._db is None:
            data, self.migrated = _upgrade_articles(self.disk.read(), self.path)
            pending = self._pending = _Pending(data)
            self._db = TinyDB(storage=lambda: pending)
        return self._db.table(ARTICLES)

    def stored(self) -> list[StoredArticle]:
        return self._build(_article_from_json)

    def hashes(self) -> dict[str, str]:
        return dict(self._build(lambda r: (r["id"], r["hash"])))

    def _build(self, build: Callable[[Mapping[str, Any]], T]) -> list[T]:
        self.table()
        assert self._pending is not None
        rows = (self._pending.read() or {}).get(ARTICLES, {}).values()
        try:
            with gc_paused():
                return [build(r) for r in rows]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise StoreError(f"{self.path}: a record in table {ARTICLES!r} is malformed ({exc!r})") from exc

    def changes(self) -> Tables | None:
        """The tables to write back, or None when this batch did not change the texts."""
        if self._pending is None or not (self._pending.dirty or self.migrated):
            return None
        tables = self._pending.read() or {}
        tables[META] = {"1": {"schema": SCHEMA}}
        return tables


class _View:
    """Reads over one loaded copy of the file (and of the articles file, once asked for)."""

    def __init__(self, path: Path, pending: _Pending, articles: _ArticleFile | None = None) -> None:
        self._path = path
        self._pending = pending
        self._db = TinyDB(storage=lambda: pending)
        self._articles = articles or _ArticleFile(articles_path(path))
        self._open = True

    def claims(self) -> list[Claim]:
        return self._records(CLAIMS, claim_from_json)

    def claim_list(self) -> ClaimList:
        self.table(CLAIMS)  # refuses an ended batch
        return ClaimList(list((self._pending.read() or {}).get(CLAIMS, {}).values()))

    def speakers(self) -> list[Speaker]:
        return self._records(SPEAKERS, _speaker_from_json)

    def seen_documents(self) -> dict[str, str]:
        return dict(self._records(DOCUMENTS, lambda r: (r["id"], r["hash"])))

    def articles(self) -> list[StoredArticle]:
        """Every stored article text, in the order first stored."""
        self._check_open()
        return self._articles.stored()

    def article_hashes(self) -> dict[str, str]:
        """Article id -> content hash of every stored text, without building the articles."""
        self._check_open()
        return self._articles.hashes()

    def rows(self, name: str) -> list[dict[str, Any]]:
        return [dict(doc) for doc in self.table(name)]

    def subscribers(self) -> list[int | str]:
        """Chats that asked for the daily digest, in the order they subscribed."""
        return [row["chat"] for row in self.table(SUBSCRIBERS)]

    def state(self, key: str) -> Any:
        """A small named value the bot keeps between runs (the digest watermark, ...); None when unset."""
        rows = self.table(STATE).search(Query().key == key)
        return rows[0]["value"] if rows else None

    def count(self) -> dict[str, int]:
        names = (self._db.tables() | {CLAIMS, SPEAKERS, DOCUMENTS}) - {META}
        return {name: len(self._db.table(name)) for name in sorted(names)}

    def table(self, name: str) -> Table:
        self._check_open()
        return self._db.table(name)

    def _check_open(self) -> None:
        if not self._open:
            raise RuntimeError(f"the batch on {self._path} has ended; open a new one")

    def _records(self, name: str, build: Callable[[Mapping[str, Any]], T]) -> list[T]:
        """Straight from the stored dicts: TinyDB's per-document copies would add a quarter to a big load."""
        self.table(name)  # refuses an ended batch
        rows = (self._pending.read() or {}).get(name, {}).values()
        try:
            with gc_paused():
                return [build(doc) for doc in rows]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise StoreError(f"{self._path}: a record in table {name!r} is malformed ({exc!r})") from exc


class Batch(_View):
    """A live view inside the writers' lock; everything put here is written once, when the batch ends."""

    def put_claims(self, claims: Iterable[Claim]) -> None:
        """Upsert by Claim.id."""
        _upsert(self.table(CLAIMS), "id", (_claim_record(c) for c in claims))

    def put_speakers(self, speakers: Iterable[Speaker]) -> None:
        """Upsert by Speaker.name, replacing the whole record."""
        _upsert(self.table(SPEAKERS), "name", (_speaker_to_json(s) for s in speakers))

    def subscribe(self, chat: int | str) -> bool:
        """Add a chat to the digest; False when it was already there."""
        table = self.table(SUBSCRIBERS)
        if table.contains(Query().chat == chat):
            return False
        table.insert({"chat": chat})
        return True

    def unsubscribe(self, chat: int | str) -> bool:
        """Remove a chat from the digest; False when it was not subscribed."""
        return bool(self.table(SUBSCRIBERS).remove(Query().chat == chat))

    def set_state(self, key: str, value: Any) -> None:
        self.table(STATE).upsert({"key": key, "value": value}, Query().key == key)

    def replace_speakers(self, speakers: Iterable[Speaker]) -> None:
        """The whole speaker registry, for when speakers were merged or renamed."""
        table = self.table(SPEAKERS)
        table.truncate()
        table.insert_multiple(_speaker_to_json(s) for s in speakers)

    def mark_documents(self, docs: Mapping[str, str]) -> None:
        """Remember document id -> content hash, so a re-read document is skipped unless it changed."""
        _upsert(self.table(DOCUMENTS), "id", ({"id": doc, "hash": digest} for doc, digest in docs.items()))

    def put_articles(self, articles: Iterable[StoredArticle]) -> None:
        """Upsert article texts by id, into the articles file (written before the claims file)."""
        self._check_open()
        _upsert(self._articles.table(), "id", (_article_to_json(a) for a in articles))

    def replace_claims(self, claims: Iterable[Claim]) -> None:
        """The whole claims table, in the given order, for when every claim was rebuilt."""
        table = self.table(CLAIMS)
        table.truncate()
        table.insert_multiple(_claim_record(c) for c in claims)


def _upsert(table: Table, key: str, records: Iterable[dict[str, Any]]) -> None:
    """Two table rewrites per call, not one scan per record as TinyDB's own upsert would do."""
    fresh = {record[key]: record for record in records}
    if not fresh:
        return
    where = {doc[key]: doc.doc_id for doc in table if key in doc}
    replaced = [where[k] for k in fresh if k in where]
    if replaced:

        def replace(doc: MutableMapping[str, Any]) -> None:
            new = fresh[doc[key]]
            doc.clear()
            doc.update(new)

        table.update(replace, doc_ids=replaced)
    added = [record for k, record in fresh.items() if k not in where]
    if added:
        table.insert_multiple(added)


# --- the store --------------------------------------------------------------------------------------------


class ClaimStore:
    """One JSON file of claims; any number of processes may read it and take turns writing it."""

    def __init__(self, path: str | Path, *, lock_timeout: float = 60.0) -> None:
        self.path = Path(path)
        self.articles_path = articles_path(self.path)
        self._lock_timeout = lock_timeout
        self._batch_threads: set[int] = set()  # threads with a batch open: theirs may not nest, others wait

    def claims(self) -> list[Claim]:
        return self._load().claims()

    def speakers(self) -> list[Speaker]:
        return self._load().speakers()

    def seen_documents(self) -> dict[str, str]:
        return self._load().seen_documents()

    def snapshot(self) -> tuple[ClaimList, list[Speaker]]:
        """Claims (built lazily) and speakers from one read of the file, so the two agree."""
        view = self._load()
        return view.claim_list(), view.speakers()

    def articles(self) -> list[StoredArticle]:
        """The stored article texts (reads only the articles file, which can be large)."""
        return _ArticleFile(self.articles_path).stored()

    def article_hashes(self) -> dict[str, str]:
        return _ArticleFile(self.articles_path).hashes()

    def table_rows(self, name: str) -> list[dict[str, Any]]:
        return self._load().rows(name)

    def subscribers(self) -> list[int | str]:
        return self._load().subscribers()

    def state(self, key: str) -> Any:
        return self._load().state(key)

    def count(self) -> dict[str, int]:
        """Rows per table, without building any records."""
        return self._load().count()

    @contextmanager
    def batch(self) -> Iterator[Batch]:
        """Lock, load the file as it is now, let the caller change it, write once; on an exception, none."""
        thread = threading.get_ident()
        if thread in self._batch_threads:
            raise RuntimeError(f"a batch on {self.path} is already open; batches do not nest")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(f"{self.path}.lock", timeout=self._lock_timeout)
        try:
            lock.acquire(poll_interval=0.01)
        except Timeout as exc:
            raise StoreError(
                f"{self.path} is locked by another writer "
                f"({lock.lock_file} held for over {self._lock_timeout} s)"
            ) from exc
        self._batch_threads.add(thread)
        try:
            disk = AtomicJSONStorage(self.path)
            disk.remove_stale_temps()
            articles = _ArticleFile(self.articles_path)
            articles.disk.remove_stale_temps()
            data, migrated = _upgrade(disk.read(), self.path)
            pending = _Pending(data)
            batch = Batch(self.path, pending, articles)
            try:
                yield batch
            finally:
                batch._open = False
            # texts first: a crash before the claims are written leaves texts whose claims the next ingest
            # of those articles adds, never claims whose texts are lost
            texts = articles.changes()
            if texts is not None:
                articles.disk.write(texts)
            if pending.dirty or migrated:
                tables = pending.read() or {}
                tables[META] = {"1": {"schema": SCHEMA}}
                disk.write(tables)
        finally:
            self._batch_threads.discard(thread)
            lock.release()

    def _load(self) -> _View:
        data, _ = _upgrade(AtomicJSONStorage(self.path).read(), self.path)
        return _View(self.path, _Pending(data))
