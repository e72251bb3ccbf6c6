"""The digest fan-out killed part way (SIGKILL), then restarted: every chat has its digest exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakebotapi import FakeBotAPI
from test_digest import claim

from data.store import ClaimStore

ROOT = Path(__file__).resolve().parent.parent
CHATS = list(range(5001, 5013))

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def digest_process(fake: FakeBotAPI, db: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_URL": fake.url,
        "CLAIMBOT_DIGEST_CHAT": "@claims_channel",
        "CLAIMBOT_SEND_RATE": "10",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "--db", str(db), "digest", "--send"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_a_fan_out_killed_part_way_resumes_and_serves_no_one_twice(tmp_path: Path) -> None:
    db = tmp_path / "claims.json"
    store = ClaimStore(db)
    seen = datetime.now(UTC) - timedelta(hours=2)
    with store.batch() as batch:
        batch.put_claims([claim(i, seen) for i in range(6)])
        for chat in CHATS:
            batch.subscribe(chat)
    with FakeBotAPI() as fake:
        for kill_after in (3, 8):  # two crashes at different points of the fan-out
            process = digest_process(fake, db)
            try:
                fake.wait_for_sync(lambda f, n=kill_after: len(f.calls_to("sendMessage")) >= n, timeout=30)
            finally:
                process.send_signal(signal.SIGKILL)
                process.wait()
        finished = digest_process(fake, db)
        out, err = finished.communicate(timeout=60)
        assert finished.returncode == 0, err.decode()
        assert b"Digest of" in out
        received = Counter(m["chat_id"] for m in fake.sent)
    recipients = ["@claims_channel", *CHATS]
    run = store.digest_run(store.digest_days()[0])
    assert run is not None
    parts = len(run.messages)
    assert {chat: received[chat] for chat in recipients} == dict.fromkeys(recipients, parts)
