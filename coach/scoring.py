"""Score a written design answer against a Rubric: pure and deterministic (no I/O, clock, randomness or network).

Owns the scoring rules; the ScoreCard it returns is in scorecard.py, and the word-level analysis (sentences,
stems, phrase matching, negation) in text.py. Must not print, read files or touch the store. In short: a concept earns 0.15 when merely
named, 0.5 when a sentence says what it does, 1.0 when that sentence (or the next) also gives a reason or a
number with a unit; a criterion is min(1, credits / need); repeated sentences and template words count once;
list-like text, short answers and answers about another prompt are scaled down; each red flag costs 10 points
(at most 30).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from coach.scorecard import ConceptHit, CriterionScore, FlagHit, Missing, Modifiers, ScoreCard
from coach.text import (
    ARTICLES,
    FUNCTION,
    LINKS,
    REASON_STARTS,
    SEGMENT,
    TERMINATORS,
    TOKEN,
    Hits,
    PhraseIndex,
    breaks,
    is_content,
    live_starts,
    match_stem,
    quantity,
    split_sentences,
    stem,
    tokens,
)

if TYPE_CHECKING:
    from coach.model import Robot
    from coach.rubric import Clarification, Rubric


NAMED, ELABORATED, JUSTIFIED = 0.15, 0.5, 1.0
NAMED_CAP = 3 * NAMED  # bare mentions add up to at most three per criterion: naming more is not knowing more
LEVEL_NAMES = {NAMED: "named", ELABORATED: "elaborated", JUSTIFIED: "justified"}
QUOTE_CHARS = 140
MAX_PENALTY, FLAG_COST = 30, 10
OFF_TOPIC = 0.02  # score factor for an answer that is not about the prompt: near zero, never a gift
ANCHORED = 0.15  # share of sentences that must mention the prompt's subject (its anchors) to count as on topic
TOPICAL = (0.5, 0.78)  # share of the credited sentences' words that the prompt's material uses: off topic to on topic
ASIDE = 0.35  # a sentence with fewer of its words on the prompt is an aside: its mentions are only named
FRAME_SPAN, FRAMED = 5, 0.08  # template words sit in the first or last 5 words of 8%+ of the sentences
CAUSES = frozenset("since because otherwise if".split())  # a flag phrase in such a clause is a reason or a condition
MODALS = frozenset("would could might".split())  # "copying them every step would waste the GPU": a consequence
DENSE = 25.0  # concept hits per 100 words above which an answer "reads like a keyword list"


# sentences ---------------------------------------------------------------------------------------------------------
@dataclass(slots=True)
class _Sentence:
    raw: str
    words: list[str]
    starts: list[int]
    stems: list[str]
    question: bool
    statement: int = 0  # pieces of one sentence split at ";" share this number
    breaks: frozenset[int] = frozenset()  # token positions that follow a comma, colon or bracket
    list_like: bool = False
    prose_like: bool = False
    content: tuple[int, ...] = ()
    substance: int = 0
    justified_by: str = ""
    leads: bool = False
    budget: int = 2
    on_prompt: float = 1.0  # share of content words that the prompt's material also uses


def _matcher(rubric: Rubric, memo: dict[str, str]) -> PhraseIndex:
    """Every rubric phrase, keyed ("c", criterion, concept), ("f", flag, group), ("u", flag) or ("a",)."""
    index = PhraseIndex(memo)
    for ci, criterion in enumerate(rubric.criteria):
        for ki, concept in enumerate(criterion.concepts):
            for phrase in concept.phrases:
                index.add(("c", str(ci), str(ki)), phrase, loose=True)
    for fi, flag in enumerate(rubric.red_flags):
        for gi, group in enumerate(flag.all):
            for phrase in group:
                index.add(("f", str(fi), str(gi)), phrase)
        for phrase in flag.unless:
            index.add(("u", str(fi)), phrase)
    for phrase in rubric.anchors:
        index.add(("a",), phrase)
    return index


def _sentences(answer: str, matcher: PhraseIndex) -> tuple[list[_Sentence], int]:
    """The answer's statements, each once (repeats are counted), with typos mapped to rubric stems."""
    seen: set[tuple[str, ...]] = set()
    out: list[_Sentence] = []
    repeated, statement, joined = 0, 0, False
    for raw, heading in split_sentences(answer):
        toks = tokens(raw)
        statement += not joined
        joined = raw.rstrip().endswith(";")
        if heading or not toks:
            continue
        words = [t for t, _ in toks]
        stems = [matcher.canon(match_stem(w, matcher.memo)) for w in words]
        key = tuple(s for s, w in zip(stems, words) if w not in FUNCTION)
        if key in seen:
            repeated += 1
            continue
        seen.add(key)
        out.append(_Sentence(" ".join(raw.split()), words, [o for _, o in toks], stems, raw.rstrip().endswith("?"),
                             statement, breaks(raw, toks)))
    return out, repeated


# scoring ---------------------------------------------------------------------------------------------------------
class Prepared(NamedTuple):
    """What scoring needs from a rubric before it sees an answer: its phrases compiled to stems (the matcher,
    whose memo maps words to stems) and the stems of all its text (the lexicon). It depends on the rubric alone,
    so a caller may keep it as plain data (`plain`, `from_plain`) and skip half the work of scoring."""

    matcher: PhraseIndex
    lexicon: frozenset[str]

    def plain(self) -> tuple[Any, ...]:
        return self.matcher.plain(), self.lexicon

    @classmethod
    def from_plain(cls, value: Any) -> Prepared | None:
        """The Prepared kept by `plain`, or None for anything else (a missing or stale cache entry)."""
        try:
            matcher, lexicon = value
            if not isinstance(lexicon, frozenset):
                return None
            return cls(PhraseIndex.from_plain(matcher), lexicon)
        except (TypeError, ValueError):
            return None


def prepare(rubric: Rubric) -> Prepared:
    """Compile `rubric` for scoring (see Prepared)."""
    memo: dict[str, str] = {}  # word -> stem: rubric and answers repeat their words
    matcher = _matcher(rubric, memo)
    return Prepared(matcher, _lexicon(rubric, memo))


def score(rubric: Rubric, answer: str, prepared: Prepared | None = None) -> ScoreCard:
    """Score `answer` against `rubric`: same text, same rubric, same ScoreCard, byte for byte. `prepared` is
    `prepare(rubric)` done earlier (it gives the same card)."""
    matcher, lexicon = prepared or prepare(rubric)
    sentences, repeated = _sentences(answer, matcher)
    found = [matcher.find(s.words, s.stems) for s in sentences]
    seen_reasons: set[tuple[str, ...]] = set()
    common = _common(sentences)
    for sent, hits, frame in zip(sentences, found, _frames(sentences)):
        _features(sent, hits, common, seen_reasons, frame)
        used = [s in lexicon for w, s in zip(sent.words, sent.stems) if is_content(w)]
        sent.on_prompt = sum(used) / len(used) if used else 1.0
    best, negated = _credit(rubric, sentences, found)
    criteria = tuple(_criterion(rubric, ci, best) for ci in range(len(rubric.criteria)))
    flags = _flags(rubric, sentences, found, negated, best)
    mods, notes = _modifiers(rubric, sentences, found, criteria, lexicon, repeated)
    base = round(100 * sum(c.weight * c.score for c in criteria), 1)
    quality = round((0.4 + 0.6 * mods.prose_share) * mods.length * mods.relevance, 2)
    penalty = min(MAX_PENALTY, FLAG_COST * len(flags))
    final = max(0, min(100, round(base * quality - penalty)))
    return ScoreCard(rubric.id, final, base, quality, penalty, mods, criteria, flags, notes)


def _modifiers(rubric: Rubric, sentences: list[_Sentence], found: list[Hits], criteria: tuple[CriterionScore, ...],
               lexicon: frozenset[str], repeated: int) -> tuple[Modifiers, tuple[str, ...]]:
    """Prose share, length, relevance, density and repeats, with the notes that explain them."""
    words = sum(len(s.words) for s in sentences)
    # prose share and length count only sentences about the prompt (a concept or an anchor): an appended aside
    # must not turn a list into prose or a short answer into a long one
    topical = [s for s, hits in zip(sentences, found) if any(k[0] in "ca" for k in hits)]
    counted = sum(len(s.words) for s in topical)
    prose = sum(len(s.words) for s in topical if _is_prose(s))
    mentions = sum(1 for hits in found for k in hits if k[0] == "c")
    addressed = sum(1 for c in criteria if c.score > 0)
    anchored = sum(1 for hits in found if ("a",) in hits)
    # on topic: enough sentences name the prompt's subject (its anchors), else enough criteria are touched
    on_topic = anchored >= ANCHORED * len(sentences) if rubric.anchors else addressed >= len(criteria) / 3
    share, strays = _on_prompt(sentences, found, lexicon)
    mods = Modifiers(
        prose_share=round(prose / counted, 3) if counted else 0.0, length=round(min(1.0, counted / 80), 3),
        relevance=_relevance(share) if on_topic else OFF_TOPIC, words=words,
        density=round(100 * mentions / words, 1) if words else 0.0, repeated=repeated)
    return mods, _diagnostics(mods, rubric, on_topic, share, strays, counted)


def _lexicon(rubric: Rubric, memo: dict[str, str]) -> frozenset[str]:
    """Stems of every word in the prompt's own material: scenario, focus notes, facts, phases, probes, criteria,
    hints, phrases, red flags and the model outline."""
    texts = [rubric.title, rubric.scenario, *(t for _, t in rubric.robots), *rubric.anchors]
    texts += [t for c in rubric.clarifications for t in (c.answer, *(a for _, a in c.by_robot))]
    texts += [p.prompt for p in rubric.phases] + [p.question for p in rubric.probes]
    texts += [t for c in rubric.criteria for t in (c.name, *c.levels)]
    texts += [t for c in rubric.criteria for k in c.concepts for t in (k.hint, *k.phrases)]
    texts += [t for f in rubric.red_flags for t in (f.why, *f.unless, *(p for g in f.all for p in g))]
    texts += [t for o in rubric.outline for t in (o.title, *o.points)]
    words = {w for t in texts for w, _ in tokens(t)}
    return frozenset(match_stem(w, memo) for w in words if is_content(w))


def _on_prompt(sentences: list[_Sentence], found: list[Hits], lexicon: frozenset[str]) -> tuple[float, list[str]]:
    """The share of content words, in the sentences that mention a concept, that the prompt's material also uses,
    and the most frequent words it does not use. Sentences that mention no concept (an aside) do not count."""
    used = [(w, s) for sent, hits in zip(sentences, found) if any(k[0] == "c" for k in hits)
            for w, s in zip(sent.words, sent.stems) if is_content(w)]
    strays = Counter(w for w, s in used if s not in lexicon)
    share = 1 - sum(strays.values()) / len(used) if used else 1.0
    return share, [w for w, _ in sorted(strays.items(), key=lambda kv: (-kv[1], kv[0]))[:5]]


def _relevance(share: float) -> float:
    """From OFF_TOPIC at TOPICAL[0] up to 1 at TOPICAL[1]. A good answer to a neighbouring prompt shares the
    field's words ("version", "hash", "GPU") but not the question's."""
    lo, hi = TOPICAL
    return round(max(OFF_TOPIC, min(1.0, OFF_TOPIC + (1 - OFF_TOPIC) * (share - lo) / (hi - lo))), 3)


def _common(sentences: list[_Sentence]) -> frozenset[str]:
    """Stems in 30%+ of the sentences (and 4+): boilerplate such as "for the robot data" is not substance."""
    df: dict[str, int] = {}
    for sent in sentences:
        for s in set(sent.stems):
            df[s] = df.get(s, 0) + 1
    limit = max(4, 0.3 * len(sentences))
    return frozenset(s for s, n in df.items() if n >= limit)


def _frames(sentences: list[_Sentence]) -> list[frozenset[int]]:
    """Positions of template words: the same stem at the same distance from a sentence's start or end in 3+
    sentences (and FRAMED of them), such as "Of course X is part of the design". Rotating templates around
    keywords are how stuffing reads as prose; their words say nothing about X."""
    def slots(sent: _Sentence) -> list[tuple[tuple[str, int, str], int]]:
        n = len(sent.words)
        head = [(("^", q, sent.stems[q]), q) for q in range(min(FRAME_SPAN, n))]
        tail = [(("$", n - q, sent.stems[q]), q) for q in range(max(0, n - FRAME_SPAN), n)]
        return [(key, q) for key, q in head + tail if sent.words[q] not in FUNCTION]

    counts: dict[tuple[str, int, str], int] = {}
    for sent in sentences:
        for key in {key for key, _ in slots(sent)}:
            counts[key] = counts.get(key, 0) + 1
    limit = max(3, FRAMED * len(sentences))
    return [frozenset(q for key, q in slots(sent) if counts[key] >= limit) for sent in sentences]


def _features(sent: _Sentence, hits: Hits, common: frozenset[str], seen_reasons: set[tuple[str, ...]],
              frame: frozenset[int]) -> None:
    """Set list_like, prose_like, substance and what (if anything) justifies this sentence."""
    n = len(sent.words)
    fn = sum(1 for w in sent.words if w in FUNCTION)
    sent.content = tuple(q for q, (w, s) in enumerate(zip(sent.words, sent.stems))
                         if s not in common and q not in frame and is_content(w))
    consumed = {q for k, ms in hits.items() if k[0] == "c" for _, used in ms for q in used}
    sent.substance = sum(1 for q in sent.content if q not in consumed)
    # "A, B, C and D" or "A and B and C": three or more short items, or items with almost nothing around them
    segments = [k for k in (len(TOKEN.findall(seg.lower())) for seg in SEGMENT.split(sent.raw)) if k]
    # ...or a template around a keyword: "We use X because it is good." with nothing of its own
    sent.list_like = fn == 0 or (n >= 5 and fn / n < 0.1 and sent.substance < 4) or (
        len(segments) >= 3 and (sum(segments) / len(segments) <= 2.5 or sent.substance == 0)) or (
        bool(frame) and sent.substance == 0)
    sent.prose_like = not sent.list_like and n >= 7 and fn / n >= 0.25
    if sent.list_like:
        return
    reason, at = _reason(sent, hits, seen_reasons)
    sent.justified_by = reason or quantity(sent.words)
    sent.leads = bool(sent.justified_by) and (sent.words[0] in LINKS or (bool(reason) and at <= 1))


def _reason(sent: _Sentence, hits: Hits, seen: set[tuple[str, ...]]) -> tuple[str, int]:
    """(`reason: "so that"`, its position) when a marker is followed by 3+ new words of substance."""
    words, content = sent.words, set(sent.content)
    for m, word in enumerate(words):
        marker = next((r for r in REASON_STARTS.get(word, ()) if tuple(words[m:m + len(r)]) == r), None)
        if marker is None:
            continue
        before = {q for k, ms in hits.items() if k[0] == "c" for p, used in ms if p < m for q in used}
        clause = tuple(sent.stems[q] for q in range(m + len(marker), len(words)) if q in content and q not in before)
        if len(clause) >= 3 and clause not in seen:
            seen.add(clause)
            return f'reason: "{" ".join(marker)}"', m
    return "", -1


def _credit(rubric: Rubric, sentences: list[_Sentence], found: list[Hits]) -> tuple[
        dict[tuple[int, int], ConceptHit], dict[tuple[int, int], str]]:
    """Each concept keeps its best mention; a justifying sentence lifts at most two concepts; a mention in an
    aside (a sentence mostly about something else) is only named."""
    best: dict[tuple[int, int], ConceptHit] = {}
    negated: dict[tuple[int, int], str] = {}
    for i, (sent, hits) in enumerate(zip(sentences, found)):
        keys = sorted((k for k in hits if k[0] == "c"), key=lambda k: (min(p for p, _ in hits[k]), k))
        for key in keys:
            ck = (int(key[1]), int(key[2]))
            starts = live_starts(sent.words, hits[key])
            if not starts:
                negated.setdefault(ck, _quote(sent, hits[key][0][0]))
                continue
            own = {q for p, used in hits[key] if p in starts for q in used}
            credit, marker = _level(sentences, i, own, best.get(ck))
            if credit > NAMED and sent.on_prompt < ASIDE:
                credit, marker = NAMED, f"aside: {sent.on_prompt:.0%} of its words are about this prompt"
            if credit > (best[ck].credit if ck in best else -1):
                best[ck] = ConceptHit(rubric.criteria[ck[0]].concepts[ck[1]].id, credit,
                                      LEVEL_NAMES.get(credit, "listed"), _quote(sent, starts[0]), marker)
    return best, negated


def _level(sentences: list[_Sentence], i: int, own: set[int], current: ConceptHit | None) -> tuple[float, str]:
    """Named unless the sentence says something beyond the concept's own words; justified if it (or a next
    sentence that starts "This means..."/"Because...") gives a reason or a number."""
    sent = sentences[i]
    substance = sum(1 for q in sent.content if q not in own)
    if sent.list_like:
        return 0.0, "listed only"
    if not (substance >= 3 or (sent.prose_like and substance >= 2)):
        return NAMED, ""
    if sent.question or (current is not None and current.credit >= JUSTIFIED):
        return ELABORATED, ""
    for j, prefix in ((i, ""), (i + 1, "next sentence, ")):
        if j < len(sentences) and sentences[j].justified_by and sentences[j].budget > 0 and (
                j == i or sentences[j].leads):
            sentences[j].budget -= 1
            return JUSTIFIED, prefix + sentences[j].justified_by
    return ELABORATED, ""


def _criterion(rubric: Rubric, ci: int, best: dict[tuple[int, int], ConceptHit]) -> CriterionScore:
    c = rubric.criteria[ci]
    hits = tuple(best[(ci, ki)] for ki in range(len(c.concepts)) if (ci, ki) in best)
    named = min(NAMED_CAP, sum(h.credit for h in hits if h.credit == NAMED))
    total = min(1.0, (named + sum(h.credit for h in hits if h.credit > NAMED)) / c.need)
    level = 0 if total < 0.15 else 1 if total < 0.4 else 2 if total < 0.75 else 3
    missing = tuple(Missing(k.id, k.hint) for ki, k in enumerate(c.concepts)
                    if (ci, ki) not in best or best[(ci, ki)].credit == 0)
    return CriterionScore(c.id, c.name, c.weight, round(total, 3), level, hits, missing)


def _flags(rubric: Rubric, sentences: list[_Sentence], found: list[Hits], negated: dict[tuple[int, int], str],
           best: dict[tuple[int, int], ConceptHit]) -> tuple[FlagHit, ...]:
    """Red flags: phrase groups together in one statement (not cancelled by `unless`), or a denied concept that
    earned no credit anywhere else; each quotes the sentence that raised it."""
    concept_key = {k.id: (ci, ki) for ci, c in enumerate(rubric.criteria) for ki, k in enumerate(c.concepts)}
    out = []
    for fi, flag in enumerate(rubric.red_flags):
        # an `unless` phrase anywhere in the sentence counts, also across a ";" ("kept on the GPU; copying them
        # to the host every step would waste the speed")
        cancelled = {sent.statement for sent, hits in zip(sentences, found)
                     if ("u", str(fi)) in hits and live_starts(sent.words, hits[("u", str(fi))], alternatives=True)}
        evidence = next((sent.raw if len(sent.raw) <= 2 * QUOTE_CHARS else _quote(sent, 0)
                         for sent, hits in zip(sentences, found)
                         if sent.statement not in cancelled and _fires(fi, len(flag.all), sent, hits)), "")
        denied = (concept_key[cid] for cid in flag.negated)
        evidence = evidence or next((negated[ck] for ck in denied
                                     if ck in negated and (ck not in best or best[ck].credit == 0)), "")
        if evidence:
            out.append(FlagHit(flag.id, flag.why, evidence))
    return tuple(out)


def _fires(fi: int, groups: int, sent: _Sentence, hits: Hits) -> bool:
    """Every phrase group of flag fi matches, un-negated, in this statement, and not all of them argue against
    the practice: inside a "since"/"because"/"if" clause ("..., since millions of per-frame files make listing
    slow") or as the subject of "would" ("copying them to the host every step would waste the GPU")."""
    keys = [("f", str(fi), str(g)) for g in range(groups)]
    if not groups or sent.question or any(key not in hits for key in keys):
        return False
    # a flag phrase may carry its own cue ("latency doesn't matter", "we don't bother modelling the delay")
    owned = frozenset(q for key in keys for _, used in hits.get(key, []) for q in used)
    live = [live_starts(sent.words, hits.get(key, []), alternatives=True, owned=owned) for key in keys]
    return all(live) and any(not _in_cause(sent, p) and not _hypothetical(sent, p) for starts in live for p in starts)


def _in_cause(sent: _Sentence, p: int) -> bool:
    """Whether token p sits in a clause opened by "since", "because", "otherwise" or "if" (up to a comma)."""
    for q in range(p - 1, -1, -1):
        if q + 1 in sent.breaks:
            return False
        if sent.words[q] in CAUSES:
            return True
    return False


def _hypothetical(sent: _Sentence, p: int) -> bool:
    """Whether token p is followed, in its clause, by "would", "could" or "might"."""
    for q in range(p + 1, len(sent.words)):
        if q in sent.breaks or sent.words[q] in TERMINATORS:
            return False
        if sent.words[q] in MODALS:
            return True
    return False


def _is_prose(sent: _Sentence) -> bool:
    return sent.prose_like or (not sent.list_like and sent.substance >= 4)


def _diagnostics(mods: Modifiers, rubric: Rubric, on_topic: bool, share: float, strays: list[str],
                 counted: int) -> tuple[str, ...]:
    notes = []
    if mods.density > DENSE:
        notes.append(f"reads like a keyword list ({mods.density:g} concept mentions per 100 words): "
                     "say what each part does and why")
    if mods.prose_share < 0.6 and mods.words:
        notes.append(f"only {mods.prose_share:.0%} of the text is explanatory sentences: lists earn nothing")
    if mods.length < 1:
        notes.append(f"short answer ({counted} words on the topic): scores scale down below 80 words")
    if not on_topic:
        notes.append(f"few sentences are about the prompt: is this an answer to '{rubric.title}'?")
    elif mods.relevance < 1:
        notes.append(f"only {share:.0%} of the words around your concepts are about this prompt (answers to it use "
                     f"{TOPICAL[1]:.0%}+; not about it: {', '.join(strays)}): is this an answer to '{rubric.title}'?")
    if mods.repeated:
        notes.append(f"{mods.repeated} repeated sentence(s) counted once")
    return tuple(notes)


def _quote(sent: _Sentence, p: int) -> str:
    """The sentence, or about QUOTE_CHARS of it around token p."""
    text = sent.raw
    if len(text) <= QUOTE_CHARS:
        return text
    start = max(0, (sent.starts[p] if p < len(sent.starts) else 0) - 40)
    end = min(len(text), start + QUOTE_CHARS)
    start = max(0, end - QUOTE_CHARS)
    return ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")


def clarify(rubric: Rubric, question: str, robot: Robot | None = None) -> tuple[Clarification, str] | None:
    """The clarifying fact whose trigger best matches a typed question (every trigger word present, so "how many
    robots" needs all three), or None."""
    memo: dict[str, str] = {}
    asked = {stem(w, memo) for w, _ in tokens(question)}
    best: tuple[int, Clarification] | None = None
    for fact in rubric.clarifications:
        for trigger in fact.triggers:
            want = {stem(w, memo) for w, _ in tokens(trigger) if w not in ARTICLES}
            if want and want <= asked and (best is None or len(want) > best[0]):
                best = (len(want), fact)
    return (best[1], best[1].answer_for(robot)) if best else None
