"""Replies as Telegram HTML: wording, escaping, links, and splitting within the message limit."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

import pytest

from bot.ask.answer import (
    AMBIGUOUS_SPEAKER,
    EMPTY_STORE,
    FOUND,
    NOTHING,
    OFF_TOPIC,
    UNKNOWN_SPEAKER,
    UNREADABLE,
    Answer,
)
from bot.ask.render import TELEGRAM_LIMIT, clip_html, html_to_text, render_answer, render_claim, shorten
from bot.models import Claim, Figure, Source
from bot.render import figure_text

# --- helpers -------------------------------------------------------------------------------------------

_ALLOWED = {"b", "i", "a"}
_BAD_AMP = re.compile(r"&(?!(?:amp|lt|gt|quot|#x27|#\d+);)")


class _Checker(HTMLParser):
    """Fails on anything Telegram would reject: unknown tags, stray attributes, unclosed or crossed tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in _ALLOWED, tag
        if tag == "a":
            assert [k for k, _ in attrs] == ["href"], attrs
            href = attrs[0][1] or ""
            assert href.lower().startswith(("http://", "https://")), href
        else:
            assert not attrs, attrs
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (self.stack, tag)
        self.stack.pop()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise AssertionError(f"self-closing <{tag}/>")


def assert_valid(message: str) -> None:
    checker = _Checker()
    checker.feed(message)
    checker.close()
    assert checker.stack == [], f"unclosed {checker.stack} in {message!r}"
    assert not _BAD_AMP.search(message), f"bare & in {message!r}"
    # every '<' must open one of our tags: no raw '<' from dynamic text
    for m in re.finditer(r"<", message):
        assert re.match(r"</?(?:b|i|a)\b", message[m.start() :]), message[m.start() : m.start() + 20]


def fig(text: str, value: float | None = None, unit: str | None = "troops", **kw: object) -> Figure:
    return Figure(text=text, value=value, unit=unit, **kw)  # type: ignore[arg-type]


def src(outlet: str | None, url: str | None = None, doc: str = "d", published: date | None = None) -> Source:
    return Source(document=doc, sentence="s", outlet=outlet, url=url, published=published)


def claim(
    statement: str = "The general told reporters that losses had grown over the winter to {figures}.",
    speaker: str = "Anna Kowalczyk",
    figures: tuple[Figure, ...] = (fig("more than 3,000", 3000.0, qualifier="more than"),),
    said_on: date | None = date(2024, 12, 23),
    sources: tuple[Source, ...] = (),
    relayed_by: str | None = None,
    cid: str = "c1",
) -> Claim:
    written = ", ".join(f.text for f in figures) or "a record"
    return Claim(
        id=cid,
        speaker=speaker,
        statement=statement.replace("{figures}", written),  # a figure shown is one the quote carries
        figures=figures,
        said_on=said_on,
        sources=sources,
        relayed_by=relayed_by,
    )


def found(*claims: Claim, others: tuple[Claim, ...] = (), **kw: object) -> Answer:
    fields: dict[str, object] = {
        "question": "q",
        "status": FOUND,
        "speaker": "Anna Kowalczyk",
        "topic": "losses",
    }
    fields.update(kw)
    return Answer(claims=claims, others=others, **fields)  # type: ignore[arg-type]


def one(answer: Answer) -> str:
    messages = render_answer(answer)
    assert len(messages) == 1, messages
    assert_valid(messages[0])
    return messages[0]


# --- escaping ------------------------------------------------------------------------------------------

NASTY = 'Tom & "Jerry" <script>alert(1)</script> it\'s'
NASTY_ESCAPED = 'Tom &amp; "Jerry" &lt;script&gt;alert(1)&lt;/script&gt; it\'s'


@pytest.mark.parametrize(
    "answer",
    [
        found(claim(statement=NASTY)),
        found(claim(speaker=NASTY), speaker=None),
        found(claim(), speaker=NASTY),
        found(claim(), topic=NASTY),
        found(claim(relayed_by=NASTY)),
        found(claim(sources=(src(NASTY, "https://example.org/a"),))),
        found(claim(sources=(src(NASTY, None),))),
        found(claim(), others=(claim(speaker=NASTY, cid="o1"),)),
        found(claim(), speaker=None, topic=None, question=NASTY),
        Answer(question="q", status=UNKNOWN_SPEAKER, speaker=NASTY, alternatives=(NASTY,)),
        Answer(question="q", status=AMBIGUOUS_SPEAKER, alternatives=(NASTY, "Bea")),
        Answer(question="q", status=OFF_TOPIC, speaker=NASTY, topic=NASTY, alternatives=(NASTY,)),
        Answer(question=NASTY, status=NOTHING, alternatives=(NASTY,)),
        Answer(question=NASTY, status=NOTHING, topic=NASTY),
    ],
)
def test_dynamic_text_is_escaped(answer: Answer) -> None:
    text = one(answer)
    assert "<script>" not in text
    assert NASTY_ESCAPED in text
    assert NASTY in html_to_text(text)


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://example.org/a?x=1&y=2", True),
        ("http://example.org/a", True),
        ("HTTPS://example.org/A", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        ("data:text/html,<b>x</b>", False),
        ("ftp://example.org/file", False),
        ("//example.org/a", False),
        ("https://example.org/a b", False),
        ("", False),
        (None, False),
    ],
)
def test_only_web_urls_are_linked(url: str | None, linked: bool) -> None:
    text = one(found(claim(sources=(src("Daily Ledger", url),))))
    assert ("<a href=" in text) is linked
    assert "Daily Ledger" in text
    assert "javascript" not in text.lower()


def test_url_is_escaped_in_the_attribute() -> None:
    text = one(found(claim(sources=(src("Ledger", 'https://example.org/a?x=1&y="2"<z>'),))))
    assert '<a href="https://example.org/a?x=1&amp;y=&quot;2&quot;&lt;z&gt;">Ledger</a>' in text
    assert 'Ledger (https://example.org/a?x=1&y="2"<z>)' in html_to_text(text)


# --- one claim -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("figure", "expected"),
    [
        (fig("more than 3,000", 3000.0, qualifier="more than"), "<b>more than 3,000 troops</b>"),
        (
            Figure("up to 30,000-40,000", low=30000.0, high=40000.0, unit="troops", qualifier="up to"),
            "<b>up to 30,000-40,000 troops</b>",
        ),
        (fig("roughly 1,000", 1000.0, unit="soldiers", qualifier="about"), "<b>about 1,000 soldiers</b>"),
        (fig("$5.9 billion", 5.9e9, unit="USD"), "<b>$5.9 billion</b>"),
        (fig("about 12%", 12.0, unit="%", qualifier="about"), "<b>about 12%</b>"),
    ],
)
def test_figures_are_bold_with_their_qualifier(figure: Figure, expected: str) -> None:
    assert expected in render_claim(claim(figures=(figure,)))


@pytest.mark.parametrize(
    ("figure", "expected"),
    [
        (
            Figure("thousands", low=2e3, high=9999.0, unit="soldiers", qualifier="thousands"),
            "thousands of soldiers",
        ),
        (
            Figure("a few hundred", low=200.0, high=500.0, unit="troops", qualifier="a few"),
            "a few hundred troops",
        ),
        (Figure("tens of  thousands", low=2e4, high=99999.0, unit="people"), "tens of thousands of people"),
        (
            Figure("millions", low=2e6, high=9999999.0, unit="USD", qualifier="millions"),
            "millions of dollars",
        ),
        (Figure("several dozen", low=36.0, high=108.0, unit=None, qualifier="several"), "several dozen"),
        (Figure("a quarter", value=0.25, unit="troops"), "a quarter of troops"),
        (Figure("one in five", value=0.2, unit="voters"), "one in five voters"),
        (Figure("3 out of 10", value=0.3, unit="voters"), "3 out of 10 voters"),
        (Figure("0.5", value=0.5, unit="km"), "0.5 km"),
        (Figure("$0.50", value=0.5, unit="USD"), "$0.50"),
        (Figure("0.25 percent", value=0.25, unit="%"), "0.25%"),
        (Figure("3,800", value=3800.0, unit="soldiers"), "3,800 soldiers"),
        (Figure("between 10,000 and 12,000", low=1e4, high=1.2e4, unit="troops"), "10,000-12,000 troops"),
        (Figure("1.5 million", value=1.5e6, unit="rounds"), "1.5 million rounds"),
    ],
)
def test_figure_text_reads_naturally(figure: Figure, expected: str) -> None:
    assert figure_text(figure) == expected


@pytest.mark.parametrize(
    ("said_on", "sources", "expected"),
    [
        (date(2024, 12, 23), (), "said 23 Dec 2024"),
        (date(2025, 1, 5), (), "said 5 Jan 2025"),
        (None, (), "date not stated"),
        (
            None,
            (src("A", published=date(2024, 12, 28)), src("B", published=date(2024, 12, 24))),
            "date not stated (reported 24 Dec 2024)",
        ),
    ],
)
def test_dates(said_on: date | None, sources: tuple[Source, ...], expected: str) -> None:
    assert expected in render_claim(claim(said_on=said_on, sources=sources))


def test_relayed_by_and_speaker() -> None:
    block = render_claim(claim(relayed_by="Oleksa Marchenko"))
    assert "via Oleksa Marchenko" in block
    assert "<b>Anna Kowalczyk</b>" in block  # a card stands alone, so it names the speaker


@pytest.mark.parametrize(
    ("sources", "present", "absent"),
    [
        (
            (
                src("Daily Ledger", "https://ledger.example/1"),
                src("Evening Post", "https://post.example/2"),
                src("Harbour News", None),
            ),
            [
                '<a href="https://ledger.example/1">Daily Ledger</a>',
                '<a href="https://post.example/2">Evening Post</a>',
                "Harbour News",
                "reported by 3 outlets",
            ],
            [],
        ),
        ((src("Daily Ledger", "https://ledger.example/1"),), ["Daily Ledger"], ["reported by"]),
        (  # the same outlet twice, differently cased: one link, the first usable URL
            (
                src("Daily Ledger", None, doc="1"),
                src("daily ledger", "https://ledger.example/2", doc="2"),
                src("Evening Post", "https://post.example/3"),
            ),
            ['<a href="https://ledger.example/2">Daily Ledger</a>', "reported by 2 outlets"],
            ["daily ledger"],
        ),
        (
            (src(None, "https://www.host.example/x"),),
            ['<a href="https://www.host.example/x">www.host.example</a>'],
            [],
        ),
        ((), ["said 23 Dec 2024"], ["reported by", "<a"]),
        (
            tuple(src(f"Outlet {n}", f"https://o{n}.example/") for n in range(9)),
            ["Outlet 4", ", …", "reported by 9 outlets"],
            ["Outlet 5"],
        ),
    ],
)
def test_outlets(sources: tuple[Source, ...], present: list[str], absent: list[str]) -> None:
    block = render_claim(claim(sources=sources))
    assert_valid(block)
    for text in present:
        assert text in block
    for text in absent:
        assert text not in block


@pytest.mark.parametrize("length", [50, 299, 300, 301, 1000])
def test_long_statements_are_shortened_on_a_word_boundary(length: int) -> None:
    words = ("reinforcement " * 100)[:length]
    block = render_claim(claim(statement=words))
    quoted = re.search(r"“(.*)”", block)
    assert quoted is not None
    shown = quoted.group(1)
    assert len(shown) <= 300
    if len(words.strip()) > 300:
        assert shown.endswith("reinforcement…")
    else:
        assert shown == words.strip()


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short enough", 20, "short enough"),
        ("alpha beta gamma delta", 12, "alpha beta…"),
        ("alpha, beta gamma", 8, "alpha…"),
        ("  spaced   out\ntext ", 100, "spaced out text"),
        ("abcdefghijklmnop", 6, "abcde…"),
    ],
)
def test_shorten(text: str, limit: int, expected: str) -> None:
    assert shorten(text, limit) == expected


# --- the whole reply -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("speaker", "topic", "header"),
    [
        ("Anna Kowalczyk", "border losses", "<b>Anna Kowalczyk</b> on <i>border losses</i>"),
        (None, "border losses", "On <i>border losses</i>"),
        ("Anna Kowalczyk", None, "Latest from <b>Anna Kowalczyk</b>"),
        (None, None, "About <i>what is new</i>"),
    ],
)
def test_header(speaker: str | None, topic: str | None, header: str) -> None:
    text = one(found(claim(), speaker=speaker, topic=topic, question="what is new"))
    assert text.startswith(header + "\n\n")


def test_speaker_named_per_claim_only_when_header_does_not() -> None:
    mine, theirs = claim(cid="1"), claim(speaker="Ben Otieno", cid="2")
    text = one(found(mine, theirs))
    assert text.count("Anna Kowalczyk") == 1
    assert "<b>Ben Otieno</b>" in text
    assert one(found(mine, speaker=None)).count("<b>Anna Kowalczyk</b>") == 1


def test_comparison_section() -> None:
    others = (
        claim(
            speaker="Defence Ministry",
            figures=(fig("roughly 1,000", 1000.0, unit="soldiers", qualifier="about"),),
            said_on=date(2024, 12, 30),
            cid="o1",
        ),
        claim(speaker="a senior official", figures=(fig("200", 200.0),), said_on=None, cid="o2"),
        claim(
            speaker="Harbour Council",
            figures=(),
            statement="Numbers were lower than claimed.",
            said_on=None,
            cid="o3",
        ),
    )
    text = one(found(claim(), others=others))
    main, _, comparison = text.partition("<b>Other figures on this:</b>\n")
    assert "<b>more than 3,000 troops</b>" in main
    assert comparison.splitlines() == [
        "Defence Ministry: <b>about 1,000 soldiers</b> (30 Dec 2024)",
        "a senior official: <b>200 troops</b>",
        "Harbour Council: “Numbers were lower than claimed.”",
    ]


def test_no_comparison_section_without_others() -> None:
    assert "Other figures" not in one(found(claim()))


@pytest.mark.parametrize(
    ("count", "max_claims", "more"), [(3, 5, None), (5, 5, None), (6, 5, 1), (12, 5, 7), (4, 1, 3)]
)
def test_and_n_more(count: int, max_claims: int, more: int | None) -> None:
    claims = [claim(figures=(fig(str(n + 100), n + 100.0),), cid=str(n)) for n in range(count)]
    messages = render_answer(found(*claims), max_claims=max_claims)
    text = "\n\n".join(messages)
    shown = min(count, max_claims)
    assert [f"<b>{n + 100} troops</b>" in text for n in range(count)] == [n < shown for n in range(count)]
    if more is None:
        assert "more" not in text
    else:
        assert text.endswith(f"…and {more} more")


# --- splitting -----------------------------------------------------------------------------------------


def _long_claims(count: int) -> list[Claim]:
    statement = ('A <long> & winding statement about reinforcements, supplies and "losses" ' * 12).strip()
    return [
        claim(
            statement=f"{n}: {n + 1},000 troops and up to 40 tanks. {statement}",
            speaker=f"Speaker & Co {n}",
            figures=(
                fig(f"{n + 1},000", (n + 1) * 1000.0),
                fig("up to 40", 40.0, unit="tanks", qualifier="up to"),
            ),
            relayed_by="Aide <Deputy>",
            sources=tuple(
                src(f"Outlet {k} & Sons", f"https://o{k}.example/story?id={n}&p=1") for k in range(4)
            ),
            cid=str(n),
        )
        for n in range(count)
    ]


@pytest.mark.parametrize("limit", [TELEGRAM_LIMIT, 1500, 500, 200, 120, 60, 20, 5, 1])
def test_every_message_fits_and_is_balanced(limit: int) -> None:
    claims = _long_claims(40)
    answer = found(*claims, others=tuple(claims[:10]), speaker=None, topic="supplies & <losses>")
    messages = render_answer(answer, limit=limit, max_claims=40)
    assert messages
    for message in messages:
        assert len(message) <= limit
        assert message.strip()
        assert_valid(message)
    assert messages[0].startswith("On <i>") or limit < 30
    assert sum(m.startswith("On <i>") for m in messages) <= 1  # the header is not repeated


@pytest.mark.parametrize("limit", [TELEGRAM_LIMIT, 500])
def test_split_keeps_every_claim_whole_and_in_order(limit: int) -> None:
    claims = _long_claims(40)
    messages = render_answer(found(*claims, speaker=None), limit=limit, max_claims=40)
    assert len(messages) > 1
    text = "\n\n".join(messages)
    positions = [text.index(f"<b>{n + 1},000 troops</b>") for n in range(40)]
    assert positions == sorted(positions)
    for message in messages[1:]:
        assert not message.startswith("On ")
    # a block is never cut: each claim's figures, speaker line and outlets are in the same message
    for n in range(40):
        holder = [m for m in messages if f"<b>{n + 1},000 troops</b>" in m]
        assert len(holder) == 1
        assert f"Speaker &amp; Co {n}</b>" in holder[0]
        assert f"https://o0.example/story?id={n}&amp;p=1" in holder[0]


def test_header_is_not_left_alone_when_the_first_claim_can_be_shortened() -> None:
    claims = _long_claims(2)
    messages = render_answer(found(*claims), limit=600)
    assert messages[0].startswith("<b>Anna Kowalczyk</b> on <i>losses</i>\n\n<b>1,000 troops</b>")
    assert "…”" in messages[0]


def test_default_limit_fits_five_long_claims_in_one_message() -> None:
    messages = render_answer(found(*_long_claims(5)))
    assert len(messages) == 1
    assert len(messages[0]) <= TELEGRAM_LIMIT


@pytest.mark.parametrize(
    ("markup", "limit", "expected"),
    [
        ("<b>bold text</b>", 100, "<b>bold text</b>"),
        ("<b>bold text</b> tail", 13, "<b>bold…</b>"),
        ("a &amp; b", 4, "a…"),
        ("a &amp; b", 7, "a…"),
        ("a &amp; b", 8, "a &amp;…"),
        ('<a href="https://x.example/">link</a>', 10, "…"),
        ("<i>x</i><b>yyyyyyyy</b>", 12, "<i>x</i>…"),
    ],
)
def test_clip_html(markup: str, limit: int, expected: str) -> None:
    clipped = clip_html(markup, limit)
    assert clipped == expected
    assert len(clipped) <= limit
    assert_valid(clipped)


def test_limit_must_be_positive() -> None:
    with pytest.raises(ValueError):
        render_answer(found(claim()), limit=0)


# --- statuses ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (
            Answer("q", UNKNOWN_SPEAKER, speaker="Jon Doh", alternatives=("John Doe", "Joan Dow", "Jo Dole")),
            "I have no claims from <b>Jon Doh</b>.\nClosest names: John Doe, Joan Dow, Jo Dole.",
        ),
        (Answer("q", UNKNOWN_SPEAKER, speaker="Jon Doh"), "I have no claims from <b>Jon Doh</b>."),
        (
            Answer("q", AMBIGUOUS_SPEAKER, alternatives=("Anna Kowalczyk", "Anna Nowak")),
            "Did you mean: Anna Kowalczyk, Anna Nowak?",
        ),
        (
            Answer(
                "q",
                OFF_TOPIC,
                speaker="Anna Kowalczyk",
                topic="tariffs",
                alternatives=("drones", "losses", "aid"),
            ),
            "I have no claims from <b>Anna Kowalczyk</b> about <i>tariffs</i>."
            "\nThey have spoken about: drones, losses, aid.",
        ),
        (
            Answer("q", NOTHING, topic="tariffs", alternatives=("drones", "losses")),
            "I found no claims about <i>tariffs</i>.\nTry: drones, losses.",
        ),
        (Answer("moon cheese?", NOTHING), "I found no claims about <i>moon cheese?</i>."),
        (Answer("q", FOUND, topic="tariffs"), "I found no claims about <i>tariffs</i>."),
        (Answer("q", EMPTY_STORE), "No claims stored yet. Add some news articles first, then ask again."),
    ],
)
def test_status_wording(answer: Answer, expected: str) -> None:
    assert one(answer) == expected


@pytest.mark.parametrize("question", ["", "???", "x" * 5000])
def test_unreadable_gives_help_with_two_examples(question: str) -> None:
    text = one(Answer(question, UNREADABLE))
    assert text.startswith("I could not read that as a question.")
    assert text.count("\n• <i>") == 2
    assert "x" * 100 not in text


def test_unknown_status_still_answers() -> None:
    assert "For example" in one(Answer("q", "something new"))


# --- terminal text -------------------------------------------------------------------------------------


def test_html_to_text_round_trip() -> None:
    c = claim(
        statement='Costs rose to more than 3,000 & "more" <quietly>.',
        sources=(src("Daily Ledger", "https://ledger.example/a?b=1&c=2"), src("Harbour News")),
        relayed_by="O'Neil",
    )
    messages = render_answer(found(c, others=(claim(speaker="Ben & Co", cid="o"),)))
    text = html_to_text("\n\n".join(messages))
    assert not re.search(r"</?[a-z]+[ >]", text.replace("<quietly>", ""))
    assert "&amp;" not in text and "&lt;" not in text and "&quot;" not in text
    assert '“Costs rose to more than 3,000 & "more" <quietly>.”' in text
    assert "Daily Ledger (https://ledger.example/a?b=1&c=2), Harbour News · reported by 2 outlets" in text
    assert "via O'Neil" in text
    assert "Ben & Co: more than 3,000 troops (23 Dec 2024)" in text
    assert text.startswith("Anna Kowalczyk on losses\n\nmore than 3,000 troops\n")


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<b>a</b> &amp; <i>b</i>", "a & b"),
        ('<a href="https://x.example/">X</a>', "X (https://x.example/)"),
        ('<a href="https://x.example/">https://x.example/</a>', "https://x.example/"),
        ("1 &lt; 2 &gt; 0 &#x27;q&#x27; &quot;", "1 < 2 > 0 'q' \""),
        ("plain", "plain"),
    ],
)
def test_html_to_text(markup: str, expected: str) -> None:
    assert html_to_text(markup) == expected


def test_only_figures_the_shown_quote_carries_are_bold() -> None:
    inside = fig("40 ferries", 40.0)
    outside = fig("1,000 pieces of equipment", 1000.0)
    text = render_claim(claim("Some 40 ferries were cancelled on Monday.", figures=(inside, outside)))
    assert "<b>40" in text and "1,000" not in text
    cut = "x" * 400 + " and 40 ferries"  # the figure falls in the part of a long quote that is cut
    assert "<b>" not in render_claim(claim(cut, figures=(inside,))).split("\n")[0]


def test_terminal_text_keeps_bold_and_dims_links_only_when_colour_is_asked() -> None:
    markup = '<b>40 ships</b> “late” <a href="https://example.org/a">Gazette</a>'
    plain = html_to_text(markup)
    assert plain == "40 ships “late” Gazette (https://example.org/a)"
    coloured = html_to_text(markup, colour=True)
    assert (
        coloured.startswith("\033[1m40 ships\033[0m") and "\033[2m (https://example.org/a)\033[0m" in coloured
    )
