"""A database of the library's own on the session stack's PostgreSQL: migrated once, its
templates and rules reset before each test, so tests never see each other's rows and
never touch the stack's `catwalk` database that other suites use."""

from __future__ import annotations

import importlib.util
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MIGRATION = REPO / "migrations" / "versions" / "0002_template_library.py"


def migration_module():
    spec = importlib.util.spec_from_file_location("migration_0002", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def create_database(server_dsn: str, name: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(make_url(server_dsn).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server_dsn).set(database=name).render_as_string(hide_password=False)


def drop_database(server_dsn: str, name: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(make_url(server_dsn).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def alembic(dsn: str, action: str, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(REPO / "migrations"))
    config.set_main_option("sqlalchemy.url", dsn)
    getattr(command, action)(config, revision)


@pytest.fixture(scope="session")
def library_dsn(stack) -> Iterator[str]:
    from catwalk.library import db

    name = f"library_test_{uuid.uuid4().hex[:8]}"
    dsn = create_database(stack.database_url, name)
    alembic(dsn, "upgrade", "head")
    try:
        yield dsn
    finally:
        db.dispose(dsn)
        drop_database(stack.database_url, name)


@pytest.fixture
def dsn(library_dsn: str) -> str:
    """The test database with no templates and exactly the seeded rules."""
    from sqlalchemy import text

    from catwalk.library import db

    rules = migration_module().RULES
    with db.session(library_dsn) as s:
        s.execute(text("TRUNCATE templates"))
        s.execute(text("DELETE FROM rules"))
        s.execute(text("INSERT INTO rules (name, expression, severity, weight, description) "
                       "VALUES (:n, :e, :s, :w, :d)"),
                  [dict(n=n, e=e, s=sev, w=w, d=d) for n, e, sev, w, d in rules])
    return library_dsn


def template(name: str, descriptor: list[float] | None = None, status: str = "ready", **tags):
    """A template record for tests: only tags that matter to the test, plausible media fields."""
    from catwalk.library import TemplateRecord

    assets = {"video": f"templates/{name}/video.mp4", "thumbnail": f"templates/{name}/thumb.jpg"}
    return TemplateRecord("", name, status, tags, assets, descriptor, 4.0, 30.0, 720, 1280)
