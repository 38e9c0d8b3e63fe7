from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from coach import bank
from coach.errors import BankError
from coach.model import Budget, Filters, QType, Robot, Topic

from conftest import DATA, GOOD


def write(tmp_path: Path, body: str, name: str = "b.yaml") -> Path:
    path = tmp_path / name
    path.write_text(body)
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(BankError) as info:
        bank.load([path])
    return str(info.value).splitlines()


def test_loads_every_type_with_enums_and_lines() -> None:
    loaded = bank.load([DATA / "bank.yaml"])
    by_id = {q.id: q for q in loaded.questions}
    assert {q.type for q in loaded.questions} == set(QType)
    numeric = by_id["t-ppo-batch"]
    assert numeric.answer == 98304.0 and numeric.tolerance == 500 and numeric.unit == "transitions"
    assert numeric.robots == (Robot.quadruped,) and numeric.topic is Topic.simulation
    assert by_id["t-mcap-default"].robots == () and by_id["t-mcap-default"].line == 3
    assert by_id["t-rlds-required"].answers == ("is_first", "is_last")
    assert "t-ppo-batch" in loaded and "no-such-id" not in loaded and loaded.get("t-ppo-batch") == numeric


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("    topic: simulation\n", "    topic: simulations\n"), "b.yaml:3: [q-one] topic 'simulations' is not valid"),
        (("    robots: [any]\n", "    robots: [dog]\n"), "b.yaml:4: [q-one] robot 'dog' is not valid"),
        (("    budget: 1h\n", "    budget: 2h\n"), "b.yaml:5: [q-one] budget '2h' is not valid"),
        (("    difficulty: 1\n", "    difficulty: 5\n"), "b.yaml:6: [q-one] difficulty must be 1, 2 or 3"),
        (("    type: mcq\n", "    type: essay\n"), "b.yaml:7: [q-one] type 'essay' is not valid"),
        (("    answer: MuJoCo\n", "    answer: Isaac\n"), "b.yaml:10: [q-one] answer 'Isaac' is not one of the choices"),
        (("    explanation: Because. And more.\n", ""), "b.yaml:2: [q-one] missing field 'explanation'"),
        (("    sources: [https://mujoco.org]\n", "    sources: [mujoco.org]\n"), "source 'mujoco.org' is not a URL"),
        (("    prompt: Which engine?\n", "    prompt: Which engine?\n    explaination: x\n"),
         "b.yaml:9: [q-one] unknown field 'explaination'"),
        (("    prompt: Which engine?\n", "    prompt: [a, b]\n"), "'prompt' must be text, got a list"),
        (("- id: q-one\n", "- id: Q One\n"), "must be lowercase letters, digits and '-'"),
    ],
)
def test_each_problem_is_one_located_line(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    path = write(tmp_path, "questions:\n" + GOOD.replace(*change))
    lines = problems(path)
    assert len(lines) == 1
    assert expected in lines[0]
    assert lines[0].startswith(str(path))


def test_multi_and_numeric_rules(tmp_path: Path) -> None:
    body = textwrap.dedent("""\
        questions:
          - id: m
            topic: simulation
            robots: [any]
            budget: 1h
            difficulty: 1
            type: multi
            prompt: p
            choices: [a, b]
            answers: [a, c]
            explanation: e
            sources: [https://x.org]
          - id: n
            topic: simulation
            robots: [any]
            budget: 1h
            difficulty: 1
            type: numeric
            prompt: p
            answer: ten
            tolerance: -1
            unit: s
            explanation: e
            sources: [https://x.org]
        """)
    lines = problems(write(tmp_path, body))
    assert any("[m] answers item 'c' is not one of the choices" in line for line in lines)
    assert any(":20: [n] 'answer' must be a number, got str" in line for line in lines)
    assert any("[n] tolerance must be >= 0" in line for line in lines)
    assert lines == sorted(lines, key=lambda line: int(line.split(":")[1]))


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_a_numeric_key_must_be_a_finite_number(tmp_path: Path, value: str) -> None:
    entry = GOOD.replace("type: mcq", "type: numeric").replace("    choices: [MuJoCo, Gazebo]\n", "")
    entry = entry.replace("answer: MuJoCo", f"answer: {value}\n    tolerance: 1\n    unit: s")
    (line,) = problems(write(tmp_path, "questions:\n" + entry))
    assert "[q-one] 'answer' must be a number, got" in line and "write 'answer: 42'" in line


def test_duplicate_ids_across_files_name_the_first(tmp_path: Path) -> None:
    a = write(tmp_path, "questions:\n" + GOOD, "a.yaml")
    write(tmp_path, "questions:\n" + GOOD, "b.yaml")
    with pytest.raises(BankError) as info:
        bank.load([tmp_path])
    assert str(info.value) == (f"{tmp_path / 'b.yaml'}:2: [q-one] duplicate id, first defined at {a}:2 "
                               "(ids must be unique across all bank files)")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", ":1: file is empty"),
        (b"questions:\n  - id: x\n    prompt: [unclosed\n", ":4: YAML syntax error"),
        (b"questions:\n  - id: caf\xe9\n", ":2: not UTF-8"),
        (b"- just\n- a list\n", ":1: expected a top-level 'questions:' list"),
        (b"questions: 3\n", ":1: 'questions' must be a list"),
        (b"questions:\n  - 42\n", "each question must be a mapping, got int"),
    ],
)
def test_broken_files(tmp_path: Path, raw: bytes, expected: str) -> None:
    path = tmp_path / "b.yaml"
    path.write_bytes(raw)
    lines = problems(path)
    assert len(lines) == 1 and expected in lines[0]


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    levels += [f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]"
               for i in range(9)]
    lines = problems(write(tmp_path, "\n".join(levels) + "\nquestions: *j\n"))
    assert len(lines) == 1 and "aliases (*name) are not allowed" in lines[0]


def test_huge_file_is_refused_without_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bank, "MAX_FILE_BYTES", 1024)
    lines = problems(write(tmp_path, "questions:\n" + GOOD * 10))
    assert len(lines) == 1 and "file is 2.4 KiB, over the 1.0 KiB limit" in lines[0]


def test_cache_skips_parsing_and_follows_edits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "questions:\n" + GOOD)
    cache = tmp_path / "cache"
    assert bank.load([path], cache).questions[0].prompt == "Which engine?"
    monkeypatch.setattr(bank, "parse_text", lambda *a: pytest.fail("parsed again despite the cache"))
    again = bank.load([path], cache).questions[0]
    assert again.topic is Topic.simulation and again.budget is Budget.hour and again.choices == ("MuJoCo", "Gazebo")
    monkeypatch.undo()
    path.write_text("questions:\n" + GOOD.replace("Which engine?", "Which simulator?"))
    assert bank.load([path], cache).questions[0].prompt == "Which simulator?"


def test_each_bank_file_keeps_one_cache_entry_however_often_it_is_edited(tmp_path: Path) -> None:
    path, other = write(tmp_path, "questions:\n" + GOOD), tmp_path / "other.yaml"
    other.write_text("questions:\n" + GOOD.replace("q-one", "q-two"))
    cache = tmp_path / "cache"
    for n in range(5):
        path.write_text("questions:\n" + GOOD.replace("Which engine?", f"Which engine, take {n}?"))
        os.utime(path, ns=(n * 10**9, n * 10**9))
        assert bank.load([path, other], cache).questions[0].prompt == f"Which engine, take {n}?"
    kinds = sorted(p.name.split("-")[0] for p in cache.iterdir())
    assert kinds == ["bank", "bank", "ids", "ids"], "one bank and one ids entry per file, not one per edit"


def test_filters_by_robot_topic_and_budget() -> None:
    questions = bank.load([DATA / "bank.yaml"]).questions
    quadruped = [q.id for q in questions if Filters(robot=Robot.quadruped).admits(q)]
    assert "t-ppo-batch" in quadruped and "t-dr-recall" not in quadruped and "t-mcap-default" in quadruped
    core = [q.id for q in questions if Filters(budget=Budget.hour).admits(q)]
    assert core == ["t-mcap-default", "t-rlds-required"]


def test_coverage_counts_every_dimension() -> None:
    report = bank.coverage(bank.load([DATA / "bank.yaml"]))
    assert report["questions"] == 6
    assert report["type"] == {"mcq": 3, "multi": 1, "recall": 1, "numeric": 1}
    assert report["robot"]["any"] == 3 and report["robot"]["drone"] == 1
    assert report["topic_by_budget"]["fleet-mlops"] == {"1h": 0, "1d": 0, "1w": 1, "1m": 1}


def test_question_ids_come_from_a_small_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "questions:\n" + GOOD)
    cache = tmp_path / "cache"
    assert bank.question_ids([path], cache) == {"q-one"}  # first call parses and fills both caches
    monkeypatch.setattr(bank, "_load_file", lambda *a: pytest.fail("loaded the whole bank for ids"))
    assert bank.question_ids([path], cache) == {"q-one"}


def test_every_problem_of_an_entry_is_reported_in_one_run(tmp_path: Path) -> None:
    entry = (GOOD.replace("id: q-one", "id: Bad_ID").replace("topic: simulation", "topic: simulations")
             .replace("robots: [any]", "robots: [robodog]").replace("budget: 1h", "budget: 2d")
             .replace("    difficulty: 1\n", "").replace("[https://mujoco.org]", "[ftp://mujoco.org]"))
    lines = problems(write(tmp_path, "questions:\n" + entry))
    wanted = ["id 'Bad_ID' must be", "missing field 'difficulty'", "topic 'simulations' is not valid",
              "robot 'robodog' is not valid", "budget '2d' is not valid", "source 'ftp://mujoco.org' is not a URL"]
    for text in wanted:
        assert sum(text in line for line in lines) == 1, (text, lines)
    assert len(lines) == len(wanted)
