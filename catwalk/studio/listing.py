"""A studio garment's product listing: what the garment is (`GarmentSpec`) and what a
merchant says about it (zh/en titles, short descriptions, tag-like attributes).

`random_spec` draws a coherent spec from a seed (any field may be fixed; a value the
kind cannot have is refused with a ValueError that starts with the field's name);
`write_listing` words it from small phrase banks, deterministically by seed, and never
says anything the spec contradicts. `catwalk.studio.garments` draws the photo of a spec.
numpy only; importing does nothing heavy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any, TypeVar

import numpy as np

from catwalk.vision.labels import Silhouette


class GarmentKind(StrEnum):
    TSHIRT = "tshirt"
    SHIRT = "shirt"
    HOODIE = "hoodie"
    SWEATER = "sweater"  # knit or long-sleeve top; with buttons, a cardigan
    SLEEVELESS = "sleeveless"
    COAT = "coat"
    TRENCH = "trench"
    DRESS = "dress"
    SKIRT = "skirt"
    TROUSERS = "trousers"


class Pattern(StrEnum):
    SOLID = "solid"
    STRIPES = "stripes"
    CHECKS = "checks"
    FLORAL = "floral"
    ABSTRACT = "abstract"
    LOGO = "logo"  # a drawn emblem or lettering on the chest


class Sleeve(StrEnum):
    SLEEVELESS = "sleeveless"
    SHORT = "short"
    THREE_QUARTER = "three_quarter"
    LONG = "long"


class Length(StrEnum):
    CROPPED = "cropped"
    REGULAR = "regular"
    MINI = "mini"
    HIP = "hip"
    KNEE = "knee"
    MIDI = "midi"
    MAXI = "maxi"


class Neckline(StrEnum):
    CREW = "crew"
    V_NECK = "v_neck"
    COLLAR = "collar"  # a shirt collar
    HOOD = "hood"
    LAPEL = "lapel"  # notched lapels of a coat


class Closure(StrEnum):
    NONE = "none"  # pullover top, pull-on (elastic-waist) bottom
    BUTTONS = "buttons"  # button front; single-breasted on coats
    DOUBLE_BREASTED = "double_breasted"
    ZIP = "zip"


class Gender(StrEnum):
    WOMEN = "women"
    MEN = "men"
    UNISEX = "unisex"


class Season(StrEnum):
    SPRING = "spring"
    SUMMER = "summer"
    AUTUMN = "autumn"
    WINTER = "winter"


class Material(StrEnum):
    COTTON = "cotton"
    LINEN = "linen"
    WOOL = "wool"
    POLYESTER = "polyester"
    DENIM = "denim"
    SILK = "silk"
    CASHMERE = "cashmere"


class Style(StrEnum):
    CASUAL = "casual"
    BUSINESS = "business"
    STREET = "street"
    SPORTY = "sporty"
    ELEGANT = "elegant"


@dataclass(frozen=True)
class Colour:
    name_en: str
    name_zh: str
    rgb: tuple[int, int, int]

    @property
    def hex(self) -> str:
        return "#{:02x}{:02x}{:02x}".format(*self.rgb)


PALETTE: tuple[Colour, ...] = (
    Colour("black", "黑色", (24, 24, 26)), Colour("white", "白色", (250, 250, 248)),
    Colour("beige", "米色", (222, 205, 178)), Colour("camel", "驼色", (193, 146, 96)),
    Colour("khaki", "卡其色", (189, 170, 125)), Colour("grey", "灰色", (140, 140, 144)),
    Colour("light grey", "浅灰色", (200, 200, 203)), Colour("charcoal", "炭灰色", (64, 64, 68)),
    Colour("navy", "藏青色", (32, 42, 78)), Colour("sky blue", "天蓝色", (150, 195, 232)),
    Colour("denim blue", "牛仔蓝", (70, 100, 140)), Colour("red", "红色", (190, 30, 40)),
    Colour("burgundy", "酒红色", (110, 25, 40)), Colour("pink", "粉色", (236, 170, 190)),
    Colour("olive", "橄榄绿", (100, 105, 60)), Colour("forest green", "墨绿色", (30, 75, 50)),
    Colour("brown", "棕色", (110, 70, 40)), Colour("mustard", "姜黄色", (205, 160, 45)),
    Colour("orange", "橙色", (230, 120, 40)), Colour("purple", "紫色", (110, 70, 140)),
)
_COLOUR_BY_NAME = {name: c for c in PALETTE for name in (c.name_en, c.name_zh)}
BACKGROUNDS = ("white", "grey")
_BACKGROUND_RGB = {"white": 251.0, "grey": 229.0}  # mid levels of the studio sweeps


def colour_named(name: str) -> Colour:
    """A palette colour by its en or zh name ("navy", "藏青色")."""
    try:
        return _COLOUR_BY_NAME[name.strip().lower() if name.isascii() else name.strip()]
    except KeyError:
        raise ValueError(f"colour: {name!r} is not in the palette "
                         f"({', '.join(c.name_en for c in PALETTE)})") from None


def _lab(rgb: Sequence[float]) -> np.ndarray:
    """CIE Lab (D65) of an sRGB 0..255 colour."""
    c = np.asarray(rgb, np.float64) / 255.0
    c = np.where(c > 0.04045, ((c + 0.055) / 1.055) ** 2.4, c / 12.92)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ c / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def colour_distance(a: Colour, b: Colour) -> float:
    """CIE76 ΔE between two colours."""
    return float(np.linalg.norm(_lab(a.rgb) - _lab(b.rgb)))


def visible_on(colour: Colour, background: str) -> bool:
    """Whether a garment of this colour stands out from a studio background: darker by a
    clear step, a little brighter (white on grey), or of another hue."""
    if background not in _BACKGROUND_RGB:
        raise ValueError(f"background: {background!r} is not one of {BACKGROUNDS}")
    diff = _lab(colour.rgb) - _lab((_BACKGROUND_RGB[background],) * 3)
    return bool(diff[0] < -14 or diff[0] > 4 or np.hypot(diff[1], diff[2]) > 12)


# --- what each kind can be --------------------------------------------------------------

_K = GarmentKind
_ALL_GENDERS = (Gender.WOMEN, Gender.MEN, Gender.UNISEX)


@dataclass(frozen=True)
class _Rules:
    """Values a kind allows; a value listed twice is drawn twice as often at random."""

    sleeves: tuple[Sleeve | None, ...]
    lengths: tuple[Length, ...]
    necklines: tuple[Neckline | None, ...]
    closures: tuple[Closure, ...]
    patterns: tuple[Pattern, ...]
    materials: tuple[Material, ...]
    styles: tuple[Style, ...]
    genders: tuple[Gender, ...]
    pocket_chance: float
    colours: tuple[str, ...]  # typical colours for random draws (any palette colour may be fixed)


_S, _L, _N, _C, _P, _M, _Y = Sleeve, Length, Neckline, Closure, Pattern, Material, Style
_TOP_LENGTHS = (_L.REGULAR, _L.REGULAR, _L.CROPPED)
_RULES: dict[GarmentKind, _Rules] = {
    _K.TSHIRT: _Rules((_S.SHORT, _S.SHORT, _S.LONG), _TOP_LENGTHS, (_N.CREW, _N.CREW, _N.V_NECK),
                      (_C.NONE,), (_P.SOLID, _P.SOLID, _P.STRIPES, _P.LOGO, _P.ABSTRACT, _P.FLORAL),
                      (_M.COTTON, _M.COTTON, _M.POLYESTER, _M.LINEN), (_Y.CASUAL, _Y.STREET, _Y.SPORTY),
                      _ALL_GENDERS, 0.2, ("white", "black", "grey", "navy", "red", "sky blue", "pink",
                                          "olive", "mustard", "beige")),
    _K.SHIRT: _Rules((_S.LONG, _S.LONG, _S.SHORT, _S.THREE_QUARTER), _TOP_LENGTHS, (_N.COLLAR,),
                     (_C.BUTTONS,), (_P.SOLID, _P.SOLID, _P.STRIPES, _P.CHECKS, _P.FLORAL),
                     (_M.COTTON, _M.COTTON, _M.LINEN, _M.DENIM, _M.SILK, _M.POLYESTER),
                     (_Y.BUSINESS, _Y.CASUAL, _Y.ELEGANT), _ALL_GENDERS, 0.5,
                     ("white", "sky blue", "pink", "navy", "black", "denim blue", "khaki", "olive")),
    _K.HOODIE: _Rules((_S.LONG, _S.LONG, _S.LONG, _S.SHORT), _TOP_LENGTHS, (_N.HOOD,), (_C.NONE, _C.ZIP),
                      (_P.SOLID, _P.SOLID, _P.LOGO, _P.LOGO, _P.ABSTRACT), (_M.COTTON, _M.POLYESTER),
                      (_Y.CASUAL, _Y.STREET, _Y.SPORTY), _ALL_GENDERS, 0.85,
                      ("grey", "black", "navy", "burgundy", "olive", "pink", "beige", "white", "sky blue",
                       "forest green")),
    _K.SWEATER: _Rules((_S.LONG, _S.LONG, _S.THREE_QUARTER), _TOP_LENGTHS, (_N.CREW, _N.V_NECK),
                       (_C.NONE, _C.NONE, _C.BUTTONS), (_P.SOLID, _P.SOLID, _P.SOLID, _P.STRIPES, _P.LOGO),
                       (_M.WOOL, _M.COTTON, _M.CASHMERE), (_Y.CASUAL, _Y.ELEGANT, _Y.BUSINESS),
                       _ALL_GENDERS, 0.25, ("camel", "beige", "grey", "charcoal", "navy", "burgundy",
                                            "forest green", "white", "pink", "mustard")),
    _K.SLEEVELESS: _Rules((_S.SLEEVELESS,), _TOP_LENGTHS, (_N.CREW, _N.V_NECK), (_C.NONE,),
                          (_P.SOLID, _P.SOLID, _P.STRIPES, _P.FLORAL, _P.LOGO, _P.ABSTRACT),
                          (_M.COTTON, _M.LINEN, _M.SILK, _M.POLYESTER), (_Y.CASUAL, _Y.SPORTY, _Y.ELEGANT),
                          _ALL_GENDERS, 0.1, ("white", "black", "pink", "sky blue", "mustard", "olive", "red",
                                              "beige")),
    _K.COAT: _Rules((_S.LONG,), (_L.HIP, _L.KNEE, _L.KNEE, _L.MIDI), (_N.LAPEL,),
                    (_C.BUTTONS, _C.DOUBLE_BREASTED), (_P.SOLID, _P.SOLID, _P.SOLID, _P.CHECKS),
                    (_M.WOOL, _M.WOOL, _M.CASHMERE, _M.POLYESTER), (_Y.BUSINESS, _Y.ELEGANT, _Y.CASUAL),
                    _ALL_GENDERS, 0.9, ("camel", "black", "charcoal", "navy", "grey", "beige", "burgundy",
                                        "olive")),
    _K.TRENCH: _Rules((_S.LONG,), (_L.HIP, _L.KNEE, _L.KNEE, _L.MIDI), (_N.LAPEL,),
                      (_C.DOUBLE_BREASTED, _C.DOUBLE_BREASTED, _C.BUTTONS), (_P.SOLID, _P.SOLID, _P.SOLID,
                                                                            _P.CHECKS),
                      (_M.COTTON, _M.POLYESTER), (_Y.BUSINESS, _Y.ELEGANT, _Y.CASUAL), _ALL_GENDERS, 0.8,
                      ("khaki", "khaki", "beige", "camel", "black", "navy", "olive")),
    _K.DRESS: _Rules((_S.SLEEVELESS, _S.SHORT, _S.THREE_QUARTER, _S.LONG), (_L.MINI, _L.KNEE, _L.MIDI, _L.MAXI),
                     (_N.CREW, _N.V_NECK), (_C.NONE, _C.NONE, _C.BUTTONS),
                     (_P.SOLID, _P.SOLID, _P.FLORAL, _P.FLORAL, _P.STRIPES, _P.CHECKS, _P.ABSTRACT),
                     (_M.COTTON, _M.LINEN, _M.SILK, _M.POLYESTER), (_Y.ELEGANT, _Y.CASUAL), (Gender.WOMEN,),
                     0.3, ("red", "black", "navy", "pink", "sky blue", "white", "beige", "mustard",
                           "forest green", "burgundy", "purple")),
    _K.SKIRT: _Rules((None,), (_L.MINI, _L.KNEE, _L.MIDI, _L.MAXI), (None,), (_C.NONE, _C.ZIP, _C.BUTTONS),
                     (_P.SOLID, _P.SOLID, _P.CHECKS, _P.FLORAL, _P.STRIPES, _P.ABSTRACT),
                     (_M.COTTON, _M.LINEN, _M.POLYESTER, _M.DENIM, _M.WOOL), (_Y.ELEGANT, _Y.CASUAL, _Y.BUSINESS),
                     (Gender.WOMEN,), 0.4, ("black", "navy", "camel", "beige", "red", "pink", "khaki", "grey",
                                            "white", "forest green")),
    _K.TROUSERS: _Rules((None,), (_L.REGULAR, _L.REGULAR, _L.CROPPED), (None,), (_C.ZIP, _C.ZIP, _C.NONE),
                        (_P.SOLID, _P.SOLID, _P.SOLID, _P.SOLID, _P.STRIPES, _P.CHECKS),
                        (_M.COTTON, _M.DENIM, _M.WOOL, _M.LINEN, _M.POLYESTER),
                        (_Y.BUSINESS, _Y.CASUAL, _Y.STREET, _Y.SPORTY), _ALL_GENDERS, 0.9,
                        ("black", "navy", "khaki", "grey", "charcoal", "beige", "olive", "denim blue", "white")),
}
_DENIM_COLOURS = ("denim blue", "denim blue", "navy", "black", "sky blue", "grey", "white")
_WARM = (Material.WOOL, Material.CASHMERE)
_SP, _SU, _AU, _WI = Season.SPRING, Season.SUMMER, Season.AUTUMN, Season.WINTER


def season_options(kind: GarmentKind, material: Material, sleeve: Sleeve | None
                   ) -> tuple[tuple[Season, ...], ...]:
    """The season combinations a garment of this kind, material and sleeve is sold for."""
    if kind == _K.COAT or material in _WARM:
        return (_AU, _WI), (_WI,)
    if kind == _K.TRENCH:
        return (_SP, _AU), (_AU, _WI)
    if kind in (_K.HOODIE, _K.SWEATER) and sleeve != Sleeve.SHORT:
        return (_SP, _AU), (_AU, _WI)
    if material in (Material.LINEN, Material.SILK) or sleeve in (Sleeve.SLEEVELESS, Sleeve.SHORT):
        return (_SP, _SU), (_SU,)
    if sleeve == Sleeve.THREE_QUARTER:
        return (_SP, _SU), (_SP, _AU)
    return (_SP, _AU), (_SP, _SU, _AU, _WI)


@dataclass(frozen=True)
class GarmentSpec:
    """One garment as a merchant lists it. Constructing one checks every field against
    the kind (ValueError "field: why")."""

    kind: GarmentKind
    colour: Colour
    pattern: Pattern
    accent: Colour | None  # the pattern's second colour (stripes, print, logo); None when solid
    sleeve: Sleeve | None  # None for skirts and trousers
    length: Length
    neckline: Neckline | None  # None for skirts and trousers
    pockets: bool
    closure: Closure
    gender: Gender
    seasons: tuple[Season, ...]  # in calendar order, e.g. (AUTUMN, WINTER)
    material: Material
    style: Style

    def __post_init__(self) -> None:
        if self.kind not in _RULES:
            raise ValueError(f"kind: {self.kind!r} is not one of {[str(k) for k in GarmentKind]}")
        rules = _RULES[self.kind]
        for name in ("sleeve", "length", "neckline", "closure", "pattern", "material", "style", "gender"):
            _check_allowed(self.kind, name, getattr(self, name), getattr(rules, _PLURAL[name]))
        if (self.accent is None) != (self.pattern == Pattern.SOLID):
            raise ValueError(f"accent: a {self.pattern} garment needs "
                             f"{'no' if self.pattern == Pattern.SOLID else 'an'} accent colour")
        if self.accent is not None and colour_distance(self.accent, self.colour) < 25:
            raise ValueError(f"accent: {self.accent.name_en} is too close to {self.colour.name_en} to show")
        if self.pattern in _EDGE_PATTERNS and self.accent is not None \
                and not all(visible_on(self.accent, bg) for bg in BACKGROUNDS):
            raise ValueError(f"accent: {self.pattern} run to the garment's edge; {self.accent.name_en} "
                             "would vanish into a studio background there")
        options = season_options(self.kind, self.material, self.sleeve)
        if self.seasons not in options:
            raise ValueError(f"seasons: a {self.material} {self.kind} is sold for "
                             f"{' or '.join('/'.join(o) for o in options)}, not {'/'.join(self.seasons)}")


_PLURAL = {"sleeve": "sleeves", "length": "lengths", "neckline": "necklines", "closure": "closures",
           "pattern": "patterns", "material": "materials", "style": "styles", "gender": "genders"}
_EDGE_PATTERNS = (Pattern.STRIPES, Pattern.CHECKS)  # they reach the outline; prints and logos stay inside


def _check_allowed(kind: GarmentKind, name: str, value: object, allowed: tuple[object, ...]) -> None:
    if value not in allowed:
        shown = sorted({str(a) for a in allowed if a is not None}) or ["none (leave it out)"]
        raise ValueError(f"{name}: a {kind} cannot have {name} {'none' if value is None else repr(str(value))}; "
                         f"allowed: {', '.join(shown)}")


_E = TypeVar("_E", bound=StrEnum)


def _enum(name: str, cls: type[_E], value: Any) -> _E:
    try:
        return cls(value)
    except ValueError:
        raise ValueError(f"{name}: {value!r} is not one of {[str(v) for v in cls]}") from None


def _coerce(name: str, value: Any) -> Any:
    """A fixed field's value from an enum, its string value, or a colour name."""
    enums: dict[str, type[StrEnum]] = {
        "kind": GarmentKind, "pattern": Pattern, "sleeve": Sleeve, "length": Length, "neckline": Neckline,
        "closure": Closure, "gender": Gender, "material": Material, "style": Style}
    if name in ("colour", "accent"):
        if (value is None and name == "accent") or isinstance(value, Colour):
            return value
        if isinstance(value, str):
            return colour_named(value)
        raise ValueError(f"{name}: expected a Colour or a palette name, got {value!r}")
    if name == "pockets":
        if not isinstance(value, bool):
            raise ValueError(f"pockets: expected True or False, got {value!r}")
        return value
    if name == "seasons":
        items = value.split("/") if isinstance(value, str) else value
        if not isinstance(items, list | tuple) or not items:
            raise ValueError(f"seasons: expected seasons such as ('autumn', 'winter'), got {value!r}")
        chosen = {_enum(name, Season, v) for v in items}
        return tuple(s for s in Season if s in chosen)
    if value is None and name in ("sleeve", "neckline"):
        return None
    return _enum(name, enums[name], value)


def _pick(rng: np.random.Generator, options: Sequence[Any]) -> Any:
    return options[int(rng.integers(len(options)))]


def random_spec(seed: int, kind: GarmentKind | str | None = None, **fixed: Any) -> GarmentSpec:
    """A coherent garment drawn from `seed`; `fixed` fields (GarmentSpec names, enum or
    string values, colours by name) are kept. ValueError names the first field that is
    unknown, malformed, impossible for the kind, or at odds with the other fixed fields."""
    names = [f.name for f in fields(GarmentSpec)]
    for name in fixed:
        if name not in names or name == "kind":
            raise ValueError(f"{name}: not a field random_spec can fix "
                             f"({', '.join(n for n in names if n != 'kind')})")
    values = {name: _coerce(name, v) for name, v in fixed.items()}
    rng = np.random.default_rng([seed, 0x5EC])
    kind = _enum("kind", GarmentKind, kind) if kind is not None else _pick(rng, list(GarmentKind))
    rules = _RULES[kind]
    for name, value in values.items():
        if name in _PLURAL:
            _check_allowed(kind, name, value, getattr(rules, _PLURAL[name]))
    problem = ""
    for _ in range(200):
        v = dict(values)
        for name in ("material", "sleeve", "length", "neckline", "closure", "pattern", "gender", "style"):
            if name not in v:
                v[name] = _pick(rng, getattr(rules, _PLURAL[name]))
        if "colour" not in v:
            typical = _DENIM_COLOURS if v["material"] == Material.DENIM else rules.colours
            v["colour"] = colour_named(_pick(rng, typical))
        if "accent" not in v:
            v["accent"] = None if v["pattern"] == Pattern.SOLID else _accent(rng, v["pattern"], v["colour"])
        if "pockets" not in v:
            v["pockets"] = bool(rng.random() < rules.pocket_chance)
        if "seasons" not in v:
            v["seasons"] = _pick(rng, season_options(kind, v["material"], v["sleeve"]))
        try:
            return GarmentSpec(kind=kind, **v)
        except ValueError as err:
            problem = str(err)
    raise ValueError(problem if problem.split(":")[0] in values else
                     f"{min(values, default='kind')}: no {kind} fits the fixed fields together ({problem})")


def _accent(rng: np.random.Generator, pattern: Pattern, colour: Colour) -> Colour | None:
    """A second colour that shows on the garment (and on both studio backgrounds where the
    pattern reaches the garment's edge)."""
    options = [c for c in PALETTE if colour_distance(c, colour) >= 40
               and (pattern not in _EDGE_PATTERNS or all(visible_on(c, bg) for bg in BACKGROUNDS))]
    if pattern == Pattern.LOGO:  # lettering: white on dark cloth, black on light
        options = [c for c in options if c.name_en in ("white", "black", "red", "mustard", "navy")]
    return _pick(rng, options) if options else None


def pocket_style(spec: GarmentSpec) -> str | None:
    """How the garment's pockets are made ("patch", "welt" or "kangaroo"); None without."""
    if not spec.pockets:
        return None
    if spec.kind == _K.HOODIE:
        return "kangaroo" if spec.closure == Closure.NONE else "welt"
    if spec.kind in (_K.COAT, _K.SKIRT):
        return "patch" if spec.style == Style.CASUAL or spec.material == Material.DENIM else "welt"
    return "welt" if spec.kind in (_K.TRENCH, _K.TROUSERS) else "patch"


def pocket_count(spec: GarmentSpec) -> int:
    """Pockets drawn on the front: one chest pocket on shirts, tees and tanks."""
    if not spec.pockets:
        return 0
    return 1 if spec.kind in (_K.TSHIRT, _K.SHIRT, _K.SLEEVELESS) or pocket_style(spec) == "kangaroo" else 2



def silhouette_of(kind: GarmentKind) -> Silhouette:
    """The `garment_segmenter` class of a kind."""
    return _SILHOUETTE.get(kind, Silhouette.TOP)


_SILHOUETTE = {_K.COAT: Silhouette.OUTERWEAR, _K.TRENCH: Silhouette.OUTERWEAR, _K.DRESS: Silhouette.DRESS,
               _K.SKIRT: Silhouette.SKIRT, _K.TROUSERS: Silhouette.TROUSERS}


# --- the words --------------------------------------------------------------------------


@dataclass(frozen=True)
class Listing:
    """What a product page says about a spec. `attributes` holds the tag-like facts
    (merchant attributes, and the truth for the product parser's tags); keys that do not
    apply to the kind (sleeve of trousers, pocket_style without pockets) are absent."""

    title_zh: str
    title_en: str
    description_zh: str
    description_en: str
    attributes: dict[str, str | bool]


_NOUN: dict[GarmentKind, tuple[tuple[str, ...], tuple[str, ...]]] = {
    _K.TSHIRT: (("T恤", "T恤衫"), ("T-Shirt", "Tee")), _K.SHIRT: (("衬衫", "衬衣"), ("Shirt",)),
    _K.HOODIE: (("连帽卫衣", "卫衣"), ("Hoodie", "Hooded Sweatshirt")),
    _K.SWEATER: (("毛衣", "针织衫"), ("Sweater", "Knit Top")),
    _K.SLEEVELESS: (("背心", "无袖上衣"), ("Tank Top", "Sleeveless Top")),
    _K.COAT: (("大衣", "外套"), ("Coat", "Overcoat")), _K.TRENCH: (("风衣", "风衣外套"), ("Trench Coat",)),
    _K.DRESS: (("连衣裙",), ("Dress",)), _K.SKIRT: (("半身裙", "裙子"), ("Skirt",)),
    _K.TROUSERS: (("长裤", "裤子"), ("Trousers", "Pants")),
}
_MATERIAL = {  # zh words, en word, zh feel, en feel
    _M.COTTON: (("纯棉", "棉质"), "Cotton", ("柔软透气", "亲肤舒适"), "soft, breathable"),
    _M.LINEN: (("亚麻",), "Linen", ("清爽透气", "自然垂坠"), "cool, airy"),
    _M.WOOL: (("羊毛", "毛呢"), "Wool", ("保暖有型", "厚实挺括"), "warm, structured"),
    _M.POLYESTER: (("聚酯纤维",), "Polyester", ("挺括易打理", "不易起皱"), "easy-care, crease-resistant"),
    _M.DENIM: (("牛仔",), "Denim", ("耐穿有型", "经典百搭"), "durable, classic"),
    _M.SILK: (("真丝", "丝质"), "Silk", ("顺滑亲肤", "光泽柔和"), "smooth, lustrous"),
    _M.CASHMERE: (("羊绒",), "Cashmere", ("轻柔保暖", "细腻柔软"), "soft, warm"),
}
_PATTERN = {_P.SOLID: (("纯色",), "Solid"), _P.STRIPES: (("条纹",), "Striped"),
            _P.CHECKS: (("格纹", "格子"), "Checked"), _P.FLORAL: (("碎花", "印花"), "Floral"),
            _P.ABSTRACT: (("抽象印花",), "Abstract-Print"), _P.LOGO: (("logo印花", "字母印花"), "Logo")}
_SLEEVE = {_S.SLEEVELESS: ("无袖", "Sleeveless", "no sleeves"), _S.SHORT: ("短袖", "Short-Sleeve", "short sleeves"),
           _S.THREE_QUARTER: ("七分袖", "3/4-Sleeve", "three-quarter sleeves"),
           _S.LONG: ("长袖", "Long-Sleeve", "long sleeves")}
_LENGTH = {_L.CROPPED: ("短款", "Cropped", "a cropped length"), _L.MINI: ("短款", "Mini", "a mini length"),
           _L.HIP: ("短款", "Hip-Length", "a hip length"), _L.KNEE: ("及膝", "Knee-Length", "a knee length"),
           _L.MIDI: ("中长款", "Midi", "a midi length"), _L.MAXI: ("长款", "Maxi", "a maxi length")}
_NECK = {_N.CREW: ("圆领", "Crew-Neck", "a crew neck"), _N.V_NECK: ("V领", "V-Neck", "a V-neck"),
         _N.COLLAR: ("翻领", "Collared", "a point collar"), _N.HOOD: ("连帽", "Hooded", "a drawstring hood"),
         _N.LAPEL: ("翻驳领", "Lapel", "notched lapels")}
_STYLE = {_Y.CASUAL: (("休闲",), "Casual", "日常休闲", "everyday wear"),
          _Y.BUSINESS: (("商务", "通勤"), "Business", "通勤上班", "the office"),
          _Y.STREET: (("街头", "潮流"), "Streetwear", "街头出行", "the city streets"),
          _Y.SPORTY: (("运动",), "Sporty", "运动健身", "workouts and weekends"),
          _Y.ELEGANT: (("优雅", "气质"), "Elegant", "约会聚会", "dates and evenings out")}
_OCCASION = {_Y.CASUAL: "daily", _Y.BUSINESS: "work", _Y.STREET: "street", _Y.SPORTY: "sport", _Y.ELEGANT: "party"}
_GENDER = {Gender.WOMEN: (("女士", "女款", "女装"), "Women's"), Gender.MEN: (("男士", "男款", "男装"), "Men's"),
           Gender.UNISEX: (("男女同款", "中性"), "Unisex")}
_SEASON = {(_SP, _SU): ("春夏", "Spring/Summer", "spring and summer"), (_SU,): ("夏季", "Summer", "summer"),
           (_AU, _WI): ("秋冬", "Autumn/Winter", "autumn and winter"), (_WI,): ("冬季", "Winter", "winter"),
           (_SP, _AU): ("春秋", "Spring/Autumn", "spring and autumn"),
           (_SP, _SU, _AU, _WI): ("四季", "All-Season", "every season")}
_POCKETS_ZH = {("patch", 1): "胸前明贴口袋", ("patch", 2): "前身两个明贴口袋", ("welt", 2): "两侧插手口袋",
               ("kangaroo", 1): "前身袋鼠口袋"}
_POCKETS_EN = {("patch", 1): "A patch pocket on the chest.", ("patch", 2): "Two patch pockets on the front.",
               ("welt", 2): "Two welt pockets at the sides.", ("kangaroo", 1): "A roomy kangaroo pocket."}
_BOTTOMS = (_K.SKIRT, _K.TROUSERS)


def _noun(spec: GarmentSpec) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if spec.kind == _K.SWEATER and spec.closure == Closure.BUTTONS:
        return ("开衫", "针织开衫"), ("Cardigan",)
    if spec.kind == _K.TROUSERS:
        denim = spec.material == Material.DENIM
        if spec.length == Length.CROPPED:
            return ("九分牛仔裤",) if denim else ("九分裤",), ("Cropped Jeans",) if denim else ("Cropped Trousers",)
        if denim:
            return ("牛仔裤",), ("Jeans",)
    return _NOUN[spec.kind]


def _closure(spec: GarmentSpec) -> tuple[str, str, str]:
    """zh title word, en title word, en description phrase ("" where the kind implies it)."""
    kind, c = spec.kind, spec.closure
    if c == Closure.DOUBLE_BREASTED:
        return "双排扣", "Double-Breasted", "double-breasted buttons"
    if c == Closure.ZIP:
        if kind == _K.TROUSERS:
            return "", "", "a zip fly"
        return "拉链", "Zip-Up" if kind == _K.HOODIE else "Zip-Front", "a front zip"
    if c == Closure.BUTTONS:
        if kind in (_K.COAT, _K.TRENCH):
            return "单排扣", "Single-Breasted", "single-breasted buttons"
        if kind == _K.SWEATER:
            return "", "", "a buttoned front"
        return ("", "Button-Up", "a button front") if kind == _K.SHIRT else ("排扣", "Button-Front", "a button front")
    if kind in _BOTTOMS:
        return "松紧腰", "Elastic-Waist", "an elastic waist"
    return ("套头", "Pullover", "a pullover fit") if kind in (_K.HOODIE, _K.SWEATER) else ("", "", "a pullover fit")


def _closure_zh(spec: GarmentSpec) -> str:
    """The closure as a description phrase."""
    kind, c = spec.kind, spec.closure
    if c == Closure.ZIP:
        return {_K.HOODIE: "拉链开襟", _K.TROUSERS: "拉链门襟"}.get(kind, "前拉链")
    if c == Closure.BUTTONS:
        return {_K.COAT: "单排扣", _K.TRENCH: "单排扣", _K.SWEATER: "开衫纽扣"}.get(kind, "纽扣门襟")
    return "双排扣" if c == Closure.DOUBLE_BREASTED else ("松紧腰" if kind in _BOTTOMS else "套头")


def _a(word: str, noun: str) -> str:
    """The article before `word` in front of `noun` (trousers come in pairs)."""
    if noun.endswith(("Trousers", "Pants", "Jeans")):
        return "A pair of"
    return "An" if word[0].lower() in "aeio" else "A"


def _join_en(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def write_listing(spec: GarmentSpec, seed: int) -> Listing:
    """Titles, descriptions and attributes of a spec; the same spec and seed give the same text."""
    rng = np.random.default_rng([seed, 0xC0B1])
    maybe = lambda p: bool(rng.random() < p)  # noqa: E731
    nouns_zh, nouns_en = _noun(spec)
    noun_zh, noun_en = _pick(rng, nouns_zh), _pick(rng, nouns_en)
    mat_zh, mat_en, feel_zh, feel_en = _MATERIAL[spec.material]
    pat_zh, pat_en = _PATTERN[spec.pattern]
    style_zh, style_en, occasion_zh, occasion_en = _STYLE[spec.style]
    genders_zh, gender_en = _GENDER[spec.gender]
    season_zh, season_en, season_phrase = _SEASON[spec.seasons]
    close_zh, close_en, close_phrase = _closure(spec)
    style = pocket_style(spec)
    pockets = (style, pocket_count(spec)) if style is not None else None
    intrinsic_neck = spec.neckline in (None, _N.COLLAR, _N.HOOD, _N.LAPEL)
    sleeve = _SLEEVE[spec.sleeve] if spec.sleeve is not None and spec.kind != _K.SLEEVELESS else None
    length = _LENGTH.get(spec.length) if spec.kind != _K.TROUSERS else None
    # "牛仔牛仔裤", "Denim Blue Denim": the material goes unsaid where another word says it
    said_zh = spec.material == Material.DENIM and ("牛仔" in noun_zh or "牛仔" in spec.colour.name_zh)
    said_en = spec.material == Material.DENIM and (noun_en.endswith("Jeans") or "denim" in spec.colour.name_en)

    # zh: [season + new][gender][shuffled modifiers][colour][noun] [tails]
    mods_zh = [w for w, p in (
        (_pick(rng, style_zh), 0.4), ("" if said_zh else _pick(rng, mat_zh), 0.5),
        (_pick(rng, pat_zh), 0.3 if spec.pattern == Pattern.SOLID else 0.8), (close_zh, 0.8),
        (length[0] if length else "", 0.6), (sleeve[0] if sleeve else "", 0.7),
        ("" if intrinsic_neck or spec.neckline is None else _NECK[spec.neckline][0], 0.4)) if w and maybe(p)]
    mods_zh = [mods_zh[i] for i in rng.permutation(len(mods_zh))]
    tails = []
    if pockets is not None and maybe(0.75):
        tails.append(_pick(rng, ("有口袋", "带口袋")))
    elif pockets is None and maybe(0.4):
        tails.append("无口袋")
    if spec.kind == _K.TRENCH and maybe(0.5):
        tails.append("配腰带")
    new = _pick(rng, ("新款", "新品", "")) if maybe(0.8) else ""
    title_zh = " ".join([f"{season_zh}{new}{_pick(rng, genders_zh)}{''.join(mods_zh)}"
                         f"{spec.colour.name_zh}{noun_zh}", *tails])

    # en: Gender's [Style] Colour [Material] [Pattern] [Neck] [Closure] [Length] [Sleeve] Noun [pockets][, Season]
    mods_en = [w for w, p in (
        (style_en, 0.3), (spec.colour.name_en.title(), 1.0), ("" if said_en else mat_en, 0.5),
        (pat_en, 0.2 if spec.pattern == Pattern.SOLID else 0.85),
        ("" if intrinsic_neck or spec.neckline is None else _NECK[spec.neckline][1], 0.4),
        (close_en, 0.8), (length[1] if length else "", 0.6), (sleeve[1] if sleeve else "", 0.7)) if w and maybe(p)]
    title_en = " ".join([gender_en, *mods_en, noun_en])
    if pockets is not None and maybe(0.75):
        title_en += " with Chest Pocket" if pockets == ("patch", 1) else " with Pockets"
    elif pockets is None and maybe(0.4):
        title_en += ", No Pockets"
    if maybe(0.6):
        title_en += f", {season_en}"

    # descriptions
    colour_zh = spec.colour.name_zh + ("" if spec.pattern == Pattern.SOLID else _pick(rng, pat_zh))
    design = [colour_zh]
    if spec.neckline is not None:
        design.append(_NECK[spec.neckline][0])
    design.append(_closure_zh(spec))
    if spec.sleeve is not None:
        design.append(_SLEEVE[spec.sleeve][0])
    if length:
        design.append(f"{length[0]}长度" if spec.length != Length.KNEE else "及膝长度")
    zh = [_pick(rng, ("采用{}面料，{}。", "{}材质，{}。")).format(mat_zh[0], _pick(rng, feel_zh)),
          "，".join(design) + "设计。"]
    if spec.kind == _K.HOODIE:
        zh.append("连帽配抽绳，防风保暖。")
    if spec.kind == _K.TRENCH:
        zh.append("配同色腰带可收腰，防风片与肩袢经典有型。")
    if pockets is not None:
        zh.append(_POCKETS_ZH[pockets] + _pick(rng, ("，实用方便。", "，方便收纳。")))
    elif maybe(0.5):
        zh.append("简洁无口袋设计。")
    zh.append(f"适合{season_zh}{occasion_zh}穿着。")

    pattern_en = "" if spec.pattern == Pattern.SOLID else f"{pat_en.lower()} "
    features = [phrase for phrase in (
        _NECK[spec.neckline][2] if spec.neckline is not None else "", close_phrase,
        _SLEEVE[spec.sleeve][2] if spec.sleeve is not None else "", length[2] if length else "") if phrase]
    en = [f"{_pick(rng, ('Made from', 'Cut from'))} {feel_en} {mat_en.lower()}.",
          f"{_a(spec.colour.name_en, noun_en)} {spec.colour.name_en} {pattern_en}{noun_en.lower()} "
          f"with {_join_en(features)}."]
    if spec.kind == _K.TRENCH:
        en.append("A self-tie belt, a storm flap and epaulettes keep the classic trench look.")
    if pockets is not None:
        en.append(_POCKETS_EN[pockets])
    elif maybe(0.5):
        en.append("No pockets, for a clean line.")
    en.append(f"Wear it in {season_phrase} for {occasion_en}.")
    return Listing(title_zh, title_en, "".join(zh), " ".join(en), _attributes(spec, nouns_zh[0]))


def _attributes(spec: GarmentSpec, noun_zh: str) -> dict[str, str | bool]:
    out: dict[str, str | bool] = {
        "category": str(spec.kind), "category_zh": noun_zh, "silhouette": silhouette_of(spec.kind).name.lower(),
        "colour": spec.colour.name_en, "colour_zh": spec.colour.name_zh, "colour_hex": spec.colour.hex,
        "pattern": str(spec.pattern), "length": str(spec.length), "closure": str(spec.closure),
        "double_breasted": spec.closure == Closure.DOUBLE_BREASTED, "has_pockets": spec.pockets,
        "gender": str(spec.gender), "season": "/".join(spec.seasons), "season_zh": _SEASON[spec.seasons][0],
        "material": str(spec.material), "style": str(spec.style), "occasion": _OCCASION[spec.style],
        "hooded": spec.neckline == Neckline.HOOD, "belted": spec.kind == _K.TRENCH,
        "drawstring": spec.kind == _K.HOODIE or (spec.kind == _K.TROUSERS and spec.closure == Closure.NONE),
    }
    if spec.accent is not None:
        out["accent_colour"], out["accent_colour_zh"] = spec.accent.name_en, spec.accent.name_zh
    if spec.sleeve is not None:
        out["sleeve"] = str(spec.sleeve)
    if spec.neckline is not None:
        out["neckline"] = str(spec.neckline)
    style = pocket_style(spec)
    if style is not None:
        out["pocket_style"] = style
    return out
