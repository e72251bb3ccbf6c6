"""Records <-> JSON-ready dicts: the one mapping every backend shares (TinyDB keeps these dicts as they are,
PostgreSQL keeps the claim and article dicts in jsonb columns), so both backends store exactly the same thing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any, overload

import orjson

from bot.models import Article, Claim, ClaimSummary, Figure, SearchTerms, Source, Speaker
from data.port import StoreError
from data.records import DigestRun, Feed, SeenItem, StoredArticle

# --- claims, speakers, articles -----------------------------------------------------------------------


def claim_to_json(claim: Claim) -> dict[str, Any]:
    """The public JSON shape of a claim; also exactly what the store keeps."""
    return {
        "id": claim.id,
        "speaker": claim.speaker,
        "statement": claim.statement,
        "figures": [_figure_to_json(f) for f in claim.figures],
        "said_on": date_out(claim.said_on),
        "topic": claim.topic,
        "sources": [_source_to_json(s) for s in claim.sources],
        "first_seen": datetime_out(claim.first_seen),
        "relayed_by": claim.relayed_by,
    }


_MALFORMED = (KeyError, TypeError, ValueError, AttributeError)


def malformed(record: object, exc: Exception) -> StoreError:
    """The error for a stored claim record this claimbot cannot read: which claim, and what is wrong."""
    cid = record.get("id", "?") if isinstance(record, Mapping) else "?"
    return StoreError(
        f"stored claim {cid!r} is malformed ({type(exc).__name__}: {exc}); "
        "remove or repair that record, or rebuild the claims with `claimbot reextract`"
    )


def claim_from_json(record: Mapping[str, Any]) -> Claim:
    """Optional keys may be missing so that records from older schemas still load."""
    return Claim(
        id=record["id"],
        speaker=record["speaker"],
        statement=record["statement"],
        figures=tuple([_figure_from_json(f) for f in record.get("figures") or ()]),
        said_on=date_in(record.get("said_on")),
        topic=record.get("topic"),
        sources=tuple([_source_from_json(s) for s in record.get("sources") or ()]),
        relayed_by=record.get("relayed_by"),
        first_seen=datetime_in(record.get("first_seen")),
        search=_search_from_json(record.get("search")),
    )


class ClaimList(Sequence[Claim]):
    """The store's claims, each built from its record only when it is asked for.

    Answering needs every claim's summary but only a handful of whole claims; building all 100,000 up
    front would cost a second of start-up."""

    def __init__(self, records: Sequence[Mapping[str, Any]], ids: Sequence[str] | None = None) -> None:
        self._records = records
        self._ids = ids  # given when the records are read lazily, so the ids need not parse them all
        self._built: dict[int, Claim] = {}

    def __len__(self) -> int:
        return len(self._records)

    @overload
    def __getitem__(self, i: int) -> Claim: ...

    @overload
    def __getitem__(self, i: slice) -> list[Claim]: ...

    def __getitem__(self, i: int | slice) -> Claim | list[Claim]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        claim = self._built.get(i)
        if claim is None:
            try:
                claim = self._built[i] = claim_from_json(self._records[i])
            except _MALFORMED as exc:  # built while answering: an error naming the claim, not a traceback
                raise malformed(self._records[i], exc) from None
        return claim

    def ids(self) -> list[str]:
        if self._ids is not None:
            return list(self._ids)
        return list(map(itemgetter("id"), self._records))

    def record_bytes(self, i: int) -> bytes:
        """One claim's record as JSON, as stored (for saving the answer index beside its claims)."""
        raw = getattr(self._records, "raw", None)
        return raw(i) if raw else orjson.dumps(self._records[i])

    def summaries(self) -> Iterator[ClaimSummary]:
        """Each claim's summary, one at a time: the index keeps what it needs of each, not the summary."""
        for record in self._records:
            try:
                yield _summary(record)
            except _MALFORMED as exc:
                raise malformed(record, exc) from None

    def search_at(self, i: int) -> SearchTerms | None:
        """The stored search terms of one claim, read from its record when asked for: the index does not
        keep a hundred thousand of them in memory."""
        try:
            return _search_from_json(self._records[i].get("search"))
        except _MALFORMED as exc:
            raise malformed(self._records[i], exc) from None


def _summary(record: Mapping[str, Any]) -> ClaimSummary:
    search = _search_from_json(record.get("search"))
    if search is not None and search.day:
        day = search.day
    else:
        said = record.get("said_on")
        published = [s["published"] for s in record.get("sources") or () if s.get("published")]
        first = said or (min(published) if published else None)
        day = date.fromisoformat(first).toordinal() if first else date.min.toordinal()
    figures = record.get("figures") or ()
    numbers = tuple(
        float(v) for f in figures for v in (f.get("value"), f.get("low"), f.get("high")) if v is not None
    )
    return ClaimSummary(record["speaker"], day, numbers, bool(figures), search)


def claim_record(claim: Claim) -> dict[str, Any]:
    """What the store keeps of a claim: its public shape plus the answer index's precomputed terms."""
    record = claim_to_json(claim)
    if claim.search is not None:
        # one string per field: a big store loads several times faster than with lists of words
        record["search"] = {
            "own": " ".join(claim.search.own),
            "context": " ".join(claim.search.context),
            "words": " ".join(claim.search.words),
            "day": claim.search.day,
        }
    return record


def _search_from_json(record: Mapping[str, Any] | None) -> SearchTerms | None:
    if not record:
        return None
    return SearchTerms(
        record["own"].split(), record["context"].split(), record["words"].split(), record.get("day", 0)
    )


def _figure_to_json(figure: Figure) -> dict[str, Any]:
    return {
        "value": _number_out(figure.value),
        "low": _number_out(figure.low),
        "high": _number_out(figure.high),
        "unit": figure.unit,
        "qualifier": figure.qualifier,
        "text": figure.text,
    }


def _figure_from_json(record: Mapping[str, Any]) -> Figure:
    return Figure(
        text=record["text"],
        value=_number_in(record.get("value")),
        low=_number_in(record.get("low")),
        high=_number_in(record.get("high")),
        unit=record.get("unit"),
        qualifier=record.get("qualifier"),
    )


def _source_to_json(source: Source) -> dict[str, Any]:
    return {
        "document": source.document,
        "outlet": source.outlet,
        "url": source.url,
        "published": date_out(source.published),
        "sentence": source.sentence,
    }


def _source_from_json(record: Mapping[str, Any]) -> Source:
    return Source(
        document=record["document"],
        sentence=record["sentence"],
        outlet=record.get("outlet"),
        url=record.get("url"),
        published=date_in(record.get("published")),
    )


def speaker_to_json(speaker: Speaker) -> dict[str, Any]:
    return {
        "name": speaker.name,
        "kind": speaker.kind,
        "aliases": list(speaker.aliases),
        "roles": list(speaker.roles),
    }


def speaker_from_json(record: Mapping[str, Any]) -> Speaker:
    return Speaker(
        name=record["name"],
        kind=record.get("kind", "person"),
        aliases=tuple(record.get("aliases", ())),
        roles=tuple(record.get("roles", ())),
    )


def article_to_json(stored: StoredArticle) -> dict[str, Any]:
    article = stored.article
    return {
        "id": article.id,
        "outlet": article.outlet,
        "url": article.url,
        "published": date_out(article.published),
        "title": article.title,
        "hash": stored.hash,
        "ingested": datetime_out(stored.ingested),
        "text": article.text,
    }


def article_from_json(record: Mapping[str, Any]) -> StoredArticle:
    article = Article(
        id=record["id"],
        text=record["text"],
        outlet=record.get("outlet"),
        url=record.get("url"),
        published=date_in(record.get("published")),
        title=record.get("title"),
    )
    return StoredArticle(article, record["hash"], datetime_in(record.get("ingested")))


def _number_out(value: float | None) -> float | int | None:
    """3800.0 is written 3800: shorter files, and what a reader of the JSON expects to see."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _number_in(value: float | int | None) -> float | None:
    return None if value is None else float(value)


def date_out(value: date | None) -> str | None:
    if value is None:
        return None
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def date_in(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def datetime_out(value: datetime | None) -> str | None:
    """A naive datetime is taken as UTC, so every stored time carries its zone."""
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def datetime_in(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


# --- feeds, feed items, digest runs -------------------------------------------------------------------


def feed_to_json(feed: Feed) -> dict[str, Any]:
    return {
        "url": feed.url,
        "title": feed.title,
        "etag": feed.etag,
        "last_modified": feed.last_modified,
        "failures": feed.failures,
        "next_poll": feed.next_poll.isoformat() if feed.next_poll else None,
        "last_error": feed.last_error,
    }


def feed_from_json(record: Mapping[str, Any]) -> Feed:
    stamp = record.get("next_poll")
    moment = datetime.fromisoformat(stamp) if stamp else None
    return Feed(
        url=record["url"],
        etag=record.get("etag"),
        last_modified=record.get("last_modified"),
        failures=int(record.get("failures") or 0),
        next_poll=(moment if moment.tzinfo else moment.replace(tzinfo=UTC)) if moment else None,
        last_error=record.get("last_error"),
        title=record.get("title"),
    )


def item_to_json(item: SeenItem) -> dict[str, Any]:
    return {
        "feed": item.feed,
        "guid": item.guid,
        "link": item.link,
        "hash": item.hash,
        "doc": item.doc,
        "seen": datetime_out(item.seen),
    }


def item_from_json(record: Mapping[str, Any]) -> SeenItem:
    return SeenItem(
        feed=record.get("feed") or "",
        guid=record.get("guid"),
        link=record.get("link"),
        hash=record.get("hash"),
        doc=record.get("doc"),
        seen=datetime_in(record.get("seen")),
    )


def run_to_json(run: DigestRun) -> dict[str, Any]:
    return {
        "day": run.day,
        "cut": run.cut,
        "messages": list(run.messages),
        "recipients": list(run.recipients),
    }


def run_from_json(record: Mapping[str, Any]) -> DigestRun:
    return DigestRun(record["day"], record["cut"], tuple(record["messages"]), tuple(record["recipients"]))


_LEDE_CHARS = 300
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


def headline(record: Mapping[str, Any]) -> str:
    """An article's headline; for one that has none (a plain .txt), its lede, the first sentence of its
    first paragraph that reads as one: news puts what the story is about there."""
    title = record.get("title")
    if title:
        return str(title)
    text = str(record.get("text") or "")
    for paragraph in text.split("\n"):
        words = paragraph.strip()
        if len(words.split()) >= _LEDE_WORDS:
            return _SENTENCE_END.split(words, maxsplit=1)[0][:_LEDE_CHARS]
    return ""


_LEDE_WORDS = 8  # a shorter first line is a byline, a dateline or a menu, not the lede
