"""Example questions come from the store and every one of them answers. Every claim is invented."""

from __future__ import annotations

from datetime import date

from bot.ask.answer import FOUND
from bot.ask.examples import example_questions
from bot.ask.index import ClaimIndex
from bot.ask.match import answer_question
from bot.models import Claim, Source, Speaker

SPEAKERS = [
    Speaker("Ana Lind", "person", ("Ana Lind", "Lind"), ("mayor",)),
    Speaker("Harbour Board", "organisation", ("Harbour Board",), ()),
    Speaker("officials", "anonymous", ("officials",), ()),
]
TEXTS = {
    "Ana Lind": ["The ferry service will resume on Monday.", "Ferry fares will stay frozen."],
    "Harbour Board": [
        "Forty ships are waiting outside the harbour.",
        "The harbour dredging will end in May.",
    ],
    "officials": ["The storm damaged twelve piers."],
}
CLAIMS = [
    Claim(f"{s[:3]}{k}", s, text, (), date(2026, 5, 1), sources=(Source(f"d{k}", text, "Gazette"),))
    for s, texts in TEXTS.items()
    for k, text in enumerate(texts)
]


def test_examples_name_stored_speakers_and_all_answer() -> None:
    index = ClaimIndex.build(CLAIMS, SPEAKERS)
    questions = example_questions(index, 3)
    assert len(questions) == 2  # "officials" is no name to ask about
    for question in questions:
        assert any(s in question for s in ("Ana Lind", "Harbour Board")), question
        assert answer_question(question, index).status == FOUND, question


def test_an_empty_store_has_no_examples() -> None:
    assert example_questions(ClaimIndex.build([], [])) == []
