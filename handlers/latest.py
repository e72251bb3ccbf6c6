"""/latest: the claims the bot got most recently."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import ContextTypes

from bot.ask.render import render_latest
from handlers.common import core, send_html


async def latest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is None:
        return
    claims = await asyncio.to_thread(core(context).latest, 5)
    await send_html(update.effective_message, render_latest(claims))
