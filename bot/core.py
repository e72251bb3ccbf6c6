"""The application core: one object holding claimbot's use cases, which the CLI, the Telegram handlers and
the scheduler all call, so each use case is written once and they cannot drift apart.

It reads and writes through the store port only (any backend), keeps the answer index (ClaimService), and
leaves the media to its callers: they parse input, call one method, and render the result for their medium.
Every method is synchronous and may block (disk, database, spaCy): the bot calls them off the event loop.
Heavy dependencies (spaCy, feed parsing, Telegram) are imported only by the methods that need them, so a
one-shot `claimbot ask` stays quick to start.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.ask.answer import Answer
from bot.chatsettings import Follow
from bot.config import Settings
from bot.digest import WATERMARK, followed, new_claims, render_digest
from bot.models import Article, Claim
from bot.service import ClaimService, SpeakerCard
from data.indexcache import cache_path
from data.port import Store
from data.records import Feed

if TYPE_CHECKING:
    from spacy.language import Language

    from bot.pipeline import IngestReport, ReextractReport
    from scheduler.digest import DeliveryReport, Send
    from scheduler.feeds import PollReport
    from scheduler.fetch import Fetcher


@dataclass(frozen=True)
class Stats:
    """What the store holds, for `claimbot stats` and /stats."""

    location: str
    claims: int
    sources: int
    with_figures: int
    speakers: int
    articles: int
    texts: int  # articles whose text is stored (re-extractable)
    subscribers: int
    feeds: int


class Core:
    """claimbot's use cases over one store."""

    def __init__(self, store: Store, settings: Settings | None = None, nlp: Language | None = None) -> None:
        self.store = store
        self.settings = settings or Settings()
        self.nlp = nlp
        self.answers = ClaimService(store, cache_path(store.location, self.settings.cache_dir))

    # --- articles in -----------------------------------------------------------------------------------

    def ingest(
        self,
        articles: Iterable[Article],
        *,
        now: datetime | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> IngestReport:
        """Store the claims of articles not seen before, in one batch; `progress(done, total)` as it goes."""
        from bot.pipeline import ingest  # spaCy loads only for the use cases that parse text

        return ingest(self.store, articles, nlp=self.nlp, now=now, progress=progress)

    def reextract(self, *, dry_run: bool = False, now: datetime | None = None) -> ReextractReport:
        """Rebuild every claim from the stored texts with the current extractor."""
        from bot.pipeline import reextract

        return reextract(self.store, nlp=self.nlp, now=now, dry_run=dry_run)

    # --- questions -------------------------------------------------------------------------------------

    def ask(self, question: str) -> Answer:
        return self.answers.ask(question)

    def latest(self, limit: int = 5) -> list[Claim]:
        return self.answers.latest(limit)

    def who(self, name: str) -> SpeakerCard | None:
        return self.answers.speaker_card(name)

    def closest_names(self, name: str) -> tuple[str, ...]:
        return self.answers.closest_names(name)

    def claims(self, speaker: str | None = None) -> list[Claim]:
        """Every stored claim (of speakers whose name contains `speaker`), by speaker then date."""
        claims = self.store.claims()
        if speaker:
            claims = [c for c in claims if speaker.lower() in c.speaker.lower()]
        return sorted(claims, key=lambda c: (c.speaker.lower(), c.said_on or date.min))

    def stats(self) -> Stats:
        counts = self.store.count()
        claims, _ = self.store.snapshot()
        every: Sequence[Claim] = claims[:]  # built here: stats is rare and wants every source
        seen = self.store.seen_documents()
        texts = sum(seen.get(doc) == digest for doc, digest in self.store.article_hashes().items())
        return Stats(
            location=self.store.location,
            claims=len(every),
            sources=sum(len(c.sources) for c in every),
            with_figures=sum(bool(c.figures) for c in every),
            speakers=counts.get("speakers", 0),
            articles=counts.get("documents", 0),
            texts=texts,
            subscribers=counts.get("subscribers", 0),
            feeds=counts.get("feeds", 0),
        )

    # --- chats -----------------------------------------------------------------------------------------

    def subscribe(self, chat: int | str) -> bool:
        """Daily digest for this chat; False when it already had it. Never touches the claims."""
        with self.store.state_batch() as state:
            return state.subscribe(chat)

    def unsubscribe(self, chat: int | str) -> bool:
        with self.store.state_batch() as state:
            return state.unsubscribe(chat)

    def chat_settings(self, chat: int | str) -> dict[str, Any]:
        return self.store.chat_settings(chat)

    def set_chat_setting(self, chat: int | str, key: str, value: Any) -> None:
        with self.store.state_batch() as state:
            state.set_chat_setting(chat, key, value)

    # --- feeds -----------------------------------------------------------------------------------------

    def add_feed(self, url: str) -> Feed:
        """Follow a feed (ValueError for a URL that is not http(s))."""
        from scheduler.feeds import add_feed

        return add_feed(self.store, url)

    def remove_feed(self, url: str) -> bool:
        from scheduler.feeds import remove_feed

        return remove_feed(self.store, url)

    def feeds(self) -> list[Feed]:
        return self.store.feeds()

    def poll(self, fetcher: Fetcher, *, only_due: bool = True, now: datetime | None = None) -> PollReport:
        """One polling round over the feeds, through the given fetcher (the one network boundary)."""
        from datetime import timedelta

        from scheduler.feeds import poll_once

        interval = timedelta(minutes=self.settings.poll_minutes)
        return poll_once(
            self.store, fetcher, nlp=self.nlp, now=now, only_due=only_due, poll_interval=interval
        )

    # --- the daily digest ------------------------------------------------------------------------------

    def digest_day(self, now: datetime | None = None) -> date:
        """Today in the configured time zone: the day a digest sent now is dated."""
        now = now or datetime.now(UTC)
        return now.astimezone(ZoneInfo(self.settings.timezone)).date()

    def digest_preview(
        self, now: datetime | None = None, *, full: bool = False, follows: Sequence[Follow] | None = None
    ) -> list[str]:
        """What the next digest would say now (Telegram HTML parts; empty when nothing is new): the top
        claims, or with `full` every new claim; with `follows`, only the claims they want (a chat that
        gets only what it follows). The CLI and the bot both show this, so they agree on the day and on
        the claims."""
        now = now or datetime.now(UTC)
        raw = self.store.state(WATERMARK)
        since = datetime.fromisoformat(raw) if raw else None
        claims = new_claims(self.answers.index.claims, since, now)
        if follows is not None:
            claims = followed(claims, follows)
        day = self.digest_day(now)
        return render_digest(claims, day, full=full, max_messages=self.settings.digest_max_messages)

    async def send_digest(
        self, send: Send, *, now: datetime | None = None, day: date | None = None
    ) -> DeliveryReport:
        """Prepare (once) and deliver today's digest to the channel and every subscriber, as configured."""
        from scheduler.digest import Limits, send_digest

        now = now or datetime.now(UTC)
        return await send_digest(
            self.store,
            send,
            now=now,
            day=day or self.digest_day(now),
            channel=self.settings.digest_chat,
            when_empty=self.settings.digest_when_empty,
            limits=Limits(per_second=self.settings.send_rate),
            max_messages=self.settings.digest_max_messages,
        )

    async def deliver_due(
        self,
        send: Send,
        *,
        now: datetime | None = None,
        default_day: date | None = None,
        settled: set[tuple[str, str]] | None = None,
    ) -> list[DeliveryReport]:
        """Serve the chats whose own digest time (their /settings, else CLAIMBOT_DIGEST_TIME in CLAIMBOT_TZ)
        has passed and that have not had that day's digest; with `default_day`, the chats on the default
        schedule get that day's now (the bot's daily moment). See scheduler.digest.deliver_due."""
        from scheduler.digest import deliver_due

        return await deliver_due(
            self.store, send, self.settings, now=now or datetime.now(UTC), default_day=default_day,
            settled=settled,
        )  # fmt: skip

    def catch_up_day(self, now: datetime | None = None) -> date | None:
        """The day whose digest should go out now because its time passed while the bot was down, if any.
        Only a bot that has sent digests before catches up: a first start does not post yesterday's."""
        from scheduler.digest import due_day

        days = self.store.digest_days()
        if not days:
            return None
        day = due_day(now or datetime.now(UTC), self.settings.digest_time, self.settings.timezone)
        return None if day.isoformat() in days else day
