"""MatchTemplates: which ready templates suit a product, best first, and why the others
were left out.

1. Candidates: ready templates of the asked shot types (all when none are asked).
2. Rules: each enabled rule is evaluated once per distinct combination of the template
   tags it reads (a few to a few hundred), not once per template; a failing block rule
   excludes, a failing penalise rule subtracts its weight. Unknown results pass (see rules.py).
3. Score = tag fit + visual fit - penalties. Tag fit adds FIT_WEIGHTS[dim] for each
   dimension where the product and template agree (season, style, occasion overlap; the
   scene the product asks for, or one that suits its occasions at half weight; a backdrop
   whose colours differ from the garment's so it stands out; model age group). Visual fit is
   VISUAL_WEIGHT * (1 - cosine distance) of the descriptors (pgvector's `<=>`), clipped to
   [0, 1]. Ties go to the smaller template id, so equal inputs give equal answers.

The work runs on a cached columnar snapshot of the library (index.py); only the `count`
chosen rows are read from the database.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from catwalk.library.dictionary import DimensionDef
from catwalk.library.index import MISSING, LibraryIndex, encode, library_index
from catwalk.library.rules import CompiledRule, RuleError, StoredRule, compile_rule, list_rules
from catwalk.library.schema import DESCRIPTOR_DIM, LibraryState
from catwalk.library.tags import Dictionary, InvalidTags, Tags, load_dictionary, validate_tags
from catwalk.library.templates import TemplateRecord, get_templates

MAX_COUNT = 1000
VISUAL_WEIGHT = 1.0
FIT_WEIGHTS = {"season": 1.0, "style": 1.0, "scene": 1.0, "occasion": 0.5, "backdrop_colour": 0.5,
               "age_group": 0.5}
SCENES_FOR_OCCASION = {
    "daily": ("room", "outdoor", "studio"), "work": ("office", "studio", "gradient"), "street": ("street", "outdoor"),
    "sport": ("outdoor", "studio"), "party": ("room", "runway", "gradient"), "vacation": ("beach", "outdoor"),
    "date": ("outdoor", "room"),
}


@dataclass
class Profile:
    tags: Tags
    descriptor: list[float] | None = None


@dataclass
class ScoreBreakdown:
    total: float
    tag_fit: float
    tag_matches: dict[str, float]  # dimension -> what it added (0 where both sides had it but disagreed)
    visual_fit: float
    penalties: dict[str, float]  # rule name -> weight subtracted


@dataclass
class Match:
    template: TemplateRecord
    breakdown: ScoreBreakdown


@dataclass
class Exclusion:
    template_id: str
    template_name: str
    rule: str
    reason: str


@dataclass
class MatchResult:
    matches: list[Match]
    exclusions: list[Exclusion]  # up to max_exclusions, in template id order; the first blocking rule by name
    excluded_by_rule: dict[str, int]  # exact: templates each block rule rejects (one may count under several)
    considered: int  # ready templates of the asked shot types
    skipped_rules: list[str] = field(default_factory=list)  # stored rules the current dictionary refuses


@dataclass
class _Rule:
    stored: StoredRule
    compiled: CompiledRule


_rules_lock = threading.Lock()
_rules_cache: dict[str, tuple[tuple[int, int], list[_Rule], list[str]]] = {}


def _rules(session: Session, version: int, dictionary: Dictionary) -> tuple[list[_Rule], list[str]]:
    key = session.get_bind().engine.url.render_as_string(hide_password=False)
    with _rules_lock:
        cached = _rules_cache.get(key)
    if cached is not None and cached[0] == (version, dictionary.version):
        return cached[1], cached[2]
    rules, skipped = [], []
    for stored in list_rules(session, enabled_only=True):
        try:
            rules.append(_Rule(stored, compile_rule(stored.expression, dictionary)))
        except RuleError:
            skipped.append(stored.name)
    with _rules_lock:
        _rules_cache[key] = ((version, dictionary.version), rules, skipped)
    return rules, skipped


def _mask(dictionary: Dictionary, dim: str, values: object) -> int:
    d = dictionary.dimension(dim)
    if d is None or values is None:
        return 0
    if d.kind == "one":  # a set of values of a one-value dimension, as bits
        items = values if isinstance(values, list | tuple) else [values]
        codes = (encode(dictionary, d, v) for v in items)
        return sum({1 << c for c in codes if c != MISSING})
    return max(encode(dictionary, d, values), 0)


def _tag_fit(index: LibraryIndex, dictionary: Dictionary, tags: Tags) -> dict[str, np.ndarray]:
    """Per dimension, what it adds to each template's score (only dimensions the product has)."""
    n = len(index)
    out: dict[str, np.ndarray] = {}
    for dim in ("season", "style", "occasion"):
        if dim in tags:
            codes = index.codes[dim]
            p = _mask(dictionary, dim, tags[dim])
            out[dim] = _weigh((codes != MISSING) & ((codes & p) != 0), FIT_WEIGHTS[dim])
    scene_bits = index.bits("scene")
    if "scene" in tags:
        wanted = _mask(dictionary, "scene", tags["scene"])
        out["scene"] = _weigh((scene_bits & wanted) != 0, FIT_WEIGHTS["scene"])
    elif "occasion" in tags:
        occasions = tags["occasion"] if isinstance(tags["occasion"], list) else []
        suited = sorted({s for o in occasions for s in SCENES_FOR_OCCASION.get(o, ())})
        if suited:
            p = _mask(dictionary, "scene", suited)
            out["scene"] = _weigh((scene_bits & p) != 0, FIT_WEIGHTS["scene"] / 2)
    if "colour_family" in tags:
        codes = index.codes["backdrop_colour"]
        p = _mask(dictionary, "backdrop_colour", tags["colour_family"])
        out["backdrop_colour"] = _weigh((codes != MISSING) & ((codes & p) == 0), FIT_WEIGHTS["backdrop_colour"])
    if "age_group" in tags:
        d = dictionary.dimension("model_age_group")
        if d is not None and tags["age_group"] in dictionary.values("model_age_group"):
            want = encode(dictionary, d, tags["age_group"])
            out["age_group"] = _weigh(index.codes["model_age_group"] == want, FIT_WEIGHTS["age_group"])
    return out if n else {}


def _weigh(hit: np.ndarray, weight: float) -> np.ndarray:
    """float32 scores (half the memory traffic of float64 over 100,000 rows)."""
    out = hit.astype(np.float32)
    out *= np.float32(weight)
    return out


def _num(x: np.floating) -> float:
    """A float32 score as a plain float without float32 noise (2.9999998 -> 3.0)."""
    return round(float(x), 5)


def _present(index: LibraryIndex, dim: str, rows: int) -> bool:
    """Whether the template side of a tag-fit dimension is known for this row."""
    source = {"age_group": "model_age_group"}.get(dim, dim)
    return bool(index.codes[source][rows] != MISSING)


def _check(dictionary: Dictionary, profile: Profile, shot_types: list[str], count: int, max_exclusions: int) -> None:
    if not 1 <= count <= MAX_COUNT:
        raise ValueError(f"count: {count} is outside 1..{MAX_COUNT}")
    if max_exclusions < 0:
        raise ValueError(f"max_exclusions: {max_exclusions} is negative")
    for i, shot in enumerate(shot_types):
        if not dictionary.is_value("shot_type", shot):
            raise ValueError(f"shot_types[{i}]: {shot!r} is not a shot type "
                             f"(known: {', '.join(dictionary.values('shot_type'))})")
    violations = validate_tags(dictionary, profile.tags, "product", prefix="profile.tags")
    if violations:
        raise InvalidTags(violations)
    if profile.descriptor is not None and len(profile.descriptor) != DESCRIPTOR_DIM:
        raise ValueError(f"profile.descriptor: expected {DESCRIPTOR_DIM} numbers, got {len(profile.descriptor)}")


def _show(tags: Tags, dims: tuple[DimensionDef, ...]) -> str:
    parts = []
    for d in dims:
        value = tags.get(d.name)
        if value is None:
            parts.append(f"{d.name}=false (missing)" if d.kind == "bool" else f"{d.name} missing")
        else:
            parts.append(f"{d.name}={'/'.join(value) if isinstance(value, list) else str(value).lower()}")
    return ", ".join(parts)


def match_templates(session: Session, dictionary: Dictionary, profile: Profile, shot_types: list[str], count: int,
                    max_exclusions: int = 100) -> MatchResult:
    """The `count` best ready templates for `profile`, with every exclusion explained.
    ValueError / InvalidTags name a bad argument."""
    _check(dictionary, profile, shot_types, count, max_exclusions)
    versions = select(LibraryState.templates_version, LibraryState.rules_version, LibraryState.dictionary_version)
    templates_version, rules_version, dictionary_version = session.execute(versions.where(LibraryState.id == 1)).one()
    if dictionary_version != dictionary.version:
        dictionary = load_dictionary(session, dictionary_version)
    index = library_index(session.get_bind().engine, templates_version, dictionary)
    rules, skipped = _rules(session, rules_version, dictionary)
    n = len(index)
    asked = _mask(dictionary, "shot_type", shot_types)
    mask = (index.bits("shot_type") & asked) != 0 if shot_types else np.ones(n, bool)
    tags = profile.tags
    excluded = np.zeros(n, bool)
    penalty = np.zeros(n, np.float32)
    fails: list[tuple[_Rule, np.ndarray]] = []
    for rule in rules:
        if rule.compiled.template_dims:
            inverse, combos = index.combos(rule.compiled.template_dims)
            outcome = np.array([rule.compiled.evaluate(tags, combo) is False for combo in combos], bool)
            fail = outcome[inverse] if combos else np.zeros(n, bool)
        else:
            fail = np.full(n, rule.compiled.evaluate(tags, {}) is False)
        fails.append((rule, fail))
        if rule.stored.severity == "block":
            excluded |= fail
        else:
            penalty[fail] += np.float32(rule.stored.weight)
    fit = _tag_fit(index, dictionary, tags)
    tag_fit = np.zeros(n, np.float32)
    for part in fit.values():
        tag_fit += part
    visual = np.zeros(n, np.float32)
    if profile.descriptor is not None and n:
        q = np.asarray(profile.descriptor, np.float32)
        norm = float(np.linalg.norm(q))
        if norm > 0:
            visual = index.descriptors @ (q / norm)
            np.clip(visual, 0.0, 1.0, out=visual)
            visual *= np.float32(VISUAL_WEIGHT) * index.has_descriptor
    total = tag_fit + visual - penalty
    candidates = np.flatnonzero(mask & ~excluded)
    if candidates.size > count:
        scores = total[candidates]
        threshold = np.partition(scores, candidates.size - count)[candidates.size - count]
        candidates = candidates[scores >= threshold]  # every tie at the threshold, then the id tie-break
    chosen = candidates[np.lexsort((candidates, -total[candidates]))][:count]
    records = {r.id: r for r in get_templates(session, [str(index.ids[i]) for i in chosen])}
    matches = []
    for i in chosen:
        record = records.get(str(index.ids[i]))
        if record is None:  # deleted since the snapshot was read
            continue
        breakdown = ScoreBreakdown(
            total=_num(total[i]), tag_fit=_num(tag_fit[i]),
            tag_matches={dim: _num(v[i]) for dim, v in fit.items() if _present(index, dim, int(i))},
            visual_fit=_num(visual[i]),
            penalties={r.stored.name: r.stored.weight for r, f in fails if r.stored.severity == "penalise" and f[i]})
        matches.append(Match(record, breakdown))
    blocks = [(r, f) for r, f in fails if r.stored.severity == "block"]
    excluded_by_rule = {r.stored.name: int(np.count_nonzero(f & mask)) for r, f in blocks}
    exclusions = []
    reasons: dict[tuple[str, int], str] = {}  # one wording per rule and combination of the tags it reads
    for i in np.flatnonzero(mask & excluded)[:max_exclusions]:
        rule = next(r for r, f in blocks if f[i])
        compiled = rule.compiled
        combo = int(index.combos(compiled.template_dims)[0][i]) if compiled.template_dims else 0
        reason = reasons.get((rule.stored.name, combo))
        if reason is None:
            reason = reasons[rule.stored.name, combo] = (
                f"{rule.stored.description or rule.stored.expression} "
                f"(template: {_show(index.tags_of(int(i), compiled.template_dims), compiled.template_dims)}; "
                f"product: {_show(tags, compiled.product_dims)})")
        exclusions.append(Exclusion(str(index.ids[i]), str(index.names[i]), rule.stored.name, reason))
    return MatchResult(matches, exclusions, excluded_by_rule, int(np.count_nonzero(mask)), skipped)
