"""/start and /help: what the bot does, built from the command table so the two never drift."""

from __future__ import annotations

import asyncio
import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from handlers.ask import examples, reply_to_question
from handlers.common import is_admin
from handlers.who import send_card


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start, and deep links: t.me/bot?start=who_Jane_Doe opens a speaker's card, any other payload
    is asked as a question (underscores for spaces)."""
    if update.effective_message is None:
        return
    payload = " ".join(context.args or []).strip()
    if payload.lower().startswith("who_"):
        await send_card(update, context, payload[4:].replace("_", " "))
        return
    if payload and payload.lower() not in ("help", "start"):
        await reply_to_question(update, context, payload.replace("_", " "))
        return
    shown = await asyncio.to_thread(examples, context)
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(question, callback_data=f"ex:{i}")] for i, question in enumerate(shown)]
    )
    invite = (
        f"Ask in your own words, e.g. “{html.escape(shown[0])}”, or tap an example."
        if shown
        else "I have not read any news yet: an admin can send me articles or add feeds."
    )
    await update.effective_message.reply_text(
        "I tell you <b>who said what, with which figures, and who reported it</b>, "
        f"from the news I have read.\n\n{invite} /help lists everything I can do.",
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard if shown else None,
    )


async def unknown(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command the bot does not have: say so, and where the list is."""
    message = update.effective_message
    if message is None or not message.text:
        return
    command = message.text.split()[0].split("@")[0][:40]
    await message.reply_text(f"I don't know {command}. /help lists what I can do.")


async def help_(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is None:
        return
    admin = is_admin(update, context)
    lines = [
        f"/{name} - {html.escape(description)}"
        for name, description, admin_only in context.bot_data["commands"]
        if admin or not admin_only
    ]
    await update.effective_message.reply_text(
        "<b>Commands</b>\n" + "\n".join(lines) + "\n\nIn a private chat, any message is a question. "
        "In groups, use /ask, mention me, or reply to me. In any chat, type @"
        + html.escape(context.bot.username or "bot")
        + " and a question to share a claim card.",
        parse_mode=ParseMode.HTML,
    )
