"""Study plans that fit the time before the interview, and weak-topic ranking. Pure over rows: no I/O, no clock.

A plan for a longer budget is the shorter budget's plan plus more steps, so 1h is always the highest-yield core.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, TypedDict

from coach.model import Budget, Meta, QType, Question, Robot, Topic

MINUTES = {QType.mcq: 1.0, QType.multi: 1.5, QType.numeric: 2.0, QType.recall: 2.0}
BLOCK = 15  # questions per quiz step: about a quarter hour
LEECH_LAPSES = 6
RECENT_DAYS = 14  # "recent accuracy" in weak-topic ranking
# design prompts in the order a plan introduces them: the most asked first
DESIGN_ORDER = ["teleop-flywheel", "ota-policy-rollout", "fleet-observability", "multi-robot-data-format",
                "sim-rl-pipeline", "reproducible-training-eval"]
PROMPT_TOPIC = {"teleop-flywheel": "fleet-mlops", "ota-policy-rollout": "fleet-mlops",
                "fleet-observability": "fleet-mlops", "multi-robot-data-format": "data-pipelines",
                "sim-rl-pipeline": "sim-to-real", "reproducible-training-eval": "fleet-mlops"}
# the prompts closest to each robot's daily problems, for mock interviews
ROBOT_PROMPTS = {
    Robot.humanoid: ("teleop-flywheel", "sim-rl-pipeline"), Robot.quadruped: ("sim-rl-pipeline", "ota-policy-rollout"),
    Robot.arm: ("teleop-flywheel", "reproducible-training-eval"),
    Robot.mobile_manipulator: ("teleop-flywheel", "multi-robot-data-format"),
    Robot.amr: ("fleet-observability", "ota-policy-rollout"), Robot.drone: ("fleet-observability", "ota-policy-rollout"),
    Robot.autonomous_vehicle: ("fleet-observability", "reproducible-training-eval"),
}
DESIGN_BY_BUDGET = {Budget.hour: 0, Budget.day: 1, Budget.week: 4, Budget.month: 6}
BUDGET_DAYS = {Budget.hour: 1, Budget.day: 1, Budget.week: 7, Budget.month: 30}


class StepDict(TypedDict):
    title: str
    kind: str
    minutes: int
    topics: list[str]
    question_ids: list[str]
    prompt_id: str | None
    budget: str


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a study plan."""

    title: str
    kind: str  # quiz, design, read (a model answer), review, mock
    minutes: int
    topics: tuple[str, ...] = ()
    question_ids: tuple[str, ...] = ()
    prompt_id: str | None = None
    budget: str = "1h"

    def to_dict(self) -> StepDict:
        d = asdict(self)
        d["topics"], d["question_ids"] = list(self.topics), list(self.question_ids)
        return d  # type: ignore[return-value]


def budget_for_days(days_left: int) -> Budget:
    """The study path that fits the days before the interview (today counts as 0)."""
    if days_left < 1:
        return Budget.hour
    if days_left < 3:
        return Budget.day
    if days_left < 14:
        return Budget.week
    return Budget.month


def days_until(interview: date, today: date) -> int:
    """Whole days from today to the interview (negative if it is past)."""
    return (interview - today).days


def build(questions: Iterable[Question | Meta], budget: Budget, robot: Robot | None,
          prompts: Sequence[str] | None = None) -> list[Step]:
    """The ordered steps of the plan for `budget`, tailored to `robot` (None: every robot): its questions, and
    the design prompts closest to it first."""
    if prompts is None:
        own = ROBOT_PROMPTS.get(robot, ()) if robot else ()
        prompts = [*own, *(p for p in DESIGN_ORDER if p not in own)]
    steps: list[Step] = []
    pool = [q for q in questions if q.fits(robot)]
    for level in Budget:
        if level.rank > budget.rank:
            break
        steps += _quiz_steps([q for q in pool if q.budget is level], level)
        first, last = DESIGN_BY_BUDGET[list(Budget)[level.rank - 1]] if level.rank else 0, DESIGN_BY_BUDGET[level]
        steps += [Step(f"Design round: {pid}", "design", 45 if level is not Budget.hour else 15,
                       prompt_id=pid, budget=level.value) for pid in prompts[first:last]]
        if level is Budget.hour and not prompts[first:last] and prompts:
            # the prompt a longer plan reaches last: reading its outline now spoils no round soon
            steps.append(Step(f"Read a model design answer: coach design show {prompts[-1]} --outline", "read",
                              5, prompt_id=prompts[-1], budget=level.value))
        steps.append(Step("Review what you missed (coach weak, then coach quiz --weak)", "review",
                          5 if level is Budget.hour else 30, budget=level.value))
        if level.rank >= Budget.week.rank:
            steps.append(Step("Timed mock interview (coach mock)", "mock", 45, budget=level.value))
    return steps


def _quiz_steps(questions: list[Question | Meta], level: Budget) -> list[Step]:
    ordered = sorted(questions, key=lambda q: (list(Topic).index(q.topic), q.difficulty))
    steps = []
    for start in range(0, len(ordered), BLOCK):
        chunk = ordered[start:start + BLOCK]
        topics = tuple(dict.fromkeys(q.topic.value for q in chunk))
        minutes = max(5, round(sum(MINUTES[q.type] for q in chunk)))
        steps.append(Step(f"Quiz ({level.value} path): {', '.join(topics)}", "quiz", minutes, topics,
                          tuple(q.id for q in chunk), budget=level.value))
    return steps


def daily_new(configured: int, unseen: int, days_left: int | None, budget: Budget) -> int:
    """New questions a day: the configured limit, raised so the plan's `unseen` questions fit in the days left
    (a plan without an interview date spreads over its budget's days). A limit of 0 (a pause) and an interview
    that has passed keep the configured limit."""
    if configured == 0 or (days_left is not None and days_left < 0):
        return configured
    days = days_left if days_left is not None else BUDGET_DAYS[budget]
    return max(configured, -(-unseen // max(1, days)))


def question_order(steps: Iterable[Step]) -> dict[str, int]:
    """Question id -> position in the plan, for `coach quiz` to follow."""
    ids = [qid for s in steps for qid in s.question_ids]
    return {qid: i for i, qid in enumerate(ids)}


# weak-topic ranking -----------------------------------------------------------------------------------------
@dataclass(slots=True, eq=False)
class Weakness:
    """How weak one topic (or subtopic) is, from answers, lapses, retrievability and design scores."""

    topic: str
    subtopic: str = ""
    attempts: int = 0
    correct: int = 0
    recent_attempts: int = 0
    recent_correct: int = 0
    lapses: int = 0
    retrievability: float | None = None
    design_score: float | None = None
    subtopics: list[Weakness] = field(default_factory=list)

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.attempts if self.attempts else None

    @property
    def recent_accuracy(self) -> float | None:
        return self.recent_correct / self.recent_attempts if self.recent_attempts else None

    @property
    def weakness(self) -> float:
        """0 (strong) to 1 (weak); a topic never practised counts as 0.5, unknown rather than strong."""
        parts: list[tuple[float, float]] = []
        if self.attempts:
            parts.append((0.35, 1 - (self.recent_accuracy if self.recent_accuracy is not None else 0.0)))
            parts.append((0.15, 1 - (self.accuracy or 0.0)))
            parts.append((0.15, min(1.0, self.lapses / max(self.attempts, 1) * 2)))
        if self.retrievability is not None:
            parts.append((0.2, 1 - self.retrievability))
        if self.design_score is not None:
            parts.append((0.15, 1 - self.design_score))
        if not parts:
            return 0.5
        return sum(w * v for w, v in parts) / sum(w for w, _ in parts)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"topic": self.topic}
        if self.subtopic:
            out["subtopic"] = self.subtopic
        out.update(accuracy=_round(self.accuracy), recent_accuracy=_round(self.recent_accuracy),
                   attempts=self.attempts, lapses=self.lapses, retrievability=_round(self.retrievability),
                   design_score=_round(self.design_score), weakness=_round(self.weakness))
        if self.subtopics:
            out["subtopics"] = [s.to_dict() for s in self.subtopics]
        return out


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


@dataclass(frozen=True, slots=True)
class QuestionStats:
    """Per-question inputs to the weak ranking."""

    question_id: str
    topic: str
    subtopic: str
    attempts: int
    correct: int
    recent_attempts: int
    recent_correct: int
    lapses: int
    retrievability: float | None


def rank(stats: Iterable[QuestionStats], design_by_topic: dict[str, float]) -> list[Weakness]:
    """Topics (with their subtopics) from weakest to strongest."""
    topics = {t.value: Weakness(t.value) for t in Topic}
    subs: dict[tuple[str, str], Weakness] = {}
    retr: dict[Weakness, list[float]] = defaultdict(list)
    for s in stats:
        topic = topics.setdefault(s.topic, Weakness(s.topic))
        sub = subs.setdefault((s.topic, s.subtopic), Weakness(s.topic, s.subtopic or "general"))
        for target in (topic, sub):
            target.attempts += s.attempts
            target.correct += s.correct
            target.recent_attempts += s.recent_attempts
            target.recent_correct += s.recent_correct
            target.lapses += s.lapses
            if s.retrievability is not None:
                retr[target].append(s.retrievability)
    for target, values in retr.items():
        target.retrievability = sum(values) / len(values)
    for topic_name, score in design_by_topic.items():
        if topic_name in topics:
            topics[topic_name].design_score = score
    for (topic_name, _), w in subs.items():
        topics[topic_name].subtopics.append(w)
    for w in topics.values():
        w.subtopics.sort(key=lambda x: (-x.weakness, x.subtopic))
    return sorted(topics.values(), key=lambda w: (-w.weakness, w.topic))


def pick_prompt(prompt_ids: Iterable[str], criteria: Iterable[tuple[str, str, int, float]], robot: Robot | None) -> str:
    """The design prompt a mock interview should use: the weakest (never tried counts as 0.5), nudged toward the
    prompts closest to the user's robot. `criteria` rows are (prompt, criterion, attempts, mean score 0-1)."""
    scores: dict[str, list[float]] = defaultdict(list)
    for prompt_id, _criterion, _n, mean in criteria:
        scores[prompt_id].append(mean)
    relevant = ROBOT_PROMPTS.get(robot, ()) if robot else ()

    def weakness(pid: str) -> float:
        base = 1 - sum(scores[pid]) / len(scores[pid]) if scores.get(pid) else 0.5
        return base + (0.15 - 0.05 * relevant.index(pid) if pid in relevant else 0.0)

    ordered = sorted(prompt_ids, key=lambda pid: DESIGN_ORDER.index(pid) if pid in DESIGN_ORDER else len(DESIGN_ORDER))
    return max(ordered, key=weakness)
