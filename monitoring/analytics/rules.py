"""Required and forbidden phrases (必说语 / 禁用语) on a call's transcript (DESIGN.md §9).

Pure computation: no ORM, no models, nothing downloaded. A ``PhraseRule`` is checked against the
timed segments stored on ``monitoring.models.Call.transcript`` (``[{"start", "end", "speaker",
"text"}]``; only ``start`` and ``text`` are guaranteed, see ``validate_transcript``).

How text is matched
    Text is normalised (NFKC, so full-width letters and digits become half-width; lower case;
    punctuation and symbols become spaces; apostrophes are dropped so "don't" reads "dont") and cut
    into words: Chinese with jieba (its dictionary ships in the package), English on word
    boundaries (jieba keeps a run of Latin letters or digits together). A phrase is cut the same
    way and must cover whole words of the segment: "shut up" is not found in "shutter", and a
    forbidden "不" is not found in "不客气" (a fixed expression, see ``FIXED_EXPRESSIONS``). Words
    are compared joined together — Chinese without a separator, a space only between two Latin
    words — so a Chinese phrase still matches where jieba cuts the same characters differently
    ("为您服务" vs "为 您 服务"), as long as the match starts and ends on word boundaries.

    ``threshold`` is a rapidfuzz ``fuzz.ratio`` (0–100) between the phrase and the best run of
    whole words in the segment: 100 means the exact words, 85 lets one character in nine differ
    ("您好很高兴为你服务" for "您好，很高兴为您服务").

Synonyms
    ``phrases`` is a flat list of alternatives: any one of them satisfies a required rule (and any
    one breaks a forbidden rule), so a phrase's synonyms are simply further entries ("您好",
    "你好"). Two phrases that must *both* be said (a greeting and an identity check) are two rules.

Windows
    ``window=("start", n)`` looks at segments that overlap the first n seconds (they start at or
    before n); ``("end", n)`` at segments that overlap the last n seconds of the call (they end at
    or after duration − n); ``None`` at the whole call. The call's duration defaults to the end of
    its last segment.

Speakers
    ``speaker="agent"`` or ``"customer"`` only looks at segments with that speaker; a segment
    without a speaker counts only for ``"any"`` (it cannot be attributed to either side).
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Literal

import jieba
from rapidfuzz import fuzz

Kind = Literal["required", "forbidden"]
Speaker = Literal["agent", "customer", "any"]
Window = tuple[Literal["start", "end"], float] | None

KINDS = ("required", "forbidden")
SPEAKERS = ("agent", "customer", "any")
WINDOW_EDGES = ("start", "end")

# Set expressions jieba's dictionary lacks, whose leading negation is not a negation: without them
# "不客气" is cut "不 / 客气" and a forbidden "不" would fire on every polite reply.
FIXED_EXPRESSIONS = ("不客气", "不用客气", "不谢", "没事儿")

_APOSTROPHES = re.compile(r"['’‘`´]")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")

_tokenizer: jieba.Tokenizer | None = None
_tokenizer_lock = threading.Lock()


def _jieba() -> jieba.Tokenizer:
    """A private, quietly initialised jieba tokenizer (the global one is left untouched)."""
    global _tokenizer
    if _tokenizer is None:
        with _tokenizer_lock:
            if _tokenizer is None:
                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                for word in FIXED_EXPRESSIONS:
                    tokenizer.add_word(word)
                _tokenizer = tokenizer
    return _tokenizer


def normalise(text: str) -> str:
    """NFKC (full-width → half-width), lower case, punctuation and symbols → spaces."""
    text = _APOSTROPHES.sub("", unicodedata.normalize("NFKC", text or "").lower())
    kept = (" " if unicodedata.category(ch)[0] in "PSZC" else ch for ch in text)
    return " ".join("".join(kept).split())


@lru_cache(maxsize=8192)
def tokens(text: str) -> tuple[str, ...]:
    """The words of ``text`` after ``normalise``: Chinese cut by jieba, other scripts on spaces."""
    clean = normalise(text)
    if not clean:
        return ()
    if not _CJK.search(clean):
        return tuple(clean.split())
    return tuple(tok for tok in _jieba().lcut(clean) if tok.strip())


def _is_latin(token: str) -> bool:
    return not _CJK.search(token)


@dataclass(frozen=True)
class _Joined:
    """Words joined for matching, with the character offsets where each word starts and ends."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]


def _join(words: Sequence[str]) -> _Joined:
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for i, word in enumerate(words):
        if i and _is_latin(words[i - 1]) and _is_latin(word):
            parts.append(" ")
            pos += 1
        starts.append(pos)
        parts.append(word)
        pos += len(word)
        ends.append(pos)
    return _Joined("".join(parts), tuple(starts), tuple(ends))


def _join_text(words: Sequence[str]) -> str:
    return _join(words).text


@lru_cache(maxsize=8192)
def _phrase_key(phrase: str) -> str:
    return _join_text(tokens(phrase))


def _find(phrase_key: str, words: tuple[str, ...], threshold: int) -> tuple[str, float] | None:
    """The run of whole words in ``words`` that best matches ``phrase_key``, with its score."""
    if not phrase_key or not words:
        return None
    joined = _join(words)
    if threshold >= 100:
        starts, ends = set(joined.starts), set(joined.ends)
        at = joined.text.find(phrase_key)
        while at != -1:
            if at in starts and at + len(phrase_key) in ends:
                return phrase_key, 100.0
            at = joined.text.find(phrase_key, at + 1)
        return None
    # Fuzzy: every run of whole words up to twice the phrase's length, best fuzz.ratio wins.
    best: tuple[str, float] | None = None
    limit = 2 * len(phrase_key)
    for i in range(len(words)):
        for j in range(i + 1, len(words) + 1):
            span = joined.text[joined.starts[i] : joined.ends[j - 1]]
            if len(span) > limit:
                break
            score = fuzz.ratio(phrase_key, span, score_cutoff=threshold)
            if score and (best is None or score > best[1]):
                best = (span, score)
                if score >= 100:
                    return best
    return best


@dataclass(frozen=True)
class PhraseRule:
    """One required or forbidden phrase rule (a line of business holds several).

    ``phrases``: alternatives, any one counts (synonyms are further entries). ``speaker``: whose
    segments are searched. ``window``: ``("start", n)``, ``("end", n)`` or ``None`` (whole call).
    ``threshold``: rapidfuzz ratio 0–100 a match must reach; 100 = the exact words.
    """

    code: str
    kind: Kind
    phrases: tuple[str, ...]
    speaker: Speaker = "any"
    window: Window = None
    threshold: int = 100

    def __post_init__(self) -> None:
        phrases = (self.phrases,) if isinstance(self.phrases, str) else tuple(self.phrases)
        object.__setattr__(self, "phrases", phrases)
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")
        if self.speaker not in SPEAKERS:
            raise ValueError(f"speaker must be one of {SPEAKERS}, not {self.speaker!r}")
        if not phrases or not all(isinstance(p, str) and tokens(p) for p in phrases):
            raise ValueError("every phrase must have at least one word")
        if not 0 <= self.threshold <= 100:
            raise ValueError(f"threshold must be 0–100, not {self.threshold!r}")
        if self.window is not None:
            edge, seconds = self.window
            if edge not in WINDOW_EDGES or not float(seconds) >= 0:
                raise ValueError(f"window must be None or ('start'|'end', seconds >= 0), not {self.window!r}")
            object.__setattr__(self, "window", (edge, float(seconds)))


@dataclass(frozen=True)
class Hit:
    """Evidence of a phrase found: the segment (times for ▶), what was said and what matched."""

    segment: int  # index in the transcript
    start: float
    end: float
    speaker: str
    text: str  # the segment as transcribed
    phrase: str  # the rule's phrase that matched
    matched: str  # the words of the segment that matched it (normalised)
    score: float  # rapidfuzz ratio, 100 for the exact words


@dataclass(frozen=True)
class RuleResult:
    """A rule on one call. ``window`` is the span searched (seconds), kept as evidence of a miss."""

    code: str
    kind: Kind
    passed: bool
    window: tuple[float, float]
    hits: tuple[Hit, ...] = field(default=())

    @property
    def evidence(self) -> tuple[Hit, ...] | tuple[float, float]:
        """The hits when there are any, otherwise the window searched."""
        return self.hits or self.window

    def as_dict(self) -> dict:
        """JSON-ready (for storing beside the call)."""
        data = asdict(self)
        data["window"] = list(self.window)
        data["hits"] = [asdict(hit) for hit in self.hits]
        return data


def _time(value, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _segments(transcript: Iterable[dict] | None) -> list[tuple[int, float, float, str, str]]:
    rows = []
    for i, seg in enumerate(transcript or ()):
        start = _time(seg.get("start"), 0.0)
        end = max(start, _time(seg.get("end"), start))
        speaker = str(seg.get("speaker") or "").strip().lower()
        rows.append((i, start, end, speaker, str(seg.get("text") or "")))
    return sorted(rows, key=lambda row: (row[1], row[0]))


def search_window(window: Window, duration: float) -> tuple[float, float]:
    """The seconds a rule looks at on a call of ``duration`` seconds."""
    if window is None:
        return (0.0, duration)
    edge, seconds = window
    if edge == "start":
        return (0.0, min(seconds, duration))
    return (max(0.0, duration - seconds), duration)


def evaluate(rule: PhraseRule, transcript: Iterable[dict] | None, duration: float | None = None) -> RuleResult:
    """Check one rule on one transcript.

    Required: passed when any phrase is found in a segment of the rule's speaker inside the window;
    the evidence is the earliest such segment, or on a miss the window searched. Forbidden: passed
    when none is found; the evidence is every hit (one per segment and phrase).
    """
    segments = _segments(transcript)
    if duration is None:
        duration = max((end for _, _, end, _, _ in segments), default=0.0)
    lo, hi = search_window(rule.window, float(duration))
    keys = [(phrase, _phrase_key(phrase)) for phrase in rule.phrases]
    hits: list[Hit] = []
    for index, start, end, speaker, text in segments:
        if rule.speaker != "any" and speaker != rule.speaker:
            continue
        if rule.window is not None and (start > hi or end < lo):
            continue
        words = tokens(text)
        found = []
        for phrase, key in keys:
            match = _find(key, words, rule.threshold)
            if match:
                found.append(Hit(index, start, end, speaker, text, phrase, match[0], round(match[1], 1)))
        if rule.kind == "required" and found:
            best = max(found, key=lambda hit: hit.score)
            return RuleResult(rule.code, rule.kind, True, (lo, hi), (best,))
        hits.extend(found)
    if rule.kind == "required":
        return RuleResult(rule.code, rule.kind, False, (lo, hi))
    return RuleResult(rule.code, rule.kind, not hits, (lo, hi), tuple(hits))


def evaluate_all(
    rules: Iterable[PhraseRule], transcript: Iterable[dict] | None, duration: float | None = None
) -> list[RuleResult]:
    """Every rule on one transcript, in the rules' order."""
    transcript = list(transcript or ())
    return [evaluate(rule, transcript, duration) for rule in rules]
