"""Callbacks: a finished job is POSTed, signed with the tenant's secret, to a real local
HTTP server, and retried with backoff until it answers 2xx."""

from __future__ import annotations

import json
import time

import sqlalchemy as sa

from catwalk.jobs import callbacks, store
from catwalk.library.db import session
from catwalk.v1 import video_jobs_pb2 as pb
from tests.jobs.test_api import request


def wait_for(predicate, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def finish(dsn: str, job_id: str) -> None:
    """What the worker does when the flow returns."""
    with session(dsn) as s:
        store.start_attempt(s, job_id)
        store.finish(s, job_id, "succeeded", result={"video_key": f"jobs/{job_id}/video.mp4",
                                                      "report_key": f"jobs/{job_id}/report.json",
                                                      "report": {}, "duration_s": 10.0})


def job_row(dsn: str, job_id: str) -> store.JobRecord:
    with session(dsn) as s:
        record = store.get_job(s, None, job_id)
    assert record is not None
    return record


def test_a_finished_job_is_posted_signed_with_the_tenants_secret(jobs, tenant, jobs_dsn, callback_worker, receiver):
    job = jobs.CreateVideoJob(request(callback_url=receiver.url), metadata=tenant.auth)
    finish(jobs_dsn, job.id)
    wait_for(lambda: len(receiver.received) == 1)
    headers, body = receiver.received[0]
    assert headers["X-Catwalk-Job"] == job.id
    assert callbacks.verify(tenant.callback_secret, body, headers["X-Catwalk-Signature"])
    assert not callbacks.verify(tenant.callback_secret, body + b" ", headers["X-Catwalk-Signature"])
    assert not callbacks.verify("another-secret", body, headers["X-Catwalk-Signature"])
    sent = json.loads(body)
    assert sent["id"] == job.id and sent["state"] == "JOB_STATE_SUCCEEDED"
    assert sent["result"]["videoKey"] == f"jobs/{job.id}/video.mp4" and sent["result"]["videoUrl"]
    wait_for(lambda: job_row(jobs_dsn, job.id).callback_state == "delivered")
    assert job_row(jobs_dsn, job.id).callback_attempts == 1


def test_a_failing_receiver_gets_the_callback_again_with_backoff(jobs, tenant, jobs_dsn, callback_worker, receiver):
    receiver.answers = [500, 500]
    job = jobs.CreateVideoJob(request(callback_url=receiver.url), metadata=tenant.auth)
    finish(jobs_dsn, job.id)
    wait_for(lambda: len(receiver.received) == 3, timeout_s=60)
    wait_for(lambda: job_row(jobs_dsn, job.id).callback_state == "delivered")
    record = job_row(jobs_dsn, job.id)
    assert record.callback_attempts == 3 and record.callback_error == ""
    assert {h["X-Catwalk-Job"] for h, _ in receiver.received} == {job.id}
    with session(jobs_dsn) as s:
        statuses = list(s.execute(sa.text(
            "SELECT status::text FROM procrastinate_jobs WHERE task_name = 'catwalk.deliver_callback' "
            "AND args->>'job_id' = :id"), {"id": job.id}).scalars())
    assert statuses == ["succeeded"]


def test_a_cancelled_queued_job_is_reported_too(jobs, tenant, jobs_dsn, callback_worker, receiver):
    job = jobs.CreateVideoJob(request(callback_url=receiver.url), metadata=tenant.auth)
    jobs.CancelVideoJob(pb.CancelVideoJobRequest(id=job.id), metadata=tenant.auth)
    wait_for(lambda: len(receiver.received) == 1)
    assert json.loads(receiver.received[0][1])["state"] == "JOB_STATE_CANCELLED"


def test_signatures_expire():
    body = b'{"id": "x"}'
    header = callbacks.sign("s3cret", body, 1_000_000)
    assert callbacks.verify("s3cret", body, header, now=1_000_100)
    assert not callbacks.verify("s3cret", body, header, now=1_000_000 + 301)
    assert not callbacks.verify("s3cret", body, "garbage")
