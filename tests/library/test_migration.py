"""The library migration goes up, down and up again on a fresh database, leaving the same
tables, seed data and triggers each time."""

from __future__ import annotations

import uuid

from sqlalchemy import create_engine, text

from tests.library.conftest import alembic, create_database, drop_database


def _tables(dsn: str) -> dict[str, int]:
    engine = create_engine(dsn)
    try:
        with engine.connect() as conn:
            names = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                      "AND tablename <> 'alembic_version'")).scalars().all()
            return {n: conn.execute(text(f'SELECT count(*) FROM "{n}"')).scalar_one() for n in sorted(names)}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade(stack):
    name = f"migration_test_{uuid.uuid4().hex[:8]}"
    dsn = create_database(stack.database_url, name)
    try:
        alembic(dsn, "upgrade", "head")
        first = _tables(dsn)
        assert first["tag_dimensions"] >= 30 and first["rules"] == 3 and first["templates"] == 0
        assert first["library_state"] == 1
        alembic(dsn, "downgrade", "0001")
        assert _tables(dsn) == {}
        alembic(dsn, "downgrade", "base")
        alembic(dsn, "upgrade", "head")
        assert _tables(dsn) == first
        engine = create_engine(dsn)
        with engine.begin() as conn:  # the version trigger works after the round trip
            before = conn.execute(text("SELECT templates_version FROM library_state")).scalar_one()
            conn.execute(text("INSERT INTO templates (name) VALUES ('x')"))
            assert conn.execute(text("SELECT templates_version FROM library_state")).scalar_one() == before + 1
        engine.dispose()
    finally:
        drop_database(stack.database_url, name)
