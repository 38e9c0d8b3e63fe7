"""Quiz logic: showing choices, grading each type of answer, and summarising a session. Pure: no I/O.

Randomness comes in as a random.Random so tests are reproducible.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from coach.model import Outcome, QType, Question, Rating, Summary

_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "g": 1e9, "b": 1e9, "bn": 1e9,
          "billion": 1e9, "t": 1e12, "trillion": 1e12}
_NUMBER = re.compile(r"([-+]?\d*\.?\d+(?:e[-+]?\d+)?)\s*(.*)", re.IGNORECASE)
_HEDGE = re.compile(r"^(?:(?:~|≈|about|approximately|approx\.?|around|roughly|\$|usd)\s*)+", re.IGNORECASE)
_PER_SECOND = re.compile(r"/sec\b|\s+per\s+second\b", re.IGNORECASE)
_UNIT_WORD = re.compile(r"[A-Za-zµ%$×]+(?:/[A-Za-z]+)?")
_COMMA = re.compile(r"\d,(?!\d{3}(?!\d))")  # "99,5" or "1,0000": not a thousands separator


def _units(dimension: str, base: float, *groups: tuple[str, float]) -> dict[str, tuple[str, float]]:
    return {name: (dimension, factor * base) for names, factor in groups for name in names.split()}


# unit -> (dimension, size in the dimension's base unit); lower case, as users type them
UNITS = {
    **_units("time", 1, ("ns", 1e-9), ("us µs", 1e-6), ("ms msec", 1e-3), ("s sec secs second seconds", 1),
             ("min mins minute minutes", 60), ("h hr hrs hour hours", 3600), ("d day days", 86400),
             ("wk week weeks", 604800)),
    **_units("data", 1, ("byte bytes", 1), ("kb kilobyte kilobytes", 1e3), ("mb megabyte megabytes", 1e6),
             ("gb gigabyte gigabytes", 1e9), ("tb terabyte terabytes", 1e12), ("pb petabyte petabytes", 1e15),
             ("kib", 2**10), ("mib", 2**20), ("gib", 2**30), ("tib", 2**40), ("bit bits", 1 / 8),
             ("kbit kbits", 1e3 / 8), ("mbit mbits", 1e6 / 8), ("gbit gbits", 1e9 / 8), ("tbit tbits", 1e12 / 8)),
    **_units("rate", 1, ("b/s", 1), ("kb/s", 1e3), ("mb/s", 1e6), ("gb/s", 1e9), ("tb/s", 1e12), ("bps bit/s", 1 / 8),
             ("kbps kbit/s", 1e3 / 8), ("mbps mbit/s", 1e6 / 8), ("gbps gbit/s", 1e9 / 8), ("tbit/s", 1e12 / 8)),
    **_units("frequency", 1, ("hz", 1), ("khz", 1e3), ("mhz", 1e6), ("ghz", 1e9)),
    **_units("length", 1, ("mm", 1e-3), ("cm", 1e-2), ("m metre metres meter meters", 1), ("km", 1e3)),
    **_units("fraction", 1, ("% percent pct", 0.01), ("fraction", 1)),
    **_units("money", 1, ("usd $ dollar dollars", 1)),
}
# where case decides: bytes "B" (lower case "b" is a billion), bits "Gb", bytes per second "MBps"
_CASED = {"B": "byte", "Kb": "kbit", "Mb": "mbit", "Gb": "gbit", "Tb": "tbit", "KBps": "kb/s", "kBps": "kb/s",
          "MBps": "mb/s", "GBps": "gb/s", "TBps": "tb/s", "Kb/s": "kbit/s", "Mb/s": "mbit/s",
          "Gb/s": "gbit/s", "Tb/s": "tbit/s"}


@dataclass(frozen=True, slots=True)
class Answer:
    """What the user gave: a choice text, several choice texts, a free text, and for recall a self-rating."""

    text: str = ""
    picks: tuple[str, ...] = ()
    rating: Rating | None = None


def shuffled_choices(question: Question, rng: random.Random) -> list[str]:
    """The question's choices in a fresh random order."""
    choices = list(question.choices)
    rng.shuffle(choices)
    return choices


def parse_number(text: str, unit: str = "") -> float | None:
    """The answer as a number in the question's `unit`, or None (see `number_problem` for why).

    Takes '98304', '98,304', '1.2e5', '98k', '1.5 million', '~100', '$25', and a unit converted to the question's
    when both are known and measure the same thing: for GB, '99500 MB' is 99.5, '150 Gb' (gigabits) 18.75; for s,
    '10 ms' is 0.01. For a unit coach knows, its start is the unit, not a multiplier ("12G" is 12 GB, "1.5 m" 1.5
    metres); for others ("keyframes") k, m and b stay multipliers. Any other unit, or "99,5", gives None.
    """
    value, _ = _parse(text, unit)
    return value


def number_problem(text: str, unit: str = "") -> str:
    """Why `text` is not an answer in `unit` (one line saying what to type), or "" when it is."""
    return _parse(text, unit)[1]


def _number(text: str) -> tuple[str, re.Match[str] | None]:
    """The answer without hedges ("~", "about", "$"), and its match: the number typed, then the rest."""
    raw = _HEDGE.sub("", text.strip())
    return raw, _NUMBER.fullmatch(raw.replace(",", "").replace("_", ""))


def _parse(text: str, unit: str) -> tuple[float | None, str]:
    raw, match = _number(text)
    if _COMMA.search(raw):
        return None, "write decimals with a dot (99.5) and thousands with commas (98,304) or none"
    if not match:
        return None, "enter a number, e.g. 1200, 1.2e3 or 1.2k"
    value, want = float(match.group(1)), unit.strip().lower()
    rest = " ".join(_PER_SECOND.sub("/s", match.group(2)).replace("-", " ").split()).rstrip(".")
    scale, _, after = rest.partition(" ")
    if scale.lower() in _SCALE and after and not _names(scale.lower(), want):  # "4.6k GPU-hours", "1.5 million x"
        value, rest = value * _SCALE[scale.lower()], after
    spelled = want.replace("-", " ")
    if " " in spelled and rest and spelled.startswith(rest.lower()):
        return value, ""  # a unit of several words written out: "20 x real time", "0.7 success rate (fraction)"
    tokens = _UNIT_WORD.findall(rest)
    if len(tokens) > 2 or "".join(tokens) != rest.replace(" ", ""):
        return None, f"enter a number{_in(unit)}, e.g. 1200 or 1.2k"
    wanted = UNITS.get(_CASED.get(unit.strip(), want)) or (UNITS["fraction"] if "fraction" in want else None)
    words = [_CASED[t] if _measures(_CASED.get(t, ""), wanted) else t.lower() for t in tokens]
    if words and words[0] in _SCALE and (len(words) == 2 or not (_names(words[0], want)
                                                                  or _measures(words[0], wanted))):
        value, words = value * _SCALE[words[0]], words[1:]  # "98k", "1.5 million", "2 k GB"
    if not words:
        return value, ""
    if len(words) == 1 and _measures(words[0], wanted):
        assert wanted is not None
        return value * UNITS[words[0]][1] / wanted[1], ""
    if len(words) == 1 and _names(words[0], want):
        return value, ""
    return None, f"coach can't turn {' '.join(tokens)!r} into {unit or 'a plain number'}: answer{_in(unit)}"


def read_as(text: str, unit: str) -> str:
    """How an answer was read when that differs from the number typed ('99500 MB' for GB: '99.5 GB'), else ""."""
    value, match = parse_number(text, unit), _number(text)[1]
    if value is None or match is None or float(match.group(1)) == value:
        return ""
    return f"{value:.10g} {unit}".strip()


def _names(word: str, unit: str) -> bool:
    """True when `word` is the question's unit as typed: the unit, its plural, one of its words ("steps" for
    "policy steps", "x" for "x real time"), or, for a unit coach knows, its start ("12G" for GB, "h" for hours)."""
    if not unit:
        return False
    if unit in (word, word + "s", word + "es") or word in (unit + "s", unit + "es") \
            or word in unit.replace("-", " ").split():
        return True
    if word in ("times", "×") and unit.split()[0] == "x":  # "2000 times" or "2000×" real time
        return True
    return unit in UNITS and unit.startswith(word)


def _measures(word: str, wanted: tuple[str, float] | None) -> bool:
    """True when `word` is a known unit of the same kind as the question's (so it converts)."""
    return wanted is not None and word in UNITS and UNITS[word][0] == wanted[0]


def _in(unit: str) -> str:
    return f" in {unit}" if unit else ""


def grade(question: Question, answer: Answer, duration_ms: int = 0) -> Outcome:
    """Turn an answer into an Outcome with the fsrs rating it earns (right: good, wrong: again)."""
    if question.type is QType.mcq:
        given, correct = answer.text, answer.text == question.answer
    elif question.type is QType.multi:
        given, correct = " | ".join(sorted(answer.picks)), set(answer.picks) == set(question.answers)
    elif question.type is QType.numeric:
        value = parse_number(answer.text, question.unit)
        assert isinstance(question.answer, float)
        given = answer.text
        correct = value is not None and abs(value - question.answer) <= question.tolerance
    else:
        rating = answer.rating or Rating.again
        return Outcome(question.id, answer.text, rating is not Rating.again, rating, duration_ms)
    return Outcome(question.id, given, correct, Rating.good if correct else Rating.again, duration_ms)


def summarise(questions: dict[str, Question], outcomes: list[Outcome]) -> Summary:
    """Score and per-topic counts of a session's outcomes."""
    summary = Summary(answered=len(outcomes), correct=sum(o.correct for o in outcomes))
    for o in outcomes:
        topic = questions[o.question_id].topic.value
        counts = summary.by_topic.setdefault(topic, [0, 0])
        counts[0] += 1
        counts[1] += int(o.correct)
    return summary
