"""The bot's timetable on its JobQueue (APScheduler underneath): the digest at the default time, each
chat's own digest time (a look every minute), the catch-up after a restart, feed polls."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from telegram.ext import Application, ContextTypes

from bot.config import Settings
from bot.core import Core
from data.port import Store
from scheduler.digest import bot_sender, send_alerts

log = logging.getLogger(__name__)

DUE_EVERY = 60  # seconds between two looks for chats whose own digest time has passed


def _core(context: ContextTypes.DEFAULT_TYPE) -> Core:
    return context.bot_data["core"]


def _settings(context: ContextTypes.DEFAULT_TYPE) -> Settings:
    return context.bot_data["settings"]


async def daily_digest(context: ContextTypes.DEFAULT_TYPE, now: datetime | None = None) -> None:
    """The bot's daily moment (CLAIMBOT_DIGEST_TIME in CLAIMBOT_TZ): the chats on that default schedule get
    today's digest now, and any chat whose own time has passed is served too."""
    now = now or datetime.now(UTC)
    app = _core(context)
    await _serve(context, now, default_day=app.digest_day(now))


async def due_digests(context: ContextTypes.DEFAULT_TYPE, now: datetime | None = None) -> None:
    """Every minute: the chats whose own digest time (/settings) has passed and that have not had it."""
    await _serve(context, now or datetime.now(UTC))


async def _serve(context: ContextTypes.DEFAULT_TYPE, now: datetime, default_day: date | None = None) -> None:
    settled = context.bot_data.setdefault("digest_settled", set())
    reports = await _core(context).deliver_due(
        bot_sender(context.bot), now=now, default_day=default_day, settled=settled
    )
    for report in reports:
        if report.busy:  # deliver_due has said so
            continue
        log.info(
            "digest %s: %d sent, %d already served, %d blocked",
            report.day,
            report.sent,
            report.skipped,
            len(report.blocked),
        )


def catch_up_day(store: Store, settings: Settings, now: datetime) -> str | None:
    """The day whose digest should go out now because its time passed while the bot was down, if any.

    Only a bot that has sent digests before catches up: a first start does not post yesterday's."""
    day = Core(store, settings).catch_up_day(now)
    return day.isoformat() if day else None


async def catch_up(context: ContextTypes.DEFAULT_TYPE) -> None:
    """At start: serve the chats whose digest time passed while the bot was down (a day whose time passed
    yesterday only when digests were sent before: a first start does not post yesterday's)."""
    now = datetime.now(UTC)
    day = await asyncio.to_thread(_core(context).catch_up_day, now)
    if day is not None:
        log.info("the digest of %s was due while the bot was down; sending it now", day)
    await _serve(context, now)


async def poll_feeds(context: ContextTypes.DEFAULT_TYPE) -> None:
    from scheduler.fetch import Fetcher  # feed parsing and spaCy load only when feeds are polled

    def poll() -> object:
        with Fetcher() as fetcher:
            return _core(context).poll(fetcher)

    log.info("feeds polled: %s", await asyncio.to_thread(poll))
    await followed_alerts(context)


async def followed_alerts(context: ContextTypes.DEFAULT_TYPE, now: datetime | None = None) -> None:
    """After each poll: chats that asked for alerts hear of their followed speakers' new claims."""
    app = _core(context)
    sent = await send_alerts(app.store, bot_sender(context.bot), app.settings, now=now or datetime.now(UTC))
    if sent:
        log.info("alerts: %d sent", sent)


def schedule(application: Application, settings: Settings) -> None:
    """Register the jobs; times are in settings.timezone."""
    jobs = application.job_queue
    if jobs is None:
        raise RuntimeError("python-telegram-bot was installed without its job-queue extra")
    at = settings.digest_time.replace(tzinfo=ZoneInfo(settings.timezone))
    jobs.run_daily(daily_digest, time=at, name="daily digest")
    jobs.run_once(catch_up, when=5, name="digest catch-up")
    # chats with their own digest time or zone (/settings): whoever is due, each minute
    jobs.run_repeating(due_digests, interval=DUE_EVERY, first=DUE_EVERY, name="digest per chat")
    jobs.run_repeating(poll_feeds, interval=settings.poll_minutes * 60, first=30, name="feed poll")
