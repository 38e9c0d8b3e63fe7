"""`coach` with no command: today at a glance (days to the interview, due now, new today, the next step)."""

from __future__ import annotations

from datetime import timedelta

import typer

from coach.commands.common import load_bank, open_store, settings


def show(ctx: typer.Context) -> None:
    """Print today's overview."""
    from coach.commands.plan import current, next_step, pace
    from coach.commands.quiz import local_day_start
    from coach.store import iso
    from coach.ui import tables

    cfg = settings(ctx)
    store, bank = open_store(ctx), load_bank(ctx)
    now = cfg.clock.now()
    found = current(store, bank, now.astimezone().date())
    new_today, cards = store.new_since(iso(local_day_start(now))), store.cards()
    order, new_limit = pace(store, found, new_today, cards)
    facts = {
        "focus": store.setting("focus") or "not set",
        "due_now": len(set(store.due_ids(iso(now))) & {q.id for q in bank.index}),
        "new_today": new_today,
        "new_limit": new_limit,
        "due_tomorrow": len(store.due_between(iso(now), iso(now + timedelta(days=1)))),
        "questions": len(bank.index),
    }
    if found:
        budget, steps, plan_facts = found
        facts.update(plan_facts, budget=budget.value)
        step = next_step(store, steps, cards)
        facts["next_step"] = f"{step.title} ({step.minutes} min)" if step else "plan complete: keep reviewing"
        facts["plan_questions"] = (sum(qid in cards for qid in order or ()), len(order or ()))
    tables.show_today(facts)
