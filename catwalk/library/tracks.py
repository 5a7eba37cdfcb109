"""How a template's pose and parse tracks are stored in S3: NumPy files, the parse track
compressed (label maps are mostly runs of one value: a 720x1280 frame shrinks to a few kB)."""

from __future__ import annotations

import io

import numpy as np


def encode_pose_track(keypoints: np.ndarray) -> bytes:
    """[T, 33, 4] float32 (pose_estimator KEYPOINTS per frame) -> .npy bytes."""
    kp = np.asarray(keypoints, np.float32)
    if kp.ndim != 3 or kp.shape[1:] != (33, 4):
        raise ValueError(f"pose track: expected [T, 33, 4], got {list(kp.shape)}")
    buffer = io.BytesIO()
    np.save(buffer, kp, allow_pickle=False)
    return buffer.getvalue()


def decode_pose_track(data: bytes) -> np.ndarray:
    return np.load(io.BytesIO(data), allow_pickle=False)


def encode_parse_track(parse: np.ndarray) -> bytes:
    """[T, H, W] uint8 (human_parser labels per frame) -> compressed .npz bytes."""
    labels = np.asarray(parse)
    if labels.ndim != 3 or labels.dtype != np.uint8:
        raise ValueError(f"parse track: expected uint8 [T, H, W], got {labels.dtype} {list(labels.shape)}")
    buffer = io.BytesIO()
    np.savez_compressed(buffer, parse=labels)
    return buffer.getvalue()


def decode_parse_track(data: bytes) -> np.ndarray:
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        return archive["parse"]
