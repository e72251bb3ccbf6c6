"""The one place the Telegram application is wired: handlers, commands, rate limits, errors, jobs."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import BotCommand, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.config import Settings
from bot.core import Core
from bot.logs import protect_logs
from data.port import Store
from handlers import admin, ask, chart, latest, start, subscribe, who
from handlers import settings as chat_settings
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
    ("chart", "figures over time: /chart who said how many soldiers died", False, chart.chart),
    ("subscribe", "get the daily digest in this chat", False, subscribe.subscribe),
    ("unsubscribe", "stop the daily digest in this chat", False, subscribe.unsubscribe),
    ("digest", "preview the next digest; /digest full for every new claim", False, subscribe.preview),
    ("settings", "this chat's digest: on/off, time, time zone", False, chat_settings.settings_command),
    (
        "follow",
        "follow a speaker or topic: /follow Syrskyi; /follow alone lists them",
        False,
        chat_settings.follow,
    ),
    ("unfollow", "stop following a speaker or topic: /unfollow Syrskyi", False, chat_settings.unfollow),
    ("ingest", "admins: read an article from a web address", True, admin.ingest_url),
    ("stats", "admins: what the store holds", True, admin.stats),
    ("feeds", "admins: the news feeds; /feeds add URL, /feeds remove URL", True, admin.feeds),
]


log = logging.getLogger(__name__)


async def _post_init(application: Application) -> None:
    # the answer index is built in a worker thread while the bot starts; questions wait for it
    application.create_task(asyncio.to_thread(application.bot_data["core"].answers.warm), name="warm")
    await application.bot.set_my_commands(
        [
            BotCommand(name, description[:256])
            for name, description, admin_only, _ in COMMANDS
            if not admin_only
        ]
    )


def _kind(update: Update) -> tuple[str, str]:
    """(chat type, what came in) for the log line of an update: a command's name, never the text."""
    chat = update.effective_chat.type if update.effective_chat else "-"
    message = update.effective_message
    if update.inline_query is not None:
        return "inline", "inline query"
    if update.callback_query is not None:
        return chat, "button " + (update.callback_query.data or "").split(":", 1)[0]
    if message is not None and message.text and message.text.startswith("/"):
        return chat, message.text.split()[0].split("@")[0][:32]
    if message is not None and message.document is not None:
        return chat, "file"
    return chat, "question" if message is not None and message.text else "other"


async def _update_started(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    context.bot_data.setdefault("started", {})[update.update_id] = time.monotonic()


async def _update_done(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """One line per update handled: chat type, what it was, how long it took (no user text, no ids)."""
    started = context.bot_data.get("started", {}).pop(update.update_id, None)
    chat, kind = _kind(update)
    took = f"{(time.monotonic() - started) * 1000:.0f} ms" if started is not None else "?"
    log.info("update: %s chat, %s, %s", chat, kind, took)


def build_application(settings: Settings, store: Store) -> Application:
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
    core = Core(store, settings)
    application.bot_data.update(
        settings=settings,
        core=core,
        service=core.answers,
        answers=AnswerCache(),
        commands=[(name, description, admin_only) for name, description, admin_only, _ in COMMANDS],
    )
    application.add_handler(TypeHandler(Update, _update_started), group=-1)
    application.add_handler(TypeHandler(Update, _update_done), group=1)
    for name, _, _, callback in COMMANDS:
        application.add_handler(CommandHandler(name, callback))
    private = filters.ChatType.PRIVATE
    application.add_handler(MessageHandler(filters.Document.ALL & ~filters.COMMAND, admin.document))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & private, ask.private_text))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & ~private, ask.group_text))
    # the settings buttons before ask's, which takes every other button
    application.add_handler(CallbackQueryHandler(chat_settings.button, pattern=r"^set:"))
    application.add_handler(CallbackQueryHandler(ask.button))
    application.add_handler(InlineQueryHandler(ask.inline))
    application.add_handler(MessageHandler(filters.COMMAND, start.unknown))  # after every known command
    application.add_error_handler(on_error)
    schedule(application, settings)
    return application


def run(settings: Settings, store: Store) -> None:
    """Serve until stopped: long polling, or a webhook when CLAIMBOT_WEBHOOK_URL is set."""
    # without a secret anyone who finds the port can post updates "from" an admin: make one for this run
    secret = (settings.webhook_secret or secrets.token_urlsafe(32)) if settings.webhook_url else None
    protect_logs(settings.require_token(), secret)  # before anything is built that could log the token
    application = build_application(settings, store)
    log.info(
        "claimbot starting: store %s, %s, digest at %s %s%s, feeds every %d min, %d admin%s",
        store.location,
        "webhook" if settings.webhook_url else "long polling",
        settings.digest_time.strftime("%H:%M"),
        settings.timezone,
        f" (also to {settings.digest_chat})" if settings.digest_chat else "",
        settings.poll_minutes,
        len(settings.admins),
        "" if len(settings.admins) == 1 else "s",
    )
    if settings.webhook_url:
        log.info(
            "webhook mode: listening on %s port %d for %s/telegram; updates without the secret token (%s) "
            "get 403",
            settings.webhook_listen,
            settings.webhook_port,
            settings.webhook_url.rstrip("/"),
            "CLAIMBOT_WEBHOOK_SECRET" if settings.webhook_secret else "generated for this run",
        )
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path="telegram",
            webhook_url=settings.webhook_url.rstrip("/") + "/telegram",
            secret_token=secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
