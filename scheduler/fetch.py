"""The one network boundary for pages and feeds: one polite, bounded, policed GET at a time.

Every failure comes out as a FetchError with a message a person can act on, so the poller can log it,
back off and go on with the next feed; nothing from httpx leaks past this module.

The network policy lives here because feed links come from feed publishers, not from admins: a feed item
pointing at `http://169.254.169.254/` or at a local admin page must not be fetched and stored for anyone to
read back through the bot. So:

- only http and https are fetched;
- redirects are followed by hand, and every hop is checked like the first URL;
- a host is resolved once, every address it resolves to is vetted (loopback, private, link-local, multicast,
  reserved, unspecified, IPv4-mapped forms of those ...), and the connection is made to the vetted address
  itself, so a second DNS answer cannot swap in another (DNS rebinding); the connected peer is checked again;
- the whole fetch (resolving, connecting, headers, body, every redirect) has one deadline, so a server that
  drips its headers a byte at a time cannot hold a round hostage.

`CLAIMBOT_ALLOW_PRIVATE_URLS=1` (bot.config) lifts the address checks for local setups and tests.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpcore
import httpx

from bot.config import allow_private_urls

__all__ = [
    "DEFAULT_MAX_BYTES",
    "USER_AGENT",
    "FetchError",
    "FetchResult",
    "Fetcher",
    "Refused",
    "address_problem",
]

USER_AGENT = "claimbot/0.1 (news feed reader)"
DEFAULT_MAX_BYTES = 5_000_000
MAX_REDIRECTS = 5
ALLOWED_SCHEMES = ("http", "https")
_HINT = "set CLAIMBOT_ALLOW_PRIVATE_URLS=1 to allow private addresses"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
#: host, port -> the addresses to try, in order (socket.getaddrinfo by default; tests may plug in their own)
Resolver = Callable[[str, int], list[str]]


class FetchError(Exception):
    """A URL that could not be fetched; `reason` says why in a few words (timeout, HTTP 404, ...)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class Refused(FetchError):
    """The network policy refused a URL before any connection to it was made (or, for a rebinding peer,
    before a byte was sent)."""


class _Blocked(Exception):
    """Raised inside the transport, where the URL being fetched is not known; fetch() names it."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class _DeadlinePassed(httpcore.TimeoutException):
    """The whole fetch's deadline passed: httpx maps it to a TimeoutException like any other timeout."""


@dataclass(frozen=True)
class FetchResult:
    """A 2xx body, or a 304 (empty content) that says the copy we hold is still current."""

    status: int
    content: bytes
    etag: str | None
    last_modified: str | None
    final_url: str

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def address_problem(address: str | IPAddress) -> str | None:
    """Why an address must not be fetched ("loopback", "private", ...), or None for a public one.

    IPv4-mapped and NAT64/6to4-style IPv6 forms are judged by the IPv4 address they carry, so
    `[::ffff:127.0.0.1]` is as loopback as `127.0.0.1`."""
    if isinstance(address, str):
        try:
            address = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return "not an IP address"
    if isinstance(address, ipaddress.IPv6Address):
        inner = address.ipv4_mapped or address.sixtofour
        if inner is not None:
            return address_problem(inner)
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
        ("not globally routable", not address.is_global),
    )
    return next((name for name, hit in checks if hit), None)


def _literal_address(host: str) -> str | None:
    """The address a host names without DNS (`10.0.0.1`, `[::1]`, `0`, `2130706433`, `0x7f.1`), else None."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)
    except (socket.gaierror, UnicodeError, ValueError):
        return None
    return str(infos[0][4][0]) if infos else None


def _system_resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class _Clock(threading.local):
    """The running fetch's deadline, per thread: the connection pool is shared, the fetch is not."""

    deadline: float | None = None


class _GuardedBackend(httpcore.NetworkBackend):
    """httpcore's socket layer with the policy in it: resolve, vet, connect to the vetted address, re-check
    the peer; and every connect, read and write bounded by the fetch's deadline."""

    def __init__(self, *, allow_private: bool, trusted: Collection[str], resolve: Resolver) -> None:
        self.allow_private = allow_private
        self.trusted = frozenset(trusted)
        self.resolve = resolve
        self.clock = _Clock()
        self._inner = httpcore.SyncBackend()

    def remaining(self, timeout: float | None) -> float | None:
        """The time an operation may take: its own timeout, cut to what is left of the fetch's deadline."""
        deadline = self.clock.deadline
        if deadline is None:
            return timeout
        left = deadline - time.monotonic()
        if left <= 0:
            raise _DeadlinePassed("the fetch's deadline passed")
        return left if timeout is None else min(timeout, left)

    def policed(self, host: str, port: int) -> bool:
        return not self.allow_private and f"{host}:{port}" not in self.trusted

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = self._addresses(host, port, timeout)
        if self.policed(host, port):
            for address in addresses:
                problem = address_problem(address)
                if problem:
                    raise _Blocked(f"{host} resolves to {address}, a {problem} address")
        error: Exception | None = None
        for address in addresses:  # the vetted addresses themselves: a second lookup could answer otherwise
            try:
                stream = self._inner.connect_tcp(
                    address, port, self.remaining(timeout), local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                error = exc
                continue
            self._check_peer(host, port, stream)
            return _GuardedStream(stream, self)
        raise error or httpcore.ConnectError(f"{host} has no address")

    def _addresses(self, host: str, port: int, timeout: float | None) -> list[str]:
        """Resolve in a helper thread, so that a slow resolver is bounded by the deadline too."""
        found: list[list[str]] = []
        failed: list[BaseException] = []

        def work() -> None:
            try:
                found.append(self.resolve(host, port))
            except BaseException as exc:  # handed to the waiting thread
                failed.append(exc)

        worker = threading.Thread(target=work, name=f"resolve {host}", daemon=True)
        worker.start()
        worker.join(self.remaining(timeout))
        if worker.is_alive():
            raise httpcore.ConnectTimeout(f"resolving {host} took too long")
        if failed or not found or not found[0]:
            reason = failed[0] if failed else "no address"
            raise httpcore.ConnectError(f"{host} could not be resolved ({reason})")
        return found[0]

    def _check_peer(self, host: str, port: int, stream: httpcore.NetworkStream) -> None:
        if not self.policed(host, port):
            return
        sock = stream.get_extra_info("socket")
        peer = sock.getpeername()[0] if isinstance(sock, socket.socket) else None
        problem = address_problem(peer) if peer else "unknown"
        if problem:
            stream.close()
            raise _Blocked(f"{host} connected to {peer}, a {problem} address")

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise _Blocked("a unix socket")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _GuardedStream(httpcore.NetworkStream):
    """A socket stream whose every read and write ends by the fetch's deadline: a per-read timeout alone
    lets a server send one byte just inside it, for ever."""

    def __init__(self, inner: httpcore.NetworkStream, backend: _GuardedBackend) -> None:
        self._inner = inner
        self._backend = backend

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._backend.remaining(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._backend.remaining(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, self._backend.remaining(timeout))
        return _GuardedStream(inner, self._backend)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport (TLS, HTTP/1.1, pooling) over the guarded socket layer, and never a proxy from
    the environment: a proxy would make the checked address the proxy's, not the page's."""

    def __init__(self, backend: _GuardedBackend) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),  # SSL_CERT_FILE and friends still count
            max_connections=10,
            max_keepalive_connections=5,
            keepalive_expiry=5.0,
            network_backend=backend,
        )


class Fetcher:
    """An httpx.Client with the network policy, timeouts, hand-followed redirects, a User-Agent that names
    us and a cap on body size.

    - `timeout` bounds each connect and each read (no answer within it: "timed out");
    - `total_timeout` (default: four times `timeout`) bounds the whole fetch, every redirect, the headers
      and the body included;
    - `allow_private` defaults to the CLAIMBOT_ALLOW_PRIVATE_URLS setting; `trusted_origins` ("host:port")
      are exempt from the address checks (a local service the operator runs), nothing else is;
    - `transport` lets tests plug in httpx.MockTransport (which opens no socket, so only the scheme and
      literal-address checks apply); `resolve` lets them answer DNS.
    """

    def __init__(
        self,
        *,
        timeout: float = 10.0,
        total_timeout: float | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        user_agent: str = USER_AGENT,
        transport: httpx.BaseTransport | None = None,
        allow_private: bool | None = None,
        trusted_origins: Collection[str] = (),
        resolve: Resolver = _system_resolve,
    ) -> None:
        self.timeout = timeout
        self.total_timeout = total_timeout if total_timeout is not None else 4 * timeout
        self.max_bytes = max_bytes
        self.allow_private = allow_private_urls() if allow_private is None else allow_private
        self.trusted_origins = frozenset(trusted_origins)
        self._backend = _GuardedBackend(
            allow_private=self.allow_private, trusted=self.trusted_origins, resolve=resolve
        )
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,  # by hand, so that every hop is checked
            headers={"User-Agent": user_agent},
            transport=transport if transport is not None else _GuardedTransport(self._backend),
        )

    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """GET url, conditionally when a validator is given; raises FetchError for anything but 2xx/304,
        and Refused (a FetchError) for what the network policy does not allow."""
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        deadline = time.monotonic() + self.total_timeout
        self._backend.clock.deadline = deadline
        hop = url
        try:
            request = self._client.build_request("GET", url, headers=headers)
            for _ in range(MAX_REDIRECTS + 1):
                hop = str(request.url)
                self._check_url(url, request.url)
                response = self._client.send(request, stream=True)
                try:
                    if response.next_request is None:
                        return self._read(url, response, deadline)
                    request = response.next_request
                finally:
                    response.close()
            raise FetchError(url, "too many redirects")
        except FetchError:
            raise
        except _Blocked as exc:
            raise self._refused(url, hop, exc.what) from None
        except httpx.TimeoutException:
            if time.monotonic() >= deadline:
                raise FetchError(url, f"timed out (the fetch took over {self.total_timeout:g} s)") from None
            raise FetchError(url, f"timed out (no answer within {self.timeout:g} s)") from None
        except httpx.TooManyRedirects:
            raise FetchError(url, "too many redirects") from None
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise FetchError(url, f"not a URL we can fetch ({exc})") from None
        except httpx.ConnectError as exc:
            raise FetchError(url, f"could not connect ({str(exc) or type(exc).__name__})") from None
        except httpx.HTTPError as exc:
            raise FetchError(url, f"{type(exc).__name__}: {exc}") from None
        finally:
            self._backend.clock.deadline = None

    def _check_url(self, url: str, target: httpx.URL) -> None:
        """What can be judged before any connection: the scheme, and a host that is an address already."""
        hop = str(target)
        if target.scheme not in ALLOWED_SCHEMES:
            where = "" if hop == url else f"redirected to {hop}; "
            raise Refused(url, f"refused: {where}only http and https URLs are fetched")
        host, port = target.host, target.port or (443 if target.scheme == "https" else 80)
        if not host:
            raise Refused(url, f"refused: {hop} names no host")
        if not self._backend.policed(host, port):
            return
        address = _literal_address(host)
        problem = address_problem(address) if address else None
        if problem:
            named = host if address == host else f"{host} ({address})"
            raise self._refused(url, hop, f"{named} is a {problem} address")

    @staticmethod
    def _refused(url: str, hop: str, what: str) -> Refused:
        where = "" if hop == url else f"redirected to {hop}; "
        return Refused(url, f"refused by the network policy: {where}{what} ({_HINT})")

    def _read(self, url: str, response: httpx.Response, deadline: float) -> FetchResult:
        status = response.status_code
        if status != 304 and not 200 <= status < 300:
            raise FetchError(url, f"HTTP {status} {response.reason_phrase}".rstrip())
        content = b"" if status == 304 else self._body(url, response, deadline)
        return FetchResult(
            status=status,
            content=content,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            final_url=str(response.url),
        )

    def _body(self, url: str, response: httpx.Response, deadline: float) -> bytes:
        """Read at most max_bytes, refusing early when the server already says the body is bigger."""
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(url, f"too large ({int(declared)} bytes; the limit is {self.max_bytes})")
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(url, f"too large (over {self.max_bytes} bytes)")
            if time.monotonic() > deadline:
                raise FetchError(url, f"timed out (the fetch took over {self.total_timeout:g} s)")
            chunks.append(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
