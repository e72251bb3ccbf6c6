"""parse_question reads speaker, topic, figure and intent from questions typed the way people type in chat."""

from __future__ import annotations

import random

import pytest

from bot.ask.question import MAX_CHARS, Question, parse_question

# (question, speaker, topic, figure, wants_figures, kind)
Row = tuple[str, str | None, str | None, float | None, bool, str]

ABOUT_ROWS: list[Row] = [
    # "what did X say about Y" and its variants
    ("What did Marchenko say about enemy losses?", "marchenko", "enemy losses", None, False, "about"),
    ("what did marchenko say about enemy losses", "marchenko", "enemy losses", None, False, "about"),
    (
        "what has the interior ministry said about the evacuation",
        "interior ministry",
        "evacuation",
        None,
        False,
        "about",
    ),
    ("what does the central bank say on rates", "central bank", "rates", None, False, "about"),
    ("what is the army saying about the new offensive", "army", "new offensive", None, False, "about"),
    (
        "what did the u.s. official tell reuters about troop numbers",
        "u.s. official",
        "troop numbers",
        None,
        True,
        "about",
    ),
    ("what did the defense official tell reporters", "defense official", None, None, False, "about"),
    ("what did okonkwo tell the bbc on monday about turnout", "okonkwo", "turnout", None, False, "about"),
    (
        "what did harlow motors report on quarterly profit",
        "harlow motors",
        "quarterly profit",
        None,
        False,
        "about",
    ),
    (
        "what did the statistics office claim about food prices",
        "statistics office",
        "food prices",
        None,
        False,
        "about",
    ),
    ("what did the ministry estimate about flood damage", "ministry", "flood damage", None, True, "about"),
    ("what did velasquez have to say about the recount", "velasquez", "recount", None, False, "about"),
    ("tell me what the imf said about growth", "imf", "growth", None, False, "about"),
    ("what northwind bank said about layoffs", "northwind bank", "layoffs", None, False, "about"),
    ("marchenko say about the counteroffensive", "marchenko", "counteroffensive", None, False, "about"),
    ("what did the spokesman say", "spokesman", None, None, False, "about"),
    ("what did they say about inflation", None, "inflation", None, False, "about"),
    ("what was said about the dam", None, "dam", None, False, "about"),
    ("what did moody's estimate about the deficit", "moody's", "deficit", None, True, "about"),
    (
        "what did the finance ministry's report say about debt",
        "finance ministry's report",
        "debt",
        None,
        False,
        "about",
    ),
    # titles and articles come off the front of the speaker, and only there
    ("What did President Marchenko say about the ceasefire?", "marchenko", "ceasefire", None, False, "about"),
    ("what did prime minister adeyemi say about fuel prices", "adeyemi", "fuel prices", None, False, "about"),
    ("what did gen. kovalenko say about the front", "kovalenko", "front", None, False, "about"),
    ("what did commander-in-chief kovalenko say about kharkiv", "kovalenko", "kharkiv", None, False, "about"),
    ("what did mayor lindqvist say about the levee", "lindqvist", "levee", None, False, "about"),
    ("what did governor pryce say about flood relief", "pryce", "flood relief", None, False, "about"),
    ("what did dr. osei say about the outbreak", "osei", "outbreak", None, False, "about"),
    ("what did ms quist say about job cuts", "quist", "job cuts", None, False, "about"),
    (
        "what did the central bank governor say about interest rates",
        "central bank governor",
        "interest rates",
        None,
        False,
        "about",
    ),
    ("what did the general staff say about losses", "general staff", "losses", None, False, "about"),
    ("what did the governor say", "governor", None, None, False, "about"),
    (
        "what did a senior western official say about the drones",
        "senior western official",
        "drones",
        None,
        False,
        "about",
    ),
    # "X on Y", "X about Y", "X: Y", "X's claims on Y"
    ("marchenko on enemy losses", "marchenko", "enemy losses", None, False, "about"),
    ("Marchenko on enemy losses?!", "marchenko", "enemy losses", None, False, "about"),
    ("president marchenko about the ceasefire", "marchenko", "ceasefire", None, False, "about"),
    ("the electoral commission on turnout", "electoral commission", "turnout", None, False, "about"),
    ("okonkwo: the recount", "okonkwo", "recount", None, False, "about"),
    ("marchenko's claims on enemy losses", "marchenko", "enemy losses", None, False, "about"),
    ("what are the army's figures on casualties", "army", "casualties", None, True, "about"),
    ("army figures on casualties", "army", "casualties", None, True, "about"),
    (
        "marchenko on how many more troops the north could send",
        "marchenko",
        "how many more troops the north could send",
        None,
        True,
        "about",
    ),
    # "according to X"
    (
        "how many villages flooded according to the emergency service",
        "emergency service",
        "villages flooded",
        None,
        True,
        "about",
    ),
    (
        "how many soldiers were wounded, according to the army",
        "army",
        "soldiers were wounded",
        None,
        True,
        "about",
    ),
    (
        "according to the army, how many soldiers were wounded",
        "army",
        "soldiers were wounded",
        None,
        True,
        "about",
    ),
    (
        "according to western intelligence how many troops are in the region",
        "western intelligence",
        "troops are in the region",
        None,
        True,
        "about",
    ),
    (
        "harlow motors job cuts according to the union",
        "union",
        "harlow motors job cuts",
        None,
        False,
        "about",
    ),
    (
        "how many jobs will harlow cut, according to ceo renata quist",
        "renata quist",
        "jobs will harlow cut",
        None,
        True,
        "about",
    ),
    ("what did the imf say about growth according to reuters", "imf", "growth", None, False, "about"),
    (
        "how many homes were lost by the red cross's count",
        "red cross",
        "homes were lost",
        None,
        True,
        "about",
    ),
    # "how many Y did X say ..."
    ("how many soldiers did the army say were killed", "army", "soldiers were killed", None, True, "about"),
    (
        "how many seats does the pollster expect the greens to win",
        "pollster",
        "seats the greens to win",
        None,
        True,
        "about",
    ),
    ("how much did prices rise", None, "prices rise", None, True, "about"),
    ("what percentage of voters turned out", None, "voters turned out", None, True, "about"),
    ("how high did the river rise", None, "river rise", None, True, "about"),
    ("what toll did the storm take", None, "storm take", None, True, "about"),
]

OTHER_ROWS: list[Row] = [
    # "who said <statement>": a number makes it a figure question and leaves the topic
    ("who said 2,400 enemy soldiers were killed?", None, "enemy soldiers were killed", 2400, False, "figure"),
    ("who said 2400 enemy soldiers were killed", None, "enemy soldiers were killed", 2400, False, "figure"),
    (
        "who said 2.4 thousand enemy soldiers were killed",
        None,
        "enemy soldiers were killed",
        2400,
        False,
        "figure",
    ),
    ("who said 2.4k enemy soldiers were killed", None, "enemy soldiers were killed", 2400, False, "figure"),
    ("who said two dozen villages were flooded", None, "villages were flooded", 24, False, "figure"),
    ("who said inflation slowed to 3.1%", None, "inflation slowed", 3.1, False, "figure"),
    ("who told reporters that turnout was 64 percent", None, "turnout was", 64, False, "figure"),
    ("who put the death toll at 40", None, "death toll", 40, True, "figure"),
    ("who said the recount was rigged", None, "recount was rigged", None, False, "about"),
    ("who said what about the levee", None, "levee", None, False, "about"),
    # "did X say <statement>"
    (
        "did marchenko say the enemy was hiding its losses",
        "marchenko",
        "enemy was hiding its losses",
        None,
        False,
        "did",
    ),
    (
        "Did President Marchenko say 'the enemy is hiding its losses'?",
        "marchenko",
        "enemy is hiding its losses",
        None,
        False,
        "did",
    ),
    (
        "did the central bank say rates would rise by 0.5%",
        "central bank",
        "rates would rise by 0.5%",
        0.5,
        False,
        "did",
    ),
    (
        "did okonkwo tell reporters that 300 ballots were lost",
        "okonkwo",
        "300 ballots were lost",
        300,
        False,
        "did",
    ),
    ("didn't the mayor say the levee would hold", "mayor", "levee would hold", None, False, "did"),
    ("did marchenko say anything about inflation", "marchenko", "inflation", None, False, "about"),
    # latest
    ("latest on the floods", None, "floods", None, False, "latest"),
    ("news about harlow motors", None, "harlow motors", None, False, "latest"),
    ("what's new on the election", None, "election", None, False, "latest"),
    ("any news on the recount?", None, "recount", None, False, "latest"),
    ("the latest from the army on the offensive", "army", "offensive", None, False, "latest"),
    ("marchenko's latest on inflation", "marchenko", "inflation", None, False, "latest"),
    ("flood latest", None, "flood", None, False, "latest"),
    ("latest", None, None, None, False, "latest"),
    # bare phrases: the matcher decides whether they name a speaker
    ("kovalenko", None, "kovalenko", None, False, "bare"),
    ("zelenskyy", None, "zelenskyy", None, False, "bare"),
    ("sirsky", None, "sirsky", None, False, "bare"),
    ("north korean casualties", None, "north korean casualties", None, False, "bare"),
    ("harlow motors quarterly results", None, "harlow motors quarterly results", None, False, "bare"),
    ("marchenko december 23 enemy losses", None, "marchenko december 23 enemy losses", None, False, "bare"),
    ("what about kovalenko", None, "kovalenko", None, False, "bare"),
    ("tell me about floods in the delta", None, "floods in the delta", None, False, "bare"),
    ("attacks on the port", None, "attacks on the port", None, False, "bare"),
    ("new york mayor on rents", "new york mayor", "rents", None, False, "about"),
]

NOISY_ROWS: list[Row] = [
    # typos in names pass through; typos in the question's own words are forgiven
    ("wat did zelenskyy sya abut inflation", "zelenskyy", "inflation", None, False, "about"),
    (
        "what did sirsky say about the enemy losses in the north",
        "sirsky",
        "enemy losses in the north",
        None,
        False,
        "about",
    ),
    ("hw mny troops acording to the army", "army", "troops", None, True, "about"),
    # politeness, fillers and punctuation
    (
        "hey bot, can you tell me what okonkwo said about turnout please?",
        "okonkwo",
        "turnout",
        None,
        False,
        "about",
    ),
    (
        "  please   what did  Marchenko   say about   enemy losses  ",
        "marchenko",
        "enemy losses",
        None,
        False,
        "about",
    ),
    ("could you please tell me the latest on the floods thanks", None, "floods", None, False, "latest"),
    ("marchenko on enemy losses...", "marchenko", "enemy losses", None, False, "about"),
    ("“what did the u.s. say”", "u.s.", None, None, False, "about"),
    # garbled and empty
    ("", None, None, None, False, "bare"),
    ("   ", None, None, None, False, "bare"),
    ("?!?", None, None, None, False, "bare"),
    ("...", None, None, None, False, "bare"),
    ("please", None, None, None, False, "bare"),
    ("who said", None, None, None, False, "bare"),
    ("🤔🤔", None, None, None, False, "bare"),
]


def _fields(q: Question) -> tuple[str | None, str | None, float | None, bool, str]:
    return q.speaker, q.topic, q.figure, q.wants_figures, q.kind


@pytest.mark.parametrize(("text", "speaker", "topic", "figure", "wants", "kind"), ABOUT_ROWS)
def test_speaker_and_topic(
    text: str, speaker: str | None, topic: str | None, figure: float | None, wants: bool, kind: str
) -> None:
    assert _fields(parse_question(text)) == (speaker, topic, figure, wants, kind)


@pytest.mark.parametrize(("text", "speaker", "topic", "figure", "wants", "kind"), OTHER_ROWS)
def test_figure_did_latest_bare(
    text: str, speaker: str | None, topic: str | None, figure: float | None, wants: bool, kind: str
) -> None:
    assert _fields(parse_question(text)) == (speaker, topic, figure, wants, kind)


@pytest.mark.parametrize(("text", "speaker", "topic", "figure", "wants", "kind"), NOISY_ROWS)
def test_noisy_input(
    text: str, speaker: str | None, topic: str | None, figure: float | None, wants: bool, kind: str
) -> None:
    assert _fields(parse_question(text)) == (speaker, topic, figure, wants, kind)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("  What did   Marchenko\tsay?\n", "What did Marchenko say?"),
        ("kovalenko", "kovalenko"),
        ("", ""),
    ],
)
def test_text_is_as_typed_with_whitespace_normalised(text: str, shown: str) -> None:
    assert parse_question(text).text == shown


def test_long_input_is_truncated_before_parsing() -> None:
    question = parse_question("what did marchenko say about " + "losses " * 200)
    assert len(question.text) <= MAX_CHARS
    assert question.speaker == "marchenko"
    tail = parse_question("x" * MAX_CHARS + " what did marchenko say about losses")
    assert tail.speaker is None


def test_never_raises_on_random_text() -> None:
    rng = random.Random(20240611)
    pieces = [
        *"what did the marchenko say about on according to how many who said latest 's : , ? 2,400".split(),
        "\u200b",
        "\ufdfa",
        "’",
        "🤔",
        "\x00",
        "\ud800",
    ]
    for n in range(3000):
        if n % 2:
            text = "".join(chr(rng.randrange(0x110000)) for _ in range(rng.randint(0, 60)))
        else:
            text = " ".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        question = parse_question(text)
        assert question.kind in ("about", "bare", "figure", "latest", "did")
        assert question.speaker is None or (question.speaker and question.speaker == question.speaker.strip())
        assert question.topic is None or (question.topic and question.topic == question.topic.strip())


@pytest.mark.parametrize(
    ("asked", "written"),
    [
        ("the plane crash", "the aircraft came down"),
        ("gasoline prices", "petrol will cost more"),
        ("what did the ceo say", "the chief executive"),
        ("the prosecutor", "an assistant district attorney"),
    ],
)
def test_words_news_uses_for_one_thing_meet(asked: str, written: str) -> None:
    from bot.vocabulary import terms

    assert terms(asked) & terms(written)
