"""Child process for test_durability: ingests small batches and reports each one only after it is stored.

Usage: _ingest_child.py PATH PREFIX BATCHES PER_BATCH   (BATCHES < 0 means until killed)
Prints "ready" once imported, then one line of claim ids per finished batch.
"""

from __future__ import annotations

import sys

from bot.models import Claim, Figure, Source
from data.store import ClaimStore

# Some bulk per claim, so that a growing file takes long enough to write for kills to land mid-write.
FILLER = "The spokesperson said the figure had been checked twice before publication. " * 3


def claims_for(ids: list[str]) -> list[Claim]:
    return [
        Claim(
            id=claim_id,
            speaker="Test Speaker",
            statement=f"{claim_id}: {FILLER}",
            figures=(Figure(text="12 per cent", value=12.0, unit="percent"),),
            sources=(Source(document=f"doc-{claim_id}", sentence=FILLER),),
        )
        for claim_id in ids
    ]


def main(argv: list[str]) -> int:
    path, prefix, batches, per_batch = argv[1], argv[2], int(argv[3]), int(argv[4])
    store = ClaimStore(path)
    print("ready", flush=True)
    i = 0
    while batches < 0 or i < batches:
        ids = [f"{prefix}{i}-{j}" for j in range(per_batch)]
        with store.batch() as batch:
            batch.put_claims(claims_for(ids))
        print(" ".join(ids), flush=True)
        i += 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
