"""The store port's contract, run on every backend (TinyDB file, PostgreSQL): what one backend does, the
other does, so code above the port never needs to know which it has."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from bot.models import Article, Claim, Figure, Source, Speaker
from data.port import Store
from data.records import Delivery, DigestRun, Feed, SeenItem, StoredArticle

MakeStore = Callable[[], Store]
T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)

FULL = Claim(
    id="c-full",
    speaker="Maria Example",
    statement="Unemployment fell to 3.8 per cent in March, the finance minister said.",
    figures=(
        Figure(text="3.8 per cent", value=3.8, unit="percent"),
        Figure(
            text="between 3,000 and 4,500 jobs", low=3000.0, high=4500.0, unit="jobs", qualifier="between"
        ),
    ),
    said_on=date(2024, 4, 2),
    topic="economy",
    sources=(
        Source(
            document="doc-1",
            sentence="Unemployment fell to 3.8 per cent in March.",
            outlet="Example Gazette",
            url="https://example.org/news/1",
            published=date(2024, 4, 3),
        ),
    ),
    relayed_by="Example Wire",
    first_seen=datetime(2024, 4, 3, 9, 30, 15, tzinfo=timezone(timedelta(hours=2))),
)
MINIMAL = Claim(id="c-min", speaker="anonymous", statement="Something happened.")
UNICODE = Claim(id="c-ünï", speaker="Zoë Łukasiewicz", statement="«Le coût a augmenté de 12 %» 東京 🚆.")


def test_claims_round_trip_in_order_and_upsert_in_place(make_store: MakeStore) -> None:
    store = make_store()
    with store.batch() as batch:
        batch.put_claims([FULL, MINIMAL])
    with store.batch() as batch:
        batch.put_claims([UNICODE, Claim(id="c-full", speaker="Maria Example", statement="Changed.")])
        assert [c.id for c in batch.claims()] == ["c-full", "c-min", "c-ünï"]  # a batch sees its own puts
    again = make_store()
    assert [c.id for c in again.claims()] == ["c-full", "c-min", "c-ünï"]
    assert again.claims()[0].statement == "Changed."
    assert again.claims()[2] == UNICODE
    claims, _ = again.snapshot()
    assert list(claims) == again.claims()


def test_every_field_survives(make_store: MakeStore) -> None:
    with make_store().batch() as batch:
        batch.put_claims([FULL])
    assert make_store().claims() == [FULL]


def test_a_failed_batch_writes_nothing(make_store: MakeStore) -> None:
    store = make_store()
    with pytest.raises(ValueError, match="boom"), store.batch() as batch:
        batch.put_claims([FULL])
        batch.subscribe(7)
        raise ValueError("boom")
    assert store.claims() == []
    assert store.count()["claims"] == 0


def test_an_ended_batch_cannot_be_used(make_store: MakeStore) -> None:
    store = make_store()
    with store.batch() as batch:
        pass
    with store.state_batch() as state:
        pass
    for use in (batch.claims, lambda: batch.put_claims([MINIMAL]), batch.subscribers, state.subscribers):
        with pytest.raises(RuntimeError, match="has ended"):
            use()


def test_batches_do_not_nest(make_store: MakeStore) -> None:
    store = make_store()
    with store.batch(), pytest.raises(RuntimeError, match="do not nest"), store.batch():
        pass


def test_speakers_documents_and_articles(make_store: MakeStore) -> None:
    store = make_store()
    article = Article(
        id="a-1", text="Text.\nMore.", outlet="Gazette", title="Costs", published=date(2025, 1, 2)
    )
    with store.batch() as batch:
        batch.put_speakers(
            [Speaker("Maria Example", aliases=("Ms Example",)), Speaker("Acme", "organisation")]
        )
        batch.mark_documents({"doc-1": "aaa", "doc-2": "bbb"})
        batch.put_articles(
            [StoredArticle(article, "h1", T0), StoredArticle(Article(id="a-2", text="Plain."), "h2")]
        )
    with store.batch() as batch:
        batch.mark_documents({"doc-2": "ccc"})
        batch.replace_speakers(
            [Speaker("Acme", "organisation"), Speaker("Maria Example", roles=("minister",))]
        )
    store = make_store()
    assert store.speakers() == [
        Speaker("Acme", "organisation"),
        Speaker("Maria Example", roles=("minister",)),
    ]
    assert store.seen_documents() == {"doc-1": "aaa", "doc-2": "ccc"}
    assert store.seen_documents(["doc-2", "doc-9"]) == {"doc-2": "ccc"}  # looked up, not read whole
    assert store.seen_documents(["doc-9"], ["aaa", "zzz"]) == {"doc-1": "aaa"}  # the same text, another id
    assert store.seen_documents([], []) == {}
    with store.batch() as batch:
        assert batch.seen_documents(["doc-1"]) == {"doc-1": "aaa"}
        before = batch.speakers()
        batch.replace_speakers([*before, Speaker("Newcomer")])
        batch.replace_speakers(before)  # compared with what it wrote just before, not what it first read
    assert store.speakers() == before
    assert store.articles() == [
        StoredArticle(article, "h1", T0),
        StoredArticle(Article(id="a-2", text="Plain."), "h2"),
    ]
    assert store.article_hashes() == {"a-1": "h1", "a-2": "h2"}
    assert store.headlines() == {"a-1": "Costs"}  # "Plain." is too short to be a lede


def test_an_article_without_a_headline_is_headed_by_its_lede(make_store: MakeStore) -> None:
    store = make_store()
    text = "By Staff\nThe harbour board said forty ferries were cancelled on Monday. Crews then left."
    with store.batch() as batch:
        batch.put_articles([StoredArticle(Article(id="a-3", text=text), "h3")])
    assert make_store().headlines() == {
        "a-3": "The harbour board said forty ferries were cancelled on Monday."
    }


def test_replace_claims_keeps_the_given_order(make_store: MakeStore) -> None:
    store = make_store()
    with store.batch() as batch:
        batch.put_claims([FULL, MINIMAL])
    with store.batch() as batch:
        batch.replace_claims([UNICODE, MINIMAL])
    with store.batch() as batch:
        batch.put_claims([FULL])
    assert [c.id for c in make_store().claims()] == ["c-ünï", "c-min", "c-full"]


def test_merge_candidates_are_the_speakers_claims_near_the_days_and_id_collisions(
    make_store: MakeStore,
) -> None:
    store = make_store()
    day = date(2026, 3, 10)
    claims = [
        Claim(id="abc", speaker="A", statement="1", said_on=day),
        Claim(id="abcx", speaker="B", statement="2", said_on=day),
        Claim(id="abcd", speaker="C", statement="3"),
        Claim(id="def", speaker="A", statement="4", said_on=day - timedelta(days=1)),
        Claim(id="ghi", speaker="D", statement="5"),
        Claim(id="jkl", speaker="A", statement="6", said_on=day + timedelta(days=2)),
        Claim(id="mno", speaker="A", statement="7"),
        Claim(id="pqr", speaker="E", statement="8", said_on=date(2020, 1, 1)),
    ]
    with store.batch() as batch:
        batch.put_claims(claims)
        assert [c.id for c in batch.merge_candidates({"A"}, {"abc"})] == ["abc", "abcx", "def", "jkl", "mno"]
    assert [c.id for c in store.merge_candidates({"A"}, {"abc"})] == ["abc", "abcx", "def", "jkl", "mno"]
    near = store.merge_candidates({"A"}, {"zzz"}, days={day})
    assert [c.id for c in near] == ["abc", "def", "mno"]
    assert [c.id for c in store.merge_candidates({"A"}, set(), days={day}, whole={"E"})] == [
        "abc", "def", "mno", "pqr"
    ]  # fmt: skip
    assert store.merge_candidates(set(), set()) == []


def test_the_stamp_moves_when_claims_change_and_only_then(make_store: MakeStore) -> None:
    store = make_store()
    before = store.stamp()
    with store.batch() as batch:
        batch.put_claims([MINIMAL])
    after = store.stamp()
    assert after != before
    with store.state_batch() as state:
        state.subscribe(1)
    assert store.stamp() == after


def test_changes_since_a_stamp_are_what_the_batches_after_it_put(make_store: MakeStore) -> None:
    store = make_store()
    start = store.stamp()
    with store.batch() as batch:
        batch.put_claims([FULL, MINIMAL])
    first = store.stamp()
    with store.batch() as batch:
        batch.put_claims([UNICODE, Claim(id="c-min", speaker="anonymous", statement="Changed.")])
        batch.put_speakers([Speaker("Zoë Łukasiewicz", aliases=("Łukasiewicz",))])
        batch.put_articles([StoredArticle(Article(id="doc-9", text="Body.", title="A headline"), "h9")])
    now = store.stamp()

    assert store.changes(now) == store.changes(now) and not store.changes(now).claims  # type: ignore[union-attr]
    changes = store.changes(first)
    assert changes is not None and changes.stamp == now
    assert {c.id: c.statement for c in changes.claims} == {"c-ünï": UNICODE.statement, "c-min": "Changed."}
    assert changes.speakers == [Speaker("Zoë Łukasiewicz", aliases=("Łukasiewicz",))]
    assert changes.titles == {"doc-9": "A headline"}
    both = store.changes(start)
    if both is not None:  # a store may not tell from before its first write; if it does, it tells all
        assert {c.id for c in both.claims} == {"c-full", "c-min", "c-ünï"}
    with store.batch() as batch:
        batch.replace_claims([MINIMAL])
    assert store.changes(now) is None  # replaced whole: read it all again


def test_subscribers_values_and_chat_settings(make_store: MakeStore) -> None:
    store = make_store()
    with store.state_batch() as state:
        assert state.subscribe(1001) and state.subscribe("@channel") and state.subscribe(-5)
        assert not state.subscribe(1001)
        assert state.unsubscribe(-5) and not state.unsubscribe(-5)
        state.set_state("digest_watermark", T0.isoformat())
        state.set_state("numbers", [1, 2])
        state.set_chat_setting(1001, "lang", "en")
        state.set_chat_setting(1001, "quiet", True)
        state.set_chat_setting(1001, "quiet", None)
    store = make_store()
    assert store.subscribers() == [1001, "@channel"]
    assert store.state("digest_watermark") == T0.isoformat() and store.state("missing") is None
    assert store.named_values() == {"digest_watermark": T0.isoformat(), "numbers": [1, 2]}
    assert store.chat_settings(1001) == {"lang": "en"} and store.chat_settings(2) == {}
    assert store.all_chat_settings() == {1001: {"lang": "en"}}
    assert store.count() == {
        "chat_settings": 1, "claims": 0, "documents": 0, "speakers": 0, "state": 2, "subscribers": 2
    }  # fmt: skip


def test_a_state_batch_never_touches_the_claims(make_store: MakeStore) -> None:
    store = make_store()
    with store.batch() as batch:
        batch.put_claims([FULL])
    with store.state_batch() as state:
        state.subscribe(3)
    assert store.claims() == [FULL]
    with pytest.raises(ValueError, match="boom"), store.state_batch() as state:
        state.subscribe(4)
        raise ValueError("boom")
    assert store.subscribers() == [3]


def test_feeds_and_feed_items(make_store: MakeStore) -> None:
    store = make_store()
    a, b = Feed(url="https://a.example/feed"), Feed(url="https://b.example/rss", title="B")
    with store.state_batch() as state:
        assert state.add_feed(a) == a
        state.add_feed(b)
        assert state.add_feed(Feed(url=a.url, title="other")) == a
    failing = Feed(
        url=a.url, failures=2, next_poll=T0 + timedelta(hours=1), last_error="HTTP 500", etag='"x"'
    )
    gone = Feed(url="https://gone.example/feed")
    items = [
        SeenItem(a.url, "g1", "https://a.example/1", "h1", "feed-1", T0),
        SeenItem(b.url, None, "https://b.example/2", None, None, T0),
    ]
    with store.state_batch() as state:
        state.update_feeds([failing, gone])
        state.add_feed_items(items)
        assert state.remove_feed(b.url) and not state.remove_feed(b.url)
    store = make_store()
    assert store.feeds() == [failing]
    assert store.feed_items() == items


def test_digest_runs(make_store: MakeStore) -> None:
    store = make_store()
    run = DigestRun("2026-11-20", T0.isoformat(), ("part one", "part two"), (1, "@c"))
    with store.batch() as batch:
        assert batch.digest_run(run.day) is None
        batch.put_digest_run(run)
        batch.put_digest_run(DigestRun("2026-11-19", T0.isoformat(), (), ()))
    store = make_store()
    assert store.digest_run("2026-11-20") == run
    assert store.digest_days() == ["2026-11-19", "2026-11-20"]


def test_the_delivery_ledger_keeps_the_last_state_per_part(make_store: MakeStore) -> None:
    ledger = make_store().deliveries()
    ledger.mark("2026-11-20", 1001, 0, Delivery.SENDING)
    ledger.mark("2026-11-20", 1001, 0, Delivery.SENT)
    ledger.mark("2026-11-20", "@c", 1, Delivery.SENDING)
    ledger.mark("2026-11-21", 1001, 0, Delivery.BLOCKED)
    ledger = make_store().deliveries()
    assert ledger.states("2026-11-20") == {("1001", 0): Delivery.SENT, ("@c", 1): Delivery.SENDING}
    assert ledger.everything()[("2026-11-21", "1001", 0)] == Delivery.BLOCKED


def test_one_digest_lock_holder_at_a_time(make_store: MakeStore) -> None:
    one, two = make_store(), make_store()
    with one.digest_lock() as held:
        assert held
        with two.digest_lock() as also:
            assert not also
    with two.digest_lock() as held:
        assert held


def test_a_batch_sees_the_registry_another_writer_left(make_store: MakeStore) -> None:
    mine, theirs = make_store(), make_store()
    with mine.batch() as batch:
        batch.replace_speakers([Speaker("Ana Lima")])
    with mine.batch() as batch:
        assert batch.speakers() == [Speaker("Ana Lima")]
    with theirs.batch() as batch:
        assert batch.speakers() == [Speaker("Ana Lima")]
        batch.replace_speakers([Speaker("Ana Lima", roles=("mayor",)), Speaker("Ben Ode")])
    with mine.batch() as batch:  # not the copy it kept from its own write
        assert batch.speakers() == [Speaker("Ana Lima", roles=("mayor",)), Speaker("Ben Ode")]
    with pytest.raises(ValueError), mine.batch() as batch:
        batch.replace_speakers([Speaker("Gone")])
        raise ValueError("rolled back")
    with mine.batch() as batch:  # a rolled-back write is not kept either
        assert [s.name for s in batch.speakers()] == ["Ana Lima", "Ben Ode"]
