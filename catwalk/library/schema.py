"""The library's tables as SQLAlchemy 2 ORM classes. The migration (0002) owns the DDL,
triggers and seed data; these classes mirror it for queries and must stay in step (a test
compares them with the migrated database)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pgvector.sqlalchemy import Vector
from sqlalchemy import ARRAY, BigInteger, Boolean, DateTime, Float, ForeignKey, Integer, Text, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from catwalk.vision.descriptor import DESCRIPTOR_DIM  # the one definition: what visual_descriptor returns

TEMPLATE_STATUSES = ("importing", "ready", "failed")
ASSET_KEYS = ("video", "pose_track", "parse_track", "reference_frame", "thumbnail")
ASSET_BUCKET = "catwalk-library"


class Base(DeclarativeBase):
    pass


class TagDimension(Base):
    __tablename__ = "tag_dimensions"

    name: Mapped[str] = mapped_column(Text, primary_key=True)
    zh: Mapped[str] = mapped_column(Text)
    en: Mapped[str] = mapped_column(Text)
    applies_to: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)


class TagValue(Base):
    __tablename__ = "tag_values"

    dimension: Mapped[str] = mapped_column(Text, ForeignKey("tag_dimensions.name", ondelete="CASCADE"),
                                           primary_key=True)
    value: Mapped[str] = mapped_column(Text, primary_key=True)
    zh: Mapped[str] = mapped_column(Text)
    en: Mapped[str] = mapped_column(Text)
    synonyms: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default=text("'{}'"))
    position: Mapped[int] = mapped_column(Integer)


class Template(Base):
    """A template video. Triggers stamp change_version and log deletions in
    template_deletions (id NULL after a TRUNCATE) so the matcher's cache catches up with
    only what changed (index.py)."""

    __tablename__ = "templates"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True,
                                          server_default=text("gen_random_uuid()"))
    name: Mapped[str] = mapped_column(Text, unique=True)
    status: Mapped[str] = mapped_column(Text, server_default="importing")
    source_key: Mapped[str | None] = mapped_column(Text)
    assets: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'"))
    tags: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'"))
    descriptor: Mapped[Any] = mapped_column(Vector(DESCRIPTOR_DIM), nullable=True)
    duration_s: Mapped[float] = mapped_column(Float, server_default="0")
    fps: Mapped[float] = mapped_column(Float, server_default="0")
    width: Mapped[int] = mapped_column(Integer, server_default="0")
    height: Mapped[int] = mapped_column(Integer, server_default="0")
    error: Mapped[str | None] = mapped_column(Text)
    change_version: Mapped[int] = mapped_column(BigInteger, server_default="0")  # set by a trigger
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("clock_timestamp()"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("clock_timestamp()"))


class Rule(Base):
    __tablename__ = "rules"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True,
                                          server_default=text("gen_random_uuid()"))
    name: Mapped[str] = mapped_column(Text, unique=True)
    expression: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(Text)
    weight: Mapped[float] = mapped_column(Float, server_default="1")
    description: Mapped[str] = mapped_column(Text, server_default="")
    enabled: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("clock_timestamp()"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("clock_timestamp()"))


class LibraryState(Base):
    """One row of counters bumped by statement triggers: a reader that caches the library,
    its rules or the dictionary re-reads only when its counter moved (transactional, so a
    change is never missed the way a sequence's last_value could miss a late commit)."""

    __tablename__ = "library_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    templates_version: Mapped[int] = mapped_column(BigInteger)
    rules_version: Mapped[int] = mapped_column(BigInteger)
    dictionary_version: Mapped[int] = mapped_column(BigInteger)
