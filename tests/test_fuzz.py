"""Fuzzing with hypothesis: questions, article files and the text cutter take anything without raising.

Bounded: a fixed number of examples each, derandomised (the same examples on every run, so CI cannot turn
red by chance) and no example database written into the work tree.
"""

from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path

import pytest
from fakebotapi import check_telegram_html
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.ask.index import ClaimIndex
from bot.ask.match import answer_question
from bot.ask.question import parse_question
from bot.ask.render import TELEGRAM_LIMIT, render_answer
from bot.ingest import read_path
from bot.ingest.readers import article_from_text, text_spans
from bot.models import Claim, Figure, Source, Speaker

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _claim(i: int, speaker: str, statement: str, figures: tuple[Figure, ...] = ()) -> Claim:
    return Claim(
        str(i),
        speaker,
        statement,
        figures,
        date(2025, 3, i),
        sources=(Source(f"doc{i}", statement, outlet="Wire <b>& Co</b>", url=f"https://n.example/{i}"),),
    )


CLAIMS = [
    _claim(1, "Ana Diaz", "Floods forced 300 people from their homes.", (Figure("300", 300.0),)),
    _claim(2, "Ana Diaz", "The river road stays closed <until> Friday & beyond.", ()),
    _claim(3, "Central Bank", "Inflation will fall to 2.5% by next year.", (Figure("2.5%", 2.5, "%"),)),
    _claim(4, "Volodymyr Zelensky", "About 3,800 North Korean troops were killed or wounded.", ()),
    _claim(5, ">", "A speaker whose name is only punctuation said this.", ()),
]
SPEAKERS = [
    Speaker("Ana Diaz", "person", ("Ana Diaz", "Diaz")),
    Speaker("Central Bank", "organisation", ("Central Bank",)),
    Speaker("Volodymyr Zelensky", "person", ("Volodymyr Zelensky", "Zelensky")),
    Speaker(">", "person", (">",)),
]
INDEX = ClaimIndex.build(CLAIMS, SPEAKERS)

WORDS = st.sampled_from(
    "what did who said say about on according to how many latest vs 's ana diaz zelensky central bank "
    "floods inflation 3,800 2.5% 300 troops north korean < > & \" ' ? ! - : ; . , ( ) [ ] / "
    "´ ² ½ 𝟘 İ ß ﬁ \u200b \u202e \x00 \n \t".split(" ")
)
QUESTIONS = st.one_of(
    st.text(max_size=120),
    st.lists(WORDS, max_size=14).map(" ".join),
    st.lists(st.one_of(WORDS, st.text(max_size=6)), max_size=10).map("".join),
)


@FUZZ
@given(QUESTIONS)
def test_any_question_gets_a_valid_reply(question: str) -> None:
    parse_question(question)
    answer = answer_question(question, INDEX)
    parts = render_answer(answer)
    assert parts
    for part in parts:
        assert len(part) <= TELEGRAM_LIMIT
        check_telegram_html(part)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
RECORDS = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.text(max_size=10), st.integers(), JSON_VALUES),
        "text": st.one_of(st.text(max_size=300), JSON_VALUES),
        "published": st.one_of(st.none(), st.text(max_size=12), st.just("2024-02-30"), st.just("2024-05-01")),
        "outlet": st.one_of(st.none(), st.text(max_size=12), JSON_VALUES),
        "url": st.one_of(st.none(), st.text(max_size=12)),
        "title": st.one_of(st.none(), st.text(max_size=12), JSON_VALUES),
    },
)
JSONL_LINES = st.lists(
    st.one_of(
        RECORDS.map(json.dumps),
        JSON_VALUES.map(json.dumps),
        st.text(max_size=60),
        st.integers(1, 5000).map(lambda n: "[" * n),
    ),
    max_size=6,
)


def _read(name: str, content: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(content)
        articles, problems = read_path(path, max_chars=20_000)
        assert all(a.text.strip() for a in articles)
        assert all(p.where.startswith(str(path)) and p.message for p in problems)
        # the folder reads the same way
        again, _ = read_path(Path(tmp), max_chars=20_000)
        assert [a.id for a in again] == [a.id for a in articles]


@FUZZ
@given(st.binary(max_size=3000), st.sampled_from(["a.txt", "a.jsonl", "a.html"]))
def test_any_bytes_in_any_article_file_are_read_or_named(content: bytes, name: str) -> None:
    _read(name, content)


@FUZZ
@given(JSONL_LINES)
def test_any_jsonl_is_read_line_by_line(lines: list[str]) -> None:
    content = "\n".join(lines).encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "wire.jsonl"
        path.write_bytes(content)
        articles, problems = read_path(path, max_chars=20_000)
    # every non-blank line is one article or one problem naming that line, whatever the others hold
    lines_named = {p.where for p in problems if p.where != str(path)}
    assert all(where.startswith(f"{path}:") for where in lines_named)
    blank = content.decode("utf-8-sig").split("\n")
    assert len(articles) + len(lines_named) == sum(bool(raw.strip()) for raw in blank)


@FUZZ
@given(st.text(max_size=2000))
def test_any_text_is_cleaned_without_raising(text: str) -> None:
    article = article_from_text(text, doc_id="x")
    assert article is None or article.text.strip()


@FUZZ
@given(st.text(alphabet=st.sampled_from("ab .\n?!"), max_size=600), st.integers(1, 80))
def test_text_spans_cover_the_text_in_bounded_parts(text: str, limit: int) -> None:
    spans = text_spans(text, limit)
    assert "".join(text[s:e] for s, e in spans) == text
    assert all(0 < e - s <= limit for s, e in spans) or spans == [(0, 0)]
    assert [s for s, _ in spans[1:]] == [e for _, e in spans[:-1]]


@FUZZ
@given(st.text(max_size=80))
def test_any_callback_data_is_a_button_of_mine_or_none(data: str) -> None:
    from handlers.ask import parse_button

    parsed = parse_button(data)
    if parsed is not None:
        kind, key, page = parsed
        assert kind in ("more", "src", "page", "chart") and key.isascii() and 0 <= page < 1000


@pytest.mark.parametrize(
    ("data", "parsed"),
    [
        ("more:1f2e:1", ("more", "1f2e", 1)),
        ("src:1f2e:0", ("src", "1f2e", 0)),
        ("more:1:²", None),  # a digit that int() refuses
        ("more:1:1\n", None),
        ("ex:0", None),
        ("more:ZZ:1", None),
    ],
)
def test_callback_table(data: str, parsed: tuple[str, str, int] | None) -> None:
    from handlers.ask import parse_button

    assert parse_button(data) == parsed
