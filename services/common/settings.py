"""Typed settings read once from the environment (a dict in tests); names are CATWALK_*."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


class SettingsError(ValueError):
    """A setting is missing or malformed; names the environment variable."""


class Env:
    """Reads CATWALK_* variables from a mapping, naming the variable when one is wrong."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env

    def text(self, name: str, default: str | None = None) -> str:
        value = self.env.get(name, default)
        if value is None or value == "":
            raise SettingsError(f"{name} is not set")
        return value

    def number(self, name: str, default: float, minimum: float = 0.0) -> float:
        raw = self.env.get(name, str(default))
        try:
            value = float(raw)
        except ValueError:
            raise SettingsError(f"{name}={raw!r} is not a number") from None
        if value < minimum:
            raise SettingsError(f"{name}={value:g} is below {minimum:g}")
        return value

    def port(self, name: str, default: int) -> int:
        value = self.number(name, default)
        if not value.is_integer() or not 1 <= value <= 65535:
            raise SettingsError(f"{name}={self.env.get(name)!r} is not a port number")
        return int(value)


@dataclass(frozen=True)
class ServerSettings:
    """What every gRPC service needs to serve; `name` is e.g. "template_library"."""

    name: str
    host: str
    port: int
    metrics_port: int
    workers: int  # threads handling calls
    max_message_bytes: int
    min_deadline_s: float  # calls arriving with less time left are refused at once
    grace_s: float  # on SIGTERM: in-flight calls get this long to finish
    drain_s: float  # on SIGTERM: health says NOT_SERVING this long before new calls are refused
    health_interval_s: float  # how often dependencies are checked
    log_level: str

    @classmethod
    def from_env(cls, env: Mapping[str, str], name: str, port: int, metrics_port: int) -> ServerSettings:
        e = Env(env)
        prefix = f"CATWALK_{name.upper()}"
        return cls(
            name=name,
            host=e.text("CATWALK_HOST", "127.0.0.1"),
            port=e.port(f"{prefix}_PORT", port),
            metrics_port=e.port(f"{prefix}_METRICS_PORT", metrics_port),
            workers=int(e.number("CATWALK_GRPC_WORKERS", 8, minimum=1)),
            max_message_bytes=int(e.number("CATWALK_GRPC_MAX_MESSAGE_MB", 16, minimum=1) * 2**20),
            min_deadline_s=e.number("CATWALK_GRPC_MIN_DEADLINE_MS", 20) / 1000,
            grace_s=e.number("CATWALK_SHUTDOWN_GRACE", 10),
            drain_s=e.number("CATWALK_SHUTDOWN_DRAIN", 0),
            health_interval_s=e.number("CATWALK_HEALTH_INTERVAL", 5, minimum=0.1),
            log_level=e.text("CATWALK_LOG_LEVEL", "info").lower(),
        )
