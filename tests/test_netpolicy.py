"""The network policy of every fetch: schemes, private addresses at every hop, DNS rebinding, one deadline.

Servers run on 127.0.0.1 only. Refusals of other private addresses (10.x, 169.254.169.254, ...) are asserted
with every socket connect trapped, so no test sends a packet anywhere but to 127.0.0.1.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpcore
import pytest
from spacy.language import Language

from bot.config import allow_private_urls, load_settings
from data.store import ClaimStore
from scheduler.feeds import add_feed, poll_once
from scheduler.fetch import Fetcher, FetchError, Refused, address_problem

NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
ADMIN_PAGE = (
    b"<html><head><title>Harbour control room</title></head><body><article>"
    b"<h1>Harbour control room</h1>"
    b"<p>The harbour master, Lena Ortiz, said on Monday that 12 cranes were idle after the storm.</p>"
    b"<p>Repairs would take three weeks, Ortiz said.</p>"
    b"</article></body></html>"
)


# --- pure rules -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "not globally routable"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:169.254.169.254", "link-local"),
        ("::ffff:10.0.0.1", "private"),
        ("2002:7f00:1::", "loopback"),  # 6to4 around 127.0.0.1
        ("8.8.8.8", None),
        ("93.184.216.34", None),
        ("2606:4700:4700::1111", None),
        ("not-an-ip", "not an IP address"),
    ],
)
def test_address_problem(address: str, problem: str | None) -> None:
    assert address_problem(address) == problem


def test_the_setting_is_read_from_the_environment_by_config_only() -> None:
    assert allow_private_urls({"CLAIMBOT_ALLOW_PRIVATE_URLS": "1"}) is True
    assert allow_private_urls({"CLAIMBOT_ALLOW_PRIVATE_URLS": "0"}) is False
    assert allow_private_urls({}) is False
    assert load_settings({"CLAIMBOT_ALLOW_PRIVATE_URLS": "1"}).allow_private_urls is True
    assert load_settings({}).allow_private_urls is False


# --- refusals before any connection ---------------------------------------------------------------------


@dataclass
class Trap:
    """Records every host the fetcher resolved and fails any connect not aimed at 127.0.0.1."""

    resolved: list[str] = field(default_factory=list)
    connected: list[tuple[str, int]] = field(default_factory=list)


@pytest.fixture
def trap(monkeypatch: pytest.MonkeyPatch) -> Trap:
    seen = Trap()
    real = socket.create_connection

    def create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        seen.connected.append((str(address[0]), int(address[1])))
        if address[0] != "127.0.0.1":
            raise AssertionError(f"a test tried to connect to {address}")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", create_connection)
    return seen


def _resolver(trap: Trap, answers: dict[str, list[str]]) -> Any:
    def resolve(host: str, port: int) -> list[str]:
        trap.resolved.append(host)
        return answers[host]

    return resolve


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://0/", "0 (0.0.0.0) is a unspecified address"),
        ("http://0:8080/admin", "0 (0.0.0.0) is a unspecified address"),
        ("http://[::1]/", "::1 is a loopback address"),
        ("http://127.0.0.1:9/x", "127.0.0.1 is a loopback address"),
        ("http://2130706433/", "2130706433 (127.0.0.1) is a loopback address"),
        ("http://0x7f.1/", "0x7f.1 (127.0.0.1) is a loopback address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://10.0.0.7/admin", "10.0.0.7 is a private address"),
        ("https://192.168.0.1/", "192.168.0.1 is a private address"),
        ("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1 is a loopback address"),
        ("http://[fe80::1]/", "fe80::1 is a link-local address"),
        ("http://intranet.example/wiki", "intranet.example resolves to 10.20.30.40, a private address"),
        ("http://localhost.example:8080/", "localhost.example resolves to 127.0.0.1, a loopback address"),
        # one bad address among good ones is enough: the connection could land on it
        ("https://mixed.example/", "mixed.example resolves to 169.254.169.254, a link-local address"),
    ],
)
def test_private_addresses_are_refused_before_any_connection(trap: Trap, url: str, reason: str) -> None:
    answers = {
        "intranet.example": ["10.20.30.40"],
        "localhost.example": ["127.0.0.1"],
        "mixed.example": ["93.184.216.34", "169.254.169.254"],
    }
    with (
        Fetcher(timeout=1.0, allow_private=False, resolve=_resolver(trap, answers)) as fetcher,
        pytest.raises(Refused) as caught,
    ):
        fetcher.fetch(url)
    assert caught.value.url == url
    assert str(caught.value).startswith(f"{url}: refused by the network policy: {reason}")
    assert "CLAIMBOT_ALLOW_PRIVATE_URLS=1" in caught.value.reason
    assert trap.connected == []


@pytest.mark.parametrize(
    "url", ["ftp://news.example/feed.xml", "file:///etc/passwd", "gopher://news.example/", "data:,hello"]
)
def test_only_http_and_https_are_fetched(trap: Trap, url: str) -> None:
    with Fetcher(timeout=1.0, allow_private=True) as fetcher, pytest.raises(Refused) as caught:
        fetcher.fetch(url)
    assert caught.value.reason.endswith("only http and https URLs are fetched")
    assert trap.connected == [] and trap.resolved == []


def test_the_default_comes_from_the_setting(trap: Trap, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLAIMBOT_ALLOW_PRIVATE_URLS", raising=False)
    with Fetcher(timeout=1.0) as fetcher:
        assert not fetcher.allow_private
        with pytest.raises(Refused):
            fetcher.fetch("http://169.254.169.254/latest/meta-data/")
    monkeypatch.setenv("CLAIMBOT_ALLOW_PRIVATE_URLS", "1")
    with Fetcher(timeout=1.0) as fetcher:
        assert fetcher.allow_private
    assert trap.connected == []


# --- a real server on 127.0.0.1 -------------------------------------------------------------------------


@dataclass
class Site:
    port: int = 0
    hits: list[str] = field(default_factory=list)
    routes: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    @property
    def origin(self) -> str:
        return f"127.0.0.1:{self.port}"


@pytest.fixture
def site() -> Iterator[Site]:
    state = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.hits.append(self.path)
            status, headers, body = state.routes.get(self.path, (404, {}, b"not here"))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def _rss(items: list[tuple[str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{title}</title><link>{link}</link><guid>{title}</guid></item>" for title, link in items
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Wire</title>'
        f"{entries}</channel></rss>"
    ).encode()


def _serve_feed(site: Site) -> None:
    """A feed on 127.0.0.1 whose items point back at local pages: directly, and through a redirect."""
    html = {"Content-Type": "text/html; charset=utf-8"}
    site.routes["/admin"] = (200, html, ADMIN_PAGE)
    site.routes["/secret"] = (200, html, ADMIN_PAGE.replace(b"12 cranes", b"14 cranes"))
    site.routes["/go"] = (302, {"Location": site.url("/secret", host="localhost")}, b"")
    site.routes["/feed.xml"] = (
        200,
        {"Content-Type": "application/rss+xml"},
        _rss([("control room", site.url("/admin", host="localhost")), ("bounce", site.url("/go"))]),
    )
    # the usual SSRF targets: only ever polled with the policy on, so nothing is sent to them
    site.routes["/metadata.xml"] = (
        200,
        {"Content-Type": "application/rss+xml"},
        _rss(
            [
                ("metadata", "http://169.254.169.254/latest/meta-data/"),
                ("intranet", "http://10.0.0.7/admin"),
                ("zero", f"http://0:{site.port}/admin"),
                ("v6 loopback", f"http://[::1]:{site.port}/admin"),
                ("mapped", f"http://[::ffff:127.0.0.1]:{site.port}/admin"),
            ]
        ),
    )


def test_a_local_feed_is_refused_by_default(
    site: Site, trap: Trap, tmp_path: Path, nlp: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CLAIMBOT_ALLOW_PRIVATE_URLS", raising=False)
    _serve_feed(site)
    store = ClaimStore(tmp_path / "claims.json")
    add_feed(store, site.url("/feed.xml"))
    with Fetcher(timeout=2.0) as fetcher:
        report = poll_once(store, fetcher, nlp=nlp, now=NOW)
    assert (report.feeds_failed, report.items_new) == (1, 0)
    assert any(
        site.url("/feed.xml") in e and "refused by the network policy" in e and "loopback" in e
        for e in report.errors
    )
    assert site.hits == [] and trap.connected == [] and store.claims() == []


def test_items_and_redirects_to_private_addresses_are_refused_at_every_hop(
    site: Site, trap: Trap, tmp_path: Path, nlp: Language
) -> None:
    """The feed's own origin is trusted (as an operator may trust a local feed); its items are not."""
    _serve_feed(site)
    store = ClaimStore(tmp_path / "claims.json")
    add_feed(store, site.url("/feed.xml"))
    add_feed(store, site.url("/metadata.xml"))
    with Fetcher(timeout=2.0, allow_private=False, trusted_origins=[site.origin]) as fetcher:
        report = poll_once(store, fetcher, nlp=nlp, now=NOW)
    errors = "\n".join(report.errors)
    assert report.feeds_failed == 0 and report.items_new == 0, errors
    assert "localhost resolves to" in errors and "a loopback address" in errors
    assert f"redirected to {site.url('/secret', host='localhost')}" in errors
    for refused in (
        "169.254.169.254 is a link-local address",
        "10.0.0.7 is a private address",
        "0 (0.0.0.0) is a unspecified address",
        "::1 is a loopback address",
        "::ffff:127.0.0.1 is a loopback address",
    ):
        assert refused in errors
    # the redirect itself was followed from the trusted origin; nothing behind it was asked for
    assert sorted(site.hits) == ["/feed.xml", "/go", "/metadata.xml"]
    assert {host for host, _ in trap.connected} == {"127.0.0.1"}
    assert store.claims() == []
    # a refused item is not tried again every round: the policy would refuse it again
    with Fetcher(timeout=2.0, allow_private=False, trusted_origins=[site.origin]) as fetcher:
        again = poll_once(store, fetcher, nlp=nlp, now=NOW)
    assert not any("refused by the network policy" in e for e in again.errors), again.errors


def test_with_the_setting_the_same_feed_is_read(
    site: Site, tmp_path: Path, nlp: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAIMBOT_ALLOW_PRIVATE_URLS", "1")
    _serve_feed(site)
    store = ClaimStore(tmp_path / "claims.json")
    add_feed(store, site.url("/feed.xml"))
    with Fetcher(timeout=2.0) as fetcher:
        report = poll_once(store, fetcher, nlp=nlp, now=NOW)
    assert (report.feeds_failed, report.items_new) == (0, 2), report.errors
    assert {"/feed.xml", "/admin", "/go", "/secret"} <= set(site.hits)
    statements = " ".join(c.statement for c in store.claims())
    assert "12 cranes" in statements and "14 cranes" in statements, statements


def test_a_redirect_away_from_http_is_refused(site: Site, trap: Trap) -> None:
    site.routes["/to-file"] = (301, {"Location": "file:///etc/passwd"}, b"")
    with Fetcher(timeout=2.0, allow_private=True) as fetcher, pytest.raises(Refused) as caught:
        fetcher.fetch(site.url("/to-file"))
    assert caught.value.reason.startswith("refused: redirected to file://")
    assert caught.value.reason.endswith("/etc/passwd; only http and https URLs are fetched")
    assert site.hits == ["/to-file"]


def test_the_connected_peer_is_checked_again(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """DNS rebinding: the connection goes to the address that was vetted, never to a second lookup's answer;
    and should the peer still turn out private (a NAT, a hijacked route), nothing is sent to it."""
    site.routes["/"] = (200, {}, b"internal")
    asked: list[str] = []
    real = httpcore.SyncBackend.connect_tcp

    def connect_tcp(self: httpcore.SyncBackend, host: str, port: int, *args: Any, **kw: Any) -> Any:
        asked.append(host)
        return real(self, "127.0.0.1", site.port, *args, **kw)  # the route lands on a local server

    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", connect_tcp)
    lookups = iter([["93.184.216.34"], ["127.0.0.1"]])
    with (
        Fetcher(timeout=2.0, allow_private=False, resolve=lambda host, port: next(lookups)) as fetcher,
        pytest.raises(Refused) as caught,
    ):
        fetcher.fetch("http://rebind.example/")
    assert asked == ["93.184.216.34"]  # the vetted address, resolved once
    assert "rebind.example connected to 127.0.0.1, a loopback address" in caught.value.reason
    assert site.hits == []


# --- one deadline for the whole fetch -------------------------------------------------------------------


@pytest.fixture
def dripping() -> Iterator[str]:
    """A server that answers one byte of its headers every 0.2 s, for ever (well under any read timeout)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.1)
    stop = threading.Event()

    def drip(conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            header = b"HTTP/1.1 200 OK\r\n" + b"X-Padding: " + b"a" * 10_000
            for byte in header:
                if stop.wait(0.2):
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=drip, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/feed.xml"
    finally:
        stop.set()
        thread.join(2)
        listener.close()


def test_headers_dripping_a_byte_at_a_time_hit_the_total_deadline(dripping: str) -> None:
    started = time.monotonic()
    with (
        Fetcher(timeout=1.0, total_timeout=1.0, allow_private=True) as fetcher,
        pytest.raises(FetchError) as caught,
    ):
        fetcher.fetch(dripping)
    took = time.monotonic() - started
    assert caught.value.reason == "timed out (the fetch took over 1 s)"
    assert 0.9 <= took < 4.0  # the 1 s deadline, not the server, decides when it ends
