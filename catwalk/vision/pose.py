"""Body pose with MediaPipe Pose (33 keypoints), in pixel coordinates."""

from __future__ import annotations

import numpy as np

from catwalk.vision.labels import NUM_KEYPOINTS


def new_pose_graph():  # -> mp.solutions.pose.Pose (imported lazily: importing is slow)
    """A MediaPipe Pose graph for independent images (frames of many videos interleave).

    model_complexity=1 is the only variant whose weights ship in the wheel.
    """
    import mediapipe as mp

    return mp.solutions.pose.Pose(
        static_image_mode=True, model_complexity=1, enable_segmentation=False
    )


def estimate_pose(graph, image: np.ndarray) -> np.ndarray:
    """image [H, W, 3] uint8 RGB -> keypoints [33, 4] float32: x_px, y_px, z, visibility.

    z is MediaPipe's depth relative to the hips, scaled like x (pixels; smaller is nearer
    the camera). No person found: all zeros.
    """
    h, w = image.shape[:2]
    result = graph.process(np.ascontiguousarray(image))
    keypoints = np.zeros((NUM_KEYPOINTS, 4), np.float32)
    if result.pose_landmarks is None:
        return keypoints
    for i, lm in enumerate(result.pose_landmarks.landmark):
        keypoints[i] = (lm.x * w, lm.y * h, lm.z * w, lm.visibility)
    return keypoints
