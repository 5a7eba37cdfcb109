"""The one entry point of TemplateLibrary: settings from the environment, clients, serve."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa

from catwalk.library.db import session
from catwalk.library.schema import ASSET_BUCKET
from catwalk.stack.s3 import s3_client
from catwalk.v1 import template_library_pb2, template_library_pb2_grpc
from services.common.server import Service, serve
from services.common.settings import Env, ServerSettings
from services.template_library.servicer import TemplateLibraryServicer

SERVICE_NAME = template_library_pb2.DESCRIPTOR.services_by_name["TemplateLibrary"].full_name


@dataclass(frozen=True)
class Settings:
    server: ServerSettings
    database_url: str
    s3_url: str
    s3_access_key: str
    s3_secret_key: str
    triton_url: str

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        e = Env(env)
        return cls(
            server=ServerSettings.from_env(env, "template_library", port=50051, metrics_port=59051),
            database_url=e.text("CATWALK_DATABASE_URL"),
            s3_url=e.text("CATWALK_S3_URL"),
            s3_access_key=e.text("CATWALK_S3_ACCESS_KEY", "catwalk"),
            s3_secret_key=e.text("CATWALK_S3_SECRET_KEY"),
            triton_url=e.text("CATWALK_TRITON_URL"),
        )


def main(env: Mapping[str, str] = os.environ) -> None:
    settings = Settings.from_env(env)
    s3 = s3_client(settings.s3_url, settings.s3_access_key, settings.s3_secret_key)
    servicer = TemplateLibraryServicer(settings.database_url, s3, settings.triton_url)

    def postgres() -> None:
        with session(settings.database_url) as s:
            s.execute(sa.text("SET LOCAL statement_timeout = 2000"))  # a stuck database must not stall health
            s.execute(sa.text("SELECT 1 FROM templates LIMIT 1"))  # migrated, not only up

    def s3_bucket() -> None:
        if not s3.bucket_exists(ASSET_BUCKET):
            raise RuntimeError(f"bucket {ASSET_BUCKET} is missing")

    serve(settings.server, [Service(
        name=SERVICE_NAME,
        add=lambda server: template_library_pb2_grpc.add_TemplateLibraryServicer_to_server(servicer, server),
        checks=(postgres, s3_bucket),
    )])
