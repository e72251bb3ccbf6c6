"""Per-chat settings end to end against the fake Bot API: /settings and its buttons, /follow, who may change a
group's settings, and the digest going to each chat at its own time (the delivery jobs driven directly
with a chosen `now`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import test_bot
from fakebotapi import FakeBotAPI, check_telegram_html
from telegram.ext import Application
from test_bot import USER, run, running, texts

from bot.models import Claim, Source
from data.store import ClaimStore
from scheduler.jobs import daily_digest, due_digests, followed_alerts

sample_db = test_bot.sample_db
store = test_bot.store

GROUP, GROUP_ADMIN = -3001, 55
#: tomorrow at midnight UTC: every sample claim was first seen before it (they were ingested an hour ago)
DAY = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)

NEW_CLAIM = Claim(
    id="alert-1",
    speaker="Oleksandr Syrskyi",
    statement="Fourteen new units, 14 brigades in all, reached the front this week.",
    sources=(Source("alert-doc", "Syrskyi said 14 brigades reached the front.", "Kyiv Morning Ledger"),),
    first_seen=DAY + timedelta(hours=1),
)


def _jobs(application: Application) -> Any:  # type: ignore[type-arg]
    """What a job callback is given, so a test drives the delivery jobs at the moment it chooses; the
    application's own timed jobs are removed so the real clock sends nothing meanwhile."""
    assert application.job_queue is not None
    for job in application.job_queue.jobs():
        job.schedule_removal()
    return SimpleNamespace(bot=application.bot, bot_data=application.bot_data)


def _buttons(message: dict[str, Any]) -> dict[str, str]:
    return {b["text"]: b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row}


def _digests(fake: FakeBotAPI, chat: int) -> list[str]:
    return [t for t in texts(fake, chat) if "claimbot daily digest" in t]


def test_settings_time_moves_only_that_chat_s_digest(store: ClaimStore) -> None:
    async def scenario(fake: FakeBotAPI) -> None:
        async with running(fake, store) as application:
            context = _jobs(application)
            for chat in (2001, 2002):
                fake.push_command("/subscribe", chat_id=chat)
            await fake.wait_for(lambda f: bool(texts(f, 2001)) and bool(texts(f, 2002)))
            fake.push_command("/settings", "time 18:00", chat_id=2001)
            await fake.wait_for(lambda f: len(texts(f, 2001)) >= 2)
            await daily_digest(context, now=DAY + timedelta(hours=8))  # the bot's default moment
            assert len(_digests(fake, 2002)) == 1 and _digests(fake, 2001) == []
            await due_digests(context, now=DAY + timedelta(hours=12))
            assert _digests(fake, 2001) == []
            await due_digests(context, now=DAY + timedelta(hours=18))
            assert len(_digests(fake, 2001)) == 1
            await due_digests(context, now=DAY + timedelta(hours=18, minutes=1))
            await daily_digest(context, now=DAY + timedelta(hours=18, minutes=2))

    with FakeBotAPI() as fake:
        run(scenario(fake))
    assert "The digest comes at 18:00." in texts(fake, 2001)[1] and "<b>18:00</b> UTC" in texts(fake, 2001)[1]
    assert _digests(fake, 2001) == _digests(fake, 2002)  # one each, the same day's digest
    assert store.chat_settings(2001) == {"digest_time": "18:00"} and store.chat_settings(2002) == {}
    for message in fake.sent:
        check_telegram_html(message["text"])


def test_settings_buttons_edit_in_place_and_only_a_group_s_admins_change_them(store: ClaimStore) -> None:
    async def scenario(fake: FakeBotAPI) -> None:
        async with running(fake, store) as application:
            _jobs(application)
            fake.make_chat_admin(GROUP, GROUP_ADMIN)
            fake.push_command("/settings", "time 06:00", chat_id=GROUP, user_id=USER, chat_type="group")
            await fake.wait_for(lambda f: len(texts(f, GROUP)) >= 1)
            fake.push_command("/follow", "drones", chat_id=GROUP, user_id=USER, chat_type="group")
            await fake.wait_for(lambda f: len(texts(f, GROUP)) >= 2)
            fake.push_command("/settings", chat_id=GROUP, user_id=USER, chat_type="group")  # looking is fine
            await fake.wait_for(lambda f: len(texts(f, GROUP)) >= 3)
            panel = [m for m in fake.sent if m.get("chat_id") == GROUP][-1]
            noon = _buttons(panel)["12:00"]
            fake.push_callback(noon, message_id=panel["message_id"], chat_id=GROUP, user_id=USER)
            await fake.wait_for(lambda f: len(f.calls_to("answerCallbackQuery")) >= 1)
            assert store.chat_settings(GROUP) == {}
            for _ in range(2):  # the group's admin, twice: the second press changes nothing and is fine
                fake.push_callback(noon, message_id=panel["message_id"], chat_id=GROUP, user_id=GROUP_ADMIN)
            await fake.wait_for(lambda f: len(f.calls_to("answerCallbackQuery")) >= 3)
            on = _buttons(panel)["Digest: off"]
            fake.push_callback(on, message_id=panel["message_id"], chat_id=GROUP, user_id=GROUP_ADMIN)
            await fake.wait_for(lambda f: len(f.calls_to("answerCallbackQuery")) >= 4)

    with FakeBotAPI() as fake:
        run(scenario(fake))
    refused_time, refused_follow, panel = [
        m["text"] for m in fake.sent if m.get("chat_id") == GROUP and m["method"] == "sendMessage"
    ]
    assert "Only this group's admins" in refused_time and "Only this group's admins" in refused_follow
    assert "Settings for this chat" in panel and "<b>08:00</b> UTC (the bot's default)" in panel
    alert = fake.calls_to("answerCallbackQuery")[0].params
    assert "Only this group's admins" in alert["text"] and alert["show_alert"] is True
    edits = [m for m in fake.sent if m["method"] == "editMessageText"]  # the edits Telegram accepted
    assert (
        len(fake.calls_to("editMessageText")) == 3 and len(edits) == 2
    )  # the time, then the digest turned on; the repeated press edited nothing
    assert "<b>12:00</b> UTC" in edits[0]["text"] and "Daily digest: <b>on</b>" in edits[1]["text"]
    assert "✓ 12:00" in _buttons({"reply_markup": edits[-1]["reply_markup"]})
    assert store.chat_settings(GROUP) == {"digest_time": "12:00"} and GROUP in store.subscribers()
    assert not any("Sorry" in t for t in texts(fake, GROUP))
    for message in fake.sent:
        check_telegram_html(message["text"])


def test_follow_limits_a_chat_s_digest_to_what_it_follows(store: ClaimStore) -> None:
    async def scenario(fake: FakeBotAPI) -> None:
        async with running(fake, store) as application:
            context = _jobs(application)
            for chat in (2001, 2002):
                fake.push_command("/subscribe", chat_id=chat)
            await fake.wait_for(lambda f: bool(texts(f, 2001)) and bool(texts(f, 2002)))
            for command, args in (
                ("/follow", "sirsky"),
                ("/follow", "Syrskyi"),
                ("/follow", "asdfgh"),
                ("/unfollow", "asdfgh"),
                ("/unfollow", "nobody at all"),
                ("/settings", "followed on"),
                ("/follow", ""),
                ("/digest", ""),
                ("/settings", "alerts on"),
            ):
                expected = len(texts(fake, 2001)) + 1
                fake.push_command(command, args, chat_id=2001)
                await fake.wait_for(lambda f, n=expected: len(texts(f, 2001)) >= n)  # type: ignore[misc]
            await followed_alerts(context, now=DAY)  # the first round only starts the cut
            with store.batch() as batch:
                batch.put_claims([NEW_CLAIM])
            await followed_alerts(context, now=DAY + timedelta(hours=2))
            await followed_alerts(context, now=DAY + timedelta(hours=3))  # nothing new: nothing sent
            await daily_digest(context, now=DAY + timedelta(hours=8))

    with FakeBotAPI() as fake:
        run(scenario(fake))
    _, followed, again, topic, unfollowed, not_followed, only, listed, preview, alerts_on, alert, digest = (
        texts(fake, 2001)
    )
    assert (
        "Alerts are on" in alerts_on
        and "Alerts when a followed speaker says something new: <b>on</b>" in alerts_on
    )
    assert "New from Oleksandr Syrskyi" in alert and "14 brigades" in alert
    assert not any("New from" in t for t in texts(fake, 2002))  # it follows nobody
    assert (
        "Following the speaker <b>Oleksandr Syrskyi</b>" in followed and "/settings followed on" in followed
    )
    assert "already follows <b>Oleksandr Syrskyi</b>" in again
    assert "the topic <b>asdfgh</b>" in topic and "Stopped following <b>asdfgh</b>" in unfollowed
    assert "does not follow <b>nobody at all</b>" in not_followed
    assert "only what this chat follows" in only and "Oleksandr Syrskyi (speaker)" in listed
    assert "Syrskyi" in preview and "Zelensky" not in preview  # /digest previews this chat's own digest
    assert "Syrskyi" in digest and "Zelensky" not in digest and "Only what this chat follows" in digest
    everything = _digests(fake, 2002)[0]
    assert "Syrskyi" in everything and "Zelensky" in everything
    for message in fake.sent:
        check_telegram_html(message["text"])


def test_bad_settings_get_a_clear_reply_naming_the_value_and_change_nothing(store: ClaimStore) -> None:
    async def scenario(fake: FakeBotAPI) -> None:
        async with running(fake, store) as application:
            _jobs(application)
            for args in (
                "time 25:00",
                "zone Mars/Olympus",
                "colour blue",
                "digest maybe",
                "zone Europe/Oslo",
            ):
                expected = len(texts(fake, 2001)) + 1
                fake.push_command("/settings", args, chat_id=2001)
                await fake.wait_for(lambda f, n=expected: len(texts(f, 2001)) >= n)  # type: ignore[misc]
            fake.push_command("/help", chat_id=2001)
            await fake.wait_for(lambda f: len(texts(f, 2001)) >= 6)

    with FakeBotAPI() as fake:
        run(scenario(fake))
    bad_time, bad_zone, unknown, maybe, oslo, help_ = texts(fake, 2001)
    assert "“25:00” is not a time" in bad_time and "HH:MM" in bad_time
    assert "“Mars/Olympus” is not a time zone" in bad_zone and "Europe/Oslo" in bad_zone
    assert unknown.startswith("/settings shows") and "on or off" in maybe
    assert "Times are in Europe/Oslo." in oslo and "<b>08:00</b> Europe/Oslo" in oslo
    assert store.chat_settings(2001) == {"timezone": "Europe/Oslo"}
    assert "/settings" in help_ and "/follow" in help_ and "/unfollow" in help_
    for message in fake.sent:
        check_telegram_html(message["text"])
