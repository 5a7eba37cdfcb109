"""The shot types (template `shot_type` values) a product should get, each with the tag
that asks for it, so the shot plan can say why a video has a close-up or a turn."""

from __future__ import annotations

from catwalk.library.tags import Dictionary
from catwalk.product.evidence import ProfileTag, ShotSuggestion

_SURFACE_PATTERNS = ("stripes", "checks", "floral", "abstract", "logo", "polka_dot", "animal")
_TEXTURED = ("wool", "cashmere", "knit", "linen", "denim", "leather", "silk")
_NOTABLE_CLOSURES = ("double_breasted", "zip", "tie", "snap")
_WALKING = ("dress", "skirt", "trousers", "jeans", "shorts", "jumpsuit", "coat", "trench", "blazer", "jacket")
_WALKING_SILHOUETTES = ("dress", "skirt", "trousers", "outerwear")
_LONG_COATS = ("coat", "trench")
_LONG = ("knee", "midi", "maxi")


def _one(tags: dict[str, ProfileTag], name: str) -> str | bool | None:
    tag = tags.get(name)
    return None if tag is None or isinstance(tag.value, list) else tag.value


def _many(tags: dict[str, ProfileTag], name: str) -> list[str]:
    tag = tags.get(name)
    if tag is None:
        return []
    return list(tag.value) if isinstance(tag.value, list) else [str(tag.value)]


def _why(tags: dict[str, ProfileTag], name: str) -> str:
    tag = tags[name]
    return f"{tag.source} {tag.confidence:.0%}"


def _pockets_note(tags: dict[str, ProfileTag]) -> str:
    """What the legality rules will make of pocket poses."""
    pockets = _one(tags, "has_pockets")
    if pockets is True:
        return f"it has pockets ({_why(tags, 'has_pockets')}), so hands_in_pockets poses are allowed (pocket show)"
    if pockets is False:
        return f"it has no pockets ({_why(tags, 'has_pockets')}): hands_in_pockets templates are illegal for it"
    return "pockets unknown: hands_in_pockets templates stay excluded until has_pockets is known"


def shot_types(dictionary: Dictionary, tags: dict[str, ProfileTag]) -> list[ShotSuggestion]:
    """Full body always; a detail close-up for surface pattern, texture or a notable closure;
    a runway walk for garments that move (dresses, skirts, trousers, outerwear); a turn for
    back details and long coats. Only shot types the dictionary knows are suggested."""
    out: list[ShotSuggestion] = [ShotSuggestion("full_body", f"every product opens on the whole garment; "
                                                             f"{_pockets_note(tags)}")]
    category, silhouette = _one(tags, "category"), _one(tags, "silhouette")
    details = []
    pattern = _one(tags, "pattern")
    if pattern in _SURFACE_PATTERNS:
        details.append(f"the {pattern} pattern ({_why(tags, 'pattern')}) reads best close up")
    textured = [m for m in _many(tags, "material") if m in _TEXTURED]
    if textured:
        details.append(f"the {'/'.join(textured)} texture ({_why(tags, 'material')})")
    closure = _one(tags, "closure")
    if closure in _NOTABLE_CLOSURES or (closure == "buttons" and silhouette == "outerwear"):
        details.append(f"the {str(closure).replace('_', '-')} closure ({_why(tags, 'closure')})")
    if _one(tags, "pocket_style") in ("patch", "flap", "kangaroo"):
        details.append(f"the {_one(tags, 'pocket_style')} pockets ({_why(tags, 'pocket_style')})")
    if details:
        out.append(ShotSuggestion("detail_closeup", "; ".join(details)))
    if category in _WALKING or silhouette in _WALKING_SILHOUETTES:
        said = f"a {category}" if category in _WALKING else f"{silhouette} garments"
        which = "category" if category in _WALKING else "silhouette"
        out.append(ShotSuggestion("runway_walk", f"{said} ({_why(tags, which)}) moves when walked in"))
    backs = []
    if _one(tags, "hooded") is True:
        backs.append(f"the hood sits at the back ({_why(tags, 'hooded')})")
    if _one(tags, "belted") is True:
        backs.append(f"the belt ties at the back ({_why(tags, 'belted')})")
    if category in _LONG_COATS or (silhouette == "outerwear" and _one(tags, "length") in _LONG):
        which = "category" if category in _LONG_COATS else "length"
        backs.append(f"a long {category or 'coat'}'s back and drape show in a turn ({_why(tags, which)})")
    elif category == "dress" and _one(tags, "length") in ("midi", "maxi"):
        backs.append(f"a {_one(tags, 'length')} dress swings in a turn")
    if backs:
        out.append(ShotSuggestion("turn", "; ".join(backs)))
    return [s for s in out if dictionary.is_value("shot_type", s.shot_type)]
