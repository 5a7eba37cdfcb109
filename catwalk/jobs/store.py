"""The `video_jobs` rows: create (idempotent, with its queue task in the same transaction),
read (tenant-scoped), list (keyset pages, newest first), progress, attempts, finish, cancel.

Every function takes a Session, so the caller decides the transaction: a job and its
procrastinate task are inserted together or not at all; a finished job and its callback
task likewise.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Session

State = Literal["queued", "running", "succeeded", "failed", "cancelled"]
FINAL_STATES: tuple[State, ...] = ("succeeded", "failed", "cancelled")
CallbackState = Literal["none", "pending", "delivered", "failed"]

# The procrastinate tasks (catwalk.jobs.queue registers them under these names).
JOB_QUEUE = "video_jobs"
JOB_TASK = "catwalk.run_video_job"
CALLBACK_QUEUE = "callbacks"
CALLBACK_TASK = "catwalk.deliver_callback"

metadata = sa.MetaData()
video_jobs = sa.Table(
    "video_jobs", metadata,
    sa.Column("id", UUID(as_uuid=False), primary_key=True),
    sa.Column("tenant_id", UUID(as_uuid=False), nullable=False),
    sa.Column("idempotency_key", sa.Text),
    sa.Column("request", sa.LargeBinary, nullable=False),
    sa.Column("request_sha256", sa.LargeBinary, nullable=False),
    sa.Column("state", sa.Text, nullable=False),
    sa.Column("step", sa.Text, nullable=False),
    sa.Column("percent", sa.Float, nullable=False),
    sa.Column("eta_s", sa.Float, nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("result", JSONB),
    sa.Column("error", JSONB),
    sa.Column("cancel_requested", sa.Boolean, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("queue_job_id", sa.BigInteger),
    sa.Column("callback_url", sa.Text, nullable=False),
    sa.Column("callback_state", sa.Text, nullable=False),
    sa.Column("callback_attempts", sa.Integer, nullable=False),
    sa.Column("callback_error", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
_NOW = sa.func.clock_timestamp()


class IdempotencyConflict(Exception):
    """The idempotency key was used before with a different request."""

    def __init__(self, job_id: str) -> None:
        super().__init__(f"idempotency key already used for job {job_id} with a different request")
        self.job_id = job_id


class JobFinished(Exception):
    """The job is already in a final state (it cannot be cancelled)."""


@dataclass(frozen=True)
class JobRecord:
    id: str
    tenant_id: str
    idempotency_key: str | None
    request: bytes
    state: State
    step: str
    percent: float
    eta_s: float
    message: str
    result: dict[str, Any] | None
    error: dict[str, Any] | None
    cancel_requested: bool
    attempts: int
    callback_url: str
    callback_state: CallbackState
    callback_attempts: int
    callback_error: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def final(self) -> bool:
        return self.state in FINAL_STATES


_FIELDS = [c for c in video_jobs.c if c.name not in ("request_sha256", "queue_job_id")]


def _record(row: Any) -> JobRecord:
    values = row._mapping
    return JobRecord(**{c.name: values[c.name] for c in _FIELDS})


def fingerprint(request: bytes) -> bytes:
    return hashlib.sha256(request).digest()


def _defer(s: Session, queue: str, task: str, job_id: str, lock: str | None) -> int:
    """A procrastinate job inserted in the caller's transaction (the same SQL function
    procrastinate's own defer calls), so it exists exactly when the caller's rows do."""
    return int(s.execute(sa.text(
        "SELECT unnest(procrastinate_defer_jobs_v1(ARRAY[ROW(:queue, :task, 0, :lock, :qlock, "
        "CAST(:args AS jsonb), NULL)::procrastinate_job_to_defer_v1]))"),
        {"queue": queue, "task": task, "lock": lock, "qlock": lock, "args": json.dumps({"job_id": job_id})},
    ).scalar_one())


def create_job(s: Session, tenant_id: str, request: bytes, idempotency_key: str | None = None,
               callback_url: str = "") -> tuple[JobRecord, bool]:
    """(the job, True) for a new job, queued with its task; (the first job, False) when the
    tenant used `idempotency_key` before with the same request. IdempotencyConflict when
    the earlier request differs."""
    digest = fingerprint(request)
    job_id = str(uuid.uuid4())
    inserted = s.execute(
        sa.dialects.postgresql.insert(video_jobs).values(
            id=job_id, tenant_id=tenant_id, idempotency_key=idempotency_key or None, request=request,
            request_sha256=digest, callback_url=callback_url)
        .on_conflict_do_nothing(index_elements=["tenant_id", "idempotency_key"],
                                index_where=video_jobs.c.idempotency_key.isnot(None))
        .returning(video_jobs.c.id)).scalar_one_or_none()
    if inserted is None:  # a concurrent twin waits on the unique index, then lands here
        row = s.execute(sa.select(video_jobs).where(
            video_jobs.c.tenant_id == tenant_id, video_jobs.c.idempotency_key == idempotency_key)).one()
        if row.request_sha256 != digest:
            raise IdempotencyConflict(str(row.id))
        return _record(row), False
    queue_job_id = _defer(s, JOB_QUEUE, JOB_TASK, job_id, lock=job_id)
    row = s.execute(sa.update(video_jobs).where(video_jobs.c.id == job_id)
                    .values(queue_job_id=queue_job_id).returning(*video_jobs.c)).one()
    return _record(row), True


def get_job(s: Session, tenant_id: str | None, job_id: str) -> JobRecord | None:
    """The job, if it exists and belongs to `tenant_id` (None: any tenant, for the worker)."""
    query = sa.select(video_jobs).where(video_jobs.c.id == job_id)
    if tenant_id is not None:
        query = query.where(video_jobs.c.tenant_id == tenant_id)
    row = s.execute(query).one_or_none()
    return None if row is None else _record(row)


def _token(record: JobRecord) -> str:
    raw = json.dumps({"t": record.created_at.isoformat(), "id": record.id}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _position(token: str) -> tuple[dt.datetime, str]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        return dt.datetime.fromisoformat(raw["t"]), str(uuid.UUID(raw["id"]))
    except (ValueError, KeyError, TypeError):
        raise ValueError("page_token: not a token from a previous ListVideoJobs answer") from None


def list_jobs(s: Session, tenant_id: str, states: Sequence[State] = (), page_size: int = 20,
              page_token: str = "") -> tuple[list[JobRecord], str]:
    """One page of the tenant's jobs, newest first, and the token of the next page ("" at
    the end). Keyset paging: jobs created while paging never shift a page."""
    query = sa.select(video_jobs).where(video_jobs.c.tenant_id == tenant_id)
    if states:
        query = query.where(video_jobs.c.state.in_(list(states)))
    if page_token:
        created_at, job_id = _position(page_token)
        query = query.where(sa.tuple_(video_jobs.c.created_at, video_jobs.c.id)
                            < sa.tuple_(sa.literal(created_at), sa.cast(sa.literal(job_id), UUID)))
    rows = s.execute(query.order_by(video_jobs.c.created_at.desc(), video_jobs.c.id.desc())
                     .limit(page_size + 1)).all()
    records = [_record(r) for r in rows[:page_size]]
    return records, _token(records[-1]) if len(rows) > page_size else ""


def update_progress(s: Session, job_id: str, step: str, percent: float, eta_s: float, message: str) -> None:
    """Progress of a running job (the caller throttles how often)."""
    s.execute(sa.update(video_jobs).where(video_jobs.c.id == job_id, video_jobs.c.state == "running").values(
        step=step, percent=min(100.0, max(0.0, percent)), eta_s=max(0.0, eta_s), message=message[:1000],
        updated_at=_NOW))


def start_attempt(s: Session, job_id: str) -> JobRecord | None:
    """RUNNING, one more attempt; None when the job is final (cancelled while queued) or gone."""
    row = s.execute(sa.update(video_jobs).where(
        video_jobs.c.id == job_id, video_jobs.c.state.in_(["queued", "running"])).values(
        state="running", attempts=video_jobs.c.attempts + 1, updated_at=_NOW).returning(*video_jobs.c)
    ).one_or_none()
    return None if row is None else _record(row)


def finish(s: Session, job_id: str, state: State, result: dict[str, Any] | None = None,
           error: dict[str, Any] | None = None) -> JobRecord | None:
    """Final state, result or error; its callback task queued in the same transaction.
    None when the job was already final."""
    assert state in FINAL_STATES, state
    values: dict[str, Any] = {"state": state, "result": result, "error": error, "eta_s": 0.0, "updated_at": _NOW}
    if state == "succeeded":
        values["percent"] = 100.0
    row = s.execute(sa.update(video_jobs).where(
        video_jobs.c.id == job_id, video_jobs.c.state.notin_(list(FINAL_STATES))).values(**values)
        .returning(*video_jobs.c)).one_or_none()
    if row is None:
        return None
    record = _record(row)
    if record.callback_url:
        _defer(s, CALLBACK_QUEUE, CALLBACK_TASK, job_id, lock=None)
        s.execute(sa.update(video_jobs).where(video_jobs.c.id == job_id).values(callback_state="pending"))
    return get_job(s, None, job_id)


def request_cancel(s: Session, tenant_id: str, job_id: str) -> JobRecord | None:
    """A queued job, or one waiting for a retry, is cancelled at once (its queue task too); a
    running one is asked to stop (the worker reads `cancel_requested`). None: no such job for
    the tenant; JobFinished: final. A job cancelled here after an attempt may have partial
    outputs: the caller removes them."""
    row = s.execute(sa.select(video_jobs).where(video_jobs.c.id == job_id, video_jobs.c.tenant_id == tenant_id)
                    .with_for_update()).one_or_none()
    if row is None:
        return None
    if row.state in FINAL_STATES:
        raise JobFinished(f"job {job_id} is already {row.state}")
    s.execute(sa.update(video_jobs).where(video_jobs.c.id == job_id).values(cancel_requested=True, updated_at=_NOW))
    # Its task not taken by a worker (queued, or running but waiting for a retry): cancelled
    # now. A task already taken finds the job final, or reads cancel_requested, and stops.
    waiting = row.queue_job_id is not None and s.execute(
        sa.text("SELECT procrastinate_cancel_job_v1(:id, false, false)"), {"id": row.queue_job_id}).scalar()
    if row.state == "queued" or waiting:
        finish(s, job_id, "cancelled")
    return get_job(s, tenant_id, job_id)


def cancel_requested(s: Session, job_id: str) -> bool:
    return bool(s.execute(sa.select(video_jobs.c.cancel_requested).where(video_jobs.c.id == job_id)).scalar())


def record_callback(s: Session, job_id: str, state: CallbackState, error: str = "") -> None:
    """One delivery attempt's outcome."""
    s.execute(sa.update(video_jobs).where(video_jobs.c.id == job_id).values(
        callback_state=state, callback_attempts=video_jobs.c.callback_attempts + 1, callback_error=error[:1000]))
