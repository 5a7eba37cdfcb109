"""Migration 0005 applies procrastinate's schema with our tables and removes all of it."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from tests.library.conftest import alembic, create_database, drop_database


def test_downgrade_removes_the_jobs_tables_and_procrastinate(stack):
    name = f"jobs_migration_{uuid.uuid4().hex[:8]}"
    dsn = create_database(stack.database_url, name)
    try:
        alembic(dsn, "upgrade", "head")
        engine = sa.create_engine(dsn, poolclass=sa.pool.NullPool)

        def names() -> set[str]:
            with engine.connect() as conn:
                return set(conn.execute(sa.text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' UNION "
                    "SELECT proname FROM pg_proc WHERE proname LIKE 'procrastinate%' UNION "
                    "SELECT typname FROM pg_type WHERE typname LIKE 'procrastinate%'")).scalars())

        assert {"tenants", "api_keys", "video_jobs", "procrastinate_jobs", "procrastinate_defer_jobs_v1"} <= names()
        alembic(dsn, "downgrade", "0004")
        left = names()
        assert not {n for n in left if n.startswith("procrastinate")} and not {"tenants", "video_jobs"} & left
        assert "music_tracks" in left
        alembic(dsn, "upgrade", "head")  # and back again
        assert "procrastinate_jobs" in names()
        engine.dispose()
    finally:
        drop_database(stack.database_url, name)
