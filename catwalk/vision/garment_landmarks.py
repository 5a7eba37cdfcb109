"""Shape measurements and landmarks of a garment mask (flat lay, upright, front facing).

Everything here works on a binary mask at the analyser's working resolution and returns
pixel coordinates in that mask. Left/right in names are the IMAGE's unless a row of
`GarmentLandmark` is meant: the garment's (wearer's) left is the image's right.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import cv2
import numpy as np

from catwalk.vision.labels import NUM_GARMENT_LANDMARKS, Silhouette
from catwalk.vision.labels import GarmentLandmark as GL

Point = tuple[float, float]

# An armpit is where the body's side edge, followed up from the hem, turns: out into a
# sleeve or in along an armhole. Turning = running at least this many px sideways per row
# above, and changing its slope by at least this much.
_TURN_SLOPE, _TURN_CHANGE = 0.6, 0.5
# Garment height above a turn for it to count: a sleeve needs little, an armhole (strap)
# more; a step in the top few percent is a waistband, not an armpit.
_MIN_ABOVE_SLEEVE, _MIN_ABOVE_ARMHOLE = 0.04, 0.08


@dataclass(frozen=True)
class Armpit:
    x: int
    y: int
    sleeve: bool  # the edge turns outward above it (a sleeve), not inward (an armhole)


@dataclass(frozen=True)
class Shape:
    """Measurements of a garment mask shared by the classifier and the landmarks."""

    mask: np.ndarray  # [h, w] bool
    contour: np.ndarray  # [N, 2] int, outer contour of the largest part (x, y)
    x0: int
    y0: int
    x1: int
    y1: int
    cx: int  # symmetry axis, from the lower body or the legs
    edge: tuple[np.ndarray, np.ndarray]  # per row: outer end of the first run from cx,
    #                                      image-left then image-right (-1 = none)
    armpits: tuple[Armpit | None, Armpit | None]  # image-left, image-right
    gap: float  # height of the gap between legs, as a fraction of the garment's height
    crotch: Point | None  # top of that gap

    @property
    def height(self) -> int:
        return self.y1 - self.y0 + 1

    def body_width(self, y: int) -> int:
        """Width of the body at row y (0 where a side is missing)."""
        left, right = self.edge[0][y], self.edge[1][y]
        return int(right - left + 1) if left >= 0 and right >= 0 else 0


def _run_end(sub: np.ndarray) -> np.ndarray:
    """Per row of `sub` (scanned from column 0): last column of the first foreground run."""
    has = sub.any(axis=1)
    start = np.argmax(sub, axis=1)
    cols = np.arange(sub.shape[1])
    after = ~sub & (cols[None, :] >= start[:, None])
    end = np.where(after.any(axis=1), np.argmax(after, axis=1) - 1, sub.shape[1] - 1)
    return np.where(has, end, -1)


def _axis(mask: np.ndarray, y0: int, y1: int) -> int:
    """Symmetry axis: median midpoint of the lower rows (body or both legs, not sleeves)."""
    h = y1 - y0 + 1
    rows = mask[max(y0, y1 - h // 4): max(y0 + 1, y1 - h // 30)]
    rows = rows[rows.any(axis=1)]
    if len(rows) == 0:
        return int(np.median(np.nonzero(mask)[1]))
    first = np.argmax(rows, axis=1)
    last = mask.shape[1] - 1 - np.argmax(rows[:, ::-1], axis=1)
    return round(float(np.median((first + last) / 2)))


def _find_armpit(shape_edge: np.ndarray, side: int, cx: int, y0: int, y1: int
                 ) -> Armpit | None:
    """Follow one side edge up from above the hem to the first lasting turn: the edge
    leaves its course below and runs steeply out (a sleeve) or in (an armhole) for a
    while. A dress's waist bends too gently; a notch in a ragged edge does not last."""
    h = y1 - y0 + 1
    k = max(3, round(0.015 * h))
    out = np.where(shape_edge >= 0, side * (shape_edge - cx), np.nan).astype(np.float64)
    y = y1 - max(2 * k, round(0.1 * h))
    while y > y0 + 3 * k:
        y -= 1
        below = (out[y] - out[y + 2 * k]) / (2 * k)
        near = (out[y - k] - out[y]) / k
        far = (out[y - 3 * k] - out[y]) / (3 * k)
        if not (min(abs(near), abs(far)) >= _TURN_SLOPE and near * far > 0
                and abs(near - below) >= _TURN_CHANGE):
            continue  # (NaN compares False: rows without an edge never turn)
        # Widening gradually above a flare that narrows upward (measured clear of the
        # corner's own wiggles): a dress's waist, not an armpit.
        high, low = min(y + 2 * k, y1), min(y + 8 * k, y1)
        if 0 < near < 1.5 and low > high and out[high] - out[low] < -0.1 * (low - high):
            y -= 3 * k
            continue
        corner = y  # the highest row still on the course from below
        while corner > y - k and abs(out[corner - 1] - out[y] - below * (y - corner + 1)) <= 1.5:
            corner -= 1
        sleeve = near > 0
        if corner - y0 < (_MIN_ABOVE_SLEEVE if sleeve else _MIN_ABOVE_ARMHOLE) * h:
            return None
        return Armpit(int(shape_edge[corner]), corner, sleeve)
    return None


def _leg_gap(mask: np.ndarray, cx: int, box: tuple[int, int, int, int]
             ) -> tuple[float, Point | None]:
    """Gap between legs: rows, from the hem up, with background near the axis that has
    garment on both sides. Returns its height (fraction) and its top (the crotch)."""
    x0, y0, x1, y1 = box
    h = y1 - y0 + 1
    half = max(2, int(0.12 * (x1 - x0)))
    cols = np.arange(max(x0, cx - half), min(x1, cx + half) + 1)
    rows = mask[y0: y1 + 1]
    first = np.argmax(rows, axis=1)
    last = rows.shape[1] - 1 - np.argmax(rows[:, ::-1], axis=1)
    between = ~rows[:, cols] & (cols > first[:, None]) & (cols < last[:, None])
    # Runs of rows with a gap; the legs' is the longest that reaches the hem region (ragged
    # hems can close a few rows at the very bottom).
    flips = np.flatnonzero(np.diff(np.concatenate([[0], between.any(axis=1).astype(int), [0]])))
    runs = [(int(a), int(b) - 1) for a, b in zip(flips[::2], flips[1::2], strict=True)
            if b - 1 >= h - 1 - 0.1 * h]
    if not runs:
        return 0.0, None
    top, bottom = max(runs, key=lambda r: r[1] - r[0])
    xs = cols[between[top]]
    x = xs[int(np.argmin(np.abs(xs - cx)))]
    return (bottom - top + 1) / h, (float(x), float(y0 + top))


def measure(mask: np.ndarray) -> Shape:
    """Bounding box, axis, side edges, armpits and leg gap of a non-empty garment mask."""
    m = mask.astype(bool)
    ys, xs = np.nonzero(m)
    y0, y1, x0, x1 = int(ys.min()), int(ys.max()), int(xs.min()), int(xs.max())
    cx = _axis(m, y0, y1)
    left_end = _run_end(m[:, cx::-1])
    right_end = _run_end(m[:, cx:])
    edge = (np.where(left_end >= 0, cx - left_end, -1), np.where(right_end >= 0, cx + right_end, -1))
    armpits = (_find_armpit(edge[0], -1, cx, y0, y1), _find_armpit(edge[1], 1, cx, y0, y1))
    contours, _ = cv2.findContours(m.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    contour = max(contours, key=cv2.contourArea).reshape(-1, 2)
    gap, crotch = _leg_gap(m, cx, (x0, y0, x1, y1))
    return Shape(m, contour, x0, y0, x1, y1, cx, edge, armpits, gap, crotch)


# --- landmarks --------------------------------------------------------------------------


def _neck_corner(shape: Shape, side: int) -> Point | None:
    """Highest point of the top edge on one side of the axis, the one nearest the axis."""
    m = shape.mask
    cols = np.arange(shape.cx + side, shape.x1 + 1 if side > 0 else shape.x0 - 1, side)
    if len(cols) == 0:
        return None
    sub = m[:, cols]
    has = sub.any(axis=0)
    if not has.any():
        return None
    top = np.where(has, np.argmax(sub, axis=0), m.shape[0])
    tol = max(1, round(0.01 * shape.height))
    i = int(np.argmax(top <= top.min() + tol))  # nearest the axis among the highest
    return float(cols[i]), float(top[i])


def _contour_index(contour: np.ndarray, point: Point) -> int:
    return int(np.argmin(np.sum((contour - np.asarray(point)) ** 2, axis=1)))


def _short_arc(contour: np.ndarray, i: int, j: int) -> np.ndarray:
    """Contour points from index i to j along the shorter way round."""
    n = len(contour)
    fwd = (j - i) % n
    idx = (i + np.arange(fwd + 1)) % n if fwd <= n - fwd else (i - np.arange(n - fwd + 1)) % n
    return contour[idx].astype(np.float64)


def _corner_above_chord(path: np.ndarray, side: int) -> int:
    """Index of the path point farthest outside the chord joining its ends, on the side
    facing up and away from the axis (a shoulder bulges out, an armhole caves in)."""
    a, b = path[0], path[-1]
    d = b - a
    norm = np.hypot(*d)
    if norm < 1e-6:
        return len(path) // 2
    n = np.array([d[1], -d[0]]) / norm
    if n @ np.array([side, -1.0]) < 0:
        n = -n
    return int(np.argmax((path - a) @ n))


def _vertices(path: np.ndarray, eps: float) -> list[int]:
    """Indices into `path` of its Douglas-Peucker polygon (corners of the outline)."""
    approx = cv2.approxPolyDP(path.astype(np.float32).reshape(-1, 1, 2), eps, False)
    out: list[int] = []
    for v in approx.reshape(-1, 2):
        hits = np.flatnonzero((path == v).all(axis=1))
        later = hits[hits >= (out[-1] if out else 0)]
        if len(later):
            out.append(int(later[0]))
    return out


def _shoulder_and_sleeve(shape: Shape, neck: Point, armpit: Armpit, side: int
                         ) -> tuple[Point, Point | None]:
    """Walk the outline from the neck corner over the shoulder to the armpit.

    Sleeveless: the shoulder is the corner farthest from the chord neck -> armpit (the
    strap's outer corner). With a sleeve: the cuff is the polygon edge reaching farthest
    out and down from the armpit, the shoulder the corner between the neck and the cuff.
    """
    c = shape.contour
    pit = np.array([armpit.x, armpit.y], np.float64)
    path = _short_arc(c, _contour_index(c, neck), _contour_index(c, (armpit.x, armpit.y)))
    if not armpit.sleeve or len(path) < 4:
        s = _corner_above_chord(path, side)
        return (float(path[s, 0]), float(path[s, 1])), None
    scale = float(np.hypot(*(path[0] - pit)))
    idx = _vertices(path, max(1.0, 0.03 * scale))
    best, cuff = -np.inf, None
    for i, j in pairwise(idx):
        a, b = path[i], path[j]
        if np.hypot(*(b - a)) < max(3.0, 0.12 * scale):  # noise, not a cuff
            continue
        mid = (a + b) / 2
        score = side * (mid[0] - pit[0]) + max(0.0, mid[1] - pit[1])
        if score > best:
            best, cuff = score, (i, mid)
    if cuff is None:
        s = _corner_above_chord(path, side)
        return (float(path[s, 0]), float(path[s, 1])), None
    start, mid = cuff
    s = _corner_above_chord(path[: start + 1], side) if start > 1 else start
    return (float(path[s, 0]), float(path[s, 1])), (float(mid[0]), float(mid[1]))


def _corner(shape: Shape, side: int, bottom: bool, band: float) -> Point | None:
    """Outer corner of the body edge in the top or bottom `band` of the height."""
    h = shape.height
    rows = np.arange(shape.y1 - int(band * h), shape.y1 + 1) if bottom else \
        np.arange(shape.y0, shape.y0 + int(band * h) + 1)
    edge = shape.edge[0 if side < 0 else 1][rows]
    ok = edge >= 0
    if not ok.any():
        return None
    score = side * (edge - shape.cx) + (rows - shape.y0) * (1 if bottom else -1)
    i = int(np.argmax(np.where(ok, score, -10**9)))
    return float(edge[i]), float(rows[i])


def _hem_centre(shape: Shape) -> Point | None:
    col = np.nonzero(shape.mask[:, shape.cx])[0]
    return (float(shape.cx), float(col.max())) if len(col) else None


def _put(out: np.ndarray, row: GL, point: Point | None) -> None:
    if point is not None:
        out[row] = (point[0], point[1], 1.0)


def top_landmarks(shape: Shape) -> np.ndarray:
    """Landmarks of tops, outerwear and dresses."""
    out = np.zeros((NUM_GARMENT_LANDMARKS, 3), np.float64)
    # image-right = wearer's left
    rows = {1: (GL.NECK_LEFT, GL.SHOULDER_LEFT, GL.SLEEVE_LEFT, GL.ARMPIT_LEFT, GL.HEM_LEFT),
            -1: (GL.NECK_RIGHT, GL.SHOULDER_RIGHT, GL.SLEEVE_RIGHT, GL.ARMPIT_RIGHT,
                 GL.HEM_RIGHT)}
    for side, (neck_r, shoulder_r, sleeve_r, armpit_r, hem_r) in rows.items():
        armpit = shape.armpits[0 if side < 0 else 1]
        neck = _neck_corner(shape, side)
        _put(out, neck_r, neck)
        _put(out, hem_r, _corner(shape, side, bottom=True, band=0.15))
        if armpit is None:
            continue
        _put(out, armpit_r, (float(armpit.x), float(armpit.y)))
        if neck is not None:
            shoulder, cuff = _shoulder_and_sleeve(shape, neck, armpit, side)
            _put(out, shoulder_r, shoulder)
            _put(out, sleeve_r, cuff)
    _put(out, GL.HEM_CENTER, _hem_centre(shape))
    return out


def bottom_landmarks(shape: Shape, silhouette: Silhouette) -> np.ndarray:
    """Landmarks of trousers (waist, crotch, leg hems) and skirts (waist, hem)."""
    out = np.zeros((NUM_GARMENT_LANDMARKS, 3), np.float64)
    _put(out, GL.WAIST_LEFT, _corner(shape, 1, bottom=False, band=0.15))
    _put(out, GL.WAIST_RIGHT, _corner(shape, -1, bottom=False, band=0.15))
    _put(out, GL.HEM_LEFT, _corner(shape, 1, bottom=True, band=0.15))
    _put(out, GL.HEM_RIGHT, _corner(shape, -1, bottom=True, band=0.15))
    if silhouette == Silhouette.TROUSERS:
        _put(out, GL.CROTCH, shape.crotch)
    else:
        _put(out, GL.HEM_CENTER, _hem_centre(shape))
    return out
