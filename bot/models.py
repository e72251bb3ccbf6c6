"""The small frozen records every part of claimbot passes around.

Plain data only: no I/O, no Telegram, no TinyDB. The store owns the dict <-> record mapping.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple


@dataclass(frozen=True)
class Article:
    """One news article as read from a file, a feed or a page, cleaned of scraped noise."""

    id: str
    text: str
    outlet: str | None = None
    url: str | None = None
    published: date | None = None
    title: str | None = None


@dataclass(frozen=True)
class Figure:
    """A number as a claim states it: a value, or a range (low/high), with its bound and unit."""

    text: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str | None = None
    qualifier: str | None = None

    def numbers(self) -> tuple[float, ...]:
        return tuple(v for v in (self.value, self.low, self.high) if v is not None)


@dataclass(frozen=True)
class Source:
    """Where a claim was reported: one article and the sentence in it."""

    document: str
    sentence: str
    outlet: str | None = None
    url: str | None = None
    published: date | None = None


class SearchTerms(NamedTuple):
    """A claim as the answer index wants it, worked out once at ingest, not at every start.

    A tuple, not a dataclass: a big store makes a hundred thousand of these at start-up."""

    own: Sequence[str] = ()  # folded terms of the statement, topic and figure units
    context: Sequence[str] = ()  # terms only the source sentences add
    words: Sequence[str] = ()  # unfolded stems of the statement, to break ties
    day: int = 0  # when it was said (else first reported), as a date ordinal, for recency


@dataclass(frozen=True)
class Claim:
    """Who said what, with which figures, when, and who reported it."""

    id: str
    speaker: str
    statement: str
    figures: tuple[Figure, ...] = ()
    said_on: date | None = None
    topic: str | None = None
    sources: tuple[Source, ...] = ()
    relayed_by: str | None = None
    first_seen: datetime | None = None
    search: SearchTerms | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Speaker:
    """A canonical speaker and every spelling of it seen so far."""

    name: str
    kind: str = "person"  # person | organisation | anonymous
    aliases: tuple[str, ...] = field(default=())
    roles: tuple[str, ...] = field(default=())  # how reports described them: "central bank governor"


class ClaimSummary(NamedTuple):
    """What the answer index needs of a claim, read from the store without building the whole claim.

    A tuple, not a dataclass: a big store makes a hundred thousand of these at start-up."""

    speaker: str
    day: int  # said_on, else the first publication date, else date.min, as an ordinal
    numbers: tuple[float, ...]  # every value, low and high of its figures
    has_figures: bool
    search: SearchTerms | None
