"""Rubric files: the shipped six load and are internally sound; broken files give located one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach import rubric
from coach.errors import RubricError, UnknownId
from coach.model import Robot, Topic
from coach.text import phrase_key

ROOT = Path(__file__).resolve().parents[1]
RUBRICS = ROOT / "rubrics"
IDS = ["fleet-observability", "multi-robot-data-format", "ota-policy-rollout", "reproducible-training-eval",
       "sim-rl-pipeline", "teleop-flywheel"]
SHIPPED = rubric.load_all(RUBRICS)


def test_the_six_prompts_ship_under_their_ids() -> None:
    assert sorted(SHIPPED) == IDS
    assert rubric.ids(RUBRICS) == IDS


@pytest.mark.parametrize("rid", IDS)
def test_shipped_rubric_is_sound(rid: str) -> None:
    r = SHIPPED[rid]
    assert abs(sum(c.weight for c in r.criteria) - 1) < 1e-9
    assert 5 <= len(r.criteria) <= 7
    assert all(len(c.levels) == 4 and 0 < c.need <= len(c.concepts) for c in r.criteria)
    assert sum(p.minutes for p in r.phases) <= r.minutes == 45
    assert {p.phase for p in r.probes} <= {p.id for p in r.phases} and len(r.probes) >= 3
    assert len(r.clarifications) >= 5 and all(c.triggers and c.answer for c in r.clarifications)
    assert len(r.red_flags) >= 5 and all(f.why for f in r.red_flags)
    assert len(r.outline) >= 5 and r.anchors
    assert {robot for robot, _ in r.robots} == set(Robot), "every robot focus gets its own constraints"
    assert isinstance(r.topic, Topic)
    concept_ids = [k.id for c in r.criteria for k in c.concepts]
    assert len(concept_ids) == len(set(concept_ids))
    for c in r.criteria:
        for k in c.concepts:
            assert k.hint and all(phrase_key(p) for p in k.phrases), k.id


def test_scenario_follows_the_robot_focus() -> None:
    r = SHIPPED["teleop-flywheel"]
    assert r.scenario_for(None) == r.scenario
    drone = r.scenario_for(Robot.drone)
    assert drone.startswith(r.scenario) and "LTE" in drone and drone != r.scenario_for(Robot.humanoid)
    bandwidth = next(c for c in r.clarifications if c.id == "bandwidth")
    assert "landing pad" in bandwidth.answer_for(Robot.drone)
    assert bandwidth.answer_for(Robot.arm) == bandwidth.answer_for(None) == bandwidth.answer


def test_find_unknown_id_lists_the_valid_ones() -> None:
    with pytest.raises(UnknownId) as err:
        rubric.find(RUBRICS, "teleop")
    assert err.value.valid == IDS
    assert "teleop-flywheel" in str(err.value)
    with pytest.raises(UnknownId):
        rubric.find(RUBRICS, "../rubrics/teleop-flywheel")


def test_to_dict_is_json_ready_for_graders() -> None:
    import json

    d = SHIPPED["ota-policy-rollout"].to_dict()
    assert json.loads(json.dumps(d))["criteria"][0]["levels"]["justified"]


# broken files ------------------------------------------------------------------------------------------------------
GOOD = (RUBRICS / "teleop-flywheel.yaml").read_text()


def _write(tmp_path: Path, text: str, name: str = "teleop-flywheel.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(RubricError) as err:
        rubric.load(path)
    lines = str(err.value).splitlines()
    assert all(line.startswith(f"{path}:") for line in lines), lines
    return lines


def _line_of(text: str, needle: str) -> int:
    return text.splitlines().index(next(line for line in text.splitlines() if needle in line)) + 1


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    text = GOOD.replace("title: Teleoperation", "title: [Teleoperation", 1)
    path = _write(tmp_path, text)
    (line,) = _problems(path)
    at = _line_of(text, "title: [")
    assert "YAML syntax error" in line
    assert line.startswith((f"{path}:{at}:", f"{path}:{at + 1}:"))  # the parser notices on the next line


def test_every_problem_is_reported_sorted_by_line(tmp_path: Path) -> None:
    text = (GOOD.replace("    weight: 0.15\n    need: 3\n", "    weight: 0.3\n    need: 3\n", 1)
            .replace("      - id: time-sync\n", "      - id: time-sync\n        colour: blue\n", 1)
            .replace("phase: wrap-up\n    question: What fails first", "phase: later\n    question: What fails first"))
    lines = _problems(_write(tmp_path, text))
    assert any("unknown field 'colour'" in x and "[time-sync]" in x for x in lines)
    assert any("phase 'later' is not one of" in x for x in lines)
    assert any("weights add up to 1.15, not 1" in x for x in lines)
    numbers = [int(x.split(":")[1]) for x in lines]
    assert numbers == sorted(numbers)
    colour = next(x for x in lines if "colour" in x)
    assert f":{_line_of(text, 'colour: blue')}:" in colour
    assert all("(" in x and x.endswith(")") for x in lines), "every error carries a hint"


def test_shared_phrase_and_unknown_negated_concept(tmp_path: Path) -> None:
    text = (GOOD.replace("any: [privacy, pii,", "any: [privacy, rosbag2, pii,", 1)
            .replace("negated: [dataset-versioning]", "negated: [dataset-versionning]"))
    lines = _problems(_write(tmp_path, text))
    assert any("phrase 'rosbag2' is also in concept 'recorder'" in x for x in lines)
    assert any("negated concept 'dataset-versionning' is not in this rubric" in x for x in lines)


def test_id_must_match_file_name_and_fields_are_required(tmp_path: Path) -> None:
    lines = _problems(_write(tmp_path, GOOD, "other-name.yaml"))
    assert any("does not match the file name other-name.yaml" in x for x in lines)
    text = GOOD.replace("minutes: 45\n", "", 1).replace("title: Teleoperation-to-training data flywheel\n", "", 1)
    lines = _problems(_write(tmp_path, text))
    assert any("missing field 'minutes'" in x for x in lines) and any("missing field 'title'" in x for x in lines)


def test_bad_robot_need_and_levels(tmp_path: Path) -> None:
    text = (GOOD.replace("  humanoid: >-\n    Focus: humanoids", "  unicycle: >-\n    Focus: humanoids", 1)
            .replace("    need: 3.5\n", "    need: 40\n", 1)
            .replace("      - No requirements or numbers; starts drawing boxes.\n", "", 1))
    lines = _problems(_write(tmp_path, text))
    assert any("robot 'unicycle' is not valid" in x for x in lines)
    assert any("need 40.0 must be above 0 and at most the 8 concepts" in x for x in lines)
    assert any("'levels' has 3 items; give 4" in x for x in lines)


@pytest.mark.parametrize("raw,expected", [
    (b"", "expected a mapping"), (b"- a\n- b\n", "expected a mapping"), (b"id: x\xff\n", "not UTF-8"),
    (b"a: &x 1\nb: *x\n", "aliases"), (b"id: [unclosed\n", "YAML syntax error"),
    (b"questions: []\n", "this is a question bank file, not a rubric"),
])
def test_garbage_files_give_one_located_error(raw: bytes, expected: str) -> None:
    with pytest.raises(RubricError) as err:
        rubric.parse_text(raw, "x.yaml")
    assert expected in str(err.value) and str(err.value).startswith("x.yaml")


def test_load_paths_reports_every_file_and_missing_paths(tmp_path: Path) -> None:
    _write(tmp_path, "id: [", "a.yaml")
    _write(tmp_path, "- 1\n", "b.yaml")
    with pytest.raises(RubricError) as err:
        rubric.load_paths([tmp_path])
    text = str(err.value)
    assert "a.yaml" in text and "b.yaml" in text
    with pytest.raises(RubricError) as err:
        rubric.load_paths([tmp_path / "nope.yaml"])
    assert "no such file" in str(err.value)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_random_bytes_raise_only_rubric_error(raw: bytes) -> None:
    try:
        rubric.parse_text(raw, "fuzz.yaml")
    except RubricError:
        pass


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(rubric.TOP)), st.one_of(
    st.none(), st.integers(), st.text(max_size=10), st.lists(st.text(max_size=5), max_size=3),
    st.lists(st.dictionaries(st.sampled_from(["id", "any", "hint", "weight", "need", "concepts", "all", "phase"]),
                             st.one_of(st.text(max_size=5), st.integers(), st.lists(st.text(max_size=5))),
                             max_size=4), max_size=3)), max_size=8))
def test_random_structures_raise_only_rubric_error(doc: dict) -> None:
    import yaml

    try:
        rubric.parse_text(yaml.safe_dump(doc).encode(), "fuzz.yaml")
    except RubricError:
        pass
