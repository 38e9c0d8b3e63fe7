"""coach design: system-design rounds scored against YAML rubrics (list, show, run, score, check).

Arguments in, domain (rubric, scoring, report) and store calls, output through ui.design or JSON. Heavy imports
stay inside the command bodies: this module is imported at start-up.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from coach.commands.common import flag, open_store, reports_errors, score_answer, settings
from coach.errors import CoachError, Location
from coach.model import ANY_ROBOT, Robot, iso

if TYPE_CHECKING:
    from coach.config import Settings
    from coach.rubric import Rubric
    from coach.scorecard import ScoreCard
    from coach.store import Store

app = typer.Typer(help="System-design rounds scored against rubrics.", no_args_is_help=True)

GRADER_TIMEOUT = 120
MAX_ANSWER_BYTES = 2 * 1024 * 1024

PromptId = Annotated[str, typer.Argument(help="Prompt id, e.g. teleop-flywheel (see: coach design list).",
                                         show_default=False)]
RobotOpt = Annotated[str | None, typer.Option("--robot", help="Robot focus for the scenario (default: coach focus).",
                                                show_default=False)]
ReportOpt = Annotated[Path | None, typer.Option("--report", help="Also write a report: PATH.md or PATH.html.",
                                                show_default=False)]
ForceOpt = Annotated[bool, flag("--force", help="Overwrite an existing report.")]
NoSaveOpt = Annotated[bool, flag("--no-save", help="Do not store this attempt.")]
GraderOpt = Annotated[str | None, typer.Option(
    "--grader", help="Also ask CMD (answer and rubric as JSON on stdin, JSON with 'score' on stdout).",
    show_default=False)]


@app.command("list")
@reports_errors
def list_prompts(
    ctx: typer.Context,
    as_json: Annotated[bool, flag("--json", help="Print JSON.")] = False,
) -> None:
    """List the design prompts with your attempts and best score.

    Example: coach design list
    """
    from coach import rubric

    cfg = settings(ctx)
    rubrics = rubric.load_all(cfg.rubric_dir, cfg.cache_dir)
    store = open_store(ctx)
    rows = []
    for rid, r in sorted(rubrics.items()):
        scores = [s for _, s in store.design_history(rid)]
        rows.append({"id": rid, "title": r.title, "topic": r.topic.value, "minutes": r.minutes,
                     "attempts": len(scores), "best": max(scores) if scores else None})
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    from coach.ui import design as ui

    ui.show_list(rows, plain=ui.is_plain(False))


@app.command()
@reports_errors
def show(
    ctx: typer.Context,
    prompt_id: PromptId,
    robot: RobotOpt = None,
    outline: Annotated[bool, flag("--outline", help="Also show the model outline (spoils the round).")] = False,
    plain: Annotated[bool, flag("--plain", help="Plain text, no colours.")] = False,
) -> None:
    """Show a prompt's scenario, phases and budgets without starting a round.

    Example: coach design show ota-policy-rollout --robot drone
    """
    from coach import rubric
    from coach.ui import design as ui

    cfg = settings(ctx)
    r = rubric.find(cfg.rubric_dir, prompt_id, cfg.cache_dir)
    ui.show_prompt(r, _robot(robot, open_store(ctx)), ui.is_plain(plain))
    if outline:
        for section in r.outline:
            typer.echo(f"{section.title}:\n" + "".join(f"  - {p}\n" for p in section.points))


@app.command()
@reports_errors
def run(
    ctx: typer.Context,
    prompt_id: PromptId,
    robot: RobotOpt = None,
    plain: Annotated[bool, flag("--plain", help="Line mode (automatic when stdin is not a terminal).")] = False,
    editor: Annotated[bool, flag("--editor", help="Write the answer in $EDITOR.")] = False,
    minutes: Annotated[int | None, typer.Option("--minutes", min=5, max=180,
                                                help="Round length (default: the prompt's).")] = None,
    report: ReportOpt = None,
    force: ForceOpt = False,
    no_save: NoSaveOpt = False,
    grader: GraderOpt = None,
) -> None:
    """Run a timed design round: scenario, phases, clarifying questions, follow-up probes, then the score.

    Example: coach design run teleop-flywheel --robot humanoid
    """
    from coach import report as reports
    from coach import rubric
    from coach.ui import design as ui

    cfg = settings(ctx)
    r = rubric.find(cfg.rubric_dir, prompt_id, cfg.cache_dir)
    if report is not None:
        reports.check_path(report, force)
    store = open_store(ctx)
    focus = _robot(robot, store)
    plain = ui.is_plain(plain)
    result = ui.run_round(r, focus, minutes, plain, editor=editor)
    if not result.answer.strip():
        typer.echo("Nothing written, so nothing scored.", err=True)
        return
    try:
        _finish(cfg, r, focus, result.answer, store=None if no_save else store, as_json=False, plain=plain,
                report=report, force=force, grader=grader, history_store=store, asked=result.asked)
    except CoachError:
        raise  # explained to the user; _finish keeps the answer where the store refused it
    except Exception:  # noqa: BLE001 - a bug after the round must not cost the written answer
        kept = _keep_answer(cfg, r.id, iso(cfg.clock.now()), result.answer)
        typer.echo(f"coach: your answer is kept in {kept}", err=True)
        raise


@app.command()
@reports_errors
def score(
    ctx: typer.Context,
    prompt_id: PromptId,
    answer_file: Annotated[Path, typer.Option("--answer-file", "-f", show_default=False,
                                              help="The written answer (Markdown or text; - for stdin).")],
    robot: RobotOpt = None,
    as_json: Annotated[bool, flag("--json", help="Print the ScoreCard as JSON.")] = False,
    report: ReportOpt = None,
    force: ForceOpt = False,
    no_save: NoSaveOpt = False,
    grader: GraderOpt = None,
) -> None:
    """Score a written answer against a prompt's rubric, offline and deterministically.

    Example: coach design score teleop-flywheel --answer-file answer.md --report round.html
    """
    from coach import report as reports
    from coach import rubric

    cfg = settings(ctx)
    r = rubric.find(cfg.rubric_dir, prompt_id, cfg.cache_dir)
    if report is not None:
        reports.check_path(report, force)
    text = _read_answer(answer_file)
    if no_save:  # reads your focus and a report's trend from an existing store, and never writes to it
        from coach.store import open_readonly

        store = open_readonly(cfg.db_path)
    else:
        store = open_store(ctx)
    _finish(cfg, r, _robot(robot, store), text, store=None if no_save else store, as_json=as_json, plain=False,
            report=report, force=force, grader=grader, history_store=store)


@app.command()
@reports_errors
def check(
    ctx: typer.Context,
    paths: Annotated[list[Path] | None, typer.Argument(help="Rubric files or folders (default: the shipped rubrics).",
                                                       show_default=False)] = None,
) -> None:
    """Validate rubric files: one located line per problem (file, line, item id, what to do), exit 1 if any.

    Example: coach design check rubrics/my-prompt.yaml
    """
    from coach import rubric

    found = rubric.load_paths(paths or [settings(ctx).rubric_dir])
    typer.echo(f"ok: {len(found)} rubric(s): {', '.join(sorted(found))}", err=True)


def _robot(name: str | None, store: Store | None) -> Robot | None:
    """--robot if given ('any': none), else the saved focus; an unknown name lists the valid ones."""
    from coach.commands.focus import parse_robot

    if name is None and store is not None:
        name = store.setting("focus")
    return parse_robot(name) if name else None


def _read_answer(path: Path) -> str:
    try:
        raw = sys.stdin.buffer.read(MAX_ANSWER_BYTES + 1) if str(path) == "-" else _read_file(path)
    except OSError as exc:
        raise CoachError(f"cannot read answer file: {exc.strerror or exc}", location=Location(str(path)),
                         hint="check the path and its permissions") from None
    if len(raw) > MAX_ANSWER_BYTES:
        raise CoachError("answer file is over 2 MiB", location=Location(str(path)), hint="a design answer is a few KiB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CoachError(f"answer file is not UTF-8 text (byte {exc.start})", location=Location(str(path)),
                         hint="save it as UTF-8 text or Markdown") from None
    if not text.strip():
        raise CoachError("answer file is empty", location=Location(str(path)), hint="write your answer first")
    return text


def _read_file(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(MAX_ANSWER_BYTES + 1)


def _finish(cfg: Settings, r: Rubric, robot: Robot | None, text: str, *, store: Store | None, as_json: bool,
            plain: bool, report: Path | None, force: bool, grader: str | None, history_store: Store | None,
            asked: list[tuple[str, str]] | None = None) -> None:
    """Score, ask the optional grader, store, then print (JSON or feedback) and write the report."""
    card = score_answer(cfg, r, text)
    verdict = _grade(grader, r, robot, text) if grader else None
    now = iso(cfg.clock.now())
    history = history_store.design_history(r.id) if history_store is not None else []  # (answered_utc, score)
    failure = None
    if store is not None:
        try:
            store.record_design(r.id, now, robot.value if robot else "", text, dict(card.to_dict()))
        except CoachError as exc:  # a busy or broken store must not cost the user a 45-minute answer
            failure = exc
    if as_json:
        payload: dict[str, Any] = {**card.to_dict(), "robot": robot.value if robot else ANY_ROBOT,
                                   "saved": store is not None and failure is None}
        if grader:
            payload["grader"] = verdict
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        from coach.ui import design as ui

        ui.show_feedback(card, r, ui.is_plain(plain), previous=history[-1][1] if history else None,
                         grader=verdict)
    if report is not None:
        _write_report(report, force, card, r, robot, now, history, text, verdict, asked or [])
    if failure is not None:
        kept = _keep_answer(cfg, r.id, now, text)
        raise CoachError(f"attempt not saved: {failure.message}", location=failure.location,
                         hint=f"your answer is in {kept}; {failure.hint or 'try again later'}")


def _keep_answer(cfg: Settings, prompt_id: str, now: str, text: str) -> Path | str:
    """Write an answer the store refused to the reports folder, so it can be scored again later."""
    path = cfg.reports_dir / f"unsaved-{prompt_id}-{now.replace(':', '')}.md"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path
    except OSError:
        return "(could not be written either: copy it from the terminal)"


def _write_report(path: Path, force: bool, card: ScoreCard, r: Rubric, robot: Robot | None, now: str,
                  history: list[tuple[str, float]], text: str, verdict: dict[str, Any] | None,
                  asked: list[tuple[str, str]]) -> None:
    from coach import report as reports

    template = reports.check_path(path, force)
    body = reports.render(template, card, r, answered_utc=now, robot=robot,
                          history=[reports.Attempt(w, s) for w, s in history], answer=text, grader=verdict,
                          asked=asked)
    reports.write(path, body, force)
    typer.echo(f"report written to {path}", err=True)


def _grade(command: str, r: Rubric, robot: Robot | None, text: str) -> dict[str, Any] | None:
    """Run an external grader; any failure is a one-line warning on stderr and None."""
    import shlex
    import subprocess

    payload = json.dumps({"prompt": r.id, "robot": robot.value if robot else ANY_ROBOT,
                          "scenario": r.scenario_for(robot), "rubric": r.to_dict(), "answer": text})
    try:
        done = subprocess.run(shlex.split(command), input=payload, capture_output=True, text=True,
                              timeout=GRADER_TIMEOUT, check=False)
        if done.returncode != 0:
            raise ValueError(f"exit {done.returncode}: {(done.stderr.strip().splitlines() or [''])[-1][:200]}")
        verdict = json.loads(done.stdout)
        if not isinstance(verdict, dict) or not isinstance(verdict.get("score"), (int, float)) \
                or isinstance(verdict.get("score"), bool) or not 0 <= verdict["score"] <= 100:
            raise ValueError("output is not JSON with a 'score' from 0 to 100")
        return verdict
    except (OSError, ValueError, subprocess.SubprocessError) as exc:
        typer.echo(f"coach: warning: grader {command!r} failed: {str(exc).splitlines()[0] if str(exc) else exc!r}"
                   " (showing the deterministic score only)", err=True)
        return None
