"""The one entry point of ProductParser: settings from the environment, clients, serve."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from catwalk.library.db import session
from catwalk.library.schema import ASSET_BUCKET
from catwalk.library.tags import load_dictionary
from catwalk.product import text
from catwalk.product.catalog import HttpCatalog, catalog_from_env
from catwalk.v1 import product_parser_pb2, product_parser_pb2_grpc
from services.common.backends import Backends, bucket_check, tables_check
from services.common.server import Service, serve
from services.common.settings import ServerSettings, SettingsError
from services.product_parser.segmenter import GarmentSegmenter
from services.product_parser.servicer import ProductParserServicer

SERVICE_NAME = product_parser_pb2.DESCRIPTOR.services_by_name["ProductParser"].full_name


@dataclass(frozen=True)
class Settings:
    server: ServerSettings
    backends: Backends
    catalog_url: str  # "" = the Postgres catalog

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        catalog_url = env.get("CATWALK_CATALOG_URL", "").strip()
        if catalog_url and not catalog_url.startswith(("http://", "https://")):
            raise SettingsError(f"CATWALK_CATALOG_URL={catalog_url!r} is not an http(s) URL")
        return cls(
            server=ServerSettings.from_env(env, "product_parser", port=50052, metrics_port=59052),
            backends=Backends.from_env(env),
            catalog_url=catalog_url,
        )


def main(env: Mapping[str, str] = os.environ) -> None:
    settings = Settings.from_env(env)
    dsn = settings.backends.database_url
    s3 = settings.backends.s3()
    segmenter = GarmentSegmenter(settings.backends.triton_url)
    catalog = catalog_from_env({"CATWALK_CATALOG_URL": settings.catalog_url}, dsn)
    servicer = ProductParserServicer(dsn, s3, segmenter, catalog)
    # The dictionary, and the local catalog unless an HTTP one is used.
    postgres = tables_check(dsn, "tag_dimensions", *(() if isinstance(catalog, HttpCatalog) else ("products",)))

    def triton() -> None:
        segmenter.ready()

    prepared: list[int] = []

    def text_reader() -> None:
        """NOT_SERVING until jieba and the value embeddings are built, so no caller pays for them."""
        if not prepared:
            with session(dsn) as s:
                text.prepare(load_dictionary(s))
            prepared.append(1)

    serve(settings.server, [Service(
        name=SERVICE_NAME,
        add=lambda server: product_parser_pb2_grpc.add_ProductParserServicer_to_server(servicer, server),
        checks=(postgres, triton, bucket_check(s3, ASSET_BUCKET), text_reader),
    )])
