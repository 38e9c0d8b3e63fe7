from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from coach.errors import StoreError
from coach import migrations
from coach.store import AttemptRow, open_store


def attempt(qid: str = "q1", correct: bool = True, when: str = "2026-11-26T09:00:00Z") -> AttemptRow:
    return AttemptRow(qid, "simulation", "mujoco", when, "MuJoCo", correct, "good" if correct else "again", 1200, "s1")


def test_record_is_committed_at_once_and_card_upserts(tmp_path: Path) -> None:
    path = tmp_path / "coach.db"
    store = open_store(path)
    store.record(attempt(), '{"card": 1}', "2026-11-27T09:00:00Z", lapsed=False)
    store.record(attempt(correct=False, when="2026-11-27T09:00:00Z"), '{"card": 2}', "2026-11-27T09:10:00Z", True)
    # another connection sees both answers without the first closing: nothing waits for a commit at exit
    other = sqlite3.connect(path)
    assert other.execute("SELECT count(*), sum(correct) FROM attempts").fetchone() == (2, 1)
    card = store.cards()["q1"]
    assert (card.card_json, card.due_utc, card.reps, card.lapses) == ('{"card": 2}', "2026-11-27T09:10:00Z", 2, 1)
    assert store.new_since("2026-11-26T00:00:00Z") == 1 and store.new_since("2026-11-27T00:00:00Z") == 0
    assert store.topic_totals() == [("simulation", 2, 1)]
    assert other.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_settings_round_trip(tmp_path: Path) -> None:
    store = open_store(tmp_path / "coach.db")
    store.set_setting("focus", "drone")
    assert open_store(tmp_path / "coach.db").setting("focus") == "drone"
    store.set_setting("focus", None)
    assert store.setting("focus", "unset") == "unset"


def test_corrupt_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "coach.db"
    path.write_bytes(b"this is not sqlite, it is my notes" * 100)
    before = path.read_bytes()
    with pytest.raises(StoreError) as info:
        open_store(path)
    assert str(path) in str(info.value) and "not a usable coach database" in str(info.value)
    assert path.read_bytes() == before


def test_foreign_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "coach.db"
    sqlite3.connect(path).execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(StoreError, match="not a coach database"):
        open_store(path)
    assert [r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master")] == ["invoices"]


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "coach.db"
    open_store(path).close()
    sqlite3.connect(path, isolation_level=None).execute(
        "INSERT INTO _sqlite_migrations(migration_set, name, applied_at) VALUES ('coach', 'm999_future', 'x')")
    with pytest.raises(StoreError, match="newer coach") as info:
        open_store(path)
    assert "upgrade coach" in str(info.value)


def test_old_schema_is_backed_up_then_migrated(tmp_path: Path) -> None:
    path = tmp_path / "coach.db"
    from sqlite_utils.migrations import Migrations

    db = Database(sqlite3.connect(path, isolation_level=None))
    old = Migrations(migrations.SET)
    old()(migrations.m001_initial)
    old.apply(db)
    db.execute("INSERT INTO settings(key, value) VALUES ('focus', 'arm')")
    db.conn.close()
    store = open_store(path)
    backup = tmp_path / "coach.db.backup-m001_initial"
    assert backup.exists()
    old_tables = {r[0] for r in sqlite3.connect(backup).execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "design_attempts" not in old_tables and "settings" in old_tables
    assert store.setting("focus") == "arm"
    columns = {r[1] for r in store.conn.execute("PRAGMA table_info(design_attempts)")}
    assert {"prompt_id", "score", "result_json"} <= columns


def test_queries_use_indexes(tmp_path: Path) -> None:
    store = open_store(tmp_path / "coach.db")
    plans = {
        "due": "SELECT count(*) FROM cards WHERE due_utc <= '2026'",
        "new": "SELECT count(*) FROM cards WHERE first_utc >= '2026'",
        "per question": "SELECT question_id, count(*), sum(correct) FROM attempts GROUP BY question_id",
    }
    for name, sql in plans.items():
        detail = " ".join(r[3] for r in store.conn.execute("EXPLAIN QUERY PLAN " + sql))
        assert "INDEX" in detail, (name, detail)
    # stats and weak read every answer: from a covering index already in group order, no table lookups, no sort
    totals = {"per topic": ("SELECT topic, count(*), sum(correct) FROM attempts WHERE answered_utc >= ? GROUP BY topic"
                            " ORDER BY topic", ("",)),
              "per question": ("SELECT question_id, max(topic), max(subtopic), count(*), sum(correct), "
                               "sum(answered_utc >= ?1) FROM attempts GROUP BY question_id", ("",))}
    for name, (sql, args) in totals.items():
        detail = " ".join(r[3] for r in store.conn.execute("EXPLAIN QUERY PLAN " + sql, args))
        assert "COVERING INDEX" in detail and "TEMP B-TREE" not in detail, (name, detail)
