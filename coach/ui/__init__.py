"""The terminal layer: the only code that prompts or prints with rich/questionary. Shared pieces live here."""

from __future__ import annotations

import sys


class Stop(Exception):
    """The user ended a session or round: Ctrl-C, end of input, or 'q' in line mode."""


def is_plain(plain: bool) -> bool:
    """Line mode when asked for, or when stdin or stdout is not a terminal."""
    return plain or not sys.stdin.isatty() or not sys.stdout.isatty()


def clock_left(seconds: float) -> str:
    """'12:05' for time left, '-0:40' once over."""
    sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
    return f"{sign}{int(seconds // 60)}:{int(seconds % 60):02d}"
