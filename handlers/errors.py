"""When a handler fails: log it with the traceback, apologise briefly, forget chats that blocked the bot."""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.error import Forbidden
from telegram.ext import ContextTypes

from handlers.common import core

log = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    chat = update.effective_chat if isinstance(update, Update) else None
    if isinstance(error, Forbidden) and chat is not None:
        log.info("chat %s blocked the bot or removed it; unsubscribing it", chat.id)
        await asyncio.to_thread(_unsubscribe, context, chat.id)
        return
    log.error("error while handling an update", exc_info=error)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await update.effective_message.reply_text(
                "Sorry, something went wrong on my side. Please try again."
            )
        except Exception:  # the apology itself may fail the same way; the log already has the cause
            log.warning("could not send the apology", exc_info=True)


def _unsubscribe(context: ContextTypes.DEFAULT_TYPE, chat: int) -> None:
    core(context).unsubscribe(chat)
