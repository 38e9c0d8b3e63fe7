"""coach stats: answers, accuracy and retention per topic, streak, heatmap and what comes due."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any

import typer

from coach.commands.common import flag, open_store, reports_errors, settings

if TYPE_CHECKING:
    from coach.store import Store

HEATMAP_WEEKS = 12


def local_day_counts(store: Store) -> Counter[date]:
    """Answers per local calendar day (stored UTC hours turned into the user's dates)."""
    counts: Counter[date] = Counter()
    for hour, n in store.days_answered():
        counts[datetime.fromisoformat(hour + ":00:00+00:00").astimezone().date()] += n
    return counts


def streak(days: Counter[date], today: date) -> int:
    """Consecutive days with answers, ending today (or yesterday, if today has none yet)."""
    day = today if days.get(today) else today - timedelta(days=1)
    count = 0
    while days.get(day):
        count, day = count + 1, day - timedelta(days=1)
    return count


def collect(store: Store, now: datetime, served: set[str]) -> dict[str, Any]:
    """Everything `coach stats` shows, as JSON-ready data; `served` is the bank's ids (due counts only those)."""
    from coach.store import iso

    topics = {t: {"attempts": n, "correct": c, "accuracy": round(c / n, 3) if n else None}
              for t, n, c in store.topic_totals()}
    reviews, kept = store.review_totals(iso(now - timedelta(days=30)))
    days = local_day_counts(store)
    today = now.astimezone().date()
    ahead = Counter(datetime.fromisoformat(d.replace("Z", "+00:00")).astimezone().date()
                    for d in store.due_between(iso(now), iso(now + timedelta(days=7))))
    start = today - timedelta(days=7 * HEATMAP_WEEKS - 1)
    return {
        "attempts": store.attempt_count(),
        "correct": sum(t["correct"] for t in topics.values()),
        "topics": topics,
        "due": sum(qid in served for qid in store.due_ids(iso(now))),
        "retention_30d": round(kept / reviews, 3) if reviews else None,
        "streak_days": streak(days, today),
        "due_next_7_days": [{"date": (today + timedelta(days=i)).isoformat(), "count": ahead.get(
            today + timedelta(days=i), 0)} for i in range(7)],
        "heatmap": {(start + timedelta(days=i)).isoformat(): days.get(start + timedelta(days=i), 0)
                    for i in range(7 * HEATMAP_WEEKS)},
    }


@reports_errors
def stats(
    ctx: typer.Context,
    as_json: Annotated[bool, flag("--json", help="Print JSON.")] = False,
) -> None:
    """Your progress: answers and accuracy per topic, retention, streak, a heatmap and reviews due this week.

    Example: coach stats --json
    """
    from coach.bank import question_ids

    cfg = settings(ctx)
    served = question_ids(cfg.bank_paths, cfg.cache_dir)
    data = collect(open_store(ctx), cfg.clock.now(), served)
    if as_json:
        typer.echo(json.dumps(data, indent=2))
        return
    from coach.ui import tables

    tables.show_stats(data)
