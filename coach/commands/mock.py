"""coach mock: a timed mock interview (being written)."""

from __future__ import annotations

import typer

from coach.commands.common import reports_errors


@reports_errors
def mock(ctx: typer.Context) -> None:
    """A timed mock interview: rapid-fire questions, then a design round.

    Example: coach mock --minutes 45
    """
    raise typer.Exit(1)
