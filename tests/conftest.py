from __future__ import annotations

import os
import sys
import time
from typing import Any
from datetime import datetime, timezone
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def coach_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets a throwaway COACH_HOME with a real SQLite file, plain wide output, no colour."""
    home = tmp_path / "home"
    monkeypatch.setenv("COACH_HOME", str(home))
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    for name in ("COACH_BANK_PATH", "COACH_SHIPPED_BANK", "COACH_NOW", "COACH_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def test_bank(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Serve only tests/data/bank.yaml, at a fixed time."""
    monkeypatch.setenv("COACH_SHIPPED_BANK", "0")
    monkeypatch.setenv("COACH_BANK_PATH", str(DATA / "bank.yaml"))
    monkeypatch.setenv("COACH_NOW", NOW.isoformat())
    return DATA / "bank.yaml"


def child_env(**extra: str) -> dict[str, str]:
    """Environment for a coach subprocess: the test's env plus extras, with the repo importable."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1]) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


# one valid mcq question, as it appears under `questions:` in a bank file
GOOD = """\
  - id: q-one
    topic: simulation
    robots: [any]
    budget: 1h
    difficulty: 1
    type: mcq
    prompt: Which engine?
    choices: [MuJoCo, Gazebo]
    answer: MuJoCo
    explanation: Because. And more.
    sources: [https://mujoco.org]
"""

PYTHON = sys.executable


def exit_code(child: Any) -> int:
    """Wait for a pexpect child to finish and close it; its exit status."""
    import pexpect

    child.expect(pexpect.EOF)
    child.close()
    return int(child.exitstatus)
