"""Understand a chat question: who it asks about, on what topic, and whether it looks up a number.

Pure and fast (regexes and small tables, no spaCy, no I/O): it runs on every message, so a reply never
waits for a model. Users type in their own words: lower case, typos, no question mark, extra words.

Frames recognised, tried in this order (the first that fits wins):

* ``according to X, Y`` / ``Y according to X`` / ``Y by X's count``: speaker X; Y is parsed on its own
  (only the frames that mark a speaker by syntax), and its speaker, if any, wins (X is then a relay).
* ``latest on Y`` / ``news about Y`` / ``what's new on Y`` / ``latest from X on Y`` / ``Y latest``: "latest".
* ``what about Y`` / ``what do you know about Y``: "bare" (the matcher decides whether Y is a speaker).
* ``who said S``: "figure" when S holds a number (the number leaves the topic), else "about", speaker None.
* ``did X say S``: "did", topic = the statement; ``did X say anything about Y`` is "about".
* ``how many Y [did X say ...]`` / ``what number of Y``: "about", wants_figures.
* ``X's claims on Y`` / ``X figures on Y`` / ``X's latest on Y``.
* ``what did X say/tell AP/claim/estimate about Y``, ``what has X said``, ``what is X saying``,
  ``what X said``, ``X say about Y``: the audience of "tell" is dropped.
* ``X: Y``, ``X on Y``, ``X about Y`` (X at most six words, and not a topic noun such as "attacks on").
* anything else is "bare": the whole phrase is the topic, speaker None.

Speakers lose leading titles and articles only ("President Zelensky" -> "zelensky", "the central bank
governor" -> "central bank governor"); a title alone stays ("the governor" -> "governor"); pronouns
("they", "anyone") give no speaker. Topics lose leading articles and trailing prepositions. A figure is
read with :func:`bot.extract.figures.parse_figures` (same values as stored claims; "3.8k", "two dozen"),
dates such as "december 23" excepted. Inputs longer than :data:`MAX_CHARS` characters are truncated to
that length before anything else, so a pasted article cannot slow the bot down; no input raises.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from bot.extract.figures import parse_figures
from bot.lexicon import REPORTING_FORMS, forms_of

MAX_CHARS = 500

ABOUT = "about"
BARE = "bare"
FIGURE = "figure"
LATEST = "latest"
DID = "did"


@dataclass(frozen=True)
class Question:
    """A question as understood: who it asks about, on what, and which number it looks up."""

    text: str  # the question as typed (truncated to MAX_CHARS), whitespace-normalised
    speaker: str | None  # lower case, leading titles and articles stripped
    topic: str | None  # lower case, question scaffolding removed
    figure: float | None  # a number the question looks up
    wants_figures: bool  # "how many", "what percentage", "X's figures on Y", ...
    kind: str  # about | bare | figure | latest | did
    title: str | None = None  # the title typed before the speaker: "speaker" in "speaker adams"
    versus: tuple[str, ...] = ()  # the other speakers of "X vs Y", cleaned like ``speaker``
    latest: bool = False  # "latest", "now", "most recent": the newest claim first
    names: tuple[str, ...] = ()  # words the asker capitalised mid-question: names, hard constraints
    guessed: bool = False  # the speaker is a guess from word order ("X on Y"): unknown, it is topic
    figure_unit: str | None = None  # what the looked-up number counts: "people" in "who said 18 people died"
    quoting: bool = False  # "who said S" without a number: S is what someone said, nearly word for word


@dataclass(frozen=True)
class _Parse:
    """A frame's reading before cleaning; ``strong`` frames mark the speaker by syntax, not by position."""

    speaker: str | None
    topic: str | None
    kind: str
    wants: bool = False
    who: bool = False  # "who said S": a number in S makes it a figure question
    strong: bool = True
    versus: tuple[str, ...] = ()


def _forms(*groups: str) -> frozenset[str]:
    return frozenset(w for g in groups for w in g.split())


# verbs of saying; CORE ones are trusted even without a "what"/"did" in front ("zelensky say about ...")
_CORE_SAY = _forms(
    "say says said saying sayin tell tells told telling claim claims claimed claiming",
)
_TELL = _forms("tell tells told telling")
_SAY = (
    _CORE_SAY
    | REPORTING_FORMS
    | forms_of({"mention", "think", "believe", "speak", "talk", "give", "cite", "publish", "release"})
    | _forms("forecasted")
)
_WHO_VERBS = _SAY | _forms("put puts")
# a verb word right after these is a noun: "the report", "the state department", "its post"
_DETERMINERS = _forms("the a an this that these those his her their its our my your latest new first last")
_AUX = _forms("did does do has have had is are was were will would could can")
_WH = _forms("what who whom which why when where how whose")
# prepositions that introduce a topic; the primary ones win over "on"/"of" when both appear
_PRIMARY_PREPS = _forms("about regarding concerning re")
_SECONDARY_PREPS = _forms("on of over")
_ON_SPLIT = _forms("on about regarding concerning re")
# words between a verb and its topic preposition that say nothing about the topic
_SKIPPABLE = _forms(
    "anything something much stuff publicly recently lately yesterday today tonight earlier so far ever",
    "exactly really actually just last this week month year in an interview on at the press media",
    "monday tuesday wednesday thursday friday saturday sunday morning evening night briefing",
    "now currently lately most recently",
)
# "attacks on kyiv", "sanctions on russia": a topic noun before "on", not a speaker
_TOPIC_NOUNS = _forms(
    "attack attacks strike strikes sanction sanctions tariff tariffs talks war ban tax taxes impact",
    "effect effects pressure restrictions limits cap vote deal agreement focus spending debate",
    "questions concerns worries data report reports information info details update updates news",
    "claims claim figures numbers statements comments views opinions advice pressure crackdown",
    "progress losses gains fighting offensive",
)
# leading titles, longest first; stripped only when words remain and the next is not part of a name
_TITLES: tuple[tuple[str, ...], ...] = tuple(
    sorted(
        (
            tuple(t.split())
            for t in (
                "prime minister|deputy prime minister|foreign minister|defense minister|defence minister|"
                "finance minister|interior minister|vice president|president|minister|general|gen.|gen|"
                "lt. gen.|lieutenant general|major general|maj. gen.|brigadier general|commander-in-chief|"
                "commander in chief|commander|mayor|governor|gov.|secretary|secretary of state|"
                "secretary of defense|secretary-general|secretary general|defense secretary|spokesperson|"
                "spokesman|spokeswoman|senator|sen.|chancellor|speaker|council speaker|house speaker|"
                "chief executive|ceo|chairman|chair|director|mr|mr.|mrs|mrs.|ms|ms.|dr|dr.|prof.|"
                "professor|captain|capt.|capt|colonel|col.|sergeant|sgt.|admiral|adm.|lieutenant|lt.|"
                "commissioner|inspector|superintendent|chief|judge|justice|ambassador|sir|dame"
            ).split("|")
        ),
        key=len,
        reverse=True,
    )
)
_ARTICLES = _forms("the a an not")
# after a title these make it part of an organisation's name: "general staff", "president of ukraine"
_KEEP_AFTER_TITLE = _forms(
    "staff assembly office council committee ministry department motors electric prosecutor court of",
)
# no speaker can be looked up from these
_NOT_SPEAKERS = _forms(
    "they he she it you we i anyone anybody someone somebody everyone everybody people one be been being",
    "what who which this that there",
)
_SPEAKER_TAIL = _forms("ever really actually also just not never recently publicly first originally even")
_TOPIC_LEAD = _forms("the a an that whether if of about on regarding re concerning for in at with")
_TOPIC_TAIL = _forms("to of at by in on about for and or with from the a an that regarding re as than")
_BARE_LEAD = _forms("about on regarding concerning re who what is are was were whats did does do has have")

# common slips in the question's own words; names pass through untouched
_TYPOS = {
    "wat": "what",
    "wht": "what",
    "waht": "what",
    "whta": "what",
    "wot": "what",
    "whats": "what is",
    "what's": "what is",
    "who's": "who is",
    "whos": "who is",
    "abut": "about",
    "abot": "about",
    "abou": "about",
    "abt": "about",
    "baout": "about",
    "aobut": "about",
    "abotu": "about",
    "aboout": "about",
    "bout": "about",
    "sya": "say",
    "siad": "said",
    "sayd": "said",
    "sayed": "said",
    "saied": "said",
    "acording": "according",
    "accordin": "according",
    "accoring": "according",
    "acccording": "according",
    "hw": "how",
    "mny": "many",
    "manny": "many",
    "meny": "many",
    "dd": "did",
    "ddi": "did",
    "didi": "did",
    "teh": "the",
    "hte": "the",
    "lastest": "latest",
    "latst": "latest",
    "didn't": "did not",
    "didnt": "did not",
    "doesn't": "does not",
    "doesnt": "does not",
    "hasn't": "has not",
    "hasnt": "has not",
    "haven't": "have not",
    "isn't": "is not",
    "wasn't": "was not",
}
_TYPO_RE = re.compile(r"(?<![\w'])(" + "|".join(re.escape(k) for k in _TYPOS) + r")(?![\w'])")

_APOSTROPHES = str.maketrans({c: "'" for c in "’‘`´ʼ′"})
_QUOTES_RE = re.compile(r"[\"“”„«»‹›]|(?<!\w)'|'(?![\w])(?<!s')")
_LEAD_FILLER_RE = re.compile(
    r"^(?:hey|hi|hello|yo|ok|okay|so|and|but|well|oh|um+|uh+|hm+|bot|claimbot|@\w+|/\w+(?:@\w+)?|please|"
    r"pls|plz|kindly|quick question|question|can you|could you|would you|will you|can u|could u|"
    r"i want to know|i'd like to know|i would like to know|i wonder|i was wondering|i'm wondering|"
    r"do you know|do u know|tell me|show me|give me|get me|let me know|look up|remind me|any idea|i need|"
    r"i want|just)(?![\w'])[\s,:;!.\-]*"
)
_TRAIL_FILLER_RE = re.compile(
    r"[\s,;:]*(?<![\w'])(?:please|pls|plz|thanks|thank you|thx|ty|again|lol|then|for me|bot)$"
)
_EDGE = " \t?!,;:\"'()[]{}<>*_~`…-–—/\\|#@^=+&"
_ABBREV_END_RE = re.compile(
    r"(?:(?<![\w.])(?:[a-z]\.){2,}|\b(?:gen|dr|mr|mrs|ms|inc|corp|co|ltd|jr|sr|st|lt|prof)\.)$"
)

_WANTS_RE = re.compile(
    r"\bhow (?:many|much|high|large|big|low|far|often|severe|bad)\b"
    r"|\b(?:what|which)(?: is| are| was| were)?(?: the)?(?: \w+)? "
    r"(?:numbers?|figures?|percentage|percent|share|proportion|toll|amount|total|tally|count|rate|level)\b"
    r"|\b(?:figures|numbers|tally|toll|percentage|estimates?)\b"
)
_HOW_RE = re.compile(
    r"^(?:how (?:many|much|high|large|big|low|far|often|severe|bad)"
    r"|what(?: is| are| was| were)?(?: the)? (?:numbers?|figures?|percentage|percent|share|proportion|toll|"
    r"death toll|casualty toll|amount|total|tally|count|estimates?|rate|level|size|scale)(?: of)?)"
    r"(?![\w'])(?P<rest>.*)$"
)
_LATEST_RE = re.compile(
    r"^(?P<pre>(?:(?:what is|what are|is there|are there|got|any|anything|the)\s+)*)"
    r"(?P<kw>latest|newest|most recent|news|updates?|new|recent)(?![\w'])"
    r"(?:\s+(?:news|updates?|claims?|statements?|figures|numbers|word|info|information|developments?))?"
    r"(?P<rest>(?:\s.*)?)$"
)
_LATEST_TAIL_RE = re.compile(r"^(?P<y>.+?)\s+(?:latest|latest news|updates|update)$")
_WHAT_ABOUT_RE = re.compile(
    r"^(?:(?:what|how) about|what do you (?:know|have) (?:about|on)|anything (?:on|about)|"
    r"everything (?:on|about)|info (?:on|about)|information (?:on|about)|more (?:on|about)|"
    r"details (?:on|about))\s+(?P<y>.+)$"
)
_LEAD_ACC_RE = re.compile(
    r"^according to\s+(?P<x>[^,]+?)\s*(?:,\s*(?P<y>.*)|\s+(?P<q>(?:how|what|who|did)\b.*))?$"
)
_TRAIL_ACC_RE = re.compile(r"[\s,]+according to\s+(?P<x>.+)$")
_COUNT_RE = re.compile(
    r"[\s,]+(?:by|in) (?P<x>.+?)(?:'s|') "
    r"(?:count|estimate|estimates|tally|account|reckoning|figures|numbers)$"
)
_POSS_NOUNS = (
    r"claims?|figures?|numbers?|estimates?|statements?|comments?|remarks?|views?|position|take|words|stance|"
    r"assessment|data|count|tally|forecasts?|predictions?|reports?|latest|opinion|line|response|reaction|"
    r"message|account|version|warnings?|quotes?"
)
_POSS_RE = re.compile(
    r"^(?:(?:what|which) (?:is|are|was|were) )?(?P<x>.+?)(?:'s|s'|')\s+(?P<n>" + _POSS_NOUNS + r")"
    r"(?:\s+(?:on|about|of|regarding|concerning|re|for|over)\s+(?P<y>.+))?$"
)
_NP_RE = re.compile(
    r"^(?P<x>.+?)\s+(?P<n>figures|numbers|claims|statements|estimates?|comments|remarks|quotes|assessment|"
    r"count|tally|forecast)\s+(?:on|about|regarding|concerning|re|for|of)\s+(?P<y>.+)$"
)
_FIGURE_NOUNS = _forms("figure figures number numbers estimate estimates count tally data")
_COLON_RE = re.compile(r"^(?P<x>[^:]+?)\s*:\s+(?P<y>.+)$")
_MONTHS = r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|" + (
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_RECENT_RE = re.compile(
    r"(?<![\w'])(?:latest|newest|most recent|most recently|last said|right now|now|currently|these days|"
    r"lately|today|this week)(?![\w'])"
)
_VERSUS_RE = re.compile(
    r"^(?:compare\s+)?(?P<a>.+?)\s+(?:vs\.?|versus|v\.|compared (?:to|with)|and)\s+(?P<b>.+?)"
    r"(?:\s+(?:on|about|over|regarding|concerning)\s+(?P<y>.+))?$"
)
# capitalised words that are no names: the words that open a question or stand for the asker
_NOT_NAMES = _forms("i what who how did does do is are was were the a an on about according to vs versus")
_DATE_RE = re.compile(
    rf"\b(?:(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?![,.]?\d)|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b)"
)


def parse_question(text: str) -> Question:
    """Read a typed question; never raises, and an unreadable one comes back "bare" with nothing in it."""
    shown = " ".join(text[:MAX_CHARS].split())
    s = _normalise(shown)
    if not any(ch.isalnum() for ch in s):
        return Question(shown, None, None, None, False, BARE)
    parsed = _parse(s, weak=True)
    speaker, title = _split_title(parsed.speaker)
    if speaker is None and parsed.speaker:
        speaker = _acronym(parsed.speaker, shown)  # "what did the WHO say": an acronym, not a pronoun
    versus = tuple(v for v in (_clean_speaker(x) for x in parsed.versus) if v)
    topic = _clean_topic(parsed.topic)
    figure, figure_text, figure_unit = _figure(topic)
    kind = parsed.kind
    if parsed.who:
        kind = FIGURE if figure is not None else ABOUT
        if figure is not None and topic is not None and figure_text:
            topic = _clean_topic(topic.replace(figure_text, " ", 1))
    if speaker is None and topic is None and figure is None and kind != LATEST:
        kind = BARE  # nothing to look up; a lone "latest" still asks for the newest claims
    wants = parsed.wants or bool(_WANTS_RE.search(s))
    latest = kind == LATEST or bool(_RECENT_RE.search(s))
    names = _capitalised(shown)
    return Question(
        shown,
        speaker,
        topic,
        figure,
        wants,
        kind,
        title,
        versus,
        latest,
        names,
        not parsed.strong,
        figure_unit if figure is not None else None,
        parsed.who and figure is None,
    )


def _acronym(raw: str, shown: str) -> str | None:
    """The speaker when the asker wrote it in capitals ("the WHO", "IT"), though in lower case it would be
    a question word or a pronoun."""
    words = [w for w in raw.split() if w not in _ARTICLES]
    if len(words) != 1:
        return None
    typed = [t.strip(_EDGE + ".") for t in shown.split()]
    return words[0] if any(t.lower() == words[0] and t.isupper() and len(t) > 1 for t in typed) else None


def _capitalised(shown: str) -> tuple[str, ...]:
    """Words written with a capital after the first word: the asker marked them as names.

    A question typed all in lower case, or all in capitals, marks nothing."""
    toks = [t.strip(_EDGE + ".") for t in shown.split()][1:]
    if shown.upper() == shown:
        return ()
    return tuple(t.lower() for t in toks if len(t) > 1 and t[0].isupper() and t.lower() not in _NOT_NAMES)


def _normalise(text: str) -> str:
    """Lower case, one kind of apostrophe, no quotes, scaffolding typos fixed, politeness stripped."""
    s = unicodedata.normalize("NFKC", text)[:MAX_CHARS]
    s = "".join(ch for ch in s if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    s = s.lower().translate(_APOSTROPHES)
    s = _QUOTES_RE.sub(" ", s)
    s = " ".join(s.split())
    s = _TYPO_RE.sub(lambda m: _TYPOS[m.group(1)], s)
    previous = None
    while previous != s:
        previous = s
        s = _strip_edges(s)
        s = _LEAD_FILLER_RE.sub("", s, count=1) or s  # "please" alone stays a (bare) question
        s = _TRAIL_FILLER_RE.sub("", s) or s
    if not _LEAD_FILLER_RE.sub("", s) or not _TRAIL_FILLER_RE.sub("", s):
        return ""  # politeness alone: "please", "hi", "thanks"
    return s


def _strip_edges(s: str) -> str:
    """Punctuation off both ends, but the dot of "u.s." or "gen." stays."""
    while True:
        t = s.strip(_EDGE).lstrip(".")
        if t.endswith(".") and not _ABBREV_END_RE.search(t):
            t = t[:-1]
        if t == s:
            return s
        s = t


def _parse(s: str, weak: bool) -> _Parse:
    """The first frame that fits; ``weak`` allows the frames that guess the speaker from word order."""
    strong_frames = (_latest, _what_about, _who, _did, _how_many, _possessive, _what_say)
    frames = (_according, _versus, *strong_frames, _colon, _on_about) if weak else strong_frames
    for frame in frames:
        parsed = frame(s)
        if parsed is not None:
            return parsed
    return _bare(s)


def _words(s: str) -> tuple[list[str], list[str]]:
    toks = s.split()
    return toks, [t.strip(_EDGE) for t in toks]


def _find_verb(words: list[str], start: int, verbs: frozenset[str]) -> int | None:
    """Index of the first verb of saying at or after ``start`` that is not a noun after a determiner.

    After a possessive it is a noun too ("zelensky's report said"), unless no other verb is left
    ("what did moody's estimate").
    """
    after_possessive = None
    for i in range(start, len(words)):
        if words[i] in verbs:
            prev = words[i - 1] if i > 0 else ""
            if prev in _DETERMINERS:
                continue
            if prev.endswith("'s"):
                after_possessive = i if after_possessive is None else after_possessive
                continue
            return i
    return after_possessive


def _index(words: list[str], wanted: frozenset[str], start: int = 0) -> int | None:
    return next((i for i in range(start, len(words)) if words[i] in wanted), None)


def _after_verb(toks: list[str], words: list[str], v: int) -> tuple[str | None, bool]:
    """The topic after a verb of saying, and whether a topic preposition introduced it.

    "tell AP about Y" -> Y (the audience goes); "say on monday about Y" -> Y; "say russia lost" -> the
    statement itself.
    """
    rest_t, rest_w = toks[v + 1 :], words[v + 1 :]
    if not rest_t:
        return None, True
    tell = words[v] in _TELL
    prep = _index(rest_w, _PRIMARY_PREPS)
    if prep is None:
        prep = _index(rest_w, _SECONDARY_PREPS)
    if tell:
        that = _index(rest_w, frozenset({"that"}))
        if that is not None and that <= 5 and (prep is None or that < prep):
            return " ".join(rest_t[that + 1 :]), False
        if prep is None:
            return None, True  # all audience: "what did the official tell ap"
        return " ".join(rest_t[prep + 1 :]), True
    if prep is not None:
        before = rest_w[:prep]
        to_audience = bool(before) and before[0] == "to" and len(before) <= 4
        if to_audience or all(w in _SKIPPABLE for w in before):
            return " ".join(rest_t[prep + 1 :]), True
    return " ".join(rest_t), False


def _according(s: str) -> _Parse | None:
    """ "according to X, Y" and "Y according to X": X speaks unless Y names its own speaker."""
    lead = _LEAD_ACC_RE.match(s)
    if lead:
        x, y = lead.group("x"), lead.group("y") or lead.group("q") or ""
    else:
        m = _TRAIL_ACC_RE.search(s) or _COUNT_RE.search(s)
        if m is None or m.start() == 0:
            return None
        x, y = m.group("x"), s[: m.start()]
        if "," in x:
            x, tail = x.split(",", 1)
            y = f"{y} {tail}"
    inner = _parse(y.strip(), weak=False) if y.strip() else _Parse(None, None, ABOUT)
    kind = ABOUT if inner.kind == BARE else inner.kind
    return replace(inner, speaker=inner.speaker or x, kind=kind)


def _latest(s: str) -> _Parse | None:
    m = _LATEST_RE.match(s)
    if m is None:
        tail = _LATEST_TAIL_RE.match(s)
        if tail and tail.group("y").split()[0] not in _WH | _AUX:
            return _Parse(None, tail.group("y"), LATEST)
        return None
    pre = m.group("pre")
    if m.group("kw") in ("new", "recent") and not re.search(r"\b(?:what|any|anything|is there|got)\b", pre):
        return None  # "new york mayor on rents" is no request for news
    toks, words = _words(m.group("rest"))
    if words and words[0] == "from":
        prep = _index(words, _ON_SPLIT, 1)
        if prep is None:
            return _Parse(" ".join(toks[1:]), None, LATEST)
        return _Parse(" ".join(toks[1:prep]), " ".join(toks[prep + 1 :]), LATEST)
    if words and words[0] in _ON_SPLIT | _forms("for with in of over to"):
        toks = toks[1:]
    return _Parse(None, " ".join(toks) or None, LATEST)


def _what_about(s: str) -> _Parse | None:
    m = _WHAT_ABOUT_RE.match(s)
    return _Parse(None, m.group("y"), BARE) if m else None


def _who(s: str) -> _Parse | None:
    """ "who said S": the figure and kind are settled once the topic is clean."""
    toks, words = _words(s)
    if len(words) < 2 or words[0] != "who":
        return None
    i = 1
    while i < len(words) and words[i] in _AUX | _forms(
        "else actually really also ever originally exactly first"
    ):
        i += 1
    if i >= len(words) or words[i] not in _WHO_VERBS:
        return None
    topic, _ = _after_verb(toks, words, i)
    if topic and topic.split()[0].strip(_EDGE) in ("what", "that"):
        topic = " ".join(topic.split()[1:])
        t_toks, t_words = _words(topic)
        if t_words and t_words[0] in _ON_SPLIT:
            topic = " ".join(t_toks[1:])
    return _Parse(None, topic, ABOUT, who=True)


def _did(s: str) -> _Parse | None:
    """ "did X say S": the statement is the topic; "did X say anything about Y" asks about Y."""
    toks, words = _words(s)
    start = 1 if words and words[0] in ("why", "when", "where") else 0
    if len(words) < start + 3 or words[start] not in _AUX - {"will", "would", "could", "can"}:
        return None
    v = _find_verb(words, start + 2, _SAY)
    if v is None or v - start - 1 > 8:
        return None
    speaker = " ".join(toks[start + 1 : v])
    topic, introduced = _after_verb(toks, words, v)
    if topic is None:
        return _Parse(speaker, None, ABOUT)
    return _Parse(speaker, topic, ABOUT if introduced else DID)


def _how_many(s: str) -> _Parse | None:
    """ "how many Y [did X say ...]": X speaks if a verb of saying follows it, else the question has none."""
    m = _HOW_RE.match(s)
    if m is None:
        return None
    toks, words = _words(m.group("rest"))
    for j, word in enumerate(words):
        if word in _AUX - {"is", "are", "was", "were"}:
            v = _find_verb(words, j + 2, _SAY)
            if v is not None and v - j - 1 <= 6:
                after, _ = _after_verb(toks, words, v)
                topic = " ".join([*toks[:j], after or ""])
                return _Parse(" ".join(toks[j + 1 : v]), topic, ABOUT, wants=True)
    while words and words[0] in _AUX:
        toks, words = toks[1:], words[1:]
    return _Parse(None, " ".join(toks) or None, ABOUT, wants=True)


def _possessive(s: str) -> _Parse | None:
    """ "X's claims on Y", "X figures on Y", "X's latest on Y"."""
    m = _POSS_RE.match(s)
    if m is None:
        m = _NP_RE.match(s)
        if m is None or len(m.group("x").split()) > 5 or m.group("x").split()[0] in _WH | _AUX:
            return None
    if len(m.group("x").split()) > 6 or m.group("x").split()[0] in _WH | _AUX:
        return None
    noun = m.group("n")
    return _Parse(
        m.group("x"),
        m.group("y"),
        LATEST if noun == "latest" else ABOUT,
        wants=noun in _FIGURE_NOUNS,
        strong="'" in s[m.end("x") : m.start("n")],  # without the possessive it is word order only
    )


def _what_say(s: str) -> _Parse | None:
    """ "what did X say about Y", "what is X saying on Y", "tell me what X said", "X say about Y"."""
    toks, words = _words(s)
    i = 0
    asked = words[0] == "what"
    if asked:
        i = 1
        while i < len(words) and words[i] in _AUX | _forms("else exactly precisely"):
            i += 1
    v = _find_verb(words, i, _SAY if asked else _CORE_SAY)
    if v is None or v - i > 8:
        return None
    if not asked and not (1 <= v <= 6 and not set(words[:v]) & (_WH | _AUX | _ON_SPLIT)):
        return None  # "kirby on what putin said" is no "X said"
    x = toks[i:v]
    if len(x) >= 2 and [w.strip(_EDGE) for w in x[-2:]] in (["have", "to"], ["had", "to"]):
        x = x[:-2]  # "what did X have to say about Y"
    topic, _ = _after_verb(toks, words, v)
    if topic:
        topic = _TRAIL_ACC_RE.sub("", topic)  # "... according to AP": the outlet that relayed it
    return _Parse(" ".join(x) or None, topic, ABOUT)


def _versus(s: str) -> _Parse | None:
    """ "X vs Y [on Z]", "compare X and Y on Z": both speak, side by side; "and" only after "compare"."""
    m = _VERSUS_RE.match(s)
    if m is None:
        return None
    a, b = m.group("a"), m.group("b")
    joined_by_and = re.search(r"\sand\s", s[m.end("a") : m.start("b") + 1]) is not None
    if joined_by_and and not s.startswith("compare "):
        return None
    if len(a.split()) > 4 or len(b.split()) > 4 or a.split()[0] in _WH | _AUX:
        return None
    return _Parse(a, m.group("y"), ABOUT, versus=(b,))


def _colon(s: str) -> _Parse | None:
    m = _COLON_RE.match(s)
    if m is None:
        return None
    x = m.group("x").split()
    if x[0] in _ON_SPLIT:
        return _Parse(None, m.group("y"), BARE)
    if len(x) > 6 or x[0] in _WH | _AUX:
        return None
    return _Parse(m.group("x"), m.group("y"), ABOUT, strong=False)


def _on_about(s: str) -> _Parse | None:
    """ "X on Y" / "X about Y": X is a guess from word order, so short and not a topic noun."""
    toks, words = _words(s)
    k = _index(words, _ON_SPLIT, 1)
    if k is None or k > 6 or k + 1 >= len(toks):
        return None
    if words[0] in _WH | _AUX or words[k - 1] in _TOPIC_NOUNS:
        return None
    return _Parse(" ".join(toks[:k]), " ".join(toks[k + 1 :]), ABOUT, strong=False)


def _bare(s: str) -> _Parse:
    toks, words = _words(s)
    while words and words[0] in _BARE_LEAD:
        toks, words = toks[1:], words[1:]
    return _Parse(None, " ".join(toks) or None, BARE)


def _clean_speaker(raw: str | None) -> str | None:
    return _split_title(raw)[0]


def _split_title(raw: str | None) -> tuple[str | None, str | None]:
    """Titles and articles off the front ("president zelensky" -> "zelensky", "president"); pronouns are
    no speaker. The title is kept apart: it picks between namesakes ("speaker adams", "mayor adams")."""
    if not raw:
        return None, None
    toks = [t for t in _strip_edges(raw).split() if t.strip(_EDGE)]
    while toks and toks[-1] in _SPEAKER_TAIL:
        toks.pop()
    stripped = True
    titles: list[str] = []
    while stripped:
        stripped = False
        if len(toks) > 1 and toks[0] in _ARTICLES:
            toks = toks[1:]
            stripped = True
            continue
        for title in _TITLES:
            n = len(title)
            if tuple(toks[:n]) == title and len(toks) > n and toks[n] not in _KEEP_AFTER_TITLE:
                toks = toks[n:]
                titles.append(" ".join(title).rstrip("."))
                stripped = True
                break
    name = _strip_edges(" ".join(toks))
    if not name or name in _NOT_SPEAKERS or not any(ch.isalnum() for ch in name):
        return None, None
    return name, " ".join(titles) or None


def _clean_topic(raw: str | None) -> str | None:
    """Articles off the front, prepositions off the end: "the offensive in kursk" -> "offensive in kursk"."""
    if not raw:
        return None
    toks = _strip_edges(raw).split()
    while toks and toks[0].strip(_EDGE) in _TOPIC_LEAD:
        toks = toks[1:]
    while toks and toks[-1].strip(_EDGE) in _TOPIC_TAIL:
        toks = toks[:-1]
    topic = _strip_edges(" ".join(toks))
    if not topic or not any(ch.isalnum() for ch in topic):
        return None
    return topic


def _figure(topic: str | None) -> tuple[float | None, str | None, str | None]:
    """The first number the topic looks up, with its text as written and its unit or counted noun ("18
    people" -> people, "2.5%" -> %); dates and a lone "one" are none."""
    if not topic:
        return None, None, None
    masked = _DATE_RE.sub(lambda m: " " * len(m.group()), topic)
    for fig in parse_figures(masked):
        has_digit = any(ch.isdigit() for ch in fig.text)
        if fig.value is not None and (has_digit or fig.value != 1.0):
            return fig.value, fig.text, fig.unit
        if fig.value is None and fig.low is not None and has_digit:
            return fig.low, fig.text, fig.unit
    return None, None, None
