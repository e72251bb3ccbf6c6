"""/start and /help: what the bot does, built from the command table so the two never drift."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from handlers.ask import EXAMPLES
from handlers.common import is_admin


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is None:
        return
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(question, callback_data=f"ex:{i}")] for i, question in enumerate(EXAMPLES)]
    )
    await update.effective_message.reply_text(
        "I tell you <b>who said what, with which figures, and who reported it</b>, "
        "from the news I have read.\n\n"
        "Ask in your own words, e.g. “What did Zelensky say about North Korean losses?”, or tap an example. "
        "/help lists everything I can do.",
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard,
    )


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
