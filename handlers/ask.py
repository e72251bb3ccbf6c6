"""Questions in chat: private messages, /ask, mentions and replies in groups, the answer's buttons, inline."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from uuid import uuid4

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.ask.answer import FOUND, Answer
from bot.ask.render import render_answer, render_claim, render_sources
from bot.models import Claim
from bot.render import figure_text
from handlers.common import MAX_QUESTION, answers, core, send_html

PAGE = 3  # claims per message in chat; the rest behind "More"
EXAMPLES = (
    "What did Zelensky say about North Korean losses?",
    "Syrskyi on Russian losses",
    "Who said 3,800 North Korean soldiers were killed?",
)


def _keyboard(key: str, answer: Answer, page: int) -> InlineKeyboardMarkup | None:
    buttons = []
    if answer.status == FOUND and len(answer.claims) > (page + 1) * PAGE:
        buttons.append(InlineKeyboardButton("More results", callback_data=f"more:{key}:{page + 1}"))
    if answer.status == FOUND:
        buttons.append(InlineKeyboardButton("Sources", callback_data=f"src:{key}:{page}"))
    return InlineKeyboardMarkup([buttons]) if buttons else None


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
    if not question:
        await message.reply_text("Ask me about who said what, e.g. “" + EXAMPLES[0] + "”")
        return
    if len(question) > MAX_QUESTION:
        await message.reply_text(
            f"That is a long message ({len(question)} characters). Ask one short question, under "
            f"{MAX_QUESTION} characters, e.g. “{EXAMPLES[1]}”."
        )
        return
    answer = await asyncio.to_thread(core(context).ask, question)  # a re-index must not stall the bot
    key = answers(context).put(answer)
    parts = render_answer(_page(answer, 0), max_claims=PAGE)
    await send_html(message, parts, _keyboard(key, answer, 0))


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
        index = int(rest) if rest.isdigit() and int(rest) < len(EXAMPLES) else 0
        await reply_to_question(update, context, EXAMPLES[index])
        return
    key, _, page_text = rest.partition(":")
    answer = answers(context).get(key)
    if answer is None:
        await query.answer("That answer has expired: please ask again.", show_alert=False)
        return
    page = int(page_text) if page_text.isdigit() else 0
    await query.answer()
    if kind == "more":
        text = render_answer(_page(answer, page), max_claims=PAGE)[0]
    else:
        text = render_sources(_page(answer, page).claims)
    await query.edit_message_text(
        text,
        parse_mode=ParseMode.HTML,
        disable_web_page_preview=True,
        reply_markup=_keyboard(key, answer, page),
    )


def _gist(claim: Claim) -> str:
    return ", ".join(figure_text(f) for f in claim.figures[:2]) or claim.statement[:60]


async def inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """@bot zelensky north korea -> claim cards to drop into any chat."""
    query = update.inline_query
    if query is None:
        return
    text = query.query.strip()[:MAX_QUESTION]
    if text:
        claims = (await asyncio.to_thread(core(context).ask, text)).claims
    else:
        claims = tuple(await asyncio.to_thread(core(context).latest, 10))
    results = [
        InlineQueryResultArticle(
            id=uuid4().hex,
            title=f"{claim.speaker}: {_gist(claim)}",
            description=claim.statement[:120],
            input_message_content=InputTextMessageContent(
                render_claim(claim), parse_mode=ParseMode.HTML, disable_web_page_preview=True
            ),
        )
        for claim in claims[:10]
    ]
    await query.answer(results, cache_time=30, is_personal=False)
