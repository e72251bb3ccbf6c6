"""The speaker registry across articles (issue 8, item 6): which speaker from a new article joins which stored
one, under which name and kind, and which claims that puts together. Every name here is invented."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.extract.speakers import ANONYMOUS, ORGANISATION, PERSON
from bot.merge import abbreviates, is_acronym, is_description, merge_claims, merge_speakers
from bot.models import Claim, Source, Speaker

NOW = datetime(2031, 5, 4, 9, 0, tzinfo=UTC)


def spk(name: str, kind: str = PERSON, aliases: tuple[str, ...] = (), roles: tuple[str, ...] = ()) -> Speaker:
    return Speaker(name, kind, tuple(sorted({name, *aliases})), roles)


def fold(stored: list[Speaker], new: Speaker) -> tuple[list[Speaker], str]:
    """The registry after a new article's speaker, and the entry that speaker went to."""
    registry, _ = merge_speakers([], stored)
    assert len(registry) == len(stored), "the stored speakers of a case must be apart to begin with"
    registry, canonical = merge_speakers(registry, [new])
    return registry, canonical[new.name]


def entry(registry: list[Speaker], name: str) -> Speaker:
    return next(s for s in registry if s.name == name)


# --- rule 1: an acronym joins its expansion -------------------------------------------------------------

TIDAL = spk("Bureau of Tidal Research", ORGANISATION, ("BTR",))
LAKES = spk("Office for Lake Safety", ORGANISATION)

ACRONYM_JOINS = [
    pytest.param([TIDAL], spk("BTR", ORGANISATION), "Bureau of Tidal Research", id="acronym-to-stored-alias"),
    pytest.param(
        [spk("BTR", ORGANISATION)],
        spk("Bureau of Tidal Research", ORGANISATION, ("BTR",)),
        "Bureau of Tidal Research",
        id="expansion-to-stored-acronym",
    ),
    pytest.param(
        [spk("BTR", ORGANISATION)],
        spk("Bureau of Tidal Research", ORGANISATION),
        "Bureau of Tidal Research",
        id="expansion-by-initials-to-stored-acronym",
    ),
    pytest.param([LAKES], spk("OLS", ORGANISATION), "Office for Lake Safety", id="acronym-by-initials"),
    pytest.param(
        [spk("Ostmark's Coastal Rescue Service", ORGANISATION)],
        spk("CRS", ORGANISATION),
        "Ostmark's Coastal Rescue Service",
        id="initials-after-a-possessor",
    ),
    pytest.param(
        [spk("Agency for Grain Reserves and Trade", ORGANISATION)],
        spk("AGR", ORGANISATION),
        "Agency for Grain Reserves and Trade",
        id="initials-of-the-leading-words",
    ),
    pytest.param(
        [TIDAL], spk("BTR", PERSON), "Bureau of Tidal Research", id="acronym-the-parser-took-for-a-person"
    ),
]


@pytest.mark.parametrize(("stored", "new", "joined"), ACRONYM_JOINS)
def test_an_acronym_joins_its_expansion(stored: list[Speaker], new: Speaker, joined: str) -> None:
    registry, went_to = fold(stored, new)
    assert went_to == joined
    assert len(registry) == len(stored)
    merged = entry(registry, joined)
    assert merged.kind == ORGANISATION
    acronym = (
        new.name if is_acronym(new.name) else next(a for s in stored for a in s.aliases if is_acronym(a))
    )
    assert acronym in merged.aliases


ACRONYM_APART = [
    pytest.param(
        [TIDAL, spk("Board of Trade Review", ORGANISATION)], spk("BTR", ORGANISATION), id="two-expansions-fit"
    ),
    pytest.param([TIDAL], spk("XQV", ORGANISATION), id="initials-differ"),
    pytest.param(
        [TIDAL], spk("Board of Trade Review", ORGANISATION, ("BTR",)), id="two-full-names-sharing-initials"
    ),
    pytest.param(
        [spk("tidal research bureau", ORGANISATION)], spk("TRB", ORGANISATION), id="description-no-name"
    ),
    pytest.param([spk("Tomas Brell")], spk("TB", ORGANISATION), id="a-person's-initials"),
    pytest.param([LAKES], spk("OL", ORGANISATION), id="two-letters-must-be-all-initials"),
]


@pytest.mark.parametrize(("stored", "new"), ACRONYM_APART)
def test_an_acronym_stays_apart_from_what_it_does_not_abbreviate(stored: list[Speaker], new: Speaker) -> None:
    registry, went_to = fold(stored, new)
    assert went_to == new.name
    assert len(registry) == len(stored) + 1


@pytest.mark.parametrize(
    ("short", "full", "expected"),
    [
        ("CDP", "Centre for Drought Prevention", True),
        ("CDPS", "Centre for Drought Prevention and Safety", True),
        ("NGA", "Ostmark's National Grid Agency", True),
        ("U.N.", "United Nations", True),
        ("NGA", "National Grid", False),
        ("Grid", "National Grid Agency", False),
        ("NGA", "NGA", False),
    ],
)
def test_abbreviates(short: str, full: str, expected: bool) -> None:
    assert abbreviates(short, full) is expected


# --- rule 2: a surname alone joins a full name only through its own article -----------------------------

MAYOR = spk("Elias Brandvold", PERSON, ("Brandvold",), ("mayor",))
SPEAKER = spk("Ingrid Brandvold", PERSON, ("Brandvold",), ("council speaker",))

SURNAME_APART = [
    pytest.param([MAYOR], spk("Brandvold"), id="lone-surname-untitled"),
    pytest.param(
        [spk("Park Min-seo", PERSON, ("Park",), ("lawmaker",))], spk("Park"), id="family-name-first-via-alias"
    ),
    pytest.param(
        [spk("Park Min-seo", PERSON, ("Park",), ("lawmaker",))],
        spk("Park", PERSON, (), ("lawmaker",)),
        id="family-name-first-titled",
    ),
    pytest.param([MAYOR, SPEAKER], spk("Brandvold", PERSON, (), ("speaker",)), id="two-people-bear-it"),
    pytest.param([MAYOR, SPEAKER], spk("Brandvold", PERSON, (), ("mayor",)), id="two-people-bear-it-titled"),
    pytest.param([MAYOR], spk("Brandvold", PERSON, (), ("coach",)), id="another-title"),
    pytest.param([MAYOR], spk("Brandvold", ORGANISATION), id="lone-surname-as-organisation"),
    pytest.param(
        [spk("Brandvold")], spk("Elias Brandvold", PERSON, ("Brandvold",)), id="full-name-to-stored-surname"
    ),
    pytest.param([spk("Anna Vollmer")], spk("Ivan Vollmer"), id="another-first-name"),
    pytest.param([spk("Maren Keltner")], spk("Maren Kessler"), id="another-surname"),
    # an initial fits a given name only when the other full given names fit too
    pytest.param([spk("R Kavin Desai")], spk("Ravindra Desai"), id="initial-beside-another-given-name"),
    # a stored speaker whose name is empty (tag-like text) is nobody to join, and breaks nothing
    pytest.param(
        [spk("", PERSON, (), ("president",))], spk("Diaz", PERSON, (), ("president",)), id="empty-name"
    ),
]


@pytest.mark.parametrize(("stored", "new"), SURNAME_APART)
def test_a_surname_alone_stays_apart_across_articles(stored: list[Speaker], new: Speaker) -> None:
    registry, went_to = fold(stored, new)
    assert went_to == new.name
    assert len(registry) == len(stored) + 1
    for known in stored:  # nothing of the newcomer rubs off on the stored people
        assert entry(registry, known.name) == merge_speakers([], [known])[0][0]


SURNAME_JOINS = [
    pytest.param(
        [MAYOR], spk("Brandvold", PERSON, (), ("mayor",)), "Elias Brandvold", id="titled-surname-one-bearer"
    ),
    pytest.param(
        [spk("Brandvold", PERSON, (), ("mayor",))],
        spk("Elias Brandvold", PERSON, ("Brandvold",), ("city mayor",)),
        "Elias Brandvold",
        id="titled-full-name-to-stored-surname",
    ),
    pytest.param(
        [spk("Yevhenia Doroshko")], spk("Yevheniya Doroshko"), "Yevhenia Doroshko", id="full-name-spellings"
    ),
    pytest.param([spk("Oleksa Harnyk")], spk("Oleksa Harnik"), "Oleksa Harnyk", id="surname-spellings"),
    pytest.param([spk("Harnyk")], spk("Harnik"), "Harnyk", id="two-lone-spellings"),
    pytest.param(
        [spk("Oleksa Harnyk")],
        spk("Oleksa Harnik", ORGANISATION),
        "Oleksa Harnyk",
        id="full-name-the-parser-took-for-an-organisation",
    ),
]


@pytest.mark.parametrize(("stored", "new", "joined"), SURNAME_JOINS)
def test_full_names_and_titled_surnames_join(stored: list[Speaker], new: Speaker, joined: str) -> None:
    registry, went_to = fold(stored, new)
    assert went_to == joined
    assert len(registry) == len(stored)
    assert entry(registry, joined).kind == PERSON


# --- rule 3: a role or description is never merged into another speaker --------------------------------

COAST = spk("Ministry of Coastal Affairs", ORGANISATION, roles=("ministry",))
TESSARO = spk("Tessaro Motors", ORGANISATION, roles=("carmaker",))
DELCOURT = spk("Rosa Delcourt", PERSON, ("Delcourt",), ("lawmaker",))

DESCRIPTION_APART = [
    pytest.param([COAST], spk("Minister"), id="bare-title-to-a-ministry"),
    pytest.param([COAST], spk("Minister", ORGANISATION), id="bare-title-as-organisation"),
    pytest.param(
        [spk("Minister")], spk("Ministry of Coastal Affairs", ORGANISATION), id="ministry-to-a-bare-title"
    ),
    pytest.param(
        [spk("Velmora Health Ministry", ORGANISATION)],
        spk("health ministry", ORGANISATION),
        id="description-to-name",
    ),
    pytest.param(
        [spk("health ministry", ORGANISATION)],
        spk("Velmora Health Ministry", ORGANISATION),
        id="name-to-description",
    ),
    pytest.param([TESSARO], spk("the company", ORGANISATION), id="the-company"),
    pytest.param(
        [spk("Grenmark Port Agency", ORGANISATION)], spk("the agency", ORGANISATION), id="the-agency"
    ),
    pytest.param([spk("Grenmark Port Agency", ORGANISATION)], spk("agency", ORGANISATION), id="agency"),
    pytest.param([DELCOURT], spk("lawmaker", ANONYMOUS), id="lawmaker-anonymous"),
    pytest.param([DELCOURT], spk("lawmaker"), id="lawmaker-as-person"),
    pytest.param(
        [spk("officials", ANONYMOUS)], spk("Velmoran officials", ANONYMOUS), id="officials-of-somewhere"
    ),
    pytest.param([spk("Velmoran officials", ANONYMOUS)], spk("officials", ANONYMOUS), id="officials"),
    pytest.param([spk("Governor")], spk("Governor Tilde Aarsen"), id="title-to-titled-name"),
    pytest.param(
        [spk("Ostmark Electoral Commission", ORGANISATION)],
        spk("electoral commission", ORGANISATION),
        id="subset",
    ),
    pytest.param(
        [spk("Police", ORGANISATION)], spk("Police Scotland Yardley", ORGANISATION), id="police-to-a-force"
    ),
]


@pytest.mark.parametrize(("stored", "new"), DESCRIPTION_APART)
def test_a_description_never_joins_a_name(stored: list[Speaker], new: Speaker) -> None:
    registry, went_to = fold(stored, new)
    assert went_to == new.name
    assert len(registry) == len(stored) + 1
    for known in stored:  # no roles or aliases copied either way
        assert entry(registry, known.name).roles == known.roles
        assert entry(registry, known.name).aliases == known.aliases
    assert entry(registry, new.name).roles == new.roles


DESCRIPTION_JOINS = [
    pytest.param(
        [spk("the agency", ORGANISATION)], spk("agency", ORGANISATION), id="with-and-without-article"
    ),
    pytest.param(
        [spk("Velmora's coast guard service", ORGANISATION)],
        spk("Velmora's Coast Guard Service", ORGANISATION),
        id="same-words-capitalised",
    ),
    pytest.param(
        [spk("Ostmark's special rescue forces", ORGANISATION)],
        spk("Ostmark's Special Rescue Force", ORGANISATION),
        id="same-words-singular",
    ),
    pytest.param([spk("officials", ANONYMOUS)], spk("Officials", ANONYMOUS), id="officials"),
]


@pytest.mark.parametrize(("stored", "new"), DESCRIPTION_JOINS)
def test_a_description_joins_the_same_words(stored: list[Speaker], new: Speaker) -> None:
    registry, _ = fold(stored, new)
    assert len(registry) == 1


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("Minister", PERSON, True),
        ("the agency", ORGANISATION, True),
        ("health ministry", ORGANISATION, True),
        ("Local officials", ANONYMOUS, True),
        ("Police", ORGANISATION, True),
        ("South Korea's spy agency", ORGANISATION, True),
        ("Ostmark's Coastal Rescue Service", ORGANISATION, False),
        ("Tessaro Motors", ORGANISATION, False),
        ("Tessaro", ORGANISATION, False),
        ("NATO", ORGANISATION, False),
        ("The Pentagon", ORGANISATION, False),
        ("Rosa Delcourt", PERSON, False),
    ],
)
def test_is_description(name: str, kind: str, expected: bool) -> None:
    assert is_description(name, kind) is expected


# --- rule 4: each speaker's kind is right after merging -------------------------------------------------

KINDS = [
    pytest.param(
        [spk("Kestrel", ORGANISATION, roles=("company",))],
        spk("Kestrel", PERSON),
        ORGANISATION,
        id="company-stays",
    ),
    pytest.param(
        [spk("Kestrel", ORGANISATION)], spk("Kestrel", PERSON), ORGANISATION, id="first-kind-stands"
    ),
    pytest.param(
        [spk("Kestrel", PERSON, roles=("president",))],
        spk("Kestrel", ORGANISATION),
        PERSON,
        id="titled-person-stays",
    ),
    pytest.param(
        [spk("Kestrel Aviation", ORGANISATION)], spk("Kestrel Aviation", PERSON), ORGANISATION, id="two-words"
    ),
    pytest.param(
        [spk("Lindqvist Group", PERSON)], spk("Lindqvist Group", ORGANISATION), ORGANISATION, id="org-word"
    ),
    pytest.param(
        [spk("Oleksa Harnyk", ORGANISATION, roles=("army chief",))],
        spk("Oleksa Harnyk", PERSON),
        PERSON,
        id="tagged-organisation-with-a-title",
    ),
    pytest.param([spk("Tomas Reyl", ORGANISATION, ("Reyl",))], None, PERSON, id="called-by-surname"),
    pytest.param(
        [spk("Verdant Holdings", ORGANISATION, ("Verdant",))], None, ORGANISATION, id="called-by-first-word"
    ),
    pytest.param([spk("Suvela Radio", ORGANISATION)], None, ORGANISATION, id="nothing-to-go-by"),
    pytest.param([TIDAL], spk("BTR", PERSON), ORGANISATION, id="acronym"),
]


@pytest.mark.parametrize(("stored", "new", "kind"), KINDS)
def test_kind_after_merging(stored: list[Speaker], new: Speaker | None, kind: str) -> None:
    registry, _ = merge_speakers([], stored)
    if new is not None:
        registry, _ = merge_speakers(registry, [new])
    assert [s.kind for s in registry] == [kind]


# --- rule 5: claims merge only within one registry entry ------------------------------------------------


def claim(speaker: str, statement: str, document: str, said_on: date | None = date(2031, 5, 1)) -> Claim:
    return Claim(
        id=f"{document}-{abs(hash((speaker, statement))) % 10**8}",
        speaker=speaker,
        statement=statement,
        said_on=said_on,
        sources=(Source(document=document, sentence=statement),),
    )


LINE = "The harbour will reopen to ferries by the end of the month"


def test_the_same_name_from_two_articles_goes_where_each_article_sends_it() -> None:
    """Article A's titled "Brandvold" is the stored mayor; article B's untitled one is nobody known."""
    result = merge_claims(
        [],
        [MAYOR],
        [
            claim("Brandvold", LINE, "a"),
            claim("Brandvold", "Taxes will not rise this year, the mayor said", "b"),
        ],
        [spk("Brandvold", PERSON, (), ("mayor",)), spk("Brandvold")],
        NOW,
    )
    speakers = {c.sources[0].document: c.speaker for c in result.claims}
    assert speakers == {"a": "Elias Brandvold", "b": "Brandvold"}
    assert {s.name for s in result.speakers} == {"Elias Brandvold", "Brandvold"}


def test_a_stored_surname_keeps_its_claims_when_a_full_name_with_that_alias_comes() -> None:
    stored_claim = claim("Brandvold", LINE, "old")
    registry, _ = merge_speakers(
        [], [spk("Brandvold"), spk("Elias Brandvold", PERSON, ("Brandvold",), ("mayor",))]
    )
    result = merge_claims(
        [stored_claim],
        registry,
        [claim("Elias Brandvold", LINE, "new")],
        [spk("Elias Brandvold", PERSON, ("Brandvold",), ("mayor",))],
        NOW,
    )
    assert result.added == 1 and result.merged == 0
    assert all(c.speaker == "Elias Brandvold" for c in result.claims)  # the stored claim was not touched
    assert {s.name for s in result.speakers} == {"Brandvold", "Elias Brandvold"}


def test_a_role_and_a_name_saying_the_same_stay_two_claims() -> None:
    result = merge_claims(
        [claim("Ministry of Coastal Affairs", LINE, "old")],
        [COAST],
        [claim("Minister", LINE, "new")],
        [spk("Minister")],
        NOW,
    )
    assert result.added == 1 and result.merged == 0
    assert {c.speaker for c in result.claims} == {"Minister"}


def test_an_acronym_and_its_expansion_saying_the_same_are_one_claim() -> None:
    result = merge_claims(
        [claim("Bureau of Tidal Research", LINE, "old")],
        [TIDAL],
        [claim("BTR", LINE, "new")],
        [spk("BTR", ORGANISATION)],
        NOW,
    )
    assert result.added == 0 and result.merged == 1
    (merged,) = result.claims
    assert merged.speaker == "Bureau of Tidal Research"
    assert {s.document for s in merged.sources} == {"old", "new"}


def test_a_grown_name_renames_the_stored_claims() -> None:
    result = merge_claims(
        [claim("Brandvold", LINE, "old")],
        [spk("Brandvold", PERSON, (), ("mayor",))],
        [claim("Elias Brandvold", LINE, "new")],
        [spk("Elias Brandvold", PERSON, ("Brandvold",), ("mayor",))],
        NOW,
    )
    assert result.merged == 1
    assert [c.speaker for c in result.claims] == ["Elias Brandvold"]
    assert [s.name for s in result.speakers] == ["Elias Brandvold"]


@pytest.mark.parametrize(
    "stored",
    [[MAYOR, SPEAKER], [TIDAL, LAKES], [COAST, DELCOURT, TESSARO]],
    ids=["people", "agencies", "mixed"],
)
def test_every_claim_speaker_is_one_registry_entry(stored: list[Speaker]) -> None:
    found_speakers = [
        spk("Brandvold", PERSON, (), ("mayor",)),
        spk("BTR", ORGANISATION),
        spk("Minister"),
        spk("the company", ORGANISATION),
    ]
    found = [claim(s.name, f"{LINE} ({s.name})", f"doc{i}") for i, s in enumerate(found_speakers)]
    result = merge_claims([], stored, found, found_speakers, NOW)
    names = [s.name for s in result.speakers]
    assert len(names) == len(set(names))
    assert {c.speaker for c in result.claims} <= set(names)


def test_an_empty_stored_name_is_no_full_name_for_a_surname() -> None:
    from bot.merge import _surname_of

    assert not _surname_of(spk("Diaz", PERSON, (), ("president",)), spk("", PERSON, (), ("president",)))


FULL_NAMES = [
    "Pat O'Brien", "Lee Seong-kweun", "Maria Benchmark", "Ana de la Cruz", "Jan van der Berg",
    "Dmitri Zelenskyy", "Kwame Mensah-Bonsu", "Sofia Marquez", "Acme Holdings Inc.", "Bo Li",
]  # fmt: skip
LONE_NAMES = [
    "Brien", "O'Brien", "Lee", "Benchmark", "Bench", "Cruz", "Berg", "Zelensky", "Zelenskiy", "Mensah-Bonsu",
    "Bonsu", "Marques", "Acme", "Li", "Seong-kweun", "Maria",
]  # fmt: skip


@pytest.mark.parametrize("full", FULL_NAMES)
def test_the_surname_prefilter_never_leaves_out_a_bearer(full: str) -> None:
    from bot.merge import _bears_surname, _last_initial, _surname_keys

    holder = Speaker(full, PERSON)
    first_letters, first_words = _surname_keys(holder)
    for lone in LONE_NAMES:
        if _bears_surname(Speaker(lone, PERSON), holder):
            assert _last_initial(lone) in first_letters or lone in first_words, (full, lone)
