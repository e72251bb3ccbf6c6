"""The one place the Telegram application is wired: handlers, commands, rate limits, errors, jobs."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import BotCommand, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.config import Settings
from bot.service import ClaimService
from data.store import ClaimStore
from handlers import admin, ask, latest, start, subscribe, who
from handlers.common import AnswerCache
from handlers.errors import on_error
from scheduler.jobs import schedule

Callback = Callable[..., Coroutine[Any, Any, None]]

#: (command, description, admin only, handler). /help and Telegram's command menu are built from this.
COMMANDS: list[tuple[str, str, bool, Callback]] = [
    ("start", "what I do, with example questions", False, start.start),
    ("help", "the commands", False, start.help_),
    (
        "ask",
        "ask a question, e.g. /ask what did Zelensky say about North Korean losses",
        False,
        ask.ask_command,
    ),
    ("who", "a speaker's card: /who Syrskyi", False, who.who),
    ("latest", "the newest claims", False, latest.latest),
    ("subscribe", "get the daily digest in this chat", False, subscribe.subscribe),
    ("unsubscribe", "stop the daily digest in this chat", False, subscribe.unsubscribe),
    ("digest", "preview the next digest", False, subscribe.preview),
    ("ingest", "admins: read an article from a web address", True, admin.ingest_url),
    ("stats", "admins: what the store holds", True, admin.stats),
    ("feeds", "admins: the news feeds; /feeds add URL, /feeds remove URL", True, admin.feeds),
]


class TokenFilter(logging.Filter):
    """Keeps the bot token out of every log line, whatever library wrote it."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self.token and self.token in record.getMessage():
            record.msg = record.getMessage().replace(self.token, "<token>")
            record.args = ()
        return True


def protect_logs(token: str) -> None:
    """HTTP clients log request URLs, which hold the token: quieten them and redact what is left."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    redact = TokenFilter(token)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)


async def _post_init(application: Application) -> None:
    await application.bot.set_my_commands(
        [
            BotCommand(name, description[:256])
            for name, description, admin_only, _ in COMMANDS
            if not admin_only
        ]
    )


def build_application(settings: Settings, store: ClaimStore) -> Application:
    """The bot, pointed at settings.api_url (Telegram, a self-hosted Bot API server, or a test fake)."""
    token = settings.require_token()
    application = (
        Application.builder()
        .token(token)
        .base_url(f"{settings.api_url}/bot")
        .base_file_url(f"{settings.api_url}/file/bot")
        .rate_limiter(AIORateLimiter(max_retries=5))
        .post_init(_post_init)
        .build()
    )
    application.bot_data.update(
        settings=settings,
        service=ClaimService(store),
        answers=AnswerCache(),
        commands=[(name, description, admin_only) for name, description, admin_only, _ in COMMANDS],
    )
    for name, _, _, callback in COMMANDS:
        application.add_handler(CommandHandler(name, callback))
    private = filters.ChatType.PRIVATE
    application.add_handler(MessageHandler(filters.Document.ALL & ~filters.COMMAND, admin.document))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & private, ask.private_text))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & ~private, ask.group_text))
    application.add_handler(CallbackQueryHandler(ask.button))
    application.add_handler(InlineQueryHandler(ask.inline))
    application.add_error_handler(on_error)
    schedule(application, settings)
    return application


def run(settings: Settings, store: ClaimStore) -> None:
    """Serve until stopped: long polling, or a webhook when CLAIMBOT_WEBHOOK_URL is set."""
    application = build_application(settings, store)
    protect_logs(settings.require_token())
    if settings.webhook_url:
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path="telegram",
            webhook_url=settings.webhook_url.rstrip("/") + "/telegram",
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
