"""The daily digest: what goes in, exactly-once delivery across restarts, pacing, schedule and catch-up."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from filelock import FileLock
from telegram.error import Forbidden

from bot.config import Settings
from bot.digest import new_claims, render_digest
from bot.models import Claim, Figure, Source
from data.ledger import SENDING, SENT, DeliveryLedger
from data.store import ClaimStore
from scheduler import digest
from scheduler.digest import Limits, Pacer, deliver, due_day, prepare, send_digest
from scheduler.jobs import catch_up_day

FAST = Limits(per_second=10_000, per_chat_interval=0.0, per_group_minute=10_000)
T0 = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


def claim(i: int, seen: datetime, topic: str = "floods") -> Claim:
    return Claim(
        id=f"c{i}",
        speaker=f"Speaker {i % 3}",
        statement=f"The river rose by {i} metres.",
        figures=(Figure(f"{i} metres", float(i), unit="metres"),),
        said_on=seen.date(),
        topic=topic,
        sources=(Source(f"doc{i}", f"The river rose by {i} metres, Speaker {i % 3} said.", "Gazette"),),
        first_seen=seen,
    )


def make_store(tmp_path: Path, claims: list[Claim], chats: list[int | str]) -> ClaimStore:
    store = ClaimStore(tmp_path / "claims.json")
    with store.batch() as batch:
        batch.put_claims(claims)
        for chat in chats:
            batch.subscribe(chat)
    return store


class Recorder:
    """A send function that records what it was given, and can refuse chats like Telegram does."""

    def __init__(self, blocked: set[int | str] = frozenset()) -> None:  # type: ignore[assignment]
        self.sent: list[tuple[int | str, str]] = []
        self.blocked = blocked

    async def __call__(self, chat: int | str, text: str) -> None:
        if chat in self.blocked:
            raise Forbidden("Forbidden: bot was blocked by the user")
        self.sent.append((chat, text))


def test_digest_holds_the_claims_first_seen_since_the_last_cut() -> None:
    claims = [
        claim(1, T0 - timedelta(days=2)),
        claim(2, T0 - timedelta(hours=3)),
        claim(3, T0 + timedelta(hours=1)),
    ]
    assert [c.id for c in new_claims(claims, T0 - timedelta(days=1), T0)] == ["c2"]
    assert [c.id for c in new_claims(claims, None, T0)] == ["c1", "c2"]
    assert render_digest([], date(2026, 11, 20)) == []
    parts = render_digest(claims, date(2026, 11, 20))
    assert "3 new claims" in parts[0] and "<b>Floods</b>" in parts[0]


def test_a_long_full_digest_is_split_under_the_telegram_limit() -> None:
    claims = [claim(i, T0, topic=f"topic {i % 7}") for i in range(300)]
    parts = render_digest(claims, T0.date(), full=True)
    assert len(parts) > 1 and all(len(p) <= 4096 for p in parts)
    assert sum(p.count("The river rose") for p in parts) == 300


def test_a_day_of_300_claims_is_one_message_of_the_top_claims_and_how_many_more() -> None:
    claims = [claim(i, T0, topic=f"topic {i % 7}") for i in range(300)]
    parts = render_digest(claims, T0.date())
    assert len(parts) == 1 and len(parts[0]) <= 4096
    shown = parts[0].count("The river rose")
    assert 5 <= shown < 300
    assert f"…and {300 - shown} more new claims: send /digest full" in parts[0]
    more = render_digest(claims, T0.date(), max_messages=3)
    assert len(more) <= 3 and all(len(p) <= 4096 for p in more)
    assert sum(p.count("The river rose") for p in more) > shown


def _story_claim(cid: str, speaker: str, text: str, document: str, outlets: int = 1) -> Claim:
    sources = tuple(Source(f"{document}-{k}" if k else document, text, f"Outlet {k}") for k in range(outlets))
    return Claim(cid, speaker, text, (), T0.date(), sources=sources, first_seen=T0)


def test_claims_are_grouped_by_story_and_the_most_carried_come_first() -> None:
    claims = [
        _story_claim("a", "Ana Lind", "Floods in Nordvik and Harrow closed 40 roads.", "d1"),
        _story_claim("b", "Tom Hale", "The Nordvik and Harrow councils will meet.", "d2", outlets=3),
        _story_claim("c", "Ivo Berg", "Wheat prices in Calder rose again.", "d3"),
    ]
    from bot.digest import stories

    found = stories(claims)
    assert [sorted(c.id for c in s.claims) for s in found] == [["a", "b"], ["c"]]
    assert found[0].claims[0].id == "b"  # carried by three outlets
    assert "Nordvik" in found[0].label and "Harrow" in found[0].label


def test_a_run_is_prepared_once_and_moves_the_watermark(tmp_path: Path) -> None:
    store = make_store(tmp_path, [claim(1, T0 - timedelta(hours=2))], [11, 12])
    first = prepare(store, T0.date(), T0, "@channel", when_empty=False)
    assert first.recipients == ("@channel", 11, 12) and first.messages
    with store.batch() as batch:
        batch.put_claims([claim(2, T0 + timedelta(minutes=5))])
    again = prepare(store, T0.date(), T0 + timedelta(minutes=10), "@channel", when_empty=False)
    assert again == first  # a restart sends the same text
    tomorrow = prepare(store, T0.date() + timedelta(days=1), T0 + timedelta(days=1), None, when_empty=False)
    assert "rose by 2 metres" in "".join(tomorrow.messages) and "rose by 1 metres" not in "".join(
        tomorrow.messages
    )


def test_nothing_new_means_no_post_unless_configured(tmp_path: Path) -> None:
    store = make_store(tmp_path, [], [11])
    assert prepare(store, T0.date(), T0, None, when_empty=False).recipients == ()
    other = make_store(tmp_path / "b", [], [11])
    run = prepare(other, T0.date(), T0, None, when_empty=True)
    assert run.recipients == (11,) and "No new claims" in run.messages[0]


def test_every_recipient_gets_the_digest_exactly_once_across_runs(tmp_path: Path) -> None:
    store = make_store(tmp_path, [claim(i, T0 - timedelta(hours=1)) for i in range(3)], [1, 2, 3])
    send = Recorder()
    first = asyncio.run(send_digest(store, send, now=T0, channel="@news", limits=FAST))
    second = asyncio.run(send_digest(store, send, now=T0 + timedelta(hours=1), channel="@news", limits=FAST))
    assert first.sent == 4 and second.sent == 0 and second.skipped == 4
    assert Counter(chat for chat, _ in send.sent) == {"@news": 1, 1: 1, 2: 1, 3: 1}


def test_a_resumed_run_serves_only_the_chats_not_yet_served(tmp_path: Path) -> None:
    store = make_store(tmp_path, [claim(1, T0 - timedelta(hours=1))], [1, 2, 3, 4])
    run = prepare(store, T0.date(), T0, None, when_empty=False)
    ledger = DeliveryLedger.beside(store.path)
    ledger.mark(run.day, 1, 0, SENDING)
    ledger.mark(run.day, 1, 0, SENT)
    ledger.mark(run.day, 2, 0, SENDING)  # the crash came during this send: it may have arrived
    with ledger.path.open("a") as f:
        f.write('{"day": "2026-11-20", "chat": 3, "par')  # torn by the crash: chat 3 may have had it
    send = Recorder()
    asyncio.run(deliver(run, store, ledger, send, FAST))
    assert [chat for chat, _ in send.sent] == [4]


def test_a_chat_that_blocked_the_bot_is_unsubscribed_and_the_others_still_get_theirs(tmp_path: Path) -> None:
    store = make_store(tmp_path, [claim(1, T0 - timedelta(hours=1))], [1, 2, 3])
    send = Recorder(blocked={2})
    report = asyncio.run(send_digest(store, send, now=T0, limits=FAST))
    assert report.blocked == [2] and [chat for chat, _ in send.sent] == [1, 3]
    assert store.subscribers() == [1, 3]


def test_a_second_instance_does_not_send_while_the_first_holds_the_lock(tmp_path: Path) -> None:
    store = make_store(tmp_path, [claim(1, T0 - timedelta(hours=1))], [1])
    send = Recorder()
    with FileLock(f"{store.path}.digest.lock"):
        report = asyncio.run(send_digest(store, send, now=T0, limits=FAST))
    assert report.busy and send.sent == []


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_pacing_keeps_to_the_overall_rate_one_a_second_per_chat_and_twenty_a_minute_per_group(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = FakeClock()
    monkeypatch.setattr(digest.clock, "monotonic", fake.monotonic)
    monkeypatch.setattr(digest.asyncio, "sleep", fake.sleep)
    pacer = Pacer(Limits(per_second=10, per_chat_interval=1.0, per_group_minute=20))

    async def times(chats: list[int | str]) -> list[float]:
        out = []
        for chat in chats:
            await pacer.wait(chat)
            out.append(fake.now)
        return out

    spread = asyncio.run(times(list(range(1, 31))))
    gaps = [b - a for a, b in pairwise(spread)]
    assert min(gaps) >= 0.1 - 1e-9  # never more than 10 a second overall (a little under), never a burst
    same_chat = asyncio.run(times([7, 7, 7]))
    assert same_chat[1] - same_chat[0] >= 1.0 and same_chat[2] - same_chat[1] >= 1.0
    group = asyncio.run(times([-100] * 21))
    assert group[20] - group[0] >= 60.0


@pytest.mark.parametrize(
    ("now", "zone", "expected"),
    [
        (datetime(2026, 11, 20, 7, 59, tzinfo=UTC), "UTC", date(2026, 11, 19)),
        (datetime(2026, 11, 20, 8, 0, tzinfo=UTC), "UTC", date(2026, 11, 20)),
        (datetime(2026, 11, 20, 6, 30, tzinfo=UTC), "Europe/Kyiv", date(2026, 11, 20)),  # 08:30 in Kyiv
        (datetime(2026, 11, 20, 5, 30, tzinfo=UTC), "Europe/Kyiv", date(2026, 11, 19)),  # 07:30 in Kyiv
        (datetime(2026, 11, 20, 14, 0, tzinfo=UTC), "America/New_York", date(2026, 11, 20)),  # 09:00 EST
        (datetime(2026, 11, 20, 12, 0, tzinfo=UTC), "America/New_York", date(2026, 11, 19)),  # 07:00 EST
        (datetime(2026, 11, 20, 2, 0, tzinfo=UTC), "America/New_York", date(2026, 11, 19)),
    ],
)
def test_the_due_day_follows_the_set_time_in_the_set_zone(now: datetime, zone: str, expected: date) -> None:
    assert due_day(now, time(8, 0), zone) == expected


def test_catch_up_after_a_restart_past_the_digest_time(tmp_path: Path) -> None:
    store = make_store(tmp_path, [claim(1, T0 - timedelta(days=2))], [1])
    settings = Settings(db=store.path, digest_time=time(8, 0), timezone="Europe/Kyiv")
    assert catch_up_day(store, settings, T0) is None  # a first start never posts a missed digest
    prepare(store, date(2026, 11, 19), T0 - timedelta(days=1), None, when_empty=False)
    # down over the 08:00 Kyiv slot of 20 Nov, back at 09:00 Kyiv: that digest goes out now
    assert catch_up_day(store, settings, datetime(2026, 11, 20, 7, 0, tzinfo=UTC)) == "2026-11-20"
    # back before the slot: the last due digest (19 Nov) was sent, nothing to catch up
    assert catch_up_day(store, settings, datetime(2026, 11, 20, 5, 0, tzinfo=UTC)) is None


def test_a_long_digest_goes_part_by_part_in_order_and_stops_for_a_chat_that_blocked_the_bot(
    tmp_path: Path,
) -> None:
    store = make_store(tmp_path, [], [1, 2, 3])
    run = digest.DigestRun("2026-11-20", T0.isoformat(), ("part one", "part two"), (1, 2, 3))
    send = Recorder(blocked={2})
    report = asyncio.run(deliver(run, store, DeliveryLedger.beside(store.path), send, FAST))
    assert send.sent == [(1, "part one"), (3, "part one"), (1, "part two"), (3, "part two")]
    assert report.sent == 2 and report.blocked == [2] and store.subscribers() == [1, 3]
    again = Recorder()
    asyncio.run(deliver(run, store, DeliveryLedger.beside(store.path), again, FAST))
    assert again.sent == []  # served, and the blocked chat is not tried again


def test_a_short_write_to_the_ledger_still_writes_the_whole_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from data import ledger as ledger_module

    real_write = os.write
    calls: list[int] = []

    def short_write(fd: int, data: bytes) -> int:
        calls.append(len(data))
        return real_write(fd, data[:7] if len(calls) == 1 else data)

    monkeypatch.setattr(ledger_module.os, "write", short_write)
    ledger = DeliveryLedger(tmp_path / "d.jsonl")
    ledger.mark("2026-11-20", 1001, 0, SENDING)
    assert len(calls) >= 2 and ledger.states("2026-11-20") == {("1001", 0): SENDING}
    assert (tmp_path / "d.jsonl").read_bytes().endswith(b"\n")


def test_a_torn_ledger_line_counts_its_chat_as_possibly_sent_and_is_never_glued_to(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text('{"day": "2026-11-20", "chat": 1001, "part": 0, "sta')  # a crash mid-write
    ledger = DeliveryLedger(path)
    ledger.mark("2026-11-20", 1002, 0, SENT)
    assert ledger.states("2026-11-20") == {("1001", 0): SENDING, ("1002", 0): SENT}
    assert path.read_text().splitlines()[-1].startswith('{"day": "2026-11-20", "chat": 1002')


def test_a_full_disk_stops_the_record_and_so_the_send(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from data import ledger as ledger_module

    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(ledger_module.os, "write", full)
    with pytest.raises(OSError):
        DeliveryLedger(tmp_path / "d.jsonl").mark("2026-11-20", 1001, 0, SENDING)


def test_the_digest_may_take_more_messages_when_the_setting_says_so(tmp_path: Path) -> None:
    claims = [claim(i, T0 - timedelta(hours=1), topic=f"topic {i % 7}") for i in range(300)]
    one = prepare(make_store(tmp_path / "a", claims, [1]), T0.date(), T0, None, when_empty=False)
    three = prepare(make_store(tmp_path / "b", claims, [1]), T0.date(), T0, None, False, max_messages=3)
    assert len(one.messages) == 1 and 1 < len(three.messages) <= 3
