"""What a chart of claimed figures over time shows: who said which number, when, about one kind of thing.

The story of a figure is its history ("the Pentagon said 1,000, then Kyiv said 3,000, then 3,800"), so a
chart plots each speaker's figures by the day they were said, for the one kind of thing most of the
answer's figures count (casualties, troops, a percentage, money): numbers that count different things on
one axis would mislead. Pure: an Answer in, a Chart (or None, when there is nothing worth drawing) out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from bot.ask.answer import Answer
from bot.ask.match import words_after
from bot.models import Claim, Figure
from bot.render import figure_text
from bot.vocabulary import counted_terms

MIN_POINTS = 2  # one number is not a history
MAX_POINTS = 40  # beyond this a chart is a cloud; the most relevant claims come first anyway
_MONEY = frozenset({"USD", "EUR", "GBP"})
# what a figure counts, in order of preference when its words name several things
_PREFERRED = ("@casualties", "@troops", "@refugees", "@hostages", "~people", "~percent")


@dataclass(frozen=True)
class Point:
    """One claimed figure: a value, or a range drawn as a bar from low to high."""

    speaker: str
    day: date
    low: float
    high: float
    label: str  # the figure as the reply writes it: "more than 3,000 soldiers"
    outlet: str | None


@dataclass(frozen=True)
class Chart:
    """The points to draw, for one kind of thing counted."""

    title: str
    counts: str  # what the numbers count, as a word for the axis: "casualties", "%", "USD"
    points: tuple[Point, ...]

    @property
    def speakers(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.speaker for p in self.points))

    @property
    def outlets(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.outlet for p in self.points if p.outlet))


def chart_of(answer: Answer) -> Chart | None:
    """The chart of an answer's figures, or None when fewer than two dated figures count the same thing."""
    candidates: list[tuple[str, str, Point]] = []  # (kind, axis word, point)
    for claim in (*answer.claims, *answer.others):
        day = _day(claim)
        if day is None:
            continue
        for figure in claim.figures:
            point = _point(claim, figure, day)
            if point is not None:
                kind, word = _counted(claim, figure)
                candidates.append((kind, word, point))
    if not candidates:
        return None
    kinds = Counter(kind for kind, _, _ in candidates)
    kind = max(kinds, key=lambda k: (kinds[k], k != "?"))
    chosen = [(word, p) for k, word, p in candidates if k == kind]
    points = tuple(dict.fromkeys(p for _, p in chosen))[:MAX_POINTS]
    if len(points) < MIN_POINTS:
        return None
    words = Counter(word for word, _ in chosen)
    title = " on ".join(filter(None, (_who(answer), answer.topic))) or "Claimed figures"
    return Chart(title, words.most_common(1)[0][0], tuple(sorted(points, key=lambda p: (p.day, p.speaker))))


def _day(claim: Claim) -> date | None:
    """When it was said, else when it was first reported: a figure must sit somewhere on the time axis."""
    if claim.said_on is not None:
        return claim.said_on
    published = [s.published for s in claim.sources if s.published is not None]
    return min(published) if published else None


def _point(claim: Claim, figure: Figure, day: date) -> Point | None:
    if figure.low is not None and figure.high is not None:
        low, high = figure.low, figure.high
    elif figure.value is not None:
        low = high = figure.value
    else:
        return None
    if 0 < abs(high) < 1 and figure.unit != "%":
        return None  # a fraction ("half of them") says nothing on an axis of counts
    outlet = next((s.outlet for s in claim.sources if s.outlet), None)
    return Point(claim.speaker, day, low, high, figure_text(figure), outlet)


def _counted(claim: Claim, figure: Figure) -> tuple[str, str]:
    """(kind, axis word) for what a figure counts: its unit, else the words after it, else its statement."""
    if figure.unit in _MONEY:
        return "money:" + figure.unit, figure.unit
    if figure.unit == "%":
        return "~percent", "%"
    said = figure.unit or words_after(claim.statement, figure.text)
    found = counted_terms(said or claim.statement)
    for kind in _PREFERRED:
        if kind in found:
            return kind, figure.unit or _axis_word(kind, said)  # the claims' own word: "soldiers"
    if figure.unit:
        return "unit:" + figure.unit.lower(), figure.unit
    return "?", "number"


def _axis_word(kind: str, said: str) -> str:
    if kind == "~percent":
        return "%"
    if kind.startswith("@"):
        return kind[1:].replace("_", " ")
    return said.split()[0] if said else "people"


def _who(answer: Answer) -> str | None:
    if answer.speaker and answer.versus:
        return " vs ".join((answer.speaker, *answer.versus))
    return answer.speaker
