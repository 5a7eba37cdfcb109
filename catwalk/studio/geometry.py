"""Small 3D and trajectory helpers shared by the studio modules (numpy only).

Rotations act on column vectors in the world frame of `catwalk.studio.skeleton` (metres,
y up, x to the person's left when they face +z, z forward). Trajectory shapes (`min_jerk`,
`smoothstep`, `envelope`) take scalars or arrays and return the same kind.
"""

from __future__ import annotations

import math
from typing import TypeVar

import numpy as np

Vec3 = tuple[float, float, float]
Scalar = float | np.ndarray  # a float, or an array of them (trajectories take either)


def rot_x(a: float) -> np.ndarray:
    c, s = math.cos(a), math.sin(a)
    return np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])


def rot_y(a: float) -> np.ndarray:
    c, s = math.cos(a), math.sin(a)
    return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])


def rot_z(a: float) -> np.ndarray:
    c, s = math.cos(a), math.sin(a)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def normalize(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 1e-12 else v


def perpendicular(v: np.ndarray, axis: np.ndarray) -> np.ndarray:
    """Unit component of `v` orthogonal to the unit vector `axis` (zero vector if parallel)."""
    return normalize(v - float(v @ axis) * axis)


def yaw_of(direction: np.ndarray) -> float:
    """Heading (rotation about +y) that turns +z towards `direction`."""
    return math.atan2(float(direction[0]), float(direction[2]))


def smoothstep(x: Scalar) -> Scalar:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def min_jerk(x: Scalar) -> Scalar:
    """Minimum-jerk profile 0 -> 1 on [0, 1] (zero velocity and acceleration at both ends)."""
    x = np.clip(x, 0.0, 1.0)
    return x * x * x * (10.0 + x * (-15.0 + 6.0 * x))


def envelope(t: float, start: float, rise: float, hold: float, fall: float) -> float:
    """0 before `start`, min-jerk up over `rise`, 1 for `hold`, min-jerk down over `fall`."""
    up = min_jerk((t - start) / rise) if rise > 0 else float(t >= start)
    down = min_jerk((t - start - rise - hold) / fall) if fall > 0 else float(t >= start + rise + hold)
    return float(up - down)


def loop_frequency(period: float, seconds: float) -> float:
    """The frequency nearest 1/period that fits a whole number of cycles into `seconds`."""
    cycles = max(1, round(seconds / period))
    return cycles / seconds


def smin(a: float, b: float, k: float) -> float:
    """Smooth minimum (never above min(a, b)), blending over about `k`."""
    m = min(a, b)
    return m - k * math.log(math.exp((m - a) / k) + math.exp((m - b) / k))


T = TypeVar("T", float, np.ndarray)


def lerp(a: T, b: T, w: float) -> T:
    return a + (b - a) * w
