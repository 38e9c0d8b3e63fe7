"""Hostile and edited bank files: every problem is one located `coach: error:` line and exit 1, never a traceback;
history follows the question id across edits. Includes the property test for the loader."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from coach import bank
from coach.cli import app
from coach.errors import BankError
from coach.model import Question

from conftest import DATA, GOOD, NOW, child_env

BOMB = "\n".join(
    [f"a0: &a0 [{', '.join(['lol'] * 9)}]"]
    + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 12)]
) + "\nquestions: *a11\n"  # 9**12 nodes if expanded

# name -> (file bytes, what the one error line must contain after "<path>")
HOSTILE: dict[str, tuple[bytes, str]] = {
    "syntax": (b"questions:\n" + GOOD.replace("[MuJoCo, Gazebo]", "[MuJoCo, Gazebo").encode(),
               ":10: YAML syntax error"),
    "wrong type": (b"questions:\n" + GOOD.replace("difficulty: 1", "difficulty: [1]").encode(),
                   ":6: [q-one] difficulty must be 1, 2 or 3"),
    "text as list": (b"questions:\n" + GOOD.replace("prompt: Which engine?", "prompt: {a: 1}").encode(),
                     ":8: [q-one] 'prompt' must be text, got a mapping"),
    "unknown field": (b"questions:\n" + GOOD.replace("    type: mcq\n", "    type: mcq\n    hint: x\n").encode(),
                      ":8: [q-one] unknown field 'hint'"),
    "duplicate key": (b"questions:\n" + GOOD.replace("    answer: MuJoCo\n", "    answer: MuJoCo\n    answer: Gazebo\n")
                      .encode(), ":11: YAML syntax error: duplicate key 'answer'"),
    "alias bomb": (BOMB.encode(), "aliases (*name) are not allowed"),
    "not utf-8": (b"questions:\n" + GOOD.replace("Which engine?", "Which moteur\xe9?").encode("latin-1"),
                  ":8: not UTF-8 (byte 0xe9)"),
    "empty": (b"", ":1: file is empty"),
    "only a comment": (b"# questions: later\n", ":1: file is empty"),
    "huge integer": (b"questions:\n" + GOOD.replace("difficulty: 1", "difficulty: 0x" + "f" * 4000).encode(),
                     ":6: YAML syntax error: integer out of range"),
    "control character": (b"questions:\n" + GOOD.replace("Which engine?", "Which\x07engine?").encode(),
                          "control characters are not allowed"),
}


def write(folder: Path, body: str | bytes, name: str = "b.yaml") -> Path:
    path = folder / name
    path.write_bytes(body.encode() if isinstance(body, str) else body)
    return path


def assert_one_error(result, where: str, expected: str) -> None:  # noqa: ANN001 - click Result
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"coach: error: {where}"), lines[0]
    assert expected in lines[0], lines[0]
    assert "(" in lines[0] and lines[0].endswith(")"), "no hint saying what to do"
    assert result.stdout == ""


@pytest.mark.parametrize("name", list(HOSTILE))
@pytest.mark.parametrize("command", ["bank check", "quiz"])
def test_hostile_file_is_one_located_line_and_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, command: str
) -> None:
    raw, expected = HOSTILE[name]
    path = write(tmp_path, raw)
    if command == "quiz":
        monkeypatch.setenv("COACH_SHIPPED_BANK", "0")
        monkeypatch.setenv("COACH_BANK_PATH", str(path))
        result = CliRunner().invoke(app, ["quiz", "--plain", "--robot", "any"], input="1\n")
    else:
        result = CliRunner().invoke(app, ["bank", "check", str(path)])
    assert_one_error(result, str(path), expected)


def test_duplicate_ids_across_files_through_quiz(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 coach_env: Path) -> None:
    first = write(tmp_path, "questions:\n" + GOOD, "a.yaml")
    second = write(tmp_path, "questions:\n" + GOOD.replace("Which engine?", "Which simulator?"), "b.yaml")
    monkeypatch.setenv("COACH_SHIPPED_BANK", "0")
    monkeypatch.setenv("COACH_BANK_PATH", f"{first}{os.pathsep}{second}")
    result = CliRunner().invoke(app, ["quiz", "--plain", "--robot", "any"], input="1\n")
    assert_one_error(result, f"{second}:2: [q-one]", f"duplicate id, first defined at {first}:2")
    result = CliRunner().invoke(app, ["bank", "check", str(first), str(second)])
    assert_one_error(result, f"{second}:2: [q-one]", "duplicate id")


def test_huge_file_is_refused_by_size_without_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as f:
        f.write(b"questions:\n" + GOOD.encode())
        f.truncate(bank.MAX_FILE_BYTES + 1)  # sparse: costs no disk and no time
    result = CliRunner().invoke(app, ["bank", "check", str(path)])
    assert_one_error(result, f"{path}: ", f"over the {bank.MAX_FILE_BYTES // 1024 // 1024}.0 MiB limit")


def test_size_limit_is_far_below_what_parses_slowly() -> None:
    # the C loader parses ~3 MB/s of bank YAML: the limit keeps the worst first parse to seconds, while a
    # 10,000-question bank (~11 MB) still fits in one file; later starts read the parse cache
    assert bank.MAX_FILE_BYTES <= 16 * 1024 * 1024
    shipped = Path(__file__).resolve().parents[1] / "question_bank"
    assert all(p.stat().st_size * 10 < bank.MAX_FILE_BYTES for p in shipped.glob("*.yaml"))


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_endless_device_and_alias_bomb_end_quickly_through_the_entry_point(tmp_path: Path) -> None:
    # stat() says /dev/zero has size 0: the loader must bound its read, not trust the size
    bomb = write(tmp_path, BOMB)
    for path, expected in ((Path("/dev/zero"), "over the"), (bomb, "aliases (*name) are not allowed")):
        out = subprocess.run([sys.executable, "-m", "coach", "bank", "check", str(path)], capture_output=True,
                             text=True, timeout=20, env=child_env(), stdin=subprocess.DEVNULL)
        assert out.returncode == 1, out.stderr
        assert "Traceback" not in out.stderr
        assert out.stderr.count("\n") == 1 and out.stderr.startswith(f"coach: error: {path}")
        assert expected in out.stderr


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs /proc")
def test_unreadable_file_is_a_located_error() -> None:
    result = CliRunner().invoke(app, ["bank", "check", "/proc/self/mem"])  # exists, but reading it fails (EIO)
    assert_one_error(result, "/proc/self/mem: ", "cannot read")


# property test ---------------------------------------------------------------------------------------------------

FIELD_NAMES = ["id", "topic", "subtopic", "robots", "budget", "difficulty", "type", "prompt", "explanation", "sources",
               "choices", "answer", "answers", "key_points", "tolerance", "unit", "__lines__", "bogus"]
VALID = yaml.safe_load("questions:\n" + GOOD)["questions"][0]
TEMPLATES = [VALID, yaml.safe_load((DATA / "bank.yaml").read_text())["questions"][2],
             yaml.safe_load((DATA / "bank.yaml").read_text())["questions"][3]]

scalars = (st.none() | st.booleans() | st.integers() | st.integers(min_value=-(2**1100), max_value=2**1100)
           | st.floats() | st.text(max_size=12) | st.sampled_from(["any", "mcq", "numeric", "1h", "simulation",
                                                                   "https://x.org", "", "~", "*a", "a\nb", 10**400]))
keys = st.sampled_from(FIELD_NAMES) | st.text(max_size=8) | st.sampled_from(["a\nb", "it's"]) | st.integers()
yamlish = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
                       max_leaves=16)


@st.composite
def partial_question(draw: st.DrawFn) -> dict:
    q = dict(draw(st.sampled_from(TEMPLATES)))
    for key in draw(st.sets(st.sampled_from(sorted(q)), max_size=3)):
        del q[key]
    q.update(draw(st.dictionaries(st.sampled_from(FIELD_NAMES), yamlish, max_size=3)))
    return q


documents = (st.fixed_dictionaries({"questions": st.lists(partial_question() | yamlish, max_size=4)})
             | st.dictionaries(st.sampled_from(["questions", "q", "__lines__"]), yamlish, max_size=3)
             | yamlish)


def check_loader(raw: bytes) -> None:
    try:
        questions = bank.parse_text(raw, "f.yaml")
    except BankError as exc:
        assert exc.problems
        for problem in exc.problems:
            text = str(problem)
            assert text.startswith("f.yaml") and "\n" not in text, text
        return
    assert isinstance(questions, list) and all(isinstance(q, Question) for q in questions)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_loader_on_random_text(text: str) -> None:
    check_loader(text.encode("utf-8", "surrogatepass"))


@settings(max_examples=200, deadline=None)
@given(st.binary())
def test_loader_on_random_bytes(raw: bytes) -> None:
    check_loader(raw)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents, st.booleans(), st.integers(min_value=0, max_value=400), st.text(max_size=3))
def test_loader_on_yamlish_documents(doc: object, flow: bool, cut: int, splice: str) -> None:
    try:
        text = yaml.safe_dump(doc, default_flow_style=flow, allow_unicode=True, sort_keys=False)
    except (ValueError, yaml.YAMLError):
        return  # a value PyYAML cannot write (e.g. an int too long to print)
    check_loader(text.encode())
    check_loader((text[:cut] + splice + text[cut:]).encode("utf-8", "surrogatepass"))  # near-valid YAML


def numeric_question_with(field: str, value: str) -> bytes:
    body = (DATA / "bank.yaml").read_text()
    numeric = body[body.index("  - id: t-ppo-batch"): body.index("  - id: t-dr-recall")]
    line = next(ln for ln in numeric.splitlines() if ln.startswith(f"    {field}:") or ln.startswith(f"  - {field}:"))
    return ("questions:\n" + numeric.replace(line, line.split(":")[0] + ": " + value)).encode()


@pytest.mark.parametrize("value", ["1" + "0" * 400, "0x" + "f" * 4000, "0b" + "1" * 5000, "9" * 5000,
                                   "-0" + "7" * 2000])
@pytest.mark.parametrize("field", ["answer", "tolerance", "prompt", "difficulty", "id"])
def test_integers_beyond_a_float_are_a_located_bank_error(value: str, field: str) -> None:
    # these crashed the loader: float() overflows, and str() of a huge hex int exceeds Python's digit limit
    with pytest.raises(BankError) as info:
        bank.parse_text(numeric_question_with(field, value), "f.yaml")
    (problem,) = info.value.problems
    assert str(problem).startswith("f.yaml:") and "integer out of range" in str(problem)


def test_large_integers_that_fit_still_load() -> None:
    big = "1_000_000_000_000_000_000_000"
    assert bank.parse_text(numeric_question_with("answer", big), "f.yaml")[0].answer == 1e21
    assert bank.parse_text(numeric_question_with("prompt", big), "f.yaml")[0].prompt == str(10**21)


@pytest.mark.parametrize(("old", "new"), [("    type: mcq\n", '    type: mcq\n    "bad\\nkey": 1\n'),
                                          ("- id: q-one", '- id: "q\\none"'), ("- id: q-one", '- id: "q\\tone"')])
def test_problems_with_line_breaks_in_names_stay_one_line(old: str, new: str) -> None:
    with pytest.raises(BankError) as info:
        bank.parse_text(("questions:\n" + GOOD.replace(old, new)).encode(), "f.yaml")
    assert len(str(info.value).splitlines()) == len(info.value.problems) == 1


def test_yaml_bombs_and_tags_are_refused() -> None:
    for raw in (b"questions: !!python/object/apply:os.system [echo hi]\n", b"questions: !!binary notbase64!\n",
                b"a: &a [*a]\nquestions: *a\n", b"questions:\n  - {<<: *nope}\n", b"questions: " + b"[" * 5000 + b"\n"):
        with pytest.raises(BankError):
            bank.parse_text(raw, "f.yaml")


# edited banks keep history ---------------------------------------------------------------------------------------

def quiz(*args: str, input: str) -> str:
    result = CliRunner().invoke(app, ["quiz", "--plain", "--robot", "any", *args], input=input)
    assert result.exit_code == 0 and result.exception is None, result.output
    return result.stdout


def card(home: Path, qid: str) -> tuple[int, str, str]:
    row = sqlite3.connect(home / "coach.db").execute(
        "SELECT reps, first_utc, due_utc FROM cards WHERE question_id = ?", (qid,)).fetchone()
    return tuple(row) if row else (0, "", "")


def stats() -> dict:
    result = CliRunner().invoke(app, ["stats", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def own_bank(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text((DATA / "bank.yaml").read_text())
    monkeypatch.setenv("COACH_SHIPPED_BANK", "0")
    monkeypatch.setenv("COACH_BANK_PATH", str(path))
    monkeypatch.setenv("COACH_NOW", NOW.isoformat())
    monkeypatch.setenv("COACH_SEED", "7")
    return path


def right_choice_number(out: str, answer: str) -> str:
    block = out.split("\n[")[-1]
    return next(line.split(")")[0].strip() for line in block.splitlines() if line.strip().endswith(f") {answer}"))


def test_editing_wording_choices_and_explanation_keeps_history_and_schedule(
    own_bank: Path, coach_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = CliRunner().invoke(app, ["quiz", "--plain", "--robot", "any", "--budget", "1h", "--limit", "1"],
                               input="q\n")
    pick = right_choice_number(shown.stdout, "Iron Irwini")
    quiz("--budget", "1h", "--limit", "1", input=f"{pick}\n")
    reps, first, first_due = card(coach_env, "t-mcap-default")
    assert reps == 1
    text = own_bank.read_text()
    edited = (text.replace("Which ROS 2 distribution was the first", "Which ROS 2 release first chose to")
              .replace("[Iron Irwini, Humble Hawksbill, Foxy Fitzroy]", "[Iron, Humble, Foxy, Jazzy]")
              .replace("answer: Iron Irwini", "answer: Iron")
              .replace("MCAP became the rosbag2 default", "Since Iron, MCAP is the rosbag2 default"))
    assert edited.count("Iron Irwini") == 0 and edited != text
    own_bank.write_text(edited)
    monkeypatch.setenv("COACH_NOW", first_due)  # due now: it must come back as a review, with the new wording
    shown = CliRunner().invoke(app, ["quiz", "--plain", "--robot", "any", "--limit", "1"], input="q\n").stdout
    assert "Which ROS 2 release first chose to" in shown and "4) " in shown
    out = quiz("--limit", "1", input=f"{right_choice_number(shown, 'Iron')}\n")
    assert "Right." in out and "Since Iron, MCAP is the rosbag2 default" in out
    reps, first_again, second_due = card(coach_env, "t-mcap-default")
    assert reps == 2 and first_again == first, "the edit restarted the card"
    assert second_due > first_due
    assert stats()["attempts"] == 2


def test_removed_question_keeps_its_history_and_is_no_longer_served(
    own_bank: Path, coach_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    quiz("--budget", "1h", input="1\n1\n")  # t-mcap-default, t-rlds-required
    before = stats()
    assert before["attempts"] == 2 and before["topics"]["data-pipelines"]["attempts"] == 2
    text = own_bank.read_text()
    own_bank.write_text(text[: text.index("  - id: t-mcap-default")] + text[text.index("  - id: t-rlds-required"):])
    monkeypatch.setenv("COACH_NOW", "2027-06-01T09:00:00Z")  # everything is due by then
    assert stats()["topics"]["data-pipelines"]["attempts"] == 2
    assert stats()["due"] == 1, "a removed question is not counted as due"
    out = quiz(input="1\n" * 30)
    assert "MCAP" not in out
    served = [r[0] for r in sqlite3.connect(coach_env / "coach.db").execute(
        "SELECT question_id FROM attempts ORDER BY id")]
    assert served[:2] == ["t-mcap-default", "t-rlds-required"] and "t-mcap-default" not in served[2:]
    assert served[2] == "t-rlds-required", "the due review comes first"
    after = stats()
    assert after["attempts"] == len(served) and after["topics"]["data-pipelines"]["attempts"] >= 3
    for command in (["weak", "--json"], ["plan", "--json"], []):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 0 and result.exception is None, (command, result.output)
