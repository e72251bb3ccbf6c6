"""The bot's timetable on its JobQueue (APScheduler underneath): the digest, its catch-up, feed polls."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from telegram.ext import Application, ContextTypes

from bot.config import Settings
from bot.core import Core
from data.port import Store
from scheduler.digest import bot_sender

log = logging.getLogger(__name__)


def _core(context: ContextTypes.DEFAULT_TYPE) -> Core:
    return context.bot_data["core"]


def _settings(context: ContextTypes.DEFAULT_TYPE) -> Settings:
    return context.bot_data["settings"]


async def daily_digest(context: ContextTypes.DEFAULT_TYPE) -> None:
    report = await _core(context).send_digest(bot_sender(context.bot))
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
    app = _core(context)
    day = await asyncio.to_thread(app.catch_up_day, datetime.now(UTC))
    if day is None:
        return
    log.info("the digest of %s was due while the bot was down; sending it now", day)
    await app.send_digest(bot_sender(context.bot), day=day)


async def poll_feeds(context: ContextTypes.DEFAULT_TYPE) -> None:
    from scheduler.fetch import Fetcher  # feed parsing and spaCy load only when feeds are polled

    def poll() -> object:
        with Fetcher() as fetcher:
            return _core(context).poll(fetcher)

    log.info("feeds polled: %s", await asyncio.to_thread(poll))


def schedule(application: Application, settings: Settings) -> None:
    """Register the jobs; times are in settings.timezone."""
    jobs = application.job_queue
    if jobs is None:
        raise RuntimeError("python-telegram-bot was installed without its job-queue extra")
    at = settings.digest_time.replace(tzinfo=ZoneInfo(settings.timezone))
    jobs.run_daily(daily_digest, time=at, name="daily digest")
    jobs.run_once(catch_up, when=5, name="digest catch-up")
    jobs.run_repeating(poll_feeds, interval=settings.poll_minutes * 60, first=30, name="feed poll")
