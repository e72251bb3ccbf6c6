"""The Telegram bot end to end: python-telegram-bot against a fake Bot API server on 127.0.0.1, real HTTP."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fakebotapi import FakeBotAPI, check_telegram_html
from spacy.language import Language
from telegram.ext import Application
from test_pipeline import SAMPLES

from bot.app import build_application
from bot.config import Settings
from bot.ingest import read_path
from bot.pipeline import ingest
from data.store import ClaimStore
from scheduler.feeds import list_feeds
from scheduler.jobs import daily_digest

ADMIN, USER = 42, 77
QUESTION = "what did Zelensky say about North Korean losses"


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory, nlp: Language) -> Path:
    path = tmp_path_factory.mktemp("bot") / "claims.json"
    articles, _ = read_path(SAMPLES / "articles.jsonl")
    ingest(ClaimStore(path), articles, nlp=nlp, now=datetime.now(UTC) - timedelta(hours=1))
    return path


@pytest.fixture
def store(sample_db: Path, tmp_path: Path) -> ClaimStore:
    copy = tmp_path / "claims.json"
    copy.write_bytes(sample_db.read_bytes())
    return ClaimStore(copy)


@asynccontextmanager
async def running(fake: FakeBotAPI, store: ClaimStore, **settings: Any) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    config = Settings(
        db=store.path, token=fake.token, api_url=fake.url, admins=frozenset({ADMIN}), **settings
    )
    application = build_application(config, store)
    async with application:
        if application.post_init:  # as run_polling does: our post_init registers the command menu
            await application.post_init(application)
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()


def replies_to(chat: int) -> Callable[[FakeBotAPI], bool]:
    return lambda fake: any(m.get("chat_id") == chat for m in fake.sent)


def texts(fake: FakeBotAPI, chat: int) -> list[str]:
    return [m["text"] for m in fake.sent if m.get("chat_id") == chat]


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_a_question_in_private_gets_figures_and_outlets_in_valid_html(store: ClaimStore) -> None:
    async def scenario(fake: FakeBotAPI) -> None:
        async with running(fake, store):
            fake.push_message(QUESTION, chat_id=1001)
            await fake.wait_for(replies_to(1001))

    with FakeBotAPI() as fake:
        run(scenario(fake))
        reply = "\n".join(texts(fake, 1001))
        assert "3,800" in reply and "Zelensky" in reply
        assert "<a href=" in reply and "Kyiv Morning Ledger" in reply
        for message in fake.sent:
            check_telegram_html(message["text"])
        commands = fake.calls_to("setMyCommands")[0].params["commands"]
        assert {"start", "help", "ask", "who", "latest", "subscribe", "unsubscribe", "digest"} <= {
            c["command"] for c in commands
        }


def test_groups_answer_ask_mentions_and_replies_and_stay_quiet_otherwise(store: ClaimStore) -> None:
    group = -500

    async def scenario(fake: FakeBotAPI) -> None:
        async with running(fake, store):
            fake.push_message("zelensky said what now", chat_id=group, chat_type="group")
            fake.push_message(
                "@claimbot_test_bot syrskyi on russian losses", chat_id=group, chat_type="group"
            )
            await fake.wait_for(lambda f: len(texts(f, group)) >= 1)
            fake.push_command("/ask", "kirby", chat_id=group, chat_type="group")
            await fake.wait_for(lambda f: len(texts(f, group)) >= 2)
            await asyncio.sleep(0.3)

    with FakeBotAPI() as fake:
        run(scenario(fake))
        replies = texts(fake, group)
        assert len(replies) == 2
        assert "Syrskyi" in replies[0] and "Kirby" in replies[1]


def test_start_help_who_latest_and_the_buttons(store: ClaimStore) -> None:
    async def scenario(fake: FakeBotAPI) -> None:
        async with running(fake, store):
            fake.push_command("/start", chat_id=1001)
            await fake.wait_for(lambda f: len(texts(f, 1001)) >= 1)
            fake.push_command("/help", chat_id=1001, user_id=USER)
            await fake.wait_for(lambda f: len(texts(f, 1001)) >= 2)
            fake.push_command("/who", "sirsky", chat_id=1001)
            await fake.wait_for(lambda f: len(texts(f, 1001)) >= 3)
            fake.push_command("/latest", chat_id=1001)
            await fake.wait_for(lambda f: len(texts(f, 1001)) >= 4)
            fake.push_message("zelensky", chat_id=1001)
            await fake.wait_for(lambda f: len(texts(f, 1001)) >= 5)
            answer = [m for m in fake.sent if m.get("chat_id") == 1001][-1]
            buttons = [b for row in answer["reply_markup"]["inline_keyboard"] for b in row]
            more = next(b["callback_data"] for b in buttons if b["text"] == "More results")
            fake.push_callback(more, message_id=answer["message_id"], chat_id=1001)
            await fake.wait_for(lambda f: bool(f.calls_to("editMessageText")))
            sources = next(b["callback_data"] for b in buttons if b["text"] == "Sources")
            fake.push_callback(sources, message_id=answer["message_id"], chat_id=1001)
            await fake.wait_for(lambda f: len(f.calls_to("editMessageText")) >= 2)

    with FakeBotAPI() as fake:
        run(scenario(fake))
        start, help_, who, latest, _ = texts(fake, 1001)[:5]
        assert "who said what" in start
        start_call = next(c for c in fake.calls_to("sendMessage") if "who said what" in c.params["text"])
        assert len(start_call.params["reply_markup"]["inline_keyboard"]) == 3
        assert "/subscribe" in help_ and "/ingest" not in help_  # admin commands only for admins
        assert "Oleksandr Syrskyi" in who and "claim" in who
        assert "Latest claims" in latest
        edits = [c.params["text"] for c in fake.calls_to("editMessageText")]
        assert "Zelensky" in edits[0] or "“" in edits[0]
        assert "•" in edits[1]  # the sources list
        assert len(fake.calls_to("answerCallbackQuery")) == 2
        for message in fake.sent:
            check_telegram_html(message["text"])


def test_inline_mode_returns_claim_cards(store: ClaimStore) -> None:
    async def scenario(fake: FakeBotAPI) -> None:
        async with running(fake, store):
            fake.push_inline("zelensky north korea")
            await fake.wait_for(lambda f: bool(f.calls_to("answerInlineQuery")))

    with FakeBotAPI() as fake:
        run(scenario(fake))
        results = fake.calls_to("answerInlineQuery")[0].params["results"]
        assert results and all("Zelensky" in r["title"] for r in results)
        for result in results:
            check_telegram_html(result["input_message_content"]["message_text"])


def test_too_long_and_empty_questions_get_a_helpful_reply(store: ClaimStore) -> None:
    async def scenario(fake: FakeBotAPI) -> None:
        async with running(fake, store):
            fake.push_message("why " * 300, chat_id=1001)
            await fake.wait_for(replies_to(1001))
            fake.push_command("/ask", chat_id=1002)
            await fake.wait_for(replies_to(1002))

    with FakeBotAPI() as fake:
        run(scenario(fake))
        assert "long" in texts(fake, 1001)[0] and "e.g." in texts(fake, 1002)[0]


def test_flood_control_retry_after_is_waited_out_and_the_message_still_arrives(store: ClaimStore) -> None:
    async def scenario(fake: FakeBotAPI) -> None:
        async with running(fake, store):
            fake.fail_with_retry_after("sendMessage", times=1, retry_after=1, chat_id=1001)
            fake.push_message(QUESTION, chat_id=1001)
            await fake.wait_for(replies_to(1001), timeout=15)

    with FakeBotAPI() as fake:
        run(scenario(fake))
        attempts = [c for c in fake.calls_to("sendMessage") if c.params["chat_id"] == 1001]
        assert len(attempts) >= 2 and attempts[1].at - attempts[0].at >= 0.9
        assert "3,800" in "".join(texts(fake, 1001))


def test_subscribers_get_the_digest_and_a_chat_that_blocked_the_bot_is_dropped(store: ClaimStore) -> None:
    async def scenario(fake: FakeBotAPI) -> None:
        async with running(fake, store, digest_chat="@claims_channel") as application:
            for chat in (2001, 2002, 2003):
                fake.push_command("/subscribe", chat_id=chat)
            await fake.wait_for(lambda f: all(texts(f, c) for c in (2001, 2002, 2003)))
            fake.block_chat(2002)
            assert application.job_queue is not None
            application.job_queue.run_once(daily_digest, when=0)
            await fake.wait_for(lambda f: len(texts(f, 2003)) >= 2 and bool(texts(f, "@claims_channel")), 20)  # type: ignore[arg-type]

    with FakeBotAPI() as fake:
        run(scenario(fake))
        assert "digest" in texts(fake, 2001)[1] and "digest" in texts(fake, 2003)[1]
        assert texts(fake, 2002) == ["Subscribed: this chat gets the daily digest of new claims."]
        assert store.subscribers() == [2001, 2003]
        for message in fake.sent:
            check_telegram_html(message["text"])


class _Page(BaseHTTPRequestHandler):
    body = (
        b"<html><head><title>Dam repairs to cost more</title>"
        b'<meta property="og:site_name" content="Valley Post"></head><body><article>'
        b"<p>The regional water authority said on Monday that repairs to the Ostra dam would cost "
        b"about 42 million euros, more than twice the first estimate.</p>"
        b"<p>Engineers found cracks in two of the dam's five spillways, the authority said.</p>"
        b"</article></body></html>"
    )

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


def test_admins_ingest_pages_and_files_and_everyone_else_is_refused(
    store: ClaimStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAIMBOT_ALLOW_PRIVATE_URLS", "1")  # the page is served on 127.0.0.1
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/dam"
    before = len(store.claims())
    article = b" date 2025-03-02 The mayor, Ivan Petrov, said on Sunday that 14 bridges were closed.\n"

    async def scenario(fake: FakeBotAPI) -> None:
        async with running(fake, store):
            fake.push_command("/ingest", url, chat_id=3001, user_id=USER)
            fake.push_document("bridges.txt", article, chat_id=3001, user_id=USER)
            fake.push_command("/stats", chat_id=3001, user_id=USER)
            await fake.wait_for(lambda f: len(texts(f, 3001)) >= 3)
            assert len(store.claims()) == before
            fake.push_command("/ingest", url, chat_id=3002, user_id=ADMIN)
            await fake.wait_for(replies_to(3002), timeout=30)
            fake.push_document("bridges.txt", article, chat_id=3002, user_id=ADMIN)
            await fake.wait_for(lambda f: len(texts(f, 3002)) >= 2, timeout=30)
            fake.push_command("/stats", chat_id=3002, user_id=ADMIN)
            await fake.wait_for(lambda f: len(texts(f, 3002)) >= 3)
            fake.push_command("/feeds", "add https://news.example/rss.xml", chat_id=3002, user_id=ADMIN)
            await fake.wait_for(lambda f: len(texts(f, 3002)) >= 4)
            fake.push_command("/feeds", chat_id=3002, user_id=ADMIN)
            await fake.wait_for(lambda f: len(texts(f, 3002)) >= 5)
            fake.push_command("/feeds", "remove https://news.example/rss.xml", chat_id=3001, user_id=USER)
            await fake.wait_for(lambda f: len(texts(f, 3001)) >= 4)

    try:
        with FakeBotAPI() as fake:
            run(scenario(fake))
    finally:
        server.shutdown()
    assert all("only the bot's admins" in t for t in texts(fake, 3001))
    page, document, stats, added, listed = texts(fake, 3002)
    assert "new claim" in page and "new claim" in document and "claims" in stats
    assert "Polling" in added and "https://news.example/rss.xml" in listed
    assert [f.url for f in list_feeds(store)] == [
        "https://news.example/rss.xml"
    ]  # the refusal changed nothing
    speakers = {c.speaker for c in store.claims()}
    assert {"Ivan Petrov"} <= speakers and any("water authority" in s for s in speakers)


def test_an_error_gets_an_apology_and_a_logged_traceback_and_the_token_is_never_logged(
    store: ClaimStore, caplog: pytest.LogCaptureFixture
) -> None:
    async def scenario(fake: FakeBotAPI) -> None:
        async with running(fake, store) as application:
            service = application.bot_data["service"]

            def broken(question: str) -> None:
                raise RuntimeError("index on fire")

            service.ask = broken
            fake.push_message(QUESTION, chat_id=1001)
            await fake.wait_for(replies_to(1001))

    caplog.set_level(logging.DEBUG)
    with FakeBotAPI() as fake:
        from bot.app import protect_logs

        protect_logs(fake.token)
        logging.getLogger().addHandler(caplog.handler)
        protect_logs(fake.token)
        run(scenario(fake))
        assert "Sorry, something went wrong" in texts(fake, 1001)[0]
    assert any("index on fire" in (r.exc_text or "") or r.exc_info for r in caplog.records)
    assert fake.token not in caplog.text


def test_webhook_mode_accepts_updates_with_the_secret_token_only(store: ClaimStore) -> None:
    import json
    import socket
    import urllib.error
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    def post(update: dict[str, Any], secret: str) -> int:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/telegram",
            data=json.dumps(update).encode(),
            headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret},
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return exc.code

    async def scenario(fake: FakeBotAPI) -> None:
        config = Settings(db=store.path, token=fake.token, api_url=fake.url)
        application = build_application(config, store)
        async with application:
            await application.start()
            assert application.updater is not None
            await application.updater.start_webhook(
                listen="127.0.0.1",
                port=port,
                url_path="telegram",
                webhook_url="https://bot.example/telegram",
                secret_token="s3cret-token",
            )
            try:
                update = {
                    "update_id": 1,
                    "message": {
                        "message_id": 1,
                        "date": 1_700_000_000,
                        "chat": {"id": 4001, "type": "private"},
                        "from": {"id": USER, "is_bot": False, "first_name": "Ann"},
                        "text": QUESTION,
                    },
                }
                assert await asyncio.to_thread(post, {**update, "update_id": 2}, "wrong") == 403
                assert await asyncio.to_thread(post, update, "s3cret-token") == 200
                await fake.wait_for(replies_to(4001))
            finally:
                await application.updater.stop()
                await application.stop()

    with FakeBotAPI() as fake:
        run(scenario(fake))
        assert fake.calls_to("setWebhook")[0].params["secret_token"] == "s3cret-token"
        assert len([m for m in fake.sent if m.get("chat_id") == 4001]) >= 1
        assert "3,800" in "".join(texts(fake, 4001))


def test_the_daily_digest_fires_at_the_set_time_in_the_set_zone(store: ClaimStore) -> None:
    from datetime import time
    from zoneinfo import ZoneInfo

    config = Settings(
        db=store.path,
        token=FakeBotAPI().token,
        api_url="http://127.0.0.1:9",
        digest_time=time(8, 30),
        timezone="Europe/Kyiv",
    )
    application = build_application(config, store)
    assert application.job_queue is not None
    jobs = {job.name: job for job in application.job_queue.jobs()}
    trigger = jobs["daily digest"].job.trigger
    kyiv = ZoneInfo("Europe/Kyiv")
    # the scheduler's clock is the test's: ask its trigger when it fires after chosen moments
    before = datetime(2026, 11, 20, 5, 0, tzinfo=UTC)  # 07:00 in Kyiv
    after = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)  # 09:00 in Kyiv
    assert trigger.get_next_fire_time(None, before) == datetime(2026, 11, 20, 8, 30, tzinfo=kyiv)
    assert trigger.get_next_fire_time(None, after) == datetime(2026, 11, 21, 8, 30, tzinfo=kyiv)
    summer = datetime(2026, 7, 1, 4, 0, tzinfo=UTC)  # 07:00 in Kyiv in summer time
    assert trigger.get_next_fire_time(None, summer).astimezone(UTC).hour == 5  # 08:30 EEST is 05:30 UTC
    assert "digest catch-up" in jobs and "feed poll" in jobs
