"""What an answer holds, between matching and rendering."""

from __future__ import annotations

from dataclasses import dataclass

from bot.models import Claim

#: Why an answer looks the way it does; the renderer words each one for the reader.
FOUND = "found"  # claims that answer the question
UNKNOWN_SPEAKER = "unknown_speaker"  # no claims from that name; alternatives = closest speaker names
AMBIGUOUS_SPEAKER = "ambiguous_speaker"  # several speakers fit; alternatives = their names ("did you mean")
OFF_TOPIC = "off_topic"  # the speaker is known but never spoke about the topic; alternatives = their topics
NOTHING = "nothing"  # no claim in the store is about the topic; alternatives = topics that are covered
EMPTY_STORE = "empty_store"  # nothing ingested yet
UNREADABLE = "unreadable"  # empty, garbled or over-long question


@dataclass(frozen=True)
class Answer:
    """The claims that answer a question, best first, and how the question was understood."""

    question: str
    status: str
    speaker: str | None = None  # canonical speaker the question was matched to
    topic: str | None = None  # the topic words as understood
    claims: tuple[Claim, ...] = ()
    others: tuple[Claim, ...] = ()  # other speakers' figures on the same topic, for comparison
    alternatives: tuple[str, ...] = ()
    versus: tuple[str, ...] = ()  # "X vs Y": the other side's speakers, shown side by side
    figure: str | None = None  # the number a "who said N" question looks up, as a reply writes it
