"""The answer index saved to a file, so a one-shot `claimbot ask` loads it instead of indexing every claim.

At 100,000 claims, reading the store and indexing it takes about two seconds; loading this file takes a
few tens of milliseconds, and the claims a question needs are then read one by one from the file's copy of
their records. The file says which store version (stamp) it was made at: a reader uses it only at that
stamp, or follows the store's changes since then (PostgreSQL numbers them), else indexes afresh.

Layout, written in one pass (each record as it is serialised, so saving never holds a second copy of the
store in memory), read with positioned reads:

    arrays, one after another | every claim's JSON record | record offsets | header (JSON) | 8-byte
    header length | MAGIC

The header lists each array's dtype, length and offset. Nothing here is pickled: loading a file runs no
code, and a damaged or foreign file is refused (None) rather than trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import struct
import tempfile
from collections.abc import Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, overload

import numpy as np
import orjson

from bot.ask.index import TERMS_VERSION, IndexState, Packed, SpeakerPart
from bot.models import Claim, SearchTerms
from data.codec import ClaimList, claim_record, speaker_from_json, speaker_to_json

MAGIC = b"CLAIMBOT-INDEX-1"
_TAIL = struct.Struct("<Q")


def cache_path(location: str, cache_dir: Path | None) -> Path | None:
    """Where a store's index is saved: beside a store file; for a database, in the cache folder (if set)."""
    if "://" not in location:
        path = Path(location)
        return path.with_name(f"{path.stem}.index")
    if cache_dir is None:
        return None
    return cache_dir / f"{hashlib.sha256(location.encode()).hexdigest()[:20]}.index"


@dataclass(frozen=True)
class Saved:
    """An index as loaded: the stamp it was made at, its state, and its claims (read when asked for)."""

    stamp: Hashable
    state: IndexState
    claims: Sequence[Claim]


def save(path: Path, stamp: Hashable, state: IndexState, claims: Sequence[Claim]) -> None:
    """Write the file whole (a temp file renamed over the old one): a reader sees the old or the new."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            _write(out, stamp, state, claims)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _write(out: BinaryIO, stamp: Hashable, state: IndexState, claims: Sequence[Claim]) -> None:
    arrays: dict[str, list[Any]] = {}

    def put(name: str, array: np.ndarray) -> None:
        array = np.ascontiguousarray(array)
        arrays[name] = [array.dtype.str, int(array.size), out.tell()]
        out.write(array.tobytes())

    packs = {"postings": state.postings, "context": state.context, "spoken": state.spoken}
    packs["by_number"] = state.by_number
    for name, pack in packs.items():
        put(f"{name}.flat", pack.flat)
        put(f"{name}.starts", pack.starts)
    put("recency", state.recency)
    put("has_figures", state.has_figures)
    put("speaker_of", state.speaker_of)
    offsets = [out.tell()]
    raw = getattr(claims, "record_bytes", None)
    for i in range(len(claims)):
        data = raw(i) if raw else None
        out.write(orjson.dumps(claim_record(claims[i])) if data is None else data)
        offsets.append(out.tell())
    put("records", np.array(offsets, np.int64))
    header = {
        "terms": TERMS_VERSION,
        "stamp": stamp,
        "arrays": arrays,
        "keys": {name: pack.keys for name, pack in packs.items()},
        "speakers": state.speakers,
        "registry": [speaker_to_json(s) for s in state.registry],
        "parts": {name: [registered, _part_json(part)] for name, (registered, part) in state.parts.items()},
        "fixed": {
            str(i): [list(t.own), list(t.context), list(t.words), t.day] for i, t in state.fixed.items()
        },
        "ids": _ids(claims),
    }
    body = orjson.dumps(header, option=orjson.OPT_NON_STR_KEYS)
    out.write(body)
    out.write(_TAIL.pack(len(body)))
    out.write(MAGIC)


def _ids(claims: Sequence[Claim]) -> list[str]:
    given = getattr(claims, "ids", None)
    return list(given()) if given else [c.id for c in claims]


def _part_json(part: SpeakerPart) -> list[Any]:
    return [
        list(part.folded),
        sorted(part.described),
        sorted(part.roles),
        list(part.initials),
        sorted(part.named),
    ]


def _part(raw: Sequence[Any]) -> SpeakerPart:
    folded, described, roles, initials, named = raw
    return SpeakerPart(
        tuple(folded), frozenset(described), frozenset(roles), tuple(initials), frozenset(named)
    )


def load(path: Path | None) -> Saved | None:
    """The saved index, or None when there is none or it cannot be trusted (damaged, another format or
    vocabulary): the caller then indexes the store."""
    if path is None:
        return None
    try:
        handle = open(path, "rb")  # noqa: SIM115 (kept open: the records are read from it when asked for)
    except OSError:
        return None
    try:
        found = _read(handle)
    except (OSError, KeyError, TypeError, ValueError, IndexError, orjson.JSONDecodeError):
        found = None
    if found is None:
        handle.close()
    return found


def _read(handle: BinaryIO) -> Saved | None:
    fd = handle.fileno()
    size = os.fstat(fd).st_size
    tail = len(MAGIC) + _TAIL.size
    if size < tail or os.pread(fd, len(MAGIC), size - len(MAGIC)) != MAGIC:
        return None
    (length,) = _TAIL.unpack(os.pread(fd, _TAIL.size, size - tail))
    if not 0 < length <= size - tail:
        return None
    header = orjson.loads(os.pread(fd, length, size - tail - length))
    if header["terms"] != TERMS_VERSION:
        return None

    def array(name: str) -> np.ndarray:
        dtype, count, offset = header["arrays"][name]
        kind = np.dtype(dtype)
        data = os.pread(fd, count * kind.itemsize, offset)
        if len(data) != count * kind.itemsize:
            raise ValueError(f"{handle.name}: array {name} is cut short")
        return np.frombuffer(data, kind, count)

    def pack(name: str, keys: list[Any] | None = None) -> Packed:
        return Packed(keys or header["keys"][name], array(f"{name}.flat"), array(f"{name}.starts"))

    registry = [speaker_from_json(r) for r in header["registry"]]
    state = IndexState(
        postings=pack("postings"),
        context=pack("context"),
        spoken=pack("spoken"),
        by_number=pack("by_number", [float(k) for k in header["keys"]["by_number"]]),
        recency=array("recency"),
        has_figures=array("has_figures"),
        speaker_of=array("speaker_of"),
        speakers=list(header["speakers"]),
        registry=registry,
        parts={name: (bool(r), _part(p)) for name, (r, p) in header["parts"].items()},
        fixed={int(i): SearchTerms(*t) for i, t in header["fixed"].items()},
    )
    offsets = array("records")
    ids = header["ids"]
    if len(offsets) != len(ids) + 1 or len(state.recency) != len(ids):
        return None
    stamp = header["stamp"]
    records = _Records(handle, offsets)
    return Saved(tuple(stamp) if isinstance(stamp, list) else stamp, state, ClaimList(records, ids))


class _Records(Sequence[Mapping[str, Any]]):
    """The saved claim records, each read from the file and parsed when first asked for (read, not
    mapped: saving the next index copies them all, and mapped pages would count as this process's memory)."""

    def __init__(self, handle: BinaryIO, offsets: np.ndarray) -> None:
        self._handle = handle  # open for as long as the records are wanted
        self._offsets = offsets
        self._parsed: dict[int, Mapping[str, Any]] = {}

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @overload
    def __getitem__(self, i: int) -> Mapping[str, Any]: ...

    @overload
    def __getitem__(self, i: slice) -> list[Mapping[str, Any]]: ...

    def __getitem__(self, i: int | slice) -> Mapping[str, Any] | list[Mapping[str, Any]]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        found = self._parsed.get(i)
        if found is None:
            found = self._parsed[i] = orjson.loads(self.raw(i))
        return found

    def raw(self, i: int) -> bytes:
        if not 0 <= i < len(self):
            raise IndexError(i)
        start = int(self._offsets[i])
        return os.pread(self._handle.fileno(), int(self._offsets[i + 1]) - start, start)

    def __iter__(self) -> Iterator[Mapping[str, Any]]:
        return (self[i] for i in range(len(self)))
