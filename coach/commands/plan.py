"""coach plan: the study path that fits the time before the interview; `coach quiz` follows it once set."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from coach.commands.common import flag, load_bank, open_store, reports_errors, settings
from coach.errors import CoachError
from coach.model import Budget

if TYPE_CHECKING:
    from collections.abc import Mapping

    from coach.bank import Bank
    from coach.plan import Step
    from coach.store import Store


def current(store: Store, bank: Bank, today: date) -> tuple[Budget, list[Step], dict[str, Any]] | None:
    """The saved plan (budget, steps, facts), or None when the user has not set one."""
    saved_time, interview = store.setting("plan_budget"), store.setting("interview")
    if not saved_time and not interview:
        return None
    from coach import plan
    from coach.commands.focus import parse_robot

    facts: dict[str, Any] = {}
    if interview:
        days = plan.days_until(date.fromisoformat(interview), today)
        budget = plan.budget_for_days(days)
        facts.update(interview=interview, days_left=days)
    else:
        budget = Budget(saved_time or Budget.day)
    robot = parse_robot(store.setting("focus") or "any")
    return budget, plan.build(bank.index, budget, robot), facts


def pace(store: Store, found: tuple[Budget, list[Step], dict[str, Any]] | None, new_today: int,
         seen: Mapping[str, object]) -> tuple[dict[str, int] | None, int]:
    """The saved plan's question order (None without a plan; `found` is `current`'s result) and today's limit of
    new questions: the configured one, raised when the plan's unseen questions would not otherwise fit before the
    interview. `new_today` (questions first answered today) keeps the limit steady through the day; `seen` is the
    store's cards, which the caller has already read."""
    from coach import plan
    from coach.commands.config import new_per_day

    configured = new_per_day(store)
    if found is None:
        return None, configured
    budget, steps, facts = found
    order = plan.question_order(steps)
    unseen = sum(qid not in seen for qid in order) + new_today  # as the day began
    return order, plan.daily_new(configured, unseen, facts.get("days_left"), budget)


def progress(store: Store, steps: list[Step], cards: Mapping[str, object]) -> list[bool | None]:
    """Per step: done (every question answered, the design prompt attempted), not done, or None for steps coach
    can't check (reviews, mocks). `cards` is the store's cards, which the caller has already read."""
    designed = {prompt for prompt, *_ in store.design_criteria()}
    return [all(qid in cards for qid in s.question_ids) if s.kind == "quiz" else
            (s.prompt_id in designed) if s.kind == "design" and s.prompt_id else None for s in steps]


def next_step(store: Store, steps: list[Step], cards: Mapping[str, object]) -> Step | None:
    """The first quiz step with unanswered questions or design step never attempted."""
    return next((s for s, done in zip(steps, progress(store, steps, cards)) if done is False), None)


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CoachError(f"--interview {text!r} is not a date", hint="use YYYY-MM-DD, e.g. 2026-12-03") from None


@reports_errors
def plan(
    ctx: typer.Context,
    time: Annotated[Budget | None, typer.Option("--time", help="Time you have: 1h, 1d, 1w or 1m.",
                                                show_default=False)] = None,
    interview: Annotated[str | None, typer.Option(help="Interview date YYYY-MM-DD; picks the budget from the days "
                                                  "left and is remembered.", show_default=False)] = None,
    clear: Annotated[bool, flag("--clear", help="Forget the saved plan and interview date.")] = False,
    as_json: Annotated[bool, flag("--json", help="Print JSON.")] = False,
) -> None:
    """Show (and remember) the study path that fits the time before your interview.

    Example: coach plan --interview 2026-12-03
    """
    if time and interview:
        raise CoachError("give --time or --interview, not both", hint="--interview picks the budget for you")
    store, bank = open_store(ctx), load_bank(ctx)
    today = settings(ctx).clock.now().astimezone().date()
    if clear:
        store.set_setting("plan_budget", None)
        store.set_setting("interview", None)
    if interview:
        when = _parse_date(interview)
        if when < today:
            raise CoachError(f"--interview {when} is in the past", hint="give the coming date, or --clear to forget it")
        store.set_setting("interview", when.isoformat())
        store.set_setting("plan_budget", None)
    elif time:
        store.set_setting("plan_budget", time.value)
        store.set_setting("interview", None)
    found = current(store, bank, today)
    if found is None:
        from coach import plan as planning
        from coach.commands.focus import parse_robot

        found = (Budget.day, planning.build(bank.index, Budget.day, parse_robot(store.setting("focus") or "any")),
                 {"saved": False, **({"cleared": True} if clear else {})})
    budget, steps, facts = found
    done = progress(store, steps, store.cards())
    if as_json:
        typer.echo(json.dumps({"budget": budget.value, **facts, "minutes": sum(s.minutes for s in steps),
                               "steps": [{**s.to_dict(), "done": d} for s, d in zip(steps, done)]}, indent=2))
        return
    from coach.ui import tables

    tables.show_plan(budget, steps, facts, done)
