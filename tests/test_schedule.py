from __future__ import annotations

import json
from datetime import timedelta

from coach import bank, schedule
from coach.model import Budget, Filters, Rating
from coach.store import iso

from conftest import DATA, NOW


def questions():
    return bank.load([DATA / "bank.yaml"]).questions


def test_due_first_most_overdue_first_then_new_by_budget() -> None:
    due = {"t-canary": iso(NOW - timedelta(days=1)), "t-ppo-batch": iso(NOW - timedelta(days=3)),
           "t-dr-recall": iso(NOW + timedelta(days=2))}
    order = schedule.queue(questions(), due, Filters(), iso(NOW), new_limit=2)
    assert order == ["t-ppo-batch", "t-canary", "t-mcap-default", "t-rlds-required"]


def test_new_limit_zero_serves_only_due_and_plan_order_wins() -> None:
    due = {"t-canary": iso(NOW)}
    assert schedule.queue(questions(), due, Filters(), iso(NOW), new_limit=0) == ["t-canary"]
    order = {"t-humanoid-dof": 0, "t-mcap-default": 1}
    assert schedule.queue(questions(), {}, Filters(), iso(NOW), 3, order) == [
        "t-humanoid-dof", "t-mcap-default", "t-rlds-required"], "after the plan: the rest, core first"


def test_filters_apply_to_due_and_new() -> None:
    due = {"t-canary": iso(NOW - timedelta(days=1))}
    order = schedule.queue(questions(), due, Filters(budget=Budget.hour), iso(NOW), new_limit=10)
    assert order == ["t-mcap-default", "t-rlds-required"]


def test_right_answer_is_scheduled_later_than_wrong() -> None:
    sched = schedule.scheduler(fuzz=False)
    good = schedule.review(sched, "q", None, Rating.good, NOW)
    again = schedule.review(sched, "q", None, Rating.again, NOW)
    assert good.due > again.due >= NOW and again.lapsed and not good.lapsed
    # a second Good on a learned card pushes it out by days, from the stored JSON alone
    later = schedule.review(sched, "q", good.card_json, Rating.good, good.due)
    assert later.due - good.due >= timedelta(days=1)
    assert json.loads(later.card_json)["card_id"] == json.loads(good.card_json)["card_id"]


def test_retrievability_falls_with_time() -> None:
    sched = schedule.scheduler(fuzz=False)
    card = schedule.review(sched, "q", None, Rating.good, NOW).card_json
    card = schedule.review(sched, "q", card, Rating.good, NOW + timedelta(minutes=10)).card_json
    soon = schedule.retrievability(sched, card, NOW + timedelta(days=1))
    late = schedule.retrievability(sched, card, NOW + timedelta(days=60))
    assert 1 >= soon > late > 0
