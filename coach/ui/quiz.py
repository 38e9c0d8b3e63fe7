"""Terminal I/O for the quiz: asking each type of question (questionary or --plain lines) and showing results.

The only quiz code that prompts or prints. Ctrl-C and end of input become `Stop`, never an answer.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable
from typing import Any

from coach.model import QType, Question, Rating, Summary
from coach.session import Answer, Outcome, number_problem, read_as
from coach.ui import Stop, clock_left, is_plain

RATINGS = [Rating.again, Rating.hard, Rating.good, Rating.easy]


class QuizUI:
    """Asks questions and shows feedback, in rich+questionary or plain line mode."""

    def __init__(self, plain: bool) -> None:
        self.plain = is_plain(plain)
        self.started = time.monotonic()

    @functools.cached_property
    def console(self) -> Any:
        # rich is imported on first use only: plain mode never needs it
        from rich.console import Console

        return Console(highlight=False, emoji=False)

    # input ------------------------------------------------------------------------------------------------
    def _line(self, prompt: str) -> str:
        try:
            text = input(prompt)
        except (EOFError, KeyboardInterrupt):
            print()
            raise Stop from None
        if not sys.stdin.isatty():
            print(text)  # piped input is not echoed: keep the transcript readable
        if _is_stop(text):
            raise Stop
        return text.strip()

    def _ask(self, prompt: Any) -> Any:
        try:
            return prompt.unsafe_ask()  # .ask() returns None on Ctrl-C, which looks like an answer
        except (KeyboardInterrupt, EOFError):
            raise Stop from None

    def _until_valid(self, prompt: str, parse: Callable[[str], Any]) -> Any:
        while True:
            value = parse(self._line(prompt))
            if value is not None:
                return value

    def ask(self, q: Question, choices: list[str], index: int, total: int, deadline: float | None = None) -> Answer:
        """Show a question (with the time left before `deadline`, if any) and return the answer; raises Stop."""
        self.started = time.monotonic()
        self.show_question(q, choices, index, total, deadline)
        if q.type is QType.recall:
            return self._recall(q)
        if self.plain:
            return self._plain(q, choices)
        import questionary

        if q.type in (QType.mcq, QType.multi):
            # a menu line longer than the terminal is cut, and a choice's end often decides it: long choices are
            # printed whole above (show_question), and the menu shows their numbers and starts
            room = _menu_room()
            items = [questionary.Choice(title=f"{i}) {_clip(c, room)}", value=c) for i, c in enumerate(choices, 1)]
            if q.type is QType.mcq:
                return Answer(text=self._ask(questionary.select("Your answer:", choices=items, qmark="?")))
            picks = self._ask(questionary.checkbox("Pick all that apply (space to tick, Enter to submit):",
                                                   choices=items, qmark="?"))
            return Answer(picks=tuple(picks or ()))
        text = self._ask(questionary.text(f"Your estimate ({q.unit}; q to stop):", qmark="?",
                                          validate=lambda t: _is_stop(t) or number_problem(t, q.unit) or True))
        if _is_stop(text):
            raise Stop
        return Answer(text=text)

    def _plain(self, q: Question, choices: list[str]) -> Answer:
        def pick_one(text: str) -> str | None:
            ok = text.isdigit() and 1 <= int(text) <= len(choices)
            if not ok:
                print(f"  enter a number from 1 to {len(choices)} (q to stop)")
            return choices[int(text) - 1] if ok else None

        def pick_many(text: str) -> tuple[str, ...] | None:
            parts = [p for p in text.replace(",", " ").split() if p]
            if not parts or not all(p.isdigit() and 1 <= int(p) <= len(choices) for p in parts):
                print(f"  enter numbers from 1 to {len(choices)}, e.g. 1,3 (q to stop)")
                return None
            return tuple(dict.fromkeys(choices[int(p) - 1] for p in parts))

        def number(text: str) -> str | None:
            problem = number_problem(text, q.unit)
            if problem:
                print(f"  {problem} (q to stop)")
            return None if problem else text

        if q.type is QType.mcq:
            return Answer(text=self._until_valid("answer> ", pick_one))
        if q.type is QType.multi:
            return Answer(picks=self._until_valid("answers (e.g. 1,3)> ", pick_many))
        return Answer(text=self._until_valid(f"estimate ({q.unit})> ", number))

    def _recall(self, q: Question) -> Answer:
        if self.plain:
            text = self._line("your answer (Enter to just think it)> ")
        else:
            import questionary

            text = self._ask(questionary.text("Your answer (Enter to just think it):", qmark="?"))
        self.show_model_answer(q)
        if self.plain:
            menu = "  ".join(f"{i}) {r.value}" for i, r in enumerate(RATINGS, 1))
            print(f"rate yourself: {menu}")

            def rate(t: str) -> Rating | None:
                ok = t in ("1", "2", "3", "4") or t in [r.value for r in RATINGS]
                if not ok:
                    print("  enter 1-4 (again, hard, good, easy)")
                return (RATINGS[int(t) - 1] if t.isdigit() else Rating(t)) if ok else None

            return Answer(text=text, rating=self._until_valid("rating> ", rate))
        import questionary

        labels = {"again: I missed it": Rating.again, "hard: partly, with effort": Rating.hard,
                  "good: I had it": Rating.good, "easy: instantly": Rating.easy}
        choice = self._ask(questionary.select("How did you do?", choices=list(labels), default="good: I had it"))
        return Answer(text=text, rating=labels[choice])

    def elapsed_ms(self) -> int:
        """Milliseconds since the current question was shown."""
        return int((time.monotonic() - self.started) * 1000)

    # output -----------------------------------------------------------------------------------------------
    def show_question(self, q: Question, choices: list[str], index: int, total: int,
                      deadline: float | None = None) -> None:
        head = f"[{index}/{total}] {q.topic.value}{' / ' + q.subtopic if q.subtopic else ''} · {q.type.value}"
        if deadline is not None:
            head += f" · {clock_left(deadline - time.monotonic())} left"
        if self.plain:
            print(f"\n{head}\n{q.prompt}")
            for i, choice in enumerate(choices, 1):
                print(f"  {i}) {choice}")
            return
        from rich.panel import Panel
        from rich.text import Text

        body = q.prompt
        if any(len(c) > _menu_room() for c in choices):
            body += "\n" + "".join(f"\n{i}) {c}" for i, c in enumerate(choices, 1))
        self.console.print()
        # Text, not str: bank text is data, and "[b]" in a user's subtopic must not be read as markup
        self.console.print(Panel(Text(body), title=Text(head), title_align="left", border_style="cyan"))

    def show_model_answer(self, q: Question) -> None:
        points = "".join(f"\n  - {p}" for p in q.key_points)
        self._say(f"Model answer: {q.answer}{points}", "blue")

    def show_feedback(self, q: Question, outcome: Outcome) -> None:
        """Right/wrong, the right answer, the explanation and its source."""
        if q.type is QType.recall:
            verdict = f"Rated {outcome.rating.value}."
        elif outcome.correct:
            verdict = "Right."
        else:
            verdict = f"Wrong. Answer: {_right_answer(q)}"
        self._say(verdict + _what_you_gave(q, outcome), "green" if outcome.correct else "red")
        self._say(f"Why: {q.explanation}\nSource: {q.sources[0]}", "dim")

    def _say(self, text: str, style: str) -> None:
        if self.plain:
            print(text)
        else:
            from rich.text import Text

            self.console.print(Text(text, style=style))

    def show_summary(self, summary: Summary, next_due: str | None) -> None:
        """Score, per-topic counts and what comes due next."""
        pct = f" ({100 * summary.correct / summary.answered:.0f}%)" if summary.answered else ""
        lines = [f"Session: {summary.correct}/{summary.answered} right{pct}"]
        lines += [f"  {topic}: {c}/{n}" for topic, (n, c) in sorted(summary.by_topic.items())]
        lines.append(f"Next due: {next_due}" if next_due else "Nothing scheduled yet.")
        if summary.due_tomorrow:
            lines.append(f"Due in the next 24 h: {summary.due_tomorrow}")
        self._say("\n" + "\n".join(lines), "bold")

    def announce(self, text: str) -> None:
        """A line of framing before a timed block."""
        self._say(text, "bold")

    def warn_over_time(self) -> None:
        """The timed block ran over its budget."""
        self._say("Time is up for this block: moving on.", "yellow")

    def show_nothing_due(self, next_due: str | None) -> None:
        tail = f" Next review: {next_due}." if next_due else ""
        self._say(f"Nothing due and no new questions left for today.{tail} Try `coach quiz --weak` or "
                  "`coach design list`, or raise the daily limit of new questions: `coach config new-per-day 40`.",
                  "yellow")

    def ask_focus(self, names: list[str]) -> str:
        """Ask once which robot the user builds for."""
        import questionary

        return str(self._ask(questionary.select(
            "Which robot are you building for? (tailors every quiz; change later with `coach focus`)",
            choices=names, default="any")))


def _right_answer(q: Question) -> str:
    if q.type is QType.multi:
        return "; ".join(q.answers)
    if q.type is QType.numeric:
        assert isinstance(q.answer, float)
        return f"{q.answer:g} {q.unit} (±{q.tolerance:g})"
    return str(q.answer)


def _what_you_gave(q: Question, outcome: Outcome) -> str:
    """How coach read a numeric answer in another unit, and which picks of a multi answer were off."""
    if q.type is QType.numeric:
        read = read_as(outcome.given, q.unit)
        return f" (you said {outcome.given.strip()} = {read})" if read else ""
    if q.type is QType.multi and not outcome.correct:
        picked = set(outcome.given.split(" | ")) if outcome.given else set()
        missed = [c for c in q.answers if c not in picked]
        extra = [c for c in q.choices if c in picked and c not in q.answers]
        return "".join([f"\n  You missed: {'; '.join(missed)}" if missed else "",
                        f"\n  Not right: {'; '.join(extra)}" if extra else ""])
    return ""


def local_time(utc_text: str) -> str:
    """A stored UTC time as local 'Mon 27 Nov 14:05'."""
    from datetime import datetime

    moment = datetime.fromisoformat(utc_text.replace("Z", "+00:00")).astimezone()
    return moment.strftime("%a %d %b %H:%M")


def _menu_room() -> int:
    """Characters a choice may take in an arrow-key menu line before the terminal's edge cuts it."""
    import shutil

    return max(20, shutil.get_terminal_size().columns - 10)


def _clip(text: str, room: int) -> str:
    return text if len(text) <= room else text[: room - 1].rstrip() + "…"


def _is_stop(text: str) -> bool:
    return text.strip().lower() in ("q", ":q", "quit")
