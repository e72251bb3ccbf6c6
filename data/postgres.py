"""The PostgreSQL store, for deployments that outgrow one file or run several bot workers on one database.

The records are the same dicts the TinyDB store keeps (data/codec.py), in jsonb columns beside the keys
that queries need, so both backends hold exactly the same claims. psycopg 3 with a connection pool:

- A claims batch is one transaction under a transaction-level advisory lock, so claim writers take turns
  as they do on the file store and an ingest batch is all or nothing. It bumps a change counter, which
  answer indexes in every worker poll to know when to refresh.
- The small state (subscribers, settings, feeds, feed items, digest runs) is changed row by row in its own
  transactions; it never waits for the claims lock.
- The delivery ledger is a table with a unique (day, chat, part) key; the single digest sender holds a
  session-level advisory lock for as long as it sends.
- The schema is versioned in `claimbot_schema`; the store applies missing migrations when it opens, under
  an advisory lock so two workers starting together do not both apply them.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import orjson
import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.types.json import Jsonb, set_json_dumps, set_json_loads
from psycopg_pool import ConnectionPool, PoolTimeout

from bot.models import Claim, Speaker
from data.codec import (
    ClaimList,
    article_from_json,
    article_to_json,
    claim_from_json,
    claim_record,
    date_out,
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
from data.port import StoreError
from data.records import ClaimChanges, Delivery, DigestRun, Feed, SeenItem, StoredArticle

__all__ = ["SCHEMA", "PostgresDeliveries", "PostgresStore"]

# advisory lock keys: arbitrary, fixed, and unlikely to clash with another application's
CLAIMS_LOCK, DIGEST_LOCK, SCHEMA_LOCK = 0x636C_6D01, 0x636C_6D02, 0x636C_6D03

# MIGRATIONS[n] takes a schema-n database to n + 1 (0: an empty database).
MIGRATIONS: list[str] = [
    """
    CREATE TABLE claims (
        seq bigserial NOT NULL,
        id text PRIMARY KEY,
        speaker text NOT NULL,
        said_on text,
        record jsonb NOT NULL
    );
    CREATE INDEX claims_seq ON claims (seq);
    CREATE INDEX claims_speaker_day ON claims (speaker, said_on);
    CREATE INDEX claims_id_c ON claims ((id COLLATE "C"));
    CREATE TABLE speakers (pos integer NOT NULL, name text PRIMARY KEY, record jsonb NOT NULL);
    CREATE TABLE documents (seq bigserial NOT NULL, id text PRIMARY KEY, hash text NOT NULL);
    CREATE TABLE articles (
        seq bigserial NOT NULL,
        id text PRIMARY KEY,
        hash text NOT NULL,
        title text,
        record jsonb NOT NULL
    );
    CREATE TABLE subscribers (seq bigserial NOT NULL, chat jsonb PRIMARY KEY);
    CREATE TABLE named_values (key text PRIMARY KEY, value jsonb);
    CREATE TABLE chat_settings (chat jsonb PRIMARY KEY, settings jsonb NOT NULL);
    CREATE TABLE feeds (seq bigserial NOT NULL, url text PRIMARY KEY, record jsonb NOT NULL);
    CREATE TABLE feed_items (seq bigserial PRIMARY KEY, record jsonb NOT NULL);
    CREATE TABLE digest_runs (day text PRIMARY KEY, record jsonb NOT NULL);
    CREATE TABLE deliveries (
        day text NOT NULL,
        chat text NOT NULL,
        part integer NOT NULL,
        state text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (day, chat, part)
    );
    CREATE TABLE changes (one boolean PRIMARY KEY DEFAULT true CHECK (one), counter bigint NOT NULL);
    INSERT INTO changes (counter) VALUES (0);
    """,
    # 1 -> 2: which batch last changed each claim and article, when the speakers last changed and when
    # the claims were last replaced whole, so an answer index reads only what changed since its last look
    """
    ALTER TABLE claims ADD COLUMN changed bigint NOT NULL DEFAULT 0;
    CREATE INDEX claims_changed ON claims (changed);
    ALTER TABLE articles ADD COLUMN changed bigint NOT NULL DEFAULT 0;
    CREATE INDEX articles_changed ON articles (changed);
    CREATE INDEX documents_hash ON documents (hash);
    ALTER TABLE changes ADD COLUMN speakers bigint NOT NULL DEFAULT 0;
    ALTER TABLE changes ADD COLUMN rebuilt bigint NOT NULL DEFAULT 0;
    ALTER TABLE changes
        ADD COLUMN instance text NOT NULL DEFAULT md5(random()::text || clock_timestamp()::text);
    """,
]
SCHEMA = len(MIGRATIONS)

# tables counted by count(), under the names the TinyDB store uses
_ALWAYS = {"claims": "claims", "speakers": "speakers", "documents": "documents"}
_IF_ANY = {
    "subscribers": "subscribers",
    "state": "named_values",
    "chat_settings": "chat_settings",
    "feeds": "feeds",
    "feed_items": "feed_items",
    "digest_runs": "digest_runs",
}


def _configure(conn: psycopg.Connection[Any]) -> None:
    """orjson for jsonb both ways: a big store loads several times faster than with the json module.

    No server-side prepared statements: after a few runs PostgreSQL would plan the candidate lookups once
    for any parameters, and that generic plan scans the whole claims table (a second at 100,000 claims)
    where the plan for the actual speakers and days reads a few index entries. It also keeps the store
    usable behind a transaction-pooling proxy."""
    set_json_loads(orjson.loads, conn)
    set_json_dumps(orjson.dumps, conn)
    conn.prepare_threshold = None


def _has_stem(claim_id: str, stems: set[str]) -> bool:
    while True:
        if claim_id in stems:
            return True
        if not claim_id.endswith("x"):
            return False
        claim_id = claim_id[:-1]


def _day(claim: Claim) -> str | None:
    """The said_on column: the day as the record writes it, so lookups compare like with like."""
    return date_out(claim.said_on)


class _Ended:
    """Stands in for the connection of a batch that has ended (it went back to the pool): any use fails."""

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError("this batch has ended; open a new one")


class _Reads:
    """Queries on one connection: inside a batch's transaction they see the batch's own changes."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn

    def _column(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[Any]:
        return [row[0] for row in self._conn.execute(sql, params).fetchall()]

    # claims

    def claims(self) -> list[Claim]:
        return [claim_from_json(r) for r in self._column("SELECT record FROM claims ORDER BY seq")]

    def claim_records(self) -> list[dict[str, Any]]:
        return self._column("SELECT record FROM claims ORDER BY seq")

    def speakers(self) -> list[Speaker]:
        return [speaker_from_json(r) for r in self._column("SELECT record FROM speakers ORDER BY pos")]

    def seen_documents(
        self, ids: Collection[str] | None = None, hashes: Collection[str] = ()
    ) -> dict[str, str]:
        if ids is None:
            rows = self._conn.execute("SELECT id, hash FROM documents ORDER BY seq").fetchall()
        else:
            rows = self._conn.execute(
                "SELECT id, hash FROM documents WHERE id = ANY(%s) OR hash = ANY(%s) ORDER BY seq",
                (list(ids), list(hashes)),
            ).fetchall()
        return {doc: digest for doc, digest in rows}

    def articles(self) -> list[StoredArticle]:
        return [article_from_json(r) for r in self._column("SELECT record FROM articles ORDER BY seq")]

    def article_hashes(self) -> dict[str, str]:
        rows = self._conn.execute("SELECT id, hash FROM articles ORDER BY seq").fetchall()
        return {doc: digest for doc, digest in rows}

    def headlines(self) -> dict[str, str]:
        rows = self._conn.execute(
            "SELECT id, title, CASE WHEN title IS NULL THEN left(record->>'text', 2000) END FROM articles"
        ).fetchall()
        found = {doc: headline({"title": title, "text": text}) for doc, title, text in rows}
        return {doc: title for doc, title in found.items() if title}

    def merge_candidates(
        self,
        speakers: Collection[str],
        ids: Collection[str],
        days: Collection[date] | None = None,
        whole: Collection[str] = (),
    ) -> list[Claim]:
        """Three index lookups (speaker; speaker and day; id range), never a scan of the table."""
        stems = set(ids)
        rows: dict[int, dict[str, Any]] = {}
        names = list(set(speakers) - set(whole))
        if whole:
            found = self._conn.execute(
                "SELECT seq, record FROM claims WHERE speaker = ANY(%s)", (list(whole),)
            )
            rows.update(found.fetchall())
        if names and days is None:
            found = self._conn.execute("SELECT seq, record FROM claims WHERE speaker = ANY(%s)", (names,))
            rows.update(found.fetchall())
        elif names and days:
            near = sorted({(d + timedelta(days=k)).isoformat() for d in days for k in (-1, 0, 1)})
            found = self._conn.execute(
                "SELECT seq, record FROM claims WHERE speaker = ANY(%s) "
                "AND (said_on IS NULL OR said_on = ANY(%s))",
                (names, near),
            )
            rows.update(found.fetchall())
        elif names:
            found = self._conn.execute(
                "SELECT seq, record FROM claims WHERE speaker = ANY(%s) AND said_on IS NULL", (names,)
            )
            rows.update(found.fetchall())
        if stems:
            # ids made unique from a stem are the stem and 'x's: all sort between the stem and stem + 'y'.
            # One range per stem, spelled out, so the planner sees each one and reads the index for it.
            ranges = " OR ".join(['(id COLLATE "C" >= %s AND id COLLATE "C" < %s)'] * len(stems))
            bounds = [bound for stem in sorted(stems) for bound in (stem, stem + "y")]
            found = self._conn.execute(f"SELECT seq, id, record FROM claims WHERE {ranges}", bounds)
            rows.update((seq, record) for seq, claim_id, record in found if _has_stem(claim_id, stems))
        return [claim_from_json(rows[seq]) for seq in sorted(rows)]

    # state

    def subscribers(self) -> list[int | str]:
        return self._column("SELECT chat FROM subscribers ORDER BY seq")

    def state(self, key: str) -> Any:
        row = self._conn.execute("SELECT value FROM named_values WHERE key = %s", (key,)).fetchone()
        return row[0] if row else None

    def named_values(self) -> dict[str, Any]:
        return dict(self._conn.execute("SELECT key, value FROM named_values ORDER BY key").fetchall())

    def chat_settings(self, chat: int | str) -> dict[str, Any]:
        row = self._conn.execute(
            "SELECT settings FROM chat_settings WHERE chat = %s", (Jsonb(chat),)
        ).fetchone()
        return dict(row[0]) if row else {}

    def all_chat_settings(self) -> dict[int | str, dict[str, Any]]:
        return dict(self._conn.execute("SELECT chat, settings FROM chat_settings").fetchall())

    def feeds(self) -> list[Feed]:
        return [feed_from_json(r) for r in self._column("SELECT record FROM feeds ORDER BY seq")]

    def feed_items(self) -> list[SeenItem]:
        return [item_from_json(r) for r in self._column("SELECT record FROM feed_items ORDER BY seq")]

    def digest_run(self, day: str) -> DigestRun | None:
        row = self._conn.execute("SELECT record FROM digest_runs WHERE day = %s", (day,)).fetchone()
        return run_from_json(row[0]) if row else None

    def digest_days(self) -> list[str]:
        return self._column("SELECT day FROM digest_runs ORDER BY day")

    def count(self) -> dict[str, int]:
        counts = {}
        for name, table in (_ALWAYS | _IF_ANY).items():
            n = self._conn.execute(f"SELECT count(*) FROM {table}").fetchone()
            if n and (n[0] or name in _ALWAYS):
                counts[name] = int(n[0])
        return dict(sorted(counts.items()))


class _StateWrites(_Reads):
    """Changes to the small state: each statement is atomic on its own, so no lock is needed."""

    def subscribe(self, chat: int | str) -> bool:
        cur = self._conn.execute(
            "INSERT INTO subscribers (chat) VALUES (%s) ON CONFLICT DO NOTHING", (Jsonb(chat),)
        )
        return cur.rowcount == 1

    def unsubscribe(self, chat: int | str) -> bool:
        return self._conn.execute("DELETE FROM subscribers WHERE chat = %s", (Jsonb(chat),)).rowcount > 0

    def set_state(self, key: str, value: Any) -> None:
        self._conn.execute(
            "INSERT INTO named_values (key, value) VALUES (%s, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, Jsonb(value)),
        )

    def set_chat_setting(self, chat: int | str, key: str, value: Any) -> None:
        """One statement, merging into the stored settings: two workers changing two settings of one chat
        at once both land."""
        if value is None:
            self._conn.execute(
                "UPDATE chat_settings SET settings = settings - %s WHERE chat = %s", (key, Jsonb(chat))
            )
            return
        self._conn.execute(
            "INSERT INTO chat_settings (chat, settings) VALUES (%s, %s) "
            "ON CONFLICT (chat) DO UPDATE SET settings = chat_settings.settings || excluded.settings",
            (Jsonb(chat), Jsonb({key: value})),
        )

    def add_feed(self, feed: Feed) -> Feed:
        self._conn.execute(
            "INSERT INTO feeds (url, record) VALUES (%s, %s) ON CONFLICT DO NOTHING",
            (feed.url, Jsonb(feed_to_json(feed))),
        )
        row = self._conn.execute("SELECT record FROM feeds WHERE url = %s", (feed.url,)).fetchone()
        return feed_from_json(row[0]) if row else feed

    def update_feeds(self, feeds: Iterable[Feed]) -> None:
        rows = [(Jsonb(feed_to_json(f)), f.url) for f in feeds]
        if rows:
            with self._conn.cursor() as cur:
                cur.executemany("UPDATE feeds SET record = %s WHERE url = %s", rows)

    def remove_feed(self, url: str) -> bool:
        return self._conn.execute("DELETE FROM feeds WHERE url = %s", (url,)).rowcount > 0

    def add_feed_items(self, items: Iterable[SeenItem]) -> None:
        rows = [(Jsonb(item_to_json(i)),) for i in items]
        if rows:
            with self._conn.cursor() as cur:
                cur.executemany("INSERT INTO feed_items (record) VALUES (%s)", rows)

    def put_digest_run(self, run: DigestRun) -> None:
        self._conn.execute(
            "INSERT INTO digest_runs (day, record) VALUES (%s, %s) "
            "ON CONFLICT (day) DO UPDATE SET record = excluded.record",
            (run.day, Jsonb(run_to_json(run))),
        )


Registry = tuple[int, dict[str, tuple[int, Any]], list[Speaker]]  # (speakers' change number, rows, speakers)


class _Kept:
    """The speaker registry as a store last read or wrote it, with the change number it was at: an ingest
    reads the whole registry (thousands of entries in a big store) only when another writer changed it."""

    def __init__(self) -> None:
        self.registry: Registry | None = None
        self._lock = threading.Lock()

    def offer(self, registry: Registry) -> None:
        with self._lock:
            if self.registry is None or self.registry[0] <= registry[0]:
                self.registry = registry


class _Batch(_StateWrites):
    """A claims batch: one transaction under the claims lock."""

    def __init__(self, conn: psycopg.Connection[Any], kept: _Kept | None = None) -> None:
        super().__init__(conn)
        self._kept = kept or _Kept()
        self.written: Registry | None = None  # the registry this batch wrote
        self._counter: int | None = None
        self._registry: dict[str, tuple[int, Any]] | None = None  # as this batch read it, while unchanged
        self.open = True

    @property
    def changed(self) -> bool:
        return self._counter is not None

    def _tick(self) -> int:
        """This batch's number in the change counter, taken at its first write: the rows it writes carry
        it, so a reader asks for the rows changed since the number it last saw."""
        if self._counter is None:
            row = self._conn.execute("UPDATE changes SET counter = counter + 1 RETURNING counter").fetchone()
            assert row is not None
            self._counter = int(row[0])
        return self._counter

    def _check_open(self) -> None:
        if not self.open:
            raise RuntimeError("this batch has ended; open a new one")

    def put_claims(self, claims: Iterable[Claim]) -> None:
        self._check_open()
        rows = {c.id: (c.id, c.speaker, _day(c), Jsonb(claim_record(c))) for c in claims}
        if rows:
            tick = self._tick()
            with self._conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO claims (id, speaker, said_on, record, changed) VALUES (%s, %s, %s, %s, %s) "
                    "ON CONFLICT (id) DO UPDATE SET speaker = excluded.speaker, said_on = excluded.said_on, "
                    "record = excluded.record, changed = excluded.changed",
                    [(*row, tick) for row in rows.values()],
                )

    def replace_claims(self, claims: Iterable[Claim]) -> None:
        self._check_open()
        tick = self._tick()
        self._conn.execute("DELETE FROM claims")
        self._conn.execute("SELECT setval(pg_get_serial_sequence('claims', 'seq'), 1, false)")
        self._conn.execute("UPDATE changes SET rebuilt = %s", (tick,))
        sql = "COPY claims (id, speaker, said_on, record, changed) FROM STDIN"
        with self._conn.cursor() as cur, cur.copy(sql) as copy:
            for c in claims:
                copy.write_row((c.id, c.speaker, _day(c), Jsonb(claim_record(c)), tick))

    def put_speakers(self, speakers: Iterable[Speaker]) -> None:
        self._check_open()
        fresh = {s.name: s for s in speakers}
        if not fresh:
            return
        top = self._conn.execute("SELECT coalesce(max(pos), -1) FROM speakers").fetchone()
        after = int(top[0]) + 1 if top else 0
        rows = [(after + i, s.name, Jsonb(speaker_to_json(s))) for i, s in enumerate(fresh.values())]
        with self._conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO speakers (pos, name, record) VALUES (%s, %s, %s) "
                "ON CONFLICT (name) DO UPDATE SET record = excluded.record",
                rows,
            )
        self._speakers_changed()

    def speakers(self) -> list[Speaker]:
        """The registry, remembered with each entry's row for replace_speakers to compare against; taken
        from the store's copy while the registry has not changed since (the speakers' change number says)."""
        row = self._conn.execute("SELECT speakers FROM changes").fetchone()
        version = int(row[0]) if row else -1
        kept = self._kept.registry
        if kept is not None and kept[0] == version:
            self._registry, found = dict(kept[1]), list(kept[2])
        else:
            rows = self._conn.execute("SELECT name, pos, record FROM speakers ORDER BY pos").fetchall()
            self._registry = {name: (pos, record) for name, pos, record in rows}
            found = [speaker_from_json(record) for _, _, record in rows]
            self._kept.offer((version, dict(self._registry), list(found)))
        return found

    def _speakers_changed(self) -> None:
        self._registry = None
        self._conn.execute("UPDATE changes SET speakers = %s", (self._tick(),))

    def replace_speakers(self, speakers: Iterable[Speaker]) -> None:
        """Only the entries that changed are written: the registry is rewritten by every ingest."""
        self._check_open()
        speakers_list = list(speakers)
        new = {s.name: (pos, speaker_to_json(s)) for pos, s in enumerate(speakers_list)}
        old = self._registry
        if old is None:
            rows = self._conn.execute("SELECT name, pos, record FROM speakers").fetchall()
            old = {name: (pos, record) for name, pos, record in rows}
        gone = [name for name in old if name not in new]
        changed = [
            (name, pos, Jsonb(record))
            for name, (pos, record) in new.items()
            if old.get(name) != (pos, record)
        ]
        if gone:
            self._conn.execute("DELETE FROM speakers WHERE name = ANY(%s)", (gone,))
        if changed:
            with self._conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO speakers (name, pos, record) VALUES (%s, %s, %s) ON CONFLICT (name) "
                    "DO UPDATE SET pos = excluded.pos, record = excluded.record",
                    changed,
                )
        if gone or changed:
            self._speakers_changed()
            self.written = (self._tick(), new, speakers_list)  # kept by the store once committed

    def mark_documents(self, docs: Mapping[str, str]) -> None:
        self._check_open()
        if docs:
            with self._conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO documents (id, hash) VALUES (%s, %s) "
                    "ON CONFLICT (id) DO UPDATE SET hash = excluded.hash",
                    list(docs.items()),
                )

    def put_articles(self, articles: Iterable[StoredArticle]) -> None:
        self._check_open()
        rows = {
            a.article.id: (a.article.id, a.hash, a.article.title, Jsonb(article_to_json(a))) for a in articles
        }
        if rows:
            tick = self._tick()
            with self._conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO articles (id, hash, title, record, changed) VALUES (%s, %s, %s, %s, %s) "
                    "ON CONFLICT (id) DO UPDATE SET hash = excluded.hash, title = excluded.title, "
                    "record = excluded.record, changed = excluded.changed",
                    [(*row, tick) for row in rows.values()],
                )

    def claim_list(self) -> ClaimList:
        return ClaimList(self.claim_records())


class PostgresDeliveries:
    """The delivery ledger as a table: one row per (day, chat, part), holding its last state."""

    def __init__(self, pool: ConnectionPool) -> None:
        self._pool = pool

    def states(self, day: str) -> dict[tuple[str, int], Delivery]:
        with self._pool.connection() as conn:
            rows = conn.execute("SELECT chat, part, state FROM deliveries WHERE day = %s", (day,)).fetchall()
        return {(chat, part): Delivery(state) for chat, part, state in rows}

    def everything(self) -> dict[tuple[str, str, int], Delivery]:
        with self._pool.connection() as conn:
            rows = conn.execute("SELECT day, chat, part, state FROM deliveries").fetchall()
        return {(day, chat, part): Delivery(state) for day, chat, part, state in rows}

    def mark(self, day: str, chat: int | str, part: int, state: Delivery) -> None:
        """Committed before returning: the ledger entry is durable when the send starts."""
        with self._pool.connection() as conn:
            conn.execute(
                "INSERT INTO deliveries (day, chat, part, state) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (day, chat, part) DO UPDATE SET state = excluded.state, at = now()",
                (day, str(chat), part, str(state)),
            )


class PostgresStore:
    """A claimbot store in a PostgreSQL database, shared by any number of processes."""

    def __init__(self, url: str, *, min_size: int = 1, max_size: int = 4, timeout: float = 30.0) -> None:
        self.url = url
        self._batch_threads: set[int] = set()
        self._kept = _Kept()
        try:
            self._pool = ConnectionPool(
                url,
                min_size=min_size,
                max_size=max_size,
                timeout=timeout,
                configure=_configure,
                # autocommit: a read is its own statement and a batch opens its own transaction, so no
                # connection sits idle in a transaction (holding a snapshot) while a digest is sent
                kwargs={"autocommit": True},
                open=False,
                name="claimbot",
            )
            self._pool.open(wait=True, timeout=timeout)
            self._migrate()
        except (psycopg.Error, PoolTimeout) as exc:
            raise StoreError(f"{self.location}: {str(exc).strip()}") from exc

    # --- identity and schema

    @property
    def location(self) -> str:
        """The URL without its password."""
        try:
            parts = conninfo_to_dict(self.url)
        except psycopg.ProgrammingError:
            return "postgresql://"
        host, port, name, user = (parts.get(k) for k in ("host", "port", "dbname", "user"))
        who = f"{user}@" if user else ""
        where = f"{host or ''}{f':{port}' if port else ''}"
        return f"postgresql://{who}{where}/{name or ''}"

    @property
    def schema(self) -> int:
        return SCHEMA

    def _migrate(self) -> None:
        with self._pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
            conn.execute("CREATE TABLE IF NOT EXISTS claimbot_schema (version integer NOT NULL)")
            row = conn.execute("SELECT max(version) FROM claimbot_schema").fetchone()
            version = int(row[0]) if row and row[0] is not None else 0
            if version > SCHEMA:
                raise StoreError(
                    f"{self.location} has store schema {version}, newer than this claimbot understands "
                    f"({SCHEMA}); upgrade claimbot to use this database. Nothing was changed"
                )
            for step in range(version, SCHEMA):
                conn.execute(MIGRATIONS[step])
                conn.execute("INSERT INTO claimbot_schema (version) VALUES (%s)", (step + 1,))

    # --- reads

    @contextmanager
    def _reads(self) -> Iterator[_Reads]:
        try:
            with self._pool.connection() as conn:
                yield _Reads(conn)
        except psycopg.Error as exc:
            raise StoreError(f"{self.location}: {str(exc).strip()}") from exc

    def claims(self) -> list[Claim]:
        with self._reads() as r:
            return r.claims()

    def speakers(self) -> list[Speaker]:
        with self._reads() as r:
            return r.speakers()

    def seen_documents(
        self, ids: Collection[str] | None = None, hashes: Collection[str] = ()
    ) -> dict[str, str]:
        with self._reads() as r:
            return r.seen_documents(ids, hashes)

    def articles(self) -> list[StoredArticle]:
        with self._reads() as r:
            return r.articles()

    def article_hashes(self) -> dict[str, str]:
        with self._reads() as r:
            return r.article_hashes()

    def headlines(self) -> dict[str, str]:
        with self._reads() as r:
            return r.headlines()

    def merge_candidates(
        self,
        speakers: Collection[str],
        ids: Collection[str],
        days: Collection[date] | None = None,
        whole: Collection[str] = (),
    ) -> list[Claim]:
        with self._reads() as r:
            return r.merge_candidates(speakers, ids, days, whole)

    def snapshot(self) -> tuple[ClaimList, list[Speaker]]:
        """Claims and speakers from one repeatable-read transaction, so the two agree."""
        with self._reads() as r:
            conn = r._conn
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")  # the pool's are autocommit
            try:
                return ClaimList(r.claim_records()), r.speakers()
            finally:
                conn.execute("COMMIT")

    def subscribers(self) -> list[int | str]:
        with self._reads() as r:
            return r.subscribers()

    def state(self, key: str) -> Any:
        with self._reads() as r:
            return r.state(key)

    def named_values(self) -> dict[str, Any]:
        with self._reads() as r:
            return r.named_values()

    def chat_settings(self, chat: int | str) -> dict[str, Any]:
        with self._reads() as r:
            return r.chat_settings(chat)

    def all_chat_settings(self) -> dict[int | str, dict[str, Any]]:
        with self._reads() as r:
            return r.all_chat_settings()

    def feeds(self) -> list[Feed]:
        with self._reads() as r:
            return r.feeds()

    def feed_items(self) -> list[SeenItem]:
        with self._reads() as r:
            return r.feed_items()

    def digest_run(self, day: str) -> DigestRun | None:
        with self._reads() as r:
            return r.digest_run(day)

    def digest_days(self) -> list[str]:
        with self._reads() as r:
            return r.digest_days()

    def count(self) -> dict[str, int]:
        with self._reads() as r:
            return r.count()

    def stamp(self) -> Hashable:
        """This database's own random id (a database made again under the same URL has another) and the
        change counter every claims batch that wrote something bumps."""
        with self._reads() as r:
            row = r._conn.execute("SELECT instance, counter FROM changes").fetchone()
        return (str(row[0]), int(row[1])) if row else None

    def changes(self, since: Hashable) -> ClaimChanges | None:
        """The claims (and the registry, and headlines) written by batches numbered after `since`, read
        in one repeatable-read transaction so they agree with the counter returned."""
        if not (isinstance(since, tuple) and len(since) == 2 and isinstance(since[1], int)):
            return None
        instance, seen = since
        with self._reads() as r:
            conn = r._conn
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                row = conn.execute("SELECT instance, counter, speakers, rebuilt FROM changes").fetchone()
                if row is None or row[0] != instance or row[3] > seen or row[1] < seen:
                    return None
                stamp, speakers_at = (instance, int(row[1])), int(row[2])
                if stamp == since:
                    return ClaimChanges(stamp)
                records = r._column("SELECT record FROM claims WHERE changed > %s ORDER BY seq", (seen,))
                found = conn.execute(
                    "SELECT id, title, CASE WHEN title IS NULL THEN left(record->>'text', 2000) END "
                    "FROM articles WHERE changed > %s",
                    (seen,),
                ).fetchall()
                registry = r.speakers() if speakers_at > seen else None
            finally:
                conn.execute("COMMIT")
        titles = {doc: title for doc, t, text in found if (title := headline({"title": t, "text": text}))}
        try:
            claims = [claim_from_json(record) for record in records]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise StoreError(f"{self.location}: a claim record is malformed ({exc!r})") from exc
        return ClaimChanges(stamp, claims, registry, titles)

    # --- writes

    @contextmanager
    def _one_at_a_time(self) -> Iterator[None]:
        thread = threading.get_ident()
        if thread in self._batch_threads:
            raise RuntimeError(f"a batch on {self.location} is already open; batches do not nest")
        self._batch_threads.add(thread)
        try:
            yield
        finally:
            self._batch_threads.discard(thread)

    @contextmanager
    def batch(self) -> Iterator[_Batch]:
        """One transaction under the claims lock; on an exception it is rolled back."""
        with self._one_at_a_time():
            try:
                with self._pool.connection() as conn:
                    with conn.transaction():
                        conn.execute("SELECT pg_advisory_xact_lock(%s)", (CLAIMS_LOCK,))
                        batch = _Batch(conn, self._kept)
                        try:
                            yield batch
                        finally:
                            batch.open = False
                            batch._conn = _Ended()  # type: ignore[assignment]
                    if batch.written is not None:
                        self._kept.offer(batch.written)
            except psycopg.Error as exc:
                raise StoreError(f"{self.location}: {str(exc).strip()}") from exc

    @contextmanager
    def state_batch(self) -> Iterator[_StateWrites]:
        """One transaction for the small state; never waits for the claims lock."""
        with self._one_at_a_time():
            try:
                with self._pool.connection() as conn, conn.transaction():
                    state = _StateWrites(conn)
                    try:
                        yield state
                    finally:
                        state._conn = _Ended()  # type: ignore[assignment]
            except psycopg.Error as exc:
                raise StoreError(f"{self.location}: {str(exc).strip()}") from exc

    def deliveries(self) -> PostgresDeliveries:
        return PostgresDeliveries(self._pool)

    @contextmanager
    def digest_lock(self) -> Iterator[bool]:
        """A session-level advisory lock on a connection kept for as long as the digest is sent."""
        with self._pool.connection() as conn:
            row = conn.execute("SELECT pg_try_advisory_lock(%s)", (DIGEST_LOCK,)).fetchone()
            held = bool(row and row[0])
            try:
                yield held
            finally:
                if held:
                    conn.execute("SELECT pg_advisory_unlock(%s)", (DIGEST_LOCK,))

    def close(self) -> None:
        self._pool.close()
