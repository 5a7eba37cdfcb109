"""The motion library: named, tagged motions and the pose sequences they produce.

    >>> from catwalk.studio.motion import pose_sequence, list_motions
    >>> for frame in pose_sequence("walk", seconds=2.0, fps=30, seed=7):
    ...     frame.body.keypoints     # [33, 3] world metres (see `skeleton` for the frame)
    ...     frame.keypoints(720, 1280)  # [33, 4] KEYPOINTS convention, in this frame's camera

Poses are 3D in a body-centred world frame (metres, y up, floor y = 0, the person facing +z
at heading 0, +x their left). Every frame carries its camera, framed for the asked aspect;
motions drive the camera (`tags.camera_move`): static, push_in (dolly onto the torso) or
track (follow the walker). The same (motion, seconds, fps, body, seed, aspect) always gives
the same frames; another seed changes amplitudes, phases, speed and sides a little.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

import numpy as np

from catwalk.studio import choreography as ch
from catwalk.studio.body import BodyShape, Proportions
from catwalk.studio.camera import Camera, frame_points, keypoints_px
from catwalk.studio.geometry import min_jerk
from catwalk.studio.skeleton import BodyPose, Segment, head_centre, solve

ShotType = Literal["full_body", "detail_closeup", "runway_walk", "turn"]
Tempo = Literal["slow", "medium", "fast"]
CameraMove = Literal["static", "push_in", "track"]
CAMERA_MOVES: tuple[CameraMove, ...] = ("static", "push_in", "track")


@dataclass(frozen=True)
class MotionTags:
    """What the template library filters and ranks on (see DESIGN.md, tag rule matching)."""

    action: str
    shot_type: ShotType
    tempo: Tempo
    requires_pockets: bool = False
    loopable: bool = True
    camera_move: CameraMove = "static"


Builder = Callable[[Proportions, float, np.random.Generator, bool], ch.Performance]


@dataclass(frozen=True)
class Motion:
    """A motion: its tags, whether the face looks at the camera throughout (`faces_camera`),
    the lens it is shot with, and how far a tracking shot lets the subject drift across the
    frame (`drift`, a fraction of the width)."""

    name: str
    tags: MotionTags
    description: str
    build: Builder
    faces_camera: bool = True
    fov_y_deg: float = 30.0
    drift: float = 0.0

    def perform(self, seconds: float, body: BodyShape, seed: int) -> ch.Performance:
        if not (seconds > 0 and math.isfinite(seconds)):
            raise ValueError(f"seconds must be positive, got {seconds}")
        rng = np.random.default_rng([seed, _stable_hash(self.name)])
        return self.build(body.proportions, seconds, rng, self.tags.loopable)


def _stable_hash(name: str) -> int:
    return sum((i + 1) * ord(c) for i, c in enumerate(name))


def _walk_across(p: Proportions, seconds: float, rng: np.random.Generator, loop: bool) -> ch.Performance:
    return ch.Walk(p, seconds, rng, loop, heading=math.pi / 2, head_turn=-0.45)


def _motion(name: str, shot: ShotType, tempo: Tempo, build: Builder, description: str, *,
            pockets: bool = False, loop: bool = True, camera: CameraMove = "static", **kw: object) -> Motion:
    tags = MotionTags(name, shot, tempo, pockets, loop, camera)
    return Motion(name, tags, description, build, **kw)  # type: ignore[arg-type]


MOTIONS: dict[str, Motion] = {m.name: m for m in (
    _motion("idle", "full_body", "slow", ch.IdleStand, "standing: weight shifts, breathing, small head moves"),
    _motion("walk", "runway_walk", "medium", ch.Walk, "catwalk walk towards the camera, which dollies back",
            camera="track", fov_y_deg=18.0),
    _motion("walk_across", "runway_walk", "medium", _walk_across,
            "walk left to right across the frame, glancing at the camera; the camera pans along",
            loop=False, camera="track", faces_camera=False, drift=0.2),
    _motion("turn", "turn", "medium", ch.Turn, "a full turn on the spot in small steps", faces_camera=False),
    _motion("hands_in_pockets", "full_body", "slow", ch.HandsInPockets, "standing, both hands in the front pockets",
            pockets=True),
    _motion("hand_on_hip", "full_body", "slow", ch.HandOnHip, "one hand on the hip, weight on that leg"),
    _motion("arms_raise", "full_body", "medium", ch.ArmsRaise, "both arms rise overhead and come down"),
    _motion("sleeve_show", "full_body", "slow", ch.SleeveShow,
            "one forearm lifts across the body, the other hand pinches the cuff"),
    _motion("sit_down", "full_body", "medium", ch.SitDown, "sits down on a stool and stays seated", loop=False),
    _motion("wave", "full_body", "fast", ch.Wave, "raises a hand and waves"),
    _motion("detail_closeup", "detail_closeup", "slow", ch.CloseUp,
            "quiet idle while the camera pushes in on the torso", loop=False, camera="push_in"),
)}


def list_motions() -> list[str]:
    return list(MOTIONS)


@dataclass(frozen=True)
class PoseFrame:
    """One frame of a motion: the 3D truth and the camera that films it."""

    index: int
    t: float  # seconds
    body: BodyPose  # segment frames, 33 world landmarks (m), foot contacts
    camera: Camera
    stool: ch.Stool | None = None

    def keypoints(self, width: int, height: int) -> np.ndarray:
        """[33, 4] float32 in the KEYPOINTS convention; visibility = inside the image
        (the renderer refines it with occlusion)."""
        return keypoints_px(self.body.keypoints, self.camera, width, height)


def pose_sequence(motion: str, seconds: float, fps: float = 30.0, body: BodyShape | None = None, seed: int = 0, *,
                  aspect: float = 9 / 16, camera_move: CameraMove | None = None) -> Iterator[PoseFrame]:
    """round(seconds * fps) frames at t = i / fps. `aspect` is width / height of the video
    the camera frames for; `camera_move` overrides the motion's own (e.g. "static" to film
    a walk from a fixed spot). Loopable motions: the pose at t = seconds equals t = 0.
    Bad arguments raise here (KeyError, ValueError), before the first frame is asked for."""
    if motion not in MOTIONS:
        raise KeyError(f"unknown motion {motion!r}; known: {', '.join(MOTIONS)}")
    if not (fps > 0 and math.isfinite(fps)):
        raise ValueError(f"fps must be positive, got {fps}")
    if not (0.1 <= aspect <= 10):
        raise ValueError(f"aspect (width / height) out of range: {aspect}")
    m = MOTIONS[motion]
    body = body or BodyShape.default()
    move = camera_move or m.tags.camera_move
    if move not in CAMERA_MOVES:
        raise ValueError(f"camera_move must be one of {CAMERA_MOVES}, got {move!r}")
    perf = m.perform(seconds, body, seed)
    return _frames(perf, body.proportions, _camera_plan(m, perf, body.proportions, seconds, aspect, move),
                   max(1, round(seconds * fps)), fps)


def _frames(perf: ch.Performance, p: Proportions, camera_at: Callable[[float], Camera], count: int,
            fps: float) -> Iterator[PoseFrame]:
    stool = perf.stool()
    for i in range(count):
        t = i / fps
        yield PoseFrame(i, t, solve(perf.posture(t), p), camera_at(t), stool)


# --- cameras ----------------------------------------------------------------------------------


def framing_points(pose: BodyPose, p: Proportions) -> np.ndarray:
    """Landmarks plus the body's outer reach (crown, hair, deltoids, hips, shoes)."""
    head = pose.to_world(Segment.HEAD, head_centre(p) + np.array([[0, 0.13, 0], [0.1, 0.02, 0], [-0.1, 0.02, 0],
                                                                    [0, -0.17, -0.07]]) * p.head)
    chest = pose.to_world(Segment.CHEST, np.array([[1, 0, 0], [-1, 0, 0]]) * (p.shoulder_half + 0.07 * p.s)
                          + np.array([0, p.shoulder_up, 0]))
    pelvis = pose.to_world(Segment.PELVIS, np.array([[1, 0, 0], [-1, 0, 0]]) * p.hip_half / 0.265 * 0.55)
    return np.concatenate([pose.keypoints, head, chest, pelvis])


def _sample(perf: ch.Performance, p: Proportions, seconds: float, relative: bool) -> np.ndarray:
    ts = np.linspace(0.0, seconds, max(9, int(seconds * 12)))
    a0 = perf.anchor(0.0)
    pts = []
    for t in ts:
        pose = solve(perf.posture(float(t)), p)
        shift = (perf.anchor(float(t)) - a0) if relative else 0.0
        pts.append(framing_points(pose, p) - shift)
    stool = perf.stool()
    if stool is not None:
        c = np.asarray(stool.centre)
        side = np.array([stool.radius, 0.0, 0.0])
        pts.append(np.array([c + side, c - side, c * np.array([1.0, 0.0, 1.0])]))
    return np.concatenate(pts)


def _camera_plan(m: Motion, perf: ch.Performance, p: Proportions, seconds: float, aspect: float,
                 move: CameraMove) -> Callable[[float], Camera]:
    fov = m.fov_y_deg
    if move == "track" and perf.camera_anchor_moves:
        drift = m.drift
        sides = 0.06 + drift / 2
        base = frame_points(_sample(perf, p, seconds, relative=True), aspect, fov_y_deg=fov,
                            margins=(0.07, 0.05, sides, sides))
        dist = float(np.linalg.norm(np.subtract(base.target, base.position)))
        half_width = dist * math.tan(math.radians(fov) / 2) * aspect
        right = base.basis()[0]
        a0 = perf.anchor(0.0)

        def tracking(t: float) -> Camera:
            sweep = drift * half_width * (1 - 2 * min(max(t / seconds, 0.0), 1.0))  # subject: left -> right
            return base.moved(perf.anchor(t) - a0 + right * sweep)

        return tracking
    wide = frame_points(_sample(perf, p, seconds, relative=False), aspect, fov_y_deg=fov)
    if move != "push_in":
        return lambda t: wide
    pose = solve(perf.posture(0.0), p)
    # It ends on the torso, from the eyes to the hips (a face keeps it a person to a detector).
    torso = np.concatenate([pose.keypoints[:11], pose.keypoints[23:25], framing_points(pose, p)[33 + 4:33 + 6]])
    close = frame_points(torso, aspect, fov_y_deg=fov, camera_height=float(torso[:, 1].mean()),
                         margins=(0.03, 0.2, 0.04, 0.04))

    def push(t: float) -> Camera:
        w = float(min_jerk(t / seconds))
        pos = np.asarray(wide.position) + (np.asarray(close.position) - np.asarray(wide.position)) * w
        tgt = np.asarray(wide.target) + (np.asarray(close.target) - np.asarray(wide.target)) * w
        return Camera((pos[0], pos[1], pos[2]), (tgt[0], tgt[1], tgt[2]), fov)

    return push
