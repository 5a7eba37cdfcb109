"""The mannequin's shapes: ellipsoids and round cones attached to the skeleton's segment
frames (`skeleton.BodyPose`), in camera space, each with its part label, garment and colour.

The tee is three elliptic tubes (hem -> waist -> chest -> shoulders, cut flat at the hem),
two trapezius cones, deltoid caps and sleeves; the trousers are the pelvis and the leg
cones; shoes are two ellipsoids (upper and sole). Limb radii are an adult's, scaled with
stature and a little wider for a male body; a female chest is deeper at the bust line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from catwalk.studio.body import BodyShape, Proportions
from catwalk.studio.camera import Camera
from catwalk.studio.choreography import Stool
from catwalk.studio.geometry import rot_z
from catwalk.studio.head import head_pieces, painter
from catwalk.studio.look import Look
from catwalk.studio.raster import CONE, ELLIPSOID, Paint, Shape, Surface
from catwalk.studio.skeleton import BodyPose, head_centre
from catwalk.studio.skeleton import Segment as S
from catwalk.vision.labels import Part

UPPER, LOWER = 1, 2  # garment codes in the canvas's garment map


@dataclass(frozen=True)
class Material:
    label: int
    garment: int
    albedo: np.ndarray
    shine: float = 0.0
    paint: Paint | None = None


class _Rig:
    """Builds camera-space shapes from segment-local geometry for one pose."""

    def __init__(self, pose: BodyPose, camera: Camera) -> None:
        self.pose = pose
        self.basis = camera.basis()
        self.eye = np.asarray(camera.position, float)
        self.shapes: list[Shape] = []

    def cam(self, world: np.ndarray) -> np.ndarray:
        return self.basis @ (np.asarray(world, float) - self.eye)

    def at(self, seg: S, local: tuple[float, ...]) -> np.ndarray:
        return self.cam(self.pose.to_world(seg, np.asarray(local, float)))

    def axis(self, seg: S, i: int) -> np.ndarray:
        """Camera-space direction of a segment's local axis i."""
        return self.basis @ self.pose.rotations[seg][:, i]

    def ellipsoid(self, seg: S | None, centre: tuple[float, ...] | np.ndarray, semi: tuple[float, ...], mat: Material,
                  rot: np.ndarray | None = None) -> None:
        """An ellipsoid in a segment's frame (or in the world when `seg` is None)."""
        local_axes = (np.eye(3) if rot is None else rot) * np.asarray(semi, float)[None, :]
        if seg is None:
            c, axes = self.cam(np.asarray(centre, float)), self.basis @ local_axes
        else:
            c, axes = self.at(seg, tuple(centre)), self.basis @ self.pose.rotations[seg] @ local_axes
        self.shapes.append(Shape(ELLIPSOID, mat.label, mat.garment, mat.albedo, c, axes=axes, shine=mat.shine,
                                 paint=mat.paint))

    def cone(self, a: np.ndarray, b: np.ndarray, ra: float, rb: float, mat: Material, *, cut_start: bool = False,
             cut_end: bool = False, lateral: np.ndarray | None = None,
             depth_ratio: tuple[float, float] = (1.0, 1.0)) -> None:
        """A round (or, with `lateral`, elliptic) cone between camera-space points."""
        self.shapes.append(Shape(CONE, mat.label, mat.garment, mat.albedo, a, end=b, ra=ra, rb=rb, shine=mat.shine,
                                 paint=mat.paint, cut_start=cut_start, cut_end=cut_end, lateral=lateral,
                                 depth_ratio=depth_ratio))


def body_shapes(pose: BodyPose, camera: Camera, body: BodyShape, look: Look, stool: Stool | None = None) -> list[Shape]:
    """Every shape of the figure (and the stool) in camera space."""
    rig = _Rig(pose, camera)
    p = body.proportions
    female = body.gender == "female"
    _trunk(rig, body, p, look, female)
    _head(rig, p, look, female)
    _arms(rig, p, look, female)
    _legs(rig, p, look, female)
    if stool is not None:
        _stool(rig, stool)
    return rig.shapes


def _trunk(rig: _Rig, body: BodyShape, p: Proportions, look: Look, female: bool) -> None:
    s = p.s
    tee = Material(Part.UPPER_GARMENT, UPPER, look.rgb("top"))
    trousers = Material(Part.LOWER_GARMENT, LOWER, look.rgb("bottom"))
    hip_w = body.hip_width / 2
    depth = (0.112 if female else 0.104) * s
    rig.ellipsoid(S.PELVIS, (0, 0.035 * s, -0.012 * s), (hip_w * 0.97, 0.12 * s, depth), trousers)
    chest_half = 0.93 * p.shoulder_half + 0.012 * s
    hem_r = hip_w * 0.97 + 0.014 * s
    waist_r = max(body.waist_width / 2 + 0.016 * s, 0.47 * (hem_r + chest_half))
    bust = body.bust if female else 0.0
    hip_ratio, waist_ratio, chest_ratio = (depth + 0.014 * s) / hem_r, 0.72, 0.68 + 0.1 * bust
    lat = [rig.axis(x, 0) for x in (S.PELVIS, S.ABDOMEN, S.CHEST)]
    hem = rig.at(S.PELVIS, (0, -0.045 * s, -0.01 * s))
    waist = rig.at(S.ABDOMEN, (0, 0.03 * s, 0.0))
    chest = rig.at(S.CHEST, (0, 0.105 * s, (-0.004 + 0.022 * bust) * s))
    top = rig.at(S.CHEST, (0, 0.16 * s, -0.016 * s))
    rig.cone(hem, waist, hem_r, waist_r, tee, lateral=(lat[0] + lat[1]) / 2, depth_ratio=(hip_ratio, waist_ratio),
             cut_start=True)
    rig.cone(waist, chest, waist_r, chest_half, tee, lateral=(lat[1] + lat[2]) / 2,
             depth_ratio=(waist_ratio, chest_ratio), cut_start=True)
    rig.cone(chest, top, chest_half, 0.9 * p.shoulder_half, tee, lateral=lat[2], depth_ratio=(chest_ratio, 0.46),
             cut_start=True)
    neck_base = rig.at(S.NECK, (0, 0.005, 0.012 * s))
    for seg in (S.LEFT_UPPER_ARM, S.RIGHT_UPPER_ARM):  # the trapezius slopes
        shoulder = rig.cam(rig.pose.origins[seg]) + 0.006 * s * rig.axis(S.CHEST, 1)
        rig.cone(neck_base, shoulder, 0.05 * s, _deltoid(p, female) * 0.92, tee)


def _deltoid(p: Proportions, female: bool) -> float:
    return (0.05 if female else 0.058) * p.s


def _head(rig: _Rig, p: Proportions, look: Look, female: bool) -> None:
    s = p.s
    skin = look.rgb("skin")
    neck_r = (0.05 if female else 0.06) * s
    rig.cone(rig.at(S.NECK, (0, -0.03 * s, 0.012 * s)), rig.at(S.HEAD, (0, 0.035 * s, 0.0)), neck_r, neck_r * 0.95,
             Material(Part.NECK, 0, skin), cut_start=True)
    hc, hs = head_centre(p), p.head
    for centre, semi, rot, label, material in head_pieces(look):
        hair = label == Part.HAIR
        mat = Material(label, 0, look.rgb("hair") if hair else skin, 0.3 if hair else 0.08,
                       painter(material, look, female, centre, semi))
        rig.ellipsoid(S.HEAD, hc + np.asarray(centre) * hs, tuple(v * hs for v in semi), mat, rot=rot)


_ARMS = ((1, (S.LEFT_UPPER_ARM, S.LEFT_FOREARM, S.LEFT_HAND), (Part.LEFT_UPPER_ARM, Part.LEFT_FOREARM, Part.LEFT_HAND)),
         (-1, (S.RIGHT_UPPER_ARM, S.RIGHT_FOREARM, S.RIGHT_HAND),
          (Part.RIGHT_UPPER_ARM, Part.RIGHT_FOREARM, Part.RIGHT_HAND)))


def _arms(rig: _Rig, p: Proportions, look: Look, female: bool) -> None:
    """Deltoid caps and sleeves (the tee), bare arms, hands (palm, fingers, thumb)."""
    s = p.s
    skin, top = look.rgb("skin"), look.rgb("top")
    delt = _deltoid(p, female)
    ua_r = (0.044, 0.034) if female else (0.051, 0.04)
    fa_r = (0.034, 0.024) if female else (0.041, 0.029)
    for side, (ua, fa, hd), (upper_arm, forearm, hand) in _ARMS:
        sh, el, wr = (rig.cam(rig.pose.origins[x]) for x in (ua, fa, hd))
        sleeve = Material(upper_arm, UPPER, top)
        rig.ellipsoid(ua, (0, 0, 0), (delt, delt, delt), sleeve)
        rig.cone(sh, el, ua_r[0] * s, ua_r[1] * s, Material(upper_arm, 0, skin))
        cuff = sh + look.sleeve * (el - sh)
        r_cuff = (ua_r[0] + look.sleeve * (ua_r[1] - ua_r[0])) * s * 1.28
        rig.cone(sh, cuff, delt * 0.98, r_cuff, sleeve, cut_end=True)
        rig.cone(el, wr, fa_r[0] * s, fa_r[1] * s, Material(forearm, 0, skin))
        palm = Material(hand, 0, skin)
        rig.ellipsoid(hd, (0, -0.048 * s, 0.0), (0.014 * s, 0.05 * s, 0.04 * s), palm)
        fingers = Material(hand, 0, skin, paint=_finger_paint(skin))
        rig.ellipsoid(hd, (-side * 0.005 * s, -0.118 * s, -0.002 * s), (0.0105 * s, 0.043 * s, 0.036 * s), fingers,
                      rot=rot_z(-side * 0.15))
        rig.cone(rig.at(hd, (-side * 0.006 * s, -0.02 * s, 0.03 * s)),
                 rig.at(hd, (-side * 0.016 * s, -0.066 * s, 0.05 * s)), 0.0115 * s, 0.0095 * s, palm)


def _finger_paint(skin: np.ndarray) -> Paint:
    """Three grooves between the four fingers, from the knuckles to the tips."""
    groove = (skin * 0.72).astype(np.float32)

    def paint(surf: Surface) -> tuple[np.ndarray | None, np.ndarray | None]:
        _, qy, qz = surf.local
        lines = (np.abs(np.abs(qz) - np.float32(0.5)) < 0.07) | (np.abs(qz) < 0.05)
        col = np.empty((*qz.shape, 3), np.float32)
        col[:] = skin
        col[lines & (qy < 0.75)] = groove
        return col, None

    return paint


_LEGS = ((S.LEFT_THIGH, S.LEFT_SHIN, S.LEFT_FOOT, Part.LEFT_LEG, Part.LEFT_FOOT),
         (S.RIGHT_THIGH, S.RIGHT_SHIN, S.RIGHT_FOOT, Part.RIGHT_LEG, Part.RIGHT_FOOT))


def _legs(rig: _Rig, p: Proportions, look: Look, female: bool) -> None:
    """Trousers (to the ankle, or cropped with a bare shin) and shoes."""
    s = p.s
    trousers = Material(Part.LOWER_GARMENT, LOWER, look.rgb("bottom"))
    shoes = look.rgb("shoes")
    sole = np.clip(shoes * 0.45 + 0.03, 0, 1) if shoes.mean() > 0.5 else np.clip(shoes + 0.12, 0, 1)
    th_r = (0.078, 0.058) if female else (0.076, 0.06)
    for th, sh, ft, leg, foot in _LEGS:
        hip, knee, ankle = (rig.pose.origins[x] for x in (th, sh, ft))
        top_of_thigh = hip + 0.08 * (knee - hip)  # higher up, the pelvis gives the trousers their shape
        rig.cone(rig.cam(top_of_thigh), rig.cam(knee), th_r[0] * s, th_r[1] * s, trousers, cut_start=True)
        if look.trousers == "full":
            hem = ankle + 0.012 * s * rig.pose.rotations[sh][:, 1]
            rig.cone(rig.cam(knee), rig.cam(hem), th_r[1] * s, 0.052 * s, trousers, cut_end=True)
        else:
            hem = knee + 0.68 * (ankle - knee)
            rig.cone(rig.cam(knee), rig.cam(hem), th_r[1] * s, 0.054 * s, trousers, cut_end=True)
            rig.cone(rig.cam(knee + 0.5 * (ankle - knee)), rig.cam(ankle), 0.046 * s, 0.031 * s,
                     Material(leg, 0, look.rgb("skin")))
        ah = p.ankle_height
        rig.ellipsoid(ft, (0, -ah + 0.042 * s, 0.058 * s), (0.046 * s, 0.042 * s, 0.13 * s),
                      Material(foot, 0, shoes, 0.2))
        rig.ellipsoid(ft, (0, -ah + 0.011 * s, 0.06 * s), (0.047 * s, 0.012 * s, 0.134 * s), Material(foot, 0, sole))


def _stool(rig: _Rig, stool: Stool) -> None:
    """A round wooden seat on three splayed legs; background (label 0), not the person."""
    wood = np.array([0.36, 0.25, 0.17], np.float32)
    c = np.asarray(stool.centre, float)
    rig.ellipsoid(None, c - np.array([0, 0.022, 0]), (stool.radius, 0.022, stool.radius), Material(0, 0, wood, 0.2))
    legs = Material(0, 0, wood * 0.8)
    for k in range(3):
        a = 2 * np.pi * k / 3 + 0.5
        out = np.array([np.cos(a), 0, np.sin(a)]) * stool.radius
        top, floor = c + 0.6 * out - np.array([0, 0.03, 0]), c * np.array([1, 0, 1]) + 0.95 * out
        rig.cone(rig.cam(top), rig.cam(floor + np.array([0, 0.01, 0])), 0.016, 0.013, legs)
