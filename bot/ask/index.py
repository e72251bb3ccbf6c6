"""An in-memory index of the store's claims, built once, so a question is answered in milliseconds.

Terms of each claim (statement, topic, figure units) go into an inverted index with IDF weights; speakers
and every alias go into a table for rapidfuzz. Pure: claims and speakers in, no I/O.
"""

from __future__ import annotations

import copy
import re
from bisect import bisect_left, insort
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar, overload

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


@dataclass(frozen=True)
class SpeakerPart:
    """What the index keeps of one version of a speaker's names and roles, so an update reuses it."""

    folded: tuple[str, ...]  # folded name, aliases and roles
    described: frozenset[str]  # terms of each name, alias, role
    roles: frozenset[str] = frozenset()  # terms of the roles
    initials: tuple[str, ...] = ()
    named: frozenset[str] = frozenset()  # terms of the name and aliases, places left out


def _part_of(speaker: Speaker, registered: bool = True) -> SpeakerPart:
    if not registered:  # a claim's speaker missing from the registry: known by its name alone
        return SpeakerPart((fold_name(speaker.name),), frozenset(terms(speaker.name)))
    texts = (speaker.name, *speaker.aliases, *speaker.roles)
    names = (speaker.name, *speaker.aliases)
    return SpeakerPart(
        folded=tuple(dict.fromkeys(fold_name(t) for t in texts)),
        described=frozenset().union(*(terms(t) for t in texts)),
        roles=frozenset().union(*(terms(r) for r in speaker.roles)),
        initials=tuple(dict.fromkeys(letters for t in names for letters in initials_of(t))),
        named=frozenset().union(*(terms(t) for t in names)) - PLACE_TERMS,
    )


def _named_terms(
    before: Mapping[str, tuple[Speaker | None, SpeakerPart]],
    after: Mapping[str, tuple[Speaker | None, SpeakerPart]],
    name: str,
) -> set[str]:
    """The terms that name a speaker before or after an update, for the `spoken` entries to redo."""
    found: set[str] = set()
    for parts in (before, after):
        entry = parts.get(name)
        if entry is not None:
            found |= entry[1].named
    return found


def _amended(
    table: Mapping[str, np.ndarray], lose: Mapping[str, list[int]], gain: Mapping[str, list[int]]
) -> dict[str, np.ndarray]:
    """A copy of a term -> positions table with some positions taken out of some terms and put in others."""
    out = dict(table)
    for term in {*lose, *gain}:
        ids = table.get(term, np.zeros(0, np.int32))
        if term in lose:
            ids = ids[~np.isin(ids, lose[term])]
        if term in gain:
            add = np.array(sorted(set(gain[term])), np.int32)
            if len(ids) and add[0] <= ids[-1]:  # a claim changed in place: merge, keeping the order
                add = np.setdiff1d(add, ids, assume_unique=True)
                ids = np.sort(np.concatenate((ids, add)), kind="stable")
            else:  # new claims come after every stored one
                ids = np.concatenate((ids, add))
        if len(ids):
            out[term] = ids
        else:
            out.pop(term, None)
    return out


class _Overlay(Sequence[Claim]):
    """The claims of an updated index: the first index's claims with some replaced and some appended, so
    an update never copies or builds the claims that did not change."""

    def __init__(self, base: Sequence[Claim], fresh: Mapping[int, Claim], total: int) -> None:
        self._base = base
        self._fresh = fresh
        self._total = total

    @classmethod
    def of(cls, base: Sequence[Claim], fresh: Mapping[int, Claim], total: int) -> _Overlay:
        if isinstance(base, _Overlay):
            return cls(base._base, {**base._fresh, **fresh}, total)
        return cls(base, fresh, total)

    def ids(self) -> list[str]:
        given = getattr(self._base, "ids", None)
        found = list(given()) if given else [c.id for c in self._base]
        found.extend([""] * (self._total - len(found)))
        for i, claim in self._fresh.items():
            found[i] = claim.id
        return found

    def record_bytes(self, i: int) -> bytes | None:
        """A claim's stored record as JSON, when it is the store's unchanged (None: make it afresh)."""
        raw = getattr(self._base, "record_bytes", None)
        return None if i in self._fresh or raw is None else raw(i)

    def __len__(self) -> int:
        return self._total

    @overload
    def __getitem__(self, i: int) -> Claim: ...

    @overload
    def __getitem__(self, i: slice) -> list[Claim]: ...

    def __getitem__(self, i: int | slice) -> Claim | list[Claim]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._total))]
        if i < 0:
            i += self._total
        if not 0 <= i < self._total:
            raise IndexError(i)
        found = self._fresh.get(i)
        return found if found is not None else self._base[i]


class _Searches(Sequence[SearchTerms]):
    """Each claim's search terms, read from the store's record when a question asks for them (a ranked
    few at a time) rather than kept for every claim: a hundred megabytes at 100,000 claims. Terms the
    store does not hold, or made by an older vocabulary, are worked out once and kept."""

    def __init__(
        self, claims: Sequence[Claim], total: int | None = None, fixed: dict[int, SearchTerms] | None = None
    ) -> None:
        self._claims = claims
        self._stored = getattr(claims, "search_at", None)
        self._total = len(claims) if total is None else total
        self.fixed: dict[int, SearchTerms] = {} if fixed is None else fixed

    def updated(self, total: int, fresh: Mapping[int, SearchTerms]) -> _Searches:
        return _Searches(self._claims, total, {**self.fixed, **fresh})

    def __len__(self) -> int:
        return self._total

    @overload
    def __getitem__(self, i: int) -> SearchTerms: ...

    @overload
    def __getitem__(self, i: slice) -> list[SearchTerms]: ...

    def __getitem__(self, i: int | slice) -> SearchTerms | list[SearchTerms]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._total))]
        found = self.fixed.get(i)
        if found is not None:
            return found
        if not 0 <= i < self._total:
            raise IndexError(i)
        found = self._stored(i) if self._stored else self._claims[i].search
        if found is None or not current(found):
            found = self.fixed[i] = search_terms(self._claims[i])
        return found


@dataclass(frozen=True)
class Packed:
    """A term -> positions table as three flat parts, for storing an index: terms, their positions one
    after another, and where each term's positions start."""

    keys: list[Any]
    flat: np.ndarray
    starts: np.ndarray  # len(keys) + 1 offsets into flat

    @classmethod
    def of(cls, table: Mapping[Any, Sequence[int] | np.ndarray]) -> Packed:
        keys = list(table)
        lengths = [len(table[k]) for k in keys]
        flat = (
            np.concatenate([np.asarray(table[k], np.int32) for k in keys]) if keys else np.zeros(0, np.int32)
        )
        return cls(keys, flat.astype(np.int32), np.concatenate(([0], np.cumsum(lengths))).astype(np.int64))

    def arrays(self) -> dict[Any, np.ndarray]:
        flat, starts = self.flat, self.starts
        return {k: flat[starts[i] : starts[i + 1]] for i, k in enumerate(self.keys)}


@dataclass(frozen=True)
class IndexState:
    """Everything a ClaimIndex holds besides its claims, as arrays and plain values: what a process saves
    so that the next one (a one-shot `claimbot ask`) loads it in milliseconds instead of indexing every
    claim. Pure data; data/indexcache.py reads and writes it."""

    postings: Packed
    context: Packed
    spoken: Packed
    by_number: Packed
    recency: np.ndarray
    has_figures: np.ndarray
    speaker_of: np.ndarray
    speakers: list[str]
    registry: list[Speaker]
    parts: dict[str, tuple[bool, SpeakerPart]]  # speaker -> (registered, its part)
    fixed: dict[int, SearchTerms]  # search terms worked out at load (the store's were missing or old)


@dataclass
class ClaimIndex:
    """Claims by term and by speaker, with what rapidfuzz needs to find a speaker by any spelling."""

    claims: Sequence[Claim] = field(default_factory=list)
    search: Sequence[SearchTerms] = ()  # per claim, parallel to claims (read when asked for)
    postings: dict[str, np.ndarray] = field(default_factory=dict)  # term -> claim positions
    context: dict[str, np.ndarray] = field(default_factory=dict)  # terms only the source sentences carry
    recency: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))  # claim_date ordinals
    has_figures: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    speaker_of: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))  # position in speakers
    speakers: list[str] = field(default_factory=list)
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
    _registry: list[Speaker] = field(default_factory=list)
    _parts: dict[str, tuple[Speaker | None, SpeakerPart]] = field(default_factory=dict)
    _named: dict[str, set[str]] = field(default_factory=dict)  # a name's term -> speakers it names
    _positions: dict[str, int] | None = None  # claim id -> position, made on the first update

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
        summaries: Iterable[ClaimSummary] = given() if given else (summarise(c) for c in claims)
        searches = _Searches(claims)
        has_figures: list[bool] = []
        postings: dict[str, list[int]] = defaultdict(list)
        context: dict[str, list[int]] = defaultdict(list)
        by_speaker: dict[str, list[int]] = defaultdict(list)
        by_number: dict[float, list[int]] = defaultdict(list)
        recency, speaker_of = [], []
        speaker_pos: dict[str, int] = {}
        for i, summary in enumerate(summaries):
            search = summary.search
            if search is None or not current(search):
                search = searches.fixed[i] = search_terms(claims[i])
            has_figures.append(summary.has_figures)
            recency.append(summary.day)
            speaker_of.append(speaker_pos.setdefault(summary.speaker, len(speaker_pos)))
            for term in search.own[1:]:
                postings[term].append(i)
            for term in search.context:
                context[term].append(i)
            by_speaker[summary.speaker].append(i)
            for number in summary.numbers:
                by_number[number].append(i)
        index.postings = {t: np.array(ids, np.int32) for t, ids in postings.items()}
        index.context = {t: np.array(ids, np.int32) for t, ids in context.items()}
        index.recency = np.array(recency, np.int32)
        index.search = searches
        index.has_figures = np.array(has_figures, bool)
        index.speaker_of = np.array(speaker_of, np.int32)
        index.speakers = list(speaker_pos)
        index.by_speaker = dict(by_speaker)
        index.by_number = dict(by_number)
        index.vocabulary = sorted({t for t in (*postings, *context) if not t.startswith("@")})
        index._registry = list(speakers)
        named = index._speaker_tables({})
        index.spoken = {term: index._spoken_by(names) for term, names in named.items()}
        return index

    def _speaker_tables(self, known: Mapping[str, tuple[Speaker | None, SpeakerPart]]) -> dict[str, set[str]]:
        """The tables of names, aliases, roles and initials, from each speaker's part (taken from `known`
        while the speaker is unchanged, so an update works out only what is new); returns the speakers
        each name term names, for `spoken`."""
        parts: dict[str, tuple[Speaker | None, SpeakerPart]] = {}
        for speaker in self._registry:
            seen = known.get(speaker.name)
            parts[speaker.name] = seen if seen and seen[0] == speaker else (speaker, _part_of(speaker))
        for name in self.by_speaker:
            if name not in parts:
                seen = known.get(name)
                parts[name] = seen if seen and seen[0] is None else (None, _part_of(Speaker(name), False))
        self._parts = parts
        # (folded alias, owner) pairs: a role such as "central bank governor" may belong to several people
        pairs: dict[tuple[str, str], None] = {}
        described: dict[str, frozenset[str]] = {}
        describing: dict[str, set[str]] = defaultdict(set)
        in_roles: dict[str, set[str]] = defaultdict(set)
        abbreviated: dict[str, dict[str, None]] = defaultdict(dict)
        named: dict[str, set[str]] = defaultdict(set)
        kinds: dict[str, str] = {}
        role_terms: dict[str, frozenset[str]] = {}
        for name, (registered, part) in parts.items():
            for alias in part.folded:
                pairs[(alias, name)] = None
            described[name] = part.described
            for term in part.described:
                describing[term].add(name)
            if registered is None:
                continue
            kinds[name] = registered.kind
            role_terms[name] = part.roles
            for term in part.roles:
                in_roles[term].add(name)
            for letters in part.initials:
                abbreviated[letters][name] = None
            for term in part.named:
                named[term].add(name)
        self.speaker_kind = kinds
        self.alias_names = [alias for alias, _ in pairs]
        self.alias_owner = [owner for _, owner in pairs]
        self.alias_last = [alias.split()[-1] if alias else "" for alias in self.alias_names]
        self.described = described
        self.by_description = {t: frozenset(names) for t, names in describing.items()}
        self.by_role = {t: frozenset(names) for t, names in in_roles.items()}
        self.role_terms = role_terms
        self.initials = {k: tuple(v) for k, v in abbreviated.items()}
        self._named = named
        return named

    def _spoken_by(self, names: Iterable[str]) -> np.ndarray:
        return np.array(sorted(i for n in names for i in self.by_speaker.get(n, ())), np.int32)

    def updated(
        self,
        changed: Sequence[Claim],
        speakers: Sequence[Speaker] | None = None,
        titles: Mapping[str, str] | None = None,
    ) -> ClaimIndex:
        """A new index with these claims added or replaced (by id) and, if given, this speaker registry:
        the work is bounded by what changed, so a bot answers its next question in milliseconds after a
        write instead of indexing every claim again. This index is left as it was for the questions that
        still hold it."""
        with gc_paused():
            return self._updated(changed, speakers, titles)

    def _updated(
        self, changed: Sequence[Claim], speakers: Sequence[Speaker] | None, titles: Mapping[str, str] | None
    ) -> ClaimIndex:
        positions = self._positions_of()
        fresh: dict[int, Claim] = {}
        new = copy.copy(self)
        new._positions = positions = dict(positions)
        for claim in changed:
            at = positions.setdefault(claim.id, len(positions))
            fresh[at] = claim
        total = len(positions)
        old_total = len(self.claims)
        new.claims = _Overlay.of(self.claims, fresh, total)
        searches: dict[int, SearchTerms] = {}
        recency = np.resize(self.recency, total)
        has_figures = np.resize(self.has_figures, total)
        speaker_of = np.resize(self.speaker_of, total)
        new.speakers = list(self.speakers)
        speaker_pos = {name: k for k, name in enumerate(new.speakers)}
        lose: dict[str, list[int]] = defaultdict(list)  # term -> positions it no longer holds
        gain: dict[str, list[int]] = defaultdict(list)
        lose_context: dict[str, list[int]] = defaultdict(list)
        gain_context: dict[str, list[int]] = defaultdict(list)
        by_speaker: dict[str, list[int]] = {}
        by_number: dict[float, list[int]] = {}

        def members(table: dict[T, list[int]], old: Mapping[T, list[int]], key: T) -> list[int]:
            if key not in table:
                table[key] = list(old.get(key, ()))
            return table[key]

        for at, claim in sorted(fresh.items()):
            if at < old_total:  # replaced: take out what the old version put in
                old = self.claims[at]
                for term in self.search[at].own[1:]:
                    lose[term].append(at)
                for term in self.search[at].context:
                    lose_context[term].append(at)
                members(by_speaker, self.by_speaker, old.speaker).remove(at)
                for number in dict.fromkeys(n for f in old.figures for n in f.numbers()):
                    members(by_number, self.by_number, number).remove(at)
            search = claim.search if current(claim.search) else search_terms(claim)
            assert search is not None
            searches[at] = search
            for term in search.own[1:]:
                gain[term].append(at)
            for term in search.context:
                gain_context[term].append(at)
            recency[at] = claim_date(claim).toordinal()
            has_figures[at] = bool(claim.figures)
            speaker_of[at] = speaker_pos.setdefault(claim.speaker, len(speaker_pos))
            insort(members(by_speaker, self.by_speaker, claim.speaker), at)
            for number in (n for f in claim.figures for n in f.numbers()):
                insort(members(by_number, self.by_number, number), at)
        new.recency, new.has_figures, new.speaker_of = recency, has_figures, speaker_of
        old_searches = self.search if isinstance(self.search, _Searches) else _Searches(self.claims)
        new.search = old_searches.updated(total, searches)
        new.speakers = list(speaker_pos)
        new.postings = _amended(self.postings, lose, gain)
        new.context = _amended(self.context, lose_context, gain_context)
        new.by_speaker = {**self.by_speaker, **by_speaker}
        for name in [n for n, ids in by_speaker.items() if not ids]:
            del new.by_speaker[name]
        new.by_number = {**self.by_number, **by_number}
        for number in [n for n, ids in by_number.items() if not ids]:
            del new.by_number[number]
        added = {t for t in (*gain, *gain_context) if not t.startswith("@")} - set(self.postings)
        added -= set(self.context)
        new.vocabulary = sorted({*self.vocabulary, *added}) if added else self.vocabulary
        # speakers: parts of unchanged speakers are reused; `spoken` is worked out again only for the name
        # terms of speakers whose names changed or whose claims did
        if speakers is not None:
            new._registry = list(speakers)
        touched = set(by_speaker)
        names_changed = touched - set(self.by_speaker) or len(new.by_speaker) < len(self.by_speaker)
        if speakers is not None or names_changed:
            named = new._speaker_tables(self._parts)
            touched |= {n for n, part in new._parts.items() if self._parts.get(n) is not part}
            touched |= set(self._parts) - set(new._parts)
        else:
            named = self._named
        new.spoken = dict(self.spoken)
        for term in {t for name in touched for t in _named_terms(self._parts, new._parts, name)}:
            names = named.get(term)
            if names:
                new.spoken[term] = new._spoken_by(names)
            else:
                new.spoken.pop(term, None)
        # caches of this index's lookups, and what a changed claim's documents were
        new._proper, new._roots, new._own, new._around, new._carrying = {}, {}, {}, {}, {}
        new._documents = {i: docs for i, docs in self._documents.items() if i not in fresh}
        if titles and isinstance(self.titles, Mapping):
            new.titles = {**self.titles, **titles}
            new._title_terms = {d: t for d, t in self._title_terms.items() if d not in titles}
        else:
            new._title_terms = dict(self._title_terms)
        return new

    def state(self) -> IndexState:
        """What to save of this index (see IndexState)."""
        searches = self.search.fixed if isinstance(self.search, _Searches) else {}
        return IndexState(
            postings=Packed.of(self.postings),
            context=Packed.of(self.context),
            spoken=Packed.of(self.spoken),
            by_number=Packed.of(self.by_number),
            recency=self.recency,
            has_figures=self.has_figures,
            speaker_of=self.speaker_of,
            speakers=list(self.speakers),
            registry=list(self._registry),
            parts={name: (speaker is not None, part) for name, (speaker, part) in self._parts.items()},
            fixed=dict(searches),
        )

    @classmethod
    def restore(
        cls,
        state: IndexState,
        claims: Sequence[Claim],
        titles: Mapping[str, str] | Callable[[], Mapping[str, str]] | None = None,
    ) -> ClaimIndex:
        """The index a state was saved from, over the same claims in the same order."""
        index = cls(claims=claims, titles=titles)
        index.search = _Searches(claims, fixed=dict(state.fixed))
        index.postings = state.postings.arrays()
        index.context = state.context.arrays()
        index.spoken = state.spoken.arrays()
        index.by_number = {k: v.tolist() for k, v in state.by_number.arrays().items()}
        index.recency, index.has_figures = state.recency, state.has_figures
        index.speaker_of, index.speakers = state.speaker_of, list(state.speakers)
        if not state.speakers:
            index._registry = list(state.registry)
            index._speaker_tables({})
            return index
        order = np.argsort(state.speaker_of, kind="stable")
        cuts = np.cumsum(np.bincount(state.speaker_of, minlength=len(state.speakers)))[:-1]
        index.by_speaker = {
            name: ids.tolist()
            for name, ids in zip(state.speakers, np.split(order, cuts), strict=True)
            if len(ids)
        }
        index.vocabulary = sorted({t for t in (*index.postings, *index.context) if not t.startswith("@")})
        index._registry = list(state.registry)
        registry = {s.name: s for s in state.registry}
        known = {
            name: (registry.get(name) if registered else None, part)
            for name, (registered, part) in state.parts.items()
        }
        index._speaker_tables(
            {n: entry for n, entry in known.items() if (entry[0] is None) != (n in registry)}
        )
        return index

    def prepare_updates(self) -> None:
        """Work out now what the first update needs (each claim's position by id), for a long-running
        process to do at start rather than in the first question after a write."""
        self._positions_of()

    def _positions_of(self) -> dict[str, int]:
        """Each claim's position by id; worked out on the first update unless prepared (a store's lazy
        ClaimList gives the ids without building the claims)."""
        if self._positions is None:
            ids = getattr(self.claims, "ids", None)
            found = ids() if ids else [c.id for c in self.claims]
            self._positions = dict(zip(found, range(len(found)), strict=True))
        return self._positions

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
