"""The one entry point of ProductParser: settings from the environment, clients, serve."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa

from catwalk.library.db import session
from catwalk.library.schema import ASSET_BUCKET
from catwalk.library.tags import load_dictionary
from catwalk.product import text
from catwalk.product.catalog import HttpCatalog, catalog_from_env
from catwalk.stack.s3 import s3_client
from catwalk.v1 import product_parser_pb2, product_parser_pb2_grpc
from services.common.server import Service, serve
from services.common.settings import Env, ServerSettings, SettingsError
from services.product_parser.segmenter import GarmentSegmenter
from services.product_parser.servicer import ProductParserServicer

SERVICE_NAME = product_parser_pb2.DESCRIPTOR.services_by_name["ProductParser"].full_name


@dataclass(frozen=True)
class Settings:
    server: ServerSettings
    database_url: str
    s3_url: str
    s3_access_key: str
    s3_secret_key: str
    triton_url: str
    catalog_url: str  # "" = the Postgres catalog

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        e = Env(env)
        catalog_url = env.get("CATWALK_CATALOG_URL", "").strip()
        if catalog_url and not catalog_url.startswith(("http://", "https://")):
            raise SettingsError(f"CATWALK_CATALOG_URL={catalog_url!r} is not an http(s) URL")
        return cls(
            server=ServerSettings.from_env(env, "product_parser", port=50052, metrics_port=59052),
            database_url=e.text("CATWALK_DATABASE_URL"),
            s3_url=e.text("CATWALK_S3_URL"),
            s3_access_key=e.text("CATWALK_S3_ACCESS_KEY", "catwalk"),
            s3_secret_key=e.text("CATWALK_S3_SECRET_KEY"),
            triton_url=e.text("CATWALK_TRITON_URL"),
            catalog_url=catalog_url,
        )


def main(env: Mapping[str, str] = os.environ) -> None:
    settings = Settings.from_env(env)
    s3 = s3_client(settings.s3_url, settings.s3_access_key, settings.s3_secret_key)
    segmenter = GarmentSegmenter(settings.triton_url)
    catalog = catalog_from_env({"CATWALK_CATALOG_URL": settings.catalog_url}, settings.database_url)
    servicer = ProductParserServicer(settings.database_url, s3, segmenter, catalog)

    def postgres() -> None:
        with session(settings.database_url) as s:
            s.execute(sa.text("SET LOCAL statement_timeout = 2000"))  # a stuck database must not stall health
            s.execute(sa.text("SELECT 1 FROM tag_dimensions LIMIT 1"))  # the dictionary
            if not isinstance(catalog, HttpCatalog):
                s.execute(sa.text("SELECT 1 FROM products LIMIT 1"))  # migrated to 0003

    def triton() -> None:
        segmenter.ready()

    prepared: list[int] = []

    def text_reader() -> None:
        """NOT_SERVING until jieba and the value embeddings are built, so no caller pays for them."""
        if not prepared:
            with session(settings.database_url) as s:
                text.prepare(load_dictionary(s))
            prepared.append(1)

    def s3_bucket() -> None:
        if not s3.bucket_exists(ASSET_BUCKET):
            raise RuntimeError("bucket catwalk-library is missing")

    serve(settings.server, [Service(
        name=SERVICE_NAME,
        add=lambda server: product_parser_pb2_grpc.add_ProductParserServicer_to_server(servicer, server),
        checks=(postgres, triton, s3_bucket, text_reader),
    )])
