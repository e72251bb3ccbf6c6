"""The token never prints, a rejected token is one clear line, and webhook mode always has a secret.

Everything talks to the fake Bot API server on 127.0.0.1; `claimbot` itself runs as a child process, so the
tests see exactly what a person at the terminal would.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakebotapi import BotAPIError, FakeBotAPI

import bot.logs
from bot.logs import install_redaction, redact, token_rejected

ROOT = Path(__file__).resolve().parent.parent
ADMIN = 42


class RejectingBotAPI(FakeBotAPI):
    """A Bot API server that does not know the token: 401 Unauthorized for getMe, as Telegram answers."""

    def handle(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            raise BotAPIError(401, "Unauthorized")
        return super().handle(method, params)


def _env(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAIMBOT_", "TELEGRAM_"))}
    env.update(CLAIMBOT_DB=str(tmp_path / "claims.json"), NO_PROXY="127.0.0.1", **settings)
    return env


def _claimbot(tmp_path: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=_env(tmp_path, **settings),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("command", [["run"], ["digest", "--send"]])
def test_a_rejected_token_is_one_clear_line_without_the_token(tmp_path: Path, command: list[str]) -> None:
    with RejectingBotAPI() as fake:
        done = _claimbot(tmp_path, *command, TELEGRAM_BOT_TOKEN=fake.token, TELEGRAM_API_URL=fake.url)
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert (
        done.stderr.strip().splitlines()[-1].startswith("claimbot: error: the token was rejected by Telegram")
    ), output
    assert "Traceback" not in output
    secret_part = fake.token.split(":", 1)[1]
    assert fake.token not in output and secret_part not in output


@pytest.fixture
def redaction(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Install the redaction for one test, and put every global hook it touches back afterwards."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    monkeypatch.setattr(logging, "_logRecordFactory", logging.getLogRecordFactory())
    monkeypatch.setattr(bot.logs, "_installed", False)
    monkeypatch.setattr(bot.logs, "_secrets", set())
    for name in ("httpx", "httpcore"):
        monkeypatch.setattr(logging.getLogger(name), "level", logging.getLogger(name).level)
    yield


def test_debug_logs_of_every_library_and_tracebacks_are_redacted(
    redaction: None, capsys: pytest.CaptureFixture[str]
) -> None:
    from telegram import Bot

    with RejectingBotAPI() as fake:
        install_redaction(fake.token)
        # a handler added afterwards, at DEBUG, on the loggers that see the API URL
        sink = io.StringIO()
        handler = logging.StreamHandler(sink)
        handler.setFormatter(logging.Formatter(bot.logs.LOG_FORMAT))
        loggers = [logging.getLogger(name) for name in ("telegram", "httpx", "httpcore")]
        for logger in loggers:
            logger.addHandler(handler)
            logger.setLevel(logging.DEBUG)
        try:

            async def initialise() -> None:
                async with Bot(fake.token, base_url=f"{fake.url}/bot"):
                    pass

            with pytest.raises(Exception) as caught:
                asyncio.run(initialise())
            logging.getLogger("telegram.ext").error("start failed", exc_info=caught.value)
            try:
                raise RuntimeError(f"calling {fake.url}/bot{fake.token}/getMe failed")
            except RuntimeError:
                logging.getLogger("httpx").exception("another failure")
            sys.excepthook(caught.type, caught.value, caught.tb)
        finally:
            for logger in loggers:
                logger.removeHandler(handler)
                logger.setLevel(logging.NOTSET)
    logged, printed = sink.getvalue(), capsys.readouterr().err
    assert f"Set Bot API URL: {fake.url}/bot{bot.logs.REDACTED}" in logged  # telegram's own DEBUG line
    assert f"/bot{bot.logs.REDACTED}/getMe" in logged  # httpx logged the URL, redacted
    # a rejected token's traceback is dropped (token_rejected() says it in one line); others are redacted
    assert "start failed\n" in logged and "InvalidToken" not in logged
    assert f"RuntimeError: calling {fake.url}/bot{bot.logs.REDACTED}/getMe failed" in logged
    assert "was rejected by the server" in printed and "Traceback" in printed
    for text in (logged, printed):
        assert fake.token not in text and fake.token.split(":", 1)[1] not in text


def test_redaction_covers_arguments_url_encoding_and_the_webhook_secret(redaction: None) -> None:
    token = "123456:" + "B" * 35
    install_redaction(token, "web-hook-secret-value")
    assert redact(f"GET /bot{token}/getMe") == "GET /bot<token>/getMe"
    assert redact("bot123456%3A" + "B" * 35) == "bot<token>"
    assert redact("secret=web-hook-secret-value") == "secret=<token>"
    record = logging.getLogger("anything").makeRecord(
        "anything", logging.DEBUG, __file__, 1, "calling %s", (f"/bot{token}/x",), None
    )
    assert record.getMessage() == "calling /bot<token>/x"


def test_token_rejected_names_no_token() -> None:
    from telegram.error import InvalidToken

    token = "123456:" + "C" * 35
    with pytest.raises(bot.logs.TokenRejected) as caught, token_rejected():
        raise InvalidToken(f"The token `{token}` was rejected by the server.")
    assert "rejected by Telegram" in str(caught.value) and token not in str(caught.value)
    assert caught.value.__suppress_context__


# --- webhook mode ---------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _post(port: int, update: dict[str, Any], secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/telegram", data=json.dumps(update).encode(), headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def _update(update_id: int, chat: int, text: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": chat, "type": "private"},
            "from": {"id": ADMIN, "is_bot": False, "first_name": "Forged"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}],
        },
    }


def test_webhook_mode_without_a_secret_generates_one_and_forged_updates_get_403(tmp_path: Path) -> None:
    port = _free_port()
    log_path = tmp_path / "claimbot.log"
    with FakeBotAPI() as fake, log_path.open("w") as log_file:
        child = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=ROOT,
            env=_env(
                tmp_path,
                TELEGRAM_BOT_TOKEN=fake.token,
                TELEGRAM_API_URL=fake.url,
                CLAIMBOT_ADMINS=str(ADMIN),
                CLAIMBOT_WEBHOOK_URL="https://bot.example/",
                CLAIMBOT_WEBHOOK_LISTEN="127.0.0.1",
                CLAIMBOT_WEBHOOK_PORT=str(port),
            ),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            deadline = time.monotonic() + 90
            while not fake.calls_to("setWebhook"):
                assert child.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.2)
            secret = fake.calls_to("setWebhook")[0].params.get("secret_token")
            assert isinstance(secret, str) and len(secret) >= 32
            while True:  # setWebhook is called before the server listens
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    assert time.monotonic() < deadline, log_path.read_text()
                    time.sleep(0.2)
            # forged admin commands: no header, a wrong one
            assert _post(port, _update(1, 5001, "/stats"), None) == 403
            assert _post(port, _update(2, 5002, "/stats"), "guess") == 403
            assert _post(port, _update(3, 5003, "/stats"), secret[:-1]) == 403
            # Telegram's own call, with the secret, is served
            assert _post(port, _update(4, 5004, "/stats"), secret) == 200
            while not any(m.get("chat_id") == 5004 for m in fake.sent):
                assert time.monotonic() < deadline, fake.summary()
                time.sleep(0.2)
            assert not any(m.get("chat_id") in (5001, 5002, 5003) for m in fake.sent)
        finally:
            child.send_signal(signal.SIGINT)
            try:
                child.wait(30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait(10)
    log = log_path.read_text()
    assert f"listening on 127.0.0.1 port {port}" in log and "generated for this run" in log
    assert secret not in log and fake.token not in log
