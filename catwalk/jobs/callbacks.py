"""Callbacks: when a job with a `callback_url` finishes, the finished VideoJob (JSON, as
google.protobuf.json_format writes it) is POSTed there, signed with the tenant's callback
secret (shown by `catwalk keys create`).

Headers: `X-Catwalk-Job: <job id>` and `X-Catwalk-Signature: t=<unix seconds>,v1=<hex>`,
where hex = HMAC-SHA256(secret, "<t>.<body>"). To verify, a receiver takes `t` and `v1`
from the header, computes the HMAC over the string `t`, a dot and the raw body bytes
exactly as received, compares it with `v1` in constant time (hmac.compare_digest), and
refuses a `t` older than a few minutes (replays). `verify` below does exactly that.

A delivery that gets no 2xx answer (or no answer) raises DeliveryFailed; the procrastinate
task (catwalk.jobs.queue) retries it with exponential backoff, and the outcome of every
attempt is recorded on the job (`callback_state`, `callback_attempts`, `callback_error`).
"""

from __future__ import annotations

import hashlib
import hmac
import time
import urllib.error
import urllib.request

TIMEOUT_S = 10.0
SIGNATURE_HEADER = "X-Catwalk-Signature"
JOB_HEADER = "X-Catwalk-Job"
TOLERANCE_S = 300


class DeliveryFailed(Exception):
    """The receiver did not answer 2xx; worth retrying."""


def sign(secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, body: bytes, header: str, now: float | None = None, tolerance_s: int = TOLERANCE_S) -> bool:
    """True when `header` is a valid, recent signature of `body` under `secret`."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance_s:
        return False
    expected = sign(secret, body, timestamp).partition(",v1=")[2]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def post(url: str, job_id: str, body: bytes, secret: str, timeout_s: float = TIMEOUT_S) -> int:
    """POST the signed body; the status on 2xx, DeliveryFailed otherwise."""
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", JOB_HEADER: job_id,
        SIGNATURE_HEADER: sign(secret, body, int(time.time())), "User-Agent": "catwalk-callbacks/1"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as answer:  # the URL was checked at create
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        raise DeliveryFailed(f"{url} answered {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryFailed(f"{url} did not answer: {getattr(exc, 'reason', exc)}") from None


def deliver_callback(dsn: str, job_id: str, body: bytes, last_attempt: bool) -> None:
    """One delivery attempt of a finished job's callback, its outcome recorded on the job.
    Raises DeliveryFailed (for the queue to retry) unless it was delivered."""
    from catwalk.jobs import store, tenants
    from catwalk.library.db import session

    with session(dsn) as s:
        record = store.get_job(s, None, job_id)
    if record is None or not record.callback_url:
        return
    secret = tenants.callback_secret(dsn, record.tenant_id)
    try:
        post(record.callback_url, job_id, body, secret)
    except DeliveryFailed as exc:
        with session(dsn) as s:
            store.record_callback(s, job_id, "failed" if last_attempt else "pending", str(exc))
        raise
    with session(dsn) as s:
        store.record_callback(s, job_id, "delivered")
