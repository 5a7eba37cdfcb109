"""The motion library: tags, determinism, planted feet, joint limits, loops, framing."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from catwalk.studio.body import BodyShape
from catwalk.studio.camera import ASPECTS, Camera, keypoints_px
from catwalk.studio.motion import MOTIONS, MotionTags, PoseFrame, framing_points, list_motions, pose_sequence
from catwalk.studio.skeleton import Contact, Segment, elbow_flexion, foot_points, knee_flexion, solve
from catwalk.vision.labels import PoseKeypoint as K

BODIES = [BodyShape.default("female"), BodyShape.default("male")]
WALKS = ("walk", "walk_across")


def frames(motion: str, seconds: float = 3.0, fps: float = 30.0, seed: int = 0, **kw: object) -> list[PoseFrame]:
    return list(pose_sequence(motion, seconds, fps, kw.pop("body", BODIES[0]), seed, **kw))  # type: ignore[arg-type]


def test_every_motion_is_listed_with_its_tags():
    assert list_motions() == list(MOTIONS)
    assert set(list_motions()) == {"idle", "walk", "walk_across", "turn", "hands_in_pockets", "hand_on_hip",
                                   "arms_raise", "sleeve_show", "sit_down", "wave", "detail_closeup"}
    for name, motion in MOTIONS.items():
        tags = motion.tags
        assert isinstance(tags, MotionTags) and tags.action == name
        assert tags.requires_pockets == (name == "hands_in_pockets")
        assert tags.camera_move in ("static", "push_in", "track")
        assert tags.tempo in ("slow", "medium", "fast")
        with pytest.raises(AttributeError):
            tags.action = "other"  # type: ignore[misc]
    assert MOTIONS["walk"].tags.shot_type == "runway_walk" and MOTIONS["walk_across"].tags.camera_move == "track"
    assert MOTIONS["detail_closeup"].tags.camera_move == "push_in"
    assert not MOTIONS["sit_down"].tags.loopable and MOTIONS["idle"].tags.loopable


def test_bad_requests_are_refused():
    with pytest.raises(KeyError, match="unknown motion"):
        pose_sequence("moonwalk", 1.0)
    with pytest.raises(ValueError, match="fps"):
        pose_sequence("idle", 1.0, fps=0)
    with pytest.raises(ValueError, match="seconds"):
        pose_sequence("idle", -1.0)
    with pytest.raises(ValueError, match="camera_move"):
        pose_sequence("idle", 1.0, camera_move="crane")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="hip_width"):
        BodyShape(hip_width=0.9)


def test_the_same_seed_gives_the_same_poses_and_another_seed_differs():
    for motion in list_motions():
        a = np.stack([f.body.keypoints for f in frames(motion, 2.0, 10, seed=5)])
        b = np.stack([f.body.keypoints for f in frames(motion, 2.0, 10, seed=5)])
        c = np.stack([f.body.keypoints for f in frames(motion, 2.0, 10, seed=6)])
        assert np.array_equal(a, b), motion
        assert np.abs(a - c).max() > 0.01, motion
    assert BodyShape.random(3) == BodyShape.random(3) != BodyShape.random(4)


def test_frames_come_at_fps_and_stream():
    stream = pose_sequence("idle", 2.0, 24)
    assert not isinstance(stream, list)
    got = list(stream)
    assert len(got) == 48 and got[1].t == pytest.approx(1 / 24) and got[-1].index == 47


@pytest.mark.parametrize("body", BODIES, ids=["female", "male"])
def test_bones_keep_their_length(body):
    p = body.proportions
    for motion in list_motions():
        for f in frames(motion, 3.0, 10, body=body):
            o = f.body.origins
            for parent, child, length in ((Segment.LEFT_THIGH, Segment.LEFT_SHIN, p.thigh),
                                          (Segment.RIGHT_SHIN, Segment.RIGHT_FOOT, p.shin),
                                          (Segment.LEFT_UPPER_ARM, Segment.LEFT_FOREARM, p.upper_arm),
                                          (Segment.RIGHT_FOREARM, Segment.RIGHT_HAND, p.forearm)):
                assert np.linalg.norm(o[child] - o[parent]) == pytest.approx(length, abs=1e-6), motion
            for r in f.body.rotations:
                assert np.allclose(r.T @ r, np.eye(3), atol=1e-6)


def _contact_points(f: PoseFrame, side: int) -> dict[Contact, np.ndarray]:
    """The world point that must stay put for each kind of contact."""
    seg = Segment.LEFT_FOOT if side > 0 else Segment.RIGHT_FOOT
    p = BODIES[0].proportions
    pts = foot_points(p, side)
    return {Contact.FLAT: f.body.origins[seg], Contact.HEEL: f.body.to_world(seg, pts["heel_contact"]),
            Contact.TOE: f.body.to_world(seg, pts["toe_contact"])}


@pytest.mark.parametrize("motion", [*WALKS, "turn", "idle", "sit_down", "hand_on_hip"])
def test_feet_in_contact_do_not_slide(motion):
    """Planted ankles move < 2 mm a frame (they do not move at all); a rolling foot keeps its
    heel or toe still; a foot never sinks into the floor."""
    worst = 0.0
    seen: set[Contact] = set()
    got = frames(motion, 4.0, 30)
    for a, b in itertools.pairwise(got):
        for i, side in enumerate((1, -1)):
            ca, cb = a.body.contacts[i], b.body.contacts[i]
            if ca == cb and ca != Contact.SWING:
                seen.add(ca)
                move = np.linalg.norm(_contact_points(a, side)[ca] - _contact_points(b, side)[cb])
                worst = max(worst, float(move))
            toe = _contact_points(b, side)[Contact.TOE][1]
            heel = _contact_points(b, side)[Contact.HEEL][1]
            assert min(toe, heel) > -1e-6, f"{motion}: a foot goes through the floor"
    assert worst < 0.002, f"{motion}: a planted foot slid {worst * 1000:.2f} mm in one frame"
    if motion in WALKS:
        assert seen == {Contact.HEEL, Contact.FLAT, Contact.TOE}, "a gait has heel strike, flat foot and toe off"


@pytest.mark.parametrize("motion", WALKS)
def test_a_planted_foot_stays_put_in_the_image_of_a_static_camera(motion):
    got = frames(motion, 3.0, 30, camera_move="static")
    assert got[0].camera == got[-1].camera
    worst = 0.0
    for a, b in itertools.pairwise(got):
        ka, kb = a.keypoints(720, 1280), b.keypoints(720, 1280)
        for i, ankle in enumerate((K.LEFT_ANKLE, K.RIGHT_ANKLE)):
            if a.body.contacts[i] == b.body.contacts[i] == Contact.FLAT:
                worst = max(worst, float(np.linalg.norm(ka[ankle, :2] - kb[ankle, :2])))
    assert worst < 1.0, f"planted ankle moved {worst:.3f} px in a frame"


def test_walks_move_the_right_way():
    walk = frames("walk", 2.0, 10)
    assert walk[-1].body.origins[Segment.PELVIS][2] > walk[0].body.origins[Segment.PELVIS][2] + 1.0  # towards +z
    across = frames("walk_across", 2.0, 10)
    first, last = across[0].keypoints(720, 1280), across[-1].keypoints(720, 1280)
    assert last[K.LEFT_HIP, 0] > first[K.LEFT_HIP, 0] + 100  # left to right across the frame
    assert across[0].camera != across[-1].camera  # the camera tracks


def test_joints_stay_within_their_limits():
    """Knees and elbows never hyperextend (nor fold past 150 degrees); knees point the way
    their foot points."""
    for motion in list_motions():
        for f in frames(motion, 4.0, 15):
            for side in (1, -1):
                for angle in (knee_flexion(f.body, side), elbow_flexion(f.body, side)):
                    assert -1e-6 <= angle <= math.radians(150) + 1e-6, motion
                hip, knee, ankle = (f.body.origins[s] for s in (
                    (Segment.LEFT_THIGH, Segment.LEFT_SHIN, Segment.LEFT_FOOT) if side > 0 else
                    (Segment.RIGHT_THIGH, Segment.RIGHT_SHIN, Segment.RIGHT_FOOT)))
                foot_forward = f.body.rotations[Segment.LEFT_FOOT if side > 0 else Segment.RIGHT_FOOT][:, 2]
                line = ankle - hip
                off = knee - hip - (knee - hip) @ line / (line @ line) * line
                assert off @ foot_forward > -0.005, f"{motion}: a knee bends backwards"


@pytest.mark.parametrize("motion", [m for m in MOTIONS if MOTIONS[m].tags.loopable])
def test_loopable_motions_end_where_they_start(motion):
    body, seconds = BODIES[0], 3.0
    perf = MOTIONS[motion].perform(seconds, body, seed=2)
    start, end = solve(perf.posture(0.0), body), solve(perf.posture(seconds), body)
    shift = perf.anchor(seconds) - perf.anchor(0.0)  # a walk loops in the tracking camera's view
    assert np.abs(end.keypoints - shift - start.keypoints).max() < 1e-6
    # ... so the cut from the last frame back to the first is no bigger than a normal step.
    got = frames(motion, seconds, 30, seed=2)
    px = np.stack([f.keypoints(720, 1280)[:, :2] for f in got])
    steps = np.abs(np.diff(px, axis=0)).max(axis=(1, 2))
    assert np.abs(px[0] - px[-1]).max() <= 1.5 * steps.max() + 0.5


@pytest.mark.parametrize("aspect", list(ASPECTS))
def test_the_camera_frames_the_whole_body_at_every_aspect(aspect):
    ratio = ASPECTS[aspect]
    width, height = (round(720 * ratio), 720) if ratio >= 1 else (720, round(720 / ratio))
    for motion in list_motions():
        if MOTIONS[motion].tags.camera_move == "push_in":
            continue
        for f in frames(motion, 3.0, 6, aspect=ratio):
            px = f.camera.project(framing_points(f.body, BODIES[0].proportions), width, height)
            assert px[:, 0].min() >= 0 and px[:, 0].max() <= width, motion
            assert px[:, 1].min() >= 0 and px[:, 1].max() <= height, motion
        body_px = px[:, 1].max() - px[:, 1].min()
        if motion in ("idle", "walk", "turn"):
            assert body_px > 0.6 * height, f"{motion}: the body is only {body_px:.0f} px tall"


def test_detail_closeup_pushes_in_on_the_torso():
    got = frames("detail_closeup", 4.0, 5)
    first, last = got[0].keypoints(720, 1280), got[-1].keypoints(720, 1280)
    width = [abs(k[K.LEFT_SHOULDER, 0] - k[K.RIGHT_SHOULDER, 0]) for k in (first, last)]
    assert width[1] > 1.5 * width[0]
    assert 0 < last[K.LEFT_SHOULDER, 1] < 1280 and 0 < last[K.LEFT_HIP, 1] < 1280 * 1.05


def test_keypoint_depth_is_relative_to_the_hips_and_scaled_like_x():
    camera = Camera((0.0, 1.0, 5.0), (0.0, 1.0, 0.0), 30.0)
    world = np.zeros((33, 3))
    world[:, 1] = 1.0
    world[K.LEFT_HIP], world[K.RIGHT_HIP] = (0.1, 1.0, 0.0), (-0.1, 1.0, 0.0)
    world[K.NOSE] = (0.0, 1.0, 0.2)  # 0.2 m nearer the camera than the hips
    world[K.LEFT_WRIST] = (0.2, 1.0, 0.0)  # 0.2 m to the side at the hips' depth
    kp = keypoints_px(world, camera, 720, 1280)
    assert kp.dtype == np.float32 and kp.shape == (33, 4)
    assert kp[K.LEFT_HIP, 2] == pytest.approx(0.0, abs=1e-4) and kp[K.NOSE, 2] < 0
    assert -kp[K.NOSE, 2] == pytest.approx(kp[K.LEFT_WRIST, 0] - 360, rel=1e-3)
    assert kp[K.LEFT_HIP, 0] > kp[K.RIGHT_HIP, 0]  # the person's left on the image's right
