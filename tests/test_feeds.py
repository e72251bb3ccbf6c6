"""Feed polling against a real HTTP server on 127.0.0.1 serving the feeds and pages in fixtures/feeds/.

The server honours If-None-Match / If-Modified-Since and logs every request, so the tests can check what
the poller sent, what it fetched again and what it left alone.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from spacy.language import Language

import scheduler.feeds as feeds
from bot.models import Claim
from data.store import ClaimStore
from scheduler.feeds import (
    Feed,
    FeedError,
    FeedItem,
    PollReport,
    add_feed,
    backoff,
    choose_outlet,
    get_feed,
    is_due,
    item_doc_id,
    list_feeds,
    normalise_feed_url,
    parse_feed,
    poll_once,
    remove_feed,
)
from scheduler.fetch import USER_AGENT, Fetcher, FetchError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "feeds"
NOW = datetime(2024, 3, 10, 9, 0, tzinfo=UTC)
INTERVAL = timedelta(minutes=15)
TIMEOUT = 0.5  # the test Fetcher's timeout; the slow route sleeps well past it
LAST_MODIFIED = "Sun, 10 Mar 2024 08:00:00 GMT"


# --- a small news site ---------------------------------------------------------------------------------


@dataclass
class Route:
    """What the server answers for one path: a fixture file (with __BASE__ filled in) or literal bytes."""

    file: str | None = None
    body: bytes | None = None
    status: int = 200
    etag: bool = True
    last_modified: str | None = LAST_MODIFIED
    delay: float = 0.0


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    status: int = 0


@dataclass
class NewsSite:
    base: str = ""
    routes: dict[str, Route] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path

    def requests(self, path: str) -> list[Hit]:
        return [h for h in self.hits if h.path == path]

    def body(self, route: Route) -> bytes:
        if route.body is not None:
            return route.body
        assert route.file is not None
        return (FIXTURES / route.file).read_bytes().replace(b"__BASE__", self.base.encode())


def _handler(site: NewsSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hit = Hit(self.path, {k.lower(): v for k, v in self.headers.items()})
            site.hits.append(hit)
            route = site.routes.get(self.path)
            if route is None:
                hit.status = 404
                self._send(404, b"<html><body>Not found</body></html>", {})
                return
            if route.delay:
                time.sleep(route.delay)
            body = site.body(route)
            headers: dict[str, str] = {}
            if route.etag:
                headers["ETag"] = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            if route.last_modified:
                headers["Last-Modified"] = route.last_modified
            hit.status = route.status
            if route.status == 200 and self._unchanged(headers):
                hit.status = 304
                self._send(304, b"", headers)
            else:
                self._send(route.status, body, headers)

        def _unchanged(self, headers: dict[str, str]) -> bool:
            if "If-None-Match" in self.headers:
                return self.headers["If-None-Match"] == headers.get("ETag")
            return (
                "Last-Modified" in headers
                and self.headers.get("If-Modified-Since") == headers["Last-Modified"]
            )

        def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if status != 304:
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (the timeout test); nothing to report

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def site() -> Iterator[NewsSite]:
    news = NewsSite()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(news))
    news.base = f"http://127.0.0.1:{server.server_address[1]}"
    news.routes = {
        "/rss.xml": Route("rss.xml"),
        "/atom.xml": Route("atom.xml", etag=False),
        "/broken.xml": Route("broken.xml"),
        "/slow.xml": Route("rss.xml", delay=3 * TIMEOUT),
        "/news/river-flood.html": Route("news/river-flood.html"),
        "/news/bus-fares.html": Route("news/bus-fares.html"),
        "/news/harbour-dredging.html": Route("news/harbour-dredging.html"),
        "/news/lantern-gallery.html": Route("news/lantern-gallery.html"),
        # /news/library-record.html is missing on purpose: that item falls back to the feed's summary
    }
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield news
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def fetcher(monkeypatch: pytest.MonkeyPatch) -> Iterator[Fetcher]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("CLAIMBOT_ALLOW_PRIVATE_URLS", "1")  # the test site is on 127.0.0.1
    with Fetcher(timeout=TIMEOUT) as client:
        yield client


@pytest.fixture
def store(tmp_path: Path) -> ClaimStore:
    return ClaimStore(tmp_path / "claims.json")


def by_document(claims: list[Claim]) -> dict[str, list[Claim]]:
    found: dict[str, list[Claim]] = {}
    for claim in claims:
        for source in claim.sources:
            found.setdefault(source.url or "", []).append(claim)
    return found


def figures(claims: list[Claim]) -> set[str]:
    return {f.text for c in claims for f in c.figures}


# --- polling -------------------------------------------------------------------------------------------


def test_new_items_become_claims_and_repolling_adds_nothing(
    site: NewsSite, fetcher: Fetcher, store: ClaimStore, nlp: Language
) -> None:
    add_feed(store, site.url("/rss.xml"))
    add_feed(store, site.url("/atom.xml"))

    first = poll_once(store, fetcher, nlp=nlp, now=NOW)

    assert (first.feeds_polled, first.feeds_failed, first.items_new) == (2, 0, 5)
    claims = store.claims()
    assert first.claims_added == len(claims) >= 5
    found = by_document(claims)
    expected = [  # page (or summary) -> a figure it states, and the outlet credited
        ("/news/river-flood.html", "7.2", "The Eastbridge Courier"),  # the page's og:site_name
        ("/news/bus-fares.html", "15 percent", "Valley News Wire"),  # no site name: the feed's title
        ("/news/library-record.html", "48,000", "Valley News Wire"),  # 404: the feed's summary
        ("/news/harbour-dredging.html", "3.5 million", "Port Weekly"),  # Atom, relative link
        ("/news/lantern-gallery.html", "12,000", "Coast Weekly"),  # a gallery, no article: the summary
    ]
    for path, figure, outlet in expected:
        assert figure in figures(found[site.url(path)]), path
        assert {s.outlet for c in found[site.url(path)] for s in c.sources} == {outlet}, path
    assert len(first.errors) == 2 and all("used the feed's summary" in e for e in first.errors)
    assert {f.title for f in list_feeds(store)} == {"Valley News Wire", "Coast Weekly"}

    pages_before = sum(h.path.startswith("/news/") for h in site.hits)
    again = poll_once(store, fetcher, nlp=nlp, now=NOW + INTERVAL)

    assert again == PollReport(feeds_polled=2, feeds_failed=0, items_new=0, claims_added=0, errors=[])
    assert store.claims() == claims
    assert sum(h.path.startswith("/news/") for h in site.hits) == pages_before


@pytest.mark.parametrize(
    ("path", "validator", "sent_as"),
    [
        ("/rss.xml", "ETag", "if-none-match"),  # RSS served with ETag and Last-Modified
        ("/atom.xml", "Last-Modified", "if-modified-since"),  # Atom served with Last-Modified only
    ],
)
def test_a_304_is_honoured_and_nothing_is_parsed(
    site: NewsSite,
    fetcher: Fetcher,
    store: ClaimStore,
    nlp: Language,
    monkeypatch: pytest.MonkeyPatch,
    path: str,
    validator: str,
    sent_as: str,
) -> None:
    add_feed(store, site.url(path))
    poll_once(store, fetcher, nlp=nlp, now=NOW)
    first_hit = site.requests(path)[0]
    assert "if-none-match" not in first_hit.headers and "if-modified-since" not in first_hit.headers
    assert "claimbot" in first_hit.headers["user-agent"]
    parsed: list[str] = []
    real_read_feed = feeds.read_feed

    def counting(content: bytes, feed_url: str) -> feeds.ParsedFeed:
        parsed.append(feed_url)
        return real_read_feed(content, feed_url)

    monkeypatch.setattr(feeds, "read_feed", counting)

    report = poll_once(store, fetcher, nlp=nlp, now=NOW + INTERVAL)

    second = site.requests(path)[1]
    stored = get_feed(store, site.url(path))
    assert stored is not None
    assert second.headers[sent_as] == (stored.etag if validator == "ETag" else stored.last_modified)
    assert second.status == 304
    assert parsed == []
    assert report == PollReport(feeds_polled=1, feeds_failed=0, items_new=0, claims_added=0, errors=[])


def test_a_reordered_redated_or_republished_feed_adds_nothing(
    site: NewsSite, fetcher: Fetcher, store: ClaimStore, nlp: Language
) -> None:
    add_feed(store, site.url("/rss.xml"))
    poll_once(store, fetcher, nlp=nlp, now=NOW)
    claims, documents = store.claims(), store.seen_documents()
    # the same items in another order with new dates, and one article again under a new guid and link
    site.routes["/rss.xml"] = Route("rss-reordered.xml")
    site.routes["/news/bus-fares-explained.html"] = Route("news/bus-fares.html")

    report = poll_once(store, fetcher, nlp=nlp, now=NOW + INTERVAL)

    assert site.requests("/rss.xml")[-1].status == 200  # new content, so parsed again
    assert report == PollReport(feeds_polled=1, feeds_failed=0, items_new=0, claims_added=0, errors=[])
    assert store.claims() == claims and store.seen_documents() == documents
    # the re-published page was fetched once to hash it, and is remembered by its guid, link and hash
    assert len(site.requests("/news/bus-fares-explained.html")) == 1
    rows = store.feed_items()
    copy = next(r for r in rows if r.guid == "valley-wire-2040")
    original = next(r for r in rows if r.guid == "valley-wire-1002")
    assert copy.hash == original.hash and copy.doc is None

    poll_once(store, fetcher, nlp=nlp, now=NOW + 2 * INTERVAL)
    assert len(site.requests("/news/bus-fares-explained.html")) == 1


def test_an_item_page_that_404s_falls_back_to_the_feed_summary(
    site: NewsSite, fetcher: Fetcher, store: ClaimStore, nlp: Language
) -> None:
    feed = add_feed(store, site.url("/rss.xml"))
    report = poll_once(store, fetcher, nlp=nlp, now=NOW)

    link = site.url("/news/library-record.html")
    assert [h.status for h in site.requests("/news/library-record.html")] == [404]
    assert report.errors == [f"item {link}: HTTP 404 Not Found; used the feed's summary"]
    [claim] = by_document(store.claims())[link]
    assert claim.speaker == "Ada Moreno" and figures([claim]) == {"48,000"}
    [source] = claim.sources
    item = FeedItem("valley-wire-1003", link, None, None, None)
    assert source.document == item_doc_id(feed.url, item)
    assert source.published == date(2024, 3, 7)  # the item's date, since there is no page to read it from


def test_an_item_with_no_page_and_no_summary_is_tried_again_after_its_own_back_off(
    site: NewsSite, fetcher: Fetcher, store: ClaimStore, nlp: Language
) -> None:
    item = (
        f"<item><title>Flood update</title><link>{site.url('/news/later.html')}</link><guid>u-1</guid></item>"
    )
    site.routes["/later.xml"] = Route(body=f'<rss version="2.0"><channel>{item}</channel></rss>'.encode())
    add_feed(store, site.url("/later.xml"))

    first = poll_once(store, fetcher, nlp=nlp, now=NOW)

    assert (first.feeds_failed, first.items_new) == (0, 0)
    assert first.errors == [
        f"item {site.url('/news/later.html')}: HTTP 404 Not Found, and the feed gives no summary"
    ]
    assert store.feed_items() == []
    stored = get_feed(store, site.url("/later.xml"))
    assert stored is not None and stored.etag is None  # so the next poll gets the whole feed again

    [(key, waiting)] = store.state(feeds.ITEM_RETRIES).items()
    assert key.endswith("u-1") and waiting["failures"] == 1 and "404" in waiting["error"]
    assert waiting["next"] == (NOW + 2 * INTERVAL).isoformat()

    resting = poll_once(store, fetcher, nlp=nlp, now=NOW + INTERVAL)  # before its next try: left alone
    assert (resting.items_new, resting.errors) == (0, [])
    assert len(site.requests("/news/later.html")) == 1

    site.routes["/news/later.html"] = Route("news/river-flood.html")
    second = poll_once(store, fetcher, nlp=nlp, now=NOW + 2 * INTERVAL)

    assert "if-none-match" not in site.requests("/later.xml")[-1].headers
    assert (second.items_new, second.errors) == (1, [])
    assert "7.2" in figures(store.claims())
    assert store.state(feeds.ITEM_RETRIES) == {}  # done with


def test_a_failing_item_page_backs_off_longer_each_time_without_holding_up_the_others(
    site: NewsSite, fetcher: Fetcher, store: ClaimStore, nlp: Language
) -> None:
    bad = f"<item><title>Gone</title><link>{site.url('/news/gone.html')}</link><guid>g-1</guid></item>"
    good = f"<item><title>Flood</title><link>{site.url('/news/flood.html')}</link><guid>f-1</guid></item>"
    site.routes["/news/flood.html"] = Route("news/river-flood.html")
    site.routes["/mixed.xml"] = Route(
        body=f'<rss version="2.0"><channel>{bad}{good}</channel></rss>'.encode()
    )
    add_feed(store, site.url("/mixed.xml"))

    first = poll_once(store, fetcher, nlp=nlp, now=NOW)
    assert first.items_new == 1 and "7.2" in figures(store.claims())

    poll_once(store, fetcher, nlp=nlp, now=NOW + 2 * INTERVAL)  # its first try is due: fails again
    [waiting] = store.state(feeds.ITEM_RETRIES).values()
    assert waiting["failures"] == 2 and waiting["next"] == (NOW + 6 * INTERVAL).isoformat()
    assert len(site.requests("/news/gone.html")) == 2


def test_a_long_feed_is_taken_a_few_items_per_round(
    site: NewsSite, fetcher: Fetcher, store: ClaimStore, nlp: Language
) -> None:
    add_feed(store, site.url("/rss.xml"))
    rounds = [poll_once(store, fetcher, nlp=nlp, now=NOW, max_new_items=2).items_new for _ in range(3)]
    assert rounds == [2, 1, 0]
    # validators are kept only once every item was dealt with, so the second round got the whole feed
    assert [h.status for h in site.requests("/rss.xml")] == [200, 200, 304]


def test_broken_feeds_back_off_while_a_good_feed_still_yields_claims(
    site: NewsSite, fetcher: Fetcher, store: ClaimStore, nlp: Language
) -> None:
    broken = {
        "/missing.xml": "HTTP 404 Not Found",
        "/broken.xml": "not a valid feed",
        "/slow.xml": "timed out",
    }
    for path in ["/rss.xml", *broken]:
        add_feed(store, site.url(path))

    report = poll_once(store, fetcher, nlp=nlp, now=NOW, poll_interval=INTERVAL)

    assert (report.feeds_polled, report.feeds_failed, report.items_new) == (4, 3, 3)
    assert report.claims_added > 0 and "7.2" in figures(store.claims())
    for path, reason in broken.items():
        feed = get_feed(store, site.url(path))
        assert feed is not None
        assert (feed.failures, feed.next_poll) == (1, NOW + 2 * INTERVAL), path
        assert feed.last_error is not None and reason in feed.last_error, path
        assert any(reason in e and site.url(path) in e for e in report.errors), path
    good = get_feed(store, site.url("/rss.xml"))
    assert good is not None and (good.failures, good.next_poll, good.last_error) == (0, None, None)

    # resting: a round soon after polls only the good feed
    soon = poll_once(store, fetcher, nlp=nlp, now=NOW + INTERVAL, poll_interval=INTERVAL)
    assert (soon.feeds_polled, soon.feeds_failed) == (1, 0)

    # once due, they are tried again: the 404 feed now works, the others fail a second time
    site.routes["/missing.xml"] = Route("atom.xml")
    later = NOW + 2 * INTERVAL
    retry = poll_once(store, fetcher, nlp=nlp, now=later, poll_interval=INTERVAL)
    assert (retry.feeds_polled, retry.feeds_failed, retry.items_new) == (4, 2, 2)
    states = {f.url: f for f in list_feeds(store)}
    assert states[site.url("/missing.xml")].failures == 0
    assert states[site.url("/missing.xml")].last_error is None
    assert states[site.url("/broken.xml")].failures == 2
    assert states[site.url("/broken.xml")].next_poll == later + 4 * INTERVAL


def test_feeds_list_shows_the_last_error_and_the_next_try(
    site: NewsSite, fetcher: Fetcher, store: ClaimStore, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    add_feed(store, site.url("/broken.xml"))
    poll_once(store, fetcher, now=NOW, poll_interval=INTERVAL)
    capsys.readouterr()
    assert main(["--db", str(store.path), "feeds", "list"]) == 0
    line = capsys.readouterr().out
    assert "failing (1x: " in line and "not a valid feed" in line
    assert f"next try {(NOW + 2 * INTERVAL):%Y-%m-%d %H:%M} UTC" in line


def test_only_due_false_polls_resting_feeds_too(site: NewsSite, fetcher: Fetcher, store: ClaimStore) -> None:
    add_feed(store, site.url("/broken.xml"))
    poll_once(store, fetcher, now=NOW)
    assert poll_once(store, fetcher, now=NOW).feeds_polled == 0
    report = poll_once(store, fetcher, now=NOW, only_due=False)
    assert (report.feeds_polled, report.feeds_failed) == (1, 1)
    feed = get_feed(store, site.url("/broken.xml"))
    assert feed is not None and feed.failures == 2


def test_a_feed_removed_during_a_round_stays_removed(
    site: NewsSite, fetcher: Fetcher, store: ClaimStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_feed(store, site.url("/broken.xml"))
    real_fetch = fetcher.fetch

    def fetch_then_remove(url: str, **kwargs: str | None) -> object:
        remove_feed(store, url)
        return real_fetch(url, **kwargs)

    monkeypatch.setattr(fetcher, "fetch", fetch_then_remove)
    assert poll_once(store, fetcher, now=NOW).feeds_failed == 1
    assert list_feeds(store) == []


# --- the feed list ---------------------------------------------------------------------------------------


def test_adding_listing_and_removing_feeds(store: ClaimStore) -> None:
    first = add_feed(store, "  HTTPS://News.Example/feed.xml#top ")
    assert first == Feed(url="https://news.example/feed.xml")
    assert add_feed(store, "https://news.example/feed.xml") == first  # a no-op
    add_feed(store, "http://other.example/atom")
    assert [f.url for f in list_feeds(store)] == [
        "https://news.example/feed.xml",
        "http://other.example/atom",
    ]

    assert remove_feed(store, "https://news.example/feed.xml") is True
    assert remove_feed(store, "https://news.example/feed.xml") is False
    assert remove_feed(store, "not a url") is False
    assert [f.url for f in list_feeds(store)] == ["http://other.example/atom"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/rss", "https://example.com/rss"),
        ("HTTP://EXAMPLE.com/Feed?x=1#frag", "http://example.com/Feed?x=1"),
        ("  http://127.0.0.1:8080/a.xml\n", "http://127.0.0.1:8080/a.xml"),
        ("ftp://example.com/feed", None),
        ("file:///etc/passwd", None),
        ("example.com/feed", None),
        ("https://", None),
        ("http://exa mple.com/feed", None),
        ("", None),
    ],
)
def test_feed_urls_are_validated_and_normalised(url: str, expected: str | None, store: ClaimStore) -> None:
    if expected is None:
        with pytest.raises(ValueError, match="not an http"):
            add_feed(store, url)
        assert list_feeds(store) == []
    else:
        assert normalise_feed_url(url) == expected
        assert add_feed(store, url).url == expected


# --- pure rules ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("failures", "interval", "expected"),
    [
        (0, INTERVAL, timedelta(0)),
        (1, INTERVAL, timedelta(minutes=30)),
        (2, INTERVAL, timedelta(hours=1)),
        (3, INTERVAL, timedelta(hours=2)),
        (6, INTERVAL, timedelta(hours=16)),
        (7, INTERVAL, timedelta(hours=24)),  # capped
        (500, INTERVAL, timedelta(hours=24)),  # no overflow
        (1, timedelta(minutes=5), timedelta(minutes=10)),
    ],
)
def test_backoff_doubles_up_to_a_day(failures: int, interval: timedelta, expected: timedelta) -> None:
    assert backoff(failures, interval) == expected


@pytest.mark.parametrize(
    ("next_poll", "now", "due"),
    [
        (None, NOW, True),  # healthy feeds are due at every round
        (NOW - timedelta(minutes=1), NOW, True),
        (NOW, NOW, True),
        (NOW + timedelta(seconds=10), NOW, True),  # the scheduler fired a little early
        (NOW + timedelta(minutes=5), NOW, False),
        (NOW + timedelta(hours=3), NOW, False),
        (NOW - timedelta(minutes=1), NOW.replace(tzinfo=None), True),  # a naive now is UTC
        (NOW + timedelta(minutes=5), NOW.replace(tzinfo=None), False),
    ],
)
def test_is_due(next_poll: datetime | None, now: datetime, due: bool) -> None:
    assert is_due(Feed(url="https://example.com/rss", failures=1, next_poll=next_poll), now) is due


@pytest.mark.parametrize(
    ("site_name", "page_url", "feed_title", "expected"),
    [
        ("The Eastbridge Courier", "https://courier.example/a", "Valley Wire", "The Eastbridge Courier"),
        ("courier.example", "https://www.courier.example/a", "Valley Wire", "Valley Wire"),
        ("127.0.0.1:8000", "http://127.0.0.1:8000/a", "Valley Wire", "Valley Wire"),
        ("courier.example", "https://courier.example/a", None, "courier.example"),
        ("Courier.example", "https://other.example/a", "Valley Wire", "Courier.example"),
        (None, "https://courier.example/a", "Valley Wire", "Valley Wire"),
        (None, None, None, None),
    ],
)
def test_choose_outlet(
    site_name: str | None, page_url: str | None, feed_title: str | None, expected: str
) -> None:
    assert choose_outlet(site_name, page_url, feed_title) == expected


def test_doc_ids_are_stable_and_distinct() -> None:
    item = FeedItem("g-1", "https://a.example/1", "Title", "Summary", date(2024, 3, 1))
    redated = FeedItem("g-1", "https://a.example/1", "New title", "Summary", date(2024, 3, 9))
    assert item_doc_id("https://a.example/rss", item) == item_doc_id("https://a.example/rss", redated)
    assert item_doc_id("https://a.example/rss", item).startswith("feed-")
    assert len(item_doc_id("https://a.example/rss", item)) == len("feed-") + 16
    assert item_doc_id("https://a.example/rss", item) != item_doc_id("https://b.example/rss", item)
    no_guid = FeedItem(None, "https://a.example/1", None, None, None)
    assert item_doc_id("https://a.example/rss", no_guid) == item_doc_id("https://b.example/rss", no_guid)


RSS_ODD = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Odd</title>
<item><title>No guid</title><link>/story/1</link><description>Fewer than &lt;5 left.</description></item>
<item><title>Only text</title><description>&lt;p&gt;One&lt;/p&gt;&lt;p&gt;Two&lt;/p&gt;</description></item>
<item><guid isPermaLink="false">x-3</guid><pubDate>not a date</pubDate></item>
<item></item>
</channel></rss>"""


EMPTY_RSS = b'<rss version="2.0"><channel><title>Quiet</title></channel></rss>'


def _parse_fixture(name: str) -> list[FeedItem]:
    return parse_feed(
        (FIXTURES / name).read_bytes().replace(b"__BASE__", b"https://w.example"), "https://w.example/f"
    )


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        (
            lambda: _parse_fixture("rss.xml")[0],
            FeedItem(
                "valley-wire-1001",
                "https://w.example/news/river-flood.html",
                "Marrow river floods low-lying streets",
                "Streets in the lower town were flooded overnight.",
                date(2024, 3, 4),
            ),
        ),
        (
            lambda: _parse_fixture("atom.xml")[1],
            FeedItem(
                "urn:uuid:coast-weekly-entry-78",
                "https://w.example/news/lantern-gallery.html",
                "In pictures: the lantern festival",
                "Festival director Mina Saar said 12,000 visitors attended the lantern festival on Saturday.",
                date(2024, 3, 9),  # no <published>: <updated>
            ),
        ),
        (
            lambda: parse_feed(RSS_ODD, "https://odd.example/feeds/main.xml")[0],
            FeedItem(None, "https://odd.example/story/1", "No guid", "Fewer than <5 left.", None),
        ),
        (
            lambda: parse_feed(RSS_ODD, "https://odd.example/feeds/main.xml")[1].summary,
            "One\nTwo",
        ),
        (
            lambda: parse_feed(RSS_ODD, "https://odd.example/feeds/main.xml")[2],
            FeedItem("x-3", None, None, None, None),
        ),
        (
            lambda: len(parse_feed(RSS_ODD, "https://odd.example/feeds/main.xml")),
            3,
        ),  # the empty one is dropped
        (
            lambda: parse_feed(
                b'<rss version="2.0"><channel><title>t</title></channel></rss>', "https://e.x/"
            ),
            [],
        ),
    ],
)
def test_parse_feed(read: Callable[[], object], expected: object) -> None:
    assert read() == expected


def test_an_item_with_only_text_gets_a_synthetic_guid() -> None:
    item = parse_feed(RSS_ODD, "https://odd.example/feeds/main.xml")[1]
    assert item.link is None and item.guid is not None and item.guid.startswith("text:")


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not a feed at all",
        b"<!DOCTYPE html><html><body><p>Sorry & goodbye<br></body></html>",
        (FIXTURES / "broken.xml").read_bytes(),
    ],
)
def test_parse_feed_refuses_what_is_not_a_feed(content: bytes) -> None:
    with pytest.raises(FeedError, match=r"^https://e\.x/f: not a valid feed"):
        parse_feed(content, "https://e.x/f")


# --- fetching ------------------------------------------------------------------------------------------


def test_the_size_cap_and_the_timeout_raise_fetch_errors(
    site: NewsSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("CLAIMBOT_ALLOW_PRIVATE_URLS", "1")  # the test site is on 127.0.0.1
    with Fetcher(timeout=TIMEOUT, max_bytes=500) as small:
        with pytest.raises(FetchError, match=r"too large \(1196 bytes; the limit is 500\)") as caught:
            small.fetch(site.url("/news/river-flood.html"))
        assert caught.value.url == site.url("/news/river-flood.html")
        assert small.fetch(site.url("/news/lantern-gallery.html")).status == 200  # 377 bytes
        with pytest.raises(FetchError, match=r"timed out \(no answer within 0.5 s\)"):
            small.fetch(site.url("/slow.xml"))


def _mock(handler: Callable[[httpx.Request], httpx.Response], max_bytes: int = 10_000) -> Fetcher:
    return Fetcher(timeout=1.0, transport=httpx.MockTransport(handler), max_bytes=max_bytes)


def _raise(exc: Exception) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    return handler


def _redirect_forever(request: httpx.Request) -> httpx.Response:
    return httpx.Response(302, headers={"Location": str(request.url) + "x"})


@pytest.mark.parametrize(
    ("handler", "reason"),
    [
        (lambda r: httpx.Response(404), "HTTP 404 Not Found"),
        (lambda r: httpx.Response(500), "HTTP 500 Internal Server Error"),
        (lambda r: httpx.Response(403), "HTTP 403 Forbidden"),
        (_raise(httpx.ConnectError("connection refused")), "could not connect (connection refused)"),
        (_raise(httpx.ReadTimeout("slow")), "timed out (no answer within 1 s)"),
        (_raise(httpx.RemoteProtocolError("bad")), "RemoteProtocolError: bad"),
        (_redirect_forever, "too many redirects"),
        # streamed without a Content-Length: cut off while reading
        (
            lambda r: httpx.Response(200, content=iter([b"x" * 600, b"y" * 600])),
            "too large (over 1000 bytes)",
        ),
    ],
)
def test_fetch_errors_say_what_went_wrong(
    handler: Callable[[httpx.Request], httpx.Response], reason: str
) -> None:
    with _mock(handler, max_bytes=1000) as client, pytest.raises(FetchError) as caught:
        client.fetch("https://news.example/feed")
    assert caught.value.reason == reason
    assert str(caught.value) == f"https://news.example/feed: {reason}"


def test_fetch_sends_validators_follows_redirects_and_passes_304_through() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/old":
            return httpx.Response(301, headers={"Location": "/new"})
        if request.headers.get("If-None-Match") == '"v1"':
            return httpx.Response(304, headers={"ETag": '"v1"'})
        return httpx.Response(
            200, content=b"<rss/>", headers={"ETag": '"v1"', "Last-Modified": LAST_MODIFIED}
        )

    with _mock(handler) as client:
        fresh = client.fetch("https://news.example/old")
        again = client.fetch("https://news.example/old", etag='"v1"', last_modified=LAST_MODIFIED)

    assert (fresh.status, fresh.content, fresh.etag, fresh.last_modified) == (
        200,
        b"<rss/>",
        '"v1"',
        LAST_MODIFIED,
    )
    assert fresh.final_url == "https://news.example/new" and not fresh.not_modified
    assert again.not_modified and again.content == b""
    assert seen[-1].headers["If-Modified-Since"] == LAST_MODIFIED
    assert seen[0].headers["User-Agent"] == USER_AGENT and "claimbot" in USER_AGENT
