"""plan, weak, stats and today in plain mode, with a pinned clock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coach.cli import app

runner = CliRunner()


def invoke(*args: str, input: str | None = None):
    result = runner.invoke(app, list(args), input=input)
    assert "Traceback" not in result.output
    return result


def answer_wrong(times: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the canary question `times` times, a day apart (COACH_SEED keeps the choice order between runs)."""
    monkeypatch.setenv("COACH_SEED", "3")
    for day in range(times):
        monkeypatch.setenv("COACH_NOW", f"2026-11-{10 + day:02d}T09:00:00Z")
        result = invoke("quiz", "--plain", "--topic", "fleet-mlops", "--robot", "any", "--limit", "1", input="")
        if "Giving a new policy" not in result.stdout:
            continue
        lines = result.stdout.splitlines()
        wrong = next(line.split(")")[0].strip() for line in lines if ") Shadow deployment" in line)
        invoke("quiz", "--plain", "--topic", "fleet-mlops", "--robot", "any", "--limit", "1", input=wrong + "\n")


def test_plan_json_and_interview_is_remembered(test_bank: Path) -> None:
    result = invoke("plan", "--interview", "2026-11-28", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["budget"] == "1d" and data["days_left"] == 2
    assert {"title", "kind", "minutes", "topics", "question_ids", "prompt_id"} <= set(data["steps"][0])
    again = json.loads(invoke("plan", "--json").stdout)
    assert again["interview"] == "2026-11-28" and again["budget"] == "1d"
    today = invoke()
    assert "Interview 2026-11-28: 2 day(s) left (1d path)" in today.stdout
    assert "Next step: Quiz (1h path): data-pipelines" in today.stdout


def test_plan_time_and_bad_date(test_bank: Path) -> None:
    assert json.loads(invoke("plan", "--time", "1h", "--json").stdout)["budget"] == "1h"
    bad = invoke("plan", "--interview", "next tuesday")
    assert bad.exit_code == 1 and "is not a date (use YYYY-MM-DD" in bad.stderr
    both = invoke("plan", "--time", "1h", "--interview", "2026-12-01")
    assert both.exit_code == 1


def test_quiz_follows_the_plan(test_bank: Path) -> None:
    invoke("focus", "humanoid")
    invoke("plan", "--time", "1m")
    result = invoke("quiz", "--plain", input="q\n")
    # the plan orders by budget then topic: the 1h data-pipelines core first
    assert "[1/4] data-pipelines / mcap" in result.stdout


def test_weak_ranks_failures_and_flags_leeches(test_bank: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    answer_wrong(7, monkeypatch)
    result = invoke("weak", "--json")
    data = json.loads(result.stdout)
    top = data["topics"][0]
    assert top["topic"] == "fleet-mlops" and top["accuracy"] == 0.0 and top["attempts"] >= 6
    assert {"topic", "accuracy", "attempts", "lapses", "retrievability"} <= set(top)
    assert [leech["id"] for leech in data["leeches"]] == ["t-canary"]
    assert data["leeches"][0]["explanation"].startswith("A canary acts on real traffic")
    text = invoke("weak")
    assert "Leech (" in text.stdout and "Reread: A canary acts" in text.stdout


def test_weak_drill_only_touches_answered_cards(test_bank: Path, monkeypatch: pytest.MonkeyPatch,
                                                coach_env: Path) -> None:
    import sqlite3

    answer_wrong(2, monkeypatch)
    db = sqlite3.connect(coach_env / "coach.db")
    before = dict(db.execute("SELECT question_id, card_json FROM cards"))
    result = invoke("quiz", "--plain", "--weak", "--robot", "any", input="1\n")
    assert "fleet-mlops" in result.stdout.split("\n")[1]
    after = dict(db.execute("SELECT question_id, card_json FROM cards"))
    changed = {qid for qid in after if before.get(qid) != after[qid]}
    assert len(changed) == 1


def test_stats_json_and_text(test_bank: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    answer_wrong(3, monkeypatch)
    data = json.loads(invoke("stats", "--json").stdout)
    assert data["attempts"] == 3 and data["topics"]["fleet-mlops"] == {"attempts": 3, "correct": 0, "accuracy": 0.0}
    assert data["streak_days"] == 3 and isinstance(data["due"], int)
    assert data["heatmap"]["2026-11-12"] == 1 and len(data["due_next_7_days"]) == 7
    assert data["retention_30d"] == 0.0
    text = invoke("stats").stdout
    assert "fleet-mlops" in text and "Streak: 3 day(s)" in text and "Due in the next 7 days" in text


def test_config_rejects_bad_values(test_bank: Path) -> None:
    assert invoke("config", "retention", "1.5").exit_code == 1
    bad = invoke("config", "colour", "red")
    assert bad.exit_code == 1 and "choose one of: new-per-day, retention" in bad.stderr
    assert invoke("config", "retention", "0.85").exit_code == 0
    assert "retention = 0.85" in invoke("config").stdout


def test_past_interview_date_is_refused(test_bank: Path) -> None:
    result = invoke("plan", "--interview", "2026-11-01")
    assert result.exit_code == 1
    assert result.stderr.strip() == ("coach: error: --interview 2026-11-01 is in the past (give the coming date, or "
                                     "--clear to forget it)")
    assert json.loads(invoke("plan", "--json").stdout).get("interview") is None


def test_a_plan_raises_the_daily_limit_so_it_fits_before_the_interview(monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    monkeypatch.setenv("COACH_NOW", "2026-11-26T09:00:00Z")  # the shipped bank: the 1d path has ~80 questions
    first = invoke("quiz", "--plain", "--robot", "any", input="q\n")
    assert "[1/20]" in first.stdout, "without a plan: the configured 20 a day"
    planned = json.loads(invoke("plan", "--interview", "2026-11-27", "--json").stdout)
    in_plan = sum(len(s["question_ids"]) for s in planned["steps"])
    assert planned["budget"] == "1d" and in_plan > 40
    served = int(re.search(r"\[1/(\d+)\]", invoke("quiz", "--plain", "--robot", "any", input="q\n").stdout)[1])
    assert served == in_plan, "the whole 1d path today, not 20 of it"
    assert f"New today: 0/{in_plan}" in invoke().stdout, "the today view shows the same limit"
    invoke("quiz", "--plain", "--robot", "any", "--limit", "30", input="1\n" * 30 + "q\n")
    done, limit = map(int, re.search(r"New today: (\d+)/(\d+)", invoke().stdout).groups())
    assert done >= 20 and limit == in_plan, "the limit holds through the day"
    rest = int(re.search(r"\[1/(\d+)\]", invoke("quiz", "--plain", "--robot", "any", input="q\n").stdout)[1])
    assert rest == in_plan - done, "the rest of the path is served the same day"
    invoke("plan", "--interview", "2026-12-02")  # six days out: the 1w path, spread over the days left
    week = json.loads(invoke("plan", "--json").stdout)
    per_day = -(-sum(len(s["question_ids"]) for s in week["steps"]) // 6)
    served = int(re.search(r"\[1/(\d+)\]", invoke("quiz", "--plain", "--robot", "any", input="q\n").stdout)[1])
    assert served == max(20, per_day) - done, "today's pace for the week path, less what was done today"


def test_quiz_continues_past_a_finished_plan(test_bank: Path) -> None:
    invoke("plan", "--time", "1h")
    invoke("quiz", "--plain", "--robot", "any", input="1\n1\n")
    result = invoke("quiz", "--plain", "--robot", "any", input="q\n")
    assert "[1/" in result.stdout and "Nothing due" not in result.stdout


def test_a_passed_interview_says_so_and_clear_confirms(test_bank: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    invoke("plan", "--interview", "2026-11-28")
    monkeypatch.setenv("COACH_NOW", "2026-12-01T09:00:00Z")
    today = invoke().stdout
    assert "Your interview on 2026-11-28 has passed" in today and "-3 day" not in today
    assert "(interview 2026-11-28, passed)" in invoke("plan").stdout
    cleared = invoke("plan", "--clear")
    assert cleared.exit_code == 0 and "Forgot the saved plan and interview date" in cleared.stdout
    assert "interview" not in json.loads(invoke("plan", "--json").stdout)


def test_plan_ticks_the_steps_done(test_bank: Path) -> None:
    invoke("plan", "--time", "1h")
    steps = json.loads(invoke("plan", "--json").stdout)["steps"]
    assert steps[0]["kind"] == "quiz" and steps[0]["done"] is False
    assert {s["kind"]: s["done"] for s in steps if s["kind"] in ("review", "mock")} == {"review": None}
    invoke("quiz", "--plain", "--robot", "any", input="1\n1\n")
    assert json.loads(invoke("plan", "--json").stdout)["steps"][0]["done"] is True
    shown = invoke("plan").stdout
    assert "Done: 1 of 1 quiz and design steps" in shown and "✓  1. [quiz]" in shown, "reading an outline is not counted"
    today = invoke().stdout
    assert "plan complete" in today, "the next step moves past the reading step"
    assert "Plan: 2 of 2 questions answered at least once" in today
