"""Design rubrics: find `rubrics/<prompt-id>.yaml`, parse them safely, validate them, return frozen Rubrics.

Owns reading rubric files. Must not touch the database or the terminal. Parsing and the field checks reuse
bank.py's helpers, so a rubric problem reads like a bank problem: one `path:line: [id] message (hint)` line each,
every problem in a file reported at once, sorted by line, inside one RubricError.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any, NamedTuple

from coach import bank, cache
from coach.errors import BankError, CoachError, Location, RubricError, UnknownId
from coach.model import Robot, Topic

HINT = "see the format notes at the top of rubrics/teleop-flywheel.yaml"
TOP = {"id", "title", "topic", "minutes", "anchors", "scenario", "robots", "clarifications", "phases", "probes",
       "criteria", "red_flags", "outline"}
OPTIONAL = {"robots", "clarifications", "probes", "anchors"}
LEVELS = ("absent", "named", "elaborated", "justified")
CACHE_FORMAT = 1  # bump when the Rubric types change shape


# NamedTuples, not frozen dataclasses: as immutable and as typed, but a dataclass costs about 1 ms at every import
# (its methods are generated with exec, which bytecode caching can't keep), and `design score` has a start-up budget
class Concept(NamedTuple):
    """One idea a criterion looks for: phrases (synonyms; `a ~ b` means both near each other) and a hint."""

    id: str
    phrases: tuple[str, ...]
    hint: str
    line: int = 0


class Criterion(NamedTuple):
    """A weighted part of the score; `need` credits (1 per justified concept) give full marks."""

    id: str
    name: str
    weight: float
    need: float
    levels: tuple[str, ...]
    concepts: tuple[Concept, ...]
    line: int = 0


class RedFlag(NamedTuple):
    """Fires when every `all` group matches in one sentence (no `unless`), or a `negated` concept is denied."""

    id: str
    why: str
    all: tuple[tuple[str, ...], ...] = ()
    unless: tuple[str, ...] = ()
    negated: tuple[str, ...] = ()
    line: int = 0


class Clarification(NamedTuple):
    """A fact the interviewer reveals when a question matches one of its triggers."""

    id: str
    triggers: tuple[str, ...]
    answer: str
    by_robot: tuple[tuple[Robot, str], ...] = ()

    def answer_for(self, robot: Robot | None) -> str:
        """The robot-specific answer if there is one, else the general one."""
        return dict(self.by_robot).get(robot, self.answer) if robot else self.answer


class Phase(NamedTuple):
    id: str
    title: str
    minutes: int
    prompt: str


class Probe(NamedTuple):
    id: str
    phase: str
    question: str


class OutlineSection(NamedTuple):
    title: str
    points: tuple[str, ...]


class Rubric(NamedTuple):
    """One validated design prompt with its rubric."""

    id: str
    title: str
    topic: Topic
    minutes: int
    anchors: tuple[str, ...]
    scenario: str
    robots: tuple[tuple[Robot, str], ...]
    clarifications: tuple[Clarification, ...]
    phases: tuple[Phase, ...]
    probes: tuple[Probe, ...]
    criteria: tuple[Criterion, ...]
    red_flags: tuple[RedFlag, ...]
    outline: tuple[OutlineSection, ...]
    path: str = ""

    def scenario_for(self, robot: Robot | None) -> str:
        """The scenario, plus the constraints for `robot` when the rubric has them."""
        extra = dict(self.robots).get(robot) if robot else None
        return f"{self.scenario}\n\n{extra}" if extra else self.scenario

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view for external graders: scenario, criteria with levels and concepts, red flags."""
        return {
            "id": self.id, "title": self.title, "scenario": self.scenario,
            "criteria": [{"id": c.id, "name": c.name, "weight": c.weight, "levels": dict(zip(LEVELS, c.levels)),
                          "concepts": [{"id": k.id, "phrases": list(k.phrases), "hint": k.hint} for k in c.concepts]}
                         for c in self.criteria],
            "red_flags": [{"id": f.id, "why": f.why} for f in self.red_flags],
            "outline": [{"title": s.title, "points": list(s.points)} for s in self.outline],
        }


def ids(rubric_dir: Path) -> list[str]:
    """The prompt ids available in `rubric_dir` (file names without .yaml), sorted."""
    return sorted(p.stem for p in rubric_dir.glob("*.yaml")) if rubric_dir.is_dir() else []


def find(rubric_dir: Path, prompt_id: str, cache_dir: Path | None = None) -> Rubric:
    """Load the rubric for one prompt id; UnknownId lists the valid ids."""
    path = rubric_dir / f"{prompt_id}.yaml"
    if not bank.ID_RE.match(prompt_id) or not path.is_file():
        raise UnknownId("prompt", prompt_id, ids(rubric_dir))
    return load(path, cache_dir)


def load_all(rubric_dir: Path, cache_dir: Path | None = None) -> dict[str, Rubric]:
    """Every rubric in `rubric_dir` by id; one RubricError lists every problem in every file."""
    return load_paths(sorted(rubric_dir.glob("*.yaml")), cache_dir)


def load_paths(paths: list[Path], cache_dir: Path | None = None) -> dict[str, Rubric]:
    """Load rubric files (folders expand to their *.yaml); one RubricError lists every problem."""
    try:
        files = bank.find_files(paths)
    except BankError as exc:
        raise RubricError(exc.problems) from None
    problems: list[CoachError] = []
    found: dict[str, Rubric] = {}
    for path in files:
        try:
            rubric = load(path, cache_dir)
        except RubricError as exc:
            problems.extend(exc.problems)
            continue
        if rubric.id in found:
            problems.append(CoachError(f"duplicate prompt id, first in {found[rubric.id].path}",
                                       location=Location(str(path), 1, rubric.id), hint="rename one file"))
        found[rubric.id] = rubric
    if problems:
        raise RubricError(problems)
    return found


def load(path: Path, cache_dir: Path | None = None) -> Rubric:
    """Parse and validate one rubric file; with `cache_dir`, reuse the result while the file is unchanged."""
    where = str(path)
    try:
        stat = path.stat()
        entry = cache.entry(cache_dir, "rubric", path, stat, CACHE_FORMAT) if cache_dir else None
        cached = _from_plain(cache.read(entry)) if entry else None
        if cached is not None:
            return cached._replace(path=where)
        raw = path.read_bytes() if stat.st_size <= bank.MAX_FILE_BYTES else b""
    except OSError as exc:
        raise RubricError([CoachError(f"cannot read: {exc.strerror or exc}", location=Location(where),
                                      hint="check the path and its permissions")]) from None
    if stat.st_size > bank.MAX_FILE_BYTES:
        raise RubricError([CoachError("file is too large", location=Location(where), hint="a rubric is a few KiB")])
    rubric = parse_text(raw, where, expected_id=path.stem)
    if entry is not None:
        cache.write(entry, _plain(rubric))
    return rubric


# parse cache: plain tuples for marshal (fast, and unlike pickle it cannot run code) -----------------------------
def _plain(value: Any) -> Any:
    if isinstance(value, tuple):  # the Rubric types are NamedTuples: their fields, in order
        return tuple(_plain(v) for v in value)
    return value.value if isinstance(value, Enum) else value


def _from_plain(value: Any) -> Rubric | None:
    if value is None:
        return None
    try:
        (rid, title, topic, minutes, anchors, scenario, robots, clarifications, phases, probes, criteria, flags,
         outline, path) = value
        return Rubric(
            rid, title, Topic(topic), minutes, anchors, scenario, _robot_texts(robots),
            tuple(Clarification(i, t, a, _robot_texts(r)) for i, t, a, r in clarifications),
            tuple(Phase(*p) for p in phases), tuple(Probe(*p) for p in probes),
            tuple(Criterion(i, n, w, need, lv, tuple(Concept(*k) for k in ks), line)
                  for i, n, w, need, lv, ks, line in criteria),
            tuple(RedFlag(*f) for f in flags), tuple(OutlineSection(*o) for o in outline), path)
    except (ValueError, TypeError, KeyError):
        return None  # an entry of another shape: parse the YAML again


def _robot_texts(rows: tuple[tuple[str, str], ...]) -> tuple[tuple[Robot, str], ...]:
    return tuple((Robot(r), text) for r, text in rows)


def parse_text(raw: bytes, where: str, expected_id: str | None = None) -> Rubric:
    """Parse and validate rubric YAML given as bytes; `where` names it in errors."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RubricError([CoachError(f"not UTF-8 (byte 0x{raw[exc.start]:02x})", location=Location(where, line),
                                      hint="save the file as UTF-8")]) from None
    try:
        doc = bank._parse_yaml(text, where)
    except BankError as exc:
        raise RubricError(exc.problems) from None
    if not isinstance(doc, dict):
        raise RubricError([CoachError("expected a mapping with 'id:', 'criteria:' and the other rubric fields",
                                      location=Location(where, 1), hint=HINT)])
    if "questions" in doc and "criteria" not in doc:
        raise RubricError([CoachError("this is a question bank file, not a rubric", location=Location(where, 1),
                                      hint="check it with: coach bank check")])
    problems: list[CoachError] = []
    rubric = _validate(doc, where, expected_id, problems)
    if problems or rubric is None:
        problems.sort(key=lambda p: p.location.line or 0 if p.location else 0)
        raise RubricError(problems or [CoachError("invalid rubric", location=Location(where), hint=HINT)])
    return rubric


# validation ---------------------------------------------------------------------------------------------------
class _Check(bank._Checker):
    """bank's field checker, naming the nearest id and pointing at the rubric docs."""

    def __init__(self, item: dict[str, Any], where: str, problems: list[CoachError], owner: str | None) -> None:
        super().__init__(item, where, problems)
        self.qid = self.qid or owner

    def problem(self, message: str, key: str = "", hint: str = HINT) -> None:
        super().problem(message, key, hint)

    def items(self, key: str, required: bool = True) -> list[Any]:
        value = self.item.get(key)
        if value is None:
            if required:
                self.problem(f"missing field '{key}'", hint=f"add '{key}:' as a list")
            return []
        if not isinstance(value, list) or not value:
            self.problem(f"'{key}' must be a non-empty list, got {bank._kind(value)}", key)
            return []
        return value

    def mapping(self, value: Any, what: str, key: str) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.problem(f"each {what} must be a mapping, got {bank._kind(value)}", key, f"start each {what} with '- id:'")
        return None

    def unknown(self, allowed: set[str]) -> None:
        for key in self.item:
            if key != bank.LINES and key not in allowed:
                self.problem(f"unknown field '{key}'", str(key), f"use one of: {', '.join(sorted(allowed))}")

    def ident(self) -> str:
        value = self.text("id")
        if value and not bank.ID_RE.match(value):
            self.problem(f"id {value!r} must be lowercase letters, digits and '-'", "id", "rename it")
        return value

    def robot_texts(self, key: str) -> tuple[tuple[Robot, str], ...]:
        value = self.item.get(key)
        if value is None:
            return ()
        if not isinstance(value, dict):
            self.problem(f"'{key}' must map robot names to text", key, "write 'drone: text'")
            return ()
        out = []
        for name, text in value.items():
            if name == bank.LINES:
                continue
            if name not in {r.value for r in Robot}:
                self.problem(f"robot {name!r} is not valid", key, f"use one of: {', '.join(r.value for r in Robot)}")
            elif not isinstance(text, str) or not text.strip():
                self.problem(f"'{key}.{name}' must be text", key, "write a sentence or two")
            else:
                out.append((Robot(name), text.strip()))
        return tuple(out)


def _validate(doc: dict[str, Any], where: str, expected_id: str | None, problems: list[CoachError]) -> Rubric | None:
    c = _Check(doc, where, problems, None)
    c.unknown(TOP)
    if "minutes" not in doc:
        c.problem("missing field 'minutes'", hint="add 'minutes: 45'")
    rid = c.ident()
    c.qid = rid or None
    if rid and expected_id and rid != expected_id:
        c.problem(f"id {rid!r} does not match the file name {expected_id}.yaml", "id", "rename the file or the id")
    minutes = int(c.number("minutes")) if "minutes" in doc else 0
    phases = _phases(c, minutes)
    criteria = _criteria(c)
    concepts = {k.id for cr in criteria for k in cr.concepts}
    rubric = Rubric(
        id=rid, title=c.text("title"), topic=c.choice("topic", Topic), minutes=minutes,
        anchors=c.texts("anchors", required=False), scenario=c.text("scenario"), robots=c.robot_texts("robots"),
        clarifications=_clarifications(c),
        phases=phases, probes=_probes(c, {p.id for p in phases}), criteria=criteria,
        red_flags=_red_flags(c, concepts), outline=_outline(c), path=where,
    )
    _lint_phrases(rubric, c)
    return rubric if not problems else None


def _each(c: _Check, key: str, what: str, required: bool = True) -> list[_Check]:
    out = []
    for raw in c.items(key, required):
        item = c.mapping(raw, what, key)
        if item is not None:
            out.append(_Check(item, c.where, c.problems, c.qid))
    return out


def _unique(c: _Check, checks: list[_Check], what: str) -> None:
    seen: set[str] = set()
    for k in checks:
        value = k.item.get("id")
        if isinstance(value, str) and value in seen:
            k.problem(f"duplicate {what} id {value!r}", "id", f"give every {what} its own id")
        if isinstance(value, str):
            seen.add(value)


def _phases(c: _Check, minutes: int) -> tuple[Phase, ...]:
    checks = _each(c, "phases", "phase")
    _unique(c, checks, "phase")
    phases = []
    for k in checks:
        k.unknown({"id", "title", "minutes", "prompt"})
        mins = k.number("minutes")
        if mins <= 0 or mins != int(mins):
            k.problem("phase minutes must be a whole number above 0", "minutes", "write 'minutes: 5'")
        phases.append(Phase(k.ident(), k.text("title"), int(mins), k.text("prompt")))
    total = sum(p.minutes for p in phases)
    if minutes and total > minutes:
        c.problem(f"phases add up to {total} min, over the round's {minutes}", "phases", "shorten a phase")
    return tuple(phases)


def _probes(c: _Check, phase_ids: set[str]) -> tuple[Probe, ...]:
    checks = _each(c, "probes", "probe", required=False)
    _unique(c, checks, "probe")
    probes = []
    for k in checks:
        k.unknown({"id", "phase", "question"})
        phase = k.text("phase")
        if phase and phase not in phase_ids:
            k.problem(f"phase {phase!r} is not one of this rubric's phases", "phase",
                      f"use one of: {', '.join(sorted(phase_ids))}")
        probes.append(Probe(k.ident(), phase, k.text("question")))
    return tuple(probes)


def _clarifications(c: _Check) -> tuple[Clarification, ...]:
    checks = _each(c, "clarifications", "clarification", required=False)
    _unique(c, checks, "clarification")
    out = []
    for k in checks:
        k.unknown({"id", "triggers", "answer", "robots"})
        out.append(Clarification(k.ident(), k.texts("triggers"), k.text("answer"), k.robot_texts("robots")))
    return tuple(out)


def _criteria(c: _Check) -> tuple[Criterion, ...]:
    checks = _each(c, "criteria", "criterion")
    _unique(c, checks, "criterion")
    criteria = []
    concept_ids: set[str] = set()
    for k in checks:
        k.unknown({"id", "name", "weight", "need", "levels", "concepts"})
        weight, need = k.number("weight"), k.number("need")
        if not 0 < weight <= 1:
            k.problem(f"weight {weight} must be above 0 and at most 1", "weight", "write 'weight: 0.2'")
        levels = k.texts("levels")
        if levels and len(levels) != 4:
            k.problem(f"'levels' has {len(levels)} items; give 4 ({', '.join(LEVELS)})", "levels", HINT)
        concepts = []
        for kk in _each(k, "concepts", "concept"):
            kk.unknown({"id", "any", "hint"})
            cid = kk.ident()
            if cid in concept_ids:
                kk.problem(f"duplicate concept id {cid!r}", "id", "concept ids are unique across the rubric")
            concept_ids.add(cid)
            concepts.append(Concept(cid, kk.texts("any"), kk.text("hint"), kk.lines.get("", 0)))
        if concepts and not 0 < need <= len(concepts):
            k.problem(f"need {need} must be above 0 and at most the {len(concepts)} concepts", "need", "lower 'need'")
        criteria.append(Criterion(k.ident(), k.text("name"), weight, need, levels, tuple(concepts),
                                  k.lines.get("", 0)))
    total = sum(cr.weight for cr in criteria)
    if criteria and abs(total - 1) > 1e-6:
        c.problem(f"criterion weights add up to {total:g}, not 1", "criteria", "adjust the weights")
    return tuple(criteria)


def _red_flags(c: _Check, concept_ids: set[str]) -> tuple[RedFlag, ...]:
    checks = _each(c, "red_flags", "red flag")
    _unique(c, checks, "red flag")
    flags = []
    for k in checks:
        k.unknown({"id", "why", "all", "unless", "negated"})
        groups = tuple(tuple(_group(k, g)) for g in k.items("all", required=False))
        negated = k.texts("negated", required=False)
        for cid in negated:
            if cid not in concept_ids:
                k.problem(f"negated concept {cid!r} is not in this rubric", "negated", "name a concept id")
        if not groups and not negated:
            k.problem("a red flag needs 'all:' phrase groups or 'negated:' concepts", "", HINT)
        flags.append(RedFlag(k.ident(), k.text("why"), groups, k.texts("unless", required=False), negated,
                             k.lines.get("", 0)))
    return tuple(flags)


def _group(k: _Check, group: Any) -> list[str]:
    if not isinstance(group, list) or not group or not all(isinstance(p, str) and p.strip() for p in group):
        k.problem("each 'all' group must be a non-empty list of phrases", "all", "write all: [[a, b], [c]]")
        return []
    return [p.strip() for p in group]


def _outline(c: _Check) -> tuple[OutlineSection, ...]:
    out = []
    for k in _each(c, "outline", "outline section"):
        k.unknown({"title", "points"})
        out.append(OutlineSection(k.text("title"), k.texts("points")))
    return tuple(out)


def _lint_phrases(rubric: Rubric, c: _Check) -> None:
    """Every phrase must stem to something, and no two concepts may share one (credit would be ambiguous)."""
    from coach.text import phrase_key

    owner: dict[tuple[str, ...], str] = {}
    memo: dict[str, str] = {}
    for criterion in rubric.criteria:
        for concept in criterion.concepts:
            for phrase in concept.phrases:
                key = phrase_key(phrase, memo)
                line = concept.line
                if not key:
                    c.problems.append(CoachError(f"phrase {phrase!r} has no words to match",
                                                 location=Location(c.where, line, concept.id), hint="reword it"))
                elif owner.setdefault(key, concept.id) != concept.id:
                    c.problems.append(CoachError(f"phrase {phrase!r} is also in concept {owner[key]!r}",
                                                 location=Location(c.where, line, concept.id),
                                                 hint="keep each phrase in one concept"))
    for flag in rubric.red_flags:
        for phrase in [p for g in flag.all for p in g] + list(flag.unless) + list(rubric.anchors):
            if not phrase_key(phrase, memo):
                c.problems.append(CoachError(f"phrase {phrase!r} has no words to match",
                                             location=Location(c.where, flag.line, flag.id), hint="reword it"))
