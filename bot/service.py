"""The store as the chat bot and the terminal see it: an answer index kept in step with the file.

The edge between the store and the pure core: it reads through ClaimStore and rebuilds the index only
when the file has changed (another process may ingest at any time), so a question costs no disk read.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from bot.ask.answer import Answer
from bot.ask.index import ClaimIndex, claim_date
from bot.ask.match import answer_question, match_speaker
from bot.digest import WATERMARK
from bot.models import Claim, Speaker
from bot.vocabulary import concept_label
from data.store import ClaimStore, StoreError


def headlines(store: ClaimStore) -> Callable[[], dict[str, str]]:
    """A reader of the stored articles' headlines by document id, for the index to call the first time a
    question needs one (the article file holds the texts too, so start-up does not wait for it)."""

    def read() -> dict[str, str]:
        try:
            return {s.article.id: s.article.title for s in store.articles() if s.article.title}
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


class ClaimService:
    """Answers questions from the store, reloading its index when the store file changes."""

    def __init__(self, store: ClaimStore) -> None:
        self.store = store
        self._stamp: tuple[int, int] | None = None
        self._index = ClaimIndex.build([], [])
        self._speakers: dict[str, Speaker] = {}

    def _file_stamp(self) -> tuple[int, int] | None:
        try:
            stat = os.stat(self.store.path)
        except FileNotFoundError:
            return None
        return stat.st_mtime_ns, stat.st_size

    @property
    def index(self) -> ClaimIndex:
        stamp = self._file_stamp()
        if stamp != self._stamp:
            claims, speakers = self.store.snapshot() if stamp else ([], [])
            self._index = ClaimIndex.build(claims, speakers, headlines(self.store) if stamp else None)
            self._speakers = {s.name: s for s in speakers}
            self._stamp = stamp
        return self._index

    def ask(self, question: str) -> Answer:
        return answer_question(question, self.index)

    def latest(self, limit: int = 5) -> list[Claim]:
        """The newest claims by when they were said, from the index: no need to build every claim."""
        index = self.index
        newest = np.argsort(-index.recency, kind="stable")[:limit]
        return [index.claims[int(i)] for i in newest]

    def speaker_card(self, name: str) -> SpeakerCard | None:
        """A speaker's aliases, roles, claim count, topics and latest claims; None when no one fits."""
        index = self.index
        match = match_speaker(name, index)
        if not match.sure:
            return None
        canonical = match.sure[0]
        ids = index.by_speaker.get(canonical, [])
        claims = sorted((index.claims[i] for i in ids), key=claim_date, reverse=True)
        speaker = self._speakers.get(canonical) or Speaker(canonical)
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
