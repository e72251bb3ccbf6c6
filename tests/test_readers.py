"""read_path turns .txt, .jsonl, .html files and directories into cleaned Articles."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from bot.ingest import Problem, ReadError, article_from_html, read_path
from bot.models import Article

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
FLOOD_PAGE = FIXTURES / "flood_page.html"

NOISY_TXT = (
    " date 2024-03-07 Skip to content\n"
    "Ferry operator cuts winter crossings by half\n"
    "\n"
    "by Jane Doe March 7, 2024 7:02 AM 3 min read\n"
    "A ferry waits at the pier. (Photo: Harbour Authority)\n"
    "Listen to this article\n"
    "\n"
    "The island ferry will run six crossings a day instead of twelve from November, the operator said.\n"
    "\n"
    '"Fuel costs have doubled since last spring," chief executive Tom Roe told reporters.\n'
    "Sign up for our newsletter to get the week's top stories.\n"
)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _one(result: tuple[list[Article], list[Problem]]) -> Article:
    articles, problems = result
    assert problems == []
    assert len(articles) == 1
    return articles[0]


def test_txt_with_date_prefix(tmp_path: Path) -> None:
    article = _one(read_path(_write(tmp_path / "ferry_cuts.txt", NOISY_TXT)))
    assert article.id == "ferry_cuts"
    assert article.published == date(2024, 3, 7)
    assert article.title == "Ferry operator cuts winter crossings by half"
    assert article.outlet is None and article.url is None
    assert article.text.split("\n") == [
        "The island ferry will run six crossings a day instead of twelve from November, the operator said.",
        '"Fuel costs have doubled since last spring," chief executive Tom Roe told reporters.',
    ]


def test_txt_without_date_prefix_or_headline(tmp_path: Path) -> None:
    text = "The dam held overnight, engineers said.\n\nWater levels fell by 40 centimetres.\n"
    article = _one(read_path(_write(tmp_path / "dam.txt", text)))
    assert (article.id, article.published, article.title) == ("dam", None, None)
    assert article.text == "The dam held overnight, engineers said.\nWater levels fell by 40 centimetres."


def test_txt_flags_override_file_metadata(tmp_path: Path) -> None:
    path = _write(tmp_path / "ferry_cuts.txt", NOISY_TXT)
    article = _one(
        read_path(
            path, outlet="Harbour Gazette", url="https://gazette.example/ferry", published=date(2024, 3, 8)
        )
    )
    assert article.outlet == "Harbour Gazette"
    assert article.url == "https://gazette.example/ferry"
    assert article.published == date(2024, 3, 8)


def test_txt_with_only_noise_is_a_problem(tmp_path: Path) -> None:
    path = _write(tmp_path / "empty.txt", "Skip to content\nAdvertisement\n5 min read\n")
    articles, problems = read_path(path)
    assert articles == []
    assert [p.where for p in problems] == [str(path)]


def test_txt_not_utf8_is_read_with_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes("The caf\u00e9 owner said 30 tables were lost \u2013 most of them.".encode("cp1252"))
    articles, problems = read_path(path)
    assert articles[0].text == "The caf\u00e9 owner said 30 tables were lost \u2013 most of them."
    assert len(problems) == 1 and "UTF-8" in problems[0].message


def _jsonl_lines() -> list[str]:
    good = {
        "id": "a1",
        "outlet": "Harbour Gazette",
        "url": "https://gazette.example/a1",
        "published": "2024-03-07",
        "title": "Ferry cuts",
        "text": "Skip to content\nThe operator said crossings would be halved.",
    }
    return [
        json.dumps(good),
        '{"id": "broken", "text": "unterminated',
        json.dumps(
            {
                "id": "a2",
                "outlet": None,
                "url": None,
                "published": None,
                "title": None,
                "text": " date 2024-03-09 The harbour master said two berths were closed.",
            }
        ),
        json.dumps({"id": "a3", "outlet": "X", "published": "2024-03-09", "title": "No text"}),
        json.dumps({"id": "a4", "published": "9 March", "text": "The mayor said nothing changed."}),
        "",
        json.dumps({"id": "a5", "published": "2024-03-10T09:30:00Z", "text": "Fares rose 8%, it said."}),
        json.dumps({"id": "a1", "text": "A second record with a repeated id, the clerk said."}),
        json.dumps(["not", "an", "object"]),
    ]


def test_jsonl_bad_lines_are_problems_and_the_rest_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path / "batch.jsonl", "\n".join(_jsonl_lines()) + "\n")
    articles, problems = read_path(path)
    assert [a.id for a in articles] == ["a1", "a2", "a5"]
    by_line = {p.where: p.message for p in problems}
    assert set(by_line) == {f"{path}:{n}" for n in (2, 4, 5, 8, 9)}
    assert "invalid JSON" in by_line[f"{path}:2"]
    assert "text" in by_line[f"{path}:4"]
    assert "date" in by_line[f"{path}:5"]
    assert "duplicate" in by_line[f"{path}:8"]
    assert "object" in by_line[f"{path}:9"]
    assert all(str(p).startswith(f"{path}:") for p in problems)


def test_jsonl_fields_and_date_prefix(tmp_path: Path) -> None:
    path = _write(tmp_path / "batch.jsonl", "\n".join(_jsonl_lines()))
    a1, a2, a5 = read_path(path)[0]
    assert a1 == Article(
        id="a1",
        text="The operator said crossings would be halved.",
        outlet="Harbour Gazette",
        url="https://gazette.example/a1",
        published=date(2024, 3, 7),
        title="Ferry cuts",
    )
    assert a2.published == date(2024, 3, 9)
    assert a2.text == "The harbour master said two berths were closed."
    assert a5.published == date(2024, 3, 10)


def test_jsonl_flags_only_fill_missing_fields(tmp_path: Path) -> None:
    path = _write(tmp_path / "batch.jsonl", "\n".join(_jsonl_lines()))
    a1, a2, _ = read_path(path, outlet="Fallback News", published=date(2020, 1, 1))[0]
    assert (a1.outlet, a1.published) == ("Harbour Gazette", date(2024, 3, 7))
    assert (a2.outlet, a2.published) == ("Fallback News", date(2020, 1, 1))


def test_html_page_fields_are_extracted() -> None:
    article = _one(read_path(FLOOD_PAGE))
    assert article.id == "flood_page"
    assert article.title == "Riverton approves flood wall after record rains"
    assert article.outlet == "The Valley Ledger"
    assert article.url == "https://valleyledger.example/news/riverton-flood-wall"
    assert article.published == date(2024, 11, 3)
    lines = article.text.split("\n")
    assert len(lines) == 6
    assert lines[0].startswith("Riverton's council voted on Saturday")
    assert lines[-1] == "The regional water authority said it would contribute up to a quarter of the cost."
    for furniture in (
        "Skip to",
        "Read more",
        "newsletter",
        "©",
        "Most read",
        "Tom Reed",
        "min read",
        "Cookie",
    ):
        assert furniture not in article.text


def test_html_flags_override_page_metadata() -> None:
    article = _one(
        read_path(FLOOD_PAGE, outlet="Ledger", url="https://mirror.example/x", published=date(2024, 1, 2))
    )
    assert (article.outlet, article.url, article.published) == (
        "Ledger",
        "https://mirror.example/x",
        date(2024, 1, 2),
    )


def test_article_from_html_uses_given_url_without_canonical() -> None:
    page = FLOOD_PAGE.read_text(encoding="utf-8").replace('<link rel="canonical"', '<link rel="author"')
    article = article_from_html(page, doc_id="fetched", url="https://valleyledger.example/feed/123")
    assert article is not None
    assert article.id == "fetched"
    assert article.url == "https://valleyledger.example/feed/123"


@pytest.mark.parametrize(
    "page",
    [
        "<html><head><title>Menu</title></head>"
        "<body><nav><a href='/'>Home</a> <a href='/n'>News</a></nav></body></html>",
        "<html><body><p>Advertisement</p><p>Skip to content</p></body></html>",
        "",
    ],
)
def test_html_without_article_text_is_a_problem(tmp_path: Path, page: str) -> None:
    path = _write(tmp_path / "empty.html", page)
    assert article_from_html(page, doc_id="empty") is None
    articles, problems = read_path(path)
    assert articles == []
    assert problems == [Problem(str(path), "no article text found in the page")]


def test_directory_reads_supported_files_sorted(tmp_path: Path) -> None:
    _write(tmp_path / "b_ferry.txt", NOISY_TXT)
    _write(tmp_path / "a_batch.jsonl", "\n".join(_jsonl_lines()[:3]))
    shutil.copy(FLOOD_PAGE, tmp_path / "c_page.HTM")
    _write(tmp_path / "notes.md", "Not an article, the reader said.")
    _write(tmp_path / ".hidden.txt", "Hidden files are skipped, the reader said.")
    (tmp_path / "sub").mkdir()
    _write(tmp_path / "sub" / "nested.txt", "Nested files are skipped, the reader said.")
    articles, problems = read_path(tmp_path, outlet="Dir Outlet")
    assert [a.id for a in articles] == ["a1", "a2", "b_ferry", "c_page"]
    assert [a.outlet for a in articles] == ["Harbour Gazette", "Dir Outlet", "Dir Outlet", "Dir Outlet"]
    assert [p.where for p in problems] == [f"{tmp_path / 'a_batch.jsonl'}:2"]


def test_empty_directory_is_a_problem(tmp_path: Path) -> None:
    articles, problems = read_path(tmp_path)
    assert articles == []
    assert len(problems) == 1 and problems[0].where == str(tmp_path)


def test_missing_file_raises(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.txt"
    with pytest.raises(ReadError, match=r"nowhere\.txt: no such file"):
        read_path(missing)


@pytest.mark.parametrize("name", ["report.pdf", "notes.md", "README"])
def test_unknown_extension_raises(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path / name, "The minister said 12 schools would close.")
    with pytest.raises(ReadError, match="unsupported file type") as info:
        read_path(path)
    assert name in str(info.value)
