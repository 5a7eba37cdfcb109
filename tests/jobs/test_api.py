"""VideoJobs through its gRPC API on the real stack: auth, validation, idempotency,
tenant isolation, listing, cancel and watch."""

from __future__ import annotations

import threading
import uuid

import grpc
import pytest
import sqlalchemy as sa

from catwalk.jobs import store, tenants
from catwalk.library.db import session
from catwalk.v1 import media_assembler_pb2 as mpb
from catwalk.v1 import product_parser_pb2 as ppb
from catwalk.v1 import video_jobs_pb2 as pb
from tests.jobs.conftest import new_tenant
from tests.services.conftest import violations


def request(**fields) -> pb.CreateVideoJobRequest:
    message = pb.CreateVideoJobRequest(
        product=pb.ProductInput(item_id="SKU-1", title="Linen blazer"),
        options=pb.VideoOptions(duration_s=10, language="en", music_style="business"))
    for name, value in fields.items():
        target, _, attr = name.rpartition("__")
        holder = message
        for part in filter(None, target.split("__")):
            holder = getattr(holder, part)
        if isinstance(value, list):
            getattr(holder, attr).extend(value)
        elif hasattr(value, "CopyFrom"):
            getattr(holder, attr).CopyFrom(value)
        else:
            setattr(holder, attr, value)
    return message


def code(call, *args, **kwargs) -> grpc.StatusCode:
    with pytest.raises(grpc.RpcError) as info:
        result = call(*args, **kwargs)
        if hasattr(result, "__iter__") and not hasattr(result, "SerializeToString"):
            list(result)
    return info.value.code()


def queue_jobs(dsn: str, job_id: str) -> list[str]:
    with session(dsn) as s:
        return list(s.execute(sa.text("SELECT status::text FROM procrastinate_jobs WHERE args->>'job_id' = :id"),
                              {"id": job_id}).scalars())


# -- auth --------------------------------------------------------------------------------


def test_calls_without_a_valid_key_are_unauthenticated(jobs, jobs_dsn):
    get = pb.GetVideoJobRequest(id=str(uuid.uuid4()))
    assert code(jobs.GetVideoJob, get) == grpc.StatusCode.UNAUTHENTICATED
    assert code(jobs.CreateVideoJob, request(), metadata=(("x-api-key", "cwk_nope_nope"),)) \
        == grpc.StatusCode.UNAUTHENTICATED
    t = new_tenant(jobs_dsn)
    assert jobs.ListVideoJobs(pb.ListVideoJobsRequest(), metadata=t.auth).jobs == []
    prefix = t.key.split("_")[1]
    assert tenants.revoke(jobs_dsn, prefix)
    assert code(jobs.ListVideoJobs, pb.ListVideoJobsRequest(), metadata=t.auth) == grpc.StatusCode.UNAUTHENTICATED
    # The secret is never stored: only its hash is in the database.
    with session(jobs_dsn) as s:
        stored = s.execute(sa.text("SELECT secret_sha256 FROM api_keys WHERE prefix = :p"), {"p": prefix}).scalar_one()
    assert t.key.split("_", 2)[2].encode() not in bytes(stored)
    # A right prefix with a wrong secret is refused too.
    other = new_tenant(jobs_dsn)
    forged = "_".join(other.key.split("_")[:2]) + "_" + "x" * 43
    assert code(jobs.ListVideoJobs, pb.ListVideoJobsRequest(), metadata=(("x-api-key", forged),)) \
        == grpc.StatusCode.UNAUTHENTICATED


# -- validation --------------------------------------------------------------------------


@pytest.mark.parametrize(("bad", "field"), [
    (pb.CreateVideoJobRequest(options=pb.VideoOptions(duration_s=30)), "product"),
    (request(product__photo=ppb.Photo(data=b"")), "product.photo"),
    (request(product__photo=ppb.Photo(data=b"x" * (12 * 2**20 + 1))), "product.photo"),
    (request(product__photo=ppb.Photo(s3_key="a.jpg", s3_bucket="elsewhere")), "product.photo.s3_bucket"),
    (request(product__item_id=" "), "product.item_id"),
    (request(product__title="t" * 501), "product.title"),
    (request(options__duration_s=9.5), "options.duration_s"),
    (request(options__duration_s=181), "options.duration_s"),
    (request(options__duration_s=float("nan")), "options.duration_s"),
    (request(options__aspect=42), "options.aspect"),
    (request(options__resolution=7), "options.resolution"),
    (request(options__language="fr"), "options.language"),
    (request(options__music_style="jazz"), "options.music_style"),
    (request(options__shot_types=["runway_walk", "moonwalk"]), "options.shot_types[1]"),
    (request(idempotency_key="k" * 201), "idempotency_key"),
    (request(callback_url="ftp://example.com/hook"), "callback_url"),
    (request(callback_url="http://example.com/hook"), "callback_url"),
    (request(callback_url="https:///nohost"), "callback_url"),
])
def test_each_bad_field_is_named(jobs, tenant, bad, field):
    with pytest.raises(grpc.RpcError) as info:
        jobs.CreateVideoJob(bad, metadata=tenant.auth, timeout=30)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field in violations(info.value), violations(info.value)


def test_a_valid_request_is_queued(jobs, tenant, jobs_dsn):
    job = jobs.CreateVideoJob(request(options__shot_types=["runway_walk"], options__aspect=mpb.ASPECT_1_1,
                                      callback_url="https://hooks.example.com/catwalk"), metadata=tenant.auth)
    assert job.state == pb.JOB_STATE_QUEUED and job.attempts == 0
    assert job.request.product.item_id == "SKU-1" and list(job.request.options.shot_types) == ["runway_walk"]
    assert queue_jobs(jobs_dsn, job.id) == ["todo"]
    assert jobs.GetVideoJob(pb.GetVideoJobRequest(id=job.id), metadata=tenant.auth) == job


# -- idempotency -------------------------------------------------------------------------


def test_the_same_idempotency_key_returns_the_first_job(jobs, tenant, jobs_dsn):
    first = jobs.CreateVideoJob(request(idempotency_key="order-7"), metadata=tenant.auth)
    again = jobs.CreateVideoJob(request(idempotency_key="order-7"), metadata=tenant.auth)
    assert again.id == first.id
    assert queue_jobs(jobs_dsn, first.id) == ["todo"]  # one task, not two
    assert code(jobs.CreateVideoJob, request(idempotency_key="order-7", options__duration_s=20),
                metadata=tenant.auth) == grpc.StatusCode.ALREADY_EXISTS
    # Keys are per tenant: another tenant's "order-7" is its own job.
    other = new_tenant(jobs_dsn)
    assert jobs.CreateVideoJob(request(idempotency_key="order-7"), metadata=other.auth).id != first.id


def test_concurrent_creates_with_one_key_make_one_job(jobs, tenant, jobs_dsn):
    ids: list[str] = []
    threads = [threading.Thread(target=lambda: ids.append(
        jobs.CreateVideoJob(request(idempotency_key="burst"), metadata=tenant.auth).id)) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(ids) == 6 and len(set(ids)) == 1
    assert queue_jobs(jobs_dsn, ids[0]) == ["todo"]


# -- tenants -----------------------------------------------------------------------------


def test_a_tenant_never_sees_another_tenants_jobs(jobs, tenant, jobs_dsn):
    job = jobs.CreateVideoJob(request(), metadata=tenant.auth)
    other = new_tenant(jobs_dsn)
    assert code(jobs.GetVideoJob, pb.GetVideoJobRequest(id=job.id), metadata=other.auth) == grpc.StatusCode.NOT_FOUND
    assert code(jobs.WatchVideoJob, pb.WatchVideoJobRequest(id=job.id), metadata=other.auth) \
        == grpc.StatusCode.NOT_FOUND
    assert code(jobs.CancelVideoJob, pb.CancelVideoJobRequest(id=job.id), metadata=other.auth) \
        == grpc.StatusCode.NOT_FOUND
    assert jobs.ListVideoJobs(pb.ListVideoJobsRequest(), metadata=other.auth).jobs == []
    assert jobs.GetVideoJob(pb.GetVideoJobRequest(id=job.id), metadata=tenant.auth).state == pb.JOB_STATE_QUEUED


# -- list --------------------------------------------------------------------------------


def test_list_pages_newest_first_and_filters_by_state(jobs, tenant):
    made = [jobs.CreateVideoJob(request(options__seed=i), metadata=tenant.auth).id for i in range(5)]
    first = jobs.ListVideoJobs(pb.ListVideoJobsRequest(page_size=2), metadata=tenant.auth)
    # A job created while paging goes to the front and never shifts the pages after.
    late = jobs.CreateVideoJob(request(options__seed=99), metadata=tenant.auth).id
    pages, token = [list(first.jobs)], first.next_page_token
    while token:
        page = jobs.ListVideoJobs(pb.ListVideoJobsRequest(page_size=2, page_token=token), metadata=tenant.auth)
        pages.append(list(page.jobs))
        token = page.next_page_token
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [j.id for p in pages for j in p] == made[::-1]
    assert jobs.ListVideoJobs(pb.ListVideoJobsRequest(), metadata=tenant.auth).jobs[0].id == late

    for job_id in made[:2]:
        jobs.CancelVideoJob(pb.CancelVideoJobRequest(id=job_id), metadata=tenant.auth)
    cancelled = jobs.ListVideoJobs(pb.ListVideoJobsRequest(states=[pb.JOB_STATE_CANCELLED]), metadata=tenant.auth)
    assert [j.id for j in cancelled.jobs] == made[:2][::-1]
    queued = jobs.ListVideoJobs(pb.ListVideoJobsRequest(states=[pb.JOB_STATE_QUEUED]), metadata=tenant.auth)
    assert {j.id for j in queued.jobs} == {*made[2:], late}

    bad = pb.ListVideoJobsRequest(page_token="not-a-token")
    with pytest.raises(grpc.RpcError) as info:
        jobs.ListVideoJobs(bad, metadata=tenant.auth)
    assert "page_token" in violations(info.value)
    with pytest.raises(grpc.RpcError) as info:
        jobs.ListVideoJobs(pb.ListVideoJobsRequest(page_size=101), metadata=tenant.auth)
    assert "page_size" in violations(info.value)


# -- cancel ------------------------------------------------------------------------------


def test_cancelling_a_queued_job_cancels_it_and_its_task(jobs, tenant, jobs_dsn):
    job = jobs.CreateVideoJob(request(), metadata=tenant.auth)
    cancelled = jobs.CancelVideoJob(pb.CancelVideoJobRequest(id=job.id), metadata=tenant.auth)
    assert cancelled.state == pb.JOB_STATE_CANCELLED
    assert queue_jobs(jobs_dsn, job.id) == ["cancelled"]
    assert code(jobs.CancelVideoJob, pb.CancelVideoJobRequest(id=job.id), metadata=tenant.auth) \
        == grpc.StatusCode.FAILED_PRECONDITION
    # A task a worker took just before the cancel finds the job final and does nothing.
    with session(jobs_dsn) as s:
        assert store.start_attempt(s, job.id) is None


def take(dsn: str, job_id: str) -> None:
    """What a worker does when it takes the job's task: the task is doing, the job running."""
    with session(dsn) as s:
        s.execute(sa.text("UPDATE procrastinate_jobs SET status = 'doing' WHERE args->>'job_id' = :id"), {"id": job_id})
        store.start_attempt(s, job_id)


def test_cancelling_a_running_job_asks_the_worker_to_stop(jobs, tenant, jobs_dsn):
    job = jobs.CreateVideoJob(request(), metadata=tenant.auth)
    take(jobs_dsn, job.id)
    answer = jobs.CancelVideoJob(pb.CancelVideoJobRequest(id=job.id), metadata=tenant.auth)
    assert answer.state == pb.JOB_STATE_RUNNING
    with session(jobs_dsn) as s:
        assert store.cancel_requested(s, job.id)
    assert queue_jobs(jobs_dsn, job.id) == ["doing"]


def test_cancelling_a_job_waiting_for_a_retry_cancels_it_and_removes_its_outputs(stack, jobs, tenant, jobs_dsn):
    import io

    from catwalk.stack.s3 import s3_client

    s3 = s3_client(stack.record["components"]["s3"]["endpoint"], stack.settings.s3_access_key,
                   stack.settings.s3_secret_key)
    job = jobs.CreateVideoJob(request(), metadata=tenant.auth)
    # An attempt that checkpointed a step, then failed retryably: its task waits in the queue.
    with session(jobs_dsn) as s:
        store.start_attempt(s, job.id)
    s3.put_object("catwalk-jobs", f"jobs/{job.id}/steps/01-parse.json", io.BytesIO(b"{}"), 2)
    answer = jobs.CancelVideoJob(pb.CancelVideoJobRequest(id=job.id), metadata=tenant.auth)
    assert answer.state == pb.JOB_STATE_CANCELLED and answer.attempts == 1
    assert queue_jobs(jobs_dsn, job.id) == ["cancelled"]
    assert list(s3.list_objects("catwalk-jobs", prefix=f"jobs/{job.id}/", recursive=True)) == []


# -- watch -------------------------------------------------------------------------------


def test_watch_streams_each_change_and_ends_on_a_final_state(jobs, tenant, jobs_dsn):
    job = jobs.CreateVideoJob(request(), metadata=tenant.auth)
    stream = jobs.WatchVideoJob(pb.WatchVideoJobRequest(id=job.id), metadata=tenant.auth, timeout=60)
    seen = [next(stream)]
    assert seen[0].state == pb.JOB_STATE_QUEUED
    # What the worker writes, through the same store functions.
    take(jobs_dsn, job.id)
    seen.append(next(stream))
    with session(jobs_dsn) as s:
        store.update_progress(s, job.id, "render", 40.0, 30.0, "shot 2 of 5")
    seen.append(next(stream))
    with session(jobs_dsn) as s:
        store.finish(s, job.id, "succeeded", result={
            "video_key": f"jobs/{job.id}/video.mp4", "report_key": f"jobs/{job.id}/report.json",
            "report": {"shots": 5}, "duration_s": 10.0})
    seen.extend(stream)  # ends by itself after the final state
    assert [j.state for j in seen] == [pb.JOB_STATE_QUEUED, pb.JOB_STATE_RUNNING, pb.JOB_STATE_RUNNING,
                                       pb.JOB_STATE_SUCCEEDED]
    assert seen[1].attempts == 1
    progress = seen[2].progress
    assert (progress.step, progress.percent, progress.message) == ("render", 40.0, "shot 2 of 5")
    final = seen[-1]
    assert final.progress.percent == 100.0 and final.result.duration_s == 10.0
    assert final.result.video_key == f"jobs/{job.id}/video.mp4" and "X-Amz-Signature" in final.result.video_url
    assert final.result.report["shots"] == 5 and final.result.url_expires_at.seconds > 0
    # Every Get renews the URL.
    again = jobs.GetVideoJob(pb.GetVideoJobRequest(id=job.id), metadata=tenant.auth)
    assert again.result.url_expires_at.ToDatetime() >= final.result.url_expires_at.ToDatetime()


def test_watch_honours_the_callers_deadline(jobs, tenant):
    job = jobs.CreateVideoJob(request(), metadata=tenant.auth)
    stream = jobs.WatchVideoJob(pb.WatchVideoJobRequest(id=job.id), metadata=tenant.auth, timeout=1.5)
    assert next(stream).state == pb.JOB_STATE_QUEUED
    with pytest.raises(grpc.RpcError) as info:
        list(stream)
    assert info.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
