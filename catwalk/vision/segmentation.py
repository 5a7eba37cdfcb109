"""Person segmentation with MediaPipe Selfie Segmentation (general model)."""

from __future__ import annotations

import numpy as np


def new_segmentation_graph():  # -> mp.solutions.selfie_segmentation.SelfieSegmentation
    import mediapipe as mp

    # model 0 (256x256 "general") copes with full-body shots better than the landscape one.
    return mp.solutions.selfie_segmentation.SelfieSegmentation(model_selection=0)


def segment_person(graph, image: np.ndarray) -> np.ndarray:
    """image [H, W, 3] uint8 RGB -> mask [H, W] uint8, person probability x 255."""
    result = graph.process(np.ascontiguousarray(image))
    probability = result.segmentation_mask  # [H, W] float32 in 0..1
    return np.clip(probability * 255.0 + 0.5, 0, 255).astype(np.uint8)
