"""The root Typer app: sub-apps, --version, Settings in the callback, and the one place errors become text.

Start-up path: imports only typer, coach.commands.*, coach.model and coach.errors (a test pins it).
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import Annotated

import typer

from coach import __version__
from coach.commands import bank, config, design, focus, mock, plan, quiz, stats, today, weak
from coach.commands.common import flag, reports_errors

app = typer.Typer(
    name="coach",
    help="Interview prep for robotics Data & ML infrastructure: daily quiz, design rounds, mock interviews.",
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"coach {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    version: Annotated[bool, flag("--version", callback=_version, is_eager=True,
                                  help="Print the version and exit.")] = False,
) -> None:
    """Interview prep for robotics Data & ML infrastructure.

    Run `coach` for today's plan, `coach quiz` for the daily quiz, `coach design list` for design rounds.
    """
    from coach import config

    ctx.obj = reports_errors(config.load)()
    if ctx.invoked_subcommand is None:
        reports_errors(today.show)(ctx)


app.command()(quiz.quiz)
app.command()(focus.focus)
app.command()(stats.stats)
app.command()(plan.plan)
app.command()(weak.weak)
app.command()(mock.mock)
app.command()(config.config)
app.add_typer(bank.app, name="bank")
app.add_typer(design.app, name="design")


def _log_crash(exc: BaseException) -> Path | None:
    home = os.environ.get("COACH_HOME")
    try:
        from coach.config import default_home

        logs = (Path(home).expanduser() if home else default_home()) / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        path = logs / "last-error.log"
        path.write_text("".join(traceback.format_exception(exc)))
        return path
    except OSError:
        return None


def main() -> None:
    """Console-script entry point: exit codes 0 ok, 1 user error, 2 usage, 70 bug, 130 Ctrl-C."""
    try:
        app()  # standalone: Typer turns usage errors into exit 2 and Ctrl-C into 130
    except Exception as exc:  # noqa: BLE001 - the one place a bug becomes a message, not a traceback
        if os.environ.get("COACH_DEBUG", "") not in ("", "0"):
            raise
        path = _log_crash(exc)
        where = f"; details in {path}" if path else ""
        typer.echo(f"coach: internal error: {type(exc).__name__}: {exc}{where} (please report it)", err=True)
        sys.exit(70)
