from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coach.cli import app

runner = CliRunner()


def invoke(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


def stats() -> dict:
    result = invoke("stats", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_plain_quiz_grades_stores_and_summarises(test_bank: Path, coach_env: Path) -> None:
    # --budget 1h gives the two core questions in bank order: an mcq then a multi
    result = invoke("quiz", "--budget", "1h", "--plain", input="1\n1,2\n")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "[1/2] data-pipelines / mcap · mcq" in out and "[2/2] data-pipelines / rlds · multi" in out
    assert "Source: https://github.com/ros2/rosbag2/pull/1160" in out and "Session:" in out
    rows = sqlite3.connect(coach_env / "coach.db").execute(
        "SELECT question_id, correct, rating, session FROM attempts ORDER BY id").fetchall()
    assert [r[0] for r in rows] == ["t-mcap-default", "t-rlds-required"]
    assert len({r[3] for r in rows}) == 1
    shown = [line for line in out.splitlines() if line.startswith("  1) ")]
    assert rows[0][1] == (shown[0] == "  1) Iron Irwini")


def test_right_answer_by_choice_text(test_bank: Path, coach_env: Path) -> None:
    result = invoke("quiz", "--budget", "1h", "--limit", "1", "--plain", input="1\n")
    lines = result.stdout.splitlines()
    pick = next(i for i, line in enumerate(lines) if line.strip().startswith("1)"))
    chosen = lines[pick].split(") ", 1)[1]
    verdict = "Right." if chosen == "Iron Irwini" else "Wrong. Answer: Iron Irwini"
    assert verdict in result.stdout


def test_two_sessions_of_five_give_ten_attempts(test_bank: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = "1\n1\n98304\nthink\n3\n1\n"
    for day in ("2026-11-26T09:00:00Z", "2026-11-29T09:00:00Z"):
        monkeypatch.setenv("COACH_NOW", day)
        result = invoke("quiz", "--plain", "--robot", "any", "--limit", "5", input=answers * 3)
        assert result.exit_code == 0, result.output
        assert "Session:" in result.stdout
    assert stats()["attempts"] == 10


def test_end_of_input_keeps_answers_and_exits_zero(test_bank: Path) -> None:
    result = invoke("quiz", "--plain", "--robot", "any", input="1\n")
    assert result.exit_code == 0
    assert "Session: " in result.stdout and "/1 right" in result.stdout
    assert stats()["attempts"] == 1


def test_invalid_plain_input_reprompts(test_bank: Path) -> None:
    result = invoke("quiz", "--plain", "--budget", "1h", "--limit", "1", input="7\nabc\n2\n")
    assert result.stdout.count("enter a number from 1 to 3") == 2
    assert stats()["attempts"] == 1


def test_focus_is_remembered_and_filters(test_bank: Path) -> None:
    assert invoke("focus", "quadruped").exit_code == 0
    assert invoke("focus").stdout.strip() == "quadruped"
    result = invoke("quiz", "--plain", input="q\n" * 10)
    assert "t-humanoid-dof" not in result.stdout and "Pick A" not in result.stdout
    result = invoke("quiz", "--plain", "--topic", "simulation", input="98304\n")
    assert "4096 environments" in result.stdout and "Right." in result.stdout
    result = invoke("quiz", "--plain", "--robot", "humanoid", "--topic", "fleet-mlops", input="1\nq\n")
    assert "Pick A" in result.stdout


def test_a_numeric_answer_in_a_unit_coach_cannot_convert_is_asked_again(test_bank: Path, coach_env: Path) -> None:
    result = invoke("quiz", "--plain", "--topic", "simulation", input="98 kg\n98.3 thousand transitions\n")
    assert "coach can't turn 'kg' into transitions: answer in transitions (q to stop)" in result.stdout
    assert "Right. (you said 98.3 thousand transitions = 98300 transitions)" in result.stdout
    rows = sqlite3.connect(coach_env / "coach.db").execute("SELECT given, correct FROM attempts")
    assert rows.fetchall() == [("98.3 thousand transitions", 1)], "the refused answer is not stored"


@pytest.mark.parametrize(("typed", "saved"), [("Quadruped", "quadruped"), ("mobile manipulator", "mobile-manipulator"),
                                             (" ANY ", "any")])
def test_robot_names_are_read_as_people_type_them(test_bank: Path, typed: str, saved: str) -> None:
    result = invoke("focus", typed)
    assert result.exit_code == 0 and result.stderr.strip() == f"focus set to {saved}"
    assert invoke("focus").stdout.strip() == saved


def test_unknown_robot_lists_valid_ones(test_bank: Path) -> None:
    result = invoke("focus", "robodog")
    assert result.exit_code == 1
    assert result.stderr.strip() == ("coach: error: unknown robot 'robodog' (choose one of: humanoid, quadruped, arm, "
                                     "mobile-manipulator, amr, drone, autonomous-vehicle, any)")


def test_broken_bank_gives_one_located_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, test_bank: Path) -> None:
    broken = tmp_path / "mine.yaml"
    broken.write_text(test_bank.read_text().replace("answer: Iron Irwini", "answer: Iron"))
    monkeypatch.setenv("COACH_BANK_PATH", str(broken))
    for args in (["bank", "check"], ["quiz", "--plain"], ["bank", "check", str(broken)]):
        result = invoke(*args)
        assert result.exit_code == 1
        assert result.stderr.splitlines() == [
            f"coach: error: {broken}:12: [t-mcap-default] answer 'Iron' is not one of the choices "
            "(copy the exact text of one choice)"]


def test_bank_stats_json(test_bank: Path) -> None:
    result = invoke("bank", "stats", "--json")
    data = json.loads(result.stdout)
    assert data["questions"] == 6 and data["topic"]["fleet-mlops"] == 2 and data["robot"]["humanoid"] == 1
    assert data["budget"] == {"1h": 2, "1d": 2, "1w": 1, "1m": 1}
    table = invoke("bank", "stats")
    assert "Robot by topic" in table.stdout and "Budget by topic" in table.stdout


def test_daily_new_limit_is_settable(test_bank: Path) -> None:
    assert invoke("config", "new-per-day", "2").exit_code == 0
    first = invoke("quiz", "--plain", "--robot", "any", input="1\n1\n1\n1\n")
    assert "[2/2]" in first.stdout and "[3/" not in first.stdout
    again = invoke("quiz", "--plain", "--robot", "any", input="1\n")
    assert "Nothing due and no new questions left for today" in again.stdout
    assert stats()["attempts"] == 2


def test_version_and_no_traceback_on_bad_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert invoke("--version").stdout.startswith("coach 0.")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("COACH_HOME", str(blocker / "sub"))
    result = invoke("stats")
    assert result.exit_code == 1 and result.stderr.startswith("coach: error: cannot write to COACH_HOME")


def test_no_bank_at_all_is_an_error_not_an_empty_quiz(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_SHIPPED_BANK", "0")
    for args in (["bank", "check"], ["quiz", "--plain"]):
        result = invoke(*args)
        assert result.exit_code == 1
        assert result.stderr.startswith("coach: error: ") and "no questions found" in result.stderr
        assert "COACH_BANK_PATH" in result.stderr
