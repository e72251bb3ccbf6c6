"""The answer index follows writes without reading every claim again, and ends up as a fresh build would.

The sample articles are ingested in three batches, on each backend, while a ClaimService answers between
them; the index it updated in place is then compared, table by table and answer by answer, with one built
from scratch over the same store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pytest
from goldmatch import QUESTIONS
from spacy.language import Language
from test_pipeline import SAMPLES

import bot.service as service_module
from bot.ask.index import ClaimIndex
from bot.ask.match import answer_question
from bot.ingest import read_path
from bot.models import Claim, Figure, Source, Speaker
from bot.pipeline import ingest
from bot.service import ClaimService
from data.port import Store

MakeStore = Callable[[], Store]


def _same(updated: ClaimIndex, fresh: ClaimIndex) -> None:
    assert len(updated.claims) == len(fresh.claims)
    assert [c.id for c in updated.claims] == [c.id for c in fresh.claims]
    assert list(updated.claims) == list(fresh.claims)
    assert list(updated.search) == list(fresh.search)
    for name in ("postings", "context", "spoken"):
        mine, theirs = getattr(updated, name), getattr(fresh, name)
        assert mine.keys() == theirs.keys(), name
        assert all(np.array_equal(mine[t], theirs[t]) for t in theirs), name
    assert np.array_equal(updated.recency, fresh.recency)
    assert np.array_equal(updated.has_figures, fresh.has_figures)
    assert [updated.speakers[k] for k in updated.speaker_of] == [fresh.speakers[k] for k in fresh.speaker_of]
    assert updated.by_speaker == fresh.by_speaker and updated.by_number == fresh.by_number
    assert updated.vocabulary == fresh.vocabulary
    assert set(zip(updated.alias_names, updated.alias_owner, strict=True)) == set(
        zip(fresh.alias_names, fresh.alias_owner, strict=True)
    )
    for name in ("speaker_kind", "described", "by_description", "by_role", "role_terms"):
        assert getattr(updated, name) == getattr(fresh, name), name
    assert {k: set(v) for k, v in updated.initials.items()} == {k: set(v) for k, v in fresh.initials.items()}


def test_the_index_follows_each_ingest_and_matches_a_fresh_build(
    make_store: MakeStore, nlp: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles, _ = read_path(SAMPLES)
    store = make_store()
    service = ClaimService(store)
    assert service.ask("what did anyone say").claims == ()  # an empty store, indexed
    ingest(store, articles[:5], nlp=nlp)
    service.ask("warm up")  # the first look builds the index

    builds: list[int] = []
    real_build = ClaimIndex.build

    def counted(*args: object, **kwargs: object) -> ClaimIndex:
        builds.append(1)
        return real_build(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(service_module.ClaimIndex, "build", counted)
    for part in (articles[5:9], articles[9:]):
        ingest(store, part, nlp=nlp)
        service.ask("what did the central bank governor say about inflation")
    assert builds == []  # followed the writes: never indexed everything again
    # a claim changed in place (a merged source, a new figure) is followed too
    first = store.claims()[0]
    changed = replace(
        first,
        figures=(*first.figures, Figure(text="77 drones", value=77.0, unit="drones")),
        sources=(*first.sources, Source(document="another-outlet", sentence="A second report.")),
    )
    with store.batch() as batch:
        batch.put_claims([changed])
        batch.put_speakers([Speaker(first.speaker, aliases=("The Example Alias",), roles=("test role",))])
    monkeypatch.undo()

    updated = service.index
    assert updated.claims[0] == changed
    claims, speakers = make_store().snapshot()
    fresh = ClaimIndex.build(claims, speakers, store.headlines())
    _same(updated, fresh)
    for question in [q["q"] for q in QUESTIONS]:
        assert answer_question(question, updated) == answer_question(question, fresh), question
    # what a process saves of its index gives the next one the same index
    restored = ClaimIndex.restore(updated.state(), claims, store.headlines())
    _same(restored, fresh)
    for question in [q["q"] for q in QUESTIONS][:8]:
        assert answer_question(question, restored) == answer_question(question, fresh), question


def test_an_empty_index_is_restored_empty() -> None:
    empty = ClaimIndex.build([], [])
    _same(ClaimIndex.restore(empty.state(), []), empty)


def test_another_writer_is_followed_or_read_again(make_store: MakeStore) -> None:
    """A second process's write: PostgreSQL numbers its changes, so the index follows them; the file store
    cannot tell what another process changed, so it reads the file again. Both answer the same."""
    store, other = make_store(), make_store()
    service = ClaimService(store)
    with store.batch() as batch:
        batch.put_claims([Claim(id="a", speaker="Ana Lima", statement="Exports rose 4 per cent in May.")])
    assert [c.id for c in service.index.claims] == ["a"]
    with other.batch() as batch:
        batch.put_claims([Claim(id="b", speaker="Ana Lima", statement="Imports fell by 2,000 tonnes.")])
    assert [c.id for c in service.index.claims] == ["a", "b"]
    assert [c.id for c in service.ask("what did Ana Lima say about imports").claims] == ["b"]


def test_a_whole_replacement_is_read_again(make_store: MakeStore) -> None:
    store = make_store()
    with store.batch() as batch:
        batch.put_claims([Claim(id="a", speaker="Ana Lima", statement="Exports rose 4 per cent in May.")])
    since = store.stamp()
    with store.batch() as batch:
        batch.replace_claims([Claim(id="z", speaker="Ben Ode", statement="Rail fares rise in June.")])
    assert store.changes(since) is None
    service = ClaimService(store)
    assert [c.id for c in service.index.claims] == ["z"]
