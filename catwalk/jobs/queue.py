"""The procrastinate queue of VideoJobs: the App on the stack's Postgres and its two tasks,
`catwalk.run_video_job(job_id)` (queue "video_jobs", locked per job so it never runs twice
at once) and `catwalk.deliver_callback(job_id)` (queue "callbacks"), each with its retry
strategy. Tasks are deferred by catwalk.jobs.store inside the caller's transaction; the
worker (services.video_jobs.worker) registers what each task does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import procrastinate
from sqlalchemy.engine import make_url

from catwalk.jobs.store import CALLBACK_QUEUE, CALLBACK_TASK, JOB_QUEUE, JOB_TASK


class Retryable(Exception):
    """A job attempt failed for a reason that may pass (a dependency UNAVAILABLE, a worker
    shutting down): procrastinate runs it again after the backoff."""


@dataclass(frozen=True)
class QueueSettings:
    job_attempts: int  # a retryable flow failure is tried this many times in all
    job_backoff_s: int  # exponential: waits base, base², base³ … seconds
    callback_attempts: int
    callback_backoff_s: int
    heartbeat_s: float  # how often a worker says it is alive
    stalled_after_s: float  # a worker silent this long is dead: its jobs are run again
    stalled_check_s: float  # how often every worker looks for such jobs
    concurrency: int  # jobs one worker runs at once

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> QueueSettings:
        from services.common.settings import Env

        e = Env(env)
        return cls(
            job_attempts=int(e.number("CATWALK_JOB_ATTEMPTS", 5, minimum=1)),
            job_backoff_s=int(e.number("CATWALK_JOB_BACKOFF", 4, minimum=1)),
            callback_attempts=int(e.number("CATWALK_CALLBACK_ATTEMPTS", 6, minimum=1)),
            callback_backoff_s=int(e.number("CATWALK_CALLBACK_BACKOFF", 3, minimum=1)),
            heartbeat_s=e.number("CATWALK_WORKER_HEARTBEAT", 2, minimum=0.1),
            stalled_after_s=e.number("CATWALK_WORKER_STALLED_AFTER", 10, minimum=0.5),
            stalled_check_s=e.number("CATWALK_WORKER_STALLED_CHECK", 3, minimum=0.1),
            concurrency=int(e.number("CATWALK_WORKER_CONCURRENCY", 1, minimum=1)),
        )


def psycopg_dsn(database_url: str) -> str:
    """`postgresql+psycopg2://…` (SQLAlchemy's form in settings) → the libpq URL psycopg 3 takes."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def build_app(database_url: str) -> procrastinate.App:
    return procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=psycopg_dsn(database_url)))


def register_tasks(app: procrastinate.App, settings: QueueSettings, run_job: Callable[[str, bool], None],
                   deliver_callback: Callable[[str, bool], None]) -> None:
    """`run_job(job_id, last_attempt)` raises Retryable to be run again;
    `deliver_callback(job_id, last_attempt)` raises to be retried."""
    job_retry = procrastinate.RetryStrategy(max_attempts=settings.job_attempts,
                                            exponential_wait=settings.job_backoff_s, retry_exceptions={Retryable})
    callback_retry = procrastinate.RetryStrategy(max_attempts=settings.callback_attempts,
                                                 exponential_wait=settings.callback_backoff_s)

    @app.task(name=JOB_TASK, queue=JOB_QUEUE, retry=job_retry, pass_context=True)
    def run_video_job(context: procrastinate.JobContext, job_id: str) -> None:
        run_job(job_id, _attempt(context) >= settings.job_attempts)

    @app.task(name=CALLBACK_TASK, queue=CALLBACK_QUEUE, retry=callback_retry, pass_context=True)
    def deliver(context: procrastinate.JobContext, job_id: str) -> None:
        deliver_callback(job_id, _attempt(context) >= settings.callback_attempts)


def _attempt(context: procrastinate.JobContext) -> int:
    """1 for the first run of a task (procrastinate counts the runs before this one)."""
    return (context.job.attempts if context.job is not None else 0) + 1
