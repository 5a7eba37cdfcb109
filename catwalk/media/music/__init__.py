"""The music library: procedurally generated starter tracks, beat and loudness analysis,
tracks in Postgres and S3, and choosing one for a video."""
