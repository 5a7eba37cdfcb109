"""catwalk.vision.garment on drawn product photos with known truth, and on bad input."""

from __future__ import annotations

import time
from functools import cache

import cv2
import numpy as np
import pytest

from catwalk.vision.errors import NothingFound, VisionInputError
from catwalk.vision.garment import GarmentAnalysis, analyse_garment
from catwalk.vision.labels import NUM_GARMENT_LANDMARKS, GarmentLandmark, Silhouette
from tests.vision.garment_drawings import BACKGROUNDS, KINDS, Drawing, draw_garment

SEEDS = (0, 1, 2)
CASES = [(kind, bg, seed) for kind in KINDS for bg in BACKGROUNDS for seed in SEEDS]
MIN_IOU = 0.92
MAX_LANDMARK_ERROR = 0.06  # of the garment's bounding-box diagonal


@cache
def _case(kind: str, background: str, seed: int) -> tuple[Drawing, GarmentAnalysis]:
    drawing = draw_garment(kind, background, seed)
    return drawing, analyse_garment(drawing.image)


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.logical_and(a, b).sum() / np.logical_or(a, b).sum())


def _diagonal(mask: np.ndarray) -> float:
    ys, xs = np.nonzero(mask)
    return float(np.hypot(xs.max() - xs.min(), ys.max() - ys.min()))


def _case_id(case: tuple[str, str, int]) -> str:
    return "-".join(map(str, case))


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_mask_matches_the_drawn_garment(case: tuple[str, str, int]) -> None:
    drawing, result = _case(*case)
    assert result.mask.shape == drawing.mask.shape
    assert result.mask.dtype == np.uint8
    assert set(np.unique(result.mask)) <= {0, 1}
    assert _iou(result.mask, drawing.mask) >= MIN_IOU


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_landmarks_match_the_drawn_garment(case: tuple[str, str, int]) -> None:
    drawing, result = _case(*case)
    assert result.landmarks.shape == (NUM_GARMENT_LANDMARKS, 3)
    assert result.landmarks.dtype == np.float32
    visible = result.landmarks[:, 2] > 0
    expected = drawing.landmarks[:, 2] > 0
    names = lambda m: [GarmentLandmark(i).name for i in np.nonzero(m)[0]]  # noqa: E731
    assert names(visible) == names(expected)
    assert np.all(result.landmarks[~visible] == 0)  # rows that do not apply are zero
    error = np.hypot(*(result.landmarks[visible, :2] - drawing.landmarks[visible, :2]).T)
    worst = int(np.argmax(error))
    assert error[worst] <= MAX_LANDMARK_ERROR * _diagonal(drawing.mask), \
        f"{names(visible)[worst]} off by {error[worst]:.1f} px"


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_silhouette_matches_the_drawn_garment(case: tuple[str, str, int]) -> None:
    drawing, result = _case(*case)
    assert result.silhouette == drawing.silhouette
    scores = result.silhouette_scores
    assert scores.shape == (len(Silhouette),) and scores.dtype == np.float32
    assert scores.sum() == pytest.approx(1.0, abs=1e-5)
    assert Silhouette(int(np.argmax(scores))) == result.silhouette


@pytest.mark.parametrize(("kind", "background", "colour"), [
    ("tshirt", "white", (205, 205, 207)),  # light-grey garment on white
    ("longsleeve", "grey", (250, 250, 250)),  # white garment on light grey
    ("trousers", "white", (20, 20, 22)),  # black garment
    ("skirt", "grey", (246, 242, 232)),  # cream on light grey
])
def test_low_and_high_contrast_garments(kind: str, background: str,
                                        colour: tuple[int, int, int]) -> None:
    drawing = draw_garment(kind, background, seed=7, pattern="plain", colour=colour)
    result = analyse_garment(drawing.image)
    assert _iou(result.mask, drawing.mask) >= MIN_IOU
    assert result.silhouette == drawing.silhouette


@pytest.mark.parametrize("pattern", ["logo", "patches", "stripes", "checks"])
def test_white_parts_of_a_print_stay_garment(pattern: str) -> None:
    drawing = draw_garment("tshirt", "white", seed=3, pattern=pattern, colour=(30, 40, 80))
    result = analyse_garment(drawing.image)
    inside = cv2.erode(drawing.mask, np.ones((9, 9), np.uint8)) > 0  # 4 px in from the edge
    assert result.mask[inside].all()
    assert _iou(result.mask, drawing.mask) >= MIN_IOU


def test_large_photo_is_fast_and_sharp() -> None:
    drawing = draw_garment("coat", "white", seed=5, size=1500)
    analyse_garment(drawing.image)  # warm caches (OpenCV, numpy)
    start = time.perf_counter()
    result = analyse_garment(drawing.image)
    elapsed = time.perf_counter() - start
    assert _iou(result.mask, drawing.mask) >= 0.97  # the edge is refined at full resolution
    assert elapsed < 1.0  # ~0.1-0.15 s on one idle core; loose for a busy CI machine


def test_same_photo_same_result() -> None:
    drawing = draw_garment("dress", "grey", seed=4)
    a, b = analyse_garment(drawing.image), analyse_garment(drawing.image.copy())
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
