"""What a product photo says about the garment, read from the photo and the outputs of
Triton's `garment_segmenter` for it (mask, landmarks, silhouette and its scores).

No image-classification weights exist offline, so every reading is measured and says so
in its reason: dominant colours by k-means of the garment's pixels in Lab, named from
`catwalk.product.colours` by CIEDE2000; the pattern from edge orientation statistics and
the shapes of off-colour blobs inside the mask; sleeve and garment length from landmark
geometry, in units of the shoulder (or waist) width, with thresholds set on studio
garments. Pure numpy/OpenCV, so it runs in the services' venv beside the Triton client.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from catwalk.library.tags import Dictionary
from catwalk.product.colours import PaletteColour, ciede2000, nearest, rgb_to_lab, to_hex
from catwalk.product.evidence import Evidence, NamedColour, Source, VisionReading
from catwalk.vision.descriptor import visual_descriptor
from catwalk.vision.labels import NUM_GARMENT_LANDMARKS, Silhouette
from catwalk.vision.labels import GarmentLandmark as GL

_MAX_PIXELS = 40_000  # garment pixels clustered (a regular subsample beyond this)
_K = 6  # k-means clusters before merging
_MERGE_DE = 9.0  # clusters closer than this (ΔE00) are one colour in different light
_MIN_SHARE = 0.05  # colours under this share of the garment are details, not colours
_FAMILY_SHARE = 0.2  # a family this strong is a colour_family tag
_PATTERN_SIDE = 512  # the texture is read with the garment's long side at this many px
_EDGE = 12.0  # gradient magnitude (ΔE76 per px, after smoothing) of a pattern edge
_SMALL_GARMENT = 4_000  # garment pixels under this: readings are less sure, and say so


@dataclass(frozen=True)
class _Cluster:
    lab: np.ndarray
    rgb: np.ndarray
    share: float
    palette: PaletteColour
    distance: float  # ΔE00 to the palette colour


def read_photo(photo: np.ndarray, mask: np.ndarray, landmarks: np.ndarray, silhouette: int,
               silhouette_scores: np.ndarray, dictionary: Dictionary) -> VisionReading:
    """Evidence (source VISION) for colour_family, pattern, silhouette, sleeve_length,
    length and category, the dominant named colours and the visual descriptor.

    photo: [H, W, 3] uint8 RGB; mask: [H, W] (> 0 = garment); landmarks: [14, 3] (x, y,
    visible); silhouette: a `Silhouette` value; silhouette_scores: [5]. ValueError names
    the argument that cannot be used."""
    photo, garment, lm, sil, scores = _checked(photo, mask, landmarks, silhouette, silhouette_scores)
    notes: list[str] = []
    area = int(garment.sum())
    fill = area / garment.size
    small = area < _SMALL_GARMENT
    if fill < 0.05 or small:
        notes.append(f"the garment fills {fill:.1%} of the photo ({area} px); readings are less sure")
    damp = 0.8 if small else 1.0

    clusters = _dominant_colours(photo, garment)
    colours = [NamedColour(c.palette.name, c.palette.zh, c.palette.en, c.palette.family, to_hex(c.rgb),
                           round(c.share, 4)) for c in clusters]
    evidence = _family_evidence(clusters, damp)
    pattern = _pattern_evidence(photo, garment, clusters, damp)
    if pattern is not None:
        evidence.append(pattern)
    evidence += _shape_evidence(lm, sil, scores, damp)
    for e in evidence:  # the dictionary is the authority on names and values
        if dictionary.dimension(e.dimension) is None or (
                isinstance(e.value, str) and not dictionary.is_value(e.dimension, e.value)):
            raise ValueError(f"dictionary: has no {e.dimension}={e.value!r}; this reader needs a newer dictionary")
    descriptor = [float(v) for v in visual_descriptor([photo], [garment.astype(np.uint8)])]
    return VisionReading(evidence, colours, descriptor, notes)


def _checked(photo: np.ndarray, mask: np.ndarray, landmarks: np.ndarray, silhouette: int,
             silhouette_scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, Silhouette, np.ndarray]:
    photo = np.asarray(photo)
    if photo.dtype != np.uint8 or photo.ndim != 3 or photo.shape[2] != 3:
        raise ValueError(f"photo: expected uint8 [H, W, 3] RGB, got {photo.dtype} {list(photo.shape)}")
    mask = np.asarray(mask)
    if mask.ndim == 3 and mask.shape[0] == 1:
        mask = mask[0]
    if mask.shape != photo.shape[:2]:
        raise ValueError(f"mask: shape {list(mask.shape)} does not match the photo's {list(photo.shape[:2])}")
    garment = mask > 0
    if not garment.any():
        raise ValueError("mask: empty, no garment pixels")
    lm = np.asarray(landmarks, np.float64).reshape(-1, 3) if np.size(landmarks) == NUM_GARMENT_LANDMARKS * 3 \
        else None
    if lm is None or not np.isfinite(lm).all():
        raise ValueError(f"landmarks: expected [{NUM_GARMENT_LANDMARKS}, 3] finite values, "
                         f"got {list(np.shape(landmarks))}")
    try:
        sil = Silhouette(int(np.asarray(silhouette).reshape(-1)[0]))
    except (ValueError, IndexError):
        raise ValueError(f"silhouette: {silhouette!r} is not a Silhouette value (0..{len(Silhouette) - 1})") from None
    scores = np.asarray(silhouette_scores, np.float64).reshape(-1)
    if scores.shape != (len(Silhouette),) or not np.isfinite(scores).all():
        raise ValueError(f"silhouette_scores: expected [{len(Silhouette)}] finite values, "
                         f"got {list(np.shape(silhouette_scores))}")
    return photo, garment, lm, sil, scores


# --- colour -------------------------------------------------------------------------------


def _core(garment: np.ndarray) -> np.ndarray:
    """The garment without its rim (anti-aliased edge, drop shadow), when enough is left."""
    ys, xs = np.nonzero(garment)
    size = max(int(np.ptp(ys)), int(np.ptp(xs))) + 1
    r = max(1, round(0.012 * size))
    core = cv2.erode(garment.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1,) * 2)) > 0
    return core if core.sum() >= 0.5 * garment.sum() else garment


def _dominant_colours(photo: np.ndarray, garment: np.ndarray) -> list[_Cluster]:
    """k-means in Lab, near clusters merged, small ones dropped; largest first."""
    pixels = photo[_core(garment)]
    step = max(1, len(pixels) // _MAX_PIXELS)
    rgb = pixels[::step].astype(np.float32)
    lab = rgb_to_lab(rgb).astype(np.float32)
    k = min(_K, len(lab))
    cv2.setRNGSeed(7)  # the same photo gives the same colours
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 30, 0.2)
    _, labels, _ = cv2.kmeans(lab, k, np.empty(0), criteria, 2, cv2.KMEANS_PP_CENTERS)
    groups = [np.flatnonzero(labels.ravel() == i) for i in range(k)]
    groups = [g for g in groups if len(g)]
    while len(groups) > 1:  # merge the closest pair while it is one colour
        means = np.array([lab[g].mean(0) for g in groups])
        d = ciede2000(means[:, None, :], means[None, :, :])
        d[np.diag_indices(len(groups))] = np.inf
        i, j = np.unravel_index(int(np.argmin(d)), d.shape)
        if d[i, j] >= _MERGE_DE:
            break
        groups[i] = np.concatenate([groups[i], groups[j]])
        del groups[j]
    total = len(lab)
    out = []
    for g in sorted(groups, key=len, reverse=True):
        share = len(g) / total
        if share < _MIN_SHARE:
            continue
        mean_rgb = rgb[g].mean(0)
        mean_lab = rgb_to_lab(mean_rgb)
        palette, distance = nearest(mean_lab)
        out.append(_Cluster(mean_lab, mean_rgb, share, palette, distance))
    return out


def _family_evidence(clusters: list[_Cluster], damp: float) -> list[Evidence]:
    families: dict[str, float] = {}
    names: dict[str, list[str]] = {}
    worst: dict[str, float] = {}
    for c in clusters:
        families[c.palette.family] = families.get(c.palette.family, 0.0) + c.share
        names.setdefault(c.palette.family, []).append(f"{c.palette.en} {c.share:.0%}")
        worst[c.palette.family] = max(worst.get(c.palette.family, 0.0), c.distance)
    strong = {f: s for f, s in families.items() if s >= _FAMILY_SHARE}
    if not strong and families:  # no family is strong: the largest one still describes it
        top = max(families, key=lambda f: families[f])
        strong = {top: families[top]}
    evidence = []
    for family, share in sorted(strong.items(), key=lambda kv: -kv[1]):
        sure = 0.55 + 0.4 * min(1.0, share / 0.6)
        if worst[family] > 12:  # the colour lies between palette names
            sure *= 0.8
        evidence.append(Evidence("colour_family", family, round(sure * damp, 3), Source.VISION,
                                 f"{share:.0%} of the garment's pixels are {family} ({', '.join(names[family])})"))
    if len(strong) >= 3:
        listed = ", ".join(f"{f} {s:.0%}" for f, s in sorted(strong.items(), key=lambda kv: -kv[1]))
        evidence.append(Evidence("colour_family", "multi", round(0.7 * damp, 3), Source.VISION,
                                 f"{len(strong)} colour families each cover 20% or more ({listed})"))
    return evidence


# --- pattern ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextureStats:
    """What the pattern decision looks at (exposed for calibration and the tests)."""

    density: float  # share of the garment's inner pixels on a colour edge
    coverage: float  # share of grid cells over the garment that hold edges
    axis: float  # share of edge pixels whose edge runs horizontal or vertical
    balance: float  # min(horizontal, vertical) / (horizontal + vertical) of those
    blobs: int  # off-colour blobs
    elongation: float  # median long/short axis of those blobs
    off_share: float  # share of inner pixels far (ΔE00 > 15) from the dominant colour


def texture_stats(photo: np.ndarray, garment: np.ndarray, dominant_lab: np.ndarray) -> TextureStats:
    """Edge and blob statistics of the garment's inside at a fixed scale."""
    ys, xs = np.nonzero(garment)
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    crop, cmask = photo[y0:y1, x0:x1], np.asarray(garment[y0:y1, x0:x1], np.uint8)
    scale = _PATTERN_SIDE / max(y1 - y0, x1 - x0)
    size = (max(8, round((x1 - x0) * scale)), max(8, round((y1 - y0) * scale)))
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    work = cv2.resize(crop, size, interpolation=interp)
    cmask = np.asarray(cv2.resize(cmask, size, interpolation=cv2.INTER_NEAREST), np.uint8)
    inner = cv2.erode(cmask, np.ones((3, 3), np.uint8), iterations=4) > 0
    if inner.sum() < 64:
        inner = cmask > 0
    lab = cv2.cvtColor(work.astype(np.float32) / 255, cv2.COLOR_RGB2LAB)
    lab = cv2.GaussianBlur(lab, (0, 0), 1.0)
    jxx = np.zeros(lab.shape[:2], np.float32)
    jyy, jxy = np.zeros_like(jxx), np.zeros_like(jxx)
    for c in range(3):
        gx = cv2.Sobel(lab[..., c], cv2.CV_32F, 1, 0, ksize=3) / 8
        gy = cv2.Sobel(lab[..., c], cv2.CV_32F, 0, 1, ksize=3) / 8
        jxx += gx * gx
        jyy += gy * gy
        jxy += gx * gy
    magnitude = np.sqrt(jxx + jyy)
    edges = inner & (magnitude > _EDGE / 4)
    n_inner = max(1, int(inner.sum()))
    density = float(edges.sum()) / n_inner
    angle = np.degrees(0.5 * np.arctan2(2 * jxy, jxx - jyy))[edges] % 180  # gradient direction
    horizontal_grad = np.minimum(angle, 180 - angle) < 15  # gradient along x: a vertical edge line
    vertical_grad = np.abs(angle - 90) < 15
    n_h, n_v = int(horizontal_grad.sum()), int(vertical_grad.sum())
    axis = (n_h + n_v) / max(1, len(angle))
    balance = min(n_h, n_v) / max(1, n_h + n_v)
    coverage = _coverage(inner, edges)
    off = np.zeros_like(inner)
    off[inner] = ciede2000(lab[inner].astype(np.float64), dominant_lab[None, :]) > 15
    blobs, elongation = _blob_shapes(off)
    return TextureStats(density, coverage, axis, balance, blobs, elongation, float(off.sum()) / n_inner)


def _coverage(inner: np.ndarray, edges: np.ndarray, cells: int = 6) -> float:
    h, w = inner.shape
    used = hit = 0
    for i in range(cells):
        for j in range(cells):
            sl = (slice(i * h // cells, (i + 1) * h // cells), slice(j * w // cells, (j + 1) * w // cells))
            n = int(inner[sl].sum())
            if n < 0.3 * inner[sl].size or n == 0:
                continue
            used += 1
            hit += int(edges[sl].sum()) >= 0.02 * n
    return hit / max(1, used)


def _blob_shapes(off: np.ndarray) -> tuple[int, float]:
    """How many mid-sized off-colour blobs, and their median elongation (second moments,
    all components at once)."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(off.astype(np.uint8), connectivity=8)
    area = stats[:, cv2.CC_STAT_AREA].astype(np.float64)
    keep = (area >= 12) & (area <= 0.02 * off.size)
    keep[0] = False
    if not keep.any():
        return 0, 0.0
    ys, xs = np.nonzero(labels)
    lab = labels[ys, xs]
    xs_f, ys_f = xs.astype(np.float64), ys.astype(np.float64)

    def total(w: np.ndarray) -> np.ndarray:
        return np.bincount(lab, weights=w, minlength=count)[keep]

    n = area[keep]
    mx, my = total(xs_f) / n, total(ys_f) / n
    sxx, syy, sxy = total(xs_f * xs_f) / n - mx**2, total(ys_f * ys_f) / n - my**2, total(xs_f * ys_f) / n - mx * my
    half_trace, root = (sxx + syy) / 2, np.sqrt(((sxx - syy) / 2) ** 2 + sxy**2)
    ratio = np.sqrt(np.maximum(half_trace + root, 1e-6) / np.maximum(half_trace - root, 1e-6))
    return int(keep.sum()), float(np.median(ratio))


def classify_pattern(t: TextureStats) -> tuple[str, float, str]:
    """(pattern value, confidence, reason) from the texture statistics. Seams, ribs and
    buttons make edges too, but in the garment's own colour family: a pattern needs a
    second colour over a real part of the garment."""
    if t.axis >= 0.9 and t.balance < 0.1 and t.density >= 0.3 and t.off_share >= 0.08:  # thin pinstripes
        return "stripes", 0.65, (f"{t.axis:.0%} of its colour edges run straight along one axis, over "
                                 f"{t.density:.0%} of the garment")
    if t.off_share >= 0.25 and t.density >= 0.2:
        if t.axis >= 0.6 and t.balance < 0.2:
            return "stripes", 0.75, (f"{t.axis:.0%} of its colour edges run straight along one axis; a second "
                                     f"colour covers {t.off_share:.0%} of the garment")
        if t.balance >= 0.3 and (t.axis >= 0.6 or t.density >= 0.5):
            return "checks", 0.7, (f"colour edges run both horizontal and vertical ({t.balance:.0%} the lesser) "
                                   f"over {t.density:.0%} of the garment")
    if t.blobs >= 12 and t.off_share >= 0.05 and t.density >= 0.06:
        if t.elongation >= 1.8:
            return "abstract", 0.5, f"{t.blobs} elongated off-colour shapes (median {t.elongation:.1f}:1)"
        return "floral", 0.45, f"{t.blobs} small rounded off-colour motifs repeated over the garment"
    return "solid", 0.7, (f"one colour: {1 - t.off_share:.0%} of the garment's inside is within ΔE00 15 of "
                          f"its main colour")


def _pattern_evidence(photo: np.ndarray, garment: np.ndarray, clusters: list[_Cluster], damp: float
                      ) -> Evidence | None:
    if not clusters:
        return None
    stats = texture_stats(photo, garment, clusters[0].lab)
    value, sure, reason = classify_pattern(stats)
    return Evidence("pattern", value, round(sure * damp, 3), Source.VISION, reason)


# --- shape --------------------------------------------------------------------------------

# Thresholds in units of the garment's own width (shoulders, or waist for bottoms), set on
# studio garments (tests/product/test_vision.py measures them); (upper bound, value).
_SLEEVE = ((0.47, "short"), (0.74, "three_quarter"), (np.inf, "long"))
_TOP_LENGTH = ((0.97, "cropped"), (1.4, "regular"), (1.82, "hip"), (2.22, "knee"), (np.inf, "midi"))
_DRESS_LENGTH = ((1.85, "mini"), (2.3, "knee"), (2.75, "midi"), (np.inf, "maxi"))
_SKIRT_LENGTH = ((0.85, "mini"), (1.2, "knee"), (1.7, "midi"), (np.inf, "maxi"))
_TROUSER_LENGTH = ((2.55, "cropped"), (np.inf, "regular"))


def _point(lm: np.ndarray, row: GL) -> np.ndarray | None:
    return lm[row, :2] if lm[row, 2] > 0 else None


def _mean_point(lm: np.ndarray, *rows: GL) -> np.ndarray | None:
    pts = [p for p in (_point(lm, r) for r in rows) if p is not None]
    return np.mean(pts, axis=0) if pts else None


def _bucket(value: float, table: tuple[tuple[float, str], ...]) -> tuple[str, float]:
    """The value's class and how far (0..1) it sits from the nearest boundary."""
    lower = -np.inf
    for upper, name in table:
        if value < upper:
            margin = min(value - lower, upper - value)
            return name, float(min(1.0, margin / 0.15))
        lower = upper
    raise AssertionError("tables end at inf")


def shape_measures(lm: np.ndarray, silhouette: Silhouette) -> dict[str, float]:
    """Sleeve and garment length in garment widths (those the landmarks allow)."""
    out: dict[str, float] = {}
    if silhouette in (Silhouette.TROUSERS, Silhouette.SKIRT):
        wl, wr = _point(lm, GL.WAIST_LEFT), _point(lm, GL.WAIST_RIGHT)
        hem = _mean_point(lm, GL.HEM_LEFT, GL.HEM_RIGHT, GL.HEM_CENTER)
        if wl is not None and wr is not None and hem is not None:
            width = float(np.linalg.norm(wl - wr))
            hem_width = width
            hl, hr = _point(lm, GL.HEM_LEFT), _point(lm, GL.HEM_RIGHT)
            if hl is not None and hr is not None:
                hem_width = float(np.linalg.norm(hl - hr))
            if width > 1:
                drop = float(hem[1] - (wl[1] + wr[1]) / 2)
                out["length"] = drop / (width if silhouette == Silhouette.TROUSERS else max(width, hem_width))
        return out
    sl, sr = _point(lm, GL.SHOULDER_LEFT), _point(lm, GL.SHOULDER_RIGHT)
    if sl is None or sr is None:
        return out
    width = float(np.linalg.norm(sl - sr))
    if width <= 1:
        return out
    sleeves = [float(np.linalg.norm(c - s)) / width for s, c in ((sl, _point(lm, GL.SLEEVE_LEFT)),
                                                                 (sr, _point(lm, GL.SLEEVE_RIGHT))) if c is not None]
    out["sleeve"] = float(np.mean(sleeves)) if sleeves else 0.0
    hem = _mean_point(lm, GL.HEM_LEFT, GL.HEM_RIGHT, GL.HEM_CENTER)
    al, ar = _point(lm, GL.ARMPIT_LEFT), _point(lm, GL.ARMPIT_RIGHT)
    chest = float(np.linalg.norm(al - ar)) if al is not None and ar is not None else width
    if hem is not None and chest > 1:  # chest width: shoulders are narrow on sleeveless cuts
        out["length"] = float(hem[1] - (sl[1] + sr[1]) / 2) / chest
    return out


def _shape_evidence(lm: np.ndarray, sil: Silhouette, scores: np.ndarray, damp: float) -> list[Evidence]:
    sil_score = float(np.clip(scores[int(sil)], 0.0, 1.0))
    name = sil.name.lower()
    evidence = [Evidence("silhouette", name, round(sil_score * damp, 3), Source.VISION,
                         f"garment_segmenter's shape class is {name} (score {sil_score:.2f})")]
    m = shape_measures(lm, sil)
    if "sleeve" in m:
        if m["sleeve"] == 0.0:
            evidence.append(Evidence("sleeve_length", "sleeveless", round(0.7 * sil_score * damp, 3), Source.VISION,
                                     "no sleeve openings beyond the shoulders"))
        else:
            value, margin = _bucket(m["sleeve"], _SLEEVE)
            evidence.append(Evidence("sleeve_length", value, round((0.45 + 0.35 * margin) * sil_score * damp, 3),
                                     Source.VISION, f"shoulder to cuff is {m['sleeve']:.2f} shoulder widths"))
    if "length" in m:
        table, unit = {Silhouette.TROUSERS: (_TROUSER_LENGTH, "waist widths"),
                       Silhouette.SKIRT: (_SKIRT_LENGTH, "waist/hem widths"),
                       Silhouette.DRESS: (_DRESS_LENGTH, "chest widths")}.get(sil, (_TOP_LENGTH, "chest widths"))
        value, margin = _bucket(m["length"], table)
        evidence.append(Evidence("length", value, round((0.4 + 0.35 * margin) * sil_score * damp, 3), Source.VISION,
                                 f"the hem lies {m['length']:.2f} {unit} below the "
                                 f"{'waist' if sil in (Silhouette.TROUSERS, Silhouette.SKIRT) else 'shoulders'}"))
    category = _category_hint(sil, m)
    if category is not None:
        value, why = category
        evidence.append(Evidence("category", value, round(0.5 * sil_score * damp, 3), Source.VISION, why))
    return evidence


def _category_hint(sil: Silhouette, m: dict[str, float]) -> tuple[str, str] | None:
    """Only where the shape alone names the category; the text and merchant say the rest."""
    if sil == Silhouette.DRESS:
        return "dress", "a one-piece shape from shoulders to a flared hem"
    if sil == Silhouette.SKIRT:
        return "skirt", "a waistband over a single flared tube"
    if sil == Silhouette.TROUSERS:
        return "trousers", "a waistband over two legs"
    if sil == Silhouette.TOP and m.get("sleeve") == 0.0:
        return "sleeveless", "a top with no sleeves"
    return None
