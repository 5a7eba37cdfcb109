"""Importing a template video: an object in the library bucket becomes a ready template.

The clip is decoded, analysed by Triton's `person_analysis` (pose and parse tracks, in
chunks), measured (visual descriptor, suggested tags), re-encoded as H.264 and stored with
its tracks, a reference frame and a thumbnail. The row is claimed first (status
`importing`, unique source key), so concurrent imports of one object make one template:
the others wait for it and return it. Any failure removes the row and every object this
import uploaded; the source object is never touched.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import av
import numpy as np
import tritonclient.grpc as grpcclient
from minio import Minio
from minio.error import S3Error
from tritonclient.utils import InferenceServerException

from catwalk.library.assets import TemplateFiles, remove_assets, upload_assets
from catwalk.library.db import session
from catwalk.library.schema import ASSET_BUCKET
from catwalk.library.tags import Tags, check_tags, load_dictionary
from catwalk.library.templates import (
    TemplateExists,
    TemplateRecord,
    add_template,
    delete_template,
    get_template_by_source,
    update_template,
)
from catwalk.media.video import write_mp4
from catwalk.models.client import infer
from catwalk.vision.descriptor import visual_descriptor

Report = Callable[[str], None]

MAX_OBJECT_BYTES = 1 << 30
MAX_SECONDS = 30.0  # templates are short segments; tracks of a 1080p clip this long take ~1.5 GB
MIN_SIDE, MAX_SIDE = 64, 1920
MIN_FRAMES = 8
MIN_PERSON_SHARE = 0.8  # frames with a person found, for a clip to be a usable template
ANALYSIS_CHUNK = 8  # frames per person_analysis request
DESCRIPTOR_SAMPLES = 4
WAIT_FOR_OTHER_S = 900.0  # how long a concurrent import of the same object is waited for
BODY = [11, 12, 23, 24]  # shoulders and hips: a person is there when these are seen
ANKLES, HIPS = [27, 28], [23, 24]


class ImportFailed(Exception):
    """The object cannot become a template; `field` is the request field at fault."""

    def __init__(self, field: str, message: str, retryable: bool = False) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message, self.retryable = field, message, retryable


def import_template(dsn: str, s3: Minio, triton_url: str, source_key: str, name: str, tags: Tags | None = None, *,
                    bucket: str = ASSET_BUCKET, report: Report = lambda _: None,
                    deadline_s: float | None = None) -> TemplateRecord:
    """Import `source_key` (in `bucket`) as template `name`; `tags` override the suggested
    ones. The existing template when this object was imported before (idempotent).
    ImportFailed names the field at fault; InvalidTags the bad tags; TemplateExists a
    name taken by another object."""
    given = dict(tags or {})
    with session(dsn) as s:
        given = check_tags(load_dictionary(s), given, "template")
        existing = get_template_by_source(s, source_key)
    if existing is not None:
        return _settled(dsn, source_key, existing)
    size = _object_size(s3, bucket, source_key)
    template_id = str(uuid.uuid4())
    try:
        with session(dsn) as s:
            add_template(s, TemplateRecord(id=template_id, name=name, status="importing", tags=given, assets={},
                                           descriptor=None, duration_s=0.0, fps=0.0, width=0, height=0,
                                           source_key=source_key))
    except TemplateExists as exc:
        if exc.field == "source_key":
            with session(dsn) as s:
                other = get_template_by_source(s, source_key)
            if other is not None:
                return _settled(dsn, source_key, other)
        raise
    keys: dict[str, str] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="catwalk-import-") as tmp:
            source = Path(tmp) / "source"
            report(f"downloading {source_key} ({size / 1e6:.1f} MB)")
            s3.fget_object(bucket, source_key, str(source))
            fps, w, h = _probe(source)
            report(f"analysing {w}x{h} at {fps:g} fps with person_analysis")
            clip = _Analysis(triton_url, fps, deadline_s)
            video = Path(tmp) / "video.mp4"
            frames = write_mp4(clip.frames(_decode(source, fps)), video, fps)  # frames stream through
            if frames < MIN_FRAMES:
                raise ImportFailed("source_key", f"{frames} frames; a template needs at least {MIN_FRAMES}")
            keypoints = np.concatenate(clip.keypoints)
            seen = (keypoints[:, BODY, 3] >= 0.5).all(axis=1)
            if seen.mean() < MIN_PERSON_SHARE:
                raise ImportFailed("source_key", f"a person is found in {seen.mean():.0%} of the frames; a template "
                                                 f"needs one in at least {MIN_PERSON_SHARE:.0%}")
            suggested = suggest_tags(keypoints, w, h, fps)
            descriptor = visual_descriptor(clip.samples, clip.sample_masks).tolist()
            assert clip.reference is not None
            files = TemplateFiles.of(video, keypoints, np.concatenate(clip.parse), clip.reference)
        report("storing the template")
        keys = upload_assets(s3, template_id, files, bucket)
        with session(dsn) as s:
            record = update_template(s, template_id, status="ready", tags={**suggested, **given}, assets=keys,
                                     descriptor=descriptor, duration_s=frames / fps, fps=fps, width=w, height=h)
        assert record is not None
        record.extra["suggested_tags"] = suggested
        return record
    except BaseException:
        remove_assets(s3, keys.values(), bucket)
        with session(dsn) as s:
            delete_template(s, template_id)
        raise


def _settled(dsn: str, source_key: str, record: TemplateRecord) -> TemplateRecord:
    """`record` once its import has finished (another caller may be importing it now)."""
    waited = 0.0
    while record.status == "importing":
        if waited > WAIT_FOR_OTHER_S:
            raise ImportFailed("source_key", "another import of this object is still running", retryable=True)
        time.sleep(0.5)
        waited += 0.5
        with session(dsn) as s:
            found = get_template_by_source(s, source_key)
        if found is None:
            raise ImportFailed("source_key", "a concurrent import of this object failed; try again", retryable=True)
        record = found
    return record


def _object_size(s3: Minio, bucket: str, key: str) -> int:
    try:
        size = s3.stat_object(bucket, key).size or 0
    except S3Error as exc:
        if exc.code in ("NoSuchKey", "NoSuchObject", "NotFound"):
            raise ImportFailed("source_key", f"no object {key!r} in bucket {bucket!r}") from None
        raise
    if size == 0:
        raise ImportFailed("source_key", f"{key!r} is empty")
    if size > MAX_OBJECT_BYTES:
        raise ImportFailed("source_key", f"{key!r} is {size / 1e9:.1f} GB; the limit is {MAX_OBJECT_BYTES / 1e9:g} GB")
    return size


def _probe(path: Path) -> tuple[float, int, int]:
    """Frame rate, width and height; ImportFailed when it is not a usable video."""
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise ImportFailed("source_key", "the object has no video stream")
            stream = container.streams.video[0]
            fps, w, h = float(stream.average_rate or 0), stream.width, stream.height
    except av.error.FFmpegError as exc:
        raise ImportFailed("source_key", f"not a video that can be read: {exc}") from None
    if not 1 <= fps <= 120:
        raise ImportFailed("source_key", f"frame rate {fps:g} is not a video's")
    if min(w, h) < MIN_SIDE or max(w, h) > MAX_SIDE:
        raise ImportFailed("source_key", f"frame size {w}x{h} is outside {MIN_SIDE}..{MAX_SIDE} pixels a side")
    return fps, w, h


def _decode(path: Path, fps: float) -> Iterator[np.ndarray]:
    """The frames (RGB), one at a time; ImportFailed for a broken stream or a long clip."""
    try:
        with av.open(str(path)) as container:
            for n, frame in enumerate(container.decode(video=0), 1):
                if n > MAX_SECONDS * fps:
                    raise ImportFailed("source_key", f"the clip is longer than {MAX_SECONDS:g} s")
                yield frame.to_ndarray(format="rgb24")
    except av.error.FFmpegError as exc:
        raise ImportFailed("source_key", f"the video stream is broken: {exc}") from None


class _Analysis:
    """Frames pass through in chunks: each chunk goes to Triton's person_analysis and on to
    the encoder, so the clip is never held whole; tracks, samples and the reference stay."""

    def __init__(self, triton_url: str, fps: float, deadline_s: float | None) -> None:
        self.url, self.deadline = triton_url, None if deadline_s is None else time.monotonic() + deadline_s
        self.every = max(1, round(fps))  # a descriptor sample per second
        self.keypoints: list[np.ndarray] = []
        self.parse: list[np.ndarray] = []
        self.samples: list[np.ndarray] = []
        self.sample_masks: list[np.ndarray] = []
        self.reference: np.ndarray | None = None
        self._best = -1.0

    def frames(self, frames: Iterator[np.ndarray]) -> Iterator[np.ndarray]:
        with grpcclient.InferenceServerClient(self.url) as client:
            chunk: list[np.ndarray] = []
            for frame in frames:
                if chunk and frame.shape != chunk[0].shape:
                    raise ImportFailed("source_key", "the frame size changes within the clip")
                chunk.append(frame)
                if len(chunk) == ANALYSIS_CHUNK:
                    yield from self._analyse(client, chunk)
                    chunk = []
            if chunk:
                yield from self._analyse(client, chunk)

    def _analyse(self, client: grpcclient.InferenceServerClient, chunk: list[np.ndarray]) -> list[np.ndarray]:
        left = None if self.deadline is None else self.deadline - time.monotonic()
        if left is not None and left <= 0:
            raise ImportFailed("source_key", "the clip could not be analysed before the deadline", retryable=True)
        try:
            out = infer(client, "person_analysis", {"IMAGES": np.stack(chunk)}, timeout_s=left)
        except InferenceServerException as exc:
            raise ImportFailed("source_key", f"person_analysis failed: {exc.message()}", retryable=True) from None
        start = sum(len(k) for k in self.keypoints)
        self.keypoints.append(out["KEYPOINTS"])
        self.parse.append(out["PARSE"])
        for i, frame in enumerate(chunk):
            if (start + i) % self.every == 0 and len(self.samples) < 2 * DESCRIPTOR_SAMPLES:
                self.samples.append(frame)
                self.sample_masks.append(out["MASK"][i])
            score = float(out["KEYPOINTS"][i, BODY, 3].sum())
            if score > self._best:
                self._best, self.reference = score, frame
        return chunk


def suggest_tags(keypoints: np.ndarray, width: int, height: int, fps: float) -> Tags:
    """What the pose track says about a clip: shot type, tempo and orientation. The operator's
    tags win over these; scene, lighting and model tags are left to them."""
    visible = keypoints[..., 3] >= 0.5
    ankles = visible[:, ANKLES].all(axis=1).mean()
    hips = visible[:, HIPS].all(axis=1).mean()
    shoulders = np.linalg.norm(keypoints[:, 11, :2] - keypoints[:, 12, :2], axis=1)
    centre = keypoints[:, HIPS, :2].mean(axis=1)
    travel = np.ptp(centre[:, 0]) / width
    scale_change = np.ptp(shoulders) / max(float(np.median(shoulders)), 1.0)
    if hips < 0.5:
        shot = "detail_closeup"
    elif np.percentile(shoulders, 10) < 0.35 * np.percentile(shoulders, 90):
        shot = "turn"  # the shoulders narrow to a line: the body turned side-on
    elif ankles >= 0.6 and (travel > 0.25 or scale_change > 0.25):
        shot = "runway_walk"
    else:
        shot = "full_body"
    body = max(float(np.median(shoulders)), 1.0)
    speed = np.linalg.norm(np.diff(keypoints[:, :25, :2], axis=0), axis=2).mean() * fps / body  # shoulder widths/s
    tempo = "slow" if speed < 0.5 else "medium" if speed < 1.5 else "fast"
    ratio = width / height
    orientation = "portrait" if ratio < 0.9 else "landscape" if ratio > 1.1 else "square"
    return {"shot_type": shot, "tempo": tempo, "orientation": orientation}
