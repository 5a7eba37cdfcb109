"""The one entry point of VideoJobs: settings from the environment, clients, serve."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from catwalk.v1 import video_jobs_pb2, video_jobs_pb2_grpc
from services.common.backends import Backends, bucket_check, tables_check
from services.common.server import Service, serve
from services.common.settings import Env, ServerSettings
from services.video_jobs.convert import JOBS_BUCKET
from services.video_jobs.servicer import VideoJobsServicer

SERVICE_NAME = video_jobs_pb2.DESCRIPTOR.services_by_name["VideoJobs"].full_name
TABLES = ("tenants", "api_keys", "video_jobs", "procrastinate_jobs", "procrastinate_workers")


@dataclass(frozen=True)
class Settings:
    server: ServerSettings
    backends: Backends
    url_ttl_s: float  # presigned URLs of results live this long

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        return cls(server=ServerSettings.from_env(env, "video_jobs", port=50054, metrics_port=59054),
                   backends=Backends.from_env(env),
                   url_ttl_s=Env(env).number("CATWALK_URL_TTL_S", 3600, minimum=1))


def main(env: Mapping[str, str] = os.environ) -> None:
    settings = Settings.from_env(env)
    backends = settings.backends
    s3 = backends.s3()
    servicer = VideoJobsServicer(backends.database_url, s3, settings.url_ttl_s)
    serve(settings.server, [Service(
        name=SERVICE_NAME,
        add=lambda server: video_jobs_pb2_grpc.add_VideoJobsServicer_to_server(servicer, server),
        checks=(tables_check(backends.database_url, *TABLES), bucket_check(s3, JOBS_BUCKET)),
    )])
