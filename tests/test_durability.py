"""The store under SIGKILL and under two writers: a reported batch is never lost, the file always loads."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from data.store import ClaimStore

ROOT = Path(__file__).resolve().parent.parent
CHILD = Path(__file__).with_name("_ingest_child.py")
KILLS = 32

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def start_child(path: Path, prefix: str, batches: int, per_batch: int = 3) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    args = [sys.executable, str(CHILD), str(path), prefix, str(batches), str(per_batch)]
    return subprocess.Popen(args, stdout=subprocess.PIPE, cwd=ROOT, env=env)


def reported_ids(output: bytes) -> set[str]:
    """Only complete lines count: a line cut by the kill was never reported."""
    complete = output.split(b"\n")[:-1]
    return {claim_id for line in complete if line != b"ready" for claim_id in line.decode().split()}


def stored_ids(path: Path) -> set[str]:
    return {claim.id for claim in ClaimStore(path).claims()}


def test_sigkill_at_random_moments_never_loses_a_reported_batch(tmp_path: Path) -> None:
    path = tmp_path / "claims.json"
    rng = random.Random(20240501)
    reported: set[str] = set()
    for run in range(KILLS):
        child = start_child(path, f"r{run}-", batches=-1)
        assert child.stdout is not None
        assert child.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0.0, 0.06))
        child.send_signal(signal.SIGKILL)
        child.wait()
        reported |= reported_ids(child.stdout.read())
        child.stdout.close()
        missing = reported - stored_ids(path)  # also proves the file still loads
        assert not missing, f"run {run}: reported but not stored: {sorted(missing)[:5]}"
    assert reported, "the child never finished a batch; the test proved nothing"


def test_two_writers_at_once_keep_every_claim(tmp_path: Path) -> None:
    path = tmp_path / "claims.json"
    batches = 50
    children = {prefix: start_child(path, prefix, batches) for prefix in ("a", "b")}
    outputs = {prefix: child.communicate(timeout=60)[0] for prefix, child in children.items()}
    assert all(child.returncode == 0 for child in children.values())
    expected = {f"{prefix}{i}-{j}" for prefix in children for i in range(batches) for j in range(3)}
    assert set().union(*(reported_ids(out) for out in outputs.values())) == expected
    assert stored_ids(path) == expected
