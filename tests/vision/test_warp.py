"""The warping core (`catwalk.vision.warp`, `catwalk.vision.tracks`) against known geometry.

Every figure is checked against its analytic truth: identity and affine maps, control points
that must land where asked, a rectangle carried along a bone, a constant-velocity track.
Run with `-s` for the CPU speed figure (printed, not asserted).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import pytest
import torch

from catwalk.vision.errors import VisionInputError
from catwalk.vision.tracks import smooth_tracks
from catwalk.vision.warp import (
    BoneWarp,
    blend_grids,
    bone_grid,
    composite,
    feather,
    identity_grid,
    normalized_to_pixels,
    pixels_to_normalized,
    tps_fit,
    tps_grid,
    tps_map,
    warp,
)


def _centres(height: int, width: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Pixel centres `[H, W, 2]` as (x, y)."""
    ys, xs = torch.meshgrid(torch.arange(height, dtype=dtype), torch.arange(width, dtype=dtype), indexing="ij")
    return torch.stack([xs, ys], dim=-1)


def _lattice(height: int, width: int, rows: int, cols: int, jitter: float, seed: int) -> torch.Tensor:
    """A jittered rows x cols lattice of points `[rows * cols, 2]` well inside the image."""
    g = torch.Generator().manual_seed(seed)
    ys = torch.linspace(0.2 * height, 0.8 * height, rows)
    xs = torch.linspace(0.2 * width, 0.8 * width, cols)
    pts = torch.stack(torch.meshgrid(xs, ys, indexing="xy"), dim=-1).reshape(-1, 2)
    return pts + (torch.rand(pts.shape, generator=g) - 0.5) * 2 * jitter


def _blobs(points: torch.Tensor, height: int, width: int, sigma: float = 2.0) -> torch.Tensor:
    """An image `[1, H, W]` with a Gaussian blob at each point `[N, 2]`."""
    c = _centres(height, width)
    d2 = ((c[:, :, None] - points[None, None]) ** 2).sum(-1)
    return torch.exp(-d2 / (2 * sigma**2)).sum(-1)[None]


# --- thin-plate spline ---------------------------------------------------------------------


def test_tps_with_src_equal_to_dst_is_the_identity():
    h, w = 60, 90
    pts = torch.stack([_lattice(h, w, 3, 3, 5, seed) for seed in range(2)])
    grid = tps_grid(tps_fit(pts, pts), h, w)
    assert grid.shape == (2, h, w, 2)
    assert torch.allclose(grid, identity_grid(h, w, batch=2), atol=1e-5)
    image = torch.rand(2, 4, h, w, generator=torch.Generator().manual_seed(0))
    assert (warp(image, grid) - image).abs().max() < 1e-4


@pytest.mark.parametrize("regularization", [0.0, 0.5])
def test_tps_reproduces_an_affine_map_exactly(regularization):
    h, w, src_size = 120, 160, (90, 200)
    dst = _lattice(h, w, 3, 4, 8, seed=1)[None]
    a = torch.tensor([[0.8, 0.3], [-0.2, 1.1]])  # rotation, scale and shear
    src = dst @ a.T + torch.tensor([12.0, -7.0])
    params = tps_fit(src, dst, regularization=regularization)  # smoothing leaves affine data alone
    grid = tps_grid(params, h, w, src_size=src_size)
    truth = pixels_to_normalized(_centres(h, w) @ a.T + torch.tensor([12.0, -7.0]), *src_size)
    assert (grid[0] - truth).abs().max() < 1e-3
    # A coarse lattice upsampled bilinearly is exact for an affine map too.
    assert (tps_grid(params, h, w, src_size=src_size, stride=4)[0] - truth).abs().max() < 1e-3


def test_tps_sends_each_landmark_where_asked():
    h, w = 160, 200
    src = _lattice(h, w, 3, 4, 6, seed=2)
    dst = src + (torch.rand(src.shape, generator=torch.Generator().manual_seed(3)) - 0.5) * 24
    params = tps_fit(src[None], dst[None])
    assert (tps_map(params, dst[None])[0] - src).abs().max() < 1e-2
    warped = warp(_blobs(src, h, w)[None], tps_grid(params, h, w))[0, 0]
    c = _centres(h, w)
    for target in dst:
        near = ((c - target) ** 2).sum(-1) < 7**2
        mass = torch.where(near, warped, 0)
        centroid = (c * mass[..., None]).sum((0, 1)) / mass.sum()
        assert torch.linalg.vector_norm(centroid - target) < 0.5, (target, centroid)


def test_a_zero_weight_point_changes_nothing_even_when_wild_or_nan():
    h, w = 80, 120
    src = _lattice(h, w, 3, 3, 6, seed=4)[None]
    dst = src + 5.0
    reference = tps_grid(tps_fit(src, dst), h, w)
    for wild_src in ([1e4, -3e3], [math.nan, math.inf]):
        src9 = torch.cat([src, torch.tensor([[wild_src]])], dim=1)
        dst9 = torch.cat([dst, torch.tensor([[[40.0, 30.0]]])], dim=1)
        weights = torch.ones(1, 10)
        weights[0, 9] = 0
        assert (tps_grid(tps_fit(src9, dst9, weights), h, w) - reference).abs().max() < 1e-5
    weights[0, 9] = 1  # the same point weighted does bend the grid: the check above means something
    src9 = torch.cat([src, torch.tensor([[[1e3, -3e2]]])], dim=1)
    assert (tps_grid(tps_fit(src9, dst9, weights), h, w) - reference).abs().max() > 0.1


def test_regularization_trades_exactness_for_smoothness():
    src = _lattice(60, 60, 3, 3, 4, seed=5)[None]
    dst = src.clone()
    src[0, 4] += torch.tensor([6.0, -6.0])  # one point pulled away
    exact = tps_map(tps_fit(src, dst), dst)
    smooth = tps_map(tps_fit(src, dst, regularization=1.0), dst)
    assert (exact - src).abs().max() < 1e-3
    assert 0.5 < (smooth - src).abs().max() < 6.0
    assert (tps_map(tps_fit(src, dst, torch.full((1, 9), 1e6), regularization=1.0), dst) - src).abs().max() < 1e-3


def test_batched_fit_equals_per_item_fits():
    h, w = 50, 70
    src = torch.stack([_lattice(h, w, 3, 3, 5, seed) for seed in (6, 7, 8)])
    dst = torch.stack([_lattice(h, w, 3, 3, 5, seed) for seed in (9, 10, 11)])
    weights = torch.ones(3, 9)
    weights[1, 2], weights[2, 5] = 0.0, 0.3
    batched = tps_grid(tps_fit(src, dst, weights, regularization=0.1), h, w, src_size=(40, 90))
    for b in range(3):
        alone = tps_grid(tps_fit(src[b:b + 1], dst[b:b + 1], weights[b:b + 1], regularization=0.1), h, w,
                         src_size=(40, 90))
        assert torch.allclose(batched[b:b + 1], alone, atol=1e-6)


def test_float32_and_float64_agree_and_keep_their_dtype():
    h, w = 72, 128
    src = _lattice(h, w, 3, 4, 10, seed=12)[None].double()
    dst = src + (torch.rand(src.shape, generator=torch.Generator().manual_seed(13), dtype=torch.float64) - 0.5) * 20
    g64 = tps_grid(tps_fit(src, dst), h, w)
    g32 = tps_grid(tps_fit(src.float(), dst.float()), h, w)
    assert g64.dtype == torch.float64 and g32.dtype == torch.float32
    assert (g64 - g32.double()).abs().max() < 1e-4
    image = torch.rand(1, 3, h, w, dtype=torch.float64)
    assert warp(image, g64).dtype == torch.float64


def test_a_strided_grid_is_close_to_the_full_one():
    h, w = 180, 320
    dst = _lattice(h, w, 3, 5, 10, seed=14)[None]
    src = dst + (torch.rand(dst.shape, generator=torch.Generator().manual_seed(15)) - 0.5) * 40  # +-20 px bends
    params = tps_fit(src, dst)
    error_px = (tps_grid(params, h, w, stride=4) - tps_grid(params, h, w)) * torch.tensor([w / 2, h / 2])
    assert error_px.abs().max() < 0.5


def test_too_few_or_collinear_points_are_refused():
    line = torch.tensor([[[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]])
    with pytest.raises(VisionInputError, match="one line"):
        tps_fit(line, line)
    square = torch.tensor([[[0.0, 0.0], [9.0, 0.0], [0.0, 9.0], [9.0, 9.0]]])
    with pytest.raises(VisionInputError, match="at least 3"):
        tps_fit(square, square, torch.tensor([[1.0, 0.0, 0.0, 1.0]]))


def test_pixel_and_normalised_coordinates_round_trip():
    pts = torch.tensor([[[-0.5, -0.5], [0.0, 0.0], [99.5, 49.5]]])
    norm = pixels_to_normalized(pts, 50, 100)
    assert torch.allclose(norm[0, 0], torch.tensor([-1.0, -1.0]))
    assert torch.allclose(norm[0, 2], torch.tensor([1.0, 1.0]))
    assert torch.allclose(normalized_to_pixels(norm, 50, 100), pts, atol=1e-5)


# --- bones ---------------------------------------------------------------------------------


def _rectangle(a: torch.Tensor, b: torch.Tensor, width: float, height: int, image_width: int) -> torch.Tensor:
    """The bool mask `[H, W]` of pixel centres in the rectangle of `width` along a -> b."""
    c = _centres(height, image_width, torch.float64)
    axis = (b - a).double()
    length = torch.linalg.vector_norm(axis)
    t = ((c - a) @ axis) / length**2
    s = ((c - a) @ torch.stack([-axis[1], axis[0]])) / length
    return (t >= 0) & (t <= 1) & (s.abs() <= width / 2)


def test_a_rectangle_along_a_bone_lands_on_the_target_segment():
    src_size, (h, w) = (200, 260), (240, 320)
    src_a, src_b, dst_a, dst_b = (torch.tensor([v], dtype=torch.float32) for v in
                                  ([40.0, 50.0], [200.0, 120.0], [250.0, 40.0], [120.0, 200.0]))
    drawn = _rectangle(src_a[0], src_b[0], 30.0, *src_size).float()[None, None]
    bone = bone_grid(src_a, src_b, dst_a, dst_b, 30.0, 44.0, h, w, src_size=src_size)
    assert isinstance(bone, BoneWarp) and bone.grid.shape == (1, h, w, 2) and bone.weight.shape == (1, 1, h, w)
    landed = warp(drawn, bone.grid)[0, 0] > 0.5
    truth = _rectangle(dst_a[0], dst_b[0], 44.0, h, w)
    iou = (landed & truth).sum() / (landed | truth).sum()
    assert iou >= 0.95, iou
    # The bone's ends map onto each other exactly; the weight is a capsule around the target.
    ends = bone.grid[0, [40, 200], [250, 120]]
    assert torch.allclose(ends, pixels_to_normalized(torch.cat([src_a, src_b]), *src_size), atol=1e-5)
    weight = bone.weight[0, 0]
    assert weight.min() >= 0 and weight.max() <= 1
    assert weight[120, 185] == 1 and weight[40 + 10, 250] == 1, "on the bone and within its half-width"
    assert weight[40, 250 + 22 + 23] == 0 and weight[230, 10] == 0, "beyond half-width + falloff"
    assert 0 < weight[40, 250 + 33] < 1, "inside the falloff"


def _distance_to_segment(a: torch.Tensor, b: torch.Tensor, height: int, width: int) -> torch.Tensor:
    c = _centres(height, width)
    ab = b - a
    t = (((c - a) * ab).sum(-1) / (ab * ab).sum()).clamp(0, 1)
    return torch.linalg.vector_norm(c - a - t[..., None] * ab, dim=-1)


def test_bones_batch_with_per_item_widths():
    g = torch.Generator().manual_seed(16)
    sa, sb, da, db = (torch.rand(3, 2, generator=g) * 80 for _ in range(4))
    widths_src, widths_dst = torch.tensor([10.0, 20.0, 5.0]), torch.tensor([12.0, 8.0, 30.0])
    batched = bone_grid(sa, sb, da, db, widths_src, widths_dst, 60, 90, src_size=(50, 70), falloff_px=3.0)
    for b in range(3):
        one = slice(b, b + 1)
        alone = bone_grid(sa[one], sb[one], da[one], db[one], float(widths_src[b]), float(widths_dst[b]), 60, 90,
                          src_size=(50, 70), falloff_px=3.0)
        assert torch.allclose(batched.grid[b:b + 1], alone.grid, atol=1e-6)
        assert torch.allclose(batched.weight[b:b + 1], alone.weight, atol=1e-6)


def test_two_bones_blend_into_a_sleeve_that_follows_the_arm():
    h, w = 200, 240
    shoulder, elbow, wrist = torch.tensor([[60.0, 50.0], [120.0, 110.0], [180.0, 110.0]])[:, None]  # garment photo
    shoulder_d, elbow_d, wrist_d = torch.tensor([[60.0, 50.0], [70.0, 130.0], [150.0, 160.0]])[:, None]  # frame
    sleeve = (_rectangle(shoulder[0], elbow[0], 24.0, h, w) | _rectangle(elbow[0], wrist[0], 20.0, h, w)).float()
    upper = bone_grid(shoulder, elbow, shoulder_d, elbow_d, 24.0, 24.0, h, w)
    fore = bone_grid(elbow, wrist, elbow_d, wrist_d, 20.0, 20.0, h, w)
    grid = blend_grids([upper.grid, fore.grid], [upper.weight, fore.weight])
    assert torch.isfinite(grid).all()
    only_upper = ((upper.weight > 0) & (fore.weight == 0))[:, 0]
    assert torch.allclose(grid[only_upper], upper.grid[only_upper], atol=1e-6)
    both = ((upper.weight == 1) & (fore.weight == 1))[:, 0]
    assert both.any() and torch.allclose(grid[both], (upper.grid[both] + fore.grid[both]) / 2)
    # The elbow maps onto the elbow, and the sleeve lands on the bent arm and nowhere else.
    assert torch.allclose(grid[0, 130, 70], pixels_to_normalized(elbow[0], h, w), atol=1e-5)
    coverage = (upper.weight + fore.weight).clamp(max=1)
    landed = (warp(sleeve[None, None], grid) * coverage)[0, 0] > 0.5
    truth = _rectangle(shoulder_d[0], elbow_d[0], 24.0, h, w) | _rectangle(elbow_d[0], wrist_d[0], 20.0, h, w)
    arm = ((_distance_to_segment(shoulder_d[0], elbow_d[0], h, w) <= 12.5)
           | (_distance_to_segment(elbow_d[0], wrist_d[0], h, w) <= 10.5))  # with the rounded elbow
    assert (landed & truth).sum() / truth.sum() >= 0.95, "covers the arm"
    assert (landed & arm).sum() / landed.sum() >= 0.95, "stays on it"
    # Nothing is sampled where no bone applies.
    assert (warp(torch.ones(1, 1, h, w), grid)[((upper.weight == 0) & (fore.weight == 0))] == 0).all()


def test_with_a_background_the_blend_fades_to_it():
    g1, g2 = torch.full((1, 4, 5, 2), 0.5), torch.full((1, 4, 5, 2), -0.3)
    bg = torch.zeros(1, 4, 5, 2)
    half, quarter = torch.full((1, 1, 4, 5), 0.5), torch.full((1, 1, 4, 5), 0.25)
    assert torch.allclose(blend_grids([g1, g2], [half, half], bg), torch.full((1, 4, 5, 2), 0.1))
    assert torch.allclose(blend_grids([g1], [quarter], bg), torch.full((1, 4, 5, 2), 0.125))
    assert torch.allclose(blend_grids([g1], [quarter]), g1), "without one: the average, however small the weight"
    assert torch.allclose(blend_grids(torch.stack([g1, g2]), torch.stack([quarter * 4, quarter * 12]), bg),
                          torch.full((1, 4, 5, 2), 0.5 * 0.25 - 0.3 * 0.75))
    # The animation case: far from every bone the photo stays where it is.
    bone = bone_grid(torch.tensor([[10.0, 10.0]]), torch.tensor([[30.0, 10.0]]), torch.tensor([[10.0, 10.0]]),
                     torch.tensor([[10.0, 30.0]]), 6.0, 6.0, 40, 40)
    still = blend_grids([bone.grid], [bone.weight], identity_grid(40, 40))
    assert torch.equal(still[0, 35, 35], identity_grid(40, 40)[0, 35, 35])


# --- temporal smoothing --------------------------------------------------------------------


def _noisy_line(frames: int = 120, tracks: int = 3, noise: float = 1.5, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    t = torch.arange(frames, dtype=torch.float64)[:, None, None]
    start = torch.rand(1, tracks, 2, generator=g, dtype=torch.float64) * 500
    velocity = torch.tensor([2.0, -1.5], dtype=torch.float64)
    truth = start + t * velocity
    return truth, truth + torch.randn(truth.shape, generator=g, dtype=torch.float64) * noise


def _second_difference_energy(x: torch.Tensor) -> float:
    return float((x[2:] - 2 * x[1:-1] + x[:-2]).pow(2).sum(-1).mean())


def _lag(track: torch.Tensor, truth: torch.Tensor, reach: int = 5) -> int:
    """The shift k (frames) for which track[t] best matches truth[t - k]."""
    errors = [float((track[reach + k:len(track) - reach + k] - truth[reach:len(truth) - reach]).pow(2).mean())
              for k in range(-reach, reach + 1)]
    return errors.index(min(errors)) - reach


def test_smoothing_removes_jitter_without_lag():
    truth, noisy = _noisy_line()
    smooth = smooth_tracks(noisy, None, sigma_frames=3.0)
    assert smooth.shape == noisy.shape and smooth.dtype == noisy.dtype
    assert _second_difference_energy(noisy) >= 5 * _second_difference_energy(smooth)
    error = smooth - truth
    assert error.norm(dim=-1).mean() <= 1.0
    assert error.mean((0, 1)).abs().max() < 0.3, "no bias"
    assert _lag(smooth, truth) == 0
    assert _lag(torch.roll(smooth, 1, 0), truth) == 1, "the lag measure sees a one-frame delay"
    # A noise-free line is kept exactly, ends included (no pull towards the middle).
    assert (smooth_tracks(truth, None, 3.0) - truth).abs().max() < 1e-9


def test_invisible_samples_do_not_pull_the_track():
    truth, noisy = _noisy_line(seed=1)
    visible = torch.ones(noisy.shape[:2], dtype=torch.bool)
    hidden = [5, 17, 18, 60, *range(80, 92)]
    visible[hidden, 1] = False
    wild = noisy.clone()
    wild[hidden, 1] = torch.tensor([900.0, -700.0], dtype=torch.float64)
    wild[17, 1] = math.nan
    smooth = smooth_tracks(wild, visible, 3.0)
    assert torch.allclose(smooth, smooth_tracks(noisy, visible, 3.0), atol=1e-9), "hidden values are never read"
    error = (smooth[hidden, 1] - truth[hidden, 1]).norm(dim=-1)
    assert error.mean() < 1.5 and error.max() < 2.5, "gaps filled from the neighbours"
    weights = visible.double() * 0.7  # float weights work the same way
    assert torch.allclose(smooth_tracks(wild, weights, 3.0), smooth, atol=1e-9)


def test_gaps_longer_than_the_window_and_hidden_ends():
    line = torch.stack([torch.arange(40.0) * 2, torch.full((40,), 5.0)], dim=-1)[:, None].repeat(1, 2, 1)
    seen = torch.zeros(40, 2, dtype=torch.bool)
    seen[3:8, 0] = seen[30:38, 0] = True
    points = line.clone()
    points[~seen] = 1e6  # hidden, never read
    smooth = smooth_tracks(points, seen, sigma_frames=1.0)
    assert torch.allclose(smooth[3:38, 0], line[3:38, 0], atol=1e-4), "a line across a long gap"
    # Hidden ends move on at the edge velocity (fading: d frames out ~d^2 / 8 sigma frames behind).
    lag = torch.cat([smooth[:3, 0] - line[:3, 0], smooth[38:, 0] - line[38:, 0]]).norm(dim=-1)
    held = torch.tensor([3.0, 2.0, 1.0, 1.0, 2.0]) * 2  # how far behind holding the edge value would be
    assert (lag <= 0.35 * held).all(), lag
    assert torch.equal(smooth[:, 1], points[:, 1]), "a track never seen comes back as given"
    filled = smooth_tracks(points, seen, 0.0)[:, 0]
    assert torch.allclose(filled[3:38], line[3:38, 0]), "sigma 0 only fills gaps..."
    assert torch.equal(filled[:3], line[[3, 3, 3], 0]), "...held at the ends"
    assert torch.equal(filled[38:], line[[37, 37], 0])


# --- feathering and compositing ------------------------------------------------------------


def test_feather_keeps_mass_and_bounds():
    mask = torch.zeros(2, 1, 60, 80)
    mask[0, :, 10:40, 20:50] = 1
    mask[1, :, :25, 50:] = 1  # touches the top and right borders
    mask[1, :, 40, 10] = 1  # a single pixel
    soft = feather(mask, 6.0)
    assert torch.allclose(soft.sum((1, 2, 3)), mask.sum((1, 2, 3)), rtol=1e-5)
    assert soft.min() >= 0 and soft.max() <= 1
    assert soft[0, 0, 25, 35] == pytest.approx(1.0, abs=1e-6) and soft[0, 0, 55, 75] == 0
    assert soft[1, 0, 0, 79] == pytest.approx(1.0, abs=1e-6), "no fading at the frame border"
    assert 0 < soft[0, 0, 10, 35] < 1
    assert torch.allclose(soft[1:], feather(mask[1:], 6.0)), "batched = per item"
    assert torch.equal(feather(mask, 0.0), mask)


def test_composite_with_alpha_0_or_1_is_exact():
    g = torch.Generator().manual_seed(0)
    background, foreground = torch.rand(2, 3, 20, 30, generator=g), torch.rand(2, 3, 20, 30, generator=g)
    alpha = (torch.rand(2, 1, 20, 30, generator=g) > 0.5).float()
    assert torch.equal(composite(background, foreground, alpha), torch.where(alpha > 0, foreground, background))
    assert torch.equal(composite(background, foreground * alpha, alpha, premultiplied=True),
                       torch.where(alpha > 0, foreground, background))
    half = torch.full_like(alpha, 0.5)
    assert torch.allclose(composite(background, foreground, half), (background + foreground) / 2)


def test_warped_rgba_composites_with_its_mask():
    h, w = 40, 60
    rgba = torch.zeros(1, 4, h, w)
    rgba[:, :3] = torch.tensor([0.9, 0.1, 0.2])[:, None, None]
    rgba[:, 3, 10:30, 15:45] = 1
    rgba[:, :3] *= rgba[:, 3:]  # premultiplied
    shifted = warp(rgba, identity_grid(h, w) - torch.tensor([10 * 2 / w, 0.0]))  # 10 px to the right
    frame = torch.full((1, 3, h, w), 0.5)
    out = composite(frame, shifted[:, :3], shifted[:, 3:], premultiplied=True)
    assert torch.allclose(out[0, :, 20, 40], torch.tensor([0.9, 0.1, 0.2]), atol=1e-5)
    assert torch.allclose(out[0, :, 20, 20], torch.tensor([0.5, 0.5, 0.5]), atol=1e-5)
    # One garment through a batch of grids = the garment repeated.
    grids = torch.cat([identity_grid(h, w), identity_grid(h, w) + 0.1])
    assert torch.equal(warp(rgba, grids), warp(rgba.repeat(2, 1, 1, 1), grids))


# --- bad input -----------------------------------------------------------------------------

P = torch.zeros(1, 4, 2)
A = torch.zeros(1, 2)
IMG = torch.zeros(1, 3, 8, 8)
BAD: list[tuple[str, Callable[[], object]]] = [
    ("src", lambda: tps_fit(torch.zeros(4, 2), P)),
    ("dst", lambda: tps_fit(P, torch.zeros(1, 5, 2))),
    ("weights", lambda: tps_fit(P, P, torch.ones(1, 3))),
    ("regularization", lambda: tps_fit(P, P, regularization=-1.0)),
    ("height", lambda: tps_grid(tps_fit(_lattice(9, 9, 2, 2, 1, 0)[None], _lattice(9, 9, 2, 2, 1, 0)[None]), 0, 5)),
    ("stride", lambda: tps_grid(tps_fit(_lattice(9, 9, 2, 2, 1, 0)[None], _lattice(9, 9, 2, 2, 1, 0)[None]), 5, 5,
                                stride=0)),
    ("points", lambda: tps_map(tps_fit(_lattice(9, 9, 2, 2, 1, 0)[None], _lattice(9, 9, 2, 2, 1, 0)[None]),
                               torch.zeros(2, 3, 2))),
    ("images", lambda: warp(torch.zeros(3, 8, 8), torch.zeros(1, 8, 8, 2))),
    ("images", lambda: warp(torch.zeros(1, 3, 8, 8, dtype=torch.uint8), torch.zeros(1, 8, 8, 2))),
    ("grid", lambda: warp(IMG, torch.zeros(1, 8, 8, 3))),
    ("grid", lambda: warp(torch.zeros(2, 3, 8, 8), torch.zeros(3, 8, 8, 2))),
    ("src_b", lambda: bone_grid(A, torch.zeros(2), A, A, 1.0, 1.0, 8, 8)),
    ("dst_a", lambda: bone_grid(A, A, torch.zeros(1, 3), A, 1.0, 1.0, 8, 8)),
    ("width_dst", lambda: bone_grid(A, A, A, A, 1.0, 0.0, 8, 8)),
    ("width_src", lambda: bone_grid(A, A, A, A, torch.ones(3), 1.0, 8, 8)),
    ("src_size", lambda: bone_grid(A, A, A, A, 1.0, 1.0, 8, 8, src_size=(0, 8))),
    ("weights", lambda: blend_grids([torch.zeros(1, 8, 8, 2)], [])),
    ("weights", lambda: blend_grids([torch.zeros(1, 8, 8, 2)], [torch.zeros(1, 8, 8)])),
    ("grids", lambda: blend_grids([torch.zeros(1, 8, 8)], [torch.zeros(1, 1, 8, 8)])),
    ("background", lambda: blend_grids([torch.zeros(1, 8, 8, 2)], [torch.zeros(1, 1, 8, 8)], torch.zeros(8, 8, 2))),
    ("points", lambda: smooth_tracks(torch.zeros(10, 2))),
    ("visibility", lambda: smooth_tracks(torch.zeros(10, 3, 2), torch.ones(10, 2))),
    ("sigma_frames", lambda: smooth_tracks(torch.zeros(10, 3, 2), None, -1.0)),
    ("mask", lambda: feather(torch.zeros(8, 8), 2.0)),
    ("radius_px", lambda: feather(torch.zeros(1, 1, 8, 8), math.nan)),
    ("alpha", lambda: composite(IMG, IMG, torch.zeros(1, 2, 8, 8))),
    ("alpha", lambda: composite(IMG, IMG, torch.zeros(1, 1, 8, 9))),
    ("foreground", lambda: composite(IMG, torch.zeros(1, 3, 9, 8), torch.zeros(1, 1, 8, 8))),
]


@pytest.mark.parametrize(("argument", "call"), BAD, ids=[f"{i}-{name}" for i, (name, _) in enumerate(BAD)])
def test_bad_input_names_the_argument(argument, call):
    with pytest.raises(ValueError, match=f"^{argument}: ") as info:
        call()
    assert isinstance(info.value, VisionInputError) and info.value.tensor == argument


# --- devices and speed ---------------------------------------------------------------------


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_matches_cpu():
    h, w = 90, 160
    src = _lattice(h, w, 3, 4, 10, seed=20)[None].repeat(2, 1, 1)
    dst = src + torch.randn(src.shape, generator=torch.Generator().manual_seed(21)) * 6
    image = torch.rand(2, 4, h, w)
    cpu = warp(image, tps_grid(tps_fit(src, dst), h, w))
    grid = tps_grid(tps_fit(src.cuda(), dst.cuda()), h, w)
    assert grid.device.type == "cuda"
    assert torch.allclose(warp(image.cuda(), grid).cpu(), cpu, atol=1e-4)
    assert torch.allclose(feather(image[:, 3:].cuda(), 4.0).cpu(), feather(image[:, 3:], 4.0), atol=1e-5)
    tracks = torch.randn(50, 3, 2, dtype=torch.float64)
    assert torch.allclose(smooth_tracks(tracks.cuda(), None, 2.0).cpu(), smooth_tracks(tracks, None, 2.0))


def test_speed_figure():
    """tps_grid + warp of B=8 RGBA 720x1280 frames through 14 control points, ms/frame (printed)."""
    b, h, w = 8, 720, 1280
    g = torch.Generator().manual_seed(0)
    dst = torch.rand(b, 14, 2, generator=g) * torch.tensor([w * 0.8, h * 0.8]) + torch.tensor([w * 0.1, h * 0.1])
    src = dst + torch.randn(b, 14, 2, generator=g) * 15
    garment = torch.rand(1, 4, h, w, generator=g)
    params = tps_fit(src, dst)
    for stride in (1, 4):
        runs = []
        for _ in range(3):  # the best of 3: the first pays for fresh memory
            start = time.perf_counter()
            grid = tps_grid(params, h, w, stride=stride)
            mid = time.perf_counter()
            out = warp(garment, grid)
            runs.append((mid - start, time.perf_counter() - mid))
        assert out.shape == (b, 4, h, w)
        grid_s, warp_s = min(runs, key=sum)
        print(f"\nwarp speed (CPU, {torch.get_num_threads()} threads, stride {stride}): tps_grid "
              f"{grid_s * 1e3 / b:.1f} + warp {warp_s * 1e3 / b:.1f} = {(grid_s + warp_s) * 1e3 / b:.1f} ms/frame")
