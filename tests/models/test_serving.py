"""The models as Triton serves them: real photos, drawn images with known truth, bad input."""

from __future__ import annotations

import threading

import cv2
import numpy as np
import pytest
import tritonclient.grpc as grpcclient
from skimage import data
from tritonclient.utils import InferenceServerException

from catwalk.models.bench import run as bench_run
from catwalk.models.client import infer
from catwalk.studio.garments import draw_product, random_spec
from catwalk.vision.labels import Part, PoseKeypoint, Silhouette
from tests.vision.figure_drawings import draw_figure


def photo(path) -> np.ndarray:
    return cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)


def iou(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.logical_and(a, b).sum() / max(np.logical_or(a, b).sum(), 1))


def test_pose_finds_the_astronauts_face_and_shoulders_where_they_are(stack):
    image = data.astronaut()  # 512x512; her face is around (225, 130), shoulders at y ~ 250
    keypoints = infer(stack.triton(), "pose_estimator", {"IMAGES": image[None]})["KEYPOINTS"][0]
    nose, left, right = (keypoints[k] for k in (
        PoseKeypoint.NOSE, PoseKeypoint.LEFT_SHOULDER, PoseKeypoint.RIGHT_SHOULDER))
    assert 190 < nose[0] < 260 and 90 < nose[1] < 170 and nose[3] > 0.9
    for eye in (PoseKeypoint.LEFT_EYE, PoseKeypoint.RIGHT_EYE):
        assert keypoints[eye][1] < nose[1], "eyes above the nose"
    # Her left shoulder is on the image's right; both below the chin, visible.
    assert left[0] > nose[0] + 50 and right[0] < nose[0] - 50
    assert 200 < left[1] < 300 and 200 < right[1] < 300
    assert min(left[3], right[3]) > 0.9


def test_face_id_tells_the_same_person_from_another(stack, face_photos):
    names = ("obama", "obama2", "obama3", "biden")
    images = {n: photo(face_photos / f"{n}.jpg") for n in names}
    client = stack.triton()
    out = {n: infer(client, "face_id", {"IMAGES": images[n][None]}) for n in names}
    for n in names:
        assert out[n]["SCORE"][0, 0] > 0.7
        assert out[n]["EMBEDDING"].shape == (1, 128)
    emb = {n: out[n]["EMBEDDING"][0] for n in names}
    same = [np.linalg.norm(emb["obama"] - emb[n]) for n in ("obama2", "obama3")]
    different = [np.linalg.norm(emb[n] - emb["biden"]) for n in ("obama", "obama2", "obama3")]
    assert max(same) < 0.6 < min(different), (same, different)
    # The box holds the face: the landmarks lie inside it.
    box, landmarks = out["obama"]["BOX"][0], out["obama"]["LANDMARKS"][0]
    assert np.all((landmarks >= box[:2]) & (landmarks <= box[2:]))


def test_face_id_without_a_face_says_so(stack):
    blank = np.full((1, 256, 256, 3), 200, np.uint8)
    out = infer(stack.triton(), "face_id", {"IMAGES": blank})
    assert out["SCORE"][0, 0] == 0
    assert not out["EMBEDDING"].any()


@pytest.mark.parametrize("kind", ["tshirt", "coat", "dress", "trousers", "skirt"])
def test_garment_segmenter_matches_drawn_truth(stack, kind):
    drawing = draw_product(random_spec(7, kind), seed=7, background="white")
    out = infer(stack.triton(), "garment_segmenter", {"IMAGES": drawing.image[None]})
    assert iou(out["MASK"][0] > 127, drawing.mask > 0) >= 0.9
    assert Silhouette(int(out["SILHOUETTE"][0, 0])) == drawing.silhouette
    assert out["SILHOUETTE_SCORES"][0].sum() == pytest.approx(1.0, abs=1e-4)
    visible = drawing.landmarks[:, 2] > 0
    assert np.array_equal(out["LANDMARKS"][0][:, 2] > 0, visible)


def test_garment_segmenter_refuses_a_photo_without_a_garment(stack):
    blank = np.full((1, 400, 300, 3), 250, np.uint8)
    with pytest.raises(InferenceServerException, match="no garment"):
        infer(stack.triton(), "garment_segmenter", {"IMAGES": blank})


def test_garment_segmenter_answers_a_repeated_photo_from_the_cache(stack):
    photo = draw_product(random_spec(11, "hoodie"), seed=11).image[None]
    client = stack.triton()

    def hits() -> int:
        stats = client.get_inference_statistics("garment_segmenter", as_json=True)["model_stats"][0]
        return int(stats["inference_stats"].get("cache_hit", {}).get("count", 0))

    before = hits()
    first = infer(client, "garment_segmenter", {"IMAGES": photo})
    again = infer(client, "garment_segmenter", {"IMAGES": photo})
    assert hits() == before + 1
    assert all(np.array_equal(first[name], again[name]) for name in first)


@pytest.mark.parametrize("pose", ["front", "arms_raised", "walking"])
def test_human_parser_matches_drawn_truth(stack, pose):
    figure = draw_figure(pose, seed=3)
    out = infer(stack.triton(), "human_parser", {
        "IMAGES": figure.image[None], "KEYPOINTS": figure.keypoints[None],
        "MASK": (figure.mask * 255)[None]})
    parse = out["PARSE"][0]
    assert parse.shape == figure.truth.shape
    present = [p for p in Part if p != Part.BACKGROUND and (figure.truth == p).sum() > 200]
    ious = {p.name: iou(parse == p, figure.truth == p) for p in present}
    assert np.mean(list(ious.values())) >= 0.7, ious
    for part in (Part.UPPER_GARMENT, Part.LOWER_GARMENT, Part.FACE):
        assert ious[part.name] >= 0.75, ious


def test_person_analysis_gives_pose_mask_and_parse_in_one_call(stack):
    image = data.astronaut()
    client = stack.triton()
    out = infer(client, "person_analysis", {"IMAGES": image[None]})
    pose = infer(client, "pose_estimator", {"IMAGES": image[None]})["KEYPOINTS"]
    np.testing.assert_allclose(out["KEYPOINTS"], pose, atol=1e-3)
    mask, parse = out["MASK"][0], out["PARSE"][0]
    assert mask.shape == parse.shape == image.shape[:2]
    nose = out["KEYPOINTS"][0, PoseKeypoint.NOSE, :2].astype(int)
    assert parse[nose[1], nose[0]] == Part.FACE
    chest = out["KEYPOINTS"][0, [PoseKeypoint.LEFT_SHOULDER, PoseKeypoint.RIGHT_SHOULDER], :2].mean(0)
    assert parse[int(chest[1]) + 40, int(chest[0])] == Part.UPPER_GARMENT
    assert (parse[mask < 60] == Part.BACKGROUND).mean() > 0.95


def _request(name: str, array: np.ndarray, dtype: str = "UINT8") -> grpcclient.InferInput:
    tensor = grpcclient.InferInput(name, list(array.shape), dtype)
    tensor.set_data_from_numpy(array)
    return tensor


BAD_IMAGES = {
    "wrong dtype": (np.zeros((1, 64, 64, 3), np.float32), "FP32", "data-type"),
    "wrong rank": (np.zeros((1, 64, 64), np.uint8), "UINT8", "unexpected shape"),
    "empty batch": (np.zeros((0, 64, 64, 3), np.uint8), "UINT8", "for input 'IMAGES'"),
    "1x1 image": (np.zeros((1, 1, 1, 3), np.uint8), "UINT8", "IMAGES: image size 1x1"),
    "too large": (np.zeros((1, 16, 5000, 3), np.uint8), "UINT8", "IMAGES: image size 5000x16"),
}


@pytest.mark.parametrize("case", BAD_IMAGES)
@pytest.mark.parametrize("model", ["pose_estimator", "person_analysis", "garment_segmenter"])
def test_bad_images_get_a_clear_error_and_the_server_stays_healthy(stack, model, case):
    array, dtype, message = BAD_IMAGES[case]
    client = stack.triton()
    with pytest.raises(InferenceServerException) as caught:
        client.infer(model, [_request("IMAGES", array, dtype)], client_timeout=60)
    assert caught.value.status() == "StatusCode.INVALID_ARGUMENT"
    assert message in caught.value.message()
    assert client.is_server_ready() and client.is_model_ready(model)


def test_a_huge_declared_size_without_the_data_is_refused(stack):
    client = stack.triton()
    tensor = _request("IMAGES", np.zeros((1, 32, 32, 3), np.uint8))
    tensor.set_shape([1, 60000, 60000, 3])  # declares 10.8 GB, sends 3 KB
    with pytest.raises(InferenceServerException) as caught:
        client.infer("pose_estimator", [tensor], client_timeout=60)
    assert caught.value.status() == "StatusCode.INVALID_ARGUMENT"
    assert client.is_server_ready() and client.is_model_ready("pose_estimator")


def test_mismatched_batches_name_the_tensor(stack):
    figure = draw_figure("front", size=(256, 256), seed=1)
    with pytest.raises(InferenceServerException, match="input 'KEYPOINTS' batch size does not match"):
        infer(stack.triton(), "human_parser", {
            "IMAGES": figure.image[None], "KEYPOINTS": np.repeat(figure.keypoints[None], 2, 0),
            "MASK": figure.mask[None]})


def test_a_bad_request_batched_with_good_ones_fails_alone(stack):
    client = stack.triton()
    good = data.astronaut()[None]
    bad = np.zeros((1, 2, 2, 3), np.uint8)
    results: dict[int, object] = {}
    done = threading.Semaphore(0)

    def callback(i, result, error):
        results[i] = error if error is not None else result
        done.release()

    arrays = [good, bad, good, good, bad, good]
    for i, array in enumerate(arrays):
        client.async_infer("pose_estimator", [_request("IMAGES", array)],
                           callback=lambda result, error, i=i: callback(i, result, error))
    for _ in arrays:
        done.acquire(timeout=60)
    for i, array in enumerate(arrays):
        if array is bad:
            assert isinstance(results[i], InferenceServerException)
        else:
            assert results[i].as_numpy("KEYPOINTS")[0, PoseKeypoint.NOSE, 3] > 0.9


def test_dynamic_batching_merges_concurrent_requests(stack):
    frames = data.astronaut()[None]
    result = bench_run(stack.triton_url, "pose_estimator", {"IMAGES": frames}, concurrency=8, requests=32)
    counts = result.counts["pose_estimator"]
    assert result.failures == 0 and counts.requests == 32
    assert counts.executions < counts.requests, "concurrent requests should share executions"


@pytest.mark.parametrize("motion", ["idle", "walk", "hand_on_hip"])
def test_person_analysis_on_studio_frames_matches_their_truth(stack, motion):
    """The whole chain (pose, mask, parse) on a rendered model whose truth is known."""
    from catwalk.studio.mannequin import render_clip

    frame = list(render_clip(motion, 1.0, 4, seed=2))[2]
    out = infer(stack.triton(), "person_analysis", {"IMAGES": frame.image[None]})
    keypoints, mask, parse = out["KEYPOINTS"][0], out["MASK"][0] > 127, out["PARSE"][0]
    assert iou(mask, frame.mask > 0) >= 0.9
    diagonal = np.hypot(*frame.image.shape[:2])
    for k in (PoseKeypoint.NOSE, PoseKeypoint.LEFT_SHOULDER, PoseKeypoint.RIGHT_SHOULDER,
              PoseKeypoint.LEFT_HIP, PoseKeypoint.RIGHT_HIP):
        assert np.hypot(*(keypoints[k, :2] - frame.keypoints[k, :2])) < 0.05 * diagonal, k.name
    ious = {p: iou(parse == p, frame.parts == p) for p in Part if p and (frame.parts == p).sum() > 300}
    assert ious[Part.UPPER_GARMENT] >= 0.75 and ious[Part.LOWER_GARMENT] >= 0.85 and ious[Part.FACE] >= 0.7, ious
    assert np.mean(list(ious.values())) >= 0.55, ious
