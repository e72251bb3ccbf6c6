"""Questions in chat: private messages, /ask, mentions and replies in groups, the answer's buttons, inline."""

from __future__ import annotations

import asyncio
import html
import re
from dataclasses import replace
from uuid import uuid4

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.ask.answer import FOUND, Answer
from bot.ask.examples import example_questions
from bot.ask.render import TELEGRAM_LIMIT, clip_html, render_answer, render_claim, render_sources, shorten
from bot.chart import chart_of
from bot.chart_png import caption, draw
from bot.chatsettings import ChatSetting
from bot.core import Core
from bot.models import Claim
from bot.render import figure_text
from handlers.common import MAX_QUESTION, answers, core, send_html

PAGE = 3  # claims per message in chat; the rest behind "More"
ASKED = ChatSetting.ASKED.value  # the questions behind recent buttons, so they work after a restart
_ASKED_KEPT = 20  # questions remembered per chat
_CALLBACK = re.compile(r"^(more|src|page|chart):([0-9a-f]{1,16}):([0-9]{1,3})\Z", re.ASCII)


def parse_button(data: str) -> tuple[str, str, int] | None:
    """(kind, answer key, page) of an answer button's data, or None for anything else: callback data comes
    from the client, so only the exact shapes the bot makes are taken (ASCII digits only, bounded)."""
    found = _CALLBACK.match(data)
    return (found[1], found[2], int(found[3])) if found is not None else None


def examples(context: ContextTypes.DEFAULT_TYPE) -> list[str]:
    """Example questions from what the store holds, each one answered (none on an empty store)."""
    return example_questions(core(context).answers.index)


def _keyboard(key: str, answer: Answer, page: int, *, sources: bool = False) -> InlineKeyboardMarkup | None:
    if answer.status != FOUND:
        return None
    if sources:  # the sources of one page, and the way back to it
        return InlineKeyboardMarkup([[InlineKeyboardButton("Back", callback_data=f"page:{key}:{page}")]])
    buttons = []
    if len(answer.claims) > (page + 1) * PAGE:
        buttons.append(InlineKeyboardButton("More results", callback_data=f"more:{key}:{page + 1}"))
    buttons.append(InlineKeyboardButton("Sources", callback_data=f"src:{key}:{page}"))
    if chart_of(answer) is not None:  # dated figures from several claims: their history as a picture
        buttons.append(InlineKeyboardButton("Chart", callback_data=f"chart:{key}:{page}"))
    return InlineKeyboardMarkup([buttons])


def _page(answer: Answer, page: int) -> Answer:
    if answer.status != FOUND:
        return answer
    return replace(
        answer,
        claims=answer.claims[page * PAGE : (page + 1) * PAGE],
        others=answer.others if not page else (),
    )


async def reply_to_question(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
    message = update.effective_message
    if message is None:
        return
    question = question.strip()
    if not question or len(question) > MAX_QUESTION:
        shown = await asyncio.to_thread(examples, context)
        example = f", e.g. “{shown[0]}”" if shown else ""
        too_long = f"That is a long message ({len(question)} characters). " if question else ""
        await message.reply_text(
            f"{too_long}Ask me one short question about who said what{example}.",
        )
        return
    answer = await asyncio.to_thread(core(context).ask, question)  # a re-index must not stall the bot
    chat = message.chat_id
    key = answers(context).put(answer, chat)
    if answer.status == FOUND:
        await asyncio.to_thread(_remember, core(context), chat, key, question)
    parts = render_answer(_page(answer, 0), max_claims=PAGE)
    await send_html(message, parts, _keyboard(key, answer, 0))


def _remember(the_core: Core, chat: int | str, key: str, question: str) -> None:
    """Keep the question behind an answer's buttons in the chat's settings: after a restart the answer
    is worked out again from it, in that chat only."""
    asked = dict(the_core.chat_settings(chat).get(ASKED) or {})
    asked[key] = question
    the_core.set_chat_setting(chat, ASKED, dict(list(asked.items())[-_ASKED_KEPT:]))


def _recall(the_core: Core, chat: int | str, key: str) -> Answer | None:
    question = (the_core.chat_settings(chat).get(ASKED) or {}).get(key)
    return the_core.ask(question) if isinstance(question, str) else None


async def ask_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ask QUESTION"""
    await reply_to_question(update, context, " ".join(context.args or []))


async def private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a private chat any text is a question."""
    if update.effective_message and update.effective_message.text:
        await reply_to_question(update, context, update.effective_message.text)


async def group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In groups: only messages that mention the bot or reply to it."""
    message = update.effective_message
    if message is None or not message.text:
        return
    me = context.bot.username or ""
    mentioned = bool(me) and f"@{me}".lower() in message.text.lower()
    replied = message.reply_to_message is not None and message.reply_to_message.from_user is not None
    replied = replied and message.reply_to_message.from_user.id == context.bot.id  # type: ignore[union-attr]
    if not (mentioned or replied):
        return
    text = re.sub(rf"@{re.escape(me)}\b", " ", message.text, flags=re.IGNORECASE) if me else message.text
    await reply_to_question(update, context, text)


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The buttons under an answer (More, Sources) and under /start (example questions)."""
    query = update.callback_query
    if query is None or not query.data:
        return
    kind, _, rest = query.data.partition(":")
    if kind == "ex":
        await query.answer()
        shown = await asyncio.to_thread(examples, context)
        index = int(rest) if rest.isascii() and rest.isdigit() else 0
        if shown:
            await reply_to_question(update, context, shown[index if index < len(shown) else 0])
        return
    parsed = parse_button(query.data)
    chat = query.message.chat.id if query.message is not None else None
    if parsed is None or chat is None:
        await query.answer("That button is not one of mine.")
        return
    kind, key, page = parsed
    answer = answers(context).get(key, chat) or await asyncio.to_thread(_recall, core(context), chat, key)
    if answer is None:
        await query.answer("That answer has expired: please ask again.", show_alert=False)
        return
    await query.answer()
    if kind == "chart":
        chart = chart_of(answer)
        if chart is not None and query.message is not None:
            png = await asyncio.to_thread(draw, chart)  # drawing takes a moment: off the event loop
            await context.bot.send_photo(
                chat, png, caption=html.escape(caption(chart)), parse_mode=ParseMode.HTML
            )
        return
    sources = kind == "src"
    if sources:
        text = render_sources(_page(answer, page).claims)
    else:
        text = render_answer(_page(answer, page), max_claims=PAGE)[0]
    try:
        await query.edit_message_text(
            text,
            parse_mode=ParseMode.HTML,
            disable_web_page_preview=True,
            reply_markup=_keyboard(key, answer, page, sources=sources),
        )
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise  # the same button pressed twice: the message already shows it


def _gist(claim: Claim) -> str:
    return ", ".join(figure_text(f) for f in claim.figures[:2]) or claim.statement


INLINE_PAGE = 10  # cards per page of inline results; Telegram asks for the next page with an offset
_CARD_TITLE, _CARD_DESCRIPTION = 64, 120  # characters of a card's title and description lines


async def inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """@bot zelensky north korea -> claim cards to drop into any chat, a page at a time, and a button that
    opens the question in a chat with the bot."""
    query = update.inline_query
    if query is None:
        return
    text = query.query.strip()[:MAX_QUESTION]
    offset = int(query.offset) if query.offset.isascii() and query.offset.isdigit() else 0
    if text:
        claims = (await asyncio.to_thread(core(context).ask, text)).claims
    else:
        claims = tuple(await asyncio.to_thread(core(context).latest, INLINE_PAGE * 3))
    page = claims[offset : offset + INLINE_PAGE]
    results = [
        InlineQueryResultArticle(
            id=uuid4().hex,
            title=shorten(f"{claim.speaker}: {_gist(claim)}", _CARD_TITLE),
            description=shorten(claim.statement, _CARD_DESCRIPTION),
            input_message_content=InputTextMessageContent(
                clip_html(render_claim(claim), TELEGRAM_LIMIT),
                parse_mode=ParseMode.HTML,
                disable_web_page_preview=True,
            ),
        )
        for claim in page
    ]
    more = offset + INLINE_PAGE < len(claims)
    start = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")[:64]
    button = InlineQueryResultsButton(text="Open in the bot", start_parameter=start or "help")
    await query.answer(
        results,
        cache_time=30,
        is_personal=False,
        next_offset=str(offset + INLINE_PAGE) if more else "",
        button=button,
    )
