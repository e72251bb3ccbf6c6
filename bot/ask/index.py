"""An in-memory index of the store's claims, built once, so a question is answered in milliseconds.

Terms of each claim (statement, topic, figure units) go into an inverted index with IDF weights; speakers
and every alias go into a table for rapidfuzz. Pure: claims and speakers in, no I/O.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

import numpy as np
from anyascii import anyascii

from bot.lexicon import TITLE_WORDS
from bot.memory import gc_paused
from bot.models import Claim, ClaimSummary, SearchTerms, Speaker
from bot.vocabulary import PLACE_TERMS, literal_terms, snowball, spans, terms

#: Marks search terms made by the current vocabulary; stored terms without it are worked out again at load,
#: so a store ingested before a vocabulary change still answers (``claimbot reextract`` makes it permanent).
TERMS_VERSION = "~v4"
_SAMPLE = 12  # claims read to tell how a term is written
_CACHE = 4096  # terms remembered per cache
T = TypeVar("T")


def _union(arrays: Iterable[np.ndarray | None]) -> np.ndarray:
    """The claims in any of the arrays, sorted, each once."""
    found = [a for a in arrays if a is not None]
    if not found:
        return np.zeros(0, np.int64)
    if len(found) == 1:
        return found[0].astype(np.int64)
    return np.unique(np.concatenate(found)).astype(np.int64)


# title words are capitalised before names ("President Ruto said"), which makes none of them a name
_NOT_PROPER = frozenset(snowball(w) for w in TITLE_WORDS)


def fold_name(name: str) -> str:
    """A name with its spelling differences folded away: Zelenskyy/Зеленський -> zelenski, U.S. -> us.

    Any script goes to Latin letters through anyascii first, so Cyrillic and accented names meet their
    English spellings."""
    name = anyascii(name).lower().replace("’", "'")
    name = re.sub(r"\b([a-z])\.([a-z])\.(?:([a-z])\.)?", r"\1\2\3", name)
    name = re.sub(r"^the\s+|'s\b", " ", name).replace("'", "")
    name = re.sub(r"[^a-z0-9 ]+", " ", name)
    name = name.replace("kh", "h").replace("ck", "k").replace("w", "v").replace("y", "i").replace("j", "i")
    name = re.sub(r"(.)\1+", r"\1", name)  # doubled letters
    name = re.sub(r"i+\b", "i", name)
    return " ".join(name.split())


_INITIAL_SKIP = frozenset("and of the for on in at &".split())


def initials_of(name: str) -> list[str]:
    """The acronyms a long name goes by: its words' first letters ("and", "of" left out), from the first
    word or after any leading words ("Philippines' National Disaster ..." -> pndrrmc, ndrrmc, ...), three
    letters at least and from names of three words or more."""
    content = [w for w in re.findall(r"[^\W\d_]+", anyascii(name)) if w.lower() not in _INITIAL_SKIP]
    if len(content) < 3:
        return []
    letters = "".join(w[0] for w in content).lower()
    return [letters[k:] for k in range(len(letters) - 2)]


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
    return SearchTerms(
        [TERMS_VERSION, *sorted(own)], sorted(context), sorted(words), claim_date(claim).toordinal()
    )


def current(search: SearchTerms | None) -> bool:
    """Whether stored search terms were made by this vocabulary."""
    return search is not None and bool(search.own) and search.own[0] == TERMS_VERSION


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
    vocabulary: list[str] = field(default_factory=list)  # sorted plain terms, for stems that share a root
    described: dict[str, frozenset[str]] = field(default_factory=dict)  # terms of each name, alias, role
    spoken: dict[str, np.ndarray] = field(default_factory=dict)  # a name's term -> claims its owner made
    _proper: dict[str, bool] = field(default_factory=dict)
    _documents: dict[int, tuple[str, ...]] = field(default_factory=dict)
    _roots: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _own: dict[str, np.ndarray] = field(default_factory=dict)
    _around: dict[str, np.ndarray] = field(default_factory=dict)
    _carrying: dict[str, np.ndarray] = field(default_factory=dict)
    by_description: dict[str, frozenset[str]] = field(default_factory=dict)  # term -> speakers it describes
    initials: dict[str, tuple[str, ...]] = field(default_factory=dict)  # "ndrrmc" -> speakers so abbreviated
    by_role: dict[str, frozenset[str]] = field(default_factory=dict)  # term -> speakers whose roles carry it
    role_terms: dict[str, frozenset[str]] = field(default_factory=dict)  # speaker -> terms of their roles
    alias_last: list[str] = field(default_factory=list)  # last word of each folded alias
    # article titles by document id, or a loader called the first time one is needed (the store keeps
    # them beside the article texts, which a question should not wait for at start-up)
    titles: Mapping[str, str] | Callable[[], Mapping[str, str]] | None = None
    _title_terms: dict[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        claims: Sequence[Claim],
        speakers: Iterable[Speaker] = (),
        titles: Mapping[str, str] | Callable[[], Mapping[str, str]] | None = None,
    ) -> ClaimIndex:
        """Index claims; a store's lazy ClaimList gives summaries, so no claim is built until answered.

        ``titles`` (document id -> headline, or a function that reads them) is read on first use only."""
        with gc_paused():
            index = cls._build(claims, speakers)
        index.titles = titles
        return index

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
            search = summary.search
            if search is None or not current(search):
                search = search_terms(claims[i])
            index.search.append(search)
            recency.append(summary.day)
            speaker_of.append(speaker_pos.setdefault(summary.speaker, len(speaker_pos)))
            for term in search.own[1:]:
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
        index.vocabulary = sorted(t for t in counts if not t.startswith("@"))
        described: dict[str, set[str]] = defaultdict(set)
        for speaker in speakers:
            for text in (speaker.name, *speaker.aliases, *speaker.roles):
                described[speaker.name] |= terms(text)
        for name in index.by_speaker:
            described[name] |= terms(name)
        index.described = {name: frozenset(ts) for name, ts in described.items()}
        describing: dict[str, set[str]] = defaultdict(set)
        for name, ts in described.items():
            for term in ts:
                describing[term].add(name)
        index.by_description = {t: frozenset(names) for t, names in describing.items()}
        in_roles: dict[str, set[str]] = defaultdict(set)
        for speaker in speakers:
            for text in speaker.roles:
                for term in terms(text):
                    in_roles[term].add(speaker.name)
        index.by_role = {t: frozenset(names) for t, names in in_roles.items()}
        index.role_terms = {
            speaker.name: frozenset().union(*(terms(r) for r in speaker.roles)) for speaker in speakers
        }
        index.alias_last = [alias.split()[-1] if alias else "" for alias in index.alias_names]
        abbreviated: dict[str, dict[str, None]] = defaultdict(dict)
        for speaker in speakers:
            for text in (speaker.name, *speaker.aliases):
                for letters in initials_of(text):
                    abbreviated[letters][speaker.name] = None
        index.initials = {k: tuple(v) for k, v in abbreviated.items()}
        named: dict[str, set[str]] = defaultdict(set)
        for speaker in speakers:
            for text in (speaker.name, *speaker.aliases):
                for term in terms(text) - PLACE_TERMS:
                    named[term].add(speaker.name)
        index.spoken = {
            term: np.array(sorted(i for n in names for i in index.by_speaker.get(n, ())), np.int32)
            for term, names in named.items()
        }
        return index

    def speaker_topics(self, speaker: str, limit: int = 5) -> list[str]:
        """What a speaker has spoken about most: the commonest terms of their claims."""
        counts: Counter[str] = Counter()
        for i in self.by_speaker.get(speaker, []):
            counts.update(t for t in self.search[i].own if not t.startswith("~"))
        return [t for t, _ in counts.most_common(limit)]

    def proper(self, term: str) -> bool:
        """Whether the store writes a term as a name (a capital mid-sentence): a town, a firm, an event.

        Looked up from a few claims on first use and remembered, so loading stays as fast as before."""
        if term.startswith(("@", "~")) or term in _NOT_PROPER:
            return False
        known = self._proper.get(term)
        if known is not None:
            return known
        ids = self.postings.get(term)
        if ids is None:
            ids = self.context.get(term)
        capital = lower = 0
        for i in [] if ids is None else ids[:_SAMPLE]:
            claim = self.claims[int(i)]
            for text in (claim.statement, *(s.sentence for s in claim.sources[:2])):
                for m in re.finditer(r"[A-Za-z][\w'’-]*", text):
                    if snowball(m.group().lower()) != term:
                        continue
                    before = text[: m.start()].rstrip()
                    if not before or before[-1] in ".!?\"“:‘'(":
                        continue  # the first word of a sentence or a quote tells nothing
                    if m.group()[0].isupper():
                        capital += 1
                    else:
                        lower += 1
        found = capital >= 1 and capital >= 3 * lower
        self._proper[term] = found
        return found

    def documents(self, i: int) -> tuple[str, ...]:
        """The articles a claim was read from (remembered: claims are built lazily from the store)."""
        found = self._documents.get(i)
        if found is None:
            found = self._documents[i] = tuple(s.document for s in self.claims[i].sources)
        return found

    def title_terms(self, document: str) -> frozenset[str]:
        """The terms of the headline of the article a claim was read from (none when it is unknown)."""
        found = self._title_terms.get(document)
        if found is None:
            if callable(self.titles):
                self.titles = self.titles()  # read once, on the first question that needs a headline
            title = (self.titles or {}).get(document) or ""
            found = self._title_terms[document] = frozenset(terms(title))
        return found

    def word_for(self, term: str, ids: Iterable[int] = ()) -> str | None:
        """How the claims write a term, for a reply: the commonest written form among a few claims that
        carry it (the given ones first), never a stem or a number."""
        counts: Counter[str] = Counter()
        carrying = self.postings.get(term)
        given = list(ids)
        chosen = [i for i in given if term in self.search[i].own][:_SAMPLE]
        if not given and carrying is not None:
            chosen = [int(i) for i in carrying[:_SAMPLE]]
        for i in chosen:
            claim = self.claims[i]
            for text in (claim.statement, claim.topic or ""):
                counts.update(w for t, w in spans(text) if t == term and not w.isdigit())
        if not counts:
            return None
        named = term in PLACE_TERMS or self.proper(term)
        shown: Counter[str] = Counter()
        for written, n in counts.items():
            shown[written if named or written.isupper() else written.lower()] += n
        return shown.most_common(1)[0][0]

    def _remember(self, cache: dict[str, T], term: str, make: Callable[[str], T]) -> T:
        """A per-index cache of what a term looks up; bounded, so odd questions cannot grow it forever."""
        found = cache.get(term)
        if found is None:
            if len(cache) >= _CACHE:
                cache.clear()
            found = cache[term] = make(term)
        return found

    def own(self, term: str) -> np.ndarray:
        """Claims whose statement carries a term or a stem of its root, or whose speaker it names."""
        return self._remember(self._own, term, self._own_of)

    def _own_of(self, term: str) -> np.ndarray:
        roots = self.roots(term)
        return _union([*(self.postings.get(r) for r in roots), *(self.spoken.get(r) for r in roots)])

    def around(self, term: str) -> np.ndarray:
        """Claims whose source sentences (not the statement) carry a term or a stem of its root."""
        return self._remember(
            self._around, term, lambda t: _union(self.context.get(r) for r in self.roots(t))
        )

    def carrying(self, term: str) -> np.ndarray:
        """Claims that carry a term anywhere: statement, source sentences or speaker's name."""
        return self._remember(self._carrying, term, lambda t: np.union1d(self.own(t), self.around(t)))

    def roots(self, term: str) -> tuple[str, ...]:
        """The stored terms that share a root with a question's term: 'deliveri' -> deliveri, deliv.

        Snowball keeps a few derivations apart ('delivered' -> deliv, 'deliveries' -> deliveri); a stem
        that begins the other, with at most three letters between them, is taken as the same word."""
        return self._remember(self._roots, term, self._roots_of)

    def _roots_of(self, term: str) -> tuple[str, ...]:
        if term.startswith("@") or len(term) < 4:
            return (term,)
        found = [term]
        start = bisect_left(self.vocabulary, term)
        for other in self.vocabulary[start : start + 50]:
            if not other.startswith(term):
                break
            longer = len(other) - len(term)
            if other != term and ((longer <= 3 and len(term) >= 5) or (longer <= 2 and len(term) == 4)):
                found.append(other)  # "hack" -> hacker, "deliveri" -> delivery's stem forms
        for cut in range(max(5, len(term) - 3), len(term)):
            head = term[:cut]
            j = bisect_left(self.vocabulary, head)
            if j < len(self.vocabulary) and self.vocabulary[j] == head:
                found.append(head)
        return tuple(dict.fromkeys(found))
