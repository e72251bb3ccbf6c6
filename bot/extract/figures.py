"""Find every figure in a sentence with regexes and small tables: it runs on every sentence, so no NLP model.

A figure is a number as a claim states it: "more than 3,000 troops", "$5.9 billion", "30,000-40,000 troops".
Integral values are stored as floats (3800.0); the caller renders them. ``text`` is the number as written
with its bound words, currency sign, scale, percent and hyphen compound ("more than $5.9 billion",
"72-year-old"), but without the counted noun, which goes to ``unit``.

Qualifiers (the bound words before or after the number) are normalised as follows:

============================================================  ===============
as written                                                    qualifier
============================================================  ===============
more than, over, upwards of, in excess of, above, greater     more than
than, north of, just/well over, well above, surpassed,
exceeded, topped, "10,000-plus", "10,000+"
at least, no fewer than, no less than, a minimum of, "or more" at least
up to, at most, no more than, a maximum of, "or fewer"        up to
as many as, as much as, as high as                            as many as
fewer than                                                    fewer than
less than, under, below                                       less than
about, around, roughly, approximately, some, an estimated,    about
estimated at, circa, "or so", "a couple hundred"
nearly, almost, close to, just under, just shy of             nearly
a total of, exactly, only, just                               (none: exact)
============================================================  ===============

Vague amounts are ranges, with the vague word kept as the qualifier (``value`` is None):

* plural orders "dozens", "hundreds", "thousands", "tens of thousands", "hundreds of thousands", "millions"
  (of N): low = 2N, high = 10N - 1 (the next named order starts there); "dozens" is 24-99, "scores" 40-99.
* "a few N": 2N-5N (qualifier "a few"); "several N": 3N-9N (qualifier "several").
* "a couple (of) N" is the single value 2N with qualifier "about".
* "a dozen" 12, "two dozen" 24, "half a dozen" 6, "half a million" 500,000.

Fractions are values of what follows: "a quarter of the troops" -> 0.25 troops; "half the budget" -> 0.5;
"two-thirds" -> 0.667. "one in five voters" / "3 out of 10" -> 0.2 / 0.3 of the noun.

"from 300 to 1,000" is read as the range 300-1,000 when it rises (a fall, "from 5% to 3%", is two figures);
"A to B" is no range after "by" ("rose by 200 to 3,000") or from a percent to a plain number.
"one soldier" is 1; "one" is dropped only where it is a pronoun or a label.

Not figures: years (a bare 1900-2099 with no separator, currency, scale or bound word: "in 2024", but
"more than 2000 troops" and "2,024 troops" are counts), decades ("the 1990s"), dates ("Jan. 5",
"5 January", "2024-12-05", "05/01/2025"), clock times ("9 a.m.", "21:00"), ordinals ("155th", "third day"),
phone numbers, codes and names ("F-16", "COVID-19", "G7", "5G"), labels ("Article 5", "Flight 370",
"Leopard 2": a capitalised word right before a plain number), sports scores and votes written high-low
("won 3-1"), and the pronoun "one" ("one of the", "no one", "the one", "said one official").

Units: "%" for percent, ISO codes for money ($ US$ € £ ¥ ₴ ₽ ₹, "dollars", "euros"; "pounds" alone stays
"pounds" as it may be weight), abbreviations as written ("km", "MW"; "5m" is metres but "$5m" and "1.5m" are
millions), the hyphen word of a compound ("1,000-kilometer" -> "kilometer", "72-year-old" -> "years old"),
else the noun phrase that follows with leading proper adjectives dropped ("3,800 North Korean soldiers" ->
"soldiers"), "of" kept after measure words ("1,000 pieces of equipment"), None when nothing follows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.models import Figure


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


# --- tables -------------------------------------------------------------------------------------------

_QUALIFIERS: dict[str, str] = {
    "more than": "more than",
    "over": "more than",
    "upwards of": "more than",
    "upward of": "more than",
    "in excess of": "more than",
    "above": "more than",
    "greater than": "more than",
    "north of": "more than",
    "just over": "more than",
    "well over": "more than",
    "well above": "more than",
    "slightly more than": "more than",
    "surpassed": "more than",
    "surpassing": "more than",
    "surpasses": "more than",
    "exceeded": "more than",
    "exceeding": "more than",
    "exceeds": "more than",
    "topped": "more than",
    "topping": "more than",
    "at least": "at least",
    "no fewer than": "at least",
    "no less than": "at least",
    "not less than": "at least",
    "a minimum of": "at least",
    "up to": "up to",
    "at most": "up to",
    "no more than": "up to",
    "not more than": "up to",
    "a maximum of": "up to",
    "as many as": "as many as",
    "as much as": "as many as",
    "as high as": "as many as",
    "fewer than": "fewer than",
    "less than": "less than",
    "under": "less than",
    "below": "less than",
    "about": "about",
    "around": "about",
    "roughly": "about",
    "approximately": "about",
    "approx.": "about",
    "some": "about",
    "an estimated": "about",
    "estimated": "about",
    "estimated at": "about",
    "circa": "about",
    "more or less": "about",
    "in the region of": "about",
    "nearly": "nearly",
    "almost": "nearly",
    "close to": "nearly",
    "just under": "nearly",
    "just shy of": "nearly",
}

_POST_QUALIFIERS: dict[str, str] = {
    "+": "more than",
    "plus": "more than",
    "or more": "at least",
    "and counting": "at least",
    "or so": "about",
    "or fewer": "up to",
    "or less": "up to",
}

_SMALL_WORDS: dict[str, int] = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}

_SCALES: dict[str, float] = {
    "dozen": 12.0,
    "hundred": 100.0,
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
}

# plural order word -> (low, high) of the range it stands for
_VAGUE: dict[str, tuple[float, float]] = {
    "dozens": (24.0, 99.0),
    "scores": (40.0, 99.0),
    "hundreds": (200.0, 999.0),
    "thousands": (2e3, 9_999.0),
    "tens of thousands": (2e4, 99_999.0),
    "hundreds of thousands": (2e5, 999_999.0),
    "millions": (2e6, 9_999_999.0),
    "tens of millions": (2e7, 99_999_999.0),
    "hundreds of millions": (2e8, 999_999_999.0),
    "billions": (2e9, 9_999_999_999.0),
    "tens of billions": (2e10, 99_999_999_999.0),
    "hundreds of billions": (2e11, 999_999_999_999.0),
}

_FUZZY: dict[str, tuple[float, float]] = {"a few": (2.0, 5.0), "several": (3.0, 9.0)}

_FRACTIONS: dict[str, float] = {
    "half": 1 / 2,
    "halves": 1 / 2,
    "third": 1 / 3,
    "quarter": 1 / 4,
    "fifth": 1 / 5,
    "sixth": 1 / 6,
    "seventh": 1 / 7,
    "eighth": 1 / 8,
    "ninth": 1 / 9,
    "tenth": 1 / 10,
}

_CURRENCY_SIGNS: dict[str, str] = {
    "$": "USD",
    "us$": "USD",
    "u.s.$": "USD",
    "a$": "AUD",
    "au$": "AUD",
    "c$": "CAD",
    "ca$": "CAD",
    "nz$": "NZD",
    "hk$": "HKD",
    "s$": "SGD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₴": "UAH",
    "₽": "RUB",
    "₹": "INR",
}
_ISO_CODES = _words("USD EUR GBP JPY CNY CHF UAH RUB INR AUD CAD")

_CURRENCY_WORDS: dict[str, str] = {
    "dollar": "USD",
    "dollars": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "sterling": "GBP",
    "yen": "JPY",
    "yuan": "CNY",
    "renminbi": "CNY",
    "ruble": "RUB",
    "rubles": "RUB",
    "rouble": "RUB",
    "roubles": "RUB",
    "hryvnia": "UAH",
    "hryvnias": "UAH",
    "hryvnas": "UAH",
    "rupee": "INR",
    "rupees": "INR",
}
_DOLLAR_NATIONS: dict[str, str] = {
    "us": "USD",
    "u.s.": "USD",
    "american": "USD",
    "australian": "AUD",
    "canadian": "CAD",
    "zealand": "NZD",
    "kong": "HKD",
    "singapore": "SGD",
}

_PERCENT_UNITS: dict[str, str] = {
    "%": "%",
    "percent": "%",
    "per cent": "%",
    "pct": "%",
    "percentage point": "percentage points",
    "percentage points": "percentage points",
    "basis point": "basis points",
    "basis points": "basis points",
}

# letters glued to digits: "2.1bn", "12k" are scales; "500km" units; anything else ("5G", "3D") is a code
_SUFFIX_SCALES: dict[str, float] = {"k": 1e3, "bn": 1e9, "bln": 1e9, "mn": 1e6, "mln": 1e6, "tn": 1e12}
_SUFFIX_UNITS: dict[str, str] = {
    "km": "km",
    "kms": "km",
    "kg": "kg",
    "mm": "mm",
    "cm": "cm",
    "m": "m",
    "mi": "mi",
    "ft": "ft",
    "mph": "mph",
    "kph": "km/h",
    "kmh": "km/h",
    "km/h": "km/h",
    "t": "t",
    "kw": "kW",
    "mw": "MW",
    "gw": "GW",
    "kwh": "kWh",
    "mwh": "MWh",
    "gwh": "GWh",
    "twh": "TWh",
    "gb": "GB",
    "tb": "TB",
    "mb": "MB",
    "ha": "ha",
    "c": "°C",
    "f": "°F",
    "l": "l",
    "ml": "ml",
    "lb": "lb",
    "lbs": "lb",
    "oz": "oz",
    "bpd": "bpd",
    "pct": "%",
    "pp": "percentage points",
    "bps": "basis points",
}

# nouns whose "of ..." belongs to the unit: "1,000 pieces of equipment", "300 cases of cholera"
_MEASURE_NOUNS = _words(
    """pieces piece units items tonnes tonne tons ton barrels barrel litres liters gallons hectares acres
    metres meters kilometres kilometers km miles rounds doses cases bags sacks boxes bottles cans packs
    pallets containers truckloads shipments head types kinds sorts pairs sets sheets rolls loaves cups grams
    kilograms kg pounds ounces bales bushels cubic square"""
)

_SKIP_BEFORE_NOUN = _words("more additional extra further other")

# a plural ends the noun phrase ("volunteers dug trenches"); these plurals may still modify a noun
_PLURAL_MODIFIERS = _words("arms sales news savings goods sports systems pounds")
_IRREGULAR_PLURALS = _words("people children men women police personnel staff cattle sheep fish data")

# words whose ending looks like a verb or adverb but which belong to a unit
_NOT_VERBS = _words("daily weekly monthly yearly hourly elderly family sterling")

_STOPWORDS = _words(
    """a an the of in on at to from for with by into onto over under after before during between among
    against about around through across within amid amidst despite via near along alongside beside beyond
    inside outside upon throughout except unlike like versus vs without toward towards per than as if and or
    but nor yet so
    not no also already still just only even now then there here this that these those who whom whose which
    what when where while since until till because although though whether each every all both either
    neither its their his her our my your it they he she we you i them him us me is are was were be been
    being am will would could should shall may might must can cannot do does did done has have had having
    get gets got said says say told tell tells according including includes include included remain remains
    died fled lost fell rose won went came took left made make makes face faces gave give need
    needs cast hit held sent kept met paid spent struck taken given seen shown built sold bought caught
    fought brought found stood overnight apiece alone abroad instead together altogether again too ago
    earlier later last next higher lower bigger larger smaller greater fewer
    less yesterday today tomorrow tonight monday tuesday wednesday thursday
    friday saturday sunday january february march april may june july august september october november
    december"""
)

# capitalised words that may stand right before a count without making it a label like "Article 5"
_CAP_OK = (
    _STOPWORDS
    | set(_QUALIFIERS)
    | _words("""some nearly almost roughly approximately around about over under only just exactly estimated
    another additional total killing including plus minus up down more fewer less mar jan feb apr jun jul
    aug sep sept oct nov dec well""")
)

_LABEL_WORDS = (
    r"article|articles|section|sections|chapter|clause|paragraph|resolution|page|pages|pp|p|no|nos|number|"
    r"vol|fig|flight|route|gate|platform|terminal|room|category|phase|episode|season|version"
)

# --- regexes ------------------------------------------------------------------------------------------

_UNIT_W = "one|two|three|four|five|six|seven|eight|nine"
_TEEN_W = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_TENS_W = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_SMALL = rf"(?:(?:{_TENS_W})(?:[-\s](?:{_UNIT_W})\b)?|(?:{_TEEN_W}|{_UNIT_W}|zero)\b)"
_SCALE_W = "thousand|million|billion|trillion"
_WORDNUM = rf"""(?:
      half\s+a\s+(?:dozen|hundred|{_SCALE_W})
    | (?:a|{_SMALL})\s+dozen
    | (?:(?:a|{_SMALL})\s+hundred(?:\s+(?:and\s+)?{_SMALL})?|{_SMALL})(?:\s+(?:{_SCALE_W}))?
    | a\s+(?:{_SCALE_W})
)"""
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CUR_PRE = r"(?:US|U\.S\.|AU|A|CA|C|NZ|HK|S)?\$|€|£|¥|₴|₽|₹|(?:USD|EUR|GBP|JPY|CNY|CHF|UAH|RUB|INR)\s?"
_VAGUE_RE = "|".join(sorted((re.escape(k).replace(r"\ ", r"\s+") for k in _VAGUE), key=len, reverse=True))

_ATOM = re.compile(
    rf"""
    (?<![\w.,$€£¥#])
    (?:
        (?P<vague>(?:{_VAGUE_RE}))\b(?!-)
      | (?P<fuzzy>(?P<fword>a\s+few|several|a\s+couple(?:\s+of)?)\s+(?P<fbase>dozen|hundred|{_SCALE_W})
            (?:\s+(?P<fbase2>{_SCALE_W}))?)\b
      | (?P<frac>(?P<fnum>a|one|two|three|four|five|six|seven|eight|nine)[\s-]+
            (?P<fden>halves|half|thirds?|quarters?|fifths?|sixths?|sevenths?|eighths?|ninths?|tenths?))\b
      | (?P<words>{_WORDNUM})\b
      | (?P<half>half)\b
      | (?:(?P<cur>{_CUR_PRE})\s?)?(?P<num>{_DIGITS})(?!\d)(?P<suf>[A-Za-z]+(?:/[A-Za-z]+)?)?
            (?P<deg>\s?°\s?[CF]?)?(?:\s+(?P<scale>{_SCALE_W}|bn|bln|mn|mln|tn)\b)?
    )
    (?P<pct>\s?%|\s+(?:per\s?cent|percent|pct)\b|\s+(?:percentage|basis)[\s-]points?\b)?
    """,
    re.VERBOSE | re.IGNORECASE,
)

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
)
_ORD = r"(?:st|nd|rd|th)"
# spans that hold digits but no figure; they are blanked out before numbers are searched
_MASKS: tuple[re.Pattern[str], ...] = (
    re.compile(r"\+\d[\d\s().-]{6,}\d"),  # +380 44 123 4567
    re.compile(r"\(\d{2,4}\)\s?\d{3}[-.\s]\d{4}\b"),  # (202) 555-0143
    re.compile(r"\b\d{3}[-.\s]\d{3}[-.\s]\d{4}\b"),  # 202-555-0143
    re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b"),  # 2024-12-05
    re.compile(r"\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b"),  # 05/01/2025, 5.1.2025
    re.compile(r"\b\d+\.\d+\.\d+(?:\.\d+)*\b"),  # versions, addresses
    re.compile(r"\b\d+/\d+\b"),  # 24/7, 9/11
    re.compile(rf"\b{_MONTH}\.?\s+\d{{1,2}}{_ORD}?(?:\s?[-–]\s?\d{{1,2}})?(?![\d,.]?\d)(?:,?\s+\d{{4}}\b)?"),
    re.compile(
        rf"\b\d{{1,2}}{_ORD}?(?:\s?[-–]\s?\d{{1,2}}{_ORD}?)?\s+(?:of\s+)?{_MONTH}\b\.?(?:,?\s+\d{{4}}\b)?"
    ),
    re.compile(rf"\b{_MONTH}\.?\s+\d{{4}}\b"),  # December 2024
    re.compile(r"\b\d{1,2}(?:[:.]\d{2})?\s?(?:[ap]\.m\.?|[ap]m\b)", re.IGNORECASE),  # 9 a.m., 9.30pm
    re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b"),  # 21:00
    re.compile(r"\b\d{1,2}\s+o['’]clock\b", re.IGNORECASE),
    re.compile(r"\b\d{4}\s?(?:GMT|UTC|hrs|hours\s+GMT)\b"),
    re.compile(rf"\b\d[\d,]*{_ORD}\b", re.IGNORECASE),  # 155th
    re.compile(r"(?<![\w,.])['’]?\d+['’]?s\b"),  # 1990s, '90s
    re.compile(r"\b(?:19|20)\d\d\s?[-–/]\s?(?:(?:19|20)\d\d|\d\d)\b"),  # 2023-24, 2020–2024
    re.compile(r"\b[A-Za-z]+-?\d+(?:[-.]\d+)*[A-Za-z]*\b"),  # F-16, COVID-19, G7, mid-2024
    re.compile(r"#\d+"),
)

_QUAL_RE = re.compile(
    r"(?:^|(?<=[^\w]))(?P<q>"
    + "|".join(re.escape(q).replace(r"\ ", r"\s+") for q in sorted(_QUALIFIERS, key=len, reverse=True))
    + r")\s*$",
    re.IGNORECASE,
)
_POST_RE = re.compile(
    r"^(?:\s*\+(?!\d)|-?\s?plus\b|\s+(?:or\s+more|and\s+counting|or\s+so|or\s+fewer|or\s+less)\b)"
)
_BETWEEN_RE = re.compile(r"\b(?P<w>between|from)\s+$", re.IGNORECASE)
_BY_RE = re.compile(r"\bby\s+$", re.IGNORECASE)
_LABEL_RE = re.compile(rf"\b(?:{_LABEL_WORDS})\.?\s*$", re.IGNORECASE)
_LABEL_CAP_RE = re.compile(r"(?<![\w'’.-])([A-Z][A-Za-z]*)\.?\s+$")
_ONE_LEFT_RE = re.compile(
    r"(?:\b(?:no|the|this|that|which|every|each|any|another|at|on|only|by|according\s+to)|[,\"”’]\s*(?:said|says|"
    r"added|told))\s+$",
    re.IGNORECASE,
)
_ONE_RIGHT_RE = re.compile(r"^\s*(?:of\b|another\b|by\s+one\b|on\s+one\b)", re.IGNORECASE)
_HALF_LEFT_RE = re.compile(r"\b(?:first|second|last|latter|other|the|a|one|each)\s+$", re.IGNORECASE)
_HALF_RIGHT_RE = re.compile(
    r"^\s+(?:of|the|a|an|its|their|his|her|our|all|them|those|these|that|this)\b", re.IGNORECASE
)
_OF_RIGHT_RE = re.compile(r"^\s+of\b", re.IGNORECASE)
_OF_SKIP_RE = re.compile(
    r"^\s+(?:of\s+)?(?:(?:the|its|their|his|her|our|all|those|these|this|that)\s+)?", re.IGNORECASE
)
_COMPOUND_RE = re.compile(r"^-([A-Za-z]+(?:-[A-Za-z]+)*)")
_COMPOUND_NOT_UNIT = _words("off on sided way time party man handed stop liner size")
_TOKEN_RE = re.compile(r"(?:[A-Za-z]\.){2,}|[A-Za-z]+/[A-Za-z]+|[A-Za-z][A-Za-z'’]*(?:-[A-Za-z]+)*|\S")


# --- atoms --------------------------------------------------------------------------------------------


@dataclass
class _Atom:
    """One number as matched, before bounds, ranges and units are worked out."""

    start: int
    end: int
    kind: str  # digits | words | vague | fuzzy | fraction | half
    value: float | None
    low: float | None = None
    high: float | None = None
    mantissa: float = 0.0
    scale: float = 1.0
    unit: str | None = None
    qualifier: str | None = None
    plain: bool = False  # bare digits with no separator, decimal, scale, sign or unit: may be a year
    raw: str = ""


def _mask(text: str) -> str:
    chars = list(text)
    for pattern in _MASKS:
        for m in pattern.finditer(text):
            chars[m.start() : m.end()] = "#" * (m.end() - m.start())
    return "".join(chars)


def _word_value(phrase: str) -> float:
    """Value of a spelled-out number; "half a X" is handled by the caller's regex group."""
    words = re.split(r"[\s-]+", phrase.lower())
    if words[0] == "half":
        return 0.5 * _SCALES[words[-1]]
    total, current = 0.0, 0.0
    for word in words:
        if word == "and":
            continue
        if word == "a":
            current = 1.0
        elif word in _SMALL_WORDS:
            current += _SMALL_WORDS[word]
        elif word in ("hundred", "dozen"):
            current = (current or 1.0) * _SCALES[word]
        elif word in _SCALES:
            total += (current or 1.0) * _SCALES[word]
            current = 0.0
    return total + current


def _percent_unit(pct: str | None) -> str | None:
    if not pct:
        return None
    return _PERCENT_UNITS.get(re.sub(r"[\s-]+", " ", pct.strip().lower()), "%")


def _digits_atom(m: re.Match[str], start: int, end: int) -> _Atom | None:
    num, suf, cur = m["num"], (m["suf"] or ""), m["cur"]
    if len(num) > 1 and num[0] == "0" and not num.startswith("0."):
        return None
    mantissa = float(num.replace(",", ""))
    scale, unit = 1.0, None
    currency = _CURRENCY_SIGNS.get(re.sub(r"\s", "", cur).lower(), cur.strip().upper()) if cur else None
    lsuf = suf.lower()
    if lsuf:
        if lsuf in _SUFFIX_SCALES:
            scale = _SUFFIX_SCALES[lsuf]
        elif lsuf in ("m", "b") and (currency or "." in num):
            scale = 1e6 if lsuf == "m" else 1e9
        elif lsuf in _SUFFIX_UNITS and not currency:
            unit = _SUFFIX_UNITS[lsuf]
        else:
            return None
    if m["deg"]:
        unit = "°" + m["deg"].strip().lstrip("°").strip().upper()
    if m["scale"]:
        word = m["scale"].lower()
        scale = _SCALES.get(word) or _SUFFIX_SCALES[word]
    unit = currency or _percent_unit(m["pct"]) or unit
    plain = not (cur or suf or m["deg"] or m["scale"] or m["pct"] or "," in num or "." in num)
    return _Atom(
        start, end, "digits", mantissa * scale, mantissa=mantissa, scale=scale, unit=unit, plain=plain
    )


def _atom(m: re.Match[str], text: str) -> _Atom | None:
    start, end = m.start(), m.end()
    if m["num"] is not None:
        atom = _digits_atom(m, start, end)
    elif m["vague"]:
        key = re.sub(r"\s+", " ", m["vague"].lower())
        low, high = _VAGUE[key]
        atom = _Atom(start, end, "vague", None, low=low, high=high, qualifier=key)
    elif m["fuzzy"]:
        base = _SCALES[m["fbase"].lower()] * (_SCALES[m["fbase2"].lower()] if m["fbase2"] else 1.0)
        fword = re.sub(r"\s+", " ", m["fword"].lower())
        if fword.startswith("a couple"):
            atom = _Atom(start, end, "fuzzy", 2 * base, qualifier="about")
        else:
            lo, hi = _FUZZY[fword]
            atom = _Atom(start, end, "fuzzy", None, low=lo * base, high=hi * base, qualifier=fword)
    elif m["frac"]:
        den = m["fden"].lower()
        count = 1.0 if m["fnum"].lower() == "a" else float(_SMALL_WORDS[m["fnum"].lower()])
        plural = den.endswith("s")
        if not plural and not _OF_RIGHT_RE.match(text[end:]):
            return None  # "a third term" is an ordinal, "a third of" a share
        share = _FRACTIONS[den] if den == "halves" else _FRACTIONS[den.rstrip("s")]
        atom = _Atom(start, end, "fraction", count * share)
    elif m["half"]:
        if _HALF_LEFT_RE.search(text[:start]) or not _HALF_RIGHT_RE.match(text[end:]):
            return None
        atom = _Atom(start, end, "half", 0.5)
    else:
        value = _word_value(m["words"])
        atom = _Atom(start, end, "words", value, mantissa=value, raw=m["words"].lower())
        last = m["words"].lower().split()[-1]
        if last in ("thousand", "million", "billion", "trillion"):
            atom.scale = _SCALES[last]
            atom.mantissa = value / atom.scale
    if atom is not None and atom.kind != "digits" and m["pct"]:
        atom.unit = _percent_unit(m["pct"])
    return atom


# --- ranges, bounds, units ----------------------------------------------------------------------------


def _is_year(atom: _Atom) -> bool:
    return atom.plain and atom.value is not None and 1900 <= atom.value <= 2099 and atom.value.is_integer()


def _merge(a: _Atom, b: _Atom, text: str) -> tuple[_Atom, int] | None:
    """Join "A-B", "A to B", "between A and B", "from A to B", "A or B", "A in B"; None when not a pair.

    Returns the merged atom and the start of the whole span (which may include "between"/"from").
    A returned atom with value/low/high all None means "drop both" (a score such as "3-1").
    """
    if a.kind not in ("digits", "words") or b.kind not in ("digits", "words"):
        return None
    if a.value is None or b.value is None:
        return None
    gap = text[a.end : b.start]
    left = text[: a.start]
    opener = _BETWEEN_RE.search(left)
    lo, hi = a.value, b.value
    if b.scale > 1 and a.scale == 1 and a.mantissa <= b.mantissa and a.kind == b.kind:
        lo = a.mantissa * b.scale
    if _is_year(a) and _is_year(b):
        return None
    start = a.start
    if re.fullmatch(r"\s*[-–—]\s*", gap):
        if lo >= hi:
            if gap in ("-", "–") and a.plain and b.plain:
                return _Atom(a.start, b.end, "drop", None), a.start
            return None
    elif re.fullmatch(r"\s+(?:and)\s+", gap, re.IGNORECASE):
        if not opener or opener["w"].lower() != "between" or lo >= hi:
            return None
        start = opener.start()
    elif re.fullmatch(r"\s+to\s+", gap, re.IGNORECASE):
        if lo >= hi or (a.unit == "%" and b.unit != "%"):
            return None
        if opener and opener["w"].lower() == "from":
            start = opener.start()
        elif _BY_RE.search(left):
            return None
    elif re.fullmatch(r"\s+or\s+", gap, re.IGNORECASE):
        if lo >= hi or a.kind != b.kind or (a.unit or None) != (b.unit or None):
            return None
    elif re.fullmatch(r"\s+(?:in|out\s+of)\s+", gap, re.IGNORECASE):
        return _ratio(a, b, gap)
    else:
        return None
    unit = b.unit or a.unit
    return _Atom(a.start, b.end, "range", None, low=lo, high=hi, unit=unit), start


def _ratio(a: _Atom, b: _Atom, gap: str) -> tuple[_Atom, int] | None:
    """ "one in five", "3 out of 10" are shares; "2 in 3 days" is not, so "in" needs 1 or a power of ten."""
    if a.value is None or b.value is None or not (a.value.is_integer() and b.value.is_integer()):
        return None
    if not 0 < a.value < b.value <= 1000 or a.unit or b.unit:
        return None
    if gap.strip().lower() == "in" and a.value != 1 and b.value not in (10, 100, 1000):
        return None
    return _Atom(a.start, b.end, "ratio", a.value / b.value), a.start


def _dollar_code(proper: list[str]) -> str:
    for word in reversed(proper):
        code = _DOLLAR_NATIONS.get(word.lower())
        if code:
            return code
    return "USD"


def _is_noun_next(tokens: list[str], i: int) -> bool:
    return i < len(tokens) and tokens[i].isalpha() and tokens[i].islower() and tokens[i] not in _STOPWORDS


def _is_plural_head(word: str) -> bool:
    if word in _IRREGULAR_PLURALS:
        return True
    return word.endswith("s") and not word.endswith(("ss", "us", "is")) and word not in _PLURAL_MODIFIERS


def _scan_unit(rest: str) -> str | None:
    """The noun phrase after a number: proper adjectives dropped, stopped by function words and verbs."""
    proper: list[str] = []
    words: list[str] = []
    tokens = [t.group() for t in _TOKEN_RE.finditer(rest)]
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        low = tok.lower()
        i += 1
        if not tok[0].isalpha():
            break
        if not words and not proper and low in _SKIP_BEFORE_NOUN:
            continue
        if low in _STOPWORDS and not (tok.isupper() and len(tok) > 1):
            break
        if tok[0].isupper():
            if words:
                break
            proper.append(tok)
            continue
        if low not in _NOT_VERBS:
            if words and low.endswith(("ed", "ing", "ly")):
                break
            if not words and low.endswith("ly"):
                break
            if not words and low.endswith("ed") and not _is_noun_next(tokens, i):
                break  # "45,000 watched the match", but "3,800 wounded soldiers"
        words.append(tok)
        if low in _MEASURE_NOUNS and i + 1 < len(tokens) and tokens[i].lower() == "of":
            tail = [t for t in tokens[i + 1 : i + 3] if t.isalpha() and t.islower()]
            kept: list[str] = []
            for t in tail:
                if t in _STOPWORDS or (kept and t.endswith(("ed", "ing", "ly"))):
                    break
                kept.append(t)
            if kept:
                words += ["of", *kept]
            break
        if len(words) == 3 or _is_plural_head(low):
            break
    if words:
        head = words[0].lower()
        if head in _CURRENCY_WORDS:
            return _dollar_code(proper) if head.startswith("dollar") else _CURRENCY_WORDS[head]
        if head == "pounds" and len(words) > 1 and words[1].lower() == "sterling":
            return "GBP"
        return " ".join(words)
    if proper:
        if proper[-1].upper() in _ISO_CODES:
            return proper[-1].upper()
        return " ".join(proper)
    return None


def _plural(word: str) -> str:
    return word if word.endswith("s") else word + "s"


def _unit_after(atom: _Atom, text: str) -> tuple[str | None, int, bool]:
    """Unit, the end of the figure's text, and whether the atom is no figure after all ("one-off")."""
    end = atom.end
    rest = text[end:]
    compound = _COMPOUND_RE.match(rest)
    if compound and atom.kind not in ("vague", "fuzzy"):
        parts = compound.group(1).split("-")
        first = parts[0].lower()
        if first in _COMPOUND_NOT_UNIT:
            return None, end, True
        end += compound.end()
        if atom.unit:
            return atom.unit, end, False
        if len(parts) >= 2 and parts[-1].lower() == "old":
            return _plural(parts[0]) + " old", end, False
        if first == "strong":
            return _scan_unit(text[end:]), end, False
        return parts[0], end, False
    if atom.unit:
        return atom.unit, end, False
    if atom.kind in ("vague", "fuzzy", "fraction", "half", "ratio"):
        skip = _OF_SKIP_RE.match(rest)
        if skip:
            rest = " " + rest[skip.end() :]
    return _scan_unit(rest), end, False


def _is_label(atom: _Atom, text: str) -> bool:
    """ "Article 5", "Flight 370", "Leopard 2": a name with a number in it, not a count."""
    if atom.kind != "digits" or atom.unit or atom.scale != 1 or "," in text[atom.start : atom.end]:
        return False
    left = text[: atom.start]
    if _LABEL_RE.search(left):
        return True
    cap = _LABEL_CAP_RE.search(left)
    return bool(cap and cap.group(1).lower() not in _CAP_OK)


def _single_dropped(atom: _Atom, text: str) -> bool:
    if atom.kind == "digits" and _is_label(atom, text):
        return True
    if atom.kind == "words" and atom.raw == "one":
        return bool(_ONE_LEFT_RE.search(text[: atom.start]) or _ONE_RIGHT_RE.match(text[atom.end :]))
    return False


def parse_figures(text: str) -> list[Figure]:
    """Every figure in ``text`` in order of appearance; see the module docstring for what counts."""
    masked = _mask(text)
    atoms = [a for a in (_atom(m, text) for m in _ATOM.finditer(masked)) if a is not None]
    figures: list[Figure] = []
    i = 0
    while i < len(atoms):
        atom, start = atoms[i], atoms[i].start
        merged = _merge(atom, atoms[i + 1], text) if i + 1 < len(atoms) else None
        if merged is not None:
            atom, start = merged
            i += 2
            if atom.kind == "drop":
                continue
        else:
            i += 1
            if _single_dropped(atom, text):
                continue
        qual = _QUAL_RE.search(text[:start])
        qualifier = atom.qualifier
        if qual:
            qualifier = _QUALIFIERS[re.sub(r"\s+", " ", qual["q"].lower())]
            start = qual.start("q")
        elif _is_year(atom):
            continue
        end = atom.end
        post = _POST_RE.match(text[end:])
        if post:
            qualifier = (
                qualifier or _POST_QUALIFIERS[re.sub(r"[\s-]+", " ", post.group().strip(" -")).lower()]
            )
            end += post.end()
        atom.end = end
        unit, end, dropped = _unit_after(atom, text)
        if dropped:
            continue
        figures.append(
            Figure(
                text=text[start:end].strip(),
                value=atom.value,
                low=atom.low,
                high=atom.high,
                unit=unit,
                qualifier=qualifier,
            )
        )
    return figures
