"""Settings from the environment: the only module that reads os.environ."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_DB = Path("claimbot.json")
DEFAULT_API_URL = "https://api.telegram.org"
TOKEN_SHAPE = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{30,}$")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    """Everything claimbot reads from its environment."""

    db: Path | str = DEFAULT_DB  # a TinyDB file, or a postgresql:// URL
    token: str | None = None
    api_url: str = DEFAULT_API_URL
    admins: frozenset[int] = field(default_factory=frozenset)
    digest_chat: str | None = None
    digest_time: time = time(8, 0)
    timezone: str = "UTC"
    digest_when_empty: bool = False
    poll_minutes: int = 30
    send_rate: float = 25.0  # messages a second to all chats together (Telegram allows about 30)
    webhook_url: str | None = None  # set to receive updates by webhook instead of long polling
    webhook_secret: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    allow_private_urls: bool = False  # fetch loopback/private/link-local hosts too (local setups, tests)
    cache_dir: Path | None = None  # where a PostgreSQL store's answer index is saved between processes
    max_article_chars: int = 5_000_000  # an article input larger than this is refused before parsing
    log_level: str = "INFO"  # DEBUG, INFO, WARNING or ERROR
    digest_max_messages: int = 1  # messages a day's digest may take per chat (the top claims, then "more")

    def require_token(self) -> str:
        """The bot token, or a clear error that also says how to try claimbot without Telegram."""
        if not self.token:
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN is not set. Create a bot with @BotFather and export its token, "
                "or try claimbot in the terminal with `claimbot chat`."
            )
        if not TOKEN_SHAPE.match(self.token):
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN does not look like a bot token (expected digits, a colon, then 30+ "
                "letters, digits, '_' or '-'). Check it with @BotFather, or use `claimbot chat` meanwhile."
            )
        return self.token


def _admins(raw: str) -> frozenset[int]:
    try:
        return frozenset(int(part) for part in raw.replace(" ", "").split(",") if part)
    except ValueError as exc:
        raise SettingsError(f"CLAIMBOT_ADMINS must be comma-separated numeric user ids, got {raw!r}") from exc


def _time(raw: str) -> time:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", raw.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise SettingsError(f"CLAIMBOT_DIGEST_TIME must be HH:MM (24-hour), got {raw!r}")
    return time(int(match[1]), int(match[2]))


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read settings; pass a mapping in tests instead of touching the real environment."""
    env = os.environ if environ is None else environ
    return Settings(
        db=_db(env.get("CLAIMBOT_DB") or ""),
        token=env.get("TELEGRAM_BOT_TOKEN") or None,
        api_url=(env.get("TELEGRAM_API_URL") or DEFAULT_API_URL).rstrip("/"),
        admins=_admins(env.get("CLAIMBOT_ADMINS", "")),
        digest_chat=env.get("CLAIMBOT_DIGEST_CHAT") or None,
        digest_time=_time(env["CLAIMBOT_DIGEST_TIME"]) if env.get("CLAIMBOT_DIGEST_TIME") else time(8, 0),
        timezone=_zone(env.get("CLAIMBOT_TZ") or "UTC"),
        digest_when_empty=(env.get("CLAIMBOT_DIGEST_WHEN_EMPTY") or "").lower() in ("1", "true", "yes"),
        poll_minutes=_int("CLAIMBOT_POLL_MINUTES", env.get("CLAIMBOT_POLL_MINUTES"), 30, 1),
        send_rate=float(_int("CLAIMBOT_SEND_RATE", env.get("CLAIMBOT_SEND_RATE"), 25, 1)),
        cache_dir=Path(env["CLAIMBOT_CACHE_DIR"]) if env.get("CLAIMBOT_CACHE_DIR") else None,
        webhook_url=env.get("CLAIMBOT_WEBHOOK_URL") or None,
        webhook_secret=env.get("CLAIMBOT_WEBHOOK_SECRET") or None,
        webhook_listen=env.get("CLAIMBOT_WEBHOOK_LISTEN") or "0.0.0.0",
        webhook_port=_int("CLAIMBOT_WEBHOOK_PORT", env.get("CLAIMBOT_WEBHOOK_PORT"), 8443, 1),
        allow_private_urls=allow_private_urls(env),
        max_article_chars=max_article_chars(env),
        log_level=_level(env.get("CLAIMBOT_LOG_LEVEL") or "INFO"),
        digest_max_messages=_int(
            "CLAIMBOT_DIGEST_MAX_MESSAGES", env.get("CLAIMBOT_DIGEST_MAX_MESSAGES"), 1, 1
        ),
    )


def _level(raw: str) -> str:
    level = raw.strip().upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise SettingsError(f"CLAIMBOT_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {raw!r}")
    return level


def allow_private_urls(environ: Mapping[str, str] | None = None) -> bool:
    """CLAIMBOT_ALLOW_PRIVATE_URLS=1: the network policy may reach private addresses. Read on its own so
    that every fetch can ask, wherever it was started, without the rest of the settings having to be valid."""
    env = os.environ if environ is None else environ
    return (env.get("CLAIMBOT_ALLOW_PRIVATE_URLS") or "").strip().lower() in ("1", "true", "yes")


def max_article_chars(environ: Mapping[str, str] | None = None) -> int:
    """CLAIMBOT_MAX_ARTICLE_CHARS: the largest article input read, checked before any parsing, so one huge
    file cannot eat the machine's memory and minutes."""
    env = os.environ if environ is None else environ
    return _int("CLAIMBOT_MAX_ARTICLE_CHARS", env.get("CLAIMBOT_MAX_ARTICLE_CHARS"), 5_000_000, 1000)


def _int(name: str, raw: str | None, default: int, minimum: int) -> int:
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from exc
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, got {value}")
    return value


def _zone(raw: str) -> str:
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingsError(
            f"CLAIMBOT_TZ must be a time zone name such as Europe/Kyiv or UTC, got {raw!r}"
        ) from exc
    return raw


def _db(raw: str) -> Path | str:
    """A postgresql:// URL stays a string (a Path would fold its '//'); anything else is a file path."""
    if raw.startswith(("postgresql://", "postgres://")):
        return raw
    return Path(raw or DEFAULT_DB)
