"""The deterministic scorer: calibration order on every prompt, resistance to gaming, and its text machinery."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach import rubric, scoring
from coach.model import Robot
from coach.scorecard import ScoreCard
from coach.text import phrase_key, split_sentences, stem

from conftest import DATA, child_env

RUBRICS = rubric.load_all(Path(__file__).resolve().parents[1] / "rubrics")
IDS = sorted(RUBRICS)
KINDS = ("strong", "medium", "weak", "keywords", "offtopic", "redflags")
EXPECTED_FLAGS = {
    "teleop-flywheel": {"trains-on-everything": "We train on everything we collect",
                        "overwrites-datasets": "we overwrite the dataset in place",
                        "streams-raw-live": "Every robot streams all raw camera video live",
                        "no-time-sync": "We use the arrival time at the server",
                        "judged-by-loss": "we judge each policy by its validation loss"},
    "fleet-observability": {"streams-all-raw": "Every robot streams all raw camera and lidar data live",
                            "no-offline-buffer": "When a robot goes offline, its data is simply dropped",
                            "unbounded-labels": "We add the episode id and the request id as labels",
                            "alerts-on-everything": "We page the on-call engineer on every error",
                            "ssh-debugging": "an engineer can SSH into the robot"},
    "multi-robot-data-format": {"fixed-vector": "Each step is one flat vector of 32 numbers",
                                "discards-raw": "After conversion we delete the raw rosbag files",
                                "file-per-frame": "We store each frame as individual JPEG files",
                                "shared-normalization": "We compute one set of normalization statistics",
                                "folder-schema": "The schema is simply the folder structure"},
    "ota-policy-rollout": {"whole-fleet-at-once": "we push the new policy to all robots at once",
                           "deletes-previous": "the update deletes the previous model",
                           "no-signature": "over plain HTTP without verification",
                           "short-canary": "The canary runs for an hour",
                           "mid-task-update": "the policy is swapped mid task"},
    "sim-rl-pipeline": {"cpu-sim-copies": "The simulator runs on the CPU",
                        "zero-shot-hope": "There is no need for domain randomization",
                        "eval-on-train": "We evaluate the policy on the same terrains",
                        "trusts-reward": "When the reward curve converges"},
    "reproducible-training-eval": {"seed-equals-reproducible": "We set the seed in every script",
                                   "mutable-latest": "Training jobs always read the latest dataset folder",
                                   "eval-on-train-scenes": "We evaluate each policy on the training scenes",
                                   "cross-day": "We compare each new policy against the numbers reported",
                                   "test-set-selection": "We pick the best checkpoint based on the final test"},
}


def text(rid: str, kind: str) -> str:
    return (DATA / "design" / rid / f"{kind}.md").read_text()


def score(rid: str, answer: str) -> ScoreCard:
    return scoring.score(RUBRICS[rid], answer)


CARDS = {(rid, kind): score(rid, text(rid, kind)) for rid in IDS for kind in KINDS}


def keywords(rid: str) -> list[str]:
    body = text(rid, "keywords").split(":", 1)[-1]
    return [k.strip(" .\n") for k in re.split(r"[,\n]", body) if k.strip(" .\n")]


# calibration -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("rid", IDS)
def test_calibration_order(rid: str) -> None:
    s = {kind: CARDS[rid, kind].score for kind in KINDS}
    assert s["strong"] > s["medium"] > s["weak"] > s["offtopic"], s
    assert s["strong"] >= 80 and s["strong"] >= s["weak"] + 30, s
    assert s["keywords"] < 0.5 * s["strong"] and s["keywords"] < s["medium"], s
    assert s["offtopic"] <= 5, s


@pytest.mark.parametrize("rid", IDS)
def test_red_flags_cost_points_and_quote_their_sentence(rid: str) -> None:
    card = CARDS[rid, "redflags"]
    raised = {f.id: f for f in card.red_flags}
    for flag_id, sentence in EXPECTED_FLAGS[rid].items():
        assert flag_id in raised, f"{flag_id} not raised; got {sorted(raised)}"
        assert sentence in raised[flag_id].evidence, raised[flag_id].evidence
        assert raised[flag_id].message == next(f.why for f in RUBRICS[rid].red_flags if f.id == flag_id)
    assert card.penalty == min(30, 10 * len(card.red_flags))
    cleaned = text(rid, "redflags")
    for flag in card.red_flags:
        cleaned = cleaned.replace(flag.evidence, "")
    without = score(rid, cleaned)
    assert not without.red_flags
    assert card.score < without.score
    assert card.score < CARDS[rid, "medium"].score


@pytest.mark.parametrize("rid", IDS)
def test_strong_answers_raise_no_false_flags(rid: str) -> None:
    for kind in ("strong", "medium"):
        assert not CARDS[rid, kind].red_flags, (kind, CARDS[rid, kind].red_flags)


# gaming --------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("rid", IDS)
def test_stuffing_in_sentences_does_not_pay(rid: str) -> None:
    strong, medium = CARDS[rid, "strong"].score, CARDS[rid, "medium"].score
    kws = keywords(rid)
    variants = {
        "bullets": "\n".join(f"- {k}" for k in kws),
        "we-use": "\n".join(f"We use {k}." for k in kws),
        "because-good": " ".join(f"We use {k} because it is good and reliable." for k in kws),
        "boilerplate": " ".join(f"We use {k} for the robot data in the cloud." for k in kws),
        "and-chains": " ".join(f"We use {a} and {b} and {c} together."
                               for a, b, c in zip(kws[::3], kws[1::3], kws[2::3])),
    }
    for name, answer in variants.items():
        got = score(rid, answer).score
        assert got < 0.5 * strong and got < medium, (name, got, strong, medium)


@pytest.mark.parametrize("rid", IDS)
def test_repetition_and_appended_lists_earn_nothing(rid: str) -> None:
    medium, strong = text(rid, "medium"), text(rid, "strong")
    paragraph = medium.split("\n\n")[0]
    base = score(rid, medium).score
    assert score(rid, medium + ("\n\n" + paragraph) * 5).score <= base
    assert score(rid, "\n\n".join([medium] * 5)).score == base
    assert score(rid, strong + "\n\n" + strong).score == CARDS[rid, "strong"].score
    assert score(rid, medium + "\n\n" + text(rid, "keywords")).score <= base
    assert score(rid, strong + "\n\n" + text(rid, "offtopic")).score >= CARDS[rid, "strong"].score - 2


@pytest.mark.parametrize("rid", IDS)
def test_sentence_order_barely_matters(rid: str) -> None:
    sentences = [s for s, heading in split_sentences(text(rid, "strong")) if not heading]
    random.Random(7).shuffle(sentences)
    assert abs(score(rid, " ".join(sentences)).score - CARDS[rid, "strong"].score) <= 5


def test_scores_are_deterministic_to_the_byte() -> None:
    answer = text("teleop-flywheel", "medium")
    first = json.dumps(score("teleop-flywheel", answer).to_dict(), sort_keys=True)
    assert first == json.dumps(score("teleop-flywheel", answer).to_dict(), sort_keys=True)
    probe = ("import json, sys; from pathlib import Path; from coach import rubric, scoring; "
             "r = rubric.load(Path('rubrics/teleop-flywheel.yaml')); "
             "print(json.dumps(scoring.score(r, sys.stdin.read()).to_dict(), sort_keys=True))")
    other = subprocess.run([sys.executable, "-c", probe], input=answer, capture_output=True, text=True, check=True,
                           env=child_env(PYTHONHASHSEED="123"), cwd=Path(__file__).resolve().parents[1])
    assert other.stdout.strip() == first


def test_a_prepared_rubric_kept_as_plain_data_scores_the_same() -> None:
    import marshal

    for rid in IDS:
        kept = scoring.Prepared.from_plain(marshal.loads(marshal.dumps(scoring.prepare(RUBRICS[rid]).plain())))
        assert kept is not None
        for kind in KINDS:
            assert scoring.score(RUBRICS[rid], text(rid, kind), kept) == CARDS[rid, kind], (rid, kind)
    for damaged in (None, (), ("x", frozenset()), (({}, set(), {}, {}), ["not", "frozen"]), 42):
        assert scoring.Prepared.from_plain(damaged) is None


# credit levels -------------------------------------------------------------------------------------------------------
def credit(rid: str, answer: str, concept: str) -> float:
    for c in score(rid, answer).criteria:
        for h in c.hits:
            if h.concept == concept:
                return h.credit
    return 0.0


def test_bare_elaborated_justified() -> None:
    rid = "teleop-flywheel"
    assert credit(rid, "We use MCAP.", "time-split-files") == 0.15
    assert credit(rid, "MCAP, checksums, S3, PTP.", "time-split-files") == 0.0  # a list earns nothing
    elaborated = "The recorder writes MCAP files on the robot's local disk during each shift."
    assert credit(rid, elaborated, "time-split-files") == 0.5
    justified = "The recorder splits MCAP files every 2 minutes so a crash loses at most one chunk of the episode."
    assert credit(rid, justified, "time-split-files") == 1.0
    hollow = "We use MCAP because it is good and reliable."
    assert credit(rid, hollow, "time-split-files") == 0.15
    follow_up = elaborated + " That way a power cut in the middle of a shift only loses the open file."
    assert credit(rid, follow_up, "time-split-files") == 1.0
    unrelated_next = elaborated + " Operators label success with a pedal because labels drift over long days."
    assert credit(rid, unrelated_next, "time-split-files") == 0.5


def test_negation_removes_credit_and_raises_flags() -> None:
    rid = "teleop-flywheel"
    said = "Robots keep timestamps from PTP-synchronised clocks so frames and joints line up within a millisecond."
    denied = "Robots do not need timestamps from PTP-synchronised clocks, since frames and joints line up anyway."
    assert credit(rid, said, "time-sync") == 1.0
    assert credit(rid, denied, "time-sync") == 0.0
    flags = {f.id: f.evidence for f in score(rid, denied).red_flags}
    assert "no-time-sync" in flags and "do not need timestamps" in flags["no-time-sync"]
    assert credit(rid, "We record not only timestamps but also clock offsets for every camera stream.", "time-sync") > 0
    assert not score(rid, "Raw video is not streamed live to the cloud; robots upload when docked.").red_flags


def test_synonyms_and_word_forms_earn_the_same_credit() -> None:
    rid = "teleop-flywheel"
    a = "If the link drops we resume the multipart upload from the last part, so nothing is sent twice."
    b = "If the link drops we resumed the multi-part uploads from the last part, so nothing is sent twice."
    assert credit(rid, a, "resumable-upload") == credit(rid, b, "resumable-upload") == 1.0
    plain = "We step the parallel environments of the quadruped course, so each batch covers many terrains."
    order = "We step the environments of the quadruped course in parallel, so each batch covers many terrains."
    assert credit("sim-rl-pipeline", plain, "parallel-envs") == credit("sim-rl-pipeline", order, "parallel-envs") == 1
    typo = "Every recording passes validaton and bad ones go to quarantine, so broken recordings never reach training."
    assert credit(rid, typo, "validation") == 1.0


@pytest.mark.parametrize("rid", IDS)
def test_each_red_flag_fires_on_its_sentence_and_not_on_its_denial(rid: str) -> None:
    for flag_id, (fires, calm) in FLAG_SENTENCES[rid].items():
        assert flag_id in {f.id for f in score(rid, fires).red_flags}, (flag_id, fires)
        assert flag_id not in {f.id for f in score(rid, calm).red_flags}, (flag_id, calm)
    assert set(FLAG_SENTENCES[rid]) == {f.id for f in RUBRICS[rid].red_flags}, "every flag needs a sentence here"


FLAG_SENTENCES: dict[str, dict[str, tuple[str, str]]] = {
    "teleop-flywheel": {
        "trains-on-everything": ("We train on everything the robots record.",
                                 "We train only on validated, successful episodes."),
        "overwrites-datasets": ("We overwrite the dataset in place each night.",
                                "We never overwrite a dataset; each change creates a new version."),
        "streams-raw-live": ("Robots stream all camera video live to the cloud.",
                             "Robots upload raw video when docked and stream only a low resolution preview live."),
        "no-time-sync": ("We use the server arrival time as the timestamp.",
                         "We never use arrival time as the timestamp; header stamps come from PTP clocks."),
        "judged-by-loss": ("We ship the policy when the validation loss goes down.",
                           "Validation loss alone is not enough, so we run real trials before we ship."),
        "ignores-privacy": ("Privacy is out of scope for now.", "Faces are blurred on site for privacy."),
        "no-versioning": ("We do not version datasets.", "Every dataset version is immutable."),
    },
    "fleet-observability": {
        "streams-all-raw": ("Every robot streams all sensor data continuously to the cloud.",
                            "Robots stream metrics continuously and raw sensor data only in snapshots around an "
                            "incident."),
        "no-offline-buffer": ("When a robot is offline its metrics are dropped.",
                              "When a robot is offline its metrics are buffered on disk and sent later."),
        "unbounded-labels": ("Each metric gets the episode id as a label.",
                             "Episode ids go into log fields, not metric labels."),
        "agent-blocks-control": ("The metrics agent runs synchronously inside the control loop.",
                                 "The metrics agent runs in a separate process and never blocks the control loop."),
        "no-version-tags": ("We don't tag metrics with the software version.",
                            "Every metric is tagged with the software version."),
        "alerts-on-everything": ("We page the on-call engineer on every error.",
                                 "We page on SLO burn and file a ticket for every error."),
        "ssh-debugging": ("Engineers SSH into the robot to debug problems.",
                          "SSH into a robot is a last resort for emergencies."),
    },
    "multi-robot-data-format": {
        "fixed-vector": ("Every step is a flat vector of 64 floats.",
                         "Every step is a flat vector of named features with a mask."),
        "discards-raw": ("We delete the raw rosbags after conversion.",
                         "We move the raw rosbags to cold storage after conversion."),
        "no-units-frames": ("Units and frames are implicit.", "Units and frames are recorded in the action spec."),
        "no-schema-version": ("There is no schema version.", "Every file has a schema version."),
        "file-per-frame": ("Each frame is saved as individual PNG files.",
                           "Frames are encoded as MP4 instead of individual images."),
        "shared-normalization": ("We normalize with global statistics over the whole dataset.",
                                 "We normalize with statistics per embodiment."),
        "folder-schema": ("The folder structure is the schema.",
                          "The schema lives in a metadata file, not in folder names."),
    },
    "ota-policy-rollout": {
        "whole-fleet-at-once": ("We push the policy to the entire fleet at once.",
                                "We push to the entire fleet in waves after a canary."),
        "deletes-previous": ("The update deletes the previous version.",
                             "The update keeps the previous version and deletes it after probation."),
        "no-signature": ("Robots install unsigned artifacts.", "Robots install only signed artifacts."),
        "short-canary": ("The canary runs for an hour.", "The canary runs until it has 400 robot-hours."),
        "no-pinning": ("We don't pin robots to versions.", "Support can pin a robot to a version."),
        "sim-only": ("We release after sim only testing.", "We release after sim tests and real trials."),
        "mid-task-update": ("The new policy is swapped during a task.",
                            "The new policy is swapped only between tasks."),
    },
    "sim-rl-pipeline": {
        "cpu-sim-copies": ("We run the simulator on the CPU and copy observations to the GPU every step.",
                           "Observations stay on the GPU, so nothing is copied to the CPU every step."),
        "zero-shot-hope": ("We deploy the policy directly on the real robot.",
                           "We deploy directly on the real robot only after domain randomization and a gantry "
                           "test."),
        "eval-on-train": ("We evaluate on the training terrains.",
                          "We evaluate on held-out terrains, not the training terrains."),
        "trusts-reward": ("Once the reward curve converges the policy is ready.",
                          "A converged reward curve is not enough; the policy is ready after real trials."),
        "ignores-latency": ("Latency is negligible so we ignore it.", "We measure latency and randomize it."),
        "no-seeds-configs": ("We don't record seeds or configs.", "Every run records its seed and config."),
        "no-safety-harness": ("We test without a tether or e-stop.", "We test on a tether with an e-stop."),
    },
    "reproducible-training-eval": {
        "single-seed": ("We report the result of a single seed.",
                        "We report results over five seeds, never a single seed."),
        "seed-equals-reproducible": ("We fix the seed, so runs are reproducible.",
                                     "Fixing the seed is not enough for reproducible runs."),
        "mutable-latest": ("Jobs train on the latest dataset.",
                           "Jobs train on a pinned dataset manifest, never on the latest folder."),
        "eval-on-train-scenes": ("We evaluate on the training scenes.", "We evaluate on held-out scenes."),
        "cross-day": ("We compare against the number reported last month.",
                      "We compare against the baseline re-run in the same session."),
        "test-set-selection": ("We pick the checkpoint with the best real trials.",
                               "We pick the checkpoint on a validation set, before the real trials."),
    },
}


# relevance, length, modifiers ------------------------------------------------------------------------------------
def test_off_topic_and_short_answers_are_scaled_down() -> None:
    card = CARDS["teleop-flywheel", "offtopic"]
    assert card.modifiers.relevance < 1 and any("is this an answer to" in d for d in card.diagnostics)
    short = score("teleop-flywheel", "Robots record MCAP split every 2 minutes so a crash loses one chunk.")
    assert short.modifiers.length < 0.2 and short.score < 10
    assert CARDS["teleop-flywheel", "strong"].modifiers.length == 1.0


def test_arithmetic_reproduces_the_score() -> None:
    for card in CARDS.values():
        assert card.score == max(0, min(100, round(card.base * card.quality - card.penalty)))
        assert card.arithmetic.endswith(f"= {card.score}")


def test_json_shape_and_round_trip() -> None:
    card = CARDS["ota-policy-rollout", "redflags"]
    d = card.to_dict()
    assert {"prompt", "score", "criteria", "red_flags"} <= set(d)
    assert 0 <= d["score"] <= 100
    for c in d["criteria"]:
        assert {"id", "weight", "score", "evidence", "missing"} <= set(c) and 0 <= c["score"] <= 1
        assert all(isinstance(q, str) for q in c["evidence"])
    assert all(set(f) >= {"id", "message", "evidence"} for f in d["red_flags"])
    assert ScoreCard.from_dict(json.loads(json.dumps(d))) == card


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400), st.sampled_from(IDS))
def test_any_text_scores_within_bounds_and_round_trips(answer: str, rid: str) -> None:
    card = score(rid, answer)
    assert 0 <= card.score <= 100 and all(0 <= c.score <= 1 and 0 <= c.level <= 3 for c in card.criteria)
    assert ScoreCard.from_dict(json.loads(json.dumps(card.to_dict()))) == card


def test_evidence_is_quoted_from_the_answer() -> None:
    answer = text("teleop-flywheel", "strong")
    flat = " ".join(answer.split())
    for c in CARDS["teleop-flywheel", "strong"].criteria:
        for h in c.hits:
            assert h.quote.strip("…") in flat and len(h.quote) <= scoring.QUOTE_CHARS + 2


def test_scoring_module_stays_pure() -> None:
    probe = ("import sys, coach.scoring; "
             "print(sorted({'sqlite3','yaml','jinja2','rich','socket','subprocess'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=child_env())
    assert out.stdout.strip() == "[]"


# text machinery --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("word,expected", [
    ("caresses", "caress"), ("ponies", "poni"), ("agreed", "agre"), ("hopping", "hop"), ("generously", "generous"),
    ("consignment", "consign"), ("rolled", "roll"), ("rolling", "roll"), ("timestamps", "timestamp"),
    ("synchronization", "synchron"), ("validation", "valid"), ("evaluation", "evalu"), ("dying", "die"),
    ("added", "add"), ("intervals", "interval"), ("organization", "organiz"),
])
def test_word_forms_share_a_stem(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_british_spellings_meet_american_ones() -> None:
    assert stem("randomised") == stem("randomized") and stem("normalisation") == stem("normalization")
    assert stem("analysed") == stem("analyzed") and stem("otherwise") == "otherwis"


def test_sentences_join_wrapped_lines_and_split_bullets() -> None:
    got = split_sentences("## Scale\nWe record\nat 30 fps. Then we upload; later we convert.\n"
                          "- one bullet\n- two, e.g. this")
    assert got == [("Scale", True), ("We record at 30 fps.", False), ("Then we upload;", False),
                   ("later we convert.", False), ("one bullet", False), ("two, e.g. this", False)]


def test_phrase_keys() -> None:
    assert phrase_key("rolled back") == phrase_key("rolls back") == ("roll", "back")
    assert phrase_key("the") == () and phrase_key("at once") == ("at", "onc")
    assert phrase_key("dataset ~ version") == ("dataset", "~", "version")


def test_clarifying_questions_match_triggers() -> None:
    r = RUBRICS["teleop-flywheel"]
    fact, answer = scoring.clarify(r, "How many robots are in the fleet?")
    assert fact.id == "fleet" and "100 robots" in answer
    fact, answer = scoring.clarify(r, "what's the uplink bandwidth?", Robot.drone)
    assert fact.id == "bandwidth" and "landing pad" in answer
    assert scoring.clarify(r, "what colour are the robots?") is None


@pytest.mark.parametrize(("sentence", "concept"), [  # found by a user-test: a word in passing is not the concept
    ("Valid episodes are converted to LeRobotDataset v3 so that training reads one format.", "pipeline-metrics"),
    ("Clock skew corrupts the alignment of camera and joint streams, so every message carries its stamp.",
     "validation"),
])
def test_a_word_in_passing_does_not_credit_the_concept(sentence: str, concept: str) -> None:
    # (left as is: "trainable within 12 hours because operators iterate" still credits fleet size through
    # "operators"; phrases strict enough to stop it also stopped "50 robots with 10 teleoperators")
    _no_credit("teleop-flywheel", sentence, concept)
    said = {"pipeline-metrics": "We track the share of valid episodes per site, because calibration drift shows there.",
            "validation": "A validator rejects corrupt MCAP files before they reach the dataset."}[concept]
    assert concept in {h.concept for c in score("teleop-flywheel", said).criteria for h in c.hits}


@pytest.mark.parametrize(("rid", "sentence", "concept"), [  # from a second user-test
    ("ota-policy-rollout", "The canary phase runs for 48 hours and we abort automatically if falls exceed the threshold, "
     "because a fall can injure someone.", "key-compromise"),
    ("sim-rl-pipeline", "Out of scope for now: vision-based policies and manipulation.", "rendering"),
    ("teleop-flywheel", "Only valid episodes are shared with the training cluster because invalid ones waste GPU time.",
     "pipeline-metrics"),
    ("ota-policy-rollout", "If the crash rate crosses the threshold we halt the rollout and start a root cause analysis.",
     "key-compromise"),
    ("ota-policy-rollout", "The on-call role decides whether the fall-rate threshold was crossed.", "key-compromise"),
    ("sim-rl-pipeline", "Our vision for the pipeline is simple: thousands of environments on one GPU.", "rendering"),
    ("sim-rl-pipeline", "The long-term vision is a pipeline whose throughput doubles every quarter.", "rendering"),
])
def test_a_word_in_passing_does_not_credit_the_concept_elsewhere(rid: str, sentence: str, concept: str) -> None:
    _no_credit(rid, sentence, concept)


def _no_credit(rid: str, sentence: str, concept: str) -> None:
    hits = {h.concept for c in score(rid, sentence).criteria for h in c.hits}
    assert concept not in hits, hits


@pytest.mark.parametrize(("sentence", "concept"), [  # plain statements of the concept keep full credit
    ("We plan for 50 robots with 10 teleoperators, each working 8 hours a day.", "fleet-size"),
    ("100 arms and 25 operators on two shifts.", "fleet-size"),
    ("We track the fraction of valid episodes per site, because calibration drift shows up there first.",
     "pipeline-metrics"),
    ("Corrupt or truncated files are rejected before upload, so a bad episode never reaches training.",
     "validation"),
])
def test_plain_statements_of_a_concept_earn_it(sentence: str, concept: str) -> None:
    credit = {h.concept: h.credit for c in score("teleop-flywheel", sentence).criteria for h in c.hits}
    assert credit.get(concept, 0) >= 0.5, credit


@pytest.mark.parametrize(("rid", "sentence", "concept"), [  # correct statements a review wrote: they keep credit
    ("ota-policy-rollout", "Releases need a threshold of two signers, because one compromised laptop must not be able to "
     "ship firmware.", "key-compromise"),
    ("ota-policy-rollout", "We use a 2-of-3 threshold for the root role so that losing one key holder does not "
     "compromise the fleet.", "key-compromise"),
    ("sim-rl-pipeline", "A vision policy is ten times slower to train than a state policy because each environment has "
     "to draw its own frames.", "rendering"),
    ("sim-rl-pipeline", "Vision-in-the-loop training caps us at about 1,000 environments per GPU because image "
     "observations use most of the memory.", "rendering"),
])
def test_correct_statements_keep_their_credit(rid: str, sentence: str, concept: str) -> None:
    credit = {h.concept: h.credit for c in score(rid, sentence).criteria for h in c.hits}
    assert credit.get(concept, 0) >= 0.5, credit


def test_a_numbered_heading_is_not_a_measurement() -> None:
    markers = {h.marker for c in score("sim-rl-pipeline", "Deep dive 2, safe hardware testing: the robot runs on a "
                                                           "gantry with an e-stop.").criteria for h in c.hits}
    assert not any(m.startswith("number:") for m in markers), markers
    counted = {h.marker for c in score("sim-rl-pipeline", "We step 4096 environments in parallel on one GPU.").criteria
               for h in c.hits}
    assert 'number: "4096 environments"' in counted, "'step' here is a verb, and the count still counts"
