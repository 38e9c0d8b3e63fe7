"""coach weak: what you keep getting wrong, ranked, with the explanations to reread."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any

import typer

from coach.commands.common import flag, load_bank, open_store, reports_errors, settings

if TYPE_CHECKING:
    from coach.bank import Bank
    from coach.model import Filters
    from coach.plan import Weakness
    from coach.store import Store

DRILL_SIZE = 15


def analyse(bank: Bank, store: Store, now: datetime) -> tuple[list[Weakness], list[dict[str, Any]]]:
    """Weak topics (weakest first) and leeches (questions failed 6+ times) from the store."""
    from coach import plan, schedule
    from coach.store import iso

    sched = schedule.scheduler()
    cards = store.cards()
    stats = []
    for qid, topic, sub, n, correct, rn, rc in store.question_totals(iso(now - timedelta(days=plan.RECENT_DAYS))):
        card = cards.get(qid)
        r = schedule.retrievability(sched, card.card_json, now) if card else None
        stats.append(plan.QuestionStats(qid, topic, sub, n, correct, rn, rc, card.lapses if card else 0, r))
    design = _design_by_topic(store)
    leeches = [
        {"id": q.id, "lapses": c.lapses, "topic": q.topic.value, "prompt": q.prompt, "explanation": q.explanation,
         "source": q.sources[0]}
        for c in sorted(cards.values(), key=lambda c: -c.lapses)
        if c.lapses >= plan.LEECH_LAPSES and c.question_id in bank
        for q in (bank.get(c.question_id),)  # decodes only the leeches' text, not the whole bank's
    ]
    return plan.rank(stats, design), leeches


def _design_by_topic(store: Store) -> dict[str, float]:
    from coach.plan import PROMPT_TOPIC

    scores: dict[str, list[float]] = {}
    for prompt_id, _criterion, n, mean in store.design_criteria():
        scores.setdefault(PROMPT_TOPIC.get(prompt_id, "fleet-mlops"), []).extend([mean] * n)
    return {t: sum(v) / len(v) for t, v in scores.items()}


def weak_drill(bank: Bank, store: Store, filters: Filters, now: datetime) -> list[str]:
    """Questions from the weakest topics, due or not: failed ones first, then unseen, then the rest."""
    ranking, _ = analyse(bank, store, now)
    practised = [w.topic for w in ranking if w.attempts]
    targets = (practised or [w.topic for w in ranking])[:2]
    cards = store.cards()
    pool = [q for q in bank.index if filters.admits(q) and q.topic.value in targets]

    def priority(q: Any) -> tuple[int, int, int]:
        card = cards.get(q.id)
        return (targets.index(q.topic.value), -(card.lapses if card else 0), 1 if card and not card.lapses else 0)

    return [q.id for q in sorted(pool, key=priority)][:DRILL_SIZE]


@reports_errors
def weak(
    ctx: typer.Context,
    as_json: Annotated[bool, flag("--json", help="Print JSON.")] = False,
) -> None:
    """Rank topics and subtopics by how weak you are, and list the questions you keep failing.

    Example: coach weak --json
    """
    store = open_store(ctx)
    ranking, leeches = analyse(load_bank(ctx), store, settings(ctx).clock.now())
    design = [{"prompt": p, "criterion": c, "attempts": n, "score": round(mean, 3)}
              for p, c, n, mean in sorted(store.design_criteria(), key=lambda row: row[3])]
    if as_json:
        typer.echo(json.dumps({"topics": [w.to_dict() for w in ranking], "leeches": leeches, "design": design},
                              indent=2))
        return
    from coach.ui import tables

    tables.show_weak(ranking, leeches, design)
