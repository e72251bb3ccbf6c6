"""Date expressions resolved against publication dates; all sentences are invented for these tests."""

from __future__ import annotations

from datetime import date

import pytest

from bot.extract.dates import DateMention, find_dates, infer_published

SUN = date(2025, 1, 5)  # a Sunday
SAT = date(2025, 1, 4)  # a Saturday
WED = date(2025, 1, 8)  # a Wednesday
MID = date(2024, 7, 10)  # a Wednesday, far from any year boundary

D = date.fromisoformat

# (text, published, [(mention text, resolved date), ...])
CASES: list[tuple[str, date | None, list[tuple[str, date]]]] = [
    # month-day forms, with and without "on"
    ("The mayor said on Jan. 1 that the bridge would reopen.", SUN, [("Jan. 1", D("2025-01-01"))]),
    ("The mayor said Jan 2 that the bridge would reopen.", SUN, [("Jan 2", D("2025-01-02"))]),
    ("The ministry announced on January 3 a new tariff.", SUN, [("January 3", D("2025-01-03"))]),
    ("The council met on Sept. 9 to vote on the budget.", MID, [("Sept. 9", D("2024-09-09"))]),
    ("She spoke to reporters on 1 January in the capital.", SUN, [("1 January", D("2025-01-01"))]),
    ("He was sworn in on the 2nd of January.", SUN, [("2nd of January", D("2025-01-02"))]),
    ("The port reopened on May 14th after repairs.", MID, [("May 14th", D("2024-05-14"))]),
    # year rollover, both ways
    ("The agency said on Dec. 17 that exports had fallen.", SUN, [("Dec. 17", D("2024-12-17"))]),
    ("The union said December 23 it would strike.", SUN, [("December 23", D("2024-12-23"))]),
    ("The new president takes office on Jan. 20.", SUN, [("Jan. 20", D("2025-01-20"))]),
    ("Talks resume on Jan. 3, the envoy said.", D("2024-12-28"), [("Jan. 3", D("2025-01-03"))]),
    ("A leap day: the filing was made on Feb. 29.", D("2024-03-02"), [("Feb. 29", D("2024-02-29"))]),
    # explicit years and ISO
    ("The treaty was signed on January 4, 2025 in Geneva.", None, [("January 4, 2025", D("2025-01-04"))]),
    ("The treaty was signed on 4 January 2025 in Geneva.", MID, [("4 January 2025", D("2025-01-04"))]),
    ("Filed 2025-01-04 by the clerk.", None, [("2025-01-04", D("2025-01-04"))]),
    (
        "Polls closed on Saturday, March 2, 2024, at 8 p.m.",
        SUN,
        [("Saturday, March 2, 2024", D("2024-03-02"))],
    ),
    # weekdays: on or before publication
    ("The minister said on Saturday that prices would rise.", SUN, [("Saturday", D("2025-01-04"))]),
    ("The minister said Saturday that prices would rise.", SAT, [("Saturday", D("2025-01-04"))]),
    ("The governor spoke on Sunday.", SUN, [("Sunday", D("2025-01-05"))]),
    ("The governor spoke on Monday.", SUN, [("Monday", D("2024-12-30"))]),
    ("The general said Saturday evening the line held.", SUN, [("Saturday evening", D("2025-01-04"))]),
    ("Officials said Friday night that the fire was out.", SUN, [("Friday night", D("2025-01-03"))]),
    ("The senator said last Tuesday he would resign.", WED, [("last Tuesday", D("2025-01-07"))]),
    ("The senator said last Wednesday he would resign.", WED, [("last Wednesday", D("2025-01-01"))]),
    ("The board met on Tuesday last week.", WED, [("Tuesday last week", D("2024-12-31"))]),
    ("The vote is set for next Monday.", WED, [("next Monday", D("2025-01-13"))]),
    # relative days
    ("Yesterday the central bank cut rates.", SUN, [("Yesterday", D("2025-01-04"))]),
    ("The central bank cut rates today, its governor said.", SUN, [("today", D("2025-01-05"))]),
    ("He will address the nation tonight.", SUN, [("tonight", D("2025-01-05"))]),
    ("Protesters gathered last night outside parliament.", SUN, [("last night", D("2025-01-04"))]),
    ("The ministry published the figures last week.", SUN, [("last week", D("2024-12-29"))]),
    ("The plant closed three days ago.", SUN, [("three days ago", D("2025-01-02"))]),
    ("It happened the day before yesterday.", SUN, [("the day before yesterday", D("2025-01-03"))]),
    # several dates in one sentence
    (
        "Fighting on Friday and Saturday left the town in ruins, the mayor said on Sunday.",
        SUN,
        [("Friday", D("2025-01-03")), ("Saturday", D("2025-01-04")), ("Sunday", D("2025-01-05"))],
    ),
    (
        "The ceasefire agreed on Dec. 30 collapsed yesterday, officials said on Jan. 5.",
        SUN,
        [("Dec. 30", D("2024-12-30")), ("yesterday", D("2025-01-04")), ("Jan. 5", D("2025-01-05"))],
    ),
    (
        "Strikes hit the city on Jan. 4 and Jan. 5, 2025.",
        None,
        [("Jan. 4", D("2025-01-04")), ("Jan. 5, 2025", D("2025-01-05"))],
    ),
    (
        "Markets were shut on Dec. 31 and Jan. 1, 2025.",
        None,
        [("Dec. 31", D("2024-12-31")), ("Jan. 1, 2025", D("2025-01-01"))],
    ),
    # no publication date: only what carries a year
    ("The minister said on Saturday that prices would rise.", None, []),
    ("The union said December 23 it would strike.", None, []),
    ("Yesterday the central bank cut rates.", None, []),
    # not dates
    ("Troops arrived in early October.", SUN, []),
    ("The harvest failed in August.", SUN, []),
    ("The offensive began in the fall of 2024.", SUN, []),
    ("Output grew in 2024.", SUN, []),
    ("His grandfather fought in World War II.", SUN, []),
    ("About 3,800 soldiers were wounded.", SUN, []),
    ("Prices last peaked in the 1990s.", SUN, []),
    ("The session opened at 9 a.m. sharp.", SUN, []),
    ("The offensive began in August 2024.", SUN, []),
    ("Over the last week, prices rose.", SUN, []),
    ("He was interviewed by USA Today.", SUN, []),
    ("Shops opened early for Black Friday.", SUN, []),
    # typos and impossible dates must not crash
    ("The report dated Jan. 2o was withdrawn.", SUN, []),
    ("The form said Feb. 30 by mistake.", SUN, []),
    ("An archive stamp read 2025-13-45.", None, []),
]


@pytest.mark.parametrize(("text", "published", "expected"), CASES)
def test_find_dates(text: str, published: date | None, expected: list[tuple[str, date]]) -> None:
    found = find_dates(text, published)
    assert [(m.text, m.value) for m in found] == expected


@pytest.mark.parametrize(("text", "published", "expected"), CASES)
def test_offsets_slice_the_text(text: str, published: date | None, expected: list[tuple[str, date]]) -> None:
    found = find_dates(text, published)
    assert all(text[m.start : m.end] == m.text for m in found)
    assert [m.start for m in found] == sorted(m.start for m in found)


def test_exact_offsets() -> None:
    text = "Officials said on Jan. 3 and again Friday night."
    assert find_dates(text, SUN) == [
        DateMention(18, 24, "Jan. 3", D("2025-01-03")),
        DateMention(35, 47, "Friday night", D("2025-01-03")),
    ]


INFER: list[tuple[str, date | None]] = [
    # byline with a clock time wins, even over a later date in the text
    ("By a staff writer March 3, 2025 7:15 AM\nThe vote on March 9, 2025 will be close.", D("2025-03-03")),
    ("Published: 2024-11-02\nThe agency said on Oct. 30 that it would appeal.", D("2024-11-02")),
    ("Updated 2025-02-10T08:30:00Z. The court ruled on Feb. 9.", D("2025-02-10")),
    # the latest full date
    ("The plant opened on June 3, 2019 and closed on 2 May 2023.", D("2023-05-02")),
    # the lead's weekday is no earlier than the latest day pinned down (Jan. 1, 2025 was a Wednesday)
    (
        "The mayor said on Saturday that 20 roads were closed. In 2025 the city grew. On January 1 the "
        "council met.",
        D("2025-01-04"),
    ),
    # budget and forecast years run ahead of the day of writing
    ("The plan covers fiscal years 2030 and 2031. The council met on May 30.", None),
    # a sentence that looks ahead names a day still to come, not the day of writing
    (
        "In 2025 the talks resumed. The envoy spoke on January 3. The next round will open on January 20.",
        D("2025-01-03"),
    ),
    # month-days combined with a year the text names
    ("In the first three days of 2025 the army lost ground. On January 4 the mayor spoke.", D("2025-01-04")),
    (
        "In the first days of 2025 the front moved. He said on Dec. 23 and again on January 4 that it held.",
        D("2025-01-04"),
    ),
    (
        "The raid began in August 2024. On Dec. 23 he warned of more. On January 1 he spoke again.",
        D("2025-01-01"),
    ),
    ("The offensive began in the fall of 2024. Talks were held on Aug. 6 and on Jan. 5.", D("2025-01-05")),
    # month-days placed around the latest full date
    (
        "A photo taken on Feb. 16, 2019. The ministry said on Dec. 30, 2024 and again on Jan. 2.",
        D("2025-01-02"),
    ),
    ("The agency reported on December 18, 2024 what it had seen on Dec. 17.", D("2024-12-18")),
    # nothing to go on
    ("The minister said on Saturday that prices would rise.", None),
    ("The union said December 23 it would strike.", None),
    ("The offensive began in August 2024.", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), INFER)
def test_infer_published(text: str, expected: date | None) -> None:
    assert infer_published(text) == expected
