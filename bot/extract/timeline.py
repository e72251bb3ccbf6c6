"""The article's timeline: which day each statement was made, read from the article as a whole.

News dates an occasion once ("told reporters on Tuesday") and lets every later statement of that occasion
lean on it ("he added", "the agency said"). It moves the story in time with words that name no day ("In
April, ...", "last week", "in a separate assessment") and counts from a day already given ("hours later",
"two days later", "the same day"). These rules are plain functions over the text of an attribution's frame,
so `claims.py` can keep one running timeline per article.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from spacy.tokens import Doc

from bot.extract.dates import find_dates

_NUMBER = r"(?P<n>\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten)"
_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
_WORDS |= {"eight": 8, "nine": 9, "ten": 10}

#: Counting from the day the story last named: "hours later", "the same day", "two days later".
RELATIVE = re.compile(
    r"\b(?:(?P<same>(?:(?:a\s+few|several|some|\d+)\s+)?hours\s+(?:later|earlier|before|after)|"
    r"(?:later|earlier)\s+(?:that|the\s+same)\s+day|(?:on\s+)?the\s+same\s+day|that\s+same\s+day)"
    r"|(?P<next>the\s+(?:next|following)\s+day|the\s+day\s+after)"
    r"|(?P<prev>the\s+(?:previous|preceding)\s+day|the\s+day\s+before(?!\s+yesterday))"
    rf"|{_NUMBER}\s+days?\s+(?P<dir>later|earlier|before|after(?:wards?)?)(?!\s+(?:the|a|an|his|her|its)\b))",
    re.IGNORECASE,
)

#: Time words that name no day: the statement's day is not knowable, and the story has moved in time.
VAGUE = re.compile(
    r"\b(?:(?:in|by|during|since|through|until|from|over)\s+(?:(?:early|mid|late|the\s+(?:start|end|middle|"
    r"beginning)\s+of)[\s-]+)?(?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December|spring|summer|autumn|fall|winter|(?:19|20)\d\d)\b(?!\s+\d{1,2}\b)"
    r"|in\s+mid-(?:January|February|March|April|May|June|July|August|September|October|November|December)"
    r"|(?:at|by)\s+the\s+(?:start|end|beginning|turn)\s+of\b"
    r"|(?:last|earlier\s+this|earlier\s+that|later\s+this|later\s+that|the\s+previous|the\s+past|this|next)"
    r"\s+(?:week|month|year|season|quarter|spring|summer|autumn|fall|winter|decade)\b"
    r"|(?:weeks|months|years|decades)\s+(?:ago|earlier|before|later)"
    r"|\b(?:previously|formerly|once|recently|earlier|in\s+recent\s+(?:days|weeks|months))\b"
    r"|(?:in|at|during)\s+(?:another\s+\w+|(?:a|an|one)\s+(?:separate|earlier|later|previous|different)\b))",
    re.IGNORECASE,
)

#: A date mention that names a span rather than a day ("last week", "two weeks ago").
SPAN_MENTION = re.compile(r"\b(?:week|weeks|month|months|year|years)\b", re.IGNORECASE)

#: Attributions that speak of some other time than the occasion in hand: "had said", "has long argued".
OTHER_TIME = re.compile(
    r"\b(?:had\s+(?:\w+ly\s+)?\w+ed|had\s+said|ha(?:s|ve)\s+long|has\s+said|have\s+said)\b"
)

#: A sentence that opens on another time moves the story: "In late 2024, ...", "Last week, ...".
TIME_SHIFT = re.compile(
    r"^\W*(?:\w+\W+){0,3}?(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Monday|Tuesday|Wednesday|Thursday|Friday|"
    r"Saturday|Sunday|yesterday|earlier|previously|last|ago|since|(?:19|20)\d\d)\b",
    re.IGNORECASE,
)


def relative_day(frame: str, anchor: date | None) -> date | None:
    """The day a frame counts to from the story's last named day: 'two days later' -> anchor + 2."""
    if anchor is None:
        return None
    found = RELATIVE.search(frame)
    if found is None:
        return None
    if found["same"]:
        return anchor
    if found["next"]:
        return anchor + timedelta(days=1)
    if found["prev"]:
        return anchor - timedelta(days=1)
    n = int(found["n"]) if found["n"].isdigit() else _WORDS[found["n"].lower()]
    sign = -1 if found["dir"].lower() in ("earlier", "before") else 1
    return anchor + timedelta(days=sign * n)


def names_no_day(frame: str) -> bool:
    """Whether a frame puts its statement at a time that is no day: 'in April', 'last week', 'in a
    separate assessment', 'had said'. Such a statement has no said_on, whatever came before."""
    return bool(VAGUE.search(frame) or OTHER_TIME.search(frame))


def moves_time(sentence: str) -> bool:
    """Whether a sentence opens on another time, so what follows is not the occasion before it."""
    return bool(TIME_SHIFT.match(sentence))


#: An occasion named by the event it followed: "said in a statement after the vote".
EVENT_REFERENCE = re.compile(
    r"\b(?:after|following|before|ahead of|at|during)\s+(?:the|this|that)\s+(\w+)", re.I
)


def event_days(doc: Doc, published: date | None) -> dict[str, date]:
    """The day of each dated event the article tells of, by its verb's lemma: "the council on Monday
    voted ..." gives vote -> Monday. The first dating of an event wins."""
    events: dict[str, date] = {}
    for mention in find_dates(doc.text, published):
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is None:
            continue
        head = span.root
        while head.pos_ not in ("VERB", "NOUN") and head.head.i != head.i:
            head = head.head
        events.setdefault(head.lemma_.lower(), mention.value)
    return events


def event_day(frame: str, events: dict[str, date]) -> date | None:
    """The day of the event a frame places its statement after or at: "after the vote" -> the vote's."""
    for found in EVENT_REFERENCE.finditer(frame):
        word = found[1].lower()
        for form in (word, word.rstrip("s"), re.sub(r"ing$", "", word), re.sub(r"ing$", "e", word)):
            if form in events:
                return events[form]
    return None
