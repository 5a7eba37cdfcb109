"""VideoJobs RPCs → catwalk.jobs. Every call is authenticated by its `x-api-key` and sees
only its tenant's jobs (another tenant's job is NOT_FOUND, never FORBIDDEN: ids do not
leak). Errors are services.common errors; the interceptor makes them statuses."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Iterator
from typing import Any

import grpc
import sqlalchemy as sa
import structlog
import urllib3
from minio import Minio
from minio.deleteobjects import DeleteObject
from minio.error import S3Error
from sqlalchemy.orm import Session

from catwalk.jobs import store, tenants
from catwalk.library.tags import load_dictionary
from catwalk.v1 import video_jobs_pb2 as pb
from catwalk.v1 import video_jobs_pb2_grpc
from services.common.database import deadline_session
from services.common.errors import (
    AlreadyExists,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    Unauthenticated,
    Unavailable,
    invalid,
)
from services.video_jobs.convert import JOBS_BUCKET, STATE_NAMES, video_job
from services.video_jobs.validate import check_request

API_KEY = "x-api-key"
DB_CAP_S = 10.0
WATCH_POLL_S = 0.25
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 20, 100
log = structlog.get_logger("catwalk.video_jobs")


class VideoJobsServicer(video_jobs_pb2_grpc.VideoJobsServicer):
    def __init__(self, dsn: str, s3: Minio, url_ttl_s: float, watch_poll_s: float = WATCH_POLL_S) -> None:
        self.dsn = dsn
        self.s3 = s3
        self.url_ttl_s = url_ttl_s
        self.watch_poll_s = watch_poll_s

    def CreateVideoJob(self, request: pb.CreateVideoJobRequest, context: grpc.ServicerContext) -> pb.VideoJob:
        tenant_id = self._tenant(context)
        with self._session() as s:
            violations = check_request(request, load_dictionary(s))
        if violations:
            raise InvalidArgument(violations)
        # Deterministic bytes, so the same request always has the same fingerprint.
        data = request.SerializeToString(deterministic=True)
        try:
            with self._session() as s:
                record, _created = store.create_job(s, tenant_id, data, request.idempotency_key or None,
                                                    request.callback_url)
        except store.IdempotencyConflict as exc:
            raise AlreadyExists(f"idempotency_key {request.idempotency_key!r} was used for job {exc.job_id} "
                                "with a different request") from None
        return self._job(record)

    def GetVideoJob(self, request: pb.GetVideoJobRequest, context: grpc.ServicerContext) -> pb.VideoJob:
        tenant_id = self._tenant(context)
        return self._job(self._get(tenant_id, _job_id(request.id)))

    def WatchVideoJob(self, request: pb.WatchVideoJobRequest, context: grpc.ServicerContext) -> Iterator[pb.VideoJob]:
        tenant_id = self._tenant(context)
        job_id = _job_id(request.id)
        record = self._get(tenant_id, job_id)
        yield self._job(record)
        last = (record.state, record.updated_at)
        while not record.final and context.is_active():
            time.sleep(self.watch_poll_s)
            record = self._get(tenant_id, job_id)  # DeadlineExceeded once the caller's deadline passes
            if (record.state, record.updated_at) != last:
                last = (record.state, record.updated_at)
                yield self._job(record)

    def CancelVideoJob(self, request: pb.CancelVideoJobRequest, context: grpc.ServicerContext) -> pb.VideoJob:
        tenant_id = self._tenant(context)
        job_id = _job_id(request.id)
        try:
            with self._session() as s:
                record = store.request_cancel(s, tenant_id, job_id)
        except store.JobFinished as exc:
            raise FailedPrecondition(str(exc)) from None
        if record is None:
            raise NotFound(f"no job {job_id}")
        if record.state == "cancelled" and record.attempts > 0:
            self._remove_outputs(job_id)  # cancelled between attempts: no worker will clean up
        return self._job(record)

    def ListVideoJobs(self, request: pb.ListVideoJobsRequest, context: grpc.ServicerContext
                      ) -> pb.ListVideoJobsResponse:
        tenant_id = self._tenant(context)
        violations = []
        if not 0 <= request.page_size <= MAX_PAGE_SIZE:
            violations.append(FieldViolation("page_size", f"{request.page_size}: 1..{MAX_PAGE_SIZE} (0 means 20)"))
        states: list[Any] = []
        for i, state in enumerate(request.states):
            if state not in STATE_NAMES:
                violations.append(FieldViolation(f"states[{i}]", f"{state}: not a job state"))
            else:
                states.append(STATE_NAMES[state])
        if violations:
            raise InvalidArgument(violations)
        try:
            with self._session() as s:
                records, token = store.list_jobs(s, tenant_id, states, request.page_size or DEFAULT_PAGE_SIZE,
                                                 request.page_token)
        except ValueError as exc:
            field, _, why = str(exc).partition(": ")
            raise invalid(field, why) from None
        return pb.ListVideoJobsResponse(jobs=[self._job(r) for r in records], next_page_token=token)

    # -- helpers -----------------------------------------------------------------------

    def _tenant(self, context: grpc.ServicerContext) -> str:
        key = dict(context.invocation_metadata() or ()).get(API_KEY)
        if not key:
            raise Unauthenticated(f"no API key: send one in the {API_KEY} metadata (`catwalk keys create`)")
        with _database_errors():
            tenant_id = tenants.authenticate(self.dsn, str(key))
        if tenant_id is None:
            raise Unauthenticated("unknown or revoked API key")
        return tenant_id

    def _get(self, tenant_id: str, job_id: str) -> store.JobRecord:
        with self._session() as s:
            record = store.get_job(s, tenant_id, job_id)
        if record is None:
            raise NotFound(f"no job {job_id}")
        return record

    def _job(self, record: store.JobRecord) -> pb.VideoJob:
        try:
            return video_job(record, self.s3, self.url_ttl_s)
        except (S3Error, urllib3.exceptions.HTTPError) as exc:  # presigning asks S3 for the bucket's region
            raise Unavailable(f"S3 is not answering: {exc}") from None

    def _remove_outputs(self, job_id: str) -> None:
        """The job's objects in catwalk-jobs (jobs/<id>/, where the flow writes)."""
        try:
            names = [o.object_name for o in self.s3.list_objects(JOBS_BUCKET, prefix=f"jobs/{job_id}/", recursive=True)
                     if o.object_name]
            failed = [str(e) for e in self.s3.remove_objects(JOBS_BUCKET, [DeleteObject(n) for n in names])]
        except (S3Error, urllib3.exceptions.HTTPError) as exc:
            failed = [str(exc)]
        if failed:  # the cancel stands; the objects are orphans a sweep can remove
            log.warning("outputs of a cancelled job not removed", job_id=job_id, error=failed[0])

    def _session(self) -> contextlib.AbstractContextManager[Session]:
        return deadline_session(self.dsn, DB_CAP_S)


@contextlib.contextmanager
def _database_errors() -> Iterator[None]:
    """Authentication reads Postgres outside a deadline session: a database that does not
    answer is UNAVAILABLE there too."""
    try:
        yield
    except sa.exc.OperationalError as exc:
        raise Unavailable(f"the database is not answering: {str(exc.orig).strip()}") from None


def _job_id(value: str) -> str:
    if not value:
        raise invalid("id", "required")
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise invalid("id", f"{value!r} is not a job id (a UUID)") from None
