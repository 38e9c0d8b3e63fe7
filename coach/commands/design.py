"""coach design: system-design rounds (being written)."""

from __future__ import annotations

import typer

app = typer.Typer(help="System-design rounds scored against rubrics.", no_args_is_help=True)
