"""Geometric video try-on: dress every frame of a clip in one garment (tops and outerwear).

The pure torch code behind the future `tryon_renderer` Triton model. Per clip, batched over
frames on the inputs' device (`try_on`: numpy in/out; `render_tryon`: tensors):

1. Body targets (`tryon_fit.body_targets`): keypoints smoothed over the clip, the torso's
   width per row from the parse, the old top's hem; every target track smoothed again
   (zero-phase `smooth_tracks`), so the garment follows the body without jitter.
2. Torso: a thin-plate spline from the garment's neck, shoulder, armpit, side and hem
   landmarks to those targets (`warp.tps_fit` / `tps_grid`, evaluated on a lattice
   `grid_stride` px apart and upsampled). Choice for the hidden old top: the new garment
   *covers the old top's whole torso region* (parse UPPER_GARMENT): where the warped photo
   does not reach, the same spline samples the photo's extended texture (background filled
   with nearby garment colour), so no old top shows between the new garment's edge and the
   body's edge. (A cropped top over a long one therefore looks as long as the old one.)
3. Sleeves: shoulder->elbow and elbow->cuff bones (`warp.bone_grid` + `blend_grids`, at half
   resolution, upsampled) from the photo's sleeve axis (shoulder/armpit midpoint -> cuff
   centre); the sleeve length on the body is the photo's times the garment's scale (body
   torso length / photo torso length), at most to the wrist; its width the photo's scaled,
   at least `ARM_FIT` x the arm's width in the parse. The old top's sleeve pixels (arm pixels
   whose chromaticity is much nearer the old top's than the skin's) within the new sleeve's
   reach are covered by it too.
4. Old sleeves the new garment leaves bare are repainted in the skin colour sampled from
   face and hands, shaded by their luminance.
5. Occlusion from keypoint depth: an arm behind the torso (elbow/wrist z larger than the
   torso's by 0.15-0.3 x the shoulder width) goes under the garment body, otherwise the bare
   arm stays over it and its sleeve is drawn over the body. Face, hair and hands always stay
   on top: the alpha is zero there, so those pixels are exactly untouched.
6. Shading: the garment's colour x the luminance ratio of the frame (the person's smoothed L
   over the mean L of the old top, or of the arms for pixels on the arms), clamped to
   `SHADE_RANGE`; the hue comes from the garment.
7. Hard fill masks feathered (`warp.feather`), layers composited (`warp.composite`): sleeves,
   then the body over them except where a sleeve in front punches it out.

Speed: all the work happens in a box around the garment's reach, and frames taller than
`max_work_height` (720) are dressed at 1/n resolution; the change (premultiplied colour,
alpha) is upsampled and composited over the full-resolution frames (the protected parts are
applied at full resolution). Frames without a person (shoulders or hips at visibility <
`MIN_VISIBILITY`) pass through untouched.

Outputs: dressed frames uint8 [T, H, W, 3], the garment mask uint8 [T, H, W] **0/255**
(garment alpha >= 0.5; repainted skin is not garment) and where the garment's landmarks
landed [T, 14, 3] (x, y, visible; neck, shoulders, armpits, hem corners and centre, cuffs).
Other silhouettes (dresses, trousers, skirts) raise VisionInputError("GARMENT_SILHOUETTE").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from catwalk.vision.errors import VisionInputError
from catwalk.vision.labels import NUM_GARMENT_LANDMARKS, NUM_KEYPOINTS, Part, Silhouette
from catwalk.vision.labels import GarmentLandmark as GL
from catwalk.vision.tryon_fit import BodyTargets, GarmentGeometry, body_targets, garment_geometry
from catwalk.vision.warp import blend_grids, bone_grid, composite, feather, tps_fit, tps_grid, warp

__all__ = ["TryOnResult", "prepare_garment", "render_tryon", "try_on"]

SUPPORTED = (Silhouette.TOP, Silhouette.OUTERWEAR)
HOOD_REACH = 0.15  # the body layer reaches at most this x (neck -> hem) above the neckline
ARM_FIT = 1.15  # a sleeve is at least this many times the arm's width
SHADE_RANGE = (0.55, 1.35)  # clamp of the luminance ratio
MAX_WORK_HEIGHT = 720  # taller frames are dressed at 1/n resolution (see render_tryon)
PHOTO_OVERSAMPLE = 1.5  # the photo is shrunk to at most this many photo px per frame px
BODY_KEYPOINTS = [11, 12, 23, 24]  # shoulders and hips: without them (visibility < MIN_VISIBILITY) a
MIN_VISIBILITY = 0.1  # frame has no person to dress and is passed through untouched
PROTECTED = (Part.FACE, Part.HAIR, Part.LEFT_HAND, Part.RIGHT_HAND)
ARMS = ((Part.LEFT_UPPER_ARM, Part.LEFT_FOREARM, Part.LEFT_HAND),
        (Part.RIGHT_UPPER_ARM, Part.RIGHT_FOREARM, Part.RIGHT_HAND))


@dataclass(frozen=True)
class TryOnResult:
    frames: np.ndarray  # [T, H, W, 3] uint8, dressed
    mask: np.ndarray  # [T, H, W] uint8, 255 where the new garment is drawn (alpha >= 0.5), else 0
    landmarks: np.ndarray  # [T, 14, 3] float32: where the garment's landmarks landed, x, y, visible


def try_on(frames: np.ndarray, parse: np.ndarray, keypoints: np.ndarray, garment_image: np.ndarray,
           garment_mask: np.ndarray, garment_landmarks: np.ndarray, silhouette: Silhouette | int, *,
           grid_stride: int = 8, sigma_frames: float = 2.0, max_work_height: int = MAX_WORK_HEIGHT,
           context: tuple[int, int] = (0, 0), device: str | torch.device = "cpu") -> TryOnResult:
    """Dress a clip (numpy in and out). frames [T, H, W, 3] uint8 RGB; parse [T, H, W] uint8
    `Part` labels; keypoints [T, 33, 4] KEYPOINTS convention; the garment's product photo
    [h, w, 3] uint8, its mask [h, w] (> 0 = garment), LANDMARKS [14, 3] and SILHOUETTE;
    `context` (before, after) frames that only inform the smoothing (`render_tryon`): the
    result has T - before - after frames. VisionInputError names the tensor at fault."""
    _check_clip(frames, parse, keypoints)
    context = _check_context(context, len(frames))
    h = parse.shape[1]
    g_scale = _photo_scale(keypoints, garment_landmarks, max(1, math.ceil(h / max_work_height)))
    geometry = prepare_garment(garment_image, garment_mask, garment_landmarks, silhouette, scale=g_scale)
    out, mask, lm = render_tryon(torch.from_numpy(np.ascontiguousarray(frames)).to(device),
                                 torch.from_numpy(np.ascontiguousarray(parse)).to(device),
                                 torch.from_numpy(np.asarray(keypoints, np.float32)).to(device), geometry,
                                 grid_stride=grid_stride, sigma_frames=sigma_frames, max_work_height=max_work_height,
                                 context=context)
    return TryOnResult(out.cpu().numpy(), mask.cpu().numpy(), lm.cpu().numpy())


def prepare_garment(image: np.ndarray, mask: np.ndarray, landmarks: np.ndarray, silhouette: Silhouette | int,
                    scale: float = 1.0) -> GarmentGeometry:
    """Check and prepare the garment once per clip (see `tryon_fit.garment_geometry`)."""
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise VisionInputError("GARMENT_IMAGE", f"expected uint8 [h, w, 3], got {_desc(image)}")
    if min(image.shape[:2]) < 16:
        raise VisionInputError("GARMENT_IMAGE", f"{image.shape[1]}x{image.shape[0]} is smaller than 16 px a side")
    if not isinstance(mask, np.ndarray) or mask.shape != image.shape[:2]:
        raise VisionInputError("GARMENT_MASK", f"expected [{image.shape[0]}, {image.shape[1]}] like GARMENT_IMAGE, "
                                               f"got {_desc(mask)}")
    if not np.any(mask > 0):
        raise VisionInputError("GARMENT_MASK", "is empty: no garment to draw")
    lm = np.asarray(landmarks)
    if lm.shape != (NUM_GARMENT_LANDMARKS, 3) or not np.all(np.isfinite(lm)):
        raise VisionInputError("GARMENT_LANDMARKS", f"expected finite [{NUM_GARMENT_LANDMARKS}, 3], got {_desc(lm)}")
    try:
        sil = Silhouette(int(silhouette))
    except ValueError:
        raise VisionInputError("GARMENT_SILHOUETTE", f"unknown silhouette {silhouette!r}") from None
    if sil not in SUPPORTED:
        raise VisionInputError("GARMENT_SILHOUETTE", f"{sil.name.lower()} is not supported yet "
                                                     "(only top and outerwear)")
    return garment_geometry(image, (mask > 0).astype(np.uint8), lm, sil, scale)


def _photo_scale(keypoints: np.ndarray, landmarks: np.ndarray, work_factor: int) -> float:
    """Shrink factor for the photo so it is at most PHOTO_OVERSAMPLE x the size it is drawn at
    (at the working resolution, 1 / work_factor of the frames')."""
    kp = np.asarray(keypoints, np.float64)
    body = np.linalg.norm(kp[:, 11, :2] - kp[:, 12, :2], axis=-1).max(initial=0.0) / work_factor
    lm = np.asarray(landmarks, np.float64)
    photo = float(np.linalg.norm(lm[GL.SHOULDER_LEFT, :2] - lm[GL.SHOULDER_RIGHT, :2]))
    if not (math.isfinite(body) and body > 0 and photo > 0):
        return 1.0
    wanted = min(1.0, max(PHOTO_OVERSAMPLE * 1.2 * body / photo, 0.05))
    # Up to a step of 2^(1/4): the chunks of one video almost always get the same photo.
    return min(1.0, 2 ** (math.ceil(4 * math.log2(wanted)) / 4))


# --- the torch core --------------------------------------------------------------------------------


def render_tryon(frames: Tensor, parse: Tensor, keypoints: Tensor, g: GarmentGeometry, *, grid_stride: int = 8,
                 sigma_frames: float = 2.0, max_work_height: int = MAX_WORK_HEIGHT,
                 context: tuple[int, int] = (0, 0)) -> tuple[Tensor, Tensor, Tensor]:
    """frames uint8 [T, H, W, 3], parse uint8 [T, H, W], keypoints float [T, 33, 4] (one device)
    -> (dressed frames uint8 [T', H, W, 3], garment mask uint8 [T', H, W] 0/255, landmarks [T', 14, 3]).

    `context` (before, after): the first and last frames of the clip only inform the temporal
    smoothing; the T' = T - before - after between them are dressed and returned. A long video
    sent in chunks with a few neighbouring frames either side is dressed as if it were whole
    (without them each chunk's tracks are smoothed alone and the garment twitches at the seams).

    Frames taller than `max_work_height` are dressed at 1/n resolution (n an integer: area
    downsampling, parse sampled); the change (premultiplied colour and alpha) is upsampled and
    composited over the full-resolution frames, and face, hair and hands are protected at full
    resolution, so they stay exactly untouched."""
    t_len, h, w = parse.shape
    before, after = context
    keep = slice(before, t_len - after)
    shown = frames[keep]
    n = len(shown)
    seen = (keypoints[:, BODY_KEYPOINTS, 3] >= MIN_VISIBILITY).all(-1)  # [T] a person to dress
    if not bool(seen.all()):
        if not bool(seen[keep].any()):
            return (shown.clone(), torch.zeros(n, h, w, dtype=torch.uint8, device=frames.device),
                    torch.zeros(n, NUM_GARMENT_LANDMARKS, 3, device=frames.device))
        filled = torch.where(seen[:, None, None], keypoints, _fill(keypoints, seen))
        result, mask, lm = render_tryon(frames, parse, filled, g, grid_stride=grid_stride, sigma_frames=sigma_frames,
                                        max_work_height=max_work_height, context=context)
        hidden = ~seen[keep]
        result[hidden], mask[hidden], lm[hidden] = shown[hidden], 0, 0
        return result, mask, lm
    factor = max(1, math.ceil(h / max_work_height))
    if factor == 1:
        (y0, y1, x0, x1), out, alpha, _, lm = _render(shown, parse, keypoints.float(), g, grid_stride, sigma_frames,
                                                      keep)
        result = shown.clone()
        result[:, y0:y1, x0:x1] = _to_uint8(out)
        mask = torch.zeros(n, h, w, dtype=torch.uint8, device=frames.device)
        mask[:, y0:y1, x0:x1] = (alpha[:, 0] >= 0.5).to(torch.uint8) * 255
        return result, mask, lm
    kp = keypoints.float().clone()
    top, bottom, left, right = _keypoint_box(kp[keep], g, h, w)
    # On the lattice of multiples of `factor`: every chunk of a video sees the same pixels.
    top, left = top - top % factor, left - left % factor
    hs, ws = (bottom - top) // factor, (right - left) // factor
    if hs < 16 or ws < 16:
        return render_tryon(frames, parse, keypoints, g, grid_stride=grid_stride, sigma_frames=sigma_frames,
                            max_work_height=h, context=context)
    # Full resolution is only touched in uint8 (memory-bound work: float copies of T full
    # crops cost more than the try-on itself at 720x1280).
    sub = shown[:, top:top + hs * factor, left:left + ws * factor].permute(0, 3, 1, 2)
    small = F.interpolate(sub, size=(hs, ws), mode="bilinear", antialias=True, align_corners=False)
    small = small.permute(0, 2, 3, 1).contiguous()
    parse_s = parse[:, top + factor // 2:top + hs * factor:factor, left + factor // 2:left + ws * factor:factor]
    parse_s = parse_s.contiguous()
    corner = kp.new_tensor([left, top])
    kp[..., :2] = (kp[..., :2] - corner + 0.5) / factor - 0.5
    kp[..., 2] /= factor
    (y0, y1, x0, x1), out, alpha, a_eff, lm = _render(small, parse_s, kp, g, grid_stride, sigma_frames, keep)
    lm[..., :2] = (((lm[..., :2] + 0.5) * factor - 0.5) + corner) * lm[..., 2:]
    base = small[:, y0:y1, x0:x1].permute(0, 3, 1, 2).float().div_(255)
    change = _to_uint8(torch.cat([out - (1 - a_eff) * base, a_eff], 1))  # premultiplied colour and its alpha
    box = (top + y0 * factor, left + x0 * factor, (y1 - y0) * factor, (x1 - x0) * factor)
    apply = apply_change_cv2 if frames.device.type == "cpu" else apply_change_torch
    return (*apply(shown, parse[keep], change, _to_uint8(alpha), box), lm)


def apply_change_torch(frames: Tensor, parse: Tensor, change: Tensor, alpha: Tensor,
                       box: tuple[int, int, int, int]) -> tuple[Tensor, Tensor]:
    """The change made at the working resolution, applied to the full-resolution frames:
    `change` (premultiplied colour + alpha) and the garment's `alpha` uint8 [T, h', w', 4 | 1]
    are upsampled (bilinear) to the box (top, left, height, width) and composited over
    `frames` uint8 [T, H, W, 3], except on the protected parts of `parse` [T, H, W], which
    stay exactly untouched. -> (dressed frames, garment mask 0/255 [T, H, W])."""
    y0, x0, h, w = box
    change = _upsample_uint8(change, h, w)
    garment = _upsample_uint8(alpha, h, w)[..., 0] >= 128
    labels = parse[:, y0:y0 + h, x0:x0 + w]
    protect = torch.zeros_like(labels, dtype=torch.bool)
    for part in PROTECTED:
        protect |= labels == part
    change.masked_fill_(protect[..., None], 0)
    result = frames.clone()
    result[:, y0:y0 + h, x0:x0 + w] = over_uint8(change, frames[:, y0:y0 + h, x0:x0 + w])
    mask = torch.zeros_like(parse)
    mask[:, y0:y0 + h, x0:x0 + w] = (garment & ~protect).to(torch.uint8) * 255
    return result, mask


_KEEP = np.full(256, 255, np.uint8)  # parse label -> 255 if a change may touch it, 0 if protected
_KEEP[list(PROTECTED)] = 0


def apply_change_cv2(frames: Tensor, parse: Tensor, change: Tensor, alpha: Tensor,
                     box: tuple[int, int, int, int]) -> tuple[Tensor, Tensor]:
    """`apply_change_torch` on a CPU: frame by frame in OpenCV's saturating uint8 kernels,
    written straight into the outputs' box (several times faster than torch's float and
    masked ops, which made this full-resolution step cost more than the try-on itself)."""
    y0, x0, h, w = box
    labels, small, small_alpha = parse.numpy(), change.numpy(), alpha.numpy()
    result = frames.numpy().copy()
    mask = np.zeros(labels.shape, np.uint8)
    for t in range(len(result)):
        keep = cv2.LUT(labels[t, y0:y0 + h, x0:x0 + w], _KEEP)
        garment = cv2.resize(small_alpha[t], (w, h), interpolation=cv2.INTER_LINEAR)
        cv2.threshold(garment, 127, 255, cv2.THRESH_BINARY, dst=garment)
        cv2.bitwise_and(garment, keep, dst=mask[t, y0:y0 + h, x0:x0 + w])
        rgba = cv2.resize(small[t], (w, h), interpolation=cv2.INTER_LINEAR)
        rgba = cv2.bitwise_and(rgba, rgba, mask=keep)
        inverse = cv2.cvtColor(cv2.bitwise_not(cv2.extractChannel(rgba, 3)), cv2.COLOR_GRAY2RGB)
        roi = result[t, y0:y0 + h, x0:x0 + w]
        under = cv2.multiply(roi, inverse, scale=1 / 255)
        cv2.add(cv2.cvtColor(rgba, cv2.COLOR_RGBA2RGB), under, dst=roi)
    return torch.from_numpy(result), torch.from_numpy(mask)


def _upsample_uint8(x: Tensor, h: int, w: int) -> Tensor:
    """uint8 [T, h', w', C] -> uint8 [T, h, w, C], bilinear (torch's uint8 channels-last
    kernel: several times faster than float on a CPU)."""
    x = x.permute(0, 3, 1, 2).contiguous(memory_format=torch.channels_last)
    return F.interpolate(x, size=(h, w), mode="bilinear", align_corners=False).permute(0, 2, 3, 1)


def over_uint8(change: Tensor, frames: Tensor) -> Tensor:
    """Premultiplied colour + alpha uint8 [T, h, w, 4] over frames uint8 [T, h, w, 3]:
    colour + frames * (255 - alpha) / 255, in float."""
    c = change.float().div_(255)
    out = c[..., :3] + (1 - c[..., 3:]) * frames.float().div_(255)
    return out.mul_(255).round_().clamp_(0, 255).to(torch.uint8)


def _keypoint_box(kp: Tensor, g: GarmentGeometry, h: int, w: int) -> tuple[int, int, int, int]:
    """Full-resolution rows / columns (top, bottom, left, right) the garment may reach over the
    clip, from the head-to-hips keypoints, generously padded (outerwear reaches below the hips)."""
    upper = kp[:, :25, :2]
    p = upper[torch.isfinite(upper).all(-1)]
    if p.numel() == 0:
        return 0, h, 0, w
    sw = torch.linalg.vector_norm(kp[:, 11, :2] - kp[:, 12, :2], dim=-1).max()
    torso = torch.linalg.vector_norm((kp[:, 11, :2] + kp[:, 12, :2] - kp[:, 23, :2] - kp[:, 24, :2]) / 2, dim=-1).max()
    pad = float(sw) * 0.8 + 16
    below = pad + float(torso) * (g.extension - 1 + 0.4)
    top = max(0, math.floor(float(p[:, 1].min()) - pad))
    bottom = min(h, math.ceil(float(p[:, 1].max()) + below))
    left = max(0, math.floor(float(p[:, 0].min()) - pad))
    right = min(w, math.ceil(float(p[:, 0].max()) + pad))
    return top, max(bottom, top), left, max(right, left)


def _fill(keypoints: Tensor, seen: Tensor) -> Tensor:
    """Keypoints of the nearest frame with a person, for the frames without one (left untouched
    in the output; this only keeps the clip's tracks continuous)."""
    t = torch.arange(keypoints.shape[0], device=keypoints.device)
    good = t[seen]
    nearest = good[(t[:, None] - good[None]).abs().argmin(-1)]
    return keypoints[nearest]


def _to_uint8(x: Tensor) -> Tensor:
    """float [T, C, h, w] 0..1 -> uint8 [T, h, w, C], contiguous."""
    return x.mul(255).round_().clamp_(0, 255).to(torch.uint8).permute(0, 2, 3, 1).contiguous()


def _render(frames: Tensor, parse: Tensor, keypoints: Tensor, g: GarmentGeometry, grid_stride: int,
            sigma_frames: float, keep: slice) -> tuple[tuple[int, int, int, int], Tensor, Tensor, Tensor, Tensor]:
    """The work at one resolution: the frames `keep` of the clip (`frames` holds just those;
    `parse` and `keypoints` the whole clip, for the body targets' smoothing) -> (box y0, y1,
    x0, x1; dressed crop float [T', 3, h, w]; garment alpha [T', 1, h, w]; the total alpha of
    every change incl. repainted old sleeves; landmarks)."""
    tg = body_targets(keypoints, parse, g, sigma_frames).window(keep)
    parse = parse[keep]
    t_len, h, w = parse.shape
    dev = frames.device
    y0, y1, x0, x1 = _box(tg, g, h, w)
    off = torch.tensor([x0, y0], dtype=torch.float32, device=dev)
    crop_h, crop_w = y1 - y0, x1 - x0
    img = frames[:, y0:y1, x0:x1].permute(0, 3, 1, 2).float().div_(255).contiguous()  # [T, 3, h, w]
    labels = parse[:, y0:y1, x0:x1]
    tex = torch.from_numpy(np.concatenate([g.texture, g.layers], -1)).to(dev).permute(2, 0, 1)[None]  # [1, 6, .]
    src_size = tuple(g.texture.shape[:2])
    radius = max(1.0, h / 720)

    # Torso: TPS; the old top's whole torso region is covered too (extended texture).
    src = torch.from_numpy(g.points).float().to(dev)[None].expand(t_len, -1, -1)
    params = tps_fit(src, tg.torso - off, tg.torso_weight, regularization=1e-3)
    grid_t = tps_grid(params, crop_h, crop_w, src_size=src_size, stride=grid_stride).clamp_(-1, 1)
    torso_s = warp(tex[:, :4], grid_t)
    old_torso = (labels == Part.UPPER_GARMENT)[:, None]
    a_torso = torch.maximum(torso_s[:, 3:4], _soft(old_torso, radius))
    # Nothing of the body layer far above the neckline (a hood, or a spline folding over there).
    neck_l, neck_r = tg.torso[:, 0] - off, tg.torso[:, 1] - off
    reach = HOOD_REACH * torch.linalg.vector_norm(tg.torso[:, 12] - (tg.torso[:, 0] + tg.torso[:, 1]) / 2, dim=-1)
    above = _height_above(neck_r, neck_l, tg.torso[:, 12] - off, crop_h, crop_w)
    a_torso = a_torso * (above <= reach.view(-1, 1, 1))[:, None]
    rgb_torso = torso_s[:, :3]

    # Sleeves, each in its own box: two bones per arm; the old top's sleeve pixels within the
    # new sleeve's reach are covered by it too (the shoulder cap between body and sleeve).
    arms = torch.zeros_like(labels, dtype=torch.bool)
    for part in (Part.LEFT_UPPER_ARM, Part.RIGHT_UPPER_ARM, Part.LEFT_FOREARM, Part.RIGHT_FOREARM):
        arms |= labels == part
    colours = _top_and_skin(img, labels)
    old_sleeve = _old_top_pixels(img, arms, colours)
    sleeves = []
    ends = torch.zeros(t_len, 2, 2, device=dev)
    if g.has_sleeves:
        arm_w = _arm_widths(labels, tg)
        for i, (upper, fore, _) in enumerate(ARMS):
            bones = _sleeve_bones(g, tg, i, off, arm_w[i])
            ends[:, i] = bones.end + off
            sb = _sub_box(bones, crop_h, crop_w)
            sy0, sy1, sx0, sx1 = sb
            if sy1 - sy0 < 2 or sx1 - sx0 < 2:
                continue
            grid_s, cover = _sleeve_grid(bones, torch.tensor([sx0, sy0], dtype=torch.float32, device=dev),
                                         sy1 - sy0, sx1 - sx0, src_size)
            smp = warp(tex[:, [0, 1, 2, 4 + i]], grid_s)
            lab = labels[:, sy0:sy1, sx0:sx1]
            own = old_sleeve[..., sy0:sy1, sx0:sx1] & ((lab == upper) | (lab == fore))[:, None] & (cover > 0)
            sleeves.append((sb, smp[:, :3], torch.maximum(smp[:, 3:4] * cover, _soft(own, radius))))

    # Shading from the frame's luminance.
    ratio = _shading(img, labels, arms)
    rgb_torso = rgb_torso * ratio
    sleeves = [(sb, rgb * ratio[..., sb[0]:sb[1], sb[2]:sb[3]], a) for sb, rgb, a in sleeves]

    # Old sleeves left bare -> skin.
    img = _repaint_old_sleeves(img, old_sleeve, colours)

    # Occlusion (hard edges where a part is in front): face, hair, hands; arms not behind.
    protect = torch.zeros_like(arms)
    for part in PROTECTED:
        protect |= labels == part
    keep = (~protect)[:, None].float()
    a_torso = a_torso * keep
    for i, parts in enumerate(ARMS):
        arm_i = torch.zeros_like(arms)
        for part in parts:
            arm_i |= labels == part
        front = 1 - tg.arm_behind[:, i].view(t_len, 1, 1, 1)
        a_torso = a_torso * (1 - arm_i[:, None].float() * front)
    # Sleeves first, then the body over them, except where a sleeve in front punches it out.
    out = img
    alpha_all = a_torso.clone()
    transmit = torch.ones_like(a_torso)
    for i, ((sy0, sy1, sx0, sx1), rgb, a) in enumerate(sleeves):
        a = a * keep[..., sy0:sy1, sx0:sx1]
        out[..., sy0:sy1, sx0:sx1] = composite(out[..., sy0:sy1, sx0:sx1], rgb, a)
        alpha_all[..., sy0:sy1, sx0:sx1] = torch.maximum(alpha_all[..., sy0:sy1, sx0:sx1], a)
        transmit[..., sy0:sy1, sx0:sx1] *= 1 - a
        front = 1 - tg.arm_behind[:, i].view(t_len, 1, 1, 1)
        a_torso[..., sy0:sy1, sx0:sx1] = a_torso[..., sy0:sy1, sx0:sx1] * (1 - a * front)
    out = composite(out, rgb_torso, a_torso)
    transmit *= 1 - a_torso
    a_eff = torch.maximum(1 - transmit, old_sleeve.float())
    return (y0, y1, x0, x1), out, alpha_all, a_eff, _landmarks_out(tg, ends, g)


def _box(tg: BodyTargets, g: GarmentGeometry, h: int, w: int) -> tuple[int, int, int, int]:
    """One box for the clip around everything the garment can reach (targets + sleeve widths)."""
    pts = [tg.torso.reshape(-1, 2)]
    if g.has_sleeves:
        pts += [tg.sleeve_root.reshape(-1, 2), tg.elbow.reshape(-1, 2), tg.wrist.reshape(-1, 2)]
    p = torch.cat(pts)
    p = p[torch.isfinite(p).all(-1)]
    pad = float(tg.shoulder_width.max()) * 0.6 + 8
    if g.has_sleeves:
        pad += float(np.max(g.sleeve_width[:, 0])) * float(tg.scale.max()) * 1.5
    x0 = int(max(0, math.floor(float(p[:, 0].min()) - pad)))
    x1 = int(min(w, math.ceil(float(p[:, 0].max()) + pad)))
    y0 = int(max(0, math.floor(float(p[:, 1].min()) - pad)))
    y1 = int(min(h, math.ceil(float(p[:, 1].max()) + pad)))
    if x1 - x0 < 2 or y1 - y0 < 2:
        return 0, h, 0, w
    return y0, y1, x0, x1


def _height_above(a: Tensor, b: Tensor, hem: Tensor, h: int, w: int) -> Tensor:
    """[T, h, w]: how far each pixel lies from the line through a and b ([T, 2] points), positive
    on the side away from `hem` [T, 2]."""
    xs = torch.arange(w, dtype=a.dtype, device=a.device)[None, None, :]
    ys = torch.arange(h, dtype=a.dtype, device=a.device)[None, :, None]
    d = b - a
    normal = torch.stack([d[:, 1], -d[:, 0]], -1) / torch.linalg.vector_norm(d, dim=-1).clamp(min=1e-3)[:, None]
    flip = torch.where((normal * (hem - (a + b) / 2)).sum(-1) > 0, -1.0, 1.0)[:, None]
    normal = normal * flip
    return (xs - a[:, 0, None, None]) * normal[:, 0, None, None] + (ys - a[:, 1, None, None]) * normal[:, 1, None, None]


def _arm_widths(labels: Tensor, tg: BodyTargets) -> list[Tensor]:
    """Per side, the arm's width: its pixel count over its length (clip median, a scalar tensor)."""
    out = []
    for i, (upper, fore, _) in enumerate(ARMS):
        area = ((labels == upper) | (labels == fore)).flatten(1).sum(-1).float()
        length = (torch.linalg.vector_norm(tg.elbow[:, i] - tg.sleeve_root[:, i], dim=-1)
                  + torch.linalg.vector_norm(tg.wrist[:, i] - tg.elbow[:, i], dim=-1)).clamp(min=1.0)
        width = area / length
        seen = width[area > 0]
        out.append(seen.median() if seen.numel() else 0.25 * tg.shoulder_width.median())
    return out


@dataclass(frozen=True)
class _Bones:
    """One sleeve's two bones (crop pixels): photo and body ends, widths, which are in use."""

    src: Tensor  # [T, 3, 2] photo: root, split point, cuff
    dst: Tensor  # [T, 4, 2] body: root, upper end, elbow, forearm end
    w_src: Tensor  # [T]
    w_dst: Tensor  # [T]
    has_fore: Tensor  # [T] bool
    end: Tensor  # [T, 2] where the cuff landed


def _sleeve_bones(g: GarmentGeometry, tg: BodyTargets, i: int, off: Tensor, arm_w: Tensor) -> _Bones:
    dev = tg.torso.device
    root_g = torch.tensor(g.sleeves[i, 0], dtype=torch.float32, device=dev)
    cuff_g = torch.tensor(g.sleeves[i, 1], dtype=torch.float32, device=dev)
    len_g = torch.linalg.vector_norm(cuff_g - root_g).clamp(min=1.0)
    root, elbow, wrist = tg.sleeve_root[:, i] - off, tg.elbow[:, i] - off, tg.wrist[:, i] - off
    upper = torch.linalg.vector_norm(elbow - root, dim=-1).clamp(min=1.0)
    fore = torch.linalg.vector_norm(wrist - elbow, dim=-1).clamp(min=1.0)
    len_b = torch.minimum(len_g * tg.scale, upper + fore)
    t_up = torch.minimum(upper, len_b)
    src_mid = root_g + (cuff_g - root_g) * (t_up / len_b)[:, None]
    up_end = root + (elbow - root) / upper[:, None] * t_up[:, None]
    fore_end = elbow + (wrist - elbow) / fore[:, None] * (len_b - upper).clamp(min=1.0)[:, None]
    widest, narrowest = float(g.sleeve_width[i, 0]), float(g.sleeve_width[i, 1])
    k_w = torch.maximum(tg.scale, ARM_FIT * arm_w / narrowest)
    n = root.shape[0]
    has_fore = len_b > upper + 1.0
    w_dst = widest * k_w
    # Start the upper bone half a sleeve width before the root on both sides: the same affine
    # map, but its capsule reaches over the shoulder cap.
    back = (0.5 * w_dst / t_up)[:, None]
    src_root = root_g - (src_mid - root_g) * back
    dst_root = root - (up_end - root) * back
    return _Bones(src=torch.stack([src_root, src_mid, cuff_g.expand(n, 2)], 1),
                  dst=torch.stack([dst_root, up_end, elbow, fore_end], 1), w_src=torch.full_like(k_w, widest),
                  w_dst=w_dst, has_fore=has_fore, end=torch.where(has_fore[:, None], fore_end, up_end))


def _sub_box(b: _Bones, h: int, w: int) -> tuple[int, int, int, int]:
    """The box (crop pixels) a sleeve can reach over the clip: its bones +- its width."""
    p = torch.cat([b.dst[:, :2], torch.where(b.has_fore[:, None, None], b.dst[:, 2:], b.dst[:, 1:2])], 1)
    p = p.reshape(-1, 2)
    pad = float(b.w_dst.max()) + 2
    return (max(0, math.floor(float(p[:, 1].min()) - pad)), min(h, math.ceil(float(p[:, 1].max()) + pad)),
            max(0, math.floor(float(p[:, 0].min()) - pad)), min(w, math.ceil(float(p[:, 0].max()) + pad)))


def _sleeve_grid(b: _Bones, off: Tensor, h: int, w: int, src_size: tuple[int, int]) -> tuple[Tensor, Tensor]:
    """Grid and coverage [T, 1, h, w] of one sleeve in a box whose corner is `off`. The bone maps
    are evaluated at half resolution and upsampled (they are affine; the capsule edge is soft)."""
    hs, ws = (h + 1) // 2, (w + 1) // 2
    d = (b.dst - off + 0.5) / 2 - 0.5
    fall = 0.15 * b.w_dst / 2  # a short falloff: a sleeve is not see-through at its edges
    b_up = bone_grid(b.src[:, 0], b.src[:, 1], d[:, 0], d[:, 1], b.w_src, b.w_dst / 2, hs, ws, src_size=src_size,
                     falloff_px=fall)
    b_fore = bone_grid(b.src[:, 1], b.src[:, 2], d[:, 2], d[:, 3], b.w_src, b.w_dst / 2, hs, ws,
                       src_size=src_size, falloff_px=fall)
    weights = [b_up.weight, b_fore.weight * b.has_fore.float().view(-1, 1, 1, 1)]
    grid = blend_grids([b_up.grid, b_fore.grid], weights)
    cover = (weights[0] + weights[1]).clamp(max=1)
    both = torch.cat([grid.permute(0, 3, 1, 2), cover], 1)
    both = F.interpolate(both, size=(2 * hs, 2 * ws), mode="bilinear", align_corners=False)[..., :h, :w]
    return both[:, :2].permute(0, 2, 3, 1), both[:, 2:]


def _soft(mask: Tensor, radius: float) -> Tensor:
    """A hard mask [T, 1, h, w] (bool) -> feathered float, the blur run at half resolution."""
    h, w = mask.shape[-2:]
    if h < 8 or w < 8:
        return feather(mask.float(), radius)
    small = F.avg_pool2d(mask.float(), 2, ceil_mode=True)
    small = feather(small, max(radius / 2, 0.5))
    return F.interpolate(small, size=(h, w), mode="bilinear", align_corners=False)


def _blur_small(x: Tensor, factor: int, radius: float) -> Tensor:
    """Gaussian blur of [T, C, H, W] at 1/factor resolution, back to full size."""
    h, w = x.shape[-2:]
    small = F.avg_pool2d(x, factor, ceil_mode=True) if factor > 1 else x
    small = feather(small, radius)
    return F.interpolate(small, size=(h, w), mode="bilinear", align_corners=False)


def _shading(img: Tensor, labels: Tensor, arms: Tensor) -> Tensor:
    """[T, 1, h, w] luminance ratio: the person's smoothed L over the old top's (arms': arms') mean."""
    lum = (img * img.new_tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)).sum(1, keepdim=True)
    # Only the old clothing region (torso, arms) shades the garment: outerwear reaching over the
    # trousers must not take their (dark) luminance; elsewhere the ratio fades to 1.
    person = ((labels == Part.UPPER_GARMENT) | arms)[:, None].float()
    factor = max(1, round(labels.shape[-2] / 160))
    both = _blur_small(torch.cat([lum * person, person], 1), factor, 4.0)
    smooth = both[:, :1] / both[:, 1:].clamp(min=1e-3)
    person = both[:, 1:] > 0.05
    torso = (labels == Part.UPPER_GARMENT)[:, None, ::2, ::2].float()
    arm = arms[:, None, ::2, ::2].float()
    lum2 = lum[..., ::2, ::2]
    mean_t = (lum2 * torso).sum((2, 3), keepdim=True) / torso.sum((2, 3), keepdim=True).clamp(min=1)
    mean_a = (lum2 * arm).sum((2, 3), keepdim=True) / arm.sum((2, 3), keepdim=True).clamp(min=1)
    mean_a = torch.where(arm.sum((2, 3), keepdim=True) > 0, mean_a, mean_t)
    ref = torch.where(arms[:, None], mean_a, mean_t).clamp(min=1e-3)
    ratio = torch.where(person, smooth / ref, torch.ones_like(smooth))
    return ratio.clamp_(*SHADE_RANGE)


def _top_and_skin(img: Tensor, labels: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """Per frame mean colour [T, 3, 1, 1] of the old top (torso region) and of the skin (face,
    hands), and whether both were seen [T, 1, 1, 1]."""
    skin = torch.zeros_like(labels, dtype=torch.bool)
    for part in (Part.FACE, Part.LEFT_HAND, Part.RIGHT_HAND):
        skin |= labels == part
    img = img[..., ::2, ::2]  # means: every other pixel is plenty
    s = skin[:, None, ::2, ::2].float()
    t = (labels == Part.UPPER_GARMENT)[:, None, ::2, ::2].float()
    n_s, n_t = s.sum((2, 3), keepdim=True), t.sum((2, 3), keepdim=True)
    skin_rgb = (img * s).sum((2, 3), keepdim=True) / n_s.clamp(min=1)
    top_rgb = (img * t).sum((2, 3), keepdim=True) / n_t.clamp(min=1)
    return top_rgb, skin_rgb, (n_s > 0) & (n_t > 0)


def _old_top_pixels(img: Tensor, arms: Tensor, colours: tuple[Tensor, Tensor, Tensor]) -> Tensor:
    """[T, 1, h, w]: arm pixels nearer the old top's colour than the skin's (an old sleeve)."""
    top_rgb, skin_rgb, usable = colours
    chroma = _chroma(img)
    d_top = (chroma - _chroma(top_rgb)).square().sum(1, keepdim=True)
    d_skin = (chroma - _chroma(skin_rgb)).square().sum(1, keepdim=True)
    # chromaticity (shading-free); a clear margin: only pixels much nearer the old top count
    return arms[:, None] & (4 * d_top < d_skin) & usable


def _chroma(rgb: Tensor) -> Tensor:
    return rgb / rgb.sum(1, keepdim=True).clamp(min=0.05)


def _repaint_old_sleeves(img: Tensor, old: Tensor, colours: tuple[Tensor, Tensor, Tensor]) -> Tensor:
    """Old sleeve pixels -> the skin colour, shaded by their luminance over the old top's."""
    if not bool(old.any()):
        return img
    top_rgb, skin_rgb, _ = colours
    lum_w = img.new_tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)
    ratio = (img * lum_w).sum(1, keepdim=True) / (top_rgb * lum_w).sum(1, keepdim=True).clamp(min=1e-3)
    return torch.where(old, (skin_rgb * ratio.clamp(*SHADE_RANGE)).clamp(0, 1), img)


def _landmarks_out(tg: BodyTargets, ends: Tensor, g: GarmentGeometry) -> Tensor:
    t_len = tg.torso.shape[0]
    out = torch.zeros(t_len, NUM_GARMENT_LANDMARKS, 3, device=tg.torso.device)
    rows = {GL.NECK_LEFT: 0, GL.NECK_RIGHT: 1, GL.SHOULDER_LEFT: 2, GL.SHOULDER_RIGHT: 3, GL.ARMPIT_LEFT: 4,
            GL.ARMPIT_RIGHT: 5, GL.HEM_LEFT: 10, GL.HEM_RIGHT: 11, GL.HEM_CENTER: 12}
    for row, col in rows.items():
        out[:, row, :2] = tg.torso[:, col]
        out[:, row, 2] = 1
    if g.has_sleeves:
        out[:, GL.SLEEVE_LEFT, :2], out[:, GL.SLEEVE_RIGHT, :2] = ends[:, 0], ends[:, 1]
        out[:, GL.SLEEVE_LEFT, 2] = out[:, GL.SLEEVE_RIGHT, 2] = 1
    return out


# --- checks --------------------------------------------------------------------------------------


def _desc(a: object) -> str:
    if isinstance(a, np.ndarray):
        return f"{a.dtype} {list(a.shape)}"
    return type(a).__name__


def _check_context(context: object, t_len: int) -> tuple[int, int]:
    values = np.asarray(context).ravel()
    if values.shape != (2,) or not np.issubdtype(values.dtype, np.integer):
        raise VisionInputError("CONTEXT", f"expected two ints (before, after), got {_desc(values)}")
    before, after = int(values[0]), int(values[1])
    if before < 0 or after < 0 or before + after >= t_len:
        raise VisionInputError("CONTEXT", f"({before}, {after}) must be >= 0 and leave at least one of the "
                                          f"{t_len} frames to dress")
    return before, after


def _check_clip(frames: np.ndarray, parse: np.ndarray, keypoints: np.ndarray) -> None:
    if not isinstance(frames, np.ndarray) or frames.dtype != np.uint8 or frames.ndim != 4 or frames.shape[3] != 3:
        raise VisionInputError("FRAMES", f"expected uint8 [T, H, W, 3], got {_desc(frames)}")
    t_len, h, w = frames.shape[:3]
    if t_len < 1 or not (16 <= h <= 4096 and 16 <= w <= 4096):
        raise VisionInputError("FRAMES", f"need T >= 1 and 16..4096 px a side, got {list(frames.shape)}")
    if not isinstance(parse, np.ndarray) or parse.ndim != 3 or parse.dtype != np.uint8:
        raise VisionInputError("PARSE", f"expected uint8 [T, H, W], got {_desc(parse)}")
    if parse.shape != (t_len, h, w):
        raise VisionInputError("PARSE", f"shape {list(parse.shape)} does not match FRAMES' [T, H, W] "
                                        f"{[t_len, h, w]}")
    if not isinstance(keypoints, np.ndarray) or keypoints.ndim != 3 or keypoints.shape[1:] != (NUM_KEYPOINTS, 4):
        raise VisionInputError("KEYPOINTS", f"expected [T, {NUM_KEYPOINTS}, 4], got {_desc(keypoints)}")
    if keypoints.shape[0] != t_len:
        raise VisionInputError("KEYPOINTS", f"{keypoints.shape[0]} frames but FRAMES has {t_len}")
    if not np.all(np.isfinite(keypoints)):
        raise VisionInputError("KEYPOINTS", "has non-finite values")
