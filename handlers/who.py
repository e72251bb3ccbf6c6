"""/who NAME: a speaker's card."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.ask.render import render_card
from handlers.common import MAX_QUESTION, core


async def who(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None:
        return
    name = " ".join(context.args or []).strip()[:MAX_QUESTION]
    if not name:
        await message.reply_text("Whose card? For example: /who Syrskyi")
        return
    await send_card(update, context, name)


async def send_card(update: Update, context: ContextTypes.DEFAULT_TYPE, name: str) -> None:
    """A speaker's card, or the closest names when there is no such speaker."""
    message = update.effective_message
    if message is None:
        return
    name = name.strip()[:MAX_QUESTION]
    card = await asyncio.to_thread(core(context).who, name)
    close = () if card is not None else await asyncio.to_thread(core(context).closest_names, name)
    for part in render_card(card, name, close):
        await message.reply_text(part, parse_mode=ParseMode.HTML, disable_web_page_preview=True)
