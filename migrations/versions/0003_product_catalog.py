"""The local product catalog: what `catwalk products import` stores and ProductParser reads
for an item id (a merchant's own item service can stand in through CATWALK_CATALOG_URL).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE products (
            item_id     text PRIMARY KEY CHECK (length(item_id) BETWEEN 1 AND 200),
            title       text NOT NULL DEFAULT '',
            description text NOT NULL DEFAULT '',
            attributes  jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(attributes) = 'object'),
            image_key   text,
            merchant    text NOT NULL DEFAULT '',
            created_at  timestamptz NOT NULL DEFAULT now(),
            updated_at  timestamptz NOT NULL DEFAULT now()
        )""")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS products")
