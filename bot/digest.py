"""The daily digest: the claims first seen since the last one, grouped by topic and speaker. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from bot.ask.render import TELEGRAM_LIMIT, render_claims
from bot.models import Claim

#: The store state key of the time the last digest was cut.
WATERMARK = "digest_watermark"


def new_claims(claims: Iterable[Claim], since: datetime | None, until: datetime) -> list[Claim]:
    """Claims the store first got after `since` (everything, the first time) and up to `until`."""
    return [
        c
        for c in claims
        if c.first_seen and (since is None or c.first_seen > since) and c.first_seen <= until
    ]


def _topic(claim: Claim) -> str:
    return (claim.topic or "other news").split(",")[0].strip().capitalize()


def render_digest(claims: Iterable[Claim], day: date, *, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """The digest as Telegram-HTML messages; empty when there is nothing new."""
    claims = list(claims)
    if not claims:
        return []
    by_topic: dict[str, list[Claim]] = {}
    for claim in sorted(claims, key=lambda c: (_topic(c), c.speaker.lower(), c.said_on or date.min)):
        by_topic.setdefault(_topic(claim), []).append(claim)
    speakers = len({c.speaker for c in claims})
    title = (
        f"<b>claimbot daily digest, {day.day} {day:%b %Y}</b>\n"
        f"{len(claims)} new claim{'s' * (len(claims) != 1)} from {speakers} speaker{'s' * (speakers != 1)}"
    )
    sections = sorted(by_topic.items(), key=lambda kv: -len(kv[1]))
    return render_claims(sections, title=title, limit=limit)
