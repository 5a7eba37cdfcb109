"""What a rendered shot is measured against: the product's garment (photo and mask, from
Triton's garment_segmenter once per job), the template's clothing region the garment should
cover, and the quality gates."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from catwalk.jobs.flow_env import Gates
from catwalk.jobs.steps.context import StepRun, failed
from catwalk.jobs.steps.parse import PhotoRef
from catwalk.jobs.steps.triton_io import TritonSession
from catwalk.quality.figures import ShotQuality
from catwalk.vision.labels import GarmentLandmark as GL
from catwalk.vision.labels import Part, Silhouette
from catwalk.vision.labels import PoseKeypoint as K
from services.product_parser.photo import PhotoError, decode_photo

STEP = "render"
MASK_NAME = "input/garment_mask.png"

# The landmarks jitter is measured on: the garment's that follow the torso, and the pose's that drive them.
GARMENT_TRACK = [GL.NECK_LEFT, GL.NECK_RIGHT, GL.SHOULDER_LEFT, GL.SHOULDER_RIGHT, GL.HEM_LEFT, GL.HEM_RIGHT,
                 GL.HEM_CENTER]
POSE_TRACK = [K.LEFT_SHOULDER, K.RIGHT_SHOULDER, K.LEFT_HIP, K.RIGHT_HIP, K.NOSE]

_ARMS = [Part.LEFT_UPPER_ARM, Part.RIGHT_UPPER_ARM, Part.LEFT_FOREARM, Part.RIGHT_FOREARM]
_LEGS = [Part.LEFT_LEG, Part.RIGHT_LEG]


@dataclass(frozen=True)
class ProductGarment:
    rgb: np.ndarray  # [H, W, 3] the product photo
    mask: np.ndarray  # [H, W] uint8, 255 garment
    silhouette: Silhouette


def load_photo(run: StepRun, photo: PhotoRef) -> np.ndarray:
    try:
        return decode_photo(run.store.get_bytes(photo.key, photo.bucket)).rgb
    except PhotoError as exc:
        raise failed(STEP, "INVALID_ARGUMENT", f"product.photo: {exc}") from None


def segment(run: StepRun, triton: TritonSession, rgb: np.ndarray) -> tuple[np.ndarray, Silhouette]:
    h, w = rgb.shape[:2]
    out = triton.infer(STEP, "garment_segmenter", {"IMAGES": rgb[None]},
                       {"MASK": ((1, h, w), np.uint8), "SILHOUETTE": ((1, 1), np.int32)}, run.env.triton_deadline_s)
    mask = out["MASK"][0]
    if not mask.any():
        raise failed(STEP, "INVALID_ARGUMENT", "product.photo: no garment found on the photo")
    return mask, Silhouette(int(out["SILHOUETTE"][0, 0]))


def product_garment(run: StepRun, triton: TritonSession, photo: PhotoRef, number: int) -> ProductGarment:
    """The product's garment mask, segmented once per job and checkpointed (a PNG and its silhouette)."""
    rgb = load_photo(run, photo)
    name = run.checkpoint_name(number, STEP, "garment")
    saved = run.store.get_json(name)
    if saved is not None:
        data = np.frombuffer(run.store.get_bytes(saved["mask_key"]), np.uint8)
        mask = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)
        if mask is None:
            raise failed(STEP, "DATA_LOSS", f"{saved['mask_key']}: the checkpointed garment mask does not decode")
        return ProductGarment(rgb, np.asarray(mask, np.uint8), Silhouette(saved["silhouette"]))
    mask, silhouette = segment(run, triton, rgb)
    _, png = cv2.imencode(".png", mask)
    key = run.store.put_bytes(MASK_NAME, png.tobytes(), "image/png")
    run.store.put_json(name, {"mask_key": key, "silhouette": int(silhouette),
                              "silhouette_name": silhouette.name.lower(),
                              "garment_share": round(float((mask > 0).mean()), 4)})
    return ProductGarment(rgb, mask, silhouette)


def target_parts(silhouette: Silhouette, sleeve: str) -> list[int]:
    """The template's parse classes the garment should cover: a top the torso and as much of
    the arms as its sleeve_length says (unknown: the upper arms), outerwear the torso and arms,
    a dress the torso and the lower garment, trousers the lower garment and legs, a skirt the
    lower garment. (On the starter library a red t-shirt's mean IoU is 0.63..0.72 against the
    torso alone and 0.83..0.89 against torso and upper arms.)"""
    if silhouette == Silhouette.TOP:
        if sleeve == "sleeveless":
            return [Part.UPPER_GARMENT]
        return [Part.UPPER_GARMENT, *(_ARMS if sleeve in ("long", "three_quarter") else _ARMS[:2])]
    if silhouette == Silhouette.OUTERWEAR:
        return [Part.UPPER_GARMENT, *_ARMS]
    if silhouette == Silhouette.DRESS:
        return [Part.UPPER_GARMENT, Part.LOWER_GARMENT]
    if silhouette == Silhouette.TROUSERS:
        return [Part.LOWER_GARMENT, *_LEGS]
    return [Part.LOWER_GARMENT]


def gate_failures(quality: ShotQuality, gates: Gates) -> list[str]:
    """The gates a shot misses, in words; a figure that could not be measured (nan) misses none."""
    misses = []
    if not math.isnan(quality.coverage_iou) and quality.coverage_iou < gates.min_coverage_iou:
        misses.append(f"coverage IoU {quality.coverage_iou:.3f} < {gates.min_coverage_iou:g}")
    if not math.isnan(quality.garment_delta_e) and quality.garment_delta_e > gates.max_delta_e:
        misses.append(f"garment ΔE {quality.garment_delta_e:.2f} > {gates.max_delta_e:g}")
    if quality.garment_frames == 0:
        misses.append("the garment is in no frame")
    if (not math.isnan(quality.jitter_ratio) and quality.jitter_ratio > gates.max_jitter_ratio
            and quality.garment_jitter > gates.jitter_floor_px):
        misses.append(f"jitter ratio {quality.jitter_ratio:.3f} > {gates.max_jitter_ratio:g} "
                      f"({quality.garment_jitter:.2f} px/frame² > {gates.jitter_floor_px:g})")
    return misses
