"""Garment mask, landmarks and silhouette from an e-commerce product photo (classical).

A product photo shows one garment, flat-laid or on a ghost mannequin, on a studio
background: white or light grey, perhaps a soft gradient and a drop shadow. No neural
weights exist offline, so, at a working resolution: a smooth background model fitted to
the border pixels -> per-pixel Lab distance from it (lenient for shadows) -> GrabCut
seeded with that -> the main part(s), holes filled (white prints inside stay garment) ->
edge pixels re-decided as anti-aliased mixes of garment and background colour; then the
same edge decision per pixel at full resolution. Shape measurements of the working mask
give the silhouette scores and the landmarks (`garment_landmarks`).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from catwalk.vision.errors import NothingFound, VisionInputError
from catwalk.vision.garment_landmarks import Shape, bottom_landmarks, measure, top_landmarks
from catwalk.vision.labels import Silhouette

_WORK_SIDE = 512  # GrabCut and the shape analysis run with this long side
_MIN_SIDE = 32
_MIN_AREA = 0.01  # a garment covers at least this fraction of the photo
_BORDER = 0.03  # border strip (fraction of the short side) that shows the background
_K3 = np.ones((3, 3), np.uint8)


@dataclass(frozen=True)
class GarmentAnalysis:
    """What `analyse_garment` finds in one product photo."""

    mask: np.ndarray  # [H, W] uint8, 1 = garment, 0 = background (same size as the input)
    landmarks: np.ndarray  # [14, 3] float32: x_px, y_px, visible(0/1); rows = GarmentLandmark
    silhouette: Silhouette
    silhouette_scores: np.ndarray  # [5] float32, softmax over Silhouette values, sums to 1


def analyse_garment(image: np.ndarray) -> GarmentAnalysis:
    """image: [H, W, 3] uint8 RGB.

    Raises VisionInputError("IMAGE", ...) for an array it cannot use and NothingFound when
    the photo shows no garment (all background, or a foreground under 1 % of it).
    """
    _check_image(image)
    small, lab = _working_copy(image)
    background = _Background.fit(lab)
    mask_small = _segment(small, lab, background)
    shape = measure(mask_small)
    scores = _silhouette_scores(_Features.of(shape, lab[..., 0]))
    silhouette = Silhouette(int(np.argmax(scores)))
    landmarks = _landmarks(shape, silhouette)
    h, w = mask_small.shape
    big_h, big_w = image.shape[:2]
    visible = landmarks[:, 2] > 0
    landmarks[visible, 0] = (landmarks[visible, 0] + 0.5) * big_w / w - 0.5
    landmarks[visible, 1] = (landmarks[visible, 1] + 0.5) * big_h / h - 0.5
    mask = _full_resolution(mask_small, image, lab, background)
    return GarmentAnalysis(mask, landmarks.astype(np.float32), silhouette, scores)


def _check_image(image: np.ndarray) -> None:
    if not isinstance(image, np.ndarray):
        raise VisionInputError("IMAGE", f"expected a numpy array, got {type(image).__name__}")
    if image.dtype != np.uint8:
        raise VisionInputError("IMAGE", f"expected uint8, got {image.dtype}")
    if image.ndim != 3 or image.shape[2] != 3:
        raise VisionInputError("IMAGE", f"expected [H, W, 3] RGB, got shape {image.shape}")
    if min(image.shape[:2]) < _MIN_SIDE:
        raise VisionInputError("IMAGE", f"image {image.shape[1]}x{image.shape[0]} is smaller "
                                        f"than {_MIN_SIDE}x{_MIN_SIDE}")


def _working_copy(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """RGB and Lab (float32, L in 0..100) at the working resolution."""
    h, w = image.shape[:2]
    s = _WORK_SIDE / max(h, w)
    small = image if s >= 1 else cv2.resize(
        image, (max(1, round(w * s)), max(1, round(h * s))), interpolation=cv2.INTER_AREA)
    small = np.ascontiguousarray(small)
    return small, _lab(small)


def _lab(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb.astype(np.float32) * np.float32(1 / 255), cv2.COLOR_RGB2Lab)


def _basis(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Smooth background terms: level, a linear gradient and a radial (vignette) term."""
    return np.stack([np.ones_like(u), u, v, u * u + v * v], axis=-1)


@dataclass(frozen=True)
class _Background:
    """Lab colour of the studio background as a smooth function of position."""

    coef: np.ndarray  # [4, 3]: Lab = _basis(u, v) @ coef, u, v in [-1, 1]
    sigma: np.ndarray  # [3] robust noise per Lab channel

    @staticmethod
    def fit(lab: np.ndarray) -> _Background:
        """Robust fit to the border strip; garment pixels touching the border drop out."""
        h, w = lab.shape[:2]
        b = max(2, round(_BORDER * min(h, w)))
        ring = np.zeros((h, w), bool)
        ring[:b] = ring[-b:] = True
        ring[:, :b] = ring[:, -b:] = True
        ys, xs = np.nonzero(ring)
        ys, xs = ys[::2], xs[::2]  # plenty of samples; halves the cost
        a = _basis((xs + 0.5) / w * 2 - 1, (ys + 0.5) / h * 2 - 1)
        y = lab[ys, xs].astype(np.float64)
        # Start from the pixels near the border's median colour: a garment crossing the
        # border must not drag the smooth model into explaining it.
        start = np.sqrt(((y - np.median(y, axis=0)) ** 2).sum(axis=1))
        keep = start <= max(3.0, 2 * float(np.median(start)))
        for _ in range(3):
            coef = np.linalg.lstsq(a[keep], y[keep], rcond=None)[0]
            res = y - a @ coef
            dist = np.sqrt((res**2).sum(axis=1))
            keep = dist < 3 * (1.4826 * np.median(dist[keep]) + 0.5)
        sigma = 1.4826 * np.median(np.abs(res[keep]), axis=0)
        return _Background(coef, sigma)

    def at(self, xs: np.ndarray, ys: np.ndarray, w: int, h: int) -> np.ndarray:
        """Background Lab at pixel coordinates of a w x h image."""
        return _basis((xs + 0.5) / w * 2 - 1, (ys + 0.5) / h * 2 - 1) @ self.coef

    def evidence(self, lab: np.ndarray) -> np.ndarray:
        """Per pixel, how far from the background: > 1 = garment-like."""
        h, w = lab.shape[:2]
        u = (np.arange(w, dtype=np.float32) + 0.5) / w * 2 - 1
        v = (np.arange(h, dtype=np.float32) + 0.5) / h * 2 - 1
        c = self.coef.astype(np.float32)
        model = (c[0] + u[None, :, None] * c[1] + v[:, None, None] * c[2]
                 + (u[None, :, None] ** 2 + v[:, None, None] ** 2) * c[3])
        return self.distance(lab - model)

    def distance(self, diff: np.ndarray) -> np.ndarray:
        """Scaled Lab difference. Darker-than-background is allowed more slack than
        brighter: a drop shadow darkens the background without tinting it."""
        sl, sab = float(self.sigma[0]), float(max(self.sigma[1], self.sigma[2]))
        bright, dark, chroma = max(2.5, 4 * sl), max(9.0, 4 * sl), max(4.0, 4 * sab)
        dl = diff[..., 0]
        return np.maximum(np.maximum(dl / bright, -dl / dark),
                          np.hypot(diff[..., 1], diff[..., 2]) / chroma)


def _segment(rgb: np.ndarray, lab: np.ndarray, background: _Background) -> np.ndarray:
    """Working-resolution garment mask (uint8 0/1)."""
    evidence = background.evidence(lab)
    h, w = evidence.shape
    blend = _print_blends(lab, evidence)
    raw = cv2.morphologyEx(((evidence > 1) | blend).astype(np.uint8), cv2.MORPH_OPEN, _K3)
    if raw.sum() < _MIN_AREA * h * w:
        raise NothingFound("no garment found: the photo is (nearly) all background")
    candidate = _fill_holes(raw)
    mask = _grabcut(rgb, candidate, evidence, holes=(candidate > 0) & (raw == 0), blend=blend)
    mask = _fill_holes(_main_parts(mask))
    for _ in range(2):  # each pass re-decides the pixels on the current edge
        ys, xs = np.nonzero((_edge_band(mask) > 0) & ~blend)
        fgs, ok, bg = _EdgeColours(mask, lab).at(ys, xs, background.at(xs, ys, w, h))
        mask[ys, xs] = _unmix(lab[ys, xs], fgs, ok, bg, mask[ys, xs] > 0, evidence[ys, xs] > 1)
    # Opening drops the odd noise pixel the edge decisions glued onto the outline.
    mask = _fill_holes(_main_parts(cv2.morphologyEx(mask, cv2.MORPH_OPEN, _K3)))
    if mask.sum() < _MIN_AREA * h * w:
        raise NothingFound("no garment found: the foreground is too small")
    return mask


def _print_blends(lab: np.ndarray, evidence: np.ndarray) -> np.ndarray:
    """Pixels where two garment colours blend into the background's colour (the boundary
    between a dark and a light stripe can average to exactly the studio grey): garment
    1-3 px away on both sides, across or along, and a colour between the two."""
    h, w = evidence.shape
    garment = np.pad(evidence > 1, 3)
    out = np.zeros((h, w), bool)
    for dy, dx in ((1, 0), (0, 1)):
        def near(d: int, dy: int = dy, dx: int = dx) -> np.ndarray:  # garment d px along
            return garment[3 + d * dy: 3 + d * dy + h, 3 + d * dx: 3 + d * dx + w]

        ys, xs = np.nonzero(~near(0) & (near(-1) | near(-2) | near(-3)) & (near(1) | near(2) | near(3)))
        p = lab[ys, xs]
        for d1, d2 in ((1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1), (2, 3), (3, 2), (3, 3)):
            ya, xa, yb, xb = ys - d1 * dy, xs - d1 * dx, ys + d2 * dy, xs + d2 * dx
            both = garment[ya + 3, xa + 3] & garment[yb + 3, xb + 3]
            a = lab[np.clip(ya, 0, h - 1), np.clip(xa, 0, w - 1)]
            b = lab[np.clip(yb, 0, h - 1), np.clip(xb, 0, w - 1)]
            ab = b - a
            ab2 = (ab * ab).sum(axis=-1)
            t = ((p - a) * ab).sum(axis=-1) / np.maximum(ab2, 1e-6)
            off = p - a - t[:, None] * ab
            hit = both & (ab2 > 400) & (t > 0.02) & (t < 0.98) & ((off * off).sum(axis=-1) < 0.05 * ab2)
            out[ys[hit], xs[hit]] = True
    return out


def _unmix(pix: np.ndarray, fgs: np.ndarray, ok: np.ndarray, bg: np.ndarray,
           current: np.ndarray, unlike_bg: np.ndarray) -> np.ndarray:
    """Edge pixel decision: garment if its colour is at least half way from the local
    background colour to a nearby garment colour (anti-aliasing at 50 % cover), using
    the garment candidate (`fgs`, where `ok`) that explains the pixel best as such a mix.
    A colour that no candidate explains (a print's other colour) is decided by the
    background evidence. Keeps `current` where garment and background are too alike."""
    span = fgs - bg  # [K, N, 3]
    span2 = (span * span).sum(axis=-1)
    alpha = ((pix - bg) * span).sum(axis=-1) / np.maximum(span2, 1e-6)
    off = pix - bg - alpha[..., None] * span
    resid = np.sqrt((off * off).sum(axis=-1))
    contrast = ok & (span2 > 9.0)
    explains = (contrast & (resid <= np.maximum(3.0, 0.12 * np.sqrt(span2)))
                & (alpha > -0.2) & (alpha < 1.3))
    best = np.argmin(np.where(explains, resid, np.inf), axis=0)[None]
    alpha = np.take_along_axis(alpha, best, axis=0)[0]
    decided = np.where(explains.any(axis=0), alpha >= 0.5, unlike_bg)
    return np.where(contrast.any(axis=0), decided, current)


def _grabcut(rgb: np.ndarray, candidate: np.ndarray, evidence: np.ndarray,
             holes: np.ndarray, blend: np.ndarray) -> np.ndarray:
    """GrabCut around the candidate's edge: colour models and smoothness settle the
    pixels the threshold found ambiguous (faint garment parts, soft edges). Pixels with
    the background's own colour stay background (unless enclosed or a print's blend), so
    GrabCut cannot bridge the narrow gap between a sleeve and the body or two legs."""
    h, w = candidate.shape
    r = max(3, round(0.02 * max(h, w)))
    ring = cv2.dilate(candidate, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1,) * 2))
    gc = np.full((h, w), cv2.GC_BGD, np.uint8)
    gc[ring > 0] = cv2.GC_PR_BGD
    gc[candidate > 0] = cv2.GC_PR_FGD
    gc[cv2.erode(candidate, _K3, iterations=2) > 0] = cv2.GC_FGD
    gc[(evidence < 0.5) & (holes == 0)] = cv2.GC_BGD
    gc[blend] = cv2.GC_FGD
    ys, xs = np.nonzero(ring)
    y0, y1 = max(0, ys.min() - 2), min(h, ys.max() + 3)
    x0, x1 = max(0, xs.min() - 2), min(w, xs.max() + 3)
    roi = np.ascontiguousarray(gc[y0:y1, x0:x1])
    is_bg = (roi == cv2.GC_BGD) | (roi == cv2.GC_PR_BGD)
    if np.count_nonzero(is_bg) < 50 or np.count_nonzero(~is_bg) < 50:
        return candidate  # too few samples of one side to learn its colours from
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.setRNGSeed(0)  # GrabCut's k-means init draws from OpenCV's RNG: same photo, same mask
    try:
        cv2.grabCut(np.ascontiguousarray(rgb[y0:y1, x0:x1]), roi, (0, 0, 0, 0), bgd, fgd, 1,
                    cv2.GC_INIT_WITH_MASK)
    except cv2.error:  # degenerate colour models
        return candidate
    out = np.zeros_like(candidate)
    out[y0:y1, x0:x1] = (roi == cv2.GC_FGD) | (roi == cv2.GC_PR_FGD)
    return out


def _main_parts(mask: np.ndarray) -> np.ndarray:
    """Largest component, pieces touching it (split off by a thin line) and sizeable ones
    close to it (a detached belt, a second leg)."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if n <= 2:
        return mask
    areas = stats[1:, cv2.CC_STAT_AREA]
    main = 1 + int(np.argmax(areas))
    reach = 0.05 * np.hypot(*mask.shape)
    mx, my, mw, mh = stats[main, :4]
    keep = np.zeros(n, np.uint8)
    near = cv2.dilate((labels == main).astype(np.uint8), _K3, iterations=2) > 0
    keep[np.unique(labels[near])] = 1
    keep[0] = 0
    for i in range(1, n):
        x, y, bw, bh = stats[i, :4]
        gap_x = max(0, max(x, mx) - min(x + bw, mx + mw))
        gap_y = max(0, max(y, my) - min(y + bh, my + mh))
        if stats[i, cv2.CC_STAT_AREA] >= 0.05 * areas.max() and np.hypot(gap_x, gap_y) <= reach:
            keep[i] = 1
    return keep[labels]


def _edge_band(mask: np.ndarray) -> np.ndarray:
    """Pixels on either side of a 0/1 mask's edge (dilation minus erosion)."""
    return cv2.morphologyEx(mask, cv2.MORPH_GRADIENT, _K3)


def _fill_holes(mask: np.ndarray) -> np.ndarray:
    """Everything not reachable from outside the image through background is garment."""
    pad = np.pad(mask, 1)
    cv2.floodFill(pad, None, (0, 0), 2)
    return (pad[1:-1, 1:-1] != 2).astype(np.uint8)


class _EdgeColours:
    """Candidate garment colours and a background colour for edge pixels of a mask: the
    working image sampled a few pixels in and out along the edge normal, so a print's own
    colour next to the edge is used (not a mean of the print) and the background sample
    includes any drop shadow there."""

    _IN = (1.5, 3.0, 5.0)  # px inward: the nearest garment pixels, then deeper ones
    _OUT = (2.5, 4.0)

    def __init__(self, mask: np.ndarray, lab: np.ndarray) -> None:
        self.lab = lab
        self.inner = cv2.erode(mask, _K3) > 0
        self.outer = cv2.dilate(mask, _K3, iterations=2) == 0
        soft = cv2.GaussianBlur(mask.astype(np.float32), (0, 0), 2.0)
        self.nx = cv2.Sobel(soft, cv2.CV_32F, 1, 0, ksize=3)
        self.ny = cv2.Sobel(soft, cv2.CV_32F, 0, 1, ksize=3)

    def _sample(self, ys: np.ndarray, xs: np.ndarray, reach: float, side: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
        """Lab `reach` px along the inward normal (outward if negative), and whether that
        pixel lies on the wanted side."""
        h, w = side.shape
        nx, ny = self.nx[ys, xs], self.ny[ys, xs]
        scale = reach / np.maximum(np.hypot(nx, ny), 1e-6)
        sy = np.clip(np.round(ys + ny * scale), 0, h - 1).astype(np.intp)
        sx = np.clip(np.round(xs + nx * scale), 0, w - 1).astype(np.intp)
        return self.lab[sy, sx], side[sy, sx]

    def at(self, ys: np.ndarray, xs: np.ndarray, bg_model: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """[K, N, 3] garment candidates, [K, N] their validity and [N, 3] background for
        working pixels ys, xs (`bg_model`: the background model's Lab there, the
        fallback when no outward sample lands on background)."""
        samples = [self._sample(ys, xs, r, self.inner) for r in self._IN]
        bg = bg_model
        for r in self._OUT[::-1]:
            sample, on_bg = self._sample(ys, xs, -r, self.outer)
            bg = np.where(on_bg[:, None], sample, bg)
        return np.stack([s[0] for s in samples]), np.stack([s[1] for s in samples]), bg


def _full_resolution(mask_small: np.ndarray, image: np.ndarray, lab_small: np.ndarray,
                     background: _Background) -> np.ndarray:
    """Upsample the mask and re-decide, per full-resolution pixel, those under the
    working mask's edge."""
    big_h, big_w = image.shape[:2]
    h, w = mask_small.shape
    if (h, w) == (big_h, big_w):
        return mask_small
    soft = cv2.resize(mask_small * np.uint8(255), (big_w, big_h), interpolation=cv2.INTER_LINEAR)
    mask = (soft >= 128).astype(np.uint8)
    edge_y, edge_x = np.nonzero(_edge_band(mask_small))
    if len(edge_y) == 0:
        return mask
    ys, xs, sy, sx = _footprint(edge_y, edge_x, (big_h, big_w), (h, w))
    fgs, ok, bg = _EdgeColours(mask_small, lab_small).at(sy, sx, background.at(sx, sy, w, h))
    pix = _lab(image[ys, xs].reshape(-1, 1, 3)).reshape(-1, 3)
    unlike_bg = background.distance(pix - background.at(xs, ys, big_w, big_h)) > 1
    mask[ys, xs] = _unmix(pix, fgs, ok, bg, mask[ys, xs] > 0, unlike_bg)
    return mask


def _footprint(sy: np.ndarray, sx: np.ndarray, big: tuple[int, int], small: tuple[int, int]
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Full-resolution pixels (ys, xs) covered by working pixels (sy, sx), each with the
    working pixel it lies under."""
    fy, fx = big[0] / small[0], big[1] / small[1]
    ys = np.floor(sy * fy).astype(np.intp)[:, None, None] + np.arange(int(np.ceil(fy)))[:, None]
    xs = np.floor(sx * fx).astype(np.intp)[:, None, None] + np.arange(int(np.ceil(fx)))[None]
    ys, xs = np.broadcast_arrays(ys, xs)
    keep = ((ys < np.minimum(np.floor((sy + 1) * fy), big[0])[:, None, None])
            & (xs < np.minimum(np.floor((sx + 1) * fx), big[1])[:, None, None]))
    owner = np.broadcast_to(np.arange(len(sy))[:, None, None], ys.shape)[keep]
    return ys[keep], xs[keep], sy[owner], sx[owner]


@dataclass(frozen=True)
class _Features:
    """Scale-free shape cues of the silhouette classes."""

    gap: float  # height of the gap between legs / garment height
    armpits: int  # 0, 1 or 2 sides where the edge turns (sleeve or armhole)
    sleeves: int  # sides where it turns outward into a sleeve
    length: float  # height / width at the armpits (or at the top without armpits)
    flare: float  # hem width / narrowest body width above it
    taper: float  # top width / hem width
    placket: float  # 0..1, a vertical edge line standing out on the axis

    @staticmethod
    def of(shape: Shape, lightness: np.ndarray) -> _Features:
        h = shape.height
        pits = [a for a in shape.armpits if a is not None]
        # Body width per row, median of 5 rows: one ragged row must not decide a class.
        widths = np.array([shape.body_width(y) for y in range(shape.y0, shape.y1 + 1)], float)
        widths = np.median(np.lib.stride_tricks.sliding_window_view(np.pad(widths, 2, "edge"), 5),
                           axis=1)

        def width_at(f: float) -> float:
            return max(1.0, float(widths[min(h - 1, round(f * h))]))

        arm_y = int(np.mean([a.y for a in pits])) if pits else shape.y0 + round(0.04 * h)
        if len(pits) == 2:
            bust = float(pits[1].x - pits[0].x + 1)
        elif pits:
            bust = 2.0 * abs(pits[0].x - shape.cx) + 1
        else:
            bust = width_at(0.04)
        mid = widths[arm_y - shape.y0: round(0.8 * h) + 1]
        narrow = float(mid[mid > 0].min()) if (mid > 0).any() else width_at(0.94)
        return _Features(
            gap=shape.gap, armpits=len(pits), sleeves=sum(a.sleeve for a in pits),
            length=min(5.0, h / bust), flare=min(5.0, width_at(0.94) / max(1.0, narrow)),
            taper=min(5.0, width_at(0.04) / width_at(0.94)),
            placket=_placket(shape, lightness, arm_y, round(bust)))


def _placket(shape: Shape, lightness: np.ndarray, arm_y: int, bust: int) -> float:
    """How much a vertical edge line on the axis stands out (a coat's front opening,
    buttons, a zip): per column, the fraction of body rows below the armpits with a strong
    horizontal gradient; the axis band's best column against the best column elsewhere
    (a check or a vertical stripe makes such lines everywhere)."""
    h = shape.height
    y_from, y_to = arm_y + round(0.05 * h), shape.y0 + round(0.85 * h)
    if y_to - y_from < 5:
        return 0.0
    gx = np.abs(cv2.Sobel(lightness, cv2.CV_32F, 1, 0, ksize=3))[y_from:y_to]
    inside = cv2.erode(shape.mask.astype(np.uint8), _K3, iterations=3)[y_from:y_to] > 0
    rows = inside.sum(axis=0)
    profile = ((gx > 8.0) & inside).sum(axis=0) / np.maximum(rows, 1)
    profile[rows < 0.5 * (y_to - y_from)] = 0  # columns mostly outside the body
    band = max(2, round(0.03 * bust))
    lo, hi = max(0, shape.cx - band), shape.cx + band + 1
    centre = float(profile[lo:hi].max())
    profile[max(0, lo - band): hi + band] = 0
    return float(np.clip(centre - 1.5 * profile.max(), 0.0, 1.0))


def _silhouette_scores(f: _Features) -> np.ndarray:
    """Hand-set linear scores per class on the shape cues, then a softmax."""
    arms = 4.0 if f.armpits else -4.0  # arm openings: a top half (top, coat, dress)
    legs = 60 * max(0.0, f.gap - 0.2)  # a gap between legs rules out everything else
    logits = np.array([
        # TOP: about as long as wide, straight hem
        arms + 10 * (1.45 - f.length) - 4 * max(0.0, f.flare - 1.3) - 2 * f.placket - legs,
        # OUTERWEAR: longer (hip to knee), straight or slightly A-line, a front opening
        arms + 10 * min(f.length - 1.45, 0.25) - 6 * max(0.0, f.flare - 1.3) + 3 * f.placket
        - legs,
        # DRESS: long, narrow waist and flared skirt
        arms + 4 * (f.length - 1.6) + 8 * (f.flare - 1.35) - legs,
        # TROUSERS: two legs
        30 * (f.gap - 0.2),
        # SKIRT: no arm openings, widening from waist to hem
        -arms + 6 * (1 - f.taper) + 2 * (f.flare - 1) - legs,
    ])
    e = np.exp(logits - logits.max())
    return (e / e.sum()).astype(np.float32)


def _landmarks(shape: Shape, silhouette: Silhouette) -> np.ndarray:
    """Working-resolution landmarks for the silhouette's layout."""
    if silhouette in (Silhouette.TROUSERS, Silhouette.SKIRT):
        return bottom_landmarks(shape, silhouette)
    return top_landmarks(shape)
