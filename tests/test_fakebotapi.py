"""The fake Bot API must look like Telegram to a real python-telegram-bot client, or e2e tests lie."""

from __future__ import annotations

import asyncio
import io
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fakebotapi import (
    MAX_MESSAGE_LENGTH,
    FakeBotAPI,
    check_telegram_html,
    decode_param,
    parse_telegram_html,
)
from telegram import Bot, Document, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter
from telegram.ext import Application, CommandHandler, ContextTypes


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI() as fake:
        yield fake


def make_bot(api: FakeBotAPI, token: str | None = None) -> Bot:
    return Bot(token or api.token, base_url=f"{api.url}/bot", base_file_url=f"{api.url}/file/bot")


def run_with_bot(api: FakeBotAPI, body: Callable[[Bot], Any], token: str | None = None) -> Any:
    async def main() -> Any:
        bot = make_bot(api, token)
        async with bot:
            return await body(bot)

    return asyncio.run(main())


def document_of(update: Update) -> Document:
    assert update.message is not None and update.message.document is not None
    return update.message.document


def test_get_me(api: FakeBotAPI) -> None:
    me = run_with_bot(api, lambda bot: bot.get_me())
    assert me.username == "claimbot_test_bot"
    assert me.is_bot and me.can_join_groups and me.supports_inline_queries
    assert [c.method for c in api.calls] == ["getMe", "getMe"]  # initialize() + the explicit call


def test_send_message_html_with_keyboard_is_recorded_and_echoed(api: FakeBotAPI) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("More", callback_data="more:3")]])
    html = "<b>Minister</b> said rents rose &amp; fell by <i>4%</i>"

    msg = run_with_bot(
        api,
        lambda bot: bot.send_message(1001, html, parse_mode=ParseMode.HTML, reply_markup=keyboard),
    )

    assert msg.text == "Minister said rents rose & fell by 4%"
    assert [(e.type, e.offset, e.length) for e in msg.entities] == [("bold", 0, 8), ("italic", 35, 2)]
    assert msg.reply_markup.inline_keyboard[0][0].callback_data == "more:3"
    assert msg.chat.id == 1001 and msg.from_user.username == "claimbot_test_bot"
    [sent] = api.sent
    assert sent["chat_id"] == 1001 and sent["text"] == html and sent["parse_mode"] == "HTML"
    assert sent["reply_markup"] == {"inline_keyboard": [[{"text": "More", "callback_data": "more:3"}]]}
    assert sent["message_id"] == msg.message_id and sent["method"] == "sendMessage"
    [call] = api.calls_to("sendMessage")
    assert call.params["reply_markup"]["inline_keyboard"][0][0]["text"] == "More"


def test_message_ids_increase_per_chat(api: FakeBotAPI) -> None:
    async def body(bot: Bot) -> list[int]:
        return [(await bot.send_message(chat, "hello")).message_id for chat in (1, 1, 2)]

    assert run_with_bot(api, body) == [1, 2, 1]


PUSHES: list[tuple[str, Callable[[FakeBotAPI], dict[str, Any]], Callable[[Any], tuple[Any, ...]], tuple]] = [
    (
        "message",
        lambda api: api.push_message("who said the budget doubled?", chat_id=-100777, chat_type="supergroup"),
        lambda u: (u.message.text, u.message.chat.type, u.message.chat.id, u.message.from_user.username),
        ("who said the budget doubled?", "supergroup", -100777, "alice"),
    ),
    (
        "command",
        lambda api: api.push_command("/search", "housing costs", username="bob"),
        lambda u: (
            u.message.text,
            u.message.entities[0].type,
            u.message.entities[0].length,
            u.message.chat.username,
        ),
        ("/search housing costs", "bot_command", 7, "bob"),
    ),
    (
        "callback",
        lambda api: api.push_callback("page:2", message_id=7),
        lambda u: (u.callback_query.data, u.callback_query.message.message_id, u.callback_query.from_user.id),
        ("page:2", 7, 42),
    ),
    (
        "inline",
        lambda api: api.push_inline("tax pledge", user_id=9),
        lambda u: (u.inline_query.query, u.inline_query.from_user.id, u.inline_query.offset),
        ("tax pledge", 9, ""),
    ),
    (
        "reply to bot",
        lambda api: api.push_message("and the source?", reply_to_bot=True),
        lambda u: (u.message.text, u.message.reply_to_message.from_user.is_bot),
        ("and the source?", True),
    ),
]


@pytest.mark.parametrize(("kind", "push", "extract", "expected"), PUSHES, ids=[p[0] for p in PUSHES])
def test_get_updates_serves_pushed_updates(
    api: FakeBotAPI,
    kind: str,
    push: Callable[[FakeBotAPI], dict[str, Any]],
    extract: Callable[[Any], tuple[Any, ...]],
    expected: tuple[Any, ...],
) -> None:
    queued = push(api)
    updates = run_with_bot(api, lambda bot: bot.get_updates(timeout=0))
    assert [u.update_id for u in updates] == [queued["update_id"]]
    assert extract(updates[0]) == expected
    assert extract(Update.de_json(queued, make_bot(api))) == expected


def test_offset_confirms_updates(api: FakeBotAPI) -> None:
    first = api.push_message("one")
    second = api.push_message("two")

    async def body(bot: Bot) -> list[list[str | None]]:
        seen = []
        for offset in (None, first["update_id"] + 1, None, second["update_id"] + 1):
            updates = await bot.get_updates(offset=offset, timeout=0)
            seen.append([u.message.text for u in updates if u.message])
        return seen

    assert run_with_bot(api, body) == [["one", "two"], ["two"], ["two"], []]


def test_long_poll_is_capped_and_wakes_on_push(api: FakeBotAPI) -> None:
    async def body(bot: Bot) -> tuple[float, float, list[Update]]:
        t0 = time.monotonic()
        empty = await bot.get_updates(timeout=30)
        capped = time.monotonic() - t0
        assert empty == ()
        threading.Timer(0.1, lambda: api.push_message("late")).start()
        t1 = time.monotonic()
        late = await bot.get_updates(timeout=30)
        return capped, time.monotonic() - t1, list(late)

    capped, woke, late = run_with_bot(api, body)
    assert 0.4 <= capped < 2.0
    assert woke < 0.45 and late[0].message is not None and late[0].message.text == "late"


def test_get_file_and_download(api: FakeBotAPI) -> None:
    content = b"line one\r\nline two\x00\xff binary tail"
    api.push_document("notes.txt", content)

    async def body(bot: Bot) -> tuple[str | None, bytes]:
        [update] = await bot.get_updates(timeout=0)
        doc = document_of(update)
        tg_file = await bot.get_file(doc.file_id)
        return doc.file_name, bytes(await tg_file.download_as_bytearray())

    async def body_memory(bot: Bot) -> bytes:
        [update] = await bot.get_updates(timeout=0)
        tg_file = await document_of(update).get_file()
        buf = io.BytesIO()
        await tg_file.download_to_memory(buf)
        return buf.getvalue()

    assert run_with_bot(api, body) == ("notes.txt", content)
    assert run_with_bot(api, body_memory) == content
    assert api.calls_to("getFile")[0].params["file_id"].startswith("DOC")


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_retry_after_injection(api: FakeBotAPI) -> None:
    api.fail_with_retry_after("sendMessage", times=1, retry_after=1)

    async def body(bot: Bot) -> str | None:
        with pytest.raises(RetryAfter) as info:
            await bot.send_message(1001, "first try")
        assert info.value.retry_after == 1
        return (await bot.send_message(1001, "second try")).text

    assert run_with_bot(api, body) == "second try"
    assert [c.params["text"] for c in api.calls_to("sendMessage")] == ["first try", "second try"]
    assert [s["text"] for s in api.sent] == ["second try"]


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_retry_after_only_for_given_chat(api: FakeBotAPI) -> None:
    api.fail_with_retry_after("sendMessage", times=2, chat_id=5)

    async def body(bot: Bot) -> None:
        await bot.send_message(6, "other chat is fine")
        for _ in range(2):
            with pytest.raises(RetryAfter):
                await bot.send_message(5, "limited")
        await bot.send_message(5, "limit over")

    run_with_bot(api, body)
    assert [s["chat_id"] for s in api.sent] == [6, 5]


def test_blocked_chat_is_forbidden(api: FakeBotAPI) -> None:
    api.block_chat(2002)

    async def body(bot: Bot) -> None:
        with pytest.raises(Forbidden, match="blocked by the user"):
            await bot.send_message(2002, "hello")
        await bot.send_message(1001, "hello")

    run_with_bot(api, body)
    assert [s["chat_id"] for s in api.sent] == [1001]


def test_unknown_token_is_not_found(api: FakeBotAPI) -> None:
    with pytest.raises(InvalidToken):
        run_with_bot(api, lambda bot: bot.get_me(), token="999:" + "B" * 35)
    assert api.calls == []


def test_bad_html_is_refused_like_telegram(api: FakeBotAPI) -> None:
    async def body(bot: Bot) -> None:
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await bot.send_message(1001, "<b>open", parse_mode=ParseMode.HTML)
        with pytest.raises(BadRequest, match="too long"):
            await bot.send_message(1001, "x" * (MAX_MESSAGE_LENGTH + 1))

    run_with_bot(api, body)
    assert api.sent == [] and len(api.calls_to("sendMessage")) == 2


def test_edit_message_text_and_not_modified(api: FakeBotAPI) -> None:
    async def body(bot: Bot) -> str | None:
        msg = await bot.send_message(1001, "page 1")
        edited = await bot.edit_message_text("page 2", chat_id=1001, message_id=msg.message_id)
        assert isinstance(edited, Message) and edited.edit_date is not None
        with pytest.raises(BadRequest, match="not modified"):
            await bot.edit_message_text("page 2", chat_id=1001, message_id=msg.message_id)
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("Next", callback_data="p:3")]])
        again = await bot.edit_message_reply_markup(1001, msg.message_id, reply_markup=markup)
        assert isinstance(again, Message) and again.reply_markup is not None
        return edited.text

    assert run_with_bot(api, body) == "page 2"
    assert [s["method"] for s in api.sent] == ["sendMessage", "editMessageText"]
    assert api.sent[1]["message_id"] == 1


def test_callback_carries_recorded_message(api: FakeBotAPI) -> None:
    async def body(bot: Bot) -> str | None:
        msg = await bot.send_message(1001, "pick one")
        api.push_callback("x", message_id=msg.message_id)
        [update] = await bot.get_updates(timeout=0)
        assert update.callback_query is not None
        assert isinstance(update.callback_query.message, Message)
        return update.callback_query.message.text

    assert run_with_bot(api, body) == "pick one"


def test_json_fields_are_decoded_and_commands_stored(api: FakeBotAPI) -> None:
    async def body(bot: Bot) -> list[str]:
        await bot.set_my_commands([("start", "Say hello"), ("search", "Find claims")])
        await bot.answer_callback_query("77", text="done", show_alert=True)
        return [c.command for c in await bot.get_my_commands()]

    assert run_with_bot(api, body) == ["start", "search"]
    [cmds] = api.calls_to("setMyCommands")
    assert cmds.params["commands"][1] == {"command": "search", "description": "Find claims"}
    [answer] = api.calls_to("answerCallbackQuery")
    assert answer.params == {"callback_query_id": "77", "text": "done", "show_alert": True}


def test_multipart_upload_is_parsed(api: FakeBotAPI) -> None:
    payload = b"a,b\r\n1,2\r\n\x00end"

    async def body(bot: Bot) -> None:
        await bot.send_document(1001, payload, filename="claims.csv", caption="42")

    run_with_bot(api, body)
    [call] = api.calls_to("sendDocument")
    assert call.params["chat_id"] == 1001 and call.params["caption"] == "42"
    assert call.params["document"]["filename"] == "claims.csv"
    assert call.params["document"]["content"] == payload


def test_unlisted_methods_answer_true(api: FakeBotAPI) -> None:
    result = run_with_bot(api, lambda bot: bot.do_api_request("setFutureThing", {"chat_id": 5}))
    assert result is True and api.calls_to("setFutureThing")[0].params == {"chat_id": 5}


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("chat_id", "1001", 1001),
        ("chat_id", "-100123", -100123),
        ("chat_id", "@news_channel", "@news_channel"),
        ("text", "42", "42"),
        ("text", "[1] true", "[1] true"),
        ("disable_notification", "true", True),
        (
            "entities",
            '[{"type": "bold", "offset": 0, "length": 1}]',
            [{"type": "bold", "offset": 0, "length": 1}],
        ),
    ],
)
def test_decode_param(name: str, raw: str, expected: object) -> None:
    assert decode_param(name, raw) == expected


def test_wait_for_times_out_with_summary(api: FakeBotAPI) -> None:
    run_with_bot(api, lambda bot: bot.send_message(1001, "only this"))
    with pytest.raises(TimeoutError, match="sendMessage"):
        api.wait_for_sync(lambda a: len(a.sent) > 1, timeout=0.1)
    with pytest.raises(TimeoutError, match="only this"):
        asyncio.run(api.wait_for(lambda a: len(a.sent) > 1, timeout=0.1))


def test_application_polling_end_to_end(api: FakeBotAPI) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_html(f"<b>Hi</b> {' '.join(context.args or [])}")

    async def main() -> None:
        app = (
            Application.builder()
            .token(api.token)
            .base_url(f"{api.url}/bot")
            .base_file_url(f"{api.url}/file/bot")
            .build()
        )
        app.add_handler(CommandHandler("start", start))
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0, timeout=1)
            api.push_command("/start", "there")
            await api.wait_for(lambda a: len(a.sent) == 1, timeout=5)
            await app.updater.stop()
            await app.stop()

    asyncio.run(main())
    [sent] = api.sent
    assert sent["text"] == "<b>Hi</b> there" and sent["chat_id"] == 1001
    check_telegram_html(sent["text"])
    assert api.calls_to("deleteWebhook")


GOOD_HTML = [
    "plain words",
    "<b>bold</b> <strong>strong</strong> <i>it</i> <em>em</em> <u>u</u> <ins>ins</ins>",
    "<s>s</s> <strike>st</strike> <del>d</del> <tg-spoiler>hidden</tg-spoiler>",
    '<span class="tg-spoiler">hidden</span>',
    '<a href="https://example.org/a?x=1&amp;y=2">link</a>',
    "<b>bold <i>bold italic <u>all three</u></i></b>",
    '<pre><code class="language-python">x = 1 &lt; 2</code></pre>',
    "<code>a &gt; b</code> and 3 > 2",
    "<blockquote>quoted</blockquote>",
    "<blockquote expandable>long quote</blockquote>",
    '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
    "&lt;tag&gt; &amp; &quot;quotes&quot; &#39; &#x27;",
    "<B>upper-case tag</B>",
    "é" * MAX_MESSAGE_LENGTH,
    "<b>" + "x" * MAX_MESSAGE_LENGTH + "</b>",
    "&amp;" * MAX_MESSAGE_LENGTH,
]

BAD_HTML = [
    ("x" * (MAX_MESSAGE_LENGTH + 1), "too long"),
    ("<i>" + "y" * (MAX_MESSAGE_LENGTH + 1) + "</i>", "too long"),
    ("<div>block</div>", "unknown tag <div>"),
    ("line<br>break", "unknown tag <br>"),
    ("<b>bold", "never closed"),
    ("bold</b>", "closes nothing"),
    ("<b><i>crossed</b></i>", "misnested"),
    ("<code><b>inside code</b></code>", "misnested"),
    ("<blockquote><blockquote>deep</blockquote></blockquote>", "misnested"),
    ("<a href='https://a.example'><a href='https://b.example'>x</a></a>", "misnested"),
    ("2 < 3", "bare '<'"),
    ("fish & chips", "bare '&'"),
    ("AT&T", "bare '&'"),
    ("&nbsp;space", "unsupported named entity"),
    ("<a>no target</a>", "without href"),
    ('<a href="">empty target</a>', "without href"),
    ("<span>plain span</span>", "tg-spoiler"),
    ("<b unclosed", "unclosed start tag"),
    ("   ", "empty"),
    ("<b></b>", "empty"),
]


@pytest.mark.parametrize("html", GOOD_HTML)
def test_check_telegram_html_accepts(html: str) -> None:
    check_telegram_html(html)


@pytest.mark.parametrize(("html", "problem"), BAD_HTML)
def test_check_telegram_html_rejects(html: str, problem: str) -> None:
    with pytest.raises(AssertionError, match="bad Telegram HTML") as info:
        check_telegram_html(html)
    assert problem in str(info.value)


@pytest.mark.parametrize(
    ("html", "plain", "entities"),
    [
        ("<b>a</b>b", "ab", [("bold", 0, 1)]),
        ("😀<i>x</i>", "😀x", [("italic", 2, 1)]),  # offsets are UTF-16 code units
        ('<a href="https://e.example">go</a>', "go", [("text_link", 0, 2)]),
        ('<pre><code class="language-go">f()</code></pre>', "f()", [("pre", 0, 3)]),
    ],
)
def test_parse_telegram_html_entities(html: str, plain: str, entities: list[tuple[str, int, int]]) -> None:
    text, parsed = parse_telegram_html(html)
    assert text == plain
    assert [(e["type"], e["offset"], e["length"]) for e in parsed] == entities
