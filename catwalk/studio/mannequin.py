"""The mannequin renderer: a shaded full-body figure from a 3D pose, with its truth.

    >>> from catwalk.studio.mannequin import render_clip
    >>> for frame in render_clip("walk", seconds=2, fps=30, width=720, height=1280, seed=3):
    ...     frame.image, frame.keypoints, frame.mask, frame.parts, frame.upper_garment

The body is ~40 ellipsoids and round cones attached to the skeleton's segment frames
(`skeleton.BodyPose`), ray-cast and shaded with the lighting preset (`raster`). Every
frame's truth comes from the same drawing pass: the part label map holds
`catwalk.vision.labels.Part` values exactly where the person was drawn (coverage >= 0.5),
occlusions included.

Labelling decisions (the parse labels are body-part based):
- the tee over the torso -> UPPER_GARMENT; its sleeves (and the shoulder caps they cover)
  -> LEFT/RIGHT_UPPER_ARM, but they are in the upper-garment mask;
- the trousers -> LOWER_GARMENT, pelvis and the legs they cover; a cropped trouser's bare
  shin -> LEFT/RIGHT_LEG; shoes -> LEFT/RIGHT_FOOT;
- face, ears, eyes, lips -> FACE; hair -> HAIR; neck -> NECK; bare arms and hands -> their
  parts. A stool is background (0) even where it hides the person.
Keypoint visibility: 1 where the landmark projects inside the image onto its own body part
and nothing nearer hides it, 0.25 where it is hidden (self-occlusion), 0 outside the image.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import cv2
import numpy as np

from catwalk.studio.backgrounds import BACKGROUNDS, Backdrop, make_backdrop
from catwalk.studio.body import BodyShape, Proportions
from catwalk.studio.camera import Camera, keypoints_px
from catwalk.studio.figure import LOWER, UPPER, body_shapes
from catwalk.studio.lighting import Lighting, lighting
from catwalk.studio.look import Look
from catwalk.studio.motion import CameraMove, PoseFrame, pose_sequence
from catwalk.studio.raster import ELLIPSOID, Canvas, Shape
from catwalk.studio.skeleton import BodyPose, Segment
from catwalk.vision.labels import Part
from catwalk.vision.labels import PoseKeypoint as K

S = Segment


@dataclass(frozen=True)
class RenderedFrame:
    """One rendered frame and its truth (all maps [H, W], the image's size)."""

    index: int
    t: float
    image: np.ndarray  # uint8 [H, W, 3] RGB
    keypoints: np.ndarray  # float32 [33, 4] KEYPOINTS convention, occlusion-aware visibility
    mask: np.ndarray  # uint8 0/1 person
    parts: np.ndarray  # uint8 Part labels
    upper_garment: np.ndarray  # uint8 0/1: the tee, sleeves included
    lower_garment: np.ndarray  # uint8 0/1: the trousers
    pose: PoseFrame  # the 3D truth and the camera


# --- a frame -------------------------------------------------------------------------------------


def _box(shape: Shape, f: float, cx: float, cy: float) -> tuple[float, float, float, float]:
    """A generous screen box around a shape."""
    if shape.kind == ELLIPSOID:
        assert shape.axes is not None
        pts, rads = [shape.centre], [float(np.sqrt((shape.axes**2).sum(axis=1)).max())]
    else:
        assert shape.end is not None
        pts, rads = [shape.centre, shape.end], [shape.ra, shape.rb]
    xs: list[float] = []
    ys: list[float] = []
    for pt, r in zip(pts, rads, strict=True):
        z = max(float(pt[2]), 0.05)
        u, v, k = cx + f * pt[0] / z, cy + f * pt[1] / z, f / z
        xs += [u - r * k, u + r * k]
        ys += [v - r * k, v + r * k]
    return min(xs), min(ys), max(xs), max(ys)


def _contact_shadow(image: np.ndarray, pose: BodyPose, camera: Camera, p: Proportions, strength: float) -> None:
    """Darken the floor under the feet (fading as a foot lifts) and, faintly, under the body."""
    h, w = image.shape[:2]
    blobs = []
    for ft in (S.LEFT_FOOT, S.RIGHT_FOOT):
        centre = pose.to_world(ft, np.array([0, -p.ankle_height, 0.055 * p.s]))
        fwd = pose.rotations[ft][:, 2] * (1, 0, 1)
        fwd = fwd / max(np.linalg.norm(fwd), 1e-9)
        side = np.cross((0, 1, 0), fwd)
        lift = max(float(centre[1]), 0.0)
        blobs.append((centre * (1, 0, 1), fwd * 0.17 * p.s, side * 0.075 * p.s, 0.75 * np.exp(-lift / 0.06)))
    mid = pose.origins[S.PELVIS] * (1, 0, 1)
    fwd = pose.rotations[S.PELVIS][:, 2] * (1, 0, 1)
    fwd = fwd / max(np.linalg.norm(fwd), 1e-9)
    blobs.append((mid, fwd * 0.2 * p.s, np.cross((0, 1, 0), fwd) * 0.24 * p.s, 0.3))
    proj = []
    for c, a1, a2, weight in blobs:
        pts = camera.project(np.array([c, c + a1, c + a2]), w, h)
        if pts[0, 2] <= 0.1:
            continue
        m = np.column_stack([pts[1, :2] - pts[0, :2], pts[2, :2] - pts[0, :2]])
        if abs(np.linalg.det(m)) < 1e-6:
            continue
        proj.append((pts[0, :2], np.linalg.inv(m @ m.T), float(np.sqrt((m**2).sum(axis=1)).max()), weight))
    if not proj:
        return
    x0 = int(max(min(c[0] - 1.8 * e for c, _, e, _ in proj), 0))
    x1 = int(min(max(c[0] + 1.8 * e for c, _, e, _ in proj), w))
    y0 = int(max(min(c[1] - 1.8 * e for c, _, e, _ in proj), 0))
    y1 = int(min(max(c[1] + 1.8 * e for c, _, e, _ in proj), h))
    if x1 - x0 < 2 or y1 - y0 < 2:
        return
    step = 4  # the shadow is soft: evaluate it on a coarse grid and upsample
    X = (np.arange(x0, x1, step, dtype=np.float32) + step / 2)[None, :]
    Y = (np.arange(y0, y1, step, dtype=np.float32) + step / 2)[:, None]
    dark = np.zeros((Y.shape[0], X.shape[1]), np.float32)
    for c, q, _, weight in proj:
        dx, dy = X - np.float32(c[0]), Y - np.float32(c[1])
        rho2 = np.float32(q[0, 0]) * dx * dx + np.float32(2 * q[0, 1]) * dx * dy + np.float32(q[1, 1]) * dy * dy
        dark += np.float32(weight) * np.exp(np.float32(-1.6) * rho2)
    keep = cv2.resize(1 - np.float32(strength) * np.minimum(dark, 1), (x1 - x0, y1 - y0),
                      interpolation=cv2.INTER_LINEAR)
    roi = image[y0:y1, x0:x1]
    shaded = cv2.multiply(roi.astype(np.float32), cv2.merge([keep, keep, keep]))
    roi[:] = cv2.convertScaleAbs(shaded)


# Body parts a landmark may land on, and how far in front of it a surface may be (m) while
# it still counts as visible (the landmark sits inside the limb).
_OWN: dict[int, tuple[set[int], float]] = {}
for _k in K:
    _n = _k.name
    _side = "LEFT" if _n.startswith("LEFT") else "RIGHT"
    if _k <= K.MOUTH_RIGHT:
        _OWN[_k] = ({Part.FACE}, 0.035)
    elif "SHOULDER" in _n:
        _OWN[_k] = ({Part.UPPER_GARMENT, Part[f"{_side}_UPPER_ARM"], Part.NECK}, 0.12)
    elif "ELBOW" in _n:
        _OWN[_k] = ({Part[f"{_side}_UPPER_ARM"], Part[f"{_side}_FOREARM"]}, 0.07)
    elif "WRIST" in _n:
        _OWN[_k] = ({Part[f"{_side}_FOREARM"], Part[f"{_side}_HAND"]}, 0.06)
    elif any(f in _n for f in ("PINKY", "INDEX", "THUMB")):
        _OWN[_k] = ({Part[f"{_side}_HAND"]}, 0.045)
    elif "HIP" in _n:
        _OWN[_k] = ({Part.LOWER_GARMENT, Part.UPPER_GARMENT}, 0.16)
    elif "KNEE" in _n:
        _OWN[_k] = ({Part.LOWER_GARMENT, Part[f"{_side}_LEG"]}, 0.1)
    elif "ANKLE" in _n:
        _OWN[_k] = ({Part.LOWER_GARMENT, Part[f"{_side}_LEG"], Part[f"{_side}_FOOT"]}, 0.08)
    else:
        _OWN[_k] = ({Part[f"{_side}_FOOT"]}, 0.06)


def _visibility(px: np.ndarray, canvas: Canvas) -> np.ndarray:
    vis = np.zeros(len(px), np.float32)
    for i, (x, y, d) in enumerate(px):
        if not (0 <= x < canvas.width and 0 <= y < canvas.height and d > 0):
            continue
        col, row = int(x), int(y)
        parts, tol = _OWN[i]
        seen = canvas.label[row, col] in parts and canvas.depth_at(col, row) >= d - tol
        vis[i] = 1.0 if seen else 0.25
    return vis


def render_pose(frame: PoseFrame, width: int, height: int, body: BodyShape, look: Look, backdrop: Backdrop,
                light: Lighting) -> RenderedFrame:
    """Draw one posed frame over `backdrop` (see `make_backdrop`)."""
    camera = frame.camera
    image = backdrop.view(camera).copy()
    _contact_shadow(image, frame.body, camera, body.proportions, light.shadow)
    f = camera.focal_px(height)
    shapes = body_shapes(frame.body, camera, body, look, frame.stool)
    boxes = np.array([_box(sh, f, width / 2, height / 2) for sh in shapes])
    region = (int(np.floor(boxes[:, 0].min())) - 2, int(np.floor(boxes[:, 1].min())) - 2,
              int(np.ceil(boxes[:, 2].max())) + 2, int(np.ceil(boxes[:, 3].max())) + 2)
    canvas = Canvas(image, f, light, region)
    for shape in sorted(shapes, key=lambda sh: -sh.depth_key()):
        canvas.draw(shape)
    image = canvas.finish()
    px = camera.project(frame.body.keypoints, width, height)
    keypoints = keypoints_px(frame.body.keypoints, camera, width, height, _visibility(px, canvas))
    parts = canvas.label
    return RenderedFrame(frame.index, frame.t, image, keypoints, (parts > 0).astype(np.uint8), parts,
                         (canvas.garment == UPPER).astype(np.uint8), (canvas.garment == LOWER).astype(np.uint8), frame)


def render_frames(frames: Iterable[PoseFrame], width: int, height: int, *, body: BodyShape | None = None,
                  look: Look | None = None, background: str = "studio", lighting_preset: str = "soft",
                  seed: int = 0) -> Iterator[RenderedFrame]:
    """Render a stream of posed frames (from `pose_sequence` or your own), one at a time.
    Bad arguments raise here, before the first frame is asked for."""
    if not (16 <= width <= 4096 and 16 <= height <= 4096):
        raise ValueError(f"frame size must be 16..4096 a side, got {width}x{height}")
    if background not in BACKGROUNDS:
        raise KeyError(f"unknown background {background!r}; known: {', '.join(BACKGROUNDS)}")
    body = body or BodyShape.default()
    return _render(frames, width, height, body, look or Look.default(body.gender), background,
                   lighting(lighting_preset), seed)


def _render(frames: Iterable[PoseFrame], width: int, height: int, body: BodyShape, look: Look, background: str,
            light: Lighting, seed: int) -> Iterator[RenderedFrame]:
    backdrop: Backdrop | None = None  # drawn from the first frame's camera
    for frame in frames:
        if backdrop is None:
            backdrop = make_backdrop(background, width, height, frame.camera, light, seed)
        yield render_pose(frame, width, height, body, look, backdrop, light)


def render_clip(motion: str, seconds: float, fps: float = 30.0, *, width: int = 720, height: int = 1280,
                body: BodyShape | None = None, look: Look | None = None, background: str = "studio",
                lighting_preset: str = "soft", seed: int = 0, camera_move: CameraMove | None = None
                ) -> Iterator[RenderedFrame]:
    """Render `motion` for `seconds` at `fps`, framed for width x height, one frame at a time
    (a clip is never held in memory). `seed` drives the motion's variation and the backdrop."""
    body = body or BodyShape.default()
    frames = pose_sequence(motion, seconds, fps, body, seed, aspect=width / height, camera_move=camera_move)
    return render_frames(frames, width, height, body=body, look=look, background=background,
                         lighting_preset=lighting_preset, seed=seed)
