"""The bot as people use it, end to end against the fake Bot API: charts, unknown commands, deep links,
examples from the store, buttons that outlive a restart, and group admins."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import test_bot
from fakebotapi import FakeBotAPI, check_telegram_html
from test_bot import USER, run, running, texts

from data.store import ClaimStore

# the bot tests' fixtures: the sample articles ingested once, a fresh copy of the store for each test
sample_db = test_bot.sample_db
store = test_bot.store

GROUP = -2001


def _buttons(message: dict) -> dict[str, str]:  # type: ignore[type-arg]
    return {b["text"]: b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row}


def test_chart_sends_a_picture_and_says_when_there_is_nothing_to_draw(store: ClaimStore) -> None:
    async def scenario(fake: FakeBotAPI) -> None:
        async with running(fake, store):
            fake.push_command("/chart", "zelensky on north korean casualties", chat_id=1001)
            await fake.wait_for(lambda f: bool(f.calls_to("sendPhoto")) or bool(texts(f, 1001)))
            fake.push_command("/chart", "asdf qwerty", chat_id=1002)
            await fake.wait_for(lambda f: bool(texts(f, 1002)))

    with FakeBotAPI() as fake:
        run(scenario(fake))
        photo = next(m for m in fake.sent if m["method"] == "sendPhoto")
        assert photo["bytes"].startswith(b"\x89PNG") and "figures from" in photo["caption"]
        assert "Nothing to draw" in texts(fake, 1002)[0]


def test_unknown_commands_get_a_pointer_to_help(store: ClaimStore) -> None:
    async def scenario(fake: FakeBotAPI) -> None:
        async with running(fake, store):
            fake.push_command("/foo", chat_id=1001)
            await fake.wait_for(lambda f: bool(texts(f, 1001)))

    with FakeBotAPI() as fake:
        run(scenario(fake))
        assert texts(fake, 1001) == ["I don't know /foo. /help lists what I can do."]


def test_start_examples_come_from_the_store_and_answer_and_deep_links_open_cards(store: ClaimStore) -> None:
    async def scenario(fake: FakeBotAPI) -> None:
        async with running(fake, store):
            fake.push_command("/start", chat_id=1001)
            await fake.wait_for(lambda f: bool(texts(f, 1001)))
            start = next(m for m in fake.sent if m.get("chat_id") == 1001)
            for data in _buttons(start).values():
                fake.push_callback(data, message_id=start["message_id"], chat_id=1001)
            await fake.wait_for(lambda f: len(texts(f, 1001)) >= 1 + len(_buttons(start)))
            fake.push_command("/start", "who_Syrskyi", chat_id=1002)
            await fake.wait_for(lambda f: bool(texts(f, 1002)))

    with FakeBotAPI() as fake:
        run(scenario(fake))
        _, *answers = texts(fake, 1001)
        assert answers and all("I have no" not in a and "nothing" not in a.lower() for a in answers)
        assert "Oleksandr Syrskyi" in texts(fake, 1002)[0]


def test_old_buttons_after_a_restart_show_their_own_chats_answer_even_pressed_twice(
    store: ClaimStore,
) -> None:
    async def first(fake: FakeBotAPI) -> dict:  # type: ignore[type-arg]
        async with running(fake, store):
            fake.push_message("zelensky", chat_id=1001)
            await fake.wait_for(lambda f: bool(texts(f, 1001)))
        return [m for m in fake.sent if m.get("chat_id") == 1001][-1]

    async def after_restart(fake: FakeBotAPI, answer: dict) -> None:  # type: ignore[type-arg]
        async with running(fake, store):
            fake.push_message("what did the pentagon say", chat_id=1002)
            await fake.wait_for(lambda f: bool(texts(f, 1002)))
            more = _buttons(answer)["More results"]
            for _ in range(2):
                fake.push_callback(more, message_id=answer["message_id"], chat_id=1001)
            await fake.wait_for(lambda f: len(f.calls_to("answerCallbackQuery")) >= 2)
            sources = _buttons(answer)["Sources"]
            fake.push_callback(sources, message_id=answer["message_id"], chat_id=1001)
            await fake.wait_for(lambda f: len(f.calls_to("answerCallbackQuery")) >= 3)

    with FakeBotAPI() as fake:
        answer = run(first(fake))
        run(after_restart(fake, answer))
        edits = [c.params for c in fake.calls_to("editMessageText")]
        assert edits and all("Zelensky" in e["text"] for e in edits[:1])
        assert all("Pentagon" not in e["text"] for e in edits[:1])
        back = _buttons({"reply_markup": edits[-1]["reply_markup"]})
        assert "Back" in back  # from the sources, a way back to the answer
        notes = [c.params.get("text") for c in fake.calls_to("answerCallbackQuery")]
        assert not any(n and "expired" in n for n in notes)
        assert not any("Sorry" in t for t in texts(fake, 1001))
        for message in fake.sent:
            check_telegram_html(message["text"])


def test_in_a_group_only_its_admins_change_the_digest(store: ClaimStore) -> None:
    async def scenario(fake: FakeBotAPI) -> None:
        async with running(fake, store):
            fake.make_chat_admin(GROUP, 55)
            fake.push_command("/subscribe", chat_id=GROUP, user_id=55, chat_type="group")
            await fake.wait_for(lambda f: len(texts(f, GROUP)) >= 1)
            fake.push_command("/unsubscribe", chat_id=GROUP, user_id=USER, chat_type="group")
            await fake.wait_for(lambda f: len(texts(f, GROUP)) >= 2)

    with FakeBotAPI() as fake:
        run(scenario(fake))
        subscribed, refused = texts(fake, GROUP)
        assert "Subscribed" in subscribed and "Only this group's admins" in refused
        assert GROUP in store.subscribers()


def test_inline_cards_are_short_paged_and_open_in_the_bot(store: ClaimStore) -> None:
    async def scenario(fake: FakeBotAPI) -> None:
        async with running(fake, store):
            fake.push_inline("zelensky")
            await fake.wait_for(lambda f: bool(f.calls_to("answerInlineQuery")))

    with FakeBotAPI() as fake:
        run(scenario(fake))
        params = fake.calls_to("answerInlineQuery")[0].params
        results = params["results"]
        assert 0 < len(results) <= 10
        assert all(len(r["title"]) <= 64 and len(r["description"]) <= 120 for r in results)
        assert params["button"]["start_parameter"] == "zelensky"
        for result in results:
            check_telegram_html(result["input_message_content"]["message_text"])


def test_each_update_is_logged_with_its_kind_and_time_but_not_its_text(
    store: ClaimStore, caplog: pytest.LogCaptureFixture
) -> None:
    async def scenario(fake: FakeBotAPI) -> None:
        async with running(fake, store):
            fake.push_message("what did zelensky say about secret plans", chat_id=1001)
            await fake.wait_for(lambda f: bool(texts(f, 1001)))
            fake.push_command("/latest", chat_id=1001)
            await fake.wait_for(lambda f: len(texts(f, 1001)) >= 2)

    with caplog.at_level(logging.INFO, logger="bot.app"), FakeBotAPI() as fake:
        run(scenario(fake))
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("update:")]
    assert any("private chat, question" in line and line.endswith(" ms") for line in lines)
    assert any("/latest" in line for line in lines)
    assert not any("secret plans" in line for line in lines)


def test_the_log_level_is_a_setting() -> None:
    from bot.config import SettingsError, load_settings

    assert load_settings({"CLAIMBOT_LOG_LEVEL": "warning"}).log_level == "WARNING"
    with pytest.raises(SettingsError, match="CLAIMBOT_LOG_LEVEL"):
        load_settings({"CLAIMBOT_LOG_LEVEL": "loud"})


def test_a_day_of_300_new_claims_reaches_each_chat_as_one_message(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from bot.models import Claim, Figure, Source
    from scheduler.jobs import daily_digest

    seen = datetime.now(UTC) - timedelta(hours=2)
    claims = [
        Claim(
            f"c{i}",
            f"Speaker {i % 40}",
            f"The river at Station {i % 25} rose by {i} centimetres overnight.",
            (Figure(f"{i} centimetres", float(i), unit="centimetres"),),
            seen.date(),
            sources=(Source(f"doc{i % 60}", "s", f"Gazette {i % 7}"),),
            first_seen=seen,
        )
        for i in range(1, 321)
    ]
    big = ClaimStore(tmp_path / "claims.json")
    with big.batch() as batch:
        batch.put_claims(claims)

    async def scenario(fake: FakeBotAPI) -> None:
        async with running(fake, big) as application:
            for chat in (3001, 3002):
                fake.push_command("/subscribe", chat_id=chat)
            await fake.wait_for(lambda f: all(texts(f, c) for c in (3001, 3002)))
            assert application.job_queue is not None
            application.job_queue.run_once(daily_digest, when=0)
            await fake.wait_for(lambda f: all(len(texts(f, c)) >= 2 for c in (3001, 3002)), 30)

    with FakeBotAPI() as fake:
        run(scenario(fake))
        for chat in (3001, 3002):
            digests = [t for t in texts(fake, chat) if "claimbot daily digest" in t]
            assert len(digests) == 1 and len(digests[0]) <= 4096
            assert "320 new claims" in digests[0] and "more new claims" in digests[0]


def test_an_answer_with_dated_figures_has_a_chart_button_that_sends_the_picture(store: ClaimStore) -> None:
    async def scenario(fake: FakeBotAPI) -> None:
        async with running(fake, store):
            fake.push_message("zelensky on north korean casualties", chat_id=1001)
            await fake.wait_for(lambda f: bool(texts(f, 1001)))
            answer = [m for m in fake.sent if m.get("chat_id") == 1001][-1]
            fake.push_callback(_buttons(answer)["Chart"], message_id=answer["message_id"], chat_id=1001)
            await fake.wait_for(lambda f: bool(f.calls_to("sendPhoto")))

    with FakeBotAPI() as fake:
        run(scenario(fake))
        photo = next(m for m in fake.sent if m["method"] == "sendPhoto")
        assert photo["chat_id"] == 1001 and photo["bytes"].startswith(b"\x89PNG")
