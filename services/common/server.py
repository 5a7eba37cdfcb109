"""`serve`: run one gRPC service until SIGTERM/SIGINT, the way every Catwalk service runs.

Health tells the truth: every service name is NOT_SERVING until all of the service's
dependency checks pass (re-checked every `health_interval_s`), and NOT_SERVING again from
the moment shutdown starts, so load balancers drain it before in-flight calls are cut.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent import futures
from dataclasses import dataclass

import grpc
import structlog
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from services.common.interceptor import ServiceInterceptor
from services.common.logs import configure_logging
from services.common.metrics import Metrics
from services.common.settings import ServerSettings

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING

log = structlog.get_logger("catwalk.server")


@dataclass(frozen=True)
class Service:
    """One gRPC service to host: its full name, how to add it, what it needs to be healthy."""

    name: str  # e.g. "catwalk.v1.TemplateLibrary"
    add: Callable[[grpc.Server], None]
    checks: Sequence[Callable[[], None]] = ()  # each raises when its dependency does not answer


class _HealthLoop:
    """Sets each service's health from its checks, until shutdown."""

    def __init__(self, servicer: health.HealthServicer, services: Sequence[Service], interval_s: float) -> None:
        self.servicer = servicer
        self.services = services
        self.interval_s = interval_s
        self.stopping = threading.Event()
        self.last: dict[str, str | None] = {}

    def check_once(self) -> None:
        overall = True
        for service in self.services:
            problem = None
            for check in service.checks:
                try:
                    check()
                except Exception as exc:
                    problem = f"{getattr(check, '__name__', 'check')}: {exc}"
                    break
            if self.stopping.is_set():
                return
            if self.last.get(service.name, "unset") != problem:
                (log.warning if problem else log.info)("health", grpc_service=service.name,
                                                       status="NOT_SERVING" if problem else "SERVING",
                                                       problem=problem)
                self.last[service.name] = problem
            self.servicer.set(service.name, NOT_SERVING if problem else SERVING)
            overall = overall and problem is None
        self.servicer.set("", SERVING if overall else NOT_SERVING)

    def run(self) -> None:
        while not self.stopping.is_set():
            self.check_once()
            self.stopping.wait(self.interval_s)


class Running:
    """A started server: its health servicer and metrics, and how to stop it gracefully."""

    def __init__(self, settings: ServerSettings, services: Sequence[Service]) -> None:
        self.settings = settings
        self.metrics = Metrics()
        self.server = grpc.server(
            futures.ThreadPoolExecutor(max_workers=settings.workers, thread_name_prefix="rpc"),
            interceptors=[ServiceInterceptor(self.metrics, settings.min_deadline_s)],
            options=[
                ("grpc.max_receive_message_length", settings.max_message_bytes),
                ("grpc.max_send_message_length", settings.max_message_bytes),
                ("grpc.so_reuseport", 0),  # a second server on the same port must fail, not share it
            ],
        )
        self.health = health.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        for service in services:
            self.health.set(service.name, NOT_SERVING)
            service.add(self.server)
        self.health.set("", NOT_SERVING)
        reflection.enable_server_reflection(
            [s.name for s in services] + [health.SERVICE_NAME, reflection.SERVICE_NAME], self.server)
        self.address = f"{settings.host}:{settings.port}"
        if self.server.add_insecure_port(self.address) == 0:
            raise SystemExit(f"{settings.name}: cannot listen on {self.address} (port in use?)")
        self.metrics.serve(settings.host, settings.metrics_port)
        self.server.start()
        log.info("serving", address=self.address, services=[s.name for s in services],
                 metrics=f"http://{settings.host}:{settings.metrics_port}/metrics")
        self.loop = _HealthLoop(self.health, services, settings.health_interval_s)
        threading.Thread(target=self.loop.run, name="health", daemon=True).start()

    def stop(self) -> None:
        """Health NOT_SERVING first and, for `drain_s` (CATWALK_SHUTDOWN_DRAIN: set it to the load
        balancer's health-check period in production), new calls are still served while callers
        move away; then in-flight calls get the grace time."""
        log.info("stopping", drain_s=self.settings.drain_s, grace_s=self.settings.grace_s)
        self.loop.stopping.set()
        self.health.enter_graceful_shutdown()
        time.sleep(self.settings.drain_s)
        self.server.stop(self.settings.grace_s).wait()
        log.info("stopped")


def serve(settings: ServerSettings, services: Sequence[Service]) -> None:
    """Serve until SIGTERM or SIGINT, then stop gracefully."""
    configure_logging(settings.name, settings.log_level)
    running = Running(settings, services)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, _frame: stop.set())
    while not stop.wait(0.5):
        pass
    running.stop()
