"""/subscribe, /unsubscribe and /digest: the daily digest for this chat."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import ContextTypes

from handlers.common import core, send_html


async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    added = await asyncio.to_thread(core(context).subscribe, chat.id)
    await message.reply_text(
        "Subscribed: this chat gets the daily digest of new claims."
        if added
        else "This chat is already subscribed."
    )


async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    removed = await asyncio.to_thread(core(context).unsubscribe, chat.id)
    await message.reply_text(
        "Unsubscribed: no more digests here." if removed else "This chat was not subscribed."
    )


async def preview(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/digest: what the next digest would say now."""
    message = update.effective_message
    if message is None:
        return
    parts = await asyncio.to_thread(core(context).digest_preview)  # dated in CLAIMBOT_TZ, as the CLI does
    if not parts:
        await message.reply_text("Nothing new since the last digest.")
        return
    await send_html(message, parts)
