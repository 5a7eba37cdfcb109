"""The skeleton: segments, joint controls, forward and inverse kinematics, and where the
33 MediaPipe landmarks sit on the body.

World frame: metres, **y up**, the floor is y = 0; a person with heading 0 faces +z, so
+x is the person's left (and the image's right in the default front camera, as in
MediaPipe). Every segment has a frame with the same axes at rest (x left, y up, z forward);
limbs hang from their origin (the proximal joint) along -y. A pose is the world origin and
rotation of each segment (`BodyPose`); the renderer attaches its shapes to these frames,
so the drawn body and the landmark truth come from the same numbers.

Joint conventions (radians): hip and elbow/knee flexion are >= 0 by construction (IK bends
knees forward and elbows backward; FK clamps), so nothing hyperextends. Limits are in
`LIMITS`; `solve` clamps FK angles to them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np

from catwalk.studio.body import BodyShape, Proportions
from catwalk.studio.geometry import normalize, perpendicular, rot_x, rot_y, rot_z, smin
from catwalk.vision.labels import NUM_KEYPOINTS
from catwalk.vision.labels import PoseKeypoint as K


class Segment(IntEnum):
    PELVIS = 0
    ABDOMEN = 1
    CHEST = 2
    NECK = 3
    HEAD = 4
    LEFT_UPPER_ARM = 5
    RIGHT_UPPER_ARM = 6
    LEFT_FOREARM = 7
    RIGHT_FOREARM = 8
    LEFT_HAND = 9
    RIGHT_HAND = 10
    LEFT_THIGH = 11
    RIGHT_THIGH = 12
    LEFT_SHIN = 13
    RIGHT_SHIN = 14
    LEFT_FOOT = 15
    RIGHT_FOOT = 16


NUM_SEGMENTS = len(Segment)


class Contact(IntEnum):
    """How a foot touches the floor (a gait's heel strike -> flat -> heel off -> toe off)."""

    SWING = 0  # in the air
    HEEL = 1  # heel on the floor, foot rolling down about it (the heel point does not move)
    FLAT = 2  # planted: the whole foot is still
    TOE = 3  # heel raised, rolling about the toe (the toe point does not move)


# Joint limits (radians): FK angles are clamped to these.
LIMITS: dict[str, tuple[float, float]] = {
    "shoulder_flex": (math.radians(-60), math.radians(180)),
    "shoulder_abd": (math.radians(-30), math.radians(175)),  # applied after flexion (see `Arm`)
    "shoulder_twist": (math.radians(-80), math.radians(80)),
    "elbow": (0.0, math.radians(150)),
    "pronation": (math.radians(-80), math.radians(90)),
    "wrist_flex": (math.radians(-60), math.radians(70)),
    "wrist_dev": (math.radians(-20), math.radians(30)),
    "knee": (0.0, math.radians(150)),
}


def _clamp(name: str, value: float) -> float:
    lo, hi = LIMITS[name]
    return min(max(value, lo), hi)


# --- landmark geometry (segment-local, metres) -------------------------------------------------


def head_centre(p: Proportions) -> np.ndarray:
    """Centre of the head (ear level) in the HEAD frame (origin at the top of the neck)."""
    return np.array([0.0, 0.068, 0.012]) * p.head


# The head's two ellipsoids, relative to head_centre, in head units (x 0.15 m wide): the
# cranium and the face/jaw. The renderer draws these same shapes.
CRANIUM = ((0.0, 0.022, -0.012), (0.076, 0.097, 0.099))
JAW = ((0.0, -0.036, 0.018), (0.059, 0.071, 0.078))


def head_front_z(x: float, y: float) -> float:
    """z of the front surface of the head (head units, relative to head_centre) at (x, y)."""
    best = -1.0
    for (cx, cy, cz), (ax, ay, az) in (CRANIUM, JAW):
        r = 1.0 - ((x - cx) / ax) ** 2 - ((y - cy) / ay) ** 2
        if r > 0:
            best = max(best, cz + az * math.sqrt(r))
    return best


def _face_points() -> dict[K, tuple[float, float, float]]:
    """Face landmarks of the person's left side (the right mirrors x), head units."""
    pts: dict[K, tuple[float, float, float]] = {K.NOSE: (0.0, -0.03, 0.095)}
    for key, (x, y, inset) in {K.LEFT_EYE_INNER: (0.014, 0.0, 0.006), K.LEFT_EYE: (0.031, 0.002, 0.006),
                               K.LEFT_EYE_OUTER: (0.047, 0.003, 0.004),
                               K.MOUTH_LEFT: (0.022, -0.057, 0.002)}.items():
        pts[key] = (x, y, head_front_z(x, y) - inset)
    pts[K.LEFT_EAR] = (0.078, -0.006, -0.006)
    return pts


FACE_POINTS = _face_points()
_MIRROR = {K.LEFT_EYE_INNER: K.RIGHT_EYE_INNER, K.LEFT_EYE: K.RIGHT_EYE,
           K.LEFT_EYE_OUTER: K.RIGHT_EYE_OUTER, K.LEFT_EAR: K.RIGHT_EAR, K.MOUTH_LEFT: K.MOUTH_RIGHT}


def hand_points(p: Proportions, side: int) -> dict[str, np.ndarray]:
    """Hand landmarks in the HAND frame (origin at the wrist, fingers along -y, thumb side
    +z, palm facing -x for the left hand (side=+1) and +x for the right (side=-1))."""
    s = p.s
    return {"index": np.array([0.0, -0.088, 0.021]) * s, "pinky": np.array([0.0, -0.085, -0.021]) * s,
            "thumb": np.array([-0.015 * side, -0.063, 0.049]) * s}


def foot_points(p: Proportions, side: int) -> dict[str, np.ndarray]:
    """Foot points in the FOOT frame (origin at the ankle, y up, z towards the toes):
    MediaPipe's heel and foot_index, and the points a rolling foot pivots about."""
    ah, s = p.ankle_height, p.s
    return {"heel": np.array([0.0, -ah + 0.04 * s, -p.heel_back + 0.004 * s]),
            "foot_index": np.array([-0.01 * s * side, -ah + 0.03 * s, p.toe_forward - 0.022 * s]),
            "heel_contact": np.array([0.0, -ah, -p.heel_back + 0.012 * s]),
            "toe_contact": np.array([0.0, -ah, p.toe_forward])}


# --- controls ---------------------------------------------------------------------------------


@dataclass
class Arm:
    """One arm. FK angles (radians) unless `target` is set: then the wrist goes to `target`
    (world) by two-bone IK with the elbow pointing along `pole`, blended in by `reach`
    (0 = the FK pose, 1 = on the target); the hand keeps its angles relative to the forearm.

    flex: forward raise; abd: sideways raise, applied after flex (so once the arm is raised
    past the horizontal in front, a negative abd opens it outwards); twist: internal rotation;
    elbow: flexion; pron: forearm pronation (palm turns backwards); shrug: shoulder lift (m).
    """

    flex: float = 0.0
    abd: float = 0.1
    twist: float = 0.0
    elbow: float = 0.15
    pron: float = 0.3
    wrist_flex: float = 0.1
    wrist_dev: float = 0.0
    shrug: float = 0.0
    target: np.ndarray | None = None
    pole: np.ndarray | None = None
    reach: float = 1.0
    hand_rot: np.ndarray | None = None  # world rotation of the hand, overriding the wrist angles


@dataclass
class Foot:
    """A foot's world placement: ankle position, heading (yaw about +y) and pitch (toes up > 0)."""

    ankle: np.ndarray
    yaw: float = 0.0
    pitch: float = 0.0
    contact: Contact = Contact.FLAT


@dataclass
class Posture:
    """Everything that places the body for one instant (angles in radians, world metres).

    pelvis: pelvis centre (between the hip joints); yaw/pitch/roll of the pelvis (pitch > 0
    tips forward, roll > 0 lifts the left hip); spine: (forward bend, lean to the left,
    twist to the left) shared between the lumbar and thoracic joints; head: (nod down, turn
    to the left, tilt to the left) shared between the neck and the head; breath 0..1.
    """

    pelvis: np.ndarray
    left_foot: Foot
    right_foot: Foot
    yaw: float = 0.0
    pitch: float = 0.0
    roll: float = 0.0
    spine: tuple[float, float, float] = (0.0, 0.0, 0.0)
    head: tuple[float, float, float] = (0.0, 0.0, 0.0)
    breath: float = 0.0
    left_arm: Arm = field(default_factory=Arm)
    right_arm: Arm = field(default_factory=Arm)


@dataclass(frozen=True)
class BodyPose:
    """A solved pose: world origin and rotation (columns = local x, y, z) of every segment,
    MediaPipe's 33 landmarks in world metres, and each foot's contact with the floor."""

    origins: np.ndarray  # [NUM_SEGMENTS, 3]
    rotations: np.ndarray  # [NUM_SEGMENTS, 3, 3]
    keypoints: np.ndarray  # [33, 3]
    contacts: tuple[Contact, Contact]  # left, right

    def to_world(self, segment: Segment, local: np.ndarray) -> np.ndarray:
        """Segment-local point(s) [..., 3] -> world."""
        return np.asarray(local) @ self.rotations[segment].T + self.origins[segment]


# --- solving ----------------------------------------------------------------------------------


def pelvis_offsets(p: Proportions) -> dict[str, np.ndarray]:
    return {"left_hip": np.array([p.hip_half, 0.0, 0.0]), "right_hip": np.array([-p.hip_half, 0.0, 0.0])}


def pelvis_rotation(yaw: float, pitch: float, roll: float) -> np.ndarray:
    return rot_y(yaw) @ rot_x(pitch) @ rot_z(roll)


def max_pelvis_height(pelvis_xz: tuple[float, float], rotation: np.ndarray, ankles: list[np.ndarray],
                      p: Proportions, min_knee: float, softness: float = 0.0) -> float:
    """Highest pelvis centre for which every ankle is reachable with the knee bent at least
    `min_knee` radians (so standing legs stay soft and the feet never have to slide).
    With `softness` (m) the two legs' limits are joined by a smooth minimum (never higher)."""
    reach = math.sqrt(p.thigh**2 + p.shin**2 + 2 * p.thigh * p.shin * math.cos(min_knee))
    limits = []
    for offset, ankle in zip(pelvis_offsets(p).values(), ankles, strict=True):
        hip = rotation @ offset
        dx = pelvis_xz[0] + hip[0] - ankle[0]
        dz = pelvis_xz[1] + hip[2] - ankle[2]
        limits.append(ankle[1] + math.sqrt(max(reach**2 - dx * dx - dz * dz, 0.0)) - hip[1])
    return smin(limits[0], limits[1], softness) if softness > 0 else min(limits)


def _two_bone(root: np.ndarray, target: np.ndarray, l1: float, l2: float,
              pole: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Middle joint and end of a two-bone chain reaching for `target`, bending towards `pole`."""
    d = target - root
    dist = float(np.linalg.norm(d))
    u = d / dist if dist > 1e-9 else np.array([0.0, -1.0, 0.0])
    reach = min(max(dist, abs(l1 - l2) + 1e-4), (l1 + l2) * (1 - 1e-7))
    cos_a = (l1 * l1 + reach * reach - l2 * l2) / (2 * l1 * reach)
    sin_a = math.sqrt(max(1 - cos_a * cos_a, 0.0))
    v = perpendicular(pole, u)
    if float(np.linalg.norm(v)) < 0.5:  # pole along the chain: any perpendicular will do
        v = perpendicular(np.array([0.0, 0.0, 1.0]), u)
    mid = root + l1 * (cos_a * u + sin_a * v)
    end = mid + l2 * normalize(root + reach * u - mid)
    return mid, end


def _hinge_frames(root: np.ndarray, mid: np.ndarray, end: np.ndarray, pole: np.ndarray,
                  bends_forward: bool) -> tuple[np.ndarray, np.ndarray, float]:
    """Frames of the upper and lower bone of a hinge chain and the flexion angle (>= 0).

    The upper bone's z axis is the side the lower bone bends to (arms: anterior, forward
    flexion; legs: the knee's front, the shin bending to -z)."""
    y = normalize(root - mid)
    lower = normalize(end - mid)
    flex = math.acos(min(max(float(-y @ lower), -1.0), 1.0))
    bend = perpendicular(lower, y)
    if flex < 1e-3 or float(np.linalg.norm(bend)) < 0.5:
        bend = perpendicular(-pole, y)  # the pole is where the joint points: bend away from it
        if float(np.linalg.norm(bend)) < 0.5:
            bend = perpendicular(np.array([0.0, 0.0, 1.0]), y)
    z = bend if bends_forward else -bend
    upper = np.column_stack([np.cross(y, z), y, z])
    lower_rot = upper @ rot_x(-flex if bends_forward else flex)
    return upper, lower_rot, flex


def _arm(arm: Arm, side: int, chest: np.ndarray, shoulder: np.ndarray,
         p: Proportions) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Upper arm, forearm and hand rotations, elbow and wrist positions."""
    flex = _clamp("shoulder_flex", arm.flex)
    abd = _clamp("shoulder_abd", arm.abd)
    twist = _clamp("shoulder_twist", arm.twist)
    elbow = _clamp("elbow", arm.elbow)
    upper = chest @ rot_z(side * abd) @ rot_x(-flex) @ rot_y(-side * twist)
    fore = upper @ rot_x(-elbow)
    elbow_pos = shoulder + upper @ np.array([0.0, -p.upper_arm, 0.0])
    wrist = elbow_pos + fore @ np.array([0.0, -p.forearm, 0.0])
    if arm.target is not None and arm.reach > 0:
        w = min(max(arm.reach, 0.0), 1.0)
        goal = wrist + (np.asarray(arm.target) - wrist) * w
        fk_pole = normalize(elbow_pos - (shoulder + wrist) / 2)
        if float(np.linalg.norm(fk_pole)) < 0.5:
            fk_pole = -upper[:, 2]
        pole = normalize(fk_pole * (1 - w) + normalize(np.asarray(arm.pole)) * w) if arm.pole is not None \
            else fk_pole
        elbow_pos, wrist = _two_bone(shoulder, goal, p.upper_arm, p.forearm, pole)
        upper, fore, _ = _hinge_frames(shoulder, elbow_pos, wrist, pole, bends_forward=True)
    hand = fore @ rot_y(-side * _clamp("pronation", arm.pron)) @ rot_z(-side * _clamp("wrist_flex", arm.wrist_flex)) \
        @ rot_x(-_clamp("wrist_dev", arm.wrist_dev))
    if arm.hand_rot is not None:
        hand = np.asarray(arm.hand_rot, float)
    return upper, fore, hand, elbow_pos, wrist


def solve(posture: Posture, body: BodyShape | Proportions) -> BodyPose:
    """Forward kinematics for the trunk, head and arms, two-bone IK for the legs."""
    p = body if isinstance(body, Proportions) else body.proportions
    origins = np.zeros((NUM_SEGMENTS, 3))
    rots = np.zeros((NUM_SEGMENTS, 3, 3))
    S = Segment
    pelvis_rot = pelvis_rotation(posture.yaw, posture.pitch, posture.roll)
    origins[S.PELVIS], rots[S.PELVIS] = posture.pelvis, pelvis_rot
    bend, lean, twist = posture.spine
    half = rot_y(twist / 2) @ rot_x(bend / 2) @ rot_z(-lean / 2)
    breath = rot_x(-0.012 * posture.breath)  # the chest rises and opens a little
    rots[S.ABDOMEN] = pelvis_rot @ half
    origins[S.ABDOMEN] = posture.pelvis + pelvis_rot @ np.array([0.0, p.abdomen_up, -0.01 * p.s])
    rots[S.CHEST] = rots[S.ABDOMEN] @ half @ breath
    origins[S.CHEST] = origins[S.ABDOMEN] + rots[S.ABDOMEN] @ np.array([0.0, p.chest_up, 0.0])
    chest = rots[S.CHEST]
    nod, turn, tilt = posture.head
    origins[S.NECK] = origins[S.CHEST] + chest @ np.array([0.0, p.neck_base_up, -0.025 * p.s])
    rots[S.NECK] = chest @ rot_x(0.08) @ rot_y(0.4 * turn) @ rot_x(0.4 * nod) @ rot_z(-0.4 * tilt)
    origins[S.HEAD] = origins[S.NECK] + rots[S.NECK] @ np.array([0.0, p.neck, 0.0])
    rots[S.HEAD] = rots[S.NECK] @ rot_x(-0.08) @ rot_y(0.6 * turn) @ rot_x(0.6 * nod) @ rot_z(-0.6 * tilt)

    for side, arm, (ua, fa, hd) in ((1, posture.left_arm, (S.LEFT_UPPER_ARM, S.LEFT_FOREARM, S.LEFT_HAND)),
                                    (-1, posture.right_arm, (S.RIGHT_UPPER_ARM, S.RIGHT_FOREARM, S.RIGHT_HAND))):
        lift = arm.shrug + 0.004 * p.s * posture.breath
        shoulder = origins[S.CHEST] + chest @ np.array([side * p.shoulder_half, p.shoulder_up + lift, -0.012 * p.s])
        upper, fore, hand, elbow, wrist = _arm(arm, side, chest, shoulder, p)
        origins[ua], origins[fa], origins[hd] = shoulder, elbow, wrist
        rots[ua], rots[fa], rots[hd] = upper, fore, hand

    for offset, foot, (th, sh, ft) in (
            (pelvis_offsets(p)["left_hip"], posture.left_foot, (S.LEFT_THIGH, S.LEFT_SHIN, S.LEFT_FOOT)),
            (pelvis_offsets(p)["right_hip"], posture.right_foot, (S.RIGHT_THIGH, S.RIGHT_SHIN, S.RIGHT_FOOT))):
        hip = posture.pelvis + pelvis_rot @ offset
        foot_rot = rot_y(foot.yaw) @ rot_x(-foot.pitch)
        pole = normalize(foot_rot[:, 2] + pelvis_rot[:, 2])
        knee, ankle = _two_bone(hip, np.asarray(foot.ankle, float), p.thigh, p.shin, pole)
        thigh, shin, _ = _hinge_frames(hip, knee, ankle, pole, bends_forward=False)
        origins[th], origins[sh], origins[ft] = hip, knee, ankle
        rots[th], rots[sh], rots[ft] = thigh, shin, foot_rot

    pose = BodyPose(origins, rots, np.zeros((NUM_KEYPOINTS, 3)),
                    (posture.left_foot.contact, posture.right_foot.contact))
    _place_keypoints(pose, p)
    return pose


def _place_keypoints(pose: BodyPose, p: Proportions) -> None:
    S = Segment
    kp = pose.keypoints
    centre = head_centre(p)
    for key, (x, y, z) in FACE_POINTS.items():
        kp[key] = pose.to_world(S.HEAD, centre + np.array([x, y, z]) * p.head)
        if key in _MIRROR:
            kp[_MIRROR[key]] = pose.to_world(S.HEAD, centre + np.array([-x, y, z]) * p.head)
    for side, name in ((1, "LEFT"), (-1, "RIGHT")):
        kp[K[f"{name}_SHOULDER"]] = pose.origins[S[f"{name}_UPPER_ARM"]]
        kp[K[f"{name}_ELBOW"]] = pose.origins[S[f"{name}_FOREARM"]]
        kp[K[f"{name}_WRIST"]] = pose.origins[S[f"{name}_HAND"]]
        for finger, local in hand_points(p, side).items():
            kp[K[f"{name}_{finger.upper()}"]] = pose.to_world(S[f"{name}_HAND"], local)
        kp[K[f"{name}_HIP"]] = pose.origins[S[f"{name}_THIGH"]]
        kp[K[f"{name}_KNEE"]] = pose.origins[S[f"{name}_SHIN"]]
        kp[K[f"{name}_ANKLE"]] = pose.origins[S[f"{name}_FOOT"]]
        feet = foot_points(p, side)
        kp[K[f"{name}_HEEL"]] = pose.to_world(S[f"{name}_FOOT"], feet["heel"])
        kp[K[f"{name}_FOOT_INDEX"]] = pose.to_world(S[f"{name}_FOOT"], feet["foot_index"])


def knee_flexion(pose: BodyPose, side: int) -> float:
    """Signed knee flexion (radians) measured from the solved positions: positive when the
    shin swings behind the thigh (a normal knee), negative for a hyperextended one."""
    th, sh = (Segment.LEFT_THIGH, Segment.LEFT_SHIN) if side > 0 else (Segment.RIGHT_THIGH, Segment.RIGHT_SHIN)
    return _signed_hinge(pose.origins[th], pose.origins[sh], pose.origins[sh + 2], pose.rotations[th][:, 0])


def elbow_flexion(pose: BodyPose, side: int) -> float:
    """Signed elbow flexion (radians): positive when the forearm folds towards the front of
    the upper arm, negative for a hyperextended elbow."""
    ua, fa = (Segment.LEFT_UPPER_ARM, Segment.LEFT_FOREARM) if side > 0 else (Segment.RIGHT_UPPER_ARM,
                                                                            Segment.RIGHT_FOREARM)
    return -_signed_hinge(pose.origins[ua], pose.origins[fa], pose.origins[fa + 2], pose.rotations[ua][:, 0])


def _signed_hinge(a: np.ndarray, b: np.ndarray, c: np.ndarray, axis: np.ndarray) -> float:
    """Angle from the continuation of a->b to b->c about `axis` (right-handed)."""
    u, v = normalize(b - a), normalize(c - b)
    return math.atan2(float(np.cross(u, v) @ axis), float(u @ v))
