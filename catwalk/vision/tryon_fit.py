"""Where a top's landmarks go on a body: the garment's proportions on its product photo and the
body targets of every frame of a clip (batched torch), for `catwalk.vision.tryon`.

Garment side (numpy, once per clip): the photo is split into the garment body and its two
sleeves by the body polygon (shoulders, armpits, hem corners, open upwards for a collar or
hood, downwards for a curved hem); its ratios (neck width / shoulder width, armpit depth and
torso length / shoulder width, sleeve widths) and an *extended* texture (the background
replaced by the nearest garment colours, so a grid that samples just off the garment still
gets garment colour).

Body side (torch, [T, ...]): from the (smoothed) keypoints and the parse's torso region
(`Part.UPPER_GARMENT`):
- shoulders: the shoulder joints pushed out by `SHOULDER_OUT` and up a little (the seam sits
  on top of the arm, the keypoint inside it);
- neck corners: above the shoulder line by the garment's neck height, at most halfway to the
  mouth; apart by the garment's neck / shoulder width ratio of the body's shoulder width;
- hem: the lowest torso row of the parse under the hips' midpoint (where the old top ends),
  on the torso axis; for outerwear further down by the garment's length ratio over a regular
  top's (`REGULAR_TOP_RATIO`);
- armpits and side points (1/3, 2/3 of the way to the hem): at the garment's depth along the
  torso axis, x from the torso region's extent in that row (plus `SIDE_MARGIN`), so the new
  garment covers the old one; outerwear is at least as wide as its own proportions;
- scale `k` (body px per photo px): body torso length / the photo's top-equivalent length.
Every target track is smoothed over the clip (`smooth_tracks`) with its validity as weight.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import cv2
import numpy as np
import torch
from torch import Tensor

from catwalk.vision.errors import VisionInputError
from catwalk.vision.labels import GarmentLandmark as GL
from catwalk.vision.labels import Part, Silhouette
from catwalk.vision.labels import PoseKeypoint as K
from catwalk.vision.tracks import smooth_tracks

REGULAR_TOP_RATIO = 1.15  # torso length / width of a hip-length top on a photo
OUTERWEAR_LOOSE = 1.25  # outerwear is at most this many times the torso's width where the parse shows it
MAX_EXTENSION = 1.8  # outerwear reaches at most this many old-top lengths below the shoulders
SHOULDER_OUT = 1.08  # garment shoulder seam vs shoulder joint, from the shoulders' midpoint
SIDE_MARGIN = 0.04  # x shoulder width added outside the torso region's edge
MIN_HALF_WIDTH = 0.2  # half shoulder width / torso length at least (a side view)
NECK_MAX = 0.5  # the neck corners sit at most this far from the shoulder line to the mouth
REQUIRED = (GL.NECK_LEFT, GL.NECK_RIGHT, GL.SHOULDER_LEFT, GL.SHOULDER_RIGHT, GL.ARMPIT_LEFT,
            GL.ARMPIT_RIGHT, GL.HEM_LEFT, GL.HEM_RIGHT, GL.HEM_CENTER)
SIDE_FRACTIONS = (1 / 3, 2 / 3)
# Rows of the TPS control points (garment landmark order below, body targets in the same order).
TORSO_POINTS = ("neck_l", "neck_r", "shoulder_l", "shoulder_r", "armpit_l", "armpit_r", "side1_l", "side1_r",
                "side2_l", "side2_r", "hem_l", "hem_r", "hem_c")


@dataclass(frozen=True)
class GarmentGeometry:
    """A top's photo prepared for warping (all pixel values of the possibly resized photo)."""

    texture: np.ndarray  # [h, w, 3] float32 0..1, background filled with nearby garment colour
    layers: np.ndarray  # [h, w, 3] float32 0..1: garment body, left sleeve, right sleeve (wearer's)
    points: np.ndarray  # [13, 2] float64: TORSO_POINTS on the photo
    sleeves: np.ndarray  # [2, 2, 2]: per side (left, right): sleeve root (mid shoulder/armpit), cuff centre
    sleeve_width: np.ndarray  # [2, 2]: per side (widest, narrowest) across the sleeve, px
    has_sleeves: bool
    neck_ratio: float  # neck corner distance / shoulder distance
    neck_height: float  # shoulder line - neck corners (y), / torso length
    armpit_depth: float  # armpit row - shoulder row, / torso length
    length: float  # shoulder row -> hem centre (y), px
    extension: float  # hem target beyond the old top's hem: 1 for a top, >= 1 for outerwear
    hem_ratio: float  # hem width / torso length
    silhouette: Silhouette


def garment_geometry(image: np.ndarray, mask: np.ndarray, landmarks: np.ndarray, silhouette: Silhouette,
                     scale: float = 1.0) -> GarmentGeometry:
    """Prepare a TOP / OUTERWEAR photo; `scale` resizes it first (< 1: less aliasing when the
    garment is drawn much smaller than photographed)."""
    lm = landmarks.astype(np.float64).copy()
    missing = [GL(i).name for i in REQUIRED if lm[i, 2] <= 0]
    if missing:
        raise VisionInputError("GARMENT_LANDMARKS", f"a {silhouette.name.lower()} needs {', '.join(missing)} visible")
    if scale != 1.0:
        h, w = image.shape[:2]
        size = (max(8, round(w * scale)), max(8, round(h * scale)))
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        mask = cv2.resize(mask, size, interpolation=cv2.INTER_AREA)
        # One factor for x and y (not the rounded size's own two): the garment's proportions,
        # and so where its hem lands, do not depend on how the photo's size rounded.
        lm[:, :2] = (lm[:, :2] + 0.5) * scale - 0.5
    h, w = mask.shape
    m = (mask > 0).astype(np.uint8)
    p = {g: lm[g, :2] for g in GL}
    s_mid = (p[GL.SHOULDER_LEFT] + p[GL.SHOULDER_RIGHT]) / 2
    shoulder_w = float(np.linalg.norm(p[GL.SHOULDER_LEFT] - p[GL.SHOULDER_RIGHT]))
    length = float(p[GL.HEM_CENTER][1] - s_mid[1])
    if shoulder_w < 4 or length < 4:
        raise VisionInputError("GARMENT_LANDMARKS", "shoulders or hem collapsed: not a top")
    body_poly = np.array([(p[GL.SHOULDER_RIGHT][0], -h), (p[GL.SHOULDER_LEFT][0], -h), p[GL.SHOULDER_LEFT],
                          p[GL.ARMPIT_LEFT], p[GL.HEM_LEFT], (p[GL.HEM_LEFT][0], 2 * h),
                          (p[GL.HEM_RIGHT][0], 2 * h), p[GL.HEM_RIGHT], p[GL.ARMPIT_RIGHT], p[GL.SHOULDER_RIGHT]])
    body = np.zeros((h, w), np.uint8)
    cv2.fillPoly(body, [np.round(body_poly * 16).astype(np.int32)], 1, lineType=cv2.LINE_8, shift=4)
    grow = cv2.dilate(body, np.ones((5, 5), np.uint8))  # a little overlap: no seam between the layers
    centre_x = s_mid[0]
    xs = np.arange(w)[None, :]
    left_side = np.broadcast_to(xs > centre_x, (h, w)) if p[GL.SHOULDER_LEFT][0] > centre_x else xs <= centre_x
    sleeve_l = m * (1 - body) * left_side
    sleeve_r = m * (1 - body) * ~np.broadcast_to(left_side, (h, w))
    # The sleeves reach a little into the body (about a third of the armhole): a sleeve turned
    # down along the arm then still meets the body at the shoulder, without a wedge-shaped gap.
    armhole = float(np.linalg.norm(p[GL.SHOULDER_LEFT] - p[GL.ARMPIT_LEFT]))
    reach = np.ones((max(5, round(armhole / 3)) | 1,) * 2, np.uint8)
    layers = np.stack([m * grow, cv2.dilate(sleeve_l.astype(np.uint8), reach) * m,
                       cv2.dilate(sleeve_r.astype(np.uint8), reach) * m], -1).astype(np.float32)
    has_sleeves = bool(lm[GL.SLEEVE_LEFT, 2] > 0 and lm[GL.SLEEVE_RIGHT, 2] > 0)
    sleeves = np.zeros((2, 2, 2))
    widths = np.ones((2, 2))
    if has_sleeves:
        for i, (sh, ap, cuff) in enumerate(((GL.SHOULDER_LEFT, GL.ARMPIT_LEFT, GL.SLEEVE_LEFT),
                                            (GL.SHOULDER_RIGHT, GL.ARMPIT_RIGHT, GL.SLEEVE_RIGHT))):
            root = (p[sh] + p[ap]) / 2
            sleeves[i] = (root, p[cuff])
            widths[i] = _sleeve_widths(m, root, p[cuff], float(np.linalg.norm(p[sh] - p[ap])))
    side = [(p[GL.ARMPIT_LEFT] + f * (p[GL.HEM_LEFT] - p[GL.ARMPIT_LEFT]),
             p[GL.ARMPIT_RIGHT] + f * (p[GL.HEM_RIGHT] - p[GL.ARMPIT_RIGHT])) for f in SIDE_FRACTIONS]
    points = np.array([p[GL.NECK_LEFT], p[GL.NECK_RIGHT], p[GL.SHOULDER_LEFT], p[GL.SHOULDER_RIGHT],
                       p[GL.ARMPIT_LEFT], p[GL.ARMPIT_RIGHT], side[0][0], side[0][1], side[1][0], side[1][1],
                       p[GL.HEM_LEFT], p[GL.HEM_RIGHT], p[GL.HEM_CENTER]])
    # Length over the garment's width (the wider of shoulders and armpits: a hood can pull the
    # found shoulders inwards), against a regular top's; clamped to a plausible coat.
    armpit_w = float(np.linalg.norm(p[GL.ARMPIT_LEFT] - p[GL.ARMPIT_RIGHT]))
    ratio = length / max(shoulder_w, armpit_w)
    extension = min(max(1.0, ratio / REGULAR_TOP_RATIO), MAX_EXTENSION) if silhouette == Silhouette.OUTERWEAR \
        else 1.0
    neck_mid = (p[GL.NECK_LEFT] + p[GL.NECK_RIGHT]) / 2
    armpit_y = (p[GL.ARMPIT_LEFT][1] + p[GL.ARMPIT_RIGHT][1]) / 2
    return GarmentGeometry(
        texture=_extend(image.astype(np.float32) / 255, m), layers=layers, points=points, sleeves=sleeves,
        sleeve_width=widths, has_sleeves=has_sleeves,
        neck_ratio=float(np.linalg.norm(p[GL.NECK_LEFT] - p[GL.NECK_RIGHT])) / shoulder_w,
        neck_height=float(s_mid[1] - neck_mid[1]) / length, armpit_depth=float(armpit_y - s_mid[1]) / length,
        length=length, extension=extension,
        hem_ratio=float(np.linalg.norm(p[GL.HEM_LEFT] - p[GL.HEM_RIGHT])) / length, silhouette=silhouette)


def _sleeve_widths(mask: np.ndarray, root: np.ndarray, cuff: np.ndarray, root_w: float) -> tuple[float, float]:
    """(widest, narrowest) extent of the mask across the sleeve axis, sampled along it."""
    axis = cuff - root
    n = np.array([-axis[1], axis[0]]) / max(float(np.linalg.norm(axis)), 1e-6)
    h, w = mask.shape
    reach = np.linspace(-1.5 * root_w, 1.5 * root_w, 121)
    found = []
    for t in (0.35, 0.6, 0.9):
        pts = root + t * axis + reach[:, None] * n
        xi, yi = np.round(pts[:, 0]).astype(int), np.round(pts[:, 1]).astype(int)
        inside = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
        hit = np.zeros(len(pts), bool)
        hit[inside] = mask[yi[inside], xi[inside]] > 0
        centre = len(reach) // 2
        if hit[centre]:  # the run of garment through the axis
            lo = centre - np.argmin(hit[centre::-1]) if not hit[:centre + 1].all() else 0
            hi = centre + np.argmin(hit[centre:]) if not hit[centre:].all() else len(hit)
            found.append((hi - lo) * (reach[1] - reach[0]))
    if not found:
        return root_w, root_w
    return max(max(found), 1.0), max(min(found), 1.0)


def _extend(rgb: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Background pixels -> the garment colour nearby (normalised blurs at growing scales, run
    on a quarter-size copy; only background pixels take the result)."""
    h, w = m.shape
    small_size = (max(1, w // 4), max(1, h // 4))
    weight = cv2.resize(m.astype(np.float32), small_size, interpolation=cv2.INTER_AREA)
    num = (cv2.resize(rgb, small_size, interpolation=cv2.INTER_AREA) * weight[..., None]).astype(np.float32)
    known = weight > 0.5
    fill = num / np.maximum(weight, 1e-6)[..., None]
    for sigma in (1, 3, 9, 27):
        den = cv2.GaussianBlur(weight, (0, 0), sigma)
        val = cv2.GaussianBlur(num, (0, 0), sigma) / np.maximum(den, 1e-6)[..., None]
        new = ~known & (den > 1e-3)
        fill[new] = val[new]
        known = known | new
    mean = rgb[m > 0].mean(0) if m.any() else np.full(3, 0.5, np.float32)
    fill[~known] = mean
    big = cv2.resize(fill, (w, h), interpolation=cv2.INTER_LINEAR)
    return np.where(m[..., None] > 0, rgb, big).astype(np.float32)


# --- body targets --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BodyTargets:
    """Per frame, where the garment goes (pixels of the frame)."""

    torso: Tensor  # [T, 13, 2] TORSO_POINTS
    torso_weight: Tensor  # [T, 13]
    sleeve_root: Tensor  # [T, 2, 2] per side (left, right)
    elbow: Tensor  # [T, 2, 2]
    wrist: Tensor  # [T, 2, 2]
    scale: Tensor  # [T] body px per photo px
    arm_behind: Tensor  # [T, 2] 1 = that arm is behind the torso (the garment body covers it)
    shoulder_width: Tensor  # [T]

    def window(self, frames: slice) -> BodyTargets:
        """The targets of some of the frames (the others only informed the smoothing)."""
        return BodyTargets(*(getattr(self, f.name)[frames] for f in fields(self)))


def _unit(v: Tensor) -> Tensor:
    return v / torch.linalg.vector_norm(v, dim=-1, keepdim=True).clamp(min=1e-6)


def _extents(region: Tensor, rows: Tensor, band: int = 2) -> tuple[Tensor, Tensor, Tensor]:
    """Leftmost / rightmost x of `region` [T, H, W] near rows `rows` [T, R] (float); valid [T, R]."""
    t, h, w = region.shape
    r = rows.round().long()
    idx = torch.arange(t, device=region.device)[:, None]
    hit = torch.zeros(t, rows.shape[1], w, dtype=torch.bool, device=region.device)
    for d in range(-band, band + 1):
        rr = (r + d).clamp(0, h - 1)
        hit |= region[idx, rr]
    hit &= ((r >= 0) & (r < h))[..., None]
    xs = torch.arange(w, device=region.device, dtype=rows.dtype)
    left = torch.where(hit, xs, float(w)).amin(-1)
    right = torch.where(hit, xs, -1.0).amax(-1)
    return left, right, hit.any(-1)


def body_targets(keypoints: Tensor, parse: Tensor, g: GarmentGeometry, sigma_frames: float) -> BodyTargets:
    """Targets for every frame: `keypoints` [T, 33, 4] (float), `parse` [T, H, W] (uint8)."""
    t_len, h, w = parse.shape
    dt = torch.float32
    vis = keypoints[..., 3].clamp(min=0)
    kp = smooth_tracks(keypoints[..., :2].to(dt), vis.to(dt) + 1e-3, sigma_frames) if t_len > 1 \
        else keypoints[..., :2].to(dt)
    z = smooth_tracks(keypoints[..., 2:3].to(dt).expand(-1, -1, 2).contiguous(), vis.to(dt) + 1e-3,
                      sigma_frames)[..., 0] if t_len > 1 else keypoints[..., 2].to(dt)
    sl, sr = kp[:, K.LEFT_SHOULDER], kp[:, K.RIGHT_SHOULDER]
    hl, hr = kp[:, K.LEFT_HIP], kp[:, K.RIGHT_HIP]
    s_mid, hip_mid = (sl + sr) / 2, (hl + hr) / 2
    mouth = (kp[:, K.MOUTH_LEFT] + kp[:, K.MOUTH_RIGHT]) / 2
    up = _unit(s_mid - hip_mid)
    # Half shoulder vector, towards the person's left; in a side view the shoulders overlap,
    # so it is kept at least MIN_HALF_WIDTH x the torso length across the torso axis (else the
    # neck and shoulder targets collapse and the spline explodes).
    across = (sl - sr) / 2
    perp = torch.stack([-up[:, 1], up[:, 0]], -1)  # across the axis (image right when upright)
    sign = torch.where((across * perp).sum(-1) >= 0, 1.0, -1.0)[:, None]
    reach = ((across * perp).sum(-1, keepdim=True) * sign)
    min_half = MIN_HALF_WIDTH * torch.linalg.vector_norm(s_mid - hip_mid, dim=-1, keepdim=True)
    across = across + perp * sign * (min_half - reach).clamp(min=0)
    sw = 2 * torch.linalg.vector_norm(across, dim=-1).clamp(min=0.5)
    left_is_right = (across[:, 0] >= 0)[:, None]  # person's left on the image's right (front view)

    torso = parse == Part.UPPER_GARMENT
    # The old top's hem: the lowest torso row within a band of columns around the hips' midpoint.
    ys = torch.arange(h, device=parse.device, dtype=dt)
    xs = torch.arange(w, device=parse.device, dtype=dt)
    band = (xs[None] - hip_mid[:, :1]).abs() <= 0.25 * sw[:, None]  # [T, W]
    rows_hit = (torso & band[:, None, :]).any(-1)  # [T, H]
    lowest = torch.where(rows_hit, ys, -1.0).amax(-1)
    torso_len = torch.linalg.vector_norm(s_mid - hip_mid, dim=-1).clamp(min=1.0)
    down = -up
    hem_fallback = hip_mid + down * (0.08 * torso_len)[:, None]
    along = (lowest - hip_mid[:, 1]) / down[:, 1].clamp(min=0.2)
    hem_parse = hip_mid + down * along[:, None]
    hem_ok = (lowest >= 0) & (hem_parse[:, 1] > s_mid[:, 1] + 0.5 * torso_len)
    hem_mid = torch.where(hem_ok[:, None], hem_parse, hem_fallback)
    if t_len > 1:
        hem_mid = smooth_tracks(hem_mid[:, None], hem_ok[:, None].to(dt) + 1e-3, sigma_frames)[:, 0]
    axis = hem_mid - s_mid
    body_len = torch.linalg.vector_norm(axis, dim=-1).clamp(min=1.0)
    scale = body_len * g.extension / g.length

    # Neck corners, shoulders.
    neck_up = torch.minimum(g.neck_height * g.length * scale,
                            NECK_MAX * torch.linalg.vector_norm(mouth - s_mid, dim=-1))
    neck_mid = s_mid + up * neck_up[:, None]
    neck_l, neck_r = neck_mid + g.neck_ratio * across, neck_mid - g.neck_ratio * across
    lift = up * (0.04 * sw)[:, None]
    sh_l, sh_r = s_mid + SHOULDER_OUT * across + lift, s_mid - SHOULDER_OUT * across + lift

    # Armpits, side points and hem corners: rows along the axis, x from the torso's extent there.
    ext_hem = s_mid + axis * g.extension
    fracs = [g.armpit_depth] + [g.armpit_depth + f * (1 - g.armpit_depth) for f in SIDE_FRACTIONS] + [0.94]
    centres = torch.stack([s_mid + axis * (f * g.extension) for f in fracs], 1)  # [T, 4, 2]
    centres[:, -1] = ext_hem - axis * 0.06  # the hem corners' row, a little above the hem's centre
    lo, hi, ok = _extents(torso, centres[..., 1])
    margin = (SIDE_MARGIN * sw)[:, None]
    x_left = torch.where(left_is_right, hi + margin, lo - margin)  # person's left edge
    x_right = torch.where(left_is_right, lo - margin, hi + margin)
    pts_l = torch.stack([x_left, centres[..., 1]], -1)
    pts_r = torch.stack([x_right, centres[..., 1]], -1)
    # Garment's own half width along the way (the photo's proportions), used where the torso is
    # absent (outerwear below the old top) and as a minimum for outerwear.
    own = torch.tensor([[np.linalg.norm(g.points[i] - g.points[i + 1]) / 2 for i in (4, 6, 8, 10)]],
                       dtype=dt, device=parse.device) * scale[:, None]  # [T, 4]
    # foreshortened like the shoulders (a turned body shows a narrower garment)
    photo_sw = float(np.linalg.norm(g.points[2] - g.points[3]))
    own = own * (sw / (photo_sw * scale).clamp(min=1e-3)).clamp(0.3, 1.0)[:, None]
    dir_l = _unit(across)[:, None]
    own_l, own_r = centres + dir_l * own[..., None], centres - dir_l * own[..., None]
    if g.silhouette == Silhouette.OUTERWEAR:
        # as wide as its own proportions, but at most OUTERWEAR_LOOSE x the body where seen
        body_w = (pts_l - pts_r).abs()[..., 0]
        wider = body_w < (own_l - own_r).abs()[..., 0]
        loose = (OUTERWEAR_LOOSE * body_w / (2 * own).clamp(min=1e-3)).clamp(max=1.0)
        own_l = torch.where(ok[..., None], centres + dir_l * (own * loose)[..., None], own_l)
        own_r = torch.where(ok[..., None], centres - dir_l * (own * loose)[..., None], own_r)
        use_own = ~ok | wider
    else:
        use_own = ~ok
    pts_l = torch.where(use_own[..., None], own_l, pts_l)
    pts_r = torch.where(use_own[..., None], own_r, pts_r)
    hem_c = ext_hem
    targets = torch.stack([neck_l, neck_r, sh_l, sh_r, pts_l[:, 0], pts_r[:, 0], pts_l[:, 1], pts_r[:, 1],
                           pts_l[:, 2], pts_r[:, 2], pts_l[:, 3], pts_r[:, 3], hem_c], 1)
    conf = torch.ones(t_len, 13, dtype=dt, device=parse.device)
    valid = (ok | use_own).to(dt)
    conf[:, 4:12] = torch.stack([valid, valid], -1).reshape(t_len, 8) * 0.999 + 1e-3
    if t_len > 1:
        targets = smooth_tracks(targets, conf, sigma_frames)

    # Sleeve roots between the shoulder and armpit targets; arm depth vs the torso's.
    root = torch.stack([(targets[:, 2] + targets[:, 4]) / 2, (targets[:, 3] + targets[:, 5]) / 2], 1)
    elbow = torch.stack([kp[:, K.LEFT_ELBOW], kp[:, K.RIGHT_ELBOW]], 1)
    wrist = torch.stack([kp[:, K.LEFT_WRIST], kp[:, K.RIGHT_WRIST]], 1)
    torso_z = (z[:, K.LEFT_SHOULDER] + z[:, K.RIGHT_SHOULDER] + z[:, K.LEFT_HIP] + z[:, K.RIGHT_HIP]) / 4
    arm_z = torch.stack([(z[:, K.LEFT_ELBOW] + z[:, K.LEFT_WRIST]) / 2,
                         (z[:, K.RIGHT_ELBOW] + z[:, K.RIGHT_WRIST]) / 2], 1)
    behind = ((arm_z - torso_z[:, None]) / (0.15 * sw[:, None]) - 1).clamp(0, 1)
    return BodyTargets(targets, torch.ones(t_len, 13, dtype=dt, device=parse.device), root, elbow, wrist, scale,
                       behind, sw)
