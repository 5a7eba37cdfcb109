"""Ray-cast shading of ellipsoids and round cones (tapered capsules) into a z-buffered canvas.

Each shape is ray-cast orthographically in its own weak-perspective frame (its projected
centre and scale; a cone uses each end's own depth and scale, so it tapers in perspective),
within its screen bounding box only, with numpy over that box (no per-pixel Python).
Shapes are drawn far to near (painter's order on their depth) and every pixel is also
depth-tested, so interpenetrating parts (an arm pressed against the torso) cut each other
correctly. Silhouettes are anti-aliased analytically: coverage = 0.5 - signed distance (px)
to the shape's outline, blended over what is already there; the truth maps (depth, part
label, garment) take a pixel only where coverage >= 0.5, so they are crisp and agree with
what was drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from catwalk.studio.lighting import Lighting

ELLIPSOID, CONE = 0, 1
NEAR = 0.05  # metres: shapes nearer the camera than this are skipped


@dataclass
class Surface:
    """What a paint function sees for the pixels of a shape's box: `local` is the hit point in
    the shape's own unit coordinates (ellipsoid: on the unit sphere, per semi-axis; cone:
    (along the axis 0..1 unclamped, clamped, 0)), `normal` the unit normal in camera space."""

    local: tuple[np.ndarray, np.ndarray, np.ndarray]
    normal: tuple[np.ndarray, np.ndarray, np.ndarray]


# A paint function returns (albedo [h, w, 3] or None, keep mask [h, w] or None).
Paint = Callable[[Surface], tuple[np.ndarray | None, np.ndarray | None]]


@dataclass
class Shape:
    """A shaded solid in camera space (metres; x right, y down, z forward).

    Ellipsoid: `centre`, `axes` (3x3, columns = semi-axis vectors). Cone: from `centre`
    (radius ra) to `end` (radius rb), round ends unless cut flat (`cut_start`, `cut_end`).
    A cone with `lateral` (camera-space unit vector) has an elliptic cross-section: ra/rb
    along `lateral`, `depth_ratio` times that across it (a torso: wide and shallow)."""

    kind: int
    label: int
    garment: int
    albedo: np.ndarray
    centre: np.ndarray
    axes: np.ndarray | None = None
    end: np.ndarray | None = None
    ra: float = 0.0
    rb: float = 0.0
    shine: float = 0.0
    paint: Paint | None = None
    cut_start: bool = False
    cut_end: bool = False
    lateral: np.ndarray | None = None
    depth_ratio: tuple[float, float] = (1.0, 1.0)  # at the start and the end

    def depth_key(self) -> float:
        if self.kind == CONE and self.end is not None:
            return float(self.centre[2] + self.end[2]) / 2
        return float(self.centre[2])


class Canvas:
    """An image being drawn (float32 over the working region), its depth, label and garment
    maps. `region` bounds every shape (x0, y0, x1, y1); pixels outside keep the backdrop."""

    def __init__(self, backdrop: np.ndarray, focal: float, light: Lighting, region: tuple[int, int, int, int]) -> None:
        self.height, self.width = backdrop.shape[:2]
        self.out = backdrop.copy()
        self.f, self.cx, self.cy = focal, self.width / 2, self.height / 2
        x0, y0, x1, y1 = region
        self.x0, self.y0 = max(0, x0), max(0, y0)
        self.x1, self.y1 = min(self.width, x1), min(self.height, y1)
        self.rgb = self.out[self.y0:self.y1, self.x0:self.x1].astype(np.float32) * np.float32(1 / 255)
        self.zbuf = np.full((self.y1 - self.y0, self.x1 - self.x0), np.inf, np.float32)  # the region's depth
        self.label = np.zeros((self.height, self.width), np.uint8)
        self.garment = np.zeros((self.height, self.width), np.uint8)
        key = light.key_direction()
        half = key + np.array([0, 0, -1], np.float32)
        self.key = key.astype(np.float32)
        self.half = (half / np.linalg.norm(half)).astype(np.float32)
        self.light = light
        self.key_rgb = np.asarray(light.key, np.float32)
        self.ambient_rgb = np.asarray(light.ambient, np.float32)

    def depth_at(self, col: int, row: int) -> float:
        """Depth (m) of the nearest solid surface at a pixel; inf where nothing was drawn."""
        if self.x0 <= col < self.x1 and self.y0 <= row < self.y1:
            return float(self.zbuf[row - self.y0, col - self.x0])
        return float("inf")

    def finish(self) -> np.ndarray:
        if self.rgb.size:
            self.out[self.y0:self.y1, self.x0:self.x1] = cv2.convertScaleAbs(self.rgb, alpha=255.0)
        return self.out

    def project(self, p: np.ndarray) -> tuple[float, float, float]:
        """Camera point -> (u, v, pixels per metre at its depth)."""
        k = self.f / float(p[2])
        return self.cx + float(p[0]) * k, self.cy + float(p[1]) * k, k

    def _box(self, u0: float, v0: float, u1: float, v1: float) -> tuple[int, int, int, int] | None:
        x0, y0 = max(int(np.floor(u0 - 1.5)), self.x0), max(int(np.floor(v0 - 1.5)), self.y0)
        x1, y1 = min(int(np.ceil(u1 + 1.5)), self.x1), min(int(np.ceil(v1 + 1.5)), self.y1)
        return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None

    def draw(self, shape: Shape) -> None:
        if shape.kind == ELLIPSOID:
            self._ellipsoid(shape)
        else:
            self._cone(shape)

    # --- ellipsoids ----------------------------------------------------------------------------

    def _ellipsoid(self, shape: Shape, centre: np.ndarray | None = None, axes: np.ndarray | None = None) -> None:
        c = shape.centre if centre is None else centre
        ax = shape.axes if axes is None else axes
        assert ax is not None
        if c[2] < NEAR:
            return
        uc, vc, k = self.project(c)
        A = ax * k
        ex, ey = float(np.sqrt((A[0] ** 2).sum())), float(np.sqrt((A[1] ** 2).sum()))
        box = self._box(uc - ex, vc - ey, uc + ex, vc + ey)
        if box is None:
            return
        x0, y0, x1, y1 = box
        X = (np.arange(x0, x1, dtype=np.float32) + np.float32(0.5 - uc))[None, :]
        Y = (np.arange(y0, y1, dtype=np.float32) + np.float32(0.5 - vc))[:, None]
        inv = np.linalg.inv(A).astype(np.float32)
        w = inv[:, 2]
        a = float(w @ w)
        M = inv[:, :2] - np.outer(w, w @ inv[:, :2]) / a
        Q = (M.T @ M).astype(np.float32)
        gx = Q[0, 0] * X + Q[0, 1] * Y
        gy = Q[0, 1] * X + Q[1, 1] * Y
        rho2 = gx * X + gy * Y
        sdf = (rho2 - 1) / (2 * np.sqrt(gx * gx + gy * gy) + np.float32(1e-6))
        alpha = np.clip(np.float32(0.5) - sdf, 0, 1)
        if not alpha.any():
            return
        q = [inv[i, 0] * X + inv[i, 1] * Y for i in range(3)]
        b = q[0] * w[0] + q[1] * w[1] + q[2] * w[2]
        s = (-b - np.sqrt(np.maximum(a * (1 - rho2), 0))) / a
        q = [q[i] + s * w[i] for i in range(3)]
        n = [inv[0, i] * q[0] + inv[1, i] * q[1] + inv[2, i] * q[2] for i in range(3)]
        norm = np.float32(1) / np.sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2] + np.float32(1e-12))
        n = [v * norm for v in n]
        depth = np.float32(c[2]) + s * np.float32(1 / k)
        self._shade(shape, box, alpha, depth, Surface((q[0], q[1], q[2]), (n[0], n[1], n[2])))

    # --- round cones ---------------------------------------------------------------------------

    def _cone(self, shape: Shape) -> None:
        a3, b3 = shape.centre, shape.end
        assert b3 is not None
        if a3[2] < NEAR or b3[2] < NEAR:
            return
        ua, va, ka = self.project(a3)
        ub, vb, kb = self.project(b3)
        dx, dy = ub - ua, vb - va
        length = float(np.hypot(dx, dy))
        if length < 1e-6:
            self._ellipsoid(shape, a3, np.eye(3) * max(shape.ra, shape.rb))
            return
        ux, uy = dx / length, dy / length
        # Cross-section in the plane (across the image, depth): an ellipse |G^-1 p| = radius,
        # H = G^-T G^-1 per end. Round tubes: H = I.
        hs = [np.eye(2), np.eye(2)]
        if shape.lateral is not None:
            axis = (b3 - a3) / max(float(np.linalg.norm(b3 - a3)), 1e-9)
            lat = shape.lateral - float(shape.lateral @ axis) * axis
            lat /= max(float(np.linalg.norm(lat)), 1e-9)
            other = np.cross(axis, lat)
            across3 = np.array([-uy, ux, 0.0])
            for j, ratio in enumerate(shape.depth_ratio):
                g = np.array([[lat @ across3, ratio * (other @ across3)], [lat[2], ratio * other[2]]])
                if abs(np.linalg.det(g)) > 1e-6:
                    gi = np.linalg.inv(g)
                    hs[j] = gi.T @ gi
        wide = [float(np.sqrt(h[1, 1] / np.linalg.det(h))) for h in hs]  # silhouette half-width / radius
        ra, rb = shape.ra * ka * wide[0], shape.rb * kb * wide[1]
        if abs(ra - rb) >= length * 0.999:  # one end's sphere swallows the other
            big = a3 if ra >= rb else b3
            self._ellipsoid(shape, big, np.eye(3) * (shape.ra if big is a3 else shape.rb))
            return
        # Screen box: a round end adds its whole circle, a cut end only its flat edge.
        xs, ys = [], []
        for (u, v, rad), cut in (((ua, va, ra), shape.cut_start), ((ub, vb, rb), shape.cut_end)):
            if cut:
                xs += [u - uy * rad, u + uy * rad]
                ys += [v + ux * rad, v - ux * rad]
            else:
                xs += [u - rad, u + rad]
                ys += [v - rad, v + rad]
        box = self._box(min(xs), min(ys), max(xs), max(ys))
        if box is None:
            return
        x0, y0, x1, y1 = box
        X = (np.arange(x0, x1, dtype=np.float32) + np.float32(0.5 - ua))[None, :]
        Y = (np.arange(y0, y1, dtype=np.float32) + np.float32(0.5 - va))[:, None]
        sin_phi = (ra - rb) / length
        tan_phi = sin_phi / np.sqrt(1 - sin_phi * sin_phi)
        along = X * np.float32(ux) + Y * np.float32(uy)
        side = X * np.float32(-uy) + Y * np.float32(ux)
        t = along * np.float32(1 / length)
        s = np.clip(t - np.abs(side) * np.float32(tan_phi / length), 0, 1)
        ex = X - s * np.float32(dx)
        ey = Y - s * np.float32(dy)
        r = np.float32(ra) + s * np.float32(rb - ra)
        dist = np.sqrt(ex * ex + ey * ey)
        alpha = np.clip(np.float32(0.5) + r - dist, 0, 1)
        if shape.cut_end:
            alpha = np.minimum(alpha, np.clip((np.float32(1) - t) * np.float32(length) + np.float32(0.5), 0, 1))
        if shape.cut_start:
            alpha = np.minimum(alpha, np.clip(t * np.float32(length) + np.float32(0.5), 0, 1))
        if not alpha.any():
            return
        k = np.float32(ka) + s * np.float32(kb - ka)
        if shape.lateral is None:
            inv_r = np.float32(1) / r
            h = np.sqrt(np.maximum(r * r - dist * dist, 0))
            n = (ex * inv_r, ey * inv_r, -h * inv_r)
            z = -h
        else:
            h11, h12, h22 = (np.float32(hs[0][i, j]) + s * np.float32(hs[1][i, j] - hs[0][i, j])
                             for i, j in ((0, 0), (0, 1), (1, 1)))
            lateral = ex * np.float32(-uy) + ey * np.float32(ux)
            axial = ex * np.float32(ux) + ey * np.float32(uy)
            true_r = np.float32(shape.ra) * np.float32(ka) + s * np.float32(shape.rb * kb - shape.ra * ka)
            disc = h22 * (true_r * true_r - axial * axial) - (h11 * h22 - h12 * h12) * lateral * lateral
            z = (-h12 * lateral - np.sqrt(np.maximum(disc, 0))) / h22
            gl, gz = h11 * lateral + h12 * z, h12 * lateral + h22 * z
            nx, ny = gl * np.float32(-uy) + axial * np.float32(ux), gl * np.float32(ux) + axial * np.float32(uy)
            norm = np.float32(1) / np.sqrt(nx * nx + ny * ny + gz * gz + np.float32(1e-12))
            n = (nx * norm, ny * norm, gz * norm)
        depth = np.float32(a3[2]) + s * np.float32(b3[2] - a3[2]) + z / k
        self._shade(shape, box, alpha, depth, Surface((t, s, np.zeros_like(s)), n))

    # --- shading and compositing ----------------------------------------------------------------

    def _shade(self, shape: Shape, box: tuple[int, int, int, int], alpha: np.ndarray, depth: np.ndarray,
               surf: Surface) -> None:
        """Light the shape's pixels, blend them over the canvas by coverage where they pass
        the depth test, and take the truth maps where coverage >= 0.5. Three-channel work
        goes through OpenCV (numpy's broadcasting over channels is ~10x slower)."""
        x0, y0, x1, y1 = box
        painted = None
        if shape.paint is not None:
            painted, keep = shape.paint(surf)
            if keep is not None:
                alpha = np.where(keep, alpha, np.float32(0))
        zbuf = self.zbuf[y0 - self.y0:y1 - self.y0, x0 - self.x0:x1 - self.x0]
        alpha = np.where(depth < zbuf, alpha, np.float32(0))
        if not alpha.any():
            return
        nx, ny, nz = surf.normal
        lx, ly, lz = self.key
        wrap = np.float32(self.light.wrap)
        diffuse = np.clip((nx * lx + ny * ly + nz * lz + wrap) * np.float32(1 / (1 + wrap)), 0, 1)
        # Softly darker towards the outline (a cheap occlusion cue that reads as volume).
        rim = np.float32(0.86) + np.float32(0.14) * np.minimum(-nz * np.float32(1.6), 1)
        if shape.shine > 0:
            hx, hy, hz = self.half
            spec = np.clip(nx * hx + ny * hy + nz * hz, 0, 1)
            spec *= spec
            spec *= spec
            spec *= spec
            spec *= spec
        else:
            spec = np.zeros_like(rim)
        terms = cv2.merge([rim, diffuse * rim, spec])
        amb, key = self.ambient_rgb, self.key_rgb
        shine = key * np.float32(shape.shine)
        if painted is None:
            a = np.asarray(shape.albedo, np.float32)
            colour = cv2.transform(terms, np.column_stack([a * amb, a * key, shine]).astype(np.float32))
        else:
            zero = np.zeros(3, np.float32)
            light = cv2.transform(terms, np.column_stack([amb, key, zero]).astype(np.float32))
            colour = cv2.multiply(np.ascontiguousarray(painted, np.float32), light)
            if shape.shine > 0:
                colour = cv2.add(colour, cv2.transform(terms, np.column_stack([zero, zero, shine]).astype(np.float32)))
        rgb = self.rgb[y0 - self.y0:y1 - self.y0, x0 - self.x0:x1 - self.x0]
        cv2.blendLinear(colour, rgb, alpha, np.float32(1) - alpha, dst=rgb)
        solid = alpha >= 0.5
        np.copyto(zbuf, depth, where=solid)
        np.copyto(self.label[y0:y1, x0:x1], np.uint8(shape.label), where=solid)
        np.copyto(self.garment[y0:y1, x0:x1], np.uint8(shape.garment), where=solid)
