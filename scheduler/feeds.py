"""News feeds: which ones we follow, what we already took from them, and one polling round.

The store keeps the followed feeds (data.records.Feed) and one SeenItem per item we are done with, in its
small state, apart from the claims.

An item counts as seen by its guid (within its feed; guids need not be unique across feeds), by its
link (anywhere) or by the content hash of the article made from it, so a feed that re-orders, re-dates
or re-publishes items under new ids adds nothing twice. The pure parts (parsing, back-off, "is it due",
choosing an outlet) are kept apart from the I/O: the feed-list functions and `poll_once`.

No scheduling happens here: the caller runs `poll_once` every few minutes. A feed that polls fine is
due at every round; one that fails waits `backoff(failures)` before it is tried again.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import feedparser
from spacy.language import Language

from bot.ingest.readers import article_from_html, article_from_text
from bot.models import Article
from bot.pipeline import content_hash, ingest
from data.port import Store
from data.records import Feed, SeenItem
from scheduler.fetch import Fetcher, FetchError, Refused

__all__ = [
    "DEFAULT_INTERVAL",
    "MAX_BACKOFF",
    "Feed",
    "FeedError",
    "FeedItem",
    "ParsedFeed",
    "PollReport",
    "add_feed",
    "backoff",
    "choose_outlet",
    "get_feed",
    "is_due",
    "item_doc_id",
    "list_feeds",
    "normalise_feed_url",
    "parse_feed",
    "poll_once",
    "read_feed",
    "remove_feed",
]

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = timedelta(minutes=15)
MAX_BACKOFF = timedelta(hours=24)
# A scheduler may fire a little early; a feed due within this much is polled now, not a round later.
DUE_GRACE = timedelta(seconds=30)
# The first poll of a long feed should not fetch hundreds of pages in one round; the rest come next round.
MAX_NEW_ITEMS = 50


class FeedError(Exception):
    """Content that is not a usable RSS or Atom feed; the message names the feed."""


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed; `summary` is plain text (the richest of the feed's content and summary)."""

    guid: str | None
    link: str | None
    title: str | None
    summary: str | None
    published: date | None


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    items: list[FeedItem]


@dataclass(frozen=True)
class PollReport:
    """What one round did. `feeds_polled` counts every feed tried, `feeds_failed` those of them that failed;
    `errors` also lists items that fell back to the feed's summary or were skipped."""

    feeds_polled: int
    feeds_failed: int
    items_new: int
    claims_added: int
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        """One readable line for the log: "3 feeds polled (1 failed), 5 new articles, 12 new claims"."""

        def count(n: int, word: str) -> str:
            return f"{n} {word}{'' if n == 1 else 's'}"

        failed = f" ({self.feeds_failed} failed)" if self.feeds_failed else ""
        problems = (
            f"; {count(len(self.errors), 'problem')}: {'; '.join(self.errors[:3])}" if self.errors else ""
        )
        return (
            f"{count(self.feeds_polled, 'feed')} polled{failed}, {count(self.items_new, 'new article')}, "
            f"{count(self.claims_added, 'new claim')}{problems}"
        )


# --- pure rules ----------------------------------------------------------------------------------------


def normalise_feed_url(url: str) -> str:
    """The form a feed URL is stored in, so one feed added twice is one feed; ValueError if not http(s)."""
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or re.search(r"\s", text):
        raise ValueError(f"{url!r} is not an http:// or https:// URL")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, ""))


def backoff(failures: int, interval: timedelta = DEFAULT_INTERVAL, cap: timedelta = MAX_BACKOFF) -> timedelta:
    """How long a feed that failed `failures` times in a row rests: interval * 2**failures, at most `cap`."""
    if failures <= 0:
        return timedelta(0)
    return min(interval * 2 ** min(failures, 30), cap)


def is_due(feed: Feed, now: datetime, *, grace: timedelta = DUE_GRACE) -> bool:
    """A feed with no next_poll is due at every round; one resting after failures once its time comes."""
    return feed.next_poll is None or feed.next_poll <= _utc(now) + grace


def item_doc_id(feed_url: str, item: FeedItem) -> str:
    """A stable document id: the same item gives the same id however often the feed re-dates it."""
    key = f"{feed_url}\x1f{item.guid}" if item.guid else (item.link or "")
    return "feed-" + hashlib.sha1(key.encode()).hexdigest()[:16]


def choose_outlet(site_name: str | None, page_url: str | None, feed_title: str | None) -> str | None:
    """The page's own site name, unless it is only the host name (a scraper's guess): then the feed title."""
    if site_name and not _is_host_name(site_name, page_url):
        return site_name
    return feed_title or site_name


def _is_host_name(name: str, url: str | None) -> bool:
    if not url:
        return False
    netloc = urlsplit(url).netloc.lower()
    host = re.sub(r"^(?:www|w\d+)\.", "", netloc)
    name = name.strip().lower()
    return name in {netloc, host, host.split(":")[0]}


# --- parsing -------------------------------------------------------------------------------------------


def parse_feed(content: bytes, feed_url: str) -> list[FeedItem]:
    """The items of an RSS or Atom document, links made absolute against feed_url.

    FeedError for a document that is not a feed (broken XML with no entries, an HTML page); a valid
    feed with no items is an empty list.
    """
    return read_feed(content, feed_url).items


def read_feed(content: bytes, feed_url: str) -> ParsedFeed:
    """parse_feed, plus the feed's title (the fallback outlet for its articles)."""
    # a stream, never bytes or str: feedparser would take those for a file name or a URL and open it
    # the content type is declared so that feedparser judges the bytes, not the missing HTTP headers
    headers = {"content-location": feed_url, "content-type": "application/xml"}
    parsed = feedparser.parse(io.BytesIO(content), response_headers=headers)
    if not parsed.entries and (parsed.get("bozo") or not parsed.get("version")):
        problem = parsed.get("bozo_exception") or "no RSS or Atom root element"
        raise FeedError(f"{feed_url}: not a valid feed ({_one_line(str(problem))})")
    items = [item for entry in parsed.entries if (item := _item(entry, feed_url)) is not None]
    return ParsedFeed(title=_text(parsed.feed.get("title")), items=items)


def _item(entry: Mapping[str, Any], feed_url: str) -> FeedItem | None:
    link = _text(entry.get("link"))
    if link:
        link = urljoin(feed_url, link)
    title = _text(entry.get("title"))
    summary = _richest_text(entry)
    guid = _text(entry.get("id"))
    if not guid and not link:
        if not (title or summary):
            return None
        guid = "text:" + hashlib.sha1(f"{title}\x1f{summary}".encode()).hexdigest()
    return FeedItem(guid=guid, link=link, title=title, summary=summary, published=_entry_date(entry))


def _richest_text(entry: Mapping[str, Any]) -> str | None:
    """Full text (content:encoded, Atom content) when the feed gives it, else the summary."""
    details = [*(entry.get("content") or ()), entry.get("summary_detail") or {}]
    texts = [_plain(d.get("value") or "", d.get("type") or "text/html") for d in details]
    return max((t for t in texts if t), key=len, default=None)


def _entry_date(entry: Mapping[str, Any]) -> date | None:
    stamp = entry.get("published_parsed")
    if not stamp and "updated_parsed" in entry:  # `in` first: feedparser warns when asked for a missing one
        stamp = entry["updated_parsed"]
    try:
        return date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday) if stamp else None
    except ValueError:
        return None


class _TextOnly(HTMLParser):
    """Text of an HTML fragment, one line per block element."""

    _BLOCKS = frozenset({"p", "br", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _plain(value: str, kind: str) -> str:
    if "html" in kind:
        parser = _TextOnly()
        parser.feed(value)
        parser.close()
        value = "".join(parser.parts)
    lines = (" ".join(line.split()) for line in value.splitlines())
    return "\n".join(line for line in lines if line)


def _text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --- the followed feeds --------------------------------------------------------------------------------


def add_feed(store: Store, url: str) -> Feed:
    """Follow a feed (ValueError for a non-http(s) URL); a feed already followed is returned as it is."""
    url = normalise_feed_url(url)
    with store.state_batch() as batch:
        return batch.add_feed(Feed(url=url))


def remove_feed(store: Store, url: str) -> bool:
    """Stop following a feed. Its items stay remembered, so adding it back re-ingests nothing."""
    try:
        url = normalise_feed_url(url)
    except ValueError:
        return False
    with store.state_batch() as batch:
        return batch.remove_feed(url)


def list_feeds(store: Store) -> list[Feed]:
    """Feeds in the order they were added."""
    return store.feeds()


def get_feed(store: Store, url: str) -> Feed | None:
    url = normalise_feed_url(url)
    return next((f for f in list_feeds(store) if f.url == url), None)


class _Seen:
    """Every guid, link and content hash already taken, from the feed tables and the store's documents."""

    def __init__(self, items: Iterable[SeenItem], document_hashes: Iterable[str]) -> None:
        self.guids: set[tuple[str, str]] = set()
        self.links: set[str] = set()
        self.hashes: set[str] = set(document_hashes)
        for item in items:
            self.add(item.feed, item.guid, item.link, item.hash)

    def knows(self, feed_url: str, item: FeedItem) -> bool:
        return (item.guid is not None and (feed_url, item.guid) in self.guids) or (
            item.link is not None and item.link in self.links
        )

    def add(self, feed_url: str, guid: str | None, link: str | None, digest: str | None) -> None:
        if guid:
            self.guids.add((feed_url, guid))
        if link:
            self.links.add(link)
        if digest:
            self.hashes.add(digest)


# --- one polling round ---------------------------------------------------------------------------------


@dataclass
class _Outcome:
    """One feed's part of a round: its new state, new articles and the item rows to remember."""

    feed: Feed
    articles: list[Article] = field(default_factory=list)
    items: list[SeenItem] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    failed: bool = False
    retries: dict[str, dict[str, Any] | None] = field(default_factory=dict)  # item key -> its retry, or None


#: The store's named value holding the items whose page failed and when each is tried again.
ITEM_RETRIES = "feed_item_retries"


def _item_key(feed_url: str, item: FeedItem) -> str:
    return f"{feed_url}\n{item.guid or item.link or item.title or ''}"


def poll_once(
    store: Store,
    fetcher: Fetcher,
    *,
    nlp: Language | None = None,
    now: datetime | None = None,
    only_due: bool = True,
    poll_interval: timedelta = DEFAULT_INTERVAL,
    max_new_items: int = MAX_NEW_ITEMS,
) -> PollReport:
    """Poll every due feed (every feed if not only_due), ingest all new articles in one go, remember them.

    A feed that fails (network, HTTP status, not a feed) is logged, backs off and does not stop the others.
    Items are remembered only after the ingest succeeded, so a crash in between costs a re-fetch, not a claim.
    """
    now = _utc(now or datetime.now(UTC))
    feeds = [f for f in list_feeds(store) if not only_due or is_due(f, now)]
    seen = _Seen(store.feed_items(), store.seen_documents().values())
    retries: dict[str, dict[str, Any]] = dict(store.state(ITEM_RETRIES) or {})
    outcomes = [_poll_feed(feed, fetcher, seen, now, poll_interval, max_new_items, retries) for feed in feeds]
    articles = [a for o in outcomes for a in o.articles]
    claims_added = ingest(store, articles, nlp=nlp, now=now).claims_added if articles else 0
    _remember(store, outcomes)
    return PollReport(
        feeds_polled=len(outcomes),
        feeds_failed=sum(o.failed for o in outcomes),
        items_new=len(articles),
        claims_added=claims_added,
        errors=[e for o in outcomes for e in o.errors],
    )


def _poll_feed(
    feed: Feed,
    fetcher: Fetcher,
    seen: _Seen,
    now: datetime,
    interval: timedelta,
    limit: int,
    retries: Mapping[str, Mapping[str, Any]] | None = None,
) -> _Outcome:
    try:
        return _read_new_items(feed, fetcher, seen, now, limit, retries or {}, interval)
    except (FetchError, FeedError) as exc:
        message = str(exc)
        log.warning("feed %s failed: %s", feed.url, message)
    except Exception as exc:  # one feed must never stop a round; the log keeps the traceback
        message = f"{feed.url}: unexpected error ({type(exc).__name__}: {exc})"
        log.exception("feed %s failed unexpectedly", feed.url)
    failures = feed.failures + 1
    state = replace(feed, failures=failures, next_poll=now + backoff(failures, interval), last_error=message)
    return _Outcome(feed=state, errors=[f"feed {message}"], failed=True)


def _read_new_items(
    feed: Feed,
    fetcher: Fetcher,
    seen: _Seen,
    now: datetime,
    limit: int,
    retries: Mapping[str, Mapping[str, Any]],
    interval: timedelta = DEFAULT_INTERVAL,
) -> _Outcome:
    result = fetcher.fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
    if result.not_modified:
        return _Outcome(feed=replace(feed, failures=0, next_poll=None, last_error=None))
    parsed = read_feed(result.content, result.final_url)
    title = parsed.title or feed.title
    outcome = _Outcome(feed=feed)
    complete = True  # every item dealt with; otherwise keep the old validators so the next poll gets them all
    tried = 0
    for item in parsed.items:
        if seen.knows(feed.url, item):
            continue
        key = _item_key(feed.url, item)
        waiting = retries.get(key)
        if waiting is not None and str(waiting.get("next", "")) > now.isoformat():
            complete = False  # its page failed before: it rests until its own next try
            continue
        if tried >= limit:
            complete = False
            break
        tried += 1
        doc_id = item_doc_id(feed.url, item)
        article, problem, retry = _article_for(item, doc_id, title, fetcher)
        if problem:
            outcome.errors.append(problem)
        if article is None and retry:
            # recorded as failed, with its error, and tried again after a back-off of its own
            failures = int((waiting or {}).get("failures", 0)) + 1
            retry_at = now + backoff(failures, interval)
            outcome.retries[key] = {"failures": failures, "next": retry_at.isoformat(), "error": problem}
            complete = False
            continue
        if waiting is not None:
            outcome.retries[key] = None  # done with: no longer waiting
        digest = content_hash(article) if article else None
        is_new = article is not None and digest not in seen.hashes
        if article is not None and is_new:
            outcome.articles.append(article)
        outcome.items.append(
            SeenItem(feed.url, item.guid, item.link, digest, doc_id if is_new else None, now)
        )
        seen.add(feed.url, item.guid, item.link, digest)
    validators = (result.etag, result.last_modified) if complete else (feed.etag, feed.last_modified)
    outcome.feed = Feed(
        url=feed.url,
        etag=validators[0],
        last_modified=validators[1],
        failures=0,
        next_poll=None,
        last_error=None,
        title=title,
    )
    return outcome


def _article_for(
    item: FeedItem, doc_id: str, feed_title: str | None, fetcher: Fetcher
) -> tuple[Article | None, str | None, bool]:
    """The item's article from its page, else from the feed's summary.

    Returns (article, problem worth reporting, whether to try the item again next round): a page that
    could not be fetched may work later; one that was fetched and holds no article will not.
    """
    where = item.link or item.guid or "an item"
    retry = False
    if item.link and urlsplit(item.link).scheme in ("http", "https"):
        try:
            page = fetcher.fetch(item.link)
            found = None
            if page.content:
                found = article_from_html(page.content, doc_id=doc_id, url=page.final_url)
        except Refused as exc:  # the network policy will refuse it next round too
            problem = exc.reason
        except FetchError as exc:
            problem, retry = exc.reason, True
        except Exception as exc:  # a scraper bug on one odd page is that item's problem only
            log.exception("page %s could not be read", item.link)
            problem = f"page could not be read ({type(exc).__name__})"
        else:
            if found is not None:
                return _from_page(found, item, feed_title), None, False
            problem = "the page holds no article text"
    else:
        problem = "no page to fetch"
    fallback = (
        article_from_text(
            item.summary,
            doc_id=doc_id,
            outlet=feed_title,
            url=item.link,
            published=item.published,
            title=item.title,
        )
        if item.summary
        else None
    )
    if fallback is not None:
        log.info("item %s: %s; using the feed's summary", where, problem)
        return fallback, f"item {where}: {problem}; used the feed's summary", False
    log.warning("item %s: %s, and the feed gives no summary", where, problem)
    return None, f"item {where}: {problem}, and the feed gives no summary", retry


def _from_page(article: Article, item: FeedItem, feed_title: str | None) -> Article:
    return replace(
        article,
        outlet=choose_outlet(article.outlet, article.url or item.link, feed_title),
        url=article.url or item.link,
        published=article.published or item.published,
        title=article.title or item.title,
    )


def _remember(store: Store, outcomes: list[_Outcome]) -> None:
    """Feed states and seen items in one write, after the claims; feeds removed while we polled stay
    removed."""
    if not outcomes:
        return
    with store.state_batch() as batch:
        batch.update_feeds(o.feed for o in outcomes)
        batch.add_feed_items(item for o in outcomes for item in o.items)
        changes = {k: v for o in outcomes for k, v in o.retries.items()}
        if changes:
            retries = dict(batch.state(ITEM_RETRIES) or {})
            for key, waiting in changes.items():
                if waiting is None:
                    retries.pop(key, None)
                else:
                    retries[key] = waiting
            batch.set_state(ITEM_RETRIES, retries)


def _utc(moment: datetime) -> datetime:
    """Naive times are taken as UTC, as the store does."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
