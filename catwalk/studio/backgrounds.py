"""Backdrops behind the mannequin, drawn once per clip in screen space from the first
camera: the floor line and horizon come from the camera's geometry. Room and outdoor
backdrops repeat horizontally and scroll when the camera pans (a tracking shot), by the
parallax of a wall a few metres behind the subject; the studio sweep and the gradient are
seamless, so they stay put. Colours are seeded; the lighting preset tints them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from catwalk.studio.camera import Camera
from catwalk.studio.lighting import Lighting

BACKGROUNDS = ("studio", "gradient", "room", "outdoor")
WALL_BEHIND = 3.0  # metres from the subject to the backdrop wall

_STUDIO = ((206, 203, 198), (190, 196, 204), (214, 206, 192), (172, 176, 180), (222, 214, 214), (150, 160, 170))
_GRADIENT = (((238, 232, 224), (176, 168, 160)), ((214, 226, 236), (120, 140, 168)), ((244, 226, 214), (190, 150, 140)),
             ((200, 214, 200), (110, 130, 120)), ((90, 96, 108), (30, 32, 40)))
_WALL = ((226, 218, 204), (204, 214, 214), (236, 230, 220), (196, 186, 176), (212, 202, 214))
_FLOOR = ((150, 112, 80), (176, 146, 112), (120, 96, 80), (190, 186, 180))
_GROUND = ((110, 140, 80), (150, 146, 138), (168, 150, 118))


@dataclass(frozen=True)
class Backdrop:
    """A backdrop image [H, W + period, 3] uint8; `view` gives the W-wide window for a camera."""

    image: np.ndarray
    width: int
    period: int  # horizontal repeat in pixels; 0 = does not scroll
    px_per_metre: float  # scroll per metre of camera movement along `right`
    right: np.ndarray
    origin: np.ndarray  # the first camera's position

    def view(self, camera: Camera) -> np.ndarray:
        if self.period == 0:
            return self.image[:, : self.width]
        shift = float((np.asarray(camera.position) - self.origin) @ self.right) * self.px_per_metre
        offset = round(shift) % self.period
        return self.image[:, offset: offset + self.width]


def _pick(rng: np.random.Generator, palette: tuple[tuple[int, int, int], ...]) -> np.ndarray:
    return np.asarray(palette[int(rng.integers(len(palette)))], np.float32) / 255.0


def _row_of(camera: Camera, point: np.ndarray, width: int, height: int) -> float:
    return float(camera.project(point[None], width, height)[0, 1])


def make_backdrop(kind: str, width: int, height: int, camera: Camera, light: Lighting, seed: int) -> Backdrop:
    if kind not in BACKGROUNDS:
        raise KeyError(f"unknown background {kind!r}; known: {', '.join(BACKGROUNDS)}")
    rng = np.random.default_rng([seed, 0xBAC6, BACKGROUNDS.index(kind)])
    pos, tgt = np.asarray(camera.position), np.asarray(camera.target)
    forward = (tgt - pos) * (1, 0, 1)
    forward /= max(float(np.linalg.norm(forward)), 1e-9)
    subject = float(np.linalg.norm((tgt - pos) * (1, 0, 1)))
    wall = pos + forward * (subject + WALL_BEHIND)
    floor_row = _row_of(camera, wall * (1, 0, 1), width, height)
    horizon = _row_of(camera, pos + forward * 1e4, width, height)
    f = camera.focal_px(height)
    px_per_metre = f / (subject + WALL_BEHIND)
    scrolls = kind in ("room", "outdoor")
    period = round(px_per_metre * (2.6 if kind == "room" else 9.0)) if scrolls else 0
    period = max(period, 8) if scrolls else 0
    w = width + period
    ys = (np.arange(height, dtype=np.float32) + 0.5)[:, None]
    xs = (np.arange(w, dtype=np.float32) + 0.5)[None, :]
    if kind == "studio":
        img = _studio(rng, ys, xs, width, height, floor_row)
    elif kind == "gradient":
        img = _gradient(rng, ys, xs, width, height)
    elif kind == "room":
        img = _room(rng, ys, xs, height, floor_row, px_per_metre, period, float(pos[1]), f, horizon)
    else:
        img = _outdoor(rng, ys, xs, height, horizon, period)
    img = img * np.asarray(light.backdrop, np.float32)
    out = np.clip(img * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return Backdrop(out, width, period, px_per_metre, camera.basis()[0], pos)


def _smooth(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3 - 2 * x)


def _vignette(ys: np.ndarray, xs: np.ndarray, width: int, height: int, strength: float) -> np.ndarray:
    dx = (xs - width / 2) / (0.75 * max(width, height))
    dy = (ys - 0.45 * height) / (0.75 * max(width, height))
    return 1.0 - strength * np.clip(dx * dx + dy * dy, 0, 1)


def _studio(rng: np.random.Generator, ys: np.ndarray, xs: np.ndarray, width: int, height: int,
            floor_row: float) -> np.ndarray:
    wall = _pick(rng, _STUDIO)
    floor = np.clip(wall * rng.uniform(0.9, 1.05), 0, 1)
    soft = 0.06 * height
    blend = _smooth((ys - floor_row + soft) / (2 * soft))  # 0 wall .. 1 floor
    wall_shade = 0.86 + 0.14 * _smooth(ys / max(floor_row, 1.0))
    floor_shade = 1.0 - 0.08 * _smooth((ys - floor_row) / max(height - floor_row, 1.0))
    shade = (1 - blend) * wall_shade + blend * floor_shade
    colour = (1 - blend)[..., None] * wall + blend[..., None] * floor
    return colour * (shade * _vignette(ys, xs, width, height, 0.22))[..., None]


def _gradient(rng: np.random.Generator, ys: np.ndarray, xs: np.ndarray, width: int, height: int) -> np.ndarray:
    a, b = (np.asarray(c, np.float32) / 255.0 for c in _GRADIENT[int(rng.integers(len(_GRADIENT)))])
    angle = rng.uniform(-0.4, 0.4)
    u = ((ys / height - 0.5) * math.cos(angle) + (xs / max(width, 1) - 0.5) * math.sin(angle) * width / height) + 0.5
    t = _smooth(u)[..., None]
    return (a * (1 - t) + b * t) * _vignette(ys, xs, width, height, 0.15)[..., None]


def _room(rng: np.random.Generator, ys: np.ndarray, xs: np.ndarray, height: int, floor_row: float,
          px_per_metre: float, period: int, camera_height: float, focal: float, horizon: float) -> np.ndarray:
    wall, floor = _pick(rng, _WALL), _pick(rng, _FLOOR)
    board = np.clip(wall * 1.08 + 0.05, 0, 1) if rng.random() < 0.5 else wall * 0.55
    y = ys[:, 0]
    img = np.empty((ys.shape[0], xs.shape[1], 3), np.float32)
    img[:] = wall * (0.88 + 0.12 * _smooth(ys / max(floor_row, 1.0)))[..., None]
    # Floor: boards whose seams sit at fixed distances, so they crowd towards the wall.
    below = y >= floor_row
    depth = camera_height * focal / np.maximum(y - horizon, 1e-3)
    seam = np.abs(((depth * 6.0) % 1.0) - 0.5) > 0.46
    floor_shade = (0.92 + 0.08 * np.cos(depth * 2.1)) * np.where(seam, 0.82, 1.0)
    img[below] = (floor * floor_shade[below, None])[:, None, :]
    img[(y >= floor_row - 0.12 * px_per_metre) & ~below] = board
    # A window every `period` pixels: a light frame round glass with a sky gradient, a mullion.
    win_w, win_h, bar = 0.9 * px_per_metre, 1.3 * px_per_metre, 0.06 * px_per_metre
    top = floor_row - 2.2 * px_per_metre
    centre = period * rng.uniform(0.2, 0.8)
    dx = np.abs(((xs[0] - centre + period / 2) % period) - period / 2)
    rows = (y >= top) & (y <= top + win_h)
    img[rows[:, None] & (dx <= win_w / 2)[None, :]] = np.float32(0.95)
    glass_rows = (y >= top + bar) & (y <= top + win_h - bar)
    glass_cols = (dx <= win_w / 2 - bar) & (dx > bar / 2)
    sky = np.stack([np.linspace(0.7, 0.9, len(y)), np.linspace(0.8, 0.93, len(y)), np.full(len(y), 0.97)],
                   axis=1).astype(np.float32)
    glass = glass_rows[:, None] & glass_cols[None, :]
    img[glass] = np.broadcast_to(sky[:, None, :], img.shape)[glass]
    return img


def _outdoor(rng: np.random.Generator, ys: np.ndarray, xs: np.ndarray, height: int, horizon: float,
             period: int) -> np.ndarray:
    ground = _pick(rng, _GROUND)
    y = ys[:, 0]
    sky_t = _smooth(y / max(horizon, 1.0))[:, None]
    sky = np.array([0.42, 0.62, 0.88], np.float32) * (1 - sky_t) + np.array([0.85, 0.9, 0.94], np.float32) * sky_t
    img = np.broadcast_to(sky[:, None, :], (ys.shape[0], xs.shape[1], 3)).copy()
    # Distant hills (periodic in x), then trees, then the ground.
    x = xs[0] * 2 * math.pi / period
    ridge = horizon - height * (0.05 + 0.02 * np.sin(x + rng.uniform(0, 6)) + 0.015 * np.sin(3 * x + rng.uniform(0, 6)))
    hills = y[:, None] >= ridge[None, :]
    img[hills] = np.array([0.55, 0.64, 0.66], np.float32) * 0.9
    for _ in range(int(rng.integers(3, 6))):
        tx = rng.uniform(0, period)
        r = height * rng.uniform(0.02, 0.035)
        ty = horizon - r * rng.uniform(1.2, 1.8)
        dx = np.minimum(np.abs(xs[0] - tx), period - np.abs(xs[0] - tx))
        crown = (dx[None, :] ** 2 + ((y[:, None] - ty) * 0.8) ** 2) <= r * r
        img[crown] = np.array([0.3, 0.42, 0.3], np.float32) * rng.uniform(0.8, 1.1)
        trunk = (dx[None, :] <= r * 0.12) & (y[:, None] > ty) & (y[:, None] <= horizon)
        img[trunk] = np.array([0.35, 0.28, 0.22], np.float32)
    below = y >= horizon
    depth_t = _smooth((y - horizon) / max(height - horizon, 1.0))
    img[below] = (ground * (0.85 + 0.2 * depth_t[below])[:, None])[:, None, :]
    return img
