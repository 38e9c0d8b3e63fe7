"""Shared benchmark helpers: run commands many times, take medians, and build the bare Typer reference app."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

PY = sys.executable

BARE_APP = '''
from typing import Annotated
import typer

app = typer.Typer(name="coach", pretty_exceptions_enable=False, add_completion=False,
                  context_settings={"help_option_names": ["-h", "--help"]})
bank = typer.Typer(no_args_is_help=True)
design = typer.Typer(no_args_is_help=True)


@app.callback(invoke_without_command=True)
def root(version: Annotated[bool, typer.Option("--version")] = False) -> None:
    """Root."""

'''
_COMMAND = '''
@{group}.command("{name}")
def {func}(topic: Annotated[str | None, typer.Option()] = None, limit: Annotated[int | None, typer.Option()] = None,
           plain: Annotated[bool, typer.Option("--plain")] = False, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """{name}: a command with options and nothing behind it.

    Example: bare {name}
    """
    if limit:
        print("[1/1] first question")

'''
SHAPE = {"app": ["quiz", "focus", "stats", "plan", "weak", "mock", "config"], "bank": ["check", "stats"],
         "design": ["list", "run", "score", "check"]}


def bare_app(folder: Path) -> Path:
    """Write a Typer app with coach's shape (same commands, groups and settings) and nothing behind it."""
    text = BARE_APP
    for group, names in SHAPE.items():
        for name in names:
            text += _COMMAND.format(group=group, name=name, func=f"{group}_{name}")
    text += 'app.add_typer(bank, name="bank")\napp.add_typer(design, name="design")\n\nif __name__ == "__main__":\n    app()\n'
    path = folder / "bare.py"
    path.write_text(text)
    return path


def time_once(cmd: Sequence[str], env: dict[str, str], until: str | None = None, stdin: str = "",
              check: bool = True) -> float:
    """Seconds until the process exits, or until `until` appears on its stdout. With `check`, a failed run is an
    error: a command that fails early would otherwise look fast."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            text=True)
    if until is None:
        _, err = proc.communicate(stdin)
        elapsed = time.perf_counter() - start
    else:
        assert proc.stdin and proc.stdout and proc.stderr
        proc.stdin.close()
        for line in proc.stdout:
            if until in line:
                elapsed = time.perf_counter() - start
                break
        else:
            raise RuntimeError(f"{' '.join(cmd)} never printed {until!r}: {proc.stderr.read()[-300:]}")
        proc.stdout.read()
        err = proc.stderr.read()
        proc.wait()
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {err[-300:]}")
    return elapsed


Run = tuple[Sequence[str], dict[str, str], "str | None"]  # command, environment, stdout marker that stops the clock


def medians(commands: dict[str, Run], runs: int, may_fail: Sequence[str] = ()) -> dict[str, float]:
    """Median seconds of each command over `runs` rounds, after a warm-up round. Each round runs every command once,
    so a machine that slows down for a while slows them all alike and the ratios between them hold. Every run must
    exit 0, except those of the commands named in `may_fail`."""
    for name, (cmd, env, until) in commands.items():
        time_once(cmd, env, until, check=name not in may_fail)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (cmd, env, until) in commands.items():
            times[name].append(time_once(cmd, env, until, check=name not in may_fail))
    return {name: statistics.median(t) for name, t in times.items()}


def env_with(**extra: str) -> dict[str, str]:
    """The environment for timed runs. Bytecode is written and reused, as for an installed coach: `pip install`
    compiles every module, but with PYTHONDONTWRITEBYTECODE set (as on these machines) an editable checkout would
    recompile coach's modules on every run while Typer's and pydantic's stay compiled, timing the compiler."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(extra)
    return env


def temp_home() -> Path:
    return Path(tempfile.mkdtemp(prefix="coach-bench-"))


def report(rows: list[tuple[str, float, float | None]]) -> None:
    """Print name, median ms and ratio to its reference."""
    for name, seconds, reference in rows:
        ratio = f"{seconds / reference:.2f}x" if reference else ""
        print(f"{name:<58} {seconds * 1000:8.1f} ms  {ratio}")
