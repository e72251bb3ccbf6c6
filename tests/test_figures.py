"""parse_figures reads values, ranges, bounds and units from sentences and skips dates, years and times."""

from __future__ import annotations

import pytest
import test_figures_more as more

from bot.extract.figures import parse_figures
from bot.models import Figure

# (sentence, text, value, low, high, qualifier, unit): each sentence holds exactly one figure
SINGLE: list[tuple[str, str, float | None, float | None, float | None, str | None, str | None]] = [
    # casualties and conflict
    ("The army said 2,400 enemy soldiers were killed.", "2,400", 2400, None, None, None, "enemy soldiers"),
    ("Officials said 1,700 South Sudanese refugees crossed.", "1,700", 1700, None, None, None, "refugees"),
    ("The unit lost more than 3,000 men.", "more than 3,000", 3000, None, None, "more than", "men"),
    ("Rebels fired over 150 rockets overnight.", "over 150", 150, None, None, "more than", "rockets"),
    (
        "They sent upwards of 9,000 reservists.",
        "upwards of 9,000",
        9000,
        None,
        None,
        "more than",
        "reservists",
    ),
    ("The rebels seized 800 pieces of artillery.", "800", 800, None, None, None, "pieces of artillery"),
    ("The drone swarm had 120 attack drones.", "120", 120, None, None, None, "attack drones"),
    ("Up to 5,000 civilians may be trapped.", "Up to 5,000", 5000, None, None, "up to", "civilians"),
    ("As many as 700 prisoners escaped.", "As many as 700", 700, None, None, "as many as", "prisoners"),
    ("At least 14 people died in the blast.", "At least 14", 14, None, None, "at least", "people"),
    ("It has deployed 20,000 -25,000 troops.", "20,000 -25,000", None, 20000, 25000, None, "troops"),
    ("The fighting spans a 900-kilometre front.", "900-kilometre", 900, None, None, None, "kilometre"),
    ("A 64-year-old farmer was wounded.", "64-year-old", 64, None, None, None, "years old"),
    ("Shelling hit some 35 apartment blocks.", "some 35", 35, None, None, "about", "apartment blocks"),
    ("The raid left dozens of houses burning.", "dozens", None, 24, 99, "dozens", "houses"),
    ("Hundreds of volunteers dug trenches.", "Hundreds", None, 200, 999, "hundreds", "volunteers"),
    (
        "Tens of thousands of residents fled.",
        "Tens of thousands",
        None,
        20000,
        99999,
        "tens of thousands",
        "residents",
    ),
    ("A couple hundred marines landed.", "A couple hundred", 200, None, None, "about", "marines"),
    ("It hit a few hundred targets.", "a few hundred", None, 200, 500, "a few", "targets"),
    ("Several thousand sailors mutinied.", "Several thousand", None, 3000, 9000, "several", "sailors"),
    ("The blast killed two dozen guards.", "two dozen", 24, None, None, None, "guards"),
    ("Nearly a dozen tanks were destroyed.", "Nearly a dozen", 12, None, None, "nearly", "tanks"),
    (
        "About a quarter of the garrison surrendered.",
        "About a quarter",
        0.25,
        None,
        None,
        "about",
        "garrison",
    ),
    ("Twenty-five medics were evacuated.", "Twenty-five", 25, None, None, None, "medics"),
    ("One journalist was detained at the border.", "One", 1, None, None, None, "journalist"),
    (
        "Deaths have surpassed 10,000, the ministry said.",
        "surpassed 10,000",
        10000,
        None,
        None,
        "more than",
        None,
    ),
    # inflation and economy
    ("Inflation rose to 3.4% last month.", "3.4%", 3.4, None, None, None, "%"),
    ("Prices are up 7 percent on the year.", "7 percent", 7, None, None, None, "%"),
    ("Rents climbed 12 per cent in the capital.", "12 per cent", 12, None, None, None, "%"),
    ("The bank cut rates by 25 basis points.", "25 basis points", 25, None, None, None, "basis points"),
    (
        "Core inflation eased 0.3 percentage points.",
        "0.3 percentage points",
        0.3,
        None,
        None,
        None,
        "percentage points",
    ),
    ("Unemployment stood at just under 4%.", "just under 4%", 4, None, None, "nearly", "%"),
    ("Growth will be between 1.5% and 2%.", "between 1.5% and 2%", None, 1.5, 2, None, "%"),
    ("Food prices could rise 10-15% this winter.", "10-15%", None, 10, 15, None, "%"),
    ("Wages grew less than 2 percent in real terms.", "less than 2 percent", 2, None, None, "less than", "%"),
    # elections
    ("The party won 326 seats in parliament.", "326", 326, None, None, None, "seats"),
    ("She took 52.4% of the vote.", "52.4%", 52.4, None, None, None, "%"),
    ("Roughly 41 million ballots were counted.", "Roughly 41 million", 41e6, None, None, "about", "ballots"),
    ("One in five voters stayed home.", "One in five", 0.2, None, None, None, "voters"),
    (
        "Turnout fell to 3 out of 10 registered voters.",
        "3 out of 10",
        0.3,
        None,
        None,
        None,
        "registered voters",
    ),
    ("Fewer than 900 votes separated them.", "Fewer than 900", 900, None, None, "fewer than", "votes"),
    ("Around half the electorate backed the plan.", "Around half", 0.5, None, None, "about", "electorate"),
    ("Two-thirds of lawmakers must agree.", "Two-thirds", 2 / 3, None, None, None, "lawmakers"),
    # floods and weather
    ("The flood displaced 1.3 million people.", "1.3 million", 1.3e6, None, None, None, "people"),
    ("Water covered 40,000 hectares of cropland.", "40,000", 40000, None, None, None, "hectares of cropland"),
    ("Up to 250mm of rain fell overnight.", "Up to 250mm", 250, None, None, "up to", "mm"),
    ("Temperatures reached 43C in the valley.", "43C", 43, None, None, None, "°C"),
    ("Winds of 180 km/h battered the coast.", "180", 180, None, None, None, "km/h"),
    ("An estimated 12,000 homes lost power.", "An estimated 12,000", 12000, None, None, "about", "homes"),
    ("Almost 600 schools stayed shut.", "Almost 600", 600, None, None, "nearly", "schools"),
    ("Crews rescued 3,000 or more residents.", "3,000 or more", 3000, None, None, "at least", "residents"),
    ("A 6.8-magnitude quake struck offshore.", "6.8-magnitude", 6.8, None, None, None, "magnitude"),
    # company results
    ("The group reported $4.2 billion in revenue.", "$4.2 billion", 4.2e9, None, None, None, "USD"),
    ("Net profit reached €730 million.", "€730 million", 730e6, None, None, None, "EUR"),
    ("The retailer lost £1.1bn last year.", "£1.1bn", 1.1e9, None, None, None, "GBP"),
    ("It raised $50m from investors.", "$50m", 50e6, None, None, None, "USD"),
    ("Sales hit 2.5 billion dollars.", "2.5 billion", 2.5e9, None, None, None, "USD"),
    ("The deal was worth 8 million Canadian dollars.", "8 million", 8e6, None, None, None, "CAD"),
    ("It will cut 1,200 to 1,500 jobs.", "1,200 to 1,500", None, 1200, 1500, None, "jobs"),
    ("The firm shipped 12k units.", "12k", 12000, None, None, None, "units"),
    ("The chain plans 40 new stores.", "40", 40, None, None, None, "new stores"),
    ("Analysts expect $3-4 billion in savings.", "$3-4 billion", None, 3e9, 4e9, None, "USD"),
    # sports attendance
    ("A crowd of 61,500 watched the derby.", "61,500", 61500, None, None, None, None),
    ("Some 80,000 fans packed the stadium.", "Some 80,000", 80000, None, None, "about", "fans"),
    ("The marathon drew 45,000-plus runners.", "45,000-plus", 45000, None, None, "more than", "runners"),
    (
        "Attendance averaged 20,000 or so spectators.",
        "20,000 or so",
        20000,
        None,
        None,
        "about",
        "spectators",
    ),
    ("Thousands of supporters lined the route.", "Thousands", None, 2000, 9999, "thousands", "supporters"),
    # budgets
    ("The levy raised 40 million pounds sterling.", "40 million", 40e6, None, None, None, "GBP"),
    ("The storm claimed 1,100 lives.", "1,100", 1100, None, None, None, "lives"),
    ("The budget sets aside £30bn for hospitals.", "£30bn", 30e9, None, None, None, "GBP"),
    ("Defence spending will reach 2.5 per cent of GDP.", "2.5 per cent", 2.5, None, None, None, "%"),
    (
        "The plan costs from 300 to 900 million euros.",
        "from 300 to 900 million",
        None,
        300e6,
        900e6,
        None,
        "EUR",
    ),
    ("The city will hire three thousand teachers.", "three thousand", 3000, None, None, None, "teachers"),
    ("The fund holds half a million dollars.", "half a million", 500000, None, None, None, "USD"),
    ("Officials earmarked a thousand new beds.", "a thousand", 1000, None, None, None, "new beds"),
    ("Ministers want 5,000 additional nurses.", "5,000", 5000, None, None, None, "nurses"),
    (
        "The grant tops out at no more than ₴2 million.",
        "no more than ₴2 million",
        2e6,
        None,
        None,
        "up to",
        "UAH",
    ),
    ("The pension bill exceeded 2,024 claims.", "exceeded 2,024", 2024, None, None, "more than", "claims"),
    ("More than 2000 staff signed the letter.", "More than 2000", 2000, None, None, "more than", "staff"),
]

# sentences that hold numbers but no figure
NOT_FIGURES: list[tuple[str, str]] = [
    ("year", "The law was passed in 2024."),
    ("year at start", "In 1998 the treaty was signed."),
    ("year range", "The 2023-24 season ended early."),
    ("years from-to", "He served from 2015 to 2019."),
    ("decade", "The town boomed in the 1990s."),
    ("short decade", "It was a hit in the '80s."),
    ("mid year", "Talks stalled in mid-2024."),
    ("iso date", "The file is dated 2024-12-05."),
    ("slash date", "The order was signed on 05/01/2025."),
    ("month day", "The vote is on Jan. 5."),
    ("month day year", "He spoke on March 3, 2025."),
    ("day month", "The summit opens on 5 January."),
    ("day month year", "Polls close on 12 May 2026."),
    ("month year", "The plant opened in December 2019."),
    ("clock am", "The strike began at 9 a.m."),
    ("clock pm", "The polls close at 3pm."),
    ("clock 24h", "The curfew starts at 21:00."),
    ("clock with zone", "The blast was heard at 0400 GMT."),
    ("ordinal digits", "The 155th brigade moved north."),
    ("ordinal date", "It happened on the 5th."),
    ("ordinal word", "It was the third day of protests."),
    ("ordinal a third", "She is seeking a third term."),
    ("roman numeral", "The memorial honours World War II veterans."),
    ("article", "Members invoked Article 5 of the treaty."),
    ("section", "The ruling cites section 12 of the act."),
    ("flight", "Flight 370 was never found."),
    ("model name", "The Leopard 2 is a German tank."),
    ("aircraft code", "Pilots trained on the F-16 for months."),
    ("disease code", "The COVID-19 rules were lifted."),
    ("group name", "The G7 met in Italy."),
    ("phone intl", "Call +44 20 7946 0958 for details."),
    ("phone us", "Call (202) 555-0143 for details."),
    ("phone dashed", "Call 202-555-0143 for details."),
    ("score", "The hosts won 3-1."),
    ("vote tally", "The bill passed 52-48."),
    ("one of", "One of the guards was arrested."),
    ("no one", "No one was hurt."),
    ("one another", "The rivals blamed one another."),
    ("pronoun after quote", "The talks failed, said one diplomat."),
    ("one-off", "It was a one-off payment."),
    ("half-time", "The hosts led at half-time."),
    ("first half", "Sales slowed in the first half of the year."),
    ("always on", "The hotline runs 24/7."),
    ("hashtag", "The post was tagged #1 in the chart."),
]

# (sentence, expected figures as (text, value, low, high, qualifier, unit))
SEVERAL: list[
    tuple[str, list[tuple[str, float | None, float | None, float | None, str | None, str | None]]]
] = [
    (
        "The ministry said 1,200 people were killed and about 3,400 injured in 2023.",
        [
            ("1,200", 1200, None, None, None, "people"),
            ("about 3,400", 3400, None, None, "about", None),
        ],
    ),
    (
        "On March 2 the firm said revenue rose 8% to $12.3 billion while it cut 600 jobs.",
        [
            ("8%", 8, None, None, None, "%"),
            ("$12.3 billion", 12.3e9, None, None, None, "USD"),
            ("600", 600, None, None, None, "jobs"),
        ],
    ),
    (
        "Between 300 and 500 homes flooded after 200mm of rain, and nearly half of the farms lost crops.",
        [
            ("Between 300 and 500", None, 300, 500, None, "homes"),
            ("200mm", 200, None, None, None, "mm"),
            ("nearly half", 0.5, None, None, "nearly", "farms"),
        ],
    ),
    (
        "Turnout was 64.2 percent, with 18,400,000 votes cast for 14 parties.",
        [
            ("64.2 percent", 64.2, None, None, None, "%"),
            ("18,400,000", 18.4e6, None, None, None, "votes"),
            ("14", 14, None, None, None, "parties"),
        ],
    ),
    (
        "The club said 52,000 fans attended at 3 p.m. on Dec. 26, up from 47,500 a year earlier.",
        [
            ("52,000", 52000, None, None, None, "fans"),
            ("47,500", 47500, None, None, None, None),
        ],
    ),
]


def _assert_figure(
    fig: Figure,
    text: str,
    value: float | None,
    low: float | None,
    high: float | None,
    qualifier: str | None,
    unit: str | None,
) -> None:
    assert fig.text == text
    assert fig.value == (pytest.approx(value) if value is not None else None)
    assert fig.low == (pytest.approx(low) if low is not None else None)
    assert fig.high == (pytest.approx(high) if high is not None else None)
    assert fig.qualifier == qualifier
    assert fig.unit == unit


@pytest.mark.parametrize(
    ("sentence", "text", "value", "low", "high", "qualifier", "unit"), SINGLE + more.SINGLE
)
def test_single_figure(
    sentence: str,
    text: str,
    value: float | None,
    low: float | None,
    high: float | None,
    qualifier: str | None,
    unit: str | None,
) -> None:
    figures = parse_figures(sentence)
    assert len(figures) == 1, figures
    _assert_figure(figures[0], text, value, low, high, qualifier, unit)


@pytest.mark.parametrize(("why", "sentence"), NOT_FIGURES + more.NOT_FIGURES)
def test_not_a_figure(why: str, sentence: str) -> None:
    assert parse_figures(sentence) == [], why


@pytest.mark.parametrize(("sentence", "expected"), SEVERAL + more.SEVERAL)
def test_several_figures_in_order(
    sentence: str,
    expected: list[tuple[str, float | None, float | None, float | None, str | None, str | None]],
) -> None:
    figures = parse_figures(sentence)
    assert [f.text for f in figures] == [e[0] for e in expected]
    for fig, exp in zip(figures, expected, strict=True):
        _assert_figure(fig, *exp)


def test_values_are_floats() -> None:
    fig = parse_figures("They counted 3,800 ballots.")[0]
    assert isinstance(fig.value, float)
    assert fig.numbers() == (3800.0,)


def test_range_values_are_floats_and_value_is_none() -> None:
    fig = parse_figures("It needs 30,000-40,000 workers.")[0]
    assert (fig.value, fig.low, fig.high) == (None, 30000.0, 40000.0)
    assert all(isinstance(n, float) for n in fig.numbers())


def test_empty_and_numberless_text() -> None:
    assert parse_figures("") == []
    assert parse_figures("The minister declined to comment.") == []
