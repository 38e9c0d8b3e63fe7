"""How long `coach design score` takes on a 2,000-word answer, beyond coach's own start-up.

Run by hand: python benchmarks/design_score.py [--runs 9]
Times, as subprocesses in the same run: `python -c "import typer"` (reference), `coach --help` (start-up), the
floor of any command that runs (Typer coerces arguments through pydantic), `coach design score` as a user runs it
(saved, feedback printed), `--json --no-save` (rubric and its compiled phrases from the parse cache + score), the
same saved, and with a cold cache (YAML parsed and validated, phrases compiled: once per install or rubric edit).
Reports medians, the difference to `coach --help` and the ratio, plus the in-process time of scoring alone and
of rendering each report template (Jinja2 compiles the template on every run; the first render pays for it). Runs
use compiled bytecode, as an installed coach does (see common.env_with).
The answer is generated from a fixed seed: sentences built from the rubric's own phrases, reasons and numbers, so
the scorer does its full work (matching, negation, justification) on every sentence.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from common import env_with, medians, time_once  # noqa: E402
PROMPT = "teleop-flywheel"
TEMPLATES = [
    "We use {a} next to {b} because the fleet of {n} robots produces {n} GB per robot-hour at the busiest sites.",
    "The {a} step runs before {b}, so a crash or a dropped link loses at most one chunk of the episode.",
    "Operators never skip {a}; instead the {b} check quarantines the episode with a reason attached.",
    "A tradeoff: {a} costs latency, whereas {b} costs bandwidth on the shared site uplink every night.",
    "Without {a} the {b} numbers drift, which is why every dataset version records its manifest hash.",
    "Each morning the team reviews {a} and {b} dashboards to decide what the operators collect next week.",
]


def answer(words: int, seed: int = 7) -> str:
    """A deterministic answer of about `words` words made of the rubric's phrases."""
    sys.path.insert(0, str(ROOT))
    from coach import rubric

    r = rubric.load(ROOT / "rubrics" / f"{PROMPT}.yaml")
    phrases = sorted({p.replace("~", "and") for c in r.criteria for k in c.concepts for p in k.phrases})
    rng = random.Random(seed)
    out: list[str] = []
    while sum(len(s.split()) for s in out) < words:
        template = rng.choice(TEMPLATES)
        out.append(template.format(a=rng.choice(phrases), b=rng.choice(phrases), n=rng.randint(2, 900)))
        if len(out) % 6 == 0:
            out.append("")  # paragraph break
    return "\n".join(out)


def cold_ms(cmd: list[str], runs: int, env: dict[str, str]) -> float:
    """Median ms of `cmd` with a new COACH_HOME each run: the rubric YAML parsed and validated, phrases compiled."""
    times = [time_once(cmd, dict(env, COACH_HOME=f"{env['COACH_HOME']}-cold-{i}")) for i in range(runs)]
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--words", type=int, default=2000)
    args = parser.parse_args()
    text = answer(args.words)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "answer.md"
        path.write_text(text)
        env = env_with(COACH_HOME=str(Path(tmp) / "home"), PYTHONPATH=str(ROOT))
        coach = [sys.executable, "-m", "coach"]
        subprocess.run([*coach, "design", "list"], check=True, capture_output=True, env=env)  # create the store
        score = [*coach, "design", "score", PROMPT, "-f", str(path)]
        rows = {name: seconds * 1000 for name, seconds in medians({
            'python -c "import typer"': ([sys.executable, "-c", "import typer"], env, None),
            "coach --help": ([*coach, "--help"], env, None),
            # floor of any command that runs: Typer coerces its arguments (imports pydantic), coach.rubric loads
            "coach design show no-such-id (floor)": ([*coach, "design", "show", "no-such-id"], env, None),
            "coach design score (saved, feedback)": (score, env, None),
            "coach design score --json --no-save": ([*score, "--json", "--no-save"], env, None),
            "coach design score --json (saved)": ([*score, "--json"], env, None),
            "... and --report out.html (Jinja2)": ([*score, "--report", str(Path(tmp) / "out.html"), "--force"], env,
                                                    None),
        }, args.runs, may_fail=["coach design show no-such-id (floor)"]).items()}
        rows["... --no-save, cold rubric cache"] = cold_ms([*score, "--json", "--no-save"], args.runs, env)
    sys.path.insert(0, str(ROOT))
    from coach import report, rubric, scoring

    r = rubric.load(ROOT / "rubrics" / f"{PROMPT}.yaml")
    inproc, prepared = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        card = scoring.score(r, text)
        inproc.append((time.perf_counter() - start) * 1000)
        kept = scoring.prepare(r)  # what the command reads from the cache
        start = time.perf_counter()
        scoring.score(r, text, kept)
        prepared.append((time.perf_counter() - start) * 1000)
    renders: dict[str, list[float]] = {"report.md.j2": [], "report.html.j2": []}
    for _ in range(args.runs):
        for template, times in renders.items():
            start = time.perf_counter()
            report.render(template, card, r, answered_utc="2026-11-26T09:00:00Z", robot=None, history=[],
                          answer=text)
            times.append((time.perf_counter() - start) * 1000)
    help_ms = rows["coach --help"]
    print(f"answer: {len(text.split())} words, {card.modifiers.words} counted, score {card.score}")
    print(f"{'command':<40} {'median ms':>10} {'- help':>8} {'x help':>7}")
    for name, ms in rows.items():
        print(f"{name:<40} {ms:>10.1f} {ms - help_ms:>+8.1f} {ms / help_ms:>7.2f}")
    print(f"{'scoring.score() in process':<40} {statistics.median(inproc):>10.1f}")
    print(f"{'... with the rubric prepared (cached)':<40} {statistics.median(prepared):>10.1f}")
    for template, times in renders.items():
        print(f"{'report.render ' + template + ' in process':<40} {statistics.median(times):>10.1f}")
    worst = max(ms for name, ms in rows.items() if name.startswith("coach design score"))
    beyond = worst - help_ms
    print(f"slowest design score beyond start-up: {beyond:.1f} ms ({'under' if beyond < 100 else 'OVER'} the 100 ms"
          " budget)")
    floor = rows["coach design show no-such-id (floor)"]
    print(f"slowest design score beyond the command floor: {worst - floor:.1f} ms")


if __name__ == "__main__":
    main()
