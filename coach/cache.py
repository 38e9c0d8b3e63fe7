"""The parse cache under COACH_HOME/cache: marshal files keyed on what they were made from.

Shared by bank.py, rubric.py and the design scorer. marshal, not pickle: the fastest stdlib loader, and it cannot
run code. The cache is an optimisation only: a damaged entry reads as a miss, and a home that cannot be written
still works. Each source keeps one entry: writing a new one removes the entries of its earlier versions, so
editing a 10 MB bank a hundred times does not leave a hundred copies behind.
"""

from __future__ import annotations

import marshal
import os
import zlib
from pathlib import Path
from typing import Any

from coach import __version__

SUFFIX = ".marshal"


def entry(cache_dir: Path, kind: str, source: Path, stat: os.stat_result, fmt: int) -> Path:
    """Where the cached parse of `source` lives; a new size, mtime, format or coach version gives a new entry."""
    where = str(source.resolve())
    # key includes mtime_ns: editors often keep the size the same
    return keyed(cache_dir, kind, where, f"{fmt}|{where}|{stat.st_size}|{stat.st_mtime_ns}")


def keyed(cache_dir: Path, kind: str, source: str, key: str) -> Path:
    """Where the value made from `source` (a name for what it comes from) as described by `key` (text naming
    everything it depends on) lives, for this coach version."""
    raw = f"{kind}|{key}|{__version__}".encode()
    return cache_dir / f"{kind}-{_digest(source.encode())}-{_digest(raw)}{SUFFIX}"


def read(path: Path) -> Any | None:
    """The cached value, or None when missing or damaged."""
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None


def write(path: Path, value: Any) -> None:
    """Store plain data (str, numbers, tuples, lists, dicts, sets) atomically, then remove the entries this one
    replaces (same kind and source, another key); errors are ignored."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps(value))
        os.replace(tmp, path)
        prefix = path.name[: path.name.rindex("-") + 1]
        for old in path.parent.glob(f"{prefix}*{SUFFIX}"):
            if old.name != path.name:
                old.unlink(missing_ok=True)
    except (OSError, ValueError):
        pass


def _digest(data: bytes) -> str:
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"
