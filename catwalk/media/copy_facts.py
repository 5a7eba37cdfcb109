"""What the narration may say about a garment: the facts of a ProductProfile the parser is
reasonably sure of, worded for zh or en, with the garment's noun phrase built grammatically
("this navy wool trench coat", "a pair of red jeans", "这件藏青色羊毛风衣").

Nothing here is invented: a slot exists only when the profile supports it (no pockets
unless has_pockets is true, no material unless a confident material tag names one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from catwalk.library.dictionary import BY_NAME
from catwalk.v1 import tags_pb2

MIN_CONFIDENCE = 0.5

# Category → (zh noun, zh measure word, en noun, en is plural). 条 for long, narrow
# garments (skirts, trousers, dresses), 件 for the rest; trousers-like nouns are plural in en.
NOUNS: dict[str, tuple[str, str, str, bool]] = {
    "tshirt": ("T恤", "件", "T-shirt", False), "shirt": ("衬衫", "件", "shirt", False),
    "blouse": ("衬衫", "件", "blouse", False), "hoodie": ("卫衣", "件", "hoodie", False),
    "sweater": ("毛衣", "件", "sweater", False), "sleeveless": ("背心", "件", "tank top", False),
    "jacket": ("夹克", "件", "jacket", False), "blazer": ("西装外套", "件", "blazer", False),
    "coat": ("大衣", "件", "coat", False), "trench": ("风衣", "件", "trench coat", False),
    "dress": ("连衣裙", "条", "dress", False), "skirt": ("半身裙", "条", "skirt", False),
    "trousers": ("长裤", "条", "trousers", True), "jeans": ("牛仔裤", "条", "jeans", True),
    "shorts": ("短裤", "条", "shorts", True), "jumpsuit": ("连体裤", "件", "jumpsuit", False),
}
FIT_EN = {"slim": "slim", "loose": "relaxed", "regular": ""}
PATTERN_EN = {"stripes": "striped", "checks": "checked", "floral": "floral", "polka_dot": "polka-dot",
              "animal": "animal-print", "abstract": "printed", "solid": ""}
CUT_EN = {"slim": "a slim, tailored line", "loose": "an easy, relaxed shape", "regular": "a clean, regular fit"}
CLOSURE_EN = {"double_breasted": "double-breasted front", "buttons": "button front", "zip": "zip front",
              "tie": "tie fastening", "snap": "snap front"}
NECKLINE_EN = {"lapel": "lapels", "v_neck": "V-neck", "crew": "crew neck", "collar": "collar",
               "turtleneck": "turtleneck", "square": "square neckline", "off_shoulder": "off-shoulder neckline",
               "hood": "hood"}
POCKETS_EN = {"patch": "patch pockets", "welt": "welt pockets", "kangaroo": "a kangaroo pocket",
              "flap": "flap pockets"}
OCCASION_EN = {"daily": "every day", "work": "the office", "street": "the city", "sport": "the gym",
               "party": "a night out", "vacation": "your next holiday", "date": "date night"}
LENGTH_EN = {"cropped": "cropped", "hip": "hip-length", "mini": "mini", "knee": "knee-length", "midi": "midi",
             "maxi": "maxi"}


@dataclass(frozen=True)
class Point:
    """A selling point in the script's language and the tag dimensions it speaks of."""

    text: str
    dimensions: tuple[str, ...]
    derived: bool = False  # worded here from a tag, not one of the profile's selling points


@dataclass(frozen=True)
class Facts:
    """The sure facts of one profile in one language: `slots` fill the phrase bank's
    templates (absent key = unknown fact); `levels` are the garment's noun-phrase slots from
    the richest ("this slim navy wool trench coat") to the barest ("this trench coat")."""

    language: str
    slots: dict[str, str]
    levels: tuple[dict[str, str], ...]
    points: tuple[Point, ...]
    plural: bool

    def describe(self) -> list[str]:
        """The facts as short "name: value" lines, for a copywriter's prompt."""
        grammar = {"it", "It", "is_", "s", "its", "it_s", "It_s", "this", "This", "has", "them", "measure"}
        lines = [f"{k}: {v}" for k, v in sorted(self.slots.items()) if k not in grammar and not k.endswith("_value")]
        lines.append(f"garment: {self.levels[0]['np']}")
        return lines + [f"selling point: {p.text}" for p in self.points]


def _sure(profile: tags_pb2.ProductProfile, name: str) -> list[str | bool]:
    if name not in profile.tags:
        return []
    tag = profile.tags[name]
    if tag.confidence < MIN_CONFIDENCE and tag.source != tags_pb2.TAG_SOURCE_OPERATOR:
        return []
    kind = tag.value.WhichOneof("kind")
    if kind == "text":
        return [tag.value.text] if tag.value.text else []
    if kind == "flag":
        return [tag.value.flag]
    if kind == "list":
        return list(tag.value.list.values)
    return []


def _name(dimension: str, value: str) -> tuple[str, str]:
    d = BY_NAME.get(dimension)
    v = next((v for v in d.values if v.value == value), None) if d else None
    return (v.zh, v.en) if v else ("", "")


def _first(profile: tags_pb2.ProductProfile, name: str) -> str:
    values = [str(v) for v in _sure(profile, name)]
    return values[0] if values else ""


def _colour(profile: tags_pb2.ProductProfile) -> tuple[str, str]:
    families = [str(f) for f in _sure(profile, "colour_family")]
    if "multi" in families:
        return "", ""
    for c in profile.colours:  # measured colours, but only where a confident family agrees (if any)
        if c.zh and c.en and (not families or c.family in families):
            return c.zh, c.en.lower()
    if families:
        zh, en = _name("colour_family", families[0])
        return zh, en.lower()
    return "", ""


def has_anything(profile: tags_pb2.ProductProfile, language: str) -> bool:
    """Something to say: a category, or at least one selling point in the language."""
    return bool(profile.category or _first(profile, "category")
                or any(p.zh if language == "zh" else p.en for p in profile.selling_points))


def facts(profile: tags_pb2.ProductProfile, language: str) -> Facts:
    return _facts_zh(profile) if language == "zh" else _facts_en(profile)


def _common(profile: tags_pb2.ProductProfile, zh: bool) -> dict[str, str]:
    """Slots both languages share: dictionary words for confident tag values."""
    slots: dict[str, str] = {}
    materials = [str(m) for m in _sure(profile, "material")]
    if materials:
        names = [_name("material", m)[0 if zh else 1] for m in materials[:2]]
        slots["material"] = names[0] if zh else names[0].lower()
        slots["materials"] = "".join(names) if zh else " and ".join(n.lower() for n in names)
    for dim in ("fit", "length", "neckline", "closure", "pattern", "waist"):
        value = _first(profile, dim)
        if value:
            slots[f"{dim}_value"] = value
    seasons = [str(s) for s in _sure(profile, "season")]
    if seasons and len(seasons) < 4:
        words = [_name("season", s)[0 if zh else 1] for s in seasons]
        slots["season"] = "".join(w.removesuffix("季") for w in words) + "天" if zh and len(words) == 1 \
            else ("、".join(words) if zh else " and ".join(w.lower() for w in words))
    occasions = [str(o) for o in _sure(profile, "occasion")]
    if occasions:
        slots["occasion"] = _name("occasion", occasions[0])[0] if zh else OCCASION_EN.get(occasions[0], "")
    styles = [str(s) for s in _sure(profile, "style")]
    if styles:
        slots["style"] = _name("style", styles[0])[0] if zh else _name("style", styles[0])[1].lower()
    if True in _sure(profile, "has_pockets"):
        style = _first(profile, "pocket_style")
        slots["pockets"] = (_name("pocket_style", style)[0] if style else "口袋") if zh \
            else POCKETS_EN.get(style, "pockets")
    if True in _sure(profile, "belted"):
        slots["belt"] = "腰带" if zh else "belt"
    if True in _sure(profile, "hooded"):
        slots["hood"] = "连帽" if zh else "hood"
    return {k: v for k, v in slots.items() if v}


WATCHED = ("category", "material", "colour_family", "season")


def unsupported(profile: tags_pb2.ProductProfile, text: str, language: str) -> str:
    """The first word of `text` naming a garment, material, colour or season the profile does
    not have, or pockets it does not have; "" when the text claims nothing of the kind."""
    known = {(d, str(v)) for d in WATCHED for v in _sure(profile, d)}
    category = profile.category or _first(profile, "category")
    known.add(("category", category))
    known |= {("colour_family", c.family) for c in profile.colours} | {("colour_family", c.name)
                                                                       for c in profile.colours}
    zh_noun, _, en_noun, _ = NOUNS.get(category, ("", "", "", False))
    own = zh_noun if language == "zh" else en_noun
    lowered = text.lower()
    words = [(d, v.value, v.zh if language == "zh" else v.en.lower()) for d in WATCHED for v in BY_NAME[d].values]
    if True not in _sure(profile, "has_pockets"):
        words += [("has_pockets", "True", w) for w in (("口袋", "兜") if language == "zh" else ("pocket",))]
    for dimension, value, word in words:
        if (dimension, value) in known or not word or (own and word in own):
            continue
        if word in lowered if language == "zh" else re.search(rf"\b{re.escape(word)}", lowered):
            return word
    return ""


def _points(profile: tags_pb2.ProductProfile, language: str) -> tuple[Point, ...]:
    points: list[Point] = []
    for p in profile.selling_points:
        text = (p.zh if language == "zh" else p.en).strip().rstrip("。.!！")
        if text and all(text != q.text for q in points):
            points.append(Point(text, tuple(p.dimensions)))
    return tuple(points)


def _facts_en(profile: tags_pb2.ProductProfile) -> Facts:
    slots = _common(profile, zh=False)
    category = profile.category or _first(profile, "category")
    _, _, noun, plural = NOUNS.get(category, ("", "", _name("category", category)[1].lower() or "piece", False))
    colour = _colour(profile)[1]
    fit = FIT_EN.get(slots.get("fit_value", ""), "")
    pattern = PATTERN_EN.get(slots.get("pattern_value", ""), "")
    material = slots.get("material", "")
    if material == "denim" and noun == "jeans":
        material = ""  # "denim jeans" says it twice
    if colour:
        slots["colour"] = colour
    if fit:
        slots["fit"] = fit
    if slots.get("fit_value") in CUT_EN:
        slots["cut"] = CUT_EN[slots["fit_value"]]
    if slots.get("length_value") in LENGTH_EN:
        slots["length"] = LENGTH_EN[slots["length_value"]]
    if slots.get("neckline_value") in NECKLINE_EN:
        slots["neckline"] = NECKLINE_EN[slots["neckline_value"]]
    if slots.get("closure_value") in CLOSURE_EN:
        slots["closure"] = CLOSURE_EN[slots["closure_value"]]
    slots.update(noun=noun, it="they" if plural else "it", It="They" if plural else "It",
                 them="them" if plural else "it", s="" if plural else "s", is_="are" if plural else "is",
                 has="have" if plural else "has", its="their" if plural else "its",
                 it_s="they're" if plural else "it's", It_s="They're" if plural else "It's",
                 this="these" if plural else "this", This="These" if plural else "This")
    adjective_sets: tuple[list[str], ...] = ([fit, colour, pattern, material], [colour, material], [colour], [])
    levels: list[dict[str, str]] = []
    for adjectives in adjective_sets:  # English order: shape, colour, pattern, material, noun
        bare = " ".join([a for a in adjectives if a] + [noun])
        if any(level["bare"] == bare for level in levels):
            continue
        a_np = f"a pair of {bare}" if plural else f"{_article(bare)} {bare}"
        np = f"{slots['this']} {bare}"
        levels.append({"bare": bare, "np": np, "NP": _cap(np), "a_np": a_np, "A_np": _cap(a_np),
                       SAYS: _says(fit=adjectives[0] if len(adjectives) == 4 else "", colour_family=colour
                                   if colour in adjectives else "", material=material if material in adjectives
                                   else "", pattern=pattern if len(adjectives) == 4 else "")})
    return Facts("en", slots, tuple(levels), _with_derived(_points(profile, "en"), slots, DERIVED_EN), plural)


def _facts_zh(profile: tags_pb2.ProductProfile) -> Facts:
    slots = _common(profile, zh=True)
    category = profile.category or _first(profile, "category")
    noun, measure, _, _ = NOUNS.get(category, (_name("category", category)[0] or "单品", "款", "", False))
    colour = _colour(profile)[0]
    for key in ("material", "materials"):  # 牛仔布 is 牛仔 when spoken of a garment
        if key in slots:
            slots[key] = slots[key].replace("牛仔布", "牛仔")
    material = slots.get("material", "")
    if material and material in noun:
        material = ""  # "牛仔牛仔裤" says it twice
    fit = _name("fit", slots["fit_value"])[0] if "fit_value" in slots else ""
    for dim in ("length", "neckline", "closure", "pattern", "waist"):
        if f"{dim}_value" in slots:
            slots[dim] = _name(dim, slots[f"{dim}_value"])[0]
    if colour:
        slots["colour"] = colour
    if fit:
        slots["fit"] = fit
    slots.update(noun=noun, measure=measure, this=f"这{measure}")
    levels: list[dict[str, str]] = []
    # 的 joins a fit to the noun phrase ("修身的藏青色羊毛风衣"); colour and material stack.
    for lead, adjectives in ((fit, [colour, material]), ("", [colour, material]), ("", [colour]), ("", [])):
        core = "".join(a for a in adjectives if a) + noun
        bare = f"{lead}的{core}" if lead else core
        if any(level["bare"] == bare for level in levels):
            continue
        levels.append({"bare": bare, "np": f"这{measure}{bare}",
                       SAYS: _says(fit=lead, colour_family=colour if colour in adjectives else "",
                                   material=material if material in adjectives else "")})
    return Facts("zh", slots, tuple(levels), _with_derived(_points(profile, "zh"), slots, DERIVED_ZH), False)


# Plain statements of a tag, said once the profile's own selling points are used up; only
# for dimensions no selling point speaks of.
DERIVED_EN: tuple[tuple[str, str], ...] = (
    ("material", "Cut from {materials}"), ("fit", "{Fit} through the body"), ("length", "A {length} length"),
    ("has_pockets", "With {pockets}"), ("closure", "With a {closure}"), ("belted", "Belted at the waist"),
    ("hooded", "With a {hood}"), ("season", "Made for {season}"), ("occasion", "Ready for {occasion}"),
    ("style", "An easy {style} style"), ("colour_family", "Shown here in {colour}"),
)
DERIVED_ZH: tuple[tuple[str, str], ...] = (
    ("material", "{materials}面料"), ("fit", "{fit}版型"), ("length", "{length}设计"), ("has_pockets", "带{pockets}"),
    ("closure", "{closure}门襟"), ("belted", "配有{belt}"), ("hooded", "{hood}设计"), ("season", "{season}穿正合适"),
    ("occasion", "{occasion}场合都合适"), ("style", "{style}风格"), ("colour_family", "{colour}配色"),
)

DERIVED_SLOT = {"material": "materials", "fit": "fit", "length": "length", "has_pockets": "pockets",
                "closure": "closure", "belted": "belt", "hooded": "hood", "season": "season", "occasion": "occasion",
                "style": "style", "colour_family": "colour"}  # the slot that holds the fact


def _with_derived(points: tuple[Point, ...], slots: dict[str, str],
                  derived: tuple[tuple[str, str], ...]) -> tuple[Point, ...]:
    spoken = {d for p in points for d in p.dimensions}
    if "has_pockets" in spoken or "pocket_style" in spoken:
        spoken.add("has_pockets")
    caps = {k[:1].upper() + k[1:]: v[:1].upper() + v[1:] for k, v in slots.items()}
    out = list(points)
    for dimension, form in derived:
        if dimension in spoken or DERIVED_SLOT[dimension] not in slots:
            continue
        try:
            text = form.format(**{**caps, **slots})
        except KeyError:
            continue  # the profile does not know this
        out.append(Point(text, (dimension,), derived=True))
    return tuple(out)


SAYS = "_says"  # a noun-phrase level's key: the dimensions its adjectives speak of, comma-separated


def _says(**dimensions: str) -> str:
    return ",".join(d for d, word in dimensions.items() if word)


def _article(phrase: str) -> str:
    word = phrase.split()[0].lower()
    vowel_sound = word[0] in "aeiou" and not word.startswith(("uni", "use", "eu", "one"))
    return "an" if vowel_sound or word.startswith(("hour", "honest")) else "a"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
