"""Send the daily digest to the channel and every subscriber: exactly once per chat and day.

- The run for a day is prepared once (claims first seen since the last cut, rendered) and kept in the store,
  so a resumed run sends the same text; the watermark moves to the cut in the same write.
- Each delivery is ledgered before and after it is sent (the store's delivery ledger); a restart serves
  only the chats with no entry yet. The store's digest lock keeps a second running instance (or a second
  worker on the same database) from sending the same day.
- Sending keeps under Telegram's limits: about one message a second per chat, 20 a minute per group,
  a configured rate overall; RetryAfter is waited out; a chat that blocked the bot is unsubscribed.
- Each chat may keep its own time and zone (/settings): the bot checks often who is due (`deliver_due`)
  and serves each due chat the run of its own local day, once. The run of a day is still prepared once,
  by the first chat due for it; a chat that follows only some speakers or topics gets that run's claims
  filtered for it, ledgered by (day, chat, part) like everyone else's.
"""

from __future__ import annotations

import asyncio
import logging
import time as clock
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import Forbidden, RetryAfter, TelegramError

from bot.chatsettings import ChatPrefs, Follow, FollowKind, prefs_from
from bot.config import Settings
from bot.digest import (
    ALERT_WATERMARK,
    WATERMARK,
    alerts_for,
    followed,
    new_claims,
    render_alert,
    render_digest,
)
from bot.models import Claim
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
    pacer: Pacer | None = None,
) -> DeliveryReport:
    """Send the run to every recipient with no ledger line yet for the day.

    Part by part: every chat gets the first message before any gets the second, so a long digest does not
    hold the queue a second per chat; a few sends are in flight at once, each started on the pacer's beat
    and ledgered just before it goes. Several runs sent one after another share one `pacer`, so together
    they keep to the limits too."""
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
    pacer = pacer or Pacer(limits)
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


# --- per-chat times and zones --------------------------------------------------------------------------

#: (day, str(chat)) pairs a running bot knows need nothing more today: served, or not a recipient.
Settled = set[tuple[str, str]]
_FOLLOWED_NOTE = "<i>Only what this chat follows: /follow lists it, /settings changes it.</i>"


@dataclass(frozen=True)
class DueChat:
    """A chat whose digest time has passed: the day it is due for, and whether that is its local today
    (False: a day whose time passed yesterday, which only a bot that has sent digests before catches up)."""

    chat: int | str
    day: date
    today: bool


def due_chats(
    now: datetime, chats: Mapping[int | str, ChatPrefs], default_day: date | None = None
) -> list[DueChat]:
    """Every chat's due digest day at `now`, at its own time in its own zone. With `default_day` (the bot's
    own daily moment has come) the chats on the default schedule are due for that day whatever the clock."""
    due = []
    for chat, prefs in chats.items():
        if default_day is not None and not prefs.own_schedule:
            due.append(DueChat(chat, default_day, True))
            continue
        day = due_day(now, prefs.time, prefs.zone)
        due.append(DueChat(chat, day, day == now.astimezone(ZoneInfo(prefs.zone)).date()))
    return due


def may_prepare(day: date, today: bool, days: Collection[str]) -> bool:
    """Whether the run of `day` may be prepared now that a chat is due for it: never one older than a run
    already made (the watermark has passed it: its claims went out in that later run), and a day whose time
    passed yesterday only when digests were sent before (a first start does not post yesterday's)."""
    if any(made >= day.isoformat() for made in days):
        return False
    return today or bool(days)


def since_of(run: DigestRun, runs: Sequence[DigestRun]) -> datetime | None:
    """Where a run's claims begin: the cut of the run prepared before it (None for the first run ever)."""
    before = [r.cut for r in runs if r.cut < run.cut]
    return datetime.fromisoformat(max(before)) if before else None


def _chat_prefs(store: Store, channel: str | None, settings: Settings) -> dict[int | str, ChatPrefs]:
    """The chats that get the digest (the channel, then subscribers) with their settings."""
    every = {str(chat): raw for chat, raw in store.all_chat_settings().items()}
    chats: list[int | str] = [channel] if channel else []
    chats += [c for c in store.subscribers() if c not in chats]
    return {
        chat: prefs_from(every.get(str(chat), {}), settings.digest_time, settings.timezone) for chat in chats
    }


def _run_for(store: Store, day: date, now: datetime, today: bool, settings: Settings) -> DigestRun | None:
    made = store.digest_run(day.isoformat())
    if made is not None:
        return made
    if not may_prepare(day, today, store.digest_days()):
        return None
    return prepare(
        store, day, now, settings.digest_chat, settings.digest_when_empty, settings.digest_max_messages
    )


def _followed_runs(
    store: Store, run: DigestRun, follows: Mapping[int | str, tuple[Follow, ...]], settings: Settings
) -> list[DigestRun]:
    """The run as the chats that follow only some speakers or topics get it: the run's claims (first seen
    between the previous cut and this one) filtered by each chat's follows, rendered once per follow list."""
    runs = [r for d in store.digest_days() if (r := store.digest_run(d)) is not None]
    claims = new_claims(store.claims(), since_of(run, runs), datetime.fromisoformat(run.cut))
    day = date.fromisoformat(run.day)
    by_follows: dict[tuple[Follow, ...], list[int | str]] = {}
    for chat, wanted in follows.items():
        by_follows.setdefault(wanted, []).append(chat)
    made = []
    for wanted, chats in by_follows.items():
        messages = render_digest(
            followed(claims, wanted), day, max_messages=settings.digest_max_messages, note=_FOLLOWED_NOTE
        )
        if not messages and settings.digest_when_empty:
            messages = [
                f"<b>claimbot daily digest, {day.day} {day:%b %Y}</b>\nNothing new from what you follow."
            ]
        if messages:
            made.append(replace(run, messages=tuple(messages), recipients=tuple(chats)))
    return made


def _add(total: DeliveryReport, one: DeliveryReport) -> None:
    total.sent += one.sent
    total.skipped += one.skipped
    total.blocked += one.blocked
    total.failed += one.failed


async def deliver_due(
    store: Store,
    send: Send,
    settings: Settings,
    *,
    now: datetime,
    default_day: date | None = None,
    settled: Settled | None = None,
    limits: Limits | None = None,
) -> list[DeliveryReport]:
    """Serve every chat whose own digest time has passed and that has not had that day's digest: one report
    per day served. Under the digest lock, so a second instance leaves it to the first.

    Exactly once per chat and day: the run is the store's (prepared once), and `deliver` skips every chat
    the ledger already names for the day. `settled` lets a running bot skip, without reading the ledger
    again, the chats it already saw to today; it only saves work, the ledger decides."""
    settled = settled if settled is not None else set()
    limits = limits or Limits(per_second=settings.send_rate)
    with store.digest_lock() as held:
        if not held:
            log.info("another instance is sending the digest; leaving it to that one")
            return [DeliveryReport(now.date().isoformat(), busy=True)]
        chats = await asyncio.to_thread(_chat_prefs, store, settings.digest_chat, settings)
        by_day: dict[date, list[DueChat]] = {}
        for due in due_chats(now, chats, default_day):
            if (due.day.isoformat(), str(due.chat)) not in settled:
                by_day.setdefault(due.day, []).append(due)
        reports = []
        pacer = Pacer(limits)
        ledger = store.deliveries()
        for day in sorted(by_day):
            group = by_day[day]
            today = any(d.today for d in group)
            run = await asyncio.to_thread(_run_for, store, day, now, today, settings)
            recipients = {str(c) for c in run.recipients} if run is not None else set()
            todo = [d.chat for d in group if str(d.chat) in recipients]
            if run is None or not todo:
                settled.update((day.isoformat(), str(d.chat)) for d in group)
                continue
            report = DeliveryReport(run.day)
            plain = tuple(c for c in todo if not chats[c].only_followed)
            if plain:
                _add(
                    report,
                    await deliver(replace(run, recipients=plain), store, ledger, send, limits, pacer=pacer),
                )
            picky = {c: chats[c].follows for c in todo if chats[c].only_followed}
            if picky:
                for own in await asyncio.to_thread(_followed_runs, store, run, picky, settings):
                    _add(report, await deliver(own, store, ledger, send, limits, pacer=pacer))
            reports.append(report)
            settled.update((day.isoformat(), str(d.chat)) for d in group)  # only once all went well
        oldest = (now - timedelta(days=3)).date().isoformat()
        settled.difference_update({key for key in settled if key[0] < oldest})
    return reports


# --- alerts when a followed speaker makes a new claim ----------------------------------------------------


def _alert_follows(store: Store, settings: Settings) -> dict[int | str, tuple[Follow, ...]]:
    """The chats that asked for alerts and follow at least one speaker, with what they follow."""
    wanting = {}
    for chat, raw in store.all_chat_settings().items():
        prefs = prefs_from(raw, settings.digest_time, settings.timezone)
        if prefs.alerts and any(f.kind == FollowKind.SPEAKER for f in prefs.follows):
            wanting[chat] = prefs.follows
    return wanting


def _cut_alerts(store: Store, now: datetime, wanted: bool) -> list[Claim]:
    """The claims first seen since the last alert cut, the cut moved to `now` in the same write. A full
    batch when someone wants alerts, as `prepare` does, so no claim being written lands on the wrong side;
    the first time the cut just starts: nobody is alerted to the past."""
    if not wanted:
        with store.state_batch() as state:
            state.set_state(ALERT_WATERMARK, now.isoformat())
        return []
    with store.batch() as batch:
        raw = batch.state(ALERT_WATERMARK)
        batch.set_state(ALERT_WATERMARK, now.isoformat())
        return new_claims(batch.claims(), datetime.fromisoformat(raw), now) if raw else []


async def send_alerts(
    store: Store, send: Send, settings: Settings, *, now: datetime, limits: Limits | None = None
) -> int:
    """Tell each chat that asked for alerts about its followed speakers' claims read since the last round;
    the number of alerts sent. At most once: the cut moves before anything is sent, so a crash loses a
    round's alerts (the digest still has the claims) and never repeats one. Under the digest lock, so two
    instances do not both alert."""
    with store.digest_lock() as held:
        if not held:
            return 0
        wanting = await asyncio.to_thread(_alert_follows, store, settings)
        claims = await asyncio.to_thread(_cut_alerts, store, now, bool(wanting))
        pacer = Pacer(limits or Limits(per_second=settings.send_rate))
        sent = 0
        for chat, mine in alerts_for(claims, wanting).items():
            await pacer.wait(chat)
            try:
                await _send_with_retry(send, chat, render_alert(mine))
            except TelegramError as exc:
                log.info("alert to %s not sent: %s", chat, exc)
            else:
                sent += 1
        return sent
