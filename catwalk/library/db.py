"""Engines and sessions for the library's PostgreSQL: one pooled engine per DSN, so every
caller in a process shares connections; a session commits on success, rolls back on error."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

_lock = threading.Lock()
_engines: dict[str, Engine] = {}
_makers: dict[str, sessionmaker[Session]] = {}


def engine(dsn: str) -> Engine:
    """The process's engine for `dsn` (created on first use; pool_pre_ping survives a
    restarted database)."""
    with _lock:
        found = _engines.get(dsn)
        if found is None:
            found = _engines[dsn] = create_engine(dsn, pool_pre_ping=True, pool_size=5, max_overflow=10)
            _makers[dsn] = sessionmaker(found, expire_on_commit=False)
        return found


@contextmanager
def session(dsn: str) -> Iterator[Session]:
    """A unit of work: committed when the block ends normally, rolled back when it raises."""
    engine(dsn)
    with _makers[dsn]() as s:
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise


def dispose(dsn: str | None = None) -> None:
    """Close pooled connections (all engines when `dsn` is None), e.g. before dropping a database."""
    with _lock:
        for key in [dsn] if dsn is not None else list(_engines):
            found = _engines.pop(key, None)
            _makers.pop(key, None)
            if found is not None:
                found.dispose()
