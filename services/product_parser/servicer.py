"""ProductParser.ParseProduct → catwalk.product. The servicer gathers the inputs (the
catalog's item, the photo from the request or S3, the request's text and attributes),
checks and decodes the photo, asks Triton's garment_segmenter for the garment, runs the
pure readers and the merge, and turns the result into a ProductProfile. Errors are
services.common errors naming the request's field; the interceptor makes them statuses."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import grpc
import structlog
from minio import Minio
from minio.error import S3Error
from sqlalchemy.orm import Session

from catwalk.library.tags import Dictionary, load_dictionary, validate_tags
from catwalk.product import merge, text, vision
from catwalk.product.catalog import Catalog, CatalogError, CatalogItem, CatalogUnavailable, fetch
from catwalk.product.evidence import Evidence, ParsedProduct, ProfileTag, Source
from catwalk.v1 import product_parser_pb2 as pb
from catwalk.v1 import product_parser_pb2_grpc, tags_pb2
from services.common.database import deadline_session
from services.common.deadlines import remaining_s
from services.common.errors import DeadlineExceeded, InvalidArgument, NotFound, Unavailable, invalid
from services.product_parser.photo import PhotoError, decode_photo
from services.product_parser.segmenter import (
    GarmentSegmenter,
    NoGarment,
    SegmenterTimeout,
    SegmenterUnavailable,
)

PHOTO_BUCKETS = ("catwalk-library", "catwalk-jobs")
DEFAULT_BUCKET = "catwalk-library"
MAX_PHOTO_BYTES = 32 * 2**20
DB_CAP_S = 10.0  # our own limits when the caller sets no deadline
CATALOG_CAP_S = 10.0
S3_CAP_S = 30.0
TRITON_CAP_S = 60.0
MAX_TEXT = 10_000  # characters of title + description read
SOURCES = {Source.MERCHANT: tags_pb2.TAG_SOURCE_MERCHANT, Source.TEXT: tags_pb2.TAG_SOURCE_TEXT,
           Source.VISION: tags_pb2.TAG_SOURCE_VISION}
log = structlog.get_logger("catwalk.product_parser")


@dataclass
class _Inputs:
    """What one call parses, wherever each part came from."""

    title: str = ""
    description: str = ""
    attributes: dict[str, str | bool | float | list[str]] = field(default_factory=dict)
    photo: bytes | None = None
    photo_field: str = "photo"  # the request field a bad photo is reported on


class ProductParserServicer(product_parser_pb2_grpc.ProductParserServicer):
    def __init__(self, dsn: str, s3: Minio, segmenter: GarmentSegmenter, catalog: Catalog) -> None:
        self.dsn = dsn
        self.s3 = s3
        self.segmenter = segmenter
        self.catalog = catalog

    def ParseProduct(self, request: pb.ParseProductRequest, context: grpc.ServicerContext) -> tags_pb2.ProductProfile:
        inputs = self._inputs(request)
        warnings: list[str] = []
        reading = None
        if inputs.photo is not None:
            try:
                photo = decode_photo(inputs.photo)
            except PhotoError as exc:
                raise invalid(inputs.photo_field, str(exc)) from None
            warnings += photo.warnings
            started = time.monotonic()
            try:
                garment = self.segmenter.segment(photo.rgb, remaining_s(TRITON_CAP_S))
            except NoGarment as exc:
                raise invalid(inputs.photo_field, f"garment_segmenter: {exc}") from None
            except SegmenterTimeout:
                raise DeadlineExceeded("the caller's deadline passed while garment_segmenter worked") from None
            except SegmenterUnavailable as exc:
                raise Unavailable(str(exc)) from None
            log.debug("segmented", ms=round((time.monotonic() - started) * 1000, 1))
        with self._session() as s:
            dictionary = load_dictionary(s)
        if inputs.photo is not None:
            reading = vision.read_photo(photo.rgb, garment.mask, garment.landmarks, garment.silhouette,
                                        garment.silhouette_scores, dictionary)
            warnings += reading.notes
            if photo.grayscale:  # grey pixels say nothing of the garment's colour
                reading.evidence = [e for e in reading.evidence if e.dimension != "colour_family"]
                reading.colours = []
        texts = text.read_text(inputs.title[:MAX_TEXT], inputs.description[:MAX_TEXT], dictionary)
        merchant, unmapped = text.read_merchant(_strings(inputs.attributes), dictionary)
        warnings += [f"merchant attribute {u}: ignored" for u in unmapped]
        parsed, merge_warnings = merge.merge_with_warnings(dictionary, merchant, texts, reading)
        warnings += merge_warnings
        return _profile(parsed, dictionary, warnings)

    # -- inputs ------------------------------------------------------------------------

    def _inputs(self, request: pb.ParseProductRequest) -> _Inputs:
        which = request.WhichOneof("product")
        if which is None:
            raise invalid("product", "set item_id, or photo (data or s3_key)")
        inputs = _Inputs()
        if which == "item_id":
            item = self._item(request.item_id)
            inputs = _Inputs(item.title, item.description, dict(item.attributes), photo_field="item_id")
            if item.image_key:
                inputs.photo = self._s3_photo(DEFAULT_BUCKET, item.image_key, "item_id")
            elif item.image_url:
                inputs.photo = self._url_photo(item.image_url)
        else:
            inputs.photo = self._request_photo(request.photo)
        inputs.title = request.title or inputs.title
        inputs.description = request.description or inputs.description
        inputs.attributes.update(request.merchant_attributes)
        if inputs.photo is None and not (inputs.title.strip() or inputs.description.strip() or inputs.attributes):
            raise invalid("item_id", f"item {request.item_id!r} has no photo, text or attributes to parse")
        return inputs

    def _item(self, item_id: str) -> CatalogItem:
        if not item_id.strip():
            raise invalid("item_id", "empty")
        try:
            item = self.catalog.get(item_id, timeout_s=remaining_s(CATALOG_CAP_S))
        except CatalogUnavailable as exc:
            raise Unavailable(f"the product catalog is not answering: {exc}") from None
        except CatalogError as exc:
            raise Unavailable(f"the product catalog answered with an unusable item: {exc}") from None
        if item is None:
            raise NotFound(f"no item {item_id!r} in the product catalog")
        return item

    def _request_photo(self, photo: pb.Photo) -> bytes:
        source = photo.WhichOneof("source")
        if source == "data":
            return photo.data
        if source == "s3_key":
            bucket = photo.s3_bucket or DEFAULT_BUCKET
            if bucket not in PHOTO_BUCKETS:
                raise invalid("photo.s3_bucket", f"{bucket!r}: use one of {', '.join(PHOTO_BUCKETS)}")
            return self._s3_photo(bucket, photo.s3_key, "photo.s3_key")
        raise invalid("photo", "set data (the image file's bytes) or s3_key")

    def _s3_photo(self, bucket: str, key: str, field_name: str) -> bytes:
        if not key.strip():
            raise invalid(field_name, "empty S3 key")
        remaining_s(S3_CAP_S)  # refuse at once when the deadline has passed
        try:
            size = self.s3.stat_object(bucket, key).size or 0
            if size > MAX_PHOTO_BYTES:
                raise invalid(field_name, f"{key!r} is {size} bytes; photos may be at most {MAX_PHOTO_BYTES}")
            response = self.s3.get_object(bucket, key)
            try:
                return response.read()
            finally:
                response.close()
                response.release_conn()
        except S3Error as exc:
            if exc.code in ("NoSuchKey", "NoSuchObject", "NotFound", "ResourceNotFound"):
                raise invalid(field_name, f"no object {key!r} in bucket {bucket!r}") from None
            raise Unavailable(f"S3: {exc.code}: {exc.message}") from None
        except InvalidArgument:
            raise
        except Exception as exc:  # urllib3 connection errors: S3 is down
            raise Unavailable(f"S3 is not answering: {exc}") from None

    def _url_photo(self, url: str) -> bytes:
        try:
            return fetch(url, remaining_s(CATALOG_CAP_S), MAX_PHOTO_BYTES)
        except CatalogUnavailable as exc:
            raise Unavailable(f"the item's image could not be fetched: {exc}") from None
        except CatalogError as exc:
            raise invalid("item_id", f"the catalog's image_url is unusable: {exc}") from None

    def _session(self) -> contextlib.AbstractContextManager[Session]:
        return deadline_session(self.dsn, DB_CAP_S)


def _strings(attributes: Mapping[str, str | bool | float | list[str]]) -> dict[str, str]:
    """Catalog attributes (JSON values) as the merchant reader takes them."""
    out = {}
    for key, value in attributes.items():
        if isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif isinstance(value, list):
            out[key] = ",".join(value)
        else:
            out[key] = str(value)
    return out


def _value(value: str | bool | list[str]) -> tags_pb2.TagValue:
    if isinstance(value, bool):
        return tags_pb2.TagValue(flag=value)
    if isinstance(value, str):
        return tags_pb2.TagValue(text=value)
    return tags_pb2.TagValue(list=tags_pb2.StringList(values=list(value)))


def _tag(tag: ProfileTag | Evidence) -> tags_pb2.ProfileTag:
    return tags_pb2.ProfileTag(value=_value(tag.value), confidence=tag.confidence,
                               source=SOURCES[tag.source], reason=tag.reason)


def _profile(parsed: ParsedProduct, dictionary: Dictionary, warnings: list[str]) -> tags_pb2.ProductProfile:
    """The proto answer. Tags are checked against the dictionary once more: a tag the merge
    got wrong is dropped with a warning rather than sent to the matcher."""
    tags: Mapping[str, object] = {name: t.value for name, t in parsed.tags.items()}
    bad = {v.field.removeprefix("tags.").split("[")[0]: v.description
           for v in validate_tags(dictionary, tags, "product", prefix="tags")}
    for name, why in bad.items():
        log.warning("tag dropped", dimension=name, problem=why)
        warnings.append(f"tag {name} dropped: {why}")
    profile = tags_pb2.ProductProfile(visual_descriptor=parsed.descriptor, language=parsed.language,
                                      warnings=warnings)
    for name, tag in parsed.tags.items():
        if name not in bad:
            profile.tags[name].CopyFrom(_tag(tag))
    category = parsed.tags.get("category")
    profile.category = str(category.value) if category is not None and "category" not in bad else ""
    for c in parsed.colours:
        profile.colours.add(name=c.name, zh=c.zh, en=c.en, family=c.family, hex=c.hex, share=c.share)
    for conflict in parsed.conflicts:
        profile.conflicts.add(dimension=conflict.dimension, chosen=_tag(conflict.chosen),
                              overruled=[_tag(e) for e in conflict.overruled], message=conflict.message)
    for shot in parsed.shot_types:
        profile.shot_types.add(shot_type=shot.shot_type, reason=shot.reason)
    for point in parsed.selling_points:
        profile.selling_points.add(zh=point.zh, en=point.en, dimensions=list(point.dimensions))
    return profile
