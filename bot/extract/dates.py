"""Date expressions in news text, resolved against the article's publication date.

Regex and `datetime` only: this runs on every sentence of every article, so it must be cheap and give
the same answer every time. Anything vague ("in early October", "in August", "the 1990s", "2024" alone)
is deliberately not a date: `said_on` must be a day or nothing.

Resolution rules (all relative forms need a publication date; without one they are skipped):
- "Jan. 1", "January 1", "1 January", "the 4th of January": the year that puts the day closest to
  publication (ties go to the past); without a publication date only when a year is attached
  ("January 4, 2025") or given by a later full date in a list ("Jan. 4 and Jan. 5, 2025"; lists are
  read as running forward, so "Dec. 31 and Jan. 1, 2025" puts Dec. 31 in 2024).
- "Monday" .. "Sunday" (with or without "on", "evening", "night"...): the most recent such day on or
  before publication. "last Tuesday" / "this past Tuesday": strictly before. "next Tuesday": strictly
  after. "Tuesday last week" / "Tuesday next week": that weekday of the previous / next Monday-based week.
  "Saturday, March 2, 2024" is one mention with the calendar date; "Black Friday", "Super Tuesday" are
  occasions and skipped.
- "today", "tonight", "this morning": publication day (not "Today" capitalised mid-sentence: a name).
  "yesterday", "last night": one day before. "the day before yesterday": two. "tomorrow": one after.
  "N days ago", "N weeks ago".
- "last week": publication minus 7 days (a point estimate of a one-week span). "the last week" is a
  period, not a date, and is skipped.
- "the day before" is skipped: it is relative to some other event, not to publication.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["DateMention", "find_dates", "infer_published"]


@dataclass(frozen=True)
class DateMention:
    """One resolved date expression; start/end are offsets into the text given, text == text[start:end]."""

    start: int
    end: int
    text: str
    value: date


_MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
_WEEKDAYS: dict[str, int] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}  # fmt: skip
_NUMBER_WORDS: dict[str, int] = {
    "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10,
}  # fmt: skip

# Case-sensitive on purpose: "may", "march", "sat" in lower case are words, not dates.
_MONTH = (
    r"(?:(?:January|February|March|April|May|June|July|August|September|October|November|December)\b"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?)"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
_YEAR = r"(?:1[89]\d\d|2\d\d\d)"
# A day number must not be part of a larger figure ("3,800", "1.5", "9:30") or a typo ("2o").
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?(?![\w])(?![,.:]\d)"
_YEAR_TAIL = rf"(?:,?\s+(?P<year>{_YEAR})(?![\w,.]\d|\w))?"
_WEEKDAY_PREFIX = rf"(?:{_WEEKDAY},?\s+)?"

_MONTH_DAY_RE = re.compile(rf"{_WEEKDAY_PREFIX}\b(?P<month>{_MONTH})\s+{_DAY}{_YEAR_TAIL}")
_DAY_MONTH_RE = re.compile(
    rf"{_WEEKDAY_PREFIX}(?<![\d,.:/])\b(?P<day>\d{{1,2}})(?:(?:st|nd|rd|th)(?:\s+of)?)?\s+"
    rf"(?P<month>{_MONTH}){_YEAR_TAIL}"
)
_ISO_RE = re.compile(r"(?<![\w/-])(?P<year>\d{4})([-/])(?P<month>\d{1,2})\2(?P<day>\d{1,2})(?=T\d|[^\w/-]|$)")
_WEEKDAY_RE = re.compile(
    r"(?:\b(?P<mod>[Ll]ast|[Nn]ext|[Tt]his\s+past|[Pp]ast)\s+)?\b(?P<wd>" + _WEEKDAY + r")"
    r"(?:\s+(?:morning|afternoon|evening|night))?"
    r"(?:\s+(?P<week>last|next)\s+week\b)?"
)
_RELATIVE_RE = re.compile(
    r"\b(?:"
    r"(?P<m2>the\s+day\s+before\s+yesterday)"
    r"|(?P<m1>yesterday(?:\s+(?:morning|afternoon|evening))?|(?<!the\s)last\s+night)"
    r"|(?P<p0>today|tonight|this\s+(?:morning|afternoon|evening))"
    r"|(?P<p1>tomorrow)"
    r"|(?P<m7>(?<!the\s)last\s+week)"
    r"|(?P<n>\d{1,2}|a|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?P<unit>days?|weeks?)\s+ago"
    r")\b",
    re.IGNORECASE,
)
# A year named in prose is a floor for the publication date: "in August 2024" is written after Aug. 1.
_PROSE_YEAR_RE = re.compile(
    r"(?:(?i:(?P<season>spring|summer|fall|autumn|winter))(?:\s+of)?"
    r"|(?i:(?P<part>early|mid|late|end\s+of|start\s+of|beginning\s+of))"
    rf"|(?P<month>{_MONTH})"
    r"|(?i:\b(?:in|of|since|from|during|year|and|or|between)))"
    rf"[\s-]+(?P<year>{_YEAR})(?![\w,.]\d|\w|')"
)
_SEASON_START = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 1}
_PART_START = {"early": 1, "start": 1, "beginning": 1, "mid": 6, "late": 10, "end": 12}
_CLOCK_AFTER_RE = re.compile(r"[\sT,|·•@-]*(?:at\s+)?\d{1,2}:\d{2}")
_STAMP_CUE_BEFORE_RE = re.compile(r"(?i)\b(?:published|posted|dated?)\s*(?:on\s*)?:?\s*$")
_NAMED_DAY_RE = re.compile(r"\b(?:Black|Good|Super|Cyber|Ash|Holy|Maundy|Easter|Palm|Bloody|Giving)\s+$")
_SENTENCE_OPENERS = frozenset(".!?:;\"“”‘’'([\n—–")


@dataclass(frozen=True)
class _Candidate:
    """A matched expression before resolution: kind says which rule resolves it."""

    start: int
    end: int
    kind: str  # full | month_day | weekday | relative
    value: date | None = None  # full
    month: int = 0  # month_day
    day: int = 0  # month_day
    weekday: int = 0  # weekday
    mode: str = ""  # weekday: on_or_before | before | after | last_week | next_week
    offset: int = 0  # relative: days after publication (negative = before)


def _month_number(name: str) -> int:
    return _MONTHS[name.rstrip(".").lower()]


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _calendar_candidates(text: str) -> list[_Candidate]:
    out: list[_Candidate] = []
    for rx in (_MONTH_DAY_RE, _DAY_MONTH_RE):
        for m in rx.finditer(text):
            month, day = _month_number(m["month"]), int(m["day"])
            if m["year"]:
                value = _safe_date(int(m["year"]), month, day)
                if value is not None:
                    out.append(_Candidate(m.start(), m.end(), "full", value=value))
            elif _safe_date(2000, month, day) is not None:  # leap year: accepts Feb. 29, rejects Feb. 30
                out.append(_Candidate(m.start(), m.end(), "month_day", month=month, day=day))
    for m in _ISO_RE.finditer(text):
        value = _safe_date(int(m["year"]), int(m["month"]), int(m["day"]))
        if value is not None and value.year >= 1800:
            out.append(_Candidate(m.start(), m.end(), "full", value=value))
    return out


def _at_sentence_start(text: str, pos: int) -> bool:
    """Capitalised relative words mid-sentence are names ("USA Today"), at a sentence start they are days."""
    before = text[max(0, pos - 40) : pos].rstrip(" \t")
    return not before or before[-1] in _SENTENCE_OPENERS


def _relative_candidates(text: str) -> list[_Candidate]:
    out: list[_Candidate] = []
    for m in _WEEKDAY_RE.finditer(text):
        if not m["mod"] and _NAMED_DAY_RE.search(text, max(0, m.start() - 12), m.start()):
            continue  # "Black Friday", "Super Tuesday": a named occasion, not last week's day
        mod = (m["mod"] or "").lower()
        if m["week"]:
            mode = f"{m['week']}_week"
        elif mod == "next":
            mode = "after"
        elif mod:
            mode = "before"
        else:
            mode = "on_or_before"
        out.append(_Candidate(m.start(), m.end(), "weekday", weekday=_WEEKDAYS[m["wd"].lower()], mode=mode))
    for m in _RELATIVE_RE.finditer(text):
        if m.group(0)[0].isupper() and not _at_sentence_start(text, m.start()):
            continue  # capitalised mid-sentence: a name such as an outlet's ("... Today"), not a day
        if m["n"]:
            n = int(m["n"]) if m["n"].isdigit() else _NUMBER_WORDS[m["n"].lower()]
            offset = -n * (7 if m["unit"].lower().startswith("week") else 1)
        else:
            offset = {"m2": -2, "m1": -1, "p0": 0, "p1": 1, "m7": -7}[str(m.lastgroup)]
        out.append(_Candidate(m.start(), m.end(), "relative", offset=offset))
    return out


def _candidates(text: str) -> list[_Candidate]:
    """All matches, overlaps removed: the earliest start wins, then the longest span."""
    found = sorted(
        _calendar_candidates(text) + _relative_candidates(text), key=lambda c: (c.start, -(c.end - c.start))
    )
    kept: list[_Candidate] = []
    for c in found:
        if not kept or c.start >= kept[-1].end:
            kept.append(c)
    return kept


_LIST_JOIN_RE = re.compile(r"\s*(?:,|,?\s*and|,?\s*or|to|through|until|-|–)\s*")


def _partner(text: str, cands: list[_Candidate], i: int) -> date | None:
    """The next explicit full date when joined in a list ("Jan. 4 and Jan. 5, 2025")."""
    j = i
    while j + 1 < len(cands) and _LIST_JOIN_RE.fullmatch(text[cands[j].end : cands[j + 1].start]):
        j += 1
        nxt = cands[j]
        if nxt.kind == "full" and nxt.value is not None:
            return nxt.value
        if nxt.kind != "month_day":
            return None
    return None


def _closest_year(month: int, day: int, ref: date) -> date | None:
    """The occurrence of month/day nearest to ref; ties go to the past (news reports what happened)."""
    options = [d for y in (ref.year - 1, ref.year, ref.year + 1) if (d := _safe_date(y, month, day))]
    if not options:
        return None
    return min(options, key=lambda d: (abs((d - ref).days), d > ref))


def _weekday_value(c: _Candidate, published: date) -> date:
    back = (published.weekday() - c.weekday) % 7
    monday = published - timedelta(days=published.weekday())
    if c.mode == "before":
        return published - timedelta(days=back or 7)
    if c.mode == "after":
        return published + timedelta(days=(c.weekday - published.weekday()) % 7 or 7)
    if c.mode == "last_week":
        return monday - timedelta(days=7) + timedelta(days=c.weekday)
    if c.mode == "next_week":
        return monday + timedelta(days=7 + c.weekday)
    return published - timedelta(days=back)


def _resolve(text: str, cands: list[_Candidate], published: date | None) -> list[date | None]:
    values: list[date | None] = []
    for i, c in enumerate(cands):
        value: date | None = None
        if c.kind == "full":
            value = c.value
        elif c.kind == "month_day":
            partner = _partner(text, cands, i)
            if partner is not None:  # lists run forward in time: "Dec. 31 and Jan. 1, 2025" spans two years
                year = partner.year - ((c.month, c.day) > (partner.month, partner.day))
                value = _safe_date(year, c.month, c.day)
            elif published is not None:
                value = _closest_year(c.month, c.day, published)
        elif published is not None and c.kind == "weekday":
            value = _weekday_value(c, published)
        elif published is not None and c.kind == "relative":
            value = published + timedelta(days=c.offset)
        values.append(value)
    return values


def find_dates(text: str, published: date | None) -> list[DateMention]:
    """Every resolvable date expression in text, in order (see the module docstring for the rules)."""
    cands = _candidates(text)
    return [
        DateMention(c.start, c.end, text[c.start : c.end], v)
        for c, v in zip(cands, _resolve(text, cands, published), strict=True)
        if v is not None
    ]


def _is_stamp(text: str, c: _Candidate) -> bool:
    """A byline/dateline: a full date followed by a clock time, or introduced by 'Published'/'Date'."""
    return bool(
        _CLOCK_AFTER_RE.match(text, c.end)
        or _STAMP_CUE_BEFORE_RE.search(text[max(0, c.start - 30) : c.start])
    )


def _prose_floor(m: re.Match[str]) -> date:
    year = int(m["year"])
    if m["season"]:
        return date(year, _SEASON_START[m["season"].lower()], 1)
    if m["part"]:
        return date(year, _PART_START[m["part"].split()[0].lower()], 1)
    if m["month"]:
        return date(year, _month_number(m["month"]), 1)
    return date(year, 1, 1)


def _place_month_days(loose: list[tuple[int, int]], floor: date, floor_is_day: bool) -> date | None:
    """Earliest P >= floor (the floor itself if it is a real day, else one of the month-days) such that,
    each month-day placed in its year closest to P, none lands after P: the latest plausible 'now'."""
    options = {d for m, dd in loose for y in (floor.year, floor.year + 1) if (d := _safe_date(y, m, dd))}
    options = {d for d in options if d >= floor} | ({floor} if floor_is_day else set())
    for p in sorted(options):
        placed = [_closest_year(m, dd, p) for m, dd in loose]
        if all(d is None or d <= p for d in placed):
            return p
    return max((d for m, dd in loose if (d := _closest_year(m, dd, floor))), default=None)


#: A sentence that looks ahead: its dates are still to come, so they say nothing of when it was written.
_FUTURE_RE = re.compile(
    r"\b(?:will|shall|is\s+due|are\s+due|scheduled|upcoming|next|ahead\s+of|winds?\s+down|ends?\s+on)\b",
    re.IGNORECASE,
)


#: Years of budgets and forecasts run ahead of the day of writing: "for fiscal years 2025 and 2026".
_FISCAL_RE = re.compile(r"\b(?:fiscal|financial|budget|forecast|projections?)\b", re.IGNORECASE)


def _sentence_of(text: str, at: int) -> str:
    start = max(text.rfind(".", 0, at), text.rfind("\n", 0, at)) + 1
    ends = [i for i in (text.find(".", at), text.find("\n", at)) if i >= 0]
    return text[start : min(ends, default=len(text))]


def infer_published(text: str) -> date | None:
    """Best guess of an undated article's publication date from its own text.

    Rule, in order:
    1. The first byline-style stamp: a full date followed by a clock time ("January 4, 2025 9:33 PM",
       "2025-01-04T21:33") or after "Published"/"Posted"/"Date".
    2. Otherwise the latest day the text pins down, assuming an article mostly reports the past:
       - every full date (with a year) counts as is;
       - the floor is the latest of those and of the years named in prose, each read as its earliest
         day ("in 2025" -> Jan. 1, "August 2024" -> Aug. 1, "the fall of 2024" -> Sept. 1,
         "late 2024" -> Oct. 1);
       - yearless month-days ("January 4", "Dec. 23") then give the earliest day P on or after the
         floor, among them (or the floor itself when it is a full date), such that every month-day,
         placed in its year closest to P, falls on or before P. So "the first three days of 2025" +
         "January 4" + "Dec. 23" -> 2025-01-04, and "August 2024" + "Dec. 23" + "January 1" -> 2025-01-01.
    3. The first plain weekday ("said on Saturday") is then moved to no earlier than that day: a story
       leads with news of the days after the last date it pins down.
    4. None when there is no full date and no month-day with a year to anchor it.
    Month-days in a sentence that looks ahead ("will", "next", "upcoming", "scheduled") are left out.
    Limits: other future events ("the vote on March 3, 2030", "in 2030") push the guess too late.
    """
    cands = _candidates(text)
    for c in cands:
        if c.kind == "full" and _is_stamp(text, c):
            return c.value
    values = _resolve(text, cands, None)
    pinned = [v for v in values if v is not None]
    latest_day = max(pinned, default=None)
    years = [
        m
        for m in _PROSE_YEAR_RE.finditer(text)
        if not _FISCAL_RE.search(text, max(0, m.start() - 30), m.start())
    ]
    floor = max([*pinned, *(_prose_floor(m) for m in years)], default=None)
    loose = [
        (c.month, c.day)
        for c, v in zip(cands, values, strict=True)
        if c.kind == "month_day" and v is None and not _FUTURE_RE.search(_sentence_of(text, c.start))
    ]
    if floor is not None and loose:
        guess = _place_month_days(loose, floor, floor == latest_day)
        if guess is not None:
            pinned.append(guess)
    guess = max(pinned, default=None)
    lead = next((c for c in cands if c.kind == "weekday" and c.mode == "on_or_before"), None)
    if guess is not None and lead is not None:
        # the story's first weekday ("said on Saturday") is news of the days after the latest date pinned
        # down: no earlier than it
        while _weekday_value(lead, guess) < max(pinned):
            guess += timedelta(days=1)
    return guess
