"""The article's cast: who is in it, under every name the article gives them.

News introduces a speaker once in full ("Kenya's interior minister, Jane Doe,") and then leans on that
introduction: a surname, a role ("the minister"), a description ("the agency", "the chipmaker"), a pronoun.
The cast collects every subject and named entity of one article, keeps the speakers met so far with their
titles, roles and aliases, and resolves a reference to the member it points back to, or to no one. Pure:
one parsed Doc in, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import pairwise

from spacy.tokens import Doc

from bot.extract.speakers import (
    ANONYMOUS,
    ISSUED_NOUNS,
    ORG_WORDS,
    ORGANISATION,
    PERSON,
    PERSON_PRONOUNS,
    TITLE_WORDS,
    Name,
    better_name,
    name_of,
    same_speaker,
)
from bot.lexicon import COMPANY_WORDS, HONORIFICS, INSTITUTIONS


@dataclass
class Member:
    """A speaker met so far in the article, for pronouns and descriptions that point back to it."""

    name: Name
    said_on: date | None = None
    titles: set[str] = field(default_factory=set)
    aliases: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    occasions: dict[str, date] = field(default_factory=dict)  # "interview" -> the day of that interview
    last_end: int = -1  # where its latest claim in the article ends
    relay_only: bool = False  # only passed others' words on ("told Reuters"): a body so is no "the union"


#: Endings of words that say what a body does or is like ("governing", "national"), not what it is called.
_DESCRIBING_ENDINGS = ("ing", "ed", "al", "ic", "ive", "ful", "ous", "ary")

#: Unnamed single sources "he" or "she" may point back to.
SINGULAR_ROLES = frozenset(
    """
    official spokesperson spokesman spokeswoman representative diplomat officer source analyst aide
    """.split()
)


class Cast:
    """Who has been mentioned so far in one article, latest last."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.known: list[Member] = []
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
                words = list(ent)
                while len(words) > 1 and words[0].lower_ in (TITLE_WORDS if kind == PERSON else {"the"}):
                    words = words[1:]
                text = re.sub(r"\s*\([^)]*\)?$", "", doc[words[0].i : ent.end].text)  # "Acme Corp (AC"
                titles = _titles_before(doc, words[0].i) if kind == PERSON else ()
                self.mentions.append((words[0].idx, Name(text, kind, titles, ent[-1].lower_), False))
        self.mentions.sort(key=lambda m: m[0])
        # people who share a surname ("Mayor Eric Adams", "Speaker Adrienne Adams"): told apart by title
        people: dict[str, set[Name]] = {}
        for _, name, _ in self.mentions:
            if name.kind == PERSON and len(name.text.split()) > 1:
                people.setdefault(name.text.split()[-1].lower(), set()).add(name)
        self.namesakes = {
            surname: sorted(names, key=lambda n: n.text)
            for surname, names in people.items()
            if len({n.text for n in names}) > 1
        }
        # names the tagger reads as places more often than as anything else ("Kerala", not a surname)
        tags: dict[str, list[bool]] = {}
        for ent in doc.ents:
            tags.setdefault(ent.text, []).append(ent.label_ in ("GPE", "LOC", "NORP"))
        surnames = {ent[-1].lower_ for ent in doc.ents if ent.label_ == "PERSON"}
        self.places = {
            text
            for text, placed in tags.items()
            if 2 * sum(placed) > len(placed) and text.split()[-1].lower() not in surnames
        }
        self.said: list[tuple[int, int]] = []  # what the claims so far said, as character spans
        # roles the article gives people anywhere, not only where they speak: "given by Ukraine's top
        # commander, Oleksandr Syrskyi"
        self.described: dict[str, set[str]] = {}
        for tok in doc:
            if tok.dep_ == "appos" and tok.ent_type_ == "PERSON" and tok.head.pos_ == "NOUN":
                described = name_of(tok.head)
                if described is not None and described.role and described.kind == PERSON:
                    self.described.setdefault(described.text, set()).add(described.role)
        for role, named in _described_then_named(doc) + _titled_names(doc):
            self.described.setdefault(named, set()).add(role)
        self.acronyms = acronyms(doc)

    def expand(self, name: Name) -> Name:
        """An acronym the article introduced ("known as HUR", "(CDC)") stands for its full name."""
        full = self.acronyms.get(name.text)
        if full is None:  # the parser may cut a long name: "Rail Tram [and Bus Union (RTBU)]"
            full = next((f for f in self.acronyms.values() if f.startswith(name.text + " ")), None)
            if full is None or len(name.text.split()) < 2:
                return name
        elif name.kind == PERSON:
            return name
        return Name(full, ORGANISATION, name.titles, full.split()[-1].lower(), role=name.role)

    def _namesake(self, name: Name) -> Name | None:
        """Which of several people sharing a surname a lone surname means: the one whose title it bears
        ("Speaker Adams"), else None."""
        if name.kind != PERSON or " " in name.text:
            return None
        options = self.namesakes.get(name.text.lower(), [])
        titled = [n for n in options if {_title(t) for t in n.titles} & {_title(t) for t in name.titles}]
        return titled[0] if len({n.text for n in titled}) == 1 else None

    def find(self, name: Name) -> Member | None:
        name = self.expand(name)
        surname = name.text.split()[-1].lower() if name.kind == PERSON and name.text else ""
        if surname in self.namesakes:
            # among namesakes only the same full name, or a surname bearing the same title, is the same
            name = self._namesake(name) or name
            for known in reversed(self.known):
                if known.name.text == name.text or name.text in known.aliases:
                    return known
            return None
        for known in reversed(self.known):
            if same_speaker(known.name.text, known.name.kind, name.text, name.kind) or (
                surname_match(known.name.text, name.text)
            ):
                return known
        if name.kind == ORGANISATION:  # "South Korea's Joint Chiefs of Staff" is the Joint Chiefs of Staff
            bare = _unowned(name.text)
            for known in reversed(self.known):
                if (
                    known.name.kind == ORGANISATION
                    and bare == _unowned(known.name.text)
                    and bare[:1].isupper()
                ):
                    return known
        return None

    def note(self, name: Name, said_on: date | None, *, speaking: bool = True) -> Member:
        written = name.text
        name = self.expand(name)
        full = self._namesake(name)
        if full is not None:
            name = Name(full.text, PERSON, name.titles + full.titles, full.head, role=name.role)
        known = self.find(name)
        if known is None:
            known = Member(name, said_on, set(name.titles), {name.text, written})
            known.roles.update(self.described.get(name.text, ()))
            known.aliases.update(a for a, full in self.acronyms.items() if full == name.text)
            known.roles.update([name.role] if name.role else [])
        else:
            self.known.remove(known)
            fuller = better_name(known.name.text, name.text)
            kind = PERSON if PERSON in (known.name.kind, name.kind) else known.name.kind
            if known.name.kind == ORGANISATION and name.text == known.name.text:
                kind = ORGANISATION  # a one-word name once shown to be a company stays one
            known.name = Name(fuller, kind, known.name.titles + name.titles, known.name.head)
            known.titles.update(name.titles)
            known.aliases.update((name.text, written))
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
            if name.kind == ORGANISATION and name.text not in self.places:
                counts[name.text] = counts.get(name.text, 0) + 1
                names.setdefault(name.text, name)
        return names[max(counts, key=lambda k: counts[k])] if counts else None

    def _earlier(self, before: int) -> list[Name]:
        """Names mentioned before a position, latest first."""
        return [name for at, name, _ in reversed(self.mentions) if at < before]

    def _recent_speaker(self, kinds: tuple[str, ...], before: int, within: int = 3) -> Name | None:
        """The latest speaker of these kinds whose statement ended at most `within` sentences back."""
        for member in reversed(self.known):
            relay = member.relay_only and member.name.kind == ORGANISATION  # an outlet passing words on
            if member.name.kind in kinds and member.last_end >= 0 and not relay:
                # a speaker of this very sentence counts too ("It said ... and warned ...")
                between = [s for s in self.doc.sents if member.last_end <= s.start_char < before]
                if len(between) <= within:
                    return member.name
        return None

    def _matches(self, name: Name, wanted: set[str], person: bool) -> bool:
        """Whether a description's words fit a named member: all its qualifiers ("Fed", "election") are
        among the member's words, and a title in it is one the member holds ("the general", "the chief")."""
        if person and name.kind == ORGANISATION:
            return False  # "the chief" is a person, never the organisation
        words = _words(name.text) | {_title(t) for t in name.titles} | {name.head}
        member = self.find(name)
        if member is not None:
            words |= {_title(t) for t in member.titles}
            for role in member.roles:
                words |= _words(role)
        for w in wanted:
            if w in words or w.rstrip("s") in words:
                continue
            if person and w in TITLE_SYNONYMS and TITLE_SYNONYMS[w] & words:
                continue
            return False
        return True

    def named_later(self, member: Member) -> Member | None:
        """The person a role introduced them by turns out to be: a story opening on "the country's
        intelligence chief says" names "Gen. Jane Doe, chief of the intelligence directorate" later."""
        if member.name.kind != ANONYMOUS or member.name.head not in PERSON_HEADS:
            return None
        wanted = _words(member.name.text) - {_title(w) for w in _words(" ".join(self.places))}
        head = _title(member.name.head)
        qualifiers = {w for w in wanted if w not in TITLE_WORDS and w not in PERSON_HEADS}
        for other in self.known:
            if other.name.kind != PERSON:
                continue
            words = {_title(t) for t in other.titles} | {w for r in other.roles for w in _words(r)}
            titled = head in words or bool(TITLE_SYNONYMS.get(head, set()) & words)
            if titled and (not qualifiers or qualifiers & words):
                return other
        return None

    def named_organisation(self, member: Member) -> Name | None:
        """The organisation a described body is: "South Korea's spy agency" in an article that names one
        agency, the National Intelligence Service (NIS), is that agency."""
        text = member.name.text
        described = re.sub(r"^.*?['’]s\s+", "", text)
        if member.name.kind != ORGANISATION or described == text or not described.islower():
            return None
        group = next((g for g in ORGANISATION_CLASSES if member.name.head in g), None)
        if group is None:
            return None
        named = {
            n.text
            for _, n, _ in self.mentions
            if n.kind == ORGANISATION and _words(n.text) & group and not n.text.islower()
        }
        named |= {full for full in self.acronyms.values() if _words(full) & group}
        owner = text[: len(text) - len(described)]
        # another owner's body is another body: "Britain's Defence Ministry" is no South Korean agency
        owned = {m.group(1) for m in re.finditer(r"(\S+['’]s\s+)(?=[A-Z])", self.doc.text)}
        named = {
            n
            for n in named
            if not any(f"{o}{_unowned(n)}" in self.doc.text for o in owned if not owner.endswith(o))
        }
        named = {re.sub(r"^.*?['’]s\s+", "", n) for n in named} - {described}
        # the body must be named fully with its initials, or share a word with the description
        expansions = set(self.acronyms.values())
        named = {n for n in named if n in expansions or _words(n) & _words(described)}
        if text in expansions or len(named) != 1:
            return None  # a body the article already gives initials ("known as HUR") is named enough
        return Name(named.pop(), ORGANISATION, head=member.name.head)

    def _named_next(self, head: str, after: int) -> Name | None:
        """A story may describe a body before naming it: "the company which owns the mine said ... ICG
        president X": the first organisation of that kind named within the next two sentences."""
        sentences = [s for s in self.doc.sents if s.end_char > after][:3]
        if not sentences:
            return None
        end = sentences[-1].end_char
        group = next((g for g in ORGANISATION_CLASSES if head in g), frozenset({head}))
        for at, name, _ in self.mentions:
            kind_fits = group is ORGANISATION_CLASSES[1] or bool(_words(name.text) & group)
            if after < at < end and name.kind == ORGANISATION and name.text not in self.places and kind_fits:
                return name  # any named body for "the company"; a union for "the union"
        return None

    def _of_class(self, head: str, before: int) -> Name | None:
        """The latest organisation of the kind a description names: "the agency" is the last agency,
        service or ministry named; "the company" the last company."""
        group = next((g for g in ORGANISATION_CLASSES if head in g), None)
        if group is None:
            return None
        for name in [k.name for k in reversed(self.known)] + self._earlier(before):
            if name.kind == ORGANISATION and name.head in group and name.text not in self.places:
                return name
        if group is not ORGANISATION_CLASSES[1]:
            return None
        # "Acme delivered 500 cars, the carmaker said": a one-word name the tagger took for no person
        # is the company the sentence describes
        sentence = self.doc.char_span(before, before + 1, alignment_mode="expand")
        start = sentence.sent.start_char if sentence is not None else 0
        for at, name, subject in reversed(self.mentions):
            span = self.doc.char_span(at, at + len(name.text), alignment_mode="expand")
            company_like = span is not None and span[0].ent_type_ != "PERSON" and span[0].pos_ == "PROPN"
            if start <= at < before and subject and " " not in name.text and company_like:
                return Name(name.text, ORGANISATION, head=name.head)
        return None

    def resolve(self, ref: Name, before: int, skip: tuple[int, int] = (0, 0)) -> Member | None:
        """The member a pronoun or description ("he", "it", "the company", "the Fed chief") points back
        to, or None when it points to no one the article names. Names inside `skip` (what was said)
        are no antecedents of the one who said it."""
        found: Name | None = None
        description = ""
        if ref.head in PERSON_PRONOUNS:
            earlier = [(at, n, subj) for at, n, subj in reversed(self.mentions) if at < before]
            earlier = [m for m in earlier if not skip[0] <= m[0] < skip[1]]
            earlier = [m for m in earlier if m[1].text not in self.places]  # "he" is never a place
            # a name inside what someone said is not who "he" is: "X said Y paints a picture. 'Z,' she said"
            earlier = [m for m in earlier if not any(s <= m[0] < e for s, e in self.said)]
            people = [n for _, n, subj in earlier if subj and self._is_person(n)]
            found = people[0] if people else next((n for _, n, _ in earlier if n.kind == PERSON), None)
        elif ref.head in ("it", "its"):  # never a person, never a group of people
            found = self._recent_speaker((ORGANISATION,), before, within=1) or next(
                (n for n in self._earlier(before) if n.kind == ORGANISATION), None
            )
        elif ref.head in ISSUED_NOUNS:  # "the notice said": the body (or person) that just spoke, or the
            found = self._recent_speaker((ORGANISATION, PERSON), before) or self._salient_organisation(before)
        elif ref.head in ("they", "we", "their", "our"):
            found = self._recent_speaker((ORGANISATION, ANONYMOUS), before, within=1) or next(
                (n for n in self._earlier(before) if n.kind in (ORGANISATION, ANONYMOUS)), None
            )
        else:
            description = without_article(ref.text)
            wanted = _words(description)
            person = ref.head in PERSON_HEADS
            for name in [k.name for k in reversed(self.known)] + self._earlier(before):
                # "the election commission" is the Central Election Commission, not the weather service
                if self._matches(name, wanted, person):
                    found = name
                    break
            if found is None and person and wanted <= PERSON_HEADS | TITLE_WORDS:
                found = self._recent_speaker((PERSON,), before)  # "..., the lawmaker said"
            if found is None and ref.head in DESCRIBED_ORGANISATIONS and ref.head not in INSTITUTIONS:
                # ("the government" is never the union or the company that spoke before it)
                guess = (
                    self._of_class(ref.head, before)
                    or self._recent_speaker((ORGANISATION,), before)
                    or self._salient_organisation(before)
                    or self._named_next(ref.head, before)
                )
                # "the weather agency" may be the Weather Service; "the port association" is no shipping
                # line: a qualifier must be in the name, unless it says what a company makes ("carmaker")
                qualifiers = {w for w in wanted - {ref.head} if not w.endswith(_DESCRIBING_ENDINGS)}
                if guess is not None and (
                    not qualifiers or ref.head in COMPANY_WORDS or qualifiers & _words(guess.text)
                ):
                    found = guess
            standalone = not person and ref.head not in COMPANY_WORDS
            standalone = standalone and (
                len(wanted) > 1 or ref.head in INSTITUTIONS or ref.head.endswith("s")
            )
            if found is None and ref.fallback_kind is not None and standalone:
                found = Name(description, ref.fallback_kind, head=ref.head)
        if found is None:
            return None
        member = self.note(found, None, speaking=False)
        if description and description.lower() != member.name.text.lower():
            member.roles.add(description.lower())  # "what did the chipmaker say" finds it later
        return member


#: Abbreviated titles and the word they stand for, so "the general" finds "Maj. Gen. Pat Ryder".
TITLE_FORMS = {
    "gen": "general", "lt": "lieutenant", "maj": "major", "col": "colonel", "gov": "governor",
    "sen": "senator", "rep": "representative", "dr": "doctor", "prof": "professor", "capt": "captain",
    "adm": "admiral", "sgt": "sergeant", "supt": "superintendent", "insp": "inspector",
}  # fmt: skip

#: Titles news uses for one another when it refers back: "Fed Chair X ... the Fed chief".
_HEADS = frozenset("chief chair chairman chairwoman chairperson head boss leader director".split())
TITLE_SYNONYMS = {w: _HEADS for w in _HEADS}

#: Head nouns of a description that points back to one person: "the minister", "the lawmaker".
PERSON_HEADS = (
    (TITLE_WORDS - ORG_WORDS)
    | SINGULAR_ROLES
    | frozenset("lawmaker legislator politician boss founder owner coach chief executive".split())
)

#: Head nouns of a description that points back to an organisation: "the agency", "the governing body".
DESCRIBED_ORGANISATIONS = COMPANY_WORDS | frozenset(
    """
    agency ministry department office body regulator watchdog organisation organization organiser
    organisers organizer organizers union council committee commission court bank government
    administration authority service institute league federation association
    """.split()
)


#: Organisations of one kind, so a description finds a name of its kind.
ORGANISATION_CLASSES = (
    frozenset(
        "agency service ministry department office bureau directorate authority administration body".split()
    ),
    COMPANY_WORDS | frozenset({"corporation", "corp", "inc", "ltd", "plc", "co"}),
    frozenset("court tribunal".split()),
    frozenset("bank lender".split()),
    frozenset("council committee commission board assembly parliament senate congress".split()),
)

_NAME_WORD = r"[A-Z][\w'’.&-]*"
_LINK = r"(?:of|for|and|the|on|de|del|des|la|le|in)"
#: "Centers for Disease Control and Prevention (CDC)": a name, then its initials in brackets.
BRACKETED = re.compile(
    rf"(?P<full>{_NAME_WORD}(?:\s+(?:{_LINK}\s+)*{_NAME_WORD}){{1,9}})\s*\((?P<short>[A-Z][A-Za-z0-9&.]{{1,9}})\)"
)


_TITLE_RUN = 8  # words of a title written before a name, at most


def _titled_names(doc: Doc) -> list[tuple[str, str]]:
    """(role, name) for a person whose title the article writes with the name anywhere, not only where
    they speak: "Harbour Workers Union Interim President Ana Lind blamed ...", and "Ana Lind, Minister of
    State for Energy, said": "what did the union president say" finds her later. Honorifics ("Mr",
    "Shri") are no role."""
    found = []
    for ent in doc.ents:
        words = [t for t in ent if t.lower_ not in TITLE_WORDS]
        if ent.label_ != "PERSON" or not words or words[0].i == 0:
            continue
        start = words[0].i - 1
        if doc[start].lower_ not in TITLE_WORDS:
            continue
        while (
            start > 0
            and words[0].i - start < _TITLE_RUN
            and doc[start - 1].pos_ in ("PROPN", "NOUN")
            and doc[start - 1].text[:1].isupper()
        ):
            start -= 1
        run = doc[start : words[0].i]
        if any(t.lower_.rstrip(".") not in HONORIFICS for t in run):
            found.append((run.text.lower(), doc[words[0].i : ent.end].text))
    for tok in doc:
        if (
            tok.dep_ == "appos"
            and tok.i > tok.head.i
            and tok.lower_ in TITLE_WORDS
            and tok.head.pos_ == "PROPN"
        ):
            named = name_of(tok.head)
            if named is not None and named.kind == PERSON:
                role = [t for t in tok.subtree if t.i >= tok.i]
                cut = next((k for k, t in enumerate(role) if t.is_punct), len(role))
                found.append((" ".join(t.text for t in role[:cut]).lower(), named.text))
    return found


def _described_then_named(doc: Doc) -> list[tuple[str, str]]:
    """(role, name) where a sentence ends on a role and the next one opens with a name speaking: "... as
    given by the country's top commander. Jane Roe said ..." - the role is hers, as if set off by a comma.

    Only a bare role (a title word as its head, no name of its own) and a name that is the subject of
    the next sentence's main verb; anything else between them breaks the link."""
    found = []
    sentences = list(doc.sents)
    for this, following in pairwise(sentences):
        words = [t for t in this if not t.is_punct]
        if not words or words[-1].pos_ != "NOUN" or words[-1].lower_ not in TITLE_WORDS:
            continue
        described = name_of(words[-1])
        opening = [e for e in doc.ents if e.start == following.start and e.label_ in ("PERSON", "ORG")]
        if described is None or described.kind != ANONYMOUS or not opening:
            continue
        subject = opening[0].root
        if subject.dep_ not in ("nsubj", "nsubjpass") or subject.head != following.root:
            continue
        role = re.sub(r"^(?:the|a|an)\s+", "", described.text, flags=re.IGNORECASE).lower()
        found.append((role, opening[0].text))
    return found


def _initials(full: str) -> str:
    return "".join(w[0] for w in full.replace("-", " ").split() if w[:1].isupper())


def _abbreviates(short: str, full: str) -> bool:
    """'CDC' for 'Centers for Disease Control and Prevention', 'NIS' for 'National Intelligence Service'."""
    letters = short.replace(".", "").replace("&", "").upper()
    initials = _initials(full).upper()
    return len(letters) >= 2 and (initials == letters or (len(letters) >= 3 and initials.startswith(letters)))


def acronyms(doc: Doc) -> dict[str, str]:
    """Every short name the article gives an organisation: in brackets after it, with "known as", or as
    the plain initials of an organisation it names."""
    found: dict[str, str] = {}
    for m in BRACKETED.finditer(doc.text):
        full = re.sub(r"^(?:The|the)\s+", "", m["full"])
        words = full.split()
        for k in range(len(words)):  # "the Valencia region's Integrated Centre (CIC)": the tail that fits
            tail = " ".join(words[k:])
            if _abbreviates(m["short"], tail):
                found[m["short"]] = tail
                break
    for tok in doc:
        if (
            tok.lower_ == "known"
            and tok.dep_ == "acl"
            and tok.i + 2 < len(doc)
            and doc[tok.i + 1].lower_ == "as"
        ):
            name = name_of(tok.head)
            if doc[tok.i + 2].text[:1].isupper() and name is not None and not name.is_reference:
                found[doc[tok.i + 2].text] = name.text
    shorts = {t.text for t in doc if t.text.isupper() and 2 <= len(t.text) <= 6}
    for ent in doc.ents:
        if ent.label_ == "ORG" and len(ent) >= 2:
            full = re.sub(r"^(?:The|the)\s+", "", ent.text)
            for short in shorts:
                if short not in found and _abbreviates(short, full):
                    found[short] = full
    return found


def _unowned(name: str) -> str:
    """A name without its owner: "Kenya's Electoral Commission" -> "Electoral Commission"."""
    return re.sub(r"^(?:the\s+)?[\w .-]+?['’]s\s+", "", name, flags=re.IGNORECASE)


def _titles_before(doc: Doc, start: int) -> tuple[str, ...]:
    """The title words written right before a name: "Council Speaker Adrienne Adams" -> council, speaker."""
    titles: list[str] = []
    i = start - 1
    while i >= 0 and doc[i].lower_ in TITLE_WORDS:
        titles.insert(0, doc[i].lower_)
        i -= 1
    return tuple(titles)


def _title(word: str) -> str:
    word = word.lower().rstrip(".")
    return TITLE_FORMS.get(word, word)


def _words(text: str) -> set[str]:
    """The words of a name or description, lower case, possessives off, titles spelled out."""
    text = text.lower().replace("’", "'").replace("'s", "")
    return {_title(w) for w in re.findall(r"[a-z0-9][a-z0-9.-]*", text)} - {"the", "a", "an", "of", "and"}


def without_article(text: str) -> str:
    return re.sub(r"^(the|this|that|these|those|his|her|their|its)\s+", "", text, flags=re.I)


@lru_cache(maxsize=1 << 16)
def surname_match(a: str, b: str) -> bool:
    """'Zelenskiy' names the same person as 'Volodymyr Zelenskiy' within one article."""
    wa, wb = a.split(), b.split()
    capitalised = all(w[:1].isupper() for w in wa + wb)  # "Lee Seong-kweun" too
    if min(len(wa), len(wb)) != 1 or max(len(wa), len(wb)) > 4 or not capitalised:
        return False
    if same_speaker(wa[-1], PERSON, wb[-1], PERSON):
        return True
    # a hyphenated given name ("Lee Seong-kweun") follows the family name, which news uses alone
    full = wa if len(wa) > 1 else wb
    lone = wb if len(wa) > 1 else wa
    return "-" in full[-1] and full[-1].split("-")[-1].islower() and lone[0] == full[0]
