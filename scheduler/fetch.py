"""The feed poller's only network boundary: one polite, bounded GET at a time.

Every failure comes out as a FetchError with a message a person can act on, so the poller can log it,
back off and go on with the next feed; nothing from httpx leaks past this module.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from types import TracebackType

import httpx

__all__ = ["DEFAULT_MAX_BYTES", "USER_AGENT", "FetchError", "FetchResult", "Fetcher"]

USER_AGENT = "claimbot/0.1 (news feed reader)"
DEFAULT_MAX_BYTES = 5_000_000


class FetchError(Exception):
    """A URL that could not be fetched; `reason` says why in a few words (timeout, HTTP 404, ...)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


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


class Fetcher:
    """An httpx.Client with timeouts, redirects, a User-Agent that names us and a cap on body size.

    `timeout` bounds each connect/read; `total_timeout` (default: four times `timeout`) bounds a whole
    download, so a server that drips bytes slowly cannot hold a polling round hostage.
    `transport` lets tests plug in httpx.MockTransport.
    """

    def __init__(
        self,
        *,
        timeout: float = 10.0,
        total_timeout: float | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        user_agent: str = USER_AGENT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.timeout = timeout
        self.total_timeout = total_timeout if total_timeout is not None else 4 * timeout
        self.max_bytes = max_bytes
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            follow_redirects=True,
            max_redirects=5,
            headers={"User-Agent": user_agent},
            transport=transport,
        )

    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """GET url, conditionally when a validator is given; raises FetchError for anything but 2xx/304."""
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                return self._read(url, response)
        except FetchError:
            raise
        except httpx.TimeoutException:
            raise FetchError(url, f"timed out (no answer within {self.timeout:g} s)") from None
        except httpx.TooManyRedirects:
            raise FetchError(url, "too many redirects") from None
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise FetchError(url, f"not a URL we can fetch ({exc})") from None
        except httpx.ConnectError as exc:
            raise FetchError(url, f"could not connect ({str(exc) or type(exc).__name__})") from None
        except httpx.HTTPError as exc:
            raise FetchError(url, f"{type(exc).__name__}: {exc}") from None

    def _read(self, url: str, response: httpx.Response) -> FetchResult:
        status = response.status_code
        if status != 304 and not 200 <= status < 300:
            raise FetchError(url, f"HTTP {status} {response.reason_phrase}".rstrip())
        content = b"" if status == 304 else self._body(url, response)
        return FetchResult(
            status=status,
            content=content,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            final_url=str(response.url),
        )

    def _body(self, url: str, response: httpx.Response) -> bytes:
        """Read at most max_bytes, refusing early when the server already says the body is bigger."""
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(url, f"too large ({int(declared)} bytes; the limit is {self.max_bytes})")
        deadline = time.monotonic() + self.total_timeout
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(url, f"too large (over {self.max_bytes} bytes)")
            if time.monotonic() > deadline:
                raise FetchError(url, f"timed out (download took over {self.total_timeout:g} s)")
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
