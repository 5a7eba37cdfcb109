"""Selling points: short zh/en phrases for the script, worded from a phrase bank by the
profile's tags (material, fit, colour, pattern, pockets, details, season, occasion …).

Each topic has a few wordings; which one is said is drawn from a seed (by default a hash
of the profile), so the same profile always gets the same copy and a different seed gives
the narrator a fresh take. Only tags the merge is reasonably sure of are spoken of.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence

from catwalk.library.tags import Dictionary
from catwalk.product.evidence import NamedColour, ProfileTag, SellingPoint

MIN_POINTS, MAX_POINTS = 3, 6
MIN_CONFIDENCE = 0.5

Wording = tuple[str, str]  # (zh, en)

MATERIAL: dict[str, tuple[Wording, ...]] = {
    "cotton": (("纯棉面料，柔软透气", "Soft, breathable cotton"),
               ("棉质亲肤，舒适透气", "Cotton that feels good on skin")),
    "linen": (("亚麻面料，清爽透气", "Cool, airy linen"),
               ("天然亚麻，夏日清爽", "Natural linen for warm days")),
    "wool": (("羊毛面料，保暖有型", "Warm, structured wool"),
               ("羊毛质感，厚实挺括", "Rich wool that holds its shape")),
    "polyester": (("挺括易打理，不易起皱", "Easy-care and crease-resistant"),
               ("面料挺括，打理省心", "Low-maintenance fabric")),
    "denim": (("经典牛仔，耐穿百搭", "Classic, hard-wearing denim"),
               ("牛仔面料，越穿越有味道", "Denim that wears in")),
    "silk": (("真丝面料，顺滑有光泽", "Smooth, lustrous silk"),
               ("真丝亲肤，垂感自然", "Silk with a natural drape")),
    "cashmere": (("羊绒面料，轻柔保暖", "Soft, warm cashmere"),
               ("细腻羊绒，轻盈温暖", "Light, cosy cashmere")),
    "leather": (("皮革质感，酷感十足", "Leather with an edge"),),
    "knit": (("针织面料，柔软有弹性", "Soft, giving knit"),),
    "chiffon": (("雪纺面料，轻盈飘逸", "Light, floaty chiffon"),),
    "nylon": (("锦纶面料，轻便耐磨", "Light, tough nylon"),),
}
FIT: dict[str, tuple[Wording, ...]] = {
    "slim": (("修身剪裁，显瘦有型", "A slim, flattering cut"),),
    "regular": (("常规版型，舒适不挑身材", "A regular fit that suits everyone"),),
    "loose": (("宽松廓形，自在舒适", "A relaxed, easy fit"),),
}
PATTERN: dict[str, tuple[Wording, ...]] = {
    "solid": (("纯色设计，简约百搭", "A clean solid colour"),
               ("纯色简约，好搭配", "Plain and easy to pair")),
    "stripes": (("经典条纹，利落有型", "Classic stripes"),),
    "checks": (("格纹设计，复古耐看", "Timeless checks"),),
    "floral": (("浪漫碎花，温柔灵动", "Romantic florals"),),
    "abstract": (("抽象印花，个性吸睛", "An eye-catching abstract print"),),
    "logo": (("字母标志，点睛设计", "A signature logo detail"),),
    "polka_dot": (("俏皮波点，活泼可爱", "Playful polka dots"),),
    "animal": (("动物纹理，野性时髦", "A bold animal print"),),
}
OCCASION: dict[str, tuple[Wording, ...]] = {
    "daily": (("日常百搭，轻松穿出门", "An everyday essential"),),
    "work": (("通勤得体，职场加分", "Office-ready"),),
    "street": (("街头出行，潮流有型", "Made for the city streets"),),
    "sport": (("运动健身，活动自如", "Moves with you at the gym"),),
    "party": (("聚会约会，气质出众", "Ready for evenings out"),),
    "vacation": (("度假旅行必备", "A holiday must-have"),),
    "date": (("约会穿搭，加分之选", "Date-night ready"),),
}
DETAILS: dict[tuple[str, str | bool], tuple[Wording, ...]] = {
    ("hooded", True): (("连帽设计，防风保暖", "A cosy hood"),),
    ("belted", True): (("配同色腰带，收腰显瘦", "A belt that defines the waist"),),
    ("drawstring", True): (("抽绳设计，松紧可调", "An adjustable drawstring"),),
    ("closure", "double_breasted"): (("经典双排扣", "A classic double-breasted front"),),
    ("closure", "zip"): (("拉链开合，穿脱方便", "An easy zip front"),),
    ("neckline", "v_neck"): (("V领设计，修饰脸型", "A flattering V-neck"),),
    ("neckline", "turtleneck"): (("高领设计，保暖有型", "A warm turtleneck"),),
    ("neckline", "lapel"): (("翻驳领，利落干练", "Sharp notched lapels"),),
    ("waist", "high"): (("高腰设计，拉长比例", "A high waist that lengthens the legs"),),
    ("length", "cropped"): (("短款设计，提升腰线", "A cropped cut that lifts the waistline"),),
    ("length", "midi"): (("中长款，优雅大方", "An elegant midi length"),),
    ("length", "maxi"): (("长款设计，飘逸大气", "A flowing maxi length"),),
}


def _pick(options: Sequence[Wording], seed: int, topic: str) -> Wording:
    return options[(seed + zlib.crc32(topic.encode())) % len(options)]


def profile_seed(tags: dict[str, ProfileTag]) -> int:
    """A seed that depends on the profile only: the same tags, the same copy."""
    text = "|".join(f"{k}={sorted(v.value) if isinstance(v.value, list) else v.value}" for k, v in sorted(tags.items()))
    return zlib.crc32(text.encode())


def _sure(tags: dict[str, ProfileTag], name: str) -> list[str | bool]:
    tag = tags.get(name)
    if tag is None or tag.confidence < MIN_CONFIDENCE:
        return []
    return list(tag.value) if isinstance(tag.value, list) else [tag.value]


def _word(dictionary: Dictionary, dimension: str, value: str) -> tuple[str, str]:
    d = dictionary.dimension(dimension)
    v = next((v for v in d.values if v.value == value), None) if d else None
    return (v.zh, v.en) if v else (value, value)


def selling_points(dictionary: Dictionary, tags: dict[str, ProfileTag], colours: Sequence[NamedColour] = (),
                   seed: int | None = None) -> list[SellingPoint]:
    """3–6 selling points, most telling first (material, fit, pattern, colour, pockets,
    details, season, occasion), with no phrase said twice."""
    seed = profile_seed(tags) if seed is None else seed
    points: list[SellingPoint] = []

    def say(topic: str, options: Sequence[Wording], *dimensions: str) -> None:
        zh, en = _pick(options, seed, topic)
        if all(zh != p.zh and en != p.en for p in points):
            points.append(SellingPoint(zh, en, dimensions))

    materials = [str(m) for m in _sure(tags, "material")]
    if len(materials) >= 2:
        names = [_word(dictionary, "material", m) for m in materials[:2]]
        say("material", ((f"{names[0][0]}{names[1][0]}混纺，兼顾舒适与挺括",
                          f"A {names[0][1].lower()}-{names[1][1].lower()} blend: comfort that keeps its shape"),),
            "material")
    for m in materials[:1] if len(materials) == 1 else ():
        zh, en = _word(dictionary, "material", m)
        say("material", MATERIAL.get(m, ((f"精选{zh}面料", f"Quality {en.lower()}"),)), "material")
    for f in _sure(tags, "fit")[:1]:
        say("fit", FIT.get(str(f), ()) or ((f"{_word(dictionary, 'fit', str(f))[0]}版型", "A considered fit"),), "fit")
    for p in _sure(tags, "pattern")[:1]:
        if str(p) in PATTERN:
            say("pattern", PATTERN[str(p)], "pattern")
    _colour_point(dictionary, tags, colours, say)
    if True in _sure(tags, "has_pockets"):
        style = [str(s) for s in _sure(tags, "pocket_style")]
        if "kangaroo" in style:
            say("pockets", (("袋鼠口袋，暖手又能装", "A roomy kangaroo pocket"),), "has_pockets", "pocket_style")
        else:
            say("pockets", (("实用口袋，方便收纳", "Handy pockets for the essentials"),
                            ("贴心口袋设计，实用方便", "Pockets where you want them")), "has_pockets")
    for (dimension, value), options in DETAILS.items():
        if value in _sure(tags, dimension) and len(points) < MAX_POINTS - 1:
            say(f"{dimension}={value}", options, dimension)
    _season_point(dictionary, tags, say)
    for o in _sure(tags, "occasion")[:1]:
        if str(o) in OCCASION:
            say("occasion", OCCASION[str(o)], "occasion")
    for topic, wording in (("staple", ("百搭单品，衣橱必备", "A wardrobe staple")),
                           ("finish", ("做工精致，细节用心", "Carefully finished")),
                           ("comfort", ("舒适有型，久穿不累", "Comfortable all day"))):
        if len(points) >= MIN_POINTS:
            break
        say(topic, (wording,))
    return points[:MAX_POINTS]


def _colour_point(dictionary: Dictionary, tags: dict[str, ProfileTag], colours: Sequence[NamedColour],
                  say: Callable[..., None]) -> None:
    families = [str(f) for f in _sure(tags, "colour_family") if f != "multi"]
    named = [c for c in colours if c.family in families]
    if len(families) >= 2:
        say("colour", (("撞色设计，层次丰富", "Contrasting colours with depth"),), "colour_family")
    elif families:
        zh, en = (named[0].zh, named[0].en) if named else _word(dictionary, "colour_family", families[0])
        say("colour", ((f"{zh}百搭耐看", f"Easy-to-wear {en.lower()}"),
                       (f"{zh}高级显气质", f"A refined {en.lower()}")), "colour_family")


def _season_point(dictionary: Dictionary, tags: dict[str, ProfileTag], say: Callable[..., None]) -> None:
    seasons = [str(s) for s in _sure(tags, "season")]
    if not seasons:
        return
    if len(seasons) == 4:
        say("season", (("四季可穿", "Wear it all year round"),), "season")
        return
    words = [_word(dictionary, "season", s) for s in seasons]
    zh = "".join(w[0].removesuffix("季") for w in words)
    names = [w[1].lower() for w in words]
    en = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    say("season", ((f"{zh}必备", f"Made for {en}"), (f"适合{zh}穿着", f"Just right for {en}")), "season")
