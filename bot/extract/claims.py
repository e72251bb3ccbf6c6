"""Turn one parsed article into claims: resolve who spoke, read the figures and when it was said.

Pure: an Article and its spaCy Doc in, Claims out (one source each, not yet merged with the store).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from datetime import date

from spacy.tokens import Doc

from bot.extract.attribution import Attribution, find_attributions
from bot.extract.dates import find_dates, infer_published
from bot.extract.figures import parse_figures
from bot.extract.speakers import (
    ANONYMOUS,
    ORGANISATION,
    PERSON,
    PERSON_PRONOUNS,
    PRONOUNS,
    TITLE_WORDS,
    Name,
    better_name,
    name_of,
    same_speaker,
)
from bot.models import Article, Claim, Source, Speaker
from bot.vocabulary import topic_of


@dataclass
class _Known:
    """A speaker met so far in the article, for pronouns and descriptions that point back to it."""

    name: Name
    said_on: date | None = None
    titles: set[str] = field(default_factory=set)
    aliases: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    occasions: dict[str, date] = field(default_factory=dict)  # "interview" -> the day of that interview
    last_end: int = -1  # where its latest claim in the article ends


#: Unnamed single sources "he" or "she" may point back to.
SINGULAR_ROLES = frozenset(
    """
    official spokesperson spokesman spokeswoman representative diplomat officer source analyst aide
    """.split()
)

#: Nouns by which news refers back to a company named before ("the company said").
COMPANY_WORDS = frozenset(
    """
    company firm group carrier airline retailer lender insurer automaker carmaker maker manufacturer
    producer operator developer chain giant conglomerate startup business
    """.split()
)


class _Context:
    """Who has been mentioned so far in one article, latest last."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.known: list[_Known] = []
        # every subject and named entity, for pronouns and descriptions to point back to
        self.mentions: list[tuple[int, Name, bool]] = []
        for tok in doc:
            if tok.dep_ in ("nsubj", "nsubjpass") and tok.pos_ in ("PROPN", "NOUN"):
                name = name_of(tok)
                if name is not None and not name.is_reference:
                    self.mentions.append((tok.idx, name, True))
        for ent in doc.ents:
            if ent.label_ in ("PERSON", "ORG"):
                kind = PERSON if ent.label_ == "PERSON" else ORGANISATION
                self.mentions.append((ent.start_char, Name(ent.text, kind, head=ent[-1].lower_), False))
        self.mentions.sort(key=lambda m: m[0])

    def find(self, name: Name) -> _Known | None:
        for known in reversed(self.known):
            if same_speaker(known.name.text, known.name.kind, name.text, name.kind) or (
                _surname_match(known.name.text, name.text)
            ):
                return known
        return None

    def note(self, name: Name, said_on: date | None, *, speaking: bool = True) -> _Known:
        known = self.find(name)
        if known is None:
            known = _Known(name, said_on, set(name.titles), {name.text})
            known.roles.update([name.role] if name.role else [])
        else:
            self.known.remove(known)
            fuller = better_name(known.name.text, name.text)
            kind = PERSON if PERSON in (known.name.kind, name.kind) else known.name.kind
            known.name = Name(fuller, kind, known.name.titles + name.titles, known.name.head)
            known.titles.update(name.titles)
            known.aliases.add(name.text)
            if name.role:
                known.roles.add(name.role)
            if speaking:
                known.said_on = said_on
        self.known.append(known)
        return known

    def _is_person(self, name: Name) -> bool:
        """A person, or a single unnamed official; a lone surname the parser took for an organisation
        counts when the article names that person in full elsewhere."""
        if name.kind == PERSON or (name.kind == ANONYMOUS and name.head in SINGULAR_ROLES):
            return True
        known = self.find(name)
        return known is not None and known.name.kind == PERSON

    def _salient_organisation(self, before: int) -> Name | None:
        """The organisation the article is about so far: the one named most often."""
        counts: dict[str, int] = {}
        names: dict[str, Name] = {}
        for name in self._earlier(before):
            if name.kind == ORGANISATION:
                counts[name.text] = counts.get(name.text, 0) + 1
                names.setdefault(name.text, name)
        return names[max(counts, key=lambda k: counts[k])] if counts else None

    def _earlier(self, before: int) -> list[Name]:
        """Names mentioned before a position, latest first."""
        return [name for at, name, _ in reversed(self.mentions) if at < before]

    def resolve(self, ref: Name, before: int) -> _Known | None:
        """The speaker a pronoun or description ("he", "the company") points back to."""
        found: Name | None = None
        if ref.head in PERSON_PRONOUNS:
            subjects = [n for at, n, subj in reversed(self.mentions) if subj and at < before]
            people = [n for n in subjects if self._is_person(n)]
            found = (
                people[0] if people else next((n for n in self._earlier(before) if n.kind == PERSON), None)
            )
        elif ref.head in ("they", "it", "we"):
            found = next((n for n in self._earlier(before) if n.kind in (ORGANISATION, ANONYMOUS)), None)
        else:
            wanted = set(_without_article(ref.text).lower().replace("'s", "").split())
            for name in [k.name for k in reversed(self.known)] + self._earlier(before):
                words = set(name.text.lower().replace("'s", "").split()) | set(name.titles) | {name.head}
                known = self.find(name)
                if known is not None:
                    words |= known.titles
                # "the election commission" is the Central Election Commission, not the weather service
                if all(w in words or w.rstrip("s") in words for w in wanted):
                    found = name
                    break
            if found is None and ref.head in COMPANY_WORDS:
                found = self._salient_organisation(before)
            if found is None and ref.fallback_kind is not None:
                found = Name(_without_article(ref.text), ref.fallback_kind, head=ref.head)
        return self.note(found, None, speaking=False) if found is not None else None


def _without_article(text: str) -> str:
    return re.sub(r"^(the|this|that|these|those|his|her|their|its)\s+", "", text, flags=re.I)


def _surname_match(a: str, b: str) -> bool:
    """'Zelenskiy' names the same person as 'Volodymyr Zelenskiy' within one article."""
    wa, wb = a.split(), b.split()
    if min(len(wa), len(wb)) != 1 or max(len(wa), len(wb)) > 4 or not (a.istitle() and b.istitle()):
        return False
    return same_speaker(wa[-1], PERSON, wb[-1], PERSON)


def _statement(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" ,;:")
    # outer quotation marks go, a quotation inside the statement keeps both of its marks
    while text[:1] in "\"“'" and text[-1:] in "\"”'" and len(text) > 1:
        text = text[1:-1].strip(" ,;:")
    if text.count('"') % 2:
        text = text.strip('"')
    if (text.count("“") + text.count("”")) % 2:
        text = text.strip("“”")
    text = re.sub(r"\s*\[[^\]]*\]", "", text)  # editors' insertions: "[January 4]"
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    if text and text.rstrip("\"”’'")[-1:] not in ".!?":
        text += "."
    return text


#: Words that, inside a quotation, mean the day the speaker spoke.
SPEAKING_DAY = frozenset({"today", "tonight", "this morning", "this evening"})


def _said_on(doc: Doc, att: Attribution, published: date | None) -> date | None:
    """The date in the attribution itself ("said on Jan. 4"), not one inside what was said; failing that,
    the day a quotation calls "today" (with an editor's "[January 4]" beside it, if any)."""
    start, end = att.unit
    mentions = find_dates(doc.text[start:end], published)
    best: tuple[int, date] | None = None
    for mention in mentions:
        at, to = start + mention.start, start + mention.end
        if not any(fs <= at and to <= fe for fs, fe in att.frame):
            continue
        distance = min(abs(at - att.verb_at), abs(to - att.verb_at))
        if best is None or distance < best[0]:
            best = (distance, mention.value)
    if best:
        return best[1]
    if not att.quoted:
        return None
    for i, mention in enumerate(mentions):
        at = start + mention.start
        if att.content[0] <= at < att.content[1] and mention.text.lower() in SPEAKING_DAY:
            after = mentions[i + 1] if i + 1 < len(mentions) else None
            if after is not None and "[" in doc.text[start + mention.end : start + after.start]:
                return after.value
            return mention.value
    return None


#: Words at the start of a sentence that move the story to another time ("In late 2024, ...").
TIME_SHIFT = re.compile(
    r"^\W*(?:\w+\W+){0,3}?(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Monday|Tuesday|Wednesday|Thursday|Friday|"
    r"Saturday|Sunday|yesterday|earlier|previously|last|ago|since|(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
#: Words in an attribution that say it was not said now: "has previously said", "had said".
OTHER_TIME = re.compile(r"\b(?:previously|earlier|once|had said|ha(?:s|ve) said|has long)\b", re.IGNORECASE)


def _same_occasion(doc: Doc, last_end: int, att: Attribution) -> bool:
    """A speaker's next statement, a sentence or two later with no change of time between, was made on
    the same occasion ("Ostrovska said on Tuesday ... 'We are moving ...,' she told reporters")."""
    if last_end < 0 or att.unit[0] < last_end:
        return False
    between = [s for s in doc.sents if last_end <= s.start_char and s.end_char <= att.unit[0]]
    if len(between) > 2 or any(TIME_SHIFT.match(s.text) for s in between):
        return False
    frame = " ".join(doc.text[a:b] for a, b in att.frame)
    return not OTHER_TIME.search(frame)


#: Nouns for the occasion of speaking: "in an interview", "in his evening address", "in a post".
OCCASIONS = frozenset(
    """
    interview address speech statement post briefing conference remarks video message letter hearing
    """.split()
)


def _occasions(doc: Doc, att: Attribution) -> list[str]:
    found = []
    for start, end in att.frame:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None:
            found += [t.lemma_.lower() for t in span if t.lemma_.lower() in OCCASIONS]
    return found


def claim_id(speaker: str, statement: str) -> str:
    """A stable id for a claim from its first sighting."""
    digest = hashlib.sha1(f"{speaker}\x1f{statement}".encode()).hexdigest()
    return digest[:16]


def extract_claims(article: Article, doc: Doc) -> tuple[list[Claim], list[Speaker]]:
    """Every attributed claim of one parsed article (one source each, in reading order) and its speakers."""
    published = article.published or infer_published(doc.text)
    context = _Context(doc)
    claims: list[Claim] = []
    for att in find_attributions(doc):
        said_on = _said_on(doc, att, published)
        name = att.speaker
        if name.is_reference:
            # a description may point back within its sentence ("Shares of X rose after the carmaker said")
            antecedent = context.resolve(name, att.unit[0] if name.head in PRONOUNS else att.verb_at)
            if antecedent is None:
                continue  # a pronoun we cannot resolve is never stored as a speaker
            said_on = said_on or antecedent.said_on
            name = antecedent.name
        occasions = _occasions(doc, att)
        earlier = context.find(name)
        if said_on is None and earlier is not None:
            # "in his address, X also said": the address mentioned before, and so its day
            said_on = next((earlier.occasions[o] for o in occasions if o in earlier.occasions), None)
            if said_on is None and (att.continues or _same_occasion(doc, earlier.last_end, att)):
                said_on = earlier.said_on
        known = context.note(name, said_on)
        known.last_end = att.unit[1]
        if said_on is not None:
            known.occasions.update(dict.fromkeys(occasions, said_on))
        if att.relayed_by:
            context.note(Name(att.relayed_by, _kind_of_relay(att.relayed_by)), None, speaking=False)
        content = doc.text[att.content[0] : att.content[1]]
        sentence = re.sub(r"\s+", " ", doc.text[att.unit[0] : att.unit[1]]).strip()
        statement = _statement(content)
        figures = tuple(parse_figures(content))
        source = Source(
            document=article.id,
            sentence=sentence,
            outlet=article.outlet,
            url=article.url,
            published=article.published,
        )
        claims.append(
            Claim(
                id=claim_id(known.name.text, statement),
                speaker=known.name.text,
                statement=statement,
                figures=figures,
                said_on=said_on,
                topic=topic_of(statement),
                sources=(source,),
                relayed_by=att.relayed_by,
            )
        )
    claims, renamed = _canonical_within_article(claims, context)
    speaking = {c.speaker for c in claims}
    speakers = []
    for known in context.known:
        canonical = renamed.get(known.name.text, known.name.text)
        if canonical in speaking:
            aliases = tuple(sorted(known.aliases | {canonical}))
            speakers.append(Speaker(canonical, known.name.kind, aliases, tuple(sorted(known.roles))))
    return claims, speakers


def _kind_of_relay(text: str) -> str:
    words = text.lower().split()
    if words and words[-1] in TITLE_WORDS:
        return ANONYMOUS
    return PERSON if len(words) in (2, 3) and text.istitle() else ORGANISATION


def _canonical_within_article(claims: list[Claim], context: _Context) -> tuple[list[Claim], dict[str, str]]:
    """Give every claim the fullest name its speaker has in this article ('Zelenskiy' -> full name), from
    other speakers and from people the article names ("Trump said" where it also says "Donald Trump")."""
    people = [known.name for known in context.known]
    people += [name for _, name, _ in context.mentions if name.kind == PERSON]
    renamed: dict[str, str] = {}
    out = []
    for claim in claims:
        for name in people:
            if name.text != claim.speaker and (
                _surname_match(name.text, claim.speaker)
                or same_speaker(name.text, name.kind, claim.speaker, name.kind)
            ):
                fuller = better_name(claim.speaker, name.text)
                if fuller != claim.speaker:
                    renamed[claim.speaker] = fuller
                    claim = replace(claim, speaker=fuller, id=claim_id(fuller, claim.statement))
                break
        out.append(claim)
    return out, renamed
