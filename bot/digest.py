"""The daily digest: the claims first seen since the last one, as stories people read. Pure.

By default one message: the day's top claims, grouped by story (the claims one report or several reports on
the same names carry), ranked by what makes a claim news (a figure, how many outlets carried it, how recent
it is), one or two lines each, and how many more there are. The full digest lists every claim.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from html import escape

from bot.ask.render import TELEGRAM_LIMIT, clip_html, render_brief, render_claim, render_claims
from bot.chatsettings import Follow, FollowKind, topic_terms
from bot.models import Claim
from bot.vocabulary import literal_terms

#: The store state key of the time the last digest was cut.
WATERMARK = "digest_watermark"
#: Claims shown under one story in the short digest; the rest wait for the full one.
PER_STORY = 3
_LABEL_WORDS = 2
_SHARED_NAMES = 2  # names two articles' claims must share to be one story
#: A run of capitalised words ("North Korean", "Club World Cup"), not at the start of a sentence.
_NAME = re.compile(r"(?<![.!?:\"“]\s)(?<!^)\b[A-Z][\w'’.-]*(?:\s+(?:of\s+|de\s+)?[A-Z][\w'’.-]*)*")
_NOT_NAMES = frozenset(
    """The A An This That These Those It Its We Our They Their He His She Her I You Today Monday Tuesday
    Wednesday Thursday Friday Saturday Sunday January February March April May June July August September
    October November December""".split()
)


@dataclass(frozen=True)
class Story:
    """Claims about one subject, across speakers and outlets, best first."""

    label: str
    claims: tuple[Claim, ...]


def new_claims(claims: Iterable[Claim], since: datetime | None, until: datetime) -> list[Claim]:
    """Claims the store first got after `since` (everything, the first time) and up to `until`."""
    return [
        c
        for c in claims
        if c.first_seen and (since is None or c.first_seen > since) and c.first_seen <= until
    ]


def follows_claim(follow: Follow, claim: Claim) -> bool:
    """Whether a claim is one a chat following `follow` wants: said by the followed speaker (the name as
    the store spells it, resolved when the chat followed it), or carrying every word of a followed topic
    in what was said, its topic or the speaker's name."""
    if follow.kind == FollowKind.SPEAKER:
        return claim.speaker.casefold() == follow.name.casefold()
    wanted = topic_terms(follow.name)
    if not wanted:
        return False
    return wanted <= literal_terms(f"{claim.statement} {claim.topic or ''} {claim.speaker}")


def followed(claims: Iterable[Claim], follows: Sequence[Follow]) -> list[Claim]:
    """The claims any of `follows` wants, in their order (none when nothing is followed)."""
    return [c for c in claims if any(follows_claim(f, c) for f in follows)]


#: The store state key of the time the last followed-speaker alerts were cut.
ALERT_WATERMARK = "alert_watermark"
ALERT_CLAIMS = 3  # claims shown in one alert; the rest wait for the digest


def alerts_for(
    claims: Sequence[Claim], follows: Mapping[int | str, Sequence[Follow]]
) -> dict[int | str, list[Claim]]:
    """Which new claims each chat is alerted to: those of the speakers it follows (topics wait for the
    digest: a topic's words come up too often for a message each time). Chats with none are left out."""
    found = {}
    for chat, wanted in follows.items():
        speakers = [f for f in wanted if f.kind == FollowKind.SPEAKER]
        mine = followed(claims, speakers)
        if mine:
            found[chat] = mine
    return found


def render_alert(claims: Sequence[Claim]) -> str:
    """One alert message (Telegram HTML, within the limit): the followed speakers' newest claims."""
    speakers = sorted({c.speaker for c in claims})
    head = f"<b>New from {escape(', '.join(speakers), quote=False)}</b>"
    shown = sorted(claims, key=weight, reverse=True)[:ALERT_CLAIMS]
    more = len(claims) - len(shown)
    tail = [f"…and {more} more in the next digest."] if more else []
    text = "\n\n".join([head, *(render_claim(c) for c in shown), *tail])
    return clip_html(text, TELEGRAM_LIMIT)


def weight(claim: Claim) -> tuple[int, int, date]:
    """What makes a claim news: a figure, then how many outlets carried it, then how recent it is."""
    outlets = len({s.outlet or s.document for s in claim.sources})
    return (int(bool(claim.figures)), min(outlets, 5), claim.said_on or date.min)


def stories(claims: Iterable[Claim]) -> list[Story]:
    """Claims grouped by story: those read from one article are one story, and so are articles whose
    claims name the same places and bodies (two capitalised names in common). Best story first."""
    claims = list(claims)
    parent = list(range(len(claims)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_of: dict[str, int] = {}
    for i, claim in enumerate(claims):
        for source in claim.sources:
            j = first_of.setdefault(source.document, i)
            parent[root(i)] = root(j)
    names = [_names(c) for c in claims]
    groups: dict[int, set[str]] = {}
    for i in range(len(claims)):
        groups.setdefault(root(i), set()).update(names[i])
    roots = list(groups)
    for a_at, a in enumerate(roots):
        for b in roots[a_at + 1 :]:
            if len(groups[a] & groups[b]) >= _SHARED_NAMES and root(a) != root(b):
                parent[root(b)] = root(a)
    grouped: dict[int, list[Claim]] = {}
    for i, claim in enumerate(claims):
        grouped.setdefault(root(i), []).append(claim)
    found = [
        Story(_label(members), tuple(sorted(members, key=weight, reverse=True)))
        for members in grouped.values()
    ]
    return sorted(found, key=lambda s: (weight(s.claims[0]), len(s.claims)), reverse=True)


def _names(claim: Claim) -> set[str]:
    """Capitalised words of what was said, not the speaker's own name: the places and bodies it is about."""
    own = set(claim.speaker.split())
    runs = [m.group().strip("'’-") for m in _NAME.finditer(claim.statement)]
    runs = [r[:-1] if r.endswith(".") and r.count(".") == 1 else r for r in runs]  # "U.S." keeps its dots
    return {r for r in runs if len(r) > 1 and r not in _NOT_NAMES and not set(r.split()) <= own}


def _label(claims: Sequence[Claim]) -> str:
    counts = Counter(n for c in claims for n in _names(c))
    common = [n for n, k in counts.most_common(_LABEL_WORDS * 2) if k >= 1][:_LABEL_WORDS]
    if common:
        return " · ".join(common)
    topic = next((c.topic for c in claims if c.topic), None)
    return (topic or "other news").split(",")[0].strip().capitalize()


def render_digest(
    claims: Iterable[Claim],
    day: date,
    *,
    limit: int = TELEGRAM_LIMIT,
    max_messages: int = 1,
    full: bool = False,
    note: str = "",
) -> list[str]:
    """The digest as Telegram-HTML messages; empty when there is nothing new. Short by default: at most
    `max_messages` messages of the top claims and how many more there are; `full` lists every claim.
    `note` (Telegram HTML, already escaped) goes under the title, e.g. that only followed claims are shown."""
    claims = list(claims)
    if not claims:
        return []
    found = stories(claims)
    speakers = len({c.speaker for c in claims})
    title = (
        f"<b>claimbot daily digest, {day.day} {day:%b %Y}</b>\n"
        f"{len(claims)} new claim{'s' * (len(claims) != 1)} from {speakers} speaker{'s' * (speakers != 1)}"
    ) + (f"\n{note}" if note else "")
    if full:
        return render_claims([(s.label, s.claims) for s in found], title=title, limit=limit)
    return render_brief(
        [(s.label, s.claims[:PER_STORY]) for s in found], total=len(claims), title=title, limit=limit,
        max_messages=max_messages,
    )  # fmt: skip
