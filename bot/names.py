"""Given names of one person, however written: pure string rules shared by extraction, merging and the
question path (which loads no spaCy)."""

from __future__ import annotations

from rapidfuzz import fuzz


def given_fits(x: str, y: str) -> bool:
    """One given name and another, or its initial: "j" ~ "john", "zelenskiy" spellings aside."""
    return x[0] == y[0] and (len(x) <= 2 or len(y) <= 2 or fuzz.ratio(x, y) >= 75)


def same_given_names(a: list[str], b: list[str]) -> bool:
    """Whether two people's given names can be one person's: the shorter list fits, in order, into the
    longer ("John" into "John Fitzgerald", "Govardhan" into "Kakani Govardhan"); a full name the longer
    has left over is fine only when some full name was matched in full, so an initial alone does not
    make "Govardhan" the "G" of "G Kishan"."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    at, matched, strong = 0, [], False
    for word in short:
        while at < len(long) and not given_fits(word, long[at]):
            at += 1
        if at == len(long):
            return False
        strong = strong or (len(word) > 2 and len(long[at]) > 2)
        matched.append(at)
        at += 1
    left_over = [w for k, w in enumerate(long) if k not in matched and len(w) > 2]
    return strong or not left_over
