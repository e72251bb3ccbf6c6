"""One speaker across spellings and forms; different people stay apart."""

from __future__ import annotations

import pytest

from bot.extract.speakers import ORGANISATION, PERSON, same_speaker
from bot.merge import merge_speakers
from bot.models import Speaker

SAME = [
    ("Zelensky", "Zelenskiy", PERSON),
    ("Zelenskyy", "Volodymyr Zelensky", PERSON),
    ("Volodymyr Zelenskiy", "Volodymyr Zelenskyy", PERSON),
    ("Syrskyi", "Syrskiy", PERSON),
    ("Oleksandr Syrskyi", "Oleksander Syrskyi", PERSON),
    ("Lidia Moravec", "Lidiya Moravec", PERSON),
    ("Ostrovska", "Ostrovskaya", PERSON),
    ("Mohammed bin Salman", "Mohammad bin Salman", PERSON),
    ("Pentagon", "the Pentagon", ORGANISATION),
    ("Russia's Defense Ministry", "Russia's Defence Ministry", ORGANISATION),
    ("the World Health Organization", "World Health Organization", ORGANISATION),
    ("Tchaikovsky", "Pyotr Tchaikovskiy", PERSON),
]

DIFFERENT = [
    ("Kim Jong Un", "Kim Yo Jong", PERSON),
    ("Joe Biden", "Hunter Baden", PERSON),
    ("Anna Novak", "Ivan Novak", PERSON),
    ("Pentagon", "White House", ORGANISATION),
    ("Russia's Defense Ministry", "Ukraine's Defense Ministry", ORGANISATION),
    ("John Kirby", "John Kerry", PERSON),
    ("Maria Keller", "Maria Kessler", PERSON),
]


@pytest.mark.parametrize(("a", "b", "kind"), SAME)
def test_same_speaker(a: str, b: str, kind: str) -> None:
    assert same_speaker(a, kind, b, kind)
    assert same_speaker(b, kind, a, kind)


@pytest.mark.parametrize(("a", "b", "kind"), DIFFERENT)
def test_different_speakers(a: str, b: str, kind: str) -> None:
    assert not same_speaker(a, kind, b, kind)


def test_registry_keeps_every_alias_and_the_fullest_name() -> None:
    """Full-name spellings join across articles; a surname alone joins only with the title its article
    gives it, and a one-word name the parser took for an organisation does not make the person one."""
    registry, canonical = merge_speakers([], [Speaker("Zelenskiy", PERSON, ("Zelenskiy",), ("president",))])
    registry, canonical = merge_speakers(
        registry, [Speaker("Volodymyr Zelensky", PERSON, ("Volodymyr Zelensky",), ("president",))]
    )
    assert canonical["Zelenskiy"] == "Volodymyr Zelensky"  # the stored name grew: its claims follow
    registry, canonical = merge_speakers(
        registry, [Speaker("Volodymyr Zelenskyy", ORGANISATION, ("Volodymyr Zelenskyy",))]
    )
    assert len(registry) == 1
    assert registry[0].name == "Volodymyr Zelensky"
    assert registry[0].kind == PERSON
    assert set(registry[0].aliases) == {"Zelenskiy", "Volodymyr Zelensky", "Volodymyr Zelenskyy"}
    assert canonical["Volodymyr Zelenskyy"] == "Volodymyr Zelensky"


@pytest.mark.parametrize(("a", "b"), [(">", "Jane Doe"), ("", "Doe"), ("—", "—"), ("Doe", "'s")])
def test_a_name_with_nothing_left_matches_no_one_and_never_fails(a: str, b: str) -> None:
    assert not same_speaker(a, PERSON, b, PERSON)
    assert not same_speaker(b, PERSON, a, PERSON)
