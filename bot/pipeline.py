"""Ingest: articles in, claims merged into the store, one write per batch.

Parsing happens before the store's lock is taken, so a long ingest never blocks the bot for long.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from spacy.language import Language

from bot.ask.index import search_terms
from bot.extract.claims import extract_claims
from bot.extract.nlp import load_nlp
from bot.merge import merge_claims
from bot.models import Article, Claim, Speaker
from data.store import ClaimStore


@dataclass(frozen=True)
class IngestReport:
    """What one ingest did, for the person feeding the bot."""

    articles: int
    unchanged: int
    claims_added: int
    claims_merged: int


def content_hash(article: Article) -> str:
    """Fingerprint of an article's text, so a re-published copy under another id is still recognised."""
    return hashlib.sha256(" ".join(article.text.split()).encode()).hexdigest()[:32]


def extract_all(
    articles: Sequence[Article], nlp: Language | None = None
) -> list[tuple[Article, list[Claim], list[Speaker]]]:
    """Parse articles in one stream (spaCy's nlp.pipe) and extract each one's claims."""
    nlp = nlp or load_nlp()
    docs = nlp.pipe((a.text for a in articles), batch_size=32)
    return [(a, *extract_claims(a, doc)) for a, doc in zip(articles, docs, strict=True)]


def _new_articles(articles: Iterable[Article], seen: dict[str, str]) -> tuple[list[Article], int]:
    fresh: list[Article] = []
    hashes = set(seen.values())
    unchanged = 0
    for article in articles:
        digest = content_hash(article)
        if seen.get(article.id) == digest or digest in hashes:
            unchanged += 1
            continue
        hashes.add(digest)
        fresh.append(article)
    return fresh, unchanged


def ingest(
    store: ClaimStore,
    articles: Iterable[Article],
    *,
    nlp: Language | None = None,
    now: datetime | None = None,
) -> IngestReport:
    """Extract claims from articles the store has not seen and merge them in, in one atomic write."""
    articles = list(articles)
    fresh, unchanged = _new_articles(articles, store.seen_documents())
    if not fresh:
        return IngestReport(len(articles), unchanged, 0, 0)
    extracted = extract_all(fresh, nlp)
    now = now or datetime.now(UTC)
    with store.batch() as batch:
        # another process may have ingested some of these while we parsed
        again, _ = _new_articles(fresh, batch.seen_documents())
        keep = {a.id for a in again}
        found = [c for a, claims, _ in extracted if a.id in keep for c in claims]
        speakers = [s for a, _, spk in extracted if a.id in keep for s in spk]
        result = merge_claims(batch.claims(), batch.speakers(), found, speakers, now)
        batch.put_claims(replace(c, search=search_terms(c)) for c in result.claims)
        batch.replace_speakers(result.speakers)
        batch.mark_documents({a.id: content_hash(a) for a in again})
    return IngestReport(len(articles), len(articles) - len(again), result.added, result.merged)
