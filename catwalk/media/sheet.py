"""Contact sheets: rows of frames tiled into one image, for people to look at what a model
made (test reports, job reports)."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np


def contact_sheet(rows: Sequence[Sequence[np.ndarray]], tile_height: int = 320, gap: int = 4) -> np.ndarray:
    """RGB uint8 sheet: each row's tiles (RGB [H, W, 3] or grey [H, W]) scaled to
    `tile_height`, side by side, rows stacked, on a dark ground."""
    if not rows or not all(rows):
        raise ValueError("a contact sheet needs at least one tile in every row")
    strips = []
    for row in rows:
        tiles = [_tile(t, tile_height) for t in row]
        strip = np.full((tile_height, sum(t.shape[1] for t in tiles) + gap * (len(tiles) - 1), 3), 24, np.uint8)
        x = 0
        for tile in tiles:
            strip[:, x:x + tile.shape[1]] = tile
            x += tile.shape[1] + gap
        strips.append(strip)
    width = max(s.shape[1] for s in strips)
    sheet = np.full((len(strips) * tile_height + gap * (len(strips) - 1), width, 3), 24, np.uint8)
    for i, strip in enumerate(strips):
        y = i * (tile_height + gap)
        sheet[y:y + tile_height, :strip.shape[1]] = strip
    return sheet


def _tile(image: np.ndarray, height: int) -> np.ndarray:
    if image.ndim == 2:
        image = np.repeat(image[..., None], 3, axis=2)
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"a tile must be uint8 [H, W, 3] or [H, W], got {image.dtype} {list(image.shape)}")
    width = max(1, round(image.shape[1] * height / image.shape[0]))
    return cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)
