"""The local stack: PostgreSQL, S3 (SeaweedFS) and Triton, started on loopback by `catwalk up`."""
