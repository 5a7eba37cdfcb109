"""The one entry point of TemplateLibrary: settings from the environment, clients, serve."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from catwalk.library.schema import ASSET_BUCKET
from catwalk.v1 import template_library_pb2, template_library_pb2_grpc
from services.common.backends import Backends, bucket_check, tables_check
from services.common.server import Service, serve
from services.common.settings import ServerSettings
from services.template_library.servicer import TemplateLibraryServicer

SERVICE_NAME = template_library_pb2.DESCRIPTOR.services_by_name["TemplateLibrary"].full_name


@dataclass(frozen=True)
class Settings:
    server: ServerSettings
    backends: Backends

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        return cls(server=ServerSettings.from_env(env, "template_library", port=50051, metrics_port=59051),
                   backends=Backends.from_env(env))


def main(env: Mapping[str, str] = os.environ) -> None:
    settings = Settings.from_env(env)
    backends = settings.backends
    s3 = backends.s3()
    servicer = TemplateLibraryServicer(backends.database_url, s3, backends.triton_url)
    serve(settings.server, [Service(
        name=SERVICE_NAME,
        add=lambda server: template_library_pb2_grpc.add_TemplateLibraryServicer_to_server(servicer, server),
        checks=(tables_check(backends.database_url, "templates"), bucket_check(s3, ASSET_BUCKET)),
    )])
