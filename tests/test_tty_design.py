"""A design round in a real pseudo-terminal: rich output, a clarifying question, then Ctrl-C or Ctrl-D mid-round."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pexpect

from conftest import child_env, exit_code


def spawn(home: Path, *args: str) -> pexpect.spawn:
    env = child_env(COACH_HOME=str(home), PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm")
    return pexpect.spawn(sys.executable, ["-m", "coach", "design", "run", "teleop-flywheel", *args], env=env,
                         dimensions=(40, 120), timeout=10, encoding="utf-8")


def attempts(home: Path) -> list[tuple[str, float, str]]:
    return sqlite3.connect(home / "coach.db").execute(
        "SELECT prompt_id, score, answer FROM design_attempts ORDER BY id").fetchall()


def test_ctrl_c_mid_round_scores_what_was_written(coach_env: Path) -> None:
    child = spawn(coach_env)
    child.expect("Phase 1/6: Requirements and scope")
    child.expect("> ")
    child.sendline("? how many robots")
    child.expect("100 robots across 4 sites")
    child.expect("> ")
    child.sendline("Demos from 100 robots must be trainable within 12 hours because researchers retrain daily.")
    child.expect("> ")
    child.sendline(".")
    child.expect("Phase 2/6: Scale estimate")
    child.expect("> ")
    child.sendline("Three cameras at 5 Mbps is 6.75 GB per robot-hour, so robots upload when docked.")
    child.expect("> ")  # the line was read before Ctrl-C
    child.sendintr()
    child.expect("Round ended early")
    child.expect("Score: ")
    child.expect("Model outline")
    assert exit_code(child) == 0
    (prompt, score, answer), = attempts(coach_env)
    assert prompt == "teleop-flywheel" and score > 0
    assert "within 12 hours" in answer and "6.75 GB per robot-hour" in answer and "- how many robots?" in answer


def test_ctrl_d_ends_the_round(coach_env: Path) -> None:
    child = spawn(coach_env, "--robot", "amr")
    child.expect("Focus: warehouse AMRs")
    child.expect("> ")
    child.sendline("AMRs upload MCAP over site Wi-Fi while they charge every two hours.")
    child.expect("> ")
    child.sendeof()
    child.expect("Score: ")
    assert exit_code(child) == 0
    assert len(attempts(coach_env)) == 1
