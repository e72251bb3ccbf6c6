"""The evaluator's matching rule (../shared/eval/evaluate.py), re-stated compactly so the suite runs
without shared/: a stored claim matches a gold claim when it has the same article and speaker and a gold
figure or half of the gold evidence's words."""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from bot.models import Claim, Source

GOLD_DIR = Path(__file__).parent / "gold"
GOLD = [json.loads(line) for line in (GOLD_DIR / "sample_claims.jsonl").open()]
QUESTIONS = [json.loads(line) for line in (GOLD_DIR / "sample_questions.jsonl").open()]


STOP = set(
    "a an the of in on at to for and or by with from as that this was were is are be been has have had "
    "it its their they he she his her said says say told".split()
)
# words of organisations' names that say nothing about which organisation it is
GENERIC = set(
    """ministry defense defence intelligence service services agency office department forces force house
    officials official military police council committee command general president minister spokesperson
    spokesman spokeswoman commander chief director mayor governor secretary state national federal united
    states russian ukrainian american korean south north western european security staff joint army navy
    government""".split()
)


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"[^\w\s]", " ", re.sub(r"[\u2010-\u2015]", "-", text).lower())
    return " ".join(text.split())


def words(text: str) -> set[str]:
    return {w for w in norm(text).split() if w not in STOP and len(w) > 1}


def similar(a: str, b: str) -> bool:
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.85


def speaker_matches(speaker: str, aliases: list[str]) -> bool:
    e = norm(speaker)
    for a in filter(None, map(norm, aliases)):
        if e and (
            re.search(rf"\b{re.escape(a)}\b", e) or re.search(rf"\b{re.escape(e)}\b", a) or similar(a, e)
        ):
            return True
        pairs = [(x, y) for x in e.split() for y in a.split() if not {x, y} & GENERIC]
        if any(min(len(x), len(y)) >= 5 and x[0] == y[0] and similar(x, y) for x, y in pairs):
            return True
    return False


def gold_matches(gold: dict[str, Any], claim: Claim, source: Source, loose: bool = False) -> bool:
    """Same article and speaker, and a gold figure (claims with figures) or half the evidence's words."""
    if source.document != gold["article"]:
        return False
    if not speaker_matches(claim.speaker, [*gold["speaker_aliases"], gold["speaker"]]):
        return False
    wanted = {float(v) for v in gold["figures"] + gold.get("figures_any", [])}
    have = {n for f in claim.figures for n in f.numbers()}
    figure_ok = any(abs(w - h) <= 1e-6 * max(1.0, abs(w)) for w in wanted for h in have)
    evidence = words(gold["evidence"])
    said = words(source.sentence) | words(claim.statement)
    evidence_ok = bool(evidence) and len(evidence & said) / len(evidence) >= 0.5
    if gold["figures"]:
        return figure_ok or (loose and evidence_ok)
    return evidence_ok
