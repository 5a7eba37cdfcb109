"""Batched geometric warps in torch: thin-plate splines, bones, grid blending, compositing.

The try-on and animation models build on this: a garment photo is warped onto a body by a
thin-plate spline through matched landmarks, sleeves follow the arm bones (several bone maps
blended, linear-blend-skinning style), and the warped RGBA is feathered and composited over
the frame. Everything is batched over a leading dimension (frames) and stays on the device
and dtype of its inputs, so the same code runs on a GPU; importing loads only torch.

Conventions (the whole module):
- **Points are pixels** `(x, y)`: x to the right (column), y down (row), the *centre* of pixel
  `(row i, column j)` at `(j, i)`; an image of width W spans x in [-0.5, W - 0.5]. This is
  OpenCV's convention and MediaPipe's normalised keypoints times the image size.
- **Grids are `grid_sample` grids**: `[B, H, W, 2]`, last axis `(x, y)` normalised with
  `align_corners=False`, i.e. u = (2x + 1) / W_src - 1 (-1 and +1 are the outer *edges* of the
  source image). `pixels_to_normalized` / `normalized_to_pixels` convert.
- **Mappings are backward**: a grid holds, for each *output* (destination) pixel, where to
  sample in the *source* image. So `tps_fit(src, dst)` fits the map dst -> src, and
  `bone_grid` maps the destination bone onto the source bone. `src_size` (height, width) of
  the image to be sampled defaults to the output size; pass it when the sizes differ (a
  garment photo warped onto a frame).

`smooth_tracks` (steady control points over a clip) lives in `catwalk.vision.tracks`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

import torch
import torch.nn.functional as F
from torch import Tensor

from catwalk.vision.errors import VisionInputError

CHUNK_ELEMENTS = {"cpu": 1 << 20}  # per-chunk size of the TPS kernel matrix (4 MB in float32) by device
CHUNK_ELEMENTS_DEFAULT = 1 << 25  # GPUs: bigger chunks, fewer launches
MIN_SPREAD = 1e-3  # control points spread less than this (relative) are degenerate
OUTSIDE = -4.0  # a grid value off any source image: grid_sample gives 0 there (zeros padding)
MIN_BONE_PX = 1.0  # a shorter bone is treated as this long (a foreshortened limb)

__all__ = [
    "OUTSIDE",
    "BoneWarp",
    "TpsParams",
    "blend_grids",
    "bone_grid",
    "composite",
    "feather",
    "identity_grid",
    "normalized_to_pixels",
    "pixels_to_normalized",
    "tps_fit",
    "tps_grid",
    "tps_map",
    "warp",
]


# --- coordinates ---------------------------------------------------------------------------


def pixels_to_normalized(points: Tensor, height: int, width: int) -> Tensor:
    """Pixel `(x, y)` (centres at integers) -> grid_sample coordinates (align_corners=False)."""
    scale = points.new_tensor([2.0 / width, 2.0 / height])
    return (points + 0.5) * scale - 1.0


def normalized_to_pixels(points: Tensor, height: int, width: int) -> Tensor:
    """Inverse of `pixels_to_normalized`."""
    scale = points.new_tensor([width / 2.0, height / 2.0])
    return (points + 1.0) * scale - 0.5


def identity_grid(height: int, width: int, *, batch: int = 1, dtype: torch.dtype = torch.float32,
                  device: torch.device | str | None = None) -> Tensor:
    """The grid `[batch, H, W, 2]` that samples every pixel where it is (same-size source).

    An expanded view over the batch: clone it before writing into it in place.
    """
    _check_size(height, width)
    xs = torch.linspace(-1 + 1 / width, 1 - 1 / width, width, dtype=dtype, device=device)
    ys = torch.linspace(-1 + 1 / height, 1 - 1 / height, height, dtype=dtype, device=device)
    grid = torch.stack(torch.broadcast_tensors(xs[None, :], ys[:, None]), dim=-1)
    return grid.expand(batch, height, width, 2)


# --- thin-plate spline ---------------------------------------------------------------------


@dataclass(frozen=True)
class TpsParams:
    """A fitted batch of thin-plate splines f: destination pixels -> source pixels.

    f(p) = [1, q] @ affine + sum_i U(|q - centers_i|) kernel_i, with q = (p - origin) / scale
    the destination point in the fit's normalised frame (control points centred, unit RMS
    spread) and U(r) = r^2 log r. Points ignored at fit time (weight 0) keep zero kernel
    weight and their centre is moved onto the origin, so they contribute nothing.
    """

    centers: Tensor  # [B, N, 2] destination control points, normalised frame
    kernel: Tensor  # [B, N, 2] radial-basis weights (source pixels)
    affine: Tensor  # [B, 3, 2] rows: offset, x, y (source pixels)
    origin: Tensor  # [B, 2] destination pixels
    scale: Tensor  # [B, 1] destination pixels per normalised unit

    @property
    def batch_size(self) -> int:
        return self.centers.shape[0]


def tps_fit(src: Tensor, dst: Tensor, weights: Tensor | None = None,
            regularization: float = 0.0) -> TpsParams:
    """Fit, per batch item, the thin-plate spline sending `dst[b, i]` to `src[b, i]`.

    `src` `[B, N, 2]`: control points in the source image (pixels), `dst` `[B, N, 2]`: where they
    should land in the output. The result maps output pixels to source pixels (backward warp).

    `weights` `[B, N]` (>= 0, default all 1) is a per-point confidence. Weight 0 removes the point
    exactly: its row and column of the linear system are replaced by an identity row with a
    zero right-hand side (so its kernel weight is 0 and it constrains nothing) and its
    coordinates are replaced by the centroid of the others, so NaN/inf there is harmless.
    With `regularization` 0 every point of positive weight is interpolated exactly; with
    lambda > 0 the spline smooths, lambda / weight_i added to the kernel diagonal (weighted
    smoothing spline; lambda is dimensionless because the fit runs on control points scaled to
    unit RMS spread, so it smooths alike at any resolution).

    Points with non-finite coordinates are ignored like weight 0. Each item needs at least 3
    weighted points not all on one line (`VisionInputError` otherwise). The small
    `[N + 3]^2` solve runs in float64; the parameters come back in the dtype of `dst` (float32
    or float64; grids are evaluated in that dtype).
    """
    _check_points("src", src)
    _check_points("dst", dst)
    if src.shape != dst.shape:
        raise VisionInputError("dst", f"shape {tuple(dst.shape)} differs from src {tuple(src.shape)}")
    b, n, _ = dst.shape
    if weights is None:
        weights = dst.new_ones(b, n)
    elif weights.shape != (b, n):
        raise VisionInputError("weights", f"shape {tuple(weights.shape)}, expected {(b, n)}")
    if not math.isfinite(regularization) or regularization < 0:
        raise VisionInputError("regularization", f"must be finite and >= 0, got {regularization}")
    solve_dtype = _solve_dtype(dst)
    w = weights.to(device=dst.device, dtype=solve_dtype).nan_to_num(0.0).clamp(min=0.0)
    active = w > 0
    src64, dst64 = src.to(solve_dtype), dst.to(solve_dtype)
    active = active & torch.isfinite(src64).all(-1) & torch.isfinite(dst64).all(-1)
    count = active.sum(-1)
    if bool((count < 3).any()):
        item = int(torch.nonzero(count < 3)[0, 0])
        raise VisionInputError("weights", f"item {item} has {int(count[item])} weighted control points; "
                                          "a thin-plate spline needs at least 3")

    # Normalise the destination frame: centroid at 0, unit RMS spread (conditioning + a
    # resolution-independent lambda). Ignored points are moved onto the centroid.
    a = active[..., None]
    origin = torch.where(a, dst64, 0).sum(1) / count[:, None]
    src_fill = torch.where(a, src64, 0).sum(1) / count[:, None]
    q = torch.where(a, dst64 - origin[:, None], 0)
    values = torch.where(a, src64, src_fill[:, None])
    spread2 = (q * q).sum(-1).sum(-1) / count
    cov = torch.einsum("bni,bnj->bij", q, q) / count[:, None, None]
    lam_min = torch.linalg.eigvalsh(cov)[:, 0]
    degenerate = lam_min <= (MIN_SPREAD**2) * spread2
    if bool(degenerate.any()):
        item = int(torch.nonzero(degenerate)[0, 0])
        raise VisionInputError("dst", f"item {item}: the weighted control points lie on one line (or one point)")
    scale = spread2.sqrt()[:, None]
    q = q / scale[..., None]

    kernel = _tps_kernel(q, q)  # [B, N, N]
    diag = torch.where(active, regularization / w.clamp(min=torch.finfo(solve_dtype).tiny), 0.0)
    kernel = kernel + torch.diag_embed(diag)
    basis = torch.cat([q.new_ones(b, n, 1), q], dim=-1)  # [B, N, 3]
    pair = active[:, :, None] & active[:, None, :]
    kernel = torch.where(pair, kernel, 0.0) + torch.diag_embed((~active).to(solve_dtype))
    basis = torch.where(a, basis, 0.0)
    top = torch.cat([kernel, basis], dim=-1)
    bottom = torch.cat([basis.transpose(1, 2), q.new_zeros(b, 3, 3)], dim=-1)
    system = torch.cat([top, bottom], dim=1)  # [B, N + 3, N + 3]
    rhs = torch.cat([torch.where(a, values, 0.0), q.new_zeros(b, 3, 2)], dim=1)
    solution, info = torch.linalg.solve_ex(system, rhs)
    if bool((info != 0).any()):
        item = int(torch.nonzero(info != 0)[0, 0])
        raise VisionInputError("dst", f"item {item}: the thin-plate system is singular")
    out = dst.dtype if dst.is_floating_point() else torch.float32
    return TpsParams(centers=q.to(out), kernel=solution[:, :n].to(out), affine=solution[:, n:].to(out),
                     origin=origin.to(out), scale=scale.to(out))


def tps_map(params: TpsParams, points: Tensor) -> Tensor:
    """Evaluate the fitted map at destination pixels `points` `[B, M, 2]` -> source pixels."""
    _check_points("points", points, min_count=0)
    if points.shape[0] != params.batch_size:
        raise VisionInputError("points", f"batch {points.shape[0]} != params batch {params.batch_size}")
    q = (points.to(params.centers.dtype) - params.origin[:, None]) / params.scale[..., None]
    return _tps_eval(q, params.centers, params.kernel, params.affine)


def tps_grid(params: TpsParams, height: int, width: int, *, src_size: tuple[int, int] | None = None,
             stride: int = 1) -> Tensor:
    """The sampling grid `[B, height, width, 2]` of the fitted splines (see module conventions).

    With `stride` 1 the spline is evaluated at every output pixel centre, in row chunks so the
    `[pixels, N]` kernel matrix stays small (cache-sized on CPU). With `stride` s > 1 it is
    evaluated on a lattice about s pixels apart (spanning the first to the last pixel) and
    bilinearly upsampled: ~s^2 times less work, and as the spline is smooth the error is small
    (the tests bound it for s = 4 on a strong warp). The pixel -> normalised conversion of the
    source is folded into the coefficients, so values come out directly in grid units.
    """
    _check_size(height, width)
    src_h, src_w = _src_size(src_size, height, width)
    if not isinstance(stride, int) or isinstance(stride, bool) or stride < 1:
        raise VisionInputError("stride", f"must be a positive int, got {stride!r}")
    dtype, device = params.centers.dtype, params.centers.device
    if stride == 1:
        xs = torch.arange(width, dtype=dtype, device=device)
        ys = torch.arange(height, dtype=dtype, device=device)
    else:
        xs = torch.linspace(0, width - 1, math.ceil((width - 1) / stride) + 1, dtype=dtype, device=device)
        ys = torch.linspace(0, height - 1, math.ceil((height - 1) / stride) + 1, dtype=dtype, device=device)
    grid = _tps_grid_at(params, xs, ys, src_h, src_w)
    if stride == 1:
        return grid
    # (interpolate is ~3x faster on a contiguous [B, 2, h, w] than on the channels-last view)
    coarse = grid.permute(0, 3, 1, 2).contiguous()
    fine = F.interpolate(coarse, size=(height, width), mode="bilinear", align_corners=True)
    return fine.permute(0, 2, 3, 1).contiguous()


def _tps_grid_at(params: TpsParams, xs: Tensor, ys: Tensor, src_h: int, src_w: int) -> Tensor:
    """The grid at destination pixel columns `xs` `[W]` x rows `ys` `[H]` -> `[B, H, W, 2]`."""
    # Fold pixels -> normalised (u = s * x + s / 2 - 1 per axis) and U's 1/2 into the coefficients.
    s = params.kernel.new_tensor([2.0 / src_w, 2.0 / src_h])
    kernel_t = (params.kernel * (s / 2)).transpose(1, 2).contiguous()  # [B, 2, N]
    affine = params.affine * s
    affine[:, 0] += s / 2 - 1
    offset, along_x, along_y = (affine[:, i, :, None, None] for i in range(3))  # [B, 2, 1, 1]
    # Destination points in the fit's normalised frame; the squared distances are separable.
    inv = 1.0 / params.scale  # [B, 1]
    xs = (xs[None] - params.origin[:, :1]) * inv  # [B, W]
    ys = (ys[None] - params.origin[:, 1:]) * inv  # [B, H]
    (b, n), height, width = params.centers.shape[:2], ys.shape[1], xs.shape[1]
    dx2 = (xs[:, None, :] - params.centers[:, :, 0, None]) ** 2  # [B, N, W]
    dy2 = (ys[:, None, :] - params.centers[:, :, 1, None]) ** 2  # [B, N, H]
    budget = CHUNK_ELEMENTS.get(xs.device.type, CHUNK_ELEMENTS_DEFAULT)
    rows = max(1, min(height, budget // max(1, b * width * n)))
    grid = xs.new_empty(b, height, width, 2)
    tiny = torch.finfo(xs.dtype).tiny
    for top in range(0, height, rows):
        y = ys[:, top:top + rows]
        r = y.shape[1]
        # [B, N, r, W] with N outermost: the 2 x N by N x pixels product is a wide, fast matmul
        # (10x faster than pixels x N by N x 2). r^2 at 0 is clamped to `tiny`: U is then ~1e-36.
        d2 = (dy2[:, :, top:top + rows, None] + dx2[:, :, None, :]).clamp_min_(tiny)
        u = torch.log(d2).mul_(d2)  # 2 U(r) = r^2 log r^2
        # (on CUDA this matmul would lose precision under allow_tf32; torch's default keeps it off)
        out = torch.bmm(kernel_t, u.view(b, n, r * width)).view(b, 2, r, width)
        out += offset
        out += xs[:, None, None, :] * along_x
        out += y[:, None, :, None] * along_y
        grid[:, top:top + rows] = out.permute(0, 2, 3, 1)
    return grid


def _tps_kernel(a: Tensor, b: Tensor) -> Tensor:
    """U(|a_i - b_j|) for `[B, M, 2]` x `[B, N, 2]` -> `[B, M, N]`."""
    return _u_of_d2(((a[:, :, None] - b[:, None]) ** 2).sum(-1))


def _u_of_d2(d2: Tensor) -> Tensor:
    """r^2 log r from r^2 (0 at r = 0), with one temporary."""
    tiny = torch.finfo(d2.dtype).tiny
    return d2.clamp(min=tiny).log_().mul_(d2).mul_(0.5)


def _tps_eval(q: Tensor, centers: Tensor, kernel: Tensor, affine: Tensor) -> Tensor:
    basis = torch.cat([torch.ones_like(q[..., :1]), q], dim=-1)
    return basis @ affine + _tps_kernel(q, centers) @ kernel


# --- bones ---------------------------------------------------------------------------------


class BoneWarp(NamedTuple):
    """One bone's map: the grid and where it applies (1 on the capsule, 0 beyond its falloff)."""

    grid: Tensor  # [B, H, W, 2]
    weight: Tensor  # [B, 1, H, W]


def bone_grid(src_a: Tensor, src_b: Tensor, dst_a: Tensor, dst_b: Tensor,
              width_src: float | Tensor, width_dst: float | Tensor, height: int, width: int, *,
              src_size: tuple[int, int] | None = None, falloff_px: float | Tensor | None = None) -> BoneWarp:
    """Map the rectangle along the destination bone `dst_a -> dst_b` onto the source bone.

    Points `[B, 2]` in pixels, widths (full width across the bone, pixels) as floats or `[B]`.
    A destination pixel at fraction t along the bone and offset s across it (in half-widths)
    samples the source at src_a + t (src_b - src_a) + s (width_src / 2) n_src, n the bone's
    left normal: an affine map (rotation, scale along and across the bone, no mirroring) that
    extends beyond the ends. E.g. a sleeve from shoulder to elbow on the garment photo onto the
    shoulder -> elbow of the body in a frame.

    `weight` is a capsule around the destination segment: 1 within width_dst / 2 of it, then a
    smoothstep down to 0 over `falloff_px` more (default width_dst / 2; 0 for a hard edge).
    Bones shorter than `MIN_BONE_PX` count as that long (pointing along +x if of length 0).
    """
    batch = dst_a.shape[0] if isinstance(dst_a, Tensor) and dst_a.ndim == 2 else -1
    for name, p in (("dst_a", dst_a), ("dst_b", dst_b), ("src_a", src_a), ("src_b", src_b)):
        if not isinstance(p, Tensor) or p.ndim != 2 or p.shape != (batch, 2):
            shape = tuple(p.shape) if isinstance(p, Tensor) else type(p).__name__
            raise VisionInputError(name, f"shape {shape}, expected [B, 2] points (B from dst_a)")
    _check_size(height, width)
    src_h, src_w = _src_size(src_size, height, width)
    dtype, device = _float_dtype(dst_a), dst_a.device
    w_src = _per_item("width_src", width_src, batch, dtype, device, positive=True)
    w_dst = _per_item("width_dst", width_dst, batch, dtype, device, positive=True)
    fall = w_dst / 2 if falloff_px is None else _per_item("falloff_px", falloff_px, batch, dtype, device)
    sa, sb, da, db = (p.to(dtype) for p in (src_a, src_b, dst_a, dst_b))

    u_dst, len_dst = _direction(db - da)
    u_src, len_src = _direction(sb - sa)
    # Destination pixel p -> (t, s) -> source pixel: a 2x2 linear part M and offset c, p = (x, y).
    along = u_src * (len_src / len_dst)[:, None]  # per unit of (p - da) . u_dst
    across = _left(u_src) * (w_src / w_dst)[:, None]  # per unit of (p - da) . n_dst
    lin = u_dst[:, :, None] * along[:, None, :] + _left(u_dst)[:, :, None] * across[:, None, :]  # [B, 2(in), 2(out)]
    offset = sa - (da[:, None, :] @ lin)[:, 0]
    s = dst_a.new_tensor([2.0 / src_w, 2.0 / src_h], dtype=dtype)
    lin, offset = lin * s, offset * s + s / 2 - 1
    xs = torch.arange(width, dtype=dtype, device=device)
    ys = torch.arange(height, dtype=dtype, device=device)
    grid = (offset[:, None, None, :] + xs[None, None, :, None] * lin[:, None, None, 0]
            + ys[None, :, None, None] * lin[:, None, None, 1])

    # Capsule weight: distance from each pixel to the destination segment.
    seg = db - da
    px = xs[None, None, :] - da[:, None, None, 0]  # [B, 1, W]
    py = ys[None, :, None] - da[:, None, None, 1]  # [B, H, 1]
    seg2 = (seg * seg).sum(-1).clamp(min=1e-12)[:, None, None]
    h = ((px * seg[:, None, None, 0] + py * seg[:, None, None, 1]) / seg2).clamp(0, 1)
    dist = torch.hypot(px - h * seg[:, None, None, 0], py - h * seg[:, None, None, 1])
    beyond = (dist - (w_dst / 2)[:, None, None]) / fall.clamp(min=1e-12)[:, None, None]
    x = beyond.clamp(0, 1)
    weight = 1 - x * x * (3 - 2 * x)
    return BoneWarp(grid=grid, weight=weight[:, None])


def blend_grids(grids: Sequence[Tensor] | Tensor, weights: Sequence[Tensor] | Tensor,
                background: Tensor | None = None) -> Tensor:
    """Blend grids `[B, H, W, 2]` by weight maps `[B, 1, H, W]` (>= 0), linear-blend-skinning style.

    Where any weight is positive the result is the weighted average of the grids (overlapping
    bone capsules at a joint blend smoothly). Where no weight is, it is `background`, which
    defaults to a grid that samples nothing (`OUTSIDE`: warped values are 0 there): the
    garment case, where the warped alpha is then masked by the coverage
    `torch.stack(weights).sum(0).clamp(max=1)`. With an explicit `background` the result
    instead fades to it where the weights sum to c < 1 (c of the average plus 1 - c of the
    background): the animation case with `identity_grid`, the skin between a moving limb and the
    still background stretching. Stacked tensors `[K, B, H, W, 2]` / `[K, B, 1, H, W]` also work.
    """
    if len(grids) == 0 or len(grids) != len(weights):
        raise VisionInputError("weights", f"{len(weights)} weight maps for {len(grids)} grids (need >= 1, equal)")
    first = grids[0]
    if first.ndim != 4 or first.shape[-1] != 2:
        raise VisionInputError("grids", f"shape {tuple(first.shape)}, expected [B, H, W, 2]")
    b, h, w, _ = first.shape
    for k, (g, m) in enumerate(zip(grids, weights, strict=True)):
        if g.shape != first.shape:
            raise VisionInputError("grids", f"grid {k} has shape {tuple(g.shape)}, grid 0 {tuple(first.shape)}")
        if m.shape != (b, 1, h, w):
            raise VisionInputError("weights", f"weight {k} has shape {tuple(m.shape)}, expected {(b, 1, h, w)}")
    if background is not None and background.shape not in ((b, h, w, 2), (1, h, w, 2)):
        raise VisionInputError("background", f"shape {tuple(background.shape)}, expected {(b, h, w, 2)}")
    total = torch.zeros_like(first[..., :1])
    acc = torch.zeros_like(first)
    for g, m in zip(grids, weights, strict=True):
        m = m[:, 0, :, :, None].to(first.dtype)
        total = total + m
        acc = acc + m * g
    mean = acc / total.clamp(min=torch.finfo(first.dtype).tiny)
    if background is None:
        return torch.where(total > 0, mean, OUTSIDE)
    cover = total.clamp(max=1)
    return cover * mean + (1 - cover) * background


def _direction(v: Tensor) -> tuple[Tensor, Tensor]:
    """Unit vectors and lengths (>= MIN_BONE_PX) of `[B, 2]`; +x where the vector is 0."""
    length = torch.linalg.vector_norm(v, dim=-1)
    fallback = torch.zeros_like(v)
    fallback[:, 0] = 1
    unit = torch.where((length > 0)[:, None], v / length.clamp(min=1e-30)[:, None], fallback)
    return unit, length.clamp(min=MIN_BONE_PX)


def _left(u: Tensor) -> Tensor:
    """u rotated by +90 degrees in image coordinates: (x, y) -> (-y, x)."""
    return torch.stack([-u[:, 1], u[:, 0]], dim=-1)


# --- sampling and compositing --------------------------------------------------------------


def warp(images: Tensor, grid: Tensor, *, mode: Literal["bilinear", "nearest"] = "bilinear") -> Tensor:
    """Sample `images` `[B, C, H_src, W_src]` at `grid` `[B, H, W, 2]` -> `[B, C, H, W]`.

    `grid_sample` with zeros padding and align_corners=False; either batch may be 1 (one garment
    onto B frames, or B images through one grid). Channels are sampled independently, so an
    alpha or mask channel comes along (outside the source it is 0). Sampling is linear in each
    channel: warp premultiplied colour (rgb * alpha) to avoid fringes from the colour behind a
    mask's edge, then `composite(..., premultiplied=True)`. `nearest` is for label maps.
    """
    if images.ndim != 4 or not images.is_floating_point():
        raise VisionInputError("images", f"expected a float [B, C, H, W] tensor, got {images.dtype} "
                                         f"{tuple(images.shape)}")
    if grid.ndim != 4 or grid.shape[-1] != 2:
        raise VisionInputError("grid", f"shape {tuple(grid.shape)}, expected [B, H, W, 2]")
    bi, bg = images.shape[0], grid.shape[0]
    if bi != bg and 1 not in (bi, bg):
        raise VisionInputError("grid", f"batch {bg} does not match images batch {bi}")
    batch = max(bi, bg)
    images = images.expand(batch, *images.shape[1:])
    grid = grid.to(images.dtype).expand(batch, *grid.shape[1:])
    return F.grid_sample(images, grid, mode=mode, padding_mode="zeros", align_corners=False)


def feather(mask: Tensor, radius_px: float) -> Tensor:
    """Soften a mask `[B, C, H, W]` (C = 1 usually; values in [0, 1]) by a separable Gaussian.

    sigma = radius_px / 3, truncated at +-radius_px, so the edge ramps over radius_px on each
    side and a pixel farther than that from every edge keeps its value. The border mirrors the
    image (half-sample symmetric), which keeps the total mass exactly (nothing leaks out of the
    frame, a mask touching the border does not fade there). Output clamped to [0, 1].
    """
    if mask.ndim != 4 or not mask.is_floating_point():
        raise VisionInputError("mask", f"expected a float [B, 1, H, W] tensor, got {mask.dtype} {tuple(mask.shape)}")
    if not math.isfinite(radius_px) or radius_px < 0:
        raise VisionInputError("radius_px", f"must be finite and >= 0, got {radius_px}")
    b, c, h, w = mask.shape
    if radius_px == 0 or h == 0 or w == 0:
        return mask.clone()
    x = mask.reshape(b * c, 1, h, w)
    sigma = radius_px / 3
    for dim, size in ((3, w), (2, h)):
        half = min(math.ceil(radius_px), size)
        k = torch.arange(-half, half + 1, dtype=mask.dtype, device=mask.device)
        kernel = torch.exp(-0.5 * (k / sigma) ** 2)
        kernel = kernel / kernel.sum()
        lo, hi = x.narrow(dim, 0, half).flip(dim), x.narrow(dim, size - half, half).flip(dim)
        padded = torch.cat([lo, x, hi], dim=dim)
        shape = (1, 1, 1, -1) if dim == 3 else (1, 1, -1, 1)
        x = F.conv2d(padded, kernel.view(shape))
    return x.reshape(b, c, h, w).clamp_(0, 1)


def composite(background: Tensor, foreground: Tensor, alpha: Tensor, *, premultiplied: bool = False) -> Tensor:
    """`foreground` over `background` (`[B, C, H, W]`) by `alpha` (`[B, 1 or C, H, W]`, in [0, 1]).

    alpha * fg + (1 - alpha) * bg, or fg + (1 - alpha) * bg when `foreground` is premultiplied.
    Alpha 1 gives the foreground and 0 the background exactly. Batches of 1 broadcast.
    """
    for name, t in (("background", background), ("foreground", foreground), ("alpha", alpha)):
        if t.ndim != 4 or not t.is_floating_point():
            raise VisionInputError(name, f"expected a float [B, C, H, W] tensor, got {t.dtype} {tuple(t.shape)}")
    try:
        torch.broadcast_shapes(background.shape, foreground.shape)
    except RuntimeError as e:
        raise VisionInputError("foreground", f"shape {tuple(foreground.shape)} does not match background "
                                             f"{tuple(background.shape)}") from e
    batch = max(background.shape[0], foreground.shape[0])
    if (alpha.shape[0] not in (1, batch) or alpha.shape[1] not in (1, background.shape[1])
            or alpha.shape[2:] != background.shape[2:]):
        raise VisionInputError("alpha", f"shape {tuple(alpha.shape)} does not fit background {tuple(background.shape)}")
    if premultiplied:
        return foreground + (1 - alpha) * background
    return alpha * foreground + (1 - alpha) * background


# --- checks --------------------------------------------------------------------------------


def _check_points(name: str, points: Tensor, min_count: int = 1) -> None:
    if not isinstance(points, Tensor) or points.ndim != 3 or points.shape[-1] != 2 or points.shape[1] < min_count:
        shape = tuple(points.shape) if isinstance(points, Tensor) else type(points).__name__
        raise VisionInputError(name, f"expected a [B, N, 2] tensor of (x, y) points, got {shape}")


def _check_size(height: int, width: int) -> None:
    for name, v in (("height", height), ("width", width)):
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise VisionInputError(name, f"must be a positive int, got {v!r}")


def _src_size(src_size: tuple[int, int] | None, height: int, width: int) -> tuple[int, int]:
    if src_size is None:
        return height, width
    if len(src_size) != 2 or any(not isinstance(v, int) or v < 1 for v in src_size):
        raise VisionInputError("src_size", f"expected (height, width) positive ints, got {src_size!r}")
    return src_size[0], src_size[1]


def _per_item(name: str, value: float | Tensor, batch: int, dtype: torch.dtype, device: torch.device,
              positive: bool = False) -> Tensor:
    t = torch.as_tensor(value, dtype=dtype, device=device)
    if t.ndim == 0:
        t = t.expand(batch)
    if t.shape != (batch,):
        raise VisionInputError(name, f"expected a number or a [{batch}] tensor, got shape {tuple(t.shape)}")
    if bool(((t <= 0) if positive else (t < 0)).any()) or not bool(torch.isfinite(t).all()):
        raise VisionInputError(name, f"must be finite and {'> 0' if positive else '>= 0'}")
    return t


def _float_dtype(t: Tensor) -> torch.dtype:
    return t.dtype if t.is_floating_point() else torch.get_default_dtype()


def _solve_dtype(t: Tensor) -> torch.dtype:
    return torch.float32 if t.device.type == "mps" else torch.float64
