"""The narration script: one line of selling copy per shot, in zh or en, fitted to the shot.

Lines come from the phrase bank (catwalk.media.phrasebank) filled with the profile's sure
facts, or, when a copywriter is given (catwalk.media.copy_llm), from an OpenAI-compatible
model whose answer is checked and, if it fails any check, replaced by the phrase bank's.
Same (profile, shots, language, seed) → same script; another seed → other wording.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from catwalk.errors import FieldError
from catwalk.media import phrasebank
from catwalk.media.copy_facts import Facts, facts, has_anything, unsupported
from catwalk.v1 import tags_pb2

LANGUAGES = ("en", "zh")
# Typical narration pace: ad and documentary voice-over in English runs ~150–160 words a
# minute (2.6 words/s); Mandarin broadcast and livestream-shopping narration ~240–260
# characters a minute (4.2 chars/s). Slower than conversation, so a TTS voice at rate 1.0 fits.
SPEAKING_RATE: dict[str, float] = {"en": 2.6, "zh": 4.2}
COMMA_PAUSE_S = 0.2  # a breath at , ， 、 ; : — and the like
SENTENCE_PAUSE_S = 0.4  # between sentences (. ! ? 。！？), not after the last
LEAD_IN_S = 0.3  # the line starts this long after its shot does
TAIL_S = 0.4  # and ends at least this long before the shot ends
MIN_SHOT_S = 1.2  # shorter shots get no line
LATIN_WORD_CHARS = 1.5  # in zh text a latin word ("T恤", "V领") takes about 1.5 characters' time

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z]+)?")
_COMMA = re.compile(r"[,，、;；:：—]")
_END = re.compile(r"[.!?。！？]+")


class ScriptError(FieldError):
    """Input the script writer refuses; `field` names it ("shots", "shots[3].duration_s",
    "language", "profile")."""


class CopyFailed(Exception):
    """A copywriter could not give usable lines; the message says why."""


@dataclass(frozen=True)
class ShotBudget:
    """A shot that gets a line: its index in the plan, its type, and the longest the line
    may take to say."""

    shot_index: int
    shot_type: str
    max_s: float


@dataclass(frozen=True)
class CopyBrief:
    """What a copywriter is told: the language, the profile's facts and the shots' budgets."""

    language: str
    facts: list[str]
    shots: list[ShotBudget]
    speaking_rate: float


class Copywriter(Protocol):
    def write(self, brief: CopyBrief) -> list[str]:
        """One line per brief.shots entry, in order; raises CopyFailed."""
        ...


class PlannedShotLike(Protocol):
    @property
    def shot_type(self) -> str: ...
    @property
    def duration_s(self) -> float: ...


@dataclass(frozen=True)
class ScriptLine:
    shot_index: int
    text: str
    start_s: float
    estimated_s: float


@dataclass(frozen=True)
class Script:
    language: str
    lines: list[ScriptLine]
    source: str  # "phrase_bank" or "llm"
    speaking_rate: float
    fallback_reason: str = field(default="")  # why a copywriter's lines were not used


def estimate_seconds(text: str, language: str) -> float:
    """How long `text` takes to say at the language's rate: words for en, CJK characters
    (latin words at LATIN_WORD_CHARS each) for zh, plus pauses at commas and sentence ends."""
    if language not in SPEAKING_RATE:
        raise ScriptError("language", f"unknown language {language!r}; one of {', '.join(LANGUAGES)}")
    cjk = len(_CJK.findall(text))
    words = len(_WORD.findall(_CJK.sub(" ", text)))
    if language == "zh":
        speech = (cjk + LATIN_WORD_CHARS * words) / SPEAKING_RATE["zh"]
    else:  # a stray CJK character still takes a zh syllable's time
        speech = words / SPEAKING_RATE["en"] + cjk / SPEAKING_RATE["zh"]
    body = text.strip().rstrip(".!?。！？ ")
    pauses = COMMA_PAUSE_S * len(_COMMA.findall(body)) + SENTENCE_PAUSE_S * len(_END.findall(body))
    return round(speech + pauses, 3)


def angle_of(shot_type: str) -> str:
    """The angle a shot type is narrated from (shot types of the dictionary, and a few others)."""
    s = shot_type.lower()
    for keys, angle in ((("detail", "close"), "detail"), (("walk", "runway"), "movement"),
                        (("turn", "back", "spin"), "back"), (("pose", "seat", "sit", "styl"), "styling"),
                        (("full", "body", "wide"), "silhouette")):
        if any(k in s for k in keys):
            return angle
    return "general"


def budgets(shots: Sequence[PlannedShotLike]) -> tuple[list[ShotBudget], list[float]]:
    """The shots that get a line with their budgets, and every shot's start in the video."""
    if not shots:
        raise ScriptError("shots", "no shots to narrate")
    starts, t, out = [], 0.0, []
    for i, shot in enumerate(shots):
        d = float(shot.duration_s)
        if not math.isfinite(d) or d <= 0:
            raise ScriptError(f"shots[{i}].duration_s", f"must be a positive number of seconds, got {d}")
        starts.append(t)
        if d >= MIN_SHOT_S:
            out.append(ShotBudget(i, shot.shot_type, round(d - LEAD_IN_S - TAIL_S, 3)))
        t += d
    return out, starts


def resolve_language(profile: tags_pb2.ProductProfile, language: str) -> str:
    """zh or en; empty → the profile's language when it is one of them, else en."""
    if not language:
        return profile.language if profile.language in LANGUAGES else "en"
    if language not in LANGUAGES:
        raise ScriptError("language", f"unknown language {language!r}; one of {', '.join(LANGUAGES)}")
    return language


def write_script(profile: tags_pb2.ProductProfile, shots: Sequence[PlannedShotLike], language: str, seed: int,
                 copywriter: Copywriter | None = None) -> Script:
    language = resolve_language(profile, language)
    plan, starts = budgets(shots)
    if not has_anything(profile, language):
        raise ScriptError("profile", f"nothing to say: the profile has no category and no {language} selling points")
    f = facts(profile, language)
    rate = SPEAKING_RATE[language]
    reason = ""
    if copywriter is not None and plan:
        try:
            texts = copywriter.write(CopyBrief(language, f.describe(), plan, rate))
            check_lines(texts, plan, language, profile)
            lines = [ScriptLine(b.shot_index, t.strip(), round(starts[b.shot_index] + LEAD_IN_S, 3),
                                estimate_seconds(t, language)) for b, t in zip(plan, texts, strict=True)]
            return Script(language, lines, "llm", rate)
        except CopyFailed as e:
            reason = str(e)
    return Script(language, _phrase_bank(f, plan, starts, seed), "phrase_bank", rate, reason)


def check_lines(texts: object, plan: Sequence[ShotBudget], language: str,
                profile: tags_pb2.ProductProfile | None = None) -> None:
    """A copywriter's lines are usable: one string per shot, each fits its budget, none
    repeated, in the language's script, and (given the profile) none speaks of a garment,
    material, colour, season or pockets the profile lacks. Raises CopyFailed naming the first
    problem."""
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        raise CopyFailed("the answer is not a list of strings")
    if len(texts) != len(plan):
        raise CopyFailed(f"asked for {len(plan)} lines, got {len(texts)}")
    seen: set[str] = set()
    for b, text in zip(plan, texts, strict=True):
        text = text.strip()
        if not text:
            raise CopyFailed(f"the line for shot {b.shot_index} is empty")
        if text in seen:
            raise CopyFailed(f"the line for shot {b.shot_index} repeats an earlier one")
        seen.add(text)
        cjk = len(_CJK.findall(text))
        latin = sum(len(w) for w in _WORD.findall(text))
        if language == "zh" and cjk < latin:
            raise CopyFailed(f"the line for shot {b.shot_index} is not Chinese: {text!r}")
        if language == "en" and (cjk or not latin):
            raise CopyFailed(f"the line for shot {b.shot_index} is not English: {text!r}")
        invented = unsupported(profile, text, language) if profile is not None else ""
        if invented:
            raise CopyFailed(f"the line for shot {b.shot_index} speaks of {invented!r}, which the profile does not say")
        took = estimate_seconds(text, language)
        if took > b.max_s:
            raise CopyFailed(f"the line for shot {b.shot_index} takes {took:.1f} s, the shot allows {b.max_s:.1f} s")


RICH_POOL = 0.8  # wordings at least this share of the richest fitting one are all fair picks
TEMPLATE_POOL = 3  # the richest of the first few usable templates (in seeded order) is said


@dataclass
class _Said:
    """What a video has said so far, so nothing is said twice."""

    texts: set[str] = field(default_factory=set)
    openings: set[str] = field(default_factory=set)
    templates: set[tuple[str, str]] = field(default_factory=set)
    points: set[int] = field(default_factory=set)


def _phrase_bank(f: Facts, plan: list[ShotBudget], starts: list[float], seed: int) -> list[ScriptLine]:
    rng = random.Random(f"catwalk-script:{seed}")
    said = _Said()
    lines: list[ScriptLine] = []
    for n, b in enumerate(plan):
        angle = "closing" if n == len(plan) - 1 else "opening" if n == 0 else angle_of(b.shot_type)
        candidates = [(angle, t) for t in _shuffled(phrasebank.templates(f.language, angle), rng)]
        if angle not in ("opening", "closing"):  # when an angle runs dry, general copy fills in
            candidates += [("general", t) for t in _shuffled(phrasebank.templates(f.language, "general"), rng)]
        chosen = _choose(f, candidates, angle, b.max_s, said, rng, strict=True) \
            or _choose(f, candidates, angle, b.max_s, said, rng, strict=False)
        if chosen is None:
            continue  # nothing short enough for this shot: it goes unnarrated
        a, took, v = chosen
        said.texts.add(v.text)
        said.openings.add(_opening(v.text, f.language))
        said.templates.add((a, v.template))
        if v.point is not None:
            said.points.add(v.point)
        lines.append(ScriptLine(b.shot_index, v.text, round(starts[b.shot_index] + LEAD_IN_S, 3), took))
    return lines


def _choose(f: Facts, candidates: list[tuple[str, phrasebank.Template]], angle: str, max_s: float, said: _Said,
            rng: random.Random, strict: bool) -> tuple[str, float, phrasebank.Variant] | None:
    """A rich wording that fits `max_s` from the first usable templates. Strict: no
    template, opening phrase or text said before; relaxed: only no text said before."""
    pool: list[tuple[str, float, phrasebank.Variant]] = []
    usable = 0
    for a, template in candidates:
        if strict and (a, template.key) in said.templates:
            continue
        fitting: dict[tuple[int, int | None, bool], tuple[str, float, phrasebank.Variant]] = {}
        for v in phrasebank.render(template, f, phrasebank.point_order(f, angle, said.points)):
            took = estimate_seconds(v.text, f.language)
            if took > max_s or v.text in said.texts:
                continue
            if strict and _opening(v.text, f.language) in said.openings:
                continue
            if v.shape not in fitting or took > fitting[v.shape][1]:
                fitting[v.shape] = (a, took, v)  # a sentence with the richest noun phrase that fits
        if fitting:
            pool += fitting.values()
            usable += 1
            if usable == TEMPLATE_POOL:
                break
    if not pool:
        return None
    richest = max(took for _, took, _ in pool)
    fair = sorted((c for c in pool if c[1] >= RICH_POOL * richest), key=lambda c: (-c[1], c[2].text))
    return rng.choice(fair)


def _shuffled(items: Sequence[phrasebank.Template], rng: random.Random) -> list[phrasebank.Template]:
    out = list(items)
    rng.shuffle(out)
    return out


def _opening(text: str, language: str) -> str:
    """How a line starts: its first two words (en) or characters (zh)."""
    if language == "zh":
        return text[:2]
    return " ".join(w.lower() for w in _WORD.findall(text)[:2])
