"""The answer index saved for the next process: loaded instead of indexing every claim when the store is
as it was, followed when the store can tell what changed since, ignored when damaged or out of date."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from spacy.language import Language
from test_pipeline import SAMPLES

import bot.service as service_module
from bot.ask.index import ClaimIndex
from bot.ingest import read_path
from bot.models import Claim
from bot.pipeline import ingest
from bot.service import ClaimService
from data import indexcache
from data.port import Store

MakeStore = Callable[[], Store]
QUESTIONS = [
    "what did the central bank governor say about inflation",
    "what did zelensky say about north korean losses",
    "latest on drones",
    "who said 3,800",
]


def _answers(service: ClaimService) -> list[object]:
    return [service.ask(q) for q in QUESTIONS]


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts full index builds from here on."""
    counted: list[int] = []
    real = ClaimIndex.build

    def build(*args: object, **kwargs: object) -> ClaimIndex:
        counted.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(service_module.ClaimIndex, "build", build)
    return counted


def test_the_next_process_loads_the_saved_index_and_answers_the_same(
    make_store: MakeStore, nlp: Language, tmp_path: Path, builds: list[int]
) -> None:
    store = make_store()
    articles, _ = read_path(SAMPLES)
    ingest(store, articles, nlp=nlp)
    cache = indexcache.cache_path(store.location, tmp_path / "cache")
    assert cache is not None
    first = ClaimService(store, cache)
    expected = _answers(first)
    first.saved()
    assert cache.exists() and len(builds) == 1

    second = ClaimService(make_store(), cache)  # a new process: nothing built, the same answers
    assert _answers(second) == expected
    assert len(builds) == 1
    assert second.latest(3) == first.latest(3)


def test_a_write_since_the_save_is_followed_or_the_store_is_indexed_again(
    make_store: MakeStore, tmp_path: Path
) -> None:
    store = make_store()
    with store.batch() as batch:
        batch.put_claims([Claim(id="a", speaker="Ana Lima", statement="Exports rose 4 per cent in May.")])
    cache = indexcache.cache_path(store.location, tmp_path / "cache")
    assert cache is not None
    service = ClaimService(store, cache)
    assert [c.id for c in service.index.claims] == ["a"]
    service.saved()
    with make_store().batch() as batch:  # another process writes after the save
        batch.put_claims([Claim(id="b", speaker="Ana Lima", statement="Imports fell by 2,000 tonnes.")])

    later = ClaimService(make_store(), cache)
    assert [c.id for c in later.ask("what did Ana Lima say about imports").claims] == ["b"]
    later.saved()
    assert indexcache.load(cache) is not None and indexcache.load(cache).stamp == later.store.stamp()  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: data[:-5] + b"XXXXX",  # not ours
        lambda data: b"",
        lambda data: data.replace(b'"terms"', b'"tyrms"'),  # a header it does not understand
    ],
)
def test_a_damaged_saved_index_is_ignored(
    damage: Callable[[bytes], bytes], tmp_path: Path, builds: list[int]
) -> None:
    from data.store import ClaimStore

    store = ClaimStore(tmp_path / "claims.json")
    with store.batch() as batch:
        batch.put_claims([Claim(id="a", speaker="Ana Lima", statement="Exports rose 4 per cent in May.")])
    cache = indexcache.cache_path(store.location, None)
    assert cache == tmp_path / "claims.index"
    first = ClaimService(store, cache)
    assert len(first.index.claims) == 1
    first.saved()
    cache.write_bytes(damage(cache.read_bytes()))
    assert indexcache.load(cache) is None
    again = ClaimService(ClaimStore(tmp_path / "claims.json"), cache)
    assert [c.id for c in again.index.claims] == ["a"]
    assert len(builds) == 2


def test_a_database_index_is_saved_only_where_the_settings_say() -> None:
    assert indexcache.cache_path("postgresql://u@h:5432/db", None) is None
    where = indexcache.cache_path("postgresql://u@h:5432/db", Path("/var/cache/claimbot"))
    assert where is not None and where.parent == Path("/var/cache/claimbot") and "db" not in where.name


def test_a_database_made_again_under_the_same_url_is_not_taken_for_the_saved_one(
    pg_cluster: object, tmp_path: Path
) -> None:
    import psycopg

    from data.postgres import PostgresStore

    url = pg_cluster.url("claimbot_again")  # type: ignore[attr-defined]

    def fresh(statement: str) -> PostgresStore:
        with psycopg.connect(pg_cluster.url(), autocommit=True) as admin:  # type: ignore[attr-defined]
            admin.execute("DROP DATABASE IF EXISTS claimbot_again WITH (FORCE)")
            admin.execute("CREATE DATABASE claimbot_again")
        store = PostgresStore(url)
        with store.batch() as batch:
            batch.put_claims([Claim(id="a", speaker="Ana Lima", statement=statement)])
        return store

    first = fresh("Exports rose 4 per cent in May.")
    cache = indexcache.cache_path(first.location, tmp_path)
    service = ClaimService(first, cache)
    assert service.index.claims[0].statement.startswith("Exports")
    service.saved()
    first.close()
    second = fresh("Imports fell by 2,000 tonnes.")  # the same URL, the same change count
    try:
        assert ClaimService(second, cache).index.claims[0].statement.startswith("Imports")
    finally:
        second.close()
