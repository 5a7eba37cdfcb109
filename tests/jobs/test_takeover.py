"""A task held by a worker that died (no heartbeat) is put back in the queue by a live
worker and done there: procrastinate's stalled-job detection, run by every worker."""

from __future__ import annotations

import sqlalchemy as sa

from catwalk.jobs import store
from catwalk.library.db import session
from tests.jobs.test_api import request
from tests.jobs.test_callbacks import job_row, wait_for


def test_a_dead_workers_task_is_taken_over(jobs, tenant, jobs_dsn, callback_worker, receiver):
    job = jobs.CreateVideoJob(request(callback_url=receiver.url), metadata=tenant.auth)
    with session(jobs_dsn) as s:
        # A worker that registered, took the callback task and died: its heartbeat is old.
        dead = s.execute(sa.text("SELECT worker_id FROM procrastinate_register_worker_v1()")).scalar_one()
        s.execute(sa.text("UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 hour' "
                          "WHERE id = :w"), {"w": dead})
        store.start_attempt(s, job.id)
        store.finish(s, job.id, "failed", error={"code": "UNAVAILABLE", "message": "Triton down", "step": "render"})
        taken = s.execute(sa.text(
            "UPDATE procrastinate_jobs SET status = 'doing', worker_id = :w "
            "WHERE task_name = 'catwalk.deliver_callback' AND args->>'job_id' = :id RETURNING id"),
            {"w": dead, "id": job.id}).scalar_one()
    wait_for(lambda: len(receiver.received) == 1, timeout_s=45)
    wait_for(lambda: job_row(jobs_dsn, job.id).callback_state == "delivered")
    with session(jobs_dsn) as s:
        status, worker = s.execute(sa.text("SELECT status::text, worker_id FROM procrastinate_jobs WHERE id = :id"),
                                   {"id": taken}).one()
    assert status == "succeeded" and worker != dead
    assert b'"step": "render"' in receiver.received[0][1] or b'"step":"render"' in receiver.received[0][1]


def test_sigterm_stops_a_worker_gracefully(stack, jobs_dsn, tmp_path):
    import signal
    import subprocess
    import sys
    import time

    from tests.jobs.conftest import REPO, _environment

    def registered() -> int:
        with session(jobs_dsn) as s:
            return int(s.execute(sa.text("SELECT count(*) FROM procrastinate_workers "
                                         "WHERE last_heartbeat > now() - interval '5 seconds'")).scalar_one())

    before = registered()
    log = tmp_path / "worker.log"
    with open(log, "ab") as out:
        worker = subprocess.Popen([sys.executable, "-m", "services.video_jobs.worker"], cwd=REPO,
                                  env=_environment(stack, jobs_dsn, CATWALK_WORKER_QUEUES="callbacks"),
                                  stdout=out, stderr=subprocess.STDOUT)
    wait_for(lambda: registered() == before + 1)
    started = time.monotonic()
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(15) == 0, log.read_text()
    assert time.monotonic() - started < 10
    assert registered() == before  # it unregistered itself
    lines = log.read_text()
    assert '"event": "worker stopped"' in lines and '"service": "video_jobs_worker"' in lines
