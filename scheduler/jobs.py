"""The bot's timetable on its JobQueue (APScheduler underneath): the digest, its catch-up, feed polls."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from telegram.ext import Application, ContextTypes

from bot.config import Settings
from data.store import ClaimStore
from scheduler.digest import RUNS, Limits, bot_sender, due_day, send_digest

log = logging.getLogger(__name__)


def _store(context: ContextTypes.DEFAULT_TYPE) -> ClaimStore:
    return context.bot_data["service"].store


def _settings(context: ContextTypes.DEFAULT_TYPE) -> Settings:
    return context.bot_data["settings"]


async def daily_digest(context: ContextTypes.DEFAULT_TYPE) -> None:
    settings = _settings(context)
    day = datetime.now(ZoneInfo(settings.timezone)).date()
    report = await send_digest(
        _store(context),
        bot_sender(context.bot),
        day=day,
        channel=settings.digest_chat,
        when_empty=settings.digest_when_empty,
        limits=Limits(per_second=settings.send_rate),
    )
    log.info(
        "digest %s: %d sent, %d already served, %d blocked",
        report.day,
        report.sent,
        report.skipped,
        len(report.blocked),
    )


def catch_up_day(store: ClaimStore, settings: Settings, now: datetime) -> str | None:
    """The day whose digest should go out now because its time passed while the bot was down, if any.

    Only a bot that has sent digests before catches up: a first start does not post yesterday's."""
    runs = store.table_rows(RUNS)
    if not runs:
        return None
    day = due_day(now, settings.digest_time, settings.timezone).isoformat()
    return None if any(r["day"] == day for r in runs) else day


async def catch_up(context: ContextTypes.DEFAULT_TYPE) -> None:
    settings, store = _settings(context), _store(context)
    day = await asyncio.to_thread(catch_up_day, store, settings, datetime.now(UTC))
    if day is None:
        return
    log.info("the digest of %s was due while the bot was down; sending it now", day)
    await send_digest(
        store,
        bot_sender(context.bot),
        day=datetime.fromisoformat(day).date(),
        channel=settings.digest_chat,
        when_empty=settings.digest_when_empty,
        limits=Limits(per_second=settings.send_rate),
    )


async def poll_feeds(context: ContextTypes.DEFAULT_TYPE) -> None:
    from scheduler.feeds import poll_once  # spaCy and feed parsing load only when feeds are polled
    from scheduler.fetch import Fetcher

    interval = timedelta(minutes=_settings(context).poll_minutes)

    def poll() -> object:
        with Fetcher() as fetcher:
            return poll_once(_store(context), fetcher, poll_interval=interval)

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
