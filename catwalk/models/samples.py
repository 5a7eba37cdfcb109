"""Realistic inputs for benchmarks and the demo, made from the sample photo and from the
stack's own models (a human_parser benchmark gets the pose and mask of the frame)."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import tritonclient.grpc as grpcclient

from catwalk.models.client import ClientError, infer

STUDIO_GREY = (200, 200, 204)


def sample_photo() -> np.ndarray:
    """A real person photo that ships in a wheel: scikit-image's astronaut (512x512 RGB)."""
    from skimage import data

    return np.asarray(data.astronaut(), np.uint8)


def sample_frame(width: int = 720, height: int = 1280) -> np.ndarray:
    """The sample photo scaled to the frame's width on a studio-grey frame of that size."""
    frame = np.empty((height, width, 3), np.uint8)
    frame[:] = STUDIO_GREY
    photo = sample_photo()
    side = min(width, height)
    photo = cv2.resize(photo, (side, side), interpolation=cv2.INTER_AREA)
    y0, x0 = (height - side) // 2, (width - side) // 2
    frame[y0:y0 + side, x0:x0 + side] = photo
    return frame


def _images(client, frames):
    return frames


def _keypoints(client, frames):
    return infer(client, "pose_estimator", {"IMAGES": frames})["KEYPOINTS"]


def _mask(client, frames):
    return infer(client, "person_segmenter", {"IMAGES": frames})["MASK"]


def _faces(client, frames):
    return infer(client, "face_analyzer", {"IMAGES": frames})["ALIGNED_FACE"]


# Input name -> how to make it for a batch of frames.
_MAKERS: dict[str, Callable[[grpcclient.InferenceServerClient, np.ndarray], np.ndarray]] = {
    "IMAGES": _images,
    "KEYPOINTS": _keypoints,
    "MASK": _mask,
    "FACES": _faces,
}


def sample_clip(client, names: list[str], width: int, height: int, frames: int) -> dict[str, np.ndarray]:
    """Inputs of a video model: a studio clip chunk with its stored tracks (the truth the
    renderer drew, as a template keeps them) and a studio product photo of a t-shirt."""
    from catwalk.studio.garments import GarmentKind, draw_product, random_spec
    from catwalk.studio.mannequin import render_clip

    clip = list(render_clip("walk", frames / 25, 25, width=width, height=height, seed=1))
    photo = draw_product(random_spec(3, GarmentKind.TSHIRT), 3, size=800)
    available = {
        "FRAMES": np.stack([f.image for f in clip])[None],
        "PARSE": np.stack([f.parts for f in clip])[None],
        "KEYPOINTS": np.stack([f.keypoints for f in clip])[None],
        "GARMENT_PHOTO": photo.image[None],
    }
    missing = [n for n in names if n not in available]
    if missing:
        raise ClientError(f"no sample for input(s) {missing}: pass --input NAME=FILE")
    return {n: available[n] for n in names}


def sample_inputs(
    client: grpcclient.InferenceServerClient,
    names: list[str],
    width: int,
    height: int,
    batch: int,
) -> dict[str, np.ndarray]:
    """Inputs `names` for a batch of `batch` sample frames of width x height."""
    frames = np.repeat(sample_frame(width, height)[None], batch, axis=0)
    inputs = {}
    for name in names:
        maker = _MAKERS.get(name)
        if maker is None:
            raise ClientError(f"no sample for input {name}: pass --input {name}=FILE")
        inputs[name] = maker(client, frames)
    return inputs
