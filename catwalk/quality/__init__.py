"""Quality figures of rendered shots (DESIGN.md, "Quality figures every rendered shot
reports"): garment colour ΔE, garment coverage IoU, temporal jitter, identity distance.
Pure functions over numpy arrays; importing does nothing heavy."""

from __future__ import annotations

from catwalk.quality.colour import (
    Palette,
    PaletteColour,
    colour_delta_e,
    garment_palette,
    luminance_ratio,
    palette_delta_e,
)
from catwalk.quality.figures import (
    JITTER_RATIO_TARGET,
    MIN_VISIBILITY,
    SAME_PERSON_DISTANCE,
    JitterMeter,
    ShotFrame,
    ShotQuality,
    ShotQualityMeter,
    faces_found,
    garment_coverage_iou,
    garment_delta_e,
    garment_delta_e_frames,
    id_distance,
    id_distances,
    jitter_ratio,
    mean_coverage_iou,
    shot_quality,
    split_points,
    temporal_jitter,
)

__all__ = [
    "JITTER_RATIO_TARGET", "MIN_VISIBILITY", "SAME_PERSON_DISTANCE", "JitterMeter", "Palette", "PaletteColour",
    "ShotFrame", "ShotQuality", "ShotQualityMeter", "colour_delta_e", "faces_found", "garment_coverage_iou",
    "garment_delta_e", "garment_delta_e_frames", "garment_palette", "id_distance", "id_distances", "jitter_ratio",
    "luminance_ratio", "mean_coverage_iou", "palette_delta_e", "shot_quality", "split_points", "temporal_jitter",
]
