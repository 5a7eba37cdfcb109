"""The caller's deadline, passed down: calls to Postgres, S3 and Triton get the time that is
left, so work the caller has given up on stops instead of running on."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextvars import ContextVar

from services.common.errors import DeadlineExceeded

# Monotonic time by which the current call must answer; None: the caller set no deadline.
_deadline: ContextVar[float | None] = ContextVar("catwalk_deadline", default=None)

NO_DEADLINE_S = 10**8  # grpc reports a call without deadline as "very long"


@contextlib.contextmanager
def call_deadline(remaining_s: float | None) -> Iterator[None]:
    """Set by the interceptor for the duration of one call."""
    token = _deadline.set(None if remaining_s is None or remaining_s > NO_DEADLINE_S
                          else time.monotonic() + remaining_s)
    try:
        yield
    finally:
        _deadline.reset(token)


def remaining_s(cap_s: float) -> float:
    """Seconds a downstream call may take: what is left of the caller's deadline, at most cap_s
    (our own limit for that dependency). Raises DeadlineExceeded when nothing is left."""
    deadline = _deadline.get()
    if deadline is None:
        return cap_s
    left = deadline - time.monotonic()
    if left <= 0:
        raise DeadlineExceeded("the caller's deadline passed before the work was done")
    return min(left, cap_s)
