"""Strip scraped page furniture from article text so that only article paragraphs reach extraction.

Saved and scraped articles carry menus, bylines, captions, newsletter boxes and link teasers
between their paragraphs. Claim extraction must not mistake those for reported statements, so
each line is judged on its shape (does it end like a sentence? is it short?) and on small tables of
generic notice/credit/prompt patterns. Nothing here knows any particular outlet or article.
"""

from __future__ import annotations

import re
from datetime import date

from bot.lexicon import REPORTING_VERBS, forms_of

__all__ = [
    "clean_text",
    "is_body_line",
    "is_noise_line",
    "looks_like_headline",
    "normalise_line",
    "split_date_prefix",
]

# Lines shorter than this that do not end like a sentence are labels, headlines, names or stamps.
SHORT_LINE_WORDS = 25

_DATE_PREFIX = re.compile(r"^\ufeff?\s*date\s+(\d{4})-(\d{2})-(\d{2})(?:\s+|$)")

_CLOSING_QUOTES = "\"'”’»"
_SENTENCE_END = ".!?…"
# A reporting verb or a quotation marks a line that carries a statement: softer noise rules spare it.
#: Reporting verbs that also name page furniture ("Posted in", "Show more", "Comment", "Find us") do not.
_FURNITURE_VERBS = frozenset(
    "post tweet show find call note comment reply inform signal project appeal".split()
)
_STATEMENT_VERBS = forms_of(REPORTING_VERBS - _FURNITURE_VERBS)
_STATEMENT = re.compile(
    r"\b(?:according to|" + "|".join(sorted(_STATEMENT_VERBS, key=len, reverse=True)) + r")\b|[\"“”]",
    re.IGNORECASE,
)

_I = re.IGNORECASE

# Always noise, whatever else the line contains.
_HARD_NOISE: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, _I)
    for p in (
        # navigation and page furniture
        r"^(?:skip to (?:main )?(?:content|navigation)|jump to (?:content|navigation)|toggle navigation|"
        r"open (?:the )?menu|close (?:the )?menu|back to top|main menu)\b",
        r"^(?:advertisement|sponsored(?: content)?|ad|promoted|story continues below(?: advertisement)?)\W*$",
        # audio and video player notices
        r"\baudio (?:is |was )?(?:created|generated|produced|narrated|read) (?:with|by|using)\b.*\bai\b",
        r"^(?:listen to (?:this|the) (?:article|story|episode)|listen now|play audio|now playing)\b",
        r"\bbrowser (?:does ?n[o’']?t|does not|cannot|can ?not) (?:support|play)\b",
        r"\b(?:please )?enable javascript\b",
        r"\bhtml5 (?:video|audio)\b",
        # link teasers
        r"^(?:see also|read more|read also|also read|more on this(?: story)?|"
        r"related(?: stories| articles| coverage)?|recommended|most read|more from [\w ]+|"
        r"watch|listen|latest|trending)\s*[:|»>–—-]",
        # bylines, authors, reading time, date stamps
        r"^(?:author|authors|written by|posted by|edited by|reporter|words by|byline)\s*[:|]",
        r"^(?:written|posted|edited) by\s+[A-Z]",
        r"\b\d+\s*-?\s*(?:min|mins|minute|minutes)\.? read\b",
        r"^reading time\b",
        r"^(?:published|updated|posted|last updated|first published|last modified)(?: on| at)?\s*:?\s*"
        r"(?:\d|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b)",
        # newsletter and account prompts
        r"^thank you for (?:signing up|subscribing|registering|your interest)\b",
        r"^(?=.*\bnewsletters?\b)(?=.*\b(?:sign(?:ing)? up|subscrib\w*|inbox|e-?mail|you|your)\b)",
        r"^(?:please )?(?:sign up|subscribe|log in|sign in|register) (?:to|for|now|here|today)\b",
        r"^(?:please )?(?:sign up|subscribe|log in|sign in|register)\W*$",
        r"\b(?:we[’']ve|we have) sent you (?:a|an) (?:confirmation|verification)\b",
        r"\bsupport (?:our|independent|quality) journalism\b",
        r"\bbecome an? (?:member|subscriber|patron|supporter)\b.*\b(?:today|now|us|our)\b",
        # cookies and consent
        r"\b(?:we|this site|this website) uses? cookies\b",
        r"^(?:accept|manage|reject) (?:all )?cookies\b|^cookie (?:settings|policy|preferences)\b",
        # photo captions and credits
        r"^(?:photo|image|picture|illustration|graphic|video|footage)s?(?: credits?| courtesy)?\s*[:|]",
        r"^(?:image|photo|picture) (?:credit|courtesy|source)\b",
        r"^(?:file )?photos? (?:for illustrative purposes|is for illustration|used for illustration)",
        r"^(?:credit|source|courtesy)\s*:",
        r"\((?:[^()]*?(?:/|\b(?:photo|photos|image|images|getty|afp|reuters|ap|epa|efe|shutterstock|"
        r"credit|courtesy|via|pool|file|handout|anadolu|sipa|tass|ria)\b)[^()]*)\)\s*$",
        # trailers
        r"^\(?(?:with )?(?:additional )?(?:reporting|writing|editing|research) (?:by|from)\b",
        r"^(?:©|\(c\)\s*\d|copyright\b)",
        r"\ball rights reserved\b",
        r"^this (?:article|story|report) (?:was|has been) (?:updated|corrected|amended|first published)\b",
    )
)

# Noise only when the line carries no statement (no reporting verb, no quotation).
_SOFT_NOISE: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, _I)
    for p in (
        # promotions addressing the reader: "Explore and gift our ... collection"
        r"(?:^|[.!?]\s+)(?:explore|shop|browse|discover|gift|buy|check out|visit|download|donate|join)\b"
        r"[^.!?]*\b(?:our|us)\b",
        r"\b(?:merch|merchandise|gift shop|online store|subscription offer|discount code|promo code)\b",
        # present-tense photo captions: "Rescuers are seen at the site ..."
        r"\b(?:is|are) (?:pictured|photographed)\b",
        r"\b(?:is|are) seen (?:in|on|at|during|near|over|outside|inside|after|before|while|behind|through|"
        r"\w+ing)\b"
        r"(?![^.]*\bas (?:a|an|the)\b)",
        r"\b(?:getty images|shutterstock|ap photo|afp photo|reuters photo)\b",
        # an outlet's own note about asking for comment
        r"\bhas (?:reached out|contacted|approached) .+ for (?:a )?comment\b",
        r"\bdid not immediately respond to .{0,40}request for comment\b(?=.{0,20}$)",
    )
)

_BYLINE = re.compile(r"^by\s+[A-Z]")
_BYLINE_LOWER_OK = frozenset(
    {"and", "of", "the", "for", "in", "at", "am", "pm", "a.m.", "p.m.", "min", "mins", "read", "news"}
    | {"desk", "staff", "reporter", "correspondent", "editor", "via", "with"}
)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE_STAMP = re.compile(
    rf"^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?(?:{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}})"
    r"(?:[,\s|·•-]+\d{1,2}[:.]\d{2}\s*(?:am|pm|a\.m\.|p\.m\.)?(?:\s*[A-Z]{2,4})?)?\W*$",
    _I,
)
_NAV_WORDS = re.compile(r"^(?:home|menu|search|news|sport|sports|share|close|more|login|log in|sign in)$", _I)

_WS = re.compile(r"[ \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")


def split_date_prefix(text: str) -> tuple[date | None, str]:
    """Split the ' date YYYY-MM-DD ' marker some article dumps put before the text.

    An impossible date is treated as no marker so the text is left untouched.
    """
    m = _DATE_PREFIX.match(text)
    if not m:
        return None, text
    try:
        day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None, text
    return day, text[m.end() :]


def normalise_line(line: str) -> str:
    """One paragraph as a single clean line: no invisible characters, single spaces."""
    return _WS.sub(" ", _INVISIBLE.sub("", line)).strip()


def _ends_like_sentence(line: str) -> bool:
    stripped = line.rstrip(")]")
    if not stripped:
        return False
    last = stripped[-1]
    return last in _SENTENCE_END or last in _CLOSING_QUOTES


def _words(line: str) -> list[str]:
    return line.split()


def _is_byline(line: str) -> bool:
    """'by Jane Doe January 4, 2025 9:33 PM' but not 'By Tuesday, officials had left.'"""
    if not _BYLINE.match(line) or len(_words(line)) > 14:
        return False
    lower = [w.strip(",.|·") for w in _words(line)[1:] if w[:1].islower()]
    return all(w in _BYLINE_LOWER_OK for w in lower)


def _mostly_capitalised(line: str) -> bool:
    words = [w for w in _words(line) if w[:1].isalpha()]
    if not words:
        return True
    caps = sum(1 for w in words if w[:1].isupper())
    return caps / len(words) > 0.6


def is_noise_line(line: str) -> bool:
    """True for a line that matches a known notice, credit, prompt, byline or stamp shape."""
    if any(p.search(line) for p in _HARD_NOISE):
        return True
    if _is_byline(line) or _DATE_STAMP.match(line) or _NAV_WORDS.match(line):
        return True
    return not _STATEMENT.search(line) and any(p.search(line) for p in _SOFT_NOISE)


def is_body_line(line: str) -> bool:
    """Whether a normalised, non-empty line is a paragraph of the article itself."""
    if not line or is_noise_line(line):
        return False
    if _ends_like_sentence(line):
        return True
    n_words = len(_words(line))
    if line.endswith(":"):
        # a lead-in to a quotation ("The ministry said in a statement:"), not a section label
        return n_words >= 5 and not _mostly_capitalised(line)
    # a long paragraph whose final punctuation was lost in scraping, not a menu of links
    return n_words >= SHORT_LINE_WORDS and not _mostly_capitalised(line)


def looks_like_headline(line: str) -> bool:
    """A short line without final sentence punctuation that is not a known noise shape."""
    line = normalise_line(line)
    if not line or is_noise_line(line) or line[-1] in _SENTENCE_END or line.endswith(":"):
        return False
    return 3 <= len(_words(line)) < SHORT_LINE_WORDS


def clean_text(text: str) -> str:
    """Article paragraphs only, one per line, whitespace normalised.

    A leading ' date YYYY-MM-DD ' marker is dropped (use split_date_prefix to keep it).
    """
    _, text = split_date_prefix(text)
    kept: list[str] = []
    for raw in text.splitlines():
        line = normalise_line(raw)
        if is_body_line(line) and (not kept or kept[-1] != line):
            kept.append(line)
    return "\n".join(kept)
