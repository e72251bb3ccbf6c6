"""Words of questions and claims folded into comparable terms.

News reports one thing in many words (losses ~ casualties ~ killed ~ wounded; troops ~ soldiers ~ forces;
North Korean ~ DPRK ~ Pyongyang). Each group below folds into one concept term; every other word is
reduced to a crude stem, so "floods" meets "flooding" and "elections" meets "election".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import Stemmer

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
    "@north_korea": ("north korea", "north korean", "north koreans", "dprk", "pyongyang"),
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

_NUMBER = re.compile(r"[\d.,']+")  # "4.2", "1,000": figures, never topic words
_YEAR = re.compile(r"(?:19|20)\d\d")  # ... but a year is: "2024 deliveries", "the 2025 budget"
_INITIALS = re.compile(r"(?:[a-z]\.)+")  # "u.s.": initials keep their dots
_WORD = re.compile(r"[a-z0-9]+(?:[.'’&][a-z0-9]+)*\.?")  # "u.s.", "korea's", "at&t" are one word each


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude English stem: enough for 'floods'/'flooding' and 'elections'/'election' to meet; cached
    per word, since merging compares the same stored statements with every new claim."""
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


#: Related news words the question path folds on top of :data:`CONCEPTS`: they never become a claim's
#: stored ``topic`` (extraction's :func:`topic_of` reads only the base table), only its search terms.
RELATED: dict[str, Sequence[str]] = {
    "@casualties": ("victims", "fatalities", "bodies", "death toll", "dead and wounded", "massacre"),
    "@jobs": (
        "payroll payrolls hiring hire hires employment employer employers layoff laid off headcount "
        "job losses job cuts staff cuts workforce reduction"
    ).split(),
    "@results": (
        "deliveries",
        "delivery",
        "delivered",
        "deliver",
        "shipments",
        "shipped",
        "sold",
        "selling",
        "turnover",
    ),
    "@economy": ("grow", "grows", "grew", "growing", "expansion", "slowdown", "contraction", "economies"),
    "@rates": ("basis points", "rate hike", "rate hikes", "hike rates", "raise rates", "raised rates"),
    "@earthquake": (
        "earthquake earthquakes quake quakes tremor tremors aftershock aftershocks seismic magnitude"
    ).split(),
    "@hostages": (
        "hostage hostages captive captives captivity abducted abductees kidnapped kidnapping abduction"
    ).split(),
    "@devices": (
        "device devices pc pcs computer computers laptop laptops smartphone smartphones handsets tablets"
    ).split(),
    "@fire": "fire fires wildfire wildfires blaze blazes bushfire bushfires burned burning".split(),
    "@outbreak": "outbreak outbreaks epidemic pandemic ebola cholera infections infected".split(),
    "@tariffs": "tariff tariffs duties levies levy import duties".split(),
    "@ceasefire": ("ceasefire", "cease-fire", "truce", "armistice", "peace deal", "peace talks"),
    "@refugees": "refugee refugees asylum migrants migrant asylum-seekers".split(),
    "@power": (
        "outage",
        "outages",
        "blackout",
        "blackouts",
        "without power",
        "power cuts",
        "power outage",
        "power outages",
        "lost power",
        "no power",
        "without electricity",
        "no electricity",
        "in the dark",
    ),
    "@intelligence": (
        "intelligence",
        "spy agency",
        "spy agencies",
        "spy service",
        "spies",
        "spy",
        "intelligence service",
        "intelligence agency",
        "intelligence services",
        "nis",
        "hur",
        "cia",
    ),
    "@defence_ministry": (
        "defence ministry",
        "defense ministry",
        "ministry of defence",
        "ministry of defense",
    ),
    "@aircraft": "plane planes aircraft airplane airplanes airliner airliners jet jets".split(),
    "@fuel": "gasoline gas petrol diesel fuel fuels".split(),
    # roles news names in several ways: a question's word reaches a speaker's stored role
    "@prosecutor": (
        "prosecutor",
        "prosecutors",
        "district attorney",
        "assistant district attorney",
        "state attorney",
        "crown prosecutor",
        "public prosecutor",
        "prosecution",
    ),
    "@executive": (
        "executive",
        "executives",
        "chief executive",
        "ceo",
        "vice president",
        "senior vice president",
        "managing director",
        "chief operating officer",
        "chief financial officer",
        "cfo",
    ),
}

#: Countries by every word news uses for them (name, people, capital): a country named in a question
#: means its speakers when it speaks, and a hard constraint when it is the topic.
COUNTRIES: dict[str, Sequence[str]] = {
    "@uk": ("britain", "british", "uk", "u.k.", "united kingdom", "london", "england"),
    "@france": ("france", "french", "paris"),
    "@germany": ("germany", "german", "germans", "berlin"),
    "@brazil": ("brazil", "brazilian", "brazilians", "brasilia"),
    "@india": ("india", "indian", "indians", "new delhi", "delhi"),
    "@japan": ("japan", "japanese", "tokyo"),
    "@israel": ("israel", "israeli", "israelis"),
    "@iran": ("iran", "iranian", "iranians", "tehran"),
    "@turkey": ("turkey", "turkish", "ankara", "turkiye"),
    "@spain": ("spain", "spanish", "madrid"),
    "@italy": ("italy", "italian", "italians", "rome"),
    "@poland": ("poland", "polish", "warsaw"),
    "@canada": ("canada", "canadian", "canadians", "ottawa"),
    "@mexico": ("mexico", "mexican", "mexicans"),
    "@nepal": ("nepal", "nepalese", "nepali", "kathmandu"),
    "@philippines": ("philippines", "philippine", "filipino", "filipinos", "manila"),
    "@indonesia": ("indonesia", "indonesian", "jakarta"),
    "@pakistan": ("pakistan", "pakistani", "islamabad"),
    "@bangladesh": ("bangladesh", "bangladeshi", "dhaka"),
    "@nigeria": ("nigeria", "nigerian", "nigerians", "abuja"),
    "@congo": ("congo", "congolese", "drc", "kinshasa"),
    "@egypt": ("egypt", "egyptian", "cairo"),
    "@syria": ("syria", "syrian", "syrians", "damascus"),
    "@lebanon": ("lebanon", "lebanese", "beirut"),
    "@gaza": ("gaza", "palestinian", "palestinians"),
    "@australia": ("australia", "australian", "australians", "canberra"),
    "@argentina": ("argentina", "argentine", "argentinian", "buenos aires"),
    "@south_africa": ("south africa", "south african", "pretoria"),
    "@saudi_arabia": ("saudi arabia", "saudi", "saudis", "riyadh"),
    "@eu": ("european union", "eu", "e.u.", "brussels"),
    "@taiwan": ("taiwan", "taiwanese", "taipei"),
    "@vietnam": ("vietnam", "vietnamese", "hanoi"),
    "@greece": ("greece", "greek", "athens"),
    "@netherlands": ("netherlands", "dutch", "holland", "amsterdam"),
    "@sweden": ("sweden", "swedish", "stockholm"),
    "@norway": ("norway", "norwegian", "oslo"),
    "@finland": ("finland", "finnish", "helsinki"),
    "@belarus": ("belarus", "belarusian", "minsk"),
    "@venezuela": ("venezuela", "venezuelan", "caracas"),
    "@chile": ("chile", "chilean", "santiago"),
    "@colombia": ("colombia", "colombian", "bogota"),
    "@kenya": ("kenya", "kenyan", "nairobi"),
    "@ethiopia": ("ethiopia", "ethiopian", "addis ababa"),
    "@sudan": ("sudan", "sudanese", "khartoum"),
    "@afghanistan": ("afghanistan", "afghan", "afghans", "kabul"),
    "@iraq": ("iraq", "iraqi", "iraqis", "baghdad"),
    "@yemen": ("yemen", "yemeni", "houthi", "houthis"),
    "@haiti": ("haiti", "haitian"),
    "@myanmar": ("myanmar", "burma", "burmese"),
    "@thailand": ("thailand", "thai", "bangkok"),
    "@malaysia": ("malaysia", "malaysian"),
    "@morocco": ("morocco", "moroccan"),
    "@hungary": ("hungary", "hungarian", "budapest"),
    "@romania": ("romania", "romanian", "bucharest"),
    "@ireland": ("ireland", "irish", "dublin"),
    "@switzerland": ("switzerland", "swiss", "geneva", "bern"),
}

#: What a figure counts, by kind: "18 people", "18 dead" and "18 killed" count the same thing, "18
#: kilometres" another. Used only to check that a claim's number counts what a question's number does.
_COUNTED_KINDS: dict[str, Sequence[str]] = {
    "~people": (
        "people person persons civilians civilian residents inhabitants individuals victims children child "
        "adults women men migrants refugees patients passengers citizens prisoners hostages captives bodies "
        "others"
    ).split(),
    "~distance": "km kilometres kilometers kilometre kilometer miles mile metres meters metre meter".split(),
    "~weight": "tonnes tonne tons ton kg kilograms kilogram kilos pounds".split(),
    "~percent": "% percent pct per cent percentage points".split(),
    "~area": "hectares hectare acres acre sq square".split(),
}
#: News concepts that count people: casualties and troops are people counted.
_PEOPLE_CONCEPTS = frozenset({"@casualties", "@troops", "@refugees", "@hostages"})


def counted_terms(text: str) -> set[str]:
    """The terms of what a figure counts (its unit or the words after it), each with its kind when it
    has one: "people died" and "dead" share "~people", "kilometres" and "km" share "~distance"."""
    found = terms(text)
    lowered = set(words(text)) | {text.strip().lower()}
    for kind, members in _COUNTED_KINDS.items():
        if lowered.intersection(members):
            found.add(kind)
    if found & _PEOPLE_CONCEPTS or (found and found <= PLACE_TERMS):
        found.add("~people")  # "12,000 North Koreans" counts people too
    return found


#: Concept terms that name a place: as a question's topic they are hard constraints.
PLACE_TERMS = frozenset(
    {*COUNTRIES, "@north_korea", "@south_korea", "@russia", "@ukraine", "@usa", "@china", "@eu"}
)


@lru_cache(maxsize=2)
def _phrase_table(extended: bool = True) -> tuple[dict[tuple[str, ...], str], int]:
    """Phrase -> concept; the base table alone for stored topics, with RELATED and COUNTRIES for search."""
    table: dict[tuple[str, ...], str] = {}
    groups = [CONCEPTS, RELATED, COUNTRIES] if extended else [CONCEPTS]
    for group in groups:
        for concept, phrases in group.items():
            for phrase in phrases:
                table.setdefault(tuple(phrase.split()), concept)
    return table, max(len(k) for k in table)


_STEMMER = Stemmer.Stemmer("english")


@lru_cache(maxsize=1 << 16)
def snowball(word: str) -> str:
    """The Snowball (Porter 2) stem: 'deliveries' -> 'deliveri', 'captured' -> 'captur'; cached per word."""
    word = word.replace("’", "'").removesuffix("'s").removesuffix("'")
    if not word.isalpha():
        return word
    return str(_STEMMER.stemWord(word))


def words(text: str) -> list[str]:
    """Lower-case word tokens; "U.S." stays one word; a possessive goes, so "korea's" meets "korea"."""
    return [w for w, _ in _tokens(text)]


def _tokens(text: str) -> list[tuple[str, str]]:
    """(folded word, the word as written) pairs: the second is what a reply may show."""
    lowered = text.lower().replace("’", "'")
    out = []
    for m in _WORD.finditer(lowered):
        w = m.group()
        written = text[m.start() : m.end()]
        if not _INITIALS.fullmatch(w):
            w, written = w.rstrip("."), written.rstrip(".")
        if w.endswith("'s"):
            w, written = w[:-2], written[:-2]
        elif w.endswith("'"):
            w, written = w.rstrip("'"), written.rstrip("'’")
        out.append((w, written))
    return out


def spans(text: str, extended: bool = True) -> list[tuple[str, str]]:
    """(term, the words as written) for every term of a text, in order: how a reply names a term with the
    claim's own words ('@casualties' -> 'losses', 'deliveri' -> 'deliveries')."""
    table, longest = _phrase_table(extended)
    tokens = _tokens(text)
    lows = [w for w, _ in tokens]
    found: list[tuple[str, str]] = []
    i = 0
    while i < len(tokens):
        if tuple(lows[i : i + 2]) in BOUND_PHRASES:
            i += 2
            continue
        for n in range(min(longest, len(tokens) - i), 0, -1):
            concept = table.get(tuple(lows[i : i + n]))
            if concept is not None:
                found.append((concept, " ".join(t for _, t in tokens[i : i + n])))
                i += n
                break
        else:
            token, written = tokens[i]
            if (
                token not in STOPWORDS
                and len(token) > 1
                and (_YEAR.fullmatch(token) or not _NUMBER.fullmatch(token))
            ):
                found.append((snowball(token) if extended else stem(token), written))
            i += 1
    return found


def _fold(text: str, extended: bool) -> set[str]:
    return {term for term, _ in spans(text, extended)}


def terms(text: str) -> set[str]:
    """The comparable terms of a text: concepts for the news vocabulary, Snowball stems for other words."""
    return _fold(text, extended=True)


def literal_terms(text: str) -> set[str]:
    """The stems of a text's words without folding: "turnout" stays "turnout", a tie-breaker for ranking."""
    return {stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 1 and not w.isdigit()}


def concept_label(term: str) -> str:
    """How a term reads in a reply: '@north_korea' -> 'north korea'."""
    return term.lstrip("@").replace("_", " ")


def topic_of(text: str, limit: int = 3) -> str | None:
    """A short topic for a statement: the news concepts it touches, in a stable order."""
    found = _fold(text, extended=False)
    concepts = [concept_label(c) for c in CONCEPTS if c in found][:limit]
    return ", ".join(concepts) or None
