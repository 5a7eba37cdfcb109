"""VideoJobs on the session stack: a database of its own (migrated to head, so the suite's
jobs never reach the stack's worker), a VideoJobs server on it, a worker that delivers only
callbacks (short backoff), and tenants with keys."""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import pytest

from tests.library.conftest import alembic, create_database, drop_database

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def jobs_dsn(stack) -> Iterator[str]:
    from catwalk.library import db

    name = f"jobs_test_{uuid.uuid4().hex[:8]}"
    dsn = create_database(stack.database_url, name)
    alembic(dsn, "upgrade", "head")
    try:
        yield dsn
    finally:
        db.dispose(dsn)
        drop_database(stack.database_url, name)


def _environment(stack, jobs_dsn: str, **extra: str) -> dict[str, str]:
    from catwalk.stack.process import free_port
    from catwalk.stack.services import VideoJobs

    env = VideoJobs(stack.settings).environment()
    env.update(CATWALK_DATABASE_URL=jobs_dsn, CATWALK_VIDEO_JOBS_PORT=str(free_port()),
               CATWALK_VIDEO_JOBS_METRICS_PORT=str(free_port()), CATWALK_HEALTH_INTERVAL="0.5", **extra)
    return env


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


@pytest.fixture(scope="session")
def jobs_endpoint(stack, jobs_dsn, tmp_path_factory) -> Iterator[str]:
    """A VideoJobs server on the suite's database, SERVING."""
    from catwalk.stack.services import health_check

    env = _environment(stack, jobs_dsn)
    endpoint = f"{env['CATWALK_HOST']}:{env['CATWALK_VIDEO_JOBS_PORT']}"
    log = tmp_path_factory.mktemp("video_jobs") / "server.log"
    with open(log, "ab") as out:
        proc = subprocess.Popen([sys.executable, "-m", "services.video_jobs"], env=env, cwd=REPO,
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not health_check(endpoint, "catwalk.v1.VideoJobs")[0]:
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"VideoJobs not SERVING: {log.read_text()}"
            time.sleep(0.2)
        yield endpoint
    finally:
        _stop(proc)


@pytest.fixture(scope="session")
def callback_worker(stack, jobs_dsn, tmp_path_factory) -> Iterator[Path]:
    """A worker on the suite's database taking only callback tasks, retrying after 1 s."""
    env = _environment(stack, jobs_dsn, CATWALK_WORKER_QUEUES="callbacks", CATWALK_CALLBACK_BACKOFF="1",
                       CATWALK_CALLBACK_ATTEMPTS="4")
    log = tmp_path_factory.mktemp("video_jobs_worker") / "worker.log"
    with open(log, "ab") as out:
        proc = subprocess.Popen([sys.executable, "-m", "services.video_jobs.worker"], env=env, cwd=REPO,
                                stdout=out, stderr=subprocess.STDOUT)
    time.sleep(1.0)
    assert proc.poll() is None, log.read_text()
    try:
        yield log
    finally:
        _stop(proc)


@pytest.fixture(scope="session")
def channel(jobs_endpoint) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(jobs_endpoint) as channel:
        yield channel


@pytest.fixture(scope="session")
def jobs(channel):
    from catwalk.v1 import video_jobs_pb2_grpc

    return video_jobs_pb2_grpc.VideoJobsStub(channel)


@dataclass(frozen=True)
class Tenant:
    id: str
    key: str
    callback_secret: str

    @property
    def auth(self) -> tuple[tuple[str, str]]:
        return (("x-api-key", self.key),)


def new_tenant(dsn: str) -> Tenant:
    from catwalk.jobs import tenants

    made = tenants.create_key_with_secret(dsn, f"tenant-{uuid.uuid4().hex[:8]}")
    return Tenant(made.tenant_id, made.key, made.callback_secret)


@pytest.fixture
def tenant(jobs_dsn) -> Tenant:
    """A fresh tenant (no jobs yet) and its key."""
    return new_tenant(jobs_dsn)


@dataclass
class Receiver:
    """A local endpoint answering the statuses in `answers` in turn (then 200)."""

    answers: list[int] = field(default_factory=list)
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append((dict(self.headers), body))
            status = state.answers.pop(0) if state.answers else 200
            self.send_response(status)
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/catwalk"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield state
    finally:
        server.shutdown()
