"""The head: skull, jaw, nose and ears as ellipsoids in the HEAD frame, a painted face
(eye whites, irises, pupils, lash lines, brows, lips) that turns with it, and hair (short,
long or a bun) as shells cut at a hairline. Coordinates are head units (metres for a
1.70 m body, scaled by `Proportions.head`) relative to `skeleton.head_centre`, x to the
person's left, y up, z out of the face.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import cv2
import numpy as np

from catwalk.studio.geometry import rot_x, rot_z
from catwalk.studio.look import Look
from catwalk.studio.raster import Paint, Surface
from catwalk.studio.skeleton import CRANIUM, JAW
from catwalk.vision.labels import Part

# (centre, semi-axes, rotation about x) of each piece; the hair pieces by style.
NOSE = ((0.0, -0.024, 0.084), (0.0095, 0.021, 0.0145), -0.3)
EAR = ((0.071, -0.006, -0.012), (0.0085, 0.026, 0.015), 0.12)
HAIR_CAP = {"short": 1.055, "long": 1.07, "bun": 1.05}  # cap = cranium scaled by this
# Hairline height (y) by the angle round the head from the face (0) to the back (pi).
_HAIRLINE_ANGLES = (0.0, 0.6, 1.1, 1.45, 1.9, math.pi)
HAIRLINES = {"short": (0.064, 0.054, 0.03, 0.014, -0.03, -0.075),
             "long": (0.06, 0.046, -0.03, -0.2, -0.2, -0.2),
             "bun": (0.066, 0.056, 0.034, 0.018, -0.02, -0.06)}
# Extra hair volumes: (centre, semi-axes) per style, mirrored when x != 0.
HAIR_VOLUMES = {"short": [], "bun": [((0.0, 0.085, -0.09), (0.042, 0.04, 0.042))],
                "long": [((0.07, -0.075, -0.004), (0.024, 0.105, 0.052)),
                         ((0.0, -0.1, -0.068), (0.086, 0.175, 0.045))]}

Piece = tuple[tuple[float, float, float], tuple[float, float, float], np.ndarray, int, str]


def head_pieces(look: Look) -> list[Piece]:
    """(centre, semi-axes, rotation, label, material) for every head ellipsoid; materials:
    "cranium"/"jaw" (painted face), "nose", "skin", "hair_cap", "hair"."""
    pieces: list[Piece] = [(CRANIUM[0], CRANIUM[1], np.eye(3), Part.FACE, "cranium"),
                           (JAW[0], JAW[1], np.eye(3), Part.FACE, "jaw"),
                           (NOSE[0], NOSE[1], rot_x(NOSE[2]), Part.FACE, "nose")]
    for side in (1, -1):
        (x, y, z), semi, tilt = EAR
        pieces.append(((side * x, y, z), semi, rot_z(side * tilt), Part.FACE, "skin"))
    scale = HAIR_CAP[look.hair_style]
    c, semi = CRANIUM
    pieces.append(((c[0], c[1] + 0.006, c[2] - 0.004), (semi[0] * scale, semi[1] * scale, semi[2] * scale),
                   np.eye(3), Part.HAIR, "hair_cap"))
    for centre, semi in HAIR_VOLUMES[look.hair_style]:
        for side in ((1, -1) if centre[0] else (1,)):
            pieces.append(((side * centre[0], centre[1], centre[2]), semi, np.eye(3), Part.HAIR, "hair"))
    return pieces


def _local(surf: Surface, centre: tuple[float, float, float], semi: tuple[float, float, float]
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    qx, qy, qz = surf.local
    return (np.float32(centre[0]) + np.float32(semi[0]) * qx, np.float32(centre[1]) + np.float32(semi[1]) * qy,
            np.float32(centre[2]) + np.float32(semi[2]) * qz)


def _put(colour: np.ndarray, mask: np.ndarray, rgb: np.ndarray | tuple[float, ...]) -> np.ndarray:
    return np.where(mask[..., None], np.asarray(rgb, np.float32), colour)


def face_paint(look: Look, female: bool, centre: tuple[float, float, float],
               semi: tuple[float, float, float]) -> Paint:
    """Paint for the cranium and jaw: skin with the face's features on the front. Features
    are drawn as indices into a small palette, then shaded by the eye sockets."""
    skin, hair, iris = look.rgb("skin"), look.rgb("hair"), look.rgb("iris")
    lips = skin * np.array([0.8, 0.5, 0.5] if female else [0.84, 0.62, 0.6], np.float32)
    palette = np.stack([skin, np.array([0.1, 0.07, 0.06]), np.array([0.93, 0.92, 0.9]), iris,
                        np.array([0.04, 0.03, 0.03]), np.array([0.97, 0.97, 0.97]), hair * 0.75 + 0.04,
                        lips, lips * 0.45]).astype(np.float32)
    LASH, WHITE, IRIS, PUPIL, GLINT, BROW, LIPS, MOUTH = range(1, 9)  # 0 is skin
    brow_half = np.float32(0.0036 if female else 0.0048)

    def paint(surf: Surface) -> tuple[np.ndarray | None, np.ndarray | None]:
        x, y, z = _local(surf, centre, semi)
        front = z > 0.035
        ids = np.zeros(x.shape, np.uint8)
        shade = np.ones(x.shape, np.float32)
        if front.any():
            for ex in (0.031, -0.031):
                dx, dy = x - np.float32(ex), y - np.float32(0.003)
                shade -= np.float32(0.14) * np.exp(-(dx * dx * np.float32(1 / 0.021**2)
                                                     + (dy - np.float32(0.004)) ** 2 * np.float32(1 / 0.014**2)))
                e = dx * dx * np.float32(1 / 0.0135**2) + dy * dy * np.float32(1 / 0.0064**2)
                white = front & (e < 1)
                ids[front & (e >= 1) & (e < 1.9) & (dy > -0.0012)] = LASH
                ids[white] = WHITE
                r2 = dx * dx + (dy + np.float32(0.0004)) ** 2
                ids[white & (r2 < 0.0063**2)] = IRIS
                ids[white & (r2 < 0.0028**2)] = PUPIL
                ids[white & ((dx + np.float32(0.0017)) ** 2 + (dy - np.float32(0.0017)) ** 2 < 0.0009**2)] = GLINT
                arc = np.float32(0.026) + np.float32(0.0055) * (1 - (dx * np.float32(1 / 0.024)) ** 2)
                span = (np.abs(x) > 0.009) & (np.abs(x) < 0.053) & ((x > 0) == (ex > 0))
                ids[front & span & (np.abs(y - arc) < brow_half)] = BROW
            upper = (x * np.float32(1 / 0.021)) ** 2 + ((y + np.float32(0.0535)) * np.float32(1 / 0.0056)) ** 2 < 1
            lower = (x * np.float32(1 / 0.0185)) ** 2 + ((y + np.float32(0.0625)) * np.float32(1 / 0.0068)) ** 2 < 1
            ids[front & (upper | lower)] = LIPS
            ids[front & (np.abs(y + np.float32(0.0585)) < 0.0011) & (np.abs(x) < 0.02)] = MOUTH
        col = palette[ids]
        return cv2.multiply(col, cv2.merge([shade, shade, shade])), None

    return paint


def nose_paint(look: Look) -> Paint:
    skin = look.rgb("skin")

    def paint(surf: Surface) -> tuple[np.ndarray | None, np.ndarray | None]:
        qx, qy, qz = surf.local
        nostril = (qy < -0.5) & (np.abs(qx) > 0.2) & (np.abs(qx) < 0.85) & (qz > -0.2)
        return _put(np.broadcast_to(skin, (*qx.shape, 3)).copy(), nostril, skin * 0.62), None

    return paint


def hair_paint(look: Look, centre: tuple[float, float, float], semi: tuple[float, float, float],
               cap: bool) -> Paint:
    """Hair albedo with strands; a cap keeps only what lies above the style's hairline."""
    hair = look.rgb("hair")
    line = np.asarray(HAIRLINES[look.hair_style], np.float32)
    angles = np.asarray(_HAIRLINE_ANGLES, np.float32)

    def paint(surf: Surface) -> tuple[np.ndarray | None, np.ndarray | None]:
        x, y, z = _local(surf, centre, semi)
        theta = np.arctan2(x, z)
        strands = np.float32(0.86) + np.float32(0.14) * np.sin(theta * 70 + y * 90) * np.sin(y * 37 + theta * 5)
        col = hair[None, None, :] * strands[..., None]
        keep = y > np.interp(np.abs(theta), angles, line).astype(np.float32) if cap else None
        return col, keep

    return paint


def painter(material: str, look: Look, female: bool, centre: tuple[float, float, float],
            semi: tuple[float, float, float]) -> Paint | None:
    table: dict[str, Callable[[], Paint | None]] = {
        "cranium": lambda: face_paint(look, female, centre, semi),
        "jaw": lambda: face_paint(look, female, centre, semi),
        "nose": lambda: nose_paint(look),
        "skin": lambda: None,
        "hair_cap": lambda: hair_paint(look, centre, semi, cap=True),
        "hair": lambda: hair_paint(look, centre, semi, cap=False),
    }
    return table[material]()
