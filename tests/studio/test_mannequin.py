"""The mannequin renderer: determinism, and truth maps that agree with the drawn image."""

from __future__ import annotations

import types

import cv2
import numpy as np
import pytest

from catwalk.studio.backgrounds import BACKGROUNDS, make_backdrop
from catwalk.studio.body import BodyShape
from catwalk.studio.lighting import LIGHTING, lighting
from catwalk.studio.look import GARMENT_COLOURS, HAIR_STYLES, Look
from catwalk.studio.mannequin import RenderedFrame, render_clip, render_pose
from catwalk.studio.motion import MOTIONS, list_motions, pose_sequence
from catwalk.vision.labels import Part
from catwalk.vision.labels import PoseKeypoint as K

ARMS = {Part.LEFT_UPPER_ARM, Part.RIGHT_UPPER_ARM}


def clip(motion: str, seconds: float = 2.0, fps: float = 4.0, size: tuple[int, int] = (360, 640),
         **kw: object) -> list[RenderedFrame]:
    return list(render_clip(motion, seconds, fps, width=size[0], height=size[1], **kw))  # type: ignore[arg-type]


def test_frames_stream_one_at_a_time():
    stream = render_clip("idle", 10.0, 30)
    assert isinstance(stream, types.GeneratorType)  # frames are made as they are asked for
    first = next(stream)
    assert first.image.shape == (1280, 720, 3) and first.image.dtype == np.uint8
    assert first.keypoints.shape == (33, 4) and first.keypoints.dtype == np.float32
    for name in ("mask", "parts", "upper_garment", "lower_garment"):
        m = getattr(first, name)
        assert m.shape == (1280, 720) and m.dtype == np.uint8, name


def test_the_same_seed_renders_the_same_frames_and_truth():
    a, b = clip("walk", seed=4), clip("walk", seed=4)
    c = clip("walk", seed=5)
    for x, y in zip(a, b, strict=True):
        for name in ("image", "keypoints", "mask", "parts", "upper_garment", "lower_garment"):
            assert np.array_equal(getattr(x, name), getattr(y, name)), name
    assert any(not np.array_equal(x.image, z.image) for x, z in zip(a, c, strict=True))
    assert any(not np.array_equal(x.parts, z.parts) for x, z in zip(a, c, strict=True))


@pytest.mark.parametrize("motion", list(MOTIONS))
def test_truth_maps_agree_with_each_other_and_the_keypoints(motion):
    for f in clip(motion, 3.0, 2.0, size=(540, 960), seed=1):
        person = f.mask.astype(bool)
        assert np.array_equal(person, f.parts > 0)
        upper, lower = f.upper_garment.astype(bool), f.lower_garment.astype(bool)
        assert not np.any(upper & ~person) and not np.any(lower & ~person)
        assert np.array_equal(lower, f.parts == Part.LOWER_GARMENT)
        assert np.all(upper[f.parts == Part.UPPER_GARMENT])
        assert set(np.unique(f.parts[upper & (f.parts != Part.UPPER_GARMENT)])) <= ARMS  # the sleeves
        assert not np.any(upper & lower)
        kp = f.keypoints
        seen = kp[:, 3] == 1
        inside = [person[int(y), int(x)] for x, y, _, v in kp if v > 0]
        visible = [person[int(y), int(x)] for x, y, _, v in kp[seen]]
        assert np.mean(visible) >= 0.95 and np.mean(inside) >= 0.9, motion


def test_the_image_is_the_backdrop_outside_the_person():
    body, look = BodyShape.default(), Look.default()
    frame = next(pose_sequence("hand_on_hip", 1.0, 1, body, 0, aspect=9 / 16))
    light = lighting("soft")
    backdrop = make_backdrop("room", 360, 640, frame.camera, light, 0)
    out = render_pose(frame, 360, 640, body, look, backdrop, light)
    plain = backdrop.view(frame.camera).astype(int)
    near = cv2.dilate(out.mask, np.ones((3, 3), np.uint8)).astype(bool)
    changed = np.any(out.image.astype(int) != plain, axis=2)
    # Outside the person (and its anti-aliased rim) only the contact shadow may darken the floor.
    assert np.all(out.image.astype(int)[~near] <= plain[~near])
    floor = np.argwhere(changed & ~near)
    assert floor.size == 0 or floor[:, 0].min() > out.keypoints[K.LEFT_KNEE, 1]
    # Inside it, the figure was drawn.
    core = cv2.erode(out.mask, np.ones((3, 3), np.uint8)).astype(bool)
    assert changed[core].mean() > 0.99


def _chroma(rgb: np.ndarray) -> np.ndarray:
    rgb = rgb.astype(np.float64).reshape(-1, 3) + 1
    return rgb / rgb.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("top,bottom", [("red", "navy"), ("mustard", "black"), ("sky", "beige")])
def test_garments_have_their_known_colour(top, bottom):
    look = Look(top=top, bottom=bottom)
    f = clip("idle", 1.0, 1.0, size=(540, 960), look=look, lighting_preset="soft")[0]
    for mask, name in ((f.upper_garment, top), (f.lower_garment, bottom)):
        core = cv2.erode(mask, np.ones((5, 5), np.uint8)).astype(bool)
        seen = np.median(_chroma(f.image[core]), axis=0)
        known = _chroma(np.array(GARMENT_COLOURS[name]))[0]
        assert np.abs(seen - known).max() < 0.04, (name, seen, known)


def test_occlusion_follows_depth():
    # Seen from behind mid-turn the face is hidden and the hair is not.
    turn = clip("turn", 4.2, 4.0, seed=0)
    back = min(turn, key=lambda f: (f.parts == Part.FACE).sum())
    front = (turn[0].parts == Part.FACE).sum()
    assert (back.parts == Part.FACE).sum() < 0.1 * front and (back.parts == Part.HAIR).sum() > 100  # ears at most
    assert np.all(back.keypoints[[K.NOSE, K.LEFT_EYE, K.RIGHT_EYE, K.MOUTH_LEFT], 3] < 1)
    # Hands in pockets: the fingers are inside the trousers, so hidden.
    pockets = clip("hands_in_pockets", 1.0, 2.0, size=(540, 960))[0]
    assert np.all(pockets.keypoints[[K.LEFT_INDEX, K.RIGHT_INDEX, K.LEFT_PINKY, K.RIGHT_PINKY], 3] < 1)
    # Walking across, the far (left) arm is mostly behind the body.
    across = clip("walk_across", 2.0, 3.0, size=(640, 640))
    far = sum(int((f.parts == Part.LEFT_UPPER_ARM).sum()) for f in across)
    near = sum(int((f.parts == Part.RIGHT_UPPER_ARM).sum()) for f in across)
    assert far < 0.6 * near
    # Showing a sleeve, the forearm crosses in front of the torso.
    show = clip("sleeve_show", 4.0, 4.0, size=(540, 960), seed=1)
    held = max(show, key=lambda f: min(f.keypoints[[K.LEFT_WRIST, K.RIGHT_WRIST], 1]))
    wrist = held.keypoints[[K.LEFT_WRIST, K.RIGHT_WRIST]]
    x, y = wrist[np.argmin(wrist[:, 1]), :2]
    assert held.parts[int(y), int(x)] in (Part.LEFT_FOREARM, Part.RIGHT_FOREARM, Part.LEFT_HAND, Part.RIGHT_HAND)


@pytest.mark.parametrize("size", [(180, 320), (320, 180), (256, 256), (240, 320)], ids=["9:16", "16:9", "1:1", "3:4"])
def test_every_motion_renders_at_every_aspect(size):
    for motion in list_motions():
        for f in clip(motion, 2.0, 1.5, size=size, seed=2):
            assert f.image.shape == (size[1], size[0], 3)
            assert f.mask.sum() > 0.02 * size[0] * size[1], motion


def test_backgrounds_lighting_looks_and_bodies():
    rng = np.random.default_rng(0)
    for i, background in enumerate(BACKGROUNDS):
        for preset in LIGHTING:
            gender = ("female", "male")[i % 2]
            look = Look.random(int(rng.integers(1000)), gender)
            f = clip("idle", 0.5, 2.0, size=(180, 320), background=background, lighting_preset=preset,
                     body=BodyShape.random(i, gender), look=look)[0]
            assert f.mask.any() and f.image.std() > 5
    for style in HAIR_STYLES:
        f = clip("idle", 0.5, 2.0, size=(270, 480), look=Look(hair_style=style))[0]
        assert (f.parts == Part.HAIR).sum() > 50
    with pytest.raises(KeyError, match="background"):
        render_clip("idle", 1.0, background="moon")  # refused at the call, not at the first frame
    with pytest.raises(KeyError, match="lighting"):
        render_clip("idle", 1.0, lighting_preset="disco")
    with pytest.raises(ValueError, match="aspect"):
        render_clip("idle", 1.0, width=4096, height=64)
    with pytest.raises(ValueError, match="Look"):
        Look(top="plaid")


def test_cropped_trousers_bare_the_shin():
    f = clip("idle", 0.5, 2.0, size=(540, 960), look=Look(trousers="cropped"))[0]
    assert (f.parts == Part.LEFT_LEG).sum() > 50 and (f.parts == Part.RIGHT_LEG).sum() > 50
    full = clip("idle", 0.5, 2.0, size=(540, 960))[0]
    assert (full.parts == Part.LEFT_LEG).sum() == 0


def test_male_and_female_bodies_differ_in_shape():
    def widths(gender: str) -> float:
        f = clip("idle", 0.5, 2.0, size=(540, 960), body=BodyShape.default(gender), look=Look.default(gender))[0]  # type: ignore[arg-type]
        kp = f.keypoints

        def width(row: float, parts: set[int]) -> int:
            cols = np.nonzero(np.isin(f.parts[int(row)], list(parts)))[0]
            return int(cols.max() - cols.min())

        shoulders = width(kp[K.LEFT_SHOULDER, 1], {Part.UPPER_GARMENT, *ARMS})
        return shoulders / width(kp[K.LEFT_HIP, 1] + 10, {Part.LOWER_GARMENT, Part.UPPER_GARMENT})

    assert widths("male") > 1.12 * widths("female")


def test_loopable_clip_cuts_back_seamlessly():
    frames = clip("idle", 2.0, 15.0, size=(180, 320))
    imgs = np.stack([f.image.astype(np.int16) for f in frames])
    steps = np.abs(np.diff(imgs, axis=0)).mean(axis=(1, 2, 3))
    assert np.abs(imgs[-1] - imgs[0]).mean() <= 2 * steps.max() + 0.05
