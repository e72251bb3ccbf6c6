"""Attribution forms, table-driven: sentence -> (speaker, words of the statement, relayed by)."""

from __future__ import annotations

from datetime import date

import pytest
from spacy.language import Language

from bot.extract.claims import extract_claims
from bot.models import Article

# (text, speaker, a phrase the statement must contain, relayed_by or None)
CASES = [
    (
        "Inflation eased to 2.4% in October, central bank governor Maria Keller said on Tuesday.",
        "Maria Keller",
        "Inflation eased to 2.4% in October",
        None,
    ),
    (
        "Mayor Tom Fischer said the city would cut its budget by 3% next year.",
        "Tom Fischer",
        "the city would cut its budget",
        None,
    ),
    (
        "Mayor Tom Fischer said that the city would cut its budget by 3% next year.",
        "Tom Fischer",
        "The city would cut its budget",
        None,
    ),
    (
        "The river rose by two metres overnight, said Anna Novak, head of the regional rescue service.",
        "Anna Novak",
        "The river rose by two metres overnight",
        None,
    ),
    (
        "Finance Minister Lars Berg told reporters the deficit would stay below 3 percent.",
        "Lars Berg",
        "the deficit would stay below 3 percent",
        None,
    ),
    (
        "Finance Minister Lars Berg told Reuters the deficit would stay below 3 percent.",
        "Lars Berg",
        "the deficit would stay below 3 percent",
        "Reuters",
    ),
    (
        "According to the electoral commission, turnout reached 61.5 percent.",
        "electoral commission",
        "turnout reached 61.5 percent",
        None,
    ),
    (
        "Turnout reached 61.5 percent, according to the electoral commission.",
        "electoral commission",
        "Turnout reached 61.5 percent",
        None,
    ),
    (
        "Governor Ruth Adams wrote on Telegram that 1,200 people had been evacuated.",
        "Ruth Adams",
        "1,200 people had been evacuated",
        None,
    ),
    (
        "Governor Ruth Adams wrote on X that 1,200 people had been evacuated, citing the fire brigade.",
        "Ruth Adams",
        "1,200 people had been evacuated",
        "fire brigade",
    ),
    (
        "About 300 homes were flooded, the Daily Courier reported, citing a senior police official.",
        "senior police official",
        "About 300 homes were flooded",
        "Daily Courier",
    ),
    (
        '"We expect revenue of about $2 billion this year," chief executive Paul Grant said.',
        "Paul Grant",
        "We expect revenue of about $2 billion this year",
        None,
    ),
    (
        '"We expect revenue of about $2 billion this year," said Paul Grant, the chief executive.',
        "Paul Grant",
        "We expect revenue of about $2 billion this year",
        None,
    ),
    (
        'Paul Grant said: "Our sales grew by 12 percent in the quarter."',
        "Paul Grant",
        "Our sales grew by 12 percent in the quarter",
        None,
    ),
    (
        "The Pentagon said roughly 1,000 soldiers had been wounded.",
        "Pentagon",
        "roughly 1,000 soldiers had been wounded",
        None,
    ),
    (
        "Russia's Defense Ministry said its forces had taken two villages.",
        "Russia's Defense Ministry",
        "its forces had taken two villages",
        None,
    ),
    (
        "A senior military official, who spoke on condition of anonymity, said about 200 troops had died.",
        "senior military official",
        "about 200 troops had died",
        None,
    ),
    (
        "Local officials said three bridges had collapsed.",
        "Local officials",
        "three bridges had collapsed",
        None,
    ),
    (
        "The statistics office estimated that unemployment fell to 5.1% in March.",
        "statistics office",
        "unemployment fell to 5.1% in March",
        None,
    ),
    (
        "Analysts at the bank estimate growth of between 1% and 1.5% next year, the report said.",
        None,
        None,
        None,
    ),
    ("The storm destroyed 40 homes and left 3,000 people without power.", None, None, None),
    (
        "Prices rose 3.2% in March, data from the national statistics office showed.",
        "national statistics office",
        "Prices rose 3.2% in March",
        None,
    ),
    (
        "The Interior Ministry said in a statement that 12 civilians were killed.",
        "Interior Ministry",
        "12 civilians were killed",
        None,
    ),
    (
        "The deal was worth $2 billion, the Daily Ledger reported, citing people familiar with the matter.",
        "people familiar with the matter",
        "The deal was worth $2 billion",
        "Daily Ledger",
    ),
    (
        "A spokesperson for the airline said about 300 flights were cancelled.",
        "spokesperson for the airline",
        "About 300 flights were cancelled",
        None,
    ),
    (
        "Chancellor Olaf Brandt said on Tuesday that the state would hire 900 teachers.",
        "Olaf Brandt",
        "the state would hire 900 teachers",
        None,
    ),
    (
        "The water authority's statement said 30 villages were cut off.",
        "water authority",
        "30 villages were cut off",
        None,
    ),
    ("Officials put the death toll at 42.", "Officials", "the death toll at 42", None),
    (
        'Chief executive Mara Lind told investors on a call that demand was "stronger than ever".',
        "Mara Lind",
        'Demand was "stronger than ever"',
        None,
    ),
    (
        "The company that runs the plant, GreenCycle Ltd, said it was cooperating with investigators.",
        "GreenCycle Ltd",
        "it was cooperating with investigators",
        None,
    ),
    (
        "Output fell 1.4% in August, the federal statistics office said on Monday.",
        "federal statistics office",
        "Output fell 1.4% in August",
        None,
    ),
    ("A spokesman declined to say how much waste was stored at the site.", None, None, None),
    (
        "Health Minister Ana Ruiz said hospitals had treated 1,200 patients, while the Red Cross put the "
        "number at 1,500.",
        "Ana Ruiz",
        "hospitals had treated 1,200 patients",
        None,
    ),
]


@pytest.mark.parametrize(("text", "speaker", "phrase", "relayed"), CASES)
def test_attribution_forms(
    nlp: Language, text: str, speaker: str | None, phrase: str | None, relayed: str | None
) -> None:
    article = Article(id="t", text=text, published=date(2025, 3, 14))
    claims, _ = extract_claims(article, nlp(text))
    if speaker is None:
        assert [c for c in claims if c.speaker.lower() not in ("report", "the report")] == []
        return
    assert len(claims) >= 1, text
    claim = claims[0]
    assert claim.speaker == speaker
    assert phrase.lower() in claim.statement.lower()
    assert (claim.relayed_by or None) == relayed or (relayed and relayed in (claim.relayed_by or ""))
    assert claim.sources[0].sentence == text


PARAGRAPHS = [
    # a pronoun resolves to the person named before it
    (
        "President Anna Lind said on Monday that 12 schools would close. She added that 400 teachers "
        "would be moved.",
        ["Anna Lind", "Anna Lind"],
    ),
    # a description resolves to the person whose title it repeats
    (
        "Prime Minister Jonas Berg visited the flooded town. "
        "The prime minister said 2,000 homes were damaged.",
        ["Jonas Berg"],
    ),
    # a quotation that runs over several sentences has one speaker
    (
        '"Prices are falling. Wages are rising. We expect inflation of 2% by summer," '
        "Governor Eva Holm said.",
        ["Eva Holm"],
    ),
    # an unresolvable pronoun is never stored as a speaker
    ("He said 50 people were missing.", []),
]


@pytest.mark.parametrize(("text", "speakers"), PARAGRAPHS)
def test_speakers_in_context(nlp: Language, text: str, speakers: list[str]) -> None:
    claims, _ = extract_claims(Article(id="t", text=text, published=date(2025, 3, 14)), nlp(text))
    assert [c.speaker for c in claims] == speakers


def test_two_speakers_in_one_sentence_get_a_claim_each(nlp: Language) -> None:
    text = "Health Minister Ana Ruiz said 1,200 patients were treated, while the Red Cross said 1,500 were."
    claims, _ = extract_claims(Article(id="t", text=text), nlp(text))
    assert [(c.speaker, [f.value for f in c.figures]) for c in claims] == [
        ("Ana Ruiz", [1200.0]),
        ("Red Cross", [1500.0]),
    ]


def test_figure_of_unattributed_sentence_goes_to_nobody(nlp: Language) -> None:
    text = "The flood damaged 300 homes. The mayor, Ivan Petrov, said 12 people were rescued."
    claims, _ = extract_claims(Article(id="t", text=text), nlp(text))
    assert [(c.speaker, [f.value for f in c.figures]) for c in claims] == [("Ivan Petrov", [12.0])]


def test_said_on_comes_from_the_attribution_not_the_quote(nlp: Language) -> None:
    text = 'Ivan Petrov said on Jan. 3 that the dam broke "on December 30" after heavy rain.'
    claims, _ = extract_claims(Article(id="t", text=text, published=date(2025, 1, 5)), nlp(text))
    assert claims[0].said_on == date(2025, 1, 3)


def test_the_occasion_in_a_participle_dates_the_claim(nlp: Language) -> None:
    text = (
        "Prime Minister Elena Varga spoke to supporters. Speaking at a rally on Thursday, she said the plan "
        "would add 2.5% to output. A poll by the Institute for Social Research put support at 48%."
    )
    claims, _ = extract_claims(Article(id="t", text=text, published=date(2024, 11, 16)), nlp(text))
    assert [(c.speaker, c.said_on, [f.value for f in c.figures]) for c in claims] == [
        ("Elena Varga", date(2024, 11, 14), [2.5]),
        ("Institute for Social Research", None, [48.0]),
    ]
