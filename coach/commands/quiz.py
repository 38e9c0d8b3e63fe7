"""coach quiz: today's reviews and new questions, each answer stored the moment it is given."""

from __future__ import annotations

import random
import time
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from coach.commands.common import flag, load_bank, open_store, reports_errors, settings
from coach.commands.config import retention
from coach.commands.focus import ROBOT_NAMES, parse_robot
from coach.model import Budget, Filters, Robot, Topic

if TYPE_CHECKING:
    from coach.bank import Bank
    from coach.config import Settings
    from coach.model import Outcome
    from coach.store import Store
    from coach.ui.quiz import QuizUI


def local_day_start(now: datetime) -> datetime:
    """Midnight of the user's local day containing `now` (a daily limit resets at local midnight)."""
    local = now.astimezone()
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


@reports_errors
def quiz(
    ctx: typer.Context,
    topic: Annotated[Topic | None, typer.Option(help="Only this topic.", show_default=False)] = None,
    robot: Annotated[str | None, typer.Option(help=f"Robot for this session: {', '.join(ROBOT_NAMES)}.",
                                              show_default=False)] = None,
    budget: Annotated[Budget | None, typer.Option(help="Only questions on this study path (1h is the core).",
                                                  show_default=False)] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Ask at most N questions.", show_default=False)] = None,
    weak: Annotated[bool, flag("--weak", help="Drill your weakest topics, due or not.")] = False,
    plain: Annotated[bool, flag("--plain", help="Line mode: numbered choices, one line per answer.")] = False,
) -> None:
    """Answer today's due reviews, then new questions, tailored to your robot focus.

    Example: coach quiz --topic sim-to-real --limit 10
    """
    from coach.ui import Stop
    from coach.ui.quiz import QuizUI

    cfg = settings(ctx)
    bank = load_bank(ctx)
    store = open_store(ctx)
    ui = QuizUI(plain)
    try:
        filters = Filters(topic, _robot(store, ui, robot), budget)
    except Stop:
        return  # Ctrl-C at the first-run focus question: nothing chosen, nothing saved
    ids = _weak_ids(bank, store, filters, cfg) if weak else _due_and_new(bank, store, filters, cfg, plan_ok=not (
        topic or budget))
    run(bank, store, ui, ids[:limit] if limit else ids, cfg)


def _robot(store: Store, ui: QuizUI, name: str | None) -> Robot | None:
    if name is not None:
        return parse_robot(name)
    saved = store.setting("focus")
    if saved is None and not ui.plain:
        saved = ui.ask_focus(ROBOT_NAMES)
        store.set_setting("focus", saved)
    return parse_robot(saved) if saved else None


def _due_and_new(bank: Bank, store: Store, filters: Filters, cfg: Settings, plan_ok: bool) -> list[str]:
    from coach import schedule
    from coach.commands.plan import current, pace
    from coach.store import iso

    now = cfg.clock.now()
    new_today, cards = store.new_since(iso(local_day_start(now))), store.cards()
    found = current(store, bank, now.astimezone().date()) if plan_ok else None
    steps, new_limit = pace(store, found, new_today, cards)
    left = new_limit - new_today
    due = {qid: row.due_utc for qid, row in cards.items()}
    return schedule.queue(bank.index, due, filters, iso(now), left, steps)


def _weak_ids(bank: Bank, store: Store, filters: Filters, cfg: Settings) -> list[str]:
    from coach.commands.weak import weak_drill

    return weak_drill(bank, store, filters, cfg.clock.now())


def run(bank: Bank, store: Store, ui: QuizUI, ids: list[str], cfg: Settings) -> None:
    """Ask each question, grade it, schedule it and store it at once; summary at the end or on Stop."""
    from coach.store import iso
    from coach.ui.quiz import local_time

    if not ids:
        next_due = store.next_due(iso(cfg.clock.now()))
        ui.show_nothing_due(local_time(next_due) if next_due else None)
        return
    outcomes, _ = ask_all(bank, store, ui, ids, cfg)
    show_summary(bank, store, ui, outcomes, cfg)


def ask_all(bank: Bank, store: Store, ui: QuizUI, ids: list[str], cfg: Settings,
            deadline: float | None = None) -> tuple[list[Outcome], bool]:
    """Ask the questions in order, storing each answer at once. Returns the outcomes and whether the user stopped.

    With a `deadline` (time.monotonic()), the questions show the time left and asking ends once it has passed.
    """
    from coach import schedule, session
    from coach.store import AttemptRow, iso
    from coach.ui import Stop

    desired = retention(store)
    sched = None  # built after the first answer: fsrs need not delay the first question
    cards = store.cards()
    rng, session_id, outcomes = random.Random(cfg.seed), uuid.uuid4().hex[:12], []
    try:
        for index, qid in enumerate(ids, 1):
            if deadline is not None and time.monotonic() > deadline:
                ui.warn_over_time()
                break
            q = bank.get(qid)  # decodes this question's text only
            answer = ui.ask(q, session.shuffled_choices(q, rng), index, len(ids), deadline)
            outcome = session.grade(q, answer, ui.elapsed_ms())
            now = cfg.clock.now()
            old = cards.get(qid)
            sched = sched or schedule.scheduler(desired)
            result = schedule.review(sched, qid, old.card_json if old else None, outcome.rating, now)
            store.record(AttemptRow(qid, q.topic.value, q.subtopic, iso(now), outcome.given, outcome.correct,
                                    outcome.rating.value, outcome.duration_ms, session_id),
                         result.card_json, iso(result.due), result.lapsed)
            outcomes.append(outcome)
            ui.show_feedback(q, outcome)
    except (Stop, KeyboardInterrupt):  # Ctrl-C between prompts too: what was stored stays stored
        return outcomes, True
    return outcomes, False


def show_summary(bank: Bank, store: Store, ui: QuizUI, outcomes: list[Outcome], cfg: Settings) -> None:
    """Score, per-topic counts and what comes due next."""
    from coach import session
    from coach.store import iso
    from coach.ui.quiz import local_time

    summary = session.summarise({o.question_id: bank.get(o.question_id) for o in outcomes}, outcomes)
    now = cfg.clock.now()
    summary.due_tomorrow = len(store.due_between(iso(now), iso(now + timedelta(days=1))))
    next_due = store.next_due(iso(now))
    ui.show_summary(summary, local_time(next_due) if next_due else None)
