"""Quiz logic: showing choices, grading each type of answer, and summarising a session. Pure: no I/O.

Randomness comes in as a random.Random so tests are reproducible.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from coach.model import Outcome, QType, Question, Rating, Summary

_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "g": 1e9, "b": 1e9, "billion": 1e9, "t": 1e12,
          "trillion": 1e12}
_NUMBER = re.compile(r"^\s*([-+]?\d*\.?\d+(?:e[-+]?\d+)?)\s*([a-z%/]*)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Answer:
    """What the user gave: a choice text, several choice texts, a free text, and for recall a self-rating."""

    text: str = ""
    picks: tuple[str, ...] = ()
    rating: Rating | None = None


def shuffled_choices(question: Question, rng: random.Random) -> list[str]:
    """The question's choices in a fresh random order."""
    choices = list(question.choices)
    rng.shuffle(choices)
    return choices


def parse_number(text: str, unit: str = "") -> float | None:
    """'98304', '98,304', '1.2e5', '98k', '1.5 million' -> a float; None if it is not a number.

    A word that is (the start of) the question's unit is the unit, not a multiplier: with unit "m", "1.5 m" is
    1.5 metres, and with unit "GB", "12G" is 12 GB.
    """
    match = _NUMBER.match(text.replace(",", "").replace("_", ""))
    if not match:
        return None
    word, unit = match.group(2).lower(), unit.lower()
    if not word or (unit and unit.startswith(word)) or word.startswith(unit or "\0"):
        return float(match.group(1))
    return float(match.group(1)) * _SCALE.get(word, 1.0)


def grade(question: Question, answer: Answer, duration_ms: int = 0) -> Outcome:
    """Turn an answer into an Outcome with the fsrs rating it earns (right: good, wrong: again)."""
    if question.type is QType.mcq:
        given, correct = answer.text, answer.text == question.answer
    elif question.type is QType.multi:
        given, correct = " | ".join(sorted(answer.picks)), set(answer.picks) == set(question.answers)
    elif question.type is QType.numeric:
        value = parse_number(answer.text, question.unit)
        assert isinstance(question.answer, float)
        given = answer.text
        correct = value is not None and abs(value - question.answer) <= question.tolerance
    else:
        rating = answer.rating or Rating.again
        return Outcome(question.id, answer.text, rating is not Rating.again, rating, duration_ms)
    return Outcome(question.id, given, correct, Rating.good if correct else Rating.again, duration_ms)


def summarise(questions: dict[str, Question], outcomes: list[Outcome]) -> Summary:
    """Score and per-topic counts of a session's outcomes."""
    summary = Summary(answered=len(outcomes), correct=sum(o.correct for o in outcomes))
    for o in outcomes:
        topic = questions[o.question_id].topic.value
        counts = summary.by_topic.setdefault(topic, [0, 0])
        counts[0] += 1
        counts[1] += int(o.correct)
    return summary
