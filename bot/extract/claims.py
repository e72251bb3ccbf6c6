"""Turn one parsed article into claims: resolve who spoke, read the figures and when it was said.

Pure: an Article and its spaCy Doc in, Claims out (one source each, not yet merged with the store).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from datetime import date

from spacy.tokens import Doc

from bot.extract.attribution import QUOTE_GOES_ON, Attribution, find_attributions
from bot.extract.cast import Cast, Member, surname_match
from bot.extract.dates import DateMention, find_dates, infer_published
from bot.extract.figures import parse_figures, uses_decimal_commas
from bot.extract.speakers import (
    ANONYMOUS,
    ORG_WORDS,
    ORGANISATION,
    PERSON,
    TITLE_WORDS,
    Name,
    better_name,
    same_speaker,
    span_text,
)
from bot.extract.timeline import SPAN_MENTION, event_day, event_days, moves_time, names_no_day, relative_day
from bot.models import Article, Claim, Figure, Source, Speaker
from bot.vocabulary import topic_of


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


#: Words before a date that make it the day of what is counted, not of the saying.
AS_OF = re.compile(
    r"\b(?:(?:as\s+(?:of|at)|since|until|through|by)\s+(?:the\s+end\s+of\s+)?"
    r"|(?:quarter|period|year|months?|weeks?|half|season)\s+(?:ending|ended|ends|to|through)\s+(?:on\s+)?)$",
    re.IGNORECASE,
)  # "as of yesterday the count was 40", "for the quarter ending on March 31"


def _said_on(
    doc: Doc, att: Attribution, published: date | None, events: dict[str, date]
) -> tuple[date | None, bool]:
    """The date in the attribution itself ("said on Jan. 4"), not one inside what was said; failing that,
    the day of the event it follows ("after the vote"); failing that, the day a quotation calls "today"
    (with an editor's "[January 4]" beside it, if any). The flag says the attribution names a time that
    is no day ("last week"), so the day is not knowable."""
    start, end = att.unit
    mentions = find_dates(doc.text[start:end], published)
    best: tuple[int, date | None] | None = None
    for mention in mentions:
        at, to = start + mention.start, start + mention.end
        counted = AS_OF.search(doc.text[max(0, at - 40) : at])  # "as of yesterday the count was 40"
        if counted or not any(fs <= at and to <= fe for fs, fe in att.frame):
            continue
        distance = min(abs(at - att.verb_at), abs(to - att.verb_at))
        if best is None or distance < best[0]:
            best = (distance, None if SPAN_MENTION.search(mention.text) else mention.value)
    if best:
        return best[1], best[1] is None
    opening = _opening_day(doc, att, mentions)
    if opening is not None:
        return opening, False
    after_event = event_day(_frame_text(doc, att), events)
    if after_event is not None or not att.quoted:
        return after_event, False
    for i, mention in enumerate(mentions):
        at = start + mention.start
        if att.content[0] <= at < att.content[1] and mention.text.lower() in SPEAKING_DAY:
            after = mentions[i + 1] if i + 1 < len(mentions) else None
            if after is not None and "[" in doc.text[start + mention.end : start + after.start]:
                return after.value, False
            return mention.value, False
    return None, False


def _opening_day(doc: Doc, att: Attribution, mentions: list[DateMention]) -> date | None:
    """'On Monday, 3,800 flights had been cancelled, according to X': a day that opens the sentence dates
    what a source's figures say, when the attribution is "according to" and names no day of its own."""
    if att.verb != "according" or not mentions:
        return None
    first = mentions[0]
    lead = doc.text[att.unit[0] : att.unit[0] + first.start].strip().lower()
    return (
        first.value
        if lead in ("on", "") and doc.text[att.unit[0] + first.end :].lstrip()[:1] == ","
        else None
    )


def _said(text: str, att: Attribution) -> str:
    """What was said: the content, less an attribution set inside it ("..., she said, ...")."""
    start, end = att.content
    for fs, fe in sorted(att.frame, reverse=True):
        if start <= fs and fe <= end:
            text = text[:fs] + text[fe:]
            end -= fe - fs
    return text[start:end]


def _frame_text(doc: Doc, att: Attribution) -> str:
    return " ".join(doc.text[a:b] for a, b in att.frame)


def _same_occasion(doc: Doc, last_end: int, att: Attribution) -> bool:
    """A speaker's next statement, with no change of time between, was made on the same occasion
    ("Ostrovska said on Tuesday ... 'We are moving ...,' she told reporters")."""
    if last_end < 0 or att.unit[0] < last_end:
        return False
    between = [s for s in doc.sents if last_end <= s.start_char and s.end_char <= att.unit[0]]
    return not any(moves_time(s.text) for s in between)


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


#: Roles of people who speak for an organisation rather than for themselves.
VOICE_ROLES = re.compile(r"\b(?:spokes\w*|press\s+secretary|representative)\b", re.IGNORECASE)


def _day_of_those_spoken_for(
    doc: Doc, name: Name, att: Attribution, context: Cast, previous: tuple[Member, int] | None
) -> date | None:
    """A person speaking for an organisation shares its day: "the Fed cut rates yesterday ... Fed Chair
    Jerome Powell told reporters"; so does a spokesperson answering right after the organisation's own
    dated statement ("the ministry said on Friday. Spokesman X told reporters ...")."""
    if name.kind != PERSON:
        return None
    known = context.find(name)
    described = {name.role, *name.titles} | (known.roles | known.titles if known is not None else set())
    roles = " ".join(described).lower()
    words = {w for w in re.findall(r"[a-z]+", roles) if w not in TITLE_WORDS and len(w) >= 3}
    for org in reversed(context.known):
        if org.name.kind != ORGANISATION or org.said_on is None:
            continue
        org_words = re.findall(r"[a-z]+", org.name.text.lower())
        acronym = "".join(w[0] for w in org_words if w not in ("of", "the", "and", "for"))
        if any(w in org_words or w == acronym or (org_words and org_words[0].startswith(w)) for w in words):
            return org.said_on
    if previous is None or not VOICE_ROLES.search(roles):
        return None
    speaker, ended = previous
    between = [s for s in doc.sents if ended <= s.start_char and s.end_char <= att.unit[0]]
    if speaker.name.kind == ORGANISATION and len(between) <= 1:
        return speaker.said_on
    return None


def claim_id(speaker: str, statement: str) -> str:
    """A stable id for a claim from its first sighting."""
    digest = hashlib.sha1(f"{speaker}\x1f{statement}".encode()).hexdigest()
    return digest[:16]


def extract_claims(article: Article, doc: Doc) -> tuple[list[Claim], list[Speaker]]:
    """Every attributed claim of one parsed article (one source each, in reading order) and its speakers."""
    published = article.published or infer_published(article.text)
    context = Cast(doc)
    claims: list[Claim] = []
    anchor: date | None = None  # the day the story last named, for "hours later", "two days later"
    previous: tuple[Member, int] | None = None  # the last claim's speaker and where that claim ended
    att_end = -1  # where the last attribution that became a claim ended
    last_content, last_said_end = "", -1  # what the last claim quoted, for a quotation that goes on
    decimal_comma = uses_decimal_commas(article.text)
    events = event_days(doc, published)
    lede_present = False  # the story opens on "X says ...": X's day is given further on
    carryable: set[int] = set()  # claims left undated for want of an earlier statement by their speaker
    dated_occasions: dict[str, date] = {}  # "statement" -> the day of the statement the article dated
    for att in find_attributions(doc):
        said_on, vague = _said_on(doc, att, published, events)
        frame = _frame_text(doc, att)
        if said_on is None and not vague:
            said_on = relative_day(frame, anchor)
            vague = said_on is None and names_no_day(frame)
        name = att.speaker
        carried: date | None = None
        if att.verb == QUOTE_GOES_ON:
            if previous is None or previous[1] != att_end:
                continue  # the quotation it carries on was nobody's
            name = previous[0].name
        elif name.is_reference:
            # a description may point back within its sentence ("Shares of X rose after the carmaker said")
            teller = _company_telling_of_itself(doc, att) if name.head == "it" else None
            antecedent = context.note(teller, None, speaking=False) if teller else None
            antecedent = antecedent or context.resolve(name, att.verb_at, skip=att.content)
            if antecedent is None:
                att_end = -1
                continue  # a pronoun we cannot resolve is never stored as a speaker
            carried = antecedent.said_on
            name = antecedent.name
        if not re.search(r"[^\W\d_]{2}", name.text):
            att_end = -1
            continue  # a speaker with no name left in it (">", "Inc.") is no one
        occasions = _occasions(doc, att)
        earlier = context.find(name)
        undated = said_on is None and not vague and not att.present
        if said_on is None and not vague and earlier is not None:
            # "in his address, X also said": the address mentioned before, and so its day; "X said on a trip
            # Friday ... X says the plan looks better": a present tense on the same occasion too
            said_on = next((earlier.occasions[o] for o in occasions if o in earlier.occasions), None)
            if said_on is None and (att.continues or _same_occasion(doc, earlier.last_end, att)):
                said_on = earlier.said_on
        relayed_by = _relay(context, att)
        content = _said(doc.text, att)
        if undated and said_on is None:
            said_on = (
                carried
                or _relay_day(context, relayed_by)
                or _day_of_same_figures(claims, parse_figures(content, decimal_comma=decimal_comma))
                or _day_of_those_spoken_for(doc, name, att, context, previous)
                or _day_of_the_occasion(frame, dated_occasions)
            )
        known = context.note(name, said_on, speaking=not (att.present and said_on is None))
        known.relay_only = False
        if name.role in SPOKESPEOPLE:
            known.roles.update(_spoken_for(doc, att, name))
        known.last_end = att.unit[1]
        if att.relayed_by and not att.relayed_by.islower():
            relay = context.note(Name(att.relayed_by, _kind_of_relay(att.relayed_by)), None, speaking=False)
            relay.relay_only = relay.relay_only or relay.last_end < 0
            relay.said_on = relay.said_on or said_on  # who passed it on spoke that day too
            relay.last_end = max(relay.last_end, att.unit[1])
        context.said.append(att.content)
        previous = (known, att.unit[1])
        att_end = att.unit[1]
        if said_on is not None:
            anchor = said_on
            known.occasions.update(dict.fromkeys(occasions, said_on))
            dated_occasions.update(dict.fromkeys(occasions, said_on))
        if att.verb == QUOTE_GOES_ON and claims and "\n" not in doc.text[last_said_end : att.content[0]]:
            # '"A," she said. "B."': one quotation, one claim
            # two quoted sentences stay two sentences: '"A," she said. "B."' reads "A. B."
            joined = last_content.rstrip(" ,;:\u2014-")
            last_content = f"{joined}{'' if joined[-1:] in '.!?' else '.'} {content}"
            statement = _statement(last_content)
            claims[-1] = replace(
                claims[-1],
                id=claim_id(claims[-1].speaker, statement),
                statement=statement,
                figures=tuple(parse_figures(last_content, decimal_comma=decimal_comma)),
                topic=topic_of(statement),
            )
            last_said_end = att.content[1]
            continue
        last_content, last_said_end = content, att.content[1]
        sentence = re.sub(r"\s+", " ", doc.text[att.unit[0] : att.unit[1]]).strip()
        statement = _statement(content)
        figures = tuple(parse_figures(content, decimal_comma=decimal_comma))
        source = Source(
            document=article.id,
            sentence=sentence,
            outlet=article.outlet,
            url=article.url,
            published=article.published,
        )
        if not claims:
            lede_present = att.present and said_on is None
        if undated and said_on is None:
            carryable.add(len(claims))
        claims.append(
            Claim(
                id=claim_id(known.name.text, statement),
                speaker=known.name.text,
                statement=statement,
                figures=figures,
                said_on=said_on,
                topic=topic_of(statement),
                sources=(source,),
                relayed_by=relayed_by,
            )
        )
    claims = _carry_to_renamed(_lede_day(_named_later(claims, context), lede_present), carryable)
    claims, renamed = _canonical_within_article(claims, context)
    speaking = {c.speaker for c in claims}
    speakers = []
    people = {name.text for _, name, _ in context.mentions if name.kind == PERSON}
    for known in context.known:
        canonical = renamed.get(known.name.text, known.name.text)
        if canonical in speaking:
            aliases = tuple(sorted(known.aliases | {canonical}))
            roles = tuple(sorted(known.roles | context.described.get(canonical, set())))
            # a surname the tagger took for a place or a body is the person the article names in full
            kind = PERSON if canonical != known.name.text and canonical in people else known.name.kind
            speakers.append(Speaker(canonical, kind, aliases, roles))
    return claims, speakers


#: "in the statement", "at that briefing": an occasion the article has already told of.
THE_OCCASION = re.compile(
    r"\b(?:the|that|this|the\s+same)\s+(?:\w+\s+)?(" + "|".join(OCCASIONS) + r")s?\b", re.I
)


def _day_of_the_occasion(frame: str, dated: dict[str, date]) -> date | None:
    """ "In a statement on Monday, the company said ...; its chief executive said in the statement ...":
    an occasion named as already known takes the day it was given."""
    found = THE_OCCASION.search(frame)
    return dated.get(found[1].lower()) if found else None


def _relay_day(context: Cast, relayed_by: str | None) -> date | None:
    """A statement passed on by someone whose own statement the article dated shares that day: "Citing
    the agency, the lawmaker said ..." after "the agency told lawmakers on Monday"."""
    if not relayed_by:
        return None
    member = context.find(Name(relayed_by, ORGANISATION))
    return member.said_on if member is not None else None


def _day_of_same_figures(claims: list[Claim], figures: list[Figure]) -> date | None:
    """A statement repeating the figures of one the article dated before is that statement: news leads
    with a paraphrase and quotes the words below it."""
    numbers = {n for f in figures for n in f.numbers() if n > 10}
    for claim in reversed(claims):
        if claim.said_on is not None and numbers & {n for f in claim.figures for n in f.numbers()}:
            return claim.said_on
    return None


def _relay(context: Cast, att: Attribution) -> str | None:
    """Who passed the statement on, as the cast knows them: "citing the agency" is the agency named
    before; a name is noted in the cast for later references."""
    text = att.relayed_by
    if not text:
        return None
    if text.islower():  # a description: "according to the lawmaker", "citing the agency"
        words = text.split()
        ref = Name(text, "reference", head=words[-1], fallback_kind=None)
        member = context.resolve(ref, att.verb_at)
        return member.name.text if member is not None else text
    context.note(Name(text, _kind_of_relay(text)), None, speaking=False)
    return text


def _kind_of_relay(text: str) -> str:
    words = text.lower().split()
    if words and words[-1] in TITLE_WORDS:
        return ANONYMOUS
    capitalised = all(w[:1].isupper() for w in text.split())  # "Lee Seong-kweun" too
    looks_named = len(words) in (2, 3) and capitalised and not any(w in ORG_WORDS for w in words)
    return PERSON if looks_named else ORGANISATION


def _company_telling_of_itself(doc: Doc, att: Attribution) -> Name | None:
    """ "Acme carried 2 million passengers in June, it said": "it" is the body the clause before it is
    about, when that is a name the tagger did not take for a person."""
    if att.content[1] > att.verb_at:
        return None
    span = doc.char_span(att.content[0], att.content[1], alignment_mode="expand")
    subject = next((t for t in span.root.children if t.dep_ == "nsubj"), None) if span is not None else None
    if subject is None:
        return None
    named = [t for t in subject.subtree if t.pos_ == "PROPN" and t.ent_type_ not in ("PERSON", "GPE", "NORP")]
    if not named or subject.pos_ not in ("PROPN", "NOUN"):
        return None
    return Name(span_text([named[0], *named[1:]]), ORGANISATION, head=named[-1].lower_)


def _carry_to_renamed(claims: list[Claim], carryable: set[int]) -> list[Claim]:
    """Claims whose speaker turned out, further on, to be one named earlier ("a UN spokesman said on
    Wednesday ... Farhan Haq, the deputy UN spokesman, said") take that speaker's last day."""
    out: list[Claim] = []
    for i, claim in enumerate(claims):
        if i in carryable and claim.said_on is None:
            # the speaker's last day, else the day of the one who passed it on
            day = next((c.said_on for c in reversed(out) if c.speaker == claim.speaker and c.said_on), None)
            day = day or next(
                (c.said_on for c in reversed(out) if claim.relayed_by == c.speaker and c.said_on), None
            )
            claim = replace(claim, said_on=day) if day else claim
        out.append(claim)
    return out


def _lede_day(claims: list[Claim], lede_present: bool) -> list[Claim]:
    """A story that opens on "X says ..." dates X's words further on ("X told reporters on Friday"): the
    lede takes the day of the speaker's first dated statement after it."""
    if not lede_present or not claims:
        return claims
    later = next((c.said_on for c in claims[1:] if c.speaker == claims[0].speaker and c.said_on), None)
    return [replace(claims[0], said_on=later), *claims[1:]] if later else claims


def _named_later(claims: list[Claim], context: Cast) -> list[Claim]:
    """Claims first given to a role ("the country's intelligence chief says") go to the person the article
    names in that role further on; the role joins that person's roles."""
    out = []
    for claim in claims:
        member = next((m for m in context.known if m.name.text == claim.speaker), None)
        person = context.named_later(member) if member is not None else None
        if person is not None:
            person.roles.add(claim.speaker.lower())
            claim = replace(claim, speaker=person.name.text, id=claim_id(person.name.text, claim.statement))
        body = context.named_organisation(member) if member is not None else None
        if member is not None and body is not None:
            named = context.note(body, None, speaking=False)
            named.roles.add(claim.speaker.lower())
            named.aliases.update(member.aliases)
            claim = replace(claim, speaker=named.name.text, id=claim_id(named.name.text, claim.statement))
        out.append(claim)
    return out


def _canonical_within_article(claims: list[Claim], context: Cast) -> tuple[list[Claim], dict[str, str]]:
    """Give every claim the fullest name its speaker has in this article ('Zelenskiy' -> full name), from
    other speakers and from people the article names ("Trump said" where it also says "Donald Trump")."""
    people = [known.name for known in context.known]
    people += [name for _, name, _ in context.mentions if name.kind == PERSON]
    renamed: dict[str, str] = {}
    out = []
    for claim in claims:
        if claim.speaker.split()[-1:] and claim.speaker.split()[-1].lower() in context.namesakes:
            out.append(claim)  # told apart by title as the claims were read; no surname guessing here
            continue
        for name in people:
            if name.text != claim.speaker and (
                surname_match(name.text, claim.speaker)
                or same_speaker(name.text, name.kind, claim.speaker, name.kind)
            ):
                fuller = better_name(claim.speaker, name.text)
                if fuller != claim.speaker:
                    renamed[claim.speaker] = fuller
                    claim = replace(claim, speaker=fuller, id=claim_id(fuller, claim.statement))
                break
        out.append(claim)
    return out, renamed


#: A role that names whom it speaks for only by the sentence it stands in: "according to spokesman X".
SPOKESPEOPLE = frozenset({"spokesman", "spokeswoman", "spokesperson"})


def _spoken_for(doc: Doc, att: Attribution, name: Name) -> set[str]:
    """'Acme canceled 300 flights, according to spokesman X': X is Acme's spokesman. The first
    organisation the sentence names, when it names one."""
    unit = doc.char_span(att.unit[0], att.unit[1], alignment_mode="expand")
    bodies = [
        e for e in (unit.ents if unit is not None else ()) if e.label_ == "ORG" and name.text not in e.text
    ]
    return {f"{bodies[0].text.lower()} {name.role}"} if bodies else set()
