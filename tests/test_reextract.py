"""Article texts kept beside the store, `claimbot reextract`, and stores written by the previous release.

Real files in tmp dirs throughout. tests/fixtures/store-v1/ holds a store written by the release before
article texts were kept (schema 1; see make.py there for how it was made): four sample articles ingested at
T0, a digest cut at T1 and sent to two chats, grid-record.txt ingested at T2, a feed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

from bot.cli import main
from bot.digest import WATERMARK, new_claims
from bot.ingest import read_path
from bot.models import Article
from bot.pipeline import content_hash, ingest
from data.ledger import SENT, DeliveryLedger
from data.records import SeenItem
from data.storage import StoreError
from data.store import SCHEMA, ClaimStore, StoredArticle, articles_path, state_path
from scheduler.digest import prepare
from scheduler.feeds import add_feed

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
FIXTURE = ROOT / "tests" / "fixtures" / "store-v1"
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)  # as in the fixture
T1 = datetime(2025, 3, 4, 8, 0, tzinfo=UTC)
T2 = datetime(2025, 3, 4, 12, 0, tzinfo=UTC)
T3 = datetime(2025, 3, 5, 8, 0, tzinfo=UTC)
OLD_DOCS = {
    "smp01-kursk-interview",
    "smp02-kursk-makhnovka",
    "smp03-kursk-ap-official",
    "smp04-kursk-pentagon",
}
SUMMARY = re.compile(
    r"^(\d+) articles re-read with the current extractor; claims: (\d+) before, (\d+) after "
    r"\((\d+) kept, (\d+) of them changed; (\d+) new; (\d+) dropped\)$",
    re.M,
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("CLAIMBOT_DB", "CLAIMBOT_ADMINS", "CLAIMBOT_DIGEST_TIME", "CLAIMBOT_TZ"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def cli(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> str:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert (code, err) == (0, ""), err
    return out


def summary(out: str) -> tuple[int, ...]:
    """(articles, before, after, kept, changed, new, dropped) from reextract's first line."""
    m = SUMMARY.search(out)
    assert m, out
    return tuple(int(g) for g in m.groups())


def read(name: str) -> list[Article]:
    articles, problems = read_path(SAMPLES / name)
    assert problems == []
    return articles


def other_tables(path: Path) -> dict[str, Any]:
    """Everything in the claims and state files reextract must leave alone."""
    tables = {
        k: v for k, v in json.loads(path.read_bytes()).items() if k not in ("claims", "speakers", "_meta")
    }
    if state_path(path).exists():
        tables |= {k: v for k, v in json.loads(state_path(path).read_bytes()).items() if k != "_meta"}
    return tables


def first_seen(store: ClaimStore) -> dict[str, datetime | None]:
    return {c.id: c.first_seen for c in store.claims()}


@pytest.fixture
def old_store(tmp_path: Path) -> ClaimStore:
    """A copy of the schema-1 store (and its delivery ledger) the previous release wrote."""
    for file in FIXTURE.glob("claims.json*"):
        shutil.copy(file, tmp_path / file.name)
    return ClaimStore(tmp_path / "claims.json")


# --- the articles file ----------------------------------------------------------------------------------

ARTICLE = Article(
    id="a-1",
    text="«Le coût a augmenté de 12 %», a déclaré la ministre.\nSecond paragraph.",
    outlet="Example Gazette",
    url="https://example.org/a-1",
    published=date(2025, 1, 2),
    title="Costs",
)


def test_articles_live_in_their_own_file_beside_the_store(tmp_path: Path) -> None:
    store = ClaimStore(tmp_path / "db" / "claims.json")
    bare = Article(id="a-2", text="Plain.")
    with store.batch() as batch:
        batch.put_articles([StoredArticle(ARTICLE, "h1", T0), StoredArticle(bare, "h2")])
    assert store.articles_path == articles_path(store.path) == tmp_path / "db" / "claims.articles.json"
    assert store.articles() == [StoredArticle(ARTICLE, "h1", T0), StoredArticle(bare, "h2", None)]
    assert store.article_hashes() == {"a-1": "h1", "a-2": "h2"}
    written = json.loads(store.articles_path.read_text(encoding="utf-8"))
    assert written["_meta"] == {"1": {"schema": SCHEMA}}
    assert set(written["articles"]["1"]) == {
        "id", "outlet", "url", "published", "title", "hash", "ingested", "text"
    }  # fmt: skip
    assert not store.path.exists()  # articles alone do not write the claims file
    assert store.count() == {"claims": 0, "documents": 0, "speakers": 0}


@pytest.fixture
def replaced(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = os.replace

    def counting(src: Any, dst: Any) -> None:
        calls.append(Path(dst).name)
        real(src, dst)

    monkeypatch.setattr(os, "replace", counting)
    return calls


def test_each_file_is_written_only_when_its_part_changed_texts_first(
    tmp_path: Path, replaced: list[str]
) -> None:
    store = ClaimStore(tmp_path / "claims.json")
    with store.batch() as batch:
        batch.put_articles([StoredArticle(ARTICLE, "h1", T0)])
    with store.batch() as batch:
        batch.mark_documents({"a-1": "h1"})
        batch.subscribe(7)
    with store.batch() as batch:
        batch.put_articles([StoredArticle(replace(ARTICLE, id="a-2"), "h2", T0)])
        batch.mark_documents({"a-2": "h2"})
    with store.batch() as batch:
        batch.articles()  # reading loads the file but writes nothing
    assert replaced == [
        "claims.articles.json", "claims.json", "claims.state.json", "claims.articles.json", "claims.json"
    ]  # fmt: skip


def test_a_crash_between_the_two_writes_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, nlp: Language
) -> None:
    """The texts are written first; dying before the claims file is replaced leaves a text with no claims,
    and ingesting the article again adds them."""
    store = ClaimStore(tmp_path / "claims.json")
    article = read("grid-record.txt")[0]
    real = os.replace

    def die_on_the_claims_file(src: Any, dst: Any) -> None:
        if Path(dst) == store.path:
            raise OSError(5, "simulated crash")
        real(src, dst)

    monkeypatch.setattr(os, "replace", die_on_the_claims_file)
    with pytest.raises(StoreError, match="could not be written"):
        ingest(store, [article], nlp=nlp, now=T0)
    monkeypatch.setattr(os, "replace", real)
    assert [s.article for s in store.articles()] == [article]
    assert (store.claims(), store.seen_documents()) == ([], {})

    report = ingest(store, [article], nlp=nlp, now=T2)
    assert report.claims_added > 0
    assert store.seen_documents() == {article.id: content_hash(article)}
    assert store.articles() == [StoredArticle(article, content_hash(article), T2)]


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (json.dumps({"_meta": {"1": {"schema": SCHEMA + 1}}, "articles": {}}), "newer.*upgrade claimbot"),
        ('{"articles": {"1": {"id": "a"', "not valid JSON"),
    ],
    ids=["newer", "corrupt"],
)
def test_an_unreadable_articles_file_is_named_and_never_overwritten(
    tmp_path: Path, content: str, what: str
) -> None:
    store = ClaimStore(tmp_path / "claims.json")
    with store.batch() as batch:
        batch.subscribe(7)
    store.articles_path.write_text(content)
    with pytest.raises(StoreError, match=what) as error:
        store.articles()
    assert str(store.articles_path) in str(error.value)
    with pytest.raises(StoreError, match=what), store.batch() as batch:
        batch.put_articles([StoredArticle(ARTICLE, "h")])
    assert store.articles_path.read_text() == content
    assert store.subscribers() == [7]  # the claims file does not depend on the texts


def test_a_malformed_article_record_is_reported_with_the_file(tmp_path: Path) -> None:
    store = ClaimStore(tmp_path / "claims.json")
    store.articles_path.write_text('{"articles": {"1": {"id": "a", "hash": "h"}}}')
    with pytest.raises(StoreError, match="table 'articles' is malformed") as error:
        store.articles()
    assert str(store.articles_path) in str(error.value)


# --- a store written by the previous release ------------------------------------------------------------


def test_a_store_of_the_previous_release_still_reads(
    capsys: pytest.CaptureFixture[str], old_store: ClaimStore
) -> None:
    assert json.loads(old_store.path.read_bytes())["_meta"] == {"1": {"schema": 1}}
    assert len(old_store.claims()) == 26 and len(old_store.speakers()) == 11
    assert set(old_store.seen_documents()) == OLD_DOCS | {"grid-record"}
    assert old_store.subscribers() == [1001, -1002002]
    assert old_store.state(WATERMARK) == T1.isoformat()
    assert [f.url for f in old_store.feeds()] == ["https://example-outlet.test/news/feed.xml"]
    assert old_store.articles() == []

    rows = [json.loads(line) for line in cli(capsys, "--db", old_store.path, "claims", "--json").splitlines()]
    assert len(rows) == 26
    stats = cli(capsys, "--db", old_store.path, "stats")
    assert "articles: 5 (0 with stored text" in stats and "ingest their source files again" in stats
    assert "Zelensky" in cli(capsys, "--db", old_store.path, "ask", "what did zelensky say about losses")
    assert not old_store.articles_path.exists()


def test_reextract_on_the_old_store_says_which_articles_need_their_files_again(
    capsys: pytest.CaptureFixture[str], old_store: ClaimStore
) -> None:
    before = old_store.path.read_bytes()
    out = cli(capsys, "--db", old_store.path, "reextract")
    assert summary(out) == (0, 26, 26, 26, 0, 0, 0)
    assert "5 articles have no stored text" in out
    assert "ingest their source files again (`claimbot ingest FILE_OR_DIR`" in out
    assert old_store.path.read_bytes() == before  # nothing to re-read: nothing written, not even migrated
    assert not old_store.articles_path.exists()


def test_ingest_into_the_old_store_stores_texts_and_reextract_then_rereads_everything(
    capsys: pytest.CaptureFixture[str], old_store: ClaimStore, nlp: Language
) -> None:
    old = {c.id: c for c in old_store.claims()}
    ledger = DeliveryLedger.beside(old_store.path)
    ledger_bytes = ledger.path.read_bytes()
    assert ledger.states("2025-03-04")[("1001", 0)] == SENT

    # a new article first: its text is stored, the old claims stay as they are
    out = cli(capsys, "--db", old_store.path, "ingest", SAMPLES / "riverside-floods.html")
    assert out.startswith("1 article read (0 already stored)")
    assert json.loads(old_store.path.read_bytes())["_meta"] == {"1": {"schema": SCHEMA}}
    out = cli(capsys, "--db", old_store.path, "reextract")
    articles, before, after, kept, changed, new, dropped = summary(out)
    assert articles == 1 and before == after == kept > 26 and changed == new == dropped == 0
    assert "5 articles have no stored text" in out
    assert {c.id: c for c in old_store.claims() if c.id in old} == old

    # all the samples: the five old ones only get their texts, dated to when their claims first came
    out = cli(capsys, "--db", old_store.path, "ingest", SAMPLES)
    assert out.startswith("14 articles read (6 already stored)")
    assert "5 articles stored before claimbot kept article texts now have their text stored" in out
    ingested = {s.article.id: s.ingested for s in old_store.articles()}
    assert {ingested[d] for d in OLD_DOCS} == {T0} and ingested["grid-record"] == T2
    assert len(ingested) == 14
    assert {c.id: c for c in old_store.claims() if c.id in old} == old  # re-ingesting changed no claim

    untouched = other_tables(old_store.path)
    out = cli(capsys, "--db", old_store.path, "reextract")
    articles, before, after, kept, changed, new, dropped = summary(out)
    assert articles == 14 and "no stored text" not in out
    assert kept + new == after and kept + dropped == before
    claims = old_store.claims()
    assert all(c.first_seen == old[c.id].first_seen for c in claims if c.id in old)
    assert other_tables(old_store.path) == untouched  # subscribers, state, feeds, digest runs, documents
    assert ledger.path.read_bytes() == ledger_bytes

    # what the digest sent (claims of the T0 articles, cut at T1) is not sent again, however they were rebuilt
    due = new_claims(claims, T1, T3)
    assert due and all(c.first_seen and c.first_seen > T1 for c in due)
    assert not any({s.document for s in c.sources} <= OLD_DOCS for c in due)


# --- reextract on a store written by this release ------------------------------------------------------


@pytest.fixture(scope="module")
def new_store_files(tmp_path_factory: pytest.TempPathFactory, nlp: Language) -> Path:
    """Samples ingested in two rounds around a digest cut at T1, with subscribers, a feed and a ledger."""
    store = ClaimStore(tmp_path_factory.mktemp("new-store") / "claims.json")
    ingest(store, read("articles.jsonl"), nlp=nlp, now=T0)
    with store.batch() as batch:
        batch.subscribe(1001)
        batch.subscribe(-1002002)
        batch.add_feed_items([SeenItem("https://example-outlet.test/feed.xml", "g1", None, None, None, None)])
    add_feed(store, "https://example-outlet.test/feed.xml")
    run = prepare(store, T1.date(), T1, None, when_empty=False)
    assert run.messages and run.recipients == (1001, -1002002)
    DeliveryLedger.beside(store.path).mark(run.day, 1001, 0, SENT)
    ingest(store, read("grid-record.txt") + read("riverside-floods.html"), nlp=nlp, now=T2)
    return store.path.parent


@pytest.fixture
def new_store(new_store_files: Path, tmp_path: Path) -> ClaimStore:
    for file in new_store_files.glob("claims.*"):
        shutil.copy(file, tmp_path / file.name)
    return ClaimStore(tmp_path / "claims.json")


def test_reextract_with_the_same_extractor_keeps_every_claim_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], new_store: ClaimStore
) -> None:
    before = new_store.path.read_bytes()
    texts = new_store.articles_path.read_bytes()
    n = len(new_store.claims())
    out = cli(capsys, "--db", new_store.path, "reextract")
    assert summary(out) == (14, n, n, n, 0, 0, 0)
    assert "Nothing changed" in out
    assert new_store.path.read_bytes() == before
    assert new_store.articles_path.read_bytes() == texts


def test_reextract_keeps_ids_and_first_seen_and_dates_new_claims_to_their_article(
    capsys: pytest.CaptureFixture[str], new_store: ClaimStore
) -> None:
    """Stand-ins for what an older extractor would have stored: a claim missing, one stored under another
    id, one worded differently, one with another date, one first seen at another time."""
    claims = new_store.claims()
    early = [c for c in claims if c.first_seen == T0 and len(c.sources) == 1]
    missing, other_id, reworded, redated, seen_late = early[:5]
    stored = [c for c in claims if c.id != missing.id]
    stored = [
        replace(c, id="older-id")
        if c.id == other_id.id
        else replace(c, id="older-wording", statement=c.statement + " (older wording)")
        if c.id == reworded.id
        else replace(c, said_on=date(2020, 1, 1))
        if c.id == redated.id
        else replace(c, first_seen=T1)
        if c.id == seen_late.id
        else c
        for c in stored
    ]
    with new_store.batch() as batch:
        batch.replace_claims(stored)
    untouched = other_tables(new_store.path)
    speakers = new_store.speakers()
    n = len(claims)

    dry = cli(capsys, "--db", new_store.path, "reextract", "--dry-run")
    assert "Dry run: nothing was written." in dry
    assert new_store.claims() == stored

    out = cli(capsys, "--db", new_store.path, "reextract")
    assert summary(out) == summary(dry) == (14, n - 1, n, n - 2, 1, 2, 1)
    after = {c.id: c for c in new_store.claims()}
    assert after["older-id"] == replace(other_id, id="older-id")  # matched by speaker and statement
    assert after[redated.id] == redated  # the same id: kept, and rebuilt with the extractor's date
    assert after[seen_late.id].first_seen == T1  # a kept claim keeps its first_seen, whatever it was
    assert "older-wording" not in after and after[reworded.id] == reworded  # dropped, and found anew
    assert after[missing.id] == missing  # found anew: first seen when its article was ingested (T0)
    assert other_tables(new_store.path) == untouched
    assert new_store.speakers() == speakers

    # the next digest holds the claims of the T2 articles only: nothing the T1 digest covered comes back
    due = {c.id for c in new_claims(after.values(), T1, T3)}
    assert due == {c.id for c in claims if c.first_seen == T2}


def test_reextract_reports_a_stored_text_whose_ingest_never_finished(
    capsys: pytest.CaptureFixture[str], new_store: ClaimStore
) -> None:
    article = Article(id="half-done", text="The mayor said the bridge would reopen on Friday.")
    with new_store.batch() as batch:
        batch.put_articles([StoredArticle(article, content_hash(article), T3)])
    out = cli(capsys, "--db", new_store.path, "reextract")
    assert summary(out)[0] == 14
    assert "1 stored articles were not re-read because their ingest did not finish (half-done)" in out
