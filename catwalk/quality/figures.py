"""The quality figures every rendered shot reports (DESIGN.md, "Quality figures"):

- garment colour: shading-normalised CIEDE2000, product vs rendered garment (the
  normalisation and the handling of patterns are in `catwalk.quality.colour`);
- garment coverage: IoU of the rendered garment mask with the target clothing region;
- temporal jitter: mean |second difference| of landmark tracks, px/frame², the garment's
  beside the input pose's (target: garment / pose <= `JITTER_RATIO_TARGET`);
- identity: face-embedding distance of the shot's model to the job's reference face
  (same person below `SAME_PERSON_DISTANCE`).

Each figure is a pure function over arrays; `ShotQualityMeter` (or `shot_quality`) takes a
clip frame by frame — nothing but running sums and the last two frames' points is kept —
and returns a `ShotQuality` whose `as_dict()` goes into the JSON report.

Conventions. Images: [H, W, 3] RGB, uint8 or float 0..1. Masks: [H, W], set where >= 0.5
(bool, 0/1, 0/255 and soft masks alike). Points: [K, 2] (x, y) pixels, or the contract
layouts [K, 3] (x, y, visible: garment LANDMARKS) and [K, 4] (x, y, z, visibility: pose
KEYPOINTS) whose last column is the visibility; a point is used where its visibility is
>= `MIN_VISIBILITY` and its coordinates are finite. Bad input raises ValueError naming the
argument; figures a clip cannot give (no face in any frame, no track three frames long)
are nan, and `as_dict` writes them as null.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass

import numpy as np

from catwalk.quality.colour import Palette, check_image, check_mask, garment_palette, luminance_ratio, palette_delta_e

JITTER_RATIO_TARGET = 1.5  # a try-on's garment may shake at most 1.5x as much as the pose it follows
SAME_PERSON_DISTANCE = 0.6  # dlib face descriptors: below this, the same person
MIN_VISIBILITY = 0.5  # the studio's hidden keypoints are 0.25, MediaPipe's is a probability


# --- garment colour ------------------------------------------------------------------------------


def _pairs(first: Iterable[np.ndarray], second: Iterable[np.ndarray], names: tuple[str, str]
           ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """zip that names the shorter argument instead of zip's 'argument 2'."""
    a, b = iter(first), iter(second)
    n = 0
    sentinel = object()
    while True:
        x, y = next(a, sentinel), next(b, sentinel)
        if x is sentinel and y is sentinel:
            return
        if x is sentinel or y is sentinel:
            short, long_ = (names[0], names[1]) if x is sentinel else (names[1], names[0])
            raise ValueError(f"{short} has {n} items but {long_} has more: one mask per frame")
        yield x, y  # type: ignore[misc]
        n += 1


def garment_delta_e_frames(product_rgb: np.ndarray, product_mask: np.ndarray, frames: Iterable[np.ndarray],
                           garment_masks: Iterable[np.ndarray]) -> np.ndarray:
    """Per-frame shading-normalised CIEDE2000 (float64 [T]) between the product photo's
    garment colours and each frame's rendered garment region's; nan where that
    frame's mask is empty (the garment out of view: coverage IoU tells whether it should
    have been). See `catwalk.quality.colour` for the normalisation."""
    product = garment_palette(product_rgb, product_mask, argument="product_mask", image_argument="product_rgb")
    out = [_frame_delta_e(product, frame, mask, f"garment_masks[{i}]", f"frames[{i}]")[0]
           for i, (frame, mask) in enumerate(_pairs(frames, garment_masks, ("frames", "garment_masks")))]
    return np.asarray(out, np.float64)


def garment_delta_e(product_rgb: np.ndarray, product_mask: np.ndarray, frames: Iterable[np.ndarray],
                    garment_masks: Iterable[np.ndarray]) -> float:
    """Mean over frames of `garment_delta_e_frames`, frames without the garment left out.
    ValueError when there are no frames or no frame shows the garment."""
    per_frame = garment_delta_e_frames(product_rgb, product_mask, frames, garment_masks)
    if per_frame.size == 0:
        raise ValueError("frames is empty: no rendered frame to measure")
    if np.all(np.isnan(per_frame)):
        raise ValueError("garment_masks are all empty: the garment is in no frame")
    return float(np.nanmean(per_frame))


def _frame_delta_e(product: Palette, frame: np.ndarray, mask: np.ndarray, mask_name: str,
                   frame_name: str) -> tuple[float, float]:
    """(ΔE00, luminance ratio) of one frame; (nan, nan) when its garment mask is empty."""
    image = check_image(frame, frame_name)
    region = check_mask(mask, mask_name, image.shape[:2], f"{frame_name}'s")
    if not region.any():
        return math.nan, math.nan
    rendered = garment_palette(image, region, argument=mask_name, image_argument=frame_name)
    return palette_delta_e(product, rendered), luminance_ratio(product, rendered)


# --- garment coverage ----------------------------------------------------------------------------


def garment_coverage_iou(rendered_mask: np.ndarray, target_mask: np.ndarray) -> float:
    """Intersection over union of the rendered garment mask and the target clothing region.

    Both empty -> 1.0: the render agrees with a target that has no garment in view (a frame
    where the garment is hidden must not count against the clip); one empty -> 0.0.
    ValueError naming the argument for a non-2-D mask or shapes that differ.
    """
    rendered = check_mask(rendered_mask, "rendered_mask")
    target = check_mask(target_mask, "target_mask", rendered.shape, "rendered_mask's")
    union = int(np.count_nonzero(rendered | target))
    if union == 0:
        return 1.0
    return int(np.count_nonzero(rendered & target)) / union


def mean_coverage_iou(rendered_masks: Iterable[np.ndarray], target_masks: Iterable[np.ndarray]) -> float:
    """Mean over frames of `garment_coverage_iou`. ValueError when there are no frames or
    the two sequences differ in length."""
    ious = [garment_coverage_iou(r, t) for r, t in _pairs(rendered_masks, target_masks,
                                                          ("rendered_masks", "target_masks"))]
    if not ious:
        raise ValueError("rendered_masks is empty: no frame to measure")
    return float(np.mean(ious))


# --- temporal jitter -----------------------------------------------------------------------------


def split_points(points: np.ndarray, argument: str = "points", min_visibility: float = MIN_VISIBILITY
                 ) -> tuple[np.ndarray, np.ndarray]:
    """[K, 2] / [K, 3] / [K, 4] points -> (xy float64 [K, 2], usable bool [K]) (module notes)."""
    arr = np.asarray(points, np.float64)
    if arr.ndim != 2 or arr.shape[1] not in (2, 3, 4):
        raise ValueError(f"{argument} must be [K, 2] (x, y), [K, 3] (x, y, visible) or [K, 4] "
                         f"(x, y, z, visibility), got shape {arr.shape}")
    xy = arr[:, :2]
    usable = np.all(np.isfinite(xy), axis=1)
    if arr.shape[1] > 2:
        usable &= arr[:, -1] >= min_visibility
    return xy, usable


class JitterMeter:
    """Streaming `temporal_jitter`: feed one frame's points at a time.

    At frame t >= 2 each landmark visible at t-2, t-1 and t adds |p[t] - 2 p[t-1] + p[t-2]|;
    `value` is the mean of those magnitudes (nan while there are none).
    """

    def __init__(self, min_visibility: float = MIN_VISIBILITY) -> None:
        self.min_visibility = min_visibility
        self.frames = 0
        self.measured = 0  # second differences summed
        self._total = 0.0
        self._last: list[tuple[np.ndarray, np.ndarray] | None] = []
        self._count: int | None = None  # landmarks per frame, fixed by the first frame

    def add(self, points: np.ndarray, visibility: np.ndarray | None = None, argument: str = "points") -> None:
        """points: one frame's [K, 2|3|4] (module notes); visibility [K] overrides its last column."""
        xy, usable = split_points(points, argument, self.min_visibility)
        if visibility is not None:
            vis = np.asarray(visibility, np.float64)
            if vis.shape != (len(xy),):
                raise ValueError(f"visibility for {argument} must have shape ({len(xy)},), got {vis.shape}")
            usable = np.all(np.isfinite(xy), axis=1) & (vis >= self.min_visibility)
        if self._count is not None and len(xy) != self._count:
            raise ValueError(f"{argument} has {len(xy)} points but earlier frames had {self._count}")
        self._count = len(xy)
        self._push((xy, usable))
        if len(self._last) == 3 and None not in self._last:
            (a, va), (b, vb), (c, vc) = self._last  # type: ignore[misc]
            ok = va & vb & vc
            if ok.any():
                d = c[ok] - 2 * b[ok] + a[ok]
                self._total += float(np.sqrt((d * d).sum(axis=1)).sum())
                self.measured += int(ok.sum())

    def gap(self) -> None:
        """A frame without points: no second difference spans it."""
        self._push(None)

    def _push(self, entry: tuple[np.ndarray, np.ndarray] | None) -> None:
        self._last = [*self._last[-2:], entry]
        self.frames += 1

    @property
    def value(self) -> float:
        return self._total / self.measured if self.measured else math.nan


def temporal_jitter(tracks: np.ndarray, visibility: np.ndarray | None = None, *,
                    min_visibility: float = MIN_VISIBILITY) -> float:
    """Mean magnitude of the second difference of landmark tracks, in px/frame².

    tracks: [T, K, 2] (x, y) pixels, or [T, K, 3|4] whose last column is the visibility;
    visibility: [T, K] (overrides that column). A second difference at (t, k) counts only
    when landmark k is visible (>= min_visibility, finite) in all three frames t-1, t, t+1.
    A constant-velocity track scores 0; x = A sin(w t) scores 4 A sin²(w/2) · 2/π.
    Fewer than 3 frames: ValueError (no second difference exists, a caller's mistake);
    no landmark visible in three consecutive frames: nan (nothing to measure).
    """
    arr = np.asarray(tracks, np.float64)
    if arr.ndim != 3 or arr.shape[2] not in (2, 3, 4):
        raise ValueError(f"tracks must be [T, K, 2] (or [T, K, 3|4] with visibility last), got shape {arr.shape}")
    if arr.shape[0] < 3:
        raise ValueError(f"tracks has {arr.shape[0]} frames: a second difference needs at least 3")
    vis = None
    if visibility is not None:
        vis = np.asarray(visibility, np.float64)
        if vis.shape != arr.shape[:2]:
            raise ValueError(f"visibility must have shape {arr.shape[:2]} like tracks' [T, K], got {vis.shape}")
    meter = JitterMeter(min_visibility)
    for t in range(arr.shape[0]):
        meter.add(arr[t], None if vis is None else vis[t], argument=f"tracks[{t}]")
    return meter.value


def _ratio(garment: float, pose: float) -> float:
    """garment / pose: 0/0 -> 1.0 (nothing added to a still pose), x/0 -> inf, nan stays nan."""
    if math.isnan(garment) or math.isnan(pose):
        return math.nan
    if pose == 0:
        return 1.0 if garment == 0 else math.inf
    return garment / pose


def jitter_ratio(garment_tracks: np.ndarray, pose_tracks: np.ndarray, *, garment_visibility: np.ndarray | None = None,
                 pose_visibility: np.ndarray | None = None) -> float:
    """The garment landmarks' temporal jitter over the input pose track's (target <= 1.5).
    A still pose: 1.0 if the garment is still too, inf otherwise; nan if either is nan."""
    garment = temporal_jitter(garment_tracks, garment_visibility)
    pose = temporal_jitter(pose_tracks, pose_visibility)
    return _ratio(garment, pose)


# --- identity ------------------------------------------------------------------------------------


def _embeddings(reference_embedding: np.ndarray, shot_embeddings: np.ndarray | Iterable[np.ndarray]
                ) -> tuple[np.ndarray, np.ndarray]:
    ref = np.asarray(reference_embedding, np.float64)
    if ref.ndim != 1 or ref.size == 0:
        raise ValueError(f"reference_embedding must be a 1-D descriptor, got shape {ref.shape}")
    if not np.all(np.isfinite(ref)):
        raise ValueError("reference_embedding has non-finite values")
    if not np.any(ref):
        raise ValueError("reference_embedding is all zeros: no face was found in the reference")
    shots = np.asarray(shot_embeddings if isinstance(shot_embeddings, np.ndarray) else list(shot_embeddings),
                       np.float64)
    if shots.size == 0:
        shots = shots.reshape(0, ref.size)
    if shots.ndim != 2 or shots.shape[1] != ref.size:
        raise ValueError(f"shot_embeddings must be [N, {ref.size}] like reference_embedding, got shape {shots.shape}")
    if not np.all(np.isfinite(shots)):
        raise ValueError("shot_embeddings has non-finite values")
    return ref, shots


def id_distances(reference_embedding: np.ndarray, shot_embeddings: np.ndarray | Iterable[np.ndarray]) -> np.ndarray:
    """Euclidean distance (float64 [N]) of each shot's face embedding to the reference;
    nan where the embedding is all zeros (the face analyzer found no face)."""
    ref, shots = _embeddings(reference_embedding, shot_embeddings)
    d = np.linalg.norm(shots - ref, axis=1)
    d[~np.any(shots, axis=1)] = np.nan
    return d


def id_distance(reference_embedding: np.ndarray, shot_embeddings: np.ndarray | Iterable[np.ndarray]) -> float:
    """Mean of `id_distances` over the shots that had a face; nan if none had
    (`faces_found` tells how many counted)."""
    d = id_distances(reference_embedding, shot_embeddings)
    return float(np.nanmean(d)) if np.isfinite(d).any() else math.nan


def faces_found(shot_embeddings: np.ndarray | Iterable[np.ndarray]) -> int:
    """How many embeddings are not all zeros (the face analyzer found a face)."""
    shots = np.asarray(shot_embeddings if isinstance(shot_embeddings, np.ndarray) else list(shot_embeddings))
    if shots.size == 0:
        return 0
    if shots.ndim != 2:
        raise ValueError(f"shot_embeddings must be [N, D], got shape {shots.shape}")
    return int(np.count_nonzero(np.any(shots != 0, axis=1)))


# --- a shot --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShotFrame:
    """One rendered frame and what it is checked against. Only `image` and `garment_mask`
    are required; a figure whose inputs are absent from every frame comes out nan."""

    image: np.ndarray  # [H, W, 3] the rendered frame
    garment_mask: np.ndarray  # [H, W] the rendered garment region
    target_mask: np.ndarray | None = None  # [H, W] the clothing region the garment should cover
    garment_points: np.ndarray | None = None  # [K, 2|3] garment landmarks tracked in the render
    pose_points: np.ndarray | None = None  # [K, 2|4] the input pose (KEYPOINTS) for this frame
    face_embedding: np.ndarray | None = None  # [128] the render's face; all zeros = no face


@dataclass(frozen=True)
class ShotQuality:
    """The figures of one rendered shot; nan where a figure could not be measured.

    garment_delta_e(_max): mean (max) per-frame shading-normalised ΔE00 over the frames
    showing the garment (`garment_frames` of them; with `colour_every` n, every n-th of
    those is measured, `colour_frames` in all); garment_luminance_ratio: median rendered /
    product median luminance of the garment (lightness, which ΔE leaves out);
    coverage_iou(_min): mean (min) IoU over `coverage_frames` frames with a target;
    garment_jitter, pose_jitter: px/frame²; jitter_ratio = garment / pose (<= 1.5);
    id_distance(_max): mean (max) over `faces_found` of the `face_frames` embeddings given.
    """

    frames: int
    garment_frames: int
    colour_frames: int
    garment_delta_e: float
    garment_delta_e_max: float
    garment_luminance_ratio: float
    coverage_frames: int
    coverage_iou: float
    coverage_iou_min: float
    garment_jitter: float
    pose_jitter: float
    jitter_ratio: float
    face_frames: int
    faces_found: int
    id_distance: float
    id_distance_max: float

    def as_dict(self) -> dict[str, float | int | None]:
        """JSON-ready: non-finite figures (nan, inf) become None."""
        return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in asdict(self).items()}


def _mean(values: list[float]) -> float:
    return float(np.mean(values)) if values else math.nan


class ShotQualityMeter:
    """Accumulates a shot's figures frame by frame (keeps per-frame scalars, not frames).

        meter = ShotQualityMeter(photo.image, photo.mask, reference_embedding=ref)
        for frame in rendered:
            meter.add(ShotFrame(frame.image, frame.garment_mask, target_mask=..., ...))
        report = meter.result().as_dict()

    `colour_every` n > 1 measures ΔE on every n-th frame showing the garment (the first
    always): the palette's clustering costs ~14 ms a 720p frame, and a garment's colour does
    not change between neighbouring frames. Coverage and jitter take every frame.
    """

    def __init__(self, product_rgb: np.ndarray, product_mask: np.ndarray,
                 reference_embedding: np.ndarray | None = None, colour_every: int = 1) -> None:
        if not isinstance(colour_every, int) or colour_every < 1:
            raise ValueError(f"colour_every must be an int >= 1, got {colour_every!r}")
        self._product = garment_palette(product_rgb, product_mask, argument="product_mask",
                                        image_argument="product_rgb")
        self._colour_every = colour_every
        self._garment_frames = 0
        self._reference = None
        if reference_embedding is not None:
            self._reference, _ = _embeddings(reference_embedding, [])
        self._frames = 0
        self._delta_e: list[float] = []
        self._luminance: list[float] = []
        self._iou: list[float] = []
        self._ids: list[float] = []
        self._face_frames = 0
        self._garment = JitterMeter()
        self._pose = JitterMeter()

    def add(self, frame: ShotFrame) -> None:
        i = self._frames
        image = check_image(frame.image, f"frames[{i}].image")
        mask = check_mask(frame.garment_mask, f"frames[{i}].garment_mask", image.shape[:2], f"frames[{i}].image's")
        if mask.any():
            if self._garment_frames % self._colour_every == 0:
                delta_e, lum = _frame_delta_e(self._product, image, mask, f"frames[{i}].garment_mask",
                                              f"frames[{i}].image")
                self._delta_e.append(delta_e)
                self._luminance.append(lum)
            self._garment_frames += 1
        if frame.target_mask is not None:
            target = check_mask(frame.target_mask, f"frames[{i}].target_mask", mask.shape, "garment_mask's")
            self._iou.append(garment_coverage_iou(mask, target))
        for meter, points, name in ((self._garment, frame.garment_points, "garment_points"),
                                    (self._pose, frame.pose_points, "pose_points")):
            if points is None:
                meter.gap()
            else:
                meter.add(points, argument=f"frames[{i}].{name}")
        if frame.face_embedding is not None:
            if self._reference is None:
                raise ValueError(f"frames[{i}].face_embedding given but the meter has no reference_embedding")
            d = id_distances(self._reference, [np.asarray(frame.face_embedding).ravel()])[0]
            self._face_frames += 1
            if math.isfinite(d):
                self._ids.append(float(d))
        self._frames += 1

    def result(self) -> ShotQuality:
        garment, pose = self._garment.value, self._pose.value
        return ShotQuality(
            frames=self._frames,
            garment_frames=self._garment_frames,
            colour_frames=len(self._delta_e),
            garment_delta_e=_mean(self._delta_e),
            garment_delta_e_max=max(self._delta_e, default=math.nan),
            garment_luminance_ratio=float(np.median(self._luminance)) if self._luminance else math.nan,
            coverage_frames=len(self._iou),
            coverage_iou=_mean(self._iou),
            coverage_iou_min=min(self._iou, default=math.nan),
            garment_jitter=garment,
            pose_jitter=pose,
            jitter_ratio=_ratio(garment, pose),
            face_frames=self._face_frames,
            faces_found=len(self._ids),
            id_distance=_mean(self._ids),
            id_distance_max=max(self._ids, default=math.nan),
        )


def shot_quality(product_rgb: np.ndarray, product_mask: np.ndarray, frames: Iterable[ShotFrame],
                 reference_embedding: np.ndarray | None = None, colour_every: int = 1) -> ShotQuality:
    """`ShotQualityMeter` over a stream of frames (the clip is never held whole)."""
    meter = ShotQualityMeter(product_rgb, product_mask, reference_embedding, colour_every)
    for frame in frames:
        meter.add(frame)
    return meter.result()
