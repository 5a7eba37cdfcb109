"""Catalog adapters: the HTTP item-service contract against a real local http.server, the
Postgres catalog and its JSONL import over the stack, and ProductParser resolving item ids
through a merchant's item service (CATWALK_CATALOG_URL)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import grpc
import numpy as np
import pytest
from PIL import Image

from catwalk.product.catalog import CatalogError, CatalogUnavailable, HttpCatalog, PostgresCatalog, catalog_from_env
from catwalk.product.importer import import_jsonl
from catwalk.stack.process import free_port, wait_until
from catwalk.stack.s3 import s3_client
from catwalk.stack.services import ProductParser, health_check
from catwalk.studio.garments import Pattern, draw_product, random_spec
from catwalk.v1 import product_parser_pb2 as pb
from catwalk.v1 import product_parser_pb2_grpc
from tests.conftest import REPO

PHOTO = draw_product(random_spec(seed=21, kind="skirt", pattern=Pattern.SOLID), seed=21, size=512)


def _png(image: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, "PNG")
    return buffer.getvalue()


class _ItemService(BaseHTTPRequestHandler):
    """A merchant's item service, as the contract in catwalk.product.catalog describes it."""

    base = ""

    def do_GET(self) -> None:
        if self.path == "/items/SKU%2F21":
            body = json.dumps({"item_id": "SKU/21", "title": PHOTO.title_en, "description": PHOTO.description_en,
                               "attributes": {"material": str(PHOTO.spec.material), "has_pockets": False},
                               "image_url": f"{self.base}/images/21.png"}).encode()
            self._send(200, body, "application/json")
        elif self.path == "/images/21.png":
            self._send(200, _png(PHOTO.image), "image/png")
        elif self.path == "/items/broken":
            self._send(500, b"oops", "text/plain")
        elif self.path == "/items/garbled":
            self._send(200, b"{not json", "application/json")
        elif self.path == "/items/wrong":
            self._send(200, json.dumps({"item_id": "other"}).encode(), "application/json")
        else:
            self._send(404, b"", "text/plain")

    def _send(self, code: int, body: bytes, kind: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def item_service() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ItemService)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    _ItemService.base = base
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    server.server_close()


def test_http_catalog_follows_the_contract(item_service):
    catalog = HttpCatalog(item_service)
    item = catalog.get("SKU/21", timeout_s=5)
    assert item is not None and item.item_id == "SKU/21" and item.title == PHOTO.title_en
    assert item.attributes["has_pockets"] is False and item.image_url.endswith("/images/21.png")
    assert catalog.get("nothing", timeout_s=5) is None
    with pytest.raises(CatalogUnavailable):
        catalog.get("broken", timeout_s=5)
    with pytest.raises(CatalogError, match="not JSON"):
        catalog.get("garbled", timeout_s=5)
    with pytest.raises(CatalogError, match="item_id"):
        catalog.get("wrong", timeout_s=5)
    with pytest.raises(CatalogUnavailable):
        HttpCatalog(f"http://127.0.0.1:{free_port()}").get("SKU/21", timeout_s=2)


def test_catalog_from_env_picks_the_adapter():
    assert isinstance(catalog_from_env({}, "postgresql+psycopg2://x/y"), PostgresCatalog)
    assert isinstance(catalog_from_env({"CATWALK_CATALOG_URL": "http://shop:8080"}, "unused"), HttpCatalog)
    with pytest.raises(ValueError, match="CATWALK_CATALOG_URL"):
        catalog_from_env({"CATWALK_CATALOG_URL": "shop:8080"}, "unused")


def test_import_is_idempotent_and_a_bad_line_writes_nothing(stack, tmp_path):
    s = stack.settings
    s3 = s3_client(stack.record["components"]["s3"]["endpoint"], s.s3_access_key, s.s3_secret_key)
    catalog = PostgresCatalog(stack.database_url)
    (tmp_path / "skirt.png").write_bytes(_png(PHOTO.image))
    (tmp_path / "fake.png").write_bytes(b"not a png at all")
    lines = [
        json.dumps({"item_id": "IMP-1", "title": PHOTO.title_zh, "attributes": {"season": "spring/summer"},
                    "image": "skirt.png"}),
        json.dumps({"item_id": "IMP-2", "title": "a plain shirt"}),
        json.dumps({"item_id": "IMP-3", "title": "fake", "image": "fake.png"}),
        json.dumps({"item_id": "IMP-4", "attributes": {"nested": {"no": 1}}}),
        json.dumps({"item_id": "IMP-1", "title": "again"}),
        "",
        "[1, 2]",
    ]
    (tmp_path / "items.jsonl").write_text("\n".join(lines) + "\n")
    first = import_jsonl(tmp_path / "items.jsonl", catalog, s3)
    assert sorted(first.added + first.updated) == ["IMP-1", "IMP-2"]
    assert [e.split(":")[0] for e in first.errors] == ["line 3", "line 4", "line 5", "line 7"]
    assert "attributes.nested" in first.errors[1] and "line 1" in first.errors[2]
    again = import_jsonl(tmp_path / "items.jsonl", catalog, s3)
    assert again.added == [] and sorted(again.updated) == ["IMP-1", "IMP-2"]
    item = catalog.get("IMP-1")
    assert item is not None and item.title == PHOTO.title_zh and item.attributes == {"season": "spring/summer"}
    assert item.image_key is not None and item.image_key.startswith("products/") and item.image_key.endswith(".png")
    assert s3.stat_object("catwalk-library", item.image_key).size == len(_png(PHOTO.image))
    assert catalog.get("IMP-3") is None and catalog.get("IMP-4") is None


def test_the_parser_resolves_items_through_an_http_catalog(stack, item_service, tmp_path):
    """A second ProductParser on ports of its own, its catalog the merchant's item service."""
    env = {**stack.env, "CATWALK_PRODUCT_PARSER_PORT": str(free_port()),
           "CATWALK_PRODUCT_PARSER_METRICS_PORT": str(free_port())}
    component = ProductParser(type(stack.settings).from_env(env))
    log = tmp_path / "service.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "services.product_parser"], cwd=REPO,
                                env={**os.environ, **component.environment(), "CATWALK_CATALOG_URL": item_service},
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        assert wait_until(lambda: health_check(component.endpoint, "catwalk.v1.ProductParser")[0], 60), \
            log.read_text()
        with grpc.insecure_channel(component.endpoint) as channel:
            parser = product_parser_pb2_grpc.ProductParserStub(channel)
            profile = parser.ParseProduct(pb.ParseProductRequest(item_id="SKU/21"), timeout=60)
            assert profile.category == "skirt" and profile.colours
            assert profile.tags["has_pockets"].value.flag is False
            for item_id, code in (("nothing", grpc.StatusCode.NOT_FOUND), ("broken", grpc.StatusCode.UNAVAILABLE)):
                with pytest.raises(grpc.RpcError) as info:
                    parser.ParseProduct(pb.ParseProductRequest(item_id=item_id), timeout=10)
                assert info.value.code() == code, info.value.details()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
