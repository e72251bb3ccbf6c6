"""Ingest: articles in, claims merged into the store, one write per batch; and re-extraction of the stored
articles with the current extractor.

Parsing happens before the store's lock is taken, so a long ingest never blocks the bot for long.
"""

from __future__ import annotations

import hashlib
import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from itertools import chain

from spacy.language import Language
from spacy.tokens import Doc

from bot.ask.index import search_terms
from bot.digest import WATERMARK
from bot.extract.claims import extract_claims
from bot.extract.dates import infer_published
from bot.extract.nlp import load_nlp, prepared
from bot.ingest.readers import text_spans
from bot.merge import Folded, fold_speakers, merge_claims, renames
from bot.models import Article, Claim, Speaker
from data.port import Store, StoreBatch
from data.records import StoredArticle

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestReport:
    """What one ingest did, for the person feeding the bot."""

    articles: int
    unchanged: int
    claims_added: int
    claims_merged: int
    # already-ingested articles whose text an older claimbot did not keep, stored now for `reextract`
    texts_stored: int = 0
    # articles the parser or the extractor failed on (stored without claims), each with its reason
    failed: tuple[str, ...] = ()


def content_hash(article: Article) -> str:
    """Fingerprint of an article's text, so a re-published copy under another id is still recognised."""
    return hashlib.sha256(" ".join(article.text.split()).encode()).hexdigest()[:32]


#: longer texts are parsed in parts cut at paragraph breaks: spaCy refuses a text over nlp.max_length
#: (1,000,000 characters) and needs memory in proportion to the length of what it parses at once
PART_CHARS = 100_000


def extract_all(
    articles: Sequence[Article],
    nlp: Language | None = None,
    failures: list[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[tuple[Article, list[Claim], list[Speaker]]]:
    """Parse articles in one stream (spaCy's nlp.pipe) and extract each one's claims. A long article is
    parsed in parts (text_spans). An article the parser or the extractor fails on is reported by id (in
    `failures`, when given, and the log) and yields no claims; the others are not lost with it."""
    nlp = nlp or load_nlp()
    found: list[tuple[list[Claim], list[Speaker]]] = [([], []) for _ in articles]
    done = -1
    for i, part, doc in _parse_all(nlp, _parts(articles, nlp, failures), failures):
        claims, speakers = _extract_one(part, doc, failures)
        found[i][0].extend(claims)
        found[i][1].extend(speakers)
        if progress is not None and i != done:
            done = i
            progress(i + 1, len(articles))  # "article 12 of 40": long ingests show they move
    return [(a, claims, speakers) for a, (claims, speakers) in zip(articles, found, strict=True)]


Part = tuple[int, Article, str]  # which article, the part as an article, the text the parser reads


def _parts(articles: Sequence[Article], nlp: Language, failures: list[str] | None) -> Iterator[Part]:
    """Each article, or each part of a long one (cut at paragraph breaks), ready for the parser."""
    for i, article in enumerate(articles):
        try:
            text = prepared(article.text)  # keeps every offset, so the spans fit both texts
            spans = text_spans(article.text, min(PART_CHARS, nlp.max_length))
        except Exception as exc:  # raised inside spaCy's stream, it would end the stream for all
            _failed(article, f"preparing failed ({type(exc).__name__}: {exc})", failures)
            continue
        if len(spans) == 1:
            yield i, article, text
            continue
        log.info("article %s has %d characters: parsed in %d parts", article.id, len(text), len(spans))
        published = article.published or infer_published(article.text)  # the whole text may say when
        for start, end in spans:
            yield i, replace(article, text=article.text[start:end], published=published), text[start:end]


def _parse_all(
    nlp: Language, parts: Iterator[Part], failures: list[str] | None
) -> Iterator[tuple[int, Article, Doc]]:
    """(article index, part, doc) for every part, streamed (no more docs in memory than spaCy's batch).
    When one text breaks the stream, what is left is parsed one text at a time, so only the text that
    fails is lost."""
    taken: deque[Part] = deque()  # handed to spaCy, not parsed yet

    def texts() -> Iterator[str]:
        for part in parts:
            taken.append(part)
            yield part[2]

    try:
        for doc in nlp.pipe(texts(), batch_size=32):
            i, article, _ = taken.popleft()
            yield i, article, doc
    except Exception:
        log.info("parsing in a stream failed; parsing the remaining articles one at a time")
    for i, article, text in chain(list(taken), parts):
        try:
            doc = nlp(text)
        except Exception as exc:
            _failed(article, f"parsing failed ({type(exc).__name__}: {exc})", failures)
            continue
        yield i, article, doc


def _extract_one(
    article: Article, doc: Doc, failures: list[str] | None = None
) -> tuple[list[Claim], list[Speaker]]:
    try:
        return extract_claims(article, doc)
    except Exception as exc:  # a rule tripping on one odd sentence must not sink the batch
        _failed(article, f"extraction failed ({type(exc).__name__}: {exc})", failures)
        return [], []


def _failed(article: Article, reason: str, failures: list[str] | None) -> None:
    log.error("article %s: %s; it is stored without claims", article.id, reason, exc_info=True)
    if failures is not None:
        failures.append(f"article {article.id}: {reason}; stored without claims")


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
    store: Store,
    articles: Iterable[Article],
    *,
    nlp: Language | None = None,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> IngestReport:
    """Extract claims from articles the store has not seen and merge them in, in one atomic write.

    Every ingested article's text is stored too (beside the store, written before the claims). An article
    the store has seen but holds no text of (ingested by an older claimbot) gets its text stored and
    nothing else, so that `reextract` can read it."""
    articles = list(articles)
    ids, hashes = [a.id for a in articles], [content_hash(a) for a in articles]
    seen = store.seen_documents(ids, hashes)
    fresh, unchanged = _new_articles(articles, seen)
    if not fresh and not _texts_missing(articles, seen, store.article_hashes):
        return IngestReport(len(articles), unchanged, 0, 0)
    failures: list[str] = []
    extracted = extract_all(fresh, nlp, failures, progress) if fresh else []
    now = now or datetime.now(UTC)
    with store.batch() as batch:
        # another process may have ingested some of these while we parsed
        seen = batch.seen_documents(ids, hashes)
        again, _ = _new_articles(fresh, seen)
        filled = _fill_texts(batch, _texts_missing(articles, seen, batch.article_hashes))
        if not again:
            return IngestReport(len(articles), len(articles), 0, 0, filled)
        batch.put_articles(StoredArticle(a, content_hash(a), now) for a in again)
        keep = {a.id for a in again}
        found = [c for a, claims, _ in extracted if a.id in keep for c in claims]
        speakers = [s for a, _, spk in extracted if a.id in keep for s in spk]
        registry = batch.speakers()
        folded = fold_speakers(registry, speakers)
        candidates = _candidates(batch, folded, found, speakers)
        result = merge_claims(candidates, registry, found, speakers, now, folded)
        batch.put_claims(replace(c, search=search_terms(c)) for c in result.claims)
        batch.replace_speakers(result.speakers)
        batch.mark_documents({a.id: content_hash(a) for a in again})
    return IngestReport(
        len(articles), len(articles) - len(again), result.added, result.merged, filled, tuple(failures)
    )


def _candidates(batch: StoreBatch, fold: Folded, found: list[Claim], speakers: list[Speaker]) -> list[Claim]:
    """The stored claims merging `found` can touch, so that no other claim is built. merge_claims gives
    the same result on these as on every stored claim:

    - every claim of a speaker whose name the merge changes (those claims are renamed);
    - the claims of every registry entry a found speaker may go to, said within a day of a found claim or
      undated (same_statement rejects any other). Folding adds a found speaker's name to the aliases of
      the entry it goes to, so the entries holding a found name are a superset of those entries;
    - those whose ids the new claims could collide with.
    """
    folded, renamed = fold[0], renames(fold, speakers)
    found_names = {c.speaker for c in found} | {s.name for s in speakers}
    whole = {old for old, new in renamed.items() if old != new}
    names = (
        found_names
        | whole
        | {
            entry.name
            for entry in folded
            if entry.name in found_names or not found_names.isdisjoint(entry.aliases)
        }
    )
    days = None if any(c.said_on is None for c in found) else {c.said_on for c in found if c.said_on}
    return batch.merge_candidates(names, {c.id for c in found}, days, whole)


def _texts_missing(
    articles: Iterable[Article], seen: Mapping[str, str], stored: Callable[[], Mapping[str, str]]
) -> list[Article]:
    """Articles the store has seen, as they are now, with no stored text; reads the texts only if needed."""
    known = {a.id: a for a in articles if seen.get(a.id) == content_hash(a)}
    if not known:
        return []
    hashes = stored()
    return [a for a in known.values() if hashes.get(a.id) != seen[a.id]]


def _fill_texts(batch: StoreBatch, articles: list[Article]) -> int:
    """Store the texts of articles ingested before texts were kept, dated to when their claims first came:
    claims that `reextract` finds anew in them then count as that old, not as news for the next digest."""
    if not articles:
        return 0
    first: dict[str, datetime] = {}
    for claim in batch.claims():
        for source in claim.sources:
            if claim.first_seen and (
                source.document not in first or claim.first_seen < first[source.document]
            ):
                first[source.document] = claim.first_seen
    batch.put_articles(StoredArticle(a, content_hash(a), first.get(a.id)) for a in articles)
    return len(articles)


# --- re-extraction --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReextractReport:
    """What `reextract` did: how many articles it re-read and what became of the claims."""

    articles: int  # stored articles re-read with the current extractor
    without_text: int  # documents the store has claims or a mark for but no text of (older claimbot)
    claims_before: int
    claims_after: int
    kept: int  # rebuilt claims that are old claims (same id, same first_seen)
    changed: int  # of those, how many now read differently (sources, figures, date, speaker, ...)
    new: int
    dropped: int
    written: bool
    # stored texts whose ingest never finished (a crash before the claims were written); the next ingest of
    # those articles adds their claims
    unfinished: tuple[str, ...] = field(default=())


Parsed = dict[tuple[str, str], tuple[list[Claim], list[Speaker]]]


def reextract(
    store: Store,
    *,
    nlp: Language | None = None,
    now: datetime | None = None,
    dry_run: bool = False,
) -> ReextractReport:
    """Rebuild every claim from the stored article texts with the current extractor, the way ingest builds
    them: extract_all, then merge_claims over the articles in the order they were ingested.

    - A rebuilt claim that is an old one (the same id; else the same speaker and statement; else the same
      statement from the same articles) keeps the old id and first_seen, so no digest sends it again.
    - A claim found anew is dated to when its earliest article was ingested, not to now: news a digest
      already covered does not come back as new, while an article ingested after the last digest still
      gets its new claims into the next one, as if they had been found the first time.
    - Claims of documents with no stored text (ingested by an older claimbot) cannot be re-read and are
      kept as they are; the report counts those documents.
    - Speakers are rebuilt with the claims; documents, subscribers, feeds, feed items, digest runs, state
      and the delivery ledger are not touched. Parsing happens before the lock is taken, like ingest.
    """
    now = now or datetime.now(UTC)
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
    stored, seen = store.articles(), store.seen_documents()
    parsed = _parse(_rereadable(stored, seen), nlp)
    if dry_run or not parsed:
        rebuilt = _rebuild(
            store.claims(), store.speakers(), seen, stored, parsed, _fallback(store.state(WATERMARK), now)
        )
        return rebuilt.report
    with store.batch() as batch:
        stored, seen = batch.articles(), batch.seen_documents()
        late = [s for s in _rereadable(stored, seen) if (s.article.id, s.hash) not in parsed]
        parsed.update(_parse(late, nlp))  # ingested by another process while we parsed
        old = batch.claims()
        rebuilt = _rebuild(
            old, batch.speakers(), seen, stored, parsed, _fallback(batch.state(WATERMARK), now)
        )
        claims = [replace(c, search=search_terms(c)) for c in rebuilt.claims]
        if (
            claims != old
            or rebuilt.speakers != batch.speakers()
            or [c.search for c in claims] != [c.search for c in old]
        ):
            batch.replace_claims(claims)
            batch.replace_speakers(rebuilt.speakers)
            return replace(rebuilt.report, written=True)
    return rebuilt.report


@dataclass(frozen=True)
class _Rebuilt:
    claims: list[Claim]
    speakers: list[Speaker]
    report: ReextractReport


def _rereadable(stored: Iterable[StoredArticle], seen: Mapping[str, str]) -> list[StoredArticle]:
    """Stored texts whose claims the store holds: marked seen with the same content hash."""
    return [s for s in stored if seen.get(s.article.id) == s.hash]


def _parse(stored: Sequence[StoredArticle], nlp: Language | None) -> Parsed:
    if not stored:
        return {}
    extracted = extract_all([s.article for s in stored], nlp)
    return {(a.id, s.hash): (claims, spk) for s, (a, claims, spk) in zip(stored, extracted, strict=True)}


def _fallback(watermark: str | None, now: datetime) -> datetime:
    """When an article of unknown ingest time counts as ingested: at the last digest's cut (so claims found
    anew in it are not news), or now when no digest was ever cut (the first digest sends everything)."""
    return datetime.fromisoformat(watermark) if watermark else now


def _rebuild(
    old: list[Claim],
    registry: list[Speaker],
    seen: Mapping[str, str],
    stored: list[StoredArticle],
    parsed: Parsed,
    fallback: datetime,
) -> _Rebuilt:
    reread = [s for s in _rereadable(stored, seen) if (s.article.id, s.hash) in parsed]
    ids = {s.article.id for s in reread}
    unfinished = tuple(s.article.id for s in stored if seen.get(s.article.id) != s.hash)
    textless = ({*seen} | {x.document for c in old for x in c.sources}) - ids
    if not reread:
        report = ReextractReport(0, len(textless), len(old), len(old), len(old), 0, 0, 0, False, unfinished)
        return _Rebuilt(old, registry, report)

    # what cannot be re-read stays: each old claim with its sources in documents that have no text
    base = [replace(c, sources=tuple(x for x in c.sources if x.document not in ids)) for c in old]
    base = [c for c, o in zip(base, old, strict=True) if c.sources or not o.sources]
    names = {c.speaker for c in base}
    ingested = {s.article.id: s.ingested or fallback for s in reread}
    found: list[Claim] = []
    speakers: list[Speaker] = []
    for s in sorted(reread, key=lambda s: ingested[s.article.id]):  # stable: file order within one ingest
        claims, spk = parsed[(s.article.id, s.hash)]
        found += claims
        speakers += spk
    result = merge_claims(base, [s for s in registry if s.name in names], found, speakers, fallback)
    by_id = {c.id: c for c in base} | {c.id: c for c in result.claims}
    kept_ids = {c.id for c in base}
    rebuilt = [
        c
        if c.id in kept_ids
        else replace(
            c, first_seen=min((ingested.get(x.document, fallback) for x in c.sources), default=fallback)
        )
        for c in by_id.values()
    ]
    claims, kept, changed = _match(old, rebuilt)
    report = ReextractReport(
        articles=len(reread),
        without_text=len(textless),
        claims_before=len(old),
        claims_after=len(claims),
        kept=kept,
        changed=changed,
        new=len(claims) - kept,
        dropped=len(old) - kept,
        written=False,
        unfinished=unfinished,
    )
    return _Rebuilt(claims, list(result.speakers), report)


def _match(old: list[Claim], rebuilt: list[Claim]) -> tuple[list[Claim], int, int]:
    """Rebuilt claims that are old ones take the old id and first_seen; kept claims in their old order,
    then the new ones. Returns the claims, how many were kept and how many of those changed."""
    old_by_id = {c.id: c for c in old}
    match: dict[int, Claim] = {i: old_by_id[c.id] for i, c in enumerate(rebuilt) if c.id in old_by_id}
    taken = {c.id for c in match.values()}
    keys: tuple[Callable[[Claim], object], ...] = (
        lambda c: (c.speaker, c.statement),
        lambda c: (c.statement, frozenset(x.document for x in c.sources)),
    )
    for key in keys:
        pool: dict[object, list[Claim]] = {}
        for c in old:
            if c.id not in taken:
                pool.setdefault(key(c), []).append(c)
        for i, c in enumerate(rebuilt):
            if i not in match and pool.get(key(c)):
                match[i] = pool[key(c)].pop(0)
                taken.add(match[i].id)
    claims = [
        replace(c, id=match[i].id, first_seen=match[i].first_seen) if i in match else c
        for i, c in enumerate(rebuilt)
    ]
    position = {c.id: n for n, c in enumerate(old)}
    claims.sort(key=lambda c: position.get(c.id, len(old)))
    changed = sum(c != old_by_id[c.id] for c in claims if c.id in old_by_id)
    return claims, len(match), changed
