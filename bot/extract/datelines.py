"""Datelines: the place (and agency, and day) a wire story opens with, "NAIROBI, Aug 14 (Reuters) -".

A dateline is no part of what anyone said and no speaker, yet the parser happily makes "NAIROBI" the
subject of the first sentence. It is blanked out before parsing, with spaces of the same length so that
every character offset into the article still holds.
"""

from __future__ import annotations

import re

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_CAPS_PLACE = r"[A-Z][A-Z.'’-]+(?:[ /][A-Z][A-Z.'’-]+){0,3}"
_TITLE_PLACE = r"[A-Z][a-z.'’-]+(?:[ /][A-Z][a-z.'’-]+){0,3}"
_REGION = r"(?:,\s*[A-Z][A-Za-z.]+(?:\s[A-Z][A-Za-z.]+)?)?"
_DAY = rf"(?:,?\s*{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?)?"
_AGENCY = r"\s*\([A-Za-z0-9 .&/'’-]{1,40}\)"
_DASH = r"\s*(?:—|–|--|-)\s*"

#: At the start of a paragraph: an all-caps place (agency optional), or any place with an agency.
DATELINE = re.compile(
    rf"^[ \t]*(?:{_CAPS_PLACE}{_REGION}{_DAY}(?:{_AGENCY})?|{_TITLE_PLACE}{_REGION}{_DAY}{_AGENCY}){_DASH}"
    rf"|^[ \t]*{_TITLE_PLACE}{_REGION}{_DAY}{_AGENCY}\s*:\s*"  # "Dubai, Apr 27 (IANS): ..."
    # "TOKYO Oct 15 Japan's ...": a day and no dash
    rf"|^[ \t]*{_CAPS_PLACE},?\s+{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?\s+(?=[A-Z])",
    re.MULTILINE,
)


def dateline_spans(text: str) -> list[tuple[int, int]]:
    """Where the datelines are: at most one per paragraph, at its start."""
    return [m.span() for m in DATELINE.finditer(text) if _plausible(m.group(0))]


def _plausible(found: str) -> bool:
    """A dateline names a place: at least one word of three letters, not a lone initialism like "AP"."""
    place = re.split(r"[,(—–-]", found)[0]
    return any(len(w) >= 3 for w in re.findall(r"[A-Za-z]+", place))


def mask_datelines(text: str) -> str:
    """The text with its datelines blanked out, every offset kept."""
    for start, end in dateline_spans(text):
        text = text[:start] + " " * (end - start) + text[end:]
    return text
