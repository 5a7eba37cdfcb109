"""`python -m services.video_jobs.worker`: runs VideoJobs' queued tasks until SIGTERM.

A job attempt: RUNNING and one more attempt, the flow with its progress written to the
row (at most every PROGRESS_EVERY_S) and `cancelled()` reading `cancel_requested` (cached
CANCEL_CACHE_S), then the final state — with its callback task in the same transaction.
Every worker also looks for jobs of dead workers (no heartbeat for
CATWALK_WORKER_STALLED_AFTER s) and puts them back in the queue; the flow's checkpoints make
the next attempt resume. SIGTERM: no new jobs; a running job is stopped at its next check
and put back in the queue for another worker, so nothing is lost.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import procrastinate
import structlog

from catwalk.jobs import callbacks, flow, queue, store
from catwalk.library.db import session
from catwalk.v1 import video_jobs_pb2
from services.common.backends import Backends
from services.common.logs import configure_logging
from services.common.settings import Env
from services.video_jobs.convert import job_json, video_job

PROGRESS_EVERY_S = 0.5
CANCEL_CACHE_S = 0.5
log = structlog.get_logger("catwalk.video_jobs.worker")


@dataclass(frozen=True)
class WorkerSettings:
    backends: Backends
    queue: queue.QueueSettings
    queues: tuple[str, ...]  # procrastinate queues this worker takes tasks from
    url_ttl_s: float
    log_level: str

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> WorkerSettings:
        e = Env(env)
        queues = tuple(q.strip() for q in e.text("CATWALK_WORKER_QUEUES", "video_jobs,callbacks").split(",") if q)
        return cls(backends=Backends.from_env(env), queue=queue.QueueSettings.from_env(env), queues=queues,
                   url_ttl_s=e.number("CATWALK_URL_TTL_S", 3600, minimum=1),
                   log_level=e.text("CATWALK_LOG_LEVEL", "info").lower())


class JobRunner:
    """What the two tasks do; `stopping` is set on SIGTERM."""

    def __init__(self, settings: WorkerSettings, env: Mapping[str, str]) -> None:
        self.settings = settings
        self.dsn = settings.backends.database_url
        self.s3 = settings.backends.s3()
        self.env = env
        self.stopping = threading.Event()
        self._flow_env: flow.FlowEnv | None = None

    def _env(self) -> flow.FlowEnv:
        """The flow's channels and settings, made by the first job (a worker that runs none opens nothing)."""
        if self._flow_env is None:
            self._flow_env = flow.FlowEnv.from_env(self.env)
        return self._flow_env

    def close(self) -> None:
        if self._flow_env is not None:
            self._flow_env.close()  # channels, and Triton's shared-memory regions

    def run_job(self, job_id: str, last_attempt: bool) -> None:
        with structlog.contextvars.bound_contextvars(job_id=job_id):
            with session(self.dsn) as s:
                record = store.start_attempt(s, job_id)
            if record is None:
                log.info("job skipped: already final")
                return
            log.info("job started", attempt=record.attempts)
            request = video_jobs_pb2.CreateVideoJobRequest.FromString(record.request)
            progress, cancelled = self._progress(job_id), self._cancelled(job_id)
            started = time.monotonic()
            try:
                result = flow.run_flow(job_id, request, self._env(), progress, cancelled)
            except flow.FlowCancelled:
                if self.stopping.is_set() and not self._cancel_requested(job_id):
                    log.info("job handed back: worker stopping")
                    raise queue.Retryable("the worker stopped; another one resumes the job") from None
                flow.remove_outputs(job_id, self._env())
                self._finish(job_id, "cancelled")
                return
            except flow.FlowFailed as exc:
                if exc.retryable and not last_attempt:
                    log.warning("job attempt failed, will retry", step=exc.step, code=exc.code, error=exc.message)
                    raise queue.Retryable(f"{exc.step}: {exc.code} {exc.message}") from None
                self._finish(job_id, "failed", error={"code": exc.code, "message": exc.message, "step": exc.step})
                return
            except Exception as exc:
                log.exception("job crashed")
                self._finish(job_id, "failed", error={"code": "INTERNAL", "step": "",
                                                      "message": f"internal error: {exc!r}"})
                return
            self._finish(job_id, "succeeded", result={
                "video_key": result.video_key, "report_key": result.report_key, "report": result.report,
                "duration_s": result.duration_s})
            log.info("job finished", state="succeeded", seconds=round(time.monotonic() - started, 1))

    def _finish(self, job_id: str, state: store.State, result: dict[str, Any] | None = None,
                error: dict[str, Any] | None = None) -> None:
        with session(self.dsn) as s:
            store.finish(s, job_id, state, result=result, error=error)
        if state != "succeeded":
            log.info("job finished", state=state, error=error)

    def _progress(self, job_id: str) -> Any:
        last = [-PROGRESS_EVERY_S]

        def progress(step: str, percent: float, eta_s: float, message: str) -> None:
            now = time.monotonic()
            if now - last[0] < PROGRESS_EVERY_S:
                return  # throttled: the next report carries newer figures anyway
            last[0] = now
            with session(self.dsn) as s:
                store.update_progress(s, job_id, step, percent, eta_s, message)
        return progress

    def _cancel_requested(self, job_id: str) -> bool:
        with session(self.dsn) as s:
            return store.cancel_requested(s, job_id)

    def _cancelled(self, job_id: str) -> Any:
        cache: list[Any] = [0.0, False]

        def cancelled() -> bool:
            if self.stopping.is_set():
                return True
            now = time.monotonic()
            if now - float(cache[0]) >= CANCEL_CACHE_S:
                cache[0], cache[1] = now, self._cancel_requested(job_id)
            return bool(cache[1])
        return cancelled

    def deliver_callback(self, job_id: str, last_attempt: bool) -> None:
        with session(self.dsn) as s:
            record = store.get_job(s, None, job_id)
        if record is None:
            return
        body = job_json(video_job(record, self.s3, self.settings.url_ttl_s))
        with structlog.contextvars.bound_contextvars(job_id=job_id):
            try:
                callbacks.deliver_callback(self.dsn, job_id, body, last_attempt)
            except callbacks.DeliveryFailed as exc:
                log.warning("callback not delivered", error=str(exc), last_attempt=last_attempt)
                raise
            log.info("callback delivered")


async def _retry_stalled(app: procrastinate.App, settings: queue.QueueSettings) -> None:
    """Jobs held by workers that stopped sending heartbeats go back to the queue."""
    while True:
        try:
            for job in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=settings.stalled_after_s):
                await app.job_manager.retry_job(job)
                log.warning("stalled job put back in the queue", queue_job_id=job.id, task=job.task_name,
                            args=job.task_kwargs)
        except Exception as exc:  # Postgres restarting: try again next round
            log.warning("stalled-job check failed", error=repr(exc))
        await asyncio.sleep(settings.stalled_check_s)


async def _run(settings: WorkerSettings, runner: JobRunner) -> None:
    app = queue.build_app(settings.backends.database_url)
    queue.register_tasks(app, settings.queue, runner.run_job, runner.deliver_callback)
    async with app.open_async():
        worker = asyncio.create_task(app.run_worker_async(
            queues=list(settings.queues), concurrency=settings.queue.concurrency, install_signal_handlers=False,
            update_heartbeat_interval=settings.queue.heartbeat_s,
            stalled_worker_timeout=settings.queue.stalled_after_s, fetch_job_polling_interval=1.0))
        stalled = asyncio.create_task(_retry_stalled(app, settings.queue))

        def stop() -> None:
            log.info("stopping: running jobs go back to the queue")
            runner.stopping.set()
            worker.cancel()  # procrastinate's graceful stop: no new jobs, running ones finish

        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop)
        log.info("worker started", queues=settings.queues, concurrency=settings.queue.concurrency)
        try:
            await worker
        except asyncio.CancelledError:
            pass
        finally:
            stalled.cancel()
            runner.close()
    log.info("worker stopped")


def main(env: Mapping[str, str] = os.environ) -> None:
    settings = WorkerSettings.from_env(env)
    configure_logging("video_jobs_worker", settings.log_level)
    asyncio.run(_run(settings, JobRunner(settings, env)))


if __name__ == "__main__":
    main()
