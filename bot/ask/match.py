"""Match a question to claims: the speaker by any spelling (rapidfuzz), the topic by folded terms.

Relevance is the IDF-weighted share of the question's topic terms a claim carries; a claim below half of
that never makes the answer, so an off-topic question gets an honest empty answer, not filler.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import numpy as np
from anyascii import anyascii
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

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
from bot.ask.rank import (
    header_topic,
    rank,
    side_by_side,
    statement_key,
    title_share,
    topic_weights,
    with_article_credit,
)
from bot.ask.rank import relevance as _relevance
from bot.lexicon import COMPANY_WORDS, TITLE_WORDS
from bot.models import Claim
from bot.names import same_given_names
from bot.render import number_text
from bot.vocabulary import (
    PLACE_TERMS,
    STOPWORDS,
    concept_label,
    counted_terms,
    literal_terms,
    snowball,
    terms,
)

SURE, UNSURE = 86.0, 70.0  # rapidfuzz scores: accept a speaker / offer it as "did you mean"
RELEVANT = 0.5  # share of the question's topic weight a claim must carry
SPEAKER_RELEVANT = 0.34  # ... when the speaker is named: their own claims need less to be on topic
FIGURE_RELEVANT = 0.34  # ... when the question looks up a number: the number is the main clue
QUOTING_RELEVANT = 0.75  # ... when "who said S" gives what was said: nearly all of S
CLOSE = 0.75  # ... and at least this share of what the best claim carries
CONTEXT_WEIGHT = 0.5  # a term found only in the sentence around a claim counts this much
LATEST_CLOSE = 0.9  # "latest" puts the newest first, so only the claims nearly as relevant as the best
_ARTICLE_LOOKUPS = 60  # claims read for their articles, at most, so a question stays fast
COMPANION_REACH = 3  # a named speaker's claims this close to an answering one (in their article) may follow
TITLE_RELEVANT = 0.4  # ... when the article's headline carries this share of the topic
_ANCHORS = 5  # answering claims whose neighbours are looked at
_NEIGHBOUR_STEPS = 8  # ... along at most this many of the speaker's claims each way
_OCCASION_REACH = 12  # a question about one speech or interview takes this many of its claims each way
#: Occasions of speech a question may name: "in his Hobart speech", "at the press conference".
OCCASION_TERMS = frozenset(
    snowball(w)
    for w in "speech interview address conference briefing hearing testimony remarks podcast".split()
)
CLOSE_NAME = 75.0  # a "closest names" suggestion must be at least this close (rapidfuzz WRatio)
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
    clear = bool(ranked) and top >= UNSURE and (len(ranked) == 1 or ranked[1][1] < top - 10)
    if not sure and clear and _one_slip(folded, ranked[0][0], index):
        sure = (ranked[0][0],)  # one name clearly closest by a slip of the keys: "ferriera", "mendez"
    unsure = tuple(n for n, s in ranked if s >= UNSURE and n not in sure)[:3]
    return SpeakerMatch(sure, unsure)


def _one_slip(folded: str, owner: str, index: ClaimIndex) -> bool:
    """Whether every typed word is one edit (a swap counts as one) from a word of one of the owner's names."""
    names = [a.split() for a, o in zip(index.alias_names, index.alias_owner, strict=True) if o == owner]
    return any(
        all(any(OSA.distance(w, a) <= 1 for a in alias) for w in folded.split() if len(w) >= 4)
        for alias in names
    )


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
    """Known names close to a typed one, for "closest names"; nothing when none is really close."""
    folded = fold_name(name)
    hits = process.extract(folded, index.alias_names, scorer=fuzz.WRatio, limit=10, score_cutoff=CLOSE_NAME)
    names = dict.fromkeys(index.alias_owner[i] for _, _, i in hits)
    return tuple(names)[:3]


def _bare_speaker(phrase: str, index: ClaimIndex) -> tuple[tuple[str, ...], str]:
    """A bare phrase may start with a person: 'syrskyi', 'zelensky north korea'. Returns (speakers, rest).

    Only a person: a country or an organisation at the head of a bare phrase ('north korean deaths',
    'tesla deliveries') is what the question is about, not who speaks, and stays in the topic."""
    words = phrase.split()
    for n in range(min(4, len(words)), 0, -1):
        head = fold_name(" ".join(words[:n]))
        if len(head) < 3:
            continue
        hits = process.extract(head, index.alias_names, scorer=fuzz.ratio, score_cutoff=SURE, limit=None)
        if n == 1 and len(head) >= 4:
            hits += process.extract(head, index.alias_last, scorer=fuzz.ratio, score_cutoff=SURE, limit=None)
        owners = [
            index.alias_owner[i]
            for _, _, i in sorted(hits, key=lambda h: h[2])
            if index.speaker_kind.get(index.alias_owner[i], "person") == "person"
        ]
        if owners:
            return tuple(dict.fromkeys(owners)), " ".join(words[n:])
    return (), phrase


def described_by(phrase: str, index: ClaimIndex) -> tuple[str, ...]:
    """Speakers whose name, aliases or roles carry every word of a description: "south korea's spy agency"
    -> South Korea's intelligence service, Seoul's National Intelligence Service; "pentagon" -> the
    Pentagon and its press secretary. Words such as "top" or "senior" may be missing."""
    wanted = [t for t in terms(phrase) if t not in _SOFT_DESCRIPTORS]
    found = _carrying_all(wanted, index.by_description, index)
    return tuple(sorted(found, key=lambda n: (-len(index.by_speaker.get(n, ())), n)))


def _carrying_all(wanted: Iterable[str], table: Mapping[str, Iterable[str]], index: ClaimIndex) -> set[str]:
    """The speakers a word table (descriptions, roles) gives for every wanted term, any stem of its root."""
    found: set[str] | None = None
    for term in wanted:
        names = {n for r in index.roots(term) for n in table.get(r, ())}
        found = names if found is None else found & names
        if not found:
            return set()
    return found or set()


_SOFT_DESCRIPTORS = frozenset(
    snowball(w)
    for w in "top senior main leading highest own the position stance view side camp government".split()
)


def _with_title(names: tuple[str, ...], title: str | None, index: ClaimIndex) -> tuple[str, ...]:
    """Namesakes told apart by the title typed before the surname ("speaker adams", "mayor adams")."""
    if not title or len(names) < 1:
        return names
    wanted = terms(title)
    titled = tuple(n for n in names if wanted and wanted <= index.described.get(n, frozenset()))
    return titled or names


def resolve_speakers(question: Question, index: ClaimIndex) -> SpeakerMatch:
    """Who the question means: a name by any spelling, a title picking between namesakes, a role or a
    country/institution by the speakers who speak for it."""
    name = question.speaker or ""
    match = match_speaker(name, index)
    if not match.sure and name.endswith("s") and len(name) > 4:
        match = match_speaker(name[:-1], index)  # a possessive without its apostrophe: "zelenskys"
    sure = match.sure
    if question.title:
        surname = fold_name(name).split()[-1:] if fold_name(name) else []
        namesakes = tuple(
            dict.fromkeys(
                owner
                for alias, owner in zip(index.alias_names, index.alias_owner, strict=True)
                if surname and alias.split()[-1:] == surname
            )
        )
        picked = _with_title(tuple(dict.fromkeys((*sure, *namesakes))), question.title, index)
        if picked and (not sure or set(picked) != set(namesakes)):
            sure = picked
    if not sure:
        sure = _by_initials(name, index) or _by_lone_surname(name, index)
    if not sure:
        sure = _role_at(" ".join(filter(None, (question.title, name))), index)
    if sure and all(index.speaker_kind.get(n, "person") == "person" for n in sure):
        # people whose roles name it speak for it too: "maersk" -> "Maersk Line's CEO for Asia Pacific"
        return SpeakerMatch(tuple(dict.fromkeys((*sure, *_role_holders(name, index)))), ())
    # an organisation, a country, a role: everyone who speaks for it
    described = described_by(" ".join(filter(None, (question.title, name))), index)
    merged = tuple(dict.fromkeys((*sure, *described)))
    if merged:
        return SpeakerMatch(merged, ())
    return match


def _role_holders(name: str, index: ClaimIndex) -> tuple[str, ...]:
    """Speakers whose stored roles carry every word of a name: the spokesperson "for the UNHCR", the
    "chief executive of Maersk"."""
    return tuple(sorted(_carrying_all(terms(name), index.by_role, index)))


_ROLE_LOOKUPS = 60  # claims read for their articles when tying a role to an organisation, at most


def _role_at(phrase: str, index: ClaimIndex) -> tuple[str, ...]:
    """A role at an organisation whose holder's stored role leaves the organisation out: "the easyjet
    chief executive" -> the one "chief executive" quoted in an article where EasyJet, an organisation the
    store quotes, is named. Only when exactly one person fits; otherwise nothing (the caller offers the
    choices)."""
    wanted = [t for t in terms(phrase) if t not in _SOFT_DESCRIPTORS]
    if len(wanted) < 2:
        return ()
    fitting: set[str] = set()
    for place in wanted:
        if place in PLACE_TERMS or not any(
            index.speaker_kind.get(n, "person") != "person" for n in index.by_description.get(place, ())
        ):
            continue  # the organisation must be one the store quotes; a country is its speakers' matter
        role = " ".join(t for t in wanted if t != place)
        holders = [
            n
            for n in _described_terms(role, index)
            if index.speaker_kind.get(n, "person") == "person" and place not in index.described.get(n, ())
        ]
        if not holders or len(holders) > 10:
            continue
        carriers = index.carrying(place)[:_ROLE_LOOKUPS]
        documents = {d for i in carriers for d in index.documents(int(i))}
        for holder in holders:
            own = index.by_speaker.get(holder, ())[:_ROLE_LOOKUPS]
            if any(documents.intersection(index.documents(i)) for i in own):
                fitting.add(holder)
    return tuple(fitting) if len(fitting) == 1 else ()


def _described_terms(words: str, index: ClaimIndex) -> set[str]:
    """Speakers whose names, aliases or roles carry every one of these terms (already folded)."""
    found: set[str] | None = None
    for term in words.split():
        names = {n for r in index.roots(term) for n in index.by_description.get(r, ())}
        found = names if found is None else found & names
        if not found:
            return set()
    return found or set()


def _by_initials(name: str, index: ClaimIndex) -> tuple[str, ...]:
    """An acronym typed for a long name: "ndrrmc" -> the National Disaster Risk Reduction and Management
    Council (a place word before it, such as "Philippines'", may be left out)."""
    letters = re.sub(r"[^a-z]", "", anyascii(name).lower())
    if " " in name.strip() or len(letters) < 3:
        return ()
    return index.initials.get(letters, ())


_FOLDED_TITLES = frozenset(fold_name(w) for w in TITLE_WORDS)


def _by_lone_surname(name: str, index: ClaimIndex) -> tuple[str, ...]:
    """A full name typed for a speaker known by its surname: "cortney niland" -> Niland, "paul role" -> Paul
    Rolle (a slip in the surname); a stored full name's given names must fit the typed ones. Only when one
    speaker fits."""
    words = fold_name(name).split()
    if len(words) < 2 or len(words[-1]) < 4 or words[-1] in _FOLDED_TITLES:
        return ()  # "the teachers union president" is a role, not a full name ending in a surname
    owners = {o for a, o in zip(index.alias_names, index.alias_owner, strict=True) if a == words[-1]}
    # a full name stored ("G Kishan Reddy") has given names of its own, which must fit the typed ones
    owners = {
        o
        for o in owners
        if len(fold_name(o).split()) == 1 or same_given_names(words[:-1], fold_name(o).split()[:-1])
    }
    return tuple(owners) if len(owners) == 1 else ()


_SPOKESPEOPLE = (
    frozenset({"spokesman"}),
    frozenset({"spokeswoman"}),
    frozenset({"spokesperson"}),
    frozenset({"press", "secretari"}),
)
_BODY_REACH = 30  # claims stored this far from a spokesperson's may come from the same article
_SPOKEN_LOOKUPS = 20  # a spokesperson's claims looked at for the bodies quoted beside them, at most
ORG = "organisation"


def spoken_for(index: ClaimIndex, people: Iterable[str]) -> list[int]:
    """Claims of the body a named spokesperson speaks for: "the White House said on Friday ... its
    spokesman John Kirby told reporters". In an article, the organisation quoted just before the
    spokesperson's first words, when no one else quoted there has a role naming it ("Pentagon press
    secretary" speaks for the Pentagon)."""
    found: list[int] = []
    for person in people:
        if index.speaker_kind.get(person, "person") != "person":
            continue
        roles = index.described.get(person, frozenset())
        if not any(words <= roles for words in _SPOKESPEOPLE):
            continue
        for own in index.by_speaker.get(person, [])[:_SPOKEN_LOOKUPS]:
            documents = set(index.documents(own))
            before = next(
                (j for j in range(own - 1, max(-1, own - _BODY_REACH), -1) if _shares(index, j, documents)),
                None,
            )
            if before is None or index.speaker_of[before] == index.speaker_of[own]:
                continue  # not the first of their words in the article
            body = index.speakers[index.speaker_of[before]]
            if index.speaker_kind.get(body) != ORG:
                continue
            named = terms(body) - PLACE_TERMS
            near = range(max(0, own - _BODY_REACH), min(len(index.claims), own + _BODY_REACH))
            voiced = any(
                index.speaker_of[j] != index.speaker_of[own]
                and named <= index.role_terms.get(index.speakers[index.speaker_of[j]], frozenset())
                and _shares(index, j, documents)
                for j in near
            )
            if not voiced:
                found.extend(
                    j
                    for j in near
                    if index.speaker_of[j] == index.speaker_of[before] and _shares(index, j, documents)
                )
    return sorted(found)


def _shares(index: ClaimIndex, i: int, documents: set[str]) -> bool:
    return bool(documents.intersection(index.documents(i)))


def _typed(question: Question, phrase: str | None) -> str | None:
    """A phrase as the asker wrote it (their capitals), not lower-cased: "Putin", not "putin"."""
    if not phrase:
        return phrase
    at = question.text.lower().find(phrase.lower())
    if at >= 0:
        return question.text[at : at + len(phrase)]
    return phrase if phrase != phrase.lower() else phrase.title()


def answer_question(text: str, index: ClaimIndex) -> Answer:
    """Answer one question from the index: the claims, best first, or an honest reason there are none."""
    return answer_question_parsed(parse_question(text), index)


def answer_question_parsed(question: Question, index: ClaimIndex) -> Answer:
    """Answer a question already parsed."""
    if not index.claims:
        return Answer(question.text, EMPTY_STORE)
    if question.speaker is None and question.topic is None and question.figure is None:
        return Answer(question.text, UNREADABLE)
    speakers: tuple[str, ...] = ()
    versus: tuple[str, ...] = ()
    topic = question.topic
    if question.speaker and topic and _generic(question.speaker):
        # "how many T-Mobile customers ... according to the company": the company the topic names
        named = _bodies_named(topic, index)
        if named:
            return _answer(question, index, named, (), topic, terms(topic) - _name_terms(named))
    if question.speaker:
        match = resolve_speakers(question, index)
        if not match.sure and question.guessed and _known_words(question.speaker, index):
            # "X on Y" with an X nobody is called: the whole phrase is what the question is about
            whole = " ".join(filter(None, (question.speaker, question.topic)))
            return answer_question_parsed(replace(question, speaker=None, topic=whole, kind="bare"), index)
        if not match.sure:
            typed = _typed(question, question.speaker)
            if match.unsure:
                return Answer(question.text, AMBIGUOUS_SPEAKER, typed, topic, alternatives=match.unsure)
            return Answer(
                question.text,
                UNKNOWN_SPEAKER,
                typed,
                topic,
                alternatives=_closest_names(question.speaker, index),
            )
        speakers = match.sure
        for other in question.versus:
            found = resolve_speakers(replace(question, speaker=other, title=None), index).sure
            versus += tuple(n for n in found if n not in speakers and n not in versus)
    elif topic and question.kind in ("bare", "latest"):
        speakers, topic = _bare_speaker(topic, index)
        topic = topic or None
    names = _name_terms((*speakers, *versus)) | terms(question.speaker or "")
    wanted = terms(topic or "") - names
    return _answer(question, index, speakers, versus, topic, wanted)


def _generic(speaker: str) -> bool:
    """A speaker named only by what it is: "the company", "the carrier", "the agency"."""
    words = [w for w in speaker.lower().split() if w not in ("the", "a", "an")]
    return len(words) == 1 and words[0] in GENERIC_BODIES


GENERIC_BODIES = COMPANY_WORDS | frozenset(
    "agency ministry department authority organisation organization".split()
)


def _bodies_named(topic: str, index: ClaimIndex) -> tuple[str, ...]:
    """The organisations the store quotes whose whole name the topic carries ("t-mobile customers")."""
    wanted = terms(topic)
    found = [
        name
        for name, kind in index.speaker_kind.items()
        if kind == "organisation"
        and name in index.by_speaker
        and (named := terms(name) - PLACE_TERMS)
        and named <= wanted
    ]
    return tuple(sorted(found, key=lambda n: -len(index.by_speaker[n])))


def _known_words(phrase: str, index: ClaimIndex) -> bool:
    """Whether every word of a phrase is in the store's claims: "tesla deliveries on ..." is a topic,
    "christine lagarde on ..." with no Lagarde anywhere is an unknown speaker."""
    found = terms(phrase)
    return bool(found) and all(len(_carrying(index, t)) for t in found)


def _name_terms(speakers: tuple[str, ...]) -> set[str]:
    return {t for s in speakers for t in terms(s)}


def _hard_terms(question: Question, index: ClaimIndex, wanted: set[str]) -> set[str]:
    """Places and names the question is about: a claim without them does not answer it.

    A place from the news vocabulary, a word the asker capitalised, or a word the store itself writes
    with a capital (a proper noun: a town, a company, an event)."""
    marked = set().union(*(terms(n) for n in question.names)) if question.names else set()
    return {t for t in wanted if t in PLACE_TERMS or t in marked or index.proper(t)}


def _carrying(index: ClaimIndex, term: str) -> np.ndarray:
    """Claims that carry a term (or a stem of the same root) in their statement or source sentences."""
    return index.carrying(term)


def _elsewhere(index: ClaimIndex, loose: np.ndarray, scores: np.ndarray, missing: list[str]) -> bool:
    """Whether the best claims on the rest of the question name another place than the one asked about:
    "philippines earthquake" when the store's earthquake claims are about Nepal."""
    if not any(t in PLACE_TERMS for t in missing):
        return False
    best = loose[np.argsort(-scores[loose], kind="stable")[:10]]
    placed = sum(
        1
        for i in best
        if any(t in PLACE_TERMS for t in (*index.search[int(i)].own, *index.search[int(i)].context))
    )
    return placed * 2 >= len(best)


def _carrying_in_article(index: ClaimIndex, term: str, among: np.ndarray) -> np.ndarray:
    """Claims that carry a term themselves, or come from an article whose other claims carry it: the
    sentence "at least 69 people were killed" is about Nepal when its article's claims name Nepal."""
    carrying = _carrying(index, term)
    rest = np.setdiff1d(among, carrying)
    if not len(rest) or len(rest) > _ARTICLE_LOOKUPS:
        return carrying
    documents = {d for i in carrying[:_ARTICLE_LOOKUPS] for d in index.documents(int(i))}
    joined = [int(i) for i in rest if documents.intersection(index.documents(int(i)))]
    return np.union1d(carrying, np.array(joined, np.int64))


def _answer(
    question: Question,
    index: ClaimIndex,
    speakers: tuple[str, ...],
    versus: tuple[str, ...],
    topic: str | None,
    wanted: set[str],
) -> Answer:
    pool: np.ndarray | None = None
    everyone = (*speakers, *versus)
    if everyone:
        own = {i for s in everyone for i in index.by_speaker.get(s, ())}
        pool = np.array(sorted(own.union(spoken_for(index, everyone))), np.int64)
    if question.figure is not None:
        numbered = np.array(sorted(set(index.by_number.get(float(question.figure), ()))), np.int64)
        if question.figure_unit:
            numbered = _counting_alike(index, numbered, question.figure, question.figure_unit)
        pool = numbered if pool is None else np.intersect1d(pool, numbered)
    hard = _hard_terms(question, index, wanted)
    speaker = speakers[0] if speakers else None
    scores = _relevance(index, wanted) if wanted else np.ones(len(index.claims), np.float32)
    threshold = RELEVANT if not everyone else SPEAKER_RELEVANT
    if question.figure is not None:
        threshold = FIGURE_RELEVANT
    elif question.quoting and not everyone:
        threshold = QUOTING_RELEVANT
    if speakers and pool is not None and wanted and not (scores[pool] >= threshold).any():
        # none of their own words is on the topic: their words in articles about it are
        scores = with_article_credit(index, pool, scores, topic_weights(index, wanted))
    loose = np.flatnonzero(scores >= threshold) if pool is None else pool[scores[pool] >= threshold]
    missing = [t for t in sorted(hard) if not len(_carrying(index, t))]
    elsewhere = _elsewhere(index, loose, scores, missing) if len(loose) else not everyone
    if missing and elsewhere:
        # the store has nothing on that place or name, and what it has on the rest is about another one
        return Answer(
            question.text,
            NOTHING,
            None,
            ", ".join(_term_words(question, missing)) or topic,
            alternatives=_covered_near(index, wanted - hard),
        )
    constrained = loose
    for term in sorted(set(hard) - set(missing)):
        constrained = np.intersect1d(constrained, _carrying_in_article(index, term, constrained))
    if len(constrained):
        pool = constrained  # the names the question gives hold; when no claim keeps them all, they weigh
    candidates = np.flatnonzero(scores >= threshold) if pool is None else pool[scores[pool] >= threshold]
    if wanted and len(candidates) and question.figure is None:
        # claims that carry much less of the topic than the best one are beside the point
        close = LATEST_CLOSE if question.latest else CLOSE
        candidates = candidates[scores[candidates] >= close * scores[candidates].max()]
    elif question.figure is not None and pool is not None and len(pool) and not len(candidates):
        candidates = pool  # the figure itself is the question
    if not wanted and pool is None and question.figure is None:
        candidates = np.zeros(0, np.int64)
    if not len(candidates):
        if speakers:
            return Answer(
                question.text, OFF_TOPIC, speaker, topic, alternatives=spoken_about(index, speakers[0])
            )
        return Answer(question.text, NOTHING, None, topic, alternatives=_covered_topics(index))
    literal = frozenset(literal_terms(topic or "")) - _name_terms(everyone)
    ranked = rank(index, candidates, scores, question, literal, MAX_CLAIMS)
    if speakers and not versus and question.figure is None and wanted and index.titles is not None:
        ranked = _with_companions(index, ranked, wanted)
    if versus:
        ranked = side_by_side(index, ranked, speakers, versus)
    claims = tuple(index.claims[i] for i in ranked)
    shown_topic = header_topic(index, question, topic, ranked)
    others = _others(index, scores, {c.speaker for c in claims}) if speakers and wanted else ()
    figure = number_text(question.figure) if question.figure is not None else None
    return Answer(question.text, FOUND, speaker, shown_topic, claims, others, versus=versus, figure=figure)


def _counting_alike(index: ClaimIndex, ids: np.ndarray, value: float, unit: str) -> np.ndarray:
    """The claims whose number counts what the question's does: "who said 18 people died" keeps "18
    dead" and "18 were killed", not "18 kilometres". A claim's figure counts its unit, else the words
    after the number in its statement, else (a number at the end, "the toll rose to 18", or one followed
    by a grammar word) the statement."""
    wanted = counted_terms(unit)
    kept = []
    for i in ids:
        claim = index.claims[int(i)]
        for figure in claim.figures:
            if value not in figure.numbers():
                continue
            if figure.unit and figure.unit.casefold() == unit.casefold():
                kept.append(int(i))
                break
            counted = figure.unit or words_after(claim.statement, figure.text) or claim.statement
            if counted_terms(counted) & wanted:
                kept.append(int(i))
                break
    return np.array(kept, np.int64)


_AFTER_WORDS = 5  # words after a number that may say what it counts


def words_after(statement: str, text: str) -> str:
    """The words after a figure in its statement, up to the end of the clause: "3,800 had been killed"."""
    found = re.search(rf"(?<![\w.,]){re.escape(text)}(?![\d])", statement) if text else None
    if found is None:
        return ""
    rest = re.split(r"[,;:.!?()]", statement[found.end() :], maxsplit=1)[0].split()
    if not rest or rest[0].lower() in STOPWORDS:
        return ""  # no noun after the number ("passed 3,000 and that ..."): the statement says what it counts
    return " ".join(rest[:_AFTER_WORDS])


def _with_companions(index: ClaimIndex, ranked: list[int], wanted: set[str]) -> list[int]:
    """A named speaker's next words in the same article, after the claims that answer: "what did X say
    about the crash" also gets X's following sentence on the aircraft, which never names the crash.

    Only claims of the same speaker at most COMPANION_REACH of their claims away from an answering one in
    an article whose headline is about the topic: a round-up where one speaker moves from subject to
    subject has a headline about one of them, so the others stay out."""
    weights = topic_weights(index, wanted, unseen=True)
    occasion = bool(wanted & OCCASION_TERMS)  # "what did X say in her Hobart speech": all of that speech
    shown = set(ranked)
    statements = {statement_key(index.claims[i].statement) for i in ranked}
    found: list[tuple[int, int]] = []  # (distance, claim)
    for anchor in ranked[:_ANCHORS]:
        speaker = index.speakers[index.speaker_of[anchor]]
        documents = set(index.documents(anchor))
        if occasion:  # the article whose sentence names the occasion, of those that reported the claim
            named = {s.document for s in index.claims[anchor].sources if terms(s.sentence) & wanted}
            documents = named or documents
        elif title_share(index, weights, documents) < TITLE_RELEVANT:
            continue
        reach = _OCCASION_REACH if occasion else COMPANION_REACH
        for distance, i in _neighbours(index, index.by_speaker.get(speaker, []), anchor, documents, reach):
            if i not in shown:
                found.append((distance, i))
    extra: list[int] = []
    for _, i in sorted(found):
        statement = statement_key(index.claims[i].statement)
        if statement not in statements and len(ranked) + len(extra) < MAX_CLAIMS:
            statements.add(statement)
            extra.append(i)
    return ranked + extra


def _neighbours(
    index: ClaimIndex, own: list[int], anchor: int, documents: set[str], reach: int = COMPANION_REACH
) -> list[tuple[int, int]]:
    """(distance, claim) for the speaker's claims next to an anchor in the same article, at most
    COMPANION_REACH of them each way. An article's claims are stored together, so a few steps along the
    speaker's claims suffice however many claims the speaker has."""
    at = bisect_left(own, anchor)
    found = []
    for step in (-1, 1):
        k, taken = at + step, 0
        while 0 <= k < len(own) and taken < reach and abs(k - at) <= max(_NEIGHBOUR_STEPS, reach):
            if documents.intersection(index.documents(own[k])):
                taken += 1
                found.append((taken, own[k]))
            k += step
    return found


def _term_words(question: Question, missing: list[str]) -> list[str]:
    """The asker's own words for terms the store lacks: "Philippines", not "@philippines"."""
    shown = []
    for word in question.text.split():
        clean = word.strip(".,;:!?\"'()")
        if clean and terms(clean) & set(missing):
            shown.append(clean if clean != clean.lower() else clean.capitalize())
    return list(dict.fromkeys(shown)) or [concept_label(t) for t in missing]


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
    return tuple(w for _, t in sizes[:limit] if (w := index.word_for(t)))


def _covered_near(index: ClaimIndex, rest: set[str], limit: int = 5) -> tuple[str, ...]:
    """What the store does have on the rest of the question: the places and names of those claims."""
    if not rest:
        return _covered_topics(index)
    scores = _relevance(index, rest)
    near = np.flatnonzero(scores >= RELEVANT)[:200]
    counts: dict[str, int] = {}
    for i in near:
        for t in index.search[int(i)].own:
            if t in PLACE_TERMS or (not t.startswith(("@", "~")) and index.proper(t)):
                counts[t] = counts.get(t, 0) + 1
    ranked = sorted(counts, key=lambda t: -counts[t])
    return tuple(w for t in ranked[:limit] if (w := index.word_for(t)))


def spoken_about(index: ClaimIndex, speaker: str, limit: int = 5) -> tuple[str, ...]:
    """What a speaker has spoken about most, as words their claims use (never stems or numbers)."""
    names = terms(speaker)
    found: list[str] = []
    for term in index.speaker_topics(speaker, limit * 3):
        if term in names:
            continue
        word = index.word_for(term, index.by_speaker.get(speaker, ()))
        if word and word.lower() not in (w.lower() for w in found):
            found.append(word)
        if len(found) == limit:
            break
    return tuple(found)
