"""The same articles give the same claims, and the same answers, on every backend; and merging against the
store's candidate claims gives what merging against every stored claim gives."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from spacy.language import Language

from bot.cli import main
from bot.digest import WATERMARK
from bot.ingest import read_path
from bot.merge import merge_claims
from bot.models import Article
from bot.pipeline import extract_all, ingest
from bot.service import ClaimService
from data.backends import copy_store, open_store
from data.port import Store
from data.records import Delivery, SeenItem
from scheduler.digest import DeliveryReport, Limits, prepare, send_digest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
QUESTIONS = [json.loads(line)["q"] for line in (ROOT / "tests/gold/sample_questions.jsonl").open()]
T0 = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
FAST = Limits(per_second=1000.0, per_chat_interval=0.0)


def samples() -> list[Article]:
    articles, problems = read_path(SAMPLES)
    assert problems == [] and len(articles) > 4
    return articles


def fill(store: Store, articles: list[Article], nlp: Language) -> None:
    """In three batches, so later ones merge into what earlier ones stored."""
    for i, part in enumerate((articles[:2], articles[2:5], articles[5:])):
        ingest(store, part, nlp=nlp, now=T0 + timedelta(hours=i))


@pytest.fixture
def both(tmp_path: Path, pg_url: str) -> Callable[[], tuple[Store, Store]]:
    opened: list[Store] = []

    def make() -> tuple[Store, Store]:
        pair = (open_store(tmp_path / "claims.json"), open_store(pg_url))
        opened.extend(pair)
        return pair

    yield make  # type: ignore[misc]
    for store in opened:
        store.close()


def test_the_same_articles_give_the_same_claims_and_answers_on_both_backends(
    both: Callable[[], tuple[Store, Store]], nlp: Language
) -> None:
    tiny, pg = both()
    articles = samples()
    fill(tiny, articles, nlp)
    fill(pg, articles, nlp)
    tiny, pg = both()  # as another process would see them
    assert tiny.claims() == pg.claims() and len(tiny.claims()) > 20
    assert tiny.speakers() == pg.speakers()
    assert tiny.seen_documents() == pg.seen_documents()
    assert tiny.articles() == pg.articles()
    assert tiny.count() == pg.count()
    ask_tiny, ask_pg = ClaimService(tiny), ClaimService(pg)
    for question in QUESTIONS:
        assert ask_tiny.ask(question) == ask_pg.ask(question), question
    assert ask_tiny.latest(10) == ask_pg.latest(10)

    # re-ingesting changes nothing on either
    for store in (tiny, pg):
        report = ingest(store, articles, nlp=nlp, now=T0 + timedelta(days=1))
        assert report.claims_added == report.claims_merged == 0
    assert tiny.claims() == pg.claims()


def test_merging_with_the_candidates_equals_merging_with_every_claim(tmp_path: Path, nlp: Language) -> None:
    store = open_store(tmp_path / "claims.json")
    articles = samples()
    ingest(store, articles[:4], nlp=nlp, now=T0)
    rest = extract_all(articles[4:], nlp)
    found = [c for _, claims, _ in rest for c in claims]
    speakers = [s for _, _, spk in rest for s in spk]
    full = merge_claims(store.claims(), store.speakers(), found, speakers, T0)

    ingest(store, articles[4:], nlp=nlp, now=T0)
    stored = {c.id: c for c in store.claims()}
    assert all(stored[c.id] == c for c in full.claims)
    assert store.speakers() == list(full.speakers)


# --- the command line on PostgreSQL, and `claimbot migrate` ----------------------------------------------


def cli(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> str:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert (code, err) == (0, ""), err
    return out


def test_migrate_copies_everything_and_the_cli_runs_on_postgresql(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, pg_url: str, nlp: Language
) -> None:
    db = tmp_path / "claims.json"
    cli(capsys, "--db", db, "ingest", SAMPLES)
    cli(capsys, "--db", db, "feeds", "add", "https://example-outlet.test/feed.xml")
    tiny = open_store(db)
    with tiny.state_batch() as state:
        state.subscribe(1001)
        state.subscribe("@channel")
        state.set_chat_setting(1001, "lang", "en")
        state.add_feed_items([SeenItem("https://example-outlet.test/feed.xml", "g1", None, "h", None, T0)])
    run = prepare(tiny, T0.date(), T0, None, when_empty=True)
    tiny.deliveries().mark(run.day, 1001, 0, Delivery.SENT)

    out = cli(capsys, "--db", db, "migrate", "--to", pg_url)
    assert "postgresql://claimbot@127.0.0.1" in out and "subscribers" in out
    pg = open_store(pg_url)
    try:
        assert pg.claims() == tiny.claims() and pg.speakers() == tiny.speakers()
        assert pg.articles() == tiny.articles() and pg.seen_documents() == tiny.seen_documents()
        assert pg.subscribers() == [1001, "@channel"] and pg.chat_settings(1001) == {"lang": "en"}
        assert pg.feeds() == tiny.feeds() and pg.feed_items() == tiny.feed_items()
        assert pg.digest_run(run.day) == run and pg.state(WATERMARK) == tiny.state(WATERMARK)
        assert pg.deliveries().states(run.day) == {("1001", 0): Delivery.SENT}
    finally:
        pg.close()
        tiny.close()
    question = "what did zelensky say about north korean losses"
    assert cli(capsys, "--db", pg_url, "ask", question) == cli(capsys, "--db", db, "ask", question)
    assert "store: postgresql://claimbot@127.0.0.1" in cli(capsys, "--db", pg_url, "stats")
    # a second migrate into the same database is refused: stores are never merged by mistake
    assert main(["--db", str(db), "migrate", "--to", pg_url]) == 2
    assert "already holds claims" in capsys.readouterr().err


# --- two workers on one database --------------------------------------------------------------------------


def test_two_workers_on_one_database_see_each_others_ingests_and_send_the_digest_once(
    pg_url: str, nlp: Language
) -> None:
    one, two = open_store(pg_url), open_store(pg_url)
    try:
        answers = ClaimService(two)
        question = "what did zelensky say about north korean losses"
        assert not answers.ask(question).claims
        ingest(one, samples(), nlp=nlp, now=T0)
        started = time.perf_counter()
        assert answers.ask(question).claims
        assert time.perf_counter() - started < 1.0

        with one.state_batch() as state:
            for chat in (1, 2, 3):
                state.subscribe(chat)
        received: list[int | str] = []

        async def send(chat: int | str, text: str) -> object:
            received.append(chat)
            await asyncio.sleep(0.01)  # so the two workers overlap
            return None

        async def both_workers() -> list[DeliveryReport]:
            now = T0 + timedelta(days=1)
            return list(
                await asyncio.gather(
                    send_digest(one, send, now=now, limits=FAST), send_digest(two, send, now=now, limits=FAST)
                )
            )

        reports = asyncio.run(both_workers())
        run = one.digest_run((T0 + timedelta(days=1)).date().isoformat())
        assert run is not None and run.messages
        # every chat got every part exactly once, from one worker or the other
        assert Counter(received) == {chat: len(run.messages) for chat in (1, 2, 3)}
        assert sum(r.busy for r in reports) <= 1
    finally:
        one.close()
        two.close()


def test_a_database_migrates_back_into_a_file(tmp_path: Path, pg_url: str, nlp: Language) -> None:
    pg = open_store(pg_url)
    try:
        fill(pg, samples()[:3], nlp)
        with pg.state_batch() as state:
            state.subscribe(5)
        copied = copy_store(pg, open_store(tmp_path / "back.json"))
        back = open_store(tmp_path / "back.json")
        assert back.claims() == pg.claims() and back.speakers() == pg.speakers()
        assert back.subscribers() == [5] and copied["claims"] == len(pg.claims())
    finally:
        pg.close()
