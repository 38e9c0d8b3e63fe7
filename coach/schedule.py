"""Spaced repetition with the fsrs package: card JSON <-> fsrs.Card, outcomes -> ratings, what to ask next.

Pure: time comes in as `now` (aware UTC); no I/O. Cards are stored as fsrs's own JSON next to their due time.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from coach.model import Filters, Meta, Question, Rating

DEFAULT_NEW_PER_DAY = 20
DEFAULT_RETENTION = 0.9


@dataclass(frozen=True, slots=True)
class Review:
    """The result of scheduling one answer."""

    card_json: str
    due: datetime
    lapsed: bool


def scheduler(retention: float = DEFAULT_RETENTION, fuzz: bool = True) -> Any:
    """An fsrs.Scheduler with our settings (fuzz off in tests, so intervals are exact)."""
    from fsrs import Scheduler

    return Scheduler(desired_retention=retention, enable_fuzzing=fuzz)


def _new_card(question_id: str, now: datetime) -> Any:
    from fsrs import Card

    # set card_id and due ourselves: Card() defaults read the wall clock and sleep 1 ms
    return Card(card_id=zlib.crc32(question_id.encode()) or 1, due=now)


def review(sched: Any, question_id: str, card_json: str | None, rating: Rating, now: datetime,
           duration_ms: int | None = None) -> Review:
    """Apply one rating to a question's card (new if `card_json` is None) and return the new state."""
    from fsrs import Card
    from fsrs import Rating as FsrsRating

    card = Card.from_json(card_json) if card_json else _new_card(question_id, now)
    updated, _ = sched.review_card(card, FsrsRating[rating.name.capitalize()], now, duration_ms)
    return Review(updated.to_json(), updated.due, lapsed=rating is Rating.again)


def retrievability(sched: Any, card_json: str, now: datetime) -> float:
    """Predicted probability of recalling the card now (0 for a card never reviewed)."""
    from fsrs import Card

    return float(sched.get_card_retrievability(Card.from_json(card_json), now))


def queue(questions: Iterable[Question | Meta], due_utc: Mapping[str, str], filters: Filters, now_utc: str,
          new_limit: int, order: Mapping[str, int] | None = None) -> list[str]:
    """Ids to ask: due reviews first (most overdue first), then up to `new_limit` new ones.

    New questions come in `order` (a study plan) when given, then by budget (the 1h core first), then bank order.
    """
    admitted = [q for q in questions if filters.admits(q)]
    due = sorted((due_utc[q.id], q.id) for q in admitted if q.id in due_utc and due_utc[q.id] <= now_utc)
    fresh = [q for q in admitted if q.id not in due_utc]
    # the plan's questions in plan order; once they are all seen, the rest by budget (the 1h core first)
    last = len(order) if order else 0
    fresh = sorted(fresh, key=lambda q: (order.get(q.id, last) if order else 0, q.budget.rank))  # stable sort
    return [qid for _, qid in due] + [q.id for q in fresh[: max(new_limit, 0)]]
