"""/chart QUESTION: the figures an answer cites, drawn over time and sent as a picture."""

from __future__ import annotations

import asyncio
import html

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.chart import chart_of
from bot.chart_png import caption, draw
from handlers.common import MAX_QUESTION, core


def _picture(context: ContextTypes.DEFAULT_TYPE, question: str) -> tuple[bytes, str] | None:
    chart = chart_of(core(context).ask(question))
    return (draw(chart), caption(chart)) if chart is not None else None


async def chart(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None:
        return
    question = " ".join(context.args or []).strip()[:MAX_QUESTION]
    if not question:
        await message.reply_text("What should I draw? For example: /chart who said how many soldiers died")
        return
    found = await asyncio.to_thread(_picture, context, question)  # drawing takes a moment: off the loop
    if found is None:
        await message.reply_text(
            "Nothing to draw: I need at least two dated figures that count the same thing. "
            "Ask the question to see what I have."
        )
        return
    png, text = found
    await message.reply_photo(png, caption=html.escape(text), parse_mode=ParseMode.HTML)
