"""Who has been sent which day's digest: an append-only ledger beside the store.

A digest goes to thousands of chats, and a crash may come between any two of them; rewriting the whole
store for each delivery would cost seconds apiece, so each delivery appends one fsync'd line here instead.
A digest may be several messages (parts); a line is written just before each part is sent ("sending") and
after it ("sent"). On restart a part whose last line says "sending" may have reached the chat, so it is
not sent again: never twice beats maybe once more. Parts with no line yet are sent.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

from data.records import Delivery

SENDING, SENT, BLOCKED, FAILED = Delivery.SENDING, Delivery.SENT, Delivery.BLOCKED, Delivery.FAILED
#: What a torn line still tells: its day, its chat and perhaps its part.
_TORN = re.compile(r'"day": "(?P<day>[^"]+)", "chat": (?P<chat>-?\d+|"[^"]*")(?:, "part": (?P<part>\d+))?')


class DeliveryLedger:
    """Delivery states per (day, chat), read back from an append-only JSON-lines file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    @classmethod
    def beside(cls, store_path: str | Path) -> DeliveryLedger:
        return cls(Path(f"{store_path}.deliveries.jsonl"))

    def states(self, day: str) -> dict[tuple[str, int], Delivery]:
        """The last state of each (chat, part) for a day; chats are keyed by str(chat id)."""
        return {(chat, part): state for (d, chat, part), state in self._read(day).items() if d == day}

    def everything(self) -> dict[tuple[str, str, int], Delivery]:
        """The last state of every (day, chat, part)."""
        return self._read(None)

    def _read(self, day: str | None) -> dict[tuple[str, str, int], Delivery]:
        states: dict[tuple[str, str, int], Delivery] = {}
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return states
        for line in raw.splitlines():
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                # a line torn by a crash or a short write: if it still names its day and chat, that chat
                # may have been sent to, so it counts as "sending" (never twice beats maybe once more)
                torn = _TORN.search(line.decode("utf-8", "replace"))
                if torn is None:
                    continue
                row = {"day": torn["day"], "chat": json.loads(torn["chat"]), "part": int(torn["part"] or 0)}
                row["state"] = SENDING
            if isinstance(row, dict) and (day is None or row.get("day") == day):
                try:
                    state = Delivery(str(row.get("state")))
                except ValueError:
                    continue  # a state this claimbot does not know says nothing it can act on
                states[(str(row.get("day")), str(row.get("chat")), int(row.get("part", 0)))] = state
        return states

    def mark(self, day: str, chat: int | str, part: int, state: Delivery) -> None:
        """Append one state line and make it durable before returning."""
        row = {"day": day, "chat": chat, "part": part, "state": state, "at": datetime.now(UTC).isoformat()}
        line = json.dumps(row) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                line = "\n" + line  # a torn last line stays on its own, never glued to this one
            data = line.encode()
            while data:  # os.write may write less than asked (a file-size limit, a signal): the rest too
                data = data[os.write(fd, data) :]
            os.fsync(fd)
        finally:
            os.close(fd)
