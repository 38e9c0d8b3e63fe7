"""The question bank: find YAML files, parse them safely, validate every question, cache the result.

Owns: reading bank files and the parse cache under COACH_HOME/cache. Must not touch the database or the terminal.
Every problem becomes a located `path:line: [id] message` line inside one BankError.
"""

from __future__ import annotations

import functools
import gc
import marshal
import math
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any

from coach import cache
from coach.errors import BankError, CoachError, Location
from coach.model import ANY_ROBOT, Budget, Meta, QType, Question, Robot, Topic

# the C loader parses about 1.7 MB of bank YAML a second; shipped files are under 100 KiB
# room for a 10,000-question private bank in one file (~11 MB); parsed once, then served from the cache
MAX_FILE_BYTES = 16 * 1024 * 1024
LINES = "__lines__"
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
COMMON = {"id", "topic", "subtopic", "robots", "budget", "difficulty", "type", "prompt", "explanation", "sources"}
REQUIRED = COMMON - {"subtopic"}
BY_TYPE = {
    QType.mcq: ({"choices", "answer"}, set()),
    QType.multi: ({"choices", "answers"}, set()),
    QType.recall: ({"answer"}, {"key_points"}),
    QType.numeric: ({"answer", "tolerance", "unit"}, set()),
}


class Bank:
    """A validated set of questions, in file order. `index` (ids, topics, robots, budgets) is always at hand; the
    text of a question loaded from the cache is decoded only when it is needed."""

    def __init__(self, index: tuple[Meta, ...], texts: list[Any]) -> None:
        self.index = index
        self._texts = texts  # per question: its text fields, or the marshal bytes of them

    @classmethod
    def of(cls, questions: Iterable[Question]) -> Bank:
        """A bank of already parsed questions."""
        qs = list(questions)
        return cls(tuple(_meta(q) for q in qs), [tuple(getattr(q, f) for f in TEXT_FIELDS) for q in qs])

    def _build(self, i: int) -> Question:
        m, text = self.index[i], self._texts[i]
        if isinstance(text, bytes):
            text = self._texts[i] = marshal.loads(text)
        prompt, explanation, sources, choices, answer, answers, key_points, tolerance, unit = text
        return Question(m.id, m.topic, m.robots, m.budget, m.difficulty, m.type, prompt, explanation, sources,
                        m.subtopic, choices, answer, answers, key_points, tolerance, unit, m.path, m.line)

    @functools.cached_property
    def questions(self) -> tuple[Question, ...]:
        """Every question, text included."""
        return tuple(self._build(i) for i in range(len(self.index)))

    @functools.cached_property
    def _position(self) -> dict[str, int]:
        return {m.id: i for i, m in enumerate(self.index)}

    def __contains__(self, question_id: object) -> bool:
        return question_id in self._position

    def get(self, question_id: str) -> Question:
        """One question by id, decoding only its text."""
        return self._build(self._position[question_id])


META_FIELDS = Meta._fields
TEXT_FIELDS = tuple(f for f in Question._fields if f not in META_FIELDS)


def _meta(q: Question) -> Meta:
    return Meta(q.id, q.topic, q.robots, q.budget, q.difficulty, q.type, q.subtopic, q.path, q.line)


def find_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders to their *.yaml / *.yml files (sorted); keep files as given."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()))
        elif path.exists():
            found.append(path)
        else:
            raise BankError([CoachError("no such file or folder", location=Location(str(path)),
                                        hint="check the path you gave (and COACH_BANK_PATH)")])
    return found


def load(paths: Sequence[Path], cache_dir: Path | None = None) -> Bank:
    """Load and validate every bank file under `paths`; raise one BankError listing every problem."""
    problems: list[CoachError] = []
    index: list[Meta] = []
    texts: list[Any] = []
    gc.disable()  # tens of thousands of new objects, no cycles: collections would only cost time
    try:
        for path in find_files(paths):
            try:
                metas, text = _load_file(path, cache_dir)
            except BankError as exc:
                problems.extend(exc.problems)
                continue
            index.extend(metas)
            texts.extend(text)
    finally:
        gc.enable()
    problems.extend(_duplicates(index))
    if problems:
        raise BankError(problems)
    if not index:
        raise BankError([CoachError("no questions found", location=Location(os.pathsep.join(map(str, paths))),
                                    hint="point COACH_BANK_PATH at your bank files, or unset COACH_SHIPPED_BANK")])
    return Bank(tuple(index), texts)


def _duplicates(questions: Sequence[Question | Meta]) -> Iterator[CoachError]:
    seen: dict[str, Question | Meta] = {}
    for q in questions:
        first = seen.setdefault(q.id, q)
        if first is not q:
            yield CoachError(f"duplicate id, first defined at {first.path}:{first.line}",
                             location=Location(q.path, q.line, q.id), hint="ids must be unique across all bank files")


CACHE_FORMAT = 3  # bump when Question or Meta changes shape


def _load_file(path: Path, cache_dir: Path | None) -> tuple[list[Meta], list[Any]]:
    """One file's index and texts: from the cache (texts still as bytes) or parsed and cached."""
    stat = path.stat()
    entry = cache.entry(cache_dir, "bank", path, stat, CACHE_FORMAT) if cache_dir else None
    cached = cache.read(entry) if entry else None
    if cached is not None:
        try:
            metas, texts = cached
            return [_meta_from_row(row) for row in metas], texts
        except (KeyError, IndexError, TypeError, ValueError):
            pass  # an entry of another shape: parse again
    questions = parse_file(path, stat.st_size)
    bank = Bank.of(questions)
    if entry is not None and cache_dir is not None:
        rows = [[tuple(map(str, m.robots)) if f == "robots" else str(v) if isinstance(v, Enum) else v
                 for f, v in zip(META_FIELDS, m)] for m in bank.index]
        cache.write(entry, (rows, [marshal.dumps(t) for t in bank._texts]))
        cache.write(cache.entry(cache_dir, "ids", path, stat, CACHE_FORMAT), [q.id for q in questions])
    return list(bank.index), list(bank._texts)


def question_ids(paths: Sequence[Path], cache_dir: Path) -> set[str]:
    """The ids the bank serves, from a small per-file cache: stats need ids, not 10,000 questions' text."""
    found: set[str] = set()
    for path in find_files(paths):
        ids = cache.read(cache.entry(cache_dir, "ids", path, path.stat(), CACHE_FORMAT))
        found.update(ids if isinstance(ids, list) else (m.id for m in _load_file(path, cache_dir)[0]))
    return found


_ENUMS = {META_FIELDS.index(name): {e.value: e for e in enum} for name, enum in
          (("topic", Topic), ("budget", Budget), ("type", QType))}
_ROBOTS = META_FIELDS.index("robots"), {r.value: r for r in Robot}


def _meta_from_row(row: list[Any]) -> Meta:
    # dict lookups, not Enum(value): this runs 10,000 times on a big bank's start-up
    for index, members in _ENUMS.items():
        row[index] = members[row[index]]
    index, robots = _ROBOTS
    if row[index]:
        row[index] = tuple(robots[r] for r in row[index])
    return tuple.__new__(Meta, row)


def parse_file(path: Path, size: int | None = None) -> list[Question]:
    """Parse and validate one bank file (no cache)."""
    where = str(path)
    size = path.stat().st_size if size is None else size
    if size > MAX_FILE_BYTES:
        _fail(where, None, f"file is {_size(size)}, over the {_size(MAX_FILE_BYTES)} limit", "split it into several files")
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)  # bounded: a device such as /dev/zero says its size is 0
    except OSError as exc:
        _fail(where, None, f"cannot read the file: {exc.strerror or exc}", "check that it is a readable file")
    if len(raw) > MAX_FILE_BYTES:
        _fail(where, None, f"file is over the {_size(MAX_FILE_BYTES)} limit", "split it into several files")
    return parse_text(raw, where)


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MiB" if n >= 1024 * 1024 else f"{n / 1024:.1f} KiB"


def parse_text(raw: bytes, where: str) -> list[Question]:
    """Parse and validate bank YAML given as bytes; `where` names it in errors."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        _fail(where, line, f"not UTF-8 (byte 0x{raw[exc.start]:02x})", "save the file as UTF-8")
    doc = _parse_yaml(text, where)
    if doc is None:
        _fail(where, 1, "file is empty", "add a top-level 'questions:' list")
    if not isinstance(doc, dict) or "questions" not in doc:
        _fail(where, 1, "expected a top-level 'questions:' list", "see docs/bank-format.md")
    items = doc["questions"]
    if not isinstance(items, list):
        _fail(where, doc[LINES].get("questions", 1), "'questions' must be a list", "start each question with '- id: ...'")
    problems: list[CoachError] = []
    questions: list[Question] = []
    for item in items:
        question = _validate(item, where, problems)
        if question is not None:
            questions.append(question)
    problems.extend(_duplicates(questions))
    if problems:
        problems.sort(key=lambda p: p.location.line or 0 if p.location else 0)
        raise BankError(problems)
    return questions


def _fail(where: str, line: int | None, message: str, hint: str) -> None:
    raise BankError([CoachError(message, location=Location(where, line), hint=hint)])


def _parse_yaml(text: str, where: str) -> Any:
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc,valid-type]
        def construct_object(self, node: Any, deep: bool = False) -> Any:
            if node in self.constructed_objects or node in self.recursive_objects:
                mark = node.start_mark
                raise yaml.constructor.ConstructorError(None, None, "aliases (*name) are not allowed", mark)
            return super().construct_object(node, deep)

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen: set[tuple[str, str]] = set()
            for key, _ in node.value:  # a second 'answer:' would silently replace the first
                if isinstance(key, yaml.ScalarNode) and key.value != "<<":
                    if (key.tag, key.value) in seen:
                        raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key.value!r}",
                                                                key.start_mark)
                    seen.add((key.tag, key.value))
            mapping = super().construct_mapping(node, deep)
            lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value}
            lines[""] = node.start_mark.line + 1
            mapping[LINES] = lines
            return mapping

        def construct_yaml_int(self, node: Any) -> Any:
            try:
                value = super().construct_yaml_int(node)
                float(value)  # numeric answers are floats, and str() of a huge int raises
            except (ValueError, OverflowError):
                raise yaml.constructor.ConstructorError(None, None, "integer out of range", node.start_mark) from None
            return value

    Loader.add_constructor("tag:yaml.org,2002:int", Loader.construct_yaml_int)
    try:
        return yaml.load(text, Loader=Loader)  # noqa: S506 - Loader is a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        _fail(where, line, f"YAML syntax error: {problem}", "fix the YAML at that line")
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        _fail(where, None, f"YAML error: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
              "fix the YAML")
    except RecursionError:
        _fail(where, None, "YAML nested too deeply", "flatten the document")
    return None


class _Checker:
    """Validates one question mapping, collecting located problems."""

    def __init__(self, item: dict[str, Any], where: str, problems: list[CoachError]) -> None:
        self.item, self.where, self.problems = item, where, problems
        self.lines: dict[str, int] = item.get(LINES, {})
        raw_id = item.get("id")
        self.qid = raw_id if isinstance(raw_id, str) and raw_id.isprintable() else None  # one line per problem
        self.ok = True
        self.absent: set[str] = set()  # required fields already reported missing: their checks stay quiet

    def problem(self, message: str, key: str = "", hint: str = "see docs/bank-format.md") -> None:
        line = self.lines.get(key, self.lines.get("", 0))
        self.problems.append(CoachError(message, location=Location(self.where, line, self.qid), hint=hint))
        self.ok = False

    def missing(self, key: str, hint: str) -> None:
        if key not in self.absent:
            self.absent.add(key)
            self.problem(f"missing field '{key}'", hint=hint)

    def text(self, key: str, required: bool = True) -> str:
        value = self.item.get(key)
        if value is None:
            if required:
                self.missing(key, f"add '{key}:'")
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.problem(f"'{key}' must be text, got {_kind(value)}", key, "quote the value")
            return ""
        if not str(value).strip():
            self.problem(f"'{key}' is empty", key, f"write the {key}")
        return str(value).strip()

    def texts(self, key: str, required: bool = True) -> tuple[str, ...]:
        value = self.item.get(key)
        if value is None:
            if required:
                self.missing(key, f"add '{key}:' as a list")
            return ()
        if not isinstance(value, list) or not value:
            self.problem(f"'{key}' must be a non-empty list", key, f"write '{key}: [a, b]'")
            return ()
        out = []
        for v in value:
            if isinstance(v, bool) or not isinstance(v, (str, int, float)):
                self.problem(f"'{key}' items must be text, got {_kind(v)}", key, "quote the item")
                return ()
            out.append(str(v).strip())
        return tuple(out)

    def number(self, key: str) -> float:
        value = self.item.get(key)
        if value is None:
            self.missing(key, f"add '{key}: 42'")
            return 0.0
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            shown = repr(value) if isinstance(value, float) else _kind(value)
            self.problem(f"'{key}' must be a number, got {shown}", key, f"write '{key}: 42'")
            return 0.0
        return float(value)

    def choice(self, key: str, enum: type[StrEnum]) -> Any:
        value = self.text(key)
        valid = [e.value for e in enum]
        if value and value not in valid:
            self.problem(f"{key} {value!r} is not valid", key, f"use one of: {', '.join(valid)}")
            return None
        return enum(value) if value else None


def _kind(value: Any) -> str:
    return "nothing" if value is None else {dict: "a mapping", list: "a list", bool: "true/false"}.get(
        type(value), type(value).__name__)


def _validate(item: Any, where: str, problems: list[CoachError]) -> Question | None:
    if not isinstance(item, dict):
        problems.append(CoachError(f"each question must be a mapping, got {_kind(item)}", location=Location(where),
                                   hint="start each question with '- id: ...'"))
        return None
    c = _Checker(item, where, problems)
    qid = c.text("id")
    if qid and not ID_RE.match(qid):
        c.problem(f"id {qid!r} must be lowercase letters, digits and '-'", "id", "rename it, e.g. 'dp-mcap-chunks'")
    qtype = c.choice("type", QType)
    every = COMMON.union(*(req | opt for req, opt in BY_TYPE.values()))
    allowed = COMMON | BY_TYPE[qtype][0] | BY_TYPE[qtype][1] if qtype else every
    for key in item:
        if key != LINES and key not in allowed:
            hint = f"remove it, or use one of: {', '.join(sorted(allowed))}"
            c.problem(f"unknown field {str(key)!r}" + (f" for type {qtype}" if qtype else ""), str(key), hint)
    for key in sorted((REQUIRED - {"id", "type"}) | (BY_TYPE[qtype][0] if qtype else set())):  # those two: above
        if key not in item:
            c.missing(key, f"add '{key}:'")
    # go on after a problem: every problem in the entry is reported at once, not one round of fixes at a time
    topic = c.choice("topic", Topic)
    budget = c.choice("budget", Budget)
    robots = _robots(c)
    difficulty = item.get("difficulty")
    if "difficulty" in item and (isinstance(difficulty, bool) or difficulty not in (1, 2, 3)):
        c.problem(f"difficulty must be 1, 2 or 3, got {difficulty!r}", "difficulty", "write 'difficulty: 2'")
    fields: dict[str, Any] = dict(
        id=qid, topic=topic, robots=robots, budget=budget, difficulty=difficulty, type=qtype,
        prompt=c.text("prompt"), explanation=c.text("explanation"), sources=c.texts("sources"),
        subtopic=c.text("subtopic", required=False), path=where, line=c.lines.get("", 0),
    )
    for url in fields["sources"]:
        if not url.startswith(("http://", "https://")):
            c.problem(f"source {url!r} is not a URL", "sources", "give an http(s):// link")
    if qtype is not None:
        fields.update(_by_type(c, qtype))
    return Question(**fields) if c.ok else None


def _robots(c: _Checker) -> tuple[Robot, ...]:
    names = c.texts("robots")
    valid = [r.value for r in Robot] + [ANY_ROBOT]
    for name in names:
        if name not in valid:
            c.problem(f"robot {name!r} is not valid", "robots", f"use one of: {', '.join(valid)}")
            return ()
    if ANY_ROBOT in names and len(names) > 1:
        c.problem("'any' cannot be combined with other robots", "robots", "write 'robots: [any]' alone")
    return tuple(Robot(n) for n in names if n != ANY_ROBOT)


def _by_type(c: _Checker, qtype: QType) -> dict[str, Any]:
    if qtype is QType.numeric:
        tolerance = c.number("tolerance")
        if tolerance < 0:
            c.problem("tolerance must be >= 0", "tolerance", "write a non-negative number")
        return dict(answer=c.number("answer"), tolerance=tolerance, unit=c.text("unit"))
    if qtype is QType.recall:
        return dict(answer=c.text("answer"), key_points=c.texts("key_points", required=False))
    choices = c.texts("choices")
    if len(set(choices)) != len(choices):
        c.problem("choices repeat", "choices", "make every choice distinct")
    if choices and not 2 <= len(choices) <= 8:
        c.problem(f"{len(choices)} choices; give 2 to 8", "choices", "add or remove choices")
    if qtype is QType.mcq:
        answer = c.text("answer")
        if answer and choices and answer not in choices:
            c.problem(f"answer {answer!r} is not one of the choices", "answer", "copy the exact text of one choice")
        return dict(choices=choices, answer=answer)
    answers = c.texts("answers")
    for a in answers:
        if choices and a not in choices:
            c.problem(f"answers item {a!r} is not one of the choices", "answers", "copy exact choice texts")
    if len(set(answers)) != len(answers):
        c.problem("answers repeat", "answers", "list each right choice once")
    return dict(choices=choices, answers=answers)


def coverage(bank: Bank) -> dict[str, Any]:
    """Counts by topic, robot, budget and type, plus topic x robot and topic x budget tables."""
    dims: dict[str, dict[str, int]] = {
        "topic": {t.value: 0 for t in Topic},
        "robot": {r.value: 0 for r in Robot} | {ANY_ROBOT: 0},
        "budget": {b.value: 0 for b in Budget},
        "type": {t.value: 0 for t in QType},
    }
    by_robot = {t.value: dict.fromkeys(dims["robot"], 0) for t in Topic}
    by_budget = {t.value: dict.fromkeys(dims["budget"], 0) for t in Topic}
    for q in bank.index:  # counts need no question text
        robots = [r.value for r in q.robots] or [ANY_ROBOT]
        dims["topic"][q.topic.value] += 1
        dims["budget"][q.budget.value] += 1
        dims["type"][q.type.value] += 1
        by_budget[q.topic.value][q.budget.value] += 1
        for r in robots:
            dims["robot"][r] += 1
            by_robot[q.topic.value][r] += 1
    return {"questions": len(bank.index), **dims, "topic_by_robot": by_robot, "topic_by_budget": by_budget}
