"""The TemplateLibrary service of the session's real stack, and helpers to read its errors."""

from __future__ import annotations

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from catwalk.v1 import template_library_pb2_grpc


@pytest.fixture(scope="session")
def service_record(stack) -> dict:
    return stack.record["components"]["template_library"]


@pytest.fixture(scope="session")
def channel(service_record):
    with grpc.insecure_channel(service_record["endpoint"]) as channel:
        yield channel


@pytest.fixture(scope="session")
def library(channel) -> template_library_pb2_grpc.TemplateLibraryStub:
    return template_library_pb2_grpc.TemplateLibraryStub(channel)


def violations(error: grpc.RpcError) -> dict[str, str]:
    """field → description from the status's google.rpc.BadRequest."""
    status = rpc_status.from_call(error)
    found: dict[str, str] = {}
    for detail in status.details if status else ():
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            found.update({v.field: v.description for v in bad.field_violations})
    return found
