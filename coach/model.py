"""Domain values shared by every layer: closed sets as StrEnums and frozen dataclasses.

No I/O here; validation of bank files lives in bank.py and uses these enums.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import StrEnum
from typing import NamedTuple


def iso(moment: datetime) -> str:
    """A time as stored: UTC ISO-8601 to the second, so stored times sort as text."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Topic(StrEnum):
    data_pipelines = "data-pipelines"
    simulation = "simulation"
    sim_to_real = "sim-to-real"
    fleet_mlops = "fleet-mlops"


class Robot(StrEnum):
    humanoid = "humanoid"
    quadruped = "quadruped"
    arm = "arm"
    mobile_manipulator = "mobile-manipulator"
    amr = "amr"
    drone = "drone"
    autonomous_vehicle = "autonomous-vehicle"


ANY_ROBOT = "any"


class Budget(StrEnum):
    hour = "1h"
    day = "1d"
    week = "1w"
    month = "1m"

    @property
    def rank(self) -> int:
        """0 for 1h up to 3 for 1m: a path includes every question whose budget rank is <= its own."""
        return _BUDGET_RANK[self]  # a dict: sorting a 10k bank asks this 10k times


_BUDGET_RANK = {b: i for i, b in enumerate(Budget)}


class QType(StrEnum):
    mcq = "mcq"
    multi = "multi"
    recall = "recall"
    numeric = "numeric"


class Rating(StrEnum):
    """Self-rating for recall questions; the same names as fsrs.Rating."""

    again = "again"
    hard = "hard"
    good = "good"
    easy = "easy"


class Question(NamedTuple):
    """One validated question. `robots` is empty for an `any` question.

    A NamedTuple rather than a frozen dataclass: a 10,000-question bank is rebuilt from its cache on every start,
    and tuple construction is several times cheaper.
    """

    id: str
    topic: Topic
    robots: tuple[Robot, ...]
    budget: Budget
    difficulty: int
    type: QType
    prompt: str
    explanation: str
    sources: tuple[str, ...]
    subtopic: str = ""
    choices: tuple[str, ...] = ()
    answer: str | float | None = None
    answers: tuple[str, ...] = ()
    key_points: tuple[str, ...] = ()
    tolerance: float = 0.0
    unit: str = ""
    path: str = ""
    line: int = 0

    def fits(self, robot: Robot | None) -> bool:
        """True when the question is for `robot` (or for any robot); no robot means all fit."""
        return _fits(self.robots, robot)


class Meta(NamedTuple):
    """What filtering, scheduling and planning need of a question, without its text: a big bank's start-up
    reads only these, and a question's text is decoded when it is asked (Bank.get)."""

    id: str
    topic: Topic
    robots: tuple[Robot, ...]
    budget: Budget
    difficulty: int
    type: QType
    subtopic: str
    path: str
    line: int

    def fits(self, robot: Robot | None) -> bool:
        """As Question.fits."""
        return _fits(self.robots, robot)


def _fits(robots: tuple[Robot, ...], robot: Robot | None) -> bool:
    return robot is None or not robots or robot in robots


@dataclass(frozen=True, slots=True)
class Filters:
    """What a quiz is restricted to; None means no restriction."""

    topic: Topic | None = None
    robot: Robot | None = None
    budget: Budget | None = None

    def admits(self, q: Question | Meta) -> bool:
        """True when the question passes every filter."""
        return (
            (self.topic is None or q.topic == self.topic)
            and q.fits(self.robot)
            and (self.budget is None or q.budget.rank <= self.budget.rank)
        )


@dataclass(frozen=True, slots=True)
class Outcome:
    """A graded answer: what was given, whether it was right, and the fsrs rating it earns."""

    question_id: str
    given: str
    correct: bool
    rating: Rating
    duration_ms: int = 0


@dataclass(slots=True)
class Summary:
    """What a finished session shows."""

    answered: int = 0
    correct: int = 0
    by_topic: dict[str, list[int]] = field(default_factory=dict)
    next_due: str | None = None
    due_tomorrow: int = 0
