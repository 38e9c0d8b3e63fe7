from __future__ import annotations

from coach import bank, plan
from coach.model import Budget, Robot

from conftest import DATA

QUESTIONS = bank.load([DATA / "bank.yaml"]).questions


def ids(steps: list[plan.Step]) -> list[str]:
    return [s.title for s in steps]


def test_longer_budget_is_a_superset_that_starts_with_the_shorter_one() -> None:
    plans = [plan.build(QUESTIONS, b, None) for b in Budget]
    for shorter, longer in zip(plans, plans[1:]):
        assert longer[: len(shorter)] == shorter
        assert len(longer) > len(shorter)
    core = {qid for s in plans[0] for qid in s.question_ids}
    assert core == {"t-mcap-default", "t-rlds-required"}
    month = plans[-1]
    assert {s.prompt_id for s in month if s.kind == "design"} == set(plan.DESIGN_ORDER)
    assert any(s.kind == "mock" for s in month) and not any(s.kind == "mock" for s in plans[1])


def test_plan_is_tailored_to_the_robot() -> None:
    humanoid = {q for s in plan.build(QUESTIONS, Budget.month, Robot.humanoid) for q in s.question_ids}
    drone = {q for s in plan.build(QUESTIONS, Budget.month, Robot.drone) for q in s.question_ids}
    assert "t-humanoid-dof" in humanoid and "t-humanoid-dof" not in drone
    assert "t-dr-recall" in drone and "t-ppo-batch" not in drone


def test_steps_have_minutes_topics_and_ids() -> None:
    for step in plan.build(QUESTIONS, Budget.week, None):
        assert step.minutes > 0 and step.kind in {"quiz", "design", "read", "review", "mock"}
        if step.kind == "quiz":
            assert step.question_ids and step.topics
        if step.kind == "design":
            assert step.prompt_id in plan.DESIGN_ORDER


def test_budget_for_days() -> None:
    assert [plan.budget_for_days(d) for d in (0, 1, 2, 3, 13, 14, 60)] == [
        Budget.hour, Budget.day, Budget.day, Budget.week, Budget.week, Budget.month, Budget.month]


def test_rank_puts_failing_topics_first_and_unpractised_in_the_middle() -> None:
    stats = [
        plan.QuestionStats("a", "simulation", "mujoco", 10, 9, 5, 5, 0, 0.95),
        plan.QuestionStats("b", "data-pipelines", "mcap", 10, 3, 5, 1, 6, 0.4),
        plan.QuestionStats("c", "data-pipelines", "rlds", 4, 4, 2, 2, 0, 0.9),
    ]
    ranking = plan.rank(stats, {"fleet-mlops": 0.6})
    # never practised (sim-to-real) ranks as unknown, 0.5: above a 60% design score, below real failures
    assert [w.topic for w in ranking] == ["data-pipelines", "sim-to-real", "fleet-mlops", "simulation"]
    dp = ranking[0]
    assert (dp.attempts, dp.correct, dp.lapses) == (14, 7, 6)
    assert [s.subtopic for s in dp.subtopics] == ["mcap", "rlds"]
    assert abs(dp.retrievability - 0.65) < 1e-9
    assert dp.to_dict()["subtopics"][0]["accuracy"] == 0.3


def test_pick_prompt_prefers_weak_criteria_and_the_robot() -> None:
    ids = list(plan.DESIGN_ORDER)
    assert plan.pick_prompt(ids, [], None) == "teleop-flywheel"
    assert plan.pick_prompt(ids, [], Robot.drone) == "fleet-observability"
    weak_ota = [("ota-policy-rollout", "rollback", 2, 0.1), ("ota-policy-rollout", "staging", 2, 0.3)]
    assert plan.pick_prompt(ids, weak_ota, Robot.drone) == "ota-policy-rollout"
    strong_obs = [("fleet-observability", c, 1, 0.9) for c in ("a", "b")]
    assert plan.pick_prompt(ids, strong_obs, Robot.drone) == "ota-policy-rollout"


def test_daily_new_fits_the_plan_into_the_days_left() -> None:
    assert plan.daily_new(20, 83, 1, Budget.day) == 83  # interview tomorrow: the whole path today
    assert plan.daily_new(20, 143, 6, Budget.week) == 24  # ceil(143 / 6)
    assert plan.daily_new(20, 30, 6, Budget.week) == 20  # the configured limit is a floor
    assert plan.daily_new(20, 143, None, Budget.week) == 21  # no date: spread over the budget's 7 days
    assert plan.daily_new(20, 50, 0, Budget.hour) == 50  # interview today
    assert plan.daily_new(0, 143, 6, Budget.week) == 0  # new-per-day 0 pauses new questions, plan or not
    assert plan.daily_new(20, 38, -3, Budget.hour) == 20  # the interview has passed: no rush


def test_the_robots_own_design_prompts_come_first() -> None:
    order = [s.prompt_id for s in plan.build(QUESTIONS, Budget.month, Robot.quadruped) if s.kind == "design"]
    assert order[:2] == list(plan.ROBOT_PROMPTS[Robot.quadruped]) and sorted(order) == sorted(plan.DESIGN_ORDER)
    for robot in (Robot.quadruped, Robot.drone, None):  # still nested: each budget's plan starts the next one's
        plans = [plan.build(QUESTIONS, b, robot) for b in Budget]
        for shorter, longer in zip(plans, plans[1:]):
            assert [s.title for s in longer[: len(shorter)]] == [s.title for s in shorter]


def test_the_model_answer_to_read_is_not_a_round_the_plan_asks_soon() -> None:
    for robot in (None, Robot.quadruped, Robot.arm):
        month = plan.build(QUESTIONS, Budget.month, robot)
        (read,) = [s for s in month if s.kind == "read"]
        rounds = [s.prompt_id for s in month if s.kind == "design"]
        assert read.prompt_id == rounds[-1] and read.prompt_id not in rounds[:4], (robot, read.prompt_id)
