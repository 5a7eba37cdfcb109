"""Label sets and landmark layouts shared by the models, the studio and the services.

These are part of the tensor contracts in `model_repository/README.md`: change them only
together with that file and a new model version.
"""

from __future__ import annotations

from enum import IntEnum


class Part(IntEnum):
    """Human parsing labels (`human_parser` PARSE output, studio truth maps).

    Left/right are the person's own sides (MediaPipe convention): in a front view the
    person's left arm appears on the image's right.
    """

    BACKGROUND = 0
    FACE = 1
    HAIR = 2
    NECK = 3
    UPPER_GARMENT = 4  # torso region, clothed or not
    LEFT_UPPER_ARM = 5
    RIGHT_UPPER_ARM = 6
    LEFT_FOREARM = 7
    RIGHT_FOREARM = 8
    LEFT_HAND = 9
    RIGHT_HAND = 10
    LOWER_GARMENT = 11  # pelvis and whatever of the legs the lower garment covers
    LEFT_LEG = 12  # leg not covered by the lower garment
    RIGHT_LEG = 13
    LEFT_FOOT = 14
    RIGHT_FOOT = 15


class PoseKeypoint(IntEnum):
    """MediaPipe Pose's 33 landmarks (`pose_estimator` KEYPOINTS rows)."""

    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


NUM_KEYPOINTS = len(PoseKeypoint)


class Silhouette(IntEnum):
    """Garment silhouette classes (`garment_segmenter` SILHOUETTE output)."""

    TOP = 0
    OUTERWEAR = 1
    DRESS = 2
    TROUSERS = 3
    SKIRT = 4


class GarmentLandmark(IntEnum):
    """Garment landmark rows (`garment_segmenter` LANDMARKS output, [14, 3]: x, y, visible).

    Sides are the wearer's: on a front-facing flat lay the garment's left is the image's
    right. Rows that a silhouette does not have (sleeves of trousers, a crotch of a top)
    come back with visible = 0 and x = y = 0.
    """

    NECK_LEFT = 0
    NECK_RIGHT = 1
    SHOULDER_LEFT = 2
    SHOULDER_RIGHT = 3
    SLEEVE_LEFT = 4  # centre of the left cuff / sleeve opening
    SLEEVE_RIGHT = 5
    ARMPIT_LEFT = 6
    ARMPIT_RIGHT = 7
    HEM_LEFT = 8  # outer bottom corner (for trousers: outer corner of the leg opening)
    HEM_RIGHT = 9
    WAIST_LEFT = 10  # waistband corners (trousers, skirts)
    WAIST_RIGHT = 11
    CROTCH = 12  # trousers only
    HEM_CENTER = 13  # centre of the bottom edge (tops, dresses, skirts)


NUM_GARMENT_LANDMARKS = len(GarmentLandmark)
