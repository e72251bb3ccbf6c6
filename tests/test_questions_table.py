"""Questions as people type them, over a small invented store: who is meant, which claims come first, and
when the honest answer is nothing.

Every claim below is made up for this test (invented people, a made-up town, round numbers). Each row is
(question, claim ids that must all be among the first five, the id that must come first or None); an empty
tuple of ids means the answer must hold no claims at all.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.ask.answer import FOUND
from bot.ask.index import ClaimIndex
from bot.ask.match import answer_question
from bot.ask.render import html_to_text, render_answer
from bot.models import Claim, Figure, Source, Speaker

SPEAKERS = [
    Speaker("Marta Kowalczyk", "person", ("Marta Kowalczyk", "Kowalczyk"), ("finance minister",)),
    Speaker("Tomas Adler", "person", ("Tomas Adler", "Adler"), ("mayor", "mayor of brightwater")),
    Speaker("Greta Adler", "person", ("Greta Adler", "Adler"), ("council speaker", "speaker")),
    Speaker(
        "Oleksii Bondarenko",
        "person",
        ("Oleksii Bondarenko", "Oleksiy Bondarenko", "Bondarenko"),
        ("ukraine's top commander", "commander-in-chief"),
    ),
    Speaker("Ivan Sokolov", "person", ("Ivan Sokolov", "Sokolov"), ("kremlin spokesman",)),
    Speaker("Itamaraty", "organisation", ("Itamaraty", "Brazilian Foreign Ministry"), ()),
    Speaker("Carla Mendes", "person", ("Carla Mendes", "Mendes"), ("brazilian trade negotiator",)),
    Speaker("DGSE", "organisation", ("DGSE", "French foreign intelligence service"), ()),
    Speaker("Eastmark Teachers' Union", "organisation", ("Eastmark Teachers' Union", "teachers' union"), ()),
    Speaker("Helio Motors", "organisation", ("Helio Motors",), ("company", "carmaker")),
    Speaker("Rafael Ortiz", "person", ("Rafael Ortiz", "Ortiz"), ("chief executive",)),
    Speaker("Chile's interior ministry", "organisation", ("Chile's interior ministry",), ()),
    Speaker("José Peñalver", "person", ("José Peñalver", "Peñalver"), ("red cross coordinator",)),
    Speaker("Nadia Ferreira", "person", ("Nadia Ferreira", "Ferreira"), ("statistics office head",)),
    Speaker("Lumen Computing", "organisation", ("Lumen Computing",), ("company",)),
    Speaker("Amir Haddad", "person", ("Amir Haddad", "Haddad"), ("mediator",)),
    Speaker(
        "Brightwater Emergency Response and Recovery Agency",
        "organisation",
        ("Brightwater Emergency Response and Recovery Agency",),
        (),
    ),
    Speaker("Okonjo", "person", ("Okonjo",), ()),
    Speaker("T&K", "organisation", ("T&K",), ()),
    Speaker("Ines Varga", "person", ("Ines Varga", "Varga"), ("harbour master",)),
    Speaker("Pavel Horak", "person", ("Pavel Horak", "Horak"), ("transport councillor",)),
]


def _claim(
    cid: str,
    speaker: str,
    statement: str,
    said_on: date | None,
    *figures: Figure,
    published: date | None = None,
    document: str | None = None,
) -> Claim:
    sentence = f"{statement} {speaker} said."
    source = Source(document or f"doc-{cid}", sentence, "Example Times", None, published or said_on)
    return Claim(cid, speaker, statement, tuple(figures), said_on, sources=(source,))


def _fig(text: str, value: float, unit: str | None = None, qualifier: str | None = None) -> Figure:
    return Figure(text, value, unit=unit, qualifier=qualifier)


CLAIMS = [
    _claim(
        "k1",
        "Marta Kowalczyk",
        "The budget deficit will narrow to 3.1% of output next year.",
        date(2025, 3, 2),
        _fig("3.1%", 3.1, "%"),
    ),
    _claim(
        "k2", "Marta Kowalczyk", "Pension spending cannot rise again without new taxes.", date(2025, 4, 9)
    ),
    _claim(
        "a1",
        "Tomas Adler",
        "Brightwater will hire 200 more bus drivers to end the delays.",
        date(2025, 2, 1),
        _fig("200", 200, "bus drivers"),
    ),
    _claim(
        "a2",
        "Tomas Adler",
        "The city budget of $9.4 billion protects every library.",
        date(2025, 5, 20),
        _fig("$9.4 billion", 9.4e9, "USD"),
    ),
    _claim(
        "g1",
        "Greta Adler",
        "The council will not pass a city budget that cuts library hours.",
        date(2025, 5, 22),
    ),
    _claim(
        "g2",
        "Greta Adler",
        "Rents in Brightwater rose 11% in two years.",
        date(2025, 1, 15),
        _fig("11%", 11, "%"),
    ),
    _claim(
        "b1",
        "Oleksii Bondarenko",
        "Russia lost more than 9,000 troops near Vovchansk in three months.",
        date(2025, 1, 10),
        _fig("more than 9,000", 9000, "troops", "more than"),
    ),
    _claim(
        "b2",
        "Oleksii Bondarenko",
        "Russian forces lost about 12,000 soldiers in the spring offensive.",
        date(2025, 6, 3),
        _fig("about 12,000", 12000, "soldiers", "about"),
    ),
    _claim("b3", "Oleksii Bondarenko", "Drone attacks on the front doubled since January.", date(2025, 3, 1)),
    _claim(
        "s1",
        "Ivan Sokolov",
        "Moscow has no plans to exchange the captured soldiers this year.",
        date(2025, 2, 11),
    ),
    _claim("s2", "Ivan Sokolov", "The sanctions will not change Russia's course.", date(2025, 4, 1)),
    _claim(
        "br1", "Itamaraty", "The trade deal with the European bloc is ready for signature.", date(2025, 6, 1)
    ),
    _claim(
        "br2", "Carla Mendes", "Beef quotas were the last open point of the trade deal.", date(2025, 5, 28)
    ),
    _claim(
        "f1",
        "DGSE",
        "Foreign agents tried to recruit 40 engineers at arms makers last year.",
        date(2025, 2, 20),
        _fig("40", 40, "engineers"),
    ),
    _claim(
        "t1",
        "Eastmark Teachers' Union",
        "The strike will go ahead on Monday unless pay rises by 6%.",
        date(2025, 3, 14),
        _fig("6%", 6, "%"),
    ),
    _claim(
        "h1",
        "Helio Motors",
        "Helio Motors delivered 410,000 vehicles in 2024.",
        date(2025, 1, 3),
        _fig("410,000", 410000, "vehicles"),
    ),
    _claim(
        "h2",
        "Rafael Ortiz",
        "Sales should grow 15% next year as cheaper models arrive.",
        date(2025, 1, 30),
        _fig("15%", 15, "%"),
    ),
    _claim(
        "h3",
        "Helio Motors",
        "The company will cut 3,000 jobs at its Turin plant.",
        date(2025, 7, 8),
        _fig("3,000", 3000, "jobs"),
    ),
    _claim(
        "q1",
        "Chile's interior ministry",
        "At least 41 people were killed in the earthquake in northern Chile.",
        date(2025, 8, 2),
        _fig("at least 41", 41, "people", "at least"),
    ),
    _claim(
        "q2",
        "José Peñalver",
        "Rescuers pulled 17 survivors from collapsed homes in Chile.",
        date(2025, 8, 3),
        _fig("17", 17, "survivors"),
    ),
    _claim(
        "n1",
        "Nadia Ferreira",
        "Payrolls grew by 52,000 in May, the slowest pace this year.",
        date(2025, 6, 6),
        _fig("52,000", 52000),
    ),
    _claim(
        "n2", "Nadia Ferreira", "Inflation eased to 2.4% in June.", date(2025, 7, 10), _fig("2.4%", 2.4, "%")
    ),
    _claim(
        "l1",
        "Lumen Computing",
        "Shipments of PCs fell 8% in the second quarter.",
        date(2025, 7, 15),
        _fig("8%", 8, "%"),
    ),
    _claim(
        "m1",
        "Amir Haddad",
        "Twelve captives will be freed in the first stage of the truce.",
        date(2025, 3, 20),
        _fig("Twelve", 12, "captives"),
    ),
    _claim("m2", "Amir Haddad", "Talks on the second stage begin next week.", date(2025, 3, 27)),
    _claim(
        "h4",
        "Helio Motors",
        "Helio Motors delivered 380,000 vehicles in 2023.",
        date(2024, 1, 4),
        _fig("380,000", 380000, "vehicles"),
    ),
    _claim(
        "f1",
        "Brightwater Emergency Response and Recovery Agency",
        "About 6,500 homes in Brightwater were in the dark after the gale.",
        date(2025, 10, 2),
        _fig("about 6,500", 6500, "homes", "about"),
    ),
    _claim(
        "o1", "Okonjo", "The revised budget only moves money between the same accounts.", date(2025, 5, 5)
    ),
    _claim("t1", "T&K", "It will slash its payroll by 2%.", date(2025, 9, 9), _fig("2%", 2, "%")),
    # one article on one story: the harbour master's later sentences never name the collision again
    *(
        _claim(cid, "Ines Varga", text, date(2025, 11, 4), document="doc-harbour")
        for cid, text in (
            ("v1", "The ferry collision happened in thick fog just after dawn."),
            ("v2", "Both vessels stayed afloat and every passenger was brought ashore."),
            ("v3", "Divers will inspect the hulls on Thursday."),
            ("v4", "Tugs will stay on standby at the outer pier."),
            ("v5", "Dredging the outer channel will take the rest of the winter."),
        )
    ),
    # a round-up: the councillor moves from one subject to another under a headline about one of them
    *(
        _claim(cid, "Pavel Horak", text, date(2025, 11, 5), document="doc-roundup")
        for cid, text in (
            ("p1", "The tram extension will open in the spring of 2027."),
            ("p2", "Ferry fares will stay frozen for another year."),
            ("p3", "Night buses will run every twenty minutes from December."),
        )
    ),
]

TITLES = {
    "doc-harbour": "Ferry collision in fog closes Brightwater harbour",
    "doc-roundup": "Council backs tram extension to the airport",
}

Row = tuple[str, tuple[str, ...], str | None]

ROWS: list[Row] = [
    # speaking positions: "what did X say", "X on Y", "according to X", "X's estimate", "X vs Y"
    ("what did Kowalczyk say about the deficit", ("k1",), "k1"),
    ("What did Marta Kowalczyk say about the budget deficit?", ("k1",), "k1"),
    ("kowalczyk on the deficit", ("k1",), "k1"),
    ("Kowalczyk: deficit", ("k1",), "k1"),
    ("the deficit according to kowalczyk", ("k1",), "k1"),
    ("according to Kowalczyk, how big is the deficit", ("k1",), "k1"),
    ("kowalczyk's estimate of the deficit", ("k1",), "k1"),
    ("kowalczyks estimate of the deficit", ("k1",), "k1"),
    ("kowalczyk's figures on the deficit", ("k1",), "k1"),
    ("what is kowalczyk saying about pensions", ("k2",), "k2"),
    ("has kowalczyk said anything about pension spending", ("k2",), "k2"),
    ("did kowalczyk say anything about taxes", ("k2",), "k2"),
    ("what did bondarenko say about russian losses", ("b1", "b2"), None),
    ("bondarenko on russian losses", ("b1", "b2"), None),
    ("Bondarenko vs Sokolov on soldiers", ("b1", "s1"), None),
    ("bondarenko versus sokolov on soldiers", ("b1", "s1"), None),
    ("compare bondarenko and sokolov on soldiers", ("b1", "s1"), None),
    ("what did sokolov say about the captured soldiers", ("s1",), "s1"),
    ("sokolov on sanctions", ("s2",), "s2"),
    ("what did haddad say about the captives", ("m1",), "m1"),
    ("what did ortiz say about sales", ("h2",), "h2"),
    ("what did ferreira say about payrolls", ("n1",), "n1"),
    ("ferreira on inflation", ("n2",), "n2"),
    ("what did mendes say about beef", ("br2",), "br2"),
    ("what did Peñalver say about survivors", ("q2",), "q2"),
    ("what did penalver say about survivors", ("q2",), "q2"),
    # roles and descriptions through the stored roles and aliases
    ("what did the finance minister say about the deficit", ("k1",), "k1"),
    ("What did the finance minister say about pension spending?", ("k2",), "k2"),
    ("finance minister on the deficit", ("k1",), "k1"),
    ("what did ukraine's top commander say about russian losses", ("b1", "b2"), None),
    ("How many Russian troops does Ukraine's top commander say were lost?", ("b1", "b2"), None),
    ("what did the commander-in-chief say about drone attacks", ("b3",), "b3"),
    ("what did the kremlin spokesman say about sanctions", ("s2",), "s2"),
    ("what did the teachers union say about the strike", ("t1",), "t1"),
    ("what did the teachers' union say about the strike", ("t1",), "t1"),
    ("teachers union on the strike", ("t1",), "t1"),
    ("what did the mediator say about the truce", ("m1",), None),
    ("what did the chief executive say about sales growth", ("h2",), "h2"),
    # a role named another way: CEO ~ chief executive; no prosecutor is stored
    ("what did the ceo say about sales growth", ("h2",), "h2"),
    # "according to the company" means the company the topic names
    ("how many lumen computing shipments fell according to the company", ("l1",), "l1"),
    ("how many helio motors vehicles were delivered according to the company", ("h1",), "h1"),
    ("what did the prosecutor say about sales growth", (), None),
    ("what did the red cross coordinator say about survivors", ("q2",), "q2"),
    ("what did the carmaker say about deliveries", ("h1",), "h1"),
    # namesakes told apart by title + surname
    ("what did speaker adler say about the city budget", ("g1",), "g1"),
    ("what did mayor adler say about the city budget", ("a2",), "a2"),
    ("mayor adler on bus drivers", ("a1",), "a1"),
    ("speaker adler on rents", ("g2",), "g2"),
    ("what did council speaker adler say about library hours", ("g1",), "g1"),
    ("what did greta adler say about rents", ("g2",), "g2"),
    ("what did tomas adler say about the budget", ("a2",), "a2"),
    ("adler on the city budget", ("a2", "g1"), None),
    # a country or institution: the speakers who speak for it
    ("Brazil on the trade deal", ("br1", "br2"), None),
    ("what did brazil say about the trade deal", ("br1", "br2"), None),
    ("brazilian position on the trade deal", ("br1", "br2"), None),
    ("what did French intelligence say about foreign agents", ("f1",), "f1"),
    ("what did french intelligence say about recruiting engineers", ("f1",), "f1"),
    ("what did the brazilian foreign ministry say about the trade deal", ("br1",), "br1"),
    ("what did chile say about the earthquake", ("q1",), "q1"),
    ("what did the kremlin say about sanctions", ("s2",), "s2"),
    ("what did moscow say about the captured soldiers", ("s1",), "s1"),
    # a name outside a speaking position is topic
    ("latest on helio motors jobs", ("h3",), "h3"),
    ("helio motors 2024 deliveries", ("h1",), "h1"),
    ("how many vehicles did helio motors deliver in 2024", ("h1",), "h1"),
    ("brightwater bus drivers", ("a1",), "a1"),
    ("rents in brightwater", ("g2",), "g2"),
    ("news about the earthquake in chile", ("q1",), "q1"),
    ("russian losses near vovchansk", ("b1",), "b1"),
    ("losses in the spring offensive", ("b2",), "b2"),
    ("the turin plant", ("h3",), "h3"),
    # related news words: toll ~ killed, hostages ~ captives, jobs ~ payrolls, computers ~ PCs
    ("chile earthquake death toll", ("q1",), "q1"),
    ("earthquake toll in chile", ("q1",), "q1"),
    ("how many died in the chile quake", ("q1",), "q1"),
    ("quake survivors in chile", ("q2",), "q2"),
    ("hostages to be freed in the truce", ("m1",), "m1"),
    ("how many hostages will be released", ("m1",), "m1"),
    ("jobs report", ("n1", "h3"), None),
    ("how many jobs were added in may", ("n1",), None),
    ("computer shipments", ("l1",), "l1"),
    ("how many computers were shipped", ("l1",), "l1"),
    ("pc sales second quarter", ("l1",), "l1"),
    ("what did lumen computing say about devices", ("l1",), "l1"),
    ("helio motors layoffs", ("h3",), "h3"),
    ("job cuts at helio motors", ("h3",), "h3"),
    ("inflation in june", ("n2",), "n2"),
    ("price rises in june", ("n2",), "n2"),
    ("sales growth next year", ("h2",), "h2"),
    ("the ceasefire captives", ("m1",), "m1"),
    ("teacher strike pay", ("t1",), "t1"),
    ("pay rise for teachers", ("t1",), "t1"),
    ("the deficit next year", ("k1",), "k1"),
    ("library hours", ("g1",), "g1"),
    ("drone attacks", ("b3",), "b3"),
    ("beef quotas", ("br2",), "br2"),
    # latest, now, most recent: the newest said_on first
    ("latest from bondarenko", ("b2",), "b2"),
    ("what is bondarenko saying now about russian losses", ("b2",), "b2"),
    ("most recent bondarenko figures on losses", ("b2",), "b2"),
    ("bondarenko's latest on russian losses", ("b2",), "b2"),
    ("latest from kowalczyk", ("k2",), "k2"),
    ("what did haddad say most recently about the talks", ("m2",), "m2"),
    ("what is the latest on the truce", ("m1",), None),
    ("latest city budget news", ("a2", "g1"), "g1"),
    # how many / what figure: claims with figures first
    ("how many russian soldiers were lost according to bondarenko", ("b1", "b2"), None),
    ("what figure did adler give for the city budget", ("a2",), "a2"),
    ("how big is the city budget", ("a2",), "a2"),
    ("how much will the deficit be", ("k1",), "k1"),
    ("how many engineers did foreign agents try to recruit", ("f1",), "f1"),
    ("what pay rise do the teachers want", ("t1",), "t1"),
    ("how many people were killed in the chilean earthquake", ("q1",), "q1"),
    # who said a number
    ("who said 9,000", ("b1",), "b1"),
    ("who said 9000 russian troops were lost", ("b1",), "b1"),
    ("who said 12k soldiers", ("b2",), "b2"),
    ("who said 410,000 vehicles", ("h1",), "h1"),
    ("who said 41 people were killed", ("q1",), "q1"),
    ("who said payrolls grew by 52,000", ("n1",), "n1"),
    ("who said 3.1%", ("k1",), "k1"),
    ("who said inflation eased", ("n2",), "n2"),
    # typos and dropped apostrophes
    ("wat did kowalczik say abut the deficit", ("k1",), "k1"),
    ("what did kovalczyk say about the deficit", ("k1",), "k1"),
    ("what did bondarenco say about russian losses", ("b1", "b2"), None),
    ("waht did sokolow say about sanctions", ("s2",), "s2"),
    ("what did hadad say about captives", ("m1",), "m1"),
    ("what did ferriera say about inflation", ("n2",), "n2"),
    ("bondarenkos estimate of russian losses", ("b1", "b2"), None),
    ("sokolovs comments on sanctions", ("s2",), "s2"),
    ("wht did ortis say about sales", ("h2",), "h2"),
    ("what did mendez say about the trade deal", ("br2",), "br2"),
    # Cyrillic and accented names, answered like the Latin ones
    ("what did Соколов say about sanctions", ("s2",), "s2"),
    ("Соколов on sanctions", ("s2",), "s2"),
    ("what did Олексій Бондаренко say about russian losses", ("b1", "b2"), None),
    ("Бондаренко on drone attacks", ("b3",), "b3"),
    ("what did Peñalver say about rescuers", ("q2",), "q2"),
    ("what did jose penalver say about rescuers", ("q2",), "q2"),
    ("what did Kowalczýk say about the deficit", ("k1",), "k1"),
    ("what did Ferreirá say about payrolls", ("n1",), "n1"),
    ("Ортіс on sales", ("h2",), "h2"),
    ("what did Хаддад say about captives", ("m1",), "m1"),
    # chatty wrappers
    ("hey bot, what did kowalczyk say about the deficit?", ("k1",), "k1"),
    ("please tell me what sokolov said about sanctions", ("s2",), "s2"),
    ("can you show me bondarenko's figures on russian losses", ("b1", "b2"), None),
    ("any news on the chile earthquake?", ("q1",), None),
    ("i want to know what haddad said about the captives thanks", ("m1",), "m1"),
    ("quick question: who said 410,000 vehicles", ("h1",), "h1"),
    ("so what has ferreira said about payrolls lately", ("n1",), "n1"),
    ("what do you know about the trade deal", ("br1", "br2"), None),
    # years are topic words; an acronym finds the long name it stands for (a place word in front may be
    # left out); a full name finds a speaker the store knows by surname alone; "AT&T"-style names are one word
    ("helio motors 2023 deliveries", ("h4",), "h4"),
    ("how many vehicles did helio motors deliver in 2023", ("h4",), "h4"),
    ("what did the ERRA say about homes without power", ("f1",), "f1"),
    ("how many homes lost power according to the BERRA", ("f1",), "f1"),
    ("homes without electricity in brightwater", ("f1",), "f1"),
    ("power outage in Brightwater", ("f1",), "f1"),
    ("what did grace okonjo say about the budget", ("o1",), "o1"),
    ("Okonjo on the revised budget", ("o1",), "o1"),
    ("how many jobs is T&K cutting", ("t1",), "t1"),
    ("t&k payroll", ("t1",), "t1"),
    # a named speaker's next sentences in an article about the story follow the ones that name it
    ("what did varga say about the ferry collision", ("v1", "v2", "v3"), "v1"),
    ("the harbour master on the ferry collision", ("v1", "v2", "v3"), "v1"),
    ("varga ferry collision", ("v1", "v2"), "v1"),
    # must get nothing: unknown people, known people off their topics, places the store lacks
    ("what did the EMRA say about homes without power", (), None),
    ("what did the ERRA say about drones", (), None),
    ("wildfires in brightwater", (), None),
    ("what did grace okonjo say about drones", (), None),
    # a full name with other given names is someone else, even when a stored name ends the same
    ("what did ivan kowalczyk say about the deficit", (), None),
    ("what did marta kowalczik say about the deficit", ("k1",), "k1"),
    ("what did dr. marta kowalczyk say about the deficit", ("k1",), "k1"),
    ("what did sir rafael ortiz say about sales", ("h2",), "h2"),
    ("what did captain ines varga say about the ferry collision", ("v1",), "v1"),
    # "who said S": S is what was said, so a claim must carry nearly all of it
    ("who said the budget deficit will narrow", ("k1",), "k1"),
    ("who said the budget deficit would double", (), None),
    ("what did T&K say about the earthquake", (), None),
    ("what did Lagarde say about 2024 deliveries", (), None),
    ("what did Lagarde say about inflation", (), None),
    ("what did Okafor say about the strike", (), None),
    ("Christine Vasquez on the deficit", (), None),
    ("what did mayor Brennan say about rents", (), None),
    ("according to Dr Ngata, how many were killed", (), None),
    ("what did kowalczyk say about the earthquake", (), None),
    ("what did sokolov say about inflation", (), None),
    ("bondarenko on the city budget", (), None),
    ("what did ortiz say about the teachers strike", (), None),
    ("what did haddad say about beef quotas", (), None),
    ("what did the finance minister say about drones", (), None),
    ("philippines earthquake death toll", (), None),
    ("how many people died in the earthquake in the Philippines", (), None),
    ("nepal quake survivors", (), None),
    ("what did Chile say about the trade deal", (), None),
    ("flooding in Brightwater", (), None),
    ("wildfires in chile", (), None),
    ("who said 123,456", (), None),
    ("who said 7 million vehicles", (), None),
    ("volcano eruption in iceland", (), None),
    ("what did the pope say about the truce", (), None),
    ("asdf qwerty", (), None),
    ("?!?", (), None),
    ("", (), None),
    ("what did Соловйов say about sanctions", (), None),
    ("what did varga say about the tram extension", (), None),
    # a role typed in full is not a full name ending in a surname: a bare "mayor" alias is not reached
    ("what did the harbour pilots union speaker say", (), None),
]


@pytest.fixture(scope="module")
def index() -> ClaimIndex:
    return ClaimIndex.build(CLAIMS, SPEAKERS, TITLES)


def test_the_table_is_big_enough() -> None:
    assert len(ROWS) >= 150
    assert sum(1 for _, ids, _ in ROWS if not ids) >= 20
    assert len({q for q, _, _ in ROWS}) == len(ROWS)


@pytest.mark.parametrize(("question", "must", "first"), ROWS, ids=[r[0] or "empty" for r in ROWS])
def test_question(index: ClaimIndex, question: str, must: tuple[str, ...], first: str | None) -> None:
    answer = answer_question(question, index)
    got = [c.id for c in answer.claims[:5]]
    if not must:
        assert got == [], (answer.status, got)
        return
    assert answer.status == FOUND, (answer.status, answer.alternatives)
    assert set(must) <= set(got), got
    if first is not None:
        assert got[0] == first, got


def test_neighbours_follow_only_under_a_headline_about_the_topic(index: ClaimIndex) -> None:
    ids = [c.id for c in answer_question("what did varga say about the ferry collision", index).claims]
    assert ids == ["v1", "v2", "v3", "v4"]  # the answering claim first; "v5" is four sentences away
    # a round-up's headline is about the tram: the councillor's other subjects stay out
    assert [c.id for c in answer_question("what did horak say about ferry fares", index).claims] == ["p2"]
    # with no headlines known, only the claims that name the topic answer
    bare = ClaimIndex.build(CLAIMS, SPEAKERS)
    assert [c.id for c in answer_question("what did varga say about the ferry collision", bare).claims] == [
        "v1"
    ]


def test_headlines_are_read_once_and_only_when_needed() -> None:
    reads: list[int] = []

    def load() -> dict[str, str]:
        reads.append(1)
        return TITLES

    index = ClaimIndex.build(CLAIMS, SPEAKERS, load)
    assert not reads
    answer_question("what did varga say about the ferry collision", index)
    answer_question("what did varga say about the ferry collision", index)
    assert len(reads) == 1


def test_vs_shows_both_sides_first(index: ClaimIndex) -> None:
    answer = answer_question("bondarenko vs sokolov on soldiers", index)
    assert {c.speaker for c in answer.claims[:2]} == {"Oleksii Bondarenko", "Ivan Sokolov"}


def test_a_missing_place_is_named_and_what_the_store_has_is_offered(index: ClaimIndex) -> None:
    answer = answer_question("philippines earthquake death toll", index)
    reply = html_to_text("\n".join(render_answer(answer)))
    assert "philippines" in reply.lower()
    assert "Chile" in reply


def test_one_entry_per_statement() -> None:
    twice = [*CLAIMS, _claim("dup", "Marta Kowalczyk", CLAIMS[0].statement, date(2025, 3, 3))]
    answer = answer_question("kowalczyk on the deficit", ClaimIndex.build(twice, SPEAKERS))
    statements = [c.statement for c in answer.claims]
    assert len(statements) == len(set(statements))


def test_names_in_replies_are_shown_as_stored_or_typed(index: ClaimIndex) -> None:
    found = html_to_text(
        "\n".join(render_answer(answer_question("what did jose penalver say about rescuers", index)))
    )
    assert "José Peñalver" in found
    unknown = html_to_text(
        "\n".join(render_answer(answer_question("what did Lagarde say about inflation", index)))
    )
    assert "Lagarde" in unknown


def test_header_says_what_was_understood(index: ClaimIndex) -> None:
    answer = answer_question("how many people were killed in the chilean earthquake", index)
    header = render_answer(answer)[0].split("\n")[0]
    assert "were" not in header.split()
    figure = render_answer(answer_question("who said 9,000", index))[0].split("\n")[0]
    assert html_to_text(figure).startswith("Who said 9,000")


# A second invented store for three behaviours: "latest" estimates (each speaker's newest first), units
# of a looked-up number, and organisations reached through the roles of the people who speak for them.
OTHER_SPEAKERS = [
    Speaker("Morrow Fisheries Board", "organisation", ("Morrow Fisheries Board",), ()),
    Speaker("Anika Brandt", "person", ("Anika Brandt", "Brandt"), ("lake ecologist",)),
    Speaker("Jonas Reeve", "person", ("Jonas Reeve", "Reeve"), ("anglers' association head",)),
    Speaker("Corvane Shipping", "organisation", ("Corvane Shipping",), ("shipping line",)),
    Speaker(
        "Lisbeth Moor", "person", ("Lisbeth Moor", "Moor"), ("nordic chief executive of corvane shipping",)
    ),
    Speaker("Skyrill", "organisation", ("Skyrill",), ("airline",)),
    Speaker("Petra Lund", "person", ("Petra Lund", "Lund"), ("chief executive",)),
    Speaker("Dunmore Foods", "organisation", ("Dunmore Foods",), ("company",)),
    Speaker("Owen Hart", "person", ("Owen Hart", "Hart"), ("chief executive",)),
    Speaker("Rui Costa", "person", ("Rui Costa", "Costa"), ("road engineer",)),
    Speaker("Mila Novak", "person", ("Mila Novak", "Novak"), ("rescue chief",)),
    Speaker("Tarn Valley Council", "organisation", ("Tarn Valley Council",), ()),
]

OTHER_CLAIMS = [
    _claim(
        "e1",
        "Morrow Fisheries Board",
        "The eel catch fell to 400 tonnes.",
        date(2024, 3, 1),
        _fig("400", 400, "tonnes"),
    ),
    _claim(
        "e2",
        "Morrow Fisheries Board",
        "The eel catch recovered to 650 tonnes.",
        date(2025, 6, 1),
        _fig("650", 650, "tonnes"),
    ),
    _claim(
        "e3",
        "Anika Brandt",
        "The eel catch was about 500 tonnes.",
        date(2025, 2, 1),
        _fig("500", 500, "tonnes"),
    ),
    _claim(
        "e4",
        "Anika Brandt",
        "The eel catch reached 520 tonnes.",
        date(2025, 5, 10),
        _fig("520", 520, "tonnes"),
    ),
    _claim(
        "e5",
        "Jonas Reeve",
        "The eel catch came to 450 tonnes.",
        date(2024, 11, 1),
        _fig("450", 450, "tonnes"),
    ),
    _claim(
        "u1",
        "Rui Costa",
        "A rockfall blocked the road 18 kilometres north of the pass.",
        date(2025, 7, 1),
        _fig("18", 18, "kilometres"),
    ),
    _claim(
        "u2",
        "Mila Novak",
        "18 people died when the footbridge collapsed.",
        date(2025, 7, 2),
        _fig("18", 18, "people"),
    ),
    _claim(
        "u3",
        "Tarn Valley Council",
        "The toll from the footbridge collapse rose to 18.",
        date(2025, 7, 3),
        _fig("18", 18),
    ),
    _claim(
        "c1",
        "Corvane Shipping",
        "Freight rates have started to climb again.",
        date(2025, 8, 1),
        document="doc-corvane",
    ),
    _claim(
        "c2",
        "Lisbeth Moor",
        "Container volumes have stopped falling.",
        date(2025, 8, 1),
        document="doc-corvane",
    ),
    _claim(
        "s1",
        "Skyrill",
        "Skyrill carried more passengers than ever in July.",
        date(2025, 8, 4),
        document="doc-sky",
    ),
    _claim(
        "s2", "Petra Lund", "Bookings for the winter are ahead of plan.", date(2025, 8, 4), document="doc-sky"
    ),
    _claim(
        "d1",
        "Dunmore Foods",
        "Dunmore Foods will close two bakeries.",
        date(2025, 8, 5),
        document="doc-dunmore",
    ),
    _claim("d2", "Owen Hart", "Flour prices squeezed our margins.", date(2025, 8, 5), document="doc-dunmore"),
]

OTHER_ROWS: list[Row] = [
    # "latest": each speaker's newest figure first
    ("latest figures on the eel catch", ("e2", "e4", "e5"), "e2"),
    ("what is the latest estimate of the eel catch", ("e2", "e4", "e5"), "e2"),
    ("latest figures on the trout harvest in the lagoon", (), None),
    # a number with a unit or a counted noun: the claim's number must count the same thing
    ("who said 18 people died", ("u2", "u3"), None),
    ("who said 18 were killed", ("u2", "u3"), None),
    ("who said 18 kilometres", ("u1",), "u1"),
    ("who said 18 km", ("u1",), "u1"),
    ("who said 18", ("u1", "u2", "u3"), None),
    ("who said 18 tonnes", (), None),
    ("who said 18 percent", (), None),
    # organisations reach the people whose roles tie them to it
    ("corvane on container volumes", ("c2",), "c2"),
    ("according to corvane shipping, what happened to container volumes", ("c2",), "c2"),
    ("what did the skyrill chief executive say", ("s2",), "s2"),
    ("what did the dunmore chief executive say", ("d2",), "d2"),
    ("what did the skyrill finance director say", (), None),
]


@pytest.fixture(scope="module")
def other_index() -> ClaimIndex:
    return ClaimIndex.build(OTHER_CLAIMS, OTHER_SPEAKERS)


@pytest.mark.parametrize(("question", "must", "first"), OTHER_ROWS, ids=[r[0] for r in OTHER_ROWS])
def test_other_question(
    other_index: ClaimIndex, question: str, must: tuple[str, ...], first: str | None
) -> None:
    test_question(other_index, question, must, first)


def test_latest_puts_each_speakers_newest_before_older_estimates(other_index: ClaimIndex) -> None:
    got = [c.id for c in answer_question("latest figures on the eel catch", other_index).claims]
    assert got[:3] == ["e2", "e4", "e5"], got
    assert set(got[3:5]) == {"e1", "e3"}, got


def test_a_number_counting_something_else_is_left_out(other_index: ClaimIndex) -> None:
    people = [c.id for c in answer_question("who said 18 people died", other_index).claims]
    assert "u1" not in people, people
    distance = [c.id for c in answer_question("who said 18 kilometres", other_index).claims]
    assert "u2" not in distance and "u3" not in distance, distance
