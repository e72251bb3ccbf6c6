"""parse_figures on decimal commas and other separators, changes "from A to B", and numbers that name things.

Each rule has rows where it applies and rows where it must not; the tables run through test_figures.py's
tests, and this file keeps only the tests of its own.
"""

from __future__ import annotations

import pytest

from bot.extract.figures import parse_figures, uses_decimal_commas

Row = tuple[str, float | None, float | None, float | None, str | None, str | None]

# (sentence, text, value, low, high, qualifier, unit): each sentence holds exactly one figure
SINGLE: list[tuple[str, str, float | None, float | None, float | None, str | None, str | None]] = [
    # a scale joined by a hyphen is still a scale
    ("The clinics face a one-million backlog.", "one-million", 1e6, None, None, None, "backlog"),
    ("The state approved a 6-billion-dollar rescue.", "6-billion-dollar", 6e9, None, None, None, "dollar"),
    # decimal commas: a scale, percent, unit or currency makes the comma a decimal point
    ("Output climbed to 54,3 million tonnes.", "54,3 million", 54.3e6, None, None, None, "tonnes"),
    ("Approval reached 61,8 percent in the poll.", "61,8 percent", 61.8, None, None, None, "%"),
    ("The region will receive 1,5 billion euros.", "1,5 billion", 1.5e9, None, None, None, "EUR"),
    ("Diesel now costs €1,89 a litre.", "€1,89", 1.89, None, None, None, "EUR"),
    ("The lake warmed by 2,4C this summer.", "2,4C", 2.4, None, None, None, "°C"),
    ("Prices rose 0,4% in March.", "0,4%", 0.4, None, None, None, "%"),
    ("Forecasters expect 1,5-2 million visitors.", "1,5-2 million", None, 1.5e6, 2e6, None, "visitors"),
    ("Growth of 2,5 to 3 percent is expected.", "2,5 to 3 percent", None, 2.5, 3, None, "%"),
    ("Turnover was 1.234,5 million euros.", "1.234,5 million", 1234.5e6, None, None, None, "EUR"),
    ("Investors put in 12.500.000 euros.", "12.500.000", 12.5e6, None, None, None, "EUR"),
    # Indian scales and the rupee written "Rs"
    ("The state will spend Rs 450 crore on roads.", "Rs 450 crore", 4.5e9, None, None, None, "INR"),
    ("The court imposed costs of Rs. 1.2 lakh.", "Rs. 1.2 lakh", 1.2e5, None, None, None, "INR"),
    ("The scheme paid 3 lakh farmers.", "3 lakh", 3e5, None, None, None, "farmers"),
    ("Rs 5,000 was paid to each family.", "Rs 5,000", 5000, None, None, None, "INR"),
    # ... but a comma before exactly three digits is a thousands separator
    ("Health officials confirmed 1,288 cases.", "1,288", 1288, None, None, None, "cases"),
    ("The brigade had 3,800 soldiers.", "3,800", 3800, None, None, None, "soldiers"),
    ("The scheme cost 1,250 million pounds.", "1,250 million", 1.25e9, None, None, None, "pounds"),
    # other thousands separators: spaces and Indian grouping
    ("The scheme pays ₹1,25,000 per family.", "₹1,25,000", 125000, None, None, None, "INR"),
    ("Organisers counted 10 000 runners.", "10 000", 10000, None, None, None, "runners"),
    ("Organisers counted 1 250 000 visitors.", "1 250 000", 1.25e6, None, None, None, "visitors"),
    ("By 2030 150 new schools will open.", "150", 150, None, None, None, "new schools"),
    # a plain range stays a range when no word of change comes before "from"
    ("Tickets cost from 20 to 30 euros.", "from 20 to 30", None, 20, 30, None, "EUR"),
    ("Voters aged from 18 to 24 turned out in force.", "from 18 to 24", None, 18, 24, None, None),
    ("Wages rose for staff aged from 25 to 34.", "from 25 to 34", None, 25, 34, None, None),
    ("Sales grew 20 to 30 percent.", "20 to 30 percent", None, 20, 30, None, "%"),
    ("Pay talks covered between 20 and 30 grades.", "between 20 and 30", None, 20, 30, None, "grades"),
    # counts that look like names but are not
    ("The hotline logged 112 calls overnight.", "112", 112, None, None, None, "calls"),
    ("The storm killed 999 sheep.", "999", 999, None, None, None, "sheep"),
    ("Strikes shut 300 Wall Street firms.", "300", 300, None, None, None, "firms"),
    ("Zero deaths were reported.", "Zero", 0, None, None, None, "deaths"),
    ("In Kyiv one person was killed.", "one", 1, None, None, None, "person"),
    ("Power failed in around 2000 homes.", "around 2000", 2000, None, None, "about", "homes"),
    ("The index stood at 9.30 on Monday.", "9.30", 9.3, None, None, None, None),
    ("Shares fell 2.50 this morning.", "2.50", 2.5, None, None, None, None),
    ("Russia called 300 000 reservists.", "300 000", 300000, None, None, None, "reservists"),
    # a singular fraction not followed by "of" leaves the number word before it alone
    ("Two quarter-point cuts are expected.", "Two", 2, None, None, None, "quarter-point cuts"),
    ("The fund holds a one-third stake.", "one-third", 1 / 3, None, None, None, "stake"),
    # signs and currency codes
    ("Inflation was -0.3% in May.", "-0.3%", -0.3, None, None, None, "%"),
    ("Temperatures fell to −12C overnight.", "−12C", -12, None, None, None, "°C"),
    ("Crews moved 20,000 -25,000 sandbags.", "20,000 -25,000", None, 20000, 25000, None, "sandbags"),
    ("The grant was EUR1.5 billion.", "EUR1.5 billion", 1.5e9, None, None, None, "EUR"),
    ("The deal is worth AUD 40 million.", "AUD 40 million", 40e6, None, None, None, "AUD"),
    # a verb particle after an "-ed" word is no noun
    ("Some 4,000 turned out to vote.", "Some 4,000", 4000, None, None, "about", None),
]

NOT_FIGURES: list[tuple[str, str]] = [
    ("house number", "The embassy sits at 42 Elm Street."),
    ("house number first", "12 Harbour Road was sealed off."),
    ("famous address", "Protesters gathered outside 10 Downing Street."),
    ("house number with letter", "The shop at 7B Mill Lane reopened."),
    ("local phone", "For tickets, call 555-0199 today."),
    ("local phone no zero", "Reporters can call 555-1234 after noon."),
    ("toll-free phone", "The helpline is 1-800-555-0199."),
    ("international phone", "Reach the desk on +1 202 555 0143."),
    ("emergency after call", "A neighbour called 911 at once."),
    ("emergency calls", "The 911 calls went unanswered for hours."),
    ("emergency dial", "Drivers should dial 112 after a crash."),
    ("emergency rang", "A passer-by rang 999 from the bridge."),
    ("emergency of calls", "A surge in 999 calls followed the storm."),
    ("normals period", "Rainfall beat the average (1961-1990) by far."),
    ("season", "The 2024-25 season opened late."),
    ("decade", "Rents doubled during the 2010s."),
    ("year with bound", "In around 2015, the mill closed."),
    ("circa year", "The chapel was built circa 1890."),
    ("years from to after change", "Prices rose from 2019 to 2022."),
    ("zero-risk", "Ministers promised a zero-risk approach."),
    ("zero-tolerance", "The school has a zero-tolerance rule on phones."),
    ("net-zero", "The net-zero pledge was delayed."),
    ("net zero", "The utility aims for net zero by 2040."),
    ("zero tolerance", "Police vowed zero tolerance for looting."),
    ("half past", "The ferry left at half past nine."),
    ("quarter to", "Lights went out at a quarter to ten."),
    ("word o'clock", "The bells rang at eleven o'clock."),
    ("in the morning", "Sirens sounded at 3 in the morning."),
    ("local time", "The quake hit at 4.15 local time."),
    ("decimal clock", "The ferry left at 9.30 this morning."),
    ("spaced phone", "Readers may call 555 1234 with tips."),
    ("ordinal compound", "It is a twenty-first century problem."),
    ("fifty-fifty", "Analysts called the race fifty-fifty."),
    ("one-on-one", "The leaders met one-on-one."),
    ("name with One", "Formula One returns to the city."),
    ("plane name", "He flew home on Air Force One."),
    ("phase label", "Builders began phase two of the bridge."),
    ("number one", "Housing is the number one worry."),
]

# (sentence, expected figures as (text, value, low, high, qualifier, unit))
SEVERAL: list[tuple[str, list[Row]]] = [
    # a change from A to B is two figures, the first taking the scale and unit of the second
    (
        "Membership rose from 12 to 19 clubs.",
        [("12", 12, None, None, None, "clubs"), ("19", 19, None, None, None, "clubs")],
    ),
    (
        "Unemployment fell from 5.2% to 4.8%.",
        [("5.2%", 5.2, None, None, None, "%"), ("4.8%", 4.8, None, None, None, "%")],
    ),
    (
        "The workforce increased from 300 to 450 people.",
        [("300", 300, None, None, None, "people"), ("450", 450, None, None, None, "people")],
    ),
    (
        "Output jumped sharply last year from 1.2 to 1.5 million barrels.",
        [("1.2", 1.2e6, None, None, None, "barrels"), ("1.5 million", 1.5e6, None, None, None, "barrels")],
    ),
    (
        "The rate was raised from 4 to 4.5 percent.",
        [("4", 4, None, None, None, "%"), ("4.5 percent", 4.5, None, None, None, "%")],
    ),
    (
        "The ward saw an increase from two to three thousand beds.",
        [("two", 2000, None, None, None, "beds"), ("three thousand", 3000, None, None, None, "beds")],
    ),
    (
        "Fares went up from $2 to $3.",
        [("$2", 2, None, None, None, "USD"), ("$3", 3, None, None, None, "USD")],
    ),
    # lists: a comma and a space, or a comma before a lone digit with nothing that makes it a decimal
    (
        "Seats were split 2, 3 and 4 between the blocs.",
        [
            ("2", 2, None, None, None, None),
            ("3", 3, None, None, None, None),
            ("4", 4, None, None, None, None),
        ],
    ),
    (
        "They polled 2,3 and 4 households.",
        [
            ("2", 2, None, None, None, None),
            ("3", 3, None, None, None, None),
            ("4", 4, None, None, None, "households"),
        ],
    ),
    # one decimal comma tells how the sentence writes its other numbers
    (
        "Exports grew 2,5 percent while 3.800 tonnes of grain were stored.",
        [("2,5 percent", 2.5, None, None, None, "%"), ("3.800", 3800, None, None, None, "tonnes of grain")],
    ),
    (
        "Support fell to 38,5 percent, from 41 percent, among 1,200 voters.",
        [
            ("38,5 percent", 38.5, None, None, None, "%"),
            ("41 percent", 41, None, None, None, "%"),
            ("1,200", 1200, None, None, None, "voters"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Output climbed to 54,3 million tonnes.", True),
        ("Turnover was 1.234,5 million.", True),
        ("Investors put in 12.500.000 euros.", True),
        ("Health officials confirmed 1,288 cases.", False),
        ("Seats were split 2, 3 and 4.", False),
        ("They polled 2,3 and 4 households.", False),
        ("Growth was 2.5 percent.", False),
    ],
)
def test_uses_decimal_commas(text: str, expected: bool) -> None:
    assert uses_decimal_commas(text) is expected


def test_caller_can_say_the_article_uses_decimal_commas() -> None:
    """A sentence alone cannot tell "2,3 children" from a list; the article as a whole can."""
    assert [f.value for f in parse_figures("Each family has 2,3 children.", decimal_comma=True)] == [2.3]
    assert [f.value for f in parse_figures("Each family has 2,3 children.")] == [2, 3]
    assert [f.value for f in parse_figures("Crews built 3.800 homes.", decimal_comma=True)] == [3800]
    assert [f.value for f in parse_figures("Crews built 3.800 homes.")] == [3.8]
    assert [f.value for f in parse_figures("Officials confirmed 1,288 cases.", decimal_comma=True)] == [1288]
