"""Answers that need the article around a claim: the body a spokesperson speaks for, and a named speaker's
words whose subject only their article names. Every claim is invented for this test."""

from __future__ import annotations

from datetime import date

import pytest

from bot.ask.answer import FOUND, OFF_TOPIC
from bot.ask.index import ClaimIndex
from bot.ask.match import answer_question
from bot.models import Claim, Source, Speaker

SPEAKERS = [
    Speaker("Harbour Authority", "organisation", ("Harbour Authority",), ()),
    Speaker("Lena Voss", "person", ("Lena Voss", "Voss"), ("port spokeswoman",)),
    Speaker("Coast Guard", "organisation", ("Coast Guard",), ()),
    Speaker("Piet Mulder", "person", ("Piet Mulder", "Mulder"), ("coast guard spokesman",)),
    Speaker("Sara Lind", "person", ("Sara Lind", "Lind"), ("ministry spokeswoman",)),
    Speaker("Weather Office", "organisation", ("Weather Office",), ()),
    Speaker("Tomas Berg", "person", ("Tomas Berg", "Berg"), ("union spokesman",)),
    Speaker("Farid Nasser", "person", ("Farid Nasser", "Nasser"), ("harbour pilot",)),
]


def _claim(cid: str, speaker: str, statement: str, document: str) -> Claim:
    source = Source(document, f"{statement} {speaker} said.", "Example Times", None, date(2026, 5, 4))
    return Claim(cid, speaker, statement, (), date(2026, 5, 4), sources=(source,))


CLAIMS = [
    # the body speaks first, its spokeswoman next: her name reaches the body's words
    _claim("a1", "Harbour Authority", "Forty ferries were cancelled because of the storm surge.", "doc-a"),
    _claim("a2", "Lena Voss", "Crews are checking the quay walls for damage.", "doc-a"),
    # the body has its own spokesman in the article: another spokeswoman does not take its words
    _claim("b1", "Coast Guard", "Six sailors were rescued after the storm surge.", "doc-b"),
    _claim("b2", "Piet Mulder", "The search will go on through the night.", "doc-b"),
    _claim("b3", "Sara Lind", "Ferry crews were warned about the storm surge.", "doc-b"),
    # someone else speaks between the body and the spokesman: no link
    _claim("c1", "Weather Office", "The storm surge will peak on Thursday.", "doc-c"),
    _claim("c2", "Farid Nasser", "The channel is too rough to enter.", "doc-c"),
    _claim("c3", "Tomas Berg", "Port workers will stay home until it passes.", "doc-c"),
    # words with no topic of their own, in an article about a strike
    _claim("d1", "Tomas Berg", "We have nothing to add at this point.", "doc-d"),
    _claim("d2", "Farid Nasser", "The dock strike has stopped every container ship.", "doc-d"),
    # the headline names the subject ("bribery") that no claim's words carry
    _claim("e1", "Lena Voss", "The suspension was expected.", "doc-e"),
    _claim("e2", "Lena Voss", "Nobody could have decided otherwise under that pressure.", "doc-e"),
    # one speech, one sentence naming it
    _claim("f1", "Tomas Berg", "In a speech in Norvik, Berg said wages must rise.", "doc-f"),
    _claim("f2", "Tomas Berg", "Nobody should work for less than a living wage.", "doc-f"),
    _claim("f3", "Tomas Berg", "The union will not sign this year's offer.", "doc-f"),
    _claim("g1", "Tomas Berg", "Ferries will run on Sunday.", "doc-g"),
    # a short word and its longer forms; two claims that answer equally, in the order the article told them
    _claim("h1", "Sara Lind", "Hackers reached the port's booking system.", "doc-h"),
    _claim("h2", "Sara Lind", "The booking system was taken offline by hackers.", "doc-h"),
]

TITLES = {"doc-d": "Dock strike enters its second week", "doc-e": "Harbour master suspended over bribery"}


@pytest.fixture(scope="module")
def index() -> ClaimIndex:
    return ClaimIndex.build(CLAIMS, SPEAKERS, TITLES)


@pytest.mark.parametrize(
    ("question", "included", "excluded"),
    [
        ("what did voss say about the storm surge", {"a1"}, set()),
        ("voss on cancelled ferries", {"a1"}, set()),
        ("what did lind say about the storm surge", {"b3"}, {"b1"}),  # the Coast Guard has Mulder
        ("what did mulder say about the storm surge", {"b1"}, set()),
        ("what did berg say about the storm surge", set(), {"c1"}),  # Nasser spoke in between
        ("what did nasser say about the storm surge", set(), {"c1"}),  # not a spokesperson
    ],
)
def test_a_spokesperson_speaks_for_the_body_quoted_just_before(
    index: ClaimIndex, question: str, included: set[str], excluded: set[str]
) -> None:
    got = {c.id for c in answer_question(question, index).claims}
    assert included <= got, got
    assert not excluded & got, got


def test_a_named_speakers_words_are_about_what_their_article_is_about(index: ClaimIndex) -> None:
    answer = answer_question("what did berg say about the dock strike", index)
    assert answer.status == FOUND
    assert [c.id for c in answer.claims] == ["d1"]
    # no article of his mentions an election: nothing, and what Berg did speak about
    assert answer_question("what did berg say about the election", index).status == OFF_TOPIC


def test_words_on_the_topic_come_before_the_articles_other_words(index: ClaimIndex) -> None:
    answer = answer_question("what did nasser say about the dock strike", index)
    assert [c.id for c in answer.claims][:1] == ["d2"]
    assert "c2" not in {c.id for c in answer.claims}


def test_a_headline_word_no_claim_carries_still_lets_the_next_words_follow(index: ClaimIndex) -> None:
    ids = [c.id for c in answer_question("what did voss say about the bribery suspension", index).claims]
    assert ids[:2] == ["e1", "e2"]


def test_a_question_about_one_speech_gets_that_speech(index: ClaimIndex) -> None:
    ids = [c.id for c in answer_question("what did berg say in his norvik speech", index).claims]
    assert ids[0] == "f1" and {"f2", "f3"} <= set(ids) and "g1" not in ids


def test_a_short_word_finds_its_longer_forms_and_ties_keep_the_articles_order(index: ClaimIndex) -> None:
    assert [c.id for c in answer_question("what did lind say about the hack", index).claims][:2] == [
        "h1",
        "h2",
    ]
