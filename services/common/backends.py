"""What every service's process talks to (the stack's Postgres, S3 and Triton), read once from
the environment `catwalk up` sets, and the health checks on them that services share."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from minio import Minio

from catwalk.library.db import session
from catwalk.stack.s3 import s3_client
from services.common.settings import Env


@dataclass(frozen=True)
class Backends:
    database_url: str
    s3_url: str
    s3_access_key: str
    s3_secret_key: str
    triton_url: str

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Backends:
        e = Env(env)
        return cls(
            database_url=e.text("CATWALK_DATABASE_URL"),
            s3_url=e.text("CATWALK_S3_URL"),
            s3_access_key=e.text("CATWALK_S3_ACCESS_KEY", "catwalk"),
            s3_secret_key=e.text("CATWALK_S3_SECRET_KEY"),
            triton_url=e.text("CATWALK_TRITON_URL"),
        )

    def s3(self) -> Minio:
        return s3_client(self.s3_url, self.s3_access_key, self.s3_secret_key)


def tables_check(dsn: str, *tables: str) -> Callable[[], None]:
    """Health: the database answers within 2 s and is migrated (the tables exist)."""
    def postgres() -> None:  # the name health logs give a failing check
        with session(dsn) as s:
            s.execute(sa.text("SET LOCAL statement_timeout = 2000"))  # a stuck database must not stall health
            for table in tables:
                s.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1"))
    return postgres


def bucket_check(s3: Minio, bucket: str) -> Callable[[], None]:
    """Health: the bucket the service reads and writes exists."""
    def s3_bucket() -> None:
        if not s3.bucket_exists(bucket):
            raise RuntimeError(f"bucket {bucket} is missing")
    return s3_bucket
