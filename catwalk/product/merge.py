"""Merging the merchant's attributes, the text's reading and the photo's reading into one
product profile: per dimension the first source in `order` that speaks wins, sources that
agree raise its confidence, sources that disagree lower it and are reported as a
`Conflict` in plain words. Colours are compared by family, with near families (navy and
blue, beige and brown …) not counted as a disagreement. Anything the dictionary refuses is
dropped and named, never emitted. Shot types and selling points follow from the tags.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from catwalk.library.tags import Dictionary, validate_tags
from catwalk.product.evidence import (
    Conflict,
    Evidence,
    NamedColour,
    ParsedProduct,
    ProfileTag,
    Source,
    TagValue,
    TextReading,
    VisionReading,
)
from catwalk.product.phrases import selling_points
from catwalk.product.shots import shot_types

DEFAULT_ORDER: tuple[Source, ...] = (Source.MERCHANT, Source.TEXT, Source.VISION)
MAX_CONFIDENCE = 0.99
UNION_MIN_CONFIDENCE = 0.5  # a lower source adds a value of a "many" dimension only when this sure
DISAGREEMENT_PENALTY = 0.3  # the kept value loses up to this share of its confidence when overruling

# Families a photo and a word can both mean for one garment: a "深蓝" title on a navy photo.
_NEAR_FAMILIES: frozenset[frozenset[str]] = frozenset(map(frozenset, (
    ("navy", "blue"), ("beige", "brown"), ("grey", "black"), ("grey", "white"), ("white", "beige"),
    ("red", "pink"), ("red", "orange"), ("orange", "yellow"), ("yellow", "beige"), ("pink", "purple"),
    ("green", "brown"))))
# Categories a coarse reading (the photo's shape) cannot tell apart: not a disagreement.
_NEAR_CATEGORIES: frozenset[frozenset[str]] = frozenset(map(frozenset, (
    ("jeans", "trousers"), ("coat", "trench"), ("shirt", "blouse"), ("jacket", "blazer"))))
_HUE_WORD = {"navy": "blue", "multi": "multicoloured"}  # how a person names the family of a photo's colour
_BOOL_WORDS = {"has_pockets": ("pockets", "no pockets"), "hooded": ("a hood", "no hood"),
               "belted": ("a belt", "no belt"), "drawstring": ("a drawstring", "no drawstring")}


def _noisy_or(confidences: Iterable[float]) -> float:
    """Independent readings that agree: the chance that all of them are wrong shrinks."""
    miss = 1.0
    for c in confidences:
        miss *= 1.0 - max(0.0, min(1.0, c))
    return min(MAX_CONFIDENCE, 1.0 - miss)


def near(dimension: str, a: str | bool, b: str | bool) -> bool:
    """Whether two values of a dimension can describe the same garment."""
    if a == b:
        return True
    if dimension in ("colour_family", "backdrop_colour") and isinstance(a, str) and isinstance(b, str):
        return "multi" in (a, b) or frozenset((a, b)) in _NEAR_FAMILIES
    if dimension == "category" and isinstance(a, str) and isinstance(b, str):
        return frozenset((a, b)) in _NEAR_CATEGORIES
    return False


def check_evidence(dictionary: Dictionary, evidence: Iterable[Evidence]) -> tuple[list[Evidence], list[str]]:
    """The evidence the dictionary accepts for a product, and a warning for each piece it
    refuses (unknown dimension, template-only dimension, unknown value, wrong kind)."""
    good: list[Evidence] = []
    warnings: list[str] = []
    for e in evidence:
        d = dictionary.dimension(e.dimension)
        problem = None
        if d is None:
            problem = "no such tag dimension"
        elif not d.applies("product"):
            problem = f"{e.dimension} describes templates, not products"
        elif d.kind == "bool" and not isinstance(e.value, bool):
            problem = "takes true or false"
        elif d.kind != "bool" and (not isinstance(e.value, str) or not dictionary.is_value(d.name, e.value)):
            problem = f"{e.value!r} is not a value of {e.dimension}"
        if problem is None:
            good.append(e)
        else:
            warnings.append(f"{e.source} said {e.dimension}={e.value!r}: {problem}; dropped")
    return good, warnings


# --- words for conflicts --------------------------------------------------------------------


def _who(e: Evidence) -> str:
    if e.source == Source.MERCHANT:
        return "the merchant's data"
    if e.source == Source.VISION:
        return "the photo"
    field = re.match(r"(title|description):", e.reason)
    return f"the {field.group(1)}" if field else "the text"


def _words(dictionary: Dictionary, e: Evidence, colours: Sequence[NamedColour]) -> str:
    verb = "is" if e.source == Source.VISION and e.dimension == "colour_family" else (
        "shows" if e.source == Source.VISION else "says")
    if isinstance(e.value, bool):
        yes, no = _BOOL_WORDS.get(e.dimension, (f"{e.dimension}: yes", f"{e.dimension}: no"))
        said = yes if e.value else no
    else:
        d = dictionary.dimension(e.dimension)
        word = next((v.en for v in d.values if v.value == e.value), e.value) if d else e.value
        said = _HUE_WORD.get(e.value, word.lower()) if e.dimension == "colour_family" else word.lower()
        if e.dimension not in ("colour_family", "category"):
            said = f"{said} ({d.en.lower() if d else e.dimension})"
    if e.source == Source.VISION:
        if e.dimension == "colour_family":
            named = [c for c in colours if c.family == e.value]
            detail = ", ".join(f"{c.en} {c.share:.0%}" for c in named[:2]) or f"{e.confidence:.0%} sure"
        else:
            detail = f"{e.confidence:.0%} sure"
        said = f"{said} ({detail})"
    return f"{verb} {said}"


def _conflict(dictionary: Dictionary, chosen: Evidence, overruled: Sequence[Evidence],
              colours: Sequence[NamedColour]) -> Conflict:
    parts = [f"{_who(chosen)} {_words(dictionary, chosen, colours)}"]
    parts += [f"{_who(o)} {_words(dictionary, o, colours)}" for o in overruled]
    message = f"{', '.join(parts)}; kept {_who(chosen)}"
    return Conflict(chosen.dimension, chosen, tuple(overruled), message)


# --- merging ----------------------------------------------------------------------------------


def _best(evidence: Sequence[Evidence]) -> Evidence:
    return max(evidence, key=lambda e: e.confidence)


def _merge_one(dictionary: Dictionary, dimension: str, by_source: list[list[Evidence]],
               colours: Sequence[NamedColour]) -> tuple[ProfileTag, Conflict | None]:
    """A one-value (or bool) dimension: the first source's best reading, confirmed or
    contradicted by the rest."""
    bests = [_best(ev) for ev in by_source]
    top = bests[0]
    agree = [b for b in bests[1:] if near(dimension, b.value, top.value)]
    disagree = [b for b in bests[1:] if not near(dimension, b.value, top.value)]
    confidence = _noisy_or([top.confidence, *(a.confidence for a in agree)])
    if disagree:
        confidence *= 1.0 - DISAGREEMENT_PENALTY * max(d.confidence for d in disagree)
    reason = "; ".join([top.reason, *(f"confirmed by {_who(a)}: {a.reason}" for a in agree)])
    tag = ProfileTag(top.value, round(confidence, 3), top.source, reason)
    return tag, _conflict(dictionary, top, disagree, colours) if disagree else None


def _merge_many(dictionary: Dictionary, dimension: str, by_source: list[list[Evidence]],
                colours: Sequence[NamedColour]) -> tuple[ProfileTag, Conflict | None]:
    """A many-value dimension: the first source's values, joined by the values of sources
    that agree with it on at least one value (a photo's second colour, a text's extra
    season); a source that agrees on none is overruled and reported."""
    first = by_source[0]
    kept: dict[str, list[Evidence]] = defaultdict(list)
    for e in first:
        kept[str(e.value)].append(e)
    overruled: list[Evidence] = []
    for evidence in by_source[1:]:
        if not any(near(dimension, e.value, v) for e in evidence for v in kept):
            overruled.append(_best(evidence))
            continue
        for e in evidence:
            value = str(e.value)
            if value in kept:
                kept[value].append(e)
            elif any(near(dimension, value, v) for v in kept):  # "深蓝" and navy: the same colour said twice
                kept[next(v for v in kept if near(dimension, value, v))].append(e)
            elif e.confidence >= UNION_MIN_CONFIDENCE:
                kept[value].append(e)
    order = {v: i for i, v in enumerate(dictionary.values(dimension))}
    values = sorted(kept, key=lambda v: order.get(v, len(order)))
    confidences = {v: _noisy_or(e.confidence for e in kept[v]) for v in values}
    confidence = min(confidences.values())
    if overruled:
        confidence *= 1.0 - DISAGREEMENT_PENALTY * max(o.confidence for o in overruled)
    reason = "; ".join(f"{v}: " + "; ".join(dict.fromkeys(e.reason for e in kept[v])) for v in values)
    top = _best(first)
    tag = ProfileTag(values, round(confidence, 3), top.source, reason)
    return tag, _conflict(dictionary, top, overruled, colours) if overruled else None


def merge_with_warnings(dictionary: Dictionary, merchant: list[Evidence], text: TextReading | None,
                        vision: VisionReading | None, order: tuple[Source, ...] = DEFAULT_ORDER
                        ) -> tuple[ParsedProduct, list[str]]:
    """`merge`, and a warning for every piece of evidence or tag the dictionary refused."""
    if sorted(order) != sorted(set(order)) or not set(order) <= set(Source):
        raise ValueError(f"order: each source at most once, from {[str(s) for s in Source]}; got {order}")
    colours = list(vision.colours) if vision else []
    evidence = [*merchant, *(text.evidence if text else ()), *(vision.evidence if vision else ())]
    good, warnings = check_evidence(dictionary, evidence)
    grouped: dict[str, dict[Source, list[Evidence]]] = defaultdict(lambda: defaultdict(list))
    for e in good:
        if e.source in order:
            grouped[e.dimension][e.source].append(e)
    tags: dict[str, ProfileTag] = {}
    conflicts: list[Conflict] = []
    for d in dictionary.applicable("product"):
        sources = grouped.get(d.name)
        if not sources:
            continue
        by_source = [sources[s] for s in order if sources.get(s)]
        merged = _merge_many if d.kind == "many" else _merge_one
        tag, conflict = merged(dictionary, d.name, by_source, colours)
        tags[d.name] = tag
        if conflict is not None:
            conflicts.append(conflict)
    for violation in validate_tags(dictionary, {k: t.value for k, t in tags.items()}, "product"):
        dimension = violation.field.split(".", 1)[1].split("[", 1)[0]
        if tags.pop(dimension, None) is not None:
            warnings.append(f"{violation.field}: {violation.description}; dropped")
    conflicts = [c for c in conflicts if c.dimension in tags]
    parsed = ParsedProduct(tags=tags, colours=colours, conflicts=conflicts, shot_types=shot_types(dictionary, tags),
                           selling_points=selling_points(dictionary, tags, colours),
                           descriptor=list(vision.descriptor) if vision else [],
                           language=text.language if text else "")
    return parsed, warnings


def merge(dictionary: Dictionary, merchant: list[Evidence], text: TextReading | None, vision: VisionReading | None,
          order: tuple[Source, ...] = DEFAULT_ORDER) -> ParsedProduct:
    """The product profile from all the evidence; see the module's docstring."""
    return merge_with_warnings(dictionary, merchant, text, vision, order)[0]


def tag_values(parsed: ParsedProduct) -> dict[str, TagValue]:
    """The profile's tags as plain values (what the template matcher takes)."""
    return {name: list(t.value) if isinstance(t.value, list) else t.value for name, t in parsed.tags.items()}
