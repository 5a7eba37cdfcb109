"""Step 1, parse: the product → ProductProfile (ProductParser), and where its photo lies, which
the render step dresses the models in."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from google.protobuf import json_format

from catwalk.jobs.flow_env import JOBS_BUCKET
from catwalk.jobs.steps.context import StepRun, calling, failed
from catwalk.library.schema import ASSET_BUCKET
from catwalk.product.catalog import CatalogError, catalog_from_env, fetch
from catwalk.v1 import product_parser_pb2 as pp
from catwalk.v1 import product_parser_pb2_grpc as pp_grpc
from catwalk.v1 import tags_pb2
from catwalk.v1 import video_jobs_pb2 as vj

STEP = "parse"
PHOTO_NAME = "input/photo"


@dataclass(frozen=True)
class PhotoRef:
    bucket: str
    key: str


@dataclass(frozen=True)
class Parsed:
    profile: dict[str, Any]  # ProductProfile as json_format's dict
    photo: PhotoRef

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Parsed:
        return cls(data["profile"], PhotoRef(**data["photo"]))

    def profile_pb(self) -> tags_pb2.ProductProfile:
        return json_format.ParseDict(self.profile, tags_pb2.ProductProfile())


def _photo(run: StepRun, product: vj.ProductInput) -> PhotoRef:
    """The photo as an S3 object (uploaded when given as bytes or a URL: requests stay small)."""
    source = product.WhichOneof("source")
    if source == "photo":
        photo = product.photo
        if photo.WhichOneof("source") == "data":
            return PhotoRef(JOBS_BUCKET, run.store.put_bytes(PHOTO_NAME, photo.data))
        return PhotoRef(photo.s3_bucket or ASSET_BUCKET, photo.s3_key)
    if source == "item_id":
        try:
            catalog = catalog_from_env({"CATWALK_CATALOG_URL": run.env.catalog_url}, run.env.backends.database_url)
            item = catalog.get(product.item_id, run.env.step_deadline_s)
        except CatalogError as exc:
            raise failed(STEP, "UNAVAILABLE", f"catalog: {exc}") from None
        if item is None:
            raise failed(STEP, "NOT_FOUND", f"product.item_id: no item {product.item_id!r} in the catalog")
        if item.image_key:
            return PhotoRef(ASSET_BUCKET, item.image_key)
        if item.image_url:
            try:
                data = fetch(item.image_url, run.env.step_deadline_s)
            except CatalogError as exc:
                raise failed(STEP, "UNAVAILABLE", f"catalog photo {item.image_url}: {exc}") from None
            return PhotoRef(JOBS_BUCKET, run.store.put_bytes(PHOTO_NAME, data))
        raise failed(STEP, "INVALID_ARGUMENT", f"product.item_id: item {product.item_id!r} has no photo to dress "
                     "the models in")
    raise failed(STEP, "INVALID_ARGUMENT", "product: give an item_id or a photo")


def parse(run: StepRun, product: vj.ProductInput) -> Parsed:
    photo = _photo(run, product)
    request = pp.ParseProductRequest(title=product.title, description=product.description,
                                     merchant_attributes=dict(product.merchant_attributes))
    if product.WhichOneof("source") == "item_id":
        request.item_id = product.item_id
    else:
        request.photo.CopyFrom(pp.Photo(s3_key=photo.key, s3_bucket=photo.bucket))
    stub = pp_grpc.ProductParserStub(run.env.channel(run.env.product_parser_url))
    with calling(STEP, "ProductParser"):
        profile = stub.ParseProduct(request, timeout=run.env.step_deadline_s)
    return Parsed(json_format.MessageToDict(profile, preserving_proto_field_name=True), photo)
