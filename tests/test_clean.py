"""clean_text keeps article paragraphs and drops scraped page furniture, by general rules."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from bot.ingest.clean import (
    clean_text,
    is_body_line,
    is_noise_line,
    looks_like_headline,
    normalise_line,
    split_date_prefix,
)

SEEDS = Path("/work/shared/seeds")

NOISE_LINES: list[tuple[str, str]] = [
    ("navigation", "Skip to content"),
    ("navigation", "Skip to main content"),
    ("navigation", "Home"),
    ("section label", "Why It Matters"),
    ("section label", "What To Know"),
    ("section label", "Key Takeaways:"),
    ("related headline", "Harbour cranes idle as port strike enters second week"),
    ("byline", "by Jane Doe January 4, 2025 9:33 PM 2 min read"),
    ("byline", "By Jane Doe and Tom Roe"),
    ("byline", "Author: Jane Doe"),
    ("byline", "Written by Sam Reed"),
    ("bare name", "Jane Doe"),
    ("reading time", "5 min read"),
    ("date stamp", "March 12, 2024 10:45 AM"),
    ("date stamp", "Updated: 14 February 2024, 09:12 GMT"),
    ("date stamp", "Published on Mon, 3 June 2024"),
    ("audio notice", "This audio was generated with AI tools"),
    ("audio notice", "This audio is created with AI assistance."),
    ("audio notice", "Listen to this article"),
    ("player notice", "Your browser does not support the audio element."),
    ("player notice", "Your browser doesn’t support HTML5"),
    ("link", "SEE ALSO: Ten things to know about the harbour"),
    ("link", "READ MORE: Council votes on the budget"),
    ("link", "Related: Storm closes ferry routes"),
    ("newsletter", "Thank you for signing up! Check your inbox to confirm."),
    ("newsletter", "Sign up for our newsletter to get the week's top stories."),
    ("newsletter", "Subscribe to The Morning Post for unlimited access"),
    ("newsletter", "Get the best of the week in your inbox with our free newsletter."),
    ("promotion", "Explore and gift our winter collection, made by local artists."),
    ("promotion", "Cold nights ahead. Shop our new range of scarves and mugs today."),
    ("promotion", "Support our journalism today."),
    ("caption", "Firefighters work at the scene of the blaze on Sunday. (Jane Doe / AFP via Getty Images)"),
    ("caption", "A ferry leaves the harbour. (Photo: Reuters)"),
    ("caption", "(AP Photo/John Roe)"),
    ("caption", "Volunteers are seen clearing debris near the station on Monday."),
    ("caption", "The new mayor is pictured at her desk."),
    ("credit", "Photo for illustrative purposes."),
    ("credit", "Photo: Harbour Authority"),
    ("credit", "Image credit: Harbour Authority"),
    ("trailer", "With reporting by Sam Reed in Oslo"),
    ("trailer", "Reporting by Sam Reed; Editing by Ann Lee"),
    ("copyright", "© 2025 The Harbour Gazette. All rights reserved."),
    ("copyright", "Copyright 2024 Harbour Media Ltd"),
    ("advertisement", "Advertisement"),
    ("cookies", "We use cookies to improve your experience on our site."),
    ("outlet note", "The Gazette has reached out to the port authority for comment."),
]

BODY_LINES: list[tuple[str, str]] = [
    ("plain report", "The port authority said on Monday that 1,200 containers were stuck in the harbour."),
    ("quote first", '"We will rebuild," the mayor told reporters.'),
    ("curly quote first", "“Nobody expected the water to rise so fast,” said one resident."),
    ("name colon quote", 'Jane Doe, mayor: "We will rebuild."'),
    ("ends with quote", 'The minister called the decision "a disgrace"'),
    ("by as preposition", "By Tuesday, officials had reopened two of the four bridges."),
    ("question", "Is the harbour safe to use again?"),
    ("short sentence", "He declined to comment."),
    ("short report", "Police said three people were arrested."),
    (
        "according to",
        "The strike has cost the city about 3 million euros, according to the chamber of commerce.",
    ),
    ("lead-in colon", "The union said in a statement:"),
    (
        "lost final stop",
        "The council argued that the new wall would protect more than 1,200 homes and several schools along "
        "the eastern bank, but farmers upstream warned that their fields would flood more often as a result",
    ),
    ("seen as", "The move is seen as a signal to investors, analysts said."),
    (
        "sign up in body",
        "Visitors who sign up for the ferry lottery can win free tickets, the operator said.",
    ),
    ("photos in body", "Photos shared online showed flooded streets in the old town, residents said."),
    ("merch in body", "The club, which sells merch online, said profits rose 12% last year."),
    ("subscribers in body", "Subscribers to the water service will pay 4% more next year, the utility said."),
    ("agency name", "Reuters could not independently verify the report."),
    ("parenthesis", "The bridge (built in 1962) will stay closed until March."),
    ("parenthesis at end", "The council approved a 2.4-kilometre wall in 2023 (see map)."),
    ("adding quote", 'She added: "The water is still rising."'),
    ("exclamation", "The crowd shouted that the dam would hold!"),
]


@pytest.mark.parametrize(("kind", "line"), NOISE_LINES)
def test_noise_line_is_dropped(kind: str, line: str) -> None:
    assert not is_body_line(normalise_line(line)), kind
    text = f"The river rose by two metres overnight, officials said.\n{line}\nSchools stayed closed."
    assert (
        clean_text(text) == "The river rose by two metres overnight, officials said.\nSchools stayed closed."
    )


@pytest.mark.parametrize(("kind", "line"), BODY_LINES)
def test_body_line_is_kept(kind: str, line: str) -> None:
    assert is_body_line(line), kind
    assert clean_text(f"Skip to content\n{line}\nAdvertisement") == line


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("A\u00a0total  of\t40 boats sank.", "A total of 40 boats sank."),
        ("  The\u200b ferry   left. ", "The ferry left."),
        ("Rain\u00adfall was heavy.", "Rainfall was heavy."),
    ],
)
def test_whitespace_is_normalised(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_paragraphs_stay_one_per_line_in_order() -> None:
    text = (
        " date 2024-05-02 Listen to this article\n\n"
        "The first paragraph ends here.\n\n\n"
        "The first paragraph ends here.\n"
        "Second paragraph, the mayor said.\r\n"
        'Third one: "quoted words."\n'
    )
    assert clean_text(text).split("\n") == [
        "The first paragraph ends here.",
        "Second paragraph, the mayor said.",
        'Third one: "quoted words."',
    ]


@pytest.mark.parametrize(
    ("text", "day", "rest"),
    [
        (" date 2025-01-05 The article starts.", date(2025, 1, 5), "The article starts."),
        ("date 2024-12-18 Body", date(2024, 12, 18), "Body"),
        (" date 2024-02-29\nBody on the next line", date(2024, 2, 29), "Body on the next line"),
        ("No marker here.", None, "No marker here."),
        (" date 2025-13-40 Impossible date", None, " date 2025-13-40 Impossible date"),
        ("The update date 2025-01-05 is inside.", None, "The update date 2025-01-05 is inside."),
    ],
)
def test_split_date_prefix(text: str, day: date | None, rest: str) -> None:
    assert split_date_prefix(text) == (day, rest)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Port strike enters its second week", True),
        ("'Everything is gone': Flood hits riverside town", True),
        ("The strike entered its second week on Monday.", False),
        ("Skip to content", False),
        ("by Jane Doe March 3, 2024", False),
        ("Home", False),
    ],
)
def test_looks_like_headline(line: str, expected: bool) -> None:
    assert looks_like_headline(line) is expected


# Generic shapes of furniture that must not survive in any cleaned seed article.
_NOISE_SHAPES = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^skip to",
        r"\bmin read\b",
        r"^by [A-Z]",
        r"^author\s*:",
        r"\baudio\b.*\bAI\b",
        r"\bbrowser\b.*\bsupport",
        r"^(?:see also|read more|related)\s*:",
        r"\bnewsletter\b",
        r"\bsigning up\b",
        r"\bexplore and gift\b",
        r"\b(?:getty|afp)\b",
        r"\bphoto for illustrative\b",
        r"^with reporting by\b",
        r"©|\ball rights reserved\b",
    )
]


def _seed_files() -> list[Path]:
    return sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []


@pytest.mark.skipif(not _seed_files(), reason="seed articles not available")
@pytest.mark.parametrize("path", _seed_files(), ids=lambda p: p.stem)
def test_seed_articles_lose_noise_and_keep_said_sentences(path: Path) -> None:
    _, raw = split_date_prefix(path.read_text(encoding="utf-8"))
    cleaned_lines = clean_text(raw).split("\n")
    for line in cleaned_lines:
        assert not any(p.search(line) for p in _NOISE_SHAPES), line
        assert not is_noise_line(line), line
        words = len(line.split())
        assert line[-1] in ".!?\"'”’" or words >= 25, line
    kept = set(cleaned_lines)
    for raw_line in raw.splitlines():
        line = normalise_line(raw_line)
        if " said" in line:
            assert line in kept, line
