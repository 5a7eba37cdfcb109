"""What every step shares: the job's objects in S3 (under `jobs/<job_id>/` in catwalk-jobs),
its checkpoints, progress and cancellation, and how a failed call becomes a FlowFailed."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import urllib3
from minio import Minio
from minio.deleteobjects import DeleteObject
from minio.error import S3Error

from catwalk.jobs.flow_env import JOBS_BUCKET, FlowEnv

Progress = Callable[[str, float, float, str], None]

# The caller's mistake or a missing thing: trying again gives the same answer.
PERMANENT = {"INVALID_ARGUMENT", "NOT_FOUND", "FAILED_PRECONDITION", "OUT_OF_RANGE", "PERMISSION_DENIED",
             "UNAUTHENTICATED", "ALREADY_EXISTS", "RESOURCE_EXHAUSTED", "UNIMPLEMENTED"}


class FlowCancelled(Exception):
    """The job was cancelled; the flow stopped between two steps or two render chunks."""


class FlowFailed(Exception):
    """A step could not be done. `code` is a gRPC status name; `retryable` says whether
    running the job again may succeed (a service down) or not (bad input)."""

    def __init__(self, step: str, code: str, message: str, retryable: bool) -> None:
        super().__init__(f"{step}: {code}: {message}")
        self.step = step
        self.code = code
        self.message = message
        self.retryable = retryable


def failed(step: str, code: str, message: str) -> FlowFailed:
    return FlowFailed(step, code, message, retryable=code not in PERMANENT)


@contextmanager
def calling(step: str, service: str) -> Iterator[None]:
    """A gRPC error of `service` (after the channel's own retries) → FlowFailed with its message."""
    try:
        yield
    except grpc.RpcError as exc:
        code = exc.code() if hasattr(exc, "code") else grpc.StatusCode.UNKNOWN
        details = exc.details() if hasattr(exc, "details") else str(exc)
        raise failed(step, code.name, f"{service}: {details}") from None


@contextmanager
def storage_errors(step: str) -> Iterator[None]:
    """S3 down → FlowFailed UNAVAILABLE (retryable); an object that should be there and is not → FAILED_PRECONDITION."""
    try:
        yield
    except S3Error as exc:
        code = "FAILED_PRECONDITION" if exc.code in ("NoSuchKey", "NoSuchObject", "NoSuchBucket") else "UNAVAILABLE"
        raise failed(step, code, f"S3: {exc.code}: {exc.message} ({exc.bucket_name}/{exc.object_name})") from None
    except urllib3.exceptions.HTTPError as exc:
        raise failed(step, "UNAVAILABLE", f"S3: {exc}") from None


class JobStore:
    """The job's objects: deterministic keys under jobs/<job_id>/, so a re-run overwrites."""

    def __init__(self, s3: Minio, job_id: str, bucket: str = JOBS_BUCKET) -> None:
        self.s3 = s3
        self.job_id = job_id
        self.bucket = bucket
        self.prefix = f"jobs/{job_id}/"

    def key(self, name: str) -> str:
        return self.prefix + name

    def put_bytes(self, name: str, data: bytes, content_type: str = "application/octet-stream") -> str:
        key = self.key(name)
        self.s3.put_object(self.bucket, key, io.BytesIO(data), len(data), content_type=content_type)
        return key

    def put_file(self, name: str, path: Path, content_type: str) -> str:
        key = self.key(name)
        self.s3.fput_object(self.bucket, key, str(path), content_type=content_type)
        return key

    def get_bytes(self, key: str, bucket: str | None = None) -> bytes:
        response = self.s3.get_object(bucket or self.bucket, key)
        try:
            return response.read()
        finally:
            response.close()
            response.release_conn()

    def exists(self, name: str) -> bool:
        try:
            self.s3.stat_object(self.bucket, self.key(name))
        except S3Error as exc:
            if exc.code in ("NoSuchKey", "NoSuchObject"):
                return False
            raise
        return True

    def put_json(self, name: str, value: Any) -> str:
        return self.put_bytes(name, json.dumps(value, ensure_ascii=False, indent=1).encode(), "application/json")

    def get_json(self, name: str) -> Any:
        """The object as JSON, or None when there is none."""
        try:
            return json.loads(self.get_bytes(self.key(name)))
        except S3Error as exc:
            if exc.code in ("NoSuchKey", "NoSuchObject"):
                return None
            raise

    def remove_all(self) -> list[str]:
        """Deletes every object of the job; the keys that could not be deleted."""
        objects = [DeleteObject(o.object_name) for o in self.s3.list_objects(self.bucket, self.prefix, recursive=True)
                   if o.object_name]
        if not objects:
            return []
        return [e.name for e in self.s3.remove_objects(self.bucket, objects) if e.name]


@dataclass
class StepRun:
    """One run of the flow: its store, the callbacks, and the percent range of the current step."""

    job_id: str
    env: FlowEnv
    store: JobStore
    progress: Progress
    cancelled: Callable[[], bool]
    step: str = ""
    lo: float = 0.0
    hi: float = 0.0

    def enter(self, step: str, lo: float, hi: float) -> None:
        self.step, self.lo, self.hi = step, lo, hi
        self.report(0.0, 0.0, "started")

    def report(self, fraction: float, eta_s: float, message: str) -> None:
        """Progress within the current step (0..1) mapped onto the job's percent."""
        fraction = min(1.0, max(0.0, fraction))
        self.progress(self.step, self.lo + (self.hi - self.lo) * fraction, max(0.0, eta_s), message)

    def check_cancelled(self) -> None:
        if self.cancelled():
            raise FlowCancelled(f"job {self.job_id} cancelled during {self.step or 'start'}")

    def checkpoint_name(self, number: int, step: str, part: str = "") -> str:
        return f"steps/{number:02d}-{step}{'.' + part if part else ''}.json"
