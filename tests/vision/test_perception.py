"""Pose, person segmentation and faces: the pure functions behind the Triton models."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from skimage import data

from catwalk.vision.face import NO_FACE, FaceAnalyzer, FaceEmbedder, embedding_distance
from catwalk.vision.labels import NUM_KEYPOINTS, PoseKeypoint
from catwalk.vision.pose import estimate_pose, new_pose_graph
from catwalk.vision.segmentation import new_segmentation_graph, segment_person


@pytest.fixture(scope="module")
def astronaut() -> np.ndarray:
    return np.asarray(data.astronaut())


def test_pose_is_in_pixels_with_the_persons_own_sides(astronaut):
    keypoints = estimate_pose(new_pose_graph(), astronaut)
    assert keypoints.shape == (NUM_KEYPOINTS, 4) and keypoints.dtype == np.float32
    nose = keypoints[PoseKeypoint.NOSE]
    assert 190 < nose[0] < 260 and 90 < nose[1] < 170
    # Facing the camera: her left shoulder and eye are on the image's right.
    assert keypoints[PoseKeypoint.LEFT_SHOULDER, 0] > keypoints[PoseKeypoint.RIGHT_SHOULDER, 0]
    assert keypoints[PoseKeypoint.LEFT_EYE, 0] > keypoints[PoseKeypoint.RIGHT_EYE, 0]


def test_pose_of_an_empty_room_is_all_zeros():
    assert not estimate_pose(new_pose_graph(), np.full((480, 640, 3), 180, np.uint8)).any()


def test_person_mask_covers_the_person_not_the_background(astronaut):
    mask = segment_person(new_segmentation_graph(), astronaut)
    assert mask.shape == astronaut.shape[:2] and mask.dtype == np.uint8
    assert mask[150, 225] > 200, "her face"
    assert mask[400, 200] > 200, "her suit"
    assert mask[30, 480] < 50, "the background top right"


@pytest.fixture(scope="module")
def faces(face_photos):
    analyzer = FaceAnalyzer()
    return {name: analyzer.analyse(cv2.cvtColor(cv2.imread(str(face_photos / f"{name}.jpg")), cv2.COLOR_BGR2RGB))
            for name in ("obama", "obama2", "biden")}


def test_face_analyzer_finds_and_aligns_the_face(faces):
    face = faces["obama"]
    assert face.score > 0.7
    assert face.chip.shape == (150, 150, 3) and face.chip.std() > 20
    left_outer, left_inner, right_outer, right_inner, nose = face.landmarks
    assert left_outer[0] > left_inner[0] > nose[0] > right_inner[0] > right_outer[0]
    assert nose[1] > max(left_inner[1], right_inner[1]), "the nose is below the eyes"


def test_embeddings_separate_people(faces):
    embedder = FaceEmbedder()
    emb = {name: embedder.embed(face.chip) for name, face in faces.items()}
    assert embedding_distance(emb["obama"], emb["obama2"]) < 0.6 < embedding_distance(emb["obama"], emb["biden"])


def test_no_face_gives_zeros_everywhere():
    assert FaceAnalyzer().analyse(np.full((300, 300, 3), 128, np.uint8)) is NO_FACE
    assert not FaceEmbedder().embed(NO_FACE.chip).any()
