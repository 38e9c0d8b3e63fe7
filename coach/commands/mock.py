"""coach mock: a timed mock interview: rapid-fire questions on weak and due topics, then a design round, then a
report under $COACH_HOME/reports/."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated, Any

import typer

from coach.commands.common import flag, load_bank, open_store, reports_errors, score_answer, settings
from coach.commands.focus import ROBOT_NAMES, parse_robot
from coach.errors import CoachError
from coach.model import Filters

if TYPE_CHECKING:
    from coach.bank import Bank
    from coach.model import Outcome, Robot
    from coach.store import Store

RAPID_SHARE = 0.2  # of the round: a short warm-up, as many loops start, before the design discussion


def rapid_fire_ids(bank: Bank, store: Store, robot: Robot | None, count: int, now: Any) -> list[str]:
    """Due reviews first, then questions from the weakest topics, for the user's robot."""
    from coach import schedule
    from coach.commands.weak import weak_drill
    from coach.store import iso

    filters = Filters(robot=robot)
    due = {qid: row.due_utc for qid, row in store.cards().items()}
    ids = schedule.queue(bank.index, due, filters, iso(now), new_limit=0)
    ids += [qid for qid in weak_drill(bank, store, filters, now) if qid not in ids]
    return ids[:count]


@reports_errors
def mock(
    ctx: typer.Context,
    minutes: Annotated[int, typer.Option(min=10, max=120, help="Length of the round in minutes.")] = 45,
    prompt: Annotated[str | None, typer.Option(help="Design prompt id (default: chosen for your focus and weak "
                                               "criteria).", show_default=False)] = None,
    robot: Annotated[str | None, typer.Option(help=f"Robot for this round: {', '.join(ROBOT_NAMES)}.",
                                              show_default=False)] = None,
    plain: Annotated[bool, flag("--plain", help="Line mode, no arrow-key prompts.")] = False,
) -> None:
    """A timed mock interview: rapid-fire questions, then a design round phase by phase, then a report.

    Example: coach mock --minutes 45
    """
    from coach import plan, rubric
    from coach.commands.quiz import ask_all
    from coach.ui import design as design_ui
    from coach.ui.quiz import QuizUI

    cfg, bank, store = settings(ctx), load_bank(ctx), open_store(ctx)
    focus = parse_robot(robot if robot is not None else store.setting("focus") or "any")
    rubrics = rubric.load_all(cfg.rubric_dir, cfg.cache_dir)
    chosen = rubric.find(cfg.rubric_dir, prompt) if prompt else rubrics[
        plan.pick_prompt(rubrics, store.design_criteria(), focus)]
    rapid = max(3, round(minutes * RAPID_SHARE))
    ui = QuizUI(plain)
    ids = rapid_fire_ids(bank, store, focus, rapid, cfg.clock.now())
    ui.announce(f"Mock interview, {minutes} min: rapid-fire ({len(ids)} questions, {rapid} min), then the design "
                f"round '{chosen.title}' ({minutes - rapid} min). Ctrl-C ends it at any point; your answers are kept.")
    outcomes, stopped = ask_all(bank, store, ui, ids, cfg, deadline=time.monotonic() + rapid * 60)
    answer, asked = None, []
    if not stopped:
        result = design_ui.run_round(chosen, focus, minutes - rapid, ui.plain)
        answer, asked = result.answer or None, result.asked
    _finish(ctx, bank, store, chosen, focus, outcomes, answer, asked)


def _finish(ctx: typer.Context, bank: Bank, store: Store, chosen: Any, focus: Robot | None,
            outcomes: list[Outcome], answer: str | None, asked: list[tuple[str, str]]) -> None:
    """Score the design answer, store it, write the Markdown and HTML reports and print where they are."""
    from coach import report
    from coach.store import iso

    cfg = settings(ctx)
    now = cfg.clock.now()
    if not outcomes and not answer:
        typer.echo("Mock ended before any answer: nothing to report.", err=True)
        return
    rapid = [{"id": q.id, "prompt": q.prompt, "topic": q.topic, "given": o.given, "correct": o.correct}
             for o in outcomes for q in (bank.get(o.question_id),)]
    card = score_answer(cfg, chosen, answer or "")
    history = [report.Attempt(w, s) for w, s in store.design_history(chosen.id)]
    failure = None
    if answer:
        try:
            store.record_design(chosen.id, iso(now), focus.value if focus else "", answer, dict(card.to_dict()))
        except CoachError as exc:  # a busy or broken store must not cost the user the round
            failure = exc
    cfg.reports_dir.mkdir(parents=True, exist_ok=True)
    stem = cfg.reports_dir / f"mock-{now.strftime('%Y%m%d-%H%M%S')}-{chosen.id}"
    for suffix in (".md", ".html"):
        path = stem.with_suffix(suffix)
        body = report.render(f"report{suffix}.j2", card, chosen, answered_utc=iso(now), robot=focus,
                             history=history, answer=answer or "", mock={"rapid": rapid, "designed": bool(answer)},
                             asked=asked)
        report.write(path, body, force=False)
    right = sum(o.correct for o in outcomes)
    typer.echo(f"Rapid-fire: {right}/{len(rapid)} right. Design: {card.score}/100" if answer else
               f"Rapid-fire: {right}/{len(rapid)} right. No design answer.")
    typer.echo(f"Report: {stem.with_suffix('.html')} (and .md)")
    if failure is not None and answer:
        from coach.commands.design import _keep_answer

        kept = _keep_answer(cfg, chosen.id, iso(now), answer)
        raise CoachError(f"design attempt not saved: {failure.message}", location=failure.location,
                         hint=f"your answer is in {kept}; {failure.hint or 'try again later'}")
