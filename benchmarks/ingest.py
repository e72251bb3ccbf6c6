"""Ingest benchmark: how fast claimbot turns articles into stored claims, and how much memory it takes.

    python benchmarks/ingest.py [--articles N] [--seed S] [--strict]

The articles are synthetic but realistic: the sample articles' paragraphs reshuffled across articles, each
with its own id, outlet and date, so none is skipped as a copy of another. Targets (the machine has 2 cores):
parse + extract >= 10 articles/s, peak memory < 1 GiB. Prints PASS or FAIL per target; --strict also exits 1
on a FAIL. Kept out of the test suite on purpose: timings on a shared CI machine are not assertions.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # runnable from a fresh clone without installing the package

from bot.extract.nlp import load_nlp  # noqa: E402
from bot.ingest import read_path  # noqa: E402
from bot.models import Article  # noqa: E402
from bot.pipeline import extract_all, ingest  # noqa: E402
from data.store import ClaimStore  # noqa: E402

SAMPLES = ROOT / "data" / "samples"
MIN_RATE = 10.0  # articles per second, parse + extract
MAX_PEAK_MIB = 1024.0
OUTLETS = ("North Star Courier", "Harbour Evening Post", "Plains Tribune", "Coastal Wire", "Metro Daily")


def sample_paragraphs(folder: Path = SAMPLES) -> list[str]:
    """Every paragraph of every sample article, in file order; the articles keep one paragraph per line."""
    articles, _ = read_path(folder)
    return [p.strip() for a in articles for p in a.text.split("\n") if p.strip()]


def synthetic_articles(paragraphs: list[str], count: int, seed: int = 7) -> list[Article]:
    """`count` distinct articles of 6-10 paragraphs drawn from the pool; same seed, same articles."""
    rng = random.Random(seed)
    start = date(2024, 6, 1)
    seen: set[str] = set()
    out: list[Article] = []
    while len(out) < count:
        text = "\n\n".join(rng.sample(paragraphs, k=min(len(paragraphs), rng.randint(6, 10))))
        if text in seen:
            continue
        seen.add(text)
        n = len(out)
        out.append(
            Article(
                id=f"bench-{n:05d}",
                text=text,
                outlet=OUTLETS[n % len(OUTLETS)],
                url=f"https://bench.example-outlet.test/{n:05d}",
                published=start + timedelta(days=n % 240),
                title=f"Benchmark article {n}",
            )
        )
    return out


def peak_mib() -> float:
    """Peak resident memory of this process so far (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=300, help="how many synthetic articles (default 300)")
    ap.add_argument("--seed", type=int, default=7, help="random seed for the paragraph shuffle")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = ap.parse_args(argv)
    if args.articles < 1:
        ap.error("--articles must be at least 1")

    paragraphs = sample_paragraphs()
    articles = synthetic_articles(paragraphs, args.articles, args.seed)
    chars = sum(len(a.text) for a in articles)
    print(
        f"articles: {len(articles)} synthetic ({chars / len(articles):.0f} chars each on average), "
        f"from {len(paragraphs)} sample paragraphs; cpus: {os.cpu_count()}"
    )

    t0 = time.perf_counter()
    nlp = load_nlp()
    load_s = time.perf_counter() - t0
    print(f"model load: {load_s:.2f} s")

    t0 = time.perf_counter()
    extracted = extract_all(articles, nlp)
    parse_s = time.perf_counter() - t0
    rate = len(articles) / parse_s
    found = sum(len(claims) for _, claims, _ in extracted)
    print(f"parse + extract (nlp.pipe): {parse_s:.2f} s, {rate:.1f} articles/s, {found} claim mentions")

    with tempfile.TemporaryDirectory(prefix="claimbot-bench-") as tmp:
        store = ClaimStore(Path(tmp) / "claims.json")
        t0 = time.perf_counter()
        report = ingest(store, articles, nlp=nlp)
        ingest_s = time.perf_counter() - t0
        stored = len(store.claims())
        size_kib = store.path.stat().st_size / 1024
    print(
        f"full ingest (one batch, temp store): {ingest_s:.2f} s, {len(articles) / ingest_s:.1f} articles/s; "
        f"{report.claims_added} claims added, {report.claims_merged} merged, {stored} stored, "
        f"file {size_kib:.0f} KiB"
    )

    peak = peak_mib()
    print(f"peak memory (ru_maxrss): {peak:.0f} MiB")
    rate_ok, peak_ok = rate >= MIN_RATE, peak < MAX_PEAK_MIB
    print(f"target parse + extract >= {MIN_RATE:.0f} articles/s: {verdict(rate_ok)} ({rate:.1f})")
    print(f"target peak memory < {MAX_PEAK_MIB:.0f} MiB: {verdict(peak_ok)} ({peak:.0f})")
    return 1 if args.strict and not (rate_ok and peak_ok) else 0


if __name__ == "__main__":
    raise SystemExit(main())
