"""coach bank: check question files and show what the bank covers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from coach.commands.common import flag, load_bank, reports_errors, settings

app = typer.Typer(help="Check and describe the question bank.", no_args_is_help=True)


@app.command()
@reports_errors
def check(
    ctx: typer.Context,
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders (default: the whole bank).")] = None,
) -> None:
    """Validate bank files: one `path:line: [id] message` line per problem, exit 1 if any.

    Example: coach bank check my-questions.yaml
    """
    from coach import bank

    found = bank.load(paths) if paths else load_bank(ctx)
    files = len(bank.find_files(paths or list(settings(ctx).bank_paths)))
    typer.echo(f"ok: {len(found.index)} questions in {files} file(s)", err=True)


@app.command()
@reports_errors
def stats(
    ctx: typer.Context,
    as_json: Annotated[bool, flag("--json", help="Print JSON.")] = False,
) -> None:
    """Count questions by topic, robot, budget and type, with coverage tables.

    Example: coach bank stats --json
    """
    from coach.bank import coverage

    report = coverage(load_bank(ctx))
    if as_json:
        typer.echo(json.dumps(report, indent=2))
        return
    from coach.ui import tables

    tables.show_coverage(report)
