"""The music library: one row per track (its audio lives in S3), with the beat grid and
loudness measured at import, so choosing music and snapping cuts never re-analyse audio.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STYLES = ("business", "casual", "street", "sporty", "elegant", "festive")


def upgrade() -> None:
    styles = ", ".join(f"'{s}'" for s in STYLES)
    op.execute(f"""
        CREATE TABLE music_tracks (
            id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            name          text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
            style         text NOT NULL CHECK (style IN ({styles})),
            origin        text NOT NULL CHECK (origin IN ('generated', 'imported')),
            audio_key     text NOT NULL UNIQUE,
            sample_rate   integer NOT NULL CHECK (sample_rate > 0),
            duration_s    double precision NOT NULL CHECK (duration_s > 0),
            bpm           double precision NOT NULL CHECK (bpm > 0),
            beats_s       double precision[] NOT NULL,
            downbeats_s   double precision[] NOT NULL,
            loudness_lufs double precision NOT NULL,
            true_peak_dbtp double precision NOT NULL,
            attribution   text NOT NULL DEFAULT '',
            created_at    timestamptz NOT NULL DEFAULT now()
        )""")
    op.execute("CREATE INDEX music_tracks_style ON music_tracks (style, duration_s)")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS music_tracks")
