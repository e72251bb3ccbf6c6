"""Shared fixtures: the spaCy model is loaded once per test session; a PostgreSQL cluster too, when the
server is installed, for the store tests that run on every backend."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from pgcluster import Cluster, find_binaries, start_cluster
from spacy.language import Language

from bot.extract.nlp import load_nlp
from data.backends import open_store
from data.port import Store


@pytest.fixture(scope="session")
def nlp() -> Language:
    return load_nlp()


# --- a throwaway PostgreSQL cluster and the store backends -------------------------------------------------


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """Skipped, with the reason, when the server binaries are not installed (`.ci/run` installs them)."""
    bindir, why = find_binaries()
    if bindir is None:
        pytest.skip(why)
    cluster = start_cluster(bindir)
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: Cluster) -> Iterator[str]:
    """An empty database for one test (dropped and made again: each test starts from nothing)."""
    admin = psycopg.connect(pg_cluster.url(), autocommit=True)
    try:
        admin.execute("DROP DATABASE IF EXISTS claimbot_test WITH (FORCE)")
        admin.execute("CREATE DATABASE claimbot_test")
        yield pg_cluster.url("claimbot_test")
    finally:
        admin.close()


BACKENDS = ["tinydb", "postgresql"]


@pytest.fixture(params=BACKENDS)
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], Store]]:
    """Opens the store under test, on each backend in turn (as TinyDB's own tests run on each storage);
    every call opens the same store again, as a second process would."""
    opened: list[Store] = []
    if request.param == "postgresql":
        url = request.getfixturevalue("pg_url")
        location: str | Path = url
    else:
        location = tmp_path / "db" / "claims.json"

    def make() -> Store:
        opened.append(open_store(location))
        return opened[-1]

    try:
        yield make
    finally:
        for store in opened:
            store.close()
