"""/subscribe, /unsubscribe and /digest: the daily digest for this chat."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Update
from telegram.ext import ContextTypes

from bot.digest import new_claims, render_digest
from handlers.common import send_html, service


async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    added = await asyncio.to_thread(_change, context, chat.id, True)
    await message.reply_text(
        "Subscribed: this chat gets the daily digest of new claims."
        if added
        else "This chat is already subscribed."
    )


async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    removed = await asyncio.to_thread(_change, context, chat.id, False)
    await message.reply_text(
        "Unsubscribed: no more digests here." if removed else "This chat was not subscribed."
    )


def _change(context: ContextTypes.DEFAULT_TYPE, chat: int, on: bool) -> bool:
    with service(context).store.batch() as batch:
        return batch.subscribe(chat) if on else batch.unsubscribe(chat)


async def preview(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/digest: what the next digest would say now."""
    message = update.effective_message
    if message is None:
        return
    svc = service(context)
    now = datetime.now(UTC)
    parts = render_digest(new_claims(svc.index.claims, svc.digest_watermark(), now), now.date())
    if not parts:
        await message.reply_text("Nothing new since the last digest.")
        return
    await send_html(message, parts)
