"""CreateVideoJobRequest checks: every problem named by its field, all reported at once."""

from __future__ import annotations

import ipaddress
import math
import urllib.parse

from catwalk.library.tags import Dictionary
from catwalk.v1 import media_assembler_pb2, video_jobs_pb2
from services.common.errors import FieldViolation

MAX_PHOTO_BYTES = 12 * 2**20  # under the 16 MiB gRPC message limit, with room for the rest
MAX_TITLE = 500
MAX_DESCRIPTION = 10_000
MAX_ATTRIBUTES = 100
MAX_ID = 200
MAX_IDEMPOTENCY_KEY = 200
MAX_URL = 2000
MIN_DURATION_S, MAX_DURATION_S = 10.0, 180.0
LANGUAGES = ("", "zh", "en")
MUSIC_STYLES = ("business", "casual", "street", "sporty", "elegant", "festive")
PHOTO_BUCKETS = ("", "catwalk-library", "catwalk-jobs")


def check_request(request: video_jobs_pb2.CreateVideoJobRequest, dictionary: Dictionary) -> list[FieldViolation]:
    v: list[FieldViolation] = []
    _product(request, v)
    _options(request.options, dictionary, v)
    if len(request.idempotency_key) > MAX_IDEMPOTENCY_KEY:
        v.append(FieldViolation("idempotency_key", f"at most {MAX_IDEMPOTENCY_KEY} characters"))
    if request.callback_url:
        problem = callback_url_problem(request.callback_url)
        if problem:
            v.append(FieldViolation("callback_url", problem))
    return v


def _product(request: video_jobs_pb2.CreateVideoJobRequest, v: list[FieldViolation]) -> None:
    product = request.product
    source = product.WhichOneof("source")
    if source is None:
        v.append(FieldViolation("product", "required: product.item_id or product.photo"))
    elif source == "item_id" and not (0 < len(product.item_id.strip()) <= MAX_ID):
        v.append(FieldViolation("product.item_id", f"1..{MAX_ID} characters"))
    elif source == "photo":
        photo = product.photo
        kind = photo.WhichOneof("source")
        if kind is None or (kind == "data" and not photo.data) or (kind == "s3_key" and not photo.s3_key.strip()):
            v.append(FieldViolation("product.photo", "required: the photo's bytes or an S3 key"))
        elif kind == "data" and len(photo.data) > MAX_PHOTO_BYTES:
            v.append(FieldViolation("product.photo", f"{len(photo.data)} bytes; at most {MAX_PHOTO_BYTES}"))
        if photo.s3_bucket not in PHOTO_BUCKETS:
            v.append(FieldViolation("product.photo.s3_bucket", "catwalk-library or catwalk-jobs"))
    if len(product.title) > MAX_TITLE:
        v.append(FieldViolation("product.title", f"{len(product.title)} characters; at most {MAX_TITLE}"))
    if len(product.description) > MAX_DESCRIPTION:
        v.append(FieldViolation("product.description", f"at most {MAX_DESCRIPTION} characters"))
    if len(product.merchant_attributes) > MAX_ATTRIBUTES:
        v.append(FieldViolation("product.merchant_attributes", f"at most {MAX_ATTRIBUTES} attributes"))
    for name, value in product.merchant_attributes.items():
        if not name.strip() or len(name) > 100 or len(value) > 1000:
            v.append(FieldViolation(f"product.merchant_attributes.{name}",
                                    "a name of 1..100 characters and a value of at most 1000"))


def _options(options: video_jobs_pb2.VideoOptions, dictionary: Dictionary, v: list[FieldViolation]) -> None:
    d = options.duration_s
    if d != 0 and (not math.isfinite(d) or not MIN_DURATION_S <= d <= MAX_DURATION_S):
        v.append(FieldViolation("options.duration_s", f"{d:g}: {MIN_DURATION_S:g}..{MAX_DURATION_S:g} s (0 means 60)"))
    if options.aspect not in media_assembler_pb2.Aspect.values():
        v.append(FieldViolation("options.aspect", f"{options.aspect}: not an Aspect value"))
    if options.resolution not in media_assembler_pb2.Resolution.values():
        v.append(FieldViolation("options.resolution", f"{options.resolution}: not a Resolution value"))
    if options.language not in LANGUAGES:
        v.append(FieldViolation("options.language", f"{options.language!r}: \"zh\", \"en\" or empty"))
    if len(options.voice) > 100:
        v.append(FieldViolation("options.voice", "at most 100 characters"))
    if options.music_style and options.music_style not in MUSIC_STYLES:
        v.append(FieldViolation("options.music_style", f"{options.music_style!r}: one of {', '.join(MUSIC_STYLES)}"))
    known = dictionary.values("shot_type")
    for i, shot in enumerate(options.shot_types):
        if shot not in known:
            v.append(FieldViolation(f"options.shot_types[{i}]", f"{shot!r} is not a shot type of the tag dictionary"))


def callback_url_problem(url: str) -> str | None:
    """None for an https:// URL, or an http:// one to this machine; else why not."""
    if len(url) > MAX_URL:
        return f"at most {MAX_URL} characters"
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError as exc:
        return f"not a URL: {exc}"
    if not host:
        return "no host"
    if parts.scheme == "https":
        return None
    if parts.scheme == "http":
        return None if _local(host) else "http:// only to a local address; use https://"
    return f"scheme {parts.scheme!r}: https:// (or http:// to a local address)"


def _local(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
