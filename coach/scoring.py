"""Score a written design answer against a Rubric: pure and deterministic (no I/O, clock, randomness or network).

Owns the text analysis (sentences, Snowball stems, phrase matching, negation, justification cues) and the
ScoreCard. Must not print, read files or touch the store. In short: a concept earns
0.15 when merely named, 0.5 when a sentence says what it does, 1.0 when that sentence (or the next) also gives a
reason or a number with a unit; a criterion is min(1, credits / need); repeated sentences count once; list-like
text, short answers and off-topic answers are scaled down; each red flag costs 10 points (at most 30).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

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
DENSE = 25.0  # concept hits per 100 words above which an answer "reads like a keyword list"

FUNCTION = frozenset("""
a an the and or nor but if then else when while where which who whom whose what why how that this these those
is are was were be been being am do does did doing have has had having will would shall should can could may might
must i me my mine we us our ours you your he him his she her it its they them their theirs there here
of in on at to for with by from into onto over under about above below up down out off through during before after
between among against per via within without as than so such too very just only also not no never both either
neither all any some each every few more most less other own same several many much lot lots again once still yet
already even ever always often sometimes usually because since until unless though although however whereas
otherwise instead rather therefore thus hence let lets let's etc eg ie vs e g i don't doesn't didn't isn't
aren't wasn't weren't won't can't cannot couldn't shouldn't wouldn't we'll we'd we're we've it's that's there's
i'm i'll i'd you'd you'll they're they'll one's whether
""".split())
ARTICLES = frozenset("a an the is are do does there".split())
NUMBER_WORDS = frozenset("one two three four five six seven eight nine ten dozen hundred thousand million billion "
                         "half twice".split())
FILLER = frozenset("""good great better best nice scalable robust reliable efficient efficiently simple easy easily
fast quickly important key main various thing things stuff way ways make makes making made do done use uses used
using utilize utilise leverage handle handles handling need needs needed want wants able ensure ensures really
basically system systems solution solutions data pipeline pipelines component components service services platform
infrastructure tool tools approach approaches work works working like well new proper properly appropriate correct
correctly something everything anything stack layer process processing setup set get gets got go goes going help
helps allow allows provide provides support supports feature features modern standard optimal optimized powerful
flexible seamless seamlessly everywhere robustly super cool awesome""".split())
NEGATION = frozenset("no not never without skip skipping nor neither none nothing don't doesn't didn't isn't aren't "
                     "wasn't weren't won't can't cannot shouldn't wouldn't".split())
PSEUDO_NEGATION = frozenset("only just merely necessarily".split())
# a negation's scope ends at a contrast or a new clause ("if it does not work we change the reward")
TERMINATORS = frozenset("but however although though except instead yet whereas rather because since so which "
                        "while when unless if then we they you i".split())
NEGATION_WINDOW = 5  # words between a cue and the term it denies (NegEx used up to 5-6)
REASONS = tuple(tuple(m.split()) for m in (
    "so that", "in order to", "to avoid", "to prevent", "to keep", "to reduce", "to catch", "to limit", "to bound",
    "instead of", "rather than", "at the cost of", "which means", "this means", "that way", "trade off",
    "because", "since", "so", "therefore", "thus", "hence", "otherwise", "unless", "whereas", "but", "tradeoff",
    "tradeoffs", "if", "versus", "vs", "downside", "upside", "costs"))
REASON_STARTS: dict[str, list[tuple[str, ...]]] = {}
for _marker in sorted(REASONS, key=len, reverse=True):  # longest first: "so that" before "so"
    REASON_STARTS.setdefault(_marker[0], []).append(_marker)
UNITS = frozenset("""ms s sec secs second seconds min mins minute minutes h hr hrs hour hours day days week weeks month
months year years hz khz mhz ghz b kb mb gb tb pb kib mib gib tib byte bytes bit bits bps kbps mbps gbps fps percent
x k m times""".split())
LINKS = frozenset("this that these those it which so because since otherwise hence therefore thus it's that's "
                  "then".split())
BULLET = re.compile(r"^\s*(?:[-*+•>]+|\(?\d{1,2}[.)]|[a-z][.)])\s+")
TOKEN = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[a-z][a-z0-9]*(?:'[a-z]+)?|[%×→]")
NUMBER = re.compile(r"^[0-9]+(?:[.,][0-9]+)*$")
SEGMENT = re.compile(r"[,;&+]|\b(?:and|or|plus)\b", re.I)
SPLIT = re.compile(r"(?<=[.!?;])\s+|(?<=[.!?;])$")
PROTECTED = "\u2024"  # one dot leader
ABBREV = re.compile(r"\b(e\.g|i\.e|etc|vs|approx|cf|incl|resp)\.", re.I)
FOLD = str.maketrans({"-": " ", "_": " ", "/": " ", "’": "'", "‘": "'", "`": " ", "*": " "})


# stemming: Snowball English (PyStemmer), after folding British spellings ------------------------------------
_BRITISH = re.compile(r"(?<=[a-z]{3})([iy])s(ation|ations|ing|ed|es|e|er|ers)$")
_NOT_BRITISH = frozenset("otherwise promise promised exercise exercised compromise enterprise expertise premise "
                         "precise concise advertise franchise merchandise supervise supervised improvise surprise "
                         "surprised revise revised advise advised devise televise disguise paradise".split())


@functools.cache
def _stemmer() -> Any:
    import Stemmer  # PyStemmer: the Snowball algorithms in C, imported in about a millisecond

    return Stemmer.Stemmer("english")


def stem(word: str, memo: dict[str, str] | None = None) -> str:
    """The Snowball English stem after folding British -ise spellings to -ize ("randomised" meets "randomized"),
    so "rolled", "rolls" and "rolling" all give "roll"."""
    if memo is not None and word in memo:
        return memo[word]
    folded = word if word in _NOT_BRITISH else _BRITISH.sub(r"\1z\2", word)
    result = str(_stemmer().stemWord(folded))
    if memo is not None:
        memo[word] = result
    return result


# sentences and tokens --------------------------------------------------------------------------------------------
def split_sentences(text: str) -> list[tuple[str, bool]]:
    """(sentence, is_heading) pairs. Wrapped lines are joined; bullets, headings and blank lines start new ones."""
    # "e.g." must not end a sentence: its dots become a look-alike until the split is done
    text = ABBREV.sub(lambda m: m.group().replace(".", PROTECTED), unicodedata.normalize("NFKC", text))
    blocks: list[tuple[str, bool]] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            blocks.append((" ".join(current), False))
            current.clear()

    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or set(stripped) <= set("-=*_|#`>"):
            flush()
        elif stripped.startswith("#"):
            flush()
            blocks.append((stripped.lstrip("#").strip(), True))
        elif BULLET.match(line) or (current and current[-1][-1:] in ".!?;:"):
            flush()
            current.append(BULLET.sub("", line, count=1).strip())
        else:
            current.append(stripped)
    flush()
    out: list[tuple[str, bool]] = []
    for block, heading in blocks:
        out.extend((s.strip().replace(PROTECTED, "."), heading) for s in SPLIT.split(block) if s.strip())
    return out


def tokens(sentence: str) -> list[tuple[str, int]]:
    """(lower-case token, start offset) pairs; `-_/` separate words, so "e-stop" is "e stop"."""
    # arrows in terse notes mean "so": "-> upload when docked"; same length keeps offsets valid for quotes
    low = sentence.lower().replace("->", "→ ").replace("=>", "→ ").translate(FOLD)
    if len(low) != len(sentence):
        low = low[: len(sentence)]
    return [("so" if m.group() == "→" else m.group(), m.start()) for m in TOKEN.finditer(low)]


def phrase_key(phrase: str, memo: dict[str, str] | None = None) -> tuple[str, ...]:
    """A rubric phrase as stems (`~` separates parts that must appear near each other); empty if nothing to match."""
    parts = _phrase_parts(phrase, memo)[1]
    return tuple(s for i, part in enumerate(parts) for s in (("~",) if i else ()) + part)


def _phrase_parts(phrase: str, memo: dict[str, str] | None) -> tuple[list[str], tuple[tuple[str, ...], ...]]:
    """(the words, the stems of each `~` part); no parts when there is nothing to match."""
    words = [TOKEN.findall(p.lower().translate(FOLD)) for p in phrase.split("~")]
    # one function word alone would match everywhere; a sequence of them ("at once") is specific enough
    if any(not w or (len(w) == 1 and w[0] in FUNCTION) for w in words):
        return [], ()
    return [t for w in words for t in w], tuple(tuple(stem(t, memo) for t in w) for w in words)


# the ScoreCard ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ConceptHit:
    """The best mention of a concept: its credit, level, the sentence quoted and what lifted it."""

    concept: str
    credit: float
    level: str
    quote: str
    marker: str = ""


@dataclass(frozen=True, slots=True)
class Missing:
    concept: str
    hint: str


@dataclass(frozen=True, slots=True)
class CriterionScore:
    id: str
    name: str
    weight: float
    score: float
    level: int
    hits: tuple[ConceptHit, ...]
    missing: tuple[Missing, ...]


@dataclass(frozen=True, slots=True)
class FlagHit:
    id: str
    message: str
    evidence: str


@dataclass(frozen=True, slots=True)
class Modifiers:
    prose_share: float
    length: float
    relevance: float
    words: int
    density: float
    repeated: int


@dataclass(frozen=True, slots=True)
class ScoreCard:
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


# matching --------------------------------------------------------------------------------------------------------
@dataclass(slots=True)
class _Sentence:
    raw: str
    words: list[str]
    starts: list[int]
    stems: list[str]
    question: bool
    list_like: bool = False
    prose_like: bool = False
    content: tuple[int, ...] = ()
    substance: int = 0
    justified_by: str = ""
    leads: bool = False
    budget: int = 2


_Hits = dict[tuple[str, ...], list[tuple[int, set[int]]]]  # key -> (start, token positions) of each match
_Pattern = tuple[tuple[str, ...], tuple[tuple[str, ...], ...], int]  # key, parts, window for parts after the first
NEAR, LOOSE = 8, 3  # `a ~ b` within 8 words; a concept's two- or three-word phrase in any order within 3


class _Matcher:
    """Every rubric phrase compiled to stems and indexed by its first stem; keys say whose phrase it is."""

    def __init__(self, rubric: Rubric, memo: dict[str, str]) -> None:
        self.index: dict[str, list[_Pattern]] = {}
        self.vocab: set[str] = set()
        self.memo = memo
        for ci, criterion in enumerate(rubric.criteria):
            for ki, concept in enumerate(criterion.concepts):
                for phrase in concept.phrases:
                    self._add(("c", str(ci), str(ki)), phrase, loose=True)
        for fi, flag in enumerate(rubric.red_flags):
            for gi, group in enumerate(flag.all):
                for phrase in group:
                    self._add(("f", str(fi), str(gi)), phrase)
            for phrase in flag.unless:
                self._add(("u", str(fi)), phrase)
        for phrase in rubric.anchors:
            self._add(("a",), phrase)
        self.near: dict[str, str] = {}
        for s in sorted(self.vocab):
            if len(s) >= 7 and not any(ch.isdigit() for ch in s):
                for variant in _deletions(s):
                    self.near.setdefault(variant, s)

    def _add(self, key: tuple[str, ...], phrase: str, loose: bool = False) -> None:
        words, parts = _phrase_parts(phrase, self.memo)
        if not parts:
            return
        self.vocab.update(s for part in parts for s in part)
        self._index((key, parts, NEAR))
        # "parallel environments" should also meet "environments running in parallel": concept phrases of 2-3
        # content words also match in any order, close together (flags stay exact: they cost points)
        if loose and len(parts) == 1 and 2 <= len(words) <= 3 and not any(w in FUNCTION for w in words):
            self._index((key, tuple((s,) for s in parts[0]), LOOSE))

    def _index(self, pattern: _Pattern) -> None:
        entries = self.index.setdefault(pattern[1][0][0], [])
        if pattern not in entries:  # "buffer" and "buffers" stem alike: match once
            entries.append(pattern)

    def canon(self, s: str) -> str:
        """The rubric stem a long answer stem is one edit away from (a typo), else the stem itself."""
        if s in self.vocab or len(s) < 7 or any(ch.isdigit() for ch in s):
            return s
        return next((self.near[v] for v in _deletions(s) if v in self.near), s)

    def find(self, sent: _Sentence) -> _Hits:
        """For each key, the (start, token positions) of its matches in one sentence."""
        found: _Hits = {}
        for p, s in enumerate(sent.stems):
            for key, parts, window in self.index.get(s, ()):
                used = _match_at(sent, p, parts[0])
                if used is None:
                    continue
                for part in parts[1:]:
                    extra = _near(sent, used, part, window)
                    if extra is None:
                        break
                    used |= extra
                else:
                    found.setdefault(key, []).append((min(used), used))
        return found


def _deletions(s: str) -> list[str]:
    return [s] + [s[:i] + s[i + 1:] for i in range(len(s))]


def _match_at(sent: _Sentence, p: int, part: tuple[str, ...]) -> set[int] | None:
    """Match `part` starting at token p; up to two function words may sit between its words."""
    used, i = {p}, p
    for want in part[1:]:
        i += 1
        skipped = 0
        while i < len(sent.stems) and sent.stems[i] != want and skipped < 2 and sent.words[i] in FUNCTION \
                and sent.words[i] not in NEGATION:
            i, skipped = i + 1, skipped + 1
        if i >= len(sent.stems) or sent.stems[i] != want:
            return None
        used.add(i)
    return used


def _near(sent: _Sentence, used: set[int], part: tuple[str, ...], window: int) -> set[int] | None:
    lo, hi = max(0, min(used) - window), min(len(sent.stems), max(used) + window + 1)
    for q in range(lo, hi):
        if sent.stems[q] == part[0] and q not in used:
            extra = _match_at(sent, q, part)
            if extra is not None and not extra & used:
                return extra
    return None


def _live_starts(sent: _Sentence, matches: list[tuple[int, set[int]]], alternatives: bool = False) -> list[int]:
    """Starts of the matches that are not negated. A match inside a negated longer match ("no domain
    randomization" also contains "randomization") is negated with it."""
    dead: set[int] = set()
    for p, used in matches:
        if _negated(sent, p, alternatives):
            dead |= used
    return [p for p, used in matches if not used & dead]


def _negated(sent: _Sentence, p: int, alternatives: bool = False) -> bool:
    """NegEx-style: a negation cue in the NEGATION_WINDOW words before position p, with no terminator between.
    With `alternatives`, "instead of X" and "rather than X" also deny X (for red flags, not for credit: naming
    the alternative you rejected is a tradeoff)."""
    for q in range(p - 1, max(-1, p - 1 - NEGATION_WINDOW), -1):
        w = sent.words[q]
        if alternatives and q > 0 and (sent.words[q - 1], w) in (("instead", "of"), ("rather", "than")):
            return True
        if w in TERMINATORS:
            return False
        if w in NEGATION:
            nxt = sent.words[q + 1] if q + 1 < len(sent.words) else ""
            return nxt not in PSEUDO_NEGATION
    return False


# scoring ---------------------------------------------------------------------------------------------------------
def score(rubric: Rubric, answer: str) -> ScoreCard:
    """Score `answer` against `rubric`: same text, same rubric, same ScoreCard, byte for byte."""
    memo: dict[str, str] = {}  # word -> stem for this call: answers repeat their words
    matcher = _Matcher(rubric, memo)
    sentences, repeated = _sentences(answer, matcher)
    found = [matcher.find(s) for s in sentences]
    seen_reasons: set[tuple[str, ...]] = set()
    common = _common(sentences)
    for sent, hits in zip(sentences, found):
        _features(sent, hits, common, seen_reasons)
    best, negated = _credit(rubric, sentences, found)
    criteria = tuple(_criterion(rubric, ci, best) for ci in range(len(rubric.criteria)))
    flags = _flags(rubric, sentences, found, negated, best)
    words = sum(len(s.words) for s in sentences)
    prose = sum(len(s.words) for s in sentences if _is_prose(s))
    mentions = sum(1 for hits in found for k, v in hits.items() if k[0] == "c")
    addressed = sum(1 for c in criteria if c.score > 0)
    anchored = sum(1 for hits in found if ("a",) in hits)
    # on topic: enough sentences name the prompt's subject (its anchors), else enough criteria are touched
    on_topic = anchored >= ANCHORED * len(sentences) if rubric.anchors else addressed >= len(criteria) / 3
    mods = Modifiers(
        prose_share=round(prose / words, 3) if words else 0.0, length=round(min(1.0, words / 80), 3),
        relevance=1.0 if on_topic else OFF_TOPIC, words=words,
        density=round(100 * mentions / words, 1) if words else 0.0, repeated=repeated)
    base = round(100 * sum(c.weight * c.score for c in criteria), 1)
    quality = round((0.4 + 0.6 * mods.prose_share) * mods.length * mods.relevance, 2)
    penalty = min(MAX_PENALTY, FLAG_COST * len(flags))
    final = max(0, min(100, round(base * quality - penalty)))
    return ScoreCard(rubric.id, final, base, quality, penalty, mods, criteria, flags, _diagnostics(mods, rubric))


def _sentences(answer: str, matcher: _Matcher) -> tuple[list[_Sentence], int]:
    memo = matcher.memo
    seen: set[tuple[str, ...]] = set()
    out: list[_Sentence] = []
    repeated = 0
    for raw, heading in split_sentences(answer):
        toks = tokens(raw)
        if heading or not toks:
            continue
        words = [t for t, _ in toks]
        stems = [matcher.canon(stem(w, memo)) for w in words]
        key = tuple(s for s, w in zip(stems, words) if w not in FUNCTION)
        if key in seen:
            repeated += 1
            continue
        seen.add(key)
        out.append(_Sentence(" ".join(raw.split()), words, [o for _, o in toks], stems, raw.rstrip().endswith("?")))
    return out, repeated


def _is_content(word: str, s: str) -> bool:
    return (word not in FUNCTION and word not in NUMBER_WORDS and word not in FILLER and len(word) > 1
            and not NUMBER.match(word))


def _common(sentences: list[_Sentence]) -> frozenset[str]:
    """Stems in 30%+ of the sentences (and 4+): boilerplate such as "for the robot data" is not substance."""
    df: dict[str, int] = {}
    for sent in sentences:
        for s in set(sent.stems):
            df[s] = df.get(s, 0) + 1
    limit = max(4, 0.3 * len(sentences))
    return frozenset(s for s, n in df.items() if n >= limit)


def _features(sent: _Sentence, hits: _Hits, common: frozenset[str], seen_reasons: set[tuple[str, ...]]) -> None:
    """Set list_like, prose_like, substance and what (if anything) justifies this sentence."""
    n = len(sent.words)
    fn = sum(1 for w in sent.words if w in FUNCTION)
    sent.content = tuple(q for q, (w, s) in enumerate(zip(sent.words, sent.stems))
                         if s not in common and _is_content(w, s))
    consumed = {q for k, ms in hits.items() if k[0] == "c" for _, used in ms for q in used}
    sent.substance = sum(1 for q in sent.content if q not in consumed)
    # "A, B, C and D" or "A and B and C": three or more short items, or items with almost nothing around them
    segments = [k for k in (len(TOKEN.findall(seg.lower())) for seg in SEGMENT.split(sent.raw)) if k]
    sent.list_like = fn == 0 or (n >= 5 and fn / n < 0.1 and sent.substance < 4) or (
        len(segments) >= 3 and (sum(segments) / len(segments) <= 2.5 or sent.substance == 0))
    sent.prose_like = not sent.list_like and n >= 7 and fn / n >= 0.25
    if sent.list_like:
        return
    reason, at = _reason(sent, hits, seen_reasons)
    sent.justified_by = reason or _quantity(sent)
    sent.leads = bool(sent.justified_by) and (sent.words[0] in LINKS or (bool(reason) and at <= 1))


def _reason(sent: _Sentence, hits: _Hits, seen: set[tuple[str, ...]]) -> tuple[str, int]:
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


def _quantity(sent: _Sentence) -> str:
    """`number: "50 trials"` for a number followed by a unit or a noun ("5 Mbps", "95 %", "3 cameras"), or p99."""
    words = sent.words
    for q, w in enumerate(words):
        nxt = words[q + 1] if q + 1 < len(words) else ""
        if re.fullmatch(r"p(50|9\d|99\d)", w):
            return f'number: "{w}"'
        if not (NUMBER.match(w) or w in NUMBER_WORDS) or not nxt:
            continue
        yearish = bool(re.fullmatch(r"(19|20)\d\d", w))
        if nxt in UNITS or nxt == "%" or (not yearish and nxt.isalpha() and nxt not in FUNCTION):
            return f'number: "{w} {nxt}"'
    return ""


def _credit(rubric: Rubric, sentences: list[_Sentence], found: list[_Hits]) -> tuple[
        dict[tuple[int, int], ConceptHit], dict[tuple[int, int], str]]:
    """Each concept keeps its best mention; a justifying sentence lifts at most two concepts."""
    best: dict[tuple[int, int], ConceptHit] = {}
    negated: dict[tuple[int, int], str] = {}
    for i, (sent, hits) in enumerate(zip(sentences, found)):
        keys = sorted((k for k in hits if k[0] == "c"), key=lambda k: (min(p for p, _ in hits[k]), k))
        for key in keys:
            ck = (int(key[1]), int(key[2]))
            starts = _live_starts(sent, hits[key])
            if not starts:
                negated.setdefault(ck, _quote(sent, hits[key][0][0]))
                continue
            own = {q for p, used in hits[key] if p in starts for q in used}
            credit, marker = _level(sentences, i, own, best.get(ck))
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


def _flags(rubric: Rubric, sentences: list[_Sentence], found: list[_Hits], negated: dict[tuple[int, int], str],
           best: dict[tuple[int, int], ConceptHit]) -> tuple[FlagHit, ...]:
    """Red flags: phrase groups together in one statement (not cancelled by `unless`), or a denied concept that
    earned no credit anywhere else; each quotes the sentence that raised it."""
    concept_key = {k.id: (ci, ki) for ci, c in enumerate(rubric.criteria) for ki, k in enumerate(c.concepts)}
    out = []
    for fi, flag in enumerate(rubric.red_flags):
        evidence = next((sent.raw if len(sent.raw) <= 2 * QUOTE_CHARS else _quote(sent, 0)
                         for sent, hits in zip(sentences, found) if _fires(fi, len(flag.all), sent, hits)), "")
        denied = (concept_key[cid] for cid in flag.negated)
        evidence = evidence or next((negated[ck] for ck in denied
                                     if ck in negated and (ck not in best or best[ck].credit == 0)), "")
        if evidence:
            out.append(FlagHit(flag.id, flag.why, evidence))
    return tuple(out)


def _fires(fi: int, groups: int, sent: _Sentence, hits: _Hits) -> bool:
    """Every phrase group of flag fi matches, un-negated, in this statement, and none of its `unless` phrases."""
    def live(key: tuple[str, ...]) -> bool:
        return bool(_live_starts(sent, hits.get(key, []), alternatives=True))

    return bool(groups) and not sent.question and all(live(("f", str(fi), str(g))) for g in range(groups)) \
        and not live(("u", str(fi)))


def _is_prose(sent: _Sentence) -> bool:
    return sent.prose_like or (not sent.list_like and sent.substance >= 4)


def _diagnostics(mods: Modifiers, rubric: Rubric) -> tuple[str, ...]:
    notes = []
    if mods.density > DENSE:
        notes.append(f"reads like a keyword list ({mods.density:g} concept mentions per 100 words): "
                     "say what each part does and why")
    if mods.prose_share < 0.6 and mods.words:
        notes.append(f"only {mods.prose_share:.0%} of the text is explanatory sentences: lists earn nothing")
    if mods.length < 1:
        notes.append(f"short answer ({mods.words} words): scores scale down below 80 words")
    if mods.relevance < 1:
        notes.append(f"few criteria addressed: is this an answer to '{rubric.title}'?")
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
