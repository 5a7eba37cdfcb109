"""Identity preservation: re-anchor the reference face on every frame of a generated clip.

For each frame the reference's 5-point face landmarks (dlib order, `FaceAnalyzer`) are
matched to the frame's: given by the caller (e.g. `Animation.face_landmarks`, the head
bone's transform, exact for a geometric animation) or found with a `FaceAnalyzer`. A
similarity transform (`cv2.estimateAffinePartial2D`) carries the reference image onto the
frame, and the reference face region (an ellipse around the landmarks) is blended in: a
feathered alpha composite (default: fast and stable over time) or `cv2.seamlessClone`
(matches the frame's lighting; slower, and can flicker). Frames where no face is known are
returned unchanged.
"""

from __future__ import annotations

from typing import Literal

import cv2
import numpy as np

from catwalk.vision.errors import VisionInputError
from catwalk.vision.face import Face, FaceAnalyzer

__all__ = ["face_mask", "id_preserve"]

FACE_WIDTH = 2.0  # face ellipse width / outer-eye-corner distance
FACE_HEIGHT = 2.3  # face ellipse height / outer-eye-corner distance
FEATHER = 0.25  # feather radius / outer-eye-corner distance
MIN_EYE_PX = 4.0  # landmarks closer than this are no face
MAX_RESIDUAL = 0.25  # landmark fit error (x eye distance) above which a frame is left alone


def face_mask(shape: tuple[int, ...], landmarks: np.ndarray, feather: bool = True) -> np.ndarray:
    """Soft face region `[H, W]` float32 in 0..1 from dlib 5-point landmarks `[5, 2]`: an
    ellipse from the brows to the chin, aligned with the eyes."""
    lm = np.asarray(landmarks, np.float64)
    left_eye, right_eye, nose = lm[0:2].mean(0), lm[2:4].mean(0), lm[4]
    eye_vec = left_eye - right_eye
    d = float(np.linalg.norm(lm[0] - lm[2]))
    eyes = (left_eye + right_eye) / 2
    centre = eyes + 0.75 * (nose - eyes)
    angle = float(np.degrees(np.arctan2(eye_vec[1], eye_vec[0])))
    mask: np.ndarray = np.zeros(shape, np.float32)
    axes = (max(1, round(FACE_WIDTH * d / 2)), max(1, round(FACE_HEIGHT * d / 2)))
    cv2.ellipse(mask, (round(centre[0]), round(centre[1])), axes, angle, 0, 360, 1.0, -1)
    if feather:
        k = max(3, round(FEATHER * d) * 2 + 1)
        mask = cv2.GaussianBlur(mask * 1.0, (k, k), 0) * mask  # stays inside the ellipse
        mask = cv2.GaussianBlur(mask, (k, k), 0)
    return mask


def id_preserve(frames: np.ndarray, reference_image: np.ndarray, reference_face: Face | np.ndarray, *,
                frame_landmarks: np.ndarray | None = None, analyzer: FaceAnalyzer | None = None,
                method: Literal["feather", "seamless"] = "feather") -> np.ndarray:
    """frames `[T, H, W, 3]` uint8, reference_image `[h, w, 3]` uint8, reference_face a `Face`
    or its landmarks `[5, 2]` (in the reference image). `frame_landmarks` `[T, 5, 2]` gives the
    face on each frame (a NaN row: unknown); otherwise, or where unknown, `analyzer` (a
    `FaceAnalyzer`, built here if needed) finds it. Returns new frames."""
    frames = _check_frames(frames)
    ref_img = np.asarray(reference_image)
    if ref_img.dtype != np.uint8 or ref_img.ndim != 3 or ref_img.shape[2] != 3:
        raise VisionInputError("reference_image", f"expected uint8 [H, W, 3], got {ref_img.dtype} {ref_img.shape}")
    ref_lm = np.asarray(reference_face.landmarks if isinstance(reference_face, Face) else reference_face, np.float64)
    if ref_lm.shape != (5, 2) or not np.isfinite(ref_lm).all():
        raise VisionInputError("reference_face", f"expected 5 finite (x, y) landmarks, got shape {ref_lm.shape}")
    eye_d = float(np.linalg.norm(ref_lm[0] - ref_lm[2]))
    if eye_d < MIN_EYE_PX:
        raise VisionInputError("reference_face", "landmarks collapsed: no face (score 0?)")
    t_len, h, w = frames.shape[:3]
    if frame_landmarks is not None:
        frame_landmarks = np.asarray(frame_landmarks, np.float64)
        if frame_landmarks.shape != (t_len, 5, 2):
            raise VisionInputError("frame_landmarks", f"shape {frame_landmarks.shape}, expected {(t_len, 5, 2)}")
    if method not in ("feather", "seamless"):
        raise VisionInputError("method", f"must be 'feather' or 'seamless', got {method!r}")

    ref_mask = face_mask(ref_img.shape[:2], ref_lm)
    out = frames.copy()
    for t in range(t_len):
        lm = frame_landmarks[t] if frame_landmarks is not None else None
        if lm is None or not np.isfinite(lm).all():
            analyzer = analyzer or FaceAnalyzer()
            face = analyzer.analyse(frames[t])
            if face.score <= 0:
                continue
            lm = face.landmarks.astype(np.float64)
        m: np.ndarray | None
        m, _ = cv2.estimateAffinePartial2D(ref_lm.astype(np.float32), lm.astype(np.float32), method=cv2.LMEDS)
        if m is None:
            continue
        residual = np.linalg.norm(ref_lm @ m[:, :2].T + m[:, 2] - lm, axis=1).max()
        if residual > MAX_RESIDUAL * eye_d * np.sqrt(abs(float(np.linalg.det(m[:, :2].astype(np.float64))))):
            continue  # the detected landmarks do not look like this face: leave the frame alone
        warped = cv2.warpAffine(ref_img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
        alpha = cv2.warpAffine(ref_mask, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=0.0)
        if method == "seamless":
            out[t] = _seamless(warped, out[t], alpha)
        else:
            a = alpha[..., None]
            out[t] = np.clip(a * warped + (1 - a) * out[t] + 0.5, 0, 255).astype(np.uint8)
    return out


def _seamless(source: np.ndarray, target: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    mask = (alpha > 0.5).astype(np.uint8) * 255
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return target
    h, w = mask.shape
    if xs.min() < 1 or ys.min() < 1 or xs.max() >= w - 1 or ys.max() >= h - 1:
        a = alpha[..., None]  # touching the border: seamlessClone misplaces it; feather instead
        return np.clip(a * source + (1 - a) * target + 0.5, 0, 255).astype(np.uint8)
    centre = ((int(xs.min()) + int(xs.max()) + 1) // 2, (int(ys.min()) + int(ys.max()) + 1) // 2)
    return cv2.seamlessClone(source, target, mask, centre, cv2.NORMAL_CLONE)


def _check_frames(frames: np.ndarray) -> np.ndarray:
    if (not isinstance(frames, np.ndarray) or frames.dtype != np.uint8 or frames.ndim != 4
            or frames.shape[-1] != 3):
        got = f"{getattr(frames, 'dtype', type(frames).__name__)} {getattr(frames, 'shape', '')}"
        raise VisionInputError("frames", f"expected uint8 [T, H, W, 3] RGB, got {got}")
    return frames
