"""Design-round reports: a ScoreCard, its rubric and the user's earlier scores rendered to Markdown or HTML.

Owns the Jinja2 environment (PackageLoader, StrictUndefined, autoescape for HTML) and writing the report file.
Must not score, prompt or touch the store; callers pass the history in. Raises ReportExists and CoachError.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coach.errors import CoachError, Location, ReportExists

if TYPE_CHECKING:
    from coach.model import Robot
    from coach.rubric import Rubric
    from coach.scorecard import ScoreCard

TEMPLATES = {".md": "report.md.j2", ".markdown": "report.md.j2", ".html": "report.html.j2", ".htm": "report.html.j2"}
LEVEL_LABELS = ("absent", "named", "elaborated", "justified")


@dataclass(frozen=True, slots=True)
class Attempt:
    """One scored attempt at a prompt, for the trend: when (UTC ISO-8601) and the score."""

    answered_utc: str
    score: float


def check_path(path: Path, force: bool) -> str:
    """The template for `path` by its suffix; CoachError for another suffix, ReportExists unless `force`."""
    template = TEMPLATES.get(path.suffix.lower())
    if template is None:
        raise CoachError(f"cannot write a {path.suffix or 'suffix-less'} report", location=Location(str(path)),
                         hint="end the report path in .md or .html")
    if path.exists() and not force:
        raise ReportExists("report already exists", location=Location(str(path)),
                           hint="pass --force to overwrite it, or choose another path")
    return template


def render(template: str, card: ScoreCard, rubric: Rubric, *, answered_utc: str, robot: Robot | None,
           history: list[Attempt], answer: str, grader: dict[str, Any] | None = None,
           mock: dict[str, Any] | None = None, asked: list[tuple[str, str]] | None = None) -> str:
    """The report text. `history` is the earlier attempts (oldest first), not including this one. `mock` adds a
    mock interview's rapid-fire part: {"rapid": [{"prompt", "given", "correct", ...}], "designed": bool}. `asked`
    is the round's clarifying questions with the interviewer's replies."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(loader=PackageLoader("coach", "templates"), undefined=StrictUndefined,
                      autoescape=lambda name: bool(name and name.endswith(".html.j2")),
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["md"] = md_escape
    return env.get_template(template).render(
        card=card, rubric=rubric, answered_utc=answered_utc, robot=robot.value if robot else "any",
        levels=LEVEL_LABELS, trend=trend(history, card.score, answered_utc), answer=answer, grader=grader,
        scenario=rubric.scenario_for(robot), mock=mock, asked=asked or [],
    )


def write(path: Path, text: str, force: bool) -> Path:
    """Write the report atomically (a half-written report never replaces a good one)."""
    check_path(path, force)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise CoachError(f"cannot write report: {exc.strerror or exc}", location=Location(str(path)),
                         hint="check the folder exists and is writable") from None
    return path


def trend(history: list[Attempt], current: int, answered_utc: str) -> dict[str, Any]:
    """Earlier attempts plus this one: rows with deltas, best, and SVG points for a sparkline."""
    attempts = [*history, Attempt(answered_utc, float(current))]
    rows = []
    for i, a in enumerate(attempts):
        delta = None if i == 0 else round(a.score - attempts[i - 1].score)
        rows.append({"when": a.answered_utc.replace("T", " ").rstrip("Z"), "score": round(a.score), "delta": delta,
                     "current": i == len(attempts) - 1})
    width, height, step = 240, 60, 240 / max(1, len(attempts) - 1)
    points = " ".join(f"{i * step:.1f},{height - a.score * height / 100:.1f}" for i, a in enumerate(attempts))
    previous = history[-1].score if history else None
    return {"rows": rows, "count": len(attempts), "best": round(max(a.score for a in attempts)),
            "previous": None if previous is None else round(previous),
            "delta": None if previous is None else round(current - previous),
            "points": points, "width": width, "height": height}


def md_escape(text: Any) -> str:
    """User text made safe inside Markdown tables and quotes: no raw HTML, no table breaks, one line."""
    return html.escape(" ".join(str(text).split()), quote=False).replace("|", "\\|")
