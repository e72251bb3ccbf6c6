"""Example questions taken from what the store holds, each one checked to get an answer.

A fixed example ("Zelensky on drone attacks") answers nothing on a store about floods; examples built from
the most quoted speakers and the words their claims use always answer. Pure: an index in, questions out.
"""

from __future__ import annotations

from bot.ask.answer import FOUND
from bot.ask.index import ClaimIndex
from bot.ask.match import answer_question, spoken_about

_CANDIDATES = 12  # speakers tried, most quoted first
_TOPICS = 4  # words each speaker's claims use most, tried in turn
_FORMS = ("what did {speaker} say about {topic}", "{speaker} on {topic}", "latest from {speaker}")


def example_questions(index: ClaimIndex, count: int = 3) -> list[str]:
    """Up to `count` questions about different speakers, each answered from the index."""
    speakers = sorted(index.by_speaker, key=lambda s: (-len(index.by_speaker[s]), s))[:_CANDIDATES]
    found: list[str] = []
    for speaker in speakers:
        if index.speaker_kind.get(speaker) == "anonymous":
            continue  # "what did officials say" is no example of a name
        form = _FORMS[len(found) % len(_FORMS)]
        tries = [form.format(speaker=speaker, topic=t) for t in spoken_about(index, speaker, limit=_TOPICS)]
        tries = tries if "{topic}" in form else tries[:1]
        tries.append(_FORMS[-1].format(speaker=speaker))
        question = next((q for q in tries if answer_question(q, index).status == FOUND), None)
        if question is not None:
            found.append(question)
        if len(found) == count:
            break
    return found
