"""The store as the chat bot and the terminal see it: an answer index kept in step with the file.

The edge between the store and the pure core: it reads through the store port and rebuilds the index only
when the store's change stamp moved (another process may ingest at any time), so a question costs no read.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from bot.ask.answer import Answer
from bot.ask.index import ClaimIndex, claim_date
from bot.ask.match import answer_question, match_speaker
from bot.digest import WATERMARK
from bot.models import Claim, Speaker
from bot.vocabulary import concept_label
from data import indexcache
from data.port import Store, StoreError

log = logging.getLogger(__name__)


def headlines(store: Store) -> Callable[[], dict[str, str]]:
    """A reader of the stored articles' headlines by document id, for the index to call the first time a
    question needs one (the article file holds the texts too, so start-up does not wait for it)."""

    def read() -> dict[str, str]:
        try:
            return store.headlines()
        except (OSError, StoreError):
            return {}  # no headlines: answers lose only the neighbours a headline would let in

    return read


@dataclass(frozen=True)
class SpeakerCard:
    """What /who shows about a speaker."""

    speaker: Speaker
    claims: int
    topics: tuple[str, ...]
    latest: tuple[Claim, ...]


Current = tuple[Hashable, ClaimIndex, dict[str, Speaker]]  # (store stamp, index, speakers by name)
_REBUILDING = object()  # a stamp no store has: readers that see it wait for the rebuild
_EMPTY = ClaimIndex.build([], [])


class ClaimService:
    """Answers questions from the store, reloading its index when the store file changes."""

    def __init__(self, store: Store, cache: Path | None = None) -> None:
        self.store = store
        # (store stamp, index, speakers by name), swapped as one so a reader never mixes two versions
        self._current: Current = (None, _EMPTY, {})
        # questions are answered in worker threads: one rebuild at a time, the others wait for its result
        self._refresh = threading.Lock()
        # where the index is saved for the next process (data/indexcache.py); read on the first look only
        self._cache = cache
        self._saver = _Saver(cache) if cache is not None else None
        self._looked = False

    @property
    def index(self) -> ClaimIndex:
        return self._fresh()[1]

    def _fresh(self) -> Current:
        current = self._current
        if self._looked and self.store.stamp() == current[0]:
            return current
        with self._refresh:
            stamp = self.store.stamp()
            current = self._current
            if self._looked and stamp == current[0]:
                return current
            first, self._looked = not self._looked, True
            found = self._saved(stamp) if first and stamp is not None else None
            if found is None and current[0] is not None and current[0] is not _REBUILDING:
                found = self._follow(current)
                if found is not None:
                    self._save(found)
            if found is not None:
                self._current = found
                return found
            # let the old index go before the new one is built (questions already holding it keep it):
            # two whole indexes at once would be the bot's peak memory
            self._current = (_REBUILDING, _EMPTY, {})
            del current
            exists = stamp is not None
            claims, speakers = self.store.snapshot() if exists else ([], [])
            index = ClaimIndex.build(claims, speakers, headlines(self.store) if exists else None)
            self._current = (stamp, index, {s.name: s for s in speakers})
            # The index is hundreds of thousands of long-lived, acyclic objects: without this the
            # collector's next full pass walks them all (most of a second at 100,000 claims, in whatever
            # question or write comes next) and frees nothing. Frozen objects are still freed by reference
            # counting when the index is replaced; young cyclic garbage is collected first (cheap) so that
            # little of it is frozen with them.
            gc.collect(1)
            gc.freeze()
            if exists:
                self._save(self._current)
            return self._current

    def _saved(self, stamp: Hashable) -> Current | None:
        """The index a process saved, at this stamp or followed to it; None when there is none to use."""
        if self._cache is None:
            return None
        saved = indexcache.load(self._cache)
        if saved is None:
            return None
        index = ClaimIndex.restore(saved.state, saved.claims, headlines(self.store))
        loaded = (saved.stamp, index, {s.name: s for s in saved.state.registry})
        if saved.stamp == stamp:
            return loaded
        followed = self._follow(loaded)
        if followed is not None:
            self._save(followed)
        return followed

    def saved(self) -> None:
        """Wait until the index is saved for the next process (the saving thread runs on its own)."""
        if self._saver is not None:
            self._saver.wait()

    def _save(self, current: Current) -> None:
        if self._saver is not None:
            self._saver.offer(current[0], current[1])

    def _follow(self, current: Current) -> Current | None:
        """The index brought up to date from what changed since its stamp, when the store can tell (its
        own process wrote, or a database that numbers its changes): milliseconds, where a rebuild takes
        seconds at 100,000 claims. None: rebuild."""
        stamp, index, registry = current
        try:
            changes = self.store.changes(stamp)
        except (OSError, StoreError):
            return None
        if changes is None:
            return None
        if changes.speakers is not None:
            registry = {s.name: s for s in changes.speakers}
        if not changes.claims and changes.speakers is None and not changes.titles:
            return changes.stamp, index, registry
        return changes.stamp, index.updated(changes.claims, changes.speakers, changes.titles), registry

    def warm(self) -> None:
        """Index the store now and get ready to follow writes: a long-running bot calls this at start, so
        neither its first question nor the first one after a write waits for what can be done before."""
        self.index.prepare_updates()

    def ask(self, question: str) -> Answer:
        return answer_question(question, self.index)

    def latest(self, limit: int = 5) -> list[Claim]:
        """The newest claims by when they were said, from the index: no need to build every claim."""
        index = self.index
        newest = np.argsort(-index.recency, kind="stable")[:limit]
        return [index.claims[int(i)] for i in newest]

    def speaker_card(self, name: str) -> SpeakerCard | None:
        """A speaker's aliases, roles, claim count, topics and latest claims; None when no one fits."""
        _, index, registry = self._fresh()
        match = match_speaker(name, index)
        if not match.sure:
            return None
        canonical = match.sure[0]
        ids = index.by_speaker.get(canonical, [])
        claims = sorted((index.claims[i] for i in ids), key=claim_date, reverse=True)
        speaker = registry.get(canonical) or Speaker(canonical)
        topics = Counter(t for i in ids for t in index.search[i].own if t.startswith("@"))
        return SpeakerCard(
            speaker, len(claims), tuple(concept_label(t) for t, _ in topics.most_common(5)), tuple(claims[:3])
        )

    def digest_watermark(self) -> datetime | None:
        """When the last digest was cut: claims first seen after it go in the next one."""
        raw = self.store.state(WATERMARK)
        return datetime.fromisoformat(raw) if raw else None

    def closest_names(self, name: str) -> tuple[str, ...]:
        match = match_speaker(name, self.index)
        return match.unsure


class _Saver:
    """Saves the newest index to the cache file in a thread of its own, so neither a question nor a write
    waits for it; offers made while it saves are folded into one more save of the newest. The thread is
    not a daemon: a one-shot `claimbot ask` prints its answer, then finishes the save before it exits."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._job: tuple[Hashable, ClaimIndex] | None = None
        self._thread: threading.Thread | None = None

    def offer(self, stamp: Hashable, index: ClaimIndex) -> None:
        with self._lock:
            self._job = (stamp, index)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="claimbot-index-save")
                self._thread.start()

    def wait(self) -> None:
        """Until the saves offered so far are written."""
        while (thread := self._thread) is not None:
            thread.join()

    def _run(self) -> None:
        while True:
            with self._lock:
                job, self._job = self._job, None
                if job is None:
                    self._thread = None
                    return
            stamp, index = job
            try:
                indexcache.save(self._path, stamp, index.state(), index.claims)
            except Exception:  # a cache that cannot be written costs the next process time, nothing else
                log.warning("could not save the answer index to %s", self._path, exc_info=True)
