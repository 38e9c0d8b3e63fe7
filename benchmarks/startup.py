"""Start-up: `coach --help` and time to first question, against a bare Typer app of the same shape.

Run by hand:  python benchmarks/startup.py [--runs 15]
Floors (issue 3/7): coach --help <= 1.3x the bare app's --help.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import PY, bare_app, env_with, median, report, temp_home  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    home = temp_home()
    bare = bare_app(home)
    env = env_with(COACH_HOME=str(home / "home"), COACH_SEED="1")
    typer_import = median([PY, "-c", "import typer"], env, runs)
    bare_help = median([PY, str(bare), "--help"], env, runs)
    bare_cmd = median([PY, str(bare), "quiz", "--limit", "1", "--plain"], env, runs)
    coach_help = median([PY, "-m", "coach", "--help"], env, runs)
    first = median([PY, "-m", "coach", "quiz", "--plain", "--robot", "any"], env, runs, until="[1/")
    print(f"Python {sys.version.split()[0]}, {runs} runs each, medians; shipped bank, parse cache warm")
    report([
        ('python -c "import typer"', typer_import, None),
        ("bare Typer app --help", bare_help, typer_import),
        ("bare Typer app: a command with options", bare_cmd, typer_import),
        ("coach --help  (vs bare --help)", coach_help, bare_help),
        ("coach quiz: time to first question  (vs bare command)", first, bare_cmd),
    ])


if __name__ == "__main__":
    main()
