"""coach design through the CLI (CliRunner, plain mode): list, show, run, score, check, reports and graders."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coach.cli import app

from conftest import DATA, child_env

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
ANSWERS = DATA / "design" / "teleop-flywheel"
IDS = ["fleet-observability", "multi-robot-data-format", "ota-policy-rollout", "reproducible-training-eval",
       "sim-rl-pipeline", "teleop-flywheel"]


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_NOW", "2026-11-26T09:00:00Z")


def invoke(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


def rows(home: Path, sql: str = "SELECT prompt_id, score, robot FROM design_attempts ORDER BY id") -> list[tuple]:
    db = home / "coach.db"
    return sqlite3.connect(db).execute(sql).fetchall() if db.exists() else []


# score -------------------------------------------------------------------------------------------------------------
def test_score_json_is_stored_per_criterion(coach_env: Path) -> None:
    result = invoke("design", "score", "teleop-flywheel", "--answer-file", str(ANSWERS / "medium.md"), "--json")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    card = json.loads(result.stdout)
    assert card["prompt"] == "teleop-flywheel" and 0 <= card["score"] <= 100 and card["saved"] is True
    assert [c["id"] for c in card["criteria"]] == ["requirements-scale", "data-path", "domain-depth", "reliability",
                                                     "evaluation-metrics", "tradeoffs"]
    first = card["criteria"][0]
    assert first["evidence"] and all(isinstance(m["hint"], str) for m in first["missing"])
    assert rows(coach_env) == [("teleop-flywheel", card["score"], "")]
    stored = rows(coach_env, "SELECT criterion_id, weight, score FROM design_scores ORDER BY rowid")
    assert [(c["id"], c["weight"], c["score"]) for c in card["criteria"]] == stored
    again = invoke("design", "score", "teleop-flywheel", "-f", str(ANSWERS / "medium.md"), "--json")
    assert json.loads(again.stdout)["criteria"] == card["criteria"], "same answer, same result"


def test_the_compiled_rubric_is_cached_and_a_damaged_entry_is_rebuilt(coach_env: Path) -> None:
    def scored() -> dict:
        result = invoke("design", "score", "teleop-flywheel", "-f", str(ANSWERS / "medium.md"), "--json", "--no-save")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    first = scored()
    entries = list((coach_env / "cache").glob("scorer-*.marshal"))
    assert len(entries) == 1
    assert scored() == first, "from the cache, the same card"
    entries[0].write_bytes(b"\x00garbage")
    assert scored() == first, "a damaged entry is a miss"
    assert entries[0].read_bytes() != b"\x00garbage", "and is written again"


def test_a_rubric_edited_during_a_round_never_leaves_stale_phrases_in_the_cache(coach_env: Path, tmp_path: Path) -> None:
    import marshal

    from coach import config, rubric, scoring
    from coach.commands.common import score_answer

    cfg = config.load()
    path = tmp_path / "teleop-flywheel.yaml"
    path.write_text((ROOT / "rubrics" / "teleop-flywheel.yaml").read_text())
    answer = (ANSWERS / "strong.md").read_text()
    before = rubric.load(path, cfg.cache_dir)  # a round starts with this rubric...
    edited = re.sub(r"anchors: \[[^\]]*\]", "anchors: [zebra]", path.read_text(), count=1)
    edited = re.sub(r"\n      - id: intervention-rate\n(?:        .*\n)+", "\n", edited, count=1)
    path.write_text(edited)  # ...and its author edits the file: other anchors, one concept fewer
    assert score_answer(cfg, before, answer) == scoring.score(before, answer)
    after = rubric.load(path, cfg.cache_dir)
    assert after != before
    assert score_answer(cfg, after, answer) == scoring.score(after, answer), "the edited rubric, not the old one"
    for entry in (coach_env / "cache").glob("scorer-*.marshal"):  # right outline, wrong insides: a miss
        matcher, lexicon = marshal.loads(entry.read_bytes())
        entry.write_bytes(marshal.dumps((({k: 1 for k in matcher[0]}, *matcher[1:]), lexicon)))
    assert score_answer(cfg, after, answer) == scoring.score(after, answer)


def test_score_no_save_leaves_the_store_alone(coach_env: Path) -> None:
    result = invoke("design", "score", "teleop-flywheel", "-f", str(ANSWERS / "strong.md"), "--json", "--no-save")
    assert result.exit_code == 0 and json.loads(result.stdout)["saved"] is False
    assert rows(coach_env) == [] and not (coach_env / "coach.db").exists()
    invoke("focus", "drone")
    again = invoke("design", "score", "teleop-flywheel", "-f", str(ANSWERS / "strong.md"), "--json", "--no-save")
    assert json.loads(again.stdout)["robot"] == "drone", "the saved focus counts without saving the attempt"
    assert rows(coach_env) == []


def test_score_plain_feedback_names_evidence_gaps_and_flags(coach_env: Path) -> None:
    result = invoke("design", "score", "teleop-flywheel", "-f", str(ANSWERS / "redflags.md"), "--robot", "drone")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Score: " in out and "base " in out and "red flag" in out
    assert "✗ streams-raw-live:" in out and '"Every robot streams all raw camera video live' in out
    assert "· " in out and "Model outline" in out
    assert rows(coach_env) == [("teleop-flywheel", rows(coach_env)[0][1], "drone")]


def test_unknown_prompt_lists_valid_ids(coach_env: Path) -> None:
    for args in (["score", "teleop", "-f", str(ANSWERS / "weak.md")], ["run", "teleop"], ["show", "nope"]):
        result = invoke("design", *args)
        assert result.exit_code == 1
        assert result.stdout == ""
        assert result.stderr.startswith("coach: error: unknown prompt 'teleop'" if args[1] == "teleop"
                                        else "coach: error: unknown prompt 'nope'")
        assert ", ".join(IDS) in result.stderr and len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("content,message", [
    (None, "cannot read answer file"), (b"", "answer file is empty"), (b"\xff\xfe\x00bad", "answer file is not UTF-8"),
])
def test_unreadable_answer_file_is_one_line(coach_env: Path, tmp_path: Path, content: bytes | None,
                                            message: str) -> None:
    path = tmp_path / "answer.md"
    if content is not None:
        path.write_bytes(content)
    result = invoke("design", "score", "teleop-flywheel", "-f", str(path))
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith(f"coach: error: {path}: {message}") and len(result.stderr.splitlines()) == 1
    assert rows(coach_env) == []


def test_answer_from_stdin(coach_env: Path) -> None:
    result = invoke("design", "score", "teleop-flywheel", "-f", "-", "--json", input=(ANSWERS / "weak.md").read_text())
    assert result.exit_code == 0 and json.loads(result.stdout)["score"] < 30


# reports ---------------------------------------------------------------------------------------------------------
def test_report_html_then_refuse_then_force(coach_env: Path, tmp_path: Path) -> None:
    out = tmp_path / "round.html"
    first = invoke("design", "score", "teleop-flywheel", "-f", str(ANSWERS / "weak.md"), "--report", str(out))
    assert first.exit_code == 0 and f"report written to {out}" in first.stderr
    second = invoke("design", "score", "teleop-flywheel", "-f", str(ANSWERS / "medium.md"), "--report", str(out))
    assert second.exit_code == 1 and second.stderr.startswith(f"coach: error: {out}: report already exists")
    assert len(rows(coach_env)) == 1, "a refused report stores nothing"
    third = invoke("design", "score", "teleop-flywheel", "-f", str(ANSWERS / "medium.md"), "--report", str(out),
                   "--force")
    assert third.exit_code == 0
    html = out.read_text()
    assert "<style>" in html and "Trend on this prompt" in html and html.count("(this one)") == 1
    weak, medium = (s for _, s, _ in rows(coach_env))
    assert f"<td class=\"num\">{round(weak)}</td>" in html and f"{round(medium - weak):+d}" in html


def test_report_markdown_and_bad_suffix(coach_env: Path, tmp_path: Path) -> None:
    md = tmp_path / "round.md"
    assert invoke("design", "score", "teleop-flywheel", "-f", str(ANSWERS / "strong.md"), "--report", str(md),
                  "--no-save").exit_code == 0
    assert md.read_text().startswith("# Design round: Teleoperation-to-training data flywheel")
    bad = invoke("design", "score", "teleop-flywheel", "-f", str(ANSWERS / "strong.md"), "--report",
                 str(tmp_path / "round.pdf"))
    assert bad.exit_code == 1 and "cannot write a .pdf report" in bad.stderr and "end the report path" in bad.stderr
    assert rows(coach_env) == []


# run -----------------------------------------------------------------------------------------------------------------
FULL_ROUND = "\n".join([
    "? how many robots are there", "? what colour is the sky",
    "Demos from 100 robots must be trainable within 12 hours because researchers retrain every morning.", ".",
    "Three cameras at 5 Mbps is 6.75 GB per robot-hour, so robots upload over ethernet when docked.", ".",
    "The uplink number decides docked uploads.", ".",  # probe after the scale phase
    "Entities: episode, manifest, dataset version, intervention.", ".",
    "rosbag2 records MCAP split every 2 minutes so a crash loses at most one chunk of the episode.", ".",
    "A validator quarantines episodes with gaps longer than 100 ms so bad data never reaches training.", ".",
    ".", ".",  # two probes skipped
    "Interventions per robot-hour decide what operators collect next week.", ".",
    ".", ".",  # wrap-up probes skipped
]) + "\n"


def test_full_plain_round_walks_phases_answers_questions_and_scores(coach_env: Path) -> None:
    result = invoke("design", "run", "teleop-flywheel", "--plain", input=FULL_ROUND)
    assert result.exit_code == 0, result.output
    out = result.stdout
    for n in range(1, 7):
        assert f"Phase {n}/6:" in out
    assert "min left ==" in out or "left ==" in out
    assert "Interviewer: 100 robots across 4 sites" in out
    assert "Interviewer: No more detail on that" in out
    assert "Interviewer asks: Which number in your estimate forces a design decision" in out
    assert "Round ended early" not in out and "Score: " in out
    (prompt, score, robot), = rows(coach_env)
    assert prompt == "teleop-flywheel" and score > 10 and robot == ""
    answer = rows(coach_env, "SELECT answer FROM design_attempts")[0][0]
    assert "## Requirements and scope" in answer and "### Follow-up: Which number" in answer
    assert "- how many robots are there?" in answer and "100 robots across 4 sites" not in answer


@pytest.mark.parametrize("suffix", [".md", ".html"])
def test_the_report_keeps_what_the_interviewer_told_you(coach_env: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"round{suffix}"
    result = invoke("design", "run", "teleop-flywheel", "--plain", "--report", str(out), input=FULL_ROUND)
    assert result.exit_code == 0, result.output
    body = out.read_text()
    assert "What the interviewer told you" in body and "100 robots across 4 sites" in body
    answer = rows(coach_env, "SELECT answer FROM design_attempts")[0][0]
    assert "100 robots across 4 sites" not in answer, "the facts are in the report, never in the scored answer"


def test_eof_mid_round_scores_what_was_written(coach_env: Path) -> None:
    text = "Robots record MCAP split every 2 minutes so a crash loses at most one chunk of the episode.\n"
    result = invoke("design", "run", "teleop-flywheel", input=text)  # stdin is not a terminal: plain by itself
    assert result.exit_code == 0, result.output
    assert "Round ended early; scoring what you wrote." in result.stdout and "Score: " in result.stdout
    assert "Phase 2/6" not in result.stdout
    assert len(rows(coach_env)) == 1


def test_stopping_before_writing_scores_nothing(coach_env: Path) -> None:
    result = invoke("design", "run", "teleop-flywheel", "--plain", input="")
    assert result.exit_code == 0
    assert "Nothing written, so nothing scored." in result.stderr and "Score:" not in result.stdout
    assert rows(coach_env) == []


def test_focus_picks_the_scenario_and_robot_overrides_it(coach_env: Path) -> None:
    assert invoke("focus", "drone").exit_code == 0
    result = invoke("design", "run", "teleop-flywheel", input="Drones upload flight logs at the landing pad.\n")
    assert "Focus: inspection drones" in result.stdout
    other = invoke("design", "run", "teleop-flywheel", "--robot", "humanoid", "--minutes", "20",
                   input="Humanoids swap batteries.\n")
    assert "Focus: humanoids" in other.stdout and "(20 min)" in other.stdout
    assert [r[2] for r in rows(coach_env)] == ["drone", "humanoid"]
    bad = invoke("design", "run", "teleop-flywheel", "--robot", "unicycle")
    assert bad.exit_code == 1 and "humanoid" in bad.stderr and "any" in bad.stderr
    plain_any = invoke("design", "run", "teleop-flywheel", "--robot", "any", "--plain", input="")
    assert plain_any.exit_code == 0 and "Focus:" not in plain_any.stdout, "--robot any overrides the saved focus"


def test_editor_round_strips_comments_then_asks_probes(coach_env: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    editor = tmp_path / "editor.py"
    editor.write_text("import sys\npath = sys.argv[1]\ntext = open(path).read()\n"
                      "open(path, 'w').write(text + '\\nrosbag2 splits MCAP every 2 minutes so a crash loses one "
                      "chunk.\\n')\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    monkeypatch.delenv("VISUAL", raising=False)
    result = invoke("design", "run", "teleop-flywheel", "--editor", input="? how many robots\n.\n" + ".\n" * 5)
    assert result.exit_code == 0, result.output
    assert "100 robots across 4 sites" in result.stdout and "Interviewer asks: What fails first at 10x" in result.stdout
    (answer,), = rows(coach_env, "SELECT answer FROM design_attempts")
    assert "rosbag2 splits MCAP every 2 minutes" in answer and "## Scale estimate" in answer
    assert "<!--" not in answer and "Q: how many robots" not in answer


@pytest.mark.parametrize("editor", ["no-such-editor-anywhere", f"{sys.executable} -c 'raise SystemExit(3)'"])
def test_an_editor_that_cannot_run_is_one_line_not_a_crash(coach_env: Path, monkeypatch: pytest.MonkeyPatch,
                                                            editor: str) -> None:
    monkeypatch.setenv("EDITOR", editor)
    monkeypatch.delenv("VISUAL", raising=False)
    result = invoke("design", "run", "teleop-flywheel", "--editor", input=".\n")
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("coach: error: could not open the editor:") and "set $EDITOR" in line


def test_a_refusing_store_keeps_the_answer(coach_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from coach.errors import StoreError
    from coach.store import Store

    def busy(*args: object) -> int:
        raise StoreError("database is busy: locked", hint="another coach is writing; try again in a moment")

    monkeypatch.setattr(Store, "record_design", busy)
    result = invoke("design", "run", "teleop-flywheel", input="Robots record MCAP in two-minute chunks.\n")
    assert result.exit_code == 1 and "Score: " in result.stdout, "feedback is shown before the error"
    (line,) = result.stderr.splitlines()
    assert line.startswith("coach: error: attempt not saved: database is busy") and "your answer is in " in line
    kept = next((coach_env / "reports").glob("unsaved-teleop-flywheel-*.md"))
    assert "two-minute chunks" in kept.read_text()


# list, show, check -----------------------------------------------------------------------------------------------
def test_list_shows_attempts_and_best(coach_env: Path) -> None:
    for kind in ("weak", "medium"):
        invoke("design", "score", "teleop-flywheel", "-f", str(ANSWERS / f"{kind}.md"))
    listed = json.loads(invoke("design", "list", "--json").stdout)
    assert [p["id"] for p in listed] == IDS
    teleop = next(p for p in listed if p["id"] == "teleop-flywheel")
    assert teleop["attempts"] == 2 and teleop["best"] == max(s for _, s, _ in rows(coach_env))
    plain = invoke("design", "list")
    assert plain.exit_code == 0 and "OTA policy rollout" in plain.stdout


def test_show_prints_the_scenario_and_phases(coach_env: Path) -> None:
    result = invoke("design", "show", "ota-policy-rollout", "--robot", "amr", "--outline")
    assert result.exit_code == 0
    assert "2,000 warehouse AMRs" in result.stdout and "Deep dives" in result.stdout and "Uptane" in result.stdout


def test_check_ok_and_located_errors(coach_env: Path, tmp_path: Path) -> None:
    ok = invoke("design", "check")
    assert ok.exit_code == 0 and ok.stderr.startswith("ok: 6 rubric(s)")
    broken = tmp_path / "teleop-flywheel.yaml"
    broken.write_text((Path(__file__).resolve().parents[1] / "rubrics" / "teleop-flywheel.yaml").read_text()
                      .replace("    weight: 0.15\n    need: 3\n", "    weight: 0.25\n    need: 3\n", 1))
    bad = invoke("design", "check", str(broken))
    assert bad.exit_code == 1 and bad.stdout == ""
    assert bad.stderr.startswith(f"coach: error: {broken}:") and "weights add up to 1.1, not 1" in bad.stderr


# graders -----------------------------------------------------------------------------------------------------------
def _grader(tmp_path: Path, body: str) -> str:
    script = tmp_path / "grader.py"
    script.write_text("import json, sys\npayload = json.load(sys.stdin)\n" + body)
    return f"{sys.executable} {script}"


def test_external_grader_verdict_is_shown_beside_the_score(coach_env: Path, tmp_path: Path) -> None:
    cmd = _grader(tmp_path, "assert payload['rubric']['criteria'] and payload['answer']\n"
                            "print(json.dumps({'score': 61, 'summary': 'solid ' + payload['prompt']}))\n")
    result = invoke("design", "score", "teleop-flywheel", "-f", str(ANSWERS / "medium.md"), "--json", "--grader", cmd)
    card = json.loads(result.stdout)
    assert card["grader"] == {"score": 61, "summary": "solid teleop-flywheel"}
    assert card["score"] != 61 or card["criteria"], "the deterministic score stays"
    plain = invoke("design", "score", "teleop-flywheel", "-f", str(ANSWERS / "medium.md"), "--grader", cmd)
    assert "External grader: 61/100 solid teleop-flywheel" in plain.stdout


@pytest.mark.parametrize("body", ["sys.exit(3)\n", "print('not json')\n", "print(json.dumps({'score': 'high'}))\n"])
def test_failing_grader_is_a_warning(coach_env: Path, tmp_path: Path, body: str) -> None:
    result = invoke("design", "score", "teleop-flywheel", "-f", str(ANSWERS / "medium.md"), "--json",
                    "--grader", _grader(tmp_path, body))
    assert result.exit_code == 0
    assert json.loads(result.stdout)["grader"] is None
    (warning,) = result.stderr.splitlines()
    assert warning.startswith("coach: warning: grader ") and "deterministic score only" in warning
    missing = invoke("design", "score", "teleop-flywheel", "-f", str(ANSWERS / "medium.md"), "--grader",
                     str(tmp_path / "no-such-grader"))
    assert missing.exit_code == 0 and "coach: warning: grader" in missing.stderr


def test_design_commands_import_nothing_heavy() -> None:
    probe = ("import sys, coach.commands.design; print(sorted({'questionary','sqlite_utils','jinja2','yaml','rich'}"
             " & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=child_env())
    assert out.stdout.strip() == "[]"


def test_no_save_never_writes_to_an_old_or_newer_database(coach_env: Path) -> None:
    import gc
    import hashlib

    invoke("focus", "drone")  # a current database
    gc.collect()  # the in-process command's connection: closed, so its WAL is checkpointed into the file
    db = coach_env / "coach.db"
    conn = sqlite3.connect(db)
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm003_topic_index'")  # as an older coach left it
    conn.commit()
    conn.close()
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    result = subprocess.run([sys.executable, "-m", "coach", "design", "score", "teleop-flywheel", "-f",
                             str(ANSWERS / "medium.md"), "--json", "--no-save"], capture_output=True, text=True,
                            env=child_env(COACH_HOME=str(coach_env)))
    assert result.returncode == 0 and json.loads(result.stdout)["robot"] == "any", "an old schema is not read"
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before and not list(coach_env.glob("coach.db.backup-*"))
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO _sqlite_migrations(migration_set, name, applied_at) VALUES ('coach', 'm999_future', '')")
    conn.commit()
    conn.close()
    newer = invoke("design", "score", "teleop-flywheel", "-f", str(ANSWERS / "medium.md"), "--json", "--no-save")
    assert newer.exit_code == 0, "scoring without saving works beside a newer coach's database"
