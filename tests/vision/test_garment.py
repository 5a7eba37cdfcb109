"""catwalk.vision.garment on studio product photos with known truth, and on bad input.

The photos come from `catwalk.studio.garments` (every kind, both backgrounds, a few seeds
of random specs plus targeted specs for lengths, sleeves, closures and prints).
"""

from __future__ import annotations

import time
from functools import cache

import cv2
import numpy as np
import pytest

from catwalk.studio.garments import (
    BACKGROUNDS,
    Closure,
    GarmentKind,
    GarmentSpec,
    Length,
    ProductPhoto,
    draw_product,
    random_spec,
    silhouette_of,
    visible_on,
)
from catwalk.vision.errors import NothingFound, VisionInputError
from catwalk.vision.garment import GarmentAnalysis, analyse_garment
from catwalk.vision.labels import NUM_GARMENT_LANDMARKS, GarmentLandmark, Silhouette

GL = GarmentLandmark
SEEDS = (0, 1, 2)
# Specs the random draws may miss: every length, sleeve, closure and print of the kinds.
VARIANTS: dict[str, tuple[str, dict[str, object]]] = {
    "trench-db-midi-nopockets": ("trench", {"closure": "double_breasted", "pockets": False, "length": "midi"}),
    "trench-single-hip-pockets": ("trench", {"closure": "buttons", "pockets": True, "length": "hip"}),
    "coat-db-midi": ("coat", {"closure": "double_breasted", "length": "midi"}),
    "coat-patch-hip": ("coat", {"length": "hip", "style": "casual", "pockets": True}),
    "dress-3q-mini": ("dress", {"sleeve": "three_quarter", "length": "mini", "closure": "none"}),
    "dress-long-knee": ("dress", {"sleeve": "long", "length": "knee"}),
    "dress-sleeveless-floral": ("dress", {"sleeve": "sleeveless", "length": "midi", "pattern": "floral"}),
    "skirt-maxi": ("skirt", {"length": "maxi"}),
    "skirt-mini-zip": ("skirt", {"length": "mini", "closure": "zip"}),
    "trousers-cropped-elastic": ("trousers", {"length": "cropped", "closure": "none"}),
    "trousers-denim-zip": ("trousers", {"material": "denim", "closure": "zip", "pockets": True}),
    "hoodie-zip-cropped": ("hoodie", {"closure": "zip", "length": "cropped"}),
    "shirt-short-cropped-stripes": ("shirt", {"sleeve": "short", "length": "cropped", "pattern": "stripes"}),
    "sweater-3q-logo": ("sweater", {"sleeve": "three_quarter", "closure": "none", "pattern": "logo"}),
    "tshirt-long-floral": ("tshirt", {"sleeve": "long", "pattern": "floral"}),
    "tshirt-vneck-logo": ("tshirt", {"neckline": "v_neck", "pattern": "logo"}),
    "sleeveless-cropped-abstract": ("sleeveless", {"length": "cropped", "pattern": "abstract"}),
}
MIN_IOU = 0.92
MAX_LANDMARK_ERROR = 0.06  # of the garment's bounding-box diagonal


def _spec(kind: str, seed: int, variant: str) -> GarmentSpec:
    fixed = VARIANTS[variant][1] if variant else {}
    return random_spec(seed, kind, **fixed)


# (kind, background, seed, variant); a colour the background would swallow (a white
# garment on white) is left out, as no product photographer would shoot it.
CASES = [case for case in
         [(kind.value, bg, seed, "") for kind in GarmentKind for bg in BACKGROUNDS for seed in SEEDS]
         + [(kind, bg, 0, name) for name, (kind, _) in VARIANTS.items() for bg in BACKGROUNDS]
         if visible_on(_spec(case[0], case[2], case[3]).colour, case[1])]


@cache
def _case(kind: str, background: str, seed: int, variant: str) -> tuple[ProductPhoto, GarmentAnalysis]:
    photo = draw_product(_spec(kind, seed, variant), seed, background=background)
    return photo, analyse_garment(photo.image)


# --- the segmenter's known weak spots on these photos --------------------------------
# catwalk/vision/garment*.py reads shape cues that some real garments share with another
# class; the assertions below keep what does hold for them, and test_known_weaknesses
# pins one failing photo of each so a fix shows up as an XPASS.


def _silhouettes_accepted(spec: GarmentSpec) -> set[Silhouette]:
    """A hood makes a top taller (its height-to-width ratio is the OUTERWEAR cue), and a
    full-length button placket is the segmenter's front-opening cue: regular-length
    hoodies, button-front shirts, cardigans and shirt-dresses often come out OUTERWEAR."""
    truth = {silhouette_of(spec.kind)}
    if spec.kind == GarmentKind.HOODIE or (
            spec.closure == Closure.BUTTONS
            and spec.kind in (GarmentKind.SHIRT, GarmentKind.SWEATER, GarmentKind.DRESS)):
        return truth | {Silhouette.OUTERWEAR}
    return truth


def _rows_unplaced(spec: GarmentSpec) -> list[GL]:
    """Rows whose position is not checked: the segmenter takes the highest point of the
    outline near the axis for the neck corners, which on a hoodie is the top of the hood,
    and walks the shoulder from there."""
    if spec.kind == GarmentKind.HOODIE:
        return [GL.NECK_LEFT, GL.NECK_RIGHT, GL.SHOULDER_LEFT, GL.SHOULDER_RIGHT]
    return []


def _rows_optional(spec: GarmentSpec) -> list[GL]:
    """Rows the segmenter may miss: on a maxi dress the sleeves are small beside the skirt
    and their cuff edge falls under the segmenter's minimum cuff length."""
    if spec.kind == GarmentKind.DRESS and spec.length == Length.MAXI:
        return [GL.SLEEVE_LEFT, GL.SLEEVE_RIGHT]
    return []


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.logical_and(a, b).sum() / np.logical_or(a, b).sum())


def _diagonal(mask: np.ndarray) -> float:
    ys, xs = np.nonzero(mask)
    return float(np.hypot(xs.max() - xs.min(), ys.max() - ys.min()))


def _case_id(case: tuple[str, str, int, str]) -> str:
    kind, bg, seed, variant = case
    return f"{variant or kind}-{bg}" + ("" if variant else f"-{seed}")


def _names(rows: np.ndarray) -> list[str]:
    return [GL(i).name for i in np.nonzero(rows)[0]]


def test_the_cases_cover_every_kind() -> None:
    assert {case[0] for case in CASES} == {k.value for k in GarmentKind}
    assert len(CASES) >= 80


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_mask_matches_the_drawn_garment(case: tuple[str, str, int, str]) -> None:
    photo, result = _case(*case)
    assert result.mask.shape == photo.mask.shape
    assert result.mask.dtype == np.uint8
    assert set(np.unique(result.mask)) <= {0, 1}
    assert _iou(result.mask, photo.mask) >= MIN_IOU


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_landmarks_match_the_drawn_garment(case: tuple[str, str, int, str]) -> None:
    photo, result = _case(*case)
    assert result.landmarks.shape == (NUM_GARMENT_LANDMARKS, 3)
    assert result.landmarks.dtype == np.float32
    visible = result.landmarks[:, 2] > 0
    expected = photo.landmarks[:, 2] > 0
    optional = np.isin(np.arange(NUM_GARMENT_LANDMARKS), _rows_optional(photo.spec))
    assert _names(visible & ~optional) == _names(expected & ~optional)
    assert np.all(result.landmarks[~visible] == 0)  # rows that do not apply are zero
    checked = visible & expected & ~np.isin(np.arange(NUM_GARMENT_LANDMARKS), _rows_unplaced(photo.spec))
    error = np.hypot(*(result.landmarks[checked, :2] - photo.landmarks[checked, :2]).T)
    worst = int(np.argmax(error))
    assert error[worst] <= MAX_LANDMARK_ERROR * _diagonal(photo.mask), \
        f"{_names(checked)[worst]} off by {error[worst]:.1f} px"


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_silhouette_matches_the_drawn_garment(case: tuple[str, str, int, str]) -> None:
    photo, result = _case(*case)
    assert result.silhouette in _silhouettes_accepted(photo.spec)
    scores = result.silhouette_scores
    assert scores.shape == (len(Silhouette),) and scores.dtype == np.float32
    assert scores.sum() == pytest.approx(1.0, abs=1e-5)
    assert Silhouette(int(np.argmax(scores))) == result.silhouette


def test_most_photos_get_their_exact_class() -> None:
    """The relaxed classes above stay exceptions: across all cases the segmenter's class
    is the truth for at least 85 % (hoodies and button fronts included)."""
    hits = [_case(*case)[1].silhouette == _case(*case)[0].silhouette for case in CASES]
    assert np.mean(hits) >= 0.85


# Each is a photo the segmenter gets wrong today (strict: a fix makes it XPASS, and then
# the relaxations above can go).
KNOWN_WEAKNESSES = {
    "hoodie-regular-is-outerwear": ("hoodie", 2, {"closure": "none", "length": "regular", "pattern": "logo"}),
    "shirt-button-front-is-outerwear": ("shirt", 1, {"sleeve": "long", "length": "regular", "pattern": "checks"}),
    "dress-button-front-mini-is-outerwear": ("dress", 6, {"length": "mini", "closure": "buttons"}),
    "hoodie-neck-corners-on-the-hood": ("hoodie", 1, {}),
    "maxi-dress-cuffs-missed": ("dress", 2, {"sleeve": "long", "length": "maxi"}),
}


@pytest.mark.xfail(strict=True, reason="known segmenter weakness (see the case name and the notes above)")
@pytest.mark.parametrize("name", KNOWN_WEAKNESSES)
def test_known_weaknesses(name: str) -> None:
    kind, seed, fixed = KNOWN_WEAKNESSES[name]
    photo = draw_product(random_spec(seed, kind, **fixed), seed, background="grey")
    result = analyse_garment(photo.image)
    assert result.silhouette == photo.silhouette
    assert np.array_equal(result.landmarks[:, 2], photo.landmarks[:, 2])
    shown = photo.landmarks[:, 2] > 0
    error = np.hypot(*(result.landmarks[shown, :2] - photo.landmarks[shown, :2]).T)
    assert error.max() <= MAX_LANDMARK_ERROR * _diagonal(photo.mask)


@pytest.mark.parametrize(("kind", "background", "colour"), [
    ("tshirt", "white", "light grey"),  # light-grey garment on white
    ("sweater", "grey", "white"),  # white garment on light grey
    ("trousers", "white", "black"),  # black garment
    ("skirt", "grey", "white"),
])
def test_low_and_high_contrast_garments(kind: str, background: str, colour: str) -> None:
    spec = random_spec(7, kind, pattern="solid", colour=colour, closure="none")
    photo = draw_product(spec, seed=7, background=background)
    result = analyse_garment(photo.image)
    assert _iou(result.mask, photo.mask) >= MIN_IOU
    assert result.silhouette == photo.silhouette


@pytest.mark.parametrize(("kind", "pattern", "accent"), [
    ("tshirt", "logo", "white"), ("tshirt", "floral", "white"), ("tshirt", "abstract", "white"),
    ("tshirt", "stripes", "mustard"), ("shirt", "checks", "sky blue"),
])
def test_white_parts_of_a_print_stay_garment(kind: str, pattern: str, accent: str) -> None:
    spec = random_spec(3, kind, pattern=pattern, accent=accent, colour="navy")
    photo = draw_product(spec, seed=3, background="white")
    result = analyse_garment(photo.image)
    inside = cv2.erode(photo.mask, np.ones((9, 9), np.uint8)) > 0  # 4 px in from the edge
    assert result.mask[inside].all()
    assert _iou(result.mask, photo.mask) >= MIN_IOU


def test_large_photo_is_fast_and_sharp() -> None:
    photo = draw_product(random_spec(5, "coat"), seed=5, size=1500, background="white")
    analyse_garment(photo.image)  # warm caches (OpenCV, numpy)
    start = time.perf_counter()
    result = analyse_garment(photo.image)
    elapsed = time.perf_counter() - start
    assert _iou(result.mask, photo.mask) >= 0.97  # the edge is refined at full resolution
    assert elapsed < 1.0  # ~0.1-0.15 s on one idle core; loose for a busy CI machine


def test_same_photo_same_result() -> None:
    photo = draw_product(random_spec(4, "dress"), seed=4, background="grey")
    a, b = analyse_garment(photo.image), analyse_garment(photo.image.copy())
    assert np.array_equal(a.mask, b.mask)
    assert np.array_equal(a.landmarks, b.landmarks)
    assert np.array_equal(a.silhouette_scores, b.silhouette_scores)


@pytest.mark.parametrize("image", [
    np.zeros((64, 64, 3), np.float32),
    np.zeros((64, 64), np.uint8),
    np.zeros((64, 64, 4), np.uint8),
    np.zeros((1, 1, 3), np.uint8),
    np.zeros((10, 10, 3), np.uint8),
    np.zeros((64, 20, 3), np.uint8),
], ids=["float32", "rank2", "rgba", "1x1", "10x10", "64x20"])
def test_unusable_image_names_the_tensor(image: np.ndarray) -> None:
    with pytest.raises(VisionInputError) as err:
        analyse_garment(image)
    assert err.value.tensor == "IMAGE"


def test_blank_photo_has_no_garment() -> None:
    with pytest.raises(NothingFound):
        analyse_garment(np.full((480, 360, 3), 245, np.uint8))


def test_empty_studio_with_gradient_and_noise_has_no_garment() -> None:
    rng = np.random.default_rng(0)
    ramp = np.linspace(226, 236, 640, dtype=np.float32)[None, :, None]
    image = ramp + rng.normal(0, 1.5, (480, 640, 3)).astype(np.float32)
    with pytest.raises(NothingFound):
        analyse_garment(np.clip(image, 0, 255).astype(np.uint8))


def test_speck_is_not_a_garment() -> None:
    image = np.full((500, 500, 3), 250, np.uint8)
    image[240:260, 240:260] = 30  # 0.16 % of the photo
    with pytest.raises(NothingFound):
        analyse_garment(image)


def test_real_photo_that_is_no_product_shot_does_not_crash() -> None:
    skimage_data = pytest.importorskip("skimage.data")
    image = skimage_data.astronaut()
    try:
        result = analyse_garment(image)
    except NothingFound:
        return
    assert result.mask.shape == image.shape[:2]
    assert result.landmarks.shape == (NUM_GARMENT_LANDMARKS, 3)
    assert np.isfinite(result.landmarks).all()
    assert result.silhouette_scores.sum() == pytest.approx(1.0, abs=1e-5)
