"""Catwalk's own gRPC services as stack components: started after Triton with the stack's
endpoints in their environment, healthy when their gRPC health check answers SERVING."""

from __future__ import annotations

import os
import sys
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from catwalk.stack.errors import StackError
from catwalk.stack.postgres import dsn
from catwalk.stack.process import alive, spawn, stop_group, wait_until
from catwalk.stack.settings import REPO_ROOT, StackSettings

SHUTDOWN_GRACE_S = 5.0


def health_check(endpoint: str, service: str = "", timeout_s: float = 2.0) -> tuple[bool, str]:
    """(SERVING?, the status or why there is none) from grpc.health.v1 at host:port."""
    with grpc.insecure_channel(endpoint) as channel:
        try:
            answer = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service=service), timeout=timeout_s)
        except grpc.RpcError as exc:
            return False, f"not answering: {exc.code().name}"
    status = health_pb2.HealthCheckResponse.ServingStatus.Name(answer.status)
    return answer.status == health_pb2.HealthCheckResponse.SERVING, status


class _GrpcService:
    """`python -m services.<name>` over the stack's Postgres, S3 and Triton."""

    name = ""
    grpc_service = ""
    models: tuple[str, ...] = ()  # Triton models it calls: loaded even when CATWALK_MODELS names a subset
    module = ""  # what `python -m` runs; "" = services.<name>

    def __init__(self, settings: StackSettings) -> None:
        self.settings = settings
        self.log = settings.logs / f"{self.name}.log"
        self.endpoint = f"{settings.host}:{self.ports()[0]}"

    def ports(self) -> tuple[int, int]:
        """(gRPC port, metrics port): the settings `<name>_port` and `<name>_metrics_port`
        (CATWALK_<NAME>_PORT, CATWALK_<NAME>_METRICS_PORT)."""
        return getattr(self.settings, f"{self.name}_port"), getattr(self.settings, f"{self.name}_metrics_port")

    def environment(self) -> dict[str, str]:
        s = self.settings
        port, metrics_port = self.ports()
        env = dict(os.environ)
        env.update({
            "CATWALK_HOST": s.host,
            f"CATWALK_{self.name.upper()}_PORT": str(port),
            f"CATWALK_{self.name.upper()}_METRICS_PORT": str(metrics_port),
            "CATWALK_DATABASE_URL": dsn(s.host, s.postgres_port),
            "CATWALK_S3_URL": f"http://{s.host}:{s.s3_port}",
            "CATWALK_S3_ACCESS_KEY": s.s3_access_key,
            "CATWALK_S3_SECRET_KEY": s.s3_secret_key,
            "CATWALK_TRITON_URL": f"{s.host}:{s.triton_grpc_port}",
            "CATWALK_SHUTDOWN_GRACE": str(SHUTDOWN_GRACE_S),
        })
        return env

    def start(self) -> dict[str, Any]:
        s = self.settings
        before = self._before_spawn()
        pid = spawn([sys.executable, "-m", self.module or f"services.{self.name}"], self.log,
                    env=self.environment(), cwd=REPO_ROOT)
        record = {"pid": pid, "endpoint": self.endpoint, "log": str(self.log), **before}
        if self.ports():
            record["metrics"] = f"http://{s.host}:{self.ports()[1]}/metrics"
        try:
            if not wait_until(lambda: not alive(pid) or self.health(record)[0], s.start_timeout_s, 0.2):
                raise StackError(self.name, f"not healthy after {s.start_timeout_s:.0f}s "
                                 f"({self.health(record)[1]}); see {self.log}")
            if not alive(pid):
                raise StackError(self.name, f"exited while starting; see {self.log}")
        except BaseException:
            self.stop(record)
            raise
        return record

    def _before_spawn(self) -> dict[str, Any]:
        """What the record needs to know from before the process starts."""
        return {}

    def health(self, record: dict[str, Any]) -> tuple[bool, str]:
        return health_check(record["endpoint"], self.grpc_service)

    def stop(self, record: dict[str, Any]) -> None:
        if alive(record.get("pid")):
            stop_group(record["pid"], timeout_s=SHUTDOWN_GRACE_S + 5)


class TemplateLibrary(_GrpcService):
    name = "template_library"
    grpc_service = "catwalk.v1.TemplateLibrary"
    models = ("person_analysis",)  # ImportTemplate


class ProductParser(_GrpcService):
    """Its catalog is the stack's Postgres unless CATWALK_CATALOG_URL is in the environment."""

    name = "product_parser"
    grpc_service = "catwalk.v1.ProductParser"
    models = ("garment_segmenter",)


class MediaAssembler(_GrpcService):
    """Its health waits for every voice to load and for the music library's table."""

    name = "media_assembler"
    grpc_service = "catwalk.v1.MediaAssembler"


class VideoJobs(_GrpcService):
    name = "video_jobs"
    grpc_service = "catwalk.v1.VideoJobs"


class VideoJobsWorker(_GrpcService):
    """`python -m services.video_jobs.worker` with VideoJobs' environment and the endpoints of
    the services the flow calls; healthy while its process lives and its procrastinate worker
    row (registered after the spawn) has a fresh heartbeat."""

    name = "video_jobs_worker"
    module = "services.video_jobs.worker"
    models = ("tryon_video_tracks",)  # the flow's render step
    HEARTBEAT_FRESH_S = 30

    def __init__(self, settings: StackSettings) -> None:
        self.settings = settings
        self.log = settings.logs / f"{self.name}.log"
        # It listens on nothing: where it takes its tasks from stands in for an endpoint.
        self.endpoint = f"procrastinate on {settings.host}:{settings.postgres_port}"

    def ports(self) -> tuple[int, ...]:  # type: ignore[override]  # a worker listens on nothing
        return ()

    def environment(self) -> dict[str, str]:
        s = self.settings
        env = VideoJobs(s).environment()
        env.update({
            "CATWALK_TEMPLATE_LIBRARY_URL": f"{s.host}:{s.template_library_port}",
            "CATWALK_PRODUCT_PARSER_URL": f"{s.host}:{s.product_parser_port}",
            "CATWALK_MEDIA_ASSEMBLER_URL": f"{s.host}:{s.media_assembler_port}",
        })
        return env

    def _database(self) -> str:
        return dsn(self.settings.host, self.settings.postgres_port)

    def _before_spawn(self) -> dict[str, Any]:
        """The newest worker row so far: health waits for one registered after it."""
        import sqlalchemy as sa

        engine = sa.create_engine(self._database(), poolclass=sa.pool.NullPool)
        with engine.connect() as conn:
            before = conn.execute(sa.text("SELECT coalesce(max(id), 0) FROM procrastinate_workers")).scalar_one()
        engine.dispose()
        return {"workers_after": int(before)}

    def health(self, record: dict[str, Any]) -> tuple[bool, str]:
        import sqlalchemy as sa

        if not alive(record.get("pid")):
            return False, "process not running"
        engine = sa.create_engine(self._database(), poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                found = conn.execute(sa.text(
                    "SELECT count(*) FROM procrastinate_workers WHERE id > :after "
                    "AND last_heartbeat > now() - make_interval(secs => :fresh)"),
                    {"after": record.get("workers_after", 0), "fresh": self.HEARTBEAT_FRESH_S}).scalar_one()
        except sa.exc.SQLAlchemyError as exc:
            return False, f"database not answering: {type(exc).__name__}"
        finally:
            engine.dispose()
        return (True, "SERVING") if found else (False, "not registered with procrastinate")


SERVICES = (TemplateLibrary, ProductParser, MediaAssembler, VideoJobs, VideoJobsWorker)
SERVICE_MODELS = tuple(dict.fromkeys(m for service in SERVICES for m in service.models))
