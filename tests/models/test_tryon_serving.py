"""The try-on as Triton serves it: tryon_video_tracks (a studio clip's stored tracks + a
product photo) and tryon_video (the clip alone: the tracks are found by person_analysis).
A run leaves reports/tryon_video/contact_sheet.png and tryon.mp4 (before | after | mask)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from tritonclient.utils import InferenceServerException

from catwalk.media.sheet import contact_sheet
from catwalk.media.video import probe, write_mp4
from catwalk.models.client import infer
from catwalk.quality.figures import garment_coverage_iou, garment_delta_e, jitter_ratio
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


def test_context_frames_inform_the_smoothing_and_are_not_returned(stack, clip):
    """A chunk sent with CONTEXT (before, after) comes back as its middle frames, dressed as
    they are in the whole clip; a CONTEXT that leaves no frame is refused naming it."""
    photo = draw_product(random_spec(3, GarmentKind.TSHIRT, colour="red", pattern="solid"), 3, size=600)
    request = {k: clip[k] for k in ("FRAMES", "PARSE", "KEYPOINTS")}
    whole = infer(stack.triton(), "tryon_video_tracks", {**request, "GARMENT_PHOTO": photo.image[None]})
    middle = infer(stack.triton(), "tryon_video_tracks", {
        **request, "GARMENT_PHOTO": photo.image[None], "CONTEXT": np.array([[2, 3]], np.int32)})
    assert middle["DRESSED"].shape[1] == middle["GARMENT_MASKS"].shape[1] == middle["GARMENT_TRACKS"].shape[1] == 3
    assert np.abs(middle["GARMENT_TRACKS"][0] - whole["GARMENT_TRACKS"][0, 2:5]).max() <= 0.5
    assert np.mean(middle["GARMENT_MASKS"][0] != whole["GARMENT_MASKS"][0, 2:5]) < 0.002
    with pytest.raises(InferenceServerException) as caught:
        infer(stack.triton(), "tryon_video_tracks", {
            **request, "GARMENT_PHOTO": photo.image[None], "CONTEXT": np.array([[4, 4]], np.int32)})
    assert caught.value.status() == "StatusCode.INVALID_ARGUMENT" and "CONTEXT" in caught.value.message()


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


def test_tryon_video_finds_the_tracks_itself_and_dresses_a_walk(stack, reports):
    frames = list(render_clip("walk", 16 / 15, 15, width=360, height=640, seed=4))
    clip, truth = np.stack([f.image for f in frames]), np.stack([f.upper_garment for f in frames])
    photo = draw_product(random_spec(5, GarmentKind.SWEATER, colour="navy", pattern="solid"), 5, size=600)
    out = infer(stack.triton(), "tryon_video", {"FRAMES": clip[None], "GARMENT_PHOTO": photo.image[None]})
    dressed, masks, tracks, pose = (out[k][0] for k in ("DRESSED", "GARMENT_MASKS", "GARMENT_TRACKS", "KEYPOINTS"))
    assert dressed.shape == clip.shape and masks.shape == clip.shape[:3] and pose.shape == (16, 33, 4)
    # The old top (long sleeves cover the arms too, so the truth's tee is a lower bound).
    covered = np.mean([(m > 127)[u > 0].mean() for m, u in zip(masks, truth, strict=True)])
    assert covered >= 0.9, covered
    assert garment_delta_e(photo.image, photo.mask, dressed, masks > 127) <= 6
    assert jitter_ratio(tracks, pose) <= 1.5
    sheet = contact_sheet([[clip[t], dressed[t], masks[t]] for t in (0, 8, 15)])
    report = reports / "tryon_video"
    report.mkdir(exist_ok=True)
    assert cv2.imwrite(str(report / "contact_sheet.png"), sheet[..., ::-1])
    side_by_side = (np.concatenate([a, b], axis=1) for a, b in zip(clip, dressed, strict=True))
    assert write_mp4(side_by_side, report / "tryon.mp4", fps=15) == 16
    assert probe(report / "tryon.mp4")["frames"] == 16
    # A chunk with CONTEXT: its middle frames, dressed as in the whole clip, with their pose.
    middle = infer(stack.triton(), "tryon_video", {"FRAMES": clip[None], "GARMENT_PHOTO": photo.image[None],
                                                   "CONTEXT": np.array([[5, 6]], np.int32)})
    assert middle["DRESSED"].shape[1] == middle["KEYPOINTS"].shape[1] == 5
    assert np.array_equal(middle["KEYPOINTS"][0], pose[5:10])
    assert np.abs(middle["GARMENT_TRACKS"][0] - tracks[5:10]).max() <= 0.5


def test_tryon_video_names_the_model_that_refused(stack):
    frames = np.stack([f.image for f in render_clip("idle", 4 / 15, 15, width=360, height=640, seed=1)])
    photo = draw_product(random_spec(2, GarmentKind.TROUSERS), 2, size=500)
    with pytest.raises(InferenceServerException) as caught:
        infer(stack.triton(), "tryon_video", {"FRAMES": frames[None], "GARMENT_PHOTO": photo.image[None]})
    assert caught.value.status() == "StatusCode.INVALID_ARGUMENT"
    assert caught.value.message().startswith("tryon_video_tracks: ")
    assert "GARMENT_SILHOUETTE" in caught.value.message()
