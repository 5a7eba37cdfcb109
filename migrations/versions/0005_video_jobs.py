"""VideoJobs: tenants and their API keys, the durable job rows, and procrastinate's queue.

`tenants` carries the secret that signs the tenant's callbacks; `api_keys` keeps only a
lookup prefix and the SHA-256 of each key's secret (never the key). `video_jobs` keeps the
serialized CreateVideoJobRequest with its SHA-256, so a repeated idempotency key with a
different request is told apart, and the progress, result and error the API shows.

procrastinate's schema (3.10) is applied here from the installed package
(`SchemaManager.get_schema()`), so `alembic upgrade head` leaves a database the queue can
use. A later procrastinate upgrade ships its own SQL migrations in
`procrastinate/sql/migrations/*.sql`: each one the upgrade brings is applied by a new alembic
revision of ours that executes that file's SQL (in order, before the code that needs it is
deployed, as procrastinate's "Migrations" docs describe); this revision is never edited.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op
from procrastinate.schema import SchemaManager

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = ("queued", "running", "succeeded", "failed", "cancelled")
CALLBACK_STATES = ("none", "pending", "delivered", "failed")


def _in(values: Sequence[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def upgrade() -> None:
    op.execute("""
        CREATE TABLE tenants (
            id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            name            text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
            callback_secret text NOT NULL,
            created_at      timestamptz NOT NULL DEFAULT now()
        )""")
    op.execute("""
        CREATE TABLE api_keys (
            id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            prefix        text NOT NULL UNIQUE,
            secret_sha256 bytea NOT NULL,
            created_at    timestamptz NOT NULL DEFAULT now(),
            revoked_at    timestamptz
        )""")
    op.execute(f"""
        CREATE TABLE video_jobs (
            id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            tenant_id         uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            idempotency_key   text CHECK (length(idempotency_key) BETWEEN 1 AND 200),
            request           bytea NOT NULL,
            request_sha256    bytea NOT NULL,
            state             text NOT NULL DEFAULT 'queued' CHECK (state IN ({_in(STATES)})),
            step              text NOT NULL DEFAULT '',
            percent           double precision NOT NULL DEFAULT 0 CHECK (percent BETWEEN 0 AND 100),
            eta_s             double precision NOT NULL DEFAULT 0,
            message           text NOT NULL DEFAULT '',
            result            jsonb,
            error             jsonb,
            cancel_requested  boolean NOT NULL DEFAULT false,
            attempts          integer NOT NULL DEFAULT 0,
            queue_job_id      bigint,
            callback_url      text NOT NULL DEFAULT '',
            callback_state    text NOT NULL DEFAULT 'none' CHECK (callback_state IN ({_in(CALLBACK_STATES)})),
            callback_attempts integer NOT NULL DEFAULT 0,
            callback_error    text NOT NULL DEFAULT '',
            created_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
            updated_at        timestamptz NOT NULL DEFAULT clock_timestamp()
        )""")
    op.execute("CREATE UNIQUE INDEX video_jobs_idempotency ON video_jobs (tenant_id, idempotency_key) "
               "WHERE idempotency_key IS NOT NULL")
    op.execute("CREATE INDEX video_jobs_newest ON video_jobs (tenant_id, created_at DESC, id DESC)")
    op.execute("CREATE INDEX video_jobs_by_state ON video_jobs (tenant_id, state, created_at DESC, id DESC)")
    # Straight to the driver without parameters: the schema's SQL has '%' and ':' that
    # parameter parsing would misread. Same connection, so the same transaction.
    cursor = op.get_bind().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(SchemaManager.get_schema())
    finally:
        cursor.close()


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS video_jobs, api_keys, tenants")
    # Everything procrastinate's schema created is named procrastinate_*: tables, then
    # functions, then types (CASCADE takes the triggers with the tables).
    op.execute("""
        DO $$
        DECLARE r record;
        BEGIN
            FOR r IN SELECT tablename FROM pg_tables
                     WHERE schemaname = current_schema() AND tablename LIKE 'procrastinate\\_%' LOOP
                EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', r.tablename);
            END LOOP;
            FOR r IN SELECT p.oid::regprocedure AS f FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                     WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate\\_%' LOOP
                EXECUTE format('DROP FUNCTION IF EXISTS %s CASCADE', r.f);
            END LOOP;
            FOR r IN SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                     WHERE n.nspname = current_schema() AND t.typname LIKE 'procrastinate\\_%'
                       AND t.typtype IN ('e', 'c') LOOP
                EXECUTE format('DROP TYPE IF EXISTS %I CASCADE', r.typname);
            END LOOP;
        END $$""")
