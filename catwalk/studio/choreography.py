"""The motions themselves: each is a `Performance` built for one clip (its length and seed),
answering "where is every joint at time t" as a `Posture` for `skeleton.solve`.

Standing motions share a planted stance (feet never move) with an idle layer (weight
shifts, breathing, small head and arm motion) whose frequencies are rounded to whole cycles
per clip, so loopable motions end where they start. Gestures run in cycles of
rest -> rise -> hold -> fall -> rest. Walks come from `gait`; the turn steps its feet
around in place; sit_down lowers the pelvis onto a stool.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass, replace

import numpy as np

from catwalk.studio.gait import Gait, GaitStyle
from catwalk.studio.geometry import envelope, lerp, loop_frequency, min_jerk, normalize, rot_y
from catwalk.studio.skeleton import (
    Arm,
    Contact,
    Foot,
    Posture,
    Proportions,
    Segment,
    max_pelvis_height,
    pelvis_rotation,
    solve,
)


@dataclass(frozen=True)
class Stool:
    """A round stool: seat top centre (world), seat radius and height (metres)."""

    centre: tuple[float, float, float]
    radius: float
    height: float


class Performance(ABC):
    """A motion laid out for one clip. Subclasses implement `posture`."""

    camera_anchor_moves = False  # True when a tracking camera should follow `anchor`

    def __init__(self, p: Proportions, seconds: float, rng: np.random.Generator, loop: bool) -> None:
        self.p, self.seconds, self.rng, self.loop = p, seconds, rng, loop

    @abstractmethod
    def posture(self, t: float) -> Posture: ...

    def anchor(self, t: float) -> np.ndarray:
        """Ground point a tracking camera follows (the mean path of the body)."""
        return np.zeros(3)

    def stool(self) -> Stool | None:
        return None

    def freq(self, period: float) -> float:
        return loop_frequency(period, self.seconds) if self.loop else 1.0 / period

    def uniform(self, lo: float, hi: float) -> float:
        return float(self.rng.uniform(lo, hi))


# --- standing ---------------------------------------------------------------------------------


class Idle:
    """Weight shifts, breathing, head and arm drift: sums of sinusoids with seeded
    amplitudes and phases. `amount` scales everything (0 = a statue)."""

    def __init__(self, perf: Performance, amount: float = 1.0) -> None:
        u = perf.uniform
        self.amount = amount
        self.shift = (0.022 * u(0.7, 1.3), perf.freq(u(6.0, 8.0)), u(0, 2 * math.pi))
        self.breath = (perf.freq(u(3.6, 4.6)), u(0, 2 * math.pi))
        self.nod = (0.035 * u(0.6, 1.4), perf.freq(u(4.5, 6.5)), u(0, 2 * math.pi))
        self.turn = (0.05 * u(0.6, 1.4), perf.freq(u(7.0, 10.0)), u(0, 2 * math.pi))
        self.tilt = (0.03 * u(0.6, 1.4), perf.freq(u(5.0, 8.0)), u(0, 2 * math.pi))
        self.arm = (0.035 * u(0.6, 1.4), perf.freq(u(5.0, 7.0)), u(0, 2 * math.pi))

    @staticmethod
    def _wave(spec: tuple[float, float, float], t: float) -> float:
        amp, f, ph = spec
        return amp * math.sin(2 * math.pi * f * t + ph)

    def weight(self, t: float) -> float:
        """Sideways shift of the pelvis (m, + towards the left foot)."""
        return self.amount * self._wave(self.shift, t)

    def breathing(self, t: float) -> float:
        f, ph = self.breath
        return 0.5 + 0.5 * math.sin(2 * math.pi * f * t + ph)

    def head(self, t: float) -> tuple[float, float, float]:
        a = self.amount
        return a * self._wave(self.nod, t), a * self._wave(self.turn, t), a * self._wave(self.tilt, t)

    def arm_swing(self, t: float, side: int) -> float:
        amp, f, ph = self.arm
        return self.amount * amp * math.sin(2 * math.pi * f * t + ph + (0.0 if side > 0 else 1.9))


def relaxed_arm(idle: Idle, t: float, side: int) -> Arm:
    return Arm(flex=0.02 + idle.arm_swing(t, side), abd=0.1, twist=0.05, elbow=0.2 + 0.5 * idle.arm_swing(t, -side),
               pron=0.35, wrist_flex=0.12)


class Stance(Performance):
    """Standing on planted feet with an idle layer; subclasses change arms, head and hips."""

    idle_amount = 1.0

    def __init__(self, p: Proportions, seconds: float, rng: np.random.Generator, loop: bool) -> None:
        super().__init__(p, seconds, rng, loop)
        self.heading = 0.0
        self.width = p.hip_half * self.uniform(0.75, 1.05)  # ankles this far either side
        self.toe_out = self.uniform(0.1, 0.2)
        self.stagger = self.uniform(-0.03, 0.03)  # one foot a little ahead
        self.idle = Idle(self, self.idle_amount)

    def foot(self, side: int) -> Foot:
        ankle = rot_y(self.heading) @ np.array([side * self.width, self.p.ankle_height, side * self.stagger])
        return Foot(ankle, self.heading + side * self.toe_out, 0.0, Contact.FLAT)

    def hips(self, t: float) -> tuple[float, float]:
        """Sideways pelvis shift (m, + left) and roll (radians, + left hip up)."""
        shift = self.idle.weight(t)
        return shift, 1.6 * shift

    def stand(self, t: float) -> Posture:
        """Standing with soft knees (>= 4 degrees): the pelvis is as high as the planted feet allow."""
        left, right = self.foot(1), self.foot(-1)
        shift, roll = self.hips(t)
        rot = pelvis_rotation(self.heading, 0.03, roll)
        xz = rot_y(self.heading) @ np.array([shift, 0.0, -0.01])
        height = max_pelvis_height((float(xz[0]), float(xz[2])), rot, [left.ankle, right.ankle], self.p,
                                   math.radians(4), softness=0.01)
        nod, turn, tilt = self.idle.head(t)
        return Posture(pelvis=np.array([xz[0], height, xz[2]]), left_foot=left, right_foot=right,
                       yaw=self.heading, pitch=0.03, roll=roll, spine=(0.0, -0.7 * roll, 0.0),
                       head=(nod, turn, tilt - 0.4 * roll), breath=self.idle.breathing(t),
                       left_arm=relaxed_arm(self.idle, t, 1), right_arm=relaxed_arm(self.idle, t, -1))

    def posture(self, t: float) -> Posture:
        return self.stand(t)


class IdleStand(Stance):
    pass


class CloseUp(Stance):
    """A quieter idle (the camera pushes in on the torso)."""

    idle_amount = 0.5


def _with_arm(post: Posture, side: int, arm: Arm) -> Posture:
    return replace(post, left_arm=arm) if side > 0 else replace(post, right_arm=arm)


def _pelvis_point(posture: Posture, local: tuple[float, float, float]) -> np.ndarray:
    rot = pelvis_rotation(posture.yaw, posture.pitch, posture.roll)
    return posture.pelvis + rot @ np.asarray(local)


def _hand_frame(fingers: np.ndarray, across: np.ndarray) -> np.ndarray:
    """Hand rotation with fingers along `fingers` and local x as close to `across` as possible."""
    y = -normalize(fingers)
    x = normalize(across - float(across @ y) * y)
    return np.column_stack([x, y, np.cross(x, y)])


class HandsInPockets(Stance):
    idle_amount = 0.6

    def posture(self, t: float) -> Posture:
        post = self.stand(t)
        rot = pelvis_rotation(post.yaw, post.pitch, post.roll)
        hw = self.p.hip_half / 0.265 / 2  # half the hip width
        for side in (1, -1):
            # The pocket opening is on the front of the hip, just below the tee's hem.
            target = _pelvis_point(post, (side * 0.72 * hw, -0.078 * self.p.s, 0.07 * self.p.s))
            pole = rot @ np.array([side * 0.8, -0.1, -0.6])
            hand = _hand_frame(rot @ np.array([0.1 * side, -0.75, -0.65]), rot @ np.array([1.0, 0.0, 0.0]))
            arm = Arm(flex=0.1, abd=0.25, twist=0.3, elbow=0.9, target=target, pole=pole, hand_rot=hand)
            post = _with_arm(post, side, arm)
        return post


class HandOnHip(Stance):
    def __init__(self, p: Proportions, seconds: float, rng: np.random.Generator, loop: bool) -> None:
        super().__init__(p, seconds, rng, loop)
        self.side = 1 if self.rng.random() < 0.5 else -1
        self.lean = self.uniform(0.025, 0.04)

    def hips(self, t: float) -> tuple[float, float]:
        shift = self.side * self.lean + 0.4 * self.idle.weight(t)
        return shift, 1.8 * shift

    def posture(self, t: float) -> Posture:
        post = self.stand(t)
        rot = pelvis_rotation(post.yaw, post.pitch, post.roll)
        hw = self.p.hip_half / 0.265 / 2
        m = self.side
        target = _pelvis_point(post, (m * (hw + 0.025 * self.p.s), 0.075 * self.p.s, -0.015 * self.p.s))
        pole = rot @ np.array([m * 0.85, 0.0, -0.5])
        hand = _hand_frame(rot @ np.array([0.0, -0.55, 0.85]), rot @ np.array([1.0, 0.0, 0.0]))
        arm = Arm(abd=0.6, twist=0.5, elbow=1.4, target=target, pole=pole, hand_rot=hand)
        post = _with_arm(post, m, arm)
        nod, turn, tilt = post.head
        return replace(post, head=(nod, turn - 0.12 * m, tilt + 0.06 * m))


# --- gestures ---------------------------------------------------------------------------------


class Gesture(Stance):
    """Cycles of rest -> rise -> hold -> fall -> rest; `amount(t)` is 0 at rest, 1 held."""

    idle_amount = 0.6
    timing = (0.6, 1.0, 1.2, 1.0, 0.6)  # rest, rise, hold, fall, rest (s) at tempo 1

    def __init__(self, p: Proportions, seconds: float, rng: np.random.Generator, loop: bool) -> None:
        super().__init__(p, seconds, rng, loop)
        self.side = 1 if self.rng.random() < 0.5 else -1
        nominal = sum(self.timing) * self.uniform(0.92, 1.08)
        self.cycles = max(1, round(seconds / nominal))
        self.cycle = seconds / self.cycles
        self.scale = self.cycle / sum(self.timing)

    def phase(self, t: float) -> tuple[float, float]:
        """(amount 0..1, seconds since this cycle's hold began)."""
        u = t % self.cycle if t < self.seconds else self.cycle
        rest, rise, hold, fall, _ = (x * self.scale for x in self.timing)
        return envelope(u, rest, rise, hold, fall), u - rest - rise

    @abstractmethod
    def gesture_arm(self, amount: float, held: float, side: int, t: float) -> Arm: ...

    def posture(self, t: float) -> Posture:
        post = self.stand(t)
        amount, held = self.phase(t)
        for side in (1, -1):
            if self.moves(side):
                rest = relaxed_arm(self.idle, t, side)
                arm = _blend_arm(rest, self.gesture_arm(amount, held, side, t), amount)
                post = _with_arm(post, side, arm)
        return self.adjust(post, amount, held)

    def moves(self, side: int) -> bool:
        return side == self.side

    def adjust(self, post: Posture, amount: float, held: float) -> Posture:
        return post


def _blend_arm(a: Arm, b: Arm, w: float) -> Arm:
    """FK angles blended; an IK target in `b` is reached with weight w."""
    def mix(x: float, y: float) -> float:
        return x + (y - x) * w

    return Arm(flex=mix(a.flex, b.flex), abd=mix(a.abd, b.abd), twist=mix(a.twist, b.twist),
               elbow=mix(a.elbow, b.elbow), pron=mix(a.pron, b.pron), wrist_flex=mix(a.wrist_flex, b.wrist_flex),
               wrist_dev=mix(a.wrist_dev, b.wrist_dev), shrug=mix(a.shrug, b.shrug), target=b.target, pole=b.pole,
               reach=w * b.reach if b.target is not None else 0.0)


class ArmsRaise(Gesture):
    timing = (0.6, 1.1, 0.9, 1.1, 0.5)

    def __init__(self, p: Proportions, seconds: float, rng: np.random.Generator, loop: bool) -> None:
        super().__init__(p, seconds, rng, loop)
        self.height = self.uniform(2.55, 2.8)  # how far up (radians of flexion: raised in front)
        # Abduction is applied after flexion, so past the horizontal a negative one opens a V.
        self.spread = self.uniform(0.3, 0.5)

    def moves(self, side: int) -> bool:
        return True

    def gesture_arm(self, amount: float, held: float, side: int, t: float) -> Arm:
        return Arm(flex=self.height, abd=-self.spread, twist=0.1, elbow=0.3, pron=0.9, wrist_flex=-0.1, shrug=0.02)

    def adjust(self, post: Posture, amount: float, held: float) -> Posture:
        nod, turn, tilt = post.head
        bend, lean, twist = post.spine
        return replace(post, head=(nod - 0.12 * amount, turn, tilt), spine=(bend - 0.05 * amount, lean, twist),
                       breath=float(lerp(post.breath, 1.0, amount)))


class Wave(Gesture):
    timing = (0.5, 0.7, 2.2, 0.7, 0.4)

    def __init__(self, p: Proportions, seconds: float, rng: np.random.Generator, loop: bool) -> None:
        super().__init__(p, seconds, rng, loop)
        self.rate = self.uniform(1.8, 2.4)  # waves per second

    def gesture_arm(self, amount: float, held: float, side: int, t: float) -> Arm:
        wag = math.sin(2 * math.pi * self.rate * max(held, 0.0)) * min(max(held, 0.0) / 0.3, 1.0) * amount
        return Arm(flex=0.25, abd=1.45, twist=-1.25, elbow=1.75 + 0.3 * wag, pron=-0.3, wrist_flex=0.25 * wag,
                   wrist_dev=0.0)

    def adjust(self, post: Posture, amount: float, held: float) -> Posture:
        nod, turn, tilt = post.head
        return replace(post, head=(nod - 0.03 * amount, turn, tilt + 0.06 * self.side * amount))


class SleeveShow(Gesture):
    timing = (0.6, 1.0, 1.6, 1.0, 0.5)

    def gesture_arm(self, amount: float, held: float, side: int, t: float) -> Arm:
        return Arm(flex=0.55, abd=0.3, twist=0.75, elbow=1.75, pron=1.1, wrist_flex=-0.15)

    def posture(self, t: float) -> Posture:
        post = super().posture(t)
        amount, _ = self.phase(t)
        if amount <= 0:
            return post
        # The other hand pinches the showing arm's cuff, just above the wrist.
        pose = solve(post, self.p)
        m = self.side
        wrist = pose.origins[Segment.LEFT_HAND if m > 0 else Segment.RIGHT_HAND]
        elbow = pose.origins[Segment.LEFT_FOREARM if m > 0 else Segment.RIGHT_FOREARM]
        cuff = wrist + 0.22 * (elbow - wrist) + rot_y(post.yaw) @ np.array([0.0, 0.035, 0.03])
        rot = pelvis_rotation(post.yaw, 0.0, 0.0)
        other = Arm(flex=0.4, abd=0.15, twist=0.5, elbow=1.4, pron=0.6, target=cuff,
                    pole=rot @ np.array([-m * 0.6, -0.6, -0.5]), reach=float(min_jerk(amount * 1.25 - 0.25)))
        return _with_arm(post, -m, other)

    def adjust(self, post: Posture, amount: float, held: float) -> Posture:
        nod, turn, tilt = post.head
        return replace(post, head=(nod + 0.3 * amount, turn + 0.3 * self.side * amount, tilt))


# --- moving -----------------------------------------------------------------------------------


class Walk(Performance):
    """A catwalk walk along `heading`, centred on the origin at mid-clip."""

    camera_anchor_moves = True

    def __init__(self, p: Proportions, seconds: float, rng: np.random.Generator, loop: bool,
                 heading: float = 0.0, head_turn: float = 0.0) -> None:
        super().__init__(p, seconds, rng, loop)
        u = self.uniform
        period = 1.06 * u(0.95, 1.05) * math.sqrt(p.s)
        period = seconds / max(1, round(seconds / period)) if loop else period
        style = GaitStyle(stride_period=period, step_length=0.36 * p.s * 1.7 * u(0.95, 1.05),
                          foot_offset=0.02 * u(0.5, 1.5), toe_out=u(0.06, 0.14), sway=0.03 * u(0.8, 1.2),
                          roll=0.07 * u(0.8, 1.2), yaw=0.09 * u(0.8, 1.2), arm_swing=0.28 * u(0.8, 1.2))
        gait = Gait(p, style, 0.0, np.zeros(3))
        start = -(gait.anchor(seconds / 2))  # the anchor crosses the origin at mid-clip
        self.gait = Gait(p, style, heading, rot_y(heading) @ start)
        self.head_turn = head_turn + u(-0.05, 0.05)

    def posture(self, t: float) -> Posture:
        return self.gait.posture(t, self.head_turn)

    def anchor(self, t: float) -> np.ndarray:
        return self.gait.anchor(t)


class Turn(Performance):
    """A full turn on the spot (to the left or right, by seed) in small steps, leading with
    the foot on the turning side, facing the camera between turns."""

    STEPS = 8

    def __init__(self, p: Proportions, seconds: float, rng: np.random.Generator, loop: bool) -> None:
        super().__init__(p, seconds, rng, loop)
        self.turns = max(1, round(seconds / (4.2 * self.uniform(0.9, 1.1))))
        self.cycle = seconds / self.turns
        self.width = p.hip_half * self.uniform(0.8, 1.0)
        self.toe_out = self.uniform(0.08, 0.16)
        self.lift = 0.05 * p.s * self.uniform(0.8, 1.2)
        self.direction = 1 if self.rng.random() < 0.5 else -1
        self.arms = (self.uniform(0.15, 0.35), self.uniform(0.3, 0.7))  # abduction, elbow
        self.idle = Idle(self, 0.4)
        hold = self.uniform(0.1, 0.18) * self.cycle
        self.turn_start, self.turn_time = hold, self.cycle - 2 * hold
        self.step_gap = self.turn_time / (self.STEPS + 0.5)

    def heading(self, t: float) -> float:
        u = t % self.cycle if t < self.seconds else self.cycle
        k = min(math.floor(t / self.cycle), self.turns - 1) if t < self.seconds else self.turns - 1
        return self.direction * 2 * math.pi * (k + float(min_jerk((u - self.turn_start) / self.turn_time)))

    def _foot(self, side: int, t: float) -> tuple[Foot, float]:
        """The foot, and how far through a step it is (0 when planted)."""
        k = min(math.floor(t / self.cycle), self.turns - 1)
        u = t - k * self.cycle
        # Steps alternate, leading with the foot on the turning side; step j lifts at
        # turn_start + j * gap.
        planted_yaw = self.direction * 2 * math.pi * k
        for j in range(0 if side == self.direction else 1, self.STEPS, 2):
            lift = self.turn_start + j * self.step_gap
            land = lift + 0.95 * self.step_gap
            goal = self.heading(k * self.cycle + min(land + 0.8 * self.step_gap, self.cycle))
            if j >= self.STEPS - 2:  # each foot's last step faces the camera again
                goal = self.direction * 2 * math.pi * (k + 1)
            if u < lift:
                break
            if u < land:
                s = (u - lift) / (land - lift)
                w = float(min_jerk(s))
                yaw = float(lerp(planted_yaw, goal, w))
                return self._placed(side, yaw, self.lift * math.sin(math.pi * s), Contact.SWING), s
            planted_yaw = goal
        return self._placed(side, planted_yaw, 0.0, Contact.FLAT), 0.0

    def _placed(self, side: int, yaw: float, lift: float, contact: Contact) -> Foot:
        ankle = rot_y(yaw) @ np.array([side * self.width, self.p.ankle_height + lift, 0.0])
        return Foot(ankle, yaw + side * self.toe_out, 0.0, contact)

    def posture(self, t: float) -> Posture:
        (left, sl), (right, sr) = self._foot(1, t), self._foot(-1, t)
        yaw = self.heading(t)
        # Lean over the foot that is down while the other steps.
        stance = right.ankle if sl > 0 else left.ankle if sr > 0 else np.zeros(3)
        bump = math.sin(math.pi * max(sl, sr))
        xz = 0.3 * bump * np.array([stance[0], 0.0, stance[2]])
        rot = pelvis_rotation(yaw, 0.04, 0.0)
        height = max_pelvis_height((float(xz[0]), float(xz[2])), rot, [left.ankle, right.ankle], self.p,
                                   math.radians(6), softness=0.01)
        speed = (self.heading(t + 0.05) - self.heading(t - 0.05)) / 0.1
        nod, turn, tilt = self.idle.head(t)
        abd, elbow = self.arms
        arms = [Arm(flex=0.1, abd=abd + 0.04 * abs(speed), twist=0.1, elbow=elbow, pron=0.5, wrist_flex=0.1)
                for _ in (1, -1)]
        return Posture(pelvis=np.array([xz[0], height, xz[2]]), left_foot=left, right_foot=right, yaw=yaw,
                       pitch=0.04, spine=(0.0, 0.0, 0.05 * speed), head=(nod, turn + 0.07 * speed, tilt),
                       breath=self.idle.breathing(t), left_arm=arms[0], right_arm=arms[1])


class SitDown(Stance):
    """Stand, then sit down onto a stool behind, then sit (hands on the thighs)."""

    idle_amount = 0.5

    def __init__(self, p: Proportions, seconds: float, rng: np.random.Generator, loop: bool) -> None:
        super().__init__(p, seconds, rng, loop)
        self.begin = min(0.5 * self.uniform(0.8, 1.2), 0.2 * seconds)
        self.duration = min(1.7 * self.uniform(0.9, 1.1), max(seconds - self.begin, 0.5))
        self.seat_height = 0.27 * p.s * 1.7 * self.uniform(0.97, 1.06)
        self.back = 0.62 * p.thigh
        self.seated_pelvis = np.array([0.0, self.seat_height + 0.085 * p.s, -self.back])

    def stool(self) -> Stool:
        c = self.seated_pelvis
        return Stool((float(c[0]), self.seat_height, float(c[2] - 0.02)), 0.17 * self.p.s, self.seat_height)

    def posture(self, t: float) -> Posture:
        stand = self.stand(t)
        u = (t - self.begin) / self.duration
        w = float(min_jerk(u))
        if w <= 0:
            return stand
        lean = 0.55 * math.sin(math.pi * min(max(u, 0.0), 1.0)) ** 1.5 + 0.12 * w
        pelvis = stand.pelvis + (self.seated_pelvis - stand.pelvis) * w
        # Keep the pelvis low enough for the planted feet.
        rot = pelvis_rotation(self.heading, 0.03 + 0.6 * lean, 0.0)
        feet = [stand.left_foot.ankle, stand.right_foot.ankle]
        limit = max_pelvis_height((float(pelvis[0]), float(pelvis[2])), rot, feet, self.p, math.radians(4),
                                  softness=0.01)
        pelvis = np.array([pelvis[0], min(float(pelvis[1]), limit), pelvis[2]])
        post = replace(stand, pelvis=pelvis, pitch=0.03 + 0.6 * lean, roll=stand.roll * (1 - w),
                       spine=(0.5 * lean, 0.0, 0.0), head=(stand.head[0] - 0.6 * lean, stand.head[1], stand.head[2]))
        pose = solve(post, self.p)
        for side, thigh, knee in ((1, Segment.LEFT_THIGH, Segment.LEFT_SHIN), (-1, Segment.RIGHT_THIGH,
                                                                                Segment.RIGHT_SHIN)):
            on_thigh = pose.origins[thigh] + 0.62 * (pose.origins[knee] - pose.origins[thigh]) \
                + np.array([0.0, 0.1 * self.p.s, 0.0])
            reach = float(min_jerk((u - 0.55) / 0.45))
            forward = 0.5 * math.sin(math.pi * min(max(u, 0.0), 1.0))
            arm = Arm(flex=0.05 + forward, abd=0.12, twist=0.2, elbow=0.35 + 0.4 * w, pron=1.0, wrist_flex=0.1,
                      target=on_thigh, pole=np.array([side * 0.7, 0.0, -0.7]), reach=reach)
            post = _with_arm(post, side, arm)
        return post
