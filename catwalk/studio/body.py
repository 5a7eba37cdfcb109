"""Body shape: the few measurements a user picks, and the bone lengths derived from them.

Lengths follow standard anthropometric ratios of stature (Drillis & Contini; Winter,
*Biomechanics and Motor Control of Human Movement*): hip joint at about 0.51 H, knee at
0.285 H, ankle at 0.039 H, shoulder joint at 0.815 H, upper arm 0.186 H, forearm 0.146 H,
hand 0.108 H, foot 0.152 H. Head and neck fill the top 0.17 H above the base of the neck.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

Gender = Literal["female", "male"]
GENDERS: tuple[Gender, ...] = ("female", "male")


@dataclass(frozen=True)
class BodyShape:
    """What a casting sheet says about a model. Widths are straight across the body, metres.

    shoulder_width: biacromial (shoulder tip to shoulder tip); the deltoids add ~7 cm.
    hip_width: widest part of the hips. waist_width: narrowest part of the torso.
    bust: 0 (flat) .. 1 (full), the chest shape of a female body (ignored for male).
    leg_ratio: hip joint height / stature (0.48 .. 0.54).
    """

    gender: Gender = "female"
    height_m: float = 1.74
    shoulder_width: float = 0.37
    hip_width: float = 0.36
    waist_width: float = 0.26
    bust: float = 0.55
    leg_ratio: float = 0.51

    def __post_init__(self) -> None:
        checks = {
            "gender": self.gender in GENDERS,
            "height_m": 1.4 <= self.height_m <= 2.1,
            "shoulder_width": 0.17 <= self.shoulder_width / self.height_m <= 0.29,
            "hip_width": 0.16 <= self.hip_width / self.height_m <= 0.27,
            "waist_width": 0.12 <= self.waist_width / self.height_m <= 0.22
            and self.waist_width < max(self.hip_width, self.shoulder_width),
            "bust": 0.0 <= self.bust <= 1.0,
            "leg_ratio": 0.48 <= self.leg_ratio <= 0.54,
        }
        bad = [name for name, ok in checks.items() if not ok]
        if bad:
            raise ValueError(f"BodyShape out of range: {', '.join(bad)} ({self})")

    @classmethod
    def default(cls, gender: Gender = "female") -> BodyShape:
        if gender == "male":
            return cls("male", 1.84, 0.42, 0.35, 0.31, 0.0, 0.505)
        return cls("female", 1.74, 0.37, 0.36, 0.26, 0.55, 0.51)

    @classmethod
    def random(cls, seed: int, gender: Gender | None = None) -> BodyShape:
        """A plausible model's body; the same seed gives the same body."""
        rng = np.random.default_rng([seed, 0xB0D1])
        if gender is None:
            gender = GENDERS[int(rng.integers(2))]
        base = cls.default(gender)
        height = base.height_m * rng.uniform(0.95, 1.04)

        def jitter(value: float, spread: float) -> float:
            return round(value * height / base.height_m * rng.uniform(1 - spread, 1 + spread), 4)

        return cls(
            gender=gender,
            height_m=round(height, 4),
            shoulder_width=jitter(base.shoulder_width, 0.06),
            hip_width=jitter(base.hip_width, 0.06),
            waist_width=jitter(base.waist_width, 0.07),
            bust=round(float(rng.uniform(0.3, 0.9)), 3) if gender == "female" else 0.0,
            leg_ratio=round(float(base.leg_ratio + rng.uniform(-0.012, 0.012)), 4),
        )

    @property
    def proportions(self) -> Proportions:
        return Proportions.of(self)


@dataclass(frozen=True)
class Proportions:
    """Derived lengths in metres (see the module docstring). `s` scales small features
    (hands, face, feet, limb radii) with stature: 1.0 at 1.70 m."""

    s: float
    hip_height: float  # hip joint centre above the floor, standing straight
    hip_half: float  # hip joint centre, sideways from the pelvis centre
    thigh: float
    shin: float
    ankle_height: float
    heel_back: float  # heel contact point behind the ankle
    toe_forward: float  # toe contact point in front of the ankle
    abdomen_up: float  # pelvis centre -> lumbar joint
    chest_up: float  # lumbar joint -> thoracic joint
    neck_base_up: float  # thoracic joint -> base of the neck (C7)
    shoulder_half: float  # shoulder joint centre, sideways
    shoulder_up: float  # thoracic joint -> shoulder joint height
    upper_arm: float
    forearm: float
    hand: float
    neck: float  # base of the neck -> head pivot (C1)
    head: float  # head-size scale (1.0 = a 23 cm chin-to-crown head)

    @classmethod
    def of(cls, body: BodyShape) -> Proportions:
        h = body.height_m
        s = h / 1.70
        hip_height = body.leg_ratio * h
        ankle = 0.039 * h
        leg = hip_height - ankle
        torso = 0.83 * h - hip_height  # hip joints -> base of the neck
        male = body.gender == "male"
        return cls(
            s=s,
            hip_height=hip_height,
            hip_half=0.265 * body.hip_width,
            thigh=0.478 * leg,
            shin=0.522 * leg,
            ankle_height=ankle,
            heel_back=0.036 * h,
            toe_forward=0.104 * h,
            abdomen_up=0.22 * torso,
            chest_up=0.25 * torso,
            neck_base_up=0.53 * torso,
            shoulder_half=body.shoulder_width / 2 - 0.02 * s,
            shoulder_up=0.53 * torso - 0.018 * h,
            upper_arm=0.186 * h,
            forearm=0.146 * h,
            hand=0.108 * h,
            neck=0.06 * h,
            head=s * (1.02 if male else 0.98),
        )
