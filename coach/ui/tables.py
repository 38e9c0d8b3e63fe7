"""Rich rendering of reports that only print: bank coverage, stats, weak topics, plans, today. No prompting."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from coach.plan import RECENT_DAYS

if TYPE_CHECKING:
    from coach.model import Budget
    from coach.plan import Step, Weakness

SHADES = " ░▒▓█"


def _console() -> Console:
    return Console(highlight=False, emoji=False)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def _cross(title: str, rows: dict[str, dict[str, int]], label: str) -> Table:
    """A count table with one row per key of the inner dicts and one column per topic (fits 80 columns)."""
    topics = list(rows)
    table = Table(title=title, title_justify="left")
    table.add_column(label, no_wrap=True)
    for topic in topics:
        table.add_column(topic.replace("-", "-\n", 1), justify="right")
    for key in next(iter(rows.values())):
        table.add_row(key, *(str(rows[t][key]) for t in topics))
    table.add_row("total", *(str(sum(rows[t].values())) for t in topics), style="bold")
    return table


def show_coverage(report: dict[str, Any]) -> None:
    """The bank's size and its topic x robot and topic x budget tables."""
    console = _console()
    types = ", ".join(f"{k} {v}" for k, v in report["type"].items())
    console.print(f"{report['questions']} questions ({types})")
    console.print(_cross("Robot by topic (a question for several robots counts in each)", report["topic_by_robot"],
                         "robot"))
    console.print(_cross("Budget by topic (the shortest study path that includes it)", report["topic_by_budget"],
                         "budget"))


def heatmap(counts: dict[str, int]) -> list[str]:
    """Seven text rows (Mon..Sun), one column per week, shaded by answers that day."""
    days = [(date.fromisoformat(d), n) for d, n in counts.items()]
    top = max((n for _, n in days), default=0) or 1
    first = days[0][0] - timedelta(days=days[0][0].weekday())
    weeks = (days[-1][0] - first).days // 7 + 1
    grid = [[" "] * weeks for _ in range(7)]
    for day, n in days:
        shade = SHADES[0] if not n else SHADES[min(4, 1 + int(3 * n / top))]
        grid[day.weekday()][(day - first).days // 7] = shade if n else "·"
    names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    return [f"{names[i]} {''.join(row)}" for i, row in enumerate(grid)]


def show_stats(data: dict[str, Any]) -> None:
    """Per-topic table, retention, streak, heatmap and the week ahead."""
    console = _console()
    table = Table(title=f"{data['attempts']} answers", title_justify="left")
    for name in ("topic", "answers", "right", "accuracy"):
        table.add_column(name, justify="left" if name == "topic" else "right")
    for topic, t in data["topics"].items():
        table.add_row(topic, str(t["attempts"]), str(t["correct"]), _pct(t["accuracy"]))
    console.print(table)
    console.print(f"Retention (reviews, last 30 days): {_pct(data['retention_30d'])}   "
                  f"Streak: {data['streak_days']} day(s)   Due now: {data['due']}")
    console.print("\nLast weeks (· none, ░▒▓█ more answers):")
    for row in heatmap(data["heatmap"]):
        console.print(row, markup=False)
    ahead = "  ".join(f"{date.fromisoformat(d['date']).strftime('%a')} {d['count']}" for d in data["due_next_7_days"])
    console.print(f"\nDue in the next 7 days: {ahead}")


def show_weak(ranking: list[Weakness], leeches: list[dict[str, Any]], design: list[dict[str, Any]]) -> None:
    """Topics and subtopics weakest first, design criteria, and leeches with the explanation to reread."""
    console = _console()
    table = Table(title="Weakest first", title_justify="left")
    table.add_column("topic / subtopic", justify="left", no_wrap=True, min_width=16)  # names stay whole
    for name in ("answers", "accuracy", "recent", "lapses", "recall", "weakness"):
        table.add_column(name, justify="right")
    for w in ranking:
        table.add_row(Text(w.topic, style="bold"), *_weak_cells(w))
        for s in w.subtopics[:4]:
            table.add_row(f"  {s.subtopic}", *_weak_cells(s))
        if len(w.subtopics) > 4:
            table.add_row(Text(f"  +{len(w.subtopics) - 4} more", style="dim"), *[""] * 6)  # all in --json
    console.print(table)
    console.print(Text(f"recent: the last {RECENT_DAYS} days. recall: fsrs's estimate that you would recall it now "
                       "(high just after a review, falling until the next one is due).", style="dim"))
    if not any(w.attempts for w in ranking) and not design:
        console.print("No answers yet: run `coach quiz` first.")
        return
    for row in [d for d in design if d["score"] < 0.6][:5]:
        console.print(f"Design: {row['prompt']} / {row['criterion']}: {_pct(row['score'])} over {row['attempts']}")
    for leech in leeches:
        console.print(Text(f"\nLeech ({leech['lapses']} lapses) {leech['id']}: {leech['prompt']}", style="red"))
        console.print(f"  Reread: {leech['explanation']}\n  Source: {leech['source']}", markup=False)
    console.print("\nDrill them: coach quiz --weak")


def _weak_cells(w: Weakness) -> list[str]:
    return [str(w.attempts), _pct(w.accuracy), _pct(w.recent_accuracy), str(w.lapses), _pct(w.retrievability),
            f"{w.weakness:.2f}"]


def show_plan(budget: Budget, steps: list[Step], facts: dict[str, Any], done: list[bool | None]) -> None:
    """The plan's steps: done ones ticked, the next one marked."""
    console = _console()
    head = f"Study plan: {budget.value} path, {sum(s.minutes for s in steps)} min in {len(steps)} steps"
    if "days_left" in facts:
        left = f"{facts['days_left']} day(s) left" if facts["days_left"] >= 0 else "passed"
        head += f" (interview {facts['interview']}, {left})"
    console.print(Text(head, style="bold"))
    if facts.get("cleared"):
        console.print("Forgot the saved plan and interview date. Below, the one-day path as a suggestion.")
    elif facts.get("saved") is False:
        console.print("Not saved: choose one with `coach plan --time 1h|1d|1w|1m` or `--interview YYYY-MM-DD`.")
    upcoming = next((i for i, d in enumerate(done) if d is False), None)
    finished = sum(d is True for d in done)
    console.print(f"Done: {finished} of {sum(d is not None for d in done)} quiz and design steps")
    for i, step in enumerate(steps, 1):
        mark = "→" if i - 1 == upcoming else "✓" if done[i - 1] else " "
        what = f"{len(step.question_ids)} questions" if step.question_ids else (step.prompt_id or "")
        console.print(f"{mark} {i:>2}. [{step.kind}] {step.title}: {step.minutes} min" + (f" · {what}" if what else ""),
                      markup=False)


def show_today(facts: dict[str, Any]) -> None:
    """`coach` with no command."""
    console = _console()
    if "days_left" in facts and facts["days_left"] < 0:
        console.print(Text(f"Your interview on {facts['interview']} has passed: set the next one with "
                           "`coach plan --interview YYYY-MM-DD`, or `coach plan --clear`.", style="bold"))
    elif "days_left" in facts:
        console.print(Text(f"Interview {facts['interview']}: {facts['days_left']} day(s) left "
                           f"({facts['budget']} path)", style="bold"))
    elif "budget" in facts:
        console.print(Text(f"Study path: {facts['budget']}", style="bold"))
    console.print(f"Focus: {facts['focus']}   Due now: {facts['due_now']}   "
                  f"New today: {facts['new_today']}/{facts['new_limit']}   Due in 24 h: {facts['due_tomorrow']}")
    if "plan_questions" in facts:
        seen, total = facts["plan_questions"]
        console.print(f"Plan: {seen} of {total} questions answered at least once", markup=False)
    if "next_step" in facts:
        console.print(f"Next step: {facts['next_step']}", markup=False)
    else:
        console.print("No plan yet: `coach plan --interview YYYY-MM-DD` picks a path for the days you have.")
    console.print("Start: coach quiz   ·   design rounds: coach design list   ·   mock: coach mock   ·   help: coach -h")
