"""The article's timeline, table-driven: the day each claim was said, read from the article as a whole.

Every text is invented for the test; the publication day is Saturday 2025-03-15 throughout. Each row:
article text -> said_on of its claims in order (None: the article does not make the day knowable).
"""

from __future__ import annotations

from datetime import date

import pytest
from spacy.language import Language

from bot.extract.claims import extract_claims
from bot.extract.timeline import moves_time, names_no_day, relative_day
from bot.models import Article

PUBLISHED = date(2025, 3, 15)
THU, FRI, WED = date(2025, 3, 13), date(2025, 3, 14), date(2025, 3, 12)

DAYS = [
    # --- the day of an occasion carries over to the speaker's later statements ---------------------------
    (
        "Finance Minister Lara Voss said on Thursday that the deficit would reach 4%. She told reporters "
        "the cuts would come in June. Voss said taxes would not rise.",
        [THU, THU, THU],
    ),
    # ... also past other speakers, when the story has not moved in time
    (
        "The port authority said on Friday that 30 ships were waiting. Shipping analyst Ben Kora said the "
        "queue was the longest this year. The authority added that 12 cranes were idle.",
        [FRI, None, FRI],
    ),
    # ... and to "it", "the agency": the same speaker by another name
    (
        "The weather agency said on Wednesday that 80 mm of rain had fallen. It warned of more storms.",
        [WED, WED],
    ),
    # a person who speaks for an organisation shares the day of the organisation's statement
    (
        "The central bank cut its rate on Thursday and said it expected inflation of 2.1%. Bank Governor "
        "Ada Lenk told reporters the cut was the last for now.",
        [THU, THU],
    ),
    # a spokesperson answering right after the organisation's dated statement
    (
        "The Health Ministry said on Friday that 14 clinics had closed. Spokesman Olli Varga told "
        "reporters more closures were likely.",
        [FRI, FRI],
    ),
    # an occasion named as already told of ("in the statement") takes its day, whoever speaks
    (
        "In a statement on Wednesday, Nordvik Pharma said its drug cut deaths by 30%. Chief executive "
        "Tor Vang said in the statement that 2,000 patients took part.",
        [WED, WED],
    ),
    # counting from the day the story last named
    (
        "The Dock Workers Union said on Wednesday that 900 members had voted. Two days later, the "
        "Transport Employers Group said 40% of shifts were covered.",
        [WED, FRI],
    ),
    (
        "Mayor Ivo Brandt said on Wednesday that 6 roads were shut. Hours later, the police said 2 had "
        "reopened.",
        [WED, WED],
    ),
    # --- other times stop the carry-over -------------------------------------------------------------------
    # a time that names no day: the day is not knowable
    ("The Lakeside City Council said last week that 15 libraries would close.", [None]),
    ("In April, the Lakeside City Council estimated the cost at $9 million.", [None]),
    (
        "The Lakeside City Council said on Friday that 15 libraries would close. In a separate report, "
        "the council put the cost at $9 million.",
        [FRI, None],
    ),
    # a pluperfect speaks of an earlier time
    (
        "Coach Rita Sand said on Thursday that 3 players were injured. She had predicted 10 wins in January.",
        [THU, None],
    ),
    # a sentence that opens on another time moves the story
    (
        "Skyline Air said on Friday that 200 flights were cancelled. Last month, it said 50 pilots had left.",
        [FRI, None],
    ),
    # a story that opens on "X says" dates X's words further on
    (
        "The city's police chief says 40 officers are on leave. Chief Nils Dahl, head of the city police, "
        "told reporters on Thursday that the force was stretched.",
        [THU, THU],
    ),
    # a speaker first given by role, named further on, keeps the day for what follows
    (
        "The toll has hit 300, a UN spokesman said on Wednesday. Ola Brandt, the deputy UN spokesman, said "
        'at a briefing that 40 new cases were found. "The 12 clinics are full," he said.',
        [WED, WED, WED],
    ),
    # ... but a present tense on the occasion a speaker was just dated at is that day
    (
        "Farm Secretary Ana Lindqvist said during a visit on Friday that 30 farms were hit. Lindqvist says "
        "the final plan looks better for 12 regions.",
        [FRI, FRI],
    ),
    # a present-tense view is no act of one day
    ("The Pell Institute estimates that 3,000 jobs will go.", [None]),
    # "as of" dates what was counted, not the saying
    ("Spokeswoman Vera Lind said as of Thursday 4,000 people had registered.", [None]),
    # a date inside what was said is not when it was said
    ('Club president Ana Reis said: "We will play 12 games from April 2 onwards."', [None]),
    # the end of a reporting period is no day of saying: the occasion of the report is
    (
        "Nordvik Software Corp said on Thursday that revenue rose. For the quarter ending on March 1, the "
        "company reported revenue of 17 billion dollars.",
        [THU, THU],
    ),
    ("For the year ended Feb. 28, Nordvik Software Corp reported revenue of 17 billion dollars.", [None]),
    # a day opening the sentence dates what a source's figures say
    ("On Friday, more than 3,800 flights had been cancelled, according to FlyCount.", [FRI]),
    ("More than 3,800 flights had been cancelled by Friday, according to FlyCount.", [None]),
]


@pytest.mark.parametrize(("text", "days"), DAYS)
def test_said_on_follows_the_timeline(nlp: Language, text: str, days: list[date | None]) -> None:
    claims, _ = extract_claims(Article(id="t", text=text, published=PUBLISHED), nlp(text))
    assert [c.said_on for c in claims] == days, [(c.speaker, c.said_on, c.statement) for c in claims]


RELATIVE = [
    ("hours later", WED, WED),
    ("later that day", WED, WED),
    ("the same day", WED, WED),
    ("the next day", WED, THU),
    ("a day later", WED, THU),
    ("two days later", WED, FRI),
    ("a day earlier", THU, WED),
    ("the day before", THU, WED),
    ("three days after the vote", WED, None),  # "after the vote" counts from the vote, not from the story
    ("later", WED, None),
    ("two days later", None, None),  # nothing to count from
]


@pytest.mark.parametrize(("frame", "anchor", "expected"), RELATIVE)
def test_relative_day(frame: str, anchor: date | None, expected: date | None) -> None:
    assert relative_day(frame, anchor) == expected


@pytest.mark.parametrize(
    ("frame", "vague"),
    [
        ("said in April", True),
        ("told lawmakers in mid-June", True),
        ("said last month", True),
        ("said earlier this week", True),
        ("at the start of 2024, said", True),
        ("in a separate assessment, said", True),
        ("had said", True),
        ("has long argued", True),
        ("said on Friday", False),
        ("told reporters", False),
        ("said in a statement", False),
        ("said April 4", False),
    ],
)
def test_names_no_day(frame: str, vague: bool) -> None:
    assert names_no_day(frame) is vague


@pytest.mark.parametrize(
    ("sentence", "moves"),
    [
        ("In October, the agency said", True),
        ("Last year the firm said", True),
        ("Earlier, officials said", True),
        ("The firm said", False),
        ("Officials in Oslo said", False),
    ],
)
def test_moves_time(sentence: str, moves: bool) -> None:
    assert moves_time(sentence) is moves
