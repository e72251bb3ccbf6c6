"""The ingest path end to end on the sample articles: idempotence, bad input, merging, and extraction quality.

The quality gate uses the matching rule of ../shared/eval/evaluate.py (speaker alias, same article, a gold
figure or the gold evidence words), re-stated compactly here so the suite runs without shared/.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from goldmatch import GOLD, gold_matches
from spacy.language import Language

from bot.ingest import read_path
from bot.models import Article, Claim
from bot.pipeline import IngestReport, content_hash, ingest
from data.store import ClaimStore

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
SAMPLES_JSONL = SAMPLES / "articles.jsonl"
GOLD_BY_ID = {g["id"]: g for g in GOLD}
NOW = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
PRONOUNS = {"he", "she", "they", "it", "we", "i", "him", "her", "them", "us", "you"}


# --- fixtures -------------------------------------------------------------------------------------------


def read_samples(path: Path = SAMPLES) -> list[Article]:
    articles, problems = read_path(path)
    assert problems == []
    return articles


@pytest.fixture(scope="module")
def sample_articles() -> dict[str, Article]:
    return {a.id: a for a in read_samples()}


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory, nlp: Language) -> ClaimStore:
    """Every sample article ingested once; tests here only read it."""
    store = ClaimStore(tmp_path_factory.mktemp("samples") / "claims.json")
    ingest(store, read_samples(), nlp=nlp, now=NOW)
    return store


@pytest.fixture(scope="module")
def sample_claims(sample_store: ClaimStore) -> list[Claim]:
    return sample_store.claims()


# --- ingesting ------------------------------------------------------------------------------------------


def test_samples_are_ingested_in_one_go(sample_store: ClaimStore, sample_claims: list[Claim]) -> None:
    counts = sample_store.count()
    assert counts["documents"] == len(read_samples())
    assert len(sample_claims) == counts["claims"] > 0
    assert all(c.first_seen == NOW for c in sample_claims)
    assert all(c.sources for c in sample_claims)


def test_reingesting_the_same_files_changes_nothing(tmp_path: Path, nlp: Language) -> None:
    store = ClaimStore(tmp_path / "claims.json")
    first = ingest(store, read_samples(), nlp=nlp, now=NOW)
    before_bytes = store.path.read_bytes()
    before = store.claims()

    again = ingest(store, read_samples(), nlp=nlp, now=datetime(2030, 1, 1, tzinfo=UTC))

    assert first.unchanged == 0 and first.claims_added > 0
    assert again == IngestReport(
        articles=first.articles, unchanged=first.articles, claims_added=0, claims_merged=0
    )
    assert store.path.read_bytes() == before_bytes
    assert store.claims() == before


@pytest.mark.parametrize(
    ("new_id", "rewrite"),
    [
        ("copy-same-text", lambda text: text),
        ("copy-other-spacing", lambda text: "  " + text.replace(" ", "  ").replace("\n", "\n\n") + "\n"),
    ],
)
def test_the_same_text_under_another_id_is_recognised(
    tmp_path: Path, nlp: Language, new_id: str, rewrite: Any
) -> None:
    original = read_samples(SAMPLES_JSONL)[0]
    store = ClaimStore(tmp_path / "claims.json")
    ingest(store, [original], nlp=nlp, now=NOW)
    before = store.claims()
    copy = replace(original, id=new_id, text=rewrite(original.text), outlet="Another Outlet")

    report = ingest(store, [copy], nlp=nlp, now=NOW)

    assert content_hash(copy) == content_hash(original)
    assert report == IngestReport(articles=1, unchanged=1, claims_added=0, claims_merged=0)
    assert store.claims() == before


def test_a_changed_text_under_a_known_id_is_ingested_again(tmp_path: Path, nlp: Language) -> None:
    original = read_samples(SAMPLES_JSONL)[0]
    store = ClaimStore(tmp_path / "claims.json")
    ingest(store, [original], nlp=nlp, now=NOW)
    extra = "The harbour master said 14 ships had been turned away since Monday."
    report = ingest(store, [replace(original, text=original.text + "\n\n" + extra)], nlp=nlp, now=NOW)
    assert report.unchanged == 0
    assert report.claims_added >= 1


@pytest.mark.parametrize(
    ("bad_line", "says"),
    [
        ('{"id": "half-written", "text": "The mayor said', "invalid JSON"),
        ('["not", "an", "object"]', "expected a JSON object"),
        ('{"id": "no-text", "outlet": "Somewhere"}', "missing 'text'"),
        ('{"id": "bad-date", "published": "last Tuesday", "text": "The mayor said so."}', "published"),
    ],
)
def test_a_bad_jsonl_line_is_reported_and_the_others_ingested(
    tmp_path: Path, nlp: Language, bad_line: str, says: str
) -> None:
    good = SAMPLES_JSONL.read_text(encoding="utf-8").splitlines()[:2]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join([good[0], bad_line, good[1]]) + "\n", encoding="utf-8")

    articles, problems = read_path(path)
    store = ClaimStore(tmp_path / "claims.json")
    report = ingest(store, articles, nlp=nlp, now=NOW)

    assert [a.id for a in articles] == [json.loads(line)["id"] for line in good]
    assert len(problems) == 1
    assert problems[0].where == f"{path}:2"
    assert says in problems[0].message
    assert report.articles == 2 and report.claims_added > 0
    assert set(store.seen_documents()) == {a.id for a in articles}


# --- merging and quality --------------------------------------------------------------------------------

# gold pairs the merger does not join yet (see the reason)
UNMERGED = pytest.mark.xfail(
    strict=True,
    reason="bot/merge.py same_statement: two paraphrases of one figureless remark whose dates differ by a "
    "day share too few words for the 0.6 overlap threshold, so they stay two claims",
)
KNOWN_UNMERGED = {"smp04-c4"}
# a description never joins a name across articles (issue 8, the speaker registry): the bulletin only says
# "the election commission", and which commission that is only its own article could tell
DESCRIBED = pytest.mark.xfail(
    strict=True,
    reason="bot/merge.py: smp10 calls the speaker only 'the election commission'; a description joins no "
    "other article's named speaker, so it stays apart from the Central Election Commission of smp09",
)
KNOWN_DESCRIBED = {"smp10-c1"}
SAME_AS = [
    pytest.param(
        g["id"],
        g["same_as"],
        id=g["id"],
        marks=[UNMERGED] if g["id"] in KNOWN_UNMERGED else [DESCRIBED] if g["id"] in KNOWN_DESCRIBED else [],
    )
    for g in GOLD
    if g.get("same_as")
]


@pytest.mark.parametrize(("gold_id", "other_id"), SAME_AS)
def test_one_statement_in_several_articles_is_one_claim(
    sample_claims: list[Claim], gold_id: str, other_id: str
) -> None:
    a, b = GOLD_BY_ID[gold_id], GOLD_BY_ID[other_id]

    def carries(gold: dict[str, Any], claim: Claim) -> bool:
        return any(gold_matches(gold, claim, s) for s in claim.sources)

    both = [c for c in sample_claims if carries(a, c) and carries(b, c)]
    either = [
        (c.speaker, [s.document for s in c.sources]) for c in sample_claims if carries(a, c) or carries(b, c)
    ]
    assert both, f"no one claim carries both {gold_id} and {other_id}; separate claims: {either}"


def test_extraction_on_the_samples_reaches_the_quality_bar(sample_claims: list[Claim]) -> None:
    articles = {g["article"] for g in GOLD}
    mentions = [(c, s) for c in sample_claims for s in c.sources if s.document in articles]
    found = {g["id"] for c, s in mentions for g in GOLD if gold_matches(g, c, s)}
    wrong = [
        (c.speaker, c.statement) for c, s in mentions if not any(gold_matches(g, c, s, True) for g in GOLD)
    ]
    required = [g["id"] for g in GOLD if not g.get("optional")]
    missed = [g for g in required if g not in found]

    recall = 1 - len(missed) / len(required)
    precision = 1 - len(wrong) / len(mentions)
    assert recall >= 0.9, f"recall {recall:.2f}; missed {missed}"
    assert precision >= 0.9, f"precision {precision:.2f}; wrong {wrong}"


def test_no_claim_has_a_pronoun_for_a_speaker(sample_claims: list[Claim]) -> None:
    bad = [(c.speaker, c.statement) for c in sample_claims if c.speaker.strip().lower() in PRONOUNS]
    assert bad == []


def test_statements_keep_their_quotation_marks_balanced(sample_claims: list[Claim]) -> None:
    odd = [
        c.statement
        for c in sample_claims
        if c.statement.count('"') % 2 or c.statement.count("“") != c.statement.count("”")
    ]
    assert odd == []


def test_every_source_sentence_stands_in_its_article(
    sample_claims: list[Claim], sample_articles: dict[str, Article]
) -> None:
    def flat(text: str) -> str:
        return " ".join(text.split())

    missing = [
        (s.document, s.sentence)
        for c in sample_claims
        for s in c.sources
        if s.document not in sample_articles or flat(s.sentence) not in flat(sample_articles[s.document].text)
    ]
    assert missing == []


def test_sources_carry_their_articles_metadata(
    sample_claims: list[Claim], sample_articles: dict[str, Article]
) -> None:
    for source in (s for c in sample_claims for s in c.sources):
        article = sample_articles[source.document]
        assert (source.outlet, source.url, source.published) == (
            article.outlet,
            article.url,
            article.published,
        )


def test_an_article_the_extractor_fails_on_loses_nothing_else(
    tmp_path: Path, nlp: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault injected into one article: the batch still stores the others' claims."""
    import bot.pipeline as pipeline

    real = pipeline.extract_claims

    def failing(article: Article, doc: Any) -> Any:
        if article.id == "bad":
            raise IndexError("a rule tripped")
        return real(article, doc)

    monkeypatch.setattr(pipeline, "extract_claims", failing)
    store = ClaimStore(tmp_path / "claims.json")
    good = Article(id="good", text="Mayor Ida Lund said on Monday that 12 bridges were closed.")
    bad = Article(id="bad", text="Governor Per Vik said on Monday that 40 roads were open.")
    report = ingest(store, [bad, good], nlp=nlp)
    assert report.articles == 2
    assert [c.speaker for c in store.claims()] == ["Ida Lund"]


def test_an_aside_at_the_very_end_of_a_text_is_read(nlp: Language) -> None:
    from bot.extract.claims import extract_claims

    text = 'The sky was clear on Saturday, Inspector Bo Lind said, but was "rough at sea."'
    claims, _ = extract_claims(Article(id="t", text=text), nlp(text))
    assert [c.speaker for c in claims] == ["Bo Lind"]
