"""A template's files in S3 (bucket `catwalk-library`, under `templates/<id>/`) and how a
template is stored: every object is uploaded before the row says `ready`, and a failure
removes what was uploaded, so there is never a row without its files or a file without
its row."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import cv2
import numpy as np
from minio import Minio
from minio.deleteobjects import DeleteObject

from catwalk.library.schema import ASSET_BUCKET
from catwalk.library.tracks import encode_parse_track, encode_pose_track

# asset kind -> (file name, content type)
ASSET_FILES = {
    "video": ("video.mp4", "video/mp4"),
    "pose_track": ("pose.npy", "application/x-npy"),
    "parse_track": ("parse.npz", "application/x-npz"),
    "reference_frame": ("reference.png", "image/png"),
    "thumbnail": ("thumbnail.jpg", "image/jpeg"),
}
THUMBNAIL_HEIGHT = 320


@dataclass
class TemplateFiles:
    """The bytes of a template's assets, by kind (see ASSET_FILES)."""

    blobs: dict[str, bytes]

    @classmethod
    def of(cls, video: Path, keypoints: np.ndarray, parse: np.ndarray, reference: np.ndarray) -> TemplateFiles:
        """Every asset from an encoded clip, its pose and parse tracks and a reference frame."""
        return cls({
            "video": video.read_bytes(),
            "pose_track": encode_pose_track(keypoints),
            "parse_track": encode_parse_track(parse),
            "reference_frame": png(reference),
            "thumbnail": thumbnail_jpeg(reference),
        })


def asset_key(template_id: str, kind: str) -> str:
    return f"templates/{template_id}/{ASSET_FILES[kind][0]}"


def png(image: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".png", cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    if not ok:
        raise ValueError("could not encode a PNG")
    return data.tobytes()


def thumbnail_jpeg(image: np.ndarray, height: int = THUMBNAIL_HEIGHT) -> bytes:
    h, w = image.shape[:2]
    small = cv2.resize(image, (max(1, round(w * height / h)), height), interpolation=cv2.INTER_AREA)
    ok, data = cv2.imencode(".jpg", cv2.cvtColor(small, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 85])
    if not ok:
        raise ValueError("could not encode a JPEG")
    return data.tobytes()


def upload_assets(s3: Minio, template_id: str, files: TemplateFiles, bucket: str = ASSET_BUCKET) -> dict[str, str]:
    """Upload every asset; {kind: key}. On any failure the ones already uploaded are removed."""
    keys: dict[str, str] = {}
    try:
        for kind, data in files.blobs.items():
            key = asset_key(template_id, kind)
            s3.put_object(bucket, key, BytesIO(data), len(data), content_type=ASSET_FILES[kind][1])
            keys[kind] = key
    except BaseException:
        remove_assets(s3, keys.values(), bucket)
        raise
    return keys


def remove_assets(s3: Minio, keys: Iterable[str], bucket: str = ASSET_BUCKET) -> list[str]:
    """Delete objects; the keys that could not be deleted (logged by the caller)."""
    objects = [DeleteObject(k) for k in keys]
    if not objects:
        return []
    return [error.name for error in s3.remove_objects(bucket, objects) if error.name]
