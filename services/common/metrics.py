"""Prometheus metrics of a service, in a registry of its own (importing registers nothing)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, ProcessCollector, start_http_server

LATENCY_BUCKETS_S = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)


class Metrics:
    """gRPC server metrics with the names of go-grpc-prometheus, so dashboards carry over."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        self.handled = Counter(
            "grpc_server_handled", "RPCs completed, by method and status code.",
            ["grpc_service", "grpc_method", "grpc_code"], registry=self.registry)
        self.latency = Histogram(
            "grpc_server_handling_seconds", "Time to answer an RPC, by method.",
            ["grpc_service", "grpc_method"], buckets=LATENCY_BUCKETS_S, registry=self.registry)

    def observe(self, service: str, method: str, code: str, seconds: float) -> None:
        self.handled.labels(service, method, code).inc()
        self.latency.labels(service, method).observe(seconds)

    def serve(self, host: str, port: int) -> None:
        """GET http://host:port/metrics from a daemon thread."""
        start_http_server(port, addr=host, registry=self.registry)
