"""Logging for the long-running commands, with the bot token (and the webhook secret) kept out of every line.

The token sits in every Bot API URL, so python-telegram-bot, httpx and httpcore all have it in hand and log
it at DEBUG; python-telegram-bot also puts it in the message of InvalidToken. A filter on the handlers
alone misses records that reach a handler added later (a test's, a library's), and an exception printed
outside logging. So redaction happens in three places, installed before anything logs:

- the log record factory: every record, of every logger at every level, is redacted as it is made, its
  message, its arguments, its traceback and its stack;
- a filter on the root handlers and on the telegram/httpx/httpcore loggers, for records made elsewhere;
- sys.excepthook and threading.excepthook, for a traceback that is printed rather than logged.

A token that Telegram rejects is an ordinary mistake, not a crash: `token_rejected()` turns it into one
line that says so, with no traceback and no token.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from urllib.parse import quote

from bot.config import Settings, SettingsError

__all__ = [
    "LOG_FORMAT",
    "REDACTED",
    "TokenFilter",
    "TokenRejected",
    "install_redaction",
    "protect_logs",
    "redact",
    "setup_logging",
    "token_rejected",
]

REDACTED = "<token>"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
#: loggers that see Bot API URLs; each gets the filter too, and the chatty HTTP ones stay at WARNING
LIBRARY_LOGGERS = ("telegram", "telegram.ext", "httpx", "httpcore", "apscheduler", "tornado")
QUIET_LOGGERS = ("httpx", "httpcore", "apscheduler")

_secrets: set[str] = set()
_lock = threading.Lock()
_installed = False
_formatter = logging.Formatter()


class TokenRejected(SettingsError):
    """Telegram refused the bot token: a setting to fix, reported in one line."""


def redact(text: str) -> str:
    """The text with every known secret (also URL-encoded, as in a logged request URL) replaced."""
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def _rejected_token(exc: BaseException | None) -> bool:
    """Whether an exception is, or was caused by, python-telegram-bot's InvalidToken (named, not imported:
    this runs for every log record, and most commands never import Telegram)."""
    seen = 0
    while exc is not None and seen < 10:
        if type(exc).__name__ == "InvalidToken" and type(exc).__module__.startswith("telegram"):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _redact_record(record: logging.LogRecord) -> None:
    if record.exc_info and _rejected_token(record.exc_info[1]):
        # the line is kept (a token revoked while the bot runs must show), its traceback is not: it holds
        # the token, and token_rejected() says what to do in one line
        record.exc_info, record.exc_text = None, None
    if not _secrets:
        return
    try:
        message = record.getMessage()
    except Exception:  # arguments that do not fit the format: logging reports that itself
        message = str(record.msg)
    clean = redact(message)
    if clean != message:
        record.msg, record.args = clean, None
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    elif record.exc_info and record.exc_info[1] is not None:
        text = _formatter.formatException(record.exc_info)
        clean = redact(text)
        if clean != text:
            record.exc_text = clean  # formatters print exc_text as it is, rather than format exc_info again
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


class TokenFilter(logging.Filter):
    """Redacts a token (and every other registered secret) from each record that passes."""

    def __init__(self, token: str | None = None) -> None:
        super().__init__()
        _remember(token)

    def filter(self, record: logging.LogRecord) -> bool:
        _redact_record(record)
        return True


def _remember(*secrets: str | None) -> None:
    with _lock:
        for secret in secrets:
            if secret and len(secret) >= 8:  # a short value would redact ordinary words
                _secrets.update({secret, quote(secret, safe="")})


_filter = TokenFilter()


def _excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    sys.stderr.write(redact(text))


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None:
        return
    name = args.thread.name if args.thread is not None else "a thread"
    sys.stderr.write(f"Exception in {name}:\n")
    _excepthook(args.exc_type, args.exc_value, args.exc_traceback)


def install_redaction(*secrets: str | None) -> None:
    """Redact these secrets from everything logged or printed as a traceback from now on; idempotent."""
    global _installed
    _remember(*secrets)
    with _lock:
        if not _installed:
            previous = logging.getLogRecordFactory()

            def factory(*args: object, **kwargs: object) -> logging.LogRecord:
                record = previous(*args, **kwargs)
                _redact_record(record)
                return record

            logging.setLogRecordFactory(factory)
            sys.excepthook = _excepthook
            threading.excepthook = _thread_excepthook
            _installed = True
    for handler in logging.getLogger().handlers:
        if _filter not in handler.filters:
            handler.addFilter(_filter)
    for name in LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        if _filter not in logger.filters:
            logger.addFilter(_filter)
        for handler in logger.handlers:
            if _filter not in handler.filters:
                handler.addFilter(_filter)
    for name in QUIET_LOGGERS:  # a line per request is noise; their warnings still come through
        logging.getLogger(name).setLevel(logging.WARNING)


def protect_logs(token: str, *secrets: str | None) -> None:
    """Redact the token (and other secrets) everywhere: on the root handlers there are now, on the library
    loggers, in every record made from now on and in printed tracebacks."""
    install_redaction(token, *secrets)


#: Libraries that log every poll and request at INFO: heard only at WARNING unless DEBUG is asked for.
_CHATTY = ("apscheduler", "httpx", "httpcore", "telegram.ext.Application")


def setup_logging(settings: Settings, level: int | None = None) -> None:
    """Redaction first, then the handler, then redaction on the new handler: nothing can log in between.
    The level is CLAIMBOT_LOG_LEVEL unless a command asks for another; chatty libraries are quietened."""
    install_redaction(settings.token, settings.webhook_secret)
    chosen = level if level is not None else logging.getLevelName(settings.log_level)
    logging.basicConfig(format=LOG_FORMAT, level=chosen)
    for name in _CHATTY:
        logging.getLogger(name).setLevel(logging.DEBUG if chosen == logging.DEBUG else logging.WARNING)
    install_redaction()


@contextmanager
def token_rejected() -> Iterator[None]:
    """Turn python-telegram-bot's InvalidToken (whose message holds the token) into one clear line."""
    from telegram.error import InvalidToken  # Telegram is imported only by the commands that use it

    try:
        yield
    except InvalidToken:
        raise TokenRejected(
            "the token was rejected by Telegram: check TELEGRAM_BOT_TOKEN with @BotFather "
            "(and TELEGRAM_API_URL, if you set it)"
        ) from None
