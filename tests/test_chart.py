"""Charts of claimed figures over time: which figures are drawn, and that the picture is a real PNG.

Every claim is invented for this test."""

from __future__ import annotations

from datetime import date

import pytest

from bot.ask.answer import FOUND, Answer
from bot.chart import chart_of
from bot.chart_png import CAPTION_LIMIT, caption, draw
from bot.models import Claim, Figure, Source


def _claim(cid: str, speaker: str, statement: str, said_on: date | None, *figures: Figure) -> Claim:
    source = Source(f"doc-{cid}", statement, f"Outlet {cid}", None, date(2026, 3, 9))
    return Claim(cid, speaker, statement, figures, said_on, sources=(source,))


def _answer(*claims: Claim) -> Answer:
    return Answer("q", FOUND, "Vera Holm", "flood victims", claims)


DEAD_40 = _claim(
    "a", "Vera Holm", "At least 40 people died in the floods.", date(2026, 3, 1), Figure("40", 40.0)
)
DEAD_RANGE = _claim(
    "b",
    "River Agency",
    "Between 55 and 70 people were killed by the water.",
    date(2026, 3, 4),
    Figure("55 and 70", None, 55.0, 70.0),
)
DEAD_UNDATED = _claim("c", "Red Aid", "Some 90 people have died.", None, Figure("90", 90.0))
MONEY = _claim(
    "d",
    "Vera Holm",
    "Repairs will cost $30 million.",
    date(2026, 3, 5),
    Figure("$30 million", 3e7, unit="USD"),
)
HALF = _claim("e", "Vera Holm", "Half of the dead were children.", date(2026, 3, 6), Figure("half", 0.5))


def test_figures_counting_the_same_thing_are_drawn_by_the_day_they_were_said() -> None:
    chart = chart_of(_answer(DEAD_40, DEAD_RANGE, DEAD_UNDATED, MONEY, HALF))
    assert chart is not None
    assert [(p.speaker, p.low, p.high) for p in chart.points] == [
        ("Vera Holm", 40.0, 40.0),
        ("River Agency", 55.0, 70.0),
        ("Red Aid", 90.0, 90.0),  # undated: placed on the day it was reported
    ]
    assert chart.points[-1].day == date(2026, 3, 9)
    assert chart.outlets == ("Outlet a", "Outlet b", "Outlet c")


@pytest.mark.parametrize(
    "claims",
    [
        (),
        (DEAD_40,),  # one number is no history
        (DEAD_40, MONEY),  # two numbers counting different things
        (HALF, DEAD_40),  # a fraction is not a count
    ],
)
def test_nothing_worth_drawing_gives_no_chart(claims: tuple[Claim, ...]) -> None:
    assert chart_of(_answer(*claims)) is None


def test_the_picture_is_a_png_and_the_caption_fits_telegram() -> None:
    chart = chart_of(_answer(DEAD_40, DEAD_RANGE, DEAD_UNDATED))
    assert chart is not None
    png = draw(chart)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000
    text = caption(chart)
    assert "3 figures from 3 speakers" in text and "Outlet b" in text
    many = chart_of(_answer(*(DEAD_40, DEAD_RANGE)))
    assert many is not None
    long = type(many)("x" * 2000, many.counts, many.points)
    assert len(caption(long)) <= CAPTION_LIMIT
