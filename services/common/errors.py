"""The errors a servicer raises; the interceptor turns each into its gRPC status.

Domain code raises these (or the servicer translates the domain's own errors into them);
nothing else in a service builds a status. Bad input carries field violations, sent as
google.rpc.BadRequest details so clients can point at the field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import grpc
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2


@dataclass(frozen=True)
class FieldViolation:
    field: str  # path in the request, e.g. "rule.expression" or "tags.season"
    description: str


class ServiceError(Exception):
    """Base of the errors a servicer raises on purpose; `code` is the gRPC status."""

    code = grpc.StatusCode.UNKNOWN

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def details(self) -> list[any_pb2.Any]:
        return []

    def status(self, request_id: str) -> status_pb2.Status:
        """The rich status (google.rpc.Status) sent in grpc-status-details-bin."""
        status = status_pb2.Status(code=self.code.value[0], message=self.message)
        for detail in [*self.details(), _pack(error_details_pb2.RequestInfo(request_id=request_id))]:
            status.details.append(detail)
        return status


class InvalidArgument(ServiceError):
    code = grpc.StatusCode.INVALID_ARGUMENT

    def __init__(self, violations: Sequence[FieldViolation], message: str | None = None) -> None:
        self.violations = list(violations)
        super().__init__(message or "; ".join(f"{v.field}: {v.description}" for v in self.violations))

    def details(self) -> list[any_pb2.Any]:
        return [_pack(error_details_pb2.BadRequest(field_violations=[
            error_details_pb2.BadRequest.FieldViolation(field=v.field, description=v.description)
            for v in self.violations
        ]))]


class Unauthenticated(ServiceError):
    """No API key, or one that is unknown or revoked."""

    code = grpc.StatusCode.UNAUTHENTICATED


class NotFound(ServiceError):
    code = grpc.StatusCode.NOT_FOUND


class AlreadyExists(ServiceError):
    code = grpc.StatusCode.ALREADY_EXISTS


class FailedPrecondition(ServiceError):
    code = grpc.StatusCode.FAILED_PRECONDITION


class ResourceExhausted(ServiceError):
    code = grpc.StatusCode.RESOURCE_EXHAUSTED


class Unavailable(ServiceError):
    """A dependency (Postgres, S3, Triton) did not answer; the caller may retry."""

    code = grpc.StatusCode.UNAVAILABLE


class DeadlineExceeded(ServiceError):
    code = grpc.StatusCode.DEADLINE_EXCEEDED


def invalid(field: str, description: str) -> InvalidArgument:
    """The common case: one bad field."""
    return InvalidArgument([FieldViolation(field, description)])


def _pack(message: object) -> any_pb2.Any:
    detail = any_pb2.Any()
    detail.Pack(message)
    return detail
