"""The claim store on real files: round trips, upserts, one write per batch, and refusing broken files."""

from __future__ import annotations

import json
import os
import threading
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from tinydb import TinyDB

import data.storage as storage_module
import data.store as store_module
from bot.models import Claim, Figure, Source, Speaker
from data.records import Feed
from data.storage import AtomicJSONStorage, StoreError
from data.store import ClaimStore, claim_from_json, claim_to_json, state_path

FULL = Claim(
    id="c-full",
    speaker="Maria Example",
    statement="Unemployment fell to 3.8 per cent in March, the finance minister said.",
    figures=(
        Figure(text="3.8 per cent", value=3.8, unit="percent"),
        Figure(
            text="between 3,000 and 4,500 jobs", low=3000.0, high=4500.0, unit="jobs", qualifier="between"
        ),
        Figure(text="more than 3,800 people", value=3800.0, unit="people", qualifier="more than"),
    ),
    said_on=date(2024, 4, 2),
    topic="economy",
    sources=(
        Source(
            document="doc-1",
            sentence="Unemployment fell to 3.8 per cent in March, the finance minister said.",
            outlet="Example Gazette",
            url="https://example.org/news/1",
            published=date(2024, 4, 3),
        ),
        Source(document="doc-2", sentence="The minister put the rate at 3.8 per cent."),
    ),
    relayed_by="Example Wire",
    first_seen=datetime(2024, 4, 3, 9, 30, 15, tzinfo=timezone(timedelta(hours=2))),
)
MINIMAL = Claim(id="c-min", speaker="anonymous", statement="Something happened.")
UNICODE = Claim(
    id="c-ünï",
    speaker="Zoë Łukasiewicz-Ørsted",
    statement="«Le coût a augmenté de 12 %», a déclaré la ministre — 東京 🚆.",
    figures=(Figure(text="12 %", value=12.0, unit="percent"), Figure(text="−0,5", value=-0.5)),
    topic="transport",
    first_seen=datetime(2024, 1, 1, tzinfo=UTC),
)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "db" / "claims.json"


def put(path: Path, *claims: Claim) -> None:
    with ClaimStore(path).batch() as batch:
        batch.put_claims(claims)


@pytest.mark.parametrize("claim", [FULL, MINIMAL, UNICODE], ids=["full", "minimal", "unicode"])
def test_every_field_survives_a_round_trip_through_the_file(path: Path, claim: Claim) -> None:
    put(path, claim)
    (loaded,) = ClaimStore(path).claims()
    assert loaded == claim
    assert [type(n) for f in loaded.figures for n in f.numbers()] == [
        float for f in claim.figures for _ in f.numbers()
    ]
    assert claim_from_json(json.loads(json.dumps(claim_to_json(claim)))) == claim


def test_claim_to_json_has_the_public_shape() -> None:
    record = claim_to_json(FULL)
    assert list(record) == [
        "id",
        "speaker",
        "statement",
        "figures",
        "said_on",
        "topic",
        "sources",
        "first_seen",
        "relayed_by",
    ]
    assert list(record["figures"][0]) == ["value", "low", "high", "unit", "qualifier", "text"]
    assert list(record["sources"][0]) == ["document", "outlet", "url", "published", "sentence"]
    assert record["said_on"] == "2024-04-02"
    assert record["first_seen"] == "2024-04-03T09:30:15+02:00"
    assert record["sources"][1]["published"] is None


@pytest.mark.parametrize(
    ("figure", "expected"),
    [
        (Figure(text="3,800", value=3800.0), {"value": 3800, "low": None, "high": None}),
        (Figure(text="3.8", value=3.8), {"value": 3.8, "low": None, "high": None}),
        (Figure(text="2 to 5", low=2.0, high=5.0), {"value": None, "low": 2, "high": 5}),
        (Figure(text="-1.5", value=-1.5), {"value": -1.5, "low": None, "high": None}),
        (Figure(text="0", value=0.0), {"value": 0, "low": None, "high": None}),
    ],
)
def test_integral_figures_are_written_as_ints(figure: Figure, expected: dict[str, Any]) -> None:
    written = json.dumps(
        claim_to_json(Claim(id="x", speaker="s", statement="t", figures=(figure,)))["figures"][0]
    )
    assert {k: v for k, v in json.loads(written).items() if k in expected} == expected
    assert ".0," not in written


def test_the_file_is_compact_json_with_a_schema_marker(path: Path) -> None:
    put(path, FULL)
    raw = path.read_text(encoding="utf-8")
    data = json.loads(raw)
    assert data["_meta"] == {"1": {"schema": store_module.SCHEMA}}
    assert '"value":3800,' in raw
    assert ": " not in raw.replace(FULL.statement, "")


def test_a_naive_datetime_is_stored_as_utc(path: Path) -> None:
    put(path, Claim(id="n", speaker="s", statement="t", first_seen=datetime(2024, 5, 1, 12, 0)))
    assert ClaimStore(path).claims()[0].first_seen == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def test_putting_a_claim_again_replaces_it(path: Path) -> None:
    put(path, FULL, MINIMAL)
    changed = Claim(id=FULL.id, speaker="Someone Else", statement="A new wording.")
    put(path, changed)
    assert sorted(ClaimStore(path).claims(), key=lambda c: c.id) == [changed, MINIMAL]
    with ClaimStore(path).batch() as batch:
        batch.put_claims([MINIMAL, Claim(id=MINIMAL.id, speaker="x", statement="last one wins")])
        assert {c.id: c.statement for c in batch.claims()}[MINIMAL.id] == "last one wins"
    assert ClaimStore(path).count()["claims"] == 2


def test_speakers_upsert_by_name_and_replace_the_whole_record(path: Path) -> None:
    store = ClaimStore(path)
    with store.batch() as batch:
        batch.put_speakers(
            [Speaker("Maria Example", aliases=("M. Example", "Example")), Speaker("Acme Ltd", "organisation")]
        )
    with store.batch() as batch:
        batch.put_speakers([Speaker("Maria Example", aliases=("Ms Example",))])
    assert sorted(store.speakers(), key=lambda s: s.name) == [
        Speaker("Acme Ltd", "organisation"),
        Speaker("Maria Example", aliases=("Ms Example",)),
    ]


def test_documents_are_remembered_with_their_hash(path: Path) -> None:
    store = ClaimStore(path)
    with store.batch() as batch:
        batch.mark_documents({"doc-1": "aaa", "doc-2": "bbb"})
    with store.batch() as batch:
        assert batch.seen_documents() == {"doc-1": "aaa", "doc-2": "bbb"}
        batch.mark_documents({"doc-2": "ccc"})
    assert store.seen_documents() == {"doc-1": "aaa", "doc-2": "ccc"}


def test_state_lives_in_its_own_file_and_counts(path: Path) -> None:
    store = ClaimStore(path)
    with store.batch() as batch:
        batch.add_feed(Feed(url="https://example.org/feed.xml", title="Example"))
        batch.put_claims([MINIMAL])
    assert store.feeds() == [Feed(url="https://example.org/feed.xml", title="Example")]
    assert store.subscribers() == []
    assert store.count() == {"claims": 1, "documents": 0, "feeds": 1, "speakers": 0}
    assert set(json.loads(path.read_text())) == {"_meta", "claims"}
    assert set(json.loads(state_path(path).read_text())) == {"_meta", "feeds"}


def test_a_subscribe_never_reads_or_rewrites_the_claims(
    path: Path, replaces: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    put(path, MINIMAL)
    replaces.clear()
    reads: list[Path] = []
    real = AtomicJSONStorage.read

    def counting(self: AtomicJSONStorage) -> Any:
        reads.append(self.path)
        return real(self)

    monkeypatch.setattr(AtomicJSONStorage, "read", counting)
    with ClaimStore(path).state_batch() as state:
        state.subscribe(42)
    assert replaces == [str(state_path(path))]
    assert path not in reads
    assert ClaimStore(path).subscribers() == [42]


def test_an_older_store_s_state_moves_to_its_own_file_and_nothing_is_lost(path: Path) -> None:
    path.parent.mkdir(parents=True)
    old = {
        "_meta": {"1": {"schema": 2}},
        "claims": {"1": claim_to_json(MINIMAL)},
        "subscribers": {"1": {"chat": 7}},
        "state": {"1": {"key": "digest_watermark", "value": "2026-01-01T00:00:00+00:00"}},
        "feeds": {"1": {"url": "https://example.org/feed.xml"}},
    }
    path.write_text(json.dumps(old))
    store = ClaimStore(path)
    assert store.subscribers() == [7]  # read from the old file while there is no state file
    assert not state_path(path).exists()
    with store.batch() as batch:
        batch.put_claims([FULL])
    assert set(json.loads(path.read_text())) == {"_meta", "claims"}
    assert json.loads(path.read_text())["_meta"] == {"1": {"schema": store_module.SCHEMA}}
    assert store.subscribers() == [7] and store.state("digest_watermark") == "2026-01-01T00:00:00+00:00"
    assert [f.url for f in store.feeds()] == ["https://example.org/feed.xml"]


def test_a_state_batch_on_an_older_store_copies_its_state_first(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"claims": {}, "subscribers": {"1": {"chat": 7}}}))
    with ClaimStore(path).state_batch() as state:
        state.subscribe(8)
    assert ClaimStore(path).subscribers() == [7, 8]
    with ClaimStore(path).batch() as batch:  # the claims file drops its copy; the state file has it
        batch.put_claims([MINIMAL])
    assert "subscribers" not in json.loads(path.read_text())
    assert ClaimStore(path).subscribers() == [7, 8]


def test_a_batch_sees_what_others_wrote_and_its_own_puts(path: Path) -> None:
    put(path, MINIMAL)
    with ClaimStore(path).batch() as batch:
        assert batch.claims() == [MINIMAL]
        batch.put_claims([FULL])
        assert {c.id for c in batch.claims()} == {MINIMAL.id, FULL.id}
        assert ClaimStore(path).claims() == [MINIMAL]  # nothing is visible outside until the batch ends


@pytest.fixture
def replaces(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = os.replace

    def counting(src: Any, dst: Any) -> None:
        calls.append(str(dst))
        real(src, dst)

    monkeypatch.setattr(os, "replace", counting)
    return calls


def test_a_batch_writes_the_file_exactly_once(path: Path, replaces: list[str]) -> None:
    with ClaimStore(path).batch() as batch:
        for i in range(20):
            batch.put_claims([Claim(id=f"c{i}", speaker="s", statement="t")])
        batch.put_speakers([Speaker("s")])
        batch.mark_documents({"d": "h"})
        batch.add_feed(Feed(url="u"))
    assert replaces == [str(path), str(state_path(path))]  # claims first, then the state
    assert ClaimStore(path).count()["claims"] == 20


def test_a_batch_that_changes_nothing_writes_nothing(path: Path, replaces: list[str]) -> None:
    with ClaimStore(path).batch() as batch:
        batch.put_claims([])
        batch.claims()
    assert replaces == []
    assert not path.exists()


def test_a_failed_batch_writes_nothing(path: Path, replaces: list[str]) -> None:
    put(path, MINIMAL)
    before = path.read_bytes()
    replaces.clear()
    with pytest.raises(ZeroDivisionError), ClaimStore(path).batch() as batch:
        batch.put_claims([FULL])
        raise ZeroDivisionError
    assert replaces == []
    assert path.read_bytes() == before


def test_a_batch_cannot_be_used_after_it_ends_or_nested(path: Path) -> None:
    store = ClaimStore(path)
    with store.batch() as batch, pytest.raises(RuntimeError), store.batch():
        pass
    with pytest.raises(RuntimeError):
        batch.put_claims([MINIMAL])
    assert not path.exists()


def test_threads_sharing_a_store_take_turns(path: Path) -> None:
    store = ClaimStore(path)

    def ingest(prefix: str) -> None:
        for i in range(10):
            with store.batch() as batch:
                batch.put_claims([Claim(id=f"{prefix}{i}", speaker="s", statement="t")])

    threads = [threading.Thread(target=ingest, args=(prefix,)) for prefix in "abc"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.count()["claims"] == 30


TRUNCATED = b'{"claims":{"1":{"id":"c1","speaker":"s","statement":"t"},"2":{"id":"c2","spea'
CORRUPT = [
    ("truncated", TRUNCATED, "not valid JSON at line 1 column"),
    ("garbage", b"\xff\xfe\x00\x9c garbage \x01\x02", "not UTF-8"),
    ("list", b"[1, 2, 3]", "JSON list where an object of tables"),
    ("null", b"null", "JSON null"),
    ("table-list", b'{"claims": [1, 2]}', "table 'claims'"),
    ("record-string", b'{"claims": {"1": "c1"}}', "table 'claims'"),
    ("multiline", b'{\n  "claims": {\n    "1": {"id": "a",}\n  }\n}', "line 3 column"),
    ("whitespace", b"   \n", "not valid JSON"),
]


@pytest.mark.parametrize(("name", "content", "what"), CORRUPT, ids=[c[0] for c in CORRUPT])
def test_a_corrupt_file_is_reported_and_never_overwritten(
    path: Path, name: str, content: bytes, what: str
) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    store = ClaimStore(path)
    for attempt in (store.claims, store.count, store.seen_documents):
        with pytest.raises(StoreError, match=what) as error:
            attempt()
        assert str(path) in str(error.value)
    with pytest.raises(StoreError, match=what), store.batch() as batch:
        batch.put_claims([MINIMAL])
    with pytest.raises(StoreError), TinyDB(path, storage=AtomicJSONStorage) as db:
        db.drop_tables()  # plain TinyDB writes without reading first; the storage still refuses
    assert path.read_bytes() == content
    assert sorted(p.name for p in path.parent.iterdir()) == ["claims.json", "claims.json.lock"]


def test_a_malformed_record_is_reported_with_the_file(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text('{"claims": {"1": {"id": "c1", "speaker": "s"}}}')
    with pytest.raises(StoreError, match="table 'claims' is malformed") as error:
        ClaimStore(path).claims()
    assert str(path) in str(error.value)


NEWER = store_module.SCHEMA + 1


@pytest.mark.parametrize(
    ("meta", "what"),
    [
        ({"1": {"schema": NEWER}}, f"schema {NEWER}, newer.*upgrade claimbot"),
        ({"1": {"schema": "one"}}, "not understood"),
    ],
)
def test_an_unknown_schema_is_refused(path: Path, meta: dict[str, Any], what: str) -> None:
    path.parent.mkdir(parents=True)
    content = json.dumps({"_meta": meta, "claims": {}}).encode()
    path.write_bytes(content)
    for attempt in (ClaimStore(path).claims, ClaimStore(path).batch().__enter__):
        with pytest.raises(StoreError, match=what) as error:
            attempt()
        assert str(path) in str(error.value)
    assert path.read_bytes() == content


def test_an_older_schema_is_migrated_and_saved_by_the_next_batch(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    put(path, MINIMAL)

    def rename_speaker(data: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        for record in data["claims"].values():
            record["speaker"] = record["speaker"].upper()
        return data

    monkeypatch.setattr(store_module, "SCHEMA", NEWER)
    monkeypatch.setattr(store_module, "MIGRATIONS", {NEWER - 1: rename_speaker})
    assert ClaimStore(path).claims()[0].speaker == "ANONYMOUS"
    with ClaimStore(path).batch():
        pass
    assert json.loads(path.read_text())["_meta"] == {"1": {"schema": NEWER}}


@pytest.mark.parametrize("content", [None, b""], ids=["missing", "empty"])
def test_a_missing_or_empty_file_is_an_empty_store(path: Path, content: bytes | None) -> None:
    if content is not None:
        path.parent.mkdir(parents=True)
        path.write_bytes(content)
    store = ClaimStore(path)
    assert (store.claims(), store.speakers(), store.seen_documents()) == ([], [], {})
    assert store.count() == {"claims": 0, "documents": 0, "speakers": 0}
    put(path, MINIMAL)  # creates the directory on first write
    assert store.claims() == [MINIMAL]


def test_a_failed_write_leaves_the_old_file_and_no_temp(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    put(path, MINIMAL)
    before = path.read_bytes()

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(StoreError, match="could not be written") as error, ClaimStore(path).batch() as batch:
        batch.put_claims([FULL])
    assert str(path) in str(error.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [
        "claims.json", "claims.json.lock", "claims.state.json", "claims.state.json.lock"
    ]  # fmt: skip


def test_a_batch_removes_temp_files_left_by_a_killed_writer(path: Path) -> None:
    put(path, MINIMAL)
    stale = path.parent / ".claims.json.abc123.tmp"
    stale.write_text('{"claims": {')
    put(path, FULL)
    assert not stale.exists()
    assert len(ClaimStore(path).claims()) == 2


def test_one_store_object_sees_other_writers_and_is_not_changed_by_a_failed_batch(path: Path) -> None:
    """The store keeps the claims file's tables between calls; they must follow the file, and a batch
    must change only its own copy until it is written."""
    mine, other = ClaimStore(path), ClaimStore(path)
    put(path, MINIMAL)
    assert [c.id for c in mine.claims()] == [MINIMAL.id]
    with other.batch() as batch:
        batch.put_claims([FULL])
    assert [c.id for c in mine.claims()] == [MINIMAL.id, FULL.id]
    before, _ = mine.snapshot()
    with pytest.raises(ValueError, match="boom"), mine.batch() as batch:
        batch.put_claims([replace(MINIMAL, statement="Changed."), UNICODE])
        batch.replace_speakers([Speaker("x")])
        raise ValueError("boom")
    assert mine.claims() == other.claims() == [MINIMAL, FULL]
    assert list(before) == [MINIMAL, FULL] and mine.speakers() == []


def test_an_ingest_reads_the_claims_file_once(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    put(path, MINIMAL)
    store = ClaimStore(path)
    reads: list[Path] = []
    real = AtomicJSONStorage.read

    def counting(self: AtomicJSONStorage) -> Any:
        reads.append(self.path)
        return real(self)

    monkeypatch.setattr(AtomicJSONStorage, "read", counting)
    store.seen_documents()  # what an ingest asks before it parses
    with store.batch() as batch:
        batch.put_claims([FULL])
    assert reads.count(path) == 1
    with store.batch() as batch:  # after its own write, not even once
        batch.put_claims([UNICODE])
    assert reads.count(path) == 1
    assert ClaimStore(path).claims() == [MINIMAL, FULL, UNICODE]


LAYOUTS: list[dict[str, dict[str, Any]]] = [
    {},
    {"empty": {}},
    {"claims": {"1": {"text": "a line\nbreak and a } brace", "n": [1, 2.5]}, "2": {}}, "_meta": {"1": {}}},
    {"t": {"1": {"é": "😀", "nested": {"a": [{"b": None}]}}}, "u": {}},
    {"t": {'odd"key': {"v": 1}}},  # a key this layout does not read itself: the whole-file parser does
]


@pytest.mark.parametrize("tables", LAYOUTS)
def test_the_file_is_plain_json_one_record_a_line(tables: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    storage = AtomicJSONStorage(path)
    storage.write(tables)
    raw = path.read_bytes()
    assert json.loads(raw) == tables  # any JSON reader, TinyDB's own JSONStorage included, reads it
    records = sum(len(t) for t in tables.values())
    assert raw.count(b"\n") == 2 + 2 * len(tables) + records
    assert AtomicJSONStorage(path).read() == tables
    read_by_line = storage_module._parse_lines(raw) is not None  # never a parser's copy of the whole file
    assert read_by_line == ('odd"key' not in str(tables))


def test_a_file_in_another_layout_is_read_whole_and_written_a_record_a_line(tmp_path: Path) -> None:
    path = tmp_path / "claims.json"
    tables = {"claims": {"1": claim_to_json(FULL)}, "_meta": {"1": {"schema": 3}}}
    path.write_text(json.dumps(tables, indent=2))  # hand-made, or from an older claimbot
    store = ClaimStore(path)
    assert store.claims() == [FULL]
    with store.batch() as batch:
        batch.put_claims([replace(FULL, id="c-2")])
    lines = path.read_bytes().splitlines()
    assert lines[:2] == [b"{", b'"claims":{'] and lines[2].startswith(b'"1":{')
    assert [c.id for c in ClaimStore(path).claims()] == ["c-full", "c-2"]
    with TinyDB(path) as db:  # TinyDB's own storage still reads the file
        assert len(db.table("claims")) == 2
