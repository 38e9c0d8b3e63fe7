"""coach focus: show or set the robot the user builds for."""

from __future__ import annotations

from typing import Annotated

import typer

from coach.commands.common import open_store, reports_errors
from coach.errors import UnknownId
from coach.model import ANY_ROBOT, Robot

ROBOT_NAMES = [r.value for r in Robot] + [ANY_ROBOT]


def parse_robot(name: str) -> Robot | None:
    """A robot name (or 'any' -> None); UnknownId lists the valid names."""
    if name == ANY_ROBOT:
        return None
    try:
        return Robot(name)
    except ValueError:
        raise UnknownId("robot", name, ROBOT_NAMES) from None


@reports_errors
def focus(
    ctx: typer.Context,
    robot: Annotated[str | None, typer.Argument(help=f"One of: {', '.join(ROBOT_NAMES)}.", show_default=False)] = None,
) -> None:
    """Show or set the robot you build for; quizzes and design prompts follow it.

    Example: coach focus quadruped
    """
    store = open_store(ctx)
    if robot is None:
        current = store.setting("focus")
        typer.echo(current or "not set (run: coach focus ROBOT)")
        return
    parse_robot(robot)
    store.set_setting("focus", robot)
    typer.echo(f"focus set to {robot}", err=True)
