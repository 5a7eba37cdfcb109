"""tryon_video_tracks as Triton serves it: a studio clip's stored tracks + a product photo."""

from __future__ import annotations

import numpy as np
import pytest
from tritonclient.utils import InferenceServerException

from catwalk.models.client import infer
from catwalk.quality.figures import garment_coverage_iou, garment_delta_e
from catwalk.studio.garments import GarmentKind, draw_product, random_spec
from catwalk.studio.mannequin import render_clip
from catwalk.vision.labels import Part


@pytest.fixture(scope="module")
def clip():
    frames = list(render_clip("idle", 8 / 15, 15, width=360, height=640, seed=1))
    return {
        "FRAMES": np.stack([f.image for f in frames])[None],
        "PARSE": np.stack([f.parts for f in frames])[None],
        "KEYPOINTS": np.stack([f.keypoints for f in frames])[None],
        "upper": np.stack([f.upper_garment for f in frames]),
    }


def test_a_tshirt_is_drawn_over_the_old_top_in_its_own_colour(stack, clip):
    photo = draw_product(random_spec(3, GarmentKind.TSHIRT, colour="red", pattern="solid"), 3, size=600)
    request = {k: clip[k] for k in ("FRAMES", "PARSE", "KEYPOINTS")}
    out = infer(stack.triton(), "tryon_video_tracks", {**request, "GARMENT_PHOTO": photo.image[None]})
    dressed, masks, tracks = out["DRESSED"][0], out["GARMENT_MASKS"][0], out["GARMENT_TRACKS"][0]
    assert dressed.shape == clip["FRAMES"][0].shape and masks.shape == clip["PARSE"][0].shape
    assert tracks.shape == (8, 14, 3)
    # The new tee covers the old one (the mannequin's tee is the target region here).
    assert np.mean([garment_coverage_iou(m > 127, u > 0) for m, u in zip(masks, clip["upper"], strict=True)]) >= 0.8
    assert garment_delta_e(photo.image, photo.mask, dressed, masks > 127) <= 6
    # The face is untouched.
    face = clip["PARSE"][0] == Part.FACE
    assert np.array_equal(dressed[face], clip["FRAMES"][0][face])


def test_trousers_are_refused_naming_the_silhouette(stack, clip):
    photo = draw_product(random_spec(2, GarmentKind.TROUSERS), 2, size=500)
    request = {k: clip[k] for k in ("FRAMES", "PARSE", "KEYPOINTS")}
    with pytest.raises(InferenceServerException) as caught:
        infer(stack.triton(), "tryon_video_tracks", {**request, "GARMENT_PHOTO": photo.image[None]})
    assert caught.value.status() == "StatusCode.INVALID_ARGUMENT"
    assert "GARMENT_SILHOUETTE" in caught.value.message()


def test_a_parse_track_of_the_wrong_length_names_the_tensor(stack, clip):
    photo = draw_product(random_spec(3, GarmentKind.TSHIRT), 3, size=500)
    request = {"FRAMES": clip["FRAMES"], "PARSE": clip["PARSE"][:, :5], "KEYPOINTS": clip["KEYPOINTS"]}
    with pytest.raises(InferenceServerException, match="PARSE: shape"):
        infer(stack.triton(), "tryon_video_tracks", {**request, "GARMENT_PHOTO": photo.image[None]})
