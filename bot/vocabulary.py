"""Words of questions and claims folded into comparable terms.

News reports one thing in many words (losses ~ casualties ~ killed ~ wounded; troops ~ soldiers ~ forces;
North Korean ~ DPRK ~ Pyongyang). Each group below folds into one concept term; every other word is
reduced to a crude stem, so "floods" meets "flooding" and "elections" meets "election".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

#: Units of time: "in three days" says when, not how many of what was claimed.
DURATION_UNITS = frozenset(
    """
    second seconds minute minutes hour hours day days week weeks month months year years
    """.split()
)

#: concept -> the words and phrases that mean it in news copy (lower case).
CONCEPTS: dict[str, Sequence[str]] = {
    "@casualties": (
        "casualty casualties loss losses lost lose losing killed kill kills killing dead death deaths died "
        "die dying wounded wound wounds injured injure injuries injury hurt toll fatalities fatality slain "
        "perished eliminated"
    ).split(),
    "@troops": (
        "troops troop soldiers soldier forces force units unit infantry servicemen personnel army armies "
        "battalion battalions brigade brigades paratroopers paratroops fighters military men"
    ).split(),
    "@north_korea": ("north korea", "north korean", "north koreans", "dprk", "pyongyang", "kim jong un"),
    "@south_korea": ("south korea", "south korean", "south koreans", "seoul"),
    "@russia": ("russia", "russian", "russians", "moscow", "kremlin", "russia's"),
    "@ukraine": ("ukraine", "ukrainian", "ukrainians", "kyiv", "kiev", "ukraine's"),
    "@usa": ("u.s.", "usa", "united states", "american", "americans", "washington"),
    "@china": ("china", "chinese", "beijing"),
    "@deploy": (
        "deploy deployed deploying deployment deployments send sent sending dispatch dispatched bring "
        "brought stationed station reinforcements"
    ).split(),
    "@drones": ("drone", "drones", "uav", "uavs", "shahed", "shaheds"),
    "@missiles": ("missile", "missiles", "rocket", "rockets", "ballistic"),
    "@equipment": "equipment weapons weapon vehicles tanks artillery armour armor hardware".split(),
    "@territory": "territory territories land ground area areas captured capture recaptured".split(),
    "@offensive": "offensive attack attacks assault assaults counterattack counteroffensive push".split(),
    "@inflation": (
        "inflation",
        "prices",
        "price",
        "cpi",
        "consumer prices",
        "cost of living",
        "deflation",
        "disinflation",
    ),
    "@rates": (
        "interest rate",
        "interest rates",
        "rates",
        "key rate",
        "benchmark rate",
        "rate cut",
        "policy rate",
    ),
    "@economy": ("economy", "economic", "growth", "gdp", "recession", "output"),
    "@flood": (
        "flood floods flooding flooded river rivers rain rainfall downpour deluge inundated levee dam "
        "storm storms"
    ).split(),
    "@evacuation": "evacuated evacuate evacuation evacuations evacuees displaced shelter shelters".split(),
    "@election": (
        "election elections vote votes voting voted ballot ballots turnout polls poll voters voter "
        "electoral referendum"
    ).split(),
    "@results": (
        "results result profit profits revenue revenues sales earnings income quarterly quarter margin "
        "margins loss-making"
    ).split(),
    "@jobs": (
        "jobs",
        "job",
        "job cuts",
        "layoffs",
        "workforce",
        "employees",
        "staff",
        "redundancies",
        "workers",
        "unemployment",
        "jobless",
    ),
    "@budget": "budget budgets spending deficit funding funds fund expenditure allocation tax taxes".split(),
    "@damage": (
        "damage damaged damages destroyed destruction repairs repair rebuild rebuilding reconstruction "
        "wrecked"
    ).split(),
    "@money": "dollars dollar euros euro pounds money billion million cost costs".split(),
    "@additional": "more additional extra further another".split(),
}

#: Phrases that bound a figure ("more than 3,000"): they say nothing about the topic.
BOUND_PHRASES = frozenset(
    {("more", "than"), ("less", "than"), ("fewer", "than"), ("up", "to"), ("at", "least"), ("as", "many")}
)

STOPWORDS = frozenset(
    """
    a an the of in on at to for and or but by with from as that this these those was were is are be been
    being has have had it its their they he she his her we our you your i me my not no do does did done
    what which who whom whose when where why how many much most some any all about according say says
    said saying tell told telling claim claims claimed latest news new update updates on over under into
    than then there here also just only very so such can could would should will may might must please
    new latest
    show give tell me us know think according figures figure number numbers statement statements
    """.split()
)

_WORD = re.compile(r"[a-z0-9]+(?:[.'’][a-z0-9]+)*\.?")


def stem(word: str) -> str:
    """A crude English stem: enough for 'floods'/'flooding' and 'elections'/'election' to meet."""
    word = word.replace("’", "'").removesuffix("'s")
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                continue
            word = word[: len(word) - len(suffix)] + repl
            break
    # "hide"/"hiding", "cut"/"cutting": drop a final e and a doubled final consonant
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiousl":
        word = word[:-1]
    return word


@lru_cache(maxsize=1)
def _phrase_table() -> tuple[dict[tuple[str, ...], str], int]:
    table: dict[tuple[str, ...], str] = {}
    for concept, phrases in CONCEPTS.items():
        for phrase in phrases:
            table[tuple(phrase.split())] = concept
    return table, max(len(k) for k in table)


def words(text: str) -> list[str]:
    """Lower-case word tokens; "U.S." stays one word."""
    return [w.rstrip(".") if not re.fullmatch(r"(?:[a-z]\.)+", w) else w for w in _WORD.findall(text.lower())]


def terms(text: str) -> set[str]:
    """The comparable terms of a text: concepts for the news vocabulary, stems for every other word."""
    table, longest = _phrase_table()
    tokens = words(text)
    found: set[str] = set()
    i = 0
    while i < len(tokens):
        if tuple(tokens[i : i + 2]) in BOUND_PHRASES:
            i += 2
            continue
        for n in range(min(longest, len(tokens) - i), 0, -1):
            concept = table.get(tuple(tokens[i : i + n]))
            if concept is not None:
                found.add(concept)
                i += n
                break
        else:
            token = tokens[i]
            if token not in STOPWORDS and len(token) > 1 and not token.isdigit():
                found.add(stem(token))
            i += 1
    return found


def literal_terms(text: str) -> set[str]:
    """The stems of a text's words without folding: "turnout" stays "turnout", a tie-breaker for ranking."""
    return {stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 1 and not w.isdigit()}


def concept_label(term: str) -> str:
    """How a term reads in a reply: '@north_korea' -> 'north korea'."""
    return term.lstrip("@").replace("_", " ")


def topic_of(text: str, limit: int = 3) -> str | None:
    """A short topic for a statement: the news concepts it touches, in a stable order."""
    found = terms(text)
    concepts = [concept_label(c) for c in CONCEPTS if c in found][:limit]
    return ", ".join(concepts) or None
