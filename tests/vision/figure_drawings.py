"""Synthetic people with known part labels, for testing the human parser.

A figure is posed in 3D in units of the torso length L (shoulder midpoint to hip midpoint):
x to the image's right for a person facing the camera (so the person's left is +x), y down,
z away from the camera (MediaPipe's sign: smaller = nearer), origin at the hip midpoint. It is
turned about the vertical axis, projected orthographically and drawn with OpenCV in painter's
order. Every shape goes into the truth map with its label exactly as it goes into the image,
so the truth holds the drawn occlusions. Proportions are an average adult's (head, limbs,
hands 0.38 L long, shoes 0.5 L); colours, sizes and limb angles are jittered from the seed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import cv2
import numpy as np

from catwalk.vision.labels import NUM_KEYPOINTS, Part
from catwalk.vision.labels import PoseKeypoint as K

POSES = ("front", "arms_raised", "arm_crossing", "walking", "side_turn")
SIZES = ((1280, 720), (512, 512))  # (height, width)

SKIN = ((241, 194, 167), (224, 172, 138), (198, 134, 95), (141, 85, 54), (92, 56, 38))
HAIR = ((30, 25, 22), (70, 45, 30), (120, 80, 45), (205, 170, 110), (60, 60, 60))
TROUSERS = ((40, 55, 95), (30, 30, 32), (110, 110, 118), (160, 130, 85), (60, 80, 50),
            (120, 30, 40))
SHOES = ((20, 20, 20), (235, 235, 235), (110, 60, 30))

Vec = tuple[float, float, float]
Colour = tuple[int, ...]
# Per pose: the turn about the vertical axis (degrees) and limb directions before the turn.
_ARMS_DOWN: dict[str, Vec] = {"l_upper": (0.17, 1, 0), "l_fore": (0.12, 1, -0.1),
                              "r_upper": (-0.17, 1, 0), "r_fore": (-0.12, 1, -0.1)}
_LEGS_STAND: dict[str, Vec] = {"l_thigh": (0.06, 1, 0), "l_shin": (0.02, 1, 0),
                               "r_thigh": (-0.06, 1, 0), "r_shin": (-0.02, 1, 0)}
_POSES: dict[str, tuple[float, dict[str, Vec]]] = {
    "front": (0.0, {**_ARMS_DOWN, **_LEGS_STAND}),
    "arms_raised": (0.0, {**_LEGS_STAND, "l_upper": (0.75, -0.65, 0), "l_fore": (0.3, -1, 0),
                          "r_upper": (-0.75, -0.65, 0), "r_fore": (-0.3, -1, 0)}),
    # The person's right forearm crosses in front of the torso (smaller z).
    "arm_crossing": (0.0, {**_ARMS_DOWN, **_LEGS_STAND, "r_upper": (-0.1, 0.95, -0.4),
                           "r_fore": (1, -0.08, -0.3)}),
    # Three-quarter view, left leg and right arm forward, the left arm swung back behind.
    "walking": (-30.0, {"l_upper": (0.1, 0.95, 0.3), "l_fore": (0.08, 0.95, 0.25),
                        "r_upper": (-0.1, 0.93, -0.35), "r_fore": (-0.05, 0.8, -0.6),
                        "l_thigh": (0.03, 0.9, -0.42), "l_shin": (0, 1, 0.08),
                        "r_thigh": (-0.03, 0.94, 0.34), "r_shin": (0, 0.9, 0.45)}),
    # Turned 60 degrees: the right arm hangs behind the torso, the left one in front.
    "side_turn": (60.0, {**_LEGS_STAND, "l_upper": (0.08, 1, -0.05), "l_fore": (0.05, 1, -0.25),
                         "r_upper": (-0.08, 1, -0.05), "r_fore": (-0.05, 1, -0.25)}),
}
# Face keypoints (left side; the right mirrors x) in eye-to-mouth units from the eye line.
_FACE: dict[K, Vec] = {
    K.NOSE: (0, 0.55, -1.25), K.LEFT_EYE_INNER: (0.22, 0, -1.05), K.LEFT_EYE: (0.45, 0, -1.0),
    K.LEFT_EYE_OUTER: (0.68, 0, -0.85), K.LEFT_EAR: (1.0, 0.3, 0.1), K.MOUTH_LEFT: (0.35, 1, -1),
}


@dataclass(frozen=True)
class Figure:
    image: np.ndarray  # [H,W,3] uint8 RGB
    keypoints: np.ndarray  # [33,4] float32: x, y, z (px, smaller = nearer), visibility 1
    mask: np.ndarray  # [H,W] uint8 0/1 person mask
    truth: np.ndarray  # [H,W] uint8 Part labels as drawn


def draw_figure(pose: str, size: tuple[int, int] = (1280, 720), *, shorts: bool = False,
                gradient: bool = False, seed: int = 0) -> Figure:
    """Draw one person in `pose` (one of POSES) on a (height, width) canvas: trousers, or
    shorts with bare legs; a plain or a gradient background."""
    rng = np.random.default_rng(seed)
    yaw_deg, limbs = _POSES[pose]
    yaw = math.radians(yaw_deg)
    e = 0.14 * rng.uniform(0.94, 1.06)  # eye-to-mouth distance
    joints, head = _skeleton(limbs, e, rng)
    joints, head = _turn(joints, yaw), {k: _turn(v, yaw) for k, v in head.items()}
    to_px = _fit(joints, e, size, rng)
    colours = _colours(rng)
    image = _background(size, colours["background"], gradient, rng)
    truth = np.zeros(size, np.uint8)
    pen = _Pen(image, truth, to_px)
    for _, draw in sorted(_draw_calls(pen, joints, head, e, yaw, shorts, colours, rng),
                          key=lambda call: call[0]):
        draw()
    noisy = image.astype(np.float32) + rng.normal(0.0, 4.0, image.shape)
    keypoints = np.ones((NUM_KEYPOINTS, 4), np.float32)
    keypoints[:, :2] = to_px(joints)
    keypoints[:, 2] = joints[:, 2] * to_px.scale
    return Figure(np.clip(noisy, 0, 255).astype(np.uint8), keypoints,
                  (truth > 0).astype(np.uint8), truth)


# --- pose -----------------------------------------------------------------------------------


def _unit(v: Vec | np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Unit vector along `v`, jittered by a few degrees."""
    u = np.asarray(v, np.float64) / np.linalg.norm(v) + rng.normal(0.0, 0.04, 3)
    return u / np.linalg.norm(u)


def _skeleton(limbs: dict[str, Vec], e: float,
              rng: np.random.Generator) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The 33 MediaPipe keypoints in 3D and the head's drawing anchors."""
    p = np.zeros((NUM_KEYPOINTS, 3))
    shoulder, hip = 0.38 * rng.uniform(0.95, 1.05), 0.18 * rng.uniform(0.95, 1.05)
    p[K.LEFT_SHOULDER], p[K.RIGHT_SHOULDER] = (shoulder, -1, 0), (-shoulder, -1, 0)
    p[K.LEFT_HIP], p[K.RIGHT_HIP] = (hip, 0, 0), (-hip, 0, 0)
    for side, s in (("l", "LEFT"), ("r", "RIGHT")):
        upper, fore = _unit(limbs[f"{side}_upper"], rng), _unit(limbs[f"{side}_fore"], rng)
        elbow = p[K[f"{s}_SHOULDER"]] + 0.62 * upper
        wrist = elbow + 0.52 * fore
        across = _across_palm(fore, side)
        p[K[f"{s}_ELBOW"]], p[K[f"{s}_WRIST"]] = elbow, wrist
        p[K[f"{s}_INDEX"]] = wrist + 0.2 * fore + 0.05 * across  # knuckles
        p[K[f"{s}_PINKY"]] = wrist + 0.18 * fore - 0.05 * across
        p[K[f"{s}_THUMB"]] = wrist + 0.1 * fore + 0.09 * across
        thigh, shin = _unit(limbs[f"{side}_thigh"], rng), _unit(limbs[f"{side}_shin"], rng)
        knee = p[K[f"{s}_HIP"]] + 0.9 * thigh
        ankle = knee + 0.86 * shin
        toes = _unit((0.15 if side == "l" else -0.15, 0, -1), rng)
        p[K[f"{s}_KNEE"]], p[K[f"{s}_ANKLE"]] = knee, ankle
        p[K[f"{s}_HEEL"]] = ankle + np.array([0, 0.12, 0.07])
        p[K[f"{s}_FOOT_INDEX"]] = ankle + np.array([0, 0.13, 0]) + 0.36 * toes
    eye_y = -1.0 - 0.24 - 1.65 * e  # the neck is 0.24 L, the chin 1.65 e below the eyes
    for k, (x, y, z) in _FACE.items():
        p[k] = (x * e, eye_y + y * e, z * e)
        p[K[k.name.replace("LEFT", "RIGHT")]] = (-x * e, eye_y + y * e, z * e)
    head = {"centre": np.array([0, eye_y, 0]), "face": np.array([0, eye_y + 0.35 * e, -0.8 * e]),
            "chin": np.array([0, eye_y + 1.6 * e, -0.3 * e])}
    return p, head


def _across_palm(fore: np.ndarray, side: str) -> np.ndarray:
    """Unit vector across the palm towards the thumb, for a hand continuing the forearm."""
    across = np.cross(fore, (0, 0, 1))
    if np.linalg.norm(across) < 0.3:  # forearm pointing at the camera
        across = np.cross(fore, (0, 1, 0))
    return across / np.linalg.norm(across) * (1 if side == "r" else -1)


def _turn(points: np.ndarray, yaw: float) -> np.ndarray:
    """Rotate about the vertical axis through the hip midpoint."""
    c, s = math.cos(yaw), math.sin(yaw)
    return points @ np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]]).T


@dataclass(frozen=True)
class _Projection:
    """L units -> pixels (orthographic)."""

    scale: float
    offset: np.ndarray

    def __call__(self, points: np.ndarray) -> np.ndarray:
        return np.atleast_2d(points)[:, :2] * self.scale + self.offset


def _fit(joints: np.ndarray, e: float, size: tuple[int, int],
         rng: np.random.Generator) -> _Projection:
    """Scale and place the figure to fill about 85% of the canvas."""
    height, width = size
    top = min(joints[:, 1].min() - 0.12, joints[K.LEFT_EYE, 1] - 1.8 * e)
    lo = np.array([joints[:, 0].min() - 0.25, top])
    hi = np.array([joints[:, 0].max() + 0.25, joints[:, 1].max() + 0.05])
    scale = min(0.85 * height / (hi[1] - lo[1]), 0.85 * width / (hi[0] - lo[0]))
    centre = np.array([width, height]) * (0.5 + rng.uniform(-0.03, 0.03, 2))
    return _Projection(scale, centre - scale * (lo + hi) / 2)


# --- drawing --------------------------------------------------------------------------------


class _Pen:
    """Draws each shape into the image (colour) and the truth (label) identically."""

    def __init__(self, image: np.ndarray, truth: np.ndarray, to_px: _Projection) -> None:
        self.image, self.truth, self.to_px = image, truth, to_px

    def _fixed(self, points: np.ndarray) -> np.ndarray:
        return np.round(self.to_px(points) * 8).astype(np.int32)  # 3 bits of sub-pixel precision

    @staticmethod
    def _fixed_2d(p: np.ndarray) -> tuple[int, int]:
        """A pixel position or size in OpenCV's fixed point (shift=3)."""
        x, y = np.rint(p * 8).astype(int)
        return int(x), int(y)

    def _both(self, colour: tuple[int, ...], label: int) -> list[tuple[np.ndarray, Colour]]:
        return [(self.image, colour), (self.truth, (int(label),))]

    def polygon(self, points: np.ndarray, colour: tuple[int, ...], label: int,
                convex: bool = True) -> None:
        pts = self._fixed(points)
        pts = cv2.convexHull(pts) if convex else pts
        for canvas, value in self._both(colour, label):
            cv2.fillPoly(canvas, [pts.reshape(-1, 1, 2)], value, cv2.LINE_8, shift=3)

    def capsule(self, a: np.ndarray, b: np.ndarray, radius: float, colour: tuple[int, ...],
                label: int, flat_end: bool = False) -> None:
        """A thick segment with round ends (or square at b, for a hem)."""
        pa, pb = self.to_px(a)[0], self.to_px(b)[0]
        r = radius * self.to_px.scale
        normal = np.array([pa[1] - pb[1], pb[0] - pa[0]]) / (np.linalg.norm(pb - pa) + 1e-9) * r
        quad = np.round(np.stack([pa + normal, pb + normal, pb - normal, pa - normal]) * 8)
        for canvas, value in self._both(colour, label):
            cv2.fillConvexPoly(canvas, quad.astype(np.int32), value, cv2.LINE_8, shift=3)
            for p in (pa,) if flat_end else (pa, pb):
                x, y = self._fixed_2d(p)
                cv2.circle(canvas, (x, y), int(np.rint(r * 8)), value, -1, cv2.LINE_8, 3)

    def ellipse(self, centre: np.ndarray, half_w: float, half_h: float, colour: tuple[int, ...],
                label: int, within: np.ndarray | None = None) -> np.ndarray:
        """Filled ellipse, clipped to the `within` mask if given; returns its mask."""
        stamp = np.zeros(self.truth.shape, np.uint8)
        axes = self._fixed_2d(np.array([half_w, half_h]) * self.to_px.scale)
        cv2.ellipse(stamp, self._fixed_2d(self.to_px(centre)[0]), axes, 0, 0, 360, 1, -1,
                    cv2.LINE_8, 3)
        region = stamp.astype(bool) if within is None else stamp.astype(bool) & within
        self.image[region], self.truth[region] = colour, label
        return region


DrawCall = tuple[tuple[int, float], Callable[[], object]]


def _draw_calls(pen: _Pen, j: np.ndarray, head: dict[str, np.ndarray], e: float, yaw: float,
                shorts: bool, colours: dict[str, tuple[int, ...]],
                rng: np.random.Generator) -> list[DrawCall]:
    """Draw calls keyed for painter's order, (layer, order): arms clearly nearer the camera
    than the torso are drawn last, arms clearly behind it first; legs far one first."""
    skin, shirt, trousers = colours["skin"], colours["shirt"], colours["trousers"]
    torso_z = float(j[[K.LEFT_SHOULDER, K.RIGHT_SHOULDER, K.LEFT_HIP, K.RIGHT_HIP], 2].mean())
    calls: list[DrawCall] = []

    def add(order: float, draw: Callable[[], object], arm_z: float | None = None) -> None:
        layer = 0
        if arm_z is not None and abs(arm_z - torso_z) > 0.15:
            layer = 1 if arm_z < torso_z else -1
        calls.append(((layer, order), draw))

    def jitter() -> float:
        return float(rng.uniform(0.92, 1.08))

    for n, s in enumerate(sorted(("LEFT", "RIGHT"), key=lambda s: -j[K[f"{s}_KNEE"], 2])):
        hip, knee, ankle = j[K[f"{s}_HIP"]], j[K[f"{s}_KNEE"]], j[K[f"{s}_ANKLE"]]
        thigh_r, shin_r = (0.14, 0.09) if shorts else (0.16, 0.105)
        thigh_r, shin_r = thigh_r * jitter(), shin_r * jitter()
        colour, label = (skin, Part[f"{s}_LEG"]) if shorts else (trousers, Part.LOWER_GARMENT)
        add(n, partial(pen.capsule, hip, knee, thigh_r, colour, label))
        trouser_end = ankle + np.array([0, 0.03, 0])  # trousers reach just below the ankle
        add(n + 0.1, partial(pen.capsule, knee, trouser_end, shin_r, colour, label))
        add(n + 0.2, partial(pen.polygon, _shoe(j, s), colours["shoes"], Part[f"{s}_FOOT"]))
        if shorts:  # straight hems, a little wider than the thigh
            shorts_end = hip + rng.uniform(0.3, 0.5) * (knee - hip)
            add(2.5, partial(pen.capsule, hip, shorts_end, thigh_r * 1.15, trousers, Part.LOWER_GARMENT,
                             flat_end=True))
    pelvis = _sections(yaw, [(-0.12, 0.32, 0.19), (0, 0.36, 0.21), (0.25, 0.34, 0.21)])
    add(3, partial(pen.polygon, pelvis, trousers, Part.LOWER_GARMENT))
    shoulders = j[[K.LEFT_SHOULDER, K.RIGHT_SHOULDER]].mean(axis=0)
    add(4, partial(pen.capsule, head["chin"], shoulders, 0.095 * jitter(), skin, Part.NECK))
    shirt_hem = 0.08 + rng.uniform(-0.05, 0.05)  # below the hip line
    torso = _sections(yaw, [(-1.04, 0.42, 0.2), (-0.8, 0.36, 0.2), (-0.35, 0.31, 0.18),
                            (shirt_hem, 0.35, 0.2)])
    add(5, partial(pen.polygon, torso, shirt, Part.UPPER_GARMENT))
    add(5.1, partial(pen.polygon, _neckline(yaw), shirt, Part.UPPER_GARMENT, convex=False))
    hair_w, hair_h = 1.2 * e * jitter(), 1.65 * e * jitter()
    face_w = e * (0.6 + 0.4 * math.cos(yaw))  # narrower as the face turns away

    def draw_head() -> None:
        region = pen.ellipse(head["centre"], hair_w, hair_h, colours["hair"], Part.HAIR)
        pen.ellipse(head["face"], face_w, 1.3 * e, skin, Part.FACE, within=region)

    add(6, draw_head)
    sleeve = rng.uniform(0.55, 0.9)  # short sleeves end this far down the upper arm
    for n, s in enumerate(("RIGHT", "LEFT")):
        sh, el, wr = j[K[f"{s}_SHOULDER"]], j[K[f"{s}_ELBOW"]], j[K[f"{s}_WRIST"]]
        upper, fore = Part[f"{s}_UPPER_ARM"], Part[f"{s}_FOREARM"]
        upper_r, upper_z, fore_z = 0.1 * jitter(), (sh[2] + el[2]) / 2, (el[2] + wr[2]) / 2
        add(7 + n, partial(pen.capsule, sh, el, upper_r, skin, upper), upper_z)
        cuff = sh + sleeve * (el - sh)
        add(7.1 + n, partial(pen.capsule, sh, cuff, upper_r * 1.15, shirt, upper), upper_z)
        add(7.2 + n, partial(pen.capsule, el, wr, 0.075 * jitter(), skin, fore), fore_z)
        add(7.3 + n, partial(pen.polygon, _hand(j, s), skin, Part[f"{s}_HAND"]), float(wr[2]))
    return calls


def _sections(yaw: float, levels: list[tuple[float, float, float]]) -> np.ndarray:
    """Outline of a body segment made of elliptic cross-sections (y, half width a, half depth
    b) turned by `yaw`: a section's silhouette half-width is hypot(a cos(yaw), b sin(yaw))."""
    c, s = math.cos(yaw), math.sin(yaw)
    half = [(y, math.hypot(a * c, b * s)) for y, a, b in levels]
    return np.array([(-w, y, 0) for y, w in half] + [(w, y, 0) for y, w in half])


def _neckline(yaw: float) -> np.ndarray:
    """Shirt over the trapezius, from the shoulders up to the base of the neck, dipping in front."""
    c = math.cos(yaw)
    return np.array([(-0.4 * c, -1.03, 0), (-0.12, -1.1, 0), (0, -0.98, 0), (0.12, -1.1, 0),
                     (0.4 * c, -1.03, 0), (0.3 * c, -0.9, 0), (-0.3 * c, -0.9, 0)])


def _hand(j: np.ndarray, side: str) -> np.ndarray:
    """Corners of a slab from the wrist to the fingertips, 0.16 L wide and 0.07 L thick."""
    wrist, index, pinky = j[K[f"{side}_WRIST"]], j[K[f"{side}_INDEX"]], j[K[f"{side}_PINKY"]]
    along = (index + pinky) / 2 - wrist
    along /= np.linalg.norm(along)
    across = (index - pinky) - ((index - pinky) @ along) * along
    across /= np.linalg.norm(across)
    through = np.cross(along, across)
    corners = [wrist + a * along + sign * w * across + d * through
               for a, w in ((0, 0.065), (0.35, 0.08), (0.38, 0))
               for sign in (1, -1) for d in (-0.035, 0.035)]
    return np.stack([*corners, j[K[f"{side}_THUMB"]] + 0.04 * along])


def _shoe(j: np.ndarray, side: str) -> np.ndarray:
    """Corners of a box from behind the heel to beyond the toes, from the ankle to the sole."""
    ankle, toe = j[K[f"{side}_ANKLE"]], j[K[f"{side}_FOOT_INDEX"]]
    forward = (toe - ankle) * (1, 0, 1)
    forward /= np.linalg.norm(forward)
    across = np.cross(forward, (0, 1, 0))
    return np.stack([ankle + a * forward + w * across + (0, h, 0)
                     for a in (-0.1, 0.42) for w in (-0.09, 0.09) for h in (0.0, 0.15)])


def _colours(rng: np.random.Generator) -> dict[str, tuple[int, ...]]:
    """Skin, hair, shoes, trousers from palettes; a random shirt; all kept apart where the
    parser (or a person) could not tell them apart either."""
    def pick(palette: tuple[tuple[int, int, int], ...]) -> tuple[int, ...]:
        return tuple(int(v) for v in palette[rng.integers(len(palette))])

    skin, hair, shoes = pick(SKIN), pick(HAIR), pick(SHOES)
    trousers = pick(TROUSERS)
    while _lab_distance(trousers, skin) < 30:
        trousers = pick(TROUSERS)
    while True:
        hsv = np.array([[[rng.integers(180), rng.integers(90, 230), rng.integers(90, 240)]]],
                       np.uint8)
        shirt = tuple(int(v) for v in cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)[0, 0])
        if min(_lab_distance(shirt, other) for other in (skin, trousers, hair)) > 30:
            break
    background = tuple(int(v) for v in rng.integers(0, 256, 3))
    return {"skin": skin, "hair": hair, "shoes": shoes, "trousers": trousers, "shirt": shirt,
            "background": background}


def _lab_distance(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    lab = cv2.cvtColor(np.array([[a, b]], np.uint8), cv2.COLOR_RGB2LAB).astype(np.float32)[0]
    return float(np.linalg.norm(lab[0] - lab[1]))


def _background(size: tuple[int, int], colour: tuple[int, ...], gradient: bool,
                rng: np.random.Generator) -> np.ndarray:
    """Plain, or a vertical gradient from `colour` to a random one."""
    height, width = size
    other = rng.integers(0, 256, 3) if gradient else np.asarray(colour)
    ramp = np.linspace(0.0, 1.0, height)[:, None, None]
    column = np.asarray(colour) * (1 - ramp) + other * ramp
    return np.ascontiguousarray(np.broadcast_to(column, (height, width, 3)).astype(np.uint8))
