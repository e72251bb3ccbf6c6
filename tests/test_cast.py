"""The article's cast, table-driven: who each claim's speaker is once the whole article is read.

Every text here is invented for the test. Each row: article text -> the speakers of its claims in order
(an empty list: no claim at all, because no one fits).
"""

from __future__ import annotations

from datetime import date

import pytest
from spacy.language import Language

from bot.extract.cast import acronyms
from bot.extract.claims import extract_claims
from bot.extract.datelines import mask_datelines
from bot.extract.nlp import prepared
from bot.models import Article

SPEAKERS = [
    # --- positive: references find the member they point back to -------------------------------------
    # "it" is the organisation that spoke just before, never a person or a counted crowd
    (
        "The water board said on Monday that 40 wells were dry. It added that one pumping station had "
        "failed.",
        ["water board", "water board"],
    ),
    # a description with a title word finds the person holding that title in the organisation named
    (
        "Bank Chair Mira Olsen told reporters the rate would stay at 3%. The bank chief said growth would "
        "slow to 1.1%.",
        ["Mira Olsen", "Mira Olsen"],
    ),
    # an abbreviated title is the same title: "Brig. Gen." and "the general"
    (
        "Army spokesman Brig. Gen. Tomas Valdi said 16 soldiers were hurt. The general said more troops "
        "would arrive.",
        ["Tomas Valdi", "Tomas Valdi"],
    ),
    # a role description in "according to" finds the person who just spoke
    (
        'Deputy Karin Holm said after the closed session: "The agency counted 300 cases." According to '
        "the lawmaker, the agency blamed the dry weather.",
        ["Karin Holm", "Karin Holm"],
    ),
    # a company description finds a one-word company name the tagger could not type
    (
        "Veltrona shipped 81,500 scooters in 2025, the scooter maker said on Friday.",
        ["Veltrona"],
    ),
    # a governing body is the organisation the article is about
    (
        "The Rowing Federation said on Tuesday that prize money would rise to $4 million. According to the "
        "governing body, $1 million will go to junior crews.",
        ["Rowing Federation", "Rowing Federation"],
    ),
    # an acronym introduced in brackets joins its full name
    (
        "The Bureau of Coastal Safety (BCS) said 12 beaches were closed. BCS said two more would close on "
        "Sunday.",
        ["Bureau of Coastal Safety", "Bureau of Coastal Safety"],
    ),
    # a surname alone is the person named in full, also when a hyphenated given name follows the family name
    (
        "Lawmaker Park Ji-hoon said 50 officials had resigned. Park said the inquiry would go on.",
        ["Park Ji-hoon", "Park Ji-hoon"],
    ),
    # a title written as a name, then the person in apposition
    (
        "The Port Commander in the region, Jonas Ekberg, told journalists that 9 boats were seized.",
        ["Jonas Ekberg"],
    ),
    # a described body is the one body of its kind the article names with its initials
    (
        "Norland's spy agency told lawmakers that 40 agents had defected, after a briefing by the Office of "
        "National Security (ONS).",
        ["Office of National Security"],
    ),
    # ... but never another owner's body
    (
        "Norland's health agency said 90 cases were found. Vestia's Health Agency said it would send 20 "
        "doctors.",
        ["Norland's health agency", "Vestia's Health Agency"],
    ),
    # a body's view passed on by a lawmaker is the body's claim
    (
        "Norland's intelligence service now believes that 500 troops were lost, lawmaker Ana Berg said.",
        ["Norland's intelligence service"],
    ),
    # an owner's name and the bare name are one body within an article
    (
        "Vestia's Joint Command said on Monday that 7 ships were damaged. The Joint Command said 2 would "
        "sink.",
        ["Vestia's Joint Command", "Vestia's Joint Command"],
    ),
    # a long title whose name comes last
    (
        "Minister for Ports and Harbour Development Board Anil Rao said on Friday that 12 ships docked.",
        ["Anil Rao"],
    ),
    ("Minister of Health Ana Silva said 40 clinics were inspected.", ["Ana Silva"]),
    ("Minister for Agriculture K. Varma said 300 farms were hit.", ["K. Varma"]),
    ("Sir Tomas Varga said 300 farms were hit.", ["Tomas Varga"]),
    # a role at a named body is a source of its own, "the authority's head"
    ("The head of the port authority said 12 ships were late.", ["head of the port authority"]),
    # a long title before a name the tagger runs into the body's name: the person the title names
    (
        "The Chairman of the Elections Commission Tomas Varga says that 75% of results will be out tonight.",
        ["Tomas Varga"],
    ),
    # a name inside what someone said is not who "she" is
    (
        'Director Mia Kross said the new Ocean Update paints a grim picture. "We cannot wait for the next '
        'report," she said.',
        ["Mia Kross", "Mia Kross"],
    ),
    # "he" is never a place
    (
        "Kerala saw 40 floods this year, Governor Arun Nair said. It was the worst year, he said.",
        ["Arun Nair", "Arun Nair"],
    ),
    # a body described before it is named: the one of its kind named next
    (
        "Only 2 of the 9 trapped workers survived, the company which owns the quarry said on Monday. "
        '"The first reports were wrong," Stenberg Mining Corp chief Ola Ek told reporters.',
        ["Stenberg Mining Corp", "Ola Ek"],
    ),
    # a name the parser cut short is the full name the article gives with its initials
    (
        "The Dock Crane and Port Union (DCPU) says 300 members will strike. It said talks failed after 6 "
        "months.",
        ["Dock Crane and Port Union", "Dock Crane and Port Union"],
    ),
    # a role of an organisation is a person, named further on
    (
        "The toll has hit 300, a UN spokesman said. Ola Brandt, the deputy UN spokesman, said 40 cases "
        "were new.",
        ["Ola Brandt", "Ola Brandt"],
    ),
    # "X did Y, it said": "it" is the body the clause is about
    (
        "Budget carrier Skyvale carried 2.2 million passengers in June, it said on Friday.",
        ["Skyvale"],
    ),
    # a district, a city or a school named before is what "the district", "the city" points back to
    (
        "Staff at the Larkmoor Unified School District walked out. The district said 40 schools stayed open.",
        ["Larkmoor Unified School District"],
    ),
    ("The City of Velden approved 300 homes. The city said 50 would be ready in May.", ["City of Velden"]),
    # a description whose qualifier a body's name carries is that body; one whose qualifier it lacks is not
    (
        "The Nordvik Weather Service said 80 mm fell. The weather agency warned that 40 more would fall.",
        ["Nordvik Weather Service", "Nordvik Weather Service"],
    ),
    (
        "Oslo Shipping Line told Reuters 3 million boxes were moved. The port association said 40 ships "
        "were waiting.",
        ["Oslo Shipping Line", "port association"],
    ),
    # what a body issued speaks for it: "the release said", "the statement added"
    (
        "Nordvik Pharma Corp said sales rose 4%. The release said 300 jobs would be added.",
        ["Nordvik Pharma Corp", "Nordvik Pharma Corp"],
    ),
    # "the government" is never the union or the company that spoke before it
    (
        "The Harbour Workers Union said 300 members voted. The government said the vote was a concern.",
        ["Harbour Workers Union", "government"],
    ),
    # a surname that is also a word ("Able"), right after a quotation, is the person named before
    (
        "Edward Able, head of the museums group, says cuts are short-sighted.\n\n"
        "\u201cThey cut 30 museums,\u201d Able says.",
        ["Edward Able", "Edward Able"],
    ),
    # a title the parser hung on the words before the name stays out of them
    ("Three fishermen were rescued on Sunday, Capt. Tomas Varga said.", ["Tomas Varga"]),
    # --- negative: no one fits, so there is no claim ----------------------------------------------------
    ("The statement said 300 jobs would be added.", []),
    # "the city" with no city body named is no one
    ("The city said 300 homes were flooded.", []),
    # a negated subject says no one spoke
    ("Neither the army nor the rebels have confirmed the 200 deaths.", []),
    ("No official said how many people had left the city.", []),
    # a bare role with no one in the cast is no speaker
    ("Minister said the plan would cost $3 billion.", []),
    ("The lawmaker said 14 bridges were unsafe.", []),
    # a counted crowd is the subject of a figure, not a source
    ("Some 2,000 residents reported that their homes were flooded.", []),
    ("More estate agents are reporting that 40% of sales fell through.", []),
    # a pronoun with no one before it is no speaker
    ("She said the strike would last 12 days.", []),
]


@pytest.mark.parametrize(("text", "speakers"), SPEAKERS)
def test_speakers_come_from_the_cast(nlp: Language, text: str, speakers: list[str]) -> None:
    claims, _ = extract_claims(Article(id="t", text=text, published=date(2025, 6, 6)), nlp(text))
    assert [c.speaker for c in claims] == speakers, [(c.speaker, c.statement) for c in claims]


def test_a_role_given_anywhere_in_the_article_becomes_a_role(nlp: Language) -> None:
    text = (
        "The figures match those given by the harbour's chief inspector, Mira Sand, on Monday. "
        "Sand said 14 boats had sunk."
    )
    _, speakers = extract_claims(Article(id="t", text=text, published=date(2025, 6, 6)), nlp(text))
    assert [(s.name, s.kind, "chief inspector" in s.roles) for s in speakers] == [
        ("Mira Sand", "person", True)
    ]


@pytest.mark.parametrize(
    ("text", "role"),
    [
        # a sentence ending on a bare role, the next opening with a name that speaks: the role is hers
        (
            "The totals agree with those given earlier by the port's chief inspector. Mira Sand said 14 "
            "boats had sunk.",
            "port's chief inspector",
        ),
        (
            "The estimate came from the region's health minister. Mira Sand told reporters 14 clinics "
            "had closed.",
            "region's health minister",
        ),
        # something else between the role and the name, or the name not the one speaking: no role
        (
            "The totals agree with those given by the port's chief inspector. On Monday, Mira Sand said "
            "14 boats had sunk.",
            None,
        ),
        (
            "The report went to the port's chief inspector. Officials said Mira Sand had 14 boats.",
            None,
        ),
    ],
)
def test_a_role_ending_one_sentence_belongs_to_the_name_opening_the_next(
    nlp: Language, text: str, role: str | None
) -> None:
    _, speakers = extract_claims(Article(id="t", text=text, published=date(2025, 6, 6)), nlp(text))
    roles = {r for s in speakers if s.name == "Mira Sand" for r in s.roles}
    if role is None:
        assert not any("inspector" in r for r in roles), speakers
    else:
        assert role in roles, speakers


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        # a title written with the name where the person does not speak is their role all the same
        (
            'In a statement, Dock Workers Union Interim President Ana Lind blamed the port. "We had no '
            'choice," Lind wrote.',
            "Ana Lind",
            "dock workers union interim president",
        ),
        (
            "Shri Kavi Rao, Minister of State for Power, spoke today. Shri Kavi Rao stated 200 projects "
            "were issued.",
            "Kavi Rao",
            "minister of state for power",
        ),
        # "X for the Y said": X speaks for Y
        (
            "Mira Sand for the Office of the Harbour Commissioner (OHC) said 40 ships were waiting.",
            "Mira Sand",
            "for the office of the harbour commissioner (ohc)",
        ),
        # a spokesman named with no body speaks for the body his sentence names
        (
            "Skyline Air canceled 300 flights, according to spokesman Dan Roe.",
            "Dan Roe",
            "skyline air spokesman",
        ),
    ],
)
def test_roles_written_with_the_name_anywhere(nlp: Language, text: str, name: str, role: str) -> None:
    _, speakers = extract_claims(Article(id="t", text=text, published=date(2025, 6, 6)), nlp(text))
    roles = {r for s in speakers if s.name == name for r in s.roles}
    assert role in roles, speakers


@pytest.mark.parametrize(
    "text", ["Mr. Tom Hale said 12 ships were late.", "Shri Tom Hale said 12 ships were late."]
)
def test_an_honorific_is_no_role(nlp: Language, text: str) -> None:
    _, speakers = extract_claims(Article(id="t", text=text, published=date(2025, 6, 6)), nlp(text))
    assert [(s.name, s.roles) for s in speakers] == [("Tom Hale", ())]


def test_acronym_becomes_an_alias_of_the_full_name(nlp: Language) -> None:
    text = "The Office for Rail Standards (ORS) said 9 lines were late. ORS said the fault was fixed."
    _, speakers = extract_claims(Article(id="t", text=text, published=date(2025, 6, 6)), nlp(text))
    assert [(s.name, "ORS" in s.aliases) for s in speakers] == [("Office for Rail Standards", True)]


ACRONYMS = [
    ("The Agency for Clean Water (ACW) said so.", {"ACW": "Agency for Clean Water"}),
    (
        "The Centers for Soil Health and Prevention (CSH) said so.",
        {"CSH": "Centers for Soil Health and Prevention"},
    ),
    ("The team's analysts (Reuters) said so.", {}),  # an outlet in brackets abbreviates nothing
    ("He was paid 40 euros (EUR) for it.", {}),
]


@pytest.mark.parametrize(("text", "expected"), ACRONYMS)
def test_acronyms(nlp: Language, text: str, expected: dict[str, str]) -> None:
    assert acronyms(nlp(text)) == expected


DATELINES = [
    ("OSLO — The council said 5 ferries were late.", "The council said 5 ferries were late."),
    ("PORTO/LISBON (Reuters) - The port said", "The port said"),
    ("CAIRO, Aug 14 (AP) — Officials said", "Officials said"),
    ("Dubai, Apr 27 (IANS): The airline said", "The airline said"),
    ("Lima (AFP) - The ministry said", "The ministry said"),
    ("Intro line\n\nBERLIN — The union said", "Intro line\n\nThe union said"),
    ("OSLO Oct 15 Norway's Nordvik Corp said", "Norway's Nordvik Corp said"),
    # a capitalised place before a month that is no day is no dateline
    ("OSLO May Day parades drew 300 people.", "OSLO May Day parades drew 300 people."),
    # not datelines: an ordinary sentence, a dash inside a sentence, a two-letter agency alone
    ("The U.S. - China talks resumed.", "The U.S. - China talks resumed."),
    ("Roads A-3 and A-7 - closed.", "Roads A-3 and A-7 - closed."),
    ("AP — the wire", "AP — the wire"),
]


@pytest.mark.parametrize(("text", "expected"), DATELINES)
def test_datelines_are_blanked_keeping_offsets(text: str, expected: str) -> None:
    masked = mask_datelines(text)
    assert len(masked) == len(text)
    assert " ".join(masked.split()) == " ".join(expected.split())


def test_a_name_with_an_inner_capital_is_read_as_a_name(nlp: Language) -> None:
    text = "Budget carrier flyQuick carried 2.1 million passengers in June, it said on Friday."
    claims, _ = extract_claims(Article(id="t", text=text, published=date(2025, 7, 5)), nlp(prepared(text)))
    assert [(c.speaker, c.said_on) for c in claims] == [("FlyQuick", date(2025, 7, 4))]
    assert prepared("an x-ray and an e-mail") == "an x-ray and an e-mail"


def test_cyrillic_look_alikes_inside_english_words_are_read_as_latin(nlp: Language) -> None:
    text = "Sales fell 3% in May, \u0430ccording to the Nordvik Statistics Bureau."
    claims, _ = extract_claims(Article(id="t", text=text, published=date(2025, 6, 6)), nlp(prepared(text)))
    assert [(c.speaker, c.statement) for c in claims] == [
        ("Nordvik Statistics Bureau", "Sales fell 3% in May.")
    ]
    assert prepared("Зеленський said") == "Зеленський said"  # a word wholly in Cyrillic stays


def test_a_dateline_is_neither_speaker_nor_statement(nlp: Language) -> None:
    text = "HARBOUR CITY — At least 30 boats sank in the storm, the coast guard said on Sunday."
    claims, _ = extract_claims(
        Article(id="t", text=text, published=date(2025, 6, 6)), nlp(mask_datelines(text))
    )
    assert [c.speaker for c in claims] == ["coast guard"]
    assert claims[0].statement.startswith("At least 30 boats")
