"""The scorer on held-out answers its authors never saw (tests/data/design_heldout), in other styles than the
calibration set: terse bullets, non-native prose, Q&A, a second medium, keyword dumps, filler and rotating-reason
stuffing, a good answer to another prompt, and strong answers with red-flag sentences added.

Margins are a few points inside what the scorer does today, not tuned to pass by a hair. Known misses are
marked xfail(strict=True), so they are visible and fail loudly once fixed.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from coach import rubric, scoring
from coach.scorecard import ScoreCard
from coach.text import split_sentences

from conftest import DATA

HELD = DATA / "design_heldout"
RUBRICS = rubric.load_all(Path(__file__).resolve().parents[1] / "rubrics")
IDS = sorted(RUBRICS)
STRONG = ("strong-bullets", "strong-prose", "strong-qa")
MEDIUM = ("medium", "medium-2")
STUFFED = ("keywords", "keywords-filler", "stuffed-reasons")
KINDS = (*STRONG, *MEDIUM, "weak", *STUFFED, "wrong-prompt", "redflags", "redflags-2")


def text(rid: str, kind: str) -> str:
    return (HELD / rid / f"{kind}.md").read_text()


def score(rid: str, answer: str) -> ScoreCard:
    return scoring.score(RUBRICS[rid], answer)


CARDS = {(rid, kind): score(rid, text(rid, kind)) for rid in IDS for kind in KINDS}


def scores(rid: str, kinds: tuple[str, ...]) -> list[int]:
    return [CARDS[rid, kind].score for kind in kinds]


# order -------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("rid", IDS)
def test_every_strong_style_clearly_beats_medium_and_medium_beats_weak(rid: str) -> None:
    strong, medium, weak = min(scores(rid, STRONG)), scores(rid, MEDIUM), CARDS[rid, "weak"].score
    assert strong >= 70 and strong >= max(medium) + 15, (strong, medium)
    assert min(medium) >= weak + 10 and strong >= weak + 50, (medium, weak)


@pytest.mark.parametrize("rid", IDS)
def test_keyword_dumps_and_stuffing_score_under_half_of_strong(rid: str) -> None:
    strong, medium = min(scores(rid, STRONG)), min(scores(rid, MEDIUM))
    for kind in STUFFED:  # a list; "We use X because it is good."; "We rely on X so that <rotating reason>."
        got = CARDS[rid, kind].score
        assert got < 0.5 * strong and got < medium, (kind, got, strong, medium)


@pytest.mark.parametrize("rid", IDS)
def test_a_good_answer_to_another_prompt_scores_well_below_medium(rid: str) -> None:
    card, medium = CARDS[rid, "wrong-prompt"], CARDS[rid, "medium"].score
    assert card.score < 0.6 * medium, (card.score, medium)
    if card.modifiers.relevance < 1:
        assert any("is this an answer to" in d for d in card.diagnostics), card.diagnostics


CROSS_KNOWN = {"teleop-flywheel": "its concept phrases are generic data-infra words; other prompts' answers use them"}


@pytest.mark.parametrize("rid", [pytest.param(r, marks=pytest.mark.xfail(reason=CROSS_KNOWN[r], strict=True))
                                 if r in CROSS_KNOWN else r for r in IDS])
def test_strong_answers_to_the_other_prompts_score_low(rid: str) -> None:
    others = [score(rid, text(other, kind)).score for other in IDS if other != rid for kind in STRONG[1:]]
    own = min(scores(rid, STRONG))
    assert sum(others) / len(others) < 0.2 * own and max(others) < own - 35, (others, own)


# red flags ---------------------------------------------------------------------------------------------------------
ADDED_FLAGS = {  # red-flag sentences added to a strong answer: (the clean answer, {flag id: part of the sentence})
    "teleop-flywheel": ("strong-bullets", {"trains-on-everything": "we train on all the demos we collect",
                                           "judged-by-loss": "once its training loss stops going down"}),
    "fleet-observability": ("strong-prose", {"no-offline-buffer": "we just skip the data of that time",
                                             "unbounded-labels": "the trajectory id and the user request id"}),
    "multi-robot-data-format": ("strong-bullets", {"discards-raw": "the original bag files are removed",
                                                   "shared-normalization": "share a single mean and std"}),
    "ota-policy-rollout": ("strong-prose", {"whole-fleet-at-once": "goes out to every robot in the fleet",
                                            "deletes-previous": "the old policy file is erased"}),
    "sim-rl-pipeline": ("strong-bullets", {"eval-on-train": "the same terrains and the same randomisation ranges",
                                           "ignores-latency": "we don't bother modelling the delay"}),
    "reproducible-training-eval": ("strong-bullets", {
        "cross-day": "the baseline number we measured a few weeks ago",
        "test-set-selection": "whichever checkpoint did best in the final real-robot test"}),
}


@pytest.mark.parametrize("rid", IDS)
def test_added_red_flags_are_named_quoted_and_cost_points(rid: str) -> None:
    clean, expected = ADDED_FLAGS[rid]
    card = CARDS[rid, "redflags"]
    raised = {f.id: f.evidence for f in card.red_flags}
    for flag_id, sentence in expected.items():
        assert flag_id in raised, (flag_id, sorted(raised))
        assert sentence in raised[flag_id], raised[flag_id]
        assert raised[flag_id].strip("…") in " ".join(text(rid, "redflags").split())
    assert set(raised) == set(expected)
    assert card.score <= CARDS[rid, clean].score - 15, (card.score, CARDS[rid, clean].score)


SECOND_FLAGS = [  # a second batch of paraphrased red flags added to strong-prose, written after the fixes above
    ("teleop-flywheel", "no-time-sync", "we simply take the time when each message arrives at the server"),
    ("teleop-flywheel", "overwrites-datasets", "every new dataset replaces the previous one in the same place"),
    ("fleet-observability", "alerts-on-everything", "paged for each exception"),
    ("fleet-observability", "agent-blocks-control", "writes synchronously from the control loop"),
    ("multi-robot-data-format", "no-units-frames", "Units are left implicit"),
    ("multi-robot-data-format", "no-schema-version", "We do not keep a schema version in the files"),
    ("ota-policy-rollout", "short-canary", "The canary group runs for a few hours"),
    ("ota-policy-rollout", "no-signature", "without checking a signature"),
    ("reproducible-training-eval", "single-seed", "one seed per configuration is enough"),
    ("reproducible-training-eval", "mutable-latest", "whatever is currently in the shared data folder"),
    ("sim-rl-pipeline", "trusts-reward", "Once the mean reward is high"),
    ("sim-rl-pipeline", "no-seeds-configs", "We don't write down seeds or configs"),
]
SECOND_MISSES = {  # phrase lists miss these wordings; a denied concept only flags when no other sentence has it
    "no-time-sync": "no phrase for 'the time when a message arrives'",
    "overwrites-datasets": "'copy' in the same sentence counts as the `unless` escape",
    "alerts-on-everything": "no phrase for 'each exception'",
    "no-schema-version": "the answer credits schema versions elsewhere, so the denial does not flag",
    "no-signature": "the answer credits signing elsewhere, and 'without checking' is not a flag phrase",
    "no-seeds-configs": "the answer credits seeds and configs elsewhere, so the denial does not flag",
}


@pytest.mark.parametrize("rid,flag_id,sentence", [
    pytest.param(*case, marks=pytest.mark.xfail(reason=SECOND_MISSES[case[1]], strict=True))
    if case[1] in SECOND_MISSES else case for case in SECOND_FLAGS])
def test_paraphrased_red_flags(rid: str, flag_id: str, sentence: str) -> None:
    raised = {f.id: f.evidence for f in CARDS[rid, "redflags-2"].red_flags}
    assert flag_id in raised and sentence in raised[flag_id], raised


@pytest.mark.parametrize("rid", IDS)
def test_paraphrased_red_flags_never_raise_the_score(rid: str) -> None:
    assert CARDS[rid, "redflags-2"].score <= CARDS[rid, "strong-prose"].score


@pytest.mark.parametrize("rid", IDS)
def test_clean_answers_raise_no_flags(rid: str) -> None:
    for kind in (*STRONG, *MEDIUM, "weak", "wrong-prompt"):
        assert not CARDS[rid, kind].red_flags, (kind, [(f.id, f.evidence) for f in CARDS[rid, kind].red_flags])


# metamorphic -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("rid", IDS)
def test_repetition_order_and_asides_do_not_move_strong_answers(rid: str) -> None:
    aside = (DATA / "design" / rid / "offtopic.md").read_text()
    for kind in STRONG:
        answer, base = text(rid, kind), CARDS[rid, kind].score
        assert score(rid, answer + "\n\n" + answer).score == base
        # an aside can still share a few words with the prompt ("events ... aggregated offline"): a few points
        assert -8 <= score(rid, answer + "\n\n" + aside).score - base <= 5, kind
        lines = [s for s, heading in split_sentences(answer) if not heading]
        random.Random(7).shuffle(lines)
        assert abs(score(rid, "\n".join(f"- {s}" for s in lines)).score - base) <= 5, kind


@pytest.mark.parametrize("rid", IDS)
def test_appending_keywords_to_medium_gains_nothing(rid: str) -> None:
    for kind in MEDIUM:
        base = CARDS[rid, kind].score
        assert score(rid, text(rid, kind) + "\n\n" + text(rid, "keywords")).score <= base
        # filler sentences still name concepts (0.15 each), but they also drag the prose share down
        assert score(rid, text(rid, kind) + "\n\n" + text(rid, "keywords-filler")).score <= base + 3
