"""coach config: show or change settings (daily new questions, desired retention)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from coach.commands.common import open_store, reports_errors
from coach.errors import CoachError, UnknownId
from coach.schedule import DEFAULT_NEW_PER_DAY, DEFAULT_RETENTION

if TYPE_CHECKING:
    from coach.store import Store

# name on the command line -> (settings key, parser, default, meaning)
KEYS = {
    "new-per-day": ("new_per_day", int, str(DEFAULT_NEW_PER_DAY),
                    "new questions introduced per day (reviews are not limited)"),
    "retention": ("retention", float, str(DEFAULT_RETENTION), "desired retention for scheduling, 0.7 to 0.97"),
}
LIMITS = {"new-per-day": (0, 500), "retention": (0.7, 0.97)}


def new_per_day(store: Store) -> int:
    """The daily limit of new questions (settable with coach config)."""
    return int(store.setting("new_per_day") or DEFAULT_NEW_PER_DAY)


def retention(store: Store) -> float:
    """The desired retention fsrs schedules for."""
    return float(store.setting("retention") or DEFAULT_RETENTION)


@reports_errors
def config(
    ctx: typer.Context,
    key: Annotated[str | None, typer.Argument(help=f"One of: {', '.join(KEYS)}.", show_default=False)] = None,
    value: Annotated[str | None, typer.Argument(help="New value.", show_default=False)] = None,
) -> None:
    """Show settings, or set one.

    Example: coach config new-per-day 30
    """
    store = open_store(ctx)
    if key is None:
        for name, (stored, _, default, meaning) in KEYS.items():
            typer.echo(f"{name} = {store.setting(stored) or default}    # {meaning}")
        return
    if key not in KEYS:
        raise UnknownId("setting", key, list(KEYS))
    stored, parse, default, _ = KEYS[key]
    if value is None:
        typer.echo(store.setting(stored) or default)
        return
    low, high = LIMITS[key]
    try:
        number = parse(value)
    except ValueError:
        raise CoachError(f"{key} must be a number, got {value!r}", hint=f"e.g. coach config {key} {default}") from None
    if not low <= number <= high:
        raise CoachError(f"{key} must be between {low} and {high}, got {value}", hint=f"e.g. {default}")
    store.set_setting(stored, str(number))
    typer.echo(f"{key} set to {number}", err=True)
