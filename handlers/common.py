"""What every handler needs: the application core, admin checks, and sending rendered HTML safely."""

from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Sequence

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.ask.answer import Answer
from bot.config import Settings
from bot.core import Core
from bot.service import ClaimService

MAX_QUESTION = 500  # characters; a longer message is not a question
RECENT_ANSWERS = 500  # answers kept for their "more" and "sources" buttons
KEY_BYTES = 6  # random bytes of an answer's button key (hex, so 12 of the 64 bytes callback data allows)


def core(context: ContextTypes.DEFAULT_TYPE) -> Core:
    """The use cases; their methods block (store, spaCy), so handlers run them with asyncio.to_thread."""
    return context.bot_data["core"]


def service(context: ContextTypes.DEFAULT_TYPE) -> ClaimService:
    return context.bot_data["service"]


def settings(context: ContextTypes.DEFAULT_TYPE) -> Settings:
    return context.bot_data["settings"]


def is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user = update.effective_user
    return user is not None and user.id in settings(context).admins


async def refuse_unless_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """True when the user is not an admin, after telling them politely; nothing else runs then."""
    if is_admin(update, context):
        return False
    if update.effective_message:
        await update.effective_message.reply_text("Sorry, only the bot's admins can do that.")
    return True


async def send_html(
    message: Message, parts: Sequence[str], keyboard: InlineKeyboardMarkup | None = None
) -> list[Message]:
    """Reply with rendered parts in order; the keyboard goes under the last one."""
    sent = []
    for i, part in enumerate(parts):
        markup = keyboard if i == len(parts) - 1 else None
        sent.append(
            await message.reply_text(
                part, parse_mode=ParseMode.HTML, disable_web_page_preview=True, reply_markup=markup
            )
        )
    return sent


class AnswerCache:
    """Recent answers by random key and chat, for buttons pressed after the reply went out (bounded,
    newest kept). Keys are random, so a key from before a restart is never another answer's; an answer
    is only ever given back to the chat it was given in."""

    def __init__(self, size: int = RECENT_ANSWERS) -> None:
        self._items: OrderedDict[str, tuple[int | str, Answer]] = OrderedDict()
        self._size = size

    def put(self, answer: Answer, chat: int | str) -> str:
        key = secrets.token_hex(KEY_BYTES)
        self._items[key] = (chat, answer)
        while len(self._items) > self._size:
            self._items.popitem(last=False)
        return key

    def get(self, key: str, chat: int | str) -> Answer | None:
        found = self._items.get(key)
        return found[1] if found is not None and found[0] == chat else None


def answers(context: ContextTypes.DEFAULT_TYPE) -> AnswerCache:
    return context.bot_data["answers"]
