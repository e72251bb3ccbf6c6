"""Match a question to claims: the speaker by any spelling (rapidfuzz), the topic by folded terms.

Relevance is the IDF-weighted share of the question's topic terms a claim carries; a claim below half of
that never makes the answer, so an off-topic question gets an honest empty answer, not filler.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from bot.ask.answer import (
    AMBIGUOUS_SPEAKER,
    EMPTY_STORE,
    FOUND,
    NOTHING,
    OFF_TOPIC,
    UNKNOWN_SPEAKER,
    UNREADABLE,
    Answer,
)
from bot.ask.index import ClaimIndex, fold_name
from bot.ask.question import Question, parse_question
from bot.models import Claim
from bot.vocabulary import concept_label, literal_terms, terms

SURE, UNSURE = 86.0, 70.0  # rapidfuzz scores: accept a speaker / offer it as "did you mean"
RELEVANT = 0.5  # share of the question's topic weight a claim must carry
CLOSE = 0.75  # ... and at least this share of what the best claim carries
CONTEXT_WEIGHT = 0.5  # a term found only in the sentence around a claim counts this much
MAX_CLAIMS = 20
MAX_OTHERS = 5


@dataclass(frozen=True)
class SpeakerMatch:
    """Speakers a typed name may mean, best first."""

    sure: tuple[str, ...]
    unsure: tuple[str, ...]


def match_speaker(name: str, index: ClaimIndex) -> SpeakerMatch:
    """The speakers a typed name means ('sirsky' -> Oleksandr Syrskyi), by fuzzy match on every alias."""
    folded = fold_name(name)
    if not folded or not index.alias_names:
        return SpeakerMatch((), ())
    # a fast first pass in C, then a closer look at the few candidates it finds
    hits = process.extract(folded, index.alias_names, scorer=fuzz.token_set_ratio, limit=20, score_cutoff=50)
    best: dict[str, float] = {}
    for alias, _, i in hits:
        owner = index.alias_owner[i]
        best[owner] = max(best.get(owner, 0.0), name_score(folded, alias))
    ranked = sorted(best.items(), key=lambda kv: -kv[1])
    top = ranked[0][1] if ranked else 0.0
    sure = tuple(n for n, s in ranked if s >= SURE and s >= top - 4)
    unsure = tuple(n for n, s in ranked if s >= UNSURE and n not in sure)[:3]
    return SpeakerMatch(sure, unsure)


def name_score(query: str, alias: str) -> float:
    """How well a typed name fits a known one (both folded): every typed word must find its match
    ('sirski' in 'oleksandr sirski'); extra words in the known name cost a little."""
    q_words, a_words = query.split(), alias.split()
    if not q_words or not a_words:
        return 0.0
    per_word = sum(max(fuzz.ratio(q, a) for a in a_words) for q in q_words) / len(q_words)
    extra = max(0, len(a_words) - len(q_words))
    return max(fuzz.ratio(query, alias), per_word - min(10.0, 1.5 * extra))


def _closest_names(name: str, index: ClaimIndex) -> tuple[str, ...]:
    folded = fold_name(name)
    hits = process.extract(folded, index.alias_names, scorer=fuzz.WRatio, limit=10)
    names = dict.fromkeys(index.alias_owner[i] for _, _, i in hits)
    return tuple(names)[:3]


def _bare_speaker(phrase: str, index: ClaimIndex) -> tuple[tuple[str, ...], str]:
    """A bare phrase may start with a speaker: 'syrskyi', 'zelensky north korea'. Returns (speakers, rest)."""
    words = phrase.split()
    for n in range(min(4, len(words)), 0, -1):
        head = fold_name(" ".join(words[:n]))
        if len(head) < 3:
            continue
        owners: list[str] = []
        for alias, owner in zip(index.alias_names, index.alias_owner, strict=True):
            parts = alias.split()
            if fuzz.ratio(head, alias) >= SURE or (
                n == 1 and parts and len(head) >= 4 and fuzz.ratio(head, parts[-1]) >= SURE
            ):
                owners.append(owner)
        if owners:
            return tuple(dict.fromkeys(owners)), " ".join(words[n:])
    return (), phrase


def _relevance(index: ClaimIndex, wanted: set[str]) -> np.ndarray:
    """Share of the question's topic weight each claim carries (one score per claim, vectorised)."""
    scores = np.zeros(len(index.claims), np.float32)
    total = sum(index.idf.get(t, 0.0) for t in wanted)
    if total == 0:
        return scores
    for term in wanted:
        weight = index.idf.get(term, 0.0) / total
        own = index.postings.get(term)
        if own is not None:
            scores[own] += weight
        around = index.context.get(term)
        if around is not None:
            scores[around] += weight * CONTEXT_WEIGHT
    return scores


def _rank(
    index: ClaimIndex,
    candidates: np.ndarray,
    scores: np.ndarray,
    want_figures: bool,
    limit: int,
    literal: frozenset[str] = frozenset(),
) -> list[int]:
    """Relevance first; then the question's own words; then figures when it asks how many; then recency."""
    rounded = np.round(scores[candidates], 2)
    figures = index.has_figures[candidates] if want_figures else np.zeros(len(candidates), bool)
    order = np.lexsort((index.recency[candidates], figures, rounded))[::-1]
    shortlist = [int(i) for i in candidates[order[: max(limit * 10, 200)]]]  # the rest cannot come first

    def key(i: int) -> tuple[float, int, int, int]:
        return (
            round(float(scores[i]), 2),
            len(literal.intersection(index.search[i].words)),
            int(want_figures and bool(index.has_figures[i])),
            int(index.recency[i]),
        )

    return sorted(shortlist, key=key, reverse=True)[:limit]


def answer_question(text: str, index: ClaimIndex) -> Answer:
    """Answer one question from the index: the claims, best first, or an honest reason there are none."""
    question = parse_question(text)
    if not index.claims:
        return Answer(question.text, EMPTY_STORE)
    if question.speaker is None and question.topic is None and question.figure is None:
        return Answer(question.text, UNREADABLE)
    speakers: tuple[str, ...] = ()
    topic = question.topic
    if question.speaker:
        match = match_speaker(question.speaker, index)
        if not match.sure:
            if match.unsure:
                return Answer(
                    question.text, AMBIGUOUS_SPEAKER, question.speaker, topic, alternatives=match.unsure
                )
            return Answer(
                question.text,
                UNKNOWN_SPEAKER,
                question.speaker,
                topic,
                alternatives=_closest_names(question.speaker, index),
            )
        speakers = match.sure
    elif topic and question.kind in ("bare", "latest"):
        speakers, topic = _bare_speaker(topic, index)
        topic = topic or None
    wanted = terms(topic or "") - _name_terms(speakers)
    return _answer(question, index, speakers, topic, wanted)


def _name_terms(speakers: tuple[str, ...]) -> set[str]:
    return {t for s in speakers for t in terms(s)}


def _answer(
    question: Question, index: ClaimIndex, speakers: tuple[str, ...], topic: str | None, wanted: set[str]
) -> Answer:
    pool: np.ndarray | None = None
    if speakers:
        pool = np.array(sorted({i for s in speakers for i in index.by_speaker.get(s, ())}), np.int64)
    if question.figure is not None:
        numbered = np.array(sorted(set(index.by_number.get(float(question.figure), ()))), np.int64)
        pool = numbered if pool is None else np.intersect1d(pool, numbered)
    scores = _relevance(index, wanted) if wanted else np.ones(len(index.claims), np.float32)
    candidates = np.flatnonzero(scores >= RELEVANT) if pool is None else pool[scores[pool] >= RELEVANT]
    if wanted and len(candidates):
        # claims that carry much less of the topic than the best one are beside the point
        candidates = candidates[scores[candidates] >= CLOSE * scores[candidates].max()]
    elif question.figure is not None and pool is not None and len(pool):
        candidates = pool  # the figure itself is the question
    if not wanted and pool is None and question.figure is None:
        candidates = np.zeros(0, np.int64)
    speaker = speakers[0] if speakers else None
    if not len(candidates):
        if speakers:
            topics = tuple(concept_label(t) for t in index.speaker_topics(speakers[0]))
            return Answer(question.text, OFF_TOPIC, speaker, topic, alternatives=topics)
        return Answer(question.text, NOTHING, None, topic, alternatives=_covered_topics(index))
    literal = frozenset(literal_terms(topic or "")) - _name_terms(speakers)
    ranked = _rank(index, candidates, scores, question.wants_figures, MAX_CLAIMS, literal)
    claims = tuple(index.claims[i] for i in ranked)
    if len(speakers) > 1:
        speaker = claims[0].speaker
    others = _others(index, scores, {c.speaker for c in claims}) if speakers and wanted else ()
    return Answer(question.text, FOUND, speaker, topic, claims, others)


def _others(index: ClaimIndex, scores: np.ndarray, exclude: set[str]) -> tuple[Claim, ...]:
    """Other speakers' figures on the same topic, one claim each, for comparison."""
    candidates = np.flatnonzero((scores >= 0.75) & index.has_figures)
    if not len(candidates):
        return ()
    order = np.lexsort((index.recency[candidates], np.round(scores[candidates], 2)))[::-1]
    picked: dict[str, int] = {}
    for i in candidates[order]:
        speaker = index.speakers[index.speaker_of[i]]
        if speaker not in exclude:
            picked.setdefault(speaker, int(i))
            if len(picked) == MAX_OTHERS:
                break
    return tuple(index.claims[i] for i in picked.values())


def _covered_topics(index: ClaimIndex, limit: int = 5) -> tuple[str, ...]:
    sizes = sorted(((len(ids), t) for t, ids in index.postings.items() if t.startswith("@")), reverse=True)
    return tuple(concept_label(t) for _, t in sizes[:limit])
