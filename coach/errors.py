"""The CoachError tree: every error a user can cause, with where it happened and what to do next.

Only `cli.reports_errors` turns these into text; lower layers raise them and never print.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Location:
    """Where a problem is: a file, optionally a 1-based line, optionally an item id."""

    path: str
    line: int | None = None
    item: str | None = None

    def __str__(self) -> str:
        text = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{text}: [{self.item}]" if self.item else text


class CoachError(Exception):
    """Base class: a message, an optional location and a hint; exit code 1."""

    exit_code = 1

    def __init__(self, message: str, *, location: Location | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def __str__(self) -> str:
        loc = self.location
        where = "" if loc is None else f"{loc} " if loc.item else f"{loc}: "
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.message}{hint}"


class BankError(CoachError):
    """A question bank file is unreadable or invalid; `problems` holds every located line."""

    def __init__(self, problems: list[CoachError]) -> None:
        super().__init__(str(problems[0]), location=problems[0].location)
        self.problems = problems

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class RubricError(BankError):
    """A rubric file is unreadable or invalid."""


class StoreError(CoachError):
    """The database is corrupt, foreign, from a newer coach, or cannot be written."""


class HomeError(CoachError):
    """COACH_HOME cannot be created or written."""


class ReportExists(CoachError):
    """A report path exists and --force was not given."""


class UnknownId(CoachError):
    """A name (prompt id, robot, topic, budget) that does not exist; lists the valid ones."""

    def __init__(self, kind: str, value: str, valid: list[str]) -> None:
        super().__init__(f"unknown {kind} {value!r}", hint=f"choose one of: {', '.join(valid)}")
        self.valid = valid
