"""Item ids → what the merchant says about the item: a `Catalog` adapter.

Two adapters, chosen by `catalog_from_env`:
- `PostgresCatalog` (default): the `products` table (migration 0003) that
  `catwalk products import FILE.jsonl` fills; images are keys in bucket catwalk-library.
- `HttpCatalog` (CATWALK_CATALOG_URL set): a merchant's own item service. Contract:
  `GET {base}/items/{item_id}` (item id percent-encoded) answers 200 with a JSON object
  `{"item_id": str, "title": str, "description": str, "attributes": {str: str|bool|number|[str]},
  "image_url": str|null}`, 404 when there is no such item; anything else is "unavailable".
  The image is then fetched from `image_url` (http or https) with the same timeout.

Adapters raise `CatalogUnavailable` when the catalog cannot answer (the caller may retry)
and `CatalogError` when it answers with something unusable.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, insert

from catwalk.library.db import session

AttributeValue = str | bool | float | list[str]
MAX_IMAGE_BYTES = 32 * 2**20  # a product photo larger than this is refused before download ends

metadata = sa.MetaData()
products = sa.Table(
    "products", metadata,
    sa.Column("item_id", sa.Text, primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("attributes", JSONB, nullable=False),
    sa.Column("image_key", sa.Text),
    sa.Column("merchant", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
)


class CatalogError(RuntimeError):
    """The catalog answered, but not with a usable item."""


class CatalogUnavailable(CatalogError):
    """The catalog did not answer (down, timed out, 5xx); the caller may retry."""


@dataclass(frozen=True)
class CatalogItem:
    """One item as its merchant lists it. At most one of image_key (bucket catwalk-library)
    and image_url is set."""

    item_id: str
    title: str = ""
    description: str = ""
    attributes: dict[str, AttributeValue] = field(default_factory=dict)
    image_key: str | None = None
    image_url: str | None = None
    merchant: str = ""


class Catalog(Protocol):
    def get(self, item_id: str, timeout_s: float = 10.0) -> CatalogItem | None:
        """The item, or None when the catalog has no such id."""
        ...


class PostgresCatalog:
    """The local catalog: table `products`."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn

    def get(self, item_id: str, timeout_s: float = 10.0) -> CatalogItem | None:
        try:
            with session(self.dsn) as s:
                s.execute(sa.text(f"SET LOCAL statement_timeout = {max(1, int(timeout_s * 1000))}"))
                row = s.execute(sa.select(products).where(products.c.item_id == item_id)).mappings().first()
        except sa.exc.OperationalError as exc:
            raise CatalogUnavailable(f"product catalog (Postgres): {exc.orig or exc}") from None
        if row is None:
            return None
        return CatalogItem(row["item_id"], row["title"], row["description"], dict(row["attributes"]),
                           image_key=row["image_key"], merchant=row["merchant"])

    def upsert(self, item: CatalogItem) -> bool:
        """Insert or replace one item in its own transaction; True when it was new."""
        values = {"item_id": item.item_id, "title": item.title, "description": item.description,
                  "attributes": item.attributes, "image_key": item.image_key, "merchant": item.merchant}
        new = insert(products).values(**values)
        statement: Any = new.on_conflict_do_update(
            index_elements=[products.c.item_id],
            set_={**{k: new.excluded[k] for k in values if k != "item_id"}, "updated_at": sa.func.now()},
        ).returning(sa.literal_column("xmax = 0"))  # xmax 0: the row was inserted, not updated
        with session(self.dsn) as s:
            return bool(s.execute(statement).scalar_one())


class HttpCatalog:
    """A merchant's item service (contract in the module docstring), over urllib."""

    def __init__(self, base_url: str) -> None:
        if urllib.parse.urlsplit(base_url).scheme not in ("http", "https"):
            raise ValueError(f"CATWALK_CATALOG_URL={base_url!r}: expected an http(s) URL")
        self.base_url = base_url.rstrip("/")

    def get(self, item_id: str, timeout_s: float = 10.0) -> CatalogItem | None:
        url = f"{self.base_url}/items/{urllib.parse.quote(item_id, safe='')}"
        try:
            body = fetch(url, timeout_s, max_bytes=2**20, accept="application/json")
        except CatalogNotFound:
            return None
        try:
            data = json.loads(body)
        except ValueError:
            raise CatalogError(f"{url}: the answer is not JSON") from None
        return item_from_json(data, url, item_id)


class CatalogNotFound(CatalogError):
    """HTTP 404."""


def fetch(url: str, timeout_s: float, max_bytes: int = MAX_IMAGE_BYTES, accept: str = "*/*") -> bytes:
    """GET `url`: its body, at most `max_bytes`. 404 → CatalogNotFound; no answer, a timeout or
    another status → CatalogUnavailable (4xx other than 404 → CatalogError)."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise CatalogError(f"{url!r}: only http(s) URLs are fetched")
    request = urllib.request.Request(url, headers={"Accept": accept, "User-Agent": "catwalk-product-parser"})
    try:
        with urllib.request.urlopen(request, timeout=max(timeout_s, 0.001)) as response:  # the scheme is checked above
            body: bytes = response.read(max_bytes + 1)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            raise CatalogNotFound(f"{url}: 404") from None
        if 400 <= exc.code < 500:
            raise CatalogError(f"{url}: HTTP {exc.code}") from None
        raise CatalogUnavailable(f"{url}: HTTP {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise CatalogUnavailable(f"{url}: {reason}") from None
    if len(body) > max_bytes:
        raise CatalogError(f"{url}: more than {max_bytes} bytes")
    return body


def item_from_json(data: Any, where: str, item_id: str | None = None) -> CatalogItem:
    """A CatalogItem from the HTTP contract's JSON (`image_url`) or an import line's (`image`
    is handled by the importer); CatalogError naming the field otherwise."""
    if not isinstance(data, Mapping):
        raise CatalogError(f"{where}: expected a JSON object")
    got = data.get("item_id", item_id)
    if not isinstance(got, str) or not got.strip():
        raise CatalogError(f"{where}: item_id: expected a non-empty string")
    if item_id is not None and got != item_id:
        raise CatalogError(f"{where}: item_id: asked for {item_id!r}, got {got!r}")
    for name in ("title", "description", "image_url", "merchant"):
        if data.get(name) is not None and not isinstance(data[name], str):
            raise CatalogError(f"{where}: {name}: expected a string")
    attributes = data.get("attributes") or {}
    if not isinstance(attributes, Mapping):
        raise CatalogError(f"{where}: attributes: expected a JSON object")
    for key, value in attributes.items():
        ok = isinstance(value, str | bool | int | float) or (
            isinstance(value, list) and all(isinstance(v, str) for v in value))
        if not ok:
            raise CatalogError(f"{where}: attributes.{key}: expected a string, boolean, number or list of strings")
    return CatalogItem(got.strip(), data.get("title") or "", data.get("description") or "", dict(attributes),
                       image_url=data.get("image_url") or None, merchant=data.get("merchant") or "")


def catalog_from_env(env: Mapping[str, str], dsn: str) -> Catalog:
    """HttpCatalog when CATWALK_CATALOG_URL is set, else the Postgres catalog at `dsn`."""
    url = env.get("CATWALK_CATALOG_URL", "").strip()
    return HttpCatalog(url) if url else PostgresCatalog(dsn)
