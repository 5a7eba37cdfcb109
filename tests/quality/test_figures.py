"""The quality figures on inputs whose truth is known: flat colours and shaded copies, known
rectangles, analytic tracks, synthetic embeddings, and a rendered studio clip."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from skimage.color import deltaE_ciede2000, lab2rgb, rgb2lab

from catwalk.quality import (
    JITTER_RATIO_TARGET,
    JitterMeter,
    ShotFrame,
    ShotQuality,
    ShotQualityMeter,
    faces_found,
    garment_coverage_iou,
    garment_delta_e,
    garment_delta_e_frames,
    garment_palette,
    id_distance,
    id_distances,
    jitter_ratio,
    luminance_ratio,
    mean_coverage_iou,
    palette_delta_e,
    shot_quality,
    temporal_jitter,
)
from catwalk.studio.look import GARMENT_COLOURS, Look
from catwalk.studio.mannequin import RenderedFrame, render_clip
from catwalk.vision.labels import PoseKeypoint as K

SIZE = 48
FULL = np.ones((SIZE, SIZE), np.uint8)


def flat(rgb: tuple[int, int, int], scale: float | np.ndarray = 1.0) -> np.ndarray:
    """A [SIZE, SIZE, 3] uint8 swatch of `rgb`, multiplied by `scale` (a number or a map)."""
    img = np.full((SIZE, SIZE, 3), rgb, np.float64) * np.asarray(scale, np.float64)[..., None]
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


def folds() -> np.ndarray:
    """A shading map like a garment's: light-to-dark across, with soft folds, 0.35..1."""
    x = np.linspace(0, 1, SIZE)[None, :]
    y = np.linspace(0, 1, SIZE)[:, None]
    return 0.35 + 0.65 * (0.5 * (1 - x) + 0.5 * np.sin(9 * x + 2 * y) ** 2)


def delta_e(product: np.ndarray, rendered: np.ndarray, mask: np.ndarray = FULL) -> float:
    return garment_delta_e(product, FULL, [rendered], [mask])


# --- garment colour ------------------------------------------------------------------------------


def test_identical_colours_score_zero():
    for rgb in GARMENT_COLOURS.values():
        assert delta_e(flat(rgb), flat(rgb)) < 0.05


@pytest.mark.parametrize("name", list(GARMENT_COLOURS))
def test_a_darker_shading_of_the_same_colour_scores_small(name):
    rgb = GARMENT_COLOURS[name]
    assert delta_e(flat(rgb), flat(rgb, 0.6)) <= 3.0
    assert delta_e(flat(rgb), flat(rgb, folds())) <= 3.0


def test_without_normalisation_the_same_shading_would_read_as_a_colour_change():
    red = GARMENT_COLOURS["red"]
    raw = float(deltaE_ciede2000(rgb2lab(flat(red)[0, 0] / 255), rgb2lab(flat(red, 0.6)[0, 0] / 255)))
    assert raw >= 10  # what the normalisation takes out
    assert delta_e(flat(red), flat(red, 0.6)) <= 2.0


@pytest.mark.parametrize(("product", "rendered"), [("red", "sky"), ("navy", "black"), ("olive", "green"),
                                                   ("mustard", "beige"), ("red", "pink")])
def test_a_different_hue_or_saturation_scores_large_even_when_shaded(product, rendered):
    p, r = GARMENT_COLOURS[product], GARMENT_COLOURS[rendered]
    assert delta_e(flat(p), flat(r)) >= 10
    assert delta_e(flat(p), flat(r, 0.6)) >= 10
    assert delta_e(flat(p), flat(r, folds())) >= 10


def test_red_vs_blue():
    assert delta_e(flat((180, 30, 40)), flat((40, 60, 170), folds())) >= 30


def test_two_flat_lab_colours_of_equal_lightness_score_their_ciede2000():
    for lab1, lab2 in [((55.0, 40.0, 20.0), (55.0, 30.0, 35.0)), ((40.0, 5.0, -30.0), (40.0, -10.0, -25.0)),
                       ((70.0, 0.0, 0.0), (70.0, 12.0, 8.0))]:
        rgb1, rgb2 = (np.round(lab2rgb(np.array([[lab]])) * 255).astype(int)[0, 0] for lab in (lab1, lab2))
        expected = float(deltaE_ciede2000(np.array(lab1), np.array(lab2)))
        got = delta_e(flat(tuple(rgb1)), flat(tuple(rgb2)))
        assert got == pytest.approx(expected, abs=0.5), (lab1, lab2)


def test_lightness_alone_is_reported_as_the_luminance_ratio_not_as_delta_e():
    grey, white = GARMENT_COLOURS["grey"], (236, 236, 236)
    assert delta_e(flat(white), flat((140, 140, 140))) < 1.0
    product, rendered = garment_palette(flat(white), FULL), garment_palette(flat(grey), FULL)
    assert luminance_ratio(product, rendered) == pytest.approx(0.32, abs=0.03)  # linear light


def stripes(a: tuple[int, int, int], b: tuple[int, int, int], share_a: float, period: int = 8) -> np.ndarray:
    rows = (np.arange(SIZE) % period) < round(share_a * period)
    img = np.empty((SIZE, SIZE, 3), np.uint8)
    img[rows], img[~rows] = a, b
    return img


def test_patterns_are_compared_colour_by_colour():
    navy, beige = GARMENT_COLOURS["navy"], GARMENT_COLOURS["beige"]
    product = stripes(navy, beige, 0.5)
    shade = folds()
    # The same stripes, shaded, and with the balance tipped either way (a fold, an arm):
    for share in (0.5, 0.375, 0.625):
        rendered = np.round(stripes(navy, beige, share) * shade[..., None]).astype(np.uint8)
        assert delta_e(product, rendered) <= 3.0, share
    # A plain render of either stripe colour misses the other one.
    assert delta_e(product, flat(navy, shade)) >= 5
    assert delta_e(product, flat(beige, shade)) >= 5
    # Another colourway of the same stripes.
    assert delta_e(product, stripes(GARMENT_COLOURS["burgundy"], beige, 0.5)) >= 5
    palette = garment_palette(product, FULL)
    assert len(palette.colours) == 2 and sum(c.share for c in palette.colours) == pytest.approx(1.0)


def test_small_details_do_not_count_as_garment_colours():
    red = GARMENT_COLOURS["red"]
    product = flat(red)
    product[20:24, 20:26] = (250, 250, 250)  # a small white logo: 1 % of the garment
    palette = garment_palette(product, FULL)
    assert len(palette.colours) == 1
    assert palette_delta_e(palette, garment_palette(flat(red, 0.7), FULL)) <= 2.0


def test_only_the_masked_region_is_measured():
    frame = flat(GARMENT_COLOURS["sky"])
    frame[:, : SIZE // 2] = GARMENT_COLOURS["red"]  # the background, say
    mask = np.zeros((SIZE, SIZE), np.uint8)
    mask[:, SIZE // 2:] = 255
    assert delta_e(flat(GARMENT_COLOURS["sky"]), frame, mask) < 0.5


def test_per_frame_delta_e_skips_frames_without_the_garment():
    red = GARMENT_COLOURS["red"]
    empty = np.zeros((SIZE, SIZE), np.uint8)
    per_frame = garment_delta_e_frames(flat(red), FULL, [flat(red), flat(red), flat((40, 60, 170))],
                                       [FULL, empty, FULL])
    assert per_frame.shape == (3,) and math.isnan(per_frame[1])
    assert per_frame[0] < 0.1 and per_frame[2] > 30
    mean = garment_delta_e(flat(red), FULL, [flat(red), flat(red), flat((40, 60, 170))], [FULL, empty, FULL])
    assert mean == pytest.approx((per_frame[0] + per_frame[2]) / 2)


def test_bad_colour_inputs_name_the_argument():
    red, empty = flat(GARMENT_COLOURS["red"]), np.zeros((SIZE, SIZE), np.uint8)
    with pytest.raises(ValueError, match="product_mask is empty"):
        garment_delta_e(red, empty, [red], [FULL])
    with pytest.raises(ValueError, match="garment_masks"):
        garment_delta_e(red, FULL, [red], [empty])
    with pytest.raises(ValueError, match="frames is empty"):
        garment_delta_e(red, FULL, [], [])
    with pytest.raises(ValueError, match=r"garment_masks\[0\] has shape"):
        garment_delta_e(red, FULL, [red], [np.ones((SIZE, SIZE + 1))])
    with pytest.raises(ValueError, match="product_mask has shape"):
        garment_delta_e(red, np.ones((4, 4)), [red], [FULL])
    with pytest.raises(ValueError, match="product_rgb must be an"):
        garment_delta_e(red[..., 0], FULL, [red], [FULL])
    with pytest.raises(ValueError, match="garment_masks has 1 items but frames has more"):
        garment_delta_e(red, FULL, [red, red], [FULL])


# --- garment coverage ----------------------------------------------------------------------------


def test_iou_of_known_rectangles_is_exact():
    a, b = np.zeros((60, 80), np.uint8), np.zeros((60, 80), np.uint8)
    a[10:30, 10:40] = 1  # 600 px
    b[20:40, 20:50] = 1  # 600 px, 200 of them shared: union 1000
    assert garment_coverage_iou(a, b) == 0.2
    assert garment_coverage_iou(a, a) == 1.0
    assert garment_coverage_iou(a * 255, b.astype(bool)) == 0.2  # 0/255 and bool masks alike
    assert garment_coverage_iou(a * 0.9, b * 0.6) == 0.2  # soft masks: set where >= 0.5
    assert garment_coverage_iou(a, np.zeros_like(a)) == 0.0
    assert garment_coverage_iou(np.zeros_like(a), np.zeros_like(a)) == 1.0  # nothing to cover, nothing drawn
    assert mean_coverage_iou([a, a], [b, a]) == pytest.approx(0.6)


def test_bad_masks_name_the_argument():
    a = np.zeros((60, 80), np.uint8)
    with pytest.raises(ValueError, match="target_mask has shape"):
        garment_coverage_iou(a, np.zeros((60, 81)))
    with pytest.raises(ValueError, match="rendered_mask must be a 2-D"):
        garment_coverage_iou(np.zeros((60, 80, 3)), a)
    with pytest.raises(ValueError, match="target_masks has 1 items"):
        mean_coverage_iou([a, a], [a])
    with pytest.raises(ValueError, match="rendered_masks is empty"):
        mean_coverage_iou([], [])


# --- temporal jitter -----------------------------------------------------------------------------


def test_a_constant_velocity_track_has_no_jitter():
    t = np.arange(50, dtype=np.float64)[:, None]
    tracks = np.stack([100 + 3.5 * t + np.arange(5), 40 - 1.25 * t + 0 * np.arange(5)], axis=2)  # [50, 5, 2]
    assert temporal_jitter(tracks) == pytest.approx(0.0, abs=1e-9)


def test_a_sinusoidal_wobble_matches_the_analytic_value():
    amplitude, w = 3.0, 0.37  # px, rad/frame
    t = np.arange(600, dtype=np.float64)
    x = 200 + 2.0 * t + amplitude * np.sin(w * t)
    tracks = np.stack([x, 300 + 0 * t], axis=1)[:, None, :]
    expected = 4 * amplitude * math.sin(w / 2) ** 2 * 2 / math.pi  # |second difference| averaged over a period
    assert temporal_jitter(tracks) == pytest.approx(expected, rel=0.05)


def test_points_not_visible_in_all_three_frames_are_ignored():
    t = np.arange(30, dtype=np.float64)
    tracks = np.stack([10 + 2 * t, 50 + t], axis=1)[:, None, :].repeat(2, axis=1)
    vis = np.ones((30, 2))
    tracks[12, 0] = (900, -400)  # a detection glitch, flagged invisible
    vis[12, 0] = 0.1
    tracks[:, 1] = np.random.default_rng(0).uniform(0, 500, (30, 2))  # a point never seen
    vis[:, 1] = 0
    assert temporal_jitter(tracks, vis) == pytest.approx(0.0, abs=1e-9)
    tracks[20, 0] = np.nan  # unknown positions count as unseen
    assert temporal_jitter(tracks, vis) == pytest.approx(0.0, abs=1e-9)
    with_vis = np.concatenate([tracks, vis[..., None]], axis=2)  # [T, K, 3]: visibility last
    assert temporal_jitter(with_vis) == pytest.approx(0.0, abs=1e-9)
    assert math.isnan(temporal_jitter(tracks, np.zeros((30, 2))))  # nothing to measure


def test_the_streaming_meter_agrees_and_gaps_break_triples():
    rng = np.random.default_rng(1)
    tracks = rng.normal(0, 2, (20, 6, 2)).cumsum(axis=0)
    meter = JitterMeter()
    for points in tracks:
        meter.add(points)
    assert meter.value == pytest.approx(temporal_jitter(tracks)) and meter.frames == 20
    assert meter.measured == 18 * 6
    gappy = JitterMeter()
    for i, points in enumerate(tracks):
        gappy.add(points) if i != 10 else gappy.gap()
    assert gappy.measured == 15 * 6


def test_jitter_ratio():
    t = np.arange(120, dtype=np.float64)
    pose = np.stack([100 + 2 * np.sin(0.3 * t), 100 + t], axis=1)[:, None, :]
    assert jitter_ratio(pose + 15.0, pose) == pytest.approx(1.0)  # rigidly attached: adds nothing
    garment = np.stack([100 + 4 * np.sin(0.3 * t), 100 + t], axis=1)[:, None, :]
    assert jitter_ratio(garment, pose) == pytest.approx(2.0)  # twice the wobble
    assert jitter_ratio(garment, pose) > JITTER_RATIO_TARGET
    still = np.zeros((10, 3, 2))
    assert jitter_ratio(still, still) == 1.0
    assert jitter_ratio(still + np.arange(10.0)[:, None, None] ** 2, still) == math.inf


def test_bad_tracks_name_the_argument():
    with pytest.raises(ValueError, match="tracks has 2 frames"):
        temporal_jitter(np.zeros((2, 3, 2)))
    with pytest.raises(ValueError, match="tracks must be"):
        temporal_jitter(np.zeros((10, 3)))
    with pytest.raises(ValueError, match="visibility must have shape"):
        temporal_jitter(np.zeros((10, 3, 2)), np.ones((10, 4)))
    meter = JitterMeter()
    meter.add(np.zeros((3, 2)), argument="garment_points")
    with pytest.raises(ValueError, match="garment_points has 4 points"):
        meter.add(np.zeros((4, 2)), argument="garment_points")


# --- identity ------------------------------------------------------------------------------------


def test_id_distances_ignore_and_count_missing_faces():
    rng = np.random.default_rng(2)
    ref = rng.normal(0, 0.1, 128)
    step = np.zeros(128)
    step[0] = 0.3
    shots = np.stack([ref + step, np.zeros(128), ref - 2 * step, np.zeros(128)])
    d = id_distances(ref, shots)
    assert d[0] == pytest.approx(0.3) and d[2] == pytest.approx(0.6)
    assert math.isnan(d[1]) and math.isnan(d[3])
    assert id_distance(ref, shots) == pytest.approx(0.45)
    assert faces_found(shots) == 2
    assert math.isnan(id_distance(ref, np.zeros((3, 128)))) and faces_found(np.zeros((3, 128))) == 0
    assert id_distance(ref, [ref + step]) == pytest.approx(0.3)  # any iterable of embeddings


def test_bad_embeddings_name_the_argument():
    ref = np.ones(128)
    with pytest.raises(ValueError, match="reference_embedding is all zeros"):
        id_distance(np.zeros(128), [ref])
    with pytest.raises(ValueError, match="shot_embeddings must be"):
        id_distance(ref, np.ones((2, 64)))
    with pytest.raises(ValueError, match="reference_embedding must be"):
        id_distance(np.ones((2, 64)), [ref])
    with pytest.raises(ValueError, match="shot_embeddings has non-finite"):
        id_distance(ref, [np.full(128, np.nan)])


# --- a shot --------------------------------------------------------------------------------------


def test_shot_quality_reports_every_figure_and_writes_json():
    red, navy = GARMENT_COLOURS["red"], GARMENT_COLOURS["navy"]
    ref = np.full(128, 0.05)
    t = np.arange(6, dtype=np.float64)

    def frame(i: int) -> ShotFrame:
        target = np.zeros((SIZE, SIZE), np.uint8)
        target[8:40, 8:40] = 1
        rendered = np.zeros_like(target)
        rendered[8:40, 8:40 - 4 * (i % 2)] = 1
        points = np.array([[10 + 2 * t[i], 20.0, 1.0], [30.0, 20 + (i % 2), 1.0]])  # [K, 3] LANDMARKS layout
        pose = np.array([[10 + 2 * t[i], 20.0, 0.0, 1.0], [30.0, 20.0, 0.0, 0.9]])  # [K, 4] KEYPOINTS layout
        face = np.zeros(128) if i == 3 else ref + 0.01 * i
        image = flat(red, folds()) if i != 5 else flat(navy)
        return ShotFrame(image, rendered, target, points, pose, face)

    q = shot_quality(flat(red), FULL, (frame(i) for i in range(6)), reference_embedding=ref)
    assert isinstance(q, ShotQuality)
    assert q.frames == 6 and q.garment_frames == 6 and q.coverage_frames == 6
    per_frame = garment_delta_e_frames(flat(red), FULL, [frame(i).image for i in range(6)],
                                       [frame(i).garment_mask for i in range(6)])
    assert q.garment_delta_e == pytest.approx(per_frame.mean()) and q.garment_delta_e_max == per_frame[5] >= 10
    assert np.all(per_frame[:5] <= 3.0)  # the shaded red frames
    assert q.coverage_iou == pytest.approx((1 + 28 / 32) / 2) and q.coverage_iou_min == pytest.approx(28 / 32)
    assert q.pose_jitter == 0.0 and q.garment_jitter == pytest.approx(1.0)  # one of two points shakes by 2/frame²
    assert q.jitter_ratio == math.inf
    assert q.face_frames == 6 and q.faces_found == 5
    assert q.id_distance == pytest.approx(np.mean([0.01 * i * math.sqrt(128) for i in (0, 1, 2, 4, 5)]))
    report = q.as_dict()
    assert report["jitter_ratio"] is None  # inf is not JSON
    json.dumps(report, allow_nan=False)
    with pytest.raises(AttributeError):
        q.frames = 3  # type: ignore[misc]


def test_figures_a_shot_cannot_give_are_null():
    q = shot_quality(flat(GARMENT_COLOURS["red"]), FULL, [ShotFrame(flat(GARMENT_COLOURS["red"]), FULL)])
    d = q.as_dict()
    assert d["frames"] == 1 and d["garment_delta_e"] is not None
    for name in ("coverage_iou", "garment_jitter", "pose_jitter", "jitter_ratio", "id_distance"):
        assert d[name] is None, name
    assert d["faces_found"] == 0 and d["coverage_frames"] == 0
    with pytest.raises(ValueError, match=r"frames\[0\].face_embedding given but"):
        shot_quality(flat((1, 2, 3)), FULL, [ShotFrame(flat((1, 2, 3)), FULL, face_embedding=np.ones(128))])
    with pytest.raises(ValueError, match=r"frames\[0\].target_mask has shape"):
        shot_quality(flat((1, 2, 3)), FULL, [ShotFrame(flat((1, 2, 3)), FULL, target_mask=np.ones((3, 3)))])


# --- a rendered studio clip ----------------------------------------------------------------------

TOP = "red"


@pytest.fixture(scope="module")
def walk() -> list[RenderedFrame]:
    return list(render_clip("walk", 2.0, 30, width=360, height=640, look=Look(top=TOP, bottom="navy"), seed=5))


def test_an_untouched_render_scores_its_own_truth(walk):
    product = flat(GARMENT_COLOURS[TOP])
    images, masks = [f.image for f in walk], [f.upper_garment for f in walk]
    per_frame = garment_delta_e_frames(product, FULL, images, masks)
    assert np.all(per_frame <= 2.0)  # the tee's known colour, through the studio's shading
    assert garment_delta_e(flat(GARMENT_COLOURS["burgundy"]), FULL, images, masks) >= 5  # a near miss shows
    assert mean_coverage_iou(masks, masks) == 1.0
    shifted = [np.roll(m, 6, axis=1) for m in masks]
    assert 0.5 < mean_coverage_iou(shifted, masks) < 0.95
    tracks = np.stack([f.keypoints for f in walk])  # [T, 33, 4]: visibility last
    pose = temporal_jitter(tracks)
    assert 0 < pose < 3.0  # a smooth walk at 30 fps, in px/frame²
    noisy = tracks.copy()
    noisy[..., :2] += np.random.default_rng(3).normal(0, 1.5, noisy[..., :2].shape)
    assert jitter_ratio(noisy, tracks) > JITTER_RATIO_TARGET  # 1.5 px of detector noise fails the target
    assert jitter_ratio(tracks, tracks) == 1.0


def test_colour_every_measures_every_nth_garment_frame():
    """ΔE sampled on every 3rd frame showing the garment (the first always); garment frames,
    coverage and jitter still count every frame; a bad setting is refused."""
    red, navy = GARMENT_COLOURS["red"], GARMENT_COLOURS["navy"]
    colours = [navy if i == 3 else red for i in range(8)]  # frame 3 is off-colour, and not sampled
    empty = np.zeros_like(FULL)

    def frame(i: int) -> ShotFrame:
        mask = empty if i == 0 else FULL  # frame 0 hides the garment: sampling starts at frame 1
        return ShotFrame(flat(colours[i]), mask, FULL, np.array([[10.0, 20.0 + i]]), np.array([[10.0, 20.0 + i]]))

    q = shot_quality(flat(red), FULL, (frame(i) for i in range(8)), colour_every=3)
    assert q.frames == q.coverage_frames == 8 and q.garment_frames == 7 and q.colour_frames == 3  # frames 1, 4, 7
    every = shot_quality(flat(red), FULL, (frame(i) for i in range(8)))
    assert every.colour_frames == every.garment_frames == 7
    assert q.garment_delta_e_max <= 3.0 < every.garment_delta_e_max  # frame 3 was not sampled
    assert q.jitter_ratio == every.jitter_ratio and q.coverage_iou == every.coverage_iou
    with pytest.raises(ValueError, match="colour_every"):
        ShotQualityMeter(flat(red), FULL, colour_every=0)


def test_shot_quality_of_the_studio_clip(walk):
    torso = [K.LEFT_SHOULDER, K.RIGHT_SHOULDER, K.LEFT_HIP, K.RIGHT_HIP]  # stand-ins for garment landmarks
    frames = (ShotFrame(f.image, f.upper_garment, f.upper_garment, f.keypoints[torso], f.keypoints) for f in walk)
    q = shot_quality(flat(GARMENT_COLOURS[TOP]), FULL, frames)
    assert q.frames == q.garment_frames == q.coverage_frames == len(walk)
    assert q.garment_delta_e <= 2.0 and q.coverage_iou == 1.0
    assert 0.3 < q.garment_luminance_ratio < 1.5
    assert q.garment_jitter > 0 and math.isfinite(q.jitter_ratio) and q.jitter_ratio < JITTER_RATIO_TARGET
    assert q.as_dict()["id_distance"] is None and q.faces_found == 0
