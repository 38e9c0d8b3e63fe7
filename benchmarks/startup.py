"""Start-up: `coach --help` and time to first question, against a bare Typer app of the same shape.

Run by hand:  python benchmarks/startup.py [--runs 15]
Floors (issue 3/7): coach --help <= 1.3x the bare app's --help.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import PY, bare_app, env_with, medians, report, temp_home  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    home = temp_home()
    bare = bare_app(home)
    env = env_with(COACH_HOME=str(home / "home"), COACH_SEED="1")
    t = medians({
        "typer": ([PY, "-c", "import typer"], env, None),
        "bare help": ([PY, str(bare), "--help"], env, None),
        "bare cmd": ([PY, str(bare), "quiz", "--limit", "1", "--plain"], env, None),
        "coach help": ([PY, "-m", "coach", "--help"], env, None),
        "first": ([PY, "-m", "coach", "quiz", "--plain", "--robot", "any"], env, "[1/"),
    }, runs)
    print(f"Python {sys.version.split()[0]}, {runs} interleaved runs each, medians; shipped bank, parse cache warm")
    report([
        ('python -c "import typer"', t["typer"], None),
        ("bare Typer app --help", t["bare help"], t["typer"]),
        ("bare Typer app: a command with options", t["bare cmd"], t["typer"]),
        ("coach --help  (vs bare --help)", t["coach help"], t["bare help"]),
        ("coach quiz: time to first question  (vs bare command)", t["first"], t["bare cmd"]),
    ])


if __name__ == "__main__":
    main()
