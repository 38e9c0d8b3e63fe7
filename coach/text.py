"""Word-level text analysis for the design scorer: pure and deterministic (no I/O, clock, randomness or network).

Owns sentence splitting, tokens, Snowball stems, rubric phrases as stems and their matching (with typo tolerance),
NegEx-style negation and the word lists behind them. Knows nothing about rubrics, credit or scores; scoring.py
builds on it. Must not print, read files or touch the store.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

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
POST_NEGATION = frozenset("nothing none".split())  # "a retry overwrites nothing"
# a negation's scope ends at a contrast or a new clause ("if it does not work we change the reward")
TERMINATORS = frozenset("but however although though except instead yet whereas rather because since so which "
                        "while when unless if then we they you i".split())
NEGATION_WINDOW = 5  # content words a denial reaches back over (NegEx used 5-6 words)
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
LABELS = frozenset("dive part phase stage section option item chapter question figure".split())
LINKS = frozenset("this that these those it which so because since otherwise hence therefore thus it's that's "
                  "then".split())
BULLET = re.compile(r"^\s*(?:[-*+•>]+|\(?\d{1,2}[.)]|[a-z][.)])\s+")
TOKEN = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[a-z][a-z0-9]*(?:'[a-z]+)?|[%×→]")
BREAK = re.compile(r"[,:()]")
NUMBER = re.compile(r"^[0-9]+(?:[.,][0-9]+)*$")
SEGMENT = re.compile(r"[,;&+]|\b(?:and|or|plus)\b", re.I)
SPLIT = re.compile(r"(?<=[.!?;])\s+|(?<=[.!?;])$")
PROTECTED = "\u2024"  # one dot leader
ABBREV = re.compile(r"\b(e\.g|i\.e|etc|vs|approx|cf|incl|resp)\.", re.I)
FOLD = str.maketrans({"-": " ", "_": " ", "/": " ", "’": "'", "‘": "'", "`": " ", "*": " "})
SENSE_SUFFIXES = ((("er", "ers"), "er", "+er"), (("ive", "ives"), "iv", "+ive"))  # (word endings, stem ending, tag)
NEAR, LOOSE = 8, 3  # `a ~ b` within 8 words; a concept's two- or three-word phrase in any order within 3

Hits = dict[tuple[str, ...], list[tuple[int, set[int]]]]  # key -> (start, token positions) of each match
_Pattern = tuple[tuple[str, ...], tuple[tuple[str, ...], ...], int]  # key, parts, window for parts after the first


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


def match_stem(word: str, memo: dict[str, str] | None = None) -> str:
    """The stem phrases are matched on (`memo` keeps them): Snowball's, except that a word keeps a suffix that
    changes what it names: Snowball gives "exporter" the stem of "exported", "container" that of "contains",
    "engineer" that of "engine" and "objective" that of "object"."""
    if memo is not None and word in memo:
        return memo[word]
    s = stem(word)
    for endings, kept, tag in SENSE_SUFFIXES:
        if word.endswith(endings) and not s.endswith(kept):
            s += tag
            break
    if memo is not None:
        memo[word] = s
    return s


def is_content(word: str) -> bool:
    """A word that can carry meaning: not a function word, filler, number, unit or single letter."""
    return (word not in FUNCTION and word not in NUMBER_WORDS and word not in FILLER and word not in UNITS
            and len(word) > 1 and not NUMBER.match(word))


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


def breaks(sentence: str, toks: list[tuple[str, int]]) -> frozenset[int]:
    """Token positions that follow a comma, colon or bracket: where a clause can end."""
    return frozenset(q for q in range(1, len(toks)) if BREAK.search(sentence, toks[q - 1][1], toks[q][1]))


def quantity(words: list[str]) -> str:
    """`number: "50 trials"` for a number followed by a unit or a noun ("5 Mbps", "95 %", "3 cameras"), or p99."""
    for q, w in enumerate(words):
        nxt = words[q + 1] if q + 1 < len(words) else ""
        if re.fullmatch(r"p(50|9\d|99\d)", w):
            return f'number: "{w}"'
        if not (NUMBER.match(w) or w in NUMBER_WORDS) or not nxt:
            continue
        if nxt in UNITS or nxt == "%":
            return f'number: "{w} {nxt}"'
        # a spelled-out number before a noun is mostly a determiner ("one policy", "two different GPUs"), not a
        # measurement; digits before a noun are a count someone worked out ("50 trials", "4096 envs")
        yearish = bool(re.fullmatch(r"(19|20)\d\d", w))
        labelled = 0 < q <= 2 and words[q - 1] in LABELS  # a heading, "Deep dive 2, safe testing": a name
        if NUMBER.match(w) and not yearish and not labelled and nxt.isalpha() and nxt not in FUNCTION:
            return f'number: "{w} {nxt}"'
    return ""


# phrases ---------------------------------------------------------------------------------------------------------
def phrase_key(phrase: str, memo: dict[str, str] | None = None) -> tuple[str, ...]:
    """A rubric phrase as stems (`~` separates parts that must appear near each other); empty if nothing to match."""
    parts = phrase_parts(phrase, memo)[1]
    return tuple(s for i, part in enumerate(parts) for s in (("~",) if i else ()) + part)


def phrase_parts(phrase: str, memo: dict[str, str] | None) -> tuple[list[str], tuple[tuple[str, ...], ...]]:
    """(the words, the stems of each `~` part); no parts when there is nothing to match."""
    words = [TOKEN.findall(p.lower().translate(FOLD)) for p in phrase.split("~")]
    # one function word alone would match everywhere; a sequence of them ("at once") is specific enough
    if any(not w or (len(w) == 1 and w[0] in FUNCTION) for w in words):
        return [], ()
    return [t for w in words for t in w], tuple(tuple(match_stem(t, memo) for t in w) for w in words)


class PhraseIndex:
    """Phrases compiled to stems and indexed by their first stem; each phrase carries a key saying whose it is."""

    def __init__(self, memo: dict[str, str]) -> None:
        self.index: dict[str, list[_Pattern]] = {}
        self.vocab: set[str] = set()
        self.near: dict[str, str] = {}
        self.memo = memo

    def plain(self) -> tuple[Any, ...]:
        """The index as plain data (dicts, sets, tuples) for the parse cache."""
        return self.index, self.vocab, self.near, self.memo

    @classmethod
    def from_plain(cls, value: Any) -> PhraseIndex:
        """The index back from `plain()`; TypeError or ValueError if `value` has another shape."""
        index, vocab, near, memo = value
        if not (isinstance(index, dict) and isinstance(vocab, set) and isinstance(near, dict)
                and isinstance(memo, dict)):
            raise TypeError("not a phrase index")
        out = cls(memo)
        out.index, out.vocab, out.near = index, vocab, near
        return out

    def add(self, key: tuple[str, ...], phrase: str, loose: bool = False) -> None:
        """Index `phrase` under `key`; with `loose`, a plain phrase of 2-3 content words also matches in any order."""
        words, parts = phrase_parts(phrase, self.memo)
        if not parts:
            return
        for s in (s for part in parts for s in part if s not in self.vocab):
            self.vocab.add(s)
            if len(s) >= 7 and not any(ch.isdigit() for ch in s):
                for variant in _deletions(s):
                    self.near[variant] = min(s, self.near.get(variant, s))
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
        """The indexed stem a long answer stem is one edit away from (a typo), else the stem itself."""
        if s in self.vocab or len(s) < 7 or any(ch.isdigit() for ch in s):
            return s
        return next((self.near[v] for v in _deletions(s) if v in self.near), s)

    def find(self, words: list[str], stems: list[str]) -> Hits:
        """For each key, the (start, token positions) of its matches in one sentence."""
        found: Hits = {}
        for p, s in enumerate(stems):
            for key, parts, window in self.index.get(s, ()):
                used = _match_at(words, stems, p, parts[0])
                if used is None:
                    continue
                for part in parts[1:]:
                    extra = _near(words, stems, used, part, window)
                    if extra is None:
                        break
                    used |= extra
                else:
                    found.setdefault(key, []).append((min(used), used))
        return found


def _deletions(s: str) -> list[str]:
    return [s] + [s[:i] + s[i + 1:] for i in range(len(s))]


def _match_at(words: list[str], stems: list[str], p: int, part: tuple[str, ...]) -> set[int] | None:
    """Match `part` starting at token p; up to two function words may sit between its words."""
    used, i = {p}, p
    for want in part[1:]:
        i += 1
        skipped = 0
        while i < len(stems) and stems[i] != want and skipped < 2 and words[i] in FUNCTION \
                and words[i] not in NEGATION:
            i, skipped = i + 1, skipped + 1
        if i >= len(stems) or stems[i] != want:
            return None
        used.add(i)
    return used


def _near(words: list[str], stems: list[str], used: set[int], part: tuple[str, ...], window: int) -> set[int] | None:
    lo, hi = max(0, min(used) - window), min(len(stems), max(used) + window + 1)
    for q in range(lo, hi):
        if stems[q] == part[0] and q not in used:
            extra = _match_at(words, stems, q, part)
            if extra is not None and not extra & used:
                return extra
    return None


# negation --------------------------------------------------------------------------------------------------------
def live_starts(words: list[str], matches: list[tuple[int, set[int]]], alternatives: bool = False,
                owned: frozenset[int] = frozenset()) -> list[int]:
    """Starts of the matches that are not negated. A match inside a negated longer match ("no domain
    randomization" also contains "randomization") is negated with it. With `alternatives` (red flags), a match
    followed by "nothing" ("overwrites nothing") is negated too."""
    dead: set[int] = set()
    for p, used in matches:
        after = max(used) + 1
        if negated(words, p, alternatives, owned) or (
                alternatives and after < len(words) and words[after] in POST_NEGATION):
            dead |= used
    return [p for p, used in matches if not used & dead]


def negated(words: list[str], p: int, alternatives: bool = False, owned: frozenset[int] = frozenset()) -> bool:
    """NegEx-style: a negation cue within NEGATION_WINDOW content words before position p, with no terminator
    between. Small words are free, so a denial covers a coordinated list ("we never put the episode id or the
    request id in a label"). With `alternatives`, "instead of X" and "rather than X" also deny X (for red flags,
    not for credit: naming the alternative you rejected is a tradeoff). Cues at `owned` positions belong to a
    phrase that says the denial itself ("don't bother"), so they deny nothing else."""
    content = 0
    for q in range(p - 1, max(-1, p - 1 - 2 * NEGATION_WINDOW), -1):
        w = words[q]
        if alternatives and q > 0 and (words[q - 1], w) in (("instead", "of"), ("rather", "than")):
            return True
        if w in TERMINATORS:
            return False
        if w in NEGATION and q not in owned:
            nxt = words[q + 1] if q + 1 < len(words) else ""
            return nxt not in PSEUDO_NEGATION
        content += w not in FUNCTION
        if content >= NEGATION_WINDOW:
            return False
    return False
