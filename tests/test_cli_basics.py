"""Start-up stays light, every command documents itself, and a real install works from anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest
import typer

from coach.cli import app

from conftest import child_env

ROOT = Path(__file__).resolve().parents[1]


def test_cli_import_is_light() -> None:
    probe = ("import sys, coach.cli; print(sorted({'questionary','sqlite_utils','jinja2','fsrs','yaml','rich'}"
             " & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=child_env())
    assert out.stdout.strip() == "[]"


def _commands(group, prefix: str = "") -> list:
    found = []
    for name, command in group.commands.items():
        found.append((f"{prefix}{name}", command))
        if hasattr(command, "commands"):
            found += _commands(command, f"{prefix}{name} ")
    return found


def test_every_command_has_help_with_an_example() -> None:
    root = typer.main.get_command(app)
    assert len(_commands(root)) >= 10
    for name, command in _commands(root):
        if hasattr(command, "commands"):
            assert command.help, name
            continue
        assert command.help and "Example: coach " in command.help, f"coach {name} has no example in its help"


def test_flags_take_no_value_and_help_does_not_suggest_one() -> None:
    from typer.testing import CliRunner

    root = typer.main.get_command(app)
    for name, command in [("", root), *_commands(root)]:
        if hasattr(command, "commands") and name:
            continue
        text = CliRunner().invoke(app, [*name.split(), "--help"], env={"COLUMNS": "200"}).stdout
        shown = [line for line in text.splitlines() if "<bool>" in line and "--help" not in line]
        assert not shown, (f"coach {name}", shown)


def test_unexpected_errors_are_one_line_and_logged(coach_env: Path) -> None:
    # a bank path that is a FIFO-less oddity: a directory named like a file still loads; force a bug instead
    env = child_env(COACH_HOME=str(coach_env), COACH_NOW="not-a-time")
    result = subprocess.run([sys.executable, "-m", "coach", "stats"], capture_output=True, text=True, env=env)
    assert result.returncode == 1
    assert result.stderr.strip().startswith("coach: error: COACH_NOW='not-a-time' is not an ISO-8601 time")
    assert "Traceback" not in result.stderr


def test_usage_error_exit_code_two(coach_env: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "coach", "quiz", "--topic", "cooking"], capture_output=True,
                            text=True, env=child_env(COACH_HOME=str(coach_env)))
    assert result.returncode == 2
    assert "data-pipelines" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.skipif(os.environ.get("COACH_SKIP_INSTALL_TEST") == "1", reason="COACH_SKIP_INSTALL_TEST=1")
def test_non_editable_install_finds_shipped_bank_from_any_folder(tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    # reuse this environment's dependencies (no network), but not its coach
    (Path(site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # build the wheel as pip would, install it there: a real, non-editable install
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w",
                    str(tmp_path / "dist"), str(ROOT)], check=True, capture_output=True, cwd=tmp_path)
    wheel = next((tmp_path / "dist").glob("coach-*.whl"))
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"COACH_HOME": str(tmp_path / "home")}
    coach = env_dir / "bin" / "coach"
    check = subprocess.run([coach, "bank", "check"], capture_output=True, text=True, cwd=elsewhere, env=env)
    assert check.returncode == 0, check.stderr
    from coach import bank

    shipped = len(bank.load([ROOT / "question_bank"]).questions)
    assert shipped >= 40
    assert check.stderr.startswith(f"ok: {shipped} questions in ")
    where = subprocess.run([python, "-c", "import coach; print(coach.__file__)"], capture_output=True, text=True,
                           cwd=elsewhere, env=env).stdout
    assert where.startswith(site), where
    stats = subprocess.run([coach, "bank", "stats", "--json"], capture_output=True, text=True, cwd=elsewhere, env=env)
    assert '"questions"' in stats.stdout
    # the terminal UI, the rubrics and the report templates ship too
    table = subprocess.run([coach, "bank", "stats"], capture_output=True, text=True, cwd=elsewhere, env=env)
    assert "Robot by topic" in table.stdout, table.stderr
    rubrics = subprocess.run([coach, "design", "check"], capture_output=True, text=True, cwd=elsewhere, env=env)
    assert rubrics.returncode == 0 and "6 rubric(s)" in rubrics.stderr, rubrics.stderr
    answer = elsewhere / "answer.md"
    answer.write_text("We canary 5% of robots first because a bad policy then stops few of them.\n")
    scored = subprocess.run([coach, "design", "score", "ota-policy-rollout", "--answer-file", str(answer), "--report",
                             str(elsewhere / "r.html")], capture_output=True, text=True, cwd=elsewhere, env=env)
    assert scored.returncode == 0 and (elsewhere / "r.html").read_text().lower().startswith("<!doctype html>"), scored.stderr
    assert subprocess.run([coach, "--version"], capture_output=True, text=True, env=env).stdout.startswith("coach ")


def test_a_bug_is_one_line_exit_70_and_a_logged_traceback(coach_env: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from coach import cli
    from coach.commands import stats

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(stats, "collect", broken)
    monkeypatch.setattr(sys, "argv", ["coach", "stats"])
    with pytest.raises(SystemExit) as info:
        cli.main()
    assert info.value.code == 70
    err = capsys.readouterr().err
    log = coach_env / "logs" / "last-error.log"
    assert err.strip() == f"coach: internal error: RuntimeError: boom; details in {log} (please report it)"
    assert "Traceback" in log.read_text() and "Traceback" not in err
