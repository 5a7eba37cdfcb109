"""catwalk.studio.garments and catwalk.studio.listing: specs, product photos and their text."""

from __future__ import annotations

import re

import cv2
import numpy as np
import pytest

from catwalk.studio.garments import (
    BACKGROUNDS,
    PALETTE,
    Closure,
    GarmentKind,
    GarmentSpec,
    Pattern,
    ProductPhoto,
    Sleeve,
    draw_product,
    random_spec,
    visible_on,
    write_listing,
)
from catwalk.vision.labels import NUM_GARMENT_LANDMARKS, GarmentLandmark, Silhouette

GL = GarmentLandmark
SILHOUETTE = {
    "tshirt": Silhouette.TOP, "shirt": Silhouette.TOP, "hoodie": Silhouette.TOP, "sweater": Silhouette.TOP,
    "sleeveless": Silhouette.TOP, "coat": Silhouette.OUTERWEAR, "trench": Silhouette.OUTERWEAR,
    "dress": Silhouette.DRESS, "skirt": Silhouette.SKIRT, "trousers": Silhouette.TROUSERS,
}
_UPPER = {GL.NECK_LEFT, GL.NECK_RIGHT, GL.SHOULDER_LEFT, GL.SHOULDER_RIGHT, GL.ARMPIT_LEFT, GL.ARMPIT_RIGHT,
          GL.HEM_LEFT, GL.HEM_RIGHT, GL.HEM_CENTER}
_SLEEVES = {GL.SLEEVE_LEFT, GL.SLEEVE_RIGHT}
_TROUSERS = {GL.WAIST_LEFT, GL.WAIST_RIGHT, GL.HEM_LEFT, GL.HEM_RIGHT, GL.CROTCH}
_SKIRT = {GL.WAIST_LEFT, GL.WAIST_RIGHT, GL.HEM_LEFT, GL.HEM_RIGHT, GL.HEM_CENTER}


def _spec_for(kind: str, background: str, seed: int, **fixed: object) -> GarmentSpec:
    """A random spec of `kind` whose colour shows on `background`."""
    spec = random_spec(seed, kind, **fixed)
    return spec if visible_on(spec.colour, background) else random_spec(seed, kind, colour="olive", **fixed)


def _expected_rows(spec: GarmentSpec) -> set[GL]:
    if spec.kind == GarmentKind.TROUSERS:
        return _TROUSERS
    if spec.kind == GarmentKind.SKIRT:
        return _SKIRT
    return _UPPER if spec.sleeve == Sleeve.SLEEVELESS else _UPPER | _SLEEVES


# --- determinism ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["trench", "hoodie", "dress"])
def test_same_seed_same_photo_and_text(kind: str) -> None:
    a = draw_product(random_spec(42, kind), 42, size=300)
    b = draw_product(random_spec(42, kind), 42, size=300)
    assert a.spec == b.spec
    assert np.array_equal(a.image, b.image) and np.array_equal(a.mask, b.mask)
    assert np.array_equal(a.landmarks, b.landmarks)
    assert (a.title_zh, a.title_en, a.description_zh, a.description_en) == \
        (b.title_zh, b.title_en, b.description_zh, b.description_en)
    assert a.attributes == b.attributes
    other = draw_product(random_spec(43, kind), 43, size=300)
    assert not np.array_equal(a.image, other.image)


def test_text_depends_on_spec_and_seed_only() -> None:
    spec = random_spec(9, "coat")
    small, big = draw_product(spec, 9, size=200), draw_product(spec, 9, size=(500, 380), background="grey")
    listing = write_listing(spec, 9)
    for photo in (small, big):
        assert (photo.title_zh, photo.title_en, photo.attributes) == \
            (listing.title_zh, listing.title_en, listing.attributes)
    assert big.image.shape == (380, 500, 3) and max(small.image.shape[:2]) == 200


def test_phrasing_varies_with_the_seed() -> None:
    titles = [write_listing(random_spec(s, "trench", closure="double_breasted"), s) for s in range(40)]
    assert len({t.title_zh for t in titles}) >= 25
    assert len({t.title_en for t in titles}) >= 25
    assert len({t.description_en for t in titles}) >= 15


# --- photos -----------------------------------------------------------------------------


@pytest.mark.parametrize("background", BACKGROUNDS)
@pytest.mark.parametrize("kind", [k.value for k in GarmentKind])
def test_every_kind_renders_on_both_backgrounds(kind: str, background: str) -> None:
    spec = _spec_for(kind, background, seed=3)
    photo = draw_product(spec, 3, size=360, background=background)
    h, w = photo.image.shape[:2]
    assert photo.image.dtype == np.uint8 and photo.image.shape[2] == 3 and max(h, w) == 360
    assert photo.mask.shape == (h, w) and photo.mask.dtype == np.uint8 and set(np.unique(photo.mask)) == {0, 1}
    assert 0.05 <= photo.mask.mean() <= 0.75
    assert photo.silhouette == SILHOUETTE[kind]
    lm = photo.landmarks
    assert lm.shape == (NUM_GARMENT_LANDMARKS, 3) and lm.dtype == np.float32
    visible = {GL(i) for i in np.nonzero(lm[:, 2] > 0)[0]}
    assert visible == _expected_rows(spec)
    assert np.all(lm[lm[:, 2] == 0] == 0)  # rows a silhouette lacks are 0, 0, 0
    # each visible landmark lies on the garment's outline (within the anti-aliasing)
    outside = cv2.distanceTransform((1 - photo.mask).astype(np.uint8), cv2.DIST_L2, 3)
    for row in visible:
        x, y = lm[row, :2]
        assert 0 <= x < w and 0 <= y < h
        assert outside[round(y), round(x)] <= 1.5, f"{row.name} is off the garment"
    for left, right in ((GL.NECK_LEFT, GL.NECK_RIGHT), (GL.SLEEVE_LEFT, GL.SLEEVE_RIGHT),
                        (GL.HEM_LEFT, GL.HEM_RIGHT), (GL.WAIST_LEFT, GL.WAIST_RIGHT)):
        if left in visible:  # the wearer's left is the image's right
            assert lm[left, 0] > lm[right, 0]


@pytest.mark.parametrize(("kind", "background"), [
    ("tshirt", "white"), ("shirt", "grey"), ("hoodie", "white"), ("trench", "grey"), ("coat", "white"),
    ("dress", "grey"), ("skirt", "white"), ("trousers", "grey"), ("sweater", "white"), ("sleeveless", "grey"),
])
def test_mask_is_the_drawn_garment(kind: str, background: str) -> None:
    spec = _spec_for(kind, background, seed=5, pattern="solid")
    photo = draw_product(spec, 5, size=400, background=background)
    image = photo.image.astype(np.float32)
    mask = photo.mask
    # Away from the garment: only the studio sweep (bright, neutral; shadow and noise).
    outside = cv2.dilate(mask, np.ones((7, 7), np.uint8)) == 0
    sweep = image[outside]
    assert np.percentile(sweep.max(axis=1) - sweep.min(axis=1), 99) <= 10
    assert np.percentile(sweep.mean(axis=1), 1) >= (225 if background == "white" else 195)
    # Inside: the garment's colour (shading and painted details aside).
    deep = cv2.erode(mask, np.ones((7, 7), np.uint8)) > 0
    assert np.all(np.abs(np.median(image[deep], axis=0) - spec.colour.rgb) <= 20)
    # On the edge: pixels inside the mask are nearer the garment than the sweep, outside
    # the other way round (the truth is the fill's coverage >= 0.5).
    cloth, studio = np.asarray(spec.colour.rgb, np.float32), np.median(sweep, axis=0)
    for ring, nearer_cloth in ((mask - cv2.erode(mask, np.ones((3, 3), np.uint8)), True),
                               (cv2.dilate(mask, np.ones((3, 3), np.uint8)) - mask, False)):
        px = image[ring > 0]
        closer = np.linalg.norm(px - cloth, axis=1) < np.linalg.norm(px - studio, axis=1)
        assert np.mean(closer == nearer_cloth) >= 0.9


def test_white_garment_needs_the_grey_background() -> None:
    spec = random_spec(1, "tshirt", colour="white", pattern="solid")
    with pytest.raises(ValueError, match=r"^background:"):
        draw_product(spec, 1, size=200, background="white")
    assert np.median(draw_product(spec, 1, size=200).image[:5]) < 240  # the default picks grey


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"background": "black"}, "background"), ({"size": 20}, "size"), ({"size": (500, 40)}, "size"),
])
def test_bad_photo_arguments_name_the_argument(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ValueError, match=rf"^{field}:"):
        draw_product(random_spec(0, "skirt"), 0, **kwargs)


def test_details_are_drawn() -> None:
    """A trench's belt, a hoodie's drawstrings and a zip are visible: the garment's inside
    holds more than its own colour."""
    for kind, fixed in (("trench", {"closure": "double_breasted"}), ("hoodie", {"closure": "zip"}),
                        ("trousers", {"closure": "zip"}), ("shirt", {"closure": "buttons"})):
        spec = random_spec(2, kind, pattern="solid", colour="navy", **fixed)
        photo = draw_product(spec, 2, size=500, background="white")
        inside = photo.image[cv2.erode(photo.mask, np.ones((5, 5), np.uint8)) > 0].astype(np.float32)
        far = np.linalg.norm(inside - spec.colour.rgb, axis=1) > 40
        assert 0.005 <= far.mean() <= 0.35, kind


# --- text -------------------------------------------------------------------------------

_GENDER_ZH = {"women": ("女士", "女款", "女装"), "men": ("男士", "男款", "男装"), "unisex": ("男女同款", "中性")}
_GENDER_EN = {"women": r"\bWomen's\b", "men": r"\bMen's\b", "unisex": r"\bUnisex\b"}
_SLEEVE_ZH = {"无袖": Sleeve.SLEEVELESS, "短袖": Sleeve.SHORT, "七分袖": Sleeve.THREE_QUARTER, "长袖": Sleeve.LONG}
_SLEEVE_EN = {"sleeveless": Sleeve.SLEEVELESS, "short sleeve": Sleeve.SHORT, "short-sleeve": Sleeve.SHORT,
              "three-quarter": Sleeve.THREE_QUARTER, "3/4": Sleeve.THREE_QUARTER, "long sleeve": Sleeve.LONG,
              "long-sleeve": Sleeve.LONG}
_SEASONS = {"spring/summer": ("春夏", "Spring/Summer"), "summer": ("夏季", "Summer"),
            "autumn/winter": ("秋冬", "Autumn/Winter"), "winter": ("冬季", "Winter"),
            "spring/autumn": ("春秋", "Spring/Autumn"), "spring/summer/autumn/winter": ("四季", "All-Season")}
LISTINGS = [(spec, write_listing(spec, seed)) for seed in range(400) for spec in [random_spec(seed)]]


def test_the_sample_covers_the_vocabulary() -> None:
    specs = [spec for spec, _ in LISTINGS]
    assert {s.kind for s in specs} == set(GarmentKind)
    assert {s.pattern for s in specs} == set(Pattern)
    assert {s.closure for s in specs} == set(Closure)
    assert {s.pockets for s in specs} == {True, False}
    assert len({s.colour.name_en for s in specs}) >= 15


@pytest.mark.parametrize("index", range(0, 400, 8))
def test_text_never_contradicts_the_spec(index: int) -> None:
    for spec, listing in LISTINGS[index: index + 8]:
        zh = listing.title_zh + listing.description_zh
        en = f"{listing.title_en} {listing.description_en}".lower()
        context = f"{spec}\n{listing}"
        # pockets: said when there are some; "no pockets" only when there are none
        if spec.pockets:
            assert "口袋" in zh and "无口袋" not in zh, context
            assert "pocket" in en and "no pockets" not in en, context
        else:
            assert "口袋" not in zh.replace("无口袋", ""), context
            assert "pocket" not in en.replace("no pockets", ""), context
        # colour named in both titles and both descriptions
        assert spec.colour.name_zh in listing.title_zh and spec.colour.name_zh in listing.description_zh, context
        assert spec.colour.name_en in listing.title_en.lower() and spec.colour.name_en in listing.description_en
        # closures
        double = spec.closure == Closure.DOUBLE_BREASTED
        assert ("双排扣" in zh) == double and ("double-breasted" in en) == double, context
        assert ("拉链" in zh) == (spec.closure == Closure.ZIP) and ("zip" in en) == (spec.closure == Closure.ZIP)
        # gender: its own words, none of the others'
        for gender, words in _GENDER_ZH.items():
            assert any(w in listing.title_zh for w in words) == (gender == spec.gender), context
        for gender, pattern in _GENDER_EN.items():
            assert bool(re.search(pattern, listing.title_en)) == (gender == spec.gender), context
        # sleeves, material, season
        for word, sleeve in _SLEEVE_ZH.items():
            assert word not in zh or spec.sleeve == sleeve, context
        for word, sleeve in _SLEEVE_EN.items():
            assert word not in en or spec.sleeve == sleeve, context
        assert spec.material.value in listing.description_en
        season = "/".join(s.value for s in spec.seasons)
        for other, (words_zh, words_en) in _SEASONS.items():
            assert (words_zh in zh) == (other == season), context
            assert listing.title_en.rsplit(", ", 1)[-1] != words_en or other == season, context


def test_attributes_are_the_spec() -> None:
    for spec, listing in LISTINGS:
        a = listing.attributes
        assert all(isinstance(v, str | bool) for v in a.values())
        assert a["category"] == spec.kind.value and a["silhouette"] == SILHOUETTE[spec.kind].name.lower()
        assert a["colour"] == spec.colour.name_en and a["colour_zh"] == spec.colour.name_zh
        assert a["colour_hex"] == "#{:02x}{:02x}{:02x}".format(*spec.colour.rgb)
        assert a["has_pockets"] is spec.pockets and ("pocket_style" in a) == spec.pockets
        assert a["double_breasted"] is (spec.closure == Closure.DOUBLE_BREASTED)
        assert a["gender"] == spec.gender.value and a["material"] == spec.material.value
        assert a["season"] == "/".join(s.value for s in spec.seasons)
        assert a.get("sleeve") == (spec.sleeve.value if spec.sleeve else None)
        assert a["hooded"] is (spec.kind == GarmentKind.HOODIE) and a["belted"] is (spec.kind == GarmentKind.TRENCH)
        assert a.get("accent_colour") == (spec.accent.name_en if spec.accent else None)


def test_palette_names_are_unique_and_bilingual() -> None:
    assert len({c.name_en for c in PALETTE}) == len({c.name_zh for c in PALETTE}) == len(PALETTE)
    assert all(c.name_en.isascii() and not c.name_zh.isascii() for c in PALETTE)
    names = {c.name_en for c in PALETTE}
    assert {"red", "navy", "camel", "khaki", "black", "white", "beige", "grey", "olive", "burgundy", "sky blue",
            "pink"} <= names


# --- specs ------------------------------------------------------------------------------


def test_fixed_fields_are_kept_and_strings_accepted() -> None:
    spec = random_spec(3, "trench", closure="double_breasted", pockets=False, colour="卡其色", gender="men",
                       seasons="autumn/winter", length="midi")
    assert (spec.kind, spec.closure, spec.pockets, spec.colour.name_en, spec.gender) == \
        (GarmentKind.TRENCH, Closure.DOUBLE_BREASTED, False, "khaki", "men")
    assert [s.value for s in spec.seasons] == ["autumn", "winter"] and spec.length == "midi"
    listing = write_listing(spec, 3)
    assert "双排扣" in listing.title_zh + listing.description_zh and "风衣" in listing.title_zh
    assert "Trench" in listing.title_en and "Men's" in listing.title_en


@pytest.mark.parametrize(("kind", "fixed", "field"), [
    ("trousers", {"sleeve": "long"}, "sleeve"),
    ("skirt", {"neckline": "crew"}, "neckline"),
    ("tshirt", {"length": "maxi"}, "length"),
    ("dress", {"gender": "men"}, "gender"),
    ("trench", {"closure": "zip"}, "closure"),
    ("trousers", {"pattern": "logo"}, "pattern"),
    ("coat", {"material": "linen"}, "material"),
    ("shirt", {"colour": "chartreuse"}, "colour"),
    ("coat", {"seasons": ("summer",)}, "seasons"),
    ("sweater", {"material": "wool", "seasons": "spring/summer"}, "seasons"),
    ("tshirt", {"fabric": "cotton"}, "fabric"),
    ("tshirt", {"pockets": "yes"}, "pockets"),
    ("tshirt", {"pattern": "solid", "accent": "red"}, "accent"),
    ("tshirt", {"pattern": "stripes", "accent": "white"}, "accent"),  # stripes would vanish at the edge
    ("tshirt", {"colour": "navy", "pattern": "logo", "accent": "navy"}, "accent"),
    ("tshirt", {"sleeve": "elbow"}, "sleeve"),
    ("hoodie", {"style": "gothic"}, "style"),
    ("jumpsuit", {}, "kind"),
])
def test_invalid_fixed_fields_name_the_field(kind: str, fixed: dict[str, object], field: str) -> None:
    with pytest.raises(ValueError, match=rf"^{field}:"):
        random_spec(0, kind, **fixed)


def test_a_spec_checks_itself() -> None:
    spec = random_spec(0, "trousers")
    with pytest.raises(ValueError, match=r"^sleeve:"):
        GarmentSpec(**{**spec.__dict__, "sleeve": Sleeve.LONG})


def test_product_photo_is_what_the_api_promises() -> None:
    photo = draw_product(random_spec(1), 1, size=128)
    assert isinstance(photo, ProductPhoto)
    assert photo.title_zh and photo.title_en and photo.description_zh and photo.description_en
