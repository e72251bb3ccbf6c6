"""/subscribe, /unsubscribe and /digest: the daily digest for this chat; who may change what a group gets."""

from __future__ import annotations

import asyncio
from functools import partial

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import ContextTypes

from bot.chatsettings import prefs_from
from handlers.common import core, is_admin, send_html

REFUSAL = "Only this group's admins can change its digest and settings."


async def may_change(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """In a group only its admins (and the bot's) change what the group gets (subscription, settings,
    follows); in a private chat, anyone. Says so when not: a reply, or an alert on a pressed button."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or user is None or chat.type == ChatType.PRIVATE or is_admin(update, context):
        return True
    member = await context.bot.get_chat_member(chat.id, user.id)
    if member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER):
        return True
    if update.callback_query is not None:  # a button: say so on the button, not as a new message
        await update.callback_query.answer(REFUSAL, show_alert=True)
    elif message is not None:
        await message.reply_text(REFUSAL)
    return False


async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None or not await may_change(update, context):
        return
    added = await asyncio.to_thread(core(context).subscribe, chat.id)
    await message.reply_text(
        "Subscribed: this chat gets the daily digest of new claims."
        if added
        else "This chat is already subscribed."
    )


async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None or not await may_change(update, context):
        return
    removed = await asyncio.to_thread(core(context).unsubscribe, chat.id)
    await message.reply_text(
        "Unsubscribed: no more digests here." if removed else "This chat was not subscribed."
    )


async def preview(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/digest: what the next digest would say now; /digest full: every new claim."""
    message = update.effective_message
    if message is None:
        return
    full = [a.lower() for a in context.args or []] == ["full"]
    the_core, chat = core(context), update.effective_chat
    config = the_core.settings
    prefs = prefs_from(
        await asyncio.to_thread(the_core.chat_settings, chat.id) if chat is not None else {},
        config.digest_time,
        config.timezone,
    )
    follows = prefs.follows if prefs.only_followed else None  # as this chat's own digest will be
    # dated in CLAIMBOT_TZ, as the CLI does
    parts = await asyncio.to_thread(partial(the_core.digest_preview, full=full, follows=follows))
    if not parts:
        await message.reply_text(
            "Nothing new since the last digest"
            + (" from what this chat follows." if follows is not None else ".")
        )
        return
    await send_html(message, parts)
