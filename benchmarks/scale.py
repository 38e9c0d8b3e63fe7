"""Speed at scale: a 10,000-question bank and 100,000 stored answers, against same-run references.

Run by hand:  python benchmarks/scale.py [--runs 7]   (runs interleave the commands compared; bytecode as installed)
Floors (issue 7), each a ratio so a noisy machine cancels out:
  coach --help                                   <= 1.3x bare Typer app --help
  first question, 10k extra questions, cached    <= 1.5x bare Typer app running a command
  first question, uncached (fresh copy each run) <= 1.5x parsing that YAML alone with PyYAML's C loader
  stats --json / weak --json, 100k answers       <= 3x coach --help
  peak RSS of a quiz with the 10k bank           < 150 MB
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import PY, bare_app, env_with, medians, report, temp_home, time_once  # noqa: E402
from generate import write_bank, write_history  # noqa: E402


def peak_rss_mb(cmd: list[str], env: dict[str, str]) -> float:
    """Peak resident memory of one child process, in MB."""
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, "
             "stdout=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([PY, "-c", probe, *cmd], env=env, capture_output=True, text=True, check=True).stdout
    return int(out) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    work = temp_home()
    bank_file = write_bank(work / "big.yaml")
    bare = bare_app(work)
    home = work / "home"
    env = env_with(COACH_HOME=str(home), COACH_BANK_PATH=str(bank_file), COACH_SEED="1")
    first_q = [PY, "-m", "coach", "quiz", "--plain", "--robot", "any"]

    counted = json.loads(subprocess.run([PY, "-m", "coach", "bank", "stats", "--json"], env=env, capture_output=True,
                                        text=True, check=True).stdout)["questions"]
    parse = f"import yaml; yaml.load(open({str(bank_file)!r}, encoding='utf-8').read(), Loader=yaml.CSafeLoader)"
    t = medians({
        "bare help": ([PY, str(bare), "--help"], env, None),
        "bare cmd": ([PY, str(bare), "quiz", "--limit", "1", "--plain"], env, None),
        "coach help": ([PY, "-m", "coach", "--help"], env, None),
        "cached": (first_q, env, "[1/"),
    }, runs)
    yaml_only = medians({"yaml": ([PY, "-c", parse], env, None)}, max(3, runs // 2))["yaml"]
    cold = []
    for i in range(max(3, runs // 2)):
        fresh = work / f"cold{i}"
        copy = shutil.copy(bank_file, work / f"copy{i}.yaml")
        cold.append(time_once(first_q, env_with(COACH_HOME=str(fresh), COACH_BANK_PATH=str(copy), COACH_SEED="1"),
                              until="[1/"))
    uncached = statistics.median(cold)

    history_home = work / "history"
    history_home.mkdir()
    from coach import bank as bank_module

    loaded = bank_module.load([bank_file]).questions
    write_history(history_home / "coach.db", [q.id for q in loaded], {q.id: q.topic.value for q in loaded})
    henv = env_with(COACH_HOME=str(history_home), COACH_BANK_PATH=str(bank_file), COACH_NOW="2026-11-26T09:00:00Z")
    h = medians({
        "coach help": ([PY, "-m", "coach", "--help"], henv, None),
        "stats": ([PY, "-m", "coach", "stats", "--json"], henv, None),
        "weak": ([PY, "-m", "coach", "weak", "--json"], henv, None),
    }, runs)  # the warm-up round fills this home's parse cache
    rss = peak_rss_mb(first_q, env)

    print(f"Python {sys.version.split()[0]}; {runs} runs, medians; `coach bank stats --json` counts {counted} questions "
          f"(shipped + 10,000 generated, {bank_file.stat().st_size / 1e6:.1f} MB of YAML)")
    report([
        ("coach --help  (vs bare --help; floor 1.3x)", t["coach help"], t["bare help"]),
        ("first question, cached  (vs bare command; floor 1.5x)", t["cached"], t["bare cmd"]),
        ("first question, uncached  (vs C-loader parse alone; floor 1.5x)", uncached, yaml_only),
        ("PyYAML C loader alone on the same file", yaml_only, None),
        ("stats --json, 100k answers  (vs coach --help; floor 3x)", h["stats"], h["coach help"]),
        ("weak --json, 100k answers  (vs coach --help; floor 3x)", h["weak"], h["coach help"]),
    ])
    print(f"{'peak RSS, quiz with the 10k bank (floor 150 MB)':<58} {rss:8.1f} MB")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
