"""animate_video as Triton serves it: the astronaut photo moved through studio motions.
A run leaves reports/animate_video/contact_sheet.png and animation.mp4 (one per motion)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from skimage import data
from tritonclient.utils import InferenceServerException

from catwalk.media.sheet import contact_sheet
from catwalk.media.video import probe, write_mp4
from catwalk.models.client import infer
from catwalk.studio.motion import pose_sequence


def targets(motion: str, width: int, height: int, frames: int = 10) -> np.ndarray:
    sequence = pose_sequence(motion, 2.0, frames / 2.0, aspect=width / height)
    return np.stack([f.keypoints(width, height) for f in sequence])


@pytest.mark.parametrize("motion", ["wave", "arms_raise"])
def test_the_astronaut_moves_and_stays_herself(stack, reports, motion):
    photo = np.asarray(data.astronaut())
    client = stack.triton()
    out = infer(client, "animate_video", {"REFERENCE_IMAGE": photo[None],
                                           "TARGET_KEYPOINTS": targets(motion, 512, 512)[None]})
    frames, masks = out["FRAMES"][0], out["MASKS"][0]
    assert frames.shape == (10, 512, 512, 3) and masks.shape == (10, 512, 512)
    assert np.abs(frames.astype(int) - photo).mean(axis=(1, 2, 3)).max() > 3, "she moves"
    reference = infer(client, "face_id", {"IMAGES": photo[None]})["EMBEDDING"][0]
    faces = infer(client, "face_id", {"IMAGES": frames})
    found = faces["SCORE"][:, 0] > 0
    assert found.mean() >= 0.8
    distances = np.linalg.norm(faces["EMBEDDING"][found] - reference, axis=1)
    assert distances.max() < 0.6, distances
    report = reports / "animate_video"
    report.mkdir(exist_ok=True)
    sheet = contact_sheet([[photo, *frames[::3]]], tile_height=256)
    assert cv2.imwrite(str(report / f"contact_sheet_{motion}.png"), sheet[..., ::-1])
    assert write_mp4(frames, report / f"animation_{motion}.mp4", fps=5) == 10
    assert probe(report / f"animation_{motion}.mp4")["frames"] == 10


def test_a_photo_without_a_person_is_refused(stack):
    blank = np.full((1, 256, 256, 3), 200, np.uint8)
    with pytest.raises(InferenceServerException) as caught:
        infer(stack.triton(), "animate_video", {"REFERENCE_IMAGE": blank,
                                                "TARGET_KEYPOINTS": targets("wave", 256, 256)[None]})
    assert caught.value.status() == "StatusCode.INVALID_ARGUMENT"
