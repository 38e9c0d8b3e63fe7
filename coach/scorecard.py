"""The ScoreCard: what scoring a design answer produces, and its JSON form (`coach design score --json`).

Plain immutable values and their to_dict/from_dict; scoring.py builds them, ui, report and the store read them.
Must not score, print or touch the store.
"""

from __future__ import annotations

from typing import NamedTuple, TypedDict


# NamedTuples, not frozen dataclasses, for start-up time: see rubric.py
class ConceptHit(NamedTuple):
    """The best mention of a concept: its credit, level, the sentence quoted and what lifted it."""

    concept: str
    credit: float
    level: str
    quote: str
    marker: str = ""


class Missing(NamedTuple):
    concept: str
    hint: str


class CriterionScore(NamedTuple):
    id: str
    name: str
    weight: float
    score: float
    level: int
    hits: tuple[ConceptHit, ...]
    missing: tuple[Missing, ...]


class FlagHit(NamedTuple):
    id: str
    message: str
    evidence: str


class Modifiers(NamedTuple):
    prose_share: float
    length: float
    relevance: float
    words: int
    density: float
    repeated: int


class ScoreCard(NamedTuple):
    """The result: 0-100 score, the arithmetic behind it, per-criterion evidence, and red flags."""

    prompt: str
    score: int
    base: float
    quality: float
    penalty: int
    modifiers: Modifiers
    criteria: tuple[CriterionScore, ...]
    red_flags: tuple[FlagHit, ...]
    diagnostics: tuple[str, ...] = ()

    @property
    def arithmetic(self) -> str:
        """How the score was computed, e.g. "base 72.4 × quality 0.94 − 10 (1 red flag) = 58"."""
        n = len(self.red_flags)
        flags = f" − {self.penalty} ({n} red flag{'s' if n != 1 else ''})" if n else ""
        return f"base {self.base:.1f} × quality {self.quality:.2f}{flags} = {self.score}"

    def to_dict(self) -> ScoreDict:
        """The JSON shape of `coach design score --json`."""
        return {
            "prompt": self.prompt, "score": self.score, "base": self.base, "quality": self.quality,
            "penalty": self.penalty, "arithmetic": self.arithmetic,
            "modifiers": {"prose_share": self.modifiers.prose_share, "length": self.modifiers.length,
                          "relevance": self.modifiers.relevance, "words": self.modifiers.words,
                          "density": self.modifiers.density, "repeated": self.modifiers.repeated},
            "criteria": [{"id": c.id, "name": c.name, "weight": c.weight, "score": c.score, "level": c.level,
                          "evidence": _unique([h.quote for h in c.hits if h.credit > 0]),
                          "missing": [{"concept": m.concept, "hint": m.hint} for m in c.missing],
                          "hits": [{"concept": h.concept, "credit": h.credit, "level": h.level, "quote": h.quote,
                                    "marker": h.marker} for h in c.hits]} for c in self.criteria],
            "red_flags": [{"id": f.id, "message": f.message, "evidence": f.evidence} for f in self.red_flags],
            "diagnostics": list(self.diagnostics),
        }

    @classmethod
    def from_dict(cls, d: ScoreDict) -> ScoreCard:
        """Rebuild a ScoreCard from `to_dict` output (stored attempts, reports)."""
        return cls(
            prompt=d["prompt"], score=d["score"], base=d["base"], quality=d["quality"], penalty=d["penalty"],
            modifiers=Modifiers(**d["modifiers"]),
            criteria=tuple(CriterionScore(
                c["id"], c["name"], c["weight"], c["score"], c["level"],
                tuple(ConceptHit(**h) for h in c["hits"]), tuple(Missing(**m) for m in c["missing"]))
                for c in d["criteria"]),
            red_flags=tuple(FlagHit(**f) for f in d["red_flags"]), diagnostics=tuple(d["diagnostics"]),
        )


class ModifiersDict(TypedDict):
    prose_share: float
    length: float
    relevance: float
    words: int
    density: float
    repeated: int


class HitDict(TypedDict):
    concept: str
    credit: float
    level: str
    quote: str
    marker: str


class MissingDict(TypedDict):
    concept: str
    hint: str


class CriterionDict(TypedDict):
    id: str
    name: str
    weight: float
    score: float
    level: int
    evidence: list[str]
    missing: list[MissingDict]
    hits: list[HitDict]


class FlagDict(TypedDict):
    id: str
    message: str
    evidence: str


class ScoreDict(TypedDict):
    prompt: str
    score: int
    base: float
    quality: float
    penalty: int
    arithmetic: str
    modifiers: ModifiersDict
    criteria: list[CriterionDict]
    red_flags: list[FlagDict]
    diagnostics: list[str]


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
