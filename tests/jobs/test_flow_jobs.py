"""Jobs through the stack's own VideoJobs service and worker, running the real flow
(catwalk.jobs.flow): failure reporting, a 10 s video, takeover of a SIGKILLed worker's job,
cancel of a running job. The video tests need MediaAssembler in the stack and the starter
library (CATWALK_TEST_SEED=1); they are skipped where the stack has neither."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import grpc
import pytest

from catwalk.v1 import video_jobs_pb2 as pb
from catwalk.v1 import video_jobs_pb2_grpc
from tests.jobs.conftest import REPO, Tenant, new_tenant

pytestmark = pytest.mark.skipif(importlib.util.find_spec("catwalk.jobs.flow") is None,
                                reason="catwalk.jobs.flow has not landed")
FINAL = (pb.JOB_STATE_SUCCEEDED, pb.JOB_STATE_FAILED, pb.JOB_STATE_CANCELLED)


@pytest.fixture(scope="session")
def stack_jobs(stack) -> Iterator[video_jobs_pb2_grpc.VideoJobsStub]:
    with grpc.insecure_channel(stack.record["components"]["video_jobs"]["endpoint"]) as channel:
        yield video_jobs_pb2_grpc.VideoJobsStub(channel)


@pytest.fixture
def stack_tenant(stack) -> Tenant:
    return new_tenant(stack.database_url)


@pytest.fixture(scope="session")
def video_stack(stack):
    from catwalk.library.db import session
    from catwalk.library.templates import count_templates

    with session(stack.database_url) as s:
        if count_templates(s) == 0:
            pytest.skip("the stack's library has no templates (CATWALK_TEST_SEED=0)")
    return stack


def wait_state(jobs, tenant: Tenant, job_id: str, until, timeout_s: float) -> pb.VideoJob:
    """Watch the job until `until(job)` holds; the last message."""
    for job in jobs.WatchVideoJob(pb.WatchVideoJobRequest(id=job_id), metadata=tenant.auth, timeout=timeout_s):
        if until(job):
            return job
    raise AssertionError(f"job {job_id} ended without reaching the expected state")


def objects(stack, job_id: str) -> list[str]:
    from catwalk.stack.s3 import s3_client

    s = stack.settings
    client = s3_client(stack.record["components"]["s3"]["endpoint"], s.s3_access_key, s.s3_secret_key)
    return sorted(o.object_name for o in client.list_objects("catwalk-jobs", prefix=f"jobs/{job_id}/", recursive=True))


def test_a_job_whose_product_is_unknown_fails_naming_the_step(stack_jobs, stack_tenant):
    job = stack_jobs.CreateVideoJob(pb.CreateVideoJobRequest(
        product=pb.ProductInput(item_id="no-such-item"), options=pb.VideoOptions(duration_s=10)),
        metadata=stack_tenant.auth)
    final = wait_state(stack_jobs, stack_tenant, job.id, lambda j: j.state in FINAL, 120)
    assert final.state == pb.JOB_STATE_FAILED, final
    assert final.error.step == "parse" and final.error.code == "NOT_FOUND", final.error
    assert final.attempts == 1


def _request(stack) -> pb.CreateVideoJobRequest:
    """A studio photo of a solid shirt (the studio's garment renderer) and its title."""
    from catwalk.studio.garments import Pattern, draw_product, random_spec
    from catwalk.v1 import product_parser_pb2 as ppb
    from tests.services.test_product_parser import png

    spec = random_spec(seed=15, pattern=Pattern.SOLID, kind="shirt")
    photo = png(draw_product(spec, seed=15, size=640).image)
    return pb.CreateVideoJobRequest(
        product=pb.ProductInput(photo=ppb.Photo(data=photo), title="Cotton shirt"),
        options=pb.VideoOptions(duration_s=10, language="en", seed=1))


def relative(stack, job_id: str) -> list[str]:
    return [k.removeprefix(f"jobs/{job_id}/") for k in objects(stack, job_id)]


@pytest.fixture(scope="module")
def clean_run(video_stack, stack_jobs):
    """One job run start to end by one worker: the job and the objects it left."""
    tenant = new_tenant(video_stack.database_url)
    job = stack_jobs.CreateVideoJob(_request(video_stack), metadata=tenant.auth)
    final = wait_state(stack_jobs, tenant, job.id, lambda j: j.state in FINAL, 900)
    return final, relative(video_stack, job.id)


def test_a_job_makes_a_ten_second_video(video_stack, clean_run):
    final, names = clean_run
    assert final.state == pb.JOB_STATE_SUCCEEDED, final.error
    assert abs(final.result.duration_s - 10) < 0.5 and final.result.video_url and final.attempts == 1
    assert final.result.video_key.removeprefix(f"jobs/{final.id}/") in names


def test_cancelling_a_running_job_stops_it_within_seconds(video_stack, stack_jobs, stack_tenant):
    job = stack_jobs.CreateVideoJob(_request(video_stack), metadata=stack_tenant.auth)
    wait_state(stack_jobs, stack_tenant, job.id, lambda j: j.state == pb.JOB_STATE_RUNNING, 600)
    asked = time.monotonic()
    stack_jobs.CancelVideoJob(pb.CancelVideoJobRequest(id=job.id), metadata=stack_tenant.auth)
    final = wait_state(stack_jobs, stack_tenant, job.id, lambda j: j.state in FINAL, 60)
    assert final.state == pb.JOB_STATE_CANCELLED
    assert time.monotonic() - asked < 10
    assert objects(video_stack, job.id) == []


# Last: it kills the stack's worker; `catwalk up`'s own restart of what is not running puts it back.
def test_a_killed_workers_job_is_finished_by_another(video_stack, stack_jobs, stack_tenant, clean_run, tmp_path):
    from catwalk.stack.services import VideoJobsWorker

    record = video_stack.record["components"]["video_jobs_worker"]
    job = stack_jobs.CreateVideoJob(_request(video_stack), metadata=stack_tenant.auth)
    wait_state(stack_jobs, stack_tenant, job.id, lambda j: j.progress.step == "render", 600)
    os.kill(record["pid"], signal.SIGKILL)
    env = VideoJobsWorker(video_stack.settings).environment()
    with open(tmp_path / "worker.log", "ab") as out:
        worker = subprocess.Popen([sys.executable, "-m", "services.video_jobs.worker"], env=env, cwd=REPO,
                                  stdout=out, stderr=subprocess.STDOUT)
    try:
        final = wait_state(stack_jobs, stack_tenant, job.id, lambda j: j.state in FINAL, 900)
        assert final.state == pb.JOB_STATE_SUCCEEDED, final.error
        assert final.attempts == 2
        # The same request and seed: exactly the objects of the uninterrupted run, none twice.
        assert relative(video_stack, job.id) == clean_run[1]
    finally:
        worker.terminate()
        worker.wait(30)
        from catwalk.stack import stack as local_stack

        video_stack.record["components"].update(local_stack.up(video_stack.settings)["components"])
