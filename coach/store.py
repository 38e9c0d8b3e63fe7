"""The only module that talks to SQLite: opening, migrating, and every query coach runs.

Owns $COACH_HOME/coach.db. One short transaction per answer, so a killed process or a concurrent session loses
nothing. Times are stored as UTC ISO-8601 text (`iso`). Raises StoreError, never sqlite3 errors.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coach.errors import Location, StoreError
from coach.model import iso as iso  # re-exported: callers use store.iso

KNOWN_HINT = "move the file aside (coach will start a new one) or point COACH_HOME elsewhere"


@dataclass(frozen=True, slots=True)
class CardRow:
    question_id: str
    card_json: str
    due_utc: str
    reps: int
    lapses: int


@dataclass(frozen=True, slots=True)
class AttemptRow:
    question_id: str
    topic: str
    subtopic: str
    answered_utc: str
    given: str
    correct: bool
    rating: str
    duration_ms: int
    session: str


class Store:
    """An open coach database."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        # IMMEDIATE takes the write lock up front, so concurrent sessions wait (busy timeout) instead of failing
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                if self.conn.in_transaction:  # SQLite may already have rolled back (a corrupt page, a full disk)
                    self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:  # not only OperationalError: a damaged page raises DatabaseError
            raise _store_error(self.path, exc) from None

    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as exc:
            raise _store_error(self.path, exc) from None

    # settings -------------------------------------------------------------------------------------------
    def setting(self, key: str, default: str | None = None) -> str | None:
        """A stored setting, or `default`."""
        rows = self._rows("SELECT value FROM settings WHERE key = ?", (key,))
        return rows[0][0] if rows else default

    def set_setting(self, key: str, value: str | None) -> None:
        """Store (or with None, remove) a setting."""
        with self._write() as conn:
            if value is None:
                conn.execute("DELETE FROM settings WHERE key = ?", (key,))
            else:
                conn.execute("INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)", (key, value))

    # quiz -------------------------------------------------------------------------------------------------
    def cards(self) -> dict[str, CardRow]:
        """Every scheduled card, by question id."""
        rows = self._rows("SELECT question_id, card_json, due_utc, reps, lapses FROM cards")
        return {r[0]: CardRow(*r) for r in rows}

    def record(self, attempt: AttemptRow, card_json: str, due_utc: str, lapsed: bool) -> None:
        """Store one answer and its new card state in one transaction."""
        with self._write() as conn:
            conn.execute(
                "INSERT INTO attempts(question_id, topic, subtopic, answered_utc, given, correct, rating, duration_ms,"
                " session) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (attempt.question_id, attempt.topic, attempt.subtopic, attempt.answered_utc, attempt.given,
                 int(attempt.correct), attempt.rating, attempt.duration_ms, attempt.session),
            )
            conn.execute(
                "INSERT INTO cards(question_id, card_json, due_utc, first_utc, reps, lapses) VALUES (?, ?, ?, ?, 1, ?)"
                " ON CONFLICT(question_id) DO UPDATE SET card_json = excluded.card_json, due_utc = excluded.due_utc,"
                " reps = reps + 1, lapses = lapses + excluded.lapses",
                (attempt.question_id, card_json, due_utc, attempt.answered_utc, int(lapsed)),
            )

    def attempt_count(self) -> int:
        """How many answers are stored."""
        return int(self._rows("SELECT count(*) FROM attempts")[0][0])

    def topic_totals(self, since_utc: str = "") -> list[tuple[str, int, int]]:
        """(topic, attempts, correct) per topic, optionally since a time."""
        return self._rows(
            "SELECT topic, count(*), sum(correct) FROM attempts WHERE answered_utc >= ? GROUP BY topic ORDER BY topic",
            (since_utc,),
        )

    def question_totals(self, recent_utc: str) -> list[tuple[str, str, str, int, int, int, int]]:
        """(question id, topic, subtopic, attempts, correct, attempts since `recent_utc`, correct since) per question."""
        return self._rows(
            "SELECT question_id, max(topic), max(subtopic), count(*), sum(correct),"
            " sum(answered_utc >= ?1), sum(correct * (answered_utc >= ?1)) FROM attempts GROUP BY question_id",
            (recent_utc,),
        )

    def review_totals(self, since_utc: str) -> tuple[int, int]:
        """(answers, correct) to questions seen before, since a time: true retention, not first-try accuracy."""
        row = self._rows("SELECT count(*), coalesce(sum(a.correct), 0) FROM attempts a JOIN cards c"
                         " ON c.question_id = a.question_id WHERE a.answered_utc >= ? AND a.answered_utc > c.first_utc",
                         (since_utc,))[0]
        return int(row[0]), int(row[1])

    def days_answered(self) -> list[tuple[str, int]]:
        """(UTC timestamp, answers) bucketed per UTC hour, oldest first: ui turns them into local days."""
        return self._rows("SELECT substr(answered_utc, 1, 13), count(*) FROM attempts GROUP BY 1 ORDER BY 1")

    def due_between(self, start_utc: str, end_utc: str) -> list[str]:
        """Due times of cards due in [start, end)."""
        return [r[0] for r in self._rows("SELECT due_utc FROM cards WHERE due_utc >= ? AND due_utc < ?",
                                         (start_utc, end_utc))]

    def due_ids(self, now_utc: str) -> list[str]:
        """Ids of the cards due at `now` (callers drop the ones no longer in the bank)."""
        return [r[0] for r in self._rows("SELECT question_id FROM cards WHERE due_utc <= ?", (now_utc,))]

    def next_due(self, after_utc: str) -> str | None:
        """The earliest due time after `after_utc`, if any."""
        return self._rows("SELECT min(due_utc) FROM cards WHERE due_utc > ?", (after_utc,))[0][0]

    def new_since(self, since_utc: str) -> int:
        """How many questions were answered for the first time since `since_utc` (the daily new count)."""
        return int(self._rows("SELECT count(*) FROM cards WHERE first_utc >= ?", (since_utc,))[0][0])

    # design -----------------------------------------------------------------------------------------------
    def record_design(self, prompt_id: str, answered_utc: str, robot: str, answer: str, result: dict[str, Any]) -> int:
        """Store one scored design answer and its per-criterion scores; returns the attempt id."""
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO design_attempts(prompt_id, answered_utc, score, robot, answer, result_json)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (prompt_id, answered_utc, float(result["score"]), robot, answer, json.dumps(result)),
            )
            attempt_id = int(cur.lastrowid or 0)
            conn.executemany(
                "INSERT INTO design_scores(attempt_id, prompt_id, criterion_id, weight, score) VALUES (?, ?, ?, ?, ?)",
                [(attempt_id, prompt_id, c["id"], float(c["weight"]), float(c["score"])) for c in result["criteria"]],
            )
        return attempt_id

    def design_history(self, prompt_id: str) -> list[tuple[str, float]]:
        """(answered_utc, score) of earlier attempts at a prompt, oldest first."""
        return self._rows("SELECT answered_utc, score FROM design_attempts WHERE prompt_id = ? ORDER BY answered_utc, id",
                          (prompt_id,))

    def design_criteria(self) -> list[tuple[str, str, int, float]]:
        """(prompt id, criterion id, attempts, mean score 0-1) across all design attempts."""
        return self._rows("SELECT prompt_id, criterion_id, count(*), avg(score) FROM design_scores GROUP BY 1, 2")


def _store_error(path: Path, exc: sqlite3.Error) -> StoreError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return StoreError(f"database is busy: {text}", location=Location(str(path)),
                          hint="another coach is writing; try again in a moment")
    if "readonly" in text or "unable to open" in text:
        return StoreError(f"cannot write the database: {text}", location=Location(str(path)),
                          hint="check the file and folder permissions of COACH_HOME")
    return StoreError(f"not a usable coach database: {text}", location=Location(str(path)), hint=KNOWN_HINT)


def open_store(path: Path) -> Store:
    """Open (creating or migrating) the database at `path`; refuse corrupt, foreign or newer files untouched."""
    from coach import migrations

    existed = path.exists() and path.stat().st_size > 0
    try:
        conn = sqlite3.connect(path, timeout=15, isolation_level=None, check_same_thread=False)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise _store_error(path, exc) from None
    try:
        applied = migrations.applied(conn)
        if tables and not applied:
            raise StoreError("not a coach database (it has other tables)", location=Location(str(path)),
                             hint=KNOWN_HINT)
        newer = [name for name in applied if name not in migrations.NAMES]
        if newer:
            raise StoreError(f"written by a newer coach (schema {newer[-1]})", location=Location(str(path)),
                             hint="upgrade coach: pip install -U coach")
        _use_wal(conn)
        conn.execute("PRAGMA synchronous=NORMAL")
        if len(applied) < len(migrations.NAMES):
            _migrate(conn, path, applied if existed else [])
    except StoreError:
        conn.close()
        raise
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise _store_error(path, exc) from None
    return Store(path, conn)


def open_readonly(path: Path) -> Store | None:
    """The database at `path` opened read-only, for reading settings and history without ever writing (no
    migration, no WAL switch, no backup); None if it is missing, unreadable or not at this coach's schema."""
    from coach import migrations

    if not path.exists():
        return None
    # immutable: the fallback for a folder we may not write, where read-only WAL access can't create its -shm
    for flags in ("mode=ro", "mode=ro&immutable=1"):
        conn = None
        try:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?{flags}", uri=True, timeout=15, isolation_level=None,
                                   check_same_thread=False)
            if migrations.applied(conn) != migrations.NAMES:
                conn.close()
                return None
            return Store(path, conn)
        except sqlite3.DatabaseError:
            if conn is not None:
                conn.close()
    return None


def _migrate(conn: sqlite3.Connection, path: Path, applied: list[str]) -> None:
    from coach import migrations

    conn.execute("BEGIN IMMEDIATE")  # two sessions starting at once must not both migrate
    try:
        # looked at again under the lock: a session that just migrated must not have its result saved as the backup
        if applied and migrations.applied(conn) == applied:
            _backup(path, path.with_name(f"{path.name}.backup-{applied[-1]}"))
        migrations.apply(conn)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _use_wal(conn: sqlite3.Connection) -> None:
    # a new file needs an exclusive lock to switch to WAL, and SQLite refuses it at once, without the busy wait,
    # while another session starting at the same moment is switching too: wait here as the busy timeout would
    deadline = time.monotonic() + 15
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _backup(source: Path, target: Path) -> None:
    # the backup API copies a consistent snapshot, WAL included; a plain file copy could miss the WAL. It reads
    # through a second connection: it refuses (and Python retries forever) a source in a write transaction
    src, dest = sqlite3.connect(source, timeout=15), sqlite3.connect(target)
    try:
        src.backup(dest)
    finally:
        dest.close()
        src.close()

