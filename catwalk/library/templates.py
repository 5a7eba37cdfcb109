"""Template rows: add, read, list with keyset paging, update during import, delete.

Tags are checked against the dictionary on every write, so what is stored is always valid.
S3 objects are the caller's: delete_template returns the row (with its asset keys) so the
caller can remove them after the row is gone.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from catwalk.errors import FieldError
from catwalk.library.schema import ASSET_KEYS, DESCRIPTOR_DIM, TEMPLATE_STATUSES, Template
from catwalk.library.tags import Tags, check_tags, load_dictionary

MAX_PAGE_SIZE = 1000


class TemplateExists(FieldError):
    """Another template has this name or source key; `field` says which."""


@dataclass
class TemplateRecord:
    id: str
    name: str
    status: str
    tags: Tags
    assets: dict[str, str]
    descriptor: list[float] | None
    duration_s: float
    fps: float
    width: int
    height: int
    source_key: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # room for callers; not stored


def _record(row: Template) -> TemplateRecord:
    descriptor = None if row.descriptor is None else [float(x) for x in row.descriptor]
    return TemplateRecord(str(row.id), row.name, row.status, dict(row.tags), dict(row.assets), descriptor,
                          row.duration_s, row.fps, row.width, row.height, row.source_key, row.created_at,
                          row.updated_at, row.error)


def _check_fields(status: str, assets: dict[str, str], descriptor: list[float] | None) -> None:
    if status not in TEMPLATE_STATUSES:
        raise ValueError(f"status: {status!r} is not one of {', '.join(TEMPLATE_STATUSES)}")
    unknown = sorted(set(assets) - set(ASSET_KEYS))
    if unknown:
        raise ValueError(f"assets: unknown asset kind(s) {', '.join(unknown)} (known: {', '.join(ASSET_KEYS)})")
    if descriptor is not None and len(descriptor) != DESCRIPTOR_DIM:
        raise ValueError(f"descriptor: expected {DESCRIPTOR_DIM} numbers, got {len(descriptor)}")


def add_template(session: Session, record: TemplateRecord) -> TemplateRecord:
    """Insert a template (record.id may be empty: the database picks one). TemplateExists
    when the name or source key is taken; InvalidTags / ValueError name bad fields."""
    tags = check_tags(load_dictionary(session), record.tags, "template")
    _check_fields(record.status, record.assets, record.descriptor)
    row = Template(name=record.name, status=record.status, source_key=record.source_key, assets=dict(record.assets),
                   tags=tags, descriptor=record.descriptor, duration_s=record.duration_s, fps=record.fps,
                   width=record.width, height=record.height, error=record.error)
    if record.id:
        row.id = _uuid(record.id, "id")
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError as err:
        text = str(err.orig)
        if "source_key" in text:
            raise TemplateExists("source_key", f"{record.source_key!r} is already imported") from None
        if "templates_pkey" in text:
            raise TemplateExists("id", f"{record.id!r} already exists") from None
        raise TemplateExists("name", f"a template named {record.name!r} already exists") from None
    session.refresh(row)
    return _record(row)


_UNSET: Any = object()


def update_template(session: Session, id: str, *, status: str = _UNSET, tags: Tags = _UNSET,
                    assets: dict[str, str] = _UNSET, descriptor: list[float] | None = _UNSET,
                    duration_s: float = _UNSET, fps: float = _UNSET, width: int = _UNSET, height: int = _UNSET,
                    error: str | None = _UNSET) -> TemplateRecord | None:
    """Change the given fields (e.g. an import finishing: status, assets, tags, descriptor);
    None when there is no such template."""
    row = session.get(Template, _uuid(id, "id"), with_for_update=True)
    if row is None:
        return None
    if tags is not _UNSET:
        row.tags = check_tags(load_dictionary(session), tags, "template")
    _check_fields(row.status if status is _UNSET else status, row.assets if assets is _UNSET else assets,
                  row.descriptor if descriptor is _UNSET else descriptor)
    changes: dict[str, Any] = dict(status=status, assets=assets, descriptor=descriptor, duration_s=duration_s, fps=fps,
                   width=width, height=height, error=error)
    for name, value in changes.items():
        if value is not _UNSET:
            setattr(row, name, dict(value) if name == "assets" else value)
    session.flush()
    session.refresh(row)
    return _record(row)


def _uuid(text: str, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except (ValueError, AttributeError, TypeError):
        raise ValueError(f"{field}: {text!r} is not a template id (a UUID)") from None


def get_template(session: Session, id: str) -> TemplateRecord | None:
    try:
        key = uuid.UUID(id)
    except (ValueError, AttributeError, TypeError):
        return None
    row = session.get(Template, key)
    return None if row is None else _record(row)


def get_templates(session: Session, ids: list[str]) -> list[TemplateRecord]:
    """The templates with these ids, in the order asked (missing ones left out)."""
    rows = {str(r.id): r for r in session.scalars(select(Template).where(Template.id.in_([uuid.UUID(i) for i in ids])))}
    return [_record(rows[i]) for i in ids if i in rows]


def get_template_by_source(session: Session, source_key: str) -> TemplateRecord | None:
    row = session.scalar(select(Template).where(Template.source_key == source_key))
    return None if row is None else _record(row)


def get_template_by_name(session: Session, name: str) -> TemplateRecord | None:
    row = session.scalar(select(Template).where(Template.name == name))
    return None if row is None else _record(row)


def _encode_token(created_at: datetime, id: uuid.UUID) -> str:
    raw = json.dumps({"c": created_at.isoformat(), "i": str(id)}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_token(token: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw)
        created = datetime.fromisoformat(data["c"])
        if created.tzinfo is None:
            raise ValueError("naive timestamp")
        return created, uuid.UUID(data["i"])
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise ValueError("page_token: not a token this service issued (pass the next_page_token "
                         "of the previous page, or none for the first page)") from None


def list_templates(session: Session, filters: Tags | None = None, page_size: int = 50, page_token: str | None = None,
                   status: str | None = None) -> tuple[list[TemplateRecord], str | None]:
    """One page of templates, oldest first, whose tags contain `filters` (a list filter
    needs every listed value). Paging is by (created_at, id), so templates added while a
    client pages appear at the end and never shift a page. Returns (page, next token or None)."""
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page_size: {page_size} is outside 1..{MAX_PAGE_SIZE}")
    if status is not None and status not in TEMPLATE_STATUSES:
        raise ValueError(f"status: {status!r} is not one of {', '.join(TEMPLATE_STATUSES)}")
    query = select(Template)
    if filters:
        query = query.where(Template.tags.contains(check_tags(load_dictionary(session), filters, "template",
                                                              prefix="filters")))
    if status is not None:
        query = query.where(Template.status == status)
    if page_token:
        created, last = _decode_token(page_token)
        query = query.where(or_(Template.created_at > created,
                                and_(Template.created_at == created, Template.id > last)))
    rows = list(session.scalars(query.order_by(tuple_(Template.created_at, Template.id)).limit(page_size + 1)))
    more = len(rows) > page_size
    rows = rows[:page_size]
    token = _encode_token(rows[-1].created_at, rows[-1].id) if more else None
    return [_record(r) for r in rows], token


def delete_template(session: Session, id: str) -> TemplateRecord | None:
    """Delete the row; returns what it held (its asset keys for the caller to remove), or None."""
    try:
        key = uuid.UUID(id)
    except (ValueError, AttributeError, TypeError):
        return None
    row = session.get(Template, key, with_for_update=True)
    if row is None:
        return None
    record = _record(row)
    session.delete(row)
    session.flush()
    return record


def count_templates(session: Session, status: str | None = None) -> int:
    query = select(func.count()).select_from(Template)
    if status is not None:
        query = query.where(Template.status == status)
    return int(session.scalar(query) or 0)
