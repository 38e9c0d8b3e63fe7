"""The terminal side of design rounds: the only design code that prompts the user or prints with rich.

Runs the phases of a prompt (scenario, time left, clarifying questions, follow-up probes) and shows the feedback.
Line mode (`plain`) prints plain text and reads lines, so it works on pipes. Ctrl-C and EOF end a round early and
return what was written; they never raise. Must not score, read rubric files or touch the store.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from coach.errors import CoachError
from coach.ui import Stop, clock_left
from coach.ui import is_plain as is_plain  # re-exported: commands call ui.design.is_plain

if TYPE_CHECKING:
    from coach.model import Robot
    from coach.rubric import Phase, Rubric
    from coach.scorecard import CriterionScore, ScoreCard

END = "."
INSTRUCTIONS = ("Write your answer line by line. A line with only '.' ends the phase; '? question' asks the "
                "interviewer; Ctrl-D (EOF) or Ctrl-C ends the round and scores what you wrote.")
COMMENT = re.compile(r"<!--.*?-->\n?", re.S)


@dataclass
class Round:
    """What a round produced: the answer (Markdown, one heading per phase), whether it was cut short, the
    clarifying questions asked with the facts revealed, and the minutes it took."""

    answer: str = ""
    stopped: bool = False
    asked: list[tuple[str, str]] = field(default_factory=list)
    minutes: float = 0.0


class _Out:
    """Plain text or rich, behind one small interface."""

    def __init__(self, plain: bool) -> None:
        self.plain = plain
        self.console: Any = None
        if not plain:
            from rich.console import Console

            self.console = Console(highlight=False)

    def say(self, text: str = "", style: str = "") -> None:
        if self.console is None:
            print(text, flush=True)
        else:
            from rich.text import Text

            self.console.print(Text(text, style=style))

    def rule(self, title: str) -> None:
        if self.console is None:
            print(f"\n== {title} ==", flush=True)
        else:
            self.console.rule(f"[bold]{_markup_safe(title)}")


def _markup_safe(text: str) -> str:
    return text.replace("[", "\\[")


def _read(prompt: str, reader: Callable[[str], str]) -> str:
    try:
        return reader(prompt if sys.stdin.isatty() else "")  # piped answers: no "> > >" in the transcript
    except (EOFError, KeyboardInterrupt):
        raise Stop from None


def run_round(rubric: Rubric, robot: Robot | None, minutes: int | None, plain: bool, *, editor: bool = False,
              probes: bool = True, reader: Callable[[str], str] = input) -> Round:
    """Run one design round in the terminal and return what the user wrote (never raises on Ctrl-C or EOF)."""
    session = _Session(rubric, robot, minutes or rubric.minutes, _Out(plain), reader)
    return session.run(editor, probes)


class _Session:
    """One round in progress: the clock, the parts written so far, and the questions asked."""

    def __init__(self, rubric: Rubric, robot: Robot | None, total: int, out: _Out,
                 reader: Callable[[str], str]) -> None:
        self.rubric, self.robot, self.total, self.out, self.reader = rubric, robot, total, out, reader
        self.scale = total / rubric.minutes
        self.start = time.monotonic()
        self.result = Round()
        self.parts: list[str] = []

    def run(self, editor: bool, probes: bool) -> Round:
        self.out.rule(f"Design round: {self.rubric.title} ({self.total} min)")
        self.out.say(self.rubric.scenario_for(self.robot))
        self.out.say()
        self.out.say(INSTRUCTIONS, "dim")
        try:
            if editor:
                self.editor()
            else:
                for number, phase in enumerate(self.rubric.phases, 1):
                    self.phase(phase, number, probes)
        except Stop:
            self.result.stopped = True
            self.out.say("\nRound ended early; scoring what you wrote.", "yellow")
        if self.result.asked:  # asking is part of scoping: the questions (not the interviewer's facts) are scored
            questions = "\n".join(f"- {q.rstrip('?')}?" for q, _ in self.result.asked)
            self.parts.insert(0, f"## Clarifying questions\n\n{questions}")
        self.result.answer = "\n\n".join(p for p in self.parts if p.strip()).strip()
        self.result.minutes = round((time.monotonic() - self.start) / 60, 1)
        return self.result

    def left(self) -> str:
        return clock_left(self.total * 60 - (time.monotonic() - self.start))

    def phase(self, phase: Phase, number: int, probes: bool) -> None:
        budget = max(1, round(phase.minutes * self.scale))
        self.out.rule(f"Phase {number}/{len(self.rubric.phases)}: {phase.title} · {budget} min · {self.left()} left")
        self.out.say(phase.prompt, "cyan")
        began = time.monotonic()
        self.write(f"## {phase.title}")
        over = (time.monotonic() - began) / 60 - budget
        if over >= 1:
            self.out.say(f"({over:.0f} min over this phase's budget)", "yellow")
        for probe in (p for p in self.rubric.probes if probes and p.phase == phase.id):
            self.probe(probe.question)

    def write(self, heading: str) -> None:
        """Collect lines under `heading` until '.'; kept even when Ctrl-C or EOF cuts the phase short."""
        lines: list[str] = []
        try:
            self.collect(lines)
        finally:
            if any(line.strip() for line in lines):
                self.parts.append(f"{heading}\n\n" + "\n".join(lines).strip())

    def collect(self, lines: list[str]) -> None:
        """Read lines until '.', answering '? questions' from the rubric's clarifying facts."""
        while True:
            line = _read("> ", self.reader)
            if line.strip() == END:
                return
            if line.lstrip().startswith("?"):
                self.clarify(line.lstrip()[1:].strip())
            else:
                lines.append(line.rstrip())

    def clarify(self, question: str) -> None:
        from coach.scoring import clarify

        found = clarify(self.rubric, question, self.robot) if question else None
        reply = found[1] if found else "No more detail on that: state your assumption and carry on."
        if question:
            self.result.asked.append((question, reply))
        self.out.say(f"Interviewer: {reply}", "magenta")

    def probe(self, question: str) -> None:
        self.out.say(f"\nInterviewer asks: {question}", "bold magenta")
        self.out.say("(answer, then '.' on its own line; '.' alone skips)", "dim")
        self.write(f"### Follow-up: {question}")

    def editor(self) -> None:
        import click

        self.out.say("Ask clarifying questions first ('? question'); a line with only '.' opens your editor.", "dim")
        self.collect([])
        facts = "".join(f"<!-- Q: {q}\n     A: {a} -->\n" for q, a in self.result.asked)
        template = f"<!-- {self.rubric.title}. Comments like this one are removed. -->\n{facts}" + "".join(
            f"\n## {p.title}\n<!-- {p.minutes} min: {p.prompt} -->\n\n" for p in self.rubric.phases)
        try:
            edited = click.edit(template, extension=".md", require_save=True)
        except click.ClickException as exc:  # no such editor, or it exited with an error
            raise CoachError(f"could not open the editor: {exc.format_message()}",
                             hint="set $EDITOR (or $VISUAL) to an installed editor, or run without --editor") from None
        if edited is None:
            raise Stop
        self.parts.append(COMMENT.sub("", edited).strip())
        for probe in self.rubric.probes:
            self.probe(probe.question)


# feedback -----------------------------------------------------------------------------------------------------------
def show_feedback(card: ScoreCard, rubric: Rubric, plain: bool, *, previous: float | None = None,
                  grader: dict[str, Any] | None = None, outline: bool = True) -> None:
    """Print the score, the arithmetic, each criterion's evidence and gaps, red flags, and the model outline."""
    out = _Out(plain)
    out.rule(f"Score: {card.score}/100 · {rubric.title}")
    out.say(card.arithmetic, "dim")
    if previous is not None:
        out.say(f"Last time: {previous:.0f} ({card.score - previous:+.0f})")
    if grader is not None:
        out.say(f"External grader: {grader.get('score', '?')}/100 {grader.get('summary', '')}".rstrip(), "cyan")
    for note in card.diagnostics:
        out.say(f"Note: {note}", "yellow")
    for crit in card.criteria:
        _criterion(out, crit)
    out.rule("Red flags")
    if not card.red_flags:
        out.say("None raised.", "green")
    for flag in card.red_flags:
        out.say(f"✗ {flag.id}: {flag.message}", "bold red")
        out.say(f'    "{flag.evidence}"')
    if outline:
        out.rule("Model outline")
        for section in rubric.outline:
            out.say(section.title, "bold")
            for point in section.points:
                out.say(f"  - {point}")


def _criterion(out: _Out, crit: CriterionScore) -> None:
    levels = ("absent", "named", "elaborated", "justified")
    style = ("red", "yellow", "blue", "green")[crit.level]
    out.say()
    out.say(f"{crit.name}: {crit.score:.0%} (weight {crit.weight:.0%}, level {crit.level} {levels[crit.level]})",
            f"bold {style}")
    for hit in (h for h in crit.hits if h.credit > 0):
        marker = f"; {hit.marker}" if hit.marker else ""
        out.say(f"  ✓ {hit.concept} ({hit.level}{marker}): \"{hit.quote}\"")
    if crit.score < 1:
        for gap in crit.missing[:4]:
            out.say(f"  · {gap.concept}: {gap.hint}", "dim")


def show_list(rows: list[dict[str, Any]], plain: bool) -> None:
    """The prompts: id, title, minutes, attempts and best score."""
    out = _Out(plain)
    if out.console is None:
        for r in rows:
            best = "-" if r["best"] is None else f"{r['best']:.0f}"
            print(f"{r['id']:<28} {r['minutes']:>3} min  attempts {r['attempts']:<3} best {best:>3}  {r['title']}")
        return
    from rich.table import Table

    table = Table("id", "prompt", "min", "attempts", "best")
    for r in rows:
        table.add_row(r["id"], r["title"], str(r["minutes"]), str(r["attempts"]),
                      "-" if r["best"] is None else f"{r['best']:.0f}")
    out.console.print(table)


def show_prompt(rubric: Rubric, robot: Robot | None, plain: bool) -> None:
    """The scenario, the phases with their budgets, and the follow-up probes (for reading before a round)."""
    out = _Out(plain)
    out.rule(f"{rubric.title} ({rubric.minutes} min)")
    out.say(rubric.scenario_for(robot))
    for phase in rubric.phases:
        out.say(f"  {phase.minutes:>2} min  {phase.title}: {phase.prompt}")
    out.say(f"Clarifying facts available: {len(rubric.clarifications)}; follow-up probes: {len(rubric.probes)}",
            "dim")
