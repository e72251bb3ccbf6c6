"""Fold newly extracted claims into what the store holds: one speaker per person, one claim per statement.

Pure: records in, records to write out. A statement reported by several outlets becomes one claim with
several sources when the speaker is the same and the figures, the date and the wording agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime

from bot.extract.speakers import ORGANISATION, PERSON, better_name, same_speaker
from bot.models import Claim, Figure, Source, Speaker
from bot.vocabulary import DURATION_UNITS, literal_terms


@dataclass(frozen=True)
class MergeResult:
    """What to write back: changed or new claims, the whole speaker registry, and how many claims were new."""

    claims: tuple[Claim, ...]
    speakers: tuple[Speaker, ...]
    added: int
    merged: int


def _words(text: str) -> set[str]:
    """Word stems: folding synonyms here would make every casualty report look like every other."""
    return literal_terms(text)


def _numbers(figures: Iterable[Figure]) -> set[float]:
    return {n for f in figures if (f.unit or "").lower() not in DURATION_UNITS for n in f.numbers()}


def _precise(number: float) -> bool:
    """A figure with three or more significant digits is unlikely to be shared by chance."""
    digits = f"{number:.6g}".replace(".", "").replace("-", "").strip("0")
    return len(digits) >= 3


def _overlap(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _dates_agree(a: date | None, b: date | None) -> bool:
    return a is None or b is None or abs((a - b).days) <= 1


def same_statement(old: Claim, new: Claim) -> bool:
    """Whether two claims of one speaker state the same thing (the caller checks the speaker)."""
    if not _dates_agree(old.said_on, new.said_on):
        return False
    words_new = _words(new.statement)
    overlap = max(
        [_overlap(_words(old.statement), words_new)]
        + [_overlap(_words(s.sentence), words_new) * 0.9 for s in old.sources]
    )
    same_day = old.said_on is not None and old.said_on == new.said_on
    old_n, new_n = _numbers(old.figures), _numbers(new.figures)
    if old_n and new_n:
        # the same figure from the same speaker on the same day is the same statement; so is the same
        # precise figure ("61.3%") on any day the dates allow
        shared = old_n & new_n
        return bool(shared) and (same_day or overlap >= 0.3 or any(_precise(n) for n in shared))
    if same_day:
        # one occasion (an address, an interview): the wording decides; a source both cite decides too
        relayed = bool(old.relayed_by and new.relayed_by) and not (old_n or new_n)
        return overlap >= (0.2 if relayed else 0.4)
    return overlap >= (0.7 if old_n or new_n else 0.6)


def _match_speaker(new: Speaker, registry: list[Speaker]) -> int | None:
    for i, known in enumerate(registry):
        for a in known.aliases or (known.name,):
            for b in new.aliases or (new.name,):
                if same_speaker(a, known.kind, b, new.kind) or _surname_only(a, known.kind, b, new.kind):
                    return i
    # "election commission" is the "Central Election Commission" when no other organisation fits
    if new.kind == ORGANISATION and len(new.name.split()) >= 2:
        words = set(new.name.lower().split())
        fits = [
            i
            for i, known in enumerate(registry)
            if known.kind == ORGANISATION and words < set(known.name.lower().split())
        ]
        if len(fits) == 1:
            return fits[0]
    return None


def _surname_only(a: str, kind_a: str, b: str, kind_b: str) -> bool:
    """A lone surname the parser took for an organisation still names the person with that surname."""
    if PERSON not in (kind_a, kind_b):
        return False
    wa, wb = a.split(), b.split()
    if min(len(wa), len(wb)) != 1:
        return False
    return same_speaker(wa[-1], PERSON, wb[-1], PERSON)


def merge_speakers(registry: list[Speaker], found: Iterable[Speaker]) -> tuple[list[Speaker], dict[str, str]]:
    """The registry with found speakers folded in, and each found or old name's canonical name."""
    registry = list(registry)
    renamed: dict[str, str] = {}
    for new in found:
        i = _match_speaker(new, registry)
        if i is None:
            registry.append(replace(new, aliases=tuple(sorted(set(new.aliases) | {new.name}))))
            renamed[new.name] = new.name
            continue
        known = registry[i]
        name = better_name(known.name, new.name)
        kind = PERSON if PERSON in (known.kind, new.kind) else known.kind
        aliases = tuple(sorted(set(known.aliases) | set(new.aliases) | {new.name, known.name}))
        roles = tuple(sorted(set(known.roles) | set(new.roles)))
        registry[i] = Speaker(name=name, kind=kind, aliases=aliases, roles=roles)
        for alias in aliases:
            renamed[alias] = name
    return registry, renamed


def merge_claims(
    existing: list[Claim],
    registry: list[Speaker],
    found: list[Claim],
    found_speakers: list[Speaker],
    now: datetime,
) -> MergeResult:
    """Fold found claims (one source each) into existing ones; new claims get first_seen = now."""
    new_registry, canonical = merge_speakers(registry, found_speakers)
    by_id = {c.id: c for c in existing}
    changed: dict[str, Claim] = {}
    # a speaker whose canonical name grew ("Zelenskiy" -> "Volodymyr Zelenskiy") renames its old claims
    for claim in existing:
        name = canonical.get(claim.speaker, claim.speaker)
        if name != claim.speaker:
            changed[claim.id] = by_id[claim.id] = replace(claim, speaker=name)
    by_speaker: dict[str, list[str]] = {}
    for claim in by_id.values():
        by_speaker.setdefault(claim.speaker, []).append(claim.id)
    added = merged = 0
    for claim in found:
        speaker = canonical.get(claim.speaker, claim.speaker)
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
