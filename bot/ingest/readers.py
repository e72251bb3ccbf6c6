"""Turn article files (.txt, .jsonl, .html/.htm, or a directory of them) into cleaned Articles.

Fatal problems with what the user named (missing file, unknown type) raise ReadError; problems
inside a file (a bad jsonl line, a page with no article text, a file in a directory that cannot be
read) are returned as Problems so one bad record never stops an ingest run.

Every input is bounded before it is parsed: a file larger than `max_chars` bytes (CLAIMBOT_MAX_ARTICLE_CHARS)
and a .jsonl line longer than that many characters are refused as a failed Problem, and a .jsonl line nested
too deeply for the JSON parser is one failed line, not a failed file. Texts that are long but allowed are
cut into parts at paragraph boundaries (`text_spans`) by the pipeline, so the parser never meets a text over
its own limit.

Metadata given by the caller (outlet, url, published) overrides what a .txt or .html file says
about itself, because the caller knows better than a scraped page; for .jsonl, whose lines carry
their own metadata, it only fills fields a line leaves empty. For a directory, outlet and
published are passed to every file, url is not (each article has its own).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import trafilatura

from bot.config import max_article_chars
from bot.ingest.clean import clean_text, is_body_line, looks_like_headline, normalise_line, split_date_prefix
from bot.models import Article

__all__ = [
    "SUPPORTED_SUFFIXES",
    "Problem",
    "ReadError",
    "article_from_html",
    "article_from_text",
    "read_path",
    "text_spans",
]

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".jsonl", ".html", ".htm")

# How far into an article a headline may sit (after menus, promos and the like).
log = logging.getLogger(__name__)

_TITLE_SCAN_LINES = 8
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])")


class ReadError(Exception):
    """A path that cannot be read at all; the message names the path and what was wrong."""


@dataclass(frozen=True)
class Problem:
    """A non-fatal problem: `where` is a path or 'path:line', `message` says what was wrong.

    `failed` marks an input that was refused or could not be read at all (too large, nested too deeply,
    unreadable), as opposed to a note about a record (a malformed line, a page with no article text)."""

    where: str
    message: str
    failed: bool = False

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


Result = tuple[list[Article], list[Problem]]


def read_path(
    path: Path,
    *,
    outlet: str | None = None,
    url: str | None = None,
    published: date | None = None,
    max_chars: int | None = None,
) -> Result:
    """Read one file or every supported file directly inside a directory (sorted, not recursive).

    `max_chars` defaults to the CLAIMBOT_MAX_ARTICLE_CHARS setting."""
    path = Path(path)
    limit = max_article_chars() if max_chars is None else max_chars
    if path.is_dir():
        return _read_dir(path, outlet=outlet, published=published, max_chars=limit)
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        kinds = ", ".join(SUPPORTED_SUFFIXES)
        raise ReadError(f"{path}: unsupported file type {path.suffix or '(none)'!r}; expected one of {kinds}")
    try:
        return reader(path, outlet, url, published, limit)
    except _TooLarge as err:
        return [], [Problem(str(path), str(err), failed=True)]
    except (ReadError, MemoryError):
        raise
    except Exception as err:  # a reader or cleaner bug on one odd file is that file's problem only
        log.exception("reading %s failed", path)
        return [], [Problem(str(path), f"could not be read ({type(err).__name__}: {err})", failed=True)]


def article_from_text(
    text: str,
    *,
    doc_id: str,
    outlet: str | None = None,
    url: str | None = None,
    published: date | None = None,
    title: str | None = None,
) -> Article | None:
    """An Article from raw article text (with an optional date marker); None when no body remains.

    `published` and `title` win over the date marker and the guessed headline.
    """
    marked, body = split_date_prefix(text)
    cleaned = clean_text(body)
    if not cleaned:
        return None
    return Article(
        id=doc_id,
        text=cleaned,
        outlet=outlet,
        url=url,
        published=published or marked,
        title=title or guess_title(body),
    )


def article_from_html(html: str | bytes, *, doc_id: str, url: str | None = None) -> Article | None:
    """An Article from a web page, or None when the page has no extractable article text.

    The page's canonical URL wins over `url` (the address it was fetched from), which is only the fallback.
    """
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        date_extraction_params={"original_date": True, "extensive_search": False},
    )
    if doc is None:
        return None
    fields: dict[str, Any] = (
        doc if isinstance(doc, dict) else {name: getattr(doc, name, None) for name in _HTML_FIELDS}
    )
    text = clean_text(fields.get("text") or "")
    if not text:
        return None
    return Article(
        id=doc_id,
        text=text,
        outlet=_str_or_none(fields.get("sitename")),
        url=_str_or_none(fields.get("url")) or url,
        published=_parse_date(fields.get("date")),
        title=_str_or_none(fields.get("title")),
    )


def guess_title(text: str) -> str | None:
    """The first headline-shaped line before the article body starts, if any."""
    seen = 0
    for raw in text.splitlines():
        line = normalise_line(raw)
        if not line:
            continue
        seen += 1
        if seen > _TITLE_SCAN_LINES or is_body_line(line):
            return None
        if looks_like_headline(line):
            return line
    return None


_HTML_FIELDS = ("text", "title", "sitename", "url", "date")


def text_spans(text: str, limit: int) -> list[tuple[int, int]]:
    """(start, end) offsets cutting a text into parts of at most `limit` characters, each ending at a
    paragraph break where there is one, else at a line or sentence end, else at a space: a parser with a
    length limit then reads every part, and no sentence is cut unless a paragraph is longer than a part."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    spans: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = -1
        for mark in ("\n\n", "\n", ". ", "? ", "! ", " "):
            found = window.rfind(mark)
            if found > 0:
                cut = found + len(mark)
                break
        end = start + (cut if cut > 0 else limit)
        spans.append((start, end))
        start = end
    if start < len(text) or not spans:
        spans.append((start, len(text)))
    return spans


def _read_dir(path: Path, *, outlet: str | None, published: date | None, max_chars: int) -> Result:
    articles: list[Article] = []
    problems: list[Problem] = []
    entries = sorted(
        p
        for p in path.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in SUPPORTED_SUFFIXES
    )
    if not entries:
        problems.append(Problem(str(path), f"no {', '.join(SUPPORTED_SUFFIXES)} files in this directory"))
    for entry in entries:
        try:
            found, trouble = read_path(entry, outlet=outlet, published=published, max_chars=max_chars)
        except ReadError as err:
            problems.append(Problem(str(entry), str(err).removeprefix(f"{entry}: "), failed=True))
            continue
        articles.extend(found)
        problems.extend(trouble)
    return articles, problems


class _TooLarge(Exception):
    """A file over the size cap: refused before a byte of it is read."""


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise _TooLarge(
                f"too large to read ({size:,} bytes; the limit is {max_bytes:,}, CLAIMBOT_MAX_ARTICLE_CHARS)"
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise ReadError(f"{path}: no such file or directory") from None
    except PermissionError:
        raise ReadError(f"{path}: permission denied") from None
    except OSError as err:
        raise ReadError(f"{path}: cannot be read ({err.strerror or err})") from None


def _decode(data: bytes, where: str) -> tuple[str, list[Problem]]:
    """UTF-8 if possible; otherwise Windows-1252 (the usual culprit), else UTF-8 with replacements."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as err:
        first_bad = err.start
    try:
        return data.decode("cp1252"), [
            Problem(where, f"not valid UTF-8 (byte {first_bad}); read as Windows-1252")
        ]
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        return text, [Problem(where, f"not valid UTF-8 (byte {first_bad}); undecodable bytes replaced")]


def _read_txt(
    path: Path, outlet: str | None, url: str | None, published: date | None, max_chars: int
) -> Result:
    text, problems = _decode(_read_bytes(path, max_chars), str(path))
    article = article_from_text(text, doc_id=path.stem, outlet=outlet, url=url, published=published)
    if article is None:
        return [], [*problems, Problem(str(path), "no article text left after removing page noise")]
    return [article], problems


def _read_html(
    path: Path, outlet: str | None, url: str | None, published: date | None, max_chars: int
) -> Result:
    # bytes, so that trafilatura honours the page's own charset declaration
    article = article_from_html(_read_bytes(path, max_chars), doc_id=path.stem, url=url)
    if article is None:
        return [], [Problem(str(path), "no article text found in the page")]
    return [_override(article, outlet=outlet, url=url, published=published)], []


def _override(article: Article, *, outlet: str | None, url: str | None, published: date | None) -> Article:
    return Article(
        id=article.id,
        text=article.text,
        outlet=outlet or article.outlet,
        url=url or article.url,
        published=published or article.published,
        title=article.title,
    )


class _BadRecord(ValueError):
    """A jsonl line that is JSON but not a usable article."""


def _read_jsonl(
    path: Path, outlet: str | None, url: str | None, published: date | None, max_chars: int
) -> Result:
    # a .jsonl holds many articles: the cap is per line, and the file may be a hundred times larger
    text, problems = _decode(_read_bytes(path, max_chars * _JSONL_FILE_FACTOR), str(path))
    articles: list[Article] = []
    seen_ids: dict[str, int] = {}
    # split on \n only: JSON strings may hold raw U+2028 and friends, which splitlines() would cut at
    for lineno, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        where = f"{path}:{lineno}"
        if len(raw) > max_chars:
            message = f"too large to read ({len(raw):,} characters; the limit is {max_chars:,})"
            problems.append(Problem(where, message, failed=True))
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as err:
            problems.append(Problem(where, f"invalid JSON ({err.msg} at column {err.colno})"))
            continue
        except RecursionError:
            problems.append(Problem(where, "invalid JSON (nested too deeply to read)", failed=True))
            continue
        except ValueError as err:  # e.g. an integer of thousands of digits
            problems.append(Problem(where, f"invalid JSON ({err})", failed=True))
            continue
        try:
            article = _article_from_record(record, f"{path.stem}-{lineno}", outlet, url, published)
        except _BadRecord as err:
            problems.append(Problem(where, str(err)))
            continue
        except Exception as err:  # a cleaner bug on one odd record loses that line only
            log.exception("reading %s failed", where)
            problems.append(Problem(where, f"could not be read ({type(err).__name__}: {err})", failed=True))
            continue
        if article is None:
            problems.append(Problem(where, "no article text left after removing page noise"))
        elif article.id in seen_ids:
            first = seen_ids[article.id]
            problems.append(Problem(where, f"duplicate id {article.id!r} (first on line {first}); skipped"))
        else:
            seen_ids[article.id] = lineno
            articles.append(article)
    return articles, problems


def _article_from_record(
    record: object, fallback_id: str, outlet: str | None, url: str | None, published: date | None
) -> Article | None:
    if not isinstance(record, dict):
        raise _BadRecord(f"expected a JSON object, got {type(record).__name__}")
    text = record.get("text")
    if text is None or (isinstance(text, str) and not text.strip()):
        raise _BadRecord("missing 'text'")
    if not isinstance(text, str):
        raise _BadRecord(f"'text' must be a string, got {type(text).__name__}")
    raw_id = record.get("id")
    if raw_id is not None and not isinstance(raw_id, str | int):
        raise _BadRecord(f"'id' must be a string, got {type(raw_id).__name__}")
    day = record.get("published")
    if day is not None and _parse_date(day) is None:
        raise _BadRecord(f"bad 'published' date {day!r}; expected YYYY-MM-DD or null")
    return article_from_text(
        text,
        doc_id=str(raw_id).strip() if raw_id is not None and str(raw_id).strip() else fallback_id,
        outlet=_field(record, "outlet") or outlet,
        url=_field(record, "url") or url,
        published=_parse_date(day) or published,
        title=_field(record, "title"),
    )


def _field(record: dict[str, Any], name: str) -> str | None:
    value = record.get(name)
    if value is not None and not isinstance(value, str):
        raise _BadRecord(f"{name!r} must be a string or null, got {type(value).__name__}")
    return _str_or_none(value)


def _str_or_none(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = normalise_line(value)
    return value or None


def _parse_date(value: object) -> date | None:
    """YYYY-MM-DD, also as the start of an ISO timestamp; anything else is None."""
    if not isinstance(value, str):
        return None
    m = _ISO_DATE.match(value.strip())
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


_JSONL_FILE_FACTOR = 100
_Reader = Callable[[Path, str | None, str | None, date | None, int], Result]
_READERS: dict[str, _Reader] = {
    ".txt": _read_txt,
    ".jsonl": _read_jsonl,
    ".html": _read_html,
    ".htm": _read_html,
}
