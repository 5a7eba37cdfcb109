"""`catwalk up | down | status`: start, stop and inspect the local stack.

Components start in order (PostgreSQL, S3, Triton, the services) and stop in reverse. Each record
(pid, endpoint, log) goes to stack.json as soon as the component is up, so `down` can
always clean up what a failed `up` left behind.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

from catwalk.stack.errors import StackError
from catwalk.stack.postgres import Postgres
from catwalk.stack.process import alive, port_in_use
from catwalk.stack.s3 import S3, s3_client
from catwalk.stack.services import SERVICES
from catwalk.stack.settings import REPO_ROOT, StackSettings, private_environment
from catwalk.stack.triton import Triton

Report = Callable[[str], None]


class Component(Protocol):
    name: str

    def start(self) -> dict[str, Any]: ...
    def health(self, record: dict[str, Any]) -> tuple[bool, str]: ...
    def stop(self, record: dict[str, Any]) -> None: ...


@dataclass(frozen=True)
class ComponentStatus:
    name: str
    running: bool
    healthy: bool
    pid: int | None
    endpoint: str | None
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def components(settings: StackSettings) -> list[Component]:
    return [Postgres(settings), S3(settings), Triton(settings), *(service(settings) for service in SERVICES)]


def read_stack(settings: StackSettings) -> dict[str, Any]:
    try:
        return json.loads(settings.stack_file.read_text())
    except FileNotFoundError:
        return {"components": {}}


def _write_stack(settings: StackSettings, stack: dict[str, Any]) -> None:
    settings.home.mkdir(parents=True, exist_ok=True)
    tmp = settings.stack_file.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(stack, indent=2) + "\n")
    os.replace(tmp, settings.stack_file)  # never a half-written stack.json


def _ports(settings: StackSettings) -> dict[str, list[int]]:
    return {
        "postgres": [settings.postgres_port],
        "s3": [settings.s3_port],
        "triton": [settings.triton_http_port, settings.triton_grpc_port, settings.triton_metrics_port],
        **{service.name: list(service(settings).ports()) for service in SERVICES},
    }


def migrate(dsn: str) -> None:
    """alembic upgrade head on the stack's database."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(REPO_ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", dsn)
    command.upgrade(config, "head")


def up(settings: StackSettings, report: Report = lambda _: None) -> dict[str, Any]:
    """Start what is not running; leave healthy components as they are."""
    stack = read_stack(settings)
    stack.update(home=str(settings.home), host=settings.host)
    for component in components(settings):
        record = stack["components"].get(component.name)
        if record and alive(record.get("pid")) and component.health(record)[0]:
            report(f"{component.name}: already running (pid {record['pid']})")
            continue
        started = time.monotonic()
        try:
            busy = [p for p in _ports(settings)[component.name] if port_in_use(settings.host, p)]
            if busy:
                raise StackError(component.name, f"port(s) {busy} on {settings.host} already in use "
                                 "(another stack? set CATWALK_*_PORT)")
            report(f"{component.name}: starting")
            record = component.start()
        except BaseException:  # a failure or Ctrl-C: a failed up leaves nothing running
            _write_stack(settings, stack)
            down(settings)
            raise
        stack["components"][component.name] = record
        _write_stack(settings, stack)
        if component.name == "postgres":
            report("postgres: alembic upgrade head")
            migrate(record["endpoint"])
        report(f"{component.name}: up in {time.monotonic() - started:.1f}s at {record['endpoint']}")
    if settings.seed_library:
        _seed_if_empty(settings, stack, report)
    return stack


def _seed_if_empty(settings: StackSettings, stack: dict[str, Any], report: Report) -> None:
    """A fresh library gets the studio's starter templates, so the first job has templates,
    and an empty music library its generated tracks, so the first video has music."""
    from catwalk.library.db import session
    from catwalk.library.seed import seed_library
    from catwalk.library.templates import count_templates
    from catwalk.media.music.library import count_tracks, seed_music

    dsn = stack["components"]["postgres"]["endpoint"]
    s3 = s3_client(stack["components"]["s3"]["endpoint"], settings.s3_access_key, settings.s3_secret_key)
    if count_tracks(dsn) == 0:
        started = time.monotonic()
        report("music: empty, generating the starter tracks (CATWALK_SEED=0 skips)")
        added = seed_music(dsn, s3, report=lambda line: report(f"music: {line}"))
        report(f"music: {added} starter tracks in {time.monotonic() - started:.0f}s")
    with session(dsn) as s:
        if count_templates(s) > 0:
            return
    started = time.monotonic()
    report("library: empty, rendering the starter templates (CATWALK_SEED=0 skips)")
    added = seed_library(dsn, s3, report=lambda line: report(f"library: {line}"))
    report(f"library: {added} starter templates in {time.monotonic() - started:.0f}s")


@contextmanager
def private_stack(report: Report = lambda _: None, **env: str) -> Iterator[dict[str, Any]]:
    """A stack of its own (a temporary home, free ports; `env` adds settings such as
    CATWALK_MODELS) for a benchmark: its record while it runs, stopped and removed after."""
    with tempfile.TemporaryDirectory(prefix="catwalk-stack-") as home:
        settings = StackSettings.from_env({**private_environment(os.environ, Path(home)), **env})
        report(f"starting a stack of its own in {home}")
        try:
            yield up(settings)
        finally:
            down(settings)


def down(settings: StackSettings, report: Report = lambda _: None) -> None:
    stack = read_stack(settings)
    for component in reversed(components(settings)):
        record = stack["components"].pop(component.name, None)
        if record is None:
            continue
        report(f"{component.name}: stopping")
        component.stop(record)
        _write_stack(settings, stack)
    settings.stack_file.unlink(missing_ok=True)


def status(settings: StackSettings) -> list[ComponentStatus]:
    stack = read_stack(settings)
    result = []
    for component in components(settings):
        record = stack["components"].get(component.name)
        if record is None:
            result.append(ComponentStatus(component.name, False, False, None, None, "not started"))
            continue
        running = alive(record.get("pid"))
        healthy, detail = component.health(record) if running else (False, "process not running")
        result.append(ComponentStatus(
            component.name, running, healthy, record.get("pid"), record.get("endpoint"), detail))
    return result
