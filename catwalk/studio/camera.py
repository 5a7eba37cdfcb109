"""A pinhole camera in the studio's world frame (metres, y up; see `skeleton`), framing,
and landmarks in the `KEYPOINTS` pixel convention of `model_repository/README.md`.

Pixel coordinates: origin at the image's top-left corner, x right, y down, the image spans
[0, width] x [0, height] (pixel (i, j) is centred at (i + 0.5, j + 0.5)), as MediaPipe's
normalised landmarks times the image size. Camera space: x right, y down, z forward (depth).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from catwalk.studio.geometry import normalize
from catwalk.vision.labels import PoseKeypoint as K

ASPECTS: dict[str, float] = {"9:16": 9 / 16, "16:9": 16 / 9, "1:1": 1.0, "3:4": 3 / 4}  # width / height


@dataclass(frozen=True)
class Camera:
    """Pinhole camera looking from `position` at `target` with a vertical field of view;
    no roll (the image's vertical is the world's). Resolution-independent: the focal length
    in pixels follows from the image height at projection time."""

    position: tuple[float, float, float]
    target: tuple[float, float, float]
    fov_y_deg: float = 30.0

    def basis(self) -> np.ndarray:
        """Rows: camera x (right), y (down), z (forward) in world coordinates."""
        forward = normalize(np.subtract(self.target, self.position).astype(float))
        right = normalize(np.cross(forward, (0.0, 1.0, 0.0)))
        down = np.cross(forward, right)
        return np.stack([right, down, forward])

    def focal_px(self, height: int) -> float:
        return height / 2 / math.tan(math.radians(self.fov_y_deg) / 2)

    def to_camera(self, points: np.ndarray) -> np.ndarray:
        """World points [..., 3] -> camera space [..., 3] (x right, y down, z depth, metres)."""
        return (np.asarray(points, float) - np.asarray(self.position)) @ self.basis().T

    def project(self, points: np.ndarray, width: int, height: int) -> np.ndarray:
        """World points [..., 3] -> [..., 3]: x_px, y_px, depth (metres along the view axis)."""
        cam = self.to_camera(points)
        f = self.focal_px(height)
        z = np.maximum(cam[..., 2], 1e-6)
        return np.stack([width / 2 + f * cam[..., 0] / z, height / 2 + f * cam[..., 1] / z, cam[..., 2]], axis=-1)

    def moved(self, offset: np.ndarray) -> Camera:
        """The same view translated by `offset` (a dolly or a tracking move)."""
        o = np.asarray(offset, float)
        return Camera(_t(np.add(self.position, o)), _t(np.add(self.target, o)), self.fov_y_deg)


def _t(v: np.ndarray) -> tuple[float, float, float]:
    return float(v[0]), float(v[1]), float(v[2])


def frame_points(points: np.ndarray, aspect: float, *, fov_y_deg: float = 30.0, camera_height: float | None = None,
                 view_dir: tuple[float, float, float] = (0.0, 0.0, -1.0),
                 margins: tuple[float, float, float, float] = (0.07, 0.05, 0.06, 0.06)) -> Camera:
    """A camera looking along `view_dir` (horizontal) that frames every world point.

    margins: free fraction of the image at the top, bottom, left and right. The camera sits
    at `camera_height` (default: 55% of the points' height span above their lowest point)
    and looks at the middle of the points' box; its distance is the smallest that fits.
    """
    pts = np.asarray(points, float).reshape(-1, 3)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    centre = (lo + hi) / 2
    back = -normalize(np.asarray(view_dir, float) * (1, 0, 1))
    h = lo[1] + 0.55 * (hi[1] - lo[1]) if camera_height is None else camera_height
    width, height = (1000.0 * aspect, 1000.0)
    top, bottom, left, right = margins

    def fits(dist: float) -> bool:
        eye = centre + back * dist
        cam = Camera(_t(np.array([eye[0], h, eye[2]])), _t(np.array([centre[0], centre[1], centre[2]])), fov_y_deg)
        px = cam.project(pts, int(width), int(height))
        return bool(np.all(px[:, 2] > 0.05)
                    and px[:, 0].min() >= left * width and px[:, 0].max() <= (1 - right) * width
                    and px[:, 1].min() >= top * height and px[:, 1].max() <= (1 - bottom) * height)

    near, far = 0.3, 1.0
    while not fits(far):
        near, far = far, far * 2
        if far > 1e4:
            raise ValueError("cannot frame these points")
    for _ in range(40):
        mid = (near + far) / 2
        near, far = (near, mid) if fits(mid) else (mid, far)
    eye = centre + back * far
    return Camera(_t(np.array([eye[0], h, eye[2]])), _t(centre), fov_y_deg)


def keypoints_px(world: np.ndarray, camera: Camera, width: int, height: int,
                 visibility: np.ndarray | None = None) -> np.ndarray:
    """World landmarks [33, 3] -> KEYPOINTS [33, 4] float32: x_px, y_px, z, visibility.

    z is the depth relative to the hip midpoint, scaled like x (pixels at the hips' depth;
    smaller = nearer the camera), as MediaPipe's. Visibility defaults to 1 inside the image
    and 0 outside; pass the renderer's occlusion-aware values to override.
    """
    px = camera.project(world, width, height)
    hip_depth = float(px[[K.LEFT_HIP, K.RIGHT_HIP], 2].mean())
    out = np.empty((len(world), 4), np.float32)
    out[:, 0:2] = px[:, 0:2]
    out[:, 2] = (px[:, 2] - hip_depth) * camera.focal_px(height) / max(hip_depth, 1e-6)
    if visibility is None:
        inside = (px[:, 0] >= 0) & (px[:, 0] < width) & (px[:, 1] >= 0) & (px[:, 1] < height) & (px[:, 2] > 0)
        visibility = inside.astype(np.float32)
    out[:, 3] = visibility
    return out
