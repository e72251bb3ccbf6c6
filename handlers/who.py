"""/who NAME: a speaker's card."""

from __future__ import annotations

import asyncio
import html

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.ask.render import render_claims
from handlers.common import MAX_QUESTION, core


async def who(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None:
        return
    name = " ".join(context.args or []).strip()[:MAX_QUESTION]
    if not name:
        await message.reply_text("Whose card? For example: /who Syrskyi")
        return
    card = await asyncio.to_thread(core(context).who, name)
    if card is None:
        close = await asyncio.to_thread(core(context).closest_names, name)
        hint = f" Did you mean: {html.escape(', '.join(close))}?" if close else ""
        await message.reply_text(
            f"I have no claims from <b>{html.escape(name)}</b>.{hint}", parse_mode=ParseMode.HTML
        )
        return
    speaker = card.speaker
    lines = [f"<b>{html.escape(speaker.name)}</b> ({html.escape(speaker.kind)})"]
    aliases = [a for a in speaker.aliases if a != speaker.name]
    if aliases:
        lines.append("Also written: " + html.escape(", ".join(aliases[:8])))
    if speaker.roles:
        lines.append("Described as: " + html.escape(", ".join(speaker.roles[:5])))
    lines.append(f"{card.claims} claim{'s' * (card.claims != 1)}")
    if card.topics:
        lines.append("Topics: " + html.escape(", ".join(card.topics)))
    parts = render_claims([("Latest claims", card.latest)], title="\n".join(lines))
    for part in parts:
        await message.reply_text(part, parse_mode=ParseMode.HTML, disable_web_page_preview=True)
