"""A chat's own settings: the keys they are stored under, reading them back, and checking what people type.
Pure: the store keeps the raw values (through the port's chat settings), handlers and the scheduler read them
through `ChatPrefs` so a stale or hand-edited value never breaks a delivery.

Whether a chat gets the digest at all is its subscription (`/subscribe`, or the "Digest" button), not a
setting: one source of truth for who is sent to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import time
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.vocabulary import literal_terms

MAX_FOLLOWS = 20  # speakers and topics one chat may follow
MAX_FOLLOW_CHARS = 64  # a followed name or topic, as typed
#: The times offered as buttons under /settings; any other comes from `/settings time HH:MM`.
TIME_CHOICES = (time(6, 0), time(8, 0), time(12, 0), time(18, 0))


class ChatSetting(StrEnum):
    """The keys of a chat's settings in the store: every one in this one place."""

    DIGEST_TIME = "digest_time"  # "HH:MM" in the chat's zone; unset: CLAIMBOT_DIGEST_TIME
    TIMEZONE = "timezone"  # an IANA zone name; unset: CLAIMBOT_TZ
    ONLY_FOLLOWED = "only_followed"  # true: the digest holds only what the chat follows
    FOLLOWS = "follows"  # [{"kind": "speaker" | "topic", "name": ...}, ...]
    ALERTS = "alerts"  # true: a message as soon as a followed speaker's new claim is read
    ASKED = "asked"  # the questions behind recent answer buttons (handlers/ask.py keeps them)


class FollowKind(StrEnum):
    """What a followed name is: a known speaker (matched by name) or a topic (matched by its words)."""

    SPEAKER = "speaker"
    TOPIC = "topic"


@dataclass(frozen=True)
class Follow:
    kind: FollowKind
    name: str  # a speaker's name as the store spells it, or the topic as typed

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind.value, "name": self.name}


@dataclass(frozen=True)
class ChatPrefs:
    """One chat's digest settings, defaults filled in."""

    time: time
    zone: str
    only_followed: bool = False
    follows: tuple[Follow, ...] = ()
    own_schedule: bool = False  # the chat chose its own time or zone (not the bot's default schedule)
    alerts: bool = False


def parse_time(text: str) -> time:
    """`HH:MM` (24-hour, `H:MM` and `HHMM` too) -> a time; ValueError naming the bad value."""
    found = re.fullmatch(r"(\d{1,2}):?(\d{2})", text.strip())
    if not found or int(found[1]) > 23 or int(found[2]) > 59:
        raise ValueError(f"“{text.strip()[:32]}” is not a time: use HH:MM on the 24-hour clock, e.g. 07:30")
    return time(int(found[1]), int(found[2]))


def parse_zone(text: str) -> str:
    """An IANA time zone name (`Europe/Oslo`, `UTC`) -> itself; ValueError naming the bad value."""
    name = text.strip()
    try:
        if not name or len(name) > 64 or name.startswith(("/", ".")) or ".." in name:
            raise ValueError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"“{name[:64]}” is not a time zone I know: "
            "use a name such as Europe/Oslo, America/New_York or UTC"
        ) from None
    return name


def prefs_from(raw: Mapping[str, Any], default_time: time, default_zone: str) -> ChatPrefs:
    """A chat's stored settings read back; a value that does not parse falls back to the default, so one bad
    record never stops the digest."""
    at, zone, own = default_time, default_zone, False
    stored_time = raw.get(ChatSetting.DIGEST_TIME)
    if isinstance(stored_time, str):
        with suppress(ValueError):
            at, own = parse_time(stored_time), True
    stored_zone = raw.get(ChatSetting.TIMEZONE)
    if isinstance(stored_zone, str):
        with suppress(ValueError):
            zone, own = parse_zone(stored_zone), True
    return ChatPrefs(
        time=at,
        zone=zone,
        only_followed=raw.get(ChatSetting.ONLY_FOLLOWED) is True,
        follows=follows_from(raw.get(ChatSetting.FOLLOWS)),
        own_schedule=own,
        alerts=raw.get(ChatSetting.ALERTS) is True,
    )


def follows_from(raw: Any) -> tuple[Follow, ...]:
    """The stored follow list read back, skipping anything malformed."""
    found: list[Follow] = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            continue
        try:
            kind = FollowKind(str(item.get("kind")))
        except ValueError:
            continue
        follow = Follow(kind, item["name"].strip())
        if follow not in found:
            found.append(follow)
    return tuple(found)


def clean_follow(text: str) -> str:
    """What someone typed after /follow, tidied: one line, single spaces, bounded; ValueError when empty."""
    name = " ".join(text.split())[:MAX_FOLLOW_CHARS]
    if not name:
        raise ValueError("Follow whom or what? e.g. /follow Syrskyi or /follow drones")
    return name


def with_follow(follows: Iterable[Follow], new: Follow) -> tuple[Follow, ...]:
    """The list with one more follow (the same one twice is kept once); ValueError past MAX_FOLLOWS."""
    current = tuple(follows)
    if any(_same(f, new) for f in current):
        return current
    if len(current) >= MAX_FOLLOWS:
        raise ValueError(f"This chat already follows {MAX_FOLLOWS}; /unfollow one first.")
    return (*current, new)


def without_follow(follows: Iterable[Follow], name: str, speaker: str | None = None) -> tuple[Follow, ...]:
    """The list without the follows named `name` (as typed, any case) or the speaker it resolves to."""
    names = {name.casefold()} | ({speaker.casefold()} if speaker else set())
    return tuple(f for f in follows if f.name.casefold() not in names)


def _same(a: Follow, b: Follow) -> bool:
    return a.kind == b.kind and a.name.casefold() == b.name.casefold()


def topic_terms(topic: str) -> set[str]:
    """The word stems a followed topic needs in a statement ("drone strikes" -> {drone, strike})."""
    return literal_terms(topic)
