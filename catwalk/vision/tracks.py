"""Temporal smoothing of control-point tracks over a clip, so a warped garment does not jitter.

The filter is a Gaussian-weighted *local linear* regression along time (a Savitzky–Golay of
degree 1 with Gaussian instead of box weights): at every frame t it fits x(t + k) ~ a + b k to
the visible samples within +-4 sigma, weighted by exp(-k^2 / 2 sigma^2) * visibility, and keeps
a. Properties that matter here:
- zero phase: the weights are symmetric, so nothing lags; in the interior of a fully visible
  track it *is* the normalised Gaussian filter (the linear term decouples);
- constant-velocity motion is reproduced exactly, at the first and last frames too (a plain
  Gaussian average drags the ends towards the middle) and across gaps;
- visibility is a weight: invisible samples (weight 0, or non-finite coordinates) contribute
  nothing and their values are never read (NaN allowed); they are filled from their neighbours.

Filling. The fit is kept at visible frames. A hidden frame between visible ones takes the linear
interpolation of the smoothed values at the nearest visible frames on either side (a local line
extrapolated into a gap amplifies noise). Before the first and after the last visible frame the
track moves on at the edge's fitted velocity, fading with a time constant of 4 sigma: d frames
out it lags constant-velocity motion by ~d^2 / (8 sigma) frames, and a long end gap drifts at
most 4 sigma x the edge velocity's error (~0.5 px/frame at sigma 3 and 1.5 px noise: one-sided
windows estimate velocity poorly). Where the visible samples around a frame are too concentrated
for a line (an isolated frame) the fit blends smoothly to the weighted mean. A track never
visible is returned as given. Works on any device; computed in float64 (float32 on MPS).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor

from catwalk.vision.errors import VisionInputError

WINDOW_SIGMAS = 4.0  # the Gaussian is cut at +-4 sigma
END_FADE_SIGMAS = 4.0  # in an end gap the edge velocity fades with this time constant (x sigma)
LINE_FIT_MIN, LINE_FIT_FULL = 0.02, 0.10  # conditioning (det / (S0 S2)) from which the line fit starts / is full

__all__ = ["smooth_tracks"]


def smooth_tracks(points: Tensor, visibility: Tensor | None = None, sigma_frames: float = 2.0) -> Tensor:
    """Smooth `points` `[T, N, 2]` (N tracks of (x, y) over T frames) along time.

    `visibility` `[T, N]`: bool, or float weights >= 0 (e.g. MediaPipe visibility); None = all
    visible. `sigma_frames` is the Gaussian's standard deviation in frames (0: no smoothing,
    only the gaps are filled: linearly inside, held at the ends). Returns a new `[T, N, 2]`
    tensor of the dtype of `points`.
    """
    if not isinstance(points, Tensor) or points.ndim != 3 or points.shape[-1] != 2 or not points.is_floating_point():
        shape = tuple(points.shape) if isinstance(points, Tensor) else type(points).__name__
        raise VisionInputError("points", f"expected a float [T, N, 2] tensor, got {shape}")
    t_len, n, _ = points.shape
    if visibility is None:
        visibility = torch.ones(t_len, n, device=points.device)
    elif not isinstance(visibility, Tensor) or visibility.shape != (t_len, n):
        shape = tuple(visibility.shape) if isinstance(visibility, Tensor) else type(visibility).__name__
        raise VisionInputError("visibility", f"shape {shape}, expected {(t_len, n)} like points")
    if not math.isfinite(sigma_frames) or sigma_frames < 0:
        raise VisionInputError("sigma_frames", f"must be finite and >= 0, got {sigma_frames}")
    if t_len == 0 or n == 0:
        return points.clone()

    dtype = torch.float32 if points.device.type == "mps" else torch.float64
    p = points.to(dtype)
    v = visibility.to(device=points.device, dtype=dtype).nan_to_num(0.0).clamp(min=0.0)
    v = torch.where(torch.isfinite(p).all(-1), v, 0.0)
    seen = v > 0
    p = torch.where(seen[..., None], p, 0.0)
    if sigma_frames == 0:
        fit, slope = p, torch.zeros_like(p)
    else:
        fit, slope = _local_line(p, v, seen, sigma_frames)
    out = _fill_gaps(fit, slope, seen, END_FADE_SIGMAS * sigma_frames)
    return torch.where(seen.any(0)[None, :, None], out, points.to(dtype)).to(points.dtype)


def _local_line(p: Tensor, v: Tensor, seen: Tensor, sigma: float) -> tuple[Tensor, Tensor]:
    """The Gaussian-weighted local line (value, slope per frame) at every frame `[T, N, 2]` x 2."""
    t_len, n, _ = p.shape
    dtype = p.dtype
    # Centre each track (conditioning), then the windowed moments by one conv1d per series.
    ref = (p * v[..., None]).sum(0) / v.sum(0).clamp(min=1e-30)[:, None]  # [N, 2]
    p = torch.where(seen[..., None], p - ref, 0.0)
    half = max(1, min(math.ceil(WINDOW_SIGMAS * sigma), t_len - 1))
    k = torch.arange(-half, half + 1, dtype=dtype, device=p.device)
    g = torch.exp(-0.5 * (k / sigma) ** 2)
    kernels = torch.stack([g, g * k, g * k * k])[:, None]  # [3, 1, 2K + 1]: sums of w k^m
    series = torch.cat([v, v * p[..., 0], v * p[..., 1]], dim=1).T[:, None]  # [3N, 1, T]
    moments = F.conv1d(series, kernels, padding=half)  # [3N, 3, T]
    s0, s1, s2 = moments[:n, 0], moments[:n, 1], moments[:n, 2]  # [N, T]
    m0 = torch.stack([moments[n:2 * n, 0], moments[2 * n:, 0]], dim=-1)  # [N, T, 2]
    m1 = torch.stack([moments[n:2 * n, 1], moments[2 * n:, 1]], dim=-1)
    tiny = torch.finfo(dtype).tiny
    det = s0 * s2 - s1 * s1
    line = (s2[..., None] * m0 - s1[..., None] * m1) / det.clamp(min=tiny)[..., None]
    slope = (s0[..., None] * m1 - s1[..., None] * m0) / det.clamp(min=tiny)[..., None]
    mean = m0 / s0.clamp(min=tiny)[..., None]
    conditioning = det / (s0 * s2).clamp(min=tiny)
    mix = ((conditioning - LINE_FIT_MIN) / (LINE_FIT_FULL - LINE_FIT_MIN)).clamp(0, 1)[..., None]
    value = (mix * line + (1 - mix) * mean).transpose(0, 1) + ref  # [T, N, 2]
    return value, (mix * slope).transpose(0, 1)


def _fill_gaps(p: Tensor, slope: Tensor, seen: Tensor, fade: float) -> Tensor:
    """Unseen samples of `p` `[T, N, 2]` -> linear between the nearest seen ones; before the
    first / after the last seen one, the edge value moving on at its `slope`, the velocity
    fading with time constant `fade` frames (0: held)."""
    t_len = p.shape[0]
    t = torch.arange(t_len, device=p.device)[:, None].expand_as(seen)
    prev = torch.where(seen, t, -1).cummax(0).values
    nxt = torch.where(seen, t, t_len).flip(0).cummin(0).values.flip(0)
    has_prev, has_next = prev >= 0, nxt < t_len
    prev_c, next_c = prev.clamp(min=0), nxt.clamp(max=t_len - 1)
    cols = torch.arange(p.shape[1], device=p.device)[None].expand_as(seen)
    a, b = p[prev_c, cols], p[next_c, cols]
    span = (next_c - prev_c).clamp(min=1).to(p.dtype)
    frac = ((t - prev_c).to(p.dtype) / span)[..., None]
    between = a + frac * (b - a)
    after = a + slope[prev_c, cols] * _faded((t - prev_c).to(p.dtype), fade)[..., None]
    before = b - slope[next_c, cols] * _faded((next_c - t).to(p.dtype), fade)[..., None]
    out = torch.where((has_prev & has_next)[..., None], between, torch.where(has_prev[..., None], after, before))
    return torch.where(seen[..., None], p, out)


def _faded(d: Tensor, fade: float) -> Tensor:
    """Distance covered in `d` frames at unit velocity fading as exp(-d / fade)."""
    return d * 0 if fade <= 0 else fade * -torch.expm1(-d / fade)
