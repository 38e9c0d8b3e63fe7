"""Reports: Markdown and one self-contained HTML file, user text escaped, trend against earlier attempts."""

from __future__ import annotations

import re
from markupsafe import escape
from pathlib import Path

import pytest

from coach import report, rubric, scoring
from coach.errors import CoachError, ReportExists
from coach.model import Robot
from coach.report import Attempt

from conftest import DATA

RUBRIC = rubric.load(Path(__file__).resolve().parents[1] / "rubrics" / "teleop-flywheel.yaml")
EVIL = "<script>alert('x')</script> | pipe"
ANSWER = (DATA / "design" / "teleop-flywheel" / "redflags.md").read_text() + f"\n\nRobots record MCAP {EVIL} so that."
CARD = scoring.score(RUBRIC, ANSWER)
HISTORY = [Attempt("2026-11-20T09:00:00Z", 31.0), Attempt("2026-11-22T09:00:00Z", 44.0)]


def render(template: str, history: list[Attempt] = HISTORY, grader: dict | None = None) -> str:
    return report.render(template, CARD, RUBRIC, answered_utc="2026-11-26T09:00:00Z", robot=Robot.drone,
                         history=history, answer=ANSWER, grader=grader)


def test_html_is_one_self_contained_file_with_every_section() -> None:
    html = render("report.html.j2", grader={"score": 55, "summary": "misses <b>sync</b>"})
    assert html.startswith("<!doctype html>") and "<style>" in html
    assert not re.search(r"""(src|href)=["']?https?:""", html) and "<link" not in html and "<script src" not in html
    assert f"{CARD.score}<span" in html and CARD.arithmetic in html
    for c in CARD.criteria:
        assert c.name in html
    assert "Missing or only listed" in html and "Model outline" in html and "Trend on this prompt" in html
    for flag in CARD.red_flags:
        assert flag.id in html and escape(flag.message) in html and escape(flag.evidence) in html
    assert "<polyline" in html and "31" in html and "44" in html
    assert "misses &lt;b&gt;sync&lt;/b&gt;" in html
    assert "inspection drones" in html  # the scenario for the robot focus


def test_user_text_stays_text() -> None:
    html = render("report.html.j2")
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    md = render("report.md.j2")
    quoted = [line for line in md.splitlines() if not line.startswith("    ")]
    assert not any("<script>" in line for line in quoted), "only the indented code block may hold raw answer text"
    assert "    Robots record MCAP <script>" in md  # inside a code block, Markdown shows it as text


def test_markdown_has_criteria_table_flags_trend_and_outline() -> None:
    md = render("report.md.j2")
    assert md.startswith("# Design round: Teleoperation-to-training data flywheel")
    assert "| Criterion | Weight | Score | Level |" in md
    assert all(f"| {c.name} |" in md for c in CARD.criteria)
    assert "## Red flags" in md and all(f"**{f.id}**" in md for f in CARD.red_flags)
    change = f"{CARD.score - 44:+d}"
    assert re.search(rf"\| 2026-11-26 09:00:00 \(this one\) \| {CARD.score} \| {re.escape(change)} \|", md)
    assert "Best so far" in md and "## Model outline" in md


def test_first_attempt_trend_has_no_delta() -> None:
    t = report.trend([], 40, "2026-11-26T09:00:00Z")
    assert t["count"] == 1 and t["delta"] is None and t["rows"][0]["delta"] is None
    html = render("report.html.j2", history=[])
    assert "<polyline" not in html


def test_write_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "round.md"
    report.write(path, "first", force=False)
    with pytest.raises(ReportExists) as err:
        report.write(path, "second", force=False)
    assert str(path) in str(err.value) and "--force" in str(err.value)
    report.write(path, "second", force=True)
    assert path.read_text() == "second"
    assert [p.name for p in path.parent.iterdir()] == ["round.md"], "no temporary files left behind"


def test_unknown_suffix_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CoachError) as err:
        report.check_path(tmp_path / "round.txt", force=False)
    assert ".txt" in str(err.value) and ".md or .html" in str(err.value)
    assert report.check_path(tmp_path / "round.HTML", force=False) == "report.html.j2"


def test_mock_section_lists_rapid_fire_answers_escaped() -> None:
    mock = {"rapid": [{"id": "q1", "prompt": "Default bag format in Iron?", "topic": "data-pipelines",
                       "given": "<b>MCAP</b>", "correct": True},
                      {"id": "q2", "prompt": "RLDS required fields?", "topic": "data-pipelines", "given": "reward",
                       "correct": False}], "designed": True}
    html = report.render("report.html.j2", CARD, RUBRIC, answered_utc="2026-11-26T09:00:00Z", robot=None,
                         history=[], answer=ANSWER, mock=mock)
    assert "Mock interview: rapid-fire" in html and "1/2 right" in html and "&lt;b&gt;MCAP&lt;/b&gt;" in html
    md = report.render("report.md.j2", CARD, RUBRIC, answered_utc="2026-11-26T09:00:00Z", robot=None,
                       history=[], answer=ANSWER, mock=mock)
    assert "| RLDS required fields? | reward | wrong |" in md and "<b>" not in md.split("## Your answer")[0]
    assert "rapid-fire" not in render("report.md.j2")


def test_md_escape() -> None:
    assert report.md_escape("a | b\n<i>c</i>") == "a \\| b &lt;i&gt;c&lt;/i&gt;"
