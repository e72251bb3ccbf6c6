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

"from 300 to 1,000" is read as the range 300-1,000 when it rises, unless a word of change comes before it:
"rose from 12 to 19", "an increase from 300 to 450 people" and any fall ("from 5% to 3%") are two figures, a
before and an after, and the first takes the scale and unit of the second ("from 1.2 to 1.5 million barrels").
"A to B" is no range after "by" ("rose by 200 to 3,000") or from a percent to a plain number.
"one soldier" is 1; "one" is dropped only where it is a pronoun or a label.

Separators: "1,288" and "3,800" are thousands (a comma before exactly three digits always is), so are
"10 000" and the Indian "1,25,000". A comma before one, two or four or more digits is a decimal comma when a
scale, percent, unit or currency makes it a measure ("54,3 million", "61,8 percent", "€2,50") or when the
text writes decimals that way elsewhere; such a text also writes thousands with dots ("3.800", "1.234,5").
"2, 3 and 4" (a comma and a space) is a list. A minus sign glued to a number that follows no number is a
sign ("-0.3%", "−12C"); after a number it is a range dash ("20,000 -25,000").

Not figures: years (a bare 1900-2099 with no separator, currency, scale or bound word: "in 2024", but
"more than 2000 troops" and "2,024 troops" are counts), decades ("the 1990s"), dates ("Jan. 5",
"5 January", "2024-12-05", "05/01/2025"), clock times ("9 a.m.", "21:00"), ordinals ("155th", "third day"),
phone numbers, codes and names ("F-16", "COVID-19", "G7", "5G"), labels ("Article 5", "Flight 370",
"Leopard 2": a capitalised word right before a plain number; also "Formula One", "phase two"), sports scores
and votes written high-low ("won 3-1"), the pronoun "one" ("one of the", "no one", "the one", "said one
official"), addresses ("at 42 Elm Street"), emergency lines as names ("called 911", "999 calls"; but "logged
112 calls" is a count), spelled-out clock times ("half past nine"), and number words inside a compound
("zero-tolerance", "net-zero", "one-on-one", "fifty-fifty", "twenty-first").

Units: "%" for percent, ISO codes for money ($ US$ € £ ¥ ₴ ₽ ₹, "dollars", "euros"; "pounds" alone stays
"pounds" as it may be weight), abbreviations as written ("km", "MW"; "5m" is metres but "$5m" and "1.5m" are
millions), the hyphen word of a compound ("1,000-kilometer" -> "kilometer", "72-year-old" -> "years old"),
else the noun phrase that follows with leading proper adjectives dropped ("3,800 North Korean soldiers" ->
"soldiers"), "of" kept after measure words ("1,000 pieces of equipment"), None when nothing follows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

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
    "lakh": 1e5,  # Indian scales: 1,00,000 and 1,00,00,000
    "crore": 1e7,
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
    "rs": "INR",
    "rs.": "INR",
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
_PARTICLES = _words("out up down off back away")

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
_SCALE_W = "thousand|lakh|crore|million|billion|trillion"
# a singular fraction with a space is a share only before "of" ("a third of"; not "a third term" or "two
# quarter-point cuts"), and the regex says so itself, so that a number word it passes over is still read
_FRACTION_ONE = "half|third|quarter|fifth|sixth|seventh|eighth|ninth|tenth"
_FRACTION_PLURAL = "halves|thirds|quarters|fifths|sixths|sevenths|eighths|ninths|tenths"
_FRACTION_DEN = f"{_FRACTION_PLURAL}|{_FRACTION_ONE}"
_WORDNUM = rf"""(?:
      half\s+a\s+(?:dozen|hundred|{_SCALE_W})
    | (?:a|{_SMALL})\s+dozen
    | (?:(?:a|{_SMALL})\s+hundred(?:\s+(?:and\s+)?{_SMALL})?|{_SMALL})(?:[\s-]+(?:{_SCALE_W}))?
    | a\s+(?:{_SCALE_W})
)"""
# Indian grouping ("1,25,000") first, else "1,25" would be read as a number followed by ",000"
_DIGITS = r"\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d+)?|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CUR_PRE = (
    r"(?:US|U\.S\.|AU|A|CA|C|NZ|HK|S)?\$|€|£|¥|₴|₽|₹|Rs\.?\s?"
    r"|(?:USD|EUR|GBP|JPY|CNY|CHF|UAH|RUB|INR|AUD|CAD)\s?"
)
_VAGUE_RE = "|".join(sorted((re.escape(k).replace(r"\ ", r"\s+") for k in _VAGUE), key=len, reverse=True))

_ATOM = re.compile(
    rf"""
    (?<![\w.,$€£¥#])
    (?:
        (?P<vague>(?:{_VAGUE_RE}))\b(?!-)
      | (?P<fuzzy>(?P<fword>a\s+few|several|a\s+couple(?:\s+of)?)\s+(?P<fbase>dozen|hundred|{_SCALE_W})
            (?:\s+(?P<fbase2>{_SCALE_W}))?)\b
      | (?P<frac>(?P<fnum>a|one|two|three|four|five|six|seven|eight|nine)
            (?:-(?P<fden>{_FRACTION_DEN})|\s+(?P<fden2>{_FRACTION_PLURAL}|(?:{_FRACTION_ONE})(?=\s+of\b))))\b
      | (?P<words>{_WORDNUM})\b
      | (?P<half>half)\b
      | (?:(?P<cur>{_CUR_PRE})\s?)?(?P<num>{_DIGITS})(?!\d)(?P<suf>[A-Za-z]+(?:/[A-Za-z]+)?)?
            (?P<deg>\s?°\s?[CF]?)?(?:[\s-]+(?P<scale>{_SCALE_W}|bn|bln|mn|mln|tn)\b)?
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
_ISO_RE = "|".join(sorted(_ISO_CODES))
_PHONE_W = (
    r"call(?:s|ed|ing)?|dial(?:s|l?ed|l?ing)?|phon(?:e|es|ed|ing)|telephone|tel|fax|text(?:s|ed|ing)?|hotline"
    r"|helpline"
)
_HOUR_W = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
_HOUR = rf"(?:\d{{1,2}}|{_HOUR_W}|noon|midnight)\b"
_DAYPART = r"(?:morning|afternoon|evening)\b"
_STREET = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Place|Pl|Court|Ct|Terrace|Crescent|Highway"
    r"|Hwy|Parkway|Square|Sq|Row|Close|Way|Strasse|Straße)"
)
# a house number: after a place preposition or at the start, before one to three capitalised words and a
# street word; "in 300 Wall Street firms" is still a count, since a plural noun follows the street
_ADDRESS = rf"""
    (?:^|(?<=[,;(])|\b(?:at|on|to|from|near|outside|opposite|of|in|into|behind|past|along|beyond)\b)
    \s*\d{{1,5}}[A-Za-z]?(?:[-–]\d{{1,5}}[A-Za-z]?)?\s+(?:[A-Z][\w'’.-]*\s+){{1,3}}{_STREET}\b\.?
    (?!\s+(?!(?:was|is|has|as|this|its|his|us)\b)[a-z]+[^s\W]s\b)
"""
# spans that hold digits but no figure; they are blanked out before numbers are searched
_MASKS: tuple[re.Pattern[str], ...] = (
    re.compile(r"\+\d[\d\s().-]{6,}\d"),  # +380 44 123 4567
    re.compile(r"\(\d{2,4}\)\s?\d{3}[-.\s]\d{4}\b"),  # (202) 555-0143
    re.compile(r"\b(?:\d[-.\s])?\d{3}[-.\s]\d{3}[-.\s]\d{4}\b"),  # 202-555-0143, 1-800-555-0199
    re.compile(r"\b\d{3}[-.]0\d{3}\b"),  # 555-0199: no range is written with a leading zero
    re.compile(
        rf"\b(?:{_PHONE_W})\b[.:]?\s+(?:(?:us|him|her|them|on|at)\s+)*\d{{2,4}}[-.\s]\d{{4}}\b", re.I
    ),  # "call 555 1234"; a last group of four, so "called 300 000 reservists" is a count
    re.compile(_ADDRESS, re.VERBOSE),  # "at 42 Elm Street", "outside 10 Downing Street"
    re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b"),  # 2024-12-05
    re.compile(r"\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b"),  # 05/01/2025, 5.1.2025
    # versions and addresses, but not dotted thousands ("1.234.567"), which the separator pass reads
    re.compile(r"\b(?!\d{1,3}(?:\.\d{3})+\b(?![.,]\d))\d+\.\d+\.\d+(?:\.\d+)*\b"),
    re.compile(r"\b\d+/\d+\b"),  # 24/7, 9/11
    re.compile(rf"\b{_MONTH}\.?\s+\d{{1,2}}{_ORD}?(?:\s?[-–]\s?\d{{1,2}})?(?![\d,.]?\d)(?:,?\s+\d{{4}}\b)?"),
    re.compile(
        rf"\b\d{{1,2}}{_ORD}?(?:\s?[-–]\s?\d{{1,2}}{_ORD}?)?\s+(?:of\s+)?{_MONTH}\b\.?(?:,?\s+\d{{4}}\b)?"
    ),
    re.compile(rf"\b{_MONTH}\.?\s+\d{{4}}\b"),  # December 2024
    re.compile(r"\b\d{1,2}(?:[:.]\d{2})?\s?(?:[ap]\.m\.?|[ap]m\b)", re.IGNORECASE),  # 9 a.m., 9.30pm
    re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b"),  # 21:00
    re.compile(rf"\b(?:\d{{1,2}}|{_HOUR_W})\s+o['’]clock\b", re.IGNORECASE),
    re.compile(rf"\b(?:(?:a\s+)?quarter\s+(?:past|to)|half\s+past|(?:{_SMALL})\s+past)\s+{_HOUR}", re.I),
    re.compile(
        rf"\b(?:at|by|until|till|since|before|after|around|about)\s+{_HOUR}\s+in\s+the\s+{_DAYPART}", re.I
    ),
    re.compile(  # "at 9.30 this morning", but "shares fell 2.50 this morning" is a price
        rf"\b(?:at|by|until|till|since|before|after|around|about|from)\s+\d{{1,2}}[.:]\d{{2}}"
        rf"(?=\s+(?:(?:this|in\s+the)\s+{_DAYPART}|tonight|at\s+night))",
        re.I,
    ),
    re.compile(r"\b\d{1,2}[.:]\d{2}(?=\s+local\s+time\b)", re.I),  # 4.15 local time
    re.compile(r"\b\d{4}\s?(?:GMT|UTC|hrs|hours\s+GMT)\b"),
    re.compile(rf"\b\d[\d,]*{_ORD}\b", re.IGNORECASE),  # 155th
    re.compile(r"(?<![\w,.])['’]?\d+['’]?s\b"),  # 1990s, '90s
    re.compile(r"\b(?:19|20)\d\d\s?[-–/]\s?(?:(?:19|20)\d\d|\d\d)\b"),  # 2023-24, 2020–2024
    # F-16, COVID-19, G7, mid-2024; a currency code glued to an amount ("EUR1.5") is money
    re.compile(rf"\b(?!(?:{_ISO_RE})\d)[A-Za-z]+-?\d+(?:[-.]\d+)*[A-Za-z]*\b"),
    re.compile(r"#\d+"),
)

# decimal separators: a number with dots or commas inside, as one token
_NUMBER_TOKEN_RE = re.compile(r"(?<![\w.,#])\d+(?:[.,]\d+)+")
_DOTTED_THOUSANDS_RE = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_COMMA_GROUPED_RE = re.compile(r"\d{1,3}(?:,\d{3})+|\d{1,2}(?:,\d{2})+,\d{3}")  # "1,288", "1,25,000"
_SWAP_SEPARATORS = str.maketrans({".": ",", ",": "."})
_UNIT_CUES = "|".join(re.escape(u) for u in sorted(_SUFFIX_UNITS, key=len, reverse=True))
_MONEY_WORDS = "|".join(sorted([*_CURRENCY_WORDS, "pounds"], key=len, reverse=True))
# the cue may come after the other end of a range: "1,5-2 million", "2,5 to 3 percent"
_DECIMAL_CUE_RE = re.compile(
    rf"""(?:(?:\s?[-–]\s?|\s+(?:to|and)\s+)\d+(?:[.,]\d+)?)?
    (?: \s?[%°]
      | \s?(?:{_SCALE_W}|bn|bln|mn|mln|tn|m|k|per\s?cent|percent|pct|percentage|basis|{_UNIT_CUES})\b
      | \s+(?:{_MONEY_WORDS})\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_CURRENCY_END_RE = re.compile(rf"(?:{_CUR_PRE})\s?$")
# "10 000", "1 250 000" (also with no-break and thin spaces); not "2023 150", whose first group is too long
_SPACED_THOUSANDS_RE = re.compile(r"(?<![\w.,#])\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?!\d)")

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
# a word of change before "from A to B" makes A and B a before and an after, not a range
_CHANGE_W = r"""(?:ris(?:e|es|en|ing)|rose|increas(?:e|es|ed|ing)|gr[eo]w|grows|grown|growing|growth
    |climb(?:s|ed|ing)?|jump(?:s|ed|ing)?|soar(?:s|ed|ing)?|surg(?:e|es|ed|ing)|rocket(?:s|ed|ing)?
    |doubl(?:e|es|ed|ing)|tripl(?:e|es|ed|ing)|swell(?:s|ed|ing)?|swollen|expand(?:s|ed|ing)?
    |widen(?:s|ed|ing)?|rais(?:e|es|ed|ing)|lift(?:s|ed|ing)?|boost(?:s|ed|ing)?|hik(?:e|es|ed|ing)
    |fell|fall(?:s|en|ing)?|drop(?:s|ped|ping)?|declin(?:e|es|ed|ing)|decreas(?:e|es|ed|ing)
    |dip(?:s|ped|ping)?|slip(?:s|ped|ping)?|slid(?:e|es|ing)?|sank|sink(?:s|ing)?|sunk|plung(?:e|es|ed|ing)
    |plummet(?:s|ed|ing)?|tumbl(?:e|es|ed|ing)|shr[aiu]nk(?:s|ing)?|narrow(?:s|ed|ing)?|cut(?:s|ting)?
    |slash(?:es|ed|ing)?|reduc(?:e|es|ed|ing)|lower(?:s|ed|ing)?|eas(?:e|es|ed|ing)|chang(?:e|es|ed|ing)
    |shift(?:s|ed|ing)?|swung|swing(?:s|ing)?|mov(?:e|es|ed|ing)|went|go(?:es|ne|ing)?|revis(?:e|es|ed|ing)
    |upgrad(?:e|es|ed|ing)|downgrad(?:e|es|ed|ing)|adjust(?:s|ed|ing)?|up|down)"""
# up to four words may come between ("rose sharply last year from"), but none that opens a range of its own
_CHANGE_RE = re.compile(
    rf"\b{_CHANGE_W}\b(?:\s+(?!(?:aged|between|who|which|that|where|whose|when|while|and|or|but)\b)"
    r"(?![A-Za-z]+ing\b)[A-Za-z'’-]+){0,4}\s*$",
    re.IGNORECASE | re.VERBOSE,
)
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
_OF_SKIP_RE = re.compile(
    r"^\s+(?:of\s+)?(?:(?:the|its|their|his|her|our|all|those|these|this|that)\s+)?", re.IGNORECASE
)
_COMPOUND_RE = re.compile(r"^-([A-Za-z]+(?:-[A-Za-z]+)*)")
_COMPOUND_NOT_UNIT = _words("off on sided way time party man handed stop liner size")
# "twenty-first", "fifty-fifty": a number word joined to another number word is a name or an ordinal
_ORDINAL_WORDS = _words(
    """first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth
    fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth thirtieth fortieth fiftieth
    sixtieth seventieth eightieth ninetieth hundredth thousandth millionth billionth"""
)
# "zero tolerance", "net zero": a policy or a target, not a count of nothing
_ZERO_CONCEPTS = _words("tolerance risk sum carbon emission emissions waste covid day")
_ZERO_LEFT_RE = re.compile(r"\b(?:net|near)\s+$", re.IGNORECASE)
_HYPHEN_LEFT_RE = re.compile(r"[A-Za-z]-$")
_TIME_PREP_RE = re.compile(r"\b(?:in|since|from|until|till|before|after)\s+$", re.IGNORECASE)
# emergency lines: a name after "call"/"dial", or before "calls"/"operator" unless a counting verb comes first
_SERVICE_NUMBERS = frozenset({911.0, 999.0, 112.0})
_CALL_LEFT_RE = re.compile(
    r"\b(?:call(?:s|ed|ing)?|dial(?:s|l?ed|l?ing)?|phon(?:e|es|ed|ing)|r[ai]ng|rings|ringing|text(?:s|ed|ing)?)"
    r"\s+(?:on\s+|the\s+)?$",
    re.IGNORECASE,
)
_SERVICE_RIGHT_RE = re.compile(
    r"^[\s-]+(?:emergency\s+)?(?:calls?|callers?|operators?|dispatch(?:ers?)?|cent(?:er|re)s?|lines?|hotlines?"
    r"|services?|system|number)\b",
    re.IGNORECASE,
)
_SERVICE_LEFT_RE = re.compile(
    r"(?:^|[^\w\s]|\b(?:a|an|the|their|its|his|her|our|of|to|after|in|on|by|from|for|with|into|through|and|or"
    r"|emergency))\s*$",
    re.IGNORECASE,
)
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
    unit_from_next: bool = False  # "from 300 to 450 people": the first figure takes the unit of the second


def _mask(text: str) -> str:
    chars = list(text)
    for pattern in _MASKS:
        for m in pattern.finditer(text):
            chars[m.start() : m.end()] = "#" * (m.end() - m.start())
    return "".join(chars)


def _is_decimal_comma(token: str) -> bool:
    """ "54,3", "0,25", "1,2345": one comma, and not three digits after it (that is a thousands separator)."""
    head, _, tail = token.partition(",")
    return "," in token and "." not in token and "," not in tail and len(tail) != 3 and len(head) > 0


def _is_dotted_thousands(token: str) -> bool:
    """ "3.800", "1.234.567", "1.234,5": thousands grouped with dots, as decimal-comma texts write them."""
    return bool(_DOTTED_THOUSANDS_RE.fullmatch(token))


def _has_decimal_cue(text: str, start: int, end: int) -> bool:
    """A scale, percent, unit or currency around "54,3" makes it a measure: the comma is a decimal point."""
    return bool(_DECIMAL_CUE_RE.match(text[end:]) or _CURRENCY_END_RE.search(text[:start]))


def uses_decimal_commas(text: str) -> bool:
    """Whether ``text`` writes decimals with a comma: one unambiguous "54,3 million" or "1.234,5" settles it.

    A caller that knows the whole article can pass the answer to :func:`parse_figures` for every sentence.
    """
    for m in _NUMBER_TOKEN_RE.finditer(text):
        token = m.group()
        if _is_decimal_comma(token) and _has_decimal_cue(text, m.start(), m.end()):
            return True
        if _is_dotted_thousands(token) and ("," in token or token.count(".") >= 2):
            return True
    return False


def _rewrite_token(m: re.Match[str], decimal_comma: bool) -> str:
    """The number in "1,234.5" form, of the same length, so offsets into the original text still hold."""
    token = m.group()
    if decimal_comma and _is_dotted_thousands(token):
        return token.translate(_SWAP_SEPARATORS)
    if _is_decimal_comma(token) and (decimal_comma or _has_decimal_cue(m.string, m.start(), m.end())):
        return token.replace(",", ".")
    if "." not in token and not _COMMA_GROUPED_RE.fullmatch(token):
        return token.replace(",", " ")  # "polled 2,3 and 4 voters", "in 2023,12 people": a list, not a number
    return token


def _normalise_separators(masked: str, decimal_comma: bool | None) -> str:
    """Rewrite decimal commas, dotted and spaced thousands to "1,234.5"; the length never changes.

    Runs on the masked text, so phone numbers ("+1 202 555 0143") are gone before spaces are read as
    separators, and dates such as "5.1.2025" before dots are.
    """
    if decimal_comma is None:
        decimal_comma = uses_decimal_commas(masked)
    out = _NUMBER_TOKEN_RE.sub(lambda m: _rewrite_token(m, decimal_comma), masked)
    return _SPACED_THOUSANDS_RE.sub(lambda m: re.sub(r"\s", ",", m.group()), out)


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


def _signed(atom: _Atom, text: str) -> _Atom:
    """ "-0.3%", "−12C": a minus glued to a number and following no number is a sign, not a range dash."""
    i = atom.start
    if i == 0 or text[i - 1] not in "-−" or atom.value is None:
        return atom
    if i >= 2 and not (text[i - 2].isspace() or text[i - 2] in "(["):
        return atom  # "10-15", "F-16"
    before = text[: i - 1].rstrip()
    if before and (before[-1].isdigit() or before[-1] in "%°"):
        return atom  # "20,000 -25,000" is a range
    atom.start, atom.value, atom.mantissa, atom.plain = i - 1, -atom.value, -atom.mantissa, False
    return atom


def _atom(m: re.Match[str], text: str) -> _Atom | None:
    start, end = m.start(), m.end()
    if m["num"] is not None:
        digits = _digits_atom(m, start, end)
        atom = _signed(digits, text) if digits is not None else None
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
        den = (m["fden"] or m["fden2"]).lower()
        count = 1.0 if m["fnum"].lower() == "a" else float(_SMALL_WORDS[m["fnum"].lower()])
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
        if last in ("thousand", "lakh", "crore", "million", "billion", "trillion"):
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
    A change from A to B is no pair, but A may take B's scale and unit (see :func:`_carry_over`).
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
        if opener is not None and opener["w"].lower() == "from":
            if lo >= hi or _CHANGE_RE.search(left[: opener.start()]):
                _carry_over(a, b)
                return None  # a before and an after: "rose from 12 to 19", "fell from 5% to 3%"
            if a.unit == "%" and b.unit != "%":
                return None
            start = opener.start()
        elif lo >= hi or (a.unit == "%" and b.unit != "%") or _BY_RE.search(left):
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


def _carry_over(a: _Atom, b: _Atom) -> None:
    """ "from 1.2 to 1.5 million barrels", "from 5 to 7 percent": the first of two is written short."""
    if a.unit is not None or a.value is None:
        return
    if b.scale > 1 and a.scale == 1 and a.kind == b.kind and abs(a.mantissa) < 1000:
        a.value, a.scale, a.plain = a.mantissa * b.scale, b.scale, False
    if b.unit is not None:
        a.unit = b.unit
    else:
        a.unit_from_next = True


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
    """ "3,800 wounded soldiers" has a noun after the "-ed" word; "4,000 turned out" has a verb particle."""
    if i >= len(tokens) or not (tokens[i].isalpha() and tokens[i].islower()):
        return False
    return tokens[i] not in _STOPWORDS and tokens[i] not in _PARTICLES


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
        if (
            first in _COMPOUND_NOT_UNIT
            or first in _SMALL_WORDS
            or first in _ORDINAL_WORDS
            or atom.raw == "zero"
        ):
            return None, end, True  # "one-off", "fifty-fifty", "twenty-first", "zero-tolerance"
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


def _is_service_number(atom: _Atom, text: str) -> bool:
    """ "called 911", "a 999 call", "the number of 112 calls": the emergency line as a name, not a count.

    After a counting verb the calls are counted ("the hotline logged 112 calls"), so the left side decides.
    """
    if not atom.plain or atom.value not in _SERVICE_NUMBERS:
        return False
    left, right = text[: atom.start], text[atom.end :]
    if _CALL_LEFT_RE.search(left):
        return True
    return bool(_SERVICE_RIGHT_RE.match(right) and _SERVICE_LEFT_RE.search(left))


def _is_word_label(atom: _Atom, text: str) -> bool:
    """ "phase two", "number one", "Formula One", "Ground Zero": a small number word that names something."""
    if atom.value is None or atom.scale != 1 or atom.value >= 100 or atom.raw.startswith("a "):
        return False
    left = text[: atom.start]
    if _LABEL_RE.search(left):
        return True
    cap = _LABEL_CAP_RE.search(left)  # a capitalised number word after a capitalised name word
    return bool(text[atom.start].isupper() and cap and cap.group(1).lower() not in _CAP_OK)


def _word_dropped(atom: _Atom, text: str) -> bool:
    """A number word that is part of a compound, a target, a pronoun or a name rather than a count."""
    left, right = text[: atom.start], text[atom.end :]
    if _HYPHEN_LEFT_RE.search(left):
        return True  # "net-zero", "one-on-one"
    if atom.raw == "zero":
        following = right.split(maxsplit=1)
        if _ZERO_LEFT_RE.search(left) or (following and following[0].lower().strip(".,;:") in _ZERO_CONCEPTS):
            return True  # "net zero", "zero tolerance"
    if atom.raw == "one" and (_ONE_LEFT_RE.search(left) or _ONE_RIGHT_RE.match(right)):
        return True
    return _is_word_label(atom, text)


def _single_dropped(atom: _Atom, text: str) -> bool:
    if atom.kind == "digits":
        return _is_label(atom, text) or _is_service_number(atom, text)
    if atom.kind == "words":
        return _word_dropped(atom, text)
    return False


def _is_dated_year(atom: _Atom, qual: re.Match[str], unit: str | None, text: str) -> bool:
    """ "in around 2015," and "circa 1990" are years although a bound word comes first; "in around 2000
    homes" is a count, as a noun follows."""
    if unit is not None or not atom.plain or atom.value is None or not atom.value.is_integer():
        return False
    word = qual["q"].lower()
    if word == "circa":
        return 1000 <= atom.value <= 2099  # "circa 1890": circa dates older buildings too
    return (
        _is_year(atom) and word in ("about", "around") and bool(_TIME_PREP_RE.search(text[: qual.start("q")]))
    )


def _figure(atom: _Atom, start: int, text: str) -> Figure | None:
    """The figure for a (possibly merged) atom: bound words before and after, unit; None for a year."""
    qual = _QUAL_RE.search(text[:start])
    qualifier = atom.qualifier
    if qual:
        qualifier = _QUALIFIERS[re.sub(r"\s+", " ", qual["q"].lower())]
        start = qual.start("q")
    elif _is_year(atom):
        return None
    end = atom.end
    post = _POST_RE.match(text[end:])
    if post:
        qualifier = qualifier or _POST_QUALIFIERS[re.sub(r"[\s-]+", " ", post.group().strip(" -")).lower()]
        end += post.end()
    atom.end = end
    unit, end, dropped = _unit_after(atom, text)
    if dropped or (qual and _is_dated_year(atom, qual, unit, text)):
        return None
    return Figure(
        text=text[start:end].strip(),
        value=atom.value,
        low=atom.low,
        high=atom.high,
        unit=unit,
        qualifier=qualifier,
    )


def parse_figures(text: str, *, decimal_comma: bool | None = None) -> list[Figure]:
    """Every figure in ``text`` in order of appearance; see the module docstring for what counts.

    ``decimal_comma`` says whether the article writes "54,3" for 54.3; None works it out from ``text`` alone
    (see :func:`uses_decimal_commas`), which a sentence with no unambiguous number cannot tell.
    """
    masked = _normalise_separators(_mask(text), decimal_comma)
    atoms = [a for a in (_atom(m, text) for m in _ATOM.finditer(masked)) if a is not None]
    figures: list[Figure] = []
    waiting: tuple[int, int] | None = None  # (figure, atom index) for "from 300 to 450 people"
    i = 0
    while i < len(atoms):
        first, atom, start = i, atoms[i], atoms[i].start
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
        figure = _figure(atom, start, text)
        if figure is None:
            continue
        if waiting is not None and waiting[1] == first and figures[waiting[0]].unit is None:
            figures[waiting[0]] = replace(figures[waiting[0]], unit=figure.unit)
        figures.append(figure)
        waiting = (len(figures) - 1, first + 1) if atom.unit_from_next else None
    return figures
