"""Triton's garment_segmenter, as the parser calls it: one photo in, mask, landmarks and
silhouette out, with the caller's deadline passed down and Triton's refusals mapped to
what they mean for the caller (no garment → the photo is bad; no answer → retry)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tritonclient.grpc as grpcclient
from tritonclient.utils import InferenceServerException

MODEL = "garment_segmenter"


class NoGarment(ValueError):
    """Triton refused the photo (no garment found, or an image it cannot use); says why."""


class SegmenterUnavailable(RuntimeError):
    """Triton did not answer, or the model is not loaded."""


class SegmenterTimeout(RuntimeError):
    """The deadline passed while Triton was working."""


@dataclass(frozen=True)
class Segmentation:
    mask: np.ndarray  # [H, W] uint8, 255 garment
    landmarks: np.ndarray  # [14, 3] float32: x, y, visible (catwalk.vision.labels.GarmentLandmark rows)
    silhouette: int  # catwalk.vision.labels.Silhouette
    silhouette_scores: np.ndarray  # [5] float32


class GarmentSegmenter:
    """One gRPC client for the process (the channel is thread-safe)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = grpcclient.InferenceServerClient(url)

    def ready(self) -> None:
        """Raises unless the server is live and the model ready (the service's health check)."""
        try:
            if not self.client.is_model_ready(MODEL, client_timeout=2.0):
                raise SegmenterUnavailable(f"{MODEL} is not loaded in Triton at {self.url}")
        except InferenceServerException as exc:
            raise SegmenterUnavailable(f"Triton at {self.url}: {exc.message()}") from None

    def segment(self, rgb: np.ndarray, timeout_s: float) -> Segmentation:
        image = grpcclient.InferInput("IMAGES", [1, *rgb.shape], "UINT8")
        image.set_data_from_numpy(rgb[None])
        outputs = [grpcclient.InferRequestedOutput(n) for n in ("MASK", "LANDMARKS", "SILHOUETTE", "SILHOUETTE_SCORES")]
        try:
            result = self.client.infer(MODEL, [image], outputs=outputs, client_timeout=timeout_s)
        except InferenceServerException as exc:
            status = str(exc.status() or "")
            message = exc.message() or str(exc)
            if "INVALID_ARG" in status:
                raise NoGarment(message.removeprefix("IMAGES: ")) from None
            if "DEADLINE_EXCEEDED" in status or "Deadline Exceeded" in message:
                raise SegmenterTimeout(message) from None
            raise SegmenterUnavailable(f"{MODEL} at {self.url}: {message}") from None
        return Segmentation(
            mask=result.as_numpy("MASK")[0],
            landmarks=result.as_numpy("LANDMARKS")[0],
            silhouette=int(result.as_numpy("SILHOUETTE")[0][0]),
            silhouette_scores=result.as_numpy("SILHOUETTE_SCORES")[0],
        )
