"""Answer-latency benchmark: how fast claimbot loads a big store and answers questions from it.

    python benchmarks/ask.py [--sizes 10000 100000] [--questions 1000] [--naive-questions N] [--seed S]
                             [--strict]

For each size a forked child makes a synthetic store (persons, organisations and anonymous sources speaking
on war, troops, inflation, rates, floods, elections, company results and budgets, with figures, dates over two
years and 1-3 sources) plus a seeded mix of questions, and writes the store through ClaimStore in one batch.
The child does the generating so the parent's peak memory is that of a bot serving the store. The parent then
times the bot's own start-up path (ClaimStore.snapshot() + ClaimIndex.build), answers every
question with answer_question, and answers a fixed subset again with a naive TinyDB scan that fuzz-matches
the speaker of every record, for comparison.

Targets (2 cores): load + index <= 2 s and p95 <= 10 ms at 100,000 claims, naive/indexed >= 50x, peak memory
< 1 GiB. Prints PASS or FAIL per target; --strict also exits 1 on a FAIL. Kept out of the test suite on
purpose: timings on a shared CI machine are not assertions.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import math
import multiprocessing
import os
import pstats
import random
import re
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, utils
from tinydb import Query, TinyDB
from tinydb.queries import QueryInstance
from tinydb.storages import MemoryStorage
from tinydb.table import Document, Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # runnable from a fresh clone without installing the package

from bot.ask.index import ClaimIndex, search_terms  # noqa: E402
from bot.ask.match import answer_question  # noqa: E402
from bot.ask.question import parse_question  # noqa: E402
from bot.models import Claim, Figure, Source, Speaker  # noqa: E402
from bot.vocabulary import STOPWORDS, topic_of  # noqa: E402
from data.store import ClaimStore  # noqa: E402

MAX_LOAD_S = 2.0  # snapshot() + ClaimIndex.build, at 100,000 claims
MAX_P95_MS = 10.0  # answer_question, at 100,000 claims
MIN_SPEEDUP = 50.0  # naive scan p50 / indexed p50, same questions
MAX_PEAK_MIB = 1024.0
TARGET_SIZE = 100_000  # the load and latency targets are stated for this size; smaller sizes are informative
NAIVE_BUDGET = 10_000_000  # record tests the naive scan may spend per size: all questions at 10k, 100 at 100k
MIN_NAIVE = 50
WARMUP = 10

# --- the synthetic world: every name, place and outlet below is invented ---------------------------------

FIRST_NAMES = (
    "Anna Marta Jonas Ilse Tomas Elena Pavel Sofia Karim Leila Daniel Grace Oskar Priya Rafael Nadia Viktor "
    "Hana Mateo Amara Lukas Irena Felix Yara Henrik Mira Arjun Zofia Emil Selin Bruno Ines Kofi Lena Dmytro "
    "Olga Teodor Maya Samir Clara Anton Rosa Iker Freya Tariq Vera Nils Eva Yusuf Agnes Marek Lidia Omar "
    "Petra Stefan Aiko Goran Alma Ruben Talia"
).split()
SURNAME_HEADS = (
    "Kowal Brandt Oster Hal Ves Dran Kor Tal Mar Bel Strom Wald Rask Fen Gor Lud Nov Sever Trav Vol Zar Kess "
    "Orl Prud Sand Tor Ulm Yev Bran Cass"
).split()
SURNAME_TAILS = (
    "czyk ner ova sson enko ski berg ridge ani ez ovic man strom ley escu ides stad ek oglu insky".split()
)
UNKNOWN_FIRST = "Quentin Bertrand Ludmila Horatio Winifred Casimir Ottoline Percival Rosalind Evander".split()
UNKNOWN_LAST = "Albright Pemberton Whitcombe Fairweather Thistlewood Quarrington Ashdown Blackmere".split()
COUNTRIES = (
    ("Ostravia", "Ostravian"),
    ("Keldora", "Keldoran"),
    ("Velosia", "Velosian"),
    ("Tarsk", "Tarskan"),
    ("Brevania", "Brevanian"),
    ("Lorvik", "Lorvikan"),
    ("Sardenia", "Sardenian"),
    ("Dravia", "Dravian"),
    ("Esterra", "Esterran"),
    ("Halvoria", "Halvorian"),
)
PLACES = (
    "Kessel Ostra Brennick Varn Tolvik Amsel Drava Koren Lisk Morrow Pelna Ravel Sovik Tamsin Ulvar Vetra "
    "Wexmoor Yarrow Zelna Corvo Dunmere Elsk Faro Grinta Hallin Istra Jarno Kalmia Lodden Mirsk Norva Orrin "
    "Pavlen Quarry Rostel Saaren Tovo Umber Velda Wintal"
).split()
RIVERS = "Ostra Velm Danra Kessa Lune Tavy Orlo Brisk Marra Sella".split()
PARTIES = (
    "Civic Union",
    "People's Alliance",
    "Green Forum",
    "Liberty Party",
    "National Renewal",
    "Social Democrats",
    "Farmers' League",
    "Reform Bloc",
)
COMPANY_HEADS = "Lum Nor Vex Kal Tri Oro Zen Arc Bel Cor Dyn Elo Fin Gal Hel Iso".split()
COMPANY_TAILS = "ora tek ix on ara is en ium".split()
COMPANY_KINDS = "Systems Motors Energy Group Holdings Bank Telecom Foods Airlines Pharma".split()
OUTLETS = (
    "North Star Courier",
    "Harbour Evening Post",
    "Plains Tribune",
    "Coastal Wire",
    "Metro Daily",
    "Wire Desk Daily",
    "Northern Dispatch",
    "Valley Herald",
    "Capital Ledger",
    "Morning Observer",
    "Riverside Gazette",
    "Market Watchtower",
    "Eastern Bulletin",
    "Frontline Monitor",
    "Daily Meridian",
    "Weekly Compass",
    "The Lantern",
    "Union Signal",
    "Harbour Light",
    "Summit Review",
    "Granite Post",
    "Delta Chronicle",
)
MONTHS = "January February March April May June July August September October November December".split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()

# domain -> (template, unit, value kind); {num} is the figure as written, qualifier included
TEMPLATES: dict[str, tuple[tuple[str, str | None, str | None], ...]] = {
    "casualties": (
        (
            "{Side} forces have killed or wounded {num} {Enemy} soldiers in the {place} region",
            "soldiers",
            "war",
        ),
        (
            "{Enemy} losses near {place} have reached {num} troops killed and wounded since {month}",
            "troops",
            "war",
        ),
        (
            "{num} civilians were killed in shelling of {place} over the past {days} days",
            "civilians",
            "small",
        ),
        (
            "The {Enemy} army lost {num} tanks and armoured vehicles around {place} last month",
            "tanks",
            "small",
        ),
        ("{num} people died when a missile struck a residential block in {place}", "people", "small"),
        ("Casualties among {Enemy} units in {place} are far higher than {Country} admits", None, None),
    ),
    "troops": (
        ("{Country} has deployed {num} troops to the {place} border", "troops", "troops"),
        ("{Enemy} sent {num} more soldiers to reinforce positions near {place}", "soldiers", "troops"),
        ("{num} additional troops will arrive in {place} by {month}", "troops", "troops"),
        ("{num} {Enemy} paratroopers are stationed in the {place} region", "paratroopers", "troops"),
        ("{Country} will not send combat troops to {place}", None, None),
    ),
    "inflation": (
        ("Consumer prices in {Country} rose {num} in {month} from a year earlier", "%", "inflation"),
        ("Inflation in {Country} will fall to {num} by the end of {year}", "%", "inflation"),
        ("Food prices in {place} jumped {num} over the past {days} days", "%", "inflation"),
        ("Core inflation has stayed above {num} for six months", "%", "inflation"),
        ("Price pressures in {Country} are easing faster than expected", None, None),
    ),
    "rates": (
        ("The central bank will raise its key rate to {num} at the {month} meeting", "%", "rate"),
        ("Interest rates in {Country} should stay at {num} until inflation is under control", "%", "rate"),
        ("Markets expect the benchmark rate to be cut to {num} by {month}", "%", "rate"),
        ("Mortgage rates in {Country} have climbed to {num}, the highest in a decade", "%", "rate"),
        ("A rate cut in {Country} this year would be premature", None, None),
    ),
    "floods": (
        ("{num} residents were evacuated from flooded areas along the {river}", "residents", "evacuees"),
        ("Repairs to roads and bridges in {place} could cost {num} euros", "EUR", "millions"),
        (
            "The {river} is expected to rise by another {num} centimetres before it falls",
            "centimetres",
            "small",
        ),
        ("{num} millimetres of rain could fall on {place} on {weekday}", "millimetres", "rain"),
        ("{num} homes in {place} were flooded after the levee broke", "homes", "evacuees"),
        ("The worst of the flooding is over for {place}", None, None),
    ),
    "elections": (
        ("Turnout in the {place} election reached {num}", "%", "turnout"),
        ("The {party} won {num} seats in the {Country} parliament", "seats", "seats"),
        ("{num} ballots in {place} were declared invalid", "ballots", "votes"),
        ("Polls show the {party} at {num} ahead of the {month} vote", "%", "poll"),
        ("The vote count in {place} was free and fair", None, None),
    ),
    "results": (
        ("{company} expects quarterly revenue of {num}", "USD", "billions"),
        ("{company} will cut {num} jobs by the end of {year}", "jobs", "jobs"),
        ("{company} reported a net profit of {num} for the quarter", "USD", "millions"),
        ("Sales at {company} grew {num} in the {nth} quarter", "%", "growth"),
        ("{company} is on track to meet its full-year targets", None, None),
    ),
    "budgets": (
        ("The {place} budget deficit will widen to {num} euros next year", "EUR", "millions"),
        ("{Country} will raise defence spending by {num} in {year}", "%", "growth"),
        ("The budget sets aside {num} euros for flood defences in {place}", "EUR", "millions"),
        ("Public debt in {Country} will reach {num} of GDP by {year}", "%", "debt"),
        ("The {year} budget in {Country} leaves no room for tax cuts", None, None),
    ),
}
DOMAINS = tuple(TEMPLATES)
TAILS = (
    "",
    "",
    "",
    "",
    " last week",
    " this month",
    " according to preliminary data",
    " compared with a year earlier",
    " despite the pressure",
    " and the figure could still rise",
)
# what a user types to ask about a domain
ASKS: dict[str, tuple[str, ...]] = {
    "casualties": (
        "casualties",
        "losses",
        "soldiers killed",
        "dead and wounded",
        "the death toll",
        "civilian deaths",
    ),
    "troops": ("troops", "troop deployments", "soldiers sent", "reinforcements", "paratroopers"),
    "inflation": ("inflation", "prices", "consumer prices", "food prices", "cost of living"),
    "rates": ("interest rates", "the key rate", "rate cuts", "mortgage rates", "the benchmark rate"),
    "floods": ("floods", "flooding", "flood damage", "evacuations", "rain"),
    "elections": ("the election", "turnout", "election results", "the vote", "polls"),
    "results": ("results", "revenue", "profits", "job cuts", "sales"),
    "budgets": ("the budget", "the deficit", "spending", "public debt", "defence spending"),
}
ROLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "defence minister": ("Defence Minister", ("casualties", "troops")),
    "general": ("General", ("casualties", "troops")),
    "military spokesperson": ("military spokesperson", ("casualties", "troops")),
    "president": ("President", ("troops", "casualties", "budgets", "elections")),
    "central bank governor": ("central bank governor", ("rates", "inflation")),
    "economist": ("economist", ("inflation", "rates", "budgets")),
    "finance minister": ("Finance Minister", ("budgets", "inflation")),
    "mayor": ("Mayor", ("floods", "budgets")),
    "governor": ("Governor", ("floods", "budgets", "elections")),
    "election official": ("election official", ("elections",)),
    "party leader": ("party leader", ("elections", "budgets")),
    "chief executive": ("chief executive", ("results",)),
    "analyst": ("analyst", ("results", "rates", "inflation")),
}
ORG_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("{Adj} defence ministry", ("casualties", "troops")),
    ("{Adj} general staff", ("casualties", "troops")),
    ("{Adj} military intelligence", ("casualties", "troops")),
    ("{Adj} special operations forces", ("casualties",)),
    ("{Adj} statistics office", ("inflation",)),
    ("{Adj} central bank", ("rates", "inflation")),
    ("{Adj} finance ministry", ("budgets", "inflation")),
    ("{place} flood agency", ("floods",)),
    ("{place} emergency service", ("floods",)),
    ("{Adj} weather service", ("floods",)),
    ("{Adj} election commission", ("elections",)),
    ("{place} electoral office", ("elections",)),
    ("{place} budget office", ("budgets",)),
    ("{company}", ("results",)),
)
ANON_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("{senior}{Adj} military official", ("casualties", "troops")),
    ("{senior}{Adj} intelligence official", ("casualties", "troops")),
    ("{Adj} military bloggers", ("casualties",)),
    ("{senior}{Adj} finance official", ("budgets", "inflation")),
    ("{senior}central bank official", ("rates",)),
    ("bond trader", ("rates", "inflation")),
    ("{place} rescue official", ("floods",)),
    ("{Adj} election observer", ("elections",)),
    ("{senior}{Adj} diplomat", ("troops", "elections")),
    ("person familiar with {company}", ("results",)),
)
COUNT_UNITS = frozenset(
    "soldiers troops civilians tanks people paratroopers residents homes seats ballots jobs".split()
)
OFF_TOPIC = (
    "what's the weather like tomorrow",
    "who won the football cup final",
    "best recipe for banana bread",
    "how do I reset my password",
    "tell me a joke",
    "what time is it in the capital",
    "cheap flights to the coast next week",
    "is the museum open on sunday",
    "how tall is the tallest tower in the world",
    "asdf qwerty",
    "???",
    "hello",
    "what is the meaning of life",
    "recommend a good novel",
)
QUALIFIERS = (None, "about", "more than", "at least", "up to", "nearly", "almost")
QUALIFIER_WEIGHTS = (55, 12, 10, 8, 7, 5, 3)


@dataclass(frozen=True)
class Persona:
    """A speaker as the generator knows it: the record, what they talk about, how users may refer to them."""

    speaker: Speaker
    domains: tuple[str, ...]
    role: str | None  # the title put before a person's name in a source sentence
    surname: str | None


@dataclass(frozen=True)
class Made:
    """What the generator remembers of a claim to ask about it."""

    persona: int
    domain: str
    place: str


def _sig(value: float, digits: int = 2) -> float:
    """Round to `digits` significant digits: reported figures are round numbers."""
    if value <= 0:
        return value
    scale = 10 ** (math.floor(math.log10(value)) - digits + 1)
    return float(round(value / scale) * scale)


def _value(rng: random.Random, kind: str) -> float:
    draw: dict[str, Callable[[], float]] = {
        "war": lambda: _sig(10 ** rng.uniform(1.3, 4.6)),
        "small": lambda: _sig(10 ** rng.uniform(0.5, 3.0)),
        "troops": lambda: _sig(10 ** rng.uniform(2.7, 5.0)),
        "evacuees": lambda: _sig(10 ** rng.uniform(1.7, 4.7)),
        "rain": lambda: float(rng.randint(10, 200)),
        "inflation": lambda: round(rng.uniform(0.2, 14.0), 1),
        "rate": lambda: rng.randint(1, 50) * 0.25,
        "turnout": lambda: round(rng.uniform(35.0, 85.0), 1),
        "poll": lambda: round(rng.uniform(3.0, 45.0), 1),
        "growth": lambda: round(rng.uniform(0.5, 25.0), 1),
        "debt": lambda: round(rng.uniform(30.0, 140.0), 1),
        "seats": lambda: float(rng.randint(2, 220)),
        "votes": lambda: _sig(10 ** rng.uniform(2.5, 6.0)),
        "jobs": lambda: _sig(10 ** rng.uniform(1.7, 4.3)),
        "millions": lambda: rng.randint(2, 950) * 1e6,
        "billions": lambda: round(rng.uniform(1.1, 60.0), 1) * 1e9,
    }
    return draw[kind]()


def _number_text(value: float, unit: str | None) -> str:
    """As a reporter writes it: 3,800 / 4.5% / 150 million / $2.4 billion."""
    if unit in ("EUR", "USD") and value >= 1e6:
        scale, word = (1e9, "billion") if value >= 1e9 else (1e6, "million")
        text = f"{value / scale:g} {word}"
        return "$" + text if unit == "USD" else text
    text = f"{value:,.0f}" if value == int(value) else f"{value:g}"
    return text + "%" if unit == "%" else text


def make_figure(rng: random.Random, unit: str, kind: str) -> Figure:
    value = _value(rng, kind)
    if unit in COUNT_UNITS and rng.random() < 0.08:
        high = _sig(value * rng.uniform(1.2, 1.6))
        qualifier = rng.choice((None, "up to", "about"))
        text = f"{_number_text(value, unit)}-{_number_text(high, unit)}"
        return Figure(
            f"{qualifier} {text}" if qualifier else text, low=value, high=high, unit=unit, qualifier=qualifier
        )
    qualifier = rng.choices(QUALIFIERS, QUALIFIER_WEIGHTS)[0] if unit != "%" or rng.random() < 0.2 else None
    text = _number_text(value, unit)
    return Figure(f"{qualifier} {text}" if qualifier else text, value=value, unit=unit, qualifier=qualifier)


def _variant(name: str) -> str | None:
    """A second spelling of a surname, as transliterations give (Stromsky/Stromskyy); None if no rule fits."""
    for old, new in (
        ("sky", "skyy"),
        ("ski", "sky"),
        ("ova", "ovah"),
        ("sson", "son"),
        ("enko", "ienko"),
        ("v", "w"),
    ):
        if old in name:
            return name.replace(old, new, 1)
    return None


def make_personas(rng: random.Random, count: int) -> list[Persona]:
    """count speakers: about 65% persons, 25% organisations, 10% anonymous sources, all distinct."""
    surnames = [h + t for h in SURNAME_HEADS for t in SURNAME_TAILS]
    rng.shuffle(surnames)
    companies = sorted({f"{h}{t} {k}" for h in COMPANY_HEADS for t in COMPANY_TAILS for k in COMPANY_KINDS})
    personas: list[Persona] = []
    names: set[str] = set()
    n_persons, n_orgs = int(count * 0.65), int(count * 0.25)
    while len(personas) < count:
        i = len(personas)
        adj, place = rng.choice(COUNTRIES)[1], rng.choice(PLACES)
        if i < n_persons:
            surname = surnames[i % len(surnames)]
            name = f"{rng.choice(FIRST_NAMES)} {surname}"
            role_key = rng.choice(tuple(ROLES))
            role, domains = ROLES[role_key]
            if rng.random() < 0.1:
                domains = (*domains, rng.choice(DOMAINS))
            aliases = {name, surname}
            variant = _variant(surname)
            if variant and rng.random() < 0.3:
                aliases |= {name.replace(surname, variant), variant}
            speaker = Speaker(name, "person", tuple(sorted(aliases)), roles=(role_key,))
            persona = Persona(speaker, domains, role, surname)
        else:
            kinds = ORG_KINDS if i < n_persons + n_orgs else ANON_KINDS
            pattern, domains = rng.choice(kinds)
            name = pattern.format(
                Adj=adj, place=place, company=rng.choice(companies), senior=rng.choice(("", "", "senior "))
            )
            kind = "organisation" if kinds is ORG_KINDS else "anonymous"
            persona = Persona(Speaker(name, kind, (name,)), domains, None, None)
        if persona.speaker.name in names:
            continue
        names.add(persona.speaker.name)
        personas.append(persona)
    return personas


def make_claims(
    rng: random.Random, personas: Sequence[Persona], count: int
) -> tuple[list[Claim], list[Made]]:
    """count claims; a few speakers say a lot and most say a little, as in the news."""
    weights = [1.0 / (rank + 3) ** 0.9 for rank in range(len(personas))]
    order = list(range(len(personas)))
    rng.shuffle(order)
    cum: list[float] = []
    total = 0.0
    for w in weights:
        total += w
        cum.append(total)
    picks = [order[r] for r in rng.choices(range(len(personas)), cum_weights=cum, k=count)]
    start = date(2024, 1, 1)
    claims: list[Claim] = []
    made: list[Made] = []
    for n, who in enumerate(picks):
        persona = personas[who]
        domain = rng.choice(persona.domains)
        template, unit, kind = rng.choice(TEMPLATES[domain])
        side, enemy = rng.sample(COUNTRIES, 2)
        place = rng.choice(PLACES)
        company = (
            persona.speaker.name if domain == "results" and persona.speaker.kind == "organisation" else None
        )
        figures: tuple[Figure, ...] = ()
        num = ""
        if unit is not None and kind is not None:
            figure = make_figure(rng, unit, kind)
            figures, num = (figure,), figure.text
        statement = template.format(
            num=num,
            Side=side[1],
            Enemy=enemy[1],
            Country=side[0],
            place=place,
            river=rng.choice(RIVERS),
            month=rng.choice(MONTHS),
            weekday=rng.choice(WEEKDAYS),
            days=rng.randint(2, 30),
            year=rng.choice((2024, 2025, 2026)),
            party=rng.choice(PARTIES),
            company=company or f"{rng.choice(COMPANY_HEADS)}{rng.choice(COMPANY_TAILS)} Group",
            nth=rng.choice(("first", "second", "third", "fourth")),
        )
        statement = statement[0].upper() + statement[1:] + rng.choice(TAILS) + "."
        said_on = start + timedelta(days=rng.randint(0, 729))
        claims.append(
            Claim(
                id=f"{rng.getrandbits(64):016x}",
                speaker=persona.speaker.name,
                statement=statement,
                figures=figures,
                said_on=said_on,
                topic=topic_of(statement),
                sources=_sources(rng, persona, statement, said_on, n),
                relayed_by=rng.choice(OUTLETS)
                if persona.speaker.kind == "anonymous" and rng.random() < 0.2
                else None,
                first_seen=datetime.combine(said_on + timedelta(days=1), clock(6, 0), tzinfo=UTC),
            )
        )
        made.append(Made(who, domain, place))
    return claims, made


def _sources(
    rng: random.Random, persona: Persona, statement: str, said_on: date, n: int
) -> tuple[Source, ...]:
    who = f"{persona.role} {persona.speaker.name}" if persona.role else f"the {persona.speaker.name}"
    if persona.speaker.kind == "organisation" and not persona.speaker.name.islower():
        who = persona.speaker.name
    sentence = f"{statement[:-1]}, {who} said."
    slug = re.sub(r"[^a-z0-9]+", "-", statement.lower())[:60].strip("-")
    out = []
    for outlet in rng.sample(OUTLETS, rng.choices((1, 2, 3), (60, 30, 10))[0]):
        published = said_on + timedelta(days=rng.randint(0, 2))
        host = re.sub(r"[^a-z0-9]+", "-", outlet.lower())
        out.append(
            Source(
                document=f"{host}-{n:06d}",
                sentence=sentence,
                outlet=outlet,
                url=f"https://{host}.example-outlet.test/{published:%Y/%m/%d}/{slug}",
                published=published,
            )
        )
    return tuple(out)


# --- questions ---------------------------------------------------------------------------------------------

QUESTION_KINDS = (
    ("what did X say about Y", 22),
    ("X on Y", 13),
    ("bare topic", 12),
    ("bare speaker", 10),
    ("who said <figure>", 10),
    ("how many <unit> according to X", 10),
    ("unknown speaker", 10),
    ("off-topic", 8),
    ("latest from X on Y", 5),
)


def _misspell(rng: random.Random, word: str) -> str:
    """One slip of the keyboard: a letter dropped, swapped, doubled or a vowel changed."""
    if len(word) < 4:
        return word + word[-1]
    for _ in range(10):
        i = rng.randint(1, len(word) - 2)
        op = rng.randrange(4)
        if op == 0:
            out = word[:i] + word[i + 1 :]
        elif op == 1:
            out = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        elif op == 2:
            out = word[:i] + word[i] + word[i:]
        else:
            vowels = [j for j, ch in enumerate(word) if ch in "aeiou" and j > 0]
            if not vowels:
                continue
            j = rng.choice(vowels)
            out = word[:j] + rng.choice([v for v in "aeiouy" if v != word[j]]) + word[j + 1 :]
        if out != word:
            return out
    return word + word[-1]


def _call(rng: random.Random, persona: Persona) -> str:
    """How a user types a speaker: in full, in lower case, by surname, with a title, or misspelt."""
    name = persona.speaker.name
    if persona.surname is None:
        roll = rng.random()
        if roll < 0.4:
            return name
        if roll < 0.7:
            return name.lower()
        if roll < 0.85:
            return "the " + name
        words = name.split()
        k = max(range(len(words)), key=lambda j: len(words[j]))
        words[k] = _misspell(rng, words[k])
        return " ".join(words)
    surname, roll = persona.surname, rng.random()
    if roll < 0.3:
        return name
    if roll < 0.5:
        return name.lower()
    if roll < 0.7:
        return rng.choice((surname, surname.lower()))
    if roll < 0.9:
        typo = name.replace(surname, _misspell(rng, surname))
        return rng.choice((typo, typo.lower(), _misspell(rng, surname).lower()))
    return f"{persona.role} {surname}" if persona.role and persona.role[0].isupper() else name


def _topic(rng: random.Random, made: Made) -> str:
    ask = rng.choice(ASKS[made.domain])
    return f"{ask} in {made.place}" if rng.random() < 0.35 and made.domain != "results" else ask


def make_questions(
    rng: random.Random, personas: Sequence[Persona], claims: Sequence[Claim], made: Sequence[Made], count: int
) -> list[tuple[str, str]]:
    """count (kind, text) questions of every kind in QUESTION_KINDS; speakers are mostly asked about in
    proportion to how much they say (a claim picked at random), sometimes picked at random."""
    kinds = [k for k, _ in QUESTION_KINDS]
    weights = [w for _, w in QUESTION_KINDS]
    counted = [i for i, c in enumerate(claims) if c.figures and c.figures[0].unit in COUNT_UNITS]
    valued = [i for i, c in enumerate(claims) if c.figures and c.figures[0].value is not None]
    out: list[tuple[str, str]] = []
    for kind in rng.choices(kinds, weights, k=count):
        pick = rng.choice(counted) if kind.startswith("how many") else rng.randrange(len(claims))
        m = made[pick]
        persona = personas[m.persona]
        if rng.random() < 0.3 and not kind.startswith("how many"):
            persona = rng.choice(personas)
            m = Made(personas.index(persona), rng.choice(persona.domains), m.place)
        who, topic = _call(rng, persona), _topic(rng, m)
        if kind == "what did X say about Y":
            frame = rng.choice(
                (
                    "what did {x} say about {y}?",
                    "What has {x} said about {y}",
                    "what did {x} claim about {y}",
                    "what is {x} saying on {y}?",
                    "wat did {x} say abt {y}",
                )
            )
        elif kind == "X on Y":
            frame = rng.choice(("{x} on {y}", "{x}: {y}", "{x} about {y}?"))
        elif kind == "bare topic":
            frame = rng.choice(("{y}", "{y}?", "latest on {y}", "news about {y}"))
        elif kind == "bare speaker":
            frame = rng.choice(("{x}", "what about {x}?", "{x}?"))
        elif kind == "who said <figure>":
            j = rng.choice(valued)
            figure = claims[j].figures[0]
            number = _number_text(figure.value or 0.0, figure.unit)
            unit = (
                "" if figure.unit in ("%", "USD") else " euros" if figure.unit == "EUR" else f" {figure.unit}"
            )
            hint = rng.choice(("", "", *ASKS[made[j].domain][:2]))
            frame = rng.choice(("who said {n}{u}", "Who said {n}{u}?", "who claimed {n}{u} {h}"))
            frame = frame.replace("{n}", number).replace("{u}", unit).replace("{h}", hint).strip()
        elif kind.startswith("how many"):
            unit = claims[pick].figures[0].unit or "people"
            frame = rng.choice(
                (
                    "how many {u} according to {x}",
                    "How many {u} did {x} say?",
                    "how many {u} in {p} according to {x}?",
                )
            )
            frame = frame.replace("{u}", unit).replace("{p}", m.place)
        elif kind == "unknown speaker":
            who = f"{rng.choice(UNKNOWN_FIRST)} {rng.choice(UNKNOWN_LAST)}"
            who = rng.choice((who, who.lower(), who.split()[1]))
            frame = rng.choice(("what did {x} say about {y}", "{x} on {y}"))
        elif kind == "off-topic":
            if rng.random() < 0.5:
                frame = rng.choice(OFF_TOPIC)
            else:
                other = [d for d in DOMAINS if d not in persona.domains] or list(DOMAINS)
                topic = rng.choice(ASKS[rng.choice(other)])
                frame = "what did {x} say about {y}"
        else:
            frame = rng.choice(("latest from {x} on {y}", "what's new from {x} about {y}"))
        out.append((kind, frame.replace("{x}", who).replace("{y}", topic)))
    return out


# --- the child: make and write one store -------------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    """What the child reports back: the questions to ask and what making the store cost."""

    questions: list[tuple[str, str]]
    warmup: list[str]
    speakers: int
    kinds: dict[str, int]
    figures: int
    make_s: float
    write_s: float
    file_mib: float
    peak_mib: float


def write_store(path: str, size: int, n_questions: int, seed: int) -> Written:
    """Runs in a forked child, so that making 100k records does not count in the serving process's peak."""
    rng = random.Random(seed * 1_000_003 + size)
    t0 = time.perf_counter()
    personas = make_personas(rng, min(2000, max(300, size // 50)))
    claims, made = make_claims(rng, personas, size)
    questions = make_questions(rng, personas, claims, made, n_questions)
    warmup = [text for _, text in make_questions(random.Random(seed + 1), personas, claims, made, WARMUP)]
    make_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    store = ClaimStore(path)
    with store.batch() as batch:
        # as the ingest pipeline stores them: with the index terms worked out once
        batch.put_claims(replace(c, search=search_terms(c)) for c in claims)
        batch.replace_speakers(p.speaker for p in personas)
    write_s = time.perf_counter() - t0
    return Written(
        questions=questions,
        warmup=warmup,
        speakers=len(personas),
        kinds=dict(Counter(p.speaker.kind for p in personas)),
        figures=sum(len(c.figures) for c in claims),
        make_s=make_s,
        write_s=write_s,
        file_mib=Path(path).stat().st_size / 2**20,
        peak_mib=peak_mib(),
    )


# --- the naive scan ----------------------------------------------------------------------------------------


def _fuzzy(name: str) -> Callable[[Any], bool]:
    return lambda s: fuzz.WRatio(name, s, processor=utils.default_process) >= 80


def _has_word(words: list[str]) -> Callable[[Any], bool]:
    def test(statement: Any) -> bool:
        low = statement.lower()
        return any(w in low for w in words)

    return test


def _has_number(number: float) -> Callable[[Any], bool]:
    return lambda figures: any(number in (f.get("value"), f.get("low"), f.get("high")) for f in figures)


def naive_answer(table: Table, text: str) -> list[Document]:
    """What a bot without an index would do: the same question parse, then one TinyDB pass over every record
    with a rapidfuzz speaker test and a topic-word test, newest first."""
    question = parse_question(text)
    words = [
        w[:5] for w in re.findall(r"[a-z0-9]+", question.topic or "") if w not in STOPWORDS and len(w) > 2
    ]
    record = Query()
    cond: QueryInstance | None = None
    if question.speaker:
        cond = record.speaker.test(_fuzzy(question.speaker))
        if words:
            cond = cond & record.statement.test(_has_word(words))
    elif question.topic and words:  # a bare phrase may be a speaker or a topic
        cond = record.speaker.test(_fuzzy(question.topic)) | record.statement.test(_has_word(words))
    if question.figure is not None:
        numbered = record.figures.test(_has_number(float(question.figure)))
        cond = numbered if cond is None else cond & numbered
    if cond is None:
        return []
    hits = table.search(cond)
    hits.sort(key=lambda doc: doc.get("said_on") or "", reverse=True)
    return hits[:20]


# --- measuring ---------------------------------------------------------------------------------------------


def peak_mib() -> float:
    """Peak resident memory of this process so far (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile: the value below which a share q of the values fall."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    t0 = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - t0


@contextmanager
def profiling(enabled: bool, label: str, top: int = 15) -> Iterator[None]:
    """cProfile the block and print its busiest functions (by own time), when asked to."""
    if not enabled:
        yield
        return
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
        body = out.getvalue()
        print(f"  --- profile of {label} (times inflated by cProfile) ---")
        print("\n".join("  " + line for line in body[body.find("   ncalls") :].rstrip().splitlines()))


@dataclass(frozen=True)
class Result:
    size: int
    load_s: float
    p50_ms: float
    p95_ms: float
    speedup: float
    naive_n: int


def run_size(
    size: int, n_questions: int, naive_questions: int | None, seed: int, profile: bool = False
) -> Result:
    """One store of `size` claims: make it (child), load and index it, answer, then answer naively."""
    with tempfile.TemporaryDirectory(prefix="claimbot-ask-bench-") as tmp:
        path = str(Path(tmp) / "claims.json")
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
            made = pool.submit(write_store, path, size, n_questions, seed).result()
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(made.kinds.items()))
        print(
            f"\n== {size:,} claims: {made.speakers} speakers ({kinds}), {made.figures:,} figures; "
            f"made in {made.make_s:.1f} s, written in one batch in {made.write_s:.1f} s, "
            f"file {made.file_mib:.0f} MiB, writer peak {made.peak_mib:.0f} MiB"
        )

        store = ClaimStore(path)
        gc.collect()
        (claims, speakers), read_s = timed(store.snapshot)
        with profiling(profile, "ClaimIndex.build"):
            t0 = time.perf_counter()
            index = ClaimIndex.build(claims, speakers)
            build_s = time.perf_counter() - t0
        load_s = read_s + build_s
        print(
            f"load (the bot's start-up path): store.snapshot() {read_s:.2f} s + ClaimIndex.build "
            f"{build_s:.2f} s = {load_s:.2f} s ({len(claims):,} claims, {len(speakers):,} speakers, "
            f"{len(index.postings):,} terms)"
        )

        for text in made.warmup:
            answer_question(text, index)
        latencies: list[float] = []
        outcome: dict[str, Counter[str]] = {k: Counter() for k, _ in QUESTION_KINDS}
        per_kind: dict[str, list[float]] = {k: [] for k, _ in QUESTION_KINDS}
        with profiling(profile, f"{len(made.questions)} x answer_question"):
            for kind, text in made.questions:
                t0 = time.perf_counter()
                answer = answer_question(text, index)
                latencies.append((time.perf_counter() - t0) * 1000)
                per_kind[kind].append(latencies[-1])
                outcome[kind][answer.status] += 1
        p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
        print(
            f"indexed: {len(latencies)} questions (after {len(made.warmup)} warm-up), "
            f"p50 {p50:.2f} ms, p95 {p95:.2f} ms, max {max(latencies):.2f} ms, "
            f"mean {sum(latencies) / len(latencies):.2f} ms"
        )
        for kind, counts in outcome.items():
            if counts:
                times = per_kind[kind]
                shares = ", ".join(f"{status} {n}" for status, n in counts.most_common())
                print(
                    f"  {kind:<31} {len(times):>4}  p50 {percentile(times, 0.5):5.1f}  "
                    f"p95 {percentile(times, 0.95):5.1f} ms  {shares}"
                )
        print(f"  peak memory so far (serving: load + index + answers): {peak_mib():.0f} MiB")
        del index, claims, speakers
        gc.collect()

        budget = naive_questions or min(n_questions, max(MIN_NAIVE, NAIVE_BUDGET // size))
        step = max(1, len(made.questions) // budget)
        subset = list(range(0, len(made.questions), step))[:budget]
        with open(path, "rb") as handle:
            tables = json.load(handle)
        db = TinyDB(storage=MemoryStorage)
        db.storage.write(tables)
        table = db.table("claims")
        naive: list[float] = []
        for i in subset:
            t0 = time.perf_counter()
            naive_answer(table, made.questions[i][1])
            naive.append((time.perf_counter() - t0) * 1000)
        db.close()
        del db, table, tables
        gc.collect()
    same = [latencies[i] for i in subset]
    n50, n95 = percentile(naive, 0.5), percentile(naive, 0.95)
    speedup = n50 / percentile(same, 0.5)
    scope = (
        f"all {len(subset)} questions"
        if len(subset) == len(made.questions)
        else f"FIXED SUBSET of {len(subset)} of {len(made.questions)} questions (every {step}th; "
        f"all would take ~{sum(naive) / len(naive) * len(made.questions) / 1000:.0f} s)"
    )
    print(
        f"naive TinyDB scan + rapidfuzz WRatio on every record, {scope}: p50 {n50:.1f} ms, p95 {n95:.1f} ms; "
        f"ratio naive/indexed on the same questions: p50 {speedup:.0f}x, "
        f"p95 {n95 / percentile(same, 0.95):.0f}x, "
        f"mean {sum(naive) / sum(same):.0f}x"
    )
    return Result(size, load_s, p50, p95, speedup, len(subset))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], help="claims per store")
    ap.add_argument("--questions", type=int, default=1000, help="questions per store (default 1000)")
    ap.add_argument(
        "--naive-questions",
        type=int,
        default=None,
        help=f"questions for the naive scan (default: all while size x questions <= {NAIVE_BUDGET:,}, "
        f"else a fixed subset, at least {MIN_NAIVE})",
    )
    ap.add_argument("--seed", type=int, default=7, help="random seed for stores and questions")
    ap.add_argument(
        "--profile", action="store_true", help="print where the index build and the answers spend their time"
    )
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = ap.parse_args(argv)
    if min(args.sizes) < 100 or args.questions < 1:
        ap.error("--sizes must be at least 100 and --questions at least 1")

    started = time.perf_counter()
    print(
        f"claimbot answer benchmark: sizes {args.sizes}, {args.questions} questions, seed {args.seed}; "
        f"cpus: {os.cpu_count()}"
    )
    results = [
        run_size(size, args.questions, args.naive_questions, args.seed, args.profile) for size in args.sizes
    ]

    peak = peak_mib()
    print(
        f"\npeak memory of the serving process (ru_maxrss): {peak:.0f} MiB; "
        f"total run {time.perf_counter() - started:.0f} s"
    )
    oks: list[bool] = []

    def target(label: str, ok: bool, got: str) -> None:
        oks.append(ok)
        print(f"target {label}: {verdict(ok)} ({got})")

    for r in results:
        at = f"at {r.size:,}" + ("" if r.size >= TARGET_SIZE else " (informative)")
        target(f"load + index <= {MAX_LOAD_S:.0f} s {at}", r.load_s <= MAX_LOAD_S, f"{r.load_s:.2f} s")
        target(f"answer p95 <= {MAX_P95_MS:.0f} ms {at}", r.p95_ms <= MAX_P95_MS, f"{r.p95_ms:.2f} ms")
        target(
            f"naive/indexed p50 >= {MIN_SPEEDUP:.0f}x {at}",
            r.speedup >= MIN_SPEEDUP,
            f"{r.speedup:.0f}x over {r.naive_n} questions",
        )
    target(f"peak memory < {MAX_PEAK_MIB:.0f} MiB", peak < MAX_PEAK_MIB, f"{peak:.0f} MiB")
    return 1 if args.strict and not all(oks) else 0


if __name__ == "__main__":
    raise SystemExit(main())
