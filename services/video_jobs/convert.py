"""Job rows → VideoJob messages. A succeeded job's video and report get fresh presigned
URLs on every conversion, so every GetVideoJob renews them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from google.protobuf import json_format
from minio import Minio

from catwalk.jobs.store import JobRecord
from catwalk.v1 import video_jobs_pb2 as pb

JOBS_BUCKET = "catwalk-jobs"
STATES = {"queued": pb.JOB_STATE_QUEUED, "running": pb.JOB_STATE_RUNNING, "succeeded": pb.JOB_STATE_SUCCEEDED,
          "failed": pb.JOB_STATE_FAILED, "cancelled": pb.JOB_STATE_CANCELLED}
STATE_NAMES = {code: name for name, code in STATES.items()}


def video_job(record: JobRecord, s3: Minio | None, url_ttl_s: float) -> pb.VideoJob:
    """`s3` None: no presigned URLs (keys only)."""
    job = pb.VideoJob(id=record.id, state=STATES[record.state], attempts=record.attempts,
                      request=pb.CreateVideoJobRequest.FromString(record.request),
                      progress=pb.JobProgress(step=record.step, percent=record.percent, eta_s=record.eta_s,
                                              message=record.message))
    job.created_at.FromDatetime(record.created_at)
    job.updated_at.FromDatetime(record.updated_at)
    if record.state == "succeeded" and record.result:
        job.result.CopyFrom(_result(record.result, s3, url_ttl_s))
    if record.state == "failed" and record.error:
        job.error.CopyFrom(pb.JobError(code=str(record.error.get("code", "")),
                                       message=str(record.error.get("message", "")),
                                       step=str(record.error.get("step", ""))))
    return job


def _result(result: dict[str, Any], s3: Minio | None, url_ttl_s: float) -> pb.JobResult:
    message = pb.JobResult(video_key=str(result.get("video_key", "")), report_key=str(result.get("report_key", "")),
                           duration_s=float(result.get("duration_s", 0.0)))
    message.report.update(result.get("report") or {})
    if s3 is not None:
        ttl = dt.timedelta(seconds=url_ttl_s)
        if message.video_key:
            message.video_url = s3.presigned_get_object(JOBS_BUCKET, message.video_key, expires=ttl)
        if message.report_key:
            message.report_url = s3.presigned_get_object(JOBS_BUCKET, message.report_key, expires=ttl)
        message.url_expires_at.FromDatetime(dt.datetime.now(dt.UTC) + ttl)
    return message


def job_json(job: pb.VideoJob) -> bytes:
    """The callback body: the VideoJob as JSON (proto field names in lowerCamelCase)."""
    return json_format.MessageToJson(job, indent=None, sort_keys=True).encode()
