"""coach mock: rapid-fire, then a design round, then a report; plain mode and a real pseudo-terminal."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pexpect
from typer.testing import CliRunner

from coach.cli import app

from conftest import DATA, NOW, child_env, exit_code

ANSWER = ("We log every teleop episode to MCAP because it is append-only, so a crash loses seconds, not the episode.\n"
          "Failures found in deployment become new teleop tasks so that the flywheel targets what the policy gets wrong.\n"
          ".\n")


def rows(home: Path, sql: str) -> list[tuple]:
    return sqlite3.connect(home / "coach.db").execute(sql).fetchall()


def test_plain_mock_stores_answers_and_writes_both_reports(test_bank: Path, coach_env: Path) -> None:
    result = CliRunner().invoke(app, ["mock", "--minutes", "10", "--plain", "--robot", "any", "--prompt",
                                      "teleop-flywheel"], input="1\n" * 3 + ANSWER)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Mock interview, 10 min: rapid-fire (3 questions, 3 min)" in out
    assert " left" in out.split("\n[1/3]")[1].splitlines()[0], "the time left is shown with each question"
    assert "Design round: Teleoperation-to-training data flywheel" in out or "Design round:" in out
    assert rows(coach_env, "SELECT count(*) FROM attempts") == [(3,)]
    assert rows(coach_env, "SELECT prompt_id FROM design_attempts") == [("teleop-flywheel",)]
    reports = sorted((coach_env / "reports").iterdir())
    assert [p.suffix for p in reports] == [".html", ".md"]
    assert f"Report: {reports[0]}" in out
    md = reports[1].read_text()
    assert "Mock interview: rapid-fire" in md and "append-only" in md
    assert "<style>" in reports[0].read_text()


def test_end_of_input_during_rapid_fire_keeps_the_answer(test_bank: Path, coach_env: Path) -> None:
    result = CliRunner().invoke(app, ["mock", "--plain", "--robot", "any"], input="1\n")
    assert result.exit_code == 0
    assert rows(coach_env, "SELECT count(*) FROM attempts") == [(1,)]
    assert rows(coach_env, "SELECT count(*) FROM design_attempts") == [(0,)]
    assert "No design answer." in result.stdout and "Report: " in result.stdout


def test_nothing_answered_writes_no_report(test_bank: Path, coach_env: Path) -> None:
    result = CliRunner().invoke(app, ["mock", "--plain"], input="")
    assert result.exit_code == 0 and "nothing to report" in result.stderr
    assert not (coach_env / "reports").exists()


def test_unknown_prompt_lists_the_valid_ones(test_bank: Path) -> None:
    result = CliRunner().invoke(app, ["mock", "--prompt", "warehouse-robots"])
    assert result.exit_code == 1 and "teleop-flywheel" in result.stderr and "ota-policy-rollout" in result.stderr


def test_short_mock_in_a_terminal(coach_env: Path) -> None:
    env = child_env(COACH_HOME=str(coach_env), COACH_SHIPPED_BANK="0", COACH_BANK_PATH=str(DATA / "bank.yaml"),
                    COACH_NOW=NOW.isoformat(), COACH_SEED="7", PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm")
    child = pexpect.spawn(sys.executable, ["-m", "coach", "mock", "--minutes", "10", "--robot", "any", "--prompt",
                                           "ota-policy-rollout"], env=env, dimensions=(40, 120), timeout=15,
                          encoding="utf-8")
    prompts = ["Your answer:", "Pick all that apply", "Your estimate", "Your answer \\(Enter", "How did you do",
               "Phase 1/"]
    while (index := child.expect(prompts)) != len(prompts) - 1:
        child.send(" \r" if index == 1 else "1\r" if index == 2 else "\r")
    child.expect("left")
    child.sendline("Canary 5% of the fleet first because a bad policy then stops few robots, and roll back on alarms.")
    child.sendcontrol("d")
    child.expect("Report: ")
    assert exit_code(child) == 0
    assert rows(coach_env, "SELECT count(*) FROM attempts") == [(3,)]
    assert rows(coach_env, "SELECT prompt_id FROM design_attempts") == [("ota-policy-rollout",)]
