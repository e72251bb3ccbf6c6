"""The application core on every backend: the use cases the CLI, the handlers and the scheduler share."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from bot.config import Settings
from bot.core import Core
from bot.models import Claim, Figure, Source
from data.port import Store
from data.records import DigestRun

MakeStore = Callable[[], Store]
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def claim(i: int, seen: datetime) -> Claim:
    return Claim(
        id=f"c{i}",
        speaker="Maria Example",
        statement=f"Bus fares will rise by {i + 2} per cent next year.",
        figures=(Figure(text=f"{i + 2} per cent", value=float(i + 2), unit="percent"),),
        said_on=date(2026, 11, 19),
        topic="transport",
        sources=(Source(document=f"d{i}", sentence="The minister said fares will rise.", outlet="Gazette"),),
        first_seen=seen,
    )


def test_subscriptions_and_chat_settings(make_store: MakeStore) -> None:
    core = Core(make_store())
    assert core.subscribe(7) and not core.subscribe(7)
    core.set_chat_setting(7, "quiet", True)
    assert Core(make_store()).chat_settings(7) == {"quiet": True}
    assert core.unsubscribe(7) and not core.unsubscribe(7)
    assert core.stats().subscribers == 0


def test_the_digest_preview_is_dated_in_the_configured_zone_everywhere(make_store: MakeStore) -> None:
    store = make_store()
    with store.batch() as batch:
        batch.put_claims([claim(0, NOW - timedelta(hours=3)), claim(1, NOW - timedelta(hours=2))])
    # 12:00 UTC is already the next day at UTC+14: the CLI and the bot both date the digest so
    east = Core(store, Settings(timezone="Pacific/Kiritimati"))
    assert east.digest_day(NOW) == date(2026, 11, 21)
    parts = east.digest_preview(NOW)
    assert len(parts) == 1 and "21 Nov 2026" in parts[0] and "2 new claims" in parts[0]
    assert "20 Nov 2026" in Core(store).digest_preview(NOW)[0]


def test_stats_and_latest_and_who(make_store: MakeStore) -> None:
    store = make_store()
    with store.batch() as batch:
        batch.put_claims([claim(i, NOW) for i in range(3)])
        batch.mark_documents({"d0": "h0", "d1": "h1", "d2": "h2"})
    core = Core(store)
    stats = core.stats()
    assert (stats.claims, stats.sources, stats.with_figures, stats.articles, stats.texts) == (3, 3, 3, 3, 0)
    assert stats.location == store.location
    assert len(core.latest(2)) == 2
    card = core.who("Maria Example")
    assert card is not None and card.claims == 3
    assert [c.id for c in core.claims("maria")] == ["c0", "c1", "c2"]


def test_feeds_and_the_digest_catch_up(make_store: MakeStore) -> None:
    core = Core(make_store(), Settings(digest_time=time(8, 0)))
    feed = core.add_feed("HTTPS://News.Example/feed.xml")
    assert core.feeds() == [feed] and feed.url == "https://news.example/feed.xml"
    assert core.remove_feed("https://news.example/feed.xml") and core.feeds() == []
    assert core.catch_up_day(NOW) is None  # never sent a digest: a first start posts nothing old
    with core.store.state_batch() as state:
        state.put_digest_run(DigestRun("2026-11-19", NOW.isoformat(), (), ()))
    assert core.catch_up_day(NOW) == date(2026, 11, 20)
    assert core.catch_up_day(NOW.replace(hour=7)) is None  # today's is not due before 08:00
