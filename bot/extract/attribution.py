"""Find who said what in a parsed article: the speech forms news uses, read off the dependency parse.

Forms: "X said (that) ...", "..., X said", "..., said X", "X told AP ...", "according to X, ...",
"X wrote on Telegram ...", "..., citing X" (X relayed it), 'X: "..."', and quotations that run over
several sentences. Speakers come back as written (pronouns included); `claims.py` resolves them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from bot.extract.speakers import (
    ANONYMOUS,
    ORGANISATION,
    TITLE_WORDS,
    Name,
    is_human_noun,
    name_of,
    name_of_span,
    span_text,
)
from bot.lexicon import CONTINUING_VERBS, INSTITUTIONS, NEEDS_PARTICLE, REPORTING_VERBS

#: Verbs that report speech or a stated estimate (lemmas; the parser sometimes leaves a form unlemmatised).
SPEECH_LEMMAS = REPORTING_VERBS | {"told", "says"}

#: Verbs that are speech only with a clause, a quotation or a complement after them: "signalled it would
#: cut", "called the result 'disappointing'", "called on voters to ...", "maintained that ...".
CLAUSE_ONLY = frozenset("signal call maintain conclude regret notify appeal add assess continue".split())

#: Verbs that state a count or a measure when a number follows: "had recorded 6,815 refugees", "counted two
#: dozen cases", "downgraded the magnitude to 5.7", "pegged it at 5.6".
COUNTING_VERBS = frozenset("record count register tally log measure downgrade upgrade revise peg".split())
#: What a side records on the field is a result, not a statement: "recorded a 3-1 win".
RESULTS = frozenset("win victory defeat draw loss goal point time lap score".split())

#: Audiences that relay nothing: "told reporters".
GENERIC_AUDIENCE = frozenset(
    """
    reporters journalists press media lawmakers parliament audience crowd
    """.split()
)

#: Nouns that only carry what someone else said: "citing information from X", "data compiled by X".
CARRIER_NOUNS = frozenset(
    """
    information report reports data figures statement statements words sources poll polls survey
    surveys study studies analysis estimate estimates tally count statistics research calculations
    records documents assessment projections forecast results findings
    """.split()
)

#: "Speaking at a rally on Thursday, she said": participles that set the occasion, and so its date.
OCCASION_VERBS = frozenset("speak talk address appear testify brief write post".split())

#: Speech verbs that go on with what the same speaker said just before.
CONTINUING_LEMMAS = CONTINUING_VERBS

#: Verbs whose subject is a news organisation passing on what its source said.
RELAY_VERBS = frozenset({"report"})

OPEN_QUOTES = "\u201c\u2018"
CLOSE_QUOTES = "\u201d\u2019"


@dataclass(frozen=True)
class Attribution:
    """One act of speech in the text; offsets are character positions in the document."""

    speaker: Name
    verb: str
    unit: tuple[int, int]  # the sentence(s) that carry it
    content: tuple[int, int]  # what was said
    verb_at: int  # where the speech verb (or its stand-in) is
    relayed_by: str | None = None
    quoted: bool = False
    frame: tuple[tuple[int, int], ...] = ()  # where "when it was said" may stand: "said on Jan. 4"
    continues: bool = False  # "X added", "X also said": more of what X said just before
    present: bool = False  # "X says", "X estimates": a standing view, not the act of one day


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of quotations (quote marks included), never crossing a paragraph break. A
    paragraph that opens a quotation and never closes it is quoted to its end (so is one opened after a
    colon): news leaves the closing mark off when the quotation goes on in the next paragraph."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    paragraph = 0
    for i, ch in enumerate(text):
        if ch == "\n":
            if start is not None and (
                not text[paragraph:start].strip() or text[:start].rstrip().endswith(":")
            ):
                spans.append(
                    (start, len(text[:i].rstrip()))
                )  # or one opened after a colon: 'X told them: "...
            start = None
            paragraph = i + 1
        elif ch == '"':
            if start is None:
                start = i
            else:
                spans.append((start, i + 1))
                start = None
        elif ch == "\u201c":
            start = i
        elif ch == "\u201d" and start is not None:
            spans.append((start, i + 1))
            start = None
    return spans


def _units(doc: Doc, quotes: list[tuple[int, int]]) -> Iterator[Span]:
    """Sentences, joined where one quotation runs across them."""
    sents = list(doc.sents)
    i = 0
    while i < len(sents):
        start = sents[i].start
        end_char = sents[i].end_char
        j = i
        for qs, qe in quotes:
            if sents[i].start_char <= qs < end_char < qe:
                end_char = qe
        while j + 1 < len(sents) and sents[j].end_char < end_char:
            j += 1
        # a quotation closed at the start of the next sentence ("... ." he said.) belongs with it
        yield doc[start : sents[j].end]
        i = j + 1


def _in_quote(tok: Token, quotes: list[tuple[int, int]]) -> bool:
    return any(qs < tok.idx < qe - 1 for qs, qe in quotes)


def _subject(verb: Token) -> Token | None:
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    if len(subjects) > 1 and subjects[0].lower_ in TITLE_WORDS:
        return subjects[-1]  # "Minister for Ports and Harbour Board Anil Rao said": the parser split the name
    for child in verb.children:
        relative = child.lower_ in ("that", "which", "who", "it") and child.pos_ != "PROPN"  # not "the WHO"
        if child.dep_ in ("nsubj", "expl") and not relative:
            return child
        if child.dep_ == "nsubj" and child.lower_ == "it":
            return child
    # "X said ... and added ...", "X said ..., adding: ..." share the subject of the verb they hang on
    if verb.dep_ in ("conj", "advcl", "xcomp") and verb.head != verb and verb.head.pos_ in ("VERB", "AUX"):
        return _subject(verb.head)
    if _relative_speech(verb):  # "Mayor X, who said he opposed ..., broke the tie": the mayor said it
        return verb.head
    quoted = _quoted_as_saying(verb)
    return quoted[0] if quoted else None


def _aside(verb: Token) -> bool:
    """A clause the parser hung on a noun that is really set in commas: "The EU, the ministry continued,
    is ..." (a subject of its own, no "who" or "which")."""
    if verb.dep_ != "relcl":
        return False
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    doc = verb.doc
    return (
        subject is not None
        and subject.lower_ not in ("who", "which", "that")
        and subject.left_edge.i > 0
        and doc[subject.left_edge.i - 1].text == ","
        and verb.right_edge.i + 1 < len(doc)
        and "," in (doc[verb.right_edge.i].text, doc[verb.right_edge.i + 1].text)
    )


def _named_in_clause(verb: Token) -> bool:
    """ "the south-west, where the Met Office said 40 mm could fall": speech by a named subject inside a
    relative clause is a claim of that subject."""
    return (
        verb.dep_ == "relcl"
        and any(c.dep_ == "nsubj" and c.pos_ == "PROPN" for c in verb.children)
        and any(c.dep_ == "ccomp" for c in verb.children)
    )


def _relative_speech(verb: Token) -> bool:
    """A speech verb in a relative clause whose 'who' is the one speaking."""
    return verb.dep_ == "relcl" and any(
        c.dep_ == "nsubj" and c.lower_ in ("who", "which", "that") for c in verb.children
    )


def _quoted_as_saying(verb: Token) -> tuple[Token, Token | None] | None:
    """ "The agency quoted the governor as saying ...", "the governor was quoted by the agency as saying":
    the governor spoke; the agency passed it on."""
    prep = verb.head
    if verb.dep_ != "pcomp" or prep.lower_ != "as" or prep.head.lemma_ not in ("quote", "cite"):
        return None
    quoting = prep.head
    spoke = next((c for c in quoting.children if c.dep_ == "dobj"), None)
    if spoke is None:  # "X was quoted (by Reuters) as saying ...": the passive's subject spoke
        spoke = next((c for c in quoting.children if c.dep_ == "nsubjpass"), None)
        agent = next((c for c in quoting.children if c.dep_ == "agent"), None)
        relay = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
        return (spoke, relay) if spoke is not None else None
    return spoke, next((c for c in quoting.children if c.dep_ == "nsubj"), None)


NEGATORS = frozenset("neither nor no none nobody".split())


def _negated(subject: Token) -> bool:
    """A subject that denies there is a speaker: "neither Moscow nor Pyongyang", "no official"."""
    return subject.lower_ in NEGATORS or any(
        t.lower_ in NEGATORS and t.i < subject.i for t in subject.subtree
    )


def _trailing_subject(unit: Span, verb: Token) -> Span | None:
    """The phrase between the last comma and a trailing verb: '..., the Associated Press (AP) reported'."""
    j = verb.i - 1
    while (
        j >= unit.start
        and unit.doc[j].text not in (",", '"', "\u201d", ";", ":")
        and unit.doc[j].pos_
        not in (
            "VERB",
            "AUX",
        )
    ):
        j -= 1
    if j < unit.start or j == verb.i - 1 or unit.doc[j].pos_ in ("VERB", "AUX"):
        return None
    return unit.doc[j + 1 : verb.i]


def _citing(verb: Token) -> Token | None:
    """The 'citing' of '..., citing a senior official', wherever the parser hung it under the verb."""
    near = [c for c in verb.children if c.lemma_ == "cite" and c.pos_ == "VERB"]
    anywhere = [t for t in verb.subtree if t.lemma_ == "cite" and t.pos_ == "VERB" and t.tag_ == "VBG"]
    found = near or anywhere
    return found[0] if found else None


def _cited_object(verb: Token) -> Token | None:
    citing = _citing(verb)
    if citing is None:
        return None
    obj = next((o for o in citing.children if o.dep_ in ("dobj", "pobj", "attr")), None)
    return _through_carrier(obj) if obj is not None else None


def _cited(verb: Token) -> str | None:
    """Who a speaker cites: '..., citing a senior official', 'citing information from X'."""
    obj = _cited_object(verb)
    return _np_text(obj) if obj is not None else None


#: Carriers that are only someone's words when someone is named: "media reports said" is no source, "a UN
#: report said" and "police reports said" are the UN's and the police's.
REPORT_NOUNS = frozenset({"report", "reports"})

#: Verbs by which a source makes its data or findings public.
PUBLISHING_VERBS = frozenset("release publish issue present unveil post".split())


def _through_carrier(tok: Token) -> Token:
    """'information from X', 'an exit poll by X', 'data compiled by X': X, whose words they are."""
    if tok.lower_ in CARRIER_NOUNS:
        owner = next((c for c in tok.children if c.dep_ == "poss"), None)
        if owner is not None and owner.pos_ != "PRON":  # "the ministry's statement said"
            return owner
        for prep in (c for c in tok.children if c.dep_ in ("prep", "acl")):
            for obj in prep.subtree:  # "data from X", "results announced by X"; not a clause's "by"
                if obj.dep_ == "pobj" and obj.head.lower_ in ("from", "by") and obj.head.head in (tok, prep):
                    return obj
                if obj.dep_ == "pobj" and obj.head.lower_ == "of" and obj.pos_ == "PROPN":
                    return obj
                if obj.dep_ == "pobj" and obj.head.lower_ == "on" and obj.head.head == tok:
                    # "information on the Cal Fire website": the website's owner
                    owner_name = [
                        c for c in obj.children if c.dep_ in ("compound", "poss") and c.pos_ == "PROPN"
                    ]
                    if owner_name:
                        return owner_name[0]
        named = [c for c in tok.children if c.dep_ == "compound" and c.pos_ == "PROPN"]
        if named and tok.lower_ not in REPORT_NOUNS:  # "Nordvik Statistics Bureau data": the bureau's
            return named[-1]
        publisher = tok.head if tok.dep_ == "dobj" and tok.head.lemma_ in PUBLISHING_VERBS else None
        if publisher is not None:  # "X released the results, which suggest ...": X's results
            return next((c for c in publisher.children if c.dep_ == "nsubj"), owner or tok)
        if owner is not None:  # "its figures showed": whoever "it" is
            return owner
    return tok


def _np_text(tok: Token) -> str:
    name = name_of(tok)
    if name is not None and not name.is_reference:
        return name.text
    left = min(t.i for t in tok.subtree if t.i <= tok.i and t.dep_ not in ("punct",))
    text = tok.doc[left : tok.i + 1].text
    return re.sub(r"^(the|a|an|his|her|their|its)\s+", "", text, flags=re.I)


def _according_to(unit: Span) -> tuple[Token, Token] | None:
    """The 'according' token and the head of its object, when the unit has 'according to X'."""
    for tok in unit:
        if tok.lower_ == "according" and tok.i + 1 < unit.end and tok.doc[tok.i + 1].lower_ == "to":
            to = tok.doc[tok.i + 1]
            for obj in to.children:
                if obj.dep_ == "pobj" and not _of_no_one(obj, _through_carrier(obj)):
                    return tok, _through_carrier(obj)
            if not any(c.dep_ == "pobj" for c in to.children):
                # the parser lost the object ("according to G.M. spokesman Alan Adler, ..."): the last name
                # before the comma
                phrase = []
                for t in tok.doc[to.i + 1 : unit.end]:
                    if t.is_punct and t.text != ".":
                        break
                    phrase.append(t)
                names = [t for t in phrase if t.pos_ == "PROPN"]
                if names and len(phrase) <= _LOST_OBJECT:
                    return tok, names[-1]
    return None


_LOST_OBJECT = 8  # words after "according to" that may still be the source whose object the parser lost


def _of_no_one(carrier: Token, source: Token) -> bool:
    """'media reports', 'earlier reports': reports whose source is not named ("a UN report", "police
    reports" and "reports by Reuters" name theirs)."""
    named = any(
        c.dep_ == "compound" and (c.pos_ == "PROPN" or c.lower_ in INSTITUTIONS) for c in carrier.children
    )
    return source is carrier and carrier.lower_ in REPORT_NOUNS and not named


def _frame(
    unit: Span, verb: Token, content: tuple[int, int], others: list[tuple[int, int]]
) -> tuple[tuple[int, int], ...]:
    """The attribution around what was said, less participle tails ("..., referring to the meeting on
    January 9"), which speak of other times, and less what other verbs of the sentence said."""
    holes = sorted(
        [content, *others]
        + [
            _chars(c)
            for c in verb.children
            if c.dep_ in ("advcl", "xcomp", "conj") and c.tag_ == "VBG" and c.lemma_ not in OCCASION_VERBS
        ]
    )
    spans, at = [], unit.start_char
    for start, end in holes:
        if start > at:
            spans.append((at, start))
        at = max(at, end)
    if at < unit.end_char:
        spans.append((at, unit.end_char))
    return tuple(spans)


def _chars(tok: Token) -> tuple[int, int]:
    """Character span of a token's whole subtree."""
    left, right = tok.left_edge, tok.right_edge
    return left.idx, right.idx + len(right.text)


def _span_chars(tokens: list[Token]) -> tuple[int, int]:
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def _strip_content(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Trim punctuation, a leading 'that' and an unmatched quote from a content span."""
    text = doc.text
    changed = True
    while changed and start < end:
        changed = False
        while start < end and text[start] in " ,;:\u2014-\n":
            start += 1
            changed = True
        while end > start and text[end - 1] in " ,;:\u2014-\n":
            end -= 1
            changed = True
        if text[start : start + 5].lower() == "that ":
            start += 5
            changed = True
        dangling = re.search(r"\s(?:and|but|or|while|whereas|as)$", text[start:end], re.IGNORECASE)
        if dangling:  # "... were in the dark and [Tampa Electric said ...]": the joint goes with the cut
            end = start + dangling.start()
            changed = True
    segment = text[start:end]
    if segment.count('"') % 2 == 1:
        # a quotation that closes just past the clause ('... was "a vote of confidence."') keeps its mark
        closing = re.match(r'[.!?,]?"', text[end : end + 2])
        if closing and not segment.startswith('"'):
            end += closing.end()
        elif segment.startswith('"'):
            start += 1
        elif segment.endswith('"'):
            end -= 1
    return start, end


def _content(
    unit: Span, verb: Token, subject: Token | Span | None, quotes: list[tuple[int, int]]
) -> tuple[tuple[int, int], bool] | None:
    """Character span of what was said, and whether it is a direct quotation."""
    doc = unit.doc
    unit_quotes = [(qs, qe) for qs, qe in quotes if unit.start_char <= qs and qe <= unit.end_char]
    if verb.lemma_ in APPEALS or (
        verb.lemma_ == "tell" and any(c.dep_ == "xcomp" for c in verb.children)
    ):  # "urged residents to stay home", "told people to stay vigilant"
        return _appeal(doc, verb)
    clause = next((c for c in verb.children if c.dep_ in ("ccomp", "parataxis") and not _adverbial(c)), None)
    if verb.lemma_ == "make" and clause is not None and clause.lower_ == "clear":
        # "made clear that X": what was made clear is the that-clause, not "clear"
        clause = next((c for c in clause.children if c.dep_ in ("csubj", "ccomp")), clause)
    if clause is not None and clause.i < verb.i:
        left = min(t.i for t in clause.subtree)
        right = max(t.i for t in clause.subtree)
        if clause.dep_ == "parataxis" or any(
            qs <= doc[left].idx and doc[right].idx < qe for qs, qe in unit_quotes
        ):
            clause = clause if not unit_quotes else None
    if clause is not None:
        toks = sorted(clause.subtree, key=lambda t: t.i)
        while len(toks) > 1 and toks[-1].i < verb.i and toks[-1].lower_.rstrip(".") in TITLE_WORDS:
            toks = toks[:-1]  # "..., Capt. John Reed said": the parser hung the title on the words said
        if verb.lemma_ == "make":  # "made (it) clear (that) X": X
            clear = [i for i, t in enumerate(toks) if t.lower_ == "clear"]
            toks = toks[clear[0] + 1 :] if clear else toks
            toks = toks[1:] if toks and toks[0].lower_ == "that" else toks
        if clause.i > verb.i:
            # the parser may split one clause in two ("said the troops deployed there were targets"): what
            # was said runs to the end of the last clause hung on the verb
            more = [
                c
                for c in verb.children
                if c.dep_ == "ccomp" and c.i > clause.i and not _adverbial(c) and not _is_speech(c)
                and not any(g.dep_ in ("nsubj", "nsubjpass", "expl") for g in c.children)
            ]  # fmt: skip
            if more:
                through = max(t.i for c in more for t in c.subtree)
                toks = [doc[i] for i in range(toks[0].i, through + 1)]
        if (
            clause.i > verb.i
            and verb.lemma_ != "tell"
            and not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in clause.children)
        ):
            # "said North Korean soldiers, ..., had suffered": the parser may hang the clause's subject on
            # the speech verb
            split = [c for c in verb.children if c.dep_ in ("dobj", "attr") and verb.i < c.i < toks[0].i]
            if split:
                toks = [doc[i] for i in range(split[0].left_edge.i, toks[-1].i + 1)]
        if clause.i > verb.i:
            toks = _after_preamble(clause, toks)
        start, end = _span_chars(toks)
        end = _before_relay(doc, start, end)
        lead = start  # the clause may take along the colon and the opening mark: 'told them: "...'
        while lead < end and doc.text[lead] in ' :,"\u201c':
            lead += 1
        inside = [q for q in unit_quotes if q[0] <= lead and end - 1 <= q[1]]
        if inside:
            qs, qe = inside[0]
            return (qs + 1, qe - 1), True
        if clause.i < verb.i:
            start = min(start, unit.start_char)
        return _strip_content(doc, start, end), False
    if any(c.dep_ == "dobj" and c.lower_ in ("it", "this", "that") for c in verb.children):
        return None  # "acknowledged it on Monday, telling X that ...": what was said is elsewhere
    outside = [q for q in unit_quotes if not (q[0] < verb.idx < q[1])]
    # what was said as the verb's object ("described X as Y", "put the toll at 40"); who was told is not it
    has_object = verb.lemma_ != "tell" and any(
        c.dep_ in ("dobj", "attr") and not _in_quote(c, quotes) for c in verb.children
    )
    if outside and not has_object:
        # the longest quoted stretch next to the speech verb is what was said, if it says something
        joined = [q for q in outside if q[1] - q[0] > 12] or outside
        start, end = joined[0][0] + 1, joined[-1][1] - 1
        if _has_substance(doc, (start, end)):
            return (start, end), True
    if has_object and verb.lemma_ not in ("say", "tell"):
        return _with_object(doc, verb), False
    subj_left = subject.left_edge.i if isinstance(subject, Token) else (subject.start if subject else verb.i)
    while subj_left > unit.start + 1 and doc[subj_left - 1].lower_.rstrip(".") in TITLE_WORDS:
        subj_left -= 1  # "..., Capt. John Reed said": the title the parser left out is no part of the words
    if subj_left > unit.start + 2 and verb.i > subj_left and not has_object:
        # "..., X said in a statement": what precedes the attribution
        return _strip_content(doc, unit.start_char, doc[subj_left].idx), False
    after = [t for t in unit if t.i > verb.i and not t.is_punct]
    if not after:
        return None
    start = verb.idx if verb.lemma_ == "put" else after[0].idx  # "put the toll at 40" reads whole
    audience = [c for c in verb.children if c.dep_ in ("dobj", "dative") and c.i > verb.i]
    if verb.lemma_ == "tell" and audience:  # "told investors on a call that ...": not who, but what
        last = audience[0].right_edge
        start = last.idx + len(last.text)
    while start < unit.end_char and doc.text[start] in " ,":
        start += 1
    preamble = PREAMBLE.match(doc.text, start, unit.end_char)  # "said in a statement that ..."
    if preamble:
        start = preamble.end()
    return _strip_content(doc, start, _before_relay(doc, start, unit.end_char)), False


#: Conjunctions that make a clause say when or why, not what: "after the council approved it, she said".
ADVERBIAL_MARKS = frozenset(
    "after before when while as because since although though if once until unless".split()
)


def _adverbial(clause: Token) -> bool:
    return any(c.dep_ == "mark" and c.lower_ in ADVERBIAL_MARKS for c in clause.children)


#: Verbs that ask someone to act: what was said is the act asked for, "urged residents to stay home".
APPEALS = frozenset({"urge", "call", "appeal"})


def _appeal(doc: Doc, verb: Token) -> tuple[tuple[int, int], bool] | None:
    """'called on China to use its influence': from after the verb to the end of the act asked for."""
    act = [c for c in verb.children if c.dep_ in ("xcomp", "ccomp", "oprd", "dobj", "prep") and c.i > verb.i]
    if not act:
        return None
    end = max(t.i for c in act for t in c.subtree)
    return _strip_content(doc, verb.idx, doc[end].idx + len(doc[end].text)), False


def _is_time(tok: Token) -> bool:
    """An adverbial of time hung on the verb: "on Thursday", "last week", "late on Wednesday"; not a
    phrase that merely holds a date ("as the worst in 30 years")."""
    if tok.dep_ == "prep":
        return any(c.dep_ == "pobj" and c.ent_type_ in ("DATE", "TIME") for c in tok.children)
    return tok.dep_ in ("npadvmod", "advmod") and tok.ent_type_ in ("DATE", "TIME")


def _with_object(doc: Doc, verb: Token) -> tuple[int, int]:
    """ "confirmed 19 deaths", "called the losses significant", "put the toll at 40": what was said reads
    whole with its verb, and stops before the verb's own adverbials of time, which belong to the frame."""
    parts = [
        c
        for c in verb.children
        if c.i > verb.i and c.dep_ not in ("punct", "cc", "conj", "advcl") and not _is_time(c)
    ]
    if not parts:
        return _strip_content(doc, verb.idx, verb.idx + len(verb.text))
    end = max(t.i for c in parts for t in c.subtree)
    if verb.lemma_ == "put":  # the estimate itself: "at more than 3,000", wherever the parser hung it
        end = max([end] + [t.right_edge.i for t in verb.subtree if t.lower_ == "at" and t.i > verb.i])
    return _strip_content(doc, verb.idx, doc[end].idx + len(doc[end].text))


def _after_preamble(clause: Token, toks: list[Token]) -> list[Token]:
    """Drop what the parser hung on the clause but belongs to the attribution: "said [in a statement]
    that ...", "said [on Friday] it expected ..."."""
    mark = next((c for c in clause.children if c.dep_ == "mark" and c.lower_ == "that"), None)
    if mark is not None:
        return [t for t in toks if t.i > mark.i]
    subject = next((c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass", "expl")), None)
    if subject is not None and toks and toks[0].pos_ == "ADP" and subject.left_edge.i > toks[0].i:
        return [t for t in toks if t.i >= subject.left_edge.i]
    return toks


PREAMBLE = re.compile(r"(?:in|on|at|during|after|before|via|through)\b[^,.;:\"“”]{0,60}?\bthat\s+", re.I)
RELAY_TAIL = re.compile(r",\s+(?:citing|according to)\s")


def _before_relay(doc: Doc, start: int, end: int) -> int:
    """What was said stops where the report names its source: '..., citing people familiar with it'."""
    found = RELAY_TAIL.search(doc.text, start, end)
    if found is None or len(doc.text[start : found.start()].split()) < 3:
        return end  # "that, according to the figures he had, no one was left": a source inside, not a tail
    return found.start()


def _has_substance(doc: Doc, span: tuple[int, int], *, quoted: bool = False) -> bool:
    """A statement must be about something: a noun or a number, not only 'this is significant'. A
    quotation of a whole clause or more counts too, pronouns and all: "they could be dead by now"."""
    piece = doc.char_span(span[0], span[1], alignment_mode="expand")
    if piece is None or not len(piece):
        return False
    quoted = quoted or piece[0].is_quote or doc.text[max(0, span[0] - 1) : span[0]] in ('"', "\u201c")
    if (
        quoted
        and sum(1 for t in piece if t.is_alpha) >= _QUOTED_WORDS
        and any(t.pos_ == "VERB" for t in piece)
    ):
        return True
    return any(t.pos_ in ("NOUN", "PROPN", "NUM") for t in piece)


_QUOTED_WORDS = 5  # words a quotation needs to stand as a statement without a noun


#: "put the toll at 40": the objects that make "put" an estimate.
ESTIMATE_OBJECTS = frozenset(
    """number toll figure total count tally cost damage estimate losses bill support turnout inflation growth
    unemployment share rate chance odds value""".split()
)


def _is_estimate(put: Token) -> bool:
    """'put' states an estimate when a number or a quotation follows what it puts: "put the toll at 40",
    "put them 'in the dozens'"; not "put the boxes on the shelf", "put the share higher"."""
    doc = put.doc
    if put.i + 1 < len(doc) and doc[put.i + 1].lower_ in ("in", "on", "off", "up", "out", "forward"):
        return False  # "put in", "put up": another verb
    for tok in put.subtree:  # "put X's dead and wounded in the region at more than 3,000"
        if tok.lower_ == "at" and tok.dep_ == "prep" and any(t.like_num for t in tok.subtree):
            return True
    for child in put.children:
        pronoun = child.dep_ == "dobj" and child.lower_ in ("them", "it") and child.i + 1 < len(doc)
        if pronoun and doc[child.i + 1].text in ('"', "\u201c"):
            return True
        if child.dep_ == "dobj" and child.lemma_.lower() in ESTIMATE_OBJECTS:
            return any(t.like_num for t in doc[put.i : put.sent.end])
    return False


def _is_speech(tok: Token) -> bool:
    if tok.pos_ not in ("VERB", "AUX"):
        return False
    lemma = tok.lemma_.lower()
    if lemma == "put":  # "put the toll at 40", "put the losses at about 4,000", "put them 'in the dozens'"
        return _is_estimate(tok)
    if lemma in CLAUSE_ONLY:
        return (
            tok.dep_ == "parataxis"
            or _aside(tok)
            or any(  # "The US, the ministry continued, is ..."
                c.dep_ in ("ccomp", "oprd", "xcomp", "parataxis")
                or (c.dep_ in ("prep", "prt") and c.lower_ in NEEDS_PARTICLE.get(lemma, ()))
                for c in tok.children
            )
        )
    if lemma in COUNTING_VERBS:  # "the agency had recorded 6,815 refugees", "downgraded it to 5.7"
        results = any(c.dep_ == "dobj" and c.lemma_.lower() in RESULTS for c in tok.children)
        reported = tok.dep_ in ("ccomp", "xcomp", "advcl", "relcl", "pcomp")  # inside someone's words
        numbers = any(t.like_num and t.ent_type_ != "DATE" for t in tok.subtree if t.i > tok.i)
        return numbers and not results and not reported
    if lemma == "hint":  # "has hinted that ...", "..., X has hinted", not "hinted at exemptions"
        alluded = any(c.dep_ == "prep" and c.lower_ == "at" for c in tok.children)
        return not alluded and any(
            c.dep_ == "ccomp" and (c.i < tok.i or any(m.lower_ == "that" for m in c.children))
            for c in tok.children
        )
    if lemma == "respond":  # "responded that ...", not "was responding to comments"
        return any(c.dep_ == "ccomp" for c in tok.children)
    if lemma == "make":  # "the court made clear that ...", "made it clear on Monday that ..."
        clear = any(t.lower_ == "clear" for t in tok.doc[tok.i + 1 : tok.i + 3])
        return (clear or any(c.lower_ == "clear" for c in tok.children)) and any(
            c.dep_ == "ccomp" for c in tok.children
        )
    return lemma in SPEECH_LEMMAS


def _speech_verbs(unit: Span, quotes: list[tuple[int, int]]) -> list[Token]:
    verbs = []
    quoted = any(unit.start_char <= qs and qe <= unit.end_char for qs, qe in quotes)
    for tok in unit:
        # '"We are ready," she added.': a clause-only verb beside a quotation has its clause
        if not _is_speech(tok) and not (quoted and tok.lemma_ in CLAUSE_ONLY and tok.lemma_ != "call"):
            continue
        clause = tok.dep_ in ("amod", "acl", "relcl") and not (
            _relative_speech(tok) or _aside(tok) or _named_in_clause(tok)
        )
        if clause or _in_quote(tok, quotes):
            continue
        if any(c.dep_ in ("auxpass", "nsubjpass", "neg") or c.lower_ == "never" for c in tok.children):
            continue  # "was reported", "did not say", "has never confirmed"
        if tok.dep_ == "xcomp" and tok.head.lemma_ in ("decline", "refuse", "fail", "want", "plan"):
            continue  # "declined to say": nothing was said
        verbs.append(tok)
    return verbs


def find_attributions(doc: Doc) -> list[Attribution]:
    """Every attributed statement in a parsed article, in reading order."""
    quotes = quote_spans(doc.text)
    found: list[Attribution] = []
    last: Attribution | None = None
    # the quotation-only paragraphs just read: a signature after them ('...," Jane Roe - Chief Officer.')
    # names their speaker, whoever spoke before them
    chain: list[tuple[Span, int | None]] = []
    for unit in _units(doc, quotes):
        here = list(_unit_attributions(unit, quotes))
        if not here:
            signed = _signature(unit, quotes, after_quotation=bool(chain))
            if signed is not None:
                found = _signed_chain(found, chain, signed[0])
                here = [signed[1]] if signed[1] is not None else []
                chain = []
        if here:
            found.extend(here)
            last = here[-1]
            chain = []
            continue
        quoted = _only_quotation(unit, quotes)
        if last is not None and quoted is not None:
            # '"A," she said. "B."' and a quoted paragraph after an attributed one: the same speaker
            last = Attribution(
                last.speaker, QUOTE_GOES_ON, (unit.start_char, unit.end_char), quoted, unit.start_char,
                last.relayed_by, True, (), continues=True,
            )  # fmt: skip
            found.append(last)
            chain.append((unit, len(found) - 1))
        else:
            last = None
            chain = [(unit, None)] if quoted is not None else []
    return found


#: The verb of a quotation signed by its speaker, with no verb at all.
SIGNED = "signed"
_SIGNER = (
    r"""(?P<name>[A-Z][\w.'\u2019 -]*?)(?:\s*[-\u2013\u2014,]\s*(?P<role>[A-Za-z][\w.' -]*?))?\s*\.?\s*$"""
)
_SIGNATURE = re.compile(r"""[,.!?]?["\u201d]\s*,?\s*[-\u2013\u2014]?\s*""" + _SIGNER)
_SIGNATURE_ALONE = re.compile(r"\s*[-\u2013\u2014]\s*" + _SIGNER)


def _signature(
    unit: Span, quotes: list[tuple[int, int]], *, after_quotation: bool = False
) -> tuple[Name, Attribution | None] | None:
    """A quotation signed by its speaker, after the closing mark and with no verb: '"...," Jane Roe -
    Chief Officer.', or a line of its own after a quotation: '- Jane Roe'. Only a name the parser takes
    for a person or an organisation, and only the last thing in the paragraph."""
    doc, text = unit.doc, unit.doc.text
    found = _SIGNATURE.search(text, unit.start_char, unit.end_char)
    alone = (
        None if found or not after_quotation else _SIGNATURE_ALONE.match(text, unit.start_char, unit.end_char)
    )
    found = found or alone
    if found is None or not found.group("name").strip():
        return None
    span = doc.char_span(found.start("name"), found.end("name"), alignment_mode="expand")
    if span is None or any(t.pos_ in ("VERB", "AUX") for t in span) or span[0].pos_ != "PROPN":
        return None
    name = name_of_span(span)
    if name is None or name.is_reference or name.kind == ANONYMOUS:
        return None
    name = replace(name, text=name.text.lstrip("-\u2013\u2014 "))  # the parser may take the dash along
    role = found.group("role")
    if role:
        name = replace(name, role=role.strip().lower())
    if alone is not None:
        return name, None
    opened = [qs for qs, qe in quotes if unit.start_char <= qs and qe <= found.start("name")]
    start = opened[-1] + 1 if opened else unit.start_char
    content = _strip_content(doc, start, found.start())
    if content[1] <= content[0]:
        return None
    unit_span = (unit.start_char, unit.end_char)
    frame = ((found.start("name"), unit.end_char),)
    return name, Attribution(name, SIGNED, unit_span, content, found.start("name"), None, True, frame)


def _signed_chain(
    found: list[Attribution], chain: list[tuple[Span, int | None]], name: Name
) -> list[Attribution]:
    """The quotation-only paragraphs before a signature are the signer's: re-attributed if they were
    taken for the previous speaker's, added if no one was taken to have said them."""
    found = list(found)
    for unit, at in chain:
        quoted = _only_quotation(unit, quote_spans(unit.doc.text)) or (unit.start_char, unit.end_char)
        signed = Attribution(
            name, SIGNED, (unit.start_char, unit.end_char), quoted, unit.start_char, None, True
        )
        if at is None:
            found.append(signed)
        else:
            found[at] = signed
    return found


#: The verb of an attribution that only carries on the quotation before it.
QUOTE_GOES_ON = "quote"


def _only_quotation(unit: Span, quotes: list[tuple[int, int]]) -> tuple[int, int] | None:
    """What a sentence or paragraph quotes when it is nothing but a quotation, else None."""
    text = unit.doc.text
    inside = [(qs, qe) for qs, qe in quotes if unit.start_char <= qs and qe <= unit.end_char + 1]
    if not inside:
        return None
    start, end = inside[0][0], inside[-1][1]
    outside = text[unit.start_char : start] + text[end : unit.end_char]
    if re.search(r"\w", outside):
        return None
    close = end - 1 if text[end - 1 : end] in '"\u201d' else end
    return start + 1, close


def _unit_attributions(unit: Span, quotes: list[tuple[int, int]]) -> Iterator[Attribution]:
    doc = unit.doc
    unit_span = (unit.start_char, unit.end_char)
    according = _according_to(unit)
    verbs = _speech_verbs(unit, quotes)
    seen_content: list[tuple[int, int]] = []
    found_here: list[Attribution] = []
    for verb in verbs:
        inside = [i for i, (start, end) in enumerate(seen_content) if start <= verb.idx < end]
        contrast = _contrast(verb)
        if inside and contrast is None:
            continue  # "X said ..., though he acknowledged ...": part of what X said
        if inside and contrast is not None:
            # "X said 1,200, while the Red Cross put the number at 1,500": two speakers, two claims
            i = inside[0]
            cut = _strip_content(doc, seen_content[i][0], contrast.left_edge.idx)
            seen_content[i] = cut
            found_here[i] = replace(found_here[i], content=cut)
        subject: Token | Span | None = _subject(verb)
        if isinstance(subject, Token) and subject.lower_ in CARRIER_NOUNS:
            carrier = subject
            subject = _through_carrier(subject)  # "data from the statistics office showed": the office
            if _of_no_one(carrier, subject):
                # "media reports said, citing officials": the officials; reports of no one are no one
                subject = _cited_object(verb)
                if subject is None:
                    continue
        elif verb.lemma_ in ("show", "find"):
            continue  # only what a named source's data shows is attributed
        if isinstance(subject, Token) and _negated(subject):
            continue  # "Neither X nor Y has confirmed ...", "No official said ...": nobody said it
        speaker = name_of(subject) if isinstance(subject, Token) else None
        if speaker is None:
            subject = _trailing_subject(unit, verb)
            speaker = name_of_span(subject) if subject is not None else None
        if speaker is None:
            continue
        relayed = _cited(verb)
        quoted_by = _quoted_as_saying(verb)
        if quoted_by and quoted_by[1] is not None:
            relayed = _np_text(quoted_by[1])
        if verb.lemma_ == "tell":
            for obj in verb.children:
                told = name_of(obj) if obj.dep_ in ("dobj", "dative") and obj.pos_ == "PROPN" else None
                if told is not None and told.kind == ORGANISATION and obj.lower_ not in GENERIC_AUDIENCE:
                    relayed = told.text  # "told Reuters": the outlet passed it on; "told Putin": no relay
        if according is not None:
            relayed = relayed or _np_text(according[1])
        if verb.lemma_ in RELAY_VERBS and speaker.kind == ORGANISATION and relayed:
            # "AP reported ..., citing a senior official": the official said it, AP relayed it
            cited = _cited_object(verb)
            inner = name_of(cited) if cited is not None else None
            if inner is not None and not inner.is_reference:
                speaker, relayed = inner, speaker.text
        briefer = _briefed_by(verb) if speaker.kind != ORGANISATION else None
        if briefer is not None:
            # "X said after a closed-door briefing by the agency": the agency's words, X passed them on
            speaker, relayed = briefer, speaker.text
        aside = _parenthetical(unit, verb)
        found = (_strip_content(doc, unit.start_char, unit.end_char), False) if aside else None
        found = found or _content(unit, verb, subject, quotes)
        if found is None:
            continue
        content, quoted = found
        reporting = verb.lemma_ in RELAY_VERBS  # "The Post reported that two arbitrators had said ..."
        assessed = None if quoted else _inner_source(doc, content, any_source=reporting)
        if assessed is not None and (speaker.kind != ORGANISATION or reporting):
            # "The agency now believes 2,000 died, lawmaker X said": the agency's view, X passed it on
            speaker, relayed, content = assessed[0], speaker.text, assessed[1]
        if (
            content in seen_content
            or not _has_substance(doc, content, quoted=quoted)
            or _tells_of_speech(doc, content)
        ):
            continue
        seen_content.append(content)
        frame = (aside,) if aside else _frame(unit, verb, content, seen_content[:-1])
        continues = verb.lemma_ in CONTINUING_LEMMAS or any(c.lower_ == "also" for c in verb.children)
        present = verb.tag_ in ("VBZ", "VBP")
        found_here.append(
            Attribution(
                speaker, verb.lemma_, unit_span, content, verb.idx, relayed, quoted, frame, continues, present
            )
        )
    yield from found_here
    if not verbs:
        yield from _colon_quote(unit, quotes)
    if according is not None and not any(a.content[0] <= according[0].idx < a.content[1] for a in found_here):
        # "..., according to X, who called it ...": X's claim is the sentence, whatever else X did
        taken = [a.content for a in found_here]
        for att in _according_only(unit, according):
            if not any(s < att.content[1] and att.content[0] < e for s, e in taken):
                yield att


#: Verbs by which an organisation states a view that someone else then passes on.
ASSESSMENT_VERBS = frozenset("believe estimate assess say tell report conclude calculate".split())


def _inner_source(
    doc: Doc, content: tuple[int, int], *, any_source: bool = False
) -> tuple[Name, tuple[int, int]] | None:
    """An organisation's assessment that is all of what was said: "[the agency now believes that 2,000
    died]"; when a news outlet reports it (`any_source`), any named or described source's words. Returns
    the source and what it said."""
    span = doc.char_span(content[0], content[1], alignment_mode="expand")
    if span is None:
        return None
    root = span.root
    if root.lemma_ not in ASSESSMENT_VERBS or root.pos_ != "VERB":
        return None
    subject = next((c for c in root.children if c.dep_ == "nsubj"), None)
    clause = next((c for c in root.children if c.dep_ == "ccomp"), None)
    if subject is None or clause is None or subject.ent_type_ in ("GPE", "NORP"):
        return None  # "X said Russia believes ...": a country's view as X tells it stays X's claim
    name = name_of(subject) or _counted_source(subject)
    if name is None or name.is_reference or not (any_source or name.kind == ORGANISATION):
        return None
    return name, _strip_content(doc, clause.left_edge.idx, content[1])


#: "He made the remarks at a briefing, the agency reported": words about a speech, not the speech.
SPEECH_NOUNS = frozenset("remark comment statement speech announcement claim".split())


def _tells_of_speech(doc: Doc, content: tuple[int, int]) -> bool:
    span = doc.char_span(content[0], content[1], alignment_mode="expand")
    if span is None:
        return False
    root = span.root
    return root.lemma_ in ("make", "give", "deliver") and any(
        c.dep_ == "dobj" and c.lemma_.lower() in SPEECH_NOUNS for c in root.children
    )


#: Occasions on which one body briefs others, who then speak of what they were told.
BRIEFINGS = frozenset("briefing session meeting hearing".split())


def _briefed_by(verb: Token) -> Name | None:
    """The organisation that briefed the speaker: "said after a closed-door session with the agency"."""
    for prep in verb.children:
        if prep.dep_ != "prep" or prep.lower_ not in ("after", "following"):
            continue
        for occasion in prep.children:
            if occasion.dep_ != "pobj" or occasion.lemma_.lower() not in BRIEFINGS:
                continue
            for by in occasion.children:
                body = next((c for c in by.children if c.dep_ == "pobj"), None)
                if by.dep_ == "prep" and by.lower_ in ("with", "by", "from") and body is not None:
                    name = name_of(body)
                    if name is not None and name.kind == ORGANISATION and not name.is_reference:
                        return name
    return None


def _counted_source(subject: Token) -> Name | None:
    """ "two of the three judges": some of a described group, a source of its own."""
    if subject.pos_ != "NUM":
        return None
    group = next(
        (t for t in subject.subtree if t.dep_ == "pobj" and (is_human_noun(t) or t.lemma_ in TITLE_WORDS)),
        None,
    )
    if group is None:
        return None
    return Name(span_text(sorted(subject.subtree, key=lambda t: t.i)), ANONYMOUS, head=group.lower_)


def _parenthetical(unit: Span, verb: Token) -> tuple[int, int] | None:
    """ "Waiting longer, she said, would cost more": the attribution set in commas inside what was said.
    Its span is the frame; what was said is the sentence around it."""
    doc = unit.doc
    if verb.dep_ == "ROOT":
        # the parser may make the aside the root: "[Waiting longer], she said on Monday, [would cost more]"
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        clause = next((c for c in verb.children if c.dep_ == "ccomp" and c.i > verb.i), None)
        if subject is None or clause is None or any(c.dep_ in ("nsubj", "expl") for c in clause.children):
            return None
        left, right = subject.left_edge.i - 1, clause.left_edge.i - 1
        if left <= unit.start or doc[left].text != "," or doc[right].text != ",":
            return None
        return doc[left].idx, doc[right].idx + 1
    if not (verb.dep_ == "parataxis" or _aside(verb)) or verb.head.i == verb.i:
        return None
    if not unit.start < verb.left_edge.i:
        return None
    left, right = verb.left_edge.i, verb.right_edge.i
    left = left if doc[left].text == "," else left - 1
    right = right if doc[right].text == "," else right + 1
    if left < unit.start or right + 1 >= unit.end or doc[left].text != "," or doc[right].text != ",":
        return None
    if not any(t.is_alpha for t in doc[right + 1 : unit.end]) or not any(t.is_alpha for t in doc[:left]):
        return None
    return doc[left].idx, doc[right].idx + 1


def _contrast(verb: Token) -> Token | None:
    """The clause of a second speaker set against the first: '..., while the Red Cross put it at 1,500'."""
    for clause in (verb, *verb.ancestors):
        if clause.dep_ in ("advcl", "conj") and any(
            c.lower_ in ("while", "whereas", "but", "although", "though")
            for c in clause.children
            if c.dep_ in ("mark", "cc")
        ):
            subject = _subject(verb)
            return clause if subject is not None and subject.pos_ in ("PROPN", "NOUN", "PRON") else None
        if clause.lemma_ in SPEECH_LEMMAS and clause is not verb:
            break
    # "X said 300 were hit and Y said 40": a named second speaker after "and" has words of their own
    subject = _subject(verb)
    if subject is None or subject.pos_ != "PROPN" or subject.left_edge.i == 0:
        return None
    joint = verb.doc[subject.left_edge.i - 1]
    return joint if joint.lower_ in ("and", "but", "while", "whereas") and joint.i > verb.doc[0].i else None


def _according_only(unit: Span, according: tuple[Token, Token]) -> Iterator[Attribution]:
    """'..., according to X.' with no speech verb: X is the speaker of the rest of the sentence."""
    acc, obj = according
    speaker = name_of(obj)
    if speaker is None:
        return
    phrase = sorted(acc.subtree, key=lambda t: t.i)
    last = max(phrase[-1], obj, key=lambda t: t.i)  # the source, even where the parser lost it
    left, right = phrase[0].idx, last.idx + len(last.text)
    doc = unit.doc
    if left - unit.start_char > unit.end_char - right:
        content = _strip_content(doc, unit.start_char, left)
    else:
        content = _strip_content(doc, right, unit.end_char)
    if _has_substance(doc, content):
        frame = (_chars(acc),)
        yield Attribution(
            speaker, "according", (unit.start_char, unit.end_char), content, acc.idx, frame=frame
        )


def _colon_quote(unit: Span, quotes: list[tuple[int, int]]) -> Iterator[Attribution]:
    """'President Jane Doe: "We will rebuild."' names the speaker before a colon."""
    for tok in unit:
        if tok.text != ":" or _in_quote(tok, quotes):
            continue
        before = unit.doc[unit.start : tok.i]
        after = [q for q in quotes if tok.idx < q[0] <= tok.idx + 3 and q[1] <= unit.end_char]
        if not after or not len(before) or any(t.pos_ in ("VERB", "AUX") for t in before):
            return
        speaker = name_of_span(before)
        if speaker is not None and not speaker.is_reference:
            qs, qe = after[0]
            frame = ((before.start_char, before.end_char),)
            unit_span = (unit.start_char, unit.end_char)
            yield Attribution(speaker, "colon", unit_span, (qs + 1, qe - 1), tok.idx, None, True, frame)
        return
