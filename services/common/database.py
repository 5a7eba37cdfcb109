"""A database session bound to the caller's deadline: each statement stops when the time
left runs out (PostgreSQL's statement_timeout, set for this transaction only), and a
database that does not answer is UNAVAILABLE, not INTERNAL."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import Session

from catwalk.library.db import session
from services.common.deadlines import remaining_s
from services.common.errors import DeadlineExceeded, Unavailable

DB_CAP_S = 10.0  # our own limit on a transaction's statements when the caller sets no deadline


@contextlib.contextmanager
def deadline_session(dsn: str, cap_s: float = DB_CAP_S) -> Iterator[Session]:
    try:
        with session(dsn) as s:
            timeout_ms = max(1, int(remaining_s(cap_s) * 1000))
            s.execute(sa.text("SELECT set_config('statement_timeout', :ms, true)"), {"ms": str(timeout_ms)})
            yield s
    except sa.exc.OperationalError as exc:
        if "statement timeout" in str(exc.orig):
            raise DeadlineExceeded("the caller's deadline passed during a database query") from None
        raise Unavailable(f"the database is not answering: {str(exc.orig).strip()}") from None
