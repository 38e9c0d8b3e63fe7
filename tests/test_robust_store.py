"""Months of history stay safe: kill -9 mid-quiz, three sessions at once, and corrupt, foreign, newer or older
databases, checked through the CLI and in the file itself."""

from __future__ import annotations

import io
import multiprocessing
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pexpect
import pytest
from pexpect.popen_spawn import PopenSpawn
from sqlite_utils import Database
from typer.testing import CliRunner

from coach import migrations, schedule
from coach.cli import app
from coach.model import Rating
from coach.store import AttemptRow, open_store

from conftest import DATA, NOW, child_env

DOWN, ENTER = "\x1b[B", "\r"
NOTHING_LOST = ("locked", "busy", "Traceback", "internal error")


def coach_env_for(home: Path, bank: Path = DATA / "bank.yaml") -> dict[str, str]:
    return child_env(COACH_HOME=str(home), COACH_SHIPPED_BANK="0", COACH_BANK_PATH=str(bank), COACH_NOW=NOW.isoformat(),
                     COACH_SEED="7", PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm")


def terminal(home: Path, *args: str, bank: Path = DATA / "bank.yaml") -> pexpect.spawn:
    child = pexpect.spawn(sys.executable, ["-m", "coach", *args], env=coach_env_for(home, bank), dimensions=(40, 120),
                          timeout=10, encoding="utf-8")
    child.logfile_read = io.StringIO()
    return child


def script(home: Path, *args: str, bank: Path = DATA / "bank.yaml") -> PopenSpawn:
    """A plain subprocess on pipes (stdin is not a terminal, so coach runs in line mode)."""
    child = PopenSpawn([sys.executable, "-m", "coach", *args], env=coach_env_for(home, bank), timeout=10,
                       encoding="utf-8")
    child.logfile_read = io.StringIO()
    return child


def db(home: Path) -> sqlite3.Connection:
    return sqlite3.connect(home / "coach.db")


def integrity(home: Path) -> str:
    return db(home).execute("PRAGMA integrity_check").fetchone()[0]


def answered(home: Path) -> list[str]:
    return [r[0] for r in db(home).execute("SELECT question_id FROM attempts ORDER BY id")]


def assert_each_attempt_has_its_card(home: Path) -> None:
    conn = db(home)
    orphans = conn.execute("SELECT count(*) FROM attempts a LEFT JOIN cards c USING (question_id)"
                           " WHERE c.question_id IS NULL").fetchone()[0]
    reps = dict(conn.execute("SELECT question_id, reps FROM cards"))
    counts = dict(conn.execute("SELECT question_id, count(*) FROM attempts GROUP BY 1"))
    assert orphans == 0 and reps == counts, "an answer and its card state were not written together"


# crash safety ----------------------------------------------------------------------------------------------------

def test_kill_9_mid_quiz_keeps_every_answer_given(coach_env: Path) -> None:
    child = terminal(coach_env, "quiz", "--robot", "any", "--limit", "4")
    child.expect("Your answer:")
    child.send(ENTER)
    child.expect("Pick all that apply")
    child.send(" " + ENTER)
    child.expect("Your estimate")  # two answers given, the third question is on screen
    child.kill(signal.SIGKILL)
    child.close(force=True)
    assert child.signalstatus == signal.SIGKILL
    assert integrity(coach_env) == "ok"
    assert answered(coach_env) == ["t-mcap-default", "t-rlds-required"]
    assert_each_attempt_has_its_card(coach_env)
    again = script(coach_env, "quiz", "--robot", "any", "--limit", "1")  # carries on where the killed one stopped
    again.expect(r"estimate \(transitions\)> ")
    again.sendline("98304")
    again.expect("Session: 1/1 right")
    again.expect(pexpect.EOF)
    assert again.wait() == 0
    assert answered(coach_env)[-1] == "t-ppo-batch"


def many_questions(folder: Path, n: int) -> Path:
    item = textwrap.dedent("""\
          - id: k-{i:03d}
            topic: simulation
            robots: [any]
            budget: 1h
            difficulty: 1
            type: mcq
            prompt: Question {i}?
            choices: [Alpha, Beta]
            answer: Alpha
            explanation: Because {i}.
            sources: [https://example.org/{i}]
        """)
    path = folder / "many.yaml"
    path.write_text("questions:\n" + "".join(textwrap.indent(item.format(i=i), "  ") for i in range(n)))
    return path


def test_kill_9_during_a_burst_of_answers_loses_nothing_shown(tmp_path: Path, coach_env: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    bank = many_questions(tmp_path, 400)
    monkeypatch.setenv("COACH_SHIPPED_BANK", "0")
    monkeypatch.setenv("COACH_BANK_PATH", str(bank))
    assert CliRunner().invoke(app, ["config", "new-per-day", "500"]).exit_code == 0
    rng = random.Random(3)
    for _ in range(3):
        before = len(answered(coach_env))
        child = script(coach_env, "quiz", "--robot", "any", bank=bank)
        child.expect("answer> ")
        child.send("1\n" * 400)  # answers arrive faster than they are stored
        for _ in range(rng.randint(1, 20)):
            child.expect(["Right.", "Wrong."])
        time.sleep(rng.uniform(0, 0.01))  # somewhere in the middle of the writes
        child.kill(signal.SIGKILL)
        child.expect(pexpect.EOF)
        child.wait()
        shown = child.logfile_read.getvalue()
        assert "Session:" not in shown, "the session ended before the kill"
        seen = shown.count("\nRight.\n") + shown.count("\nWrong. ")
        stored = len(answered(coach_env)) - before
        assert integrity(coach_env) == "ok"
        # every answer whose feedback was shown is stored; at most one more was stored but not yet shown
        assert seen <= stored <= seen + 1, (seen, stored)
        assert answered(coach_env) == [f"k-{i:03d}" for i in range(len(answered(coach_env)))], "a gap or a repeat"
        assert_each_attempt_has_its_card(coach_env)


# concurrency -----------------------------------------------------------------------------------------------------

def test_two_terminals_and_a_script_at_once_all_finish_with_every_answer(coach_env: Path) -> None:
    # all three start together on a database that does not exist yet, then answer in lockstep
    one, two = terminal(coach_env, "quiz", "--robot", "any", "--limit", "3"), terminal(
        coach_env, "quiz", "--robot", "any", "--limit", "3")
    piped = script(coach_env, "quiz", "--robot", "any", "--limit", "3")
    steps = [
        ("Your answer:", ENTER, "answer> ", "1"),
        ("Pick all that apply", " " + ENTER, r"answers \(e.g. 1,3\)> ", "1"),
        ("Your estimate", "98304" + ENTER, r"estimate \(transitions\)> ", "98304"),
    ]
    for tty_prompt, tty_keys, line_prompt, line in steps:
        one.expect(tty_prompt)
        two.expect(tty_prompt)
        piped.expect(line_prompt)
        one.send(tty_keys)  # sent back to back: the three writes overlap
        two.send(tty_keys)
        piped.sendline(line)
    for child in (one, two, piped):
        child.expect("Session: ")
        child.expect(pexpect.EOF)
    one.close()
    two.close()
    assert (one.exitstatus, two.exitstatus, piped.wait()) == (0, 0, 0)
    for child in (one, two, piped):
        text = child.logfile_read.getvalue()
        assert not any(word in text for word in NOTHING_LOST), text
    conn = db(coach_env)
    per_session = [n for (n,) in conn.execute("SELECT count(*) FROM attempts GROUP BY session")]
    assert per_session == [3, 3, 3]
    assert dict(conn.execute("SELECT question_id, reps FROM cards")) == {
        "t-mcap-default": 3, "t-rlds-required": 3, "t-ppo-batch": 3}
    assert integrity(coach_env) == "ok"


def _open_and_answer(path: str, barrier: object, n: int, results: object) -> None:
    barrier.wait()  # type: ignore[attr-defined]
    try:
        store = open_store(Path(path))
        store.record(AttemptRow(f"q{n}", "simulation", "", "2026-11-26T09:00:00Z", "x", True, "good", 1, f"s{n}"),
                     "{}", "2026-11-27T09:00:00Z", False)
        store.close()
        results.put("ok")  # type: ignore[attr-defined]
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which fails the test
        results.put(repr(exc))  # type: ignore[attr-defined]


def test_three_processes_creating_a_fresh_database_at_the_same_moment(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    for round_ in range(8):
        path = tmp_path / f"coach{round_}.db"
        barrier, results = ctx.Barrier(3), ctx.Queue()
        procs = [ctx.Process(target=_open_and_answer, args=(str(path), barrier, n, results)) for n in range(3)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(timeout=30)
        assert sorted(results.get(timeout=5) for _ in procs) == ["ok"] * 3
        conn = sqlite3.connect(path)
        assert conn.execute("SELECT count(*) FROM attempts").fetchone() == (3,)
        assert conn.execute("SELECT count(*) FROM _sqlite_migrations").fetchone() == (len(migrations.NAMES),)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert not list(tmp_path.glob("*.backup-*")), "a brand-new database was 'backed up'"


# corrupt, foreign, newer and older databases, through the CLI ----------------------------------------------------

def _filled(path: Path) -> None:
    store = open_store(path)
    card = schedule.review(schedule.scheduler(fuzz=False), "t-canary", None, Rating.good, NOW)
    for i in range(40):  # a few pages of attempts
        store.record(AttemptRow("t-canary", "fleet-mlops", "ota", f"2026-11-2{i % 6}T09:00:00Z", "x" * 80, True, "good",
                                1, "s"), card.card_json, "2026-11-27T09:00:00Z", False)
    store.set_setting("focus", "arm")
    store.close()


def make_garbage(path: Path) -> None:
    path.write_bytes(b"my interview notes, not a database\n" * 200)


def make_truncated(path: Path) -> None:
    _filled(path)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def make_foreign(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.execute("INSERT INTO invoices(total) VALUES (9.5)")
    conn.commit()
    conn.close()


def make_other_app(path: Path) -> None:
    conn = sqlite3.connect(path)  # another sqlite-utils app: the migrations table exists, but not our set
    conn.execute("CREATE TABLE _sqlite_migrations (id INTEGER PRIMARY KEY, migration_set TEXT, name TEXT,"
                 " applied_at TEXT)")
    conn.execute("INSERT INTO _sqlite_migrations(migration_set, name, applied_at) VALUES ('llm', 'm001_x', 'x')")
    conn.commit()
    conn.close()


def make_newer(path: Path) -> None:
    _filled(path)
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO _sqlite_migrations(migration_set, name, applied_at) VALUES ('coach', 'm999_future', 'x')")
    conn.commit()
    conn.close()  # checkpoints: the file alone holds everything


def make_damaged_attempts(path: Path) -> None:
    # the schema, settings and cards read fine; the first answer written hits a broken page
    _filled(path)
    conn = sqlite3.connect(path)
    root, page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'attempts'").fetchone()[0], \
        conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * page: root * page] = b"\xde\xad" * (page // 2)
    path.write_bytes(bytes(data))


BAD_DATABASES = {
    "garbage": (make_garbage, "not a usable coach database: file is not a database", "move the file aside"),
    "truncated": (make_truncated, "not a usable coach database: database disk image is malformed",
                  "move the file aside"),
    "foreign": (make_foreign, "not a coach database (it has other tables)", "move the file aside"),
    "other app": (make_other_app, "not a coach database (it has other tables)", "move the file aside"),
    "newer": (make_newer, "written by a newer coach (schema m999_future)", "upgrade coach"),
    "damaged page": (make_damaged_attempts, "not a usable coach database: database disk image is malformed",
                     "move the file aside"),
}
COMMANDS = [["quiz", "--plain", "--robot", "any"], ["stats"], ["stats", "--json"], [], ["focus", "arm"],
            ["config", "new-per-day", "5"], ["weak"], ["plan", "--time", "1h"]]


@pytest.mark.parametrize("kind", list(BAD_DATABASES))
def test_bad_database_is_one_line_exit_1_and_left_byte_for_byte(kind: str, coach_env: Path, test_bank: Path) -> None:
    make, message, hint = BAD_DATABASES[kind]
    coach_env.mkdir(parents=True, exist_ok=True)
    path = coach_env / "coach.db"
    make(path)
    before = path.read_bytes()
    # a damaged page only shows when it is read or written: the commands that do so
    commands = [COMMANDS[0], COMMANDS[1]] if kind == "damaged page" else COMMANDS
    for args in commands:
        result = CliRunner().invoke(app, args, input="1\n1\n1\n")
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, repr(result.exception))
        assert result.exit_code == 1, (args, result.output)
        (line,) = result.stderr.splitlines()
        assert line.startswith(f"coach: error: {path}: {message} (") and hint in line, (args, line)
        assert path.read_bytes() == before, f"coach {' '.join(args)} changed the {kind} file"
    assert not list(coach_env.glob("coach.db.backup-*"))
    out = subprocess.run([sys.executable, "-m", "coach", "quiz", "--robot", "any"], input="1\n", capture_output=True,
                         text=True, env=coach_env_for(coach_env), timeout=20)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr.startswith(f"coach: error: {path}: {message}") and out.stderr.count("\n") == 1
    assert path.read_bytes() == before


def first_version_database(path: Path) -> Database:
    """A database as the first coach (schema m001 only) left it."""
    from sqlite_utils.migrations import Migrations

    old = Database(sqlite3.connect(path, isolation_level=None))
    first = Migrations(migrations.SET)
    first()(migrations.m001_initial)
    first.apply(old)
    return old


def test_older_database_is_backed_up_then_migrated_through_the_cli(coach_env: Path, test_bank: Path) -> None:
    coach_env.mkdir(parents=True)
    path = coach_env / "coach.db"
    old = first_version_database(path)
    old.execute("INSERT INTO attempts(question_id, topic, answered_utc, given, correct, rating, session)"
                " VALUES ('t-canary', 'fleet-mlops', '2026-11-20T09:00:00Z', 'Canary rollout', 1, 'good', 's0')")
    old.execute("INSERT INTO settings(key, value) VALUES ('focus', 'drone')")
    old.conn.close()
    result = CliRunner().invoke(app, ["stats", "--json"])
    assert result.exit_code == 0, result.output
    assert '"attempts": 1' in result.stdout
    backup = coach_env / "coach.db.backup-m001_initial"
    kept = sqlite3.connect(backup)
    tables = {r[0] for r in kept.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables >= {"attempts", "settings"}
    assert not kept.execute("SELECT name FROM sqlite_master WHERE name = 'design_attempts'").fetchall()
    assert kept.execute("SELECT question_id FROM attempts").fetchall() == [("t-canary",)]
    kept.close()
    assert CliRunner().invoke(app, ["focus"]).stdout.strip() == "drone"
    assert [r[0] for r in db(coach_env).execute("SELECT name FROM _sqlite_migrations")] == migrations.NAMES
    snapshot = backup.read_bytes()
    assert CliRunner().invoke(app, ["stats", "--json"]).exit_code == 0
    assert backup.read_bytes() == snapshot
    assert [p.name for p in coach_env.glob("coach.db.backup-*")] == [backup.name]


def test_backup_is_taken_under_the_migration_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # two sessions open an old database at once; the slower one must not back up the file the other just migrated
    path = tmp_path / "coach.db"
    first_version_database(path).conn.close()
    real_applied, calls = migrations.applied, []

    def applied_then_other_session_migrates(conn: sqlite3.Connection) -> list[str]:
        found = real_applied(conn)
        if not calls:  # the other session finishes its migration right after this one looked
            calls.append(1)
            code = f"from pathlib import Path; from coach.store import open_store; open_store(Path({str(path)!r}))"
            other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=child_env(),
                                   timeout=20)
            assert other.returncode == 0, other.stderr
        return found

    monkeypatch.setattr(migrations, "applied", applied_then_other_session_migrates)
    open_store(path).close()
    backups = list(tmp_path.glob("coach.db.backup-*"))
    assert [b.name for b in backups] == ["coach.db.backup-m001_initial"]
    names = {r[0] for r in sqlite3.connect(backups[0]).execute("SELECT name FROM sqlite_master")}
    assert "design_attempts" not in names, "the backup holds the migrated schema, not the old one"
