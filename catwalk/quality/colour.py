"""Garment colour fidelity: the product garment's colours against the rendered garment's,
compared with CIEDE2000 after the render's shading is taken out.

    product = garment_palette(photo.image, photo.mask, argument="product_mask")
    for frame, mask in zip(frames, garment_masks):
        delta_e = palette_delta_e(product, garment_palette(frame, mask))

Why normalise, and how. A try-on keeps the template's folds and light, so the rendered
garment is the product's albedo times a shading factor that varies over the region (and
the clip's exposure differs from the flat-lit product photo). Shading multiplies all three
channels alike, which in CIE XYZ (linear light) changes the luminance Y and leaves the
chromaticity X/Y, Z/Y untouched. CIELAB does not separate the two: darkening a colour
lowers L* *and* shrinks a*, b* (they scale roughly with L* + 16), so neither a plain ΔE
nor one that only matches L* (or down-weights it with kL) is shading-free. Over the studio
palette (`catwalk.studio.look.GARMENT_COLOURS`) darkened to 0.6 (sRGB values x 0.6): plain
ΔE00 4-25, L* matched 0.4-6.5, kL = 4 still 1.3-8.7; this normalisation 0.2-1.6. So:

1. pixels: the mask (>= 0.5), eroded by one pixel when that keeps a quarter of it (its
   rim blends with whatever is next to it), sampled on a regular stride to at most
   `MAX_PIXELS`; pixels with a clipped channel (specular highlights carry the light's
   colour) or nearly black (chromaticity is quantisation noise there) are dropped, as are
   the darkest 5 % and brightest 2 % by luminance (occlusion creases, sheen);
2. colours: each pixel's chromaticity is shown at a fixed mid-grey luminance (L* ≈ 50)
   and its (a*, b*) clustered with a deterministic k-means (k = 4); clusters whose
   centres lie within `MERGE_RADIUS` merge into one colour. A colour's chromaticity is the
   per-component median of X/Y, Z/Y over its pixels, its luminance their median Y, its
   share the fraction of measured pixels it holds. Colours under `MIN_SHARE` (trims,
   buttons, a small logo, stray pixels) are left out unless nothing else is left. A plain
   garment is one colour (shading and the light's slight tint stay within the radius);
   the largest is `Palette.dominant`;
3. comparison of two colours: the rendered chromaticity is placed at the product colour's
   luminance, both go to CIELAB (D65) and `skimage.color.deltaE_ciede2000`. Two colours
   of equal lightness therefore score exactly their CIEDE2000 difference; a difference in
   lightness alone (white vs grey, black vs charcoal) scores 0 — that is reported apart,
   as `luminance_ratio` (median luminance, rendered over product), which a render under
   the same light as its template should keep steady along a clip;
4. comparison of two garments (`palette_delta_e`): for a plain garment simply (3) on the
   two colours. A pattern has several: each product colour is matched to its nearest
   rendered colour and each rendered colour to its nearest product colour, and the two
   share-weighted means of those ΔE are averaged (a symmetric chamfer distance). Taking
   only the majority colour would not do: the studio's stripes are 50/50, so which one
   wins flips with a fold or an occluding arm — a navy/beige stripe compared by its
   majority colour alone scores 0 or 22 at random. Matched, a missing stripe colour costs
   its share of the error and an invented one likewise.

What it cannot remove: the light's own colour. A warm or cool key light tints the render
and counts as colour error (the studio's "warm" preset: ~15 on a white tee, 3-7 on
saturated ones); measure under neutral light or white-balance frames first.

numpy and `skimage.color` only; importing does nothing heavy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_PIXELS = 8192  # pixels sampled per region: the median's error is well below 0.5 ΔE00
CLUSTERS = 4
MERGE_RADIUS = 10.0  # a*, b* units at L* ≈ 50: shading tints stay inside, navy vs black does not
MIN_SHARE = 0.1  # colours holding less of the garment are details, not its colours
_ITERATIONS = 12
_Y_REF = 0.18  # mid grey, L* ≈ 49.5: where chromaticities are clustered
_Y_FLOOR = 0.002  # linear luminance below which a pixel's chromaticity is noise (sRGB ≈ 7/255 grey)
_CLIPPED = 254.5 / 255  # a channel at 255 is clipped: its hue is not the garment's
_TRIM = (5.0, 98.0)  # luminance percentiles kept
_RGB_TO_XYZ = np.array([[0.412453, 0.357580, 0.180423],  # sRGB (D65), as skimage.color's
                        [0.212671, 0.715160, 0.072169],
                        [0.019334, 0.119193, 0.950227]])
_WHITE = _RGB_TO_XYZ.sum(axis=1) / _RGB_TO_XYZ[1].sum()  # D65 white's X/Y, 1, Z/Y: neutral


@dataclass(frozen=True)
class PaletteColour:
    """One colour of a garment. chromaticity: (X/Y, 1, Z/Y) in CIE XYZ (D65) — what shading
    does not change; luminance: Y (0..1, linear light) — what it does; share: the fraction
    of the garment's measured pixels it holds."""

    chromaticity: tuple[float, float, float]
    luminance: float
    share: float

    def xyz(self, luminance: float | None = None) -> np.ndarray:
        """CIE XYZ of this colour, at its own luminance or the one given."""
        y = self.luminance if luminance is None else luminance
        return np.asarray(self.chromaticity, np.float64) * y

    def lab(self, luminance: float | None = None) -> np.ndarray:
        """CIELAB (D65, 2°) of this colour, at its own luminance or the one given."""
        from skimage.color import xyz2lab

        return np.asarray(xyz2lab(self.xyz(luminance)[None, None, :])[0, 0], np.float64)


@dataclass(frozen=True)
class Palette:
    """A garment region's colours, largest share first (see the module's notes).

    luminance: the median Y of all measured pixels; pixels: how many were measured after
    trimming (0 when the region is all but black or clipped: then one neutral colour).
    """

    colours: tuple[PaletteColour, ...]
    luminance: float
    pixels: int

    @property
    def dominant(self) -> PaletteColour:
        return self.colours[0]


def check_image(image: np.ndarray, argument: str) -> np.ndarray:
    """An [H, W, 3] RGB image, uint8 (0..255) or float (0..1), checked and returned as is."""
    arr = np.asarray(image)
    if arr.ndim != 3 or arr.shape[2] != 3:
        raise ValueError(f"{argument} must be an [H, W, 3] RGB image, got shape {arr.shape}")
    if arr.dtype != np.uint8 and not np.issubdtype(arr.dtype, np.floating):
        raise ValueError(f"{argument} must be uint8 (0..255) or float (0..1), got {arr.dtype}")
    return arr


def _as_unit(pixels: np.ndarray, argument: str) -> np.ndarray:
    """uint8 or float pixels -> float64 0..1."""
    if pixels.dtype == np.uint8:
        return pixels.astype(np.float64) / 255.0
    if not np.all(np.isfinite(pixels)):
        raise ValueError(f"{argument} has non-finite values")
    return np.clip(pixels.astype(np.float64), 0.0, 1.0)


def check_mask(mask: np.ndarray, argument: str, shape: tuple[int, ...] | None = None,
               shape_of: str = "the image") -> np.ndarray:
    """A 2-D mask as bool: True where it is >= 0.5 (0/1, 0/255, bool and soft masks alike)."""
    arr = np.asarray(mask)
    if arr.ndim != 2:
        raise ValueError(f"{argument} must be a 2-D [H, W] mask, got shape {arr.shape}")
    if shape is not None and arr.shape != shape:
        raise ValueError(f"{argument} has shape {arr.shape} but {shape_of} is {shape}")
    if arr.dtype == np.bool_:
        return arr
    if not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise ValueError(f"{argument} must be a bool or numeric mask, got {arr.dtype}")
    return np.asarray(arr >= 0.5)


def _erode(mask: np.ndarray) -> np.ndarray:
    """3x3 binary erosion (outside the image counts as background)."""
    padded = np.pad(mask, 1, constant_values=False)
    h, w = mask.shape
    out = mask.copy()
    for dy in range(3):
        for dx in range(3):
            out &= padded[dy:dy + h, dx:dx + w]
    return out


def _srgb_to_linear(rgb: np.ndarray) -> np.ndarray:
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def _kmeans(points: np.ndarray, k: int) -> np.ndarray:
    """Labels of a deterministic k-means: the first centre is the median, each next one the
    point farthest from those chosen; Lloyd iterations from there."""
    centres = [np.median(points, axis=0)]
    nearest = np.sum((points - centres[0]) ** 2, axis=1)
    for _ in range(1, min(k, len(points))):
        far = int(np.argmax(nearest))
        if nearest[far] <= 1e-12:
            break
        centres.append(points[far])
        nearest = np.minimum(nearest, np.sum((points - points[far]) ** 2, axis=1))
    c = np.array(centres)
    labels = np.zeros(len(points), np.intp)
    for _ in range(_ITERATIONS):
        labels = np.argmin(((points[:, None, :] - c[None, :, :]) ** 2).sum(axis=2), axis=1)
        moved = np.array([points[labels == i].mean(axis=0) if np.any(labels == i) else c[i] for i in range(len(c))])
        if np.allclose(moved, c, atol=1e-3):
            break
        c = moved
    return labels


def _merge(points: np.ndarray, labels: np.ndarray, radius: float) -> np.ndarray:
    """Relabel so clusters whose centres lie within `radius` (single link) share a label."""
    ids = np.unique(labels)
    centres = np.array([points[labels == i].mean(axis=0) for i in ids])
    group = list(range(len(ids)))

    def root(i: int) -> int:
        while group[i] != i:
            i = group[i]
        return i

    for a in range(len(ids)):
        for b in range(a + 1, len(ids)):
            if np.linalg.norm(centres[a] - centres[b]) <= radius:
                group[root(b)] = root(a)
    lookup = {int(i): root(n) for n, i in enumerate(ids)}
    return np.array([lookup[int(v)] for v in labels], np.intp) if len(labels) else labels


def garment_palette(image: np.ndarray, mask: np.ndarray, *, argument: str = "mask",
                    image_argument: str = "image") -> Palette:
    """The colours of `image` where `mask` is set (see the module's notes).

    image: [H, W, 3] RGB, uint8 or float 0..1; mask: [H, W], set where >= 0.5.
    Raises ValueError naming `argument` when the mask is empty or of the wrong shape, and
    `image_argument` when the image is malformed.
    """
    from skimage.color import xyz2lab

    rgb = check_image(image, image_argument)
    region = check_mask(mask, argument, rgb.shape[:2], image_argument)
    rows, cols = np.flatnonzero(region.any(axis=1)), np.flatnonzero(region.any(axis=0))
    if rows.size == 0:
        raise ValueError(f"{argument} is empty: no pixel of the garment to measure")
    box = np.s_[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]  # work on the garment's bounding box
    region, rgb = region[box], rgb[box]
    total = int(np.count_nonzero(region))
    inner = _erode(region)
    if np.count_nonzero(inner) >= max(total // 4, 1):
        region = inner
    pixels = rgb[region]
    if len(pixels) > MAX_PIXELS:
        pixels = pixels[:: -(-len(pixels) // MAX_PIXELS)]
    pixels = _as_unit(pixels, image_argument)
    xyz = _srgb_to_linear(pixels) @ _RGB_TO_XYZ.T
    y = xyz[:, 1]
    keep = (y >= _Y_FLOOR) & (pixels.max(axis=1) < _CLIPPED)
    if keep.any():
        lo, hi = np.percentile(y[keep], _TRIM)
        trimmed = keep & (y >= lo) & (y <= hi)
        keep = trimmed if trimmed.any() else keep
    if not keep.any():  # all but black (or all clipped): no chromaticity to speak of
        neutral = PaletteColour((float(_WHITE[0]), 1.0, float(_WHITE[2])), float(np.median(y)), 1.0)
        return Palette((neutral,), neutral.luminance, 0)
    xyz, y = xyz[keep], y[keep]
    chroma = xyz / y[:, None]
    features = np.asarray(xyz2lab((chroma * _Y_REF)[:, None, :])[:, 0, 1:], np.float64)
    labels = _merge(features, _kmeans(features, CLUSTERS), MERGE_RADIUS)
    ids, counts = np.unique(labels, return_counts=True)
    colours = []
    for i in np.argsort(-counts, kind="stable"):
        members = labels == ids[i]
        c = np.median(chroma[members], axis=0)
        colours.append(PaletteColour((float(c[0]), 1.0, float(c[2])), float(np.median(y[members])),
                                     float(counts[i] / len(y))))
    kept = [c for c in colours if c.share >= MIN_SHARE] or colours[:1]
    return Palette(tuple(kept), float(np.median(y)), len(y))


def colour_delta_e(product: PaletteColour, rendered: PaletteColour) -> float:
    """CIEDE2000 between the product colour and the rendered colour's chromaticity shown at
    the product colour's luminance (lightness differences are left out: see the module)."""
    from skimage.color import deltaE_ciede2000

    return float(deltaE_ciede2000(product.lab(), rendered.lab(product.luminance)))


def palette_delta_e(product: Palette, rendered: Palette) -> float:
    """Shading-normalised ΔE00 of two garments: `colour_delta_e` of their one colour each,
    or for patterns the symmetric share-weighted nearest-colour mean (module notes, 4)."""
    d = np.array([[colour_delta_e(p, r) for r in rendered.colours] for p in product.colours])
    wp = np.array([c.share for c in product.colours])
    wr = np.array([c.share for c in rendered.colours])
    forward = float(wp @ d.min(axis=1)) / float(wp.sum())
    backward = float(wr @ d.min(axis=0)) / float(wr.sum())
    return (forward + backward) / 2


def luminance_ratio(product: Palette, rendered: Palette) -> float:
    """Rendered over product median luminance (inf for a black product, 1.0 for two)."""
    if product.luminance <= 0:
        return float("inf") if rendered.luminance > 0 else 1.0
    return rendered.luminance / product.luminance
