"""Seeded generators for scale benchmarks: a large question bank and a long answer history."""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

from coach.model import Budget, QType, Robot, Topic

WORDS = ("rosbag mcap chunk index schema episode step parquet video policy fleet rollout canary shadow telemetry "
         "bandwidth latency randomization friction actuator sensor camera lidar gripper joint torque simulator "
         "environment reward dataset lineage manifest checksum throughput storage").split()


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def question(rng: random.Random, i: int) -> dict:
    qtype = rng.choice(list(QType))
    q = {
        "id": f"gen-{i:05d}", "topic": rng.choice(list(Topic)).value, "subtopic": rng.choice(WORDS[:12]),
        "robots": rng.choice([["any"], [rng.choice(list(Robot)).value]]), "budget": rng.choice(list(Budget)).value,
        "difficulty": rng.randint(1, 3), "type": qtype.value, "prompt": _sentence(rng, 25) + " Why?",
        "explanation": _sentence(rng, 30) + " " + _sentence(rng, 20),
        "sources": [f"https://example.org/source/{i}"],
    }
    if qtype in (QType.mcq, QType.multi):
        q["choices"] = [f"{_sentence(rng, 5)} ({i}.{k})" for k in range(4)]
        if qtype is QType.mcq:
            q["answer"] = q["choices"][rng.randrange(4)]
        else:
            q["answers"] = q["choices"][:2]
    elif qtype is QType.recall:
        q["answer"] = _sentence(rng, 20)
        q["key_points"] = [_sentence(rng, 6) for _ in range(3)]
    else:
        q.update(answer=rng.randint(10, 100000), tolerance=5, unit="GB")
    return q


def write_bank(path: Path, count: int = 10_000, seed: int = 1) -> Path:
    """A valid bank file of `count` generated questions."""
    rng = random.Random(seed)
    path.write_text(yaml.safe_dump({"questions": [question(rng, i) for i in range(count)]}, sort_keys=False,
                                   width=120), encoding="utf-8")
    return path


def write_history(db_path: Path, question_ids: list[str], topics: dict[str, str], attempts: int = 100_000,
                  questions: int = 5_000, seed: int = 2) -> None:
    """`attempts` answers spread over `questions` questions and the past year, plus their cards."""
    from coach.store import iso, open_store

    open_store(db_path).close()  # create the schema through coach itself
    rng = random.Random(seed)
    now = datetime(2026, 11, 26, 9, tzinfo=timezone.utc)
    chosen = question_ids[:questions]
    rows, last = [], {}
    for n in range(attempts):
        qid = rng.choice(chosen)
        when = now - timedelta(minutes=rng.randint(0, 365 * 24 * 60))
        rows.append((qid, topics[qid], "general", iso(when), "x", int(rng.random() < 0.7),
                     rng.choice(["again", "good"]), 1500, f"s{n // 20}"))
        last[qid] = max(last.get(qid, when), when)
    conn = sqlite3.connect(db_path)
    with conn:
        conn.executemany("INSERT INTO attempts(question_id, topic, subtopic, answered_utc, given, correct, rating,"
                         " duration_ms, session) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        conn.executemany(
            "INSERT INTO cards(question_id, card_json, due_utc, first_utc, reps, lapses) VALUES (?, ?, ?, ?, ?, ?)",
            [(qid, json.dumps({"card_id": i + 1, "state": 2, "step": None, "stability": rng.uniform(1, 60),
                               "difficulty": rng.uniform(1, 10), "due": (when + timedelta(days=5)).isoformat(),
                               "last_review": when.isoformat()}),
              iso(when + timedelta(days=5)), iso(when - timedelta(days=30)), 20, rng.randint(0, 8))
             for i, (qid, when) in enumerate(last.items())])
    conn.close()
