"""Synthetic e-commerce product photos with known truth, for the garment analyser's tests.

Each garment is a polygon in "unit" coordinates (x to the image's right, y down; the body
or waist is about 1 unit wide), built as its image-right half and mirrored. The image-right
half is the WEARER's left (front-facing flat lay), so its landmarks fill the *_LEFT rows.
The polygon is filled anti-aliased at a random scale and position on a white or light-grey
background with a gradient, vignette, soft drop shadow and sensor noise; the truth mask is
the fill's coverage >= 0.5. Everything is driven by one seed.

Truth landmarks are the polygon's own vertices: neck corners (top of the neckline),
shoulder (where the shoulder line meets the sleeve, or a strap's outer top corner), cuff
centre (midpoint of the two cuff corners), armpit (sleeve underside meets the side seam,
or the foot of the armhole), hem corners, hem centre, waist corners and the crotch (the
top of the gap between the legs). Prints: stripes and checks use a second colour that
stays visible against the background; logos and patches are white and lie inside.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np

from catwalk.vision.labels import NUM_GARMENT_LANDMARKS, Silhouette
from catwalk.vision.labels import GarmentLandmark as GL

KINDS = ("tshirt", "longsleeve", "sleeveless", "coat", "dress", "trousers", "skirt")
BACKGROUNDS = ("white", "grey")
SILHOUETTE_OF = {
    "tshirt": Silhouette.TOP,
    "longsleeve": Silhouette.TOP,
    "sleeveless": Silhouette.TOP,
    "coat": Silhouette.OUTERWEAR,
    "dress": Silhouette.DRESS,
    "trousers": Silhouette.TROUSERS,
    "skirt": Silhouette.SKIRT,
}

# Garment colours (RGB) that a product photo on each background can show: near-white
# garments only on grey, light-grey garments only on white (the same colour as the
# background would be invisible to anyone).
_COLOURS = {
    "white": [(20, 20, 22), (30, 40, 80), (180, 30, 40), (40, 90, 50), (215, 195, 165),
              (205, 205, 207), (70, 100, 140), (200, 160, 50), (230, 165, 180), (120, 70, 40)],
    "grey": [(250, 250, 250), (246, 242, 232), (20, 20, 22), (30, 40, 80), (180, 30, 40),
             (95, 100, 60), (190, 150, 100), (175, 198, 228), (60, 60, 65)],
}
PATTERNS = ("plain", "plain", "stripes", "checks", "logo", "patches")  # plain twice as likely


@dataclass(frozen=True)
class Drawing:
    image: np.ndarray  # [H, W, 3] uint8 RGB
    mask: np.ndarray  # [H, W] uint8 truth, 1 = garment
    landmarks: np.ndarray  # [14, 3] float32 truth (x, y, visible)
    silhouette: Silhouette
    kind: str
    background: str
    pattern: str


@dataclass
class _Outline:
    """A garment in unit coordinates: its polygon and named landmarks."""

    polygon: np.ndarray  # [N, 2]
    landmarks: dict[GL, tuple[float, float]] = field(default_factory=dict)
    lines: list[tuple[np.ndarray, float]] = field(default_factory=list)  # (polyline, width)
    buttons: list[tuple[float, float]] = field(default_factory=list)


def _mirror(half: list[tuple[float, float]]) -> np.ndarray:
    """Full polygon from its image-right half listed from top centre to bottom centre."""
    right = np.asarray(half, dtype=np.float64)
    left = right[::-1].copy()
    left[:, 0] *= -1
    left = left[np.abs(left[:, 0]) > 1e-9]  # the centre-line points are in `right` already
    return np.concatenate([right, left])


def _sided(landmarks: dict[GL, tuple[float, float]], left: GL, right: GL,
           point: tuple[float, float]) -> None:
    """Image-right point -> wearer's left row; its mirror -> wearer's right row."""
    landmarks[left] = (point[0], point[1])
    landmarks[right] = (-point[0], point[1])


def _arc(start: tuple[float, float], end: tuple[float, float], bend: tuple[float, float],
         n: int = 12) -> list[tuple[float, float]]:
    """Quadratic Bezier from start to end with control point `bend` (end excluded)."""
    t = np.linspace(0.0, 1.0, n, endpoint=False)[:, None]
    p0, p1, p2 = (np.asarray(p, dtype=np.float64) for p in (start, bend, end))
    pts = (1 - t) ** 2 * p0 + 2 * (1 - t) * t * p1 + t**2 * p2
    return [tuple(p) for p in pts]


def _neckline(rng: np.random.Generator, nw: float, nd: float, v_neck: bool
              ) -> list[tuple[float, float]]:
    """Neck opening from the centre front (0, nd) up to the corner (nw, 0), corner excluded."""
    if v_neck:
        return [(0.0, nd)]
    return _arc((0.0, nd), (nw, 0.0), (nw * rng.uniform(0.7, 0.95), nd))


def _sleeve(shoulder: tuple[float, float], angle_deg: float, length: float, cuff: float
            ) -> tuple[tuple[float, float], tuple[float, float]]:
    """Outer-top and inner-bottom cuff corners of a straight sleeve leaving the shoulder."""
    a = np.radians(angle_deg)
    c1 = (shoulder[0] + length * np.cos(a), shoulder[1] + length * np.sin(a))
    c2 = (c1[0] - cuff * np.sin(a), c1[1] + cuff * np.cos(a))
    return c1, c2


def _top_like(rng: np.random.Generator, sleeves: str, length: tuple[float, float],
              flare: tuple[float, float], v_neck: bool) -> _Outline:
    """T-shirts, long sleeves, sleeveless tops and coats share one body plan."""
    nw = rng.uniform(0.13, 0.2)
    nd = rng.uniform(0.2, 0.34) if v_neck else rng.uniform(0.06, 0.13)
    hem_y = rng.uniform(*length)
    hem_x = 0.5 + rng.uniform(*flare)
    lm: dict[GL, tuple[float, float]] = {}
    half = [*_neckline(rng, nw, nd, v_neck), (nw, 0.0)]
    if sleeves == "none":
        strap = rng.uniform(0.07, 0.13)
        shoulder = (nw + strap, rng.uniform(0.0, 0.02))
        armpit = (0.5, rng.uniform(0.27, 0.36))
        half += [shoulder, *_arc(shoulder, armpit, (shoulder[0] + 0.03, armpit[1] * 0.9))]
    else:
        shoulder = (0.5 + rng.uniform(0.0, 0.04), rng.uniform(0.05, 0.09))
        if sleeves == "short":
            c1, c2 = _sleeve(shoulder, rng.uniform(25, 45), rng.uniform(0.28, 0.4),
                             rng.uniform(0.18, 0.26))
            armpit = (0.5, rng.uniform(0.22, 0.3))
        else:
            c1, c2 = _sleeve(shoulder, rng.uniform(58, 72), rng.uniform(0.8, 1.0),
                             rng.uniform(0.13, 0.18))
            armpit = (0.5, rng.uniform(0.24, 0.3))
        half += [shoulder, c1, c2]
        _sided(lm, GL.SLEEVE_LEFT, GL.SLEEVE_RIGHT, ((c1[0] + c2[0]) / 2, (c1[1] + c2[1]) / 2))
    hem_c = hem_y + rng.uniform(-0.01, 0.03)
    half += [armpit, (hem_x, hem_y), *_arc((hem_x, hem_y), (0.0, hem_c), (hem_x / 2, hem_c)),
             (0.0, hem_c)]
    _sided(lm, GL.NECK_LEFT, GL.NECK_RIGHT, (nw, 0.0))
    _sided(lm, GL.SHOULDER_LEFT, GL.SHOULDER_RIGHT, shoulder)
    _sided(lm, GL.ARMPIT_LEFT, GL.ARMPIT_RIGHT, armpit)
    _sided(lm, GL.HEM_LEFT, GL.HEM_RIGHT, (hem_x, hem_y))
    lm[GL.HEM_CENTER] = (0.0, hem_c)
    return _Outline(_mirror(half), lm)


def _tshirt(rng: np.random.Generator) -> _Outline:
    return _top_like(rng, "short", (1.1, 1.35), (-0.02, 0.03), v_neck=rng.random() < 0.3)


def _longsleeve(rng: np.random.Generator) -> _Outline:
    return _top_like(rng, "long", (1.15, 1.35), (-0.02, 0.03), v_neck=rng.random() < 0.3)


def _sleeveless(rng: np.random.Generator) -> _Outline:
    return _top_like(rng, "none", (1.0, 1.3), (-0.01, 0.04), v_neck=rng.random() < 0.3)


def _coat(rng: np.random.Generator) -> _Outline:
    out = _top_like(rng, "long", (1.55, 2.0), (0.0, 0.08), v_neck=True)
    neck_y = float(out.polygon[0, 1])
    hem_y = out.landmarks[GL.HEM_CENTER][1]
    out.lines.append((np.array([[0.0, neck_y], [0.0, hem_y]]), 0.014))
    n = int(rng.integers(3, 6))
    for y in np.linspace(neck_y + 0.1, neck_y + 0.1 + 0.16 * (n - 1), n):
        out.buttons.append((0.05, float(y)))
    if rng.random() < 0.6:  # pocket flaps
        py = hem_y * rng.uniform(0.6, 0.7)
        for s in (-1, 1):
            out.lines.append((np.array([[s * 0.18, py], [s * 0.4, py]]), 0.01))
    return out


def _dress(rng: np.random.Generator) -> _Outline:
    nw = rng.uniform(0.12, 0.18)
    nd = rng.uniform(0.06, 0.16)
    lm: dict[GL, tuple[float, float]] = {}
    half = [*_neckline(rng, nw, nd, v_neck=rng.random() < 0.3), (nw, 0.0)]
    if rng.random() < 0.5:
        shoulder = (0.48, rng.uniform(0.04, 0.08))
        c1, c2 = _sleeve(shoulder, rng.uniform(30, 50), rng.uniform(0.2, 0.28),
                         rng.uniform(0.16, 0.2))
        armpit = (0.5, rng.uniform(0.2, 0.28))
        half += [shoulder, c1, c2]
        _sided(lm, GL.SLEEVE_LEFT, GL.SLEEVE_RIGHT, ((c1[0] + c2[0]) / 2, (c1[1] + c2[1]) / 2))
    else:
        shoulder = (nw + rng.uniform(0.07, 0.12), rng.uniform(0.0, 0.02))
        armpit = (0.5, rng.uniform(0.27, 0.36))
        half += [shoulder, *_arc(shoulder, armpit, (shoulder[0] + 0.03, armpit[1] * 0.9))]
    waist = (0.5 * rng.uniform(0.7, 0.85), rng.uniform(0.62, 0.85))
    hem_y = rng.uniform(2.0, 2.7)
    hem = (0.5 * rng.uniform(1.35, 1.9), hem_y)
    hem_c = hem_y + rng.uniform(0.0, 0.05)
    half += [armpit, *_arc(armpit, waist, (armpit[0], (armpit[1] + waist[1]) / 2))]
    half += [waist, hem, *_arc(hem, (0.0, hem_c), (hem[0] / 2, hem_c)), (0.0, hem_c)]
    _sided(lm, GL.NECK_LEFT, GL.NECK_RIGHT, (nw, 0.0))
    _sided(lm, GL.SHOULDER_LEFT, GL.SHOULDER_RIGHT, shoulder)
    _sided(lm, GL.ARMPIT_LEFT, GL.ARMPIT_RIGHT, armpit)
    _sided(lm, GL.HEM_LEFT, GL.HEM_RIGHT, hem)
    lm[GL.HEM_CENTER] = (0.0, hem_c)
    return _Outline(_mirror(half), lm)


def _trousers(rng: np.random.Generator) -> _Outline:
    hip = (0.5 + rng.uniform(0.0, 0.06), rng.uniform(0.25, 0.4))
    length = rng.uniform(2.6, 3.2)
    outer = (hip[0] - rng.uniform(-0.02, 0.12), length)
    inner = (outer[0] - rng.uniform(0.3, min(0.45, outer[0] - 0.08)), length)
    crotch = (0.0, rng.uniform(0.6, 0.85))
    # The crotch seam curves: the legs part quickly below it, then run straight.
    thigh = (rng.uniform(0.04, 0.08), crotch[1] + rng.uniform(0.08, 0.14))
    half = [(0.0, 0.0), (0.5, 0.0), hip, outer, inner, thigh]
    half += [*_arc(thigh, crotch, (thigh[0] * 0.3, thigh[1] - 0.02))[1:], crotch]
    lm: dict[GL, tuple[float, float]] = {GL.CROTCH: crotch}
    _sided(lm, GL.WAIST_LEFT, GL.WAIST_RIGHT, (0.5, 0.0))
    _sided(lm, GL.HEM_LEFT, GL.HEM_RIGHT, outer)
    poly = _mirror(half)
    band = rng.uniform(0.06, 0.1)
    lines = [(np.array([[-0.5, band], [0.5, band]]), 0.012),
             (np.array([[0.06, band], [0.06, crotch[1] * 0.8], [0.0, crotch[1] * 0.9]]), 0.01)]
    return _Outline(poly, lm, lines)


def _skirt(rng: np.random.Generator) -> _Outline:
    waist_x = 0.5 * rng.uniform(0.55, 0.8)
    length = rng.uniform(0.6, 1.1)
    hem = (0.5, length)
    hem_c = length + rng.uniform(0.0, 0.04)
    bulge = rng.uniform(0.0, 0.03)
    side_mid = ((waist_x + 0.5) / 2 + bulge, length / 2)
    half = [(0.0, 0.0), (waist_x, 0.0), *_arc((waist_x, 0.0), hem, side_mid), hem,
            *_arc(hem, (0.0, hem_c), (0.25, hem_c)), (0.0, hem_c)]
    lm: dict[GL, tuple[float, float]] = {GL.HEM_CENTER: (0.0, hem_c)}
    _sided(lm, GL.WAIST_LEFT, GL.WAIST_RIGHT, (waist_x, 0.0))
    _sided(lm, GL.HEM_LEFT, GL.HEM_RIGHT, hem)
    band = rng.uniform(0.06, 0.1)
    return _Outline(_mirror(half), lm, [(np.array([[-waist_x, band], [waist_x, band]]), 0.01)])


_OUTLINES: dict[str, Callable[[np.random.Generator], _Outline]] = {
    "tshirt": _tshirt, "longsleeve": _longsleeve, "sleeveless": _sleeveless, "coat": _coat,
    "dress": _dress, "trousers": _trousers, "skirt": _skirt,
}


def _background(rng: np.random.Generator, kind: str, h: int, w: int) -> np.ndarray:
    """Studio sweep: a base level, a slight tint, a linear gradient and a vignette."""
    level = rng.uniform(248, 254) if kind == "white" else rng.uniform(222, 236)
    tint = rng.uniform(-1.5, 1.5, size=3)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    u, v = xx / w - 0.5, yy / h - 0.5
    theta = rng.uniform(0, 2 * np.pi)
    grad = rng.uniform(2, 6) * (u * np.cos(theta) + v * np.sin(theta))
    vignette = rng.uniform(0, 5) * (u**2 + v**2) * 2
    base = level + grad - vignette
    return np.clip(base[..., None] + tint, 0, 255).astype(np.float32)


def _smooth_field(rng: np.random.Generator, h: int, w: int, amp: float) -> np.ndarray:
    """Low-frequency multiplicative shading, 1 +- amp (fabric folds, uneven light)."""
    coarse = rng.uniform(-1, 1, size=(6, 6)).astype(np.float32)
    return 1.0 + amp * cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC)


def _contrasting(rng: np.random.Generator, bg: str, base: tuple[int, int, int]
                 ) -> tuple[int, int, int]:
    """A second pattern colour that stays visible against the background."""
    options = [c for c in _COLOURS[bg] if c != base and (bg == "grey" or min(c) < 190)]
    return options[int(rng.integers(len(options)))]


def _to_px(points: np.ndarray, origin: np.ndarray, scale: float) -> np.ndarray:
    return origin + scale * np.asarray(points, dtype=np.float64)


def _fill(canvas: np.ndarray, polygon_px: np.ndarray, value: int) -> None:
    cv2.fillPoly(canvas, [np.round(polygon_px * 16).astype(np.int32)], value,
                 lineType=cv2.LINE_AA, shift=4)


def _paint(rng: np.random.Generator, out: _Outline, bg: str, pattern: str, origin: np.ndarray,
           scale: float, inside: np.ndarray, h: int, w: int,
           colour: tuple[int, int, int] | None) -> np.ndarray:
    """Garment colour image [H, W, 3] float: base colour, pattern, trims and shading."""
    colours = _COLOURS[bg]
    base = colour if colour is not None else colours[int(rng.integers(len(colours)))]
    paint: np.ndarray = np.empty((h, w, 3), np.float32)
    paint[:] = base
    yy, xx = np.mgrid[0:h, 0:w]
    if pattern in ("stripes", "checks"):
        other = np.asarray(_contrasting(rng, bg, base), np.float32)
        period = scale * rng.uniform(0.05, 0.12)
        band = ((yy - origin[1]) // (period / 2)) % 2 == 1
        if pattern == "checks":
            band = band ^ (((xx - origin[0]) // (period / 2)) % 2 == 1)
        paint[band] = other
    elif pattern in ("logo", "patches"):
        # Light shapes strictly inside the garment: hole filling must keep them.
        core = cv2.erode(inside.astype(np.uint8), np.ones((3, 3), np.uint8),
                         iterations=max(3, int(scale * 0.08)))
        ys, xs = np.nonzero(core)
        if len(ys):
            for _ in range(1 if pattern == "logo" else int(rng.integers(1, 4))):
                i = int(rng.integers(len(ys)))
                centre = (int(xs[i]), int(ys[i]))
                r = max(3, int(scale * rng.uniform(0.04, 0.1)))
                white = (255, 255, 255)
                if pattern == "logo":
                    cv2.rectangle(paint, (centre[0] - r, centre[1] - r // 2),
                                  (centre[0] + r, centre[1] + r // 2), white, -1, cv2.LINE_AA)
                    cv2.putText(paint, "CW", (centre[0] - int(r * 0.8), centre[1] + r // 3),
                                cv2.FONT_HERSHEY_SIMPLEX, r / 30, (20, 20, 20),
                                max(1, r // 12), cv2.LINE_AA)
                else:
                    cv2.ellipse(paint, centre, (r, max(2, r // 2)), float(rng.uniform(0, 180)),
                                0, 360, white, -1, cv2.LINE_AA)
            paint = np.where(core[..., None] > 0, paint, np.asarray(base, np.float32))
    trim = np.asarray(base, np.float32) * 0.55
    for line, width in out.lines:
        pts = np.round(_to_px(line, origin, scale) * 16).astype(np.int32)
        cv2.polylines(paint, [pts], False, trim.tolist(), max(1, int(scale * width)),
                      cv2.LINE_AA, shift=4)
    for b in out.buttons:
        bx, by = np.round(_to_px(np.array(b), origin, scale)).astype(int)
        cv2.circle(paint, (int(bx), int(by)), max(2, int(scale * 0.025)),
                   trim.tolist(), -1, cv2.LINE_AA)
    # Studio light is even: fold shading stays faint on light colours (a 6 % shade on a
    # cream check would turn it into the background's grey).
    light = min(base) > 190 or pattern in ("stripes", "checks")
    return paint * _smooth_field(rng, h, w, 0.015 if light else 0.06)[..., None]


def draw_garment(kind: str, background: str, seed: int, size: int | None = None,
                 pattern: str | None = None, colour: tuple[int, int, int] | None = None
                 ) -> Drawing:
    """One product photo of `kind` on `background`. `size` fixes the long side, `pattern`
    (one of PATTERNS) and `colour` (RGB) the fabric; each is random when left out."""
    rng = np.random.default_rng([seed, KINDS.index(kind), BACKGROUNDS.index(background)])
    out = _OUTLINES[kind](rng)
    long_side = size if size is not None else int(rng.integers(560, 900))
    aspect = rng.uniform(0.75, 1.33)
    h, w = (long_side, int(long_side * aspect)) if aspect < 1 else (int(long_side / aspect),
                                                                      long_side)
    lo, hi = out.polygon.min(0), out.polygon.max(0)
    fill = rng.uniform(0.55, 0.82)
    scale = fill * min(w / (hi[0] - lo[0]), h / (hi[1] - lo[1]))
    room = np.array([w, h]) - scale * (hi - lo)
    origin = room * rng.uniform(0.2, 0.8, size=2) - scale * lo

    cover = np.zeros((h, w), np.uint8)
    _fill(cover, _to_px(out.polygon, origin, scale), 255)
    alpha = cover.astype(np.float32) / 255.0
    inside = alpha >= 0.5

    bg = _background(rng, background, h, w)
    blur = scale * rng.uniform(0.015, 0.03)
    shift = scale * rng.uniform(0.005, 0.02, size=2)
    shadow = cv2.GaussianBlur(alpha, (0, 0), blur)
    move = np.array([[1, 0, shift[0]], [0, 1, shift[1]]], np.float32)
    shadow = cv2.warpAffine(shadow, move, (w, h))
    bg *= (1.0 - rng.uniform(0.03, 0.07) * shadow)[..., None]

    if pattern is None:
        pattern = "plain" if kind == "coat" and rng.random() < 0.5 else \
            PATTERNS[int(rng.integers(len(PATTERNS)))]
    paint = _paint(rng, out, background, pattern, origin, scale, inside, h, w, colour)
    img = bg * (1 - alpha[..., None]) + paint * alpha[..., None]
    img += rng.normal(0, rng.uniform(0.8, 2.0), size=img.shape).astype(np.float32)
    image = np.clip(np.round(img), 0, 255).astype(np.uint8)

    landmarks = np.zeros((NUM_GARMENT_LANDMARKS, 3), np.float32)
    for row, point in out.landmarks.items():
        landmarks[row, :2] = _to_px(np.array(point), origin, scale)
        landmarks[row, 2] = 1.0
    return Drawing(image, inside.astype(np.uint8), landmarks, SILHOUETTE_OF[kind], kind,
                   background, pattern)
