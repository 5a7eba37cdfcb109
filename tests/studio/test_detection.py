"""MediaPipe finds the mannequin: pose on every motion, faces on frontal frames.

Runs in the models' venv (MediaPipe lives only there):
    .venv-models/bin/python -m pytest -q tests/studio/test_detection.py
In the services' venv it is skipped at import (no mediapipe).
"""

from __future__ import annotations

import numpy as np
import pytest

mp = pytest.importorskip("mediapipe")

from catwalk.studio.body import BodyShape  # noqa: E402
from catwalk.studio.look import Look  # noqa: E402
from catwalk.studio.mannequin import render_clip  # noqa: E402
from catwalk.studio.motion import MOTIONS  # noqa: E402
from catwalk.vision.labels import PoseKeypoint as K  # noqa: E402

WIDTH, HEIGHT, FRAMES, SECONDS = 720, 1280, 20, 4.0
CHECKED = [K.NOSE, K.LEFT_SHOULDER, K.RIGHT_SHOULDER, K.LEFT_HIP, K.RIGHT_HIP]
CASTS = [("female", 0), ("male", 1)]


@pytest.fixture(scope="module")
def graphs():
    pose = mp.solutions.pose.Pose(static_image_mode=True, model_complexity=1)
    face = mp.solutions.face_detection.FaceDetection(model_selection=1)
    yield pose, face
    pose.close()
    face.close()


def detection_rates(motion: str, gender: str, seed: int, graphs) -> tuple[float, float | None, float]:
    """Fractions of frames where: the pose is found with the nose, shoulders and hips within
    5% of the diagonal; a face is found, among frontal frames (nose and both eyes visible
    in the truth; None if there are none); a face is found, among all frames."""
    pose, face = graphs
    diagonal = float(np.hypot(WIDTH, HEIGHT))
    found = faces = frontal = frontal_faces = 0
    for f in render_clip(motion, SECONDS, FRAMES / SECONDS, width=WIDTH, height=HEIGHT,
                         body=BodyShape.default(gender), look=Look.random(seed, gender), seed=seed):  # type: ignore[arg-type]
        result = pose.process(f.image)
        if result.pose_landmarks is not None:
            lm = result.pose_landmarks.landmark
            got = np.array([(lm[k].x * WIDTH, lm[k].y * HEIGHT) for k in CHECKED])
            found += bool(np.linalg.norm(got - f.keypoints[CHECKED, :2], axis=1).max() < 0.05 * diagonal)
        has_face = bool(face.process(f.image).detections)
        faces += has_face
        if np.all(f.keypoints[[K.NOSE, K.LEFT_EYE, K.RIGHT_EYE], 3] == 1):
            frontal += 1
            frontal_faces += has_face
    return found / FRAMES, frontal_faces / frontal if frontal else None, faces / FRAMES


@pytest.mark.parametrize("gender,seed", CASTS, ids=[g for g, _ in CASTS])
@pytest.mark.parametrize("motion", list(MOTIONS))
def test_mediapipe_finds_the_mannequin(motion, gender, seed, graphs, capsys):
    pose_rate, frontal_rate, face_rate = detection_rates(motion, gender, seed, graphs)
    frontal = "n/a" if frontal_rate is None else f"{frontal_rate:.2f}"
    with capsys.disabled():
        print(f"\n  {motion:17s} {gender:6s} pose {pose_rate:.2f}   face: frontal frames {frontal}, "
              f"all frames {face_rate:.2f}", end="")
    if MOTIONS[motion].faces_camera:  # front views; turns and side walks are reported only
        assert pose_rate >= 0.9
