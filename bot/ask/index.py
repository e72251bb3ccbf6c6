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

from bot.models import Claim, Speaker
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


@dataclass
class ClaimIndex:
    """Claims by term and by speaker, with what rapidfuzz needs to find a speaker by any spelling."""

    claims: list[Claim] = field(default_factory=list)
    claim_terms: list[frozenset[str]] = field(default_factory=list)
    claim_words: list[frozenset[str]] = field(default_factory=list)  # unfolded stems, to break ties
    postings: dict[str, list[int]] = field(default_factory=dict)
    context: dict[str, list[int]] = field(default_factory=dict)  # terms only the source sentences carry
    idf: dict[str, float] = field(default_factory=dict)
    by_speaker: dict[str, list[int]] = field(default_factory=dict)
    by_number: dict[float, list[int]] = field(default_factory=dict)
    alias_names: list[str] = field(default_factory=list)  # folded alias, parallel to alias_owner
    alias_owner: list[str] = field(default_factory=list)  # canonical speaker of each alias
    speaker_kind: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, claims: Sequence[Claim], speakers: Iterable[Speaker] = ()) -> ClaimIndex:
        index = cls(claims=list(claims))
        postings: dict[str, list[int]] = defaultdict(list)
        context: dict[str, list[int]] = defaultdict(list)
        by_speaker: dict[str, list[int]] = defaultdict(list)
        by_number: dict[float, list[int]] = defaultdict(list)
        for i, claim in enumerate(index.claims):
            own = " ".join([claim.statement, claim.topic or "", *_units(claim)])
            found = frozenset(terms(own))
            index.claim_terms.append(found)
            index.claim_words.append(frozenset(literal_terms(own)))
            for term in found:
                postings[term].append(i)
            # the sentences around it say what the claim is about, more weakly than the claim itself
            for term in terms(" ".join(s.sentence for s in claim.sources)) - found:
                context[term].append(i)
            by_speaker[claim.speaker].append(i)
            for figure in claim.figures:
                for number in figure.numbers():
                    by_number[number].append(i)
        total = max(len(index.claims), 1)
        index.postings = dict(postings)
        index.context = dict(context)
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
            counts.update(self.claim_terms[i])
        return [t for t, _ in counts.most_common(limit)]


def _units(claim: Claim) -> list[str]:
    return [f.unit for f in claim.figures if f.unit]
