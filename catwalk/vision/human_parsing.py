"""Geometric human parsing: pose keypoints + person mask (+ a little colour) -> `Part` labels.

No human-parsing weights exist offline, so the body is a set of shapes around the MediaPipe
skeleton (capsules around bones; polygons for torso, pelvis, hands, feet; an ellipse for the
head) and every person-mask pixel goes to the shape whose surface is nearest (signed
distance, negative inside), with two overrides:
- depth: an arm clearly nearer the camera than the torso wins inside its own shape, one
  clearly behind loses inside the trunk and legs; the farther leg loses inside the nearer;
- weak limbs: a part built from low-visibility keypoints claims only pixels inside its shape
  and loses ties there, so a hidden limb cannot grab pixels.

Colour then places the boundaries geometry cannot know: face vs hair, the waist, how far down
each leg the lower garment goes, collar vs neck. A boundary along an axis is the single cut
that agrees best with the per-pixel colour votes, steadier than per-pixel decisions.

The work runs at ~320 px on the long side; labels are upsampled (nearest) and the full mask
re-applied. Time goes to vectorised numpy/OpenCV calls (which release the GIL) and there is
no shared state, so `parse_human` (one frame, the unit) can run from a thread pool.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from catwalk.vision.errors import VisionInputError
from catwalk.vision.labels import NUM_KEYPOINTS, Part
from catwalk.vision.labels import PoseKeypoint as K

VISIBLE = 0.3  # MediaPipe visibility from which a keypoint counts as seen
WORK_LONG_SIDE = 320  # long side (px) of the resolution the assignment runs at
BIG = 1e6  # score offset that settles an override whatever the distances
_HEAD = 255  # provisional label of the whole head, split into FACE and HAIR at the end
_TRUNK_AND_LEGS = (Part.UPPER_GARMENT, Part.LOWER_GARMENT, Part.LEFT_LEG, Part.RIGHT_LEG)

# Sizes in units of the torso length L (shoulder midpoint to hip midpoint).
NECK_R, TORSO_R, PELVIS_R, PELVIS_DEPTH = 0.10, 0.05, 0.05, 0.20
UPPER_ARM_R, FOREARM_R, HAND_R = 0.11, 0.085, 0.03
THIGH_R, SHIN_R, FOOT_R = 0.15, 0.10, 0.06
TRUNK_TOP, TRUNK_ARMPIT, TRUNK_HIPS = (0.30, 0.20), (0.26, 0.22), (0.30, 0.20)  # half w, d
EYE_MOUTH = 0.14  # eye-to-mouth distance of an average adult
MAX_BONE = 1.5  # a longer bone is implausible (a lost keypoint)
DEPTH_MARGIN = 0.12  # how much nearer or farther a limb must be for the depth override
WEAK_PENALTY = 0.10  # tie-breaking handicap of weak parts
COLOUR_DISTINCT = 12.0  # Lab distance under which two sampled colours count as the same


@dataclass(frozen=True)
class _Body:
    """Keypoints in pixels with the body's scale and axis."""

    xy: np.ndarray  # [33, 2]
    z: np.ndarray  # [33], smaller = nearer the camera
    vis: np.ndarray  # [33]
    ok: np.ndarray  # [33] bool: position usable
    scale: float  # torso length L in pixels
    down: np.ndarray  # unit vector from the shoulders towards the hips

    def has(self, *ids: int) -> bool:
        return bool(self.ok[list(ids)].all())

    def mid(self, *ids: int) -> np.ndarray | None:
        """Mean position of the usable keypoints among `ids`; None if none is usable."""
        sel = [i for i in ids if self.ok[i]]
        return self.xy[sel].mean(axis=0) if sel else None

    def weak(self, *ids: int) -> bool:
        return float(self.vis[list(ids)].min()) < VISIBLE


@dataclass(frozen=True)
class _Shape:
    """One body part's signed distance (px, < 0 inside) at every work pixel."""

    label: int
    sd: np.ndarray
    z: float
    weak: bool = False
    arm: bool = False  # takes part in the arm/trunk depth override
    t: np.ndarray | None = None  # legs: position along the leg, 0 hip .. 1 knee .. 2 ankle


@dataclass(frozen=True)
class _Pixels:
    """Work pixels (the person mask at work resolution) in full-resolution coordinates."""

    x: np.ndarray  # [N] float32
    y: np.ndarray
    lab: np.ndarray  # [N, 3] float32 colour


def parse_human(image: np.ndarray, keypoints: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """image [H,W,3] uint8 RGB; keypoints [33,4] float32 (x_px, y_px, z, visibility) where z is
    MediaPipe's relative depth scaled like x (pixels; smaller = nearer the camera) and
    visibility in 0..1; mask [H,W] uint8 person mask (0/1 or 0/255; > 0.5*max is person).
    Returns [H,W] uint8 Part labels; 0 (BACKGROUND) outside the mask, and everywhere when no
    keypoint is visible (no person detected)."""
    kp = _check_inputs(image, keypoints, mask)
    height, width = mask.shape
    person = _binary_mask(mask)
    empty = np.zeros((height, width), np.uint8)
    if kp[:, 3].max() < VISIBLE or not np.any(kp[:, :2]):
        return empty
    f = max(1, round(max(height, width) / WORK_LONG_SIDE))
    small_mask, small_lab = _downsample(person, image, f)
    rows, cols = np.nonzero(small_mask)
    if rows.size == 0:
        return empty
    xs, ys = ((i.astype(np.float32) + 0.5) * f - 0.5 for i in (cols, rows))  # block centres
    px = _Pixels(xs, ys, small_lab[rows, cols])
    body = _body(kp, person)
    head = _head(body)
    shapes = _body_shapes(body, head, px)
    if not shapes:
        return empty
    part, t = _assign(shapes, body, px)
    colours = _palette(body, head, px, part)
    part = _cut_waist(part, body, px, colours)
    part = _cut_legs(part, t, px, colours)
    part = _trim_neck(part, px, colours)
    part = _split_head(part, head, px, colours.skin)
    small = np.zeros(small_mask.shape, np.uint8)
    small[rows, cols] = part
    # Integer factor: each work pixel becomes exactly its f x f block.
    big = cv2.resize(small, None, fx=f, fy=f, interpolation=cv2.INTER_NEAREST_EXACT)
    return cv2.bitwise_and(big[:height, :width], person)


def parse_humans(images: Sequence[np.ndarray], keypoints: Sequence[np.ndarray],
                 masks: Sequence[np.ndarray]) -> list[np.ndarray]:
    """`parse_human` per frame, in order (frames are independent: a pool may run them)."""
    if not len(images) == len(keypoints) == len(masks):
        counts = f"{len(images)} images, {len(keypoints)} keypoint sets, {len(masks)} masks"
        raise VisionInputError("KEYPOINTS", counts)
    return [parse_human(i, k, m) for i, k, m in zip(images, keypoints, masks, strict=True)]


# --- inputs ---------------------------------------------------------------------------------


def _check_inputs(image: np.ndarray, keypoints: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Validate the three tensors; return the keypoints as float32, non-finite rows zeroed."""
    def dtype(a: object) -> object:
        return getattr(a, "dtype", type(a).__name__)

    if not isinstance(image, np.ndarray) or image.dtype != np.uint8:
        raise VisionInputError("IMAGE", f"expected uint8, got {dtype(image)}")
    if image.ndim != 3 or image.shape[2] != 3 or 0 in image.shape:
        raise VisionInputError("IMAGE", f"expected [H,W,3], got {list(image.shape)}")
    if not isinstance(keypoints, np.ndarray) or not np.issubdtype(keypoints.dtype, np.floating):
        raise VisionInputError("KEYPOINTS", f"expected float32, got {dtype(keypoints)}")
    if keypoints.shape != (NUM_KEYPOINTS, 4):
        shape = list(keypoints.shape)
        raise VisionInputError("KEYPOINTS", f"expected [{NUM_KEYPOINTS},4], got {shape}")
    if not isinstance(mask, np.ndarray) or mask.dtype not in (np.uint8, np.bool_):
        raise VisionInputError("MASK", f"expected uint8, got {dtype(mask)}")
    if mask.shape != image.shape[:2]:
        shapes = f"{list(mask.shape)}, the image {list(image.shape)[:2]}"
        raise VisionInputError("MASK", f"size does not match the image's: {shapes}")
    kp = keypoints.astype(np.float32)
    kp[~np.isfinite(kp).all(axis=1)] = 0.0
    return kp


def _binary_mask(mask: np.ndarray) -> np.ndarray:
    """0/255 uint8 person mask: more than half the mask's maximum is person."""
    m = mask.view(np.uint8)
    top = int(m.max())
    return cv2.threshold(m, top / 2.0, 255, cv2.THRESH_BINARY)[1] if top else np.zeros_like(m)


def _downsample(person: np.ndarray, image: np.ndarray, f: int) -> tuple[np.ndarray, np.ndarray]:
    """Work-resolution mask (any person pixel in a block counts) and Lab image."""
    height, width = person.shape
    if height % f or width % f:
        pad = (0, -height % f, 0, -width % f)
        person = cv2.copyMakeBorder(person, *pad, cv2.BORDER_CONSTANT, value=0)
        image = cv2.copyMakeBorder(image, *pad, cv2.BORDER_REPLICATE)
    size = (person.shape[1] // f, person.shape[0] // f)
    small_mask = cv2.resize(person, size, interpolation=cv2.INTER_AREA) > 0
    small_rgb = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    return small_mask, cv2.cvtColor(small_rgb, cv2.COLOR_RGB2LAB).astype(np.float32)


def _body(kp: np.ndarray, person: np.ndarray) -> _Body:
    """Usable keypoints, the torso length L (robust to foreshortening) and the body axis."""
    height, width = person.shape
    xy, vis = kp[:, :2], kp[:, 3]
    # A little outside the frame is still plausible (a hand cut off by the edge).
    inside = (np.abs(xy[:, 0] / width - 0.5) < 0.75) & (np.abs(xy[:, 1] / height - 0.5) < 0.75)
    ok = inside & (vis > 0) & np.any(xy != 0, axis=1)
    probe = _Body(xy, kp[:, 2], vis, ok, 1.0, np.array([0.0, 1.0], np.float32))
    shoulders = probe.mid(K.LEFT_SHOULDER, K.RIGHT_SHOULDER)
    hips = probe.mid(K.LEFT_HIP, K.RIGHT_HIP)
    eyes, mouth = probe.mid(K.LEFT_EYE, K.RIGHT_EYE), probe.mid(K.MOUTH_LEFT, K.MOUTH_RIGHT)
    # Each cue only shrinks under foreshortening, so the largest is the best guess.
    cues = [2.0]
    if shoulders is not None and hips is not None:
        cues.append(float(np.linalg.norm(hips - shoulders)))
    if probe.has(K.LEFT_SHOULDER, K.RIGHT_SHOULDER):
        cues.append(0.9 * float(np.linalg.norm(xy[K.LEFT_SHOULDER] - xy[K.RIGHT_SHOULDER])) / 0.76)
    if eyes is not None and mouth is not None:
        cues.append(0.9 * float(np.linalg.norm(eyes - mouth)) / EYE_MOUTH)
    if len(cues) == 1:  # nothing to measure: a person is about 3.6 L tall
        rows = np.flatnonzero(person.any(axis=1))
        cues.append((rows[-1] - rows[0] + 1) / 3.6 if rows.size else 2.0)
    down = np.array([0.0, 1.0], np.float32)
    if shoulders is not None and hips is not None and np.linalg.norm(hips - shoulders) > 1.0:
        down = ((hips - shoulders) / np.linalg.norm(hips - shoulders)).astype(np.float32)
    return _Body(xy, kp[:, 2], vis, ok, max(cues), down)


# --- geometry -------------------------------------------------------------------------------


def _segment(px: _Pixels, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distance of every pixel to segment ab, and its clamped position t in 0..1 along it."""
    d = b - a
    ox, oy = px.x - a[0], px.y - a[1]
    t = np.clip((ox * d[0] + oy * d[1]) / max(float(d @ d), 1e-6), 0.0, 1.0)
    ex, ey = ox - t * d[0], oy - t * d[1]
    return np.sqrt(ex * ex + ey * ey), t


def _along(px: _Pixels, origin: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Signed distance of every pixel past the line through `origin` normal to `direction`."""
    return (px.x - origin[0]) * direction[0] + (px.y - origin[1]) * direction[1]


def _polygon_sd(px: _Pixels, points: np.ndarray) -> np.ndarray:
    """Signed distance to the convex hull of `points` (1 or 2 points: a dot or a segment)."""
    pts: np.ndarray = np.asarray(points, np.float32)
    if len(pts) >= 3:
        pts = cv2.convexHull(pts).reshape(-1, 2)
    if len(pts) < 3:
        return _segment(px, pts[0], pts[-1])[0]
    dist = np.full(px.x.shape, np.inf, np.float32)
    inside = np.ones(px.x.shape, bool)
    (x0, y0), (x1, y1), (x2, y2) = pts[:3]
    orientation = 1.0 if (x1 - x0) * (y2 - y0) - (y1 - y0) * (x2 - x0) >= 0 else -1.0
    for i in range(len(pts)):
        a, b = pts[i], pts[(i + 1) % len(pts)]
        np.minimum(dist, _segment(px, a, b)[0], out=dist)
        inside &= ((b[0] - a[0]) * (px.y - a[1]) - (b[1] - a[1]) * (px.x - a[0])) * orientation >= 0
    return np.where(inside, -dist, dist)


def _ellipse_rho(px: _Pixels, centre: np.ndarray, up: np.ndarray, half_w: float,
                 half_h: float) -> np.ndarray:
    """Normalised elliptical radius (1 on the boundary) in the frame whose y axis is `up`."""
    ox, oy = px.x - centre[0], px.y - centre[1]
    u, v = (oy * up[0] - ox * up[1]) / half_w, (ox * up[0] + oy * up[1]) / half_h
    return np.sqrt(u * u + v * v)


def _ellipse_sd(px: _Pixels, centre: np.ndarray, up: np.ndarray, half_w: float,
                half_h: float) -> np.ndarray:
    """Approximate signed distance to an ellipse: the radial distance to its boundary."""
    rho = np.maximum(_ellipse_rho(px, centre, up, half_w, half_h), 1e-6)
    r = np.hypot(px.x - centre[0], px.y - centre[1])
    return np.where(rho > 1e-3, r - r / rho, -min(half_w, half_h))  # r / rho: boundary radius


# --- body shapes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Head:
    """The head's frame: eye level, up axis, eye-to-mouth size e and where the face is."""

    eyes: np.ndarray
    up: np.ndarray
    e: float
    centre: np.ndarray  # middle of the skull, at eye level
    face_centre: np.ndarray
    face_half_w: float
    has_face: bool  # face keypoints seen (not a back view)


def _head(body: _Body) -> _Head | None:
    """Head frame from the face keypoints, or above the shoulders if there are none."""
    L = body.scale
    eyes, mouth = body.mid(K.LEFT_EYE, K.RIGHT_EYE), body.mid(K.MOUTH_LEFT, K.MOUTH_RIGHT)
    nose, shoulders = body.mid(K.NOSE), body.mid(K.LEFT_SHOULDER, K.RIGHT_SHOULDER)
    up, e = -body.down, EYE_MOUTH * L
    if eyes is not None and mouth is not None and np.linalg.norm(eyes - mouth) > 1.0:
        up = (eyes - mouth) / np.linalg.norm(eyes - mouth)
        e = float(np.clip(np.linalg.norm(eyes - mouth), 0.7 * e, 1.4 * e))
    if eyes is None:
        eyes = (nose + 0.55 * e * up if nose is not None else mouth + e * up if mouth is not None
                else shoulders + 0.47 * L * up if shoulders is not None else None)
    if eyes is None:
        return None
    right = np.array([-up[1], up[0]], np.float32)
    centre, frontal = eyes, 1.0
    if body.has(K.LEFT_EAR, K.RIGHT_EAR):
        # The skull's middle lies between the eyes and the ears (which sit a little lower).
        centre = 0.5 * (eyes + body.mid(K.LEFT_EAR, K.RIGHT_EAR) + 0.3 * e * up)
        ear_gap = float(np.linalg.norm(body.xy[K.LEFT_EAR] - body.xy[K.RIGHT_EAR]))
        frontal = min(ear_gap / (2 * e), 1.0)
    # The face is in front of the skull's middle (towards the eyes) and lower.
    face_centre = centre + 0.8 * float((eyes - centre) @ right) * right - 0.35 * e * up
    face_seen = body.vis[[K.NOSE, K.LEFT_EYE, K.RIGHT_EYE, K.MOUTH_LEFT, K.MOUTH_RIGHT]].max()
    return _Head(eyes, up.astype(np.float32), e, centre, face_centre, e * (0.6 + 0.4 * frontal),
                 bool(face_seen >= VISIBLE))


def _head_shapes(body: _Body, px: _Pixels, head: _Head | None) -> list[_Shape]:
    """Head ellipse (from the chin up to the top of the hair) and the neck below the chin."""
    if head is None:
        return []
    L, e, z = body.scale, head.e, float(body.z[K.NOSE])
    middle = head.centre + 0.1 * e * head.up  # so the ellipse ends at the chin, 1.65 e down
    shapes = [_Shape(_HEAD, _ellipse_sd(px, middle, head.up, 1.25 * e, 1.75 * e), z)]
    shoulders = body.mid(K.LEFT_SHOULDER, K.RIGHT_SHOULDER)
    if shoulders is not None:
        top = head.eyes - (1.65 * e + NECK_R * L) * head.up  # the round cap ends at the chin
        if (top - shoulders) @ head.up < 0:
            top = shoulders
        shapes.append(_Shape(Part.NECK, _segment(px, top, shoulders)[0] - NECK_R * L, z))
    return shapes


def _trunk_shapes(body: _Body, px: _Pixels) -> list[_Shape]:
    """Torso (UPPER_GARMENT) and pelvis below the hip line (LOWER_GARMENT) as polygons made of
    elliptic cross-sections: a section of half-width a and half-depth b has a silhouette
    half-width hypot(a * frontal, b * sideways), so the outline follows the body as it turns.
    The shoulder keypoints are the arms' pivots: the shoulder caps belong to the arms."""
    shoulders, hips = body.mid(K.LEFT_SHOULDER, K.RIGHT_SHOULDER), body.mid(K.LEFT_HIP, K.RIGHT_HIP)
    if shoulders is None:
        return []
    L, down = body.scale, body.down
    across = np.array([-down[1], down[0]], np.float32)
    frontal = 0.7  # a guess when one shoulder is missing
    if body.has(K.LEFT_SHOULDER, K.RIGHT_SHOULDER):
        width = float(np.linalg.norm(body.xy[K.LEFT_SHOULDER] - body.xy[K.RIGHT_SHOULDER]))
        frontal = min(width / (0.76 * L), 1.0)
    sideways = math.sqrt(1.0 - frontal * frontal)

    def section(centre: np.ndarray, size: tuple[float, float]) -> np.ndarray:
        half = L * math.hypot(size[0] * frontal, size[1] * sideways)
        return np.stack([centre - half * across, centre + half * across])

    bottom = hips if hips is not None else shoulders + L * down  # cropped at the waist
    torso = [section(shoulders, TRUNK_TOP), section(shoulders + 0.22 * L * down, TRUNK_ARMPIT),
             section(bottom, TRUNK_HIPS)]
    ids = [i for i in (K.LEFT_SHOULDER, K.RIGHT_SHOULDER, K.LEFT_HIP, K.RIGHT_HIP) if body.ok[i]]
    z = float(body.z[ids].mean())
    shapes = [_Shape(Part.UPPER_GARMENT, _polygon_sd(px, np.concatenate(torso)) - TORSO_R * L, z)]
    if hips is not None:
        top = section(hips, TRUNK_HIPS)
        pelvis = _polygon_sd(px, np.concatenate([top, top + PELVIS_DEPTH * L * down]))
        weak = body.weak(*[i for i in (K.LEFT_HIP, K.RIGHT_HIP) if body.ok[i]])
        shapes.append(_Shape(Part.LOWER_GARMENT, pelvis - PELVIS_R * L, z, weak))
    return shapes


def _bone(body: _Body, px: _Pixels, label: int, a: int, b: int, radius: float, *, arm: bool = False,
          leg_from: float | None = None, flat_end: bool = False) -> _Shape | None:
    """Capsule around bone a->b; None if an end is missing or the bone implausibly long.
    `flat_end` squares it off at b, where the next part takes over; `leg_from` marks a leg
    bone (its t starts there) that stops at the hip line."""
    if not body.has(a, b):
        return None
    pa, pb = body.xy[a], body.xy[b]
    length = float(np.linalg.norm(pb - pa))
    if length > MAX_BONE * body.scale:
        return None
    dist, t = _segment(px, pa, pb)
    sd = dist - radius * body.scale
    if flat_end and length > 1.0:
        sd = np.maximum(sd, _along(px, pb, (pb - pa) / length))
    hips = body.mid(K.LEFT_HIP, K.RIGHT_HIP)
    if leg_from is not None and hips is not None:  # above the hip line is trunk, whatever
        sd = np.maximum(sd, -_along(px, hips, body.down))  # the capsule says
    leg_t = None if leg_from is None else t + leg_from
    return _Shape(label, sd, float(body.z[[a, b]].mean()), body.weak(a, b), arm, leg_t)


def _hand(body: _Body, px: _Pixels, label: int, elbow: int, wrist: int,
          fingers: tuple[int, int], thumb: int) -> _Shape | None:
    """Polygon over the wrist, thumb and finger keypoints (knuckles), out to the fingertips;
    without finger keypoints, a stub along the forearm."""
    if not body.ok[wrist]:
        return None
    L, w = body.scale, body.xy[wrist]
    near = [i for i in (*fingers, thumb) if body.ok[i] and np.linalg.norm(body.xy[i] - w) < 0.5 * L]
    tips = w + 1.6 * (body.xy[[i for i in near if i != thumb]] - w)
    points = [w[None], body.xy[near], tips]
    forearm = w - body.xy[elbow]
    if not near and body.ok[elbow] and np.linalg.norm(forearm) > 1.0:
        points.append((w + 0.3 * L * forearm / np.linalg.norm(forearm))[None])
    ids = [wrist, *near]
    sd = _polygon_sd(px, np.concatenate(points)) - HAND_R * L
    return _Shape(label, sd, float(body.z[ids].mean()), body.weak(*ids), arm=True)


def _foot(body: _Body, px: _Pixels, label: int, ankle: int, heel: int, toe: int) -> _Shape | None:
    """Polygon over the ankle, heel and toe keypoints."""
    if not body.ok[ankle]:
        return None
    ids = [i for i in (ankle, heel, toe)
           if body.ok[i] and np.linalg.norm(body.xy[i] - body.xy[ankle]) < 0.6 * body.scale]
    sd = _polygon_sd(px, body.xy[ids]) - FOOT_R * body.scale
    return _Shape(label, sd, float(body.z[ids].mean()), body.weak(*ids))


def _body_shapes(body: _Body, head: _Head | None, px: _Pixels) -> list[_Shape]:
    """Every part that the usable keypoints allow."""
    shapes: list[_Shape | None] = [*_head_shapes(body, px, head), *_trunk_shapes(body, px)]
    for side in ("LEFT", "RIGHT"):
        k = {n: K[f"{side}_{n}"] for n in ("SHOULDER", "ELBOW", "WRIST", "PINKY", "INDEX", "THUMB",
                                           "HIP", "KNEE", "ANKLE", "HEEL", "FOOT_INDEX")}
        p = {n: Part[f"{side}_{n}"] for n in ("UPPER_ARM", "FOREARM", "HAND", "LEG", "FOOT")}
        shapes += [
            _bone(body, px, p["UPPER_ARM"], k["SHOULDER"], k["ELBOW"], UPPER_ARM_R, arm=True,
                  flat_end=True),
            _bone(body, px, p["FOREARM"], k["ELBOW"], k["WRIST"], FOREARM_R, arm=True,
                  flat_end=True),
            _hand(body, px, p["HAND"], k["ELBOW"], k["WRIST"], (k["PINKY"], k["INDEX"]),
                  k["THUMB"]),
            _bone(body, px, p["LEG"], k["HIP"], k["KNEE"], THIGH_R, leg_from=0.0),
            _bone(body, px, p["LEG"], k["KNEE"], k["ANKLE"], SHIN_R, leg_from=1.0, flat_end=True),
            _foot(body, px, p["FOOT"], k["ANKLE"], k["HEEL"], k["FOOT_INDEX"]),
        ]
    return [s for s in shapes if s is not None]


# --- assignment -----------------------------------------------------------------------------


def _assign(shapes: list[_Shape], body: _Body, px: _Pixels) -> tuple[np.ndarray, np.ndarray]:
    """Nearest shape per pixel after the weak-limb and depth overrides; labels and leg t."""
    scores = np.stack([s.sd for s in shapes]).astype(np.float32)
    for row, s in zip(scores, shapes, strict=True):
        if s.weak:  # only inside its own shape, and losing ties there
            row[:] = np.where(s.sd < 0, s.sd + WEAK_PENALTY * body.scale, BIG)
    _occlude(scores, shapes, body)
    winner = scores.argmin(axis=0)
    labels = np.array([s.label for s in shapes], np.uint8)[winner]
    t = np.full(px.x.shape, -1.0, np.float32)
    for i, s in enumerate(shapes):
        if s.t is not None:
            won = winner == i
            t[won] = s.t[won]
    return labels, t


def _inside_any(shapes: list[_Shape], labels: tuple[int, ...]) -> np.ndarray | None:
    sds = [s.sd for s in shapes if s.label in labels]
    return np.min(sds, axis=0) < 0 if sds else None


def _occlude(scores: np.ndarray, shapes: list[_Shape], body: _Body) -> None:
    """Depth order where shapes overlap (see the module docstring); edits `scores`."""
    margin = DEPTH_MARGIN * body.scale
    trunk_z = next((s.z for s in shapes if s.label == Part.UPPER_GARMENT), None)
    trunk = _inside_any(shapes, _TRUNK_AND_LEGS)
    for row, s in zip(scores, shapes, strict=True):
        if not s.arm or trunk_z is None or trunk is None:
            continue
        if s.z < trunk_z - margin and not s.weak:  # a poorly seen limb is more likely hidden
            row[s.sd < 0] -= BIG
        elif s.z > trunk_z + margin:
            row[trunk] += BIG
    leg_z = {}
    for side in ("LEFT", "RIGHT"):
        ids = [K[f"{side}_{j}"] for j in ("HIP", "KNEE", "ANKLE") if body.ok[K[f"{side}_{j}"]]]
        if not ids:
            return
        leg_z[side] = float(body.z[ids].mean())
    near, far = sorted(leg_z, key=leg_z.__getitem__)
    in_near = _inside_any(shapes, (Part[f"{near}_LEG"], Part[f"{near}_FOOT"]))
    if leg_z[far] - leg_z[near] < margin or in_near is None:
        return
    for row, s in zip(scores, shapes, strict=True):
        if s.label in (Part[f"{far}_LEG"], Part[f"{far}_FOOT"]):
            row[in_near] += BIG


# --- colour refinements ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Palette:
    """Reference Lab colours, sampled where each is most likely; None where unavailable."""

    skin: np.ndarray | None  # middle of the face
    upper: np.ndarray | None  # chest
    lower: np.ndarray | None  # upper thighs: covered by trousers, shorts and skirts alike


def _sample(px: _Pixels, part: np.ndarray, centre: np.ndarray | None, radius: float,
            labels: tuple[int, ...]) -> np.ndarray | None:
    """Median colour of the pixels labelled `labels` within `radius` of `centre`."""
    if centre is None:
        return None
    near = (px.x - centre[0]) ** 2 + (px.y - centre[1]) ** 2 <= radius * radius
    near &= np.isin(part, labels)
    return np.median(px.lab[near], axis=0) if np.count_nonzero(near) >= 4 else None


def _palette(body: _Body, head: _Head | None, px: _Pixels, part: np.ndarray) -> _Palette:
    L = body.scale
    skin = upper = None
    if head is not None and head.has_face:
        skin = _sample(px, part, head.eyes - 0.5 * head.e * head.up, 0.4 * head.e, (_HEAD,))
    shoulders, hips = body.mid(K.LEFT_SHOULDER, K.RIGHT_SHOULDER), body.mid(K.LEFT_HIP, K.RIGHT_HIP)
    if shoulders is not None and hips is not None:
        chest = shoulders + 0.45 * (hips - shoulders)
        upper = _sample(px, part, chest, 0.15 * L, (Part.UPPER_GARMENT,))
    thighs = [body.xy[hip] + 0.3 * (body.xy[knee] - body.xy[hip])
              for hip, knee in ((K.LEFT_HIP, K.LEFT_KNEE), (K.RIGHT_HIP, K.RIGHT_KNEE))
              if body.has(hip, knee)]
    if not thighs and hips is not None:
        thighs = [hips + 0.3 * L * body.down]
    legs = (Part.LOWER_GARMENT, Part.LEFT_LEG, Part.RIGHT_LEG)
    samples = [c for c in (_sample(px, part, p, 0.1 * L, legs) for p in thighs) if c is not None]
    return _Palette(skin, upper, np.median(np.stack(samples), axis=0) if samples else None)


def _colour_dist2(lab: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Squared Lab distance with lightness half-weighted (shading changes lightness most)."""
    d = lab - ref
    return 0.25 * d[..., 0] ** 2 + d[..., 1] ** 2 + d[..., 2] ** 2


def _distinct(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    return a is not None and b is not None and float(_colour_dist2(a, b)) > COLOUR_DISTINCT**2


def _closer(lab: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Which pixels are nearer colour `a` than colour `b`."""
    return _colour_dist2(lab, a) < _colour_dist2(lab, b)


def _best_cut(values: np.ndarray, first: np.ndarray, edges: np.ndarray) -> float:
    """The cut c among `edges` that best puts the `first` pixels below c and the rest above."""
    v = np.clip(values, edges[0], edges[-1])
    before = np.concatenate([[0], np.cumsum(np.histogram(v[first], edges)[0])])
    rest_before = np.concatenate([[0], np.cumsum(np.histogram(v[~first], edges)[0])])
    return float(edges[int(np.argmax(before + rest_before[-1] - rest_before))])


def _cut_waist(part: np.ndarray, body: _Body, px: _Pixels, colours: _Palette) -> np.ndarray:
    """Move the top/bottom boundary to where the upper garment's colour gives way."""
    hips = body.mid(K.LEFT_HIP, K.RIGHT_HIP)
    if hips is None or colours.upper is None or colours.lower is None:
        return part
    if not _distinct(colours.upper, colours.lower):
        return part
    h = _along(px, hips, body.down) / body.scale
    band = np.isin(part, _TRUNK_AND_LEGS) & (h > -0.4) & (h < 0.3)
    is_upper = _closer(px.lab[band], colours.upper, colours.lower)
    cut = _best_cut(h[band], is_upper, np.linspace(-0.4, 0.3, 71))
    # Above the cut is the top; below it the torso becomes pelvis and the legs stay legs.
    old = part[band]
    below = np.where(old == Part.UPPER_GARMENT, Part.LOWER_GARMENT, old)
    part[band] = np.where(h[band] < cut, Part.UPPER_GARMENT, below)
    return part


def _cut_legs(part: np.ndarray, t: np.ndarray, px: _Pixels, colours: _Palette) -> np.ndarray:
    """Down each leg, LOWER_GARMENT until the garment's colour gives way to skin."""
    for leg in (Part.LEFT_LEG, Part.RIGHT_LEG):
        sel = part == leg
        if not sel.any():
            continue
        lower, skin = colours.lower, colours.skin
        if lower is None or skin is None or not _distinct(lower, skin):
            part[sel] = Part.LOWER_GARMENT  # no bare skin to tell apart: assume trousers
            continue
        covered = _closer(px.lab[sel], lower, skin)
        cut = _best_cut(t[sel], covered, np.linspace(0.0, 2.0, 81))
        part[sel] = np.where(t[sel] < cut, Part.LOWER_GARMENT, leg)
    return part


def _trim_neck(part: np.ndarray, px: _Pixels, colours: _Palette) -> np.ndarray:
    """Neck pixels in the top's colour (a collar, a neckline the neck's cap overshot) are top."""
    sel = np.flatnonzero(part == Part.NECK)
    skin, upper = colours.skin, colours.upper
    if sel.size and skin is not None and upper is not None and _distinct(upper, skin):
        part[sel[_closer(px.lab[sel], upper, skin)]] = Part.UPPER_GARMENT
    return part


def _split_head(part: np.ndarray, head: _Head | None, px: _Pixels,
                skin: np.ndarray | None) -> np.ndarray:
    """FACE is the lower front of the head (refined by skin vs hair colour), HAIR the rest."""
    sel = part == _HEAD
    if head is None or not sel.any():
        return part
    if not head.has_face:  # a back view
        part[sel] = Part.HAIR
        return part
    e = head.e
    hair = _sample(px, part, head.centre + 1.35 * e * head.up, 0.4 * e, (_HEAD,))
    sub = _Pixels(px.x[sel], px.y[sel], px.lab[sel])
    rho = _ellipse_rho(sub, head.face_centre, head.up, head.face_half_w, 1.3 * e)
    if skin is not None and hair is not None and _distinct(skin, hair):
        face = (rho <= 0.7) | ((rho <= 1.15) & _closer(sub.lab, skin, hair))
    else:
        face = rho <= 1.0
    part[sel] = np.where(face, Part.FACE, Part.HAIR)
    return part
