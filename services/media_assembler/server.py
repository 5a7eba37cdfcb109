"""The one entry point of MediaAssembler: settings from the environment, clients, serve."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from catwalk.library.schema import ASSET_BUCKET
from catwalk.media import copy_llm, voice
from catwalk.v1 import media_assembler_pb2, media_assembler_pb2_grpc
from services.common.backends import Backends, bucket_check, tables_check
from services.common.server import Service, serve
from services.common.settings import ServerSettings
from services.media_assembler.servicer import JOBS_BUCKET, MediaAssemblerServicer

SERVICE_NAME = media_assembler_pb2.DESCRIPTOR.services_by_name["MediaAssembler"].full_name


@dataclass(frozen=True)
class Settings:
    server: ServerSettings
    backends: Backends
    copy: copy_llm.CopySettings | None  # CATWALK_COPY_*: the optional OpenAI-compatible copywriter

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        return cls(
            server=ServerSettings.from_env(env, "media_assembler", port=50053, metrics_port=59053),
            backends=Backends.from_env(env),
            copy=copy_llm.CopySettings.from_env(env),
        )


def main(env: Mapping[str, str] = os.environ) -> None:
    settings = Settings.from_env(env)
    s3 = settings.backends.s3()
    servicer = MediaAssemblerServicer(settings.backends.database_url, s3,
                                      copywriter=copy_llm.LlmCopywriter(settings.copy) if settings.copy else None)
    warmed: list[str] = []

    def voices() -> None:
        """NOT_SERVING until every voice is loaded, so no caller pays for loading one."""
        for v in voice.list_voices():
            if v.id not in warmed:
                voice.warm(v.id)
                warmed.append(v.id)

    serve(settings.server, [Service(
        name=SERVICE_NAME,
        add=lambda server: media_assembler_pb2_grpc.add_MediaAssemblerServicer_to_server(servicer, server),
        checks=(tables_check(settings.backends.database_url, "music_tracks"), bucket_check(s3, ASSET_BUCKET),
                bucket_check(s3, JOBS_BUCKET), voices),
    )])
