from __future__ import annotations

import random

import pytest

from coach import bank, session
from coach.model import Rating
from coach.session import Answer

from conftest import DATA

Q = {q.id: q for q in bank.load([DATA / "bank.yaml"]).questions}


@pytest.mark.parametrize(
    ("qid", "answer", "correct", "rating"),
    [
        ("t-mcap-default", Answer(text="Iron Irwini"), True, Rating.good),
        ("t-mcap-default", Answer(text="Humble Hawksbill"), False, Rating.again),
        ("t-rlds-required", Answer(picks=("is_last", "is_first")), True, Rating.good),
        ("t-rlds-required", Answer(picks=("is_first",)), False, Rating.again),
        ("t-rlds-required", Answer(picks=("is_first", "is_last", "reward")), False, Rating.again),
        ("t-ppo-batch", Answer(text="98,304"), True, Rating.good),
        ("t-ppo-batch", Answer(text="98k"), True, Rating.good),
        ("t-ppo-batch", Answer(text="1e5"), False, Rating.again),
        ("t-ppo-batch", Answer(text="lots"), False, Rating.again),
        ("t-dr-recall", Answer(text="", rating=Rating.hard), True, Rating.hard),
        ("t-dr-recall", Answer(text="no idea", rating=Rating.again), False, Rating.again),
    ],
)
def test_grading(qid: str, answer: Answer, correct: bool, rating: Rating) -> None:
    outcome = session.grade(Q[qid], answer)
    assert (outcome.correct, outcome.rating) == (correct, rating)


@pytest.mark.parametrize(("text", "unit", "value"), [
    ("1200", "", 1200), ("1.2k", "transitions", 1200), ("1.5 million", "", 1.5e6), ("2 billion", "", 2e9),
    ("2e3", "", 2000), ("-4", "", -4), ("x", "", None), ("", "", None), ("98,304", "", 98304),
    # the question's unit is the unit, never a multiplier
    ("1.5 m", "m", 1.5), ("3 TB", "TB", 3), ("12G", "GB", 12), ("12 GB", "GB", 12), ("25%", "%", 25),
    ("40 minutes", "min", 40), ("2 k", "GB", 2000),
])
def test_parse_number(text: str, unit: str, value: float | None) -> None:
    assert session.parse_number(text, unit) == value


def test_shuffle_is_seeded_and_keeps_choices() -> None:
    first = session.shuffled_choices(Q["t-rlds-required"], random.Random(7))
    assert first == session.shuffled_choices(Q["t-rlds-required"], random.Random(7))
    assert sorted(first) == sorted(Q["t-rlds-required"].choices)


def test_summary_counts_per_topic() -> None:
    outcomes = [session.grade(Q["t-mcap-default"], Answer(text="Iron Irwini")),
                session.grade(Q["t-ppo-batch"], Answer(text="5"))]
    summary = session.summarise(Q, outcomes)
    assert (summary.answered, summary.correct) == (2, 1)
    assert summary.by_topic == {"data-pipelines": [1, 1], "simulation": [1, 0]}
