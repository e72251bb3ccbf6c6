"""Several claimbot processes on one PostgreSQL database: an ingest through one is answered by another at
once, two digest senders started together serve every chat once, and a sender killed part way resumes
without serving anyone twice (the ledger is a table, the sender holds an advisory lock)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakebotapi import FakeBotAPI
from test_digest import claim

from bot.service import ClaimService
from data.backends import open_store

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
CHATS = list(range(5001, 5013))
CHANNEL = "@claims_channel"


def claimbot(*args: str, fake: FakeBotAPI | None = None) -> subprocess.Popen[bytes]:
    """A separate claimbot process, as a second worker or a cron job would be."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if fake is not None:
        env |= {
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_API_URL": fake.url,
            "CLAIMBOT_DIGEST_CHAT": CHANNEL,
            "CLAIMBOT_SEND_RATE": "10",
        }
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_an_ingest_through_one_process_is_answered_by_another_within_a_second(pg_url: str) -> None:
    store = open_store(pg_url)
    try:
        answers = ClaimService(store)
        question = "what did zelensky say about north korean losses"
        assert not answers.ask(question).claims
        worker = claimbot("--db", pg_url, "ingest", str(SAMPLES / "articles.jsonl"))
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err.decode()
        done = time.perf_counter()
        found = answers.ask(question)
        assert found.claims and "Zelensky" in found.claims[0].speaker
        assert time.perf_counter() - done < 1.0
    finally:
        store.close()


def fill(pg_url: str) -> None:
    store = open_store(pg_url)
    try:
        seen = datetime.now(UTC) - timedelta(hours=2)
        with store.batch() as batch:
            batch.put_claims([claim(i, seen) for i in range(6)])
        with store.state_batch() as state:
            for chat in CHATS:
                state.subscribe(chat)
    finally:
        store.close()


def parts_of_today(pg_url: str) -> int:
    store = open_store(pg_url)
    try:
        run = store.digest_run(store.digest_days()[-1])
        assert run is not None
        return len(run.messages)
    finally:
        store.close()


def test_two_senders_started_together_serve_every_chat_once(pg_url: str) -> None:
    fill(pg_url)
    with FakeBotAPI() as fake:
        senders = [claimbot("--db", pg_url, "digest", "--send", fake=fake) for _ in range(2)]
        outputs = [sender.communicate(timeout=120) for sender in senders]
        assert all(sender.returncode == 0 for sender in senders), [err.decode() for _, err in outputs]
        received = Counter(m["chat_id"] for m in fake.sent)
    parts = parts_of_today(pg_url)
    recipients = [CHANNEL, *CHATS]
    assert {chat: received[chat] for chat in recipients} == dict.fromkeys(recipients, parts)
    assert sum(received.values()) == len(recipients) * parts


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_sender_killed_part_way_resumes_and_serves_no_one_twice(pg_url: str) -> None:
    fill(pg_url)
    with FakeBotAPI() as fake:
        for kill_after in (3, 8):
            process = claimbot("--db", pg_url, "digest", "--send", fake=fake)
            try:
                fake.wait_for_sync(lambda f, n=kill_after: len(f.calls_to("sendMessage")) >= n, timeout=60)
            finally:
                process.send_signal(signal.SIGKILL)
                process.wait()
        finished = claimbot("--db", pg_url, "digest", "--send", fake=fake)
        _, err = finished.communicate(timeout=120)
        assert finished.returncode == 0, err.decode()
        received = Counter(m["chat_id"] for m in fake.sent)
    parts = parts_of_today(pg_url)
    recipients = [CHANNEL, *CHATS]
    # never twice; a part cut short by the kill (ledgered "sending") may be missing, nothing else
    assert all(received[chat] <= parts for chat in recipients)
    assert set(received) == set(recipients)
    assert sum(received.values()) >= len(recipients) * parts - 2
