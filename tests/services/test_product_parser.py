"""ProductParser over the real stack (Postgres, S3, Triton's garment_segmenter): studio
garments with the truth known, catalog items, conflicting inputs, and bad photos refused
clearly while the service stays healthy.

    CATWALK_MODELS=garment_segmenter .venv/bin/pytest tests/services/test_product_parser.py -q
"""

from __future__ import annotations

import io
import json
import subprocess

import cv2
import grpc
import numpy as np
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from PIL import Image

from catwalk.product.colours import ciede2000, rgb_to_lab
from catwalk.studio.garments import Pattern, draw_product, random_spec
from catwalk.v1 import product_parser_pb2 as pb
from catwalk.v1 import product_parser_pb2_grpc, tags_pb2
from tests.conftest import REPO
from tests.services.conftest import violations

SERVICE = "catwalk.v1.ProductParser"
CATWALK = str(REPO / ".venv" / "bin" / "catwalk")


@pytest.fixture(scope="module")
def parser_channel(stack):
    options = [("grpc.max_send_message_length", 64 * 2**20)]
    with grpc.insecure_channel(stack.record["components"]["product_parser"]["endpoint"], options=options) as channel:
        yield channel


@pytest.fixture(scope="module")
def parser(parser_channel) -> product_parser_pb2_grpc.ProductParserStub:
    return product_parser_pb2_grpc.ProductParserStub(parser_channel)


def png(image: np.ndarray, mode: str | None = None) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image, mode).save(buffer, "PNG")
    return buffer.getvalue()


def studio(seed: int, **fixed):
    spec = random_spec(seed=seed, pattern=Pattern.SOLID, **fixed)
    return draw_product(spec, seed=seed, size=640)


def parse(parser, photo: bytes, title: str = "", **kw) -> tags_pb2.ProductProfile:
    return parser.ParseProduct(pb.ParseProductRequest(photo=pb.Photo(data=photo), title=title, **kw), timeout=60)


def delta_e(hex_colour: str, rgb: tuple[int, int, int]) -> float:
    measured = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)], np.uint8)
    return float(ciede2000(rgb_to_lab(measured[None]), rgb_to_lab(np.array([rgb], np.uint8)))[0])


def assert_healthy(parser_channel) -> None:
    answer = health_pb2_grpc.HealthStub(parser_channel).Check(health_pb2.HealthCheckRequest(service=SERVICE), timeout=5)
    assert answer.status == health_pb2.HealthCheckResponse.SERVING


@pytest.mark.parametrize("language", ["zh", "en"])
def test_studio_garment_photo_and_title_give_a_profile_with_provenance(parser, language):
    photo = studio(11, kind="coat")
    title = photo.title_zh if language == "zh" else photo.title_en
    profile = parse(parser, png(photo.image), title)
    assert profile.category == "coat" == profile.tags["category"].value.text
    assert profile.language == language
    assert profile.colours and delta_e(profile.colours[0].hex, photo.spec.colour.rgb) < 10
    assert profile.colours[0].zh and profile.colours[0].en and 0 < profile.colours[0].share <= 1
    sources = {tag.source for tag in profile.tags.values()}
    assert {tags_pb2.TAG_SOURCE_TEXT, tags_pb2.TAG_SOURCE_VISION} <= sources
    assert all(tag.reason and 0 < tag.confidence <= 1 for tag in profile.tags.values())
    assert profile.shot_types and all(s.reason for s in profile.shot_types)
    assert profile.selling_points and all(p.zh and p.en for p in profile.selling_points)
    assert len(profile.visual_descriptor) == 24


def test_a_catalog_item_imported_with_the_cli_parses(parser, stack, tmp_path):
    photo = studio(12, kind="trench")
    cv2.imwrite(str(tmp_path / "trench.png"), cv2.cvtColor(photo.image, cv2.COLOR_RGB2BGR))
    lines = [
        {"item_id": "SKU-TRENCH-12", "title": photo.title_en, "description": photo.description_en,
         "attributes": {"has_pockets": photo.spec.pockets, "material": str(photo.spec.material)},
         "image": "trench.png"},
        {"item_id": "SKU-BAD", "title": "no photo here", "image": "missing.png"},
        "not json",
    ]
    (tmp_path / "items.jsonl").write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines))
    imported = subprocess.run([CATWALK, "products", "import", str(tmp_path / "items.jsonl"), "--json"],
                              env=stack.env, capture_output=True, text=True, timeout=120)
    assert imported.returncode == 1, imported.stderr
    report = json.loads(imported.stdout)
    assert report["added"] + report["updated"] == ["SKU-TRENCH-12"]
    assert [e.split(":")[0] for e in report["errors"]] == ["line 2", "line 3"]

    profile = parser.ParseProduct(pb.ParseProductRequest(item_id="SKU-TRENCH-12"), timeout=60)
    assert profile.category == "trench"
    assert profile.tags["has_pockets"].value.flag is photo.spec.pockets
    assert profile.tags["has_pockets"].source == tags_pb2.TAG_SOURCE_MERCHANT
    assert profile.colours

    with pytest.raises(grpc.RpcError) as info:
        parser.ParseProduct(pb.ParseProductRequest(item_id="SKU-BAD"), timeout=10)
    assert info.value.code() == grpc.StatusCode.NOT_FOUND  # the bad line wrote nothing


def test_cli_parse_prints_the_profile_as_json(stack, tmp_path):
    photo = studio(13, kind="tshirt")
    cv2.imwrite(str(tmp_path / "tee.png"), cv2.cvtColor(photo.image, cv2.COLOR_RGB2BGR))
    parsed = subprocess.run([CATWALK, "products", "parse", "--image", str(tmp_path / "tee.png"),
                             "--title", photo.title_zh, "--json"], env=stack.env, capture_output=True, text=True,
                            timeout=120)
    assert parsed.returncode == 0, parsed.stderr
    data = json.loads(parsed.stdout)
    assert data["category"] == "tshirt"
    assert data["tags"]["category"]["source"] in ("text", "vision") and data["tags"]["category"]["reason"]


def test_title_and_photo_disagreeing_on_colour_is_a_reported_conflict(parser):
    photo = studio(14, kind="sweater", colour="navy")
    profile = parse(parser, png(photo.image), "红色针织毛衣")
    conflicts = {c.dimension: c for c in profile.conflicts}
    assert "colour_family" in conflicts, list(profile.conflicts)
    conflict = conflicts["colour_family"]
    assert conflict.message
    assert {conflict.chosen.source, *(o.source for o in conflict.overruled)} >= {
        tags_pb2.TAG_SOURCE_TEXT, tags_pb2.TAG_SOURCE_VISION}


def test_an_unknown_item_is_not_found(parser):
    with pytest.raises(grpc.RpcError) as info:
        parser.ParseProduct(pb.ParseProductRequest(item_id="no-such-item"), timeout=10)
    assert info.value.code() == grpc.StatusCode.NOT_FOUND
    assert "no-such-item" in info.value.details()


def _truncated_jpeg() -> bytes:
    data = cv2.imencode(".jpg", studio(15, kind="shirt").image)[1].tobytes()
    return data[: len(data) // 2]


BAD_PHOTOS = {
    "not an image": (lambda: b"GIF89a? no, just text pretending", "not an image"),
    "truncated PNG": (lambda: png(studio(15, kind="shirt").image)[:5000], "truncated"),
    "truncated JPEG": (_truncated_jpeg, "truncated"),
    "5000x5000": (lambda: png(np.full((5000, 5000), 250, np.uint8)), "5000x5000 is too large"),
    "blank": (lambda: png(np.full((300, 300, 3), 250, np.uint8)), "no garment"),
    "fully transparent PNG": (lambda: png(np.zeros((300, 300, 4), np.uint8), "RGBA"), "no garment"),
}


@pytest.mark.parametrize("case", list(BAD_PHOTOS))
def test_bad_photos_are_invalid_argument_on_photo_and_the_service_goes_on(parser, parser_channel, case):
    make, words = BAD_PHOTOS[case]
    with pytest.raises(grpc.RpcError) as info:
        parse(parser, make(), "shirt")
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT, info.value.details()
    assert words in violations(info.value).get("photo", ""), violations(info.value)
    assert_healthy(parser_channel)


def test_transparent_grayscale_and_cmyk_photos_are_converted(parser, parser_channel):
    photo = studio(16, kind="dress")
    rgba = np.dstack([photo.image, np.where(photo.mask > 0, 255, 0).astype(np.uint8)])
    transparent = parse(parser, png(rgba, "RGBA"), photo.title_en)
    assert any("transparent" in w for w in transparent.warnings)
    assert transparent.category == "dress" and transparent.colours

    grey = parse(parser, png(cv2.cvtColor(photo.image, cv2.COLOR_RGB2GRAY)), photo.title_en)
    assert any("grayscale" in w for w in grey.warnings)
    assert not grey.colours  # no colour to read: none reported
    assert grey.tags["colour_family"].source != tags_pb2.TAG_SOURCE_VISION if "colour_family" in grey.tags else True

    buffer = io.BytesIO()
    Image.fromarray(photo.image).convert("CMYK").save(buffer, "JPEG", quality=92)
    cmyk = parse(parser, buffer.getvalue(), photo.title_en)
    assert any("CMYK" in w for w in cmyk.warnings)
    assert cmyk.colours and delta_e(cmyk.colours[0].hex, photo.spec.colour.rgb) < 10

    deep = parse(parser, cv2.imencode(".png", cv2.cvtColor(photo.image, cv2.COLOR_RGB2BGR).astype(np.uint16) * 257)[1]
                 .tobytes(), photo.title_en)
    assert deep.colours and delta_e(deep.colours[0].hex, photo.spec.colour.rgb) < 10
    assert_healthy(parser_channel)


def test_a_message_over_the_size_limit_is_resource_exhausted(parser, parser_channel):
    with pytest.raises(grpc.RpcError) as info:
        parse(parser, b"\x89PNG" + bytes(20 * 2**20), "shirt")
    assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "larger than max" in info.value.details() or "message" in info.value.details().lower()
    assert_healthy(parser_channel)


def test_photo_from_s3_and_its_errors(parser, stack):
    from catwalk.stack.s3 import s3_client

    s = stack.settings
    s3 = s3_client(stack.record["components"]["s3"]["endpoint"], s.s3_access_key, s.s3_secret_key)
    photo = studio(17, kind="hoodie")
    data = png(photo.image)
    s3.put_object("catwalk-jobs", "tests/hoodie.png", io.BytesIO(data), len(data))
    profile = parser.ParseProduct(pb.ParseProductRequest(
        photo=pb.Photo(s3_key="tests/hoodie.png", s3_bucket="catwalk-jobs"), title=photo.title_en), timeout=60)
    assert profile.category == "hoodie"
    with pytest.raises(grpc.RpcError) as info:
        parser.ParseProduct(pb.ParseProductRequest(photo=pb.Photo(s3_key="tests/none.png")), timeout=10)
    assert "photo.s3_key" in violations(info.value)
    with pytest.raises(grpc.RpcError) as info:
        parser.ParseProduct(pb.ParseProductRequest(photo=pb.Photo(s3_key="x.png", s3_bucket="elsewhere")), timeout=10)
    assert "photo.s3_bucket" in violations(info.value)
    with pytest.raises(grpc.RpcError) as info:
        parser.ParseProduct(pb.ParseProductRequest(title="a shirt"), timeout=10)
    assert "product" in violations(info.value)


def test_triton_down_is_unavailable_and_the_photo_is_not_blamed(stack):
    """The servicer in-process over the stack's Postgres and S3, its Triton a port nobody serves."""
    from catwalk.product.catalog import PostgresCatalog
    from catwalk.stack.process import free_port
    from catwalk.stack.s3 import s3_client
    from services.common.errors import Unavailable
    from services.product_parser.segmenter import GarmentSegmenter, SegmenterUnavailable
    from services.product_parser.servicer import ProductParserServicer

    s = stack.settings
    s3 = s3_client(stack.record["components"]["s3"]["endpoint"], s.s3_access_key, s.s3_secret_key)
    segmenter = GarmentSegmenter(f"127.0.0.1:{free_port()}")
    servicer = ProductParserServicer(stack.database_url, s3, segmenter, PostgresCatalog(stack.database_url))
    with pytest.raises(Unavailable, match="garment_segmenter"):
        servicer.ParseProduct(pb.ParseProductRequest(photo=pb.Photo(data=png(studio(18, kind="shirt").image)),
                                                     title="shirt"), None)
    with pytest.raises(SegmenterUnavailable):
        segmenter.ready()  # what health checks: NOT_SERVING while Triton is away


def test_a_deadline_shorter_than_the_work_is_deadline_exceeded(parser, parser_channel):
    photo = png(studio(19, kind="dress").image)
    with pytest.raises(grpc.RpcError) as info:
        parser.ParseProduct(pb.ParseProductRequest(photo=pb.Photo(data=photo), title="dress"), timeout=0.05)
    assert info.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert_healthy(parser_channel)
