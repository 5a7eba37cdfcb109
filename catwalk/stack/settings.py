"""Settings of the local stack, built once from the environment (a dict in tests)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


PORT_VARIABLES = ("CATWALK_POSTGRES_PORT", "CATWALK_S3_PORT", "CATWALK_TRITON_HTTP_PORT",
                  "CATWALK_TRITON_GRPC_PORT", "CATWALK_TRITON_METRICS_PORT",
                  "CATWALK_TEMPLATE_LIBRARY_PORT", "CATWALK_TEMPLATE_LIBRARY_METRICS_PORT",
                  "CATWALK_PRODUCT_PARSER_PORT", "CATWALK_PRODUCT_PARSER_METRICS_PORT",
                  "CATWALK_MEDIA_ASSEMBLER_PORT", "CATWALK_MEDIA_ASSEMBLER_METRICS_PORT",
                  "CATWALK_VIDEO_JOBS_PORT", "CATWALK_VIDEO_JOBS_METRICS_PORT")
# Where a client finds each service when not the local stack's (host:port); never inherited by a private stack.
SERVICE_URL_VARIABLES = ("CATWALK_TRITON_URL", "CATWALK_TEMPLATE_LIBRARY_URL", "CATWALK_PRODUCT_PARSER_URL",
                         "CATWALK_MEDIA_ASSEMBLER_URL", "CATWALK_VIDEO_JOBS_URL")


def private_environment(env: Mapping[str, str], home: Path) -> dict[str, str]:
    """`env` for a stack of its own (tests, benchmarks): its own home and free ports."""
    from catwalk.stack.process import free_port

    private = {k: v for k, v in env.items() if k not in SERVICE_URL_VARIABLES}
    private["CATWALK_HOME"] = str(home)
    ports: set[int] = set()
    while len(ports) < len(PORT_VARIABLES):
        ports.add(free_port())
    private.update(zip(PORT_VARIABLES, map(str, sorted(ports)), strict=True))
    return private


class SettingsError(ValueError):
    """A setting is malformed; names the environment variable."""


@dataclass(frozen=True)
class StackSettings:
    home: Path  # runtime data, logs and stack.json
    opt: Path  # what scripts/setup installed: the Triton server, test assets
    model_repository: Path
    models_venv: Path
    host: str
    postgres_port: int
    s3_port: int
    triton_http_port: int
    triton_grpc_port: int
    triton_metrics_port: int
    template_library_port: int
    template_library_metrics_port: int
    product_parser_port: int
    product_parser_metrics_port: int
    media_assembler_port: int
    media_assembler_metrics_port: int
    video_jobs_port: int
    video_jobs_metrics_port: int
    s3_access_key: str
    s3_secret_key: str
    buckets: tuple[str, ...]
    models: tuple[str, ...] | None  # None: every model in the repository
    start_timeout_s: float  # per component (per model for Triton)
    seed_library: bool  # render the starter templates when the library is empty

    @property
    def stack_file(self) -> Path:
        return self.home / "stack.json"

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    @property
    def data(self) -> Path:
        return self.home / "data"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> StackSettings:
        def port(name: str, default: int) -> int:
            raw = env.get(name, str(default))
            try:
                value = int(raw)
            except ValueError:
                raise SettingsError(f"{name}={raw!r} is not a port number") from None
            if not 1 <= value <= 65535:
                raise SettingsError(f"{name}={value} is outside 1..65535")
            return value

        def path(name: str, default: Path) -> Path:
            return Path(env.get(name, str(default))).resolve()

        models = env.get("CATWALK_MODELS", "").strip()
        timeout = env.get("CATWALK_START_TIMEOUT", "120")
        try:
            start_timeout_s = float(timeout)
        except ValueError:
            raise SettingsError(f"CATWALK_START_TIMEOUT={timeout!r} is not a number") from None
        return cls(
            home=path("CATWALK_HOME", REPO_ROOT / ".catwalk"),
            opt=path("CATWALK_OPT", REPO_ROOT / ".catwalk" / "opt"),
            model_repository=path("CATWALK_MODEL_REPOSITORY", REPO_ROOT / "model_repository"),
            models_venv=path("CATWALK_MODELS_VENV", REPO_ROOT / ".venv-models"),
            host=env.get("CATWALK_HOST", "127.0.0.1"),
            postgres_port=port("CATWALK_POSTGRES_PORT", 55432),
            s3_port=port("CATWALK_S3_PORT", 58333),
            triton_http_port=port("CATWALK_TRITON_HTTP_PORT", 58000),
            triton_grpc_port=port("CATWALK_TRITON_GRPC_PORT", 58001),
            triton_metrics_port=port("CATWALK_TRITON_METRICS_PORT", 58002),
            template_library_port=port("CATWALK_TEMPLATE_LIBRARY_PORT", 50051),
            template_library_metrics_port=port("CATWALK_TEMPLATE_LIBRARY_METRICS_PORT", 59051),
            product_parser_port=port("CATWALK_PRODUCT_PARSER_PORT", 50052),
            product_parser_metrics_port=port("CATWALK_PRODUCT_PARSER_METRICS_PORT", 59052),
            media_assembler_port=port("CATWALK_MEDIA_ASSEMBLER_PORT", 50053),
            media_assembler_metrics_port=port("CATWALK_MEDIA_ASSEMBLER_METRICS_PORT", 59053),
            video_jobs_port=port("CATWALK_VIDEO_JOBS_PORT", 50054),
            video_jobs_metrics_port=port("CATWALK_VIDEO_JOBS_METRICS_PORT", 59054),
            s3_access_key=env.get("CATWALK_S3_ACCESS_KEY", "catwalk"),
            s3_secret_key=env.get("CATWALK_S3_SECRET_KEY", "catwalk-local-secret"),
            buckets=("catwalk-library", "catwalk-jobs"),
            models=tuple(m.strip() for m in models.split(",") if m.strip()) or None,
            start_timeout_s=start_timeout_s,
            seed_library=env.get("CATWALK_SEED", "1").strip().lower() not in ("0", "false", "no"),
        )
