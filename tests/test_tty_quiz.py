"""The interactive quiz in a real pseudo-terminal: arrow keys, Enter, Ctrl-C."""

from __future__ import annotations

import random
import sqlite3
import sys
from pathlib import Path

import pexpect
import pytest

from conftest import DATA, NOW, child_env, exit_code

DOWN, ENTER = "\x1b[B", "\r"


def spawn(home: Path, *args: str) -> pexpect.spawn:
    env = child_env(COACH_HOME=str(home), COACH_SHIPPED_BANK="0", COACH_BANK_PATH=str(DATA / "bank.yaml"),
                    COACH_NOW=NOW.isoformat(), COACH_SEED="7", PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm")
    return pexpect.spawn(sys.executable, ["-m", "coach", *args], env=env, dimensions=(40, 120), timeout=15,
                         encoding="utf-8")


def attempts(home: Path) -> list[tuple[str, int]]:
    return sqlite3.connect(home / "coach.db").execute("SELECT question_id, correct FROM attempts ORDER BY id").fetchall()


def test_arrow_keys_choose_the_right_answer_and_focus_is_asked_once(coach_env: Path) -> None:
    shown = ["Iron Irwini", "Humble Hawksbill", "Foxy Fitzroy"]
    random.Random(7).shuffle(shown)  # the order coach shows with COACH_SEED=7
    child = spawn(coach_env, "quiz", "--budget", "1h", "--limit", "1")
    child.expect("Which robot are you building for")
    child.send(ENTER)  # the default, any
    child.expect("Your answer:")
    child.send(DOWN * shown.index("Iron Irwini") + ENTER)
    child.expect("Right.")
    child.expect("Session: 1/1 right")
    assert exit_code(child) == 0
    assert attempts(coach_env) == [("t-mcap-default", 1)]
    again = spawn(coach_env, "quiz", "--budget", "1h", "--limit", "1")
    index = again.expect(["Which robot are you building for", "Pick all that apply"])
    assert index == 1, "focus was asked twice"
    again.sendintr()
    again.expect(pexpect.EOF)


def test_ctrl_c_mid_session_keeps_answers(coach_env: Path) -> None:
    child = spawn(coach_env, "quiz", "--budget", "1h", "--robot", "any")
    child.expect("Your answer:")
    child.send(ENTER)
    child.expect("Pick all that apply")
    child.sendintr()
    child.expect("Session: ")
    assert exit_code(child) == 0
    assert [qid for qid, _ in attempts(coach_env)] == ["t-mcap-default"]


@pytest.mark.parametrize("keys", [" " + DOWN + " " + ENTER])
def test_checkbox_multi_answer(coach_env: Path, keys: str) -> None:
    child = spawn(coach_env, "quiz", "--budget", "1h", "--robot", "any", "--limit", "2")
    child.expect("Your answer:")
    child.send(ENTER)
    child.expect("Pick all that apply")
    child.send(keys)
    child.expect("Session: ")
    child.expect(pexpect.EOF)
    rows = attempts(coach_env)
    assert [qid for qid, _ in rows] == ["t-mcap-default", "t-rlds-required"]
    given = sqlite3.connect(coach_env / "coach.db").execute("SELECT given FROM attempts WHERE id = 2").fetchone()[0]
    assert len(given.split(" | ")) == 2


def test_ctrl_c_at_the_first_focus_question_exits_cleanly(coach_env: Path) -> None:
    child = spawn(coach_env, "quiz")
    child.expect("Which robot are you building for")
    child.sendintr()
    assert exit_code(child) == 0 and "internal error" not in (child.before or "")
    assert sqlite3.connect(coach_env / "coach.db").execute("SELECT count(*) FROM settings").fetchone() == (0,)


def test_brackets_in_bank_text_are_shown_not_parsed(coach_env: Path, tmp_path: Path) -> None:
    bank = tmp_path / "mine.yaml"
    text = (DATA / "bank.yaml").read_text().replace("subtopic: mcap", 'subtopic: "mcap [/b]"')
    bank.write_text(text.replace("Which ROS 2 distribution", "Which [bold]ROS 2[/bold] distribution"))
    env = child_env(COACH_HOME=str(coach_env), COACH_SHIPPED_BANK="0", COACH_BANK_PATH=str(bank),
                    COACH_NOW=NOW.isoformat(), PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm")
    child = pexpect.spawn(sys.executable, ["-m", "coach", "quiz", "--robot", "any", "--limit", "1"], env=env,
                          dimensions=(40, 120), timeout=15, encoding="utf-8")
    child.expect_exact("mcap [/b]")
    child.expect_exact("Which [bold]ROS 2[/bold]")
    child.sendintr()
    assert exit_code(child) == 0


def test_long_choices_are_shown_whole_on_a_narrow_terminal(coach_env: Path, tmp_path: Path) -> None:
    stem = "The recorder keeps every message in memory and only writes the bag when the session ends, so a crash "
    choices = [stem + "loses ENDALPHA", stem + "keeps ENDBRAVO", stem + "drops ENDCHARLIE"]
    bank = tmp_path / "long.yaml"
    bank.write_text("questions:\n  - id: q-long\n    topic: data-pipelines\n    robots: [any]\n    budget: 1h\n"
                    "    difficulty: 1\n    type: mcq\n    prompt: Which is true?\n"
                    f"    choices: {choices!r}\n    answer: {choices[1]!r}\n"
                    "    explanation: Because. And more.\n    sources: [https://example.org]\n")
    env = child_env(COACH_HOME=str(coach_env), COACH_SHIPPED_BANK="0", COACH_BANK_PATH=str(bank),
                    COACH_NOW=NOW.isoformat(), COACH_SEED="7", PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm")
    child = pexpect.spawn(sys.executable, ["-m", "coach", "quiz", "--robot", "any"], env=env, dimensions=(40, 80),
                          timeout=15, encoding="utf-8")
    child.expect("Your answer:")
    shown = child.before
    order = sorted(("ENDALPHA", "ENDBRAVO", "ENDCHARLIE"), key=shown.index)  # every ending is on screen
    assert shown.index("1) The recorder") < shown.index(order[0])
    child.send(DOWN * order.index("ENDBRAVO") + ENTER)
    child.expect("Right.")
    child.sendintr()
    child.expect(pexpect.EOF)
