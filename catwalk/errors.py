"""Bad input named by the field at fault: the one shape the library code raises, so a
service can answer with that field (INVALID_ARGUMENT with a BadRequest violation, or the
status a subclass stands for)."""

from __future__ import annotations


class FieldError(ValueError):
    """`field` is the request field (or setting) at fault, as the caller named it
    ("shots[2].s3_key", "voice", "CATWALK_COPY_URL"); `message` says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
