"""Store benchmark: what a write, a /subscribe, a question after a write, memory and a cold `claimbot ask`
cost on each backend as the store grows.

    python benchmarks/store.py [--sizes 1000 10000 100000] [--backends tinydb postgresql] [--pg URL]

For each backend and size it makes a synthetic store with benchmarks/ask.py's generator (with one speaker
holding 10% of the claims), then measures, as issue 10's table lists them:

- ingest one article: `bot.pipeline.ingest` of one new synthetic article (benchmarks/ingest.py's
  generator), spaCy included; the median of 3;
- /subscribe: one state batch adding a chat; the median of 5;
- the next question after a write: ClaimService.ask right after an ingest (the index refresh included),
  on a service warmed as the bot warms it at start;
- bot peak RSS: a child process that opens the store, answers, ingests an article and answers again;
- cold `claimbot ask`: a new `python -m bot.cli --db ... ask` process, wall time, with the answer index the
  bot saved after its last write (and, printed apart, with none saved);
- merging one article whose speakers hold 10% of the store: candidate claims + merge_claims for 10 new
  claims of that speaker, inside a batch (the batch's own load not counted).

PostgreSQL: --pg URL uses that (empty) database; otherwise a throwaway cluster is started from the installed
server binaries, with fsync on. Prints numbers and the issue's targets; timings are not assertions.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # runnable from a fresh clone without installing the package

from bot.ask.index import search_terms  # noqa: E402
from bot.merge import merge_claims  # noqa: E402
from bot.models import Claim, Source, Speaker  # noqa: E402
from data.backends import open_store  # noqa: E402
from data.port import Store  # noqa: E402


def _load(name: str, path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


gen = _load("bench_ask", ROOT / "benchmarks" / "ask.py")
articles_gen = _load("bench_ingest", ROOT / "benchmarks" / "ingest.py")
BIG = "Maria Benchmark"
QUESTION = "what did Maria Benchmark say about inflation"
TARGETS = {  # issue 10's targets at 100k claims: (TinyDB, PostgreSQL)
    "ingest one article (s)": (1.5, 0.15),
    "/subscribe (ms)": (20.0, 20.0),
    "next question after a write (ms)": (50.0, 50.0),
    "bot peak RSS (MiB)": (700.0, 700.0),
    "cold claimbot ask (s)": (1.2, 1.2),
    "merge, speaker with 10% (ms)": (50.0, 50.0),
}


def make_store(store: Store, size: int, seed: int = 7) -> None:
    rng = random.Random(seed * 1_000_003 + size)
    personas = gen.make_personas(rng, min(2000, max(300, size // 50)))
    claims, _ = gen.make_claims(rng, personas, size)
    big = Speaker(BIG, "person", (BIG, "Benchmark"), roles=("finance minister",))
    claims = [replace(c, speaker=BIG) if i % 10 == 0 else c for i, c in enumerate(claims)]
    docs = {s.document: f"hash-{s.document}" for c in claims for s in c.sources}
    with store.batch() as batch:
        batch.put_claims(replace(c, search=search_terms(c)) for c in claims)
        batch.replace_speakers([big, *(p.speaker for p in personas)])
        batch.mark_documents(docs)


def peak_mib() -> float:
    """This process's own peak RSS: VmHWM, since ru_maxrss carries over the parent's peak across exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cache(location: str) -> Path | None:
    """Where the bot would save the answer index (a database's in the benchmark's own cache folder)."""
    from data.indexcache import cache_path

    return cache_path(location, Path(tempfile.gettempdir()) / "claimbot-bench-cache")


def child_rss(location: str) -> None:
    """The bot's life in small: open, answer, ingest one article, answer again; print the peak RSS."""
    from bot.extract.nlp import load_nlp
    from bot.pipeline import ingest
    from bot.service import ClaimService

    store = open_store(location)
    service = ClaimService(store, _cache(location))
    service.warm()
    service.ask(QUESTION)
    nlp = load_nlp()
    article = articles_gen.synthetic_articles(articles_gen.sample_paragraphs(), 1, seed=991)[0]
    ingest(store, [replace(article, id="rss-probe")], nlp=nlp)
    service.ask(QUESTION)
    service.saved()
    store.close()
    print(json.dumps({"peak_mib": peak_mib()}))


def median_of(n: int, fn: Callable[[int], Any]) -> float:
    times = []
    for i in range(n):
        t0 = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def measure(store: Store, location: str, nlp: Any, articles: list[Any]) -> dict[str, float]:
    from bot.pipeline import ingest
    from bot.service import ClaimService

    out: dict[str, float] = {}
    queue = iter(articles)
    out["ingest one article (s)"] = median_of(3, lambda i: ingest(store, [next(queue)], nlp=nlp))

    def subscribe(i: int) -> None:
        with store.state_batch() as state:
            state.subscribe(10_000 + i)

    out["/subscribe (ms)"] = 1000 * median_of(5, subscribe)

    cache = _cache(location)
    service = ClaimService(store, cache)
    service.warm()  # as the bot does at start
    service.ask(QUESTION)
    ingest(store, [next(queue)], nlp=nlp)
    t0 = time.perf_counter()
    service.ask(QUESTION)
    out["next question after a write (ms)"] = 1000 * (time.perf_counter() - t0)
    service.saved()

    result = subprocess.run(
        [sys.executable, __file__, "--child-rss", location], capture_output=True, text=True, check=True
    )
    out["bot peak RSS (MiB)"] = json.loads(result.stdout.strip().splitlines()[-1])["peak_mib"]

    def cold_ask() -> float:
        env = {**os.environ, "CLAIMBOT_CACHE_DIR": str(cache.parent) if cache else ""}
        t0 = time.perf_counter()
        command = [sys.executable, "-m", "bot.cli", "--db", location, "ask", QUESTION]
        subprocess.run(command, capture_output=True, check=True, cwd=ROOT, env=env)
        return time.perf_counter() - t0

    out["cold claimbot ask (s)"] = cold_ask()  # the index the bot saved after its last write
    if cache is not None:
        cache.unlink(missing_ok=True)
    unsaved = cold_ask()
    print(f"  cold claimbot ask with no saved index: {unsaved:.2f} s (it saves one as it exits)", flush=True)

    now = datetime.now(UTC)
    found = [
        Claim(
            id=f"merge-probe-{i}",
            speaker=BIG,
            statement=f"Inflation will ease to {2 + i / 10:.1f} per cent by the spring of {2030 + i}.",
            said_on=date(2024, 6, 1) + timedelta(days=i),
            sources=(Source(document="merge-probe", sentence=f"Probe sentence {i}."),),
        )
        for i in range(10)
    ]
    with store.batch() as batch:
        t0 = time.perf_counter()
        registry = batch.speakers()
        days = {c.said_on for c in found if c.said_on}
        candidates = batch.merge_candidates({BIG}, {c.id for c in found}, days)
        t1 = time.perf_counter()
        merge_claims(candidates, registry, found, [Speaker(BIG)], now)
        t2 = time.perf_counter()
        out["merge, speaker with 10% (ms)"] = 1000 * (t2 - t0)
    print(
        f"  merge: {len(candidates)} candidate claims and {len(registry)} speakers read in "
        f"{1000 * (t1 - t0):.0f} ms, merge_claims {1000 * (t2 - t1):.0f} ms",
        flush=True,
    )
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    ap.add_argument("--backends", nargs="+", default=["tinydb", "postgresql"])
    ap.add_argument("--pg", help="an empty PostgreSQL database to use (default: a throwaway cluster)")
    ap.add_argument("--child-rss", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child_rss:
        child_rss(args.child_rss)
        return 0

    from bot.extract.nlp import load_nlp

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the throwaway cluster is stopped
    nlp = load_nlp()
    pool = articles_gen.synthetic_articles(articles_gen.sample_paragraphs(), 200, seed=31)
    cluster = None
    results: dict[tuple[str, int], dict[str, float]] = {}
    try:
        for backend in args.backends:
            for size in args.sizes:
                with tempfile.TemporaryDirectory() as tmp:
                    if backend == "postgresql":
                        if args.pg:
                            location = args.pg
                        else:
                            if cluster is None:
                                sys.path.insert(0, str(ROOT / "tests"))
                                from pgcluster import find_binaries, start_cluster

                                bindir, why = find_binaries()
                                if bindir is None:
                                    print(f"postgresql: skipped ({why})")
                                    break
                                cluster = start_cluster(bindir, durable=True)
                            location = _fresh_database(cluster, size)
                    else:
                        location = str(Path(tmp) / "claims.json")
                    store = open_store(location)
                    t0 = time.perf_counter()
                    make_store(store, size)
                    made = time.perf_counter() - t0
                    articles = [replace(a, id=f"{a.id}-{backend}-{size}") for a in pool[:6]]
                    pool = pool[6:] + pool[:6]
                    results[(backend, size)] = measure(store, location, nlp, articles)
                    store.close()
                    print(
                        f"{backend} {size:>7,} claims (made in {made:.1f} s): "
                        + ", ".join(f"{k} {v:.3g}" for k, v in results[(backend, size)].items()),
                        flush=True,
                    )
    finally:
        if cluster is not None:
            cluster.stop()
    _table(results, args.sizes)
    return 0


def _fresh_database(cluster: Any, size: int) -> str:
    import psycopg

    name = f"bench_{size}"
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return str(cluster.url(name))


def _table(results: dict[tuple[str, int], dict[str, float]], sizes: list[int]) -> None:
    columns = [key for key in results]
    print(
        "\n| measure | " + " | ".join(f"{b} {s:,}" for b, s in columns) + " | target at 100k (TinyDB, PG) |"
    )
    print("|---" * (len(columns) + 2) + "|")
    for measure_name, (tiny, pg) in TARGETS.items():
        cells = [f"{results[c][measure_name]:.3g}" for c in columns]
        print(f"| {measure_name} | " + " | ".join(cells) + f" | <= {tiny:g}, <= {pg:g} |")
    for backend in {b for b, _ in columns}:
        small, large = (backend, min(sizes)), (backend, max(sizes))
        if small in results and large in results and small != large:
            ratio = results[large]["ingest one article (s)"] / results[small]["ingest one article (s)"]
            print(
                f"{backend}: ingest at {max(sizes):,} costs {ratio:.2f}x its cost at {min(sizes):,} "
                "(PostgreSQL's target: at most 1.5x)"
            )


if __name__ == "__main__":
    raise SystemExit(main())
