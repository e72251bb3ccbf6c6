"""An in-memory index of the store's claims, built once, so a question is answered in milliseconds.

Terms of each claim (statement, topic, figure units) go into an inverted index with IDF weights; speakers
and every alias go into a table for rapidfuzz. Pure: claims and speakers in, no I/O.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from bot.memory import gc_paused
from bot.models import Claim, ClaimSummary, SearchTerms, Speaker
from bot.vocabulary import literal_terms, terms


def fold_name(name: str) -> str:
    """A name with its spelling differences folded away: Zelenskyy/Zelenskiy -> zelenski, U.S. -> us."""
    name = name.lower().replace("’", "'")
    name = re.sub(r"\b([a-z])\.([a-z])\.(?:([a-z])\.)?", r"\1\2\3", name)
    name = re.sub(r"^the\s+|'s\b", " ", name)
    name = re.sub(r"[^a-z0-9 ]+", " ", name)
    name = name.replace("kh", "h").replace("ck", "k").replace("w", "v").replace("y", "i").replace("j", "i")
    name = re.sub(r"(.)\1+", r"\1", name)  # doubled letters
    name = re.sub(r"i+\b", "i", name)
    return " ".join(name.split())


def claim_date(claim: Claim) -> date:
    """When a claim was made, or failing that first reported: for 'latest' and recency ranking."""
    if claim.said_on:
        return claim.said_on
    published = [s.published for s in claim.sources if s.published]
    return min(published) if published else date.min


def search_terms(claim: Claim) -> SearchTerms:
    """The claim's terms for the index: the pipeline stores them, so no start-up re-reads every text."""
    own_text = " ".join([claim.statement, claim.topic or "", *(f.unit for f in claim.figures if f.unit)])
    own = terms(own_text)
    context = terms(" ".join(s.sentence for s in claim.sources)) - own
    words = literal_terms(claim.statement)
    return SearchTerms(sorted(own), sorted(context), sorted(words), claim_date(claim).toordinal())


def summarise(claim: Claim) -> ClaimSummary:
    numbers = tuple(n for f in claim.figures for n in f.numbers())
    day = claim_date(claim).toordinal()
    return ClaimSummary(claim.speaker, day, numbers, bool(claim.figures), claim.search)


@dataclass
class ClaimIndex:
    """Claims by term and by speaker, with what rapidfuzz needs to find a speaker by any spelling."""

    claims: Sequence[Claim] = field(default_factory=list)
    search: list[SearchTerms] = field(default_factory=list)  # per claim, parallel to claims
    postings: dict[str, np.ndarray] = field(default_factory=dict)  # term -> claim positions
    context: dict[str, np.ndarray] = field(default_factory=dict)  # terms only the source sentences carry
    recency: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))  # claim_date ordinals
    has_figures: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    speaker_of: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))  # position in speakers
    speakers: list[str] = field(default_factory=list)
    idf: dict[str, float] = field(default_factory=dict)
    by_speaker: dict[str, list[int]] = field(default_factory=dict)
    by_number: dict[float, list[int]] = field(default_factory=dict)
    alias_names: list[str] = field(default_factory=list)  # folded alias, parallel to alias_owner
    alias_owner: list[str] = field(default_factory=list)  # canonical speaker of each alias
    speaker_kind: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, claims: Sequence[Claim], speakers: Iterable[Speaker] = ()) -> ClaimIndex:
        """Index claims; a store's lazy ClaimList gives summaries, so no claim is built until answered."""
        with gc_paused():
            return cls._build(claims, speakers)

    @classmethod
    def _build(cls, claims: Sequence[Claim], speakers: Iterable[Speaker]) -> ClaimIndex:
        index = cls(claims=claims)
        given = getattr(claims, "summaries", None)
        summaries: list[ClaimSummary] = given() if given else [summarise(c) for c in claims]
        postings: dict[str, list[int]] = defaultdict(list)
        context: dict[str, list[int]] = defaultdict(list)
        by_speaker: dict[str, list[int]] = defaultdict(list)
        by_number: dict[float, list[int]] = defaultdict(list)
        recency, speaker_of = [], []
        speaker_pos: dict[str, int] = {}
        for i, summary in enumerate(summaries):
            search = summary.search or search_terms(claims[i])
            index.search.append(search)
            recency.append(summary.day)
            speaker_of.append(speaker_pos.setdefault(summary.speaker, len(speaker_pos)))
            for term in search.own:
                postings[term].append(i)
            for term in search.context:
                context[term].append(i)
            by_speaker[summary.speaker].append(i)
            for number in summary.numbers:
                by_number[number].append(i)
        total = max(len(index.claims), 1)
        index.postings = {t: np.array(ids, np.int32) for t, ids in postings.items()}
        index.context = {t: np.array(ids, np.int32) for t, ids in context.items()}
        index.recency = np.array(recency, np.int32)
        index.has_figures = np.array([s.has_figures for s in summaries], bool)
        index.speaker_of = np.array(speaker_of, np.int32)
        index.speakers = list(speaker_pos)
        counts = Counter({t: len(ids) for t, ids in postings.items()})
        counts.update({t: len(ids) for t, ids in context.items()})
        index.idf = {t: math.log(1 + total / n) for t, n in counts.items()}
        index.by_speaker = dict(by_speaker)
        index.by_number = dict(by_number)
        # (folded alias, owner) pairs: a role such as "central bank governor" may belong to several people
        pairs: dict[tuple[str, str], None] = {}
        for speaker in speakers:
            index.speaker_kind[speaker.name] = speaker.kind
            for alias in {speaker.name, *speaker.aliases, *speaker.roles}:
                pairs[(fold_name(alias), speaker.name)] = None
        for name in index.by_speaker:
            pairs[(fold_name(name), name)] = None
        index.alias_names = [alias for alias, _ in pairs]
        index.alias_owner = [owner for _, owner in pairs]
        return index

    def speaker_topics(self, speaker: str, limit: int = 5) -> list[str]:
        """What a speaker has spoken about most: the commonest terms of their claims."""
        counts: Counter[str] = Counter()
        for i in self.by_speaker.get(speaker, []):
            counts.update(self.search[i].own)
        return [t for t, _ in counts.most_common(limit)]
