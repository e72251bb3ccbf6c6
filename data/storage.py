"""A TinyDB storage that never leaves a half-written or clobbered JSON file behind.

TinyDB's JSONStorage rewrites the file in place, so a crash mid-write or a second writer can leave it
truncated or doubled. Here every write goes to a temp file in the same directory, is fsynced, and replaces the
target in one rename; a reader sees the old file or the new one, never a mix. A file that cannot be parsed is
reported and left exactly as it is, so a human can look at it.

An empty (0-byte) file reads as an empty database: TinyDB's own JSONStorage creates such files, and an atomic
writer never produces one, so it cannot be a torn write of ours.
"""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

import orjson
from tinydb import Storage

from bot.memory import gc_paused
from data.port import StoreError

__all__ = ["AtomicJSONStorage", "Signature", "StoreError", "Tables", "signature"]

Tables = dict[str, dict[str, Any]]
Signature = tuple[int, int, int, int]  # (device, inode, size, mtime in ns) of one version of a file


class AtomicJSONStorage(Storage):
    """Whole-file JSON storage written by temp file + fsync + os.replace."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__()
        self.path = Path(path)
        # (device, inode, size, mtime) of the file as last read or written by us: a write only skips
        # re-checking the target when it is still that file, so a file gone corrupt is never replaced.
        self._known: Signature | None = None

    def read(self) -> Tables | None:
        try:
            with open(self.path, "rb") as handle:
                raw = handle.read()
                known = signature(os.fstat(handle.fileno()))
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(
                f"{self.path} could not be read ({exc.strerror}); it was left untouched"
            ) from exc
        if not raw:
            self._known = known
            return None
        data = self._parse(raw)
        del raw
        self._known = known
        return data

    def write(self, data: Tables) -> None:
        try:
            try:
                st: os.stat_result | None = os.stat(self.path)
            except FileNotFoundError:
                st = None
            if st is not None and signature(st) != self._known:
                self.read()  # raises StoreError if the file on disk is corrupt
            self._replace(data, 0o644 if st is None else st.st_mode & 0o777)
        except OSError as exc:
            raise StoreError(
                f"{self.path} could not be written ({exc.strerror or exc}); "
                "the previous file was left untouched"
            ) from exc

    @property
    def known(self) -> Signature | None:
        """The signature of the file as this storage last read or wrote it (None: missing or never read)."""
        return self._known

    def assume(self, known: Signature | None) -> None:
        """Take the file as already read, at this signature (its content is known from an earlier read)."""
        self._known = known

    def remove_stale_temps(self) -> list[Path]:
        """Delete temp files left by writers that were killed mid-write. Call only while holding the lock."""
        pattern = glob.escape(f".{self.path.name}.") + "*.tmp"
        removed = []
        for stale in self.path.parent.glob(pattern):
            with contextlib.suppress(FileNotFoundError):
                stale.unlink()
                removed.append(stale)
        return removed

    def _parse(self, raw: bytes) -> Tables:
        try:
            with gc_paused():
                data = _parse_lines(raw)
                if data is None:  # not in our one-record-a-line layout (an older or hand-made file)
                    data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            if "UTF-8" in exc.msg:
                raise StoreError(f"{self.path} is not UTF-8 text ({exc.msg}); it was left untouched") from exc
            raise StoreError(
                f"{self.path} is not valid JSON at line {exc.lineno} column {exc.colno} ({exc.msg}); "
                "it was left untouched"
            ) from exc
        except UnicodeDecodeError as exc:
            raise StoreError(
                f"{self.path} is not UTF-8 text (bad byte at offset {exc.start}); it was left untouched"
            ) from exc
        if not isinstance(data, dict):
            raise StoreError(
                f"{self.path} holds a JSON {_json_type(data)} where an object of tables was expected; "
                "it was left untouched"
            )
        for name, table in data.items():
            if not isinstance(table, dict) or not all(isinstance(doc, dict) for doc in table.values()):
                raise StoreError(
                    f"{self.path}: table {name!r} is not an object of JSON-object records; "
                    "it was left untouched"
                )
        return data

    def _replace(self, data: Tables, mode: int) -> None:
        directory = self.path.parent
        directory.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=directory)
        try:
            with os.fdopen(fd, "wb", buffering=1 << 20) as handle:
                os.fchmod(handle.fileno(), mode)
                with gc_paused():
                    _dump_lines(handle, data)
                handle.flush()
                os.fsync(handle.fileno())
                written = signature(os.fstat(handle.fileno()))
            os.replace(temp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
        self._known = written
        _fsync_directory(directory)


# --- one record a line ------------------------------------------------------------------------------------
#
# The file is ordinary JSON that TinyDB's own JSONStorage reads, laid out one record to a line:
#
#     {
#     "claims":{
#     "1":{...},
#     "2":{...}
#     },
#     "_meta":{
#     "1":{"schema":3}
#     }
#     }
#
# Written record by record, a write never holds the whole file in memory; read line by line, a read never
# holds a parser's copy of the whole document beside the records it makes (orjson's is twice the file's
# size, a few hundred megabytes at 100,000 claims).


def _dump_lines(out: BinaryIO, data: Tables) -> None:
    dumps = orjson.dumps
    option = orjson.OPT_NON_STR_KEYS
    out.write(b"{\n")
    tables = list(data.items())
    for t, (name, table) in enumerate(tables):
        out.write(dumps(name) + b":{\n")
        last = len(table) - 1
        for k, (key, record) in enumerate(table.items()):
            out.write(dumps(str(key)) + b":" + dumps(record, option=option) + (b",\n" if k < last else b"\n"))
        out.write(b"},\n" if t < len(tables) - 1 else b"}\n")
    out.write(b"}\n")


def _parse_lines(raw: bytes) -> Tables | None:
    """The tables of a file in the layout above, parsed a record at a time; None for any other layout."""
    if not raw.startswith(b"{\n"):
        return None
    view = memoryview(raw)
    data: Tables = {}
    table: dict[str, Any] | None = None
    pos, end = 2, len(raw)
    while pos < end:
        stop = raw.find(b"\n", pos)
        if stop < 0:
            return None
        if table is None:
            if raw[pos:stop] == b"}":
                return data if not raw[stop + 1 :].strip() else None
            if raw[stop - 2 : stop] != b":{":
                return None
            name = orjson.loads(view[pos : stop - 2])
            if not isinstance(name, str) or name in data:
                return None
            table = data[name] = {}
        elif raw[pos : pos + 1] == b"}":
            table = None
        else:
            tail = stop - 1 if raw[stop - 1 : stop] == b"," else stop
            colon = raw.find(b'":', pos + 1, tail)
            if raw[pos : pos + 1] != b'"' or colon < 0 or b"\\" in raw[pos:colon]:
                return None
            table[raw[pos + 1 : colon].decode()] = orjson.loads(view[colon + 2 : tail])
        pos = stop + 1
    return None


def signature(st: os.stat_result) -> Signature:
    """What tells one version of a file from another: a replaced file has a new inode or time."""
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable; not every platform can open a directory, and that is fine there."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def _json_type(value: object) -> str:
    names = {list: "list", str: "string", bool: "boolean", int: "number", float: "number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)
