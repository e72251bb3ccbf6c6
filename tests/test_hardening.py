"""One bad article never sinks the rest: poisonous inputs are named with file, line and reason, the good
ones are stored, the exit status says something failed; inputs are capped before parsing; long texts are
parsed in parts."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from spacy.language import Language

import bot.pipeline as pipeline
from bot.cli import main
from bot.ingest import read_path
from bot.ingest.readers import text_spans
from bot.models import Article
from data.store import ClaimStore

GOOD_TXT = (
    " date 2025-04-07 The mayor, Ivan Petrov, said on Monday that 14 bridges were closed after the flood.\n"
)
GOOD_LINES = [
    {
        "id": "schools",
        "text": "The education minister, Olga Brandt, said on Tuesday that 9 schools had reopened.",
    },
    {"id": "ferries", "text": "The port authority said on Wednesday that 6 ferries would resume service."},
]


def _jsonl(*lines: object) -> str:
    return "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)


def _poison_folder(folder: Path) -> None:
    folder.mkdir()
    (folder / "bridges.txt").write_text(GOOD_TXT, encoding="utf-8")
    (folder / "wire.jsonl").write_text(
        _jsonl(GOOD_LINES[0], "[" * 5000, '{"a":[' * 3000, GOOD_LINES[1]), encoding="utf-8"
    )
    (folder / "noise.txt").write_bytes(random.Random(11).randbytes(6000))
    (folder / "tags.txt").write_text(">\n\n>>\n\n> said >\n", encoding="utf-8")
    (folder / "huge.txt").write_text(GOOD_TXT * 2000, encoding="utf-8")  # ~200 kB, over the cap below


def test_a_folder_with_poisonous_articles_stores_the_good_ones_and_names_the_bad(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, nlp: Language
) -> None:
    monkeypatch.setenv("CLAIMBOT_MAX_ARTICLE_CHARS", "50000")
    monkeypatch.setattr(pipeline, "load_nlp", lambda: nlp)
    folder = tmp_path / "articles"
    _poison_folder(folder)
    db = tmp_path / "claims.json"

    code = main(["--db", str(db), "ingest", str(folder)])
    out, err = capsys.readouterr()

    assert code == 1, (out, err)
    assert f"{folder / 'huge.txt'}: too large to read (" in err and "the limit is 50,000" in err
    assert f"{folder / 'wire.jsonl'}:2: invalid JSON (nested too deeply to read)" in err
    assert f"{folder / 'wire.jsonl'}:3: invalid JSON (nested too deeply to read)" in err
    assert f"{folder / 'tags.txt'}: no article text left" in err
    assert "Traceback" not in err
    speakers = {c.speaker for c in ClaimStore(db).claims()}
    assert {"Ivan Petrov", "Olga Brandt"} <= speakers, speakers
    assert any("port authority" in s.lower() for s in speakers), speakers


def test_an_article_the_extractor_fails_on_is_named_and_the_others_are_stored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, nlp: Language
) -> None:
    real = pipeline.extract_claims

    def flaky(article: Article, doc: object) -> object:
        if article.id == "schools":
            raise IndexError("list index out of range")
        return real(article, doc)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "extract_claims", flaky)
    monkeypatch.setattr(pipeline, "load_nlp", lambda: nlp)
    path = tmp_path / "wire.jsonl"
    path.write_text(_jsonl(*GOOD_LINES), encoding="utf-8")
    db = tmp_path / "claims.json"

    code = main(["--db", str(db), "ingest", str(path)])
    out, err = capsys.readouterr()

    assert code == 0  # the run goes on: the article is stored without claims, and named
    assert "claimbot: error: article schools: extraction failed (IndexError: list index out of range)" in err
    assert "Traceback" not in err
    assert out.startswith("2 articles read") and "1 problem reported above" in out
    assert any("port authority" in c.speaker.lower() for c in ClaimStore(db).claims())


# --- the readers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "poison",
    [
        "[" * 5000,
        "[" * 5000 + "]" * 5000,  # valid, and still too deep for the parser
        '{"a":' * 5000,
        '{"id": "x", "text": "t", "title": ' + "[" * 5000 + "]" * 5000 + "}",
    ],
    ids=["open", "closed", "objects", "inside-a-record"],
)
def test_one_deeply_nested_jsonl_line_is_named_and_the_rest_is_read(tmp_path: Path, poison: str) -> None:
    path = tmp_path / "wire.jsonl"
    path.write_text(_jsonl(GOOD_LINES[0], poison, GOOD_LINES[1]), encoding="utf-8")
    articles, problems = read_path(path)
    assert [a.id for a in articles] == ["schools", "ferries"]
    assert [(p.where, p.failed) for p in problems] == [(f"{path}:2", True)]
    assert "nested too deeply" in problems[0].message


def test_a_number_of_thousands_of_digits_is_one_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "wire.jsonl"
    path.write_text(_jsonl("1" * 5000, GOOD_LINES[1]), encoding="utf-8")
    articles, problems = read_path(path)
    assert [a.id for a in articles] == ["ferries"]
    assert problems[0].where == f"{path}:1" and problems[0].message.startswith("invalid JSON (")


@pytest.mark.parametrize("suffix", [".txt", ".html", ".jsonl"])
def test_the_size_cap_is_checked_before_parsing(
    tmp_path: Path, suffix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / f"big{suffix}"
    body = json.dumps({"id": "big", "text": "x " * 3000}) + "\n" if suffix == ".jsonl" else "x " * 3000
    path.write_text(body, encoding="utf-8")
    monkeypatch.setattr("bot.ingest.readers.clean_text", _never)  # nothing may be parsed
    monkeypatch.setattr("bot.ingest.readers.trafilatura.bare_extraction", _never)
    articles, problems = read_path(path, max_chars=5000)
    assert articles == [] and len(problems) == 1 and problems[0].failed
    where = f"{path}:1" if suffix == ".jsonl" else str(path)
    assert problems[0].where == where and "too large to read" in problems[0].message


def _never(*args: object, **kwargs: object) -> object:
    raise AssertionError("parsed an input over the size cap")


def test_the_size_cap_comes_from_the_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.txt"
    path.write_text(GOOD_TXT * 30, encoding="utf-8")  # about 3 kB
    assert read_path(path)[0]  # under the default
    monkeypatch.setenv("CLAIMBOT_MAX_ARTICLE_CHARS", "2000")
    articles, problems = read_path(path)
    assert not articles and "the limit is 2,000, CLAIMBOT_MAX_ARTICLE_CHARS" in problems[0].message


# --- long texts ---------------------------------------------------------------------------------------


def test_text_spans_cut_at_paragraph_breaks_and_cover_the_text() -> None:
    paragraphs = [f"Paragraph {i} says something about item {i}." * (1 + i % 3) for i in range(40)]
    text = "\n\n".join(paragraphs)
    spans = text_spans(text, 300)
    assert "".join(text[s:e] for s, e in spans) == text
    assert all(0 < e - s <= 300 for s, e in spans)
    assert all(text[s:e].endswith("\n\n") for s, e in spans[:-1])
    assert text_spans("short", 300) == [(0, 5)]
    assert text_spans("", 300) == [(0, 0)]
    # a paragraph longer than a part is cut at a sentence end, else at a space, else anywhere
    start, end = text_spans("ab. " * 30, 10)[0]
    assert ("ab. " * 30)[start:end] == "ab. ab. "
    assert text_spans("x" * 25, 10) == [(0, 10), (10, 20), (20, 25)]


def test_an_article_over_the_parser_limit_is_parsed_in_parts(
    nlp: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    """spaCy refuses a text over nlp.max_length (E088); a small limit reproduces that on a small text."""
    names = ["Ivan Petrov", "Olga Brandt", "Maria Lopez", "Tomas Berg", "Anna Weiss", "Karl Moser"]
    text = "\n\n".join(
        f"{name}, the regional director, said on Monday that {10 + i} depots were closed. " + "Filler. " * 60
        for i, name in enumerate(names)
    )
    monkeypatch.setattr(nlp, "max_length", 1000)
    assert len(text) > 3 * nlp.max_length
    with pytest.raises(ValueError, match="E088"):
        nlp(text)
    article = Article(id="long", text=text, outlet=None, url=None, published=None, title=None)
    failures: list[str] = []
    [(_, claims, _)] = pipeline.extract_all([article], nlp, failures)
    assert failures == []
    assert {c.speaker for c in claims} >= set(names[:5]), [c.speaker for c in claims]


def test_a_text_the_parser_fails_on_loses_only_itself(nlp: Language, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nlp, "max_length", 400)
    ok = Article(id="ok", text="The mayor said on Monday that 3 parks were shut.", outlet=None, url=None,
                 published=None, title=None)  # fmt: skip
    parts = [(0, ok, ok.text), (1, ok, "x" * 500), (2, ok, ok.text)]
    failures: list[str] = []
    parsed = list(pipeline._parse_all(nlp, iter(parts), failures))
    assert [i for i, _, _ in parsed] == [0, 2]
    assert [doc.text for _, _, doc in parsed] == [ok.text, ok.text]
    assert len(failures) == 1 and "parsing failed (ValueError: [E088]" in failures[0]


def test_a_reader_that_trips_on_one_file_or_line_loses_only_that(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.ingest.readers as readers

    real = readers.clean_text

    def fragile(text: str) -> str:
        if "BOOM" in text:
            raise KeyError("a cleaner bug")
        return real(text)

    monkeypatch.setattr(readers, "clean_text", fragile)
    (tmp_path / "a-good.txt").write_text(GOOD_TXT, encoding="utf-8")
    (tmp_path / "b-bad.txt").write_text("BOOM " + GOOD_TXT, encoding="utf-8")
    (tmp_path / "c-wire.jsonl").write_text(
        _jsonl(GOOD_LINES[0], {"id": "bad", "text": "BOOM"}, GOOD_LINES[1]), encoding="utf-8"
    )
    articles, problems = read_path(tmp_path)
    assert [a.id for a in articles] == ["a-good", "schools", "ferries"]
    assert [(p.where, p.message, p.failed) for p in problems] == [
        (str(tmp_path / "b-bad.txt"), "could not be read (KeyError: 'a cleaner bug')", True),
        (f"{tmp_path / 'c-wire.jsonl'}:2", "could not be read (KeyError: 'a cleaner bug')", True),
    ]


def test_a_malformed_stored_claim_is_a_clear_error_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "claims.json"
    samples = Path(__file__).resolve().parent.parent / "data" / "samples" / "articles.jsonl"
    assert main(["--db", str(db), "ingest", str(samples)]) == 0
    raw = json.loads(db.read_text())
    record = next(iter(raw["claims"].values()))
    record["figures"] = [{"no": "text"}]
    record["search"] = None
    db.write_text(json.dumps(raw))
    capsys.readouterr()
    code = main(["--db", str(db), "claims"])
    err = capsys.readouterr().err
    assert code == 2 and "is malformed" in err and "Traceback" not in err


def test_a_store_that_cannot_be_written_says_so_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import time as _time

    from data import store as store_module
    from data.store import StoreError

    real_open = store_module.os.open

    def read_only(path: str, flags: int, mode: int = 0o777) -> int:
        if str(path).endswith(".lock"):
            raise OSError(errno.EROFS, "Read-only file system", path)
        return real_open(path, flags, mode)

    monkeypatch.setattr(store_module.os, "open", read_only)
    started = _time.monotonic()
    with pytest.raises(StoreError, match="Read-only file system"), ClaimStore(tmp_path / "c.json").batch():
        pass
    assert _time.monotonic() - started < 5
