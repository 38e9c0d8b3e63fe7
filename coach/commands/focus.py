"""coach focus: show or set the robot the user builds for."""

from __future__ import annotations

from typing import Annotated

import typer

from coach.commands.common import open_store, reports_errors
from coach.errors import UnknownId
from coach.model import ANY_ROBOT, Robot

ROBOT_NAMES = [r.value for r in Robot] + [ANY_ROBOT]


def parse_robot(name: str) -> Robot | None:
    """A robot name, as typed ('Quadruped', 'mobile manipulator'), or 'any' -> None; UnknownId lists the valid
    names."""
    canonical = "-".join(name.strip().lower().replace("_", " ").split())
    if canonical == ANY_ROBOT:
        return None
    try:
        return Robot(canonical)
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
    chosen = parse_robot(robot)
    name = chosen.value if chosen else ANY_ROBOT
    store.set_setting("focus", name)
    typer.echo(f"focus set to {name}", err=True)
