"""The shipped bank meets its floors: size, coverage per topic, robot, budget and type, and well-formed keys."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coach import bank
from coach.cli import app
from coach.model import Budget, QType, Robot, Topic

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = bank.load([ROOT / "question_bank"]).questions


def test_at_least_320_questions_with_unique_ids() -> None:
    assert len(SHIPPED) >= 320
    assert len({q.id for q in SHIPPED}) == len(SHIPPED)


@pytest.mark.parametrize("topic", list(Topic))
def test_each_topic_has_70(topic: Topic) -> None:
    assert sum(q.topic is topic for q in SHIPPED) >= 70


@pytest.mark.parametrize("robot", list(Robot))
def test_each_robot_has_12_written_for_it(robot: Robot) -> None:
    assert sum(robot in q.robots for q in SHIPPED) >= 12


def test_budgets() -> None:
    counts = Counter(q.budget for q in SHIPPED)
    assert 30 <= counts[Budget.hour] <= 40, "the 1h path is the 30-40 highest-yield questions"
    assert all(counts[b] >= 30 for b in Budget)
    assert 60 <= counts[Budget.day] <= 100, "1d adds about 80"


def test_types() -> None:
    counts = Counter(q.type for q in SHIPPED)
    assert all(counts[t] > 0 for t in QType)
    assert counts[QType.numeric] >= 25


def test_answer_keys_are_well_formed() -> None:
    for q in SHIPPED:
        if q.type is QType.mcq:
            assert q.answer in q.choices, q.id
        if q.type is QType.multi:
            assert set(q.answers) <= set(q.choices) and q.answers, q.id
        if q.type is QType.numeric:
            assert isinstance(q.answer, float) and 0 <= q.tolerance < abs(q.answer or 1), q.id


def test_every_question_teaches_and_cites() -> None:
    for q in SHIPPED:
        sentences = [s for s in q.explanation.replace("e.g.", "eg").split(". ") if s.strip()]
        assert len(sentences) >= 2, f"{q.id}: explanation should teach the why in 2+ sentences"
        assert q.sources and all(s.startswith("https://") or s.startswith("http://") for s in q.sources), q.id
        assert q.subtopic, f"{q.id} has no subtopic"


def test_bank_check_passes_on_the_shipped_bank() -> None:
    result = CliRunner().invoke(app, ["bank", "check"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(f"ok: {len(SHIPPED)} questions in 4 file(s)")


@pytest.mark.parametrize("robot", [None, *Robot])
def test_the_1h_path_fits_in_an_hour(robot: Robot | None) -> None:
    from coach import plan

    steps = plan.build(SHIPPED, Budget.hour, robot)
    assert 30 <= sum(s.minutes for s in steps) <= 60
