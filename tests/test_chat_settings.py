"""Per-chat settings, pure parts and delivery: parsing what people type, reading stored settings back, who
is due when, what a follow matches, and that each chat gets each day's digest exactly once at its own time."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from fakebotapi import check_telegram_html

from bot.chatsettings import (
    MAX_FOLLOWS,
    ChatPrefs,
    ChatSetting,
    Follow,
    FollowKind,
    parse_time,
    parse_zone,
    prefs_from,
    with_follow,
    without_follow,
)
from bot.config import Settings
from bot.digest import alerts_for, followed, follows_claim, render_alert
from bot.models import Claim, Source
from data.records import DigestRun
from data.store import ClaimStore
from scheduler.digest import DueChat, Limits, deliver_due, due_chats, may_prepare, send_alerts, since_of

FAST = Limits(per_second=10_000, per_chat_interval=0.0, per_group_minute=10_000)
SPEAKER, TOPIC = FollowKind.SPEAKER, FollowKind.TOPIC


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("07:30", time(7, 30)), ("7:05", time(7, 5)), ("0730", time(7, 30)), (" 23:59 ", time(23, 59))],
)
def test_times_people_type(typed: str, expected: time) -> None:
    assert parse_time(typed) == expected


@pytest.mark.parametrize("typed", ["24:00", "7:60", "noon", "", "7.30pm", "123:00"])
def test_bad_times_are_refused_naming_the_value(typed: str) -> None:
    with pytest.raises(ValueError, match="HH:MM") as refused:
        parse_time(typed)
    assert f"“{typed.strip()}”" in str(refused.value)


@pytest.mark.parametrize("zone", ["Europe/Oslo", "UTC", "America/New_York", "Asia/Kolkata"])
def test_zones_people_type(zone: str) -> None:
    assert parse_zone(zone) == zone


@pytest.mark.parametrize("typed", ["Mars/Olympus", "oslo", "../../etc/passwd", "/etc/localtime", ""])
def test_bad_zones_are_refused_naming_the_value(typed: str) -> None:
    with pytest.raises(ValueError, match="not a time zone") as refused:
        parse_zone(typed)
    assert f"“{typed}”" in str(refused.value)


DEFAULT = time(8, 0)


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ({}, ChatPrefs(DEFAULT, "UTC")),
        ({"digest_time": "18:00"}, ChatPrefs(time(18, 0), "UTC", own_schedule=True)),
        ({"timezone": "Europe/Oslo"}, ChatPrefs(DEFAULT, "Europe/Oslo", own_schedule=True)),
        ({"digest_time": "25:00", "timezone": "Nowhere/Land"}, ChatPrefs(DEFAULT, "UTC")),  # bad: defaults
        ({"only_followed": True}, ChatPrefs(DEFAULT, "UTC", only_followed=True)),
        ({"only_followed": "yes"}, ChatPrefs(DEFAULT, "UTC")),
        (
            {"follows": [{"kind": "speaker", "name": "Ann Lee"}, {"kind": "x", "name": "y"}, "junk", {}]},
            ChatPrefs(DEFAULT, "UTC", follows=(Follow(SPEAKER, "Ann Lee"),)),
        ),
    ],
)
def test_stored_settings_read_back_with_defaults(stored: dict[str, object], expected: ChatPrefs) -> None:
    assert prefs_from(stored, DEFAULT, "UTC") == expected


def test_setting_keys_are_the_stored_names() -> None:
    assert ChatSetting.DIGEST_TIME == "digest_time" and ChatSetting.ASKED == "asked"


def test_following_twice_keeps_one_and_there_is_a_cap() -> None:
    one = with_follow((), Follow(TOPIC, "drones"))
    assert with_follow(one, Follow(TOPIC, "Drones")) == one
    many = tuple(Follow(TOPIC, f"topic {i}") for i in range(MAX_FOLLOWS))
    with pytest.raises(ValueError, match="unfollow"):
        with_follow(many, Follow(TOPIC, "one more"))
    both = (Follow(SPEAKER, "Oleksandr Syrskyi"), Follow(TOPIC, "drones"))
    assert without_follow(both, "sirsky", speaker="Oleksandr Syrskyi") == (Follow(TOPIC, "drones"),)
    assert without_follow(both, "DRONES") == (Follow(SPEAKER, "Oleksandr Syrskyi"),)
    assert without_follow(both, "nobody") == both


def claim(i: int, speaker: str, statement: str, seen: datetime, topic: str | None = None) -> Claim:
    return Claim(
        id=f"c{i}",
        speaker=speaker,
        statement=statement,
        topic=topic,
        sources=(Source(f"doc{i}", statement, "Gazette"),),
        first_seen=seen,
    )


T0 = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
STRIKES = claim(1, "Ann Lee", "Drone strikes hit the port twice overnight.", T0)
HARVEST = claim(2, "Bo Chan", "The wheat harvest was the largest in a decade.", T0, topic="farming")


@pytest.mark.parametrize(
    ("follow", "wanted", "unwanted"),
    [
        (Follow(SPEAKER, "Ann Lee"), STRIKES, HARVEST),
        (Follow(SPEAKER, "ann lee"), STRIKES, HARVEST),
        (Follow(TOPIC, "drone strike"), STRIKES, HARVEST),  # stems: strikes/strike, drone/drones
        (Follow(TOPIC, "harvest"), HARVEST, STRIKES),
        (Follow(TOPIC, "farming"), HARVEST, STRIKES),  # the claim's topic counts
        (Follow(TOPIC, "Bo Chan"), HARVEST, STRIKES),  # a name not (yet) a known speaker still finds them
    ],
)
def test_what_a_follow_matches(follow: Follow, wanted: Claim, unwanted: Claim) -> None:
    assert follows_claim(follow, wanted) and not follows_claim(follow, unwanted)


def test_a_topic_needs_all_its_words_and_nothing_followed_is_nothing() -> None:
    assert not follows_claim(Follow(TOPIC, "drone harvest"), STRIKES)
    assert not follows_claim(Follow(TOPIC, "the"), STRIKES)  # no words to look for
    assert followed([STRIKES, HARVEST], ()) == []
    assert followed([STRIKES, HARVEST], (Follow(TOPIC, "port"), Follow(SPEAKER, "Bo Chan"))) == [
        STRIKES,
        HARVEST,
    ]


NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)  # 10:30 in Oslo, 18:30 in Tokyo, 04:30 in New York


@pytest.mark.parametrize(
    ("prefs", "day", "today"),
    [
        (ChatPrefs(time(8, 0), "UTC"), date(2026, 11, 20), True),  # passed today
        (ChatPrefs(time(9, 30), "UTC"), date(2026, 11, 20), True),  # exactly now
        (ChatPrefs(time(18, 0), "UTC"), date(2026, 11, 19), False),  # not yet: yesterday's
        (ChatPrefs(time(10, 0), "Europe/Oslo"), date(2026, 11, 20), True),
        (ChatPrefs(time(11, 0), "Europe/Oslo"), date(2026, 11, 19), False),
        (ChatPrefs(time(18, 0), "Asia/Tokyo"), date(2026, 11, 20), True),
        (ChatPrefs(time(6, 0), "America/New_York"), date(2026, 11, 19), False),
    ],
)
def test_who_is_due_for_which_day_at_their_own_time(prefs: ChatPrefs, day: date, today: bool) -> None:
    assert due_chats(NOW, {7: prefs}) == [DueChat(7, day, today)]


def test_the_bot_s_daily_moment_makes_the_default_schedule_due_whatever_the_clock() -> None:
    chats = {1: ChatPrefs(time(18, 0), "UTC"), 2: ChatPrefs(time(18, 0), "UTC", own_schedule=True)}
    assert due_chats(NOW, chats, default_day=date(2026, 11, 20)) == [
        DueChat(1, date(2026, 11, 20), True),
        DueChat(2, date(2026, 11, 19), False),
    ]


@pytest.mark.parametrize(
    ("day", "today", "made", "expected"),
    [
        (date(2026, 11, 20), True, [], True),  # a first digest, on its day
        (date(2026, 11, 19), False, [], False),  # a first start does not post yesterday's
        (date(2026, 11, 19), False, ["2026-11-18"], True),  # a missed day, after digests were sent before
        (date(2026, 11, 19), True, ["2026-11-20"], False),  # never one older than a run already made
        (date(2026, 11, 20), True, ["2026-11-20"], False),
    ],
)
def test_when_a_day_s_run_may_be_prepared(day: date, today: bool, made: list[str], expected: bool) -> None:
    assert may_prepare(day, today, made) is expected


def test_a_run_s_claims_begin_at_the_cut_before_it() -> None:
    runs = [DigestRun(f"2026-11-{d}", f"2026-11-{d}T08:00:00+00:00", (), ()) for d in (18, 19, 20)]
    assert since_of(runs[0], runs) is None
    assert since_of(runs[2], runs) == datetime(2026, 11, 19, 8, 0, tzinfo=UTC)


class Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[int | str, str]] = []

    async def __call__(self, chat: int | str, text: str) -> None:
        self.sent.append((chat, text))

    def to(self, chat: int | str) -> list[str]:
        return [text for to, text in self.sent if to == chat]


def _store(tmp_path: Path, chats: list[int | str]) -> ClaimStore:
    store = ClaimStore(tmp_path / "claims.json")
    with store.batch() as batch:
        batch.put_claims([STRIKES, HARVEST])
        for chat in chats:
            batch.subscribe(chat)
    return store


def _serve(store: ClaimStore, send: Recorder, at: datetime, **kw: object) -> None:
    config = Settings(db=store.path, digest_time=time(8, 0), timezone="UTC")
    asyncio.run(deliver_due(store, send, config, now=at, limits=FAST, **kw))  # type: ignore[arg-type]


def test_each_chat_gets_the_day_s_digest_once_at_its_own_time_in_its_own_zone(tmp_path: Path) -> None:
    store = _store(tmp_path, [1, 2, 3, 4])
    with store.state_batch() as state:
        state.set_chat_setting(2, ChatSetting.DIGEST_TIME, "18:00")
        state.set_chat_setting(3, ChatSetting.TIMEZONE, "America/New_York")  # 08:00 there is 13:00 UTC
        state.set_chat_setting(4, ChatSetting.TIMEZONE, "Asia/Tokyo")  # 08:00 there is 23:00 UTC
    send = Recorder()
    day = datetime(2026, 11, 20, tzinfo=UTC)

    def served() -> list[int | str]:
        return [chat for chat, _ in send.sent]

    _serve(store, send, day + timedelta(hours=7, minutes=59))
    assert served() == [4]  # already past 08:00 on the 20th in Tokyo
    _serve(store, send, day + timedelta(hours=8))
    assert served() == [4, 1]
    _serve(store, send, day + timedelta(hours=12))  # nobody new is due
    assert served() == [4, 1]
    _serve(store, send, day + timedelta(hours=13))
    assert served() == [4, 1, 3]
    _serve(store, send, day + timedelta(hours=18, minutes=1))
    assert served() == [4, 1, 3, 2]
    assert len({text for _, text in send.sent}) == 1 and "20 Nov 2026" in send.sent[0][1]
    later = claim(3, "Cy Dunn", "The bridge reopened to traffic.", day + timedelta(hours=20))
    with store.batch() as batch:
        batch.put_claims([later])
    _serve(store, send, day + timedelta(hours=23))  # 08:00 on the 21st in Tokyo: the 21st's run is made
    assert served() == [4, 1, 3, 2, 4] and "Cy Dunn" in send.to(4)[1] and "21 Nov 2026" in send.to(4)[1]
    _serve(store, send, day + timedelta(hours=32))  # 08:00 UTC on the 21st: the same run
    assert served() == [4, 1, 3, 2, 4, 1] and send.to(1)[1] == send.to(4)[1]
    assert store.digest_days() == ["2026-11-20", "2026-11-21"]
    # a restart (no memory of who was served) serves nobody twice
    _serve(store, send, day + timedelta(hours=32, minutes=30), settled=set())
    assert served() == [4, 1, 3, 2, 4, 1]


def test_a_chat_that_turned_its_digest_off_after_the_run_was_made_gets_nothing(tmp_path: Path) -> None:
    store = _store(tmp_path, [1, 2])
    with store.state_batch() as state:
        state.set_chat_setting(2, ChatSetting.DIGEST_TIME, "18:00")
    send = Recorder()
    _serve(store, send, datetime(2026, 11, 20, 8, 0, tzinfo=UTC))
    with store.state_batch() as state:
        state.unsubscribe(2)
    _serve(store, send, datetime(2026, 11, 20, 18, 0, tzinfo=UTC))
    assert [c for c, _ in send.sent] == [1]


def test_a_chat_that_follows_gets_only_those_claims_once_and_others_get_everything(tmp_path: Path) -> None:
    store = _store(tmp_path, [1, 2, 3])
    with store.state_batch() as state:
        for chat, follows in ((2, [Follow(TOPIC, "harvest")]), (3, [Follow(SPEAKER, "Nobody Known")])):
            state.set_chat_setting(chat, ChatSetting.ONLY_FOLLOWED, True)
            state.set_chat_setting(chat, ChatSetting.FOLLOWS, [f.to_json() for f in follows])
    send = Recorder()
    at = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    _serve(store, send, at)
    _serve(store, send, at + timedelta(minutes=1), settled=set())
    everything, only = send.to(1), send.to(2)
    assert len(everything) == 1 and "Ann Lee" in everything[0] and "Bo Chan" in everything[0]
    assert len(only) == 1 and "Bo Chan" in only[0] and "Ann Lee" not in only[0]
    assert "Only what this chat follows" in only[0]
    assert send.to(3) == []  # nothing it follows said anything
    states = store.deliveries().states("2026-11-20")
    assert set(states) == {("1", 0), ("2", 0)}


@pytest.mark.parametrize(
    ("follows", "alerted"),
    [
        ({1: (Follow(SPEAKER, "Ann Lee"),)}, {1: [STRIKES]}),
        ({1: (Follow(SPEAKER, "Ann Lee"), Follow(SPEAKER, "Bo Chan"))}, {1: [STRIKES, HARVEST]}),
        ({1: (Follow(TOPIC, "harvest"),)}, {}),  # topics wait for the digest
        ({1: (Follow(SPEAKER, "Nobody Known"),), 2: (Follow(SPEAKER, "Bo Chan"),)}, {2: [HARVEST]}),
    ],
)
def test_who_is_alerted_to_which_new_claims(
    follows: dict[int | str, tuple[Follow, ...]], alerted: dict[int | str, list[Claim]]
) -> None:
    assert alerts_for([STRIKES, HARVEST], follows) == alerted


def test_an_alert_is_escaped_short_and_says_how_many_more() -> None:
    claims = [claim(i, "A <b>&</b> Co", f"Statement number {i} about the <port>.", T0) for i in range(5)]
    text = render_alert(claims)
    check_telegram_html(text)
    assert "New from A &lt;b&gt;&amp;&lt;/b&gt; Co" in text and "…and 2 more in the next digest." in text
    assert render_alert([STRIKES]).count("Drone strikes") == 1


def test_alerts_go_once_to_chats_that_asked_and_never_for_the_past(tmp_path: Path) -> None:
    store = _store(tmp_path, [])
    with store.state_batch() as state:
        for chat in (1, 2):
            state.set_chat_setting(chat, ChatSetting.FOLLOWS, [Follow(SPEAKER, "Cy Dunn").to_json()])
        state.set_chat_setting(1, ChatSetting.ALERTS, True)  # 2 follows Cy Dunn but asked for no alerts
    send = Recorder()
    config = Settings(db=store.path)

    def alert_round(at: datetime) -> int:
        return asyncio.run(send_alerts(store, send, config, now=at, limits=FAST))

    old = claim(3, "Cy Dunn", "The bridge closed last year.", T0)
    with store.batch() as batch:
        batch.put_claims([old])
    assert (
        alert_round(T0 + timedelta(hours=1)) == 0
    )  # the first round starts the cut: no alerts about the past
    new = claim(4, "Cy Dunn", "The bridge reopened to traffic.", T0 + timedelta(hours=2))
    with store.batch() as batch:
        batch.put_claims([new])
    assert alert_round(T0 + timedelta(hours=3)) == 1
    assert alert_round(T0 + timedelta(hours=4)) == 0  # nothing new since
    assert [chat for chat, _ in send.sent] == [1] and "reopened" in send.sent[0][1]
    assert "closed last year" not in send.sent[0][1]
