"""Fold newly extracted claims into what the store holds: one speaker per person, one claim per statement.

Pure: records in, records to write out. A statement reported by several outlets becomes one claim with
several sources when the speaker is the same and the figures, the date and the wording agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache

from bot.extract.cast import DESCRIBED_ORGANISATIONS, PERSON_HEADS, surname_match
from bot.extract.speakers import (
    ANONYMOUS,
    ANONYMOUS_HEADS,
    HUMAN_NOUNS,
    ORGANISATION,
    PERSON,
    better_name,
    normalised,
    same_speaker,
)
from bot.lexicon import COMPANY_WORDS, ORG_WORDS, TITLE_WORDS
from bot.models import Claim, Figure, Source, Speaker
from bot.vocabulary import DURATION_UNITS, literal_terms


@dataclass(frozen=True)
class MergeResult:
    """What to write back: changed or new claims, the whole speaker registry, and how many claims were new."""

    claims: tuple[Claim, ...]
    speakers: tuple[Speaker, ...]
    added: int
    merged: int


@lru_cache(maxsize=8192)
def _words(text: str) -> frozenset[str]:
    """Word stems: folding synonyms here would make every casualty report look like every other.

    Remembered: one article's claims are each compared with the same stored statements."""
    return frozenset(literal_terms(text))


def _numbers(figures: Iterable[Figure]) -> set[float]:
    return {n for f in figures if (f.unit or "").lower() not in DURATION_UNITS for n in f.numbers()}


def _precise(number: float) -> bool:
    """A figure with three or more significant digits is unlikely to be shared by chance."""
    digits = f"{number:.6g}".replace(".", "").replace("-", "").strip("0")
    return len(digits) >= 3


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _dates_agree(a: date | None, b: date | None) -> bool:
    return a is None or b is None or abs((a - b).days) <= 1


def same_statement(old: Claim, new: Claim) -> bool:
    """Whether two claims of one speaker state the same thing (the caller checks the speaker)."""
    if not _dates_agree(old.said_on, new.said_on):
        return False
    same_day = old.said_on is not None and old.said_on == new.said_on
    old_n, new_n = _numbers(old.figures), _numbers(new.figures)
    if old_n and new_n:
        # the same figure from the same speaker on the same day is the same statement; so is the same
        # precise figure ("61.3%") on any day the dates allow
        shared = old_n & new_n
        if not shared:
            return False
        return same_day or any(_precise(n) for n in shared) or _wording(old, new) >= 0.3
    if same_day:
        # one occasion (an address, an interview): the wording decides; a source both cite decides too
        relayed = bool(old.relayed_by and new.relayed_by) and not (old_n or new_n)
        return _wording(old, new) >= (0.2 if relayed else 0.4)
    return _wording(old, new) >= (0.7 if old_n or new_n else 0.6)


def _wording(old: Claim, new: Claim) -> float:
    """How much of the new statement's wording the old statement, or a sentence reporting it, shares."""
    words_new = _words(new.statement)
    return max(
        [_overlap(_words(old.statement), words_new)]
        + [_overlap(_words(s.sentence), words_new) * 0.9 for s in old.sources]
    )


# --- the speaker registry across articles ------------------------------------------------------------------
#
# Each article hands over its speakers as its own cast resolved them: the surnames, roles and acronyms it
# used for someone are already joined to the fullest name it gave. Across articles only names are compared:
# - full names join their spellings ("Volodymyr Zelenskiy" ~ "Volodymyr Zelensky");
# - an acronym joins the one stored name that carries it or that it abbreviates ("CDC");
# - a surname alone stays apart from full names (another article's "Adams" may be another Adams), unless
#   its article gives it a title the stored person holds and no other stored person has that surname;
# - a description ("the agency", "health ministry", "officials", "Minister") joins only the same words,
#   never a name: a role is never merged into someone else, nor its roles copied to them.

_ARTICLES = frozenset({"the", "a", "an"})
_LINKS = frozenset({"of", "for", "and", "the", "on", "de", "del", "des", "la", "le", "in", "&"})
_PARTICLES = frozenset({"bin", "al", "de", "del", "da", "van", "von", "der", "la", "le"})
#: Words that describe a speaker rather than name one when they stand alone ("Minister", "Police").
_GENERIC = (
    TITLE_WORDS | ANONYMOUS_HEADS | HUMAN_NOUNS | COMPANY_WORDS | DESCRIBED_ORGANISATIONS
) - frozenset({"pentagon", "kremlin", "nato", "un"})
_ACRONYM = re.compile(r"(?:[A-Z][A-Z0-9&]+|(?:[A-Z]\.){2,})")


@lru_cache(maxsize=1 << 16)
def _norm(name: str) -> str:
    name = name.lower().replace("’", "'")
    name = re.sub(r"^the\s+", "", name)
    name = re.sub(r"'s\b", "", name)
    name = re.sub(r"[^\w\s-]", " ", name)
    return " ".join(name.split())


def _plain_words(name: str) -> list[str]:
    """A name's words without a leading article or possessor: "South Korea's spy agency" -> spy agency."""
    words = name.replace("’", "'").split()
    if words and words[0].lower() in _ARTICLES:
        words = words[1:]
    for i in range(len(words) - 1, -1, -1):
        if words[i].endswith(("'s", "s'")):
            return words[i + 1 :]
    return words


@lru_cache(maxsize=1 << 16)
def is_acronym(name: str) -> bool:
    """ "CDC", "U.N.", "M&S": capitals, two to eight of them."""
    return bool(_ACRONYM.fullmatch(name)) and 2 <= sum(c.isalpha() for c in name) <= 8


@lru_cache(maxsize=1 << 16)
def is_description(name: str, kind: str) -> bool:
    """Whether a speaker is described rather than named: an unnamed source, a role or a common noun phrase
    ("the agency", "health ministry", "Local officials", "Minister", "South Korea's spy agency")."""
    if kind == ANONYMOUS:
        return True
    words = _plain_words(name)
    if not words:
        return True
    if len(words) == 1:
        return words[0].islower() or (words[0].lower() in _GENERIC and not words[0].isupper())
    # a capital on the first word alone is the sentence's, not a name's: "Local media said"
    return not any(w[:1].isupper() for w in words[1:])


def _initials(name: str) -> str:
    words = [w for w in _plain_words(name) if w.lower() not in _LINKS]
    return "".join(w[0] for w in " ".join(words).replace("-", " ").split() if w[:1].isupper()).upper()


def abbreviates(short: str, full: str) -> bool:
    """'CDC' for 'Centers for Disease Control and Prevention', 'JCS' for "Seoul's Joint Chiefs of Staff"."""
    if not is_acronym(short) or is_acronym(full) or len(_plain_words(full)) < 2:
        return False
    letters = re.sub(r"[^A-Za-z0-9]", "", short).upper()
    initials = _initials(full)
    return initials == letters or (len(letters) >= 3 and initials.startswith(letters))


@lru_cache(maxsize=1 << 16)
def _personal(name: str) -> bool:
    """Shaped like a person's full name: two to four capitalised words, none an organisation's word."""
    words = name.replace("’", "'").split()
    if not 2 <= len(words) <= 4 or any(w.endswith("'s") for w in words):
        return False
    lowered = {w.lower().strip(".,") for w in words}
    if lowered & (ORG_WORDS | COMPANY_WORDS | (_LINKS - _PARTICLES)):
        return False
    return all(w[:1].isupper() or w in _PARTICLES for w in words) and not any(is_acronym(w) for w in words)


def _organisational(name: str) -> bool:
    """A name only an organisation has: an acronym, an organisation's word, a possessor."""
    lowered = {w.lower().strip(".,") for w in name.split()}
    return is_acronym(name) or bool(lowered & (ORG_WORDS | COMPANY_WORDS)) or "'s " in name.replace("’", "'")


@lru_cache(maxsize=1 << 16)
def _lone(name: str) -> bool:
    """A one-word name that is no acronym: a surname, or a one-word organisation ("Tesla")."""
    return len(name.split()) == 1 and not is_acronym(name)


@lru_cache(maxsize=1 << 14)
def _full_names(speaker: Speaker) -> frozenset[str]:
    """The spellings other articles may match a speaker by: its name and its aliases of the same sort,
    without the surnames and acronyms its own article used for it."""
    described = is_description(speaker.name, speaker.kind)
    return frozenset(
        n
        for n in {speaker.name, *speaker.aliases}
        if n == speaker.name
        or (not is_acronym(n) and not _lone(n) and is_description(n, speaker.kind) == described)
    )


@lru_cache(maxsize=1 << 14)
def _spelled_out(speaker: Speaker) -> frozenset[str]:
    """A speaker's full names of more than one word."""
    return frozenset(n for n in _full_names(speaker) if not _lone(n))


def _as_person(name: str, kind: str) -> bool:
    return kind == PERSON or (kind == ORGANISATION and _personal(name))


def _names_match(a: str, kind_a: str, b: str, kind_b: str) -> bool:
    """Two full names of one speaker: spellings of a person's name, or of an organisation's."""
    if _norm(a) == _norm(b):
        return True
    if len(a.split()) > 1 and len(b.split()) > 1 and _as_person(a, kind_a) and _as_person(b, kind_b):
        return same_speaker(a, PERSON, b, PERSON)
    return kind_a == kind_b == ORGANISATION and same_speaker(a, kind_a, b, kind_b)


def _role_heads(roles: Iterable[str]) -> set[str]:
    """The titles in a speaker's roles: "ukrainian president" -> president."""
    return {r.split()[-1].strip(".,").lower() for r in roles if r.split()} & (TITLE_WORDS | PERSON_HEADS)


def _surname_of(lone: Speaker, full: Speaker) -> bool:
    """Whether a surname alone may be this person across articles: a person's full name ending in that
    surname, and a title both articles give them ("President X"). A family name written first ("Park
    Min-seo") is shared by too many people for its given name to be left out."""
    return (
        _as_person(full.name, full.kind)
        and not _lone(full.name)
        and any(
            n.split() and not _lone(n) and same_speaker(n.split()[-1], PERSON, lone.name, PERSON)
            for n in _full_names(full)
        )
        and bool(_role_heads(lone.roles) & _role_heads(full.roles))
    )


def _bears_surname(lone: Speaker, other: Speaker) -> bool:
    """Another person with that surname, titled or not: a second holder makes the surname ambiguous."""
    return other.kind != ANONYMOUS and any(
        not _lone(n) and surname_match(n, lone.name) for n in _full_names(other)
    )


@lru_cache(maxsize=1 << 14)
def _surname_keys(speaker: Speaker) -> tuple[frozenset[str], frozenset[str]]:
    """What a surname alone must share with one of a speaker's full names to be borne by it (see
    surname_match): the first letter of its last word, or (a family name written first) its first word.
    A cheap test that leaves out most of a big registry before the fuzzy one."""
    names = [n.split() for n in _full_names(speaker) if not _lone(n)]
    return frozenset(_last_initial(words[-1]) for words in names), frozenset(words[0] for words in names)


def _last_initial(word: str) -> str:
    """The first letter of the last word of a name as same_speaker compares it ("O'Brien" -> b)."""
    words = normalised(word).split()
    return words[-1][:1] if words else ""


def _surname_join(lone: Speaker, candidates: list[Speaker]) -> int | None:
    """The one candidate a surname alone joins: the only person bearing it, holding the title it came with."""
    if lone.kind == ANONYMOUS or not _lone(lone.name) or is_description(lone.name, lone.kind):
        return None
    initial = _last_initial(lone.name)
    bearers = [
        i
        for i, c in enumerate(candidates)
        if (initial in (keys := _surname_keys(c))[0] or lone.name in keys[1]) and _bears_surname(lone, c)
    ]
    if len(bearers) == 1 and _surname_of(lone, candidates[bearers[0]]):
        return bearers[0]
    return None


def _acronym_join(new: Speaker, registry: list[Speaker]) -> int | None:
    """The one stored speaker an acronym stands for, or whose acronym a full name expands, or that shares
    an acronym with the new speaker."""
    new_short = {a for a in (new.name, *new.aliases) if is_acronym(a)}
    new_long = _full_names(new) - new_short if new.kind != PERSON else set()
    if not new_short and not new_long:
        return None  # nothing to abbreviate or to be abbreviated by
    fits = []
    for i, known in enumerate(registry):
        if known.kind == ANONYMOUS:
            continue
        known_short = {a for a in (known.name, *known.aliases) if is_acronym(a)}
        known_long = _full_names(known) - known_short if known.kind != PERSON else set()
        if new_long and known_long:
            continue  # two full names: their own words decide, as two bodies may share initials
        if (
            new_short & known_short
            or any(abbreviates(s, n) for s in new_short for n in known_long)
            or any(abbreviates(s, n) for s in known_short for n in new_long)
        ):
            fits.append(i)
    return fits[0] if len(fits) == 1 else None


def _match_speaker(new: Speaker, registry: list[Speaker]) -> int | None:
    """The registry entry a speaker from another article is, or None for a new entry.

    Linear in the registry; the name tests it makes are pure and remembered, so a registry of thousands
    is compared in milliseconds."""
    # the same name is the same entry: claims know their speaker by name alone
    for i, known in enumerate(registry):
        if _norm(known.name) == _norm(new.name):
            return i
    # a description joins only the same words, nearly: "Ukraine's special operations forces" is
    # "Ukraine's Special Operation Forces", but "health ministry" is no "Health Ministry of Ruritania"
    for i, known in enumerate(registry):
        described = is_description(new.name, new.kind) or is_description(known.name, known.kind)
        if (
            described
            and known.kind == new.kind != PERSON
            and same_speaker(known.name, known.kind, new.name, new.kind)
        ):
            return i
    if is_description(new.name, new.kind):
        return None
    named = [i for i, k in enumerate(registry) if not is_description(k.name, k.kind)]
    acronym = _acronym_join(new, [registry[i] for i in named])
    if acronym is not None:
        return named[acronym]
    if _lone(new.name):
        # a surname alone: another surname alone spelled alike, else the one titled person bearing it
        for i in named:
            known = registry[i]
            if (
                _lone(known.name)
                and PERSON in (known.kind, new.kind)
                and same_speaker(known.name, PERSON, new.name, PERSON)
            ):
                return i
            if (
                _lone(known.name)
                and known.kind == new.kind
                and same_speaker(known.name, known.kind, new.name, new.kind)
            ):
                return i
        found = _surname_join(new, [registry[i] for i in named])
        return named[found] if found is not None else None
    mine = _spelled_out(new)
    for i in named:
        known = registry[i]
        if any(_names_match(a, known.kind, b, new.kind) for a in _spelled_out(known) for b in mine):
            return i
    # a stored surname alone is joined by a full name only as above: the one titled person bearing it
    for i in named:
        known = registry[i]
        if _lone(known.name):
            others = [registry[j] for j in named if j != i] + [new]
            if _surname_join(known, others) == len(others) - 1:
                return i
    # "National Intelligence Service" is "Seoul's National Intelligence Service" when no other name fits
    if new.kind == ORGANISATION and len(new.name.split()) >= 2:
        words = set(_norm(new.name).split())
        fits = [
            i
            for i in named
            if registry[i].kind == ORGANISATION and words < set(_norm(registry[i].name).split())
        ]
        if len(fits) == 1:
            return fits[0]
    return None


def _evidence(speaker: Speaker) -> str | None:
    """What a speaker's own record says of its kind: a name only organisations have, a person's title or a
    company's description, or a surname its article used for a person's full name; None when nothing
    tells (a one-word name, or two capitalised words, may be either)."""
    if _organisational(speaker.name):
        return ORGANISATION
    heads = {r.split()[-1].lower() for r in speaker.roles if r.split()}
    if heads & PERSON_HEADS and not heads & DESCRIBED_ORGANISATIONS:
        return PERSON
    if heads & DESCRIBED_ORGANISATIONS and not heads & PERSON_HEADS:
        return ORGANISATION
    surnames = [a for a in speaker.aliases if a != speaker.name and _lone(a)]
    if _personal(speaker.name) and any(surname_match(speaker.name, a) for a in surnames):
        return PERSON
    return None


def _kind(known: Speaker, new: Speaker) -> str:
    """The kind of two joined records: a name only an organisation has decides, then a title or a full name;
    a one-word name never makes an organisation a person."""
    if known.kind == new.kind or ANONYMOUS in (known.kind, new.kind):
        return known.kind
    votes = {_evidence(known), _evidence(new)} - {None}
    if ORGANISATION in votes:
        return ORGANISATION
    if PERSON in votes:
        return PERSON
    return known.kind  # two one-word names and nothing else to go by: the stored kind stands


def _repaired_kind(speaker: Speaker) -> str:
    """An 'organisation' with a person's full name that its article called by surname ("Trump") or gave a
    person's title is a person the parser mistook."""
    if speaker.kind == ORGANISATION and _personal(speaker.name) and _evidence(speaker) == PERSON:
        return PERSON
    return speaker.kind


Folded = tuple[list[Speaker], list[int], list[str | None]]


def fold_speakers(registry: list[Speaker], found: Iterable[Speaker]) -> Folded:
    """The registry with found speakers folded in; the entry each found speaker went to; and each entry's
    name before (None for a new entry)."""
    registry = [s if (kind := _repaired_kind(s)) == s.kind else replace(s, kind=kind) for s in registry]
    before: list[str | None] = [s.name for s in registry]
    slots: list[int] = []
    for new in found:
        new = replace(new, kind=_repaired_kind(new))
        i = _match_speaker(new, registry)
        if i is None:
            registry.append(replace(new, aliases=tuple(sorted(set(new.aliases) | {new.name}))))
            before.append(None)
            slots.append(len(registry) - 1)
            continue
        known = registry[i]
        registry[i] = Speaker(
            name=better_name(known.name, new.name),
            kind=_kind(known, new),
            aliases=tuple(sorted(set(known.aliases) | set(new.aliases) | {new.name, known.name})),
            roles=tuple(sorted(set(known.roles) | set(new.roles))),
        )
        slots.append(i)
    return registry, slots, before


def merge_speakers(registry: list[Speaker], found: Iterable[Speaker]) -> tuple[list[Speaker], dict[str, str]]:
    """The registry with found speakers folded in, and the canonical name of each found speaker's name and
    of each stored name that changed."""
    found = list(found)
    fold = fold_speakers(registry, found)
    return fold[0], renames(fold, found)


def renames(fold: Folded, found: list[Speaker]) -> dict[str, str]:
    """The canonical name of each found speaker's name and of each stored name, after a fold."""
    registry, slots, before = fold
    renamed = {old: registry[i].name for i, old in enumerate(before) if old is not None}
    renamed.update((new.name, registry[i].name) for new, i in zip(found, slots, strict=True))
    return renamed


def _by_article(claims: list[Claim], speakers: list[Speaker], slots: list[int]) -> dict[tuple[str, str], int]:
    """(document, speaker name) -> registry entry. Articles list their speakers in the order their claims
    come, one record per speaking name, so the k-th record of a name belongs to the k-th article whose
    claims have that speaker: the same name from two articles may be two people ("Adams")."""
    documents: dict[str, list[str]] = {}
    for claim in claims:
        doc = claim.sources[0].document if claim.sources else ""
        if doc not in documents.setdefault(claim.speaker, []):
            documents[claim.speaker].append(doc)
    seen: dict[str, int] = {}
    out: dict[tuple[str, str], int] = {}
    for speaker, slot in zip(speakers, slots, strict=True):
        k = seen.get(speaker.name, 0)
        seen[speaker.name] = k + 1
        docs = documents.get(speaker.name, [])
        if k < len(docs):
            out[(docs[k], speaker.name)] = slot
    return out


def merge_claims(
    existing: list[Claim],
    registry: list[Speaker],
    found: list[Claim],
    found_speakers: list[Speaker],
    now: datetime,
    folded: Folded | None = None,
) -> MergeResult:
    """Fold found claims (one source each) into existing ones; new claims get first_seen = now.
    `folded`: fold_speakers(registry, found_speakers), when the caller has it already."""
    new_registry, slots, before = folded or fold_speakers(registry, found_speakers)
    # a stored speaker whose canonical name grew ("Zelenskiy" -> "Volodymyr Zelenskiy") renames its old
    # claims; a found claim takes the entry its own article's speaker went to
    grown = {old: new_registry[i].name for i, old in enumerate(before) if old is not None}
    by_name = {new.name: new_registry[i].name for new, i in zip(found_speakers, slots, strict=True)}
    by_article = _by_article(found, found_speakers, slots)
    by_id = {c.id: c for c in existing}
    changed: dict[str, Claim] = {}
    for claim in existing:
        name = grown.get(claim.speaker, claim.speaker)
        if name != claim.speaker:
            changed[claim.id] = by_id[claim.id] = replace(claim, speaker=name)
    by_speaker: dict[str, list[str]] = {}
    for claim in by_id.values():
        by_speaker.setdefault(claim.speaker, []).append(claim.id)
    added = merged = 0
    for claim in found:
        doc = claim.sources[0].document if claim.sources else ""
        slot = by_article.get((doc, claim.speaker))
        speaker = new_registry[slot].name if slot is not None else by_name.get(claim.speaker, claim.speaker)
        claim = replace(claim, speaker=speaker)
        target = next(
            (by_id[i] for i in by_speaker.get(speaker, []) if same_statement(by_id[i], claim)),
            None,
        )
        if target is None:
            claim_id = claim.id
            while claim_id in by_id:
                claim_id = claim_id + "x"
            claim = replace(claim, id=claim_id, first_seen=now)
            by_id[claim_id] = changed[claim_id] = claim
            by_speaker.setdefault(speaker, []).append(claim_id)
            added += 1
            continue
        combined = _combine(target, claim)
        if combined != target:
            by_id[target.id] = changed[target.id] = combined
            merged += 1
    return MergeResult(tuple(changed.values()), tuple(new_registry), added, merged)


def _richness(source: Source) -> tuple[bool, int]:
    """Which sighting of a claim in one article says most: a direct quotation, then the longer sentence."""
    return any(q in source.sentence for q in '"“”'), len(source.sentence)


def _combine(old: Claim, new: Claim) -> Claim:
    """One claim, one source per article: the article's most telling sentence."""
    by_document = {s.document: s for s in old.sources}
    for source in new.sources:
        have = by_document.get(source.document)
        if have is None or _richness(source) > _richness(have):
            by_document[source.document] = source
    sources = tuple(by_document.values())
    known = _numbers(old.figures)
    figures = old.figures + tuple(f for f in new.figures if not set(f.numbers()) <= known or not f.numbers())
    figures = tuple(dict.fromkeys(figures))
    return replace(
        old,
        sources=sources,
        figures=figures if len(sources) > len(old.sources) or not old.figures else old.figures,
        said_on=old.said_on or new.said_on,
        relayed_by=old.relayed_by or new.relayed_by,
    )
