"""Studio product photos: a flat-laid garment on a white or light-grey sweep, with its truth
(mask, landmarks, silhouette) and its listing (zh/en titles, descriptions, attributes).

    spec = random_spec(seed=3, kind=GarmentKind.TRENCH, closure="double_breasted")
    photo = draw_product(spec, seed=3, size=800)

Each garment is a polygon in "unit" coordinates (x to the image's right, y down; the body
or waist is about 1 unit wide), built as its image-right half and mirrored. The image-right
half is the WEARER's left (front-facing flat lay), so its landmarks fill the *_LEFT rows.
Details (collar, placket, hood opening, drawstrings, pockets, belt, zip, buttons, ribbing)
are painted inside the polygon, so they never change the outline. The polygon is filled
anti-aliased at a random scale and position on the sweep (tint, gradient, vignette, soft
drop shadow, sensor noise); the truth mask is the fill's coverage >= 0.5.

Truth landmarks are the polygon's own vertices: neck corners (top of the neckline at the
side; for a hoodie, where the hood meets the shoulder line), shoulder (where the shoulder
line meets the sleeve, or a strap's outer top corner), cuff centre (midpoint of the cuff
corners), armpit (sleeve underside meets the side seam, or the foot of the armhole), hem
corners, hem centre, waist corners and the crotch (top of the gap between the legs).

Stripes and checks reach the outline, so their accent colour shows on both backgrounds
(`GarmentSpec` checks that); prints in a colour the background could swallow, and logos,
stay a few pixels inside the outline. numpy and OpenCV only; importing does nothing heavy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from catwalk.studio.listing import (
    BACKGROUNDS,
    PALETTE,
    Closure,
    Colour,
    GarmentKind,
    GarmentSpec,
    Gender,
    Length,
    Listing,
    Material,
    Neckline,
    Pattern,
    Season,
    Sleeve,
    Style,
    colour_named,
    pocket_count,
    pocket_style,
    random_spec,
    silhouette_of,
    visible_on,
    write_listing,
)
from catwalk.vision.labels import NUM_GARMENT_LANDMARKS, Silhouette
from catwalk.vision.labels import GarmentLandmark as GL

__all__ = [
    "BACKGROUNDS", "PALETTE", "Closure", "Colour", "GarmentKind", "GarmentSpec", "Gender", "Length", "Listing",
    "Material", "Neckline", "Pattern", "ProductPhoto", "Season", "Sleeve", "Style", "colour_named",
    "draw_product", "random_spec", "silhouette_of", "visible_on", "write_listing",
]

Point = tuple[float, float]
_K = GarmentKind


@dataclass(frozen=True)
class ProductPhoto:
    image: np.ndarray  # [H, W, 3] uint8 RGB
    mask: np.ndarray  # [H, W] uint8 truth, 1 = garment
    landmarks: np.ndarray  # [14, 3] float32 truth (x, y, visible), rows = GarmentLandmark
    silhouette: Silhouette
    spec: GarmentSpec
    title_zh: str
    title_en: str
    description_zh: str
    description_en: str
    attributes: dict[str, str | bool]


@dataclass(frozen=True)
class _Mark:
    """A painted detail in unit coordinates."""

    op: str  # "line" (open polyline), "loop" (closed polyline), "fill" (polygon), "dot"
    points: np.ndarray  # [N, 2]
    size: float  # line width or dot radius
    tone: str  # key of _tones()


@dataclass
class _Outline:
    polygon: np.ndarray  # [N, 2]
    landmarks: dict[GL, Point] = field(default_factory=dict)
    marks: list[_Mark] = field(default_factory=list)
    chest: tuple[float, float, float] = (0.0, 0.45, 0.0)  # logo centre x, y and width; 0 = none

    def add(self, op: str, points: list[Point], size: float, tone: str, mirror: bool = False) -> None:
        pts = np.asarray(points, np.float64).reshape(-1, 2)
        self.marks.append(_Mark(op, pts, size, tone))
        if mirror:
            self.marks.append(_Mark(op, pts * (-1.0, 1.0), size, tone))


def _mirror(half: list[Point]) -> np.ndarray:
    """Full polygon from its image-right half listed from top centre to bottom centre."""
    right = np.asarray(half, dtype=np.float64)
    left = right[::-1].copy()
    left[:, 0] *= -1
    left = left[np.abs(left[:, 0]) > 1e-9]  # the centre-line points are in `right` already
    return np.concatenate([right, left])


def _sided(lm: dict[GL, Point], left: GL, right: GL, point: Point) -> None:
    """Image-right point -> wearer's left row; its mirror -> wearer's right row."""
    lm[left] = (point[0], point[1])
    lm[right] = (-point[0], point[1])


def _arc(start: Point, end: Point, bend: Point, n: int = 12) -> list[Point]:
    """Quadratic Bezier from start to end with control point `bend` (end excluded)."""
    t = np.linspace(0.0, 1.0, n, endpoint=False)[:, None]
    p0, p1, p2 = (np.asarray(p, dtype=np.float64) for p in (start, bend, end))
    pts = (1 - t) ** 2 * p0 + 2 * (1 - t) * t * p1 + t**2 * p2
    return [(float(x), float(y)) for x, y in pts]


def _rect(x0: float, y0: float, x1: float, y1: float) -> list[Point]:
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def _u(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(rng.uniform(lo, hi))


# --- tops, coats and trenches ---------------------------------------------------------

_TOP_HEM = {Length.CROPPED: (0.8, 0.92), Length.REGULAR: (1.12, 1.35), Length.HIP: (1.5, 1.75),
            Length.KNEE: (1.95, 2.2), Length.MIDI: (2.35, 2.6)}
# angle (deg below horizontal), length, cuff width, armpit height
_SLEEVES = {Sleeve.SHORT: ((25, 45), (0.28, 0.4), (0.18, 0.26), (0.22, 0.3)),
            Sleeve.THREE_QUARTER: ((45, 60), (0.55, 0.7), (0.15, 0.2), (0.24, 0.3)),
            Sleeve.LONG: ((58, 72), (0.8, 1.0), (0.13, 0.18), (0.24, 0.3))}


@dataclass(frozen=True)
class _Body:
    """Where a top's parts ended up (image-right half)."""

    nw: float  # neck corner x
    neck_y: float  # neck corner y
    nd: float  # centre of the neckline (y)
    armpit: Point
    hem: Point
    hem_c: float
    cuff: tuple[Point, Point] | None

    def side(self, y: float) -> float:
        """Body half-width at height y below the armpit."""
        (ax, ay), (hx, hy) = self.armpit, self.hem
        return ax + (hx - ax) * (y - ay) / (hy - ay)


def _top(rng: np.random.Generator, spec: GarmentSpec) -> _Outline:
    """T-shirts, shirts, hoodies, sweaters, tanks, coats and trenches share one body plan."""
    outer = spec.kind in (_K.COAT, _K.TRENCH)
    hem_y = _u(rng, *_TOP_HEM[spec.length]) + (0.05 if spec.kind == _K.SHIRT else 0.0)
    hem_x = 0.5 + (_u(rng, 0.0, 0.08) if outer else _u(rng, -0.02, 0.03))
    neck = spec.neckline
    nw = _u(rng, 0.17, 0.21) if neck == Neckline.HOOD else _u(rng, 0.13, 0.2)
    lm: dict[GL, Point] = {}
    if neck == Neckline.HOOD:  # the hood lies flat above the shoulders
        hh, hw = _u(rng, 0.26, 0.34), nw + _u(rng, 0.01, 0.04)
        corner, nd = (nw, 0.0), 0.1
        half = [*_arc((0.0, -hh), (hw, -0.45 * hh), (0.85 * hw, -hh)), *_arc((hw, -0.45 * hh), corner, (hw, -0.05))]
    elif neck == Neckline.COLLAR:  # the back of the collar rises above the shoulder line
        top, nd = -_u(rng, 0.02, 0.04), _u(rng, 0.04, 0.07)
        corner = (nw, top)
        nd += top
        half = _arc((0.0, nd), corner, (0.8 * nw, nd))
    else:
        v = neck in (Neckline.V_NECK, Neckline.LAPEL)
        nd = _u(rng, 0.26, 0.38) if neck == Neckline.LAPEL else _u(rng, 0.2, 0.34) if v else _u(rng, 0.06, 0.13)
        corner = (nw, 0.0)
        half = [(0.0, nd)] if v else _arc((0.0, nd), corner, (nw * _u(rng, 0.7, 0.95), nd))
    half.append(corner)
    cuff = None
    if spec.sleeve == Sleeve.SLEEVELESS:
        shoulder = (nw + _u(rng, 0.07, 0.13), _u(rng, 0.0, 0.02))
        armpit = (0.5, _u(rng, 0.27, 0.36))
        half += [shoulder, *_arc(shoulder, armpit, (shoulder[0] + 0.03, armpit[1] * 0.9))]
    else:
        assert spec.sleeve is not None
        angle, length, width, pit = _SLEEVES[spec.sleeve]
        if outer:
            length, width, pit = (0.85, 1.05), (0.15, 0.2), (0.26, 0.32)
        if spec.length == Length.CROPPED and spec.sleeve != Sleeve.SHORT:
            angle = (28, 40)  # splayed, so the cuffs stay above a short hem
        shoulder = (0.5 + (_u(rng, 0.02, 0.06) if outer else _u(rng, 0.0, 0.04)), _u(rng, 0.05, 0.09))
        cuff = _sleeve(shoulder, _u(rng, *angle), _u(rng, *length), _u(rng, *width))
        armpit = (0.5, _u(rng, *pit))
        half += [shoulder, *cuff]
        c1, c2 = cuff
        _sided(lm, GL.SLEEVE_LEFT, GL.SLEEVE_RIGHT, ((c1[0] + c2[0]) / 2, (c1[1] + c2[1]) / 2))
    hem_c = hem_y + (_u(rng, 0.04, 0.08) if spec.kind == _K.SHIRT else _u(rng, -0.01, 0.03))
    half += [armpit, (hem_x, hem_y), *_arc((hem_x, hem_y), (0.0, hem_c), (hem_x / 2, hem_c)), (0.0, hem_c)]
    _sided(lm, GL.NECK_LEFT, GL.NECK_RIGHT, corner)
    _sided(lm, GL.SHOULDER_LEFT, GL.SHOULDER_RIGHT, shoulder)
    _sided(lm, GL.ARMPIT_LEFT, GL.ARMPIT_RIGHT, armpit)
    _sided(lm, GL.HEM_LEFT, GL.HEM_RIGHT, (hem_x, hem_y))
    lm[GL.HEM_CENTER] = (0.0, hem_c)
    out = _Outline(_mirror(half), lm)
    body = _Body(nw, corner[1], nd, armpit, (hem_x, hem_y), hem_c, cuff)
    if neck == Neckline.HOOD:
        _hood(out, body, hh)
    _top_details(rng, spec, out, body)
    return out


def _sleeve(shoulder: Point, angle_deg: float, length: float, cuff: float) -> tuple[Point, Point]:
    """Outer-top and inner-bottom cuff corners of a straight sleeve leaving the shoulder."""
    a = np.radians(angle_deg)
    c1 = (shoulder[0] + length * float(np.cos(a)), shoulder[1] + length * float(np.sin(a)))
    return c1, (c1[0] - cuff * float(np.sin(a)), c1[1] + cuff * float(np.cos(a)))


def _hood(out: _Outline, b: _Body, hh: float) -> None:
    """The hood's opening (its lining shows), centre seam and drawstrings."""
    w = b.nw - 0.04
    opening = [*_arc((0.0, 0.1), (w, -0.03), (w, 0.1)), *_arc((w, -0.03), (0.0, -0.55 * hh), (w, -0.55 * hh))]
    out.add("fill", opening, 0, "inner", mirror=True)
    out.add("line", [*opening, (0.0, -0.55 * hh)], 0.01, "trim", mirror=True)
    out.add("line", [(0.0, -hh + 0.01), (0.0, -0.55 * hh)], 0.008, "trim")
    end = min(0.45, b.hem[1] - 0.25)
    out.add("line", [(0.05, 0.09), (0.065, end)], 0.014, "cord", mirror=True)
    out.add("dot", [(0.065, end)], 0.018, "metal", mirror=True)


def _ribs(out: _Outline, b: _Body, depth: float) -> None:
    """A band line above the hem and inside each cuff."""
    y = b.hem[1] - depth
    out.add("line", [(-b.side(y) + 0.01, y), (b.side(y) - 0.01, y)], 0.01, "trim")
    if b.cuff is not None:
        (x1, y1), (x2, y2) = b.cuff
        ux, uy = (y2 - y1), -(x2 - x1)  # along the sleeve, towards the shoulder
        n = float(np.hypot(ux, uy))
        d = min(depth, 0.3 * n + 0.02)
        out.add("line", [(x1 - d * ux / n, y1 - d * uy / n), (x2 - d * ux / n, y2 - d * uy / n)], 0.01, "trim",
                mirror=True)


def _top_details(rng: np.random.Generator, spec: GarmentSpec, out: _Outline, b: _Body) -> None:
    kind, nw, nd = spec.kind, b.nw, b.nd
    ay, hem_y = b.armpit[1], b.hem[1]
    if spec.neckline in (Neckline.CREW, Neckline.V_NECK):  # neck rib
        out.add("line", [(0.0, nd + 0.035), (nw + 0.025, 0.015)] if spec.neckline == Neckline.V_NECK else
                _arc((0.0, nd + 0.035), (nw + 0.03, 0.02), (nw * 0.85, nd + 0.035)), 0.01, "trim", mirror=True)
    if spec.neckline == Neckline.COLLAR:  # collar wings and the placket
        wing = [(nw, b.neck_y), (nw + 0.06, 0.06), (0.13, 0.21), (0.015, nd + 0.05)]
        out.add("fill", wing, 0, "shade", mirror=True)
        out.add("loop", wing, 0.008, "trim", mirror=True)
    if spec.neckline == Neckline.LAPEL:
        lapel = [(nw, 0.0), (nw + 0.07, 0.22 * nd), (nw + 0.04, 0.3 * nd), (nw + 0.13, 0.45 * nd), (0.02, nd)]
        out.add("fill", lapel, 0, "shade", mirror=True)
        out.add("loop", lapel, 0.008, "trim", mirror=True)
    if kind in (_K.HOODIE, _K.SWEATER):
        _ribs(out, b, 0.08)
    elif kind in (_K.TSHIRT, _K.SHIRT, _K.SLEEVELESS):
        _ribs(out, b, 0.035)
    _closure(rng, spec, out, b)
    style, count = pocket_style(spec), pocket_count(spec)
    py = min(hem_y - 0.3, 1.05)  # hip pockets
    if style == "patch" and count == 1:  # chest pocket on the wearer's left
        out.add("fill", _rect(0.15, ay + 0.06, 0.33, ay + 0.27), 0, "shade")
        out.add("loop", _rect(0.15, ay + 0.06, 0.33, ay + 0.27), 0.008, "trim")
    elif style == "patch":
        top = max(ay + 0.1, hem_y - 0.45)
        out.add("fill", _rect(0.12, top, 0.36, hem_y - 0.13), 0, "shade", mirror=True)
        out.add("loop", _rect(0.12, top, 0.36, hem_y - 0.13), 0.008, "trim", mirror=True)
    elif style == "kangaroo":
        top = hem_y - 0.12 - 0.35 * (hem_y - ay)
        pouch = [(0.0, top), (0.22, top), (0.31, hem_y - 0.12), (0.0, hem_y - 0.12)]
        out.add("fill", pouch, 0, "shade", mirror=True)
        out.add("line", pouch, 0.01, "trim", mirror=True)
        out.add("line", _arc((0.22, top), (0.31, hem_y - 0.2), (0.3, top + 0.02)), 0.01, "trim", mirror=True)
        out.chest = (0.0, (ay + top) / 2, 0.4)
    elif style == "welt" and kind == _K.HOODIE:
        out.add("line", [(0.22, hem_y - 0.42), (0.3, hem_y - 0.16)], 0.016, "trim", mirror=True)
    elif style == "welt":
        y = py + (0.1 if kind == _K.TRENCH else 0.0)
        slant = 0.06 if kind == _K.TRENCH else 0.0
        flap = [(0.16, y + slant), (0.39, y), (0.39, y + 0.08), (0.16, y + 0.08 + slant)]
        out.add("fill", flap, 0, "shade", mirror=True)
        out.add("loop", flap, 0.008, "trim", mirror=True)
    if kind == _K.TRENCH:
        _trench(rng, out, b)
    if spec.pattern == Pattern.LOGO and out.chest[2] == 0:
        side = spec.closure != Closure.NONE or rng.random() < 0.4  # a small emblem beside an opening
        out.chest = (0.25, ay + 0.1, 0.14) if side else (0.0, ay + 0.16, 0.4)


def _closure(rng: np.random.Generator, spec: GarmentSpec, out: _Outline, b: _Body) -> None:
    nd, bottom = b.nd, b.hem_c - 0.01
    if spec.closure == Closure.ZIP:
        _zip(out, 0.0, nd, bottom)
    elif spec.closure == Closure.DOUBLE_BREASTED:
        out.add("line", [(0.0, nd), (-0.16, nd + 0.1), (-0.16, bottom)], 0.012, "trim")
        rows = 3 if b.hem[1] > 1.6 else 2
        for i in range(rows):
            out.add("dot", [(0.1, nd + 0.08 + 0.17 * i)], 0.028, "button", mirror=True)
    elif spec.closure == Closure.BUTTONS:
        if spec.kind == _K.SHIRT:
            out.add("line", [(0.035, nd + 0.05), (0.035, bottom)], 0.007, "trim", mirror=True)
        else:
            out.add("line", [(0.0, nd), (0.0, bottom)], 0.012, "trim")
        n = int(rng.integers(5, 8)) if spec.kind == _K.SHIRT else int(rng.integers(3, 6))
        last = bottom - 0.12 if spec.kind in (_K.SHIRT, _K.SWEATER) else min(bottom - 0.2, nd + 0.1 + 0.17 * (n - 1))
        for y in np.linspace(nd + 0.08, last, n):
            out.add("dot", [(0.0 if spec.kind == _K.SHIRT else 0.045, float(y))], 0.022, "button")


def _zip(out: _Outline, x: float, y0: float, y1: float) -> None:
    """A visible zip: tape, metal chain and a pull tab."""
    out.add("line", [(x, y0), (x, y1)], 0.022, "trim")
    out.add("line", [(x, y0), (x, y1)], 0.008, "metal")
    out.add("fill", _rect(x - 0.014, y0 + 0.02, x + 0.014, y0 + 0.08), 0, "metal")


def _trench(rng: np.random.Generator, out: _Outline, b: _Body) -> None:
    """Belt with buckle and tail, storm flap, epaulettes and cuff straps."""
    y = min(b.armpit[1] + _u(rng, 0.55, 0.65), b.hem[1] - 0.3)
    belt = [(-b.side(y - 0.04) + 0.004, y - 0.04), (b.side(y - 0.04) - 0.004, y - 0.04),
            (b.side(y + 0.04) - 0.004, y + 0.04), (-b.side(y + 0.04) + 0.004, y + 0.04)]
    out.add("fill", belt, 0, "shade")
    out.add("line", belt[:2], 0.008, "trim")
    out.add("line", belt[2:], 0.008, "trim")
    out.add("loop", _rect(0.1, y - 0.06, 0.2, y + 0.06), 0.014, "metal")
    tail = [(0.21, y), (0.26, y), (0.29, y + 0.3), (0.24, y + 0.3)]
    out.add("fill", tail, 0, "shade")
    out.add("loop", tail, 0.008, "trim")
    out.add("loop", [(-b.nw - 0.03, 0.02), (-0.49, 0.12), (-0.47, 0.4), (-0.2, 0.42)], 0.008, "trim")
    out.add("line", [(b.nw + 0.04, 0.03), (0.48, 0.07)], 0.045, "shade", mirror=True)
    out.add("dot", [(b.nw + 0.07, 0.035)], 0.016, "button", mirror=True)
    if b.cuff is not None:
        (x1, y1), (x2, y2) = b.cuff
        out.add("line", [(x1 - 0.04, y1 - 0.13), (x2 - 0.04, y2 - 0.13)], 0.03, "shade", mirror=True)


# --- dresses, skirts, trousers --------------------------------------------------------

_DRESS_HEM = {Length.MINI: (1.55, 1.8, 1.2, 1.6), Length.KNEE: (2.0, 2.3, 1.35, 1.9),
              Length.MIDI: (2.4, 2.7, 1.45, 2.0), Length.MAXI: (2.9, 3.3, 1.5, 2.1)}
_SKIRT_HEM = {Length.MINI: (0.55, 0.75, 1.0, 1.0), Length.KNEE: (0.9, 1.15, 1.0, 1.0),
              Length.MIDI: (1.3, 1.6, 1.05, 1.3), Length.MAXI: (1.85, 2.2, 1.1, 1.35)}


def _dress(rng: np.random.Generator, spec: GarmentSpec) -> _Outline:
    nw, v = _u(rng, 0.12, 0.18), spec.neckline == Neckline.V_NECK
    nd = _u(rng, 0.2, 0.3) if v else _u(rng, 0.06, 0.16)
    lm: dict[GL, Point] = {}
    half = [(0.0, nd)] if v else _arc((0.0, nd), (nw, 0.0), (nw * _u(rng, 0.7, 0.95), nd))
    half.append((nw, 0.0))
    assert spec.sleeve is not None
    if spec.sleeve == Sleeve.SLEEVELESS:
        shoulder = (nw + _u(rng, 0.07, 0.12), _u(rng, 0.0, 0.02))
        armpit = (0.5, _u(rng, 0.27, 0.36))
        half += [shoulder, *_arc(shoulder, armpit, (shoulder[0] + 0.03, armpit[1] * 0.9))]
    else:
        shoulder = (0.48, _u(rng, 0.04, 0.08))
        angle, length, width, pit = _SLEEVES[spec.sleeve]
        if spec.sleeve == Sleeve.SHORT:
            angle, length, width, pit = (30, 50), (0.2, 0.28), (0.16, 0.2), (0.2, 0.28)
        elif spec.sleeve == Sleeve.LONG:
            angle = (45, 60)  # laid out from a fitted bodice, not along it
        c1, c2 = _sleeve(shoulder, _u(rng, *angle), _u(rng, *length), _u(rng, *width))
        armpit = (0.5, _u(rng, *pit))
        half += [shoulder, c1, c2]
        _sided(lm, GL.SLEEVE_LEFT, GL.SLEEVE_RIGHT, ((c1[0] + c2[0]) / 2, (c1[1] + c2[1]) / 2))
    waist = (0.5 * _u(rng, 0.7, 0.85), _u(rng, 0.62, 0.85))
    lo, hi, flo, fhi = _DRESS_HEM[spec.length]
    hem_y = _u(rng, lo, hi)
    hem = (0.5 * _u(rng, flo, fhi), hem_y)
    hem_c = hem_y + _u(rng, 0.0, 0.05)
    half += [armpit, *_arc(armpit, waist, (armpit[0], (armpit[1] + waist[1]) / 2))]
    half += [waist, hem, *_arc(hem, (0.0, hem_c), (hem[0] / 2, hem_c)), (0.0, hem_c)]
    _sided(lm, GL.NECK_LEFT, GL.NECK_RIGHT, (nw, 0.0))
    _sided(lm, GL.SHOULDER_LEFT, GL.SHOULDER_RIGHT, shoulder)
    _sided(lm, GL.ARMPIT_LEFT, GL.ARMPIT_RIGHT, armpit)
    _sided(lm, GL.HEM_LEFT, GL.HEM_RIGHT, hem)
    lm[GL.HEM_CENTER] = (0.0, hem_c)
    out = _Outline(_mirror(half), lm, chest=(0.0, armpit[1] + 0.1, 0.0))
    wy = waist[1]
    out.add("line", [(-waist[0] + 0.01, wy), (waist[0] - 0.01, wy)], 0.012, "trim")
    out.add("line", _arc((0.0, nd + 0.03), (nw + 0.02, 0.015), (nw * 0.8, nd + 0.03)), 0.01, "trim", mirror=True)
    if spec.closure == Closure.BUTTONS:
        out.add("line", [(0.0, nd), (0.0, hem_c - 0.01)], 0.01, "trim")
        for y in np.arange(nd + 0.08, hem_c - 0.1, 0.16):
            out.add("dot", [(0.0, float(y))], 0.02, "button")
    if spec.pockets:
        out.add("loop", _rect(0.12, wy + 0.14, 0.3, wy + 0.36), 0.008, "trim", mirror=True)
    return out


def _skirt(rng: np.random.Generator, spec: GarmentSpec) -> _Outline:
    waist_x = 0.5 * _u(rng, 0.55, 0.8)
    lo, hi, flo, fhi = _SKIRT_HEM[spec.length]
    length = _u(rng, lo, hi)
    hem = (0.5 * _u(rng, flo, fhi), length)
    hem_c = length + _u(rng, 0.0, 0.04)
    side_mid = ((waist_x + hem[0]) / 2 + _u(rng, 0.0, 0.03), length / 2)
    half = [(0.0, 0.0), (waist_x, 0.0), *_arc((waist_x, 0.0), hem, side_mid), hem,
            *_arc(hem, (0.0, hem_c), (hem[0] / 2, hem_c)), (0.0, hem_c)]
    lm: dict[GL, Point] = {GL.HEM_CENTER: (0.0, hem_c)}
    _sided(lm, GL.WAIST_LEFT, GL.WAIST_RIGHT, (waist_x, 0.0))
    _sided(lm, GL.HEM_LEFT, GL.HEM_RIGHT, hem)
    out = _Outline(_mirror(half), lm)
    band = _u(rng, 0.06, 0.1)
    out.add("line", [(-waist_x, band), (waist_x, band)], 0.01, "trim")
    _waist_closure(spec, out, waist_x, band, hem_c - 0.06)
    if pocket_style(spec) == "patch":
        out.add("loop", _rect(0.1, band + 0.12, 0.27, band + 0.34), 0.008, "trim", mirror=True)
    elif spec.pockets:
        out.add("line", [(waist_x - 0.12, band), (waist_x + 0.0, band + 0.2)], 0.012, "trim", mirror=True)
    return out


def _waist_closure(spec: GarmentSpec, out: _Outline, waist_x: float, band: float, bottom: float) -> None:
    if spec.closure == Closure.ZIP:
        _zip(out, 0.0, band, band + 0.24)
    elif spec.closure == Closure.BUTTONS:
        out.add("line", [(0.0, band), (0.0, bottom)], 0.01, "trim")
        for y in np.arange(band + 0.08, bottom, 0.13):
            out.add("dot", [(0.0, float(y))], 0.02, "button")
    else:  # elastic: gathers across the band
        for x in np.arange(-waist_x + 0.04, waist_x - 0.02, 0.05):
            out.add("line", [(float(x), 0.01), (float(x), band - 0.01)], 0.006, "trim")


def _trousers(rng: np.random.Generator, spec: GarmentSpec) -> _Outline:
    hip = (0.5 + _u(rng, 0.0, 0.06), _u(rng, 0.25, 0.4))
    length = _u(rng, 2.1, 2.45) if spec.length == Length.CROPPED else _u(rng, 2.6, 3.2)
    outer = (hip[0] - _u(rng, -0.02, 0.12), length)
    inner = (outer[0] - _u(rng, 0.3, min(0.45, outer[0] - 0.08)), length)
    crotch = (0.0, _u(rng, 0.6, 0.85))
    # The crotch seam curves: the legs part quickly below it, then run straight.
    thigh = (_u(rng, 0.04, 0.08), crotch[1] + _u(rng, 0.08, 0.14))
    half = [(0.0, 0.0), (0.5, 0.0), hip, outer, inner, thigh]
    half += [*_arc(thigh, crotch, (thigh[0] * 0.3, thigh[1] - 0.02))[1:], crotch]
    lm: dict[GL, Point] = {GL.CROTCH: crotch}
    _sided(lm, GL.WAIST_LEFT, GL.WAIST_RIGHT, (0.5, 0.0))
    _sided(lm, GL.HEM_LEFT, GL.HEM_RIGHT, outer)
    out = _Outline(_mirror(half), lm)
    band = _u(rng, 0.06, 0.1)
    out.add("line", [(-0.5, band), (0.5, band)], 0.012, "trim")
    if spec.closure == Closure.ZIP:  # fly with its zip, a waist button and belt loops
        out.add("line", [(0.06, band), (0.06, crotch[1] * 0.8), (0.0, crotch[1] * 0.9)], 0.01, "trim")
        out.add("line", [(0.012, band + 0.02), (0.012, crotch[1] * 0.75)], 0.008, "metal")
        out.add("dot", [(0.03, band / 2)], 0.02, "button")
        for x in (0.2, 0.42):
            out.add("line", [(x, 0.0), (x, band + 0.03)], 0.02, "shade", mirror=True)
    else:  # elastic waist with a drawcord
        _waist_closure(spec, out, 0.5, band, 0.0)
        out.add("line", [(0.03, band * 0.6), (0.06, band + 0.25)], 0.012, "cord", mirror=True)
        out.add("dot", [(0.06, band + 0.25)], 0.016, "metal", mirror=True)
    if spec.pockets:
        out.add("line", [(0.3, band), (0.48, hip[1] - 0.02)], 0.012, "trim", mirror=True)
    return out


# --- painting ---------------------------------------------------------------------------


def _tones(base: np.ndarray) -> dict[str, np.ndarray]:
    """Detail colours that read on the base colour: stitching, shaded panels, lining, etc."""
    dark = float(base @ (0.3, 0.59, 0.11)) < 90
    lift = (lambda k, a: base * k + a) if dark else (lambda k, a: base * k)
    return {"trim": lift(0.55, 70), "inner": lift(0.65, 28),
            "button": lift(0.5, 110) if dark else base * 0.42,
            "metal": np.array((186, 186, 190.0)) if dark else np.array((92, 92, 98.0)),
            "cord": np.array((236, 234, 228.0)) if float(base.min()) < 170 else base * 0.55}


def _smooth_field(rng: np.random.Generator, h: int, w: int, amp: float) -> np.ndarray:
    """Low-frequency multiplicative shading, 1 +- amp (fabric folds, uneven light)."""
    coarse = rng.uniform(-1, 1, size=(6, 6)).astype(np.float32)
    return 1.0 + amp * cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC)


def _px(points: np.ndarray, origin: np.ndarray, scale: float) -> np.ndarray:
    return origin + scale * np.asarray(points, dtype=np.float64)


def _fix(points_px: np.ndarray) -> np.ndarray:
    return np.round(points_px * 16).astype(np.int32)  # 4 fractional bits for cv2's shift=4


def _print(rng: np.random.Generator, spec: GarmentSpec, shape: tuple[int, int], scale: float) -> np.ndarray:
    """A floral or abstract print layer [H, W, 4] (RGB + coverage)."""
    h, w = shape
    assert spec.accent is not None
    accent = np.asarray(spec.accent.rgb, np.float64)
    second = (accent + np.asarray(spec.colour.rgb)) / 2 if spec.pattern == Pattern.ABSTRACT else \
        np.asarray(colour_named("mustard" if spec.accent.name_en != "mustard" else "white").rgb, np.float64)
    layer = np.zeros((h, w, 4), np.float32)
    step = scale * _u(rng, 0.16, 0.24)
    for gy in np.arange(-step / 2, h + step, step):
        for gx in np.arange(-step / 2, w + step, step):
            x, y = gx + _u(rng, -0.3, 0.3) * step, gy + _u(rng, -0.3, 0.3) * step
            r = scale * _u(rng, 0.022, 0.036)
            if spec.pattern == Pattern.FLORAL:
                turn = _u(rng, 0, 2 * np.pi)
                for k in range(5):
                    a = turn + 2 * np.pi * k / 5
                    centre = (round(x + r * np.cos(a)), round(y + r * np.sin(a)))
                    cv2.circle(layer, centre, max(1, round(0.75 * r)), (*accent, 1.0), -1, cv2.LINE_AA)
                cv2.circle(layer, (round(x), round(y)), max(1, round(0.5 * r)), (*second, 1.0), -1, cv2.LINE_AA)
            else:
                colour = accent if rng.random() < 0.6 else second
                axes = (max(2, round(2.2 * r)), max(1, round(_u(rng, 0.4, 1.0) * r)))
                cv2.ellipse(layer, (round(x), round(y)), axes, _u(rng, 0, 180), 0, 360, (*colour, 1.0), -1,
                            cv2.LINE_AA)
    return layer


def _logo(paint: np.ndarray, colour: np.ndarray, centre: np.ndarray, width: float, emblem: bool) -> None:
    """Lettering across the chest, or a small ringed emblem, `width` px wide."""
    cx, cy = (int(v) for v in np.round(centre))
    font, word = cv2.FONT_HERSHEY_DUPLEX, "CW" if emblem else "CATWALK"
    fs = (0.6 if emblem else 0.95) * width / cv2.getTextSize(word, font, 1.0, 2)[0][0]
    thick = max(1, round(2 * fs))
    if emblem:
        cv2.circle(paint, (cx, cy), max(2, round(0.5 * width)), colour.tolist(), max(1, round(0.06 * width)),
                   cv2.LINE_AA)
    (tw, th), _ = cv2.getTextSize(word, font, fs, thick)
    cv2.putText(paint, word, (cx - tw // 2, cy + th // 2), font, fs, colour.tolist(), thick, cv2.LINE_AA)


def _mark(canvas: np.ndarray, mark: _Mark, origin: np.ndarray, scale: float, colour: float | list[float]) -> None:
    pts = _fix(_px(mark.points, origin, scale))
    if mark.op == "fill":
        cv2.fillPoly(canvas, [pts], colour, cv2.LINE_AA, shift=4)
    elif mark.op == "dot":
        cv2.circle(canvas, (int(pts[0, 0]), int(pts[0, 1])), max(16, round(16 * scale * mark.size)), colour, -1,
                   cv2.LINE_AA, shift=4)
    else:
        cv2.polylines(canvas, [pts], mark.op == "loop", colour, max(1, round(scale * mark.size)), cv2.LINE_AA,
                      shift=4)


def _paint(rng: np.random.Generator, spec: GarmentSpec, out: _Outline, background: str, origin: np.ndarray,
           scale: float, inside: np.ndarray) -> np.ndarray:
    """Garment colour image [H, W, 3] float: base colour, pattern, details and shading."""
    h, w = inside.shape
    base = np.asarray(spec.colour.rgb, np.float32)
    paint: np.ndarray = np.empty((h, w, 3), np.float32)
    paint[:] = base
    core = cv2.erode(inside.astype(np.uint8), np.ones((3, 3), np.uint8), iterations=max(3, int(scale * 0.03))) > 0
    if spec.pattern in (Pattern.STRIPES, Pattern.CHECKS):
        assert spec.accent is not None
        yy, xx = np.arange(h, dtype=np.float32)[:, None], np.arange(w, dtype=np.float32)[None, :]
        period = scale * _u(rng, 0.05, 0.12)
        vertical = spec.pattern == Pattern.STRIPES and spec.kind in (_K.SHIRT, _K.TROUSERS) and rng.random() < 0.5
        along = (xx - origin[0]) if vertical else (yy - origin[1])
        band = (along % period) < period * (_u(rng, 0.15, 0.3) if vertical else 0.5)
        if spec.pattern == Pattern.CHECKS:
            band = band ^ (((xx - origin[0]) % period) < period / 2)
        band = np.broadcast_to(band, (h, w))
        paint[band] = spec.accent.rgb
    elif spec.pattern in (Pattern.FLORAL, Pattern.ABSTRACT):
        assert spec.accent is not None
        layer = _print(rng, spec, (h, w), scale)
        cover = layer[..., 3:] * (1.0 if visible_on(spec.accent, background) else core[..., None])
        paint = paint * (1 - cover) + layer[..., :3] * cover
    if spec.pattern == Pattern.LOGO and out.chest[2] > 0:
        assert spec.accent is not None
        x, y, width_u = out.chest
        logo = paint.copy()
        _logo(logo, np.asarray(spec.accent.rgb, np.float32), _px(np.array([x, y]), origin, scale),
              scale * width_u, emblem=width_u < 0.2)
        paint = np.where(core[..., None], logo, paint)
    tones = _tones(base.astype(np.float64))
    shaded = np.zeros((h, w), np.float32)  # panels in the same cloth (pattern and all), in shadow
    for mark in out.marks:
        if mark.tone == "shade":
            _mark(shaded, mark, origin, scale, 1.0)
    dark = float(base @ np.array((0.3, 0.59, 0.11), np.float32)) < 90
    paint = paint * (1 - 0.14 * shaded[..., None]) + (14.0 * shaded[..., None] if dark else 0.0)
    for mark in out.marks:  # stitching, buttons, zips, cords on top
        if mark.tone != "shade":
            _mark(paint, mark, origin, scale, tones[mark.tone].tolist())
    # Studio light is even: fold shading stays faint on light colours (a 6 % shade on a
    # cream check would turn it into the background's grey).
    light = float(base.min()) > 190 or spec.pattern in (Pattern.STRIPES, Pattern.CHECKS)
    return paint * _smooth_field(rng, h, w, 0.015 if light else 0.06)[..., None]


def _background(rng: np.random.Generator, kind: str, h: int, w: int) -> np.ndarray:
    """Studio sweep: a base level, a slight tint, a linear gradient and a vignette."""
    level = _u(rng, 248, 254) if kind == "white" else _u(rng, 222, 236)
    tint = rng.uniform(-1.5, 1.5, size=3)
    u = (np.arange(w, dtype=np.float32) / w - 0.5)[None, :]
    v = (np.arange(h, dtype=np.float32) / h - 0.5)[:, None]
    theta = _u(rng, 0, 2 * np.pi)
    grad = _u(rng, 2, 6) * (u * np.cos(theta) + v * np.sin(theta))
    vignette = _u(rng, 0, 5) * (u**2 + v**2) * 2
    base = level + grad - vignette
    return np.clip(base[..., None] + tint, 0, 255).astype(np.float32)


_OUTLINES = {_K.DRESS: _dress, _K.SKIRT: _skirt, _K.TROUSERS: _trousers}


def draw_product(spec: GarmentSpec, seed: int, size: int | tuple[int, int] | None = None,
                 background: str | None = None) -> ProductPhoto:
    """The flat-lay photo of `spec` with its truth and listing. `size`: the long side in px
    (random aspect) or (width, height); random 560..900 when left out. `background`:
    "white" or "grey"; left out, white unless the garment's colour needs grey. The same
    spec, seed, size and background give the same photo (and the same spec and seed the
    same text)."""
    if background is None:
        background = "white" if visible_on(spec.colour, "white") else "grey"
    if background not in BACKGROUNDS:
        raise ValueError(f"background: {background!r} is not one of {BACKGROUNDS}")
    if not visible_on(spec.colour, background):
        raise ValueError(f"background: a {spec.colour.name_en} garment does not show on a {background} "
                         f"background; use {'grey' if background == 'white' else 'white'}")
    rng = np.random.default_rng([seed, list(GarmentKind).index(spec.kind), 0x9A4])
    out = _OUTLINES.get(spec.kind, _top)(rng, spec)
    if isinstance(size, tuple):
        w, h = size
    else:
        long_side = size if size is not None else int(rng.integers(560, 900))
        aspect = _u(rng, 0.75, 1.33)
        h, w = (long_side, int(long_side * aspect)) if aspect < 1 else (int(long_side / aspect), long_side)
    if min(w, h) < 64:
        raise ValueError(f"size: {w}x{h} px is too small for a product photo (64 px at least)")
    lo, hi = out.polygon.min(0), out.polygon.max(0)
    scale = _u(rng, 0.55, 0.82) * min(w / (hi[0] - lo[0]), h / (hi[1] - lo[1]))
    room = np.array([w, h]) - scale * (hi - lo)
    origin = room * rng.uniform(0.2, 0.8, size=2) - scale * lo

    cover = np.zeros((h, w), np.uint8)
    cv2.fillPoly(cover, [_fix(_px(out.polygon, origin, scale))], 255, lineType=cv2.LINE_AA, shift=4)
    alpha = cover.astype(np.float32) / 255.0
    inside = alpha >= 0.5

    bg = _background(rng, background, h, w)
    shadow = cv2.GaussianBlur(alpha, (0, 0), scale * _u(rng, 0.015, 0.03))
    shift = scale * rng.uniform(0.005, 0.02, size=2)
    shadow = cv2.warpAffine(shadow, np.array([[1, 0, shift[0]], [0, 1, shift[1]]], np.float32), (w, h))
    bg *= (1.0 - _u(rng, 0.03, 0.07) * shadow)[..., None]
    paint = _paint(rng, spec, out, background, origin, scale, inside)
    img = bg * (1 - alpha[..., None]) + paint * alpha[..., None]
    img += rng.standard_normal(img.shape, dtype=np.float32) * np.float32(_u(rng, 0.8, 2.0))

    landmarks = np.zeros((NUM_GARMENT_LANDMARKS, 3), np.float32)
    for row, point in out.landmarks.items():
        landmarks[row, :2] = _px(np.array(point), origin, scale)
        landmarks[row, 2] = 1.0
    words = write_listing(spec, seed)
    return ProductPhoto(np.clip(np.round(img), 0, 255).astype(np.uint8), inside.astype(np.uint8), landmarks,
                        silhouette_of(spec.kind), spec, words.title_zh, words.title_en, words.description_zh,
                        words.description_en, words.attributes)
