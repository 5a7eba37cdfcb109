"""ImportTemplate's work over the real stack: an object in the library bucket becomes a
ready template analysed by Triton, or fails cleanly leaving no row and no object."""

from __future__ import annotations

import io
import uuid
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np
import pytest

from catwalk.library import InvalidTags, get_template, get_template_by_source
from catwalk.library.db import session
from catwalk.library.importer import ImportFailed, import_template
from catwalk.library.schema import ASSET_BUCKET
from catwalk.library.tracks import decode_parse_track, decode_pose_track
from catwalk.media.video import probe, write_mp4
from catwalk.stack.s3 import s3_client
from catwalk.studio.mannequin import render_clip

FRAMES = 12


@pytest.fixture(scope="module")
def s3(stack):
    s = stack.settings
    return s3_client(stack.record["components"]["s3"]["endpoint"], s.s3_access_key, s.s3_secret_key)


@pytest.fixture(scope="module")
def clip_bytes(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("clip") / "idle.mp4"
    write_mp4((f.image for f in render_clip("idle", FRAMES / 15, 15, width=360, height=640, seed=3)), path, 15)
    return path.read_bytes()


def put(s3, data: bytes, suffix: str = ".mp4") -> str:
    key = f"uploads/{uuid.uuid4().hex}{suffix}"
    s3.put_object(ASSET_BUCKET, key, io.BytesIO(data), len(data))
    return key


def template_objects(s3) -> set[str]:
    return {o.object_name for o in s3.list_objects(ASSET_BUCKET, prefix="templates/", recursive=True)}


def test_a_studio_clip_becomes_a_ready_template_with_its_tracks(stack, dsn, s3, clip_bytes, tmp_path):
    key = put(s3, clip_bytes)
    record = import_template(dsn, s3, stack.triton_url, key, "imported-idle", {"scene": "studio", "lighting": "soft"})
    assert record.status == "ready" and record.source_key == key
    assert (record.width, record.height, record.fps) == (360, 640, 15)
    assert record.duration_s == pytest.approx(FRAMES / 15)
    assert record.tags["scene"] == "studio" and record.tags["orientation"] == "portrait"
    assert record.tags["shot_type"] == "full_body"  # a standing model, feet in frame
    assert record.descriptor is not None and np.linalg.norm(record.descriptor) == pytest.approx(1, abs=1e-3)
    assert set(record.assets) == {"video", "pose_track", "parse_track", "reference_frame", "thumbnail"}
    pose = decode_pose_track(s3.get_object(ASSET_BUCKET, record.assets["pose_track"]).read())
    parse = decode_parse_track(s3.get_object(ASSET_BUCKET, record.assets["parse_track"]).read())
    assert pose.shape == (FRAMES, 33, 4) and parse.shape == (FRAMES, 640, 360)
    assert (pose[:, [11, 12, 23, 24], 3] >= 0.5).all(), "the model is found in every frame"
    video = tmp_path / "video.mp4"
    video.write_bytes(s3.get_object(ASSET_BUCKET, record.assets["video"]).read())
    assert probe(video)["frames"] == FRAMES
    thumb = cv2.imdecode(np.frombuffer(s3.get_object(ASSET_BUCKET, record.assets["thumbnail"]).read(), np.uint8),
                         cv2.IMREAD_COLOR)
    assert thumb.shape[0] == 320


def test_importing_the_same_object_again_or_at_once_gives_one_template(stack, dsn, s3, clip_bytes):
    key = put(s3, clip_bytes)
    with ThreadPoolExecutor(3) as pool:
        records = list(pool.map(lambda n: import_template(dsn, s3, stack.triton_url, key, f"same-{n}"), range(3)))
    assert len({r.id for r in records}) == 1 and all(r.status == "ready" for r in records)
    again = import_template(dsn, s3, stack.triton_url, key, "same-later")
    assert again.id == records[0].id


@pytest.mark.parametrize("what, data, suffix, says", [
    ("random bytes", bytes(np.random.default_rng(0).integers(0, 256, 50_000, dtype=np.uint8)), ".mp4", "not a video"),
    ("a truncated MP4", None, ".mp4", ""),
    ("a PNG image", cv2.imencode(".png", np.zeros((300, 200, 3), np.uint8))[1].tobytes(), ".png", ""),
    ("an empty object", b"", ".mp4", "empty"),
])
def test_a_bad_object_fails_cleanly_leaving_no_row_and_no_object(stack, dsn, s3, clip_bytes, what, data, suffix, says):
    key = put(s3, clip_bytes[: len(clip_bytes) // 3] if data is None else data, suffix)
    before = template_objects(s3)
    with pytest.raises(ImportFailed) as caught:
        import_template(dsn, s3, stack.triton_url, key, f"bad-{uuid.uuid4().hex[:6]}")
    assert caught.value.field == "source_key" and says in caught.value.message, (what, caught.value)
    with session(dsn) as s:
        assert get_template_by_source(s, key) is None
    assert template_objects(s3) == before
    assert s3.stat_object(ASSET_BUCKET, key) is not None, "the source object is left alone"


def test_a_clip_without_a_person_is_refused(stack, dsn, s3, tmp_path):
    path = tmp_path / "empty_room.mp4"
    write_mp4((np.full((640, 360, 3), 120 + i, np.uint8) for i in range(10)), path, 15)
    with pytest.raises(ImportFailed, match="a person is found in 0% of the frames"):
        import_template(dsn, s3, stack.triton_url, put(s3, path.read_bytes()), "no-person")


def test_a_missing_object_is_named(stack, dsn, s3):
    with pytest.raises(ImportFailed, match=r"no object 'uploads/nothing-here\.mp4'"):
        import_template(dsn, s3, stack.triton_url, "uploads/nothing-here.mp4", "missing")


def test_a_failed_import_keeps_no_half_template(stack, dsn, s3, clip_bytes):
    key = put(s3, clip_bytes)
    with pytest.raises(InvalidTags, match=r"tags\.action"):
        import_template(dsn, s3, stack.triton_url, key, "bad-tags", {"action": "moonwalk"})
    with session(dsn) as s:
        assert get_template_by_source(s, key) is None
    record = import_template(dsn, s3, stack.triton_url, key, "good-tags", {"action": "idle"})
    with session(dsn) as s:
        assert get_template(s, record.id) is not None
