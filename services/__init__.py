"""Catwalk's gRPC services: one package per service, `common` is the bootstrap they share."""
