"""Who is speaking: a canonical name for a subject phrase, and whether two names are one speaker.

News names one speaker many ways ("Ukrainian President Volodymyr Zelensky", "Zelenskiy", "the president").
Titles and descriptions are stripped by word tables; spellings are joined by name structure plus rapidfuzz
similarity, never by a list of known people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from rapidfuzz import fuzz
from spacy.tokens import Span, Token

from bot.lexicon import COMPANY_WORDS, HONORIFICS, ORG_WORDS, PORTFOLIOS, TITLE_WORDS
from bot.names import same_given_names

PERSON, ORGANISATION, ANONYMOUS = "person", "organisation", "anonymous"


#: Head nouns that describe an unnamed source ("a senior official", "local officials", "sources").
ANONYMOUS_HEADS = frozenset(
    """
    official officials source sources spokesperson spokesman spokeswoman representative
    representatives diplomat diplomats officer officers analyst analysts expert experts person
    people aide aides insider insiders observer observers resident residents witness witnesses
    executive executives economist economists lawmaker lawmakers investigator investigators
    researcher researchers authorities authority assessment assessments estimate estimates
    intelligence report reports
    """.split()
)

PRONOUNS = frozenset(
    """

    he she they it we i him her them his hers their its

    """.split()
)
PERSON_PRONOUNS = frozenset(
    """
    he she him her his hers
    """.split()
)


@dataclass(frozen=True)
class Name:
    """A speaker as named in one sentence."""

    text: str
    kind: str
    titles: tuple[str, ...] = ()
    head: str = ""
    fallback_kind: str | None = None  # a description that stands on its own when nothing earlier fits
    role: str = ""  # how the text described a person: "central bank governor", "chief economist at Nordbank"

    @property
    def is_reference(self) -> bool:
        """A pronoun or a bare description ("the president") that must be resolved to someone named."""
        return self.kind == "reference"


def span_text(tokens: list[Token]) -> str:
    """The words as they stand in the text ("RFE/RL", "Russia's"), not re-joined with spaces."""
    if not tokens:
        return ""
    return tokens[0].doc[tokens[0].i : tokens[-1].i + 1].text


def _clean(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" ,;:\"'“”‘’")
    return re.sub(r"\s*\(\s*", " (", text).replace(" )", ")")


#: Words that join the parts of one name: "Rolls-Royce", "Florida Power & Light", "Banco do Brasil".
NAME_JOINS = frozenset("- & do da de di du del della dos das van von der of".split())


def _propn_run(tokens: list[Token], head: Token) -> list[Token]:
    """The proper-noun words that end at head: "White House spokesperson John Kirby" -> John Kirby."""
    if head not in tokens:
        return []
    end = tokens.index(head)
    start = end
    while start > 0:
        prev = tokens[start - 1]
        joined = prev.text in NAME_JOINS and start > 1 and tokens[start - 2].pos_ == "PROPN"
        if prev.pos_ == "PROPN" or joined:  # "Florida Power & Light", "Rolls-Royce"
            start -= 1
            continue
        break
    return tokens[start : end + 1]


def _strip_titles(tokens: list[Token]) -> tuple[list[Token], list[str]]:
    """Drop leading titles, nationalities and possessors, but never the name's own head word."""
    titles = []
    while (
        len(tokens) > 1
        and not (tokens[0].ent_type_ == "ORG" and tokens[0].ent_iob_ == "B")
        and (
            tokens[0].lower_ in TITLE_WORDS
            or tokens[0].text in "-'s"
            or tokens[0].ent_type_ in ("GPE", "NORP")
            or tokens[0].dep_ == "poss"
        )
    ):
        if tokens[0].lower_ in TITLE_WORDS:
            titles.append(tokens[0].lower_)
        tokens = tokens[1:]
    # "Fire Chief Ana Lind", "Harbour Board Chairman Tom Hale": a title after the words of what it heads
    last = max(
        (k for k, t in enumerate(tokens[:-2]) if t.lower_ in TITLE_WORDS and t.lower_ not in ORG_WORDS),
        default=None,
    )
    if last is not None and all(t.pos_ == "PROPN" for t in tokens[: last + 1]):
        titles.extend(t.lower_ for t in tokens[: last + 1] if t.lower_ in TITLE_WORDS)
        tokens = tokens[last + 1 :]
    return tokens, titles


def _np_tokens(head: Token) -> list[Token]:
    """The noun phrase of head without relative clauses, prepositional tails or appositions.

    Unnamed sources keep a describing tail ("people familiar with the matter") as it is all they have."""
    keep = {head}
    if head.pos_ == "NOUN":
        tail = [
            c
            for c in head.children
            if c.dep_ in ("amod", "acl") and c.i > head.i and c.tag_ != "VBG" and c.lemma_ not in NAMING_VERBS
        ]
        if head.lower_ in ANONYMOUS_HEADS:  # "a spokesperson for the airline"
            tail += [c for c in head.children if c.dep_ == "prep" and c.lower_ == "for" and c.i == head.i + 1]
        if tail:
            right = max(t.i for t in tail[0].subtree)
            return [head.doc[i] for i in range(_np_left(head), right + 1)]
    for child in head.children:
        if child.dep_ in ("compound", "amod", "nmod", "poss", "det", "nummod", "quantmod", "case") or (
            child.dep_ in ("cc", "conj") and child.i < head.i
        ):
            keep.update(child.subtree)
        elif child.dep_ == "punct" and child.text == "-" and child.i < head.i:
            keep.add(child)
    ordered = sorted(keep, key=lambda t: t.i)
    # the phrase is contiguous from its left edge up to head ...
    start, end = ordered[0].i, head.i
    if head.pos_ == "PROPN":
        # ... and, for a name, through "of/for" + a proper noun: "Institute for Public Affairs"
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ in ("of", "for") and child.i == end + 1:
                objs = [c for c in child.children if c.dep_ == "pobj" and c.pos_ == "PROPN"]
                if objs:
                    end = max(t.i for t in objs[0].subtree)
            # ... and through "&" inside one name: "Florida Power & Light"
            if child.dep_ == "cc" and child.text == "&" and child.i == end + 1:
                joined = [
                    c for c in head.children if c.dep_ == "conj" and c.pos_ == "PROPN" and c.i > child.i
                ]
                if joined:
                    end = joined[0].i
    doc = head.doc
    return [doc[i] for i in range(start, end + 1)]


#: "the agency, known as HUR", "a group called X": a second name, not a description of the speaker.
NAMING_VERBS = frozenset({"know", "call", "dub", "name"})


def _np_left(head: Token) -> int:
    left = head.i
    for child in head.children:
        if child.i < head.i and child.dep_ in (
            "compound",
            "amod",
            "nmod",
            "poss",
            "det",
            "nummod",
            "quantmod",
        ):
            left = min(left, child.left_edge.i)
    return left


def _untyped_name_word(tok: Token) -> bool:
    return tok.pos_ == "PROPN" and tok.ent_type_ in ("", "PERSON") and tok.lower_ not in TITLE_WORDS


def _person_in(tokens: list[Token]) -> list[Token]:
    """The last run of words tagged as a person, titles before it dropped: the tagger may tag a title
    ("Maj. Gen. Pat Ryder") as a person of its own."""
    runs: list[list[Token]] = []
    for i, tok in enumerate(tokens):
        if tok.ent_type_ == "PERSON":
            if i and tokens[i - 1].ent_type_ == "PERSON" and runs:
                runs[-1].append(tok)
            else:
                runs.append([tok])
    runs = [[t for t in run if t.lower_ not in TITLE_WORDS] for run in runs]
    runs = [run for run in runs if run]
    return runs[-1] if runs else []


#: Organisation words that are a newspaper's name only when written as one: "The Post", not "a post".
_TITLE_ONLY_WHEN_NAMED = frozenset("post times journal news press".split())

#: What a body issues and news quotes as if it spoke: "the release said" is the body that released it.
ISSUED_NOUNS = frozenset("statement release notice memo".split())

#: A web address written as a name: "flightaware.com", "poweroutage.us".
WEB_ADDRESS = re.compile(r"(?:[A-Za-z0-9-]+\.)+(?:com|org|net|gov|edu|us|uk|io|info|news|co)")


def name_of(head: Token) -> Name | None:
    """The canonical name of the speaker whose noun phrase is headed by head."""
    lower = head.lower_
    if head.pos_ == "PRON" or lower in PRONOUNS:
        return Name(lower, "reference", head=lower) if lower in PRONOUNS else None
    if WEB_ADDRESS.fullmatch(head.text):  # "according to poweroutage.us": a website speaks for its owner
        return Name(head.text, ORGANISATION, head=lower)
    # an apposition that names the person wins: "Ukraine's army chief, Oleksandr Syrskyi, said"; so does a
    # name that closes the phrase: "The company that runs the plant, GreenCycle Ltd, said"
    # a title written as a name ("The NDLEA Commander in the state, Umar Adoro,") is a description too
    titled_head = head.pos_ == "PROPN" and lower in TITLE_WORDS and lower not in ORG_WORDS
    if head.pos_ == "NOUN" or titled_head:
        phrase = [t for t in head.subtree if not t.is_punct]
        closing = [
            t
            for t in head.subtree
            if t.dep_ == "appos"
            and t.head != head
            and t.ent_type_ in ("ORG", "PERSON")
            and t.right_edge.i == phrase[-1].i
        ]
        for child in [c for c in head.children if c.dep_ == "appos"] + closing:
            # a title's name the tagger took for part of a body ("The Chairman of the X Commission Jane
            # Roe"): a name with no organisation word in it is the person the title names
            named_person = child.ent_type_ == "PERSON" or (
                child.ent_type_ == "ORG" and not any(t.lower_ in ORG_WORDS for t in _np_tokens(child))
            )
            if child.pos_ == "PROPN" and (not titled_head or named_person):
                inner = name_of(child)
                if inner is not None and titled_head and child.ent_type_ == "ORG":
                    inner = Name(_clean(span_text(_np_tokens(child))), PERSON, (), child.lower_)
                if inner is not None:
                    np = _np_tokens(head)
                    titles = tuple(t.lower_ for t in np if t.lower_ in TITLE_WORDS)
                    return replace(inner, titles=titles + inner.titles, role=_role(np) or inner.role)
    if titled_head:
        trailing = _name_after_title(head)
        if trailing is not None:
            return trailing
        described = _np_tokens(head)
        if (
            described[0].lower_ in DEFINITE
            and head.i == described[-1].i
            and not any(t.ent_type_ == "PERSON" for t in described)
        ):
            # "the ISRO Chairman", "the Governor": a title written with capitals, held by someone named before
            text = _clean(span_text(described[1:]))
            return Name(text, "reference", titles=(lower,), head=lower)
    tokens = _np_tokens(head)
    words = [t.lower_ for t in tokens]
    if head.pos_ == "PROPN":
        person = _person_in(tokens)
        if person and person[0] in tokens:  # the tagger may leave a first name out: "Per Olsen"
            first = tokens.index(person[0])
            while first > 0 and _untyped_name_word(tokens[first - 1]):
                first -= 1
                person = [tokens[first], *person]
        run = person or _propn_run(tokens, head)
        run, stripped = _strip_titles(run)
        titles_all = tuple(t.lower_ for t in tokens if t.lower_ in TITLE_WORDS)
        if not run or all(t.lower_ in TITLE_WORDS and t.lower_ not in ORG_WORDS for t in run):
            return None  # "Minister said": a title names no one
        # a title before the name ("Chancellor Olaf Scholz") makes it a person, whatever the tagger thought
        titled = any(t in TITLE_WORDS for t in stripped) and len(span_text(run).split()) <= 3
        is_org = head.ent_type_ in ("ORG", "NORP", "GPE", "FAC") and not person and not titled
        is_org = is_org or any(t.lower_ in ORG_WORDS for t in run) or len(span_text(run).split()) > 3
        is_org = is_org or (len(run) == 1 and run[0].text.isupper() and len(run[0].text) > 1)  # "WHO", "FIFA"
        if is_org:
            text = _org_text(tokens)
            return Name(text, ORGANISATION, titles_all, head.lower_)
        role = _role(tokens[: tokens.index(run[0])]) if run[0] in tokens else ""
        appos = [c for c in head.children if c.dep_ == "appos" and c.pos_ == "NOUN"]
        if appos:  # "Piotr Lindqvist, chief economist at Nordbank, said"
            role = _role(sorted(appos[0].subtree, key=lambda t: t.i)) or role
        for prep in (c for c in head.children if c.dep_ == "prep" and c.lower_ == "for"):
            body = next((o for o in prep.children if o.dep_ == "pobj"), None)
            if body is not None and (body.ent_type_ == "ORG" or body.lower_ in ORG_WORDS):
                # "Melissa Fleming for the UN refugee agency said": she speaks for it
                role = role or _clean(span_text(sorted(prep.subtree, key=lambda t: t.i))).lower()
        name = _clean(span_text(run))
        return Name(name, PERSON, titles_all or tuple(stripped), head.lower_, role=role)
    after_quote = head.i > 0 and head.doc[head.i - 1].text in ('"', "\u201d", "'", "\u2019")
    if head.pos_ in ("ADJ", "ADV", "VERB") and head.text.istitle() and head.dep_ == "nsubj" and after_quote:
        # '"...," Able says': a surname that is also a word; right after the quotation it can only be a name
        return Name(head.text, PERSON, head=lower)
    if head.pos_ != "NOUN":
        return None
    if _is_quantity(head):
        return None  # "some 2,000 residents", "dozens of workers": the subject of a figure, not a source
    determiner = next((c.lower_ for c in head.children if c.dep_ in ("det", "poss")), None)
    if lower in ISSUED_NOUNS and determiner in ("the", "its", "their"):
        # "the notice said", "the statement added": whoever issued it, named before
        return Name(lower, "reference", head=lower)
    represented = _speaking_for(head)
    if represented is not None:
        return represented
    lemma = head.lemma_.lower()  # "agencies", "ministries"
    # a person's role stays a person's whoever they serve: "a UN spokesman", "the company's chief"
    role_head = lower in ANONYMOUS_HEADS or (lower in TITLE_WORDS and lower not in ORG_WORDS)
    if lower in _TITLE_ONLY_WHEN_NAMED and head.text.islower():
        return None  # "a post on social media", "the news": a newspaper's name only when it is one
    org = (
        lower in ORG_WORDS
        or lemma in ORG_WORDS
        or lower in COMPANY_WORDS
        or (any(t.ent_type_ == "ORG" for t in tokens) and not role_head)
    )
    if not org and not is_human_noun(head):
        return None
    kind = ORGANISATION if org else ANONYMOUS
    text = _org_text(tokens) if org else _clean(span_text(tokens[1:] if tokens[0].dep_ == "det" else tokens))
    person_title = lower in TITLE_WORDS and lower not in ORG_WORDS
    of_body = _of_body(head) if person_title and not org else None
    if of_body is not None:
        # "the head of the port authority": a role at a named body, like "the authority's head"; the
        # article may name the holder later
        return Name(_clean(span_text([head, *of_body])).lower(), ANONYMOUS, head=lower)
    if words and words[0] in DEFINITE and not any(t.dep_ == "case" for t in tokens):
        # "the company", "the Austin-based company", "the Fed chief": someone named earlier; a role alone
        # never stands as a speaker
        fallback = None if person_title else kind
        return Name(text, "reference", head=lower, fallback_kind=fallback)
    if person_title and not org and len(tokens) == 1 and lower not in ANONYMOUS_HEADS:
        return None  # "Minister said": a bare role word names no one
    return Name(text, kind, head=lower)


def _of_body(head: Token) -> list[Token] | None:
    """The words of 'of/at the X' after a role when X is a body: "head of the port authority"."""
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ in ("of", "at") and prep.i == head.i + 1:
            body = next((o for o in prep.children if o.dep_ == "pobj"), None)
            if body is not None and (body.lower_ in ORG_WORDS or body.ent_type_ == "ORG"):
                return sorted(prep.subtree, key=lambda t: t.i)
    return None


def _is_quantity(head: Token) -> bool:
    """A counted crowd rather than a source: a number above a handful, or an approximate one."""
    for child in head.children:
        if child.dep_ == "nummod":
            if any(c.dep_ == "quantmod" for c in child.children) or child.lower_ in ("dozens", "hundreds"):
                return True
            digits = child.text.replace(",", "")
            if digits.isdigit() and int(digits) > 10:
                return True
            if child.lower_ in ("hundred", "thousand", "million", "dozen"):
                return True
        if child.dep_ in ("amod", "det") and child.lower_ in ("more", "fewer") and head.tag_ == "NNS":
            return True  # "more estate agents are reporting ...": a survey's count, not a source
    return head.lower_ in ("dozens", "hundreds", "thousands", "millions")


DEFINITE = frozenset(
    """


    the this that these those his her their its


    """.split()
)

#: Endings of nouns for people: monitors, economists, residents, physicians, protesters.
HUMAN_ENDINGS = ("er", "ers", "or", "ors", "ist", "ists", "ian", "ians", "ent", "ents", "ant", "ants")
HUMAN_NOUNS = frozenset(
    """
    member members person people staff police crew team panel
    """.split()
)


def is_human_noun(tok: Token) -> bool:
    """Whether a common noun can name who spoke: a role, a group of people, or a carrier of sources."""
    lower = tok.lower_
    if lower in ANONYMOUS_HEADS or lower in HUMAN_NOUNS or lower in TITLE_WORDS:
        return True
    return len(lower) > 5 and lower.endswith(HUMAN_ENDINGS) and lower not in NOT_HUMAN


#: Words with a people-like ending that are not people.
NOT_HUMAN = frozenset(
    """
    number numbers water weather winter summer border center centre quarter order matter letter
    paper power tower error sector factor actor meter metres meters percent payment payments
    investment government department statement agreement parliament element moment movement
    tournament document amount account event events comment comments incident incidents
    """.split()
)


def _speaking_for(head: Token) -> Name | None:
    """'Monitors from the Democracy Watch group', 'analysts at Nordbank': the organisation they speak for."""
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ in ("from", "at", "of", "with"):
            for obj in prep.children:
                if obj.dep_ == "pobj" and (
                    obj.pos_ == "PROPN" or any(c.pos_ == "PROPN" for c in obj.children)
                ):
                    inner = name_of(obj)
                    if inner is not None and inner.kind == ORGANISATION:
                        return inner
    return None


def _role(tokens: list[Token]) -> str:
    """A description of a person, lower case, when it names a role: 'Ukraine's army chief' -> 'army chief'."""
    while tokens and (tokens[0].dep_ in ("det", "poss", "case", "punct") or tokens[0].text in ("'s", "’s")):
        tokens = tokens[1:]
    while tokens and tokens[-1].is_punct:
        tokens = tokens[:-1]
    if not tokens or not any(t.lower_ in TITLE_WORDS or is_human_noun(t) for t in tokens):
        return ""
    if all(t.lower_.rstrip(".") in HONORIFICS for t in tokens):
        return ""  # "Mr.", "Shri": courtesy, not a role
    return _clean(span_text(tokens)).lower()


def _org_text(tokens: list[Token]) -> str:
    """An organisation keeps its possessor ("Russia's Defense Ministry") but not an article or a
    description before its name ("Russian newspaper Izvestia" -> "Izvestia"); a name the tagger found
    whole is kept whole, however the parser split it ("Banco do Brasil SA")."""
    whole = _entity_of(tokens[-1]) if tokens else None
    if whole is not None and len(whole) > len(tokens) and tokens[0].i >= whole.start:
        tokens = [t for t in whole if t.i <= tokens[-1].i or t.dep_ != "case"]
    for k in range(len(tokens) - 1, 0, -1):
        if (
            tokens[k].pos_ == "PROPN"
            and tokens[k].text[:1].isupper()
            and tokens[k - 1].pos_ == "NOUN"
            and tokens[k - 1].text.islower()
        ):
            tokens = tokens[k:]
            break
    while tokens and tokens[0].lower_ in ("the", "a", "an") and tokens[0].text.islower():
        tokens = tokens[1:]
    if tokens and tokens[0].lower_ in ("the", "a", "an") and tokens[0].i == tokens[0].sent.start:
        tokens = tokens[1:]
    return _clean(span_text(tokens))


def _name_after_title(head: Token) -> Name | None:
    """ "Minister for Tourism and Development Corporation K Ramachandran said": a long title whose name
    comes last, after the body the title is of."""
    for prep in head.children:
        if prep.dep_ != "prep" or prep.lower_ not in ("for", "of"):
            continue
        tail = sorted(prep.subtree, key=lambda t: t.i)
        cut = max((i for i, t in enumerate(tail) if t.lower_ in ORG_WORDS or t.pos_ != "PROPN"), default=-1)
        run = tail[cut + 1 :]
        while run and (
            run[0].lower_ in TITLE_WORDS
            or run[0].lower_ in PORTFOLIOS
            or (_person_in(run) and run[0].ent_type_ != "PERSON")
        ):
            cut += 1  # "Minister of Health Ana Silva", "Minister of Fisheries Ana Silva"
            run = run[1:]
        if 1 < len(run) <= 3 and run[-1].i == prep.right_edge.i:
            role = span_text([head, *tail[: cut + 1]]).lower()
            return Name(_clean(span_text(run)), PERSON, (head.lower_,), run[-1].lower_, role=role)
    return None


def _entity_of(tok: Token) -> Span | None:
    """The organisation entity a token is part of, if the tagger found one."""
    if tok.ent_type_ != "ORG":
        return None
    return next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)


def name_of_span(span: Span) -> Name | None:
    """Name for a phrase found by its surface, not its parse (e.g. a trailing "..., the Pentagon said")."""
    heads = [t for t in span if t.head not in span or t.head == t]
    if not heads:
        return None
    return name_of(heads[-1])


# --- one speaker across spellings -------------------------------------------------------------------------


#: Legal forms after a company's name: "Moderna Inc." is Moderna.
LEGAL_FORMS = re.compile(r"[,\s]+(?:inc|corp|corporation|co|ltd|llc|plc|sa|ag|nv|se|gmbh|spa|ab|asa)\.?$")


@lru_cache(maxsize=1 << 16)
def _norm(name: str) -> str:
    name = name.lower().replace("’", "'")
    name = re.sub(r"^the\s+", "", name)
    name = LEGAL_FORMS.sub("", name)
    name = re.sub(r"'s\b", "", name)
    name = re.sub(r"[^\w\s-]", " ", name)
    return " ".join(name.split())


def normalised(name: str) -> str:
    """A name as same_speaker compares it: lower case, no article, legal form, possessive or punctuation."""
    return _norm(name)


def _similar_word(a: str, b: str) -> bool:
    if a == b:
        return True
    if len(a) < 4 or len(b) < 4:
        return False
    return a[0] == b[0] and fuzz.ratio(a, b) >= 80


@lru_cache(maxsize=1 << 16)
def same_speaker(a: str, kind_a: str, b: str, kind_b: str) -> bool:
    """Whether two names are one speaker: "Zelenskiy" ~ "Volodymyr Zelensky", "Pentagon" ~ "the Pentagon"."""
    na, nb = _norm(a), _norm(b)
    if not na or not nb:
        return False  # a name with no letters left ("Inc.", ">") is no one to be the same as
    if na == nb:
        return True
    if PERSON not in (kind_a, kind_b):
        # organisations and unnamed sources: only near-identical names are one speaker
        return kind_a == kind_b == ORGANISATION and fuzz.token_sort_ratio(na, nb) >= 92
    if kind_a != kind_b:
        return False
    wa, wb = na.split(), nb.split()
    if not _similar_word(wa[-1], wb[-1]):
        return False
    if len(wa) > 1 and len(wb) > 1:
        return same_given_names(wa[:-1], wb[:-1])
    return True


def better_name(a: str, b: str) -> str:
    """The fuller of two spellings of one speaker: a full name beats a surname alone."""
    return b if len(b.split()) > len(a.split()) else a
