"""Pose-driven animation of one reference photo (the geometric Animate-Anyone slot).

`animate(reference_image, reference_keypoints, reference_parse, target_keypoints)` makes a
clip of the person in the photo following a pose sequence:

1. **Retarget** (`retarget`): the target skeleton is re-built with the reference's bone
   lengths and the target's bone directions, rooted at the reference's hip centre (the target
   hips' own motion scaled by the torso-length ratio). A motion from `catwalk.studio.motion`
   thus drives any photo, and target == reference gives back the reference exactly.
2. **Smooth** the retargeted tracks over time (`tracks.smooth_tracks`).
3. **Bones**: torso, head, upper arms, forearms, hands, thighs, shins, feet. Every person pixel
   of the reference belongs to one bone: its parse label says which bones may own it
   (a leg label: thigh or shin), the nearest of those owns it; a pixel far from every allowed
   bone (a mislabelled prop) goes to the torso.
4. **Warp**: each bone is one layer, sampled through its `warp.bone_grid` (backward map,
   destination bone -> reference bone) blended near its joints with its neighbours' grids
   (`warp.blend_grids`, linear-blend skinning: no gap opens at a bent elbow).
5. **Background**: the person region of the reference is inpainted once per clip
   (`cv2.inpaint` at reduced resolution); the layers are composited over that plate.
6. **Depth order**: per frame the layers are drawn far to near by the target keypoints' z
   (smaller z is nearer), so an arm in front of the body stays in front.

Everything per frame is batched torch (frames chunked to bound memory): the skinning grids
are computed at `GRID_LONG_SIDE` (the bone maps are affine, so bilinear upsampling loses next
to nothing) and each layer is sampled at full resolution only inside the box it lands in.
The once-per-clip work (ownership, soft layer masks, plate) is numpy/OpenCV. Limits: a limb
hidden in the photo cannot be invented (its layer is whatever the parse gave it, props
included), there is no shading change, and the plate is a smooth fill, not a real background.
Identity is restored afterwards by `catwalk.vision.id_preserve.id_preserve`, fed with
`Animation.face_landmarks`.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from catwalk.vision import warp as W
from catwalk.vision.errors import VisionInputError
from catwalk.vision.labels import NUM_KEYPOINTS, Part
from catwalk.vision.labels import PoseKeypoint as K
from catwalk.vision.tracks import smooth_tracks

__all__ = ["BONES", "Animation", "Bone", "animate", "background_plate", "retarget"]

INPAINT_LONG_SIDE = 256  # the plate is inpainted at this long side, then upsampled
JOINT_RADIUS = 0.18  # neighbour-grid blending radius around a joint (x torso length)
OWNER_REACH = 0.2  # a pixel farther than this (x torso length) beyond its bone goes to the torso
PIXEL_BUDGET = 1 << 24  # pixels x layers x frames per chunk (bounds memory: ~1 GB of layers)
EDGE_SIGMA = 0.002  # layer mask anti-aliasing blur, x image diagonal
GRID_LONG_SIDE = 384  # the skinning grids are computed at this long side and upsampled


@dataclass(frozen=True)
class Bone:
    """A rigid piece: from the mean of keypoints `a` to the mean of `b`, `width` (x torso
    length; None: from the shoulders) across, owning the pixels of `labels`."""

    name: str
    a: tuple[int, ...]
    b: tuple[int, ...]
    width: float | None
    labels: tuple[Part, ...]
    parent: str | None = None  # joined to this bone at its `a` end (skinning blend there)


BONES: tuple[Bone, ...] = (
    Bone("torso", (K.LEFT_SHOULDER, K.RIGHT_SHOULDER), (K.LEFT_HIP, K.RIGHT_HIP), None,
         (Part.NECK, Part.UPPER_GARMENT, Part.LOWER_GARMENT)),
    Bone("head", (K.MOUTH_LEFT, K.MOUTH_RIGHT), (K.LEFT_EYE, K.RIGHT_EYE), 0.7, (Part.FACE, Part.HAIR)),
    Bone("left_upper_arm", (K.LEFT_SHOULDER,), (K.LEFT_ELBOW,), 0.3, (Part.LEFT_UPPER_ARM,), "torso"),
    Bone("right_upper_arm", (K.RIGHT_SHOULDER,), (K.RIGHT_ELBOW,), 0.3, (Part.RIGHT_UPPER_ARM,), "torso"),
    Bone("left_forearm", (K.LEFT_ELBOW,), (K.LEFT_WRIST,), 0.25, (Part.LEFT_FOREARM,), "left_upper_arm"),
    Bone("right_forearm", (K.RIGHT_ELBOW,), (K.RIGHT_WRIST,), 0.25, (Part.RIGHT_FOREARM,), "right_upper_arm"),
    Bone("left_hand", (K.LEFT_WRIST,), (K.LEFT_PINKY, K.LEFT_INDEX), 0.2, (Part.LEFT_HAND,), "left_forearm"),
    Bone("right_hand", (K.RIGHT_WRIST,), (K.RIGHT_PINKY, K.RIGHT_INDEX), 0.2, (Part.RIGHT_HAND,), "right_forearm"),
    Bone("left_thigh", (K.LEFT_HIP,), (K.LEFT_KNEE,), 0.35, (Part.LEFT_LEG, Part.LOWER_GARMENT), "torso"),
    Bone("right_thigh", (K.RIGHT_HIP,), (K.RIGHT_KNEE,), 0.35, (Part.RIGHT_LEG, Part.LOWER_GARMENT), "torso"),
    Bone("left_shin", (K.LEFT_KNEE,), (K.LEFT_ANKLE,), 0.25, (Part.LEFT_LEG, Part.LOWER_GARMENT), "left_thigh"),
    Bone("right_shin", (K.RIGHT_KNEE,), (K.RIGHT_ANKLE,), 0.25, (Part.RIGHT_LEG, Part.LOWER_GARMENT), "right_thigh"),
    Bone("left_foot", (K.LEFT_ANKLE,), (K.LEFT_FOOT_INDEX,), 0.2, (Part.LEFT_FOOT,), "left_shin"),
    Bone("right_foot", (K.RIGHT_ANKLE,), (K.RIGHT_FOOT_INDEX,), 0.2, (Part.RIGHT_FOOT,), "right_shin"),
)
_INDEX = {b.name: i for i, b in enumerate(BONES)}
_TORSO, _HEAD = _INDEX["torso"], _INDEX["head"]

# Retargeting tree: (joint, parent); -1 = hip centre (root), -2 = shoulder centre.
_HIPS, _SHOULDERS = -1, -2
_TREE: tuple[tuple[int, int], ...] = (
    (_SHOULDERS, _HIPS), (K.LEFT_SHOULDER, _SHOULDERS), (K.RIGHT_SHOULDER, _SHOULDERS),
    (K.LEFT_HIP, _HIPS), (K.RIGHT_HIP, _HIPS), (K.NOSE, _SHOULDERS),
    *((k, K.NOSE) for k in (K.LEFT_EYE_INNER, K.LEFT_EYE, K.LEFT_EYE_OUTER, K.RIGHT_EYE_INNER, K.RIGHT_EYE,
                            K.RIGHT_EYE_OUTER, K.LEFT_EAR, K.RIGHT_EAR, K.MOUTH_LEFT, K.MOUTH_RIGHT)),
    (K.LEFT_ELBOW, K.LEFT_SHOULDER), (K.RIGHT_ELBOW, K.RIGHT_SHOULDER),
    (K.LEFT_WRIST, K.LEFT_ELBOW), (K.RIGHT_WRIST, K.RIGHT_ELBOW),
    *((k, K.LEFT_WRIST) for k in (K.LEFT_PINKY, K.LEFT_INDEX, K.LEFT_THUMB)),
    *((k, K.RIGHT_WRIST) for k in (K.RIGHT_PINKY, K.RIGHT_INDEX, K.RIGHT_THUMB)),
    (K.LEFT_KNEE, K.LEFT_HIP), (K.RIGHT_KNEE, K.RIGHT_HIP),
    (K.LEFT_ANKLE, K.LEFT_KNEE), (K.RIGHT_ANKLE, K.RIGHT_KNEE),
    *((k, K.LEFT_ANKLE) for k in (K.LEFT_HEEL, K.LEFT_FOOT_INDEX)),
    *((k, K.RIGHT_ANKLE) for k in (K.RIGHT_HEEL, K.RIGHT_FOOT_INDEX)),
)


@dataclass(frozen=True)
class Animation:
    """`animate`'s result."""

    frames: np.ndarray  # [T, H, W, 3] uint8 RGB
    masks: np.ndarray  # [T, H, W] uint8 person alpha x 255
    keypoints: np.ndarray  # [T, 33, 4] the retargeted, smoothed poses the frames follow
    head_transforms: np.ndarray  # [T, 2, 3] float64: reference pixel -> frame pixel, for the head

    def face_landmarks(self, reference_landmarks: np.ndarray) -> np.ndarray:
        """Reference face landmarks `[N, 2]` carried onto every frame by the head bone -> `[T, N, 2]`."""
        pts = np.asarray(reference_landmarks, np.float64)
        return np.einsum("tij,nj->tni", self.head_transforms[:, :, :2], pts) + self.head_transforms[:, None, :, 2]


# --- retargeting ----------------------------------------------------------------------------


def _with_centres(xy: np.ndarray) -> dict[int, np.ndarray]:
    """Keypoints `[..., 33, 2]` as a dict by index, plus the hip and shoulder centres."""
    pts = {k: xy[..., k, :] for k in range(NUM_KEYPOINTS)}
    pts[_HIPS] = (xy[..., K.LEFT_HIP, :] + xy[..., K.RIGHT_HIP, :]) / 2
    pts[_SHOULDERS] = (xy[..., K.LEFT_SHOULDER, :] + xy[..., K.RIGHT_SHOULDER, :]) / 2
    return pts


def retarget(target_keypoints: np.ndarray, reference_keypoints: np.ndarray) -> np.ndarray:
    """Target poses `[T, 33, 4]` -> the same motion on the reference's body `[T, 33, 4]`.

    Every bone of the skeleton keeps its reference length and takes its target direction;
    the hip centre sits on the reference's, moving as the target's does (relative to the
    first frame) scaled by reference / target torso length. z is scaled alike (it orders the
    layers); visibility is the target's.
    """
    tgt = _check_keypoints("target_keypoints", target_keypoints, batched=True)
    ref = _check_keypoints("reference_keypoints", reference_keypoints, batched=False)
    t_pts, r_pts = _with_centres(tgt[..., :2].astype(np.float64)), _with_centres(ref[:, :2].astype(np.float64))
    ref_torso = float(np.linalg.norm(r_pts[_SHOULDERS] - r_pts[_HIPS]))
    tgt_torso = float(np.linalg.norm(t_pts[_SHOULDERS][0] - t_pts[_HIPS][0]))
    if ref_torso < 1 or tgt_torso < 1:
        name = "reference_keypoints" if ref_torso < 1 else "target_keypoints"
        raise VisionInputError(name, "shoulders and hips coincide: no torso to scale by")
    scale = ref_torso / tgt_torso
    out: dict[int, np.ndarray] = {_HIPS: r_pts[_HIPS][None] + scale * (t_pts[_HIPS] - t_pts[_HIPS][:1])}
    for joint, parent in _TREE:
        length = np.linalg.norm(r_pts[joint] - r_pts[parent])
        d = t_pts[joint] - t_pts[parent]
        norm = np.linalg.norm(d, axis=-1, keepdims=True)
        fallback = (r_pts[joint] - r_pts[parent]) / max(length, 1e-9)
        unit = np.where(norm > 1e-9, d / np.maximum(norm, 1e-9), fallback[None])
        out[joint] = out[parent] + length * unit
    result = np.empty_like(tgt)
    result[..., :2] = np.stack([out[k] for k in range(NUM_KEYPOINTS)], axis=1)
    result[..., 2] = tgt[..., 2] * scale
    result[..., 3] = tgt[..., 3]
    return result


# --- background -----------------------------------------------------------------------------


def background_plate(image: np.ndarray, person: np.ndarray) -> np.ndarray:
    """The reference with the person (`[H, W]` bool) inpainted away, `[H, W, 3]` uint8.

    Inpainting runs at `INPAINT_LONG_SIDE` (cheap, and a big hole gets a smooth fill); the
    original pixels are kept outside the (dilated) person region.
    """
    h, w = person.shape
    f = min(1.0, INPAINT_LONG_SIDE / max(h, w))
    sw, sh = max(1, round(w * f)), max(1, round(h * f))
    small = cv2.resize(image, (sw, sh), interpolation=cv2.INTER_AREA)
    resized = cv2.resize(person.astype(np.uint8) * 255, (sw, sh), interpolation=cv2.INTER_AREA)
    hole = cv2.dilate((resized > 0).astype(np.uint8), np.ones((5, 5), np.uint8))
    filled = cv2.inpaint(small, hole, 5, cv2.INPAINT_TELEA)
    filled = cv2.resize(filled, (w, h), interpolation=cv2.INTER_LINEAR)
    grow = max(3, round(0.01 * np.hypot(h, w))) | 1
    region = cv2.dilate(person.astype(np.uint8), np.ones((grow, grow), np.uint8))
    alpha = cv2.GaussianBlur(region.astype(np.float32), (grow, grow), 0)[..., None]
    return np.clip(alpha * filled + (1 - alpha) * image, 0, 255).astype(np.uint8)


# --- the animation --------------------------------------------------------------------------


def animate(reference_image: np.ndarray, reference_keypoints: np.ndarray, reference_parse: np.ndarray,
            target_keypoints: np.ndarray, *, retarget_target: bool = True, sigma_frames: float = 1.0,
            device: str | torch.device = "cpu") -> Animation:
    """Animate the reference person through `target_keypoints` `[T, 33, 4]`.

    reference_image `[H, W, 3]` uint8 RGB, reference_keypoints `[33, 4]` (KEYPOINTS convention),
    reference_parse `[H, W]` uint8 `Part` labels. With `retarget_target` (default) the target
    is first moved onto the reference's body (`retarget`); `sigma_frames` smooths the tracks
    (0: not at all). Returns frames, person masks, the poses followed and the head transforms.
    """
    image = _check_image(reference_image)
    h, w = image.shape[:2]
    ref = _check_keypoints("reference_keypoints", reference_keypoints, batched=False)
    tgt = _check_keypoints("target_keypoints", target_keypoints, batched=True)
    parse = np.asarray(reference_parse)
    if parse.shape != (h, w) or parse.dtype != np.uint8:
        raise VisionInputError("reference_parse", f"expected uint8 [{h}, {w}], got {parse.dtype} {parse.shape}")
    if int(parse.max(initial=0)) >= len(Part):
        raise VisionInputError("reference_parse", f"label {int(parse.max())} is not a Part")
    if not np.any(parse):
        raise VisionInputError("reference_parse", "no person pixel in the parse")
    if not np.isfinite(sigma_frames) or sigma_frames < 0:
        raise VisionInputError("sigma_frames", f"must be finite and >= 0, got {sigma_frames}")
    poses = retarget(tgt, ref) if retarget_target else tgt.copy()
    if sigma_frames > 0 and len(poses) > 1:
        poses[..., :2] = smooth_tracks(torch.from_numpy(poses[..., :2].astype(np.float64)),
                                       sigma_frames=sigma_frames).numpy()

    torso = _torso_length(ref)
    widths = _bone_widths(ref, torso)
    owner = _owners(parse, ref, widths, torso)
    layers = [k for k in range(len(BONES)) if np.any(owner == k)]
    plate = background_plate(image, parse > 0)

    dev = torch.device(device)
    src_a, src_b = (torch.from_numpy(p).to(dev) for p in _ends(ref[None]))  # [1, K, 2]
    dst_a, dst_b = (torch.from_numpy(p).to(dev) for p in _ends(poses))  # [T, K, 2]
    rgb = torch.from_numpy(image).to(dev).permute(2, 0, 1).float() / 255
    # Soft layer masks: the parse's label edges are blocky; a small blur anti-aliases them, and
    # being linear it keeps the layers summing to the (blurred) person mask at inner seams.
    sigma = max(0.7, EDGE_SIGMA * float(np.hypot(h, w)))
    soft = [cv2.GaussianBlur((owner == k).astype(np.float32), (0, 0), sigma) for k in layers]
    masks = torch.from_numpy(np.stack(soft)).to(dev)[:, None]  # [L, 1, H, W]
    sources = torch.cat([rgb[None] * masks, masks], dim=1)  # [L, 4, H, W] premultiplied
    plate_t = torch.from_numpy(plate).to(dev).permute(2, 0, 1).float()[None] / 255
    depth = _layer_depth(poses)  # [T, K]
    f = min(1.0, GRID_LONG_SIDE / max(h, w))
    gh, gw = max(2, round(h * f)), max(2, round(w * f))
    to_grid = torch.tensor([gw / w, gh / h], device=dev)  # destination pixels -> grid pixels
    g_a, g_b = (p * to_grid + (to_grid - 1) / 2 for p in (dst_a, dst_b))

    small = F.interpolate(masks, size=(gh, gw), mode="area")  # [L, 1, gh, gw] layer masks for the crops
    t_len = len(poses)
    chunk = max(1, PIXEL_BUDGET // (h * w * max(1, len(layers))))
    frames = np.empty((t_len, h, w, 3), np.uint8)
    alphas = np.empty((t_len, h, w), np.uint8)
    for start in range(0, t_len, chunk):
        sl = slice(start, min(t_len, start + chunk))
        b = sl.stop - sl.start
        grids = _bone_grids(src_a, src_b, g_a[sl], g_b[sl], widths, f, (h, w), (gh, gw), _needed(layers))
        # per layer: (top, left, [b, 4, h_crop, w_crop]), or None when it lands off the frame
        drawn: list[tuple[int, int, Tensor] | None] = []
        for li, k in enumerate(layers):
            grid = _skinned_grid(k, grids, g_a[sl], torso * f, gh, gw)  # [b, gh, gw, 2]
            box = _crop(W.warp(small[li:li + 1], grid), (h, w))
            if box is None:
                drawn.append(None)
                continue
            y0, y1, x0, x1 = box
            # Bilinear upsampling of the grid, only inside the crop (align_corners=False keeps
            # normalised coordinates resolution independent; border padding = interpolate's clamp).
            where = W.identity_grid(h, w, device=dev)[:, y0:y1, x0:x1].expand(b, -1, -1, -1)
            fine = F.grid_sample(grid.permute(0, 3, 1, 2), where, mode="bilinear", padding_mode="border",
                                 align_corners=False).permute(0, 2, 3, 1)
            drawn.append((y0, x0, W.warp(sources[li:li + 1], fine)))
        order = np.argsort(-depth[sl][:, layers], axis=1, kind="stable")  # far first
        canvas = plate_t.expand(b, -1, -1, -1).clone()
        cover = torch.zeros(b, 1, h, w, device=dev)
        for i in range(b):
            for li in order[i]:
                if drawn[li] is None:
                    continue
                y0, x0, layer = drawn[li]
                lh, lw = layer.shape[-2:]
                c, a = canvas[i, :, y0:y0 + lh, x0:x0 + lw], cover[i, :, y0:y0 + lh, x0:x0 + lw]
                alpha = layer[i, 3:]
                c.mul_(1 - alpha).add_(layer[i, :3])  # premultiplied "over"
                a.mul_(1 - alpha).add_(alpha)
        frames[sl] = (canvas.clamp(0, 1) * 255 + 0.5).byte().permute(0, 2, 3, 1).cpu().numpy()
        alphas[sl] = (cover[:, 0].clamp(0, 1) * 255 + 0.5).byte().cpu().numpy()
    return Animation(frames, alphas, poses.astype(np.float32), _head_transforms(ref, poses))


def _crop(coverage: Tensor, size: tuple[int, int]) -> tuple[int, int, int, int] | None:
    """Full-resolution box (y0, y1, x0, x1) around where a layer lands, from its low-resolution
    coverage `[b, 1, gh, gw]` over the chunk's frames (one grid pixel of margin); None if nowhere."""
    h, w = size
    gh, gw = coverage.shape[-2:]
    hit = (coverage > 1e-3).any(0)[0]
    rows, cols = torch.nonzero(hit.any(1)), torch.nonzero(hit.any(0))
    if len(rows) == 0:
        return None
    sy, sx = h / gh, w / gw
    y0, y1 = max(0, int((int(rows[0]) - 1) * sy)), min(h, int(np.ceil((int(rows[-1]) + 2) * sy)))
    x0, x1 = max(0, int((int(cols[0]) - 1) * sx)), min(w, int(np.ceil((int(cols[-1]) + 2) * sx)))
    return y0, y1, x0, x1


def _torso_length(kp: np.ndarray) -> float:
    p = _with_centres(kp[:, :2].astype(np.float64))
    return max(1.0, float(np.linalg.norm(p[_SHOULDERS] - p[_HIPS])))


def _bone_widths(kp: np.ndarray, torso: float) -> np.ndarray:
    shoulders = float(np.linalg.norm(kp[K.LEFT_SHOULDER, :2] - kp[K.RIGHT_SHOULDER, :2]))
    return np.array([max(shoulders * 1.3, 0.5 * torso) if b.width is None else b.width * torso for b in BONES])


def _ends(kp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bone end points `[T, K, 2]` (a, b) of poses `[T, 33, >=2]`, float32."""
    a = np.stack([kp[:, list(b.a), :2].mean(axis=1) for b in BONES], axis=1)
    e = np.stack([kp[:, list(b.b), :2].mean(axis=1) for b in BONES], axis=1)
    return a.astype(np.float32), e.astype(np.float32)


def _layer_depth(poses: np.ndarray) -> np.ndarray:
    """Mean keypoint z per bone `[T, K]` (smaller = nearer). The head is kept in front of the
    torso (it sits above it)."""
    z = np.stack([poses[:, list(b.a) + list(b.b), 2].mean(axis=1) for b in BONES], axis=1)
    z[:, _HEAD] = np.minimum(z[:, _HEAD], z[:, _TORSO] - 1e-3)
    return z


def _owners(parse: np.ndarray, kp: np.ndarray, widths: np.ndarray, torso: float) -> np.ndarray:
    """Which bone owns each reference pixel `[H, W]` int (-1: background)."""
    h, w = parse.shape
    a, b = (e[0].astype(np.float64) for e in _ends(kp[None]))
    ys, xs = np.nonzero(parse)
    labels = parse[ys, xs]
    pts = np.stack([xs, ys], axis=1).astype(np.float64)
    best = np.full(len(pts), np.inf)
    owner = np.full(len(pts), _TORSO)
    for k, bone in enumerate(BONES):
        allowed = np.isin(labels, [int(p) for p in bone.labels])
        if not allowed.any():
            continue
        seg = b[k] - a[k]
        rel = pts[allowed] - a[k]
        t = np.clip(rel @ seg / max(float(seg @ seg), 1e-9), 0, 1)
        d = np.linalg.norm(rel - t[:, None] * seg, axis=1) - widths[k] / 2
        idx = np.nonzero(allowed)[0]
        better = d < best[idx]
        best[idx[better]] = d[better]
        owner[idx[better]] = k
    owner[best > OWNER_REACH * torso] = _TORSO
    out = np.full((h, w), -1, np.int64)
    out[ys, xs] = owner
    return out


def _needed(layers: list[int]) -> set[int]:
    """The bones whose grids the layers need: their own and their skinning neighbours'."""
    out = set(layers)
    for k in layers:
        if k != _TORSO:
            out |= {j for j, b in enumerate(BONES) if b.name == BONES[k].parent or b.parent == BONES[k].name}
    return out


def _bone_grids(src_a: Tensor, src_b: Tensor, dst_a: Tensor, dst_b: Tensor, widths: np.ndarray, f: float,
                src_size: tuple[int, int], size: tuple[int, int], needed: set[int]) -> list[Tensor | None]:
    """Per needed bone the backward grid `[b, gh, gw, 2]` (destination points in grid pixels,
    source in reference pixels); the head maps as a similarity."""
    b = dst_a.shape[0]
    grids: list[Tensor | None] = []
    for k in range(len(BONES)):
        if k not in needed:
            grids.append(None)
            continue
        width_dst: float | Tensor = float(widths[k]) * f
        if k == _HEAD:
            ratio = torch.linalg.vector_norm(dst_b[:, k] - dst_a[:, k], dim=-1) / torch.linalg.vector_norm(
                src_b[0, k] - src_a[0, k]).clamp(min=1e-6)
            width_dst = float(widths[k]) * ratio.clamp(min=1e-3)
        bw = W.bone_grid(src_a[0, k].expand(b, 2), src_b[0, k].expand(b, 2), dst_a[:, k], dst_b[:, k],
                         float(widths[k]), width_dst, size[0], size[1], src_size=src_size, falloff_px=0.0)
        grids.append(bw.grid)
    return grids


def _skinned_grid(k: int, grids: list[Tensor | None], dst_a: Tensor, torso: float, h: int, w: int) -> Tensor:
    """Bone k's grid, blended with its parent's / children's near the shared joints (the torso
    stays rigid: its neighbours bend towards it, not it towards them)."""
    bone = BONES[k]
    if k == _TORSO:
        return grids[k]
    own = grids[k]
    assert own is not None
    parts, weights = [own], [torch.ones_like(own[..., :1]).permute(0, 3, 1, 2)]
    r = JOINT_RADIUS * torso
    neighbours = [(_INDEX[bone.parent], k)] if bone.parent else []
    neighbours += [(j, j) for j, other in enumerate(BONES) if other.parent == bone.name]
    for j, joint_bone in neighbours:
        joint = dst_a[:, joint_bone]  # the child's `a` end is the shared joint
        ys = torch.arange(h, dtype=joint.dtype, device=joint.device)[None, :, None]
        xs = torch.arange(w, dtype=joint.dtype, device=joint.device)[None, None, :]
        dist = torch.hypot(xs - joint[:, None, None, 0], ys - joint[:, None, None, 1])
        x = ((dist - r / 2) / (r / 2)).clamp(0, 1)
        other = grids[j]
        assert other is not None
        parts.append(other)
        weights.append((1 - x * x * (3 - 2 * x))[:, None])  # 1 within r / 2, smoothstep to 0 at r
    if len(parts) == 1:
        return own
    return W.blend_grids(parts, weights)


def _head_transforms(ref: np.ndarray, poses: np.ndarray) -> np.ndarray:
    """The head bone's similarity, reference pixels -> frame pixels `[T, 2, 3]`."""
    a0, b0 = (e[0, _HEAD].astype(np.float64) for e in _ends(ref[None]))
    a1, b1 = (e[:, _HEAD].astype(np.float64) for e in _ends(poses))
    v0, v1 = b0 - a0, b1 - a1
    z0 = complex(v0[0], v0[1]) or 1.0
    out = np.empty((len(poses), 2, 3))
    for t in range(len(poses)):
        m = complex(v1[t, 0], v1[t, 1]) / z0  # rotation + scale as a complex factor
        lin = np.array([[m.real, -m.imag], [m.imag, m.real]])
        out[t, :, :2] = lin
        out[t, :, 2] = a1[t] - lin @ a0
    return out


# --- checks ---------------------------------------------------------------------------------


def _check_image(image: np.ndarray) -> np.ndarray:
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        got = f"{getattr(image, 'dtype', type(image).__name__)} {getattr(image, 'shape', '')}"
        raise VisionInputError("reference_image", f"expected uint8 [H, W, 3] RGB, got {got}")
    if min(image.shape[:2]) < 8:
        raise VisionInputError("reference_image", f"too small: {image.shape[:2]}")
    return np.ascontiguousarray(image)


def _check_keypoints(name: str, kp: np.ndarray, *, batched: bool) -> np.ndarray:
    shape = (NUM_KEYPOINTS, 4)
    arr = np.asarray(kp) if isinstance(kp, np.ndarray) else None
    ok = arr is not None and arr.ndim == (3 if batched else 2) and arr.shape[-2:] == shape
    if not ok or (batched and arr.shape[0] == 0):
        want = "[T, 33, 4] with T >= 1" if batched else "[33, 4]"
        raise VisionInputError(name, f"expected {want}, got {getattr(kp, 'shape', type(kp).__name__)}")
    arr = arr.astype(np.float32)
    if not np.isfinite(arr).all():
        raise VisionInputError(name, "non-finite values")
    return arr
