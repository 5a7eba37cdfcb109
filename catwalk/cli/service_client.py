"""The CLI's way to the services: where each is, a channel, statuses in words,
and tags from `--tag NAME=VALUE` options. Only the public gRPC API is used."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from catwalk.cli.output import fail
from catwalk.stack.settings import StackSettings
from catwalk.stack.stack import read_stack
from catwalk.v1 import tags_pb2, template_library_pb2_grpc

T = TypeVar("T")
CALL_TIMEOUT_S = 30.0


def service_url(name: str, env: Mapping[str, str] = os.environ) -> str:
    """Where service `name` (e.g. "template_library") answers: CATWALK_<NAME>_URL (host:port),
    else the running local stack's endpoint."""
    variable = f"CATWALK_{name.upper()}_URL"
    if env.get(variable):
        return env[variable]
    record = read_stack(StackSettings.from_env(env))["components"].get(name)
    if not record:
        fail(f"no {name.replace('_', ' ')}: run `catwalk up` or set {variable}")
    return str(record["endpoint"])


@contextmanager
def channel_to(name: str, max_message_mb: int = 64) -> Iterator[grpc.Channel]:
    options = [("grpc.max_send_message_length", max_message_mb * 2**20),
               ("grpc.max_receive_message_length", max_message_mb * 2**20)]
    with grpc.insecure_channel(service_url(name), options=options) as channel:
        yield channel


@contextmanager
def template_library() -> Iterator[template_library_pb2_grpc.TemplateLibraryStub]:
    with channel_to("template_library") as channel:
        yield template_library_pb2_grpc.TemplateLibraryStub(channel)


def call(method: Callable[..., T], request: Any, timeout_s: float = CALL_TIMEOUT_S) -> T:
    """One RPC with a request id; a failed call exits 1 with its status, message and field violations."""
    try:
        return method(request, timeout=timeout_s, metadata=(("x-request-id", f"cli-{uuid.uuid4().hex[:12]}"),))
    except grpc.RpcError as exc:
        fail(describe(exc))


def describe(exc: grpc.RpcError) -> str:
    """`CODE: message`, then one line per field violation."""
    lines = [f"{exc.code().name}: {exc.details()}"]
    status = rpc_status.from_call(exc)
    for detail in status.details if status else ():
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            lines += [f"  {v.field}: {v.description}" for v in bad.field_violations]
    return "\n".join(lines[:1] if len(lines) == 2 and lines[1].strip() in lines[0] else lines)


def parse_attributes(specs: list[str], option: str = "--attr") -> dict[str, str]:
    """NAME=VALUE pairs, as given (a merchant's own attributes)."""
    attributes = {}
    for spec in specs:
        name, sep, value = spec.partition("=")
        if not sep or not name:
            fail(f"{option} {spec!r}: expected NAME=VALUE")
        attributes[name] = value
    return attributes


def parse_tags(specs: list[str], option: str) -> dict[str, tags_pb2.TagValue]:
    """NAME=VALUE: `true`/`false` → flag, `a,b` → list, anything else → text."""
    tags = {}
    for spec in specs:
        name, sep, value = spec.partition("=")
        if not sep or not name:
            fail(f"{option} {spec!r}: expected NAME=VALUE (season=summer, has_pockets=true, occasion=office,party)")
        if value in ("true", "false"):
            tags[name] = tags_pb2.TagValue(flag=value == "true")
        elif "," in value:
            tags[name] = tags_pb2.TagValue(list=tags_pb2.StringList(values=[v for v in value.split(",") if v]))
        else:
            tags[name] = tags_pb2.TagValue(text=value)
    return tags


def tags_dict(tags: Mapping[str, tags_pb2.TagValue]) -> dict[str, Any]:
    """Tags as plain JSON values (str, bool, list)."""
    result: dict[str, Any] = {}
    for name, value in sorted(tags.items()):
        kind = value.WhichOneof("kind")
        result[name] = list(value.list.values) if kind == "list" else getattr(value, kind) if kind else None
    return result
