"""The visual descriptor that matches a product photo to template videos by look: lighting,
scene and colour, 8 numbers each (DESCRIPTOR_DIM = 24). No image-embedding weights exist
offline, so it is measured: Lab statistics of the whole picture (lighting), of what is not
the person (scene) and a chroma-weighted hue histogram (colour). Each group is centred on
typical values and scaled to unit length, so cosine similarity weighs the three alike.
Pure numpy/OpenCV: the template importer, the studio seed and the product parser share it."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

DESCRIPTOR_DIM = 24
_WORK_SIDE = 256  # statistics are taken on a downscaled copy: fast, and blind to noise


def visual_descriptor(images: Sequence[np.ndarray], person_masks: Sequence[np.ndarray] | None = None) -> np.ndarray:
    """float32 [24], unit length (or zeros for nothing measurable), from RGB uint8 images
    (a few frames of a clip, or one photo) and optional masks of the person/garment (> 0),
    which are left out of the scene statistics."""
    if not images:
        raise ValueError("images: at least one image is needed")
    if person_masks is not None and len(person_masks) != len(images):
        raise ValueError(f"person_masks: {len(person_masks)} masks for {len(images)} images")
    parts = [_one(image, None if person_masks is None else person_masks[i]) for i, image in enumerate(images)]
    lighting, scene, colour = (np.mean([p[g] for p in parts], axis=0) for g in range(3))
    groups = [_unit(g) for g in (lighting, scene, colour)]
    out = np.concatenate(groups) / np.sqrt(3)
    return out.astype(np.float32)


def _one(image: np.ndarray, mask: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"images: expected uint8 [H, W, 3], got {image.dtype} {list(image.shape)}")
    h, w = image.shape[:2]
    scale = min(1.0, _WORK_SIDE / max(h, w))
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    small = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    lab = cv2.cvtColor(small.astype(np.float32) / 255, cv2.COLOR_RGB2LAB)
    L, a, b = (np.asarray(lab[..., i], np.float64) for i in range(3))
    person = np.zeros(L.shape, bool) if mask is None else cv2.resize(
        (mask > 0).astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0
    scene_px = ~person if (~person).sum() >= 16 else np.ones_like(person)
    third = max(1, L.shape[0] // 3)

    bright = L > 50
    lighting = np.array([
        L.mean() / 100 - 0.6,
        L.std() / 50 - 0.4,
        float(np.percentile(L, 5)) / 100 - 0.2,
        float(np.percentile(L, 95)) / 100 - 0.9,
        (L < 20).mean() - 0.05,
        (L > 85).mean() - 0.2,
        (b[bright].mean() if bright.any() else 0.0) / 20,  # warm (yellow) vs cool (blue) light
        (L[:third].mean() - L[-third:].mean()) / 50,  # light from above, or a bright floor
    ])
    Ls, chroma = L[scene_px], np.hypot(a, b)
    grey = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    edges = cv2.Canny(grey, 60, 160) > 0
    top_s, bottom_s = scene_px[:third], scene_px[-third:]
    scene = np.array([
        Ls.mean() / 100 - 0.7,
        Ls.std() / 30 - 0.3,  # flat backdrop vs a room
        chroma[scene_px].mean() / 30 - 0.2,
        edges[scene_px].mean() * 10 - 0.3,  # texture: studio paper vs a street
        a[scene_px].mean() / 20,
        b[scene_px].mean() / 20,
        ((L[:third][top_s].mean() if top_s.any() else 0) - (L[-third:][bottom_s].mean() if bottom_s.any() else 0)) / 50,
        person.mean() * 2 - 0.6,  # how much of the frame the subject fills
    ])
    hue = (np.degrees(np.arctan2(b, a)) % 360) // 45
    colour = np.bincount(hue.astype(int).ravel(), weights=np.clip(chroma, 0, 60).ravel() / 60, minlength=8)[:8]
    colour = colour / hue.size
    return lighting, scene, colour


def _unit(v: np.ndarray) -> np.ndarray:
    v = np.nan_to_num(np.asarray(v, np.float64))
    n = np.linalg.norm(v)
    return v / n if n > 1e-9 else np.zeros_like(v)
