"""A walking gait with planted feet: footsteps first, the pelvis derived from them.

Each foot goes through heel strike -> heel rocker (rolls down about the heel, which stays
put) -> flat (the whole foot still) -> heel off, rolling about the toe (which stays put) ->
toe off -> swing (minimum-jerk path with toe clearance) -> the next heel strike, one step
length ahead. The left foot strikes at phase 0 and the right at phase 0.5 of a stride.

The pelvis moves forward at the mean speed, sways over the stance foot, lists and rotates;
its height is the highest the legs allow with soft knees, computed over one stride and
smoothed by an erosion followed by a blur no wider than the erosion, so it never rises
above what the planted feet can reach: the feet never have to slide. Everything is
periodic in the stride, so a whole number of strides loops (up to a translation).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from catwalk.studio.geometry import lerp, min_jerk, rot_x, rot_y
from catwalk.studio.skeleton import (
    Arm,
    Contact,
    Foot,
    Posture,
    Proportions,
    foot_points,
    max_pelvis_height,
    pelvis_rotation,
)

FLAT_AT, HEEL_OFF, TOE_OFF = 0.1, 0.42, 0.62  # phase of a foot's own cycle, from its heel strike
MID_STANCE = (FLAT_AT + HEEL_OFF) / 2
_GRID = 360  # samples of one stride for the pelvis height


@dataclass(frozen=True)
class GaitStyle:
    """How a walk looks. Lengths in metres, angles in radians, period in seconds."""

    stride_period: float = 1.08  # two steps
    step_length: float = 0.62
    foot_offset: float = 0.025  # feet land this far either side of the line of progression
    toe_out: float = 0.1
    heel_strike_pitch: float = 0.3
    toe_off_pitch: float = 0.6
    clearance: float = 0.05  # ankle lift at mid swing
    sway: float = 0.032  # pelvis sideways over the stance foot
    roll: float = 0.07  # pelvic list (the swing side drops)
    yaw: float = 0.09  # pelvic rotation
    arm_swing: float = 0.3
    min_knee: float = math.radians(9)  # stance knees never straighter than this


class Gait:
    """A steady walk along `heading` (radians about +y; 0 = towards +z) from `start` (the
    pelvis's ground position at t = 0)."""

    def __init__(self, p: Proportions, style: GaitStyle, heading: float, start: np.ndarray) -> None:
        self.p, self.style, self.heading = p, style, heading
        self.turn = rot_y(heading)
        self.start = np.asarray(start, float)
        self.speed = 2 * style.step_length / style.stride_period
        self._feet = {side: foot_points(p, side) for side in (1, -1)}
        # Pelvis over the left foot at its mid-stance.
        ankle_z = self._flat_ankle_local(1, 0)[2]
        self._z0 = ankle_z - self.speed * MID_STANCE * style.stride_period
        self._height = self._pelvis_heights()

    # --- feet, in the walk's local frame (x left, z forward, origin at `start`) ------------

    def _flat_ankle_local(self, side: int, k: int) -> np.ndarray:
        """Ankle of the `side` foot planted flat at its k-th step."""
        st = self.style
        z_heel = k * 2 * st.step_length - (0.0 if side > 0 else st.step_length)
        heel = np.array([side * st.foot_offset, 0.0, z_heel])
        return heel - rot_y(side * st.toe_out) @ self._feet[side]["heel_contact"]

    def _foot_local(self, side: int, t: float) -> tuple[np.ndarray, float, float, Contact]:
        st = self.style
        total = t / st.stride_period + (0.0 if side > 0 else 0.5)
        k = math.floor(total)
        ph = total - k
        yaw = side * st.toe_out
        feet = self._feet[side]
        flat = self._flat_ankle_local(side, k)
        if ph < FLAT_AT:  # rolling down about the heel
            pitch = st.heel_strike_pitch * (1 - float(min_jerk(ph / FLAT_AT)))
            return self._pivot(flat, side, yaw, pitch, "heel_contact"), yaw, pitch, Contact.HEEL
        if ph < HEEL_OFF:
            return flat, yaw, 0.0, Contact.FLAT
        if ph < TOE_OFF:  # rolling up about the toe
            pitch = -st.toe_off_pitch * float(min_jerk((ph - HEEL_OFF) / (TOE_OFF - HEEL_OFF)))
            return self._pivot(flat, side, yaw, pitch, "toe_contact"), yaw, pitch, Contact.TOE
        s = (ph - TOE_OFF) / (1 - TOE_OFF)
        a0 = self._pivot(flat, side, yaw, -st.toe_off_pitch, "toe_contact")
        a1 = self._pivot(self._flat_ankle_local(side, k + 1), side, yaw, st.heel_strike_pitch, "heel_contact")
        w = float(min_jerk(s))
        ankle = lerp(a0, a1, w)
        ankle[0] += side * 0.035 * math.sin(math.pi * s)  # around the stance leg
        ankle[1] += st.clearance * math.sin(math.pi * s) ** 1.5
        pitch = float(lerp(-st.toe_off_pitch, st.heel_strike_pitch, w))
        rot = rot_y(yaw) @ rot_x(-pitch)
        lowest = min(float((rot @ feet[name])[1]) for name in ("heel_contact", "toe_contact"))
        ankle[1] = max(ankle[1], -lowest + 0.002 * math.sin(math.pi * s))
        return ankle, yaw, pitch, Contact.SWING

    def _pivot(self, flat_ankle: np.ndarray, side: int, yaw: float, pitch: float, about: str) -> np.ndarray:
        """Ankle of a foot rolled by `pitch` about its `about` point, which stays where it is
        when the foot is flat."""
        point = self._feet[side][about]
        fixed = flat_ankle + rot_y(yaw) @ point
        return fixed - rot_y(yaw) @ rot_x(-pitch) @ point

    # --- pelvis ---------------------------------------------------------------------------

    def _pelvis_pose(self, t: float) -> tuple[np.ndarray, float, float, float]:
        """Local pelvis xz (y = 0), yaw, pitch, roll."""
        st = self.style
        phase = 2 * math.pi * (t / st.stride_period - MID_STANCE)
        x = st.sway * math.cos(phase)
        z = self._z0 + self.speed * t
        yaw = -st.yaw * math.cos(2 * math.pi * t / st.stride_period)
        roll = st.roll * math.cos(phase - 0.4)
        return np.array([x, 0.0, z]), yaw, 0.05, roll

    def _pelvis_heights(self) -> np.ndarray:
        st = self.style
        limit = np.empty(_GRID)
        for i in range(_GRID):
            t = i / _GRID * st.stride_period
            xz, yaw, pitch, roll = self._pelvis_pose(t)
            ankles = [self._foot_local(side, t)[0] for side in (1, -1)]
            rot = pelvis_rotation(yaw, pitch, roll)
            limit[i] = max_pelvis_height((float(xz[0]), float(xz[2])), rot, ankles, self.p, st.min_knee)
        r = _GRID // 10
        eroded = np.min([np.roll(limit, k) for k in range(-r, r + 1)], axis=0)
        kernel = np.exp(-0.5 * (np.arange(-r, r + 1) / (r / 2.5)) ** 2)
        kernel /= kernel.sum()
        return np.sum([w * np.roll(eroded, k) for k, w in zip(range(-r, r + 1), kernel, strict=True)], axis=0)

    def pelvis_height(self, t: float) -> float:
        u = (t / self.style.stride_period) % 1.0 * _GRID
        i = int(u)
        return float(lerp(self._height[i % _GRID], self._height[(i + 1) % _GRID], u - i))

    # --- the posture ------------------------------------------------------------------------

    def anchor(self, t: float) -> np.ndarray:
        """World ground point moving at the mean walking speed (what a tracking camera follows)."""
        return self.start + self.turn @ np.array([0.0, 0.0, self._z0 + self.speed * t])

    def posture(self, t: float, head_turn: float = 0.0) -> Posture:
        st = self.style
        xz, yaw, pitch, roll = self._pelvis_pose(t)
        pelvis = self.start + self.turn @ (xz + np.array([0.0, self.pelvis_height(t), 0.0]))
        feet = []
        for side in (1, -1):
            ankle, fyaw, fpitch, contact = self._foot_local(side, t)
            feet.append(Foot(self.start + self.turn @ ankle, self.heading + fyaw, fpitch, contact))
        c = math.cos(2 * math.pi * t / st.stride_period)
        arms = []
        for side in (1, -1):
            swing = -side * c  # the left arm forward with the right leg
            arms.append(Arm(flex=0.05 + st.arm_swing * swing, abd=0.12, twist=0.1,
                            elbow=0.3 + 0.2 * max(swing, 0.0) + 0.05 * (1 - abs(swing)), pron=0.45,
                            wrist_flex=0.15))
        twist = -1.6 * yaw
        return Posture(pelvis=pelvis, left_foot=feet[0], right_foot=feet[1], yaw=self.heading + yaw,
                       pitch=pitch, roll=roll, spine=(0.02, -0.6 * roll, twist),
                       head=(0.03, head_turn - (yaw + twist), -0.3 * roll), breath=0.5,
                       left_arm=arms[0], right_arm=arms[1])
