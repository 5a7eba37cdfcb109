"""Lighting presets: a key light (direction in camera space, colour, strength), a fill
(ambient) colour, and how they tint the backdrop and the contact shadow."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from catwalk.studio.geometry import normalize


@dataclass(frozen=True)
class Lighting:
    """Shading: colour = albedo * (ambient + key * wrapped_lambert(n . to_key)) + specular.

    to_key: direction towards the key light in camera space (x right, y down, z forward:
    a light behind the camera has z < 0). wrap softens the terminator (0 = hard Lambert).
    backdrop: multiplier for the background's colours; shadow: contact shadow darkness.
    """

    name: str
    to_key: tuple[float, float, float]
    key: tuple[float, float, float]
    ambient: tuple[float, float, float]
    wrap: float
    specular: float
    backdrop: tuple[float, float, float]
    shadow: float

    def key_direction(self) -> np.ndarray:
        return normalize(np.asarray(self.to_key, np.float32))


LIGHTING: dict[str, Lighting] = {
    "soft": Lighting("soft", (-0.45, -0.6, -0.66), (0.56, 0.56, 0.54), (0.42, 0.42, 0.44), 0.45, 0.12,
                     (1.0, 1.0, 1.0), 0.42),
    "warm": Lighting("warm", (-0.6, -0.5, -0.62), (0.7, 0.6, 0.47), (0.42, 0.37, 0.33), 0.3, 0.14,
                     (1.06, 0.95, 0.8), 0.5),
    "cool": Lighting("cool", (0.5, -0.55, -0.67), (0.56, 0.6, 0.66), (0.38, 0.41, 0.46), 0.3, 0.16,
                     (0.84, 0.93, 1.08), 0.5),
    "high_key": Lighting("high_key", (-0.2, -0.45, -0.87), (0.5, 0.5, 0.5), (0.62, 0.62, 0.62), 0.7, 0.08,
                         (1.18, 1.18, 1.18), 0.25),
}


def lighting(name: str) -> Lighting:
    if name not in LIGHTING:
        raise KeyError(f"unknown lighting {name!r}; known: {', '.join(LIGHTING)}")
    return LIGHTING[name]
