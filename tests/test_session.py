from __future__ import annotations

import random
from pathlib import Path

import pytest

from coach import bank, session
from coach.model import QType, Rating
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
    # another unit of the same kind is converted; hedges and currency signs are dropped
    ("99500 MB", "GB", 99.5), ("0.0995 TB", "GB", 99.5), ("9.95e10 bytes", "GB", 99.5), ("10 ms", "s", 0.01),
    ("1.5 h", "minutes", 90), ("72 h", "days", 3), ("1 kHz", "Hz", 1000), ("80 Mbps", "MB/s", 10),
    ("0.5 m", "mm", 500), ("80%", "success rate (fraction)", 0.8), ("~100", "USD", 100), ("$25", "USD", 25),
    ("20x", "x real time", 20), ("20 x real time", "x real time", 20), ("4608 GPU hours", "GPU-hours", 4608),
    ("1.5 m MB", "MB", 1.5e6), ("40k", "keyframes", 40000), ("40 K", "keyframes", 40000), ("~$25", "USD", 25),
    ("about $25", "USD", 25), ("3 trial", "trials", 3), ("2B", "transitions", 2e9),
    # case decides bits and bytes: B bytes, Gb gigabits, MBps megabytes per second
    ("150 Gb", "GB", 18.75), ("150 Gbits", "GB", 18.75), ("150 gb", "GB", 150), ("373 MBps", "MB/s", 373),
    ("373 Mbps", "MB/s", 46.625), ("10 Mbit/s", "MB/s", 1.25), ("43.2e6 B", "MB", 43.2),
    ("1.5 Gb/s", "MB/s", 187.5), ("1500 Mb/s", "MB/s", 187.5), ("187.5 mb/s", "MB/s", 187.5),
    ("approximately 20", "", 20), ("4.6k GPU-hours", "GPU-hours", 4600), ("1k policy steps", "policy steps", 1000),
    ("373 MB/sec", "MB/s", 373), ("373 MB per second", "MB/s", 373), ("2 terabytes", "GB", 2000), ("USD 1200", "USD", 1200), ("12pct", "%", 12), ("2000 times", "x real time", 2000),
    # a unit that can't be converted is not silently taken as the question's
    ("99.5 kg", "GB", None), ("200 ms", "GB", None), ("3 apples", "", None), ("2 hours 30", "hours", None),
    ("1.5 miles", "m", None), ("276480 GPU-minutes", "GPU-hours", None), ("99,5", "GB", None),
])
def test_parse_number(text: str, unit: str, value: float | None) -> None:
    got = session.parse_number(text, unit)
    assert got == value if value is None else got == pytest.approx(value)


def test_a_unit_that_does_not_convert_says_what_to_type() -> None:
    assert session.number_problem("99.5 kg", "GB") == "coach can't turn 'kg' into GB: answer in GB"
    assert session.number_problem("lots", "GB").startswith("enter a number")
    assert session.number_problem("99.5 GB", "GB") == ""
    assert session.number_problem("99,5", "GB").startswith("write decimals with a dot")
    assert session.read_as("99500 MB", "GB") == "99.5 GB" and session.read_as("99.5 GB", "GB") == ""
    assert session.read_as("331034.5", "steps") == ""


def test_every_shipped_numeric_answer_is_accepted_as_written() -> None:
    shipped = bank.load([Path(__file__).resolve().parents[1] / "question_bank"]).questions
    numeric = [q for q in shipped if q.type is QType.numeric]
    assert len(numeric) >= 50
    for q in numeric:
        assert isinstance(q.answer, float)
        for text in (f"{q.answer:g}", f"{q.answer:g} {q.unit}"):
            assert session.parse_number(text, q.unit) == pytest.approx(q.answer), (q.id, text)


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
