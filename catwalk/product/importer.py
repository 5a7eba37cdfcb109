"""`catwalk products import FILE.jsonl`: items into the local catalog (table `products`).

Each line is a JSON object `{"item_id", "title", "description", "attributes", "image",
"merchant"?}` where `image` is a local file, uploaded to `products/<sha256>.<ext>` in
bucket catwalk-library (so the same photo is stored once). Every line is checked first; a
bad line is reported with its line number and writes nothing, while good lines are
upserted one transaction each, so importing the same file again changes nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from minio import Minio
from minio.error import S3Error
from PIL import Image, UnidentifiedImageError

from catwalk.library.schema import ASSET_BUCKET
from catwalk.product.catalog import CatalogError, CatalogItem, PostgresCatalog, item_from_json

IMAGE_TYPES = {"PNG": ("png", "image/png"), "JPEG": ("jpg", "image/jpeg"), "WEBP": ("webp", "image/webp"),
               "BMP": ("bmp", "image/bmp"), "TIFF": ("tif", "image/tiff")}


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "line 3: image: no such file x.png"


@dataclass(frozen=True)
class _Line:
    number: int
    item: CatalogItem
    image: bytes | None
    ext: str
    content_type: str


def _check_line(number: int, text: str, base: Path) -> _Line:
    where = f"line {number}"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogError(f"{where}: not JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise CatalogError(f"{where}: expected a JSON object")
    item = item_from_json({k: v for k, v in data.items() if k != "image"}, where)
    image = data.get("image")
    if image is None:
        return _Line(number, item, None, "", "")
    if not isinstance(image, str) or not image:
        raise CatalogError(f"{where}: image: expected a file path")
    path = (base / image).expanduser()
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"{where}: image: {path}: {exc.strerror or exc}") from None
    try:
        with Image.open(io.BytesIO(content)) as opened:
            kind = opened.format or ""
            opened.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise CatalogError(f"{where}: image: {path} is not a readable image ({exc})") from None
    if kind not in IMAGE_TYPES:
        raise CatalogError(f"{where}: image: {path} is {kind}; use PNG, JPEG, WebP, BMP or TIFF")
    ext, content_type = IMAGE_TYPES[kind]
    return _Line(number, item, content, ext, content_type)


def _upload(s3: Minio, line: _Line) -> str:
    assert line.image is not None
    key = f"products/{hashlib.sha256(line.image).hexdigest()}.{line.ext}"
    try:
        s3.stat_object(ASSET_BUCKET, key)
    except S3Error as exc:
        if exc.code not in ("NoSuchKey", "NoSuchObject", "ResourceNotFound"):
            raise
        s3.put_object(ASSET_BUCKET, key, io.BytesIO(line.image), len(line.image), content_type=line.content_type)
    return key


def import_jsonl(path: Path, catalog: PostgresCatalog, s3: Minio) -> ImportReport:
    """Import every good line of `path`; the report names each bad one."""
    report = ImportReport()
    lines: list[_Line] = []
    seen: dict[str, int] = {}
    with path.open(encoding="utf-8") as handle:
        for number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                line = _check_line(number, text, path.parent)
            except CatalogError as exc:
                report.errors.append(str(exc))
                continue
            if line.item.item_id in seen:
                report.errors.append(f"line {number}: item_id: {line.item.item_id!r} is already on line "
                                     f"{seen[line.item.item_id]}")
                continue
            seen[line.item.item_id] = number
            lines.append(line)
    for line in lines:
        item = line.item if line.image is None else replace(line.item, image_key=_upload(s3, line))
        (report.added if catalog.upsert(item) else report.updated).append(item.item_id)
    return report
