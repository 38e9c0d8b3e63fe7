"""The parse cache under COACH_HOME/cache: marshal files keyed on a source file's path, size and mtime_ns.

Shared by bank.py and rubric.py. marshal, not pickle: the fastest stdlib loader, and it cannot run code. The cache
is an optimisation only: a damaged entry reads as a miss, and a home that cannot be written still works.
"""

from __future__ import annotations

import marshal
import os
import zlib
from pathlib import Path
from typing import Any

from coach import __version__


def entry(cache_dir: Path, kind: str, source: Path, stat: os.stat_result, fmt: int) -> Path:
    """Where the cached parse of `source` lives; a new size, mtime, format or coach version gives a new entry."""
    # key includes mtime_ns: editors often keep the size the same
    return keyed(cache_dir, kind, f"{fmt}|{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}")


def keyed(cache_dir: Path, kind: str, key: str) -> Path:
    """Where the value derived from `key` (text naming everything it depends on) lives, for this coach version."""
    raw = f"{kind}|{key}|{__version__}".encode()
    return cache_dir / f"{kind}-{zlib.crc32(raw):08x}{zlib.adler32(raw):08x}.marshal"


def read(path: Path) -> Any | None:
    """The cached value, or None when missing or damaged."""
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None


def write(path: Path, value: Any) -> None:
    """Store plain data (str, numbers, tuples, lists) atomically; errors are ignored."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps(value))
        os.replace(tmp, path)
    except (OSError, ValueError):
        pass
