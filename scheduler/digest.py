"""Send the daily digest to the channel and every subscriber: exactly once per chat and day.

- The run for a day is prepared once (claims first seen since the last cut, rendered) and kept in the store,
  so a resumed run sends the same text; the watermark moves to the cut in the same write.
- Each delivery is ledgered before and after it is sent (the store's delivery ledger); a restart serves
  only the chats with no entry yet. The store's digest lock keeps a second running instance (or a second
  worker on the same database) from sending the same day.
- Sending keeps under Telegram's limits: about one message a second per chat, 20 a minute per group,
  a configured rate overall; RetryAfter is waited out; a chat that blocked the bot is unsubscribed.
"""

from __future__ import annotations

import asyncio
import logging
import time as clock
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import Forbidden, RetryAfter, TelegramError

from bot.config import Settings
from bot.digest import WATERMARK, new_claims, render_digest
from data.port import Deliveries, Store
from data.records import Delivery, DigestRun

BLOCKED, FAILED, SENDING, SENT = Delivery.BLOCKED, Delivery.FAILED, Delivery.SENDING, Delivery.SENT

log = logging.getLogger(__name__)

MAX_RETRIES = 5
HEADROOM = 0.95  # pace sends at this share of the configured rate


@dataclass(frozen=True)
class Limits:
    """Telegram's flood limits, as this bot keeps to them."""

    per_second: float = 25.0  # all chats together (Telegram allows about 30)
    per_chat_interval: float = 1.0  # seconds between two messages to one chat
    per_group_minute: int = 20  # messages a minute to one group or channel


@dataclass
class DeliveryReport:
    day: str
    sent: int = 0
    skipped: int = 0
    blocked: list[int | str] = field(default_factory=list)
    failed: list[int | str] = field(default_factory=list)
    busy: bool = False  # another instance holds the digest lock


def due_day(now: datetime, at: time, zone: str) -> date:
    """The day whose digest is due at `now`: today once its time has passed, else yesterday."""
    local = now.astimezone(ZoneInfo(zone))
    return local.date() if local.time() >= at else local.date() - timedelta(days=1)


def prepare(
    store: Store, day: date, now: datetime, channel: str | None, when_empty: bool, max_messages: int = 1
) -> DigestRun:
    """The run for a day, made once: later calls (a restart, a second instance) get the same run.

    A full batch, not a state batch: it holds the claims writers back while it reads the claims up to the
    cut, so no claim lands on the wrong side of the watermark."""
    with store.batch() as batch:
        made = batch.digest_run(day.isoformat())
        if made is not None:
            return made
        raw = batch.state(WATERMARK)
        since = datetime.fromisoformat(raw) if raw else None
        claims = new_claims(batch.claims(), since, now)
        messages = render_digest(claims, day, max_messages=max_messages)
        if not messages and when_empty:
            messages = [f"<b>claimbot daily digest, {day.day} {day:%b %Y}</b>\nNo new claims today."]
        recipients: list[int | str] = [channel] if channel else []
        recipients += [c for c in batch.subscribers() if c not in recipients]
        run = DigestRun(
            day.isoformat(), now.isoformat(), tuple(messages), tuple(recipients if messages else ())
        )
        batch.put_digest_run(run)
        batch.set_state(WATERMARK, run.cut)
    return run


class Pacer:
    """Spaces sends: a global rate, one message a second per chat, a per-minute cap for groups."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._next_any = 0.0
        self._next_chat: dict[int | str, float] = {}
        self._group_times: dict[int | str, list[float]] = {}

    async def wait(self, chat: int | str) -> None:
        now = clock.monotonic()
        ready = max(now, self._next_any, self._next_chat.get(chat, 0.0))
        if _is_group(chat):
            recent = [t for t in self._group_times.get(chat, []) if t > now - 60]
            if len(recent) >= self.limits.per_group_minute:
                ready = max(ready, recent[0] + 60)
            self._group_times[chat] = [*recent, ready]
        # a little under the limit: sends start on this beat but arrive with network jitter
        self._next_any = ready + 1.0 / (self.limits.per_second * HEADROOM)
        self._next_chat[chat] = ready + self.limits.per_chat_interval
        if ready > now:
            await asyncio.sleep(ready - now)


def _is_group(chat: int | str) -> bool:
    return isinstance(chat, str) or chat < 0


Send = Callable[[int | str, str], Awaitable[object]]


async def _send_with_retry(send: Send, chat: int | str, text: str) -> None:
    for _ in range(MAX_RETRIES):
        try:
            await send(chat, text)
            return
        except RetryAfter as exc:
            wait = (
                exc.retry_after.total_seconds() if isinstance(exc.retry_after, timedelta) else exc.retry_after
            )
            log.info("Telegram asked to wait %.1f s before sending to %s", wait, chat)
            await asyncio.sleep(float(wait))
    await send(chat, text)


async def deliver(
    run: DigestRun,
    store: Store,
    ledger: Deliveries,
    send: Send,
    limits: Limits = Limits(),
    in_flight: int = 8,
) -> DeliveryReport:
    """Send the run to every recipient with no ledger line yet for the day.

    Part by part: every chat gets the first message before any gets the second, so a long digest does not
    hold the queue a second per chat; a few sends are in flight at once, each started on the pacer's beat
    and ledgered just before it goes."""
    report = DeliveryReport(run.day)
    done = ledger.states(run.day)
    parts = len(run.messages)
    todo = [
        chat
        for chat in run.recipients
        if done.get((str(chat), parts)) not in (BLOCKED, FAILED)
        and any(done.get((str(chat), part)) is None for part in range(parts))
    ]
    report.skipped = len(run.recipients) - len(todo)
    pacer = Pacer(limits)
    slots = asyncio.Semaphore(in_flight)
    dropped: dict[int | str, str] = {}

    async def one(chat: int | str, part: int, text: str) -> None:
        try:
            await _send_with_retry(send, chat, text)
        except Forbidden:
            log.info("chat %s blocked the bot; unsubscribing it", chat)
            dropped[chat] = BLOCKED
            ledger.mark(run.day, chat, parts, BLOCKED)
        except TelegramError as exc:
            log.warning("digest %s to %s failed: %s", run.day, chat, exc)
            dropped[chat] = FAILED
            ledger.mark(run.day, chat, parts, FAILED)
        else:
            ledger.mark(run.day, chat, part, SENT)
        finally:
            slots.release()

    for part, text in enumerate(run.messages):
        sending: list[asyncio.Task[None]] = []
        for chat in todo:
            state = done.get((str(chat), part))
            if state == SENDING:
                log.warning(
                    "digest %s part %d to %s may have been cut short by a crash; not sent twice",
                    run.day,
                    part,
                    chat,
                )
            if state is not None or chat in dropped:
                continue
            await slots.acquire()
            if chat in dropped:
                slots.release()
                continue
            await pacer.wait(chat)
            # the ledger line and the request follow each other with nothing in between
            ledger.mark(run.day, chat, part, SENDING)
            sending.append(asyncio.create_task(one(chat, part, text)))
        await asyncio.gather(*sending)  # a chat's next part only after this one has gone
    blocked = [chat for chat, why in dropped.items() if why == BLOCKED]
    if blocked:
        await asyncio.to_thread(_unsubscribe, store, blocked)
    report.blocked = blocked
    report.failed = [chat for chat, why in dropped.items() if why == FAILED]
    report.sent = len(todo) - len(dropped)
    return report


def _unsubscribe(store: Store, chats: list[int | str]) -> None:
    with store.state_batch() as batch:
        for chat in chats:
            batch.unsubscribe(chat)


@asynccontextmanager
async def telegram_sender(settings: Settings) -> AsyncIterator[Send]:
    """A sender outside the running bot (`claimbot digest --send`), on the configured Bot API server."""
    bot = Bot(
        settings.require_token(),
        base_url=f"{settings.api_url}/bot",
        base_file_url=f"{settings.api_url}/file/bot",
    )
    async with bot:
        yield bot_sender(bot)


def bot_sender(bot: Bot) -> Send:
    async def send(chat: int | str, text: str) -> object:
        return await bot.send_message(chat, text, parse_mode=ParseMode.HTML, disable_web_page_preview=True)

    return send


async def send_digest(
    store: Store,
    send: Send,
    *,
    now: datetime | None = None,
    day: date | None = None,
    channel: str | None = None,
    when_empty: bool = False,
    limits: Limits = Limits(),
    max_messages: int = 1,
) -> DeliveryReport:
    """Prepare (once) and deliver (to whoever is still due) the digest of `day`, under the digest lock."""
    now = now or datetime.now(UTC)
    day = day or now.date()
    with store.digest_lock() as held:
        if not held:
            log.info("another instance is sending the digest; leaving it to that one")
            return DeliveryReport(day.isoformat(), busy=True)
        run = await asyncio.to_thread(prepare, store, day, now, channel, when_empty, max_messages)
        return await deliver(run, store, store.deliveries(), send, limits)
