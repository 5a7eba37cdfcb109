"""The one server interceptor: request id, deadline check, error → status, log line, metrics.

Every unary call and server stream goes through `_call`: it takes the caller's `x-request-id`
(or makes one) and sends it back in initial and trailing metadata, refuses calls whose deadline
leaves less than `min_deadline_s`, maps ServiceError to its status with rich details, turns any
other exception into INTERNAL naming the request id (logged once, with its traceback), and logs
and counts the call. Client-streaming calls (reflection) pass through untouched.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

import grpc
import structlog
from grpc_status import rpc_status

from services.common import deadlines
from services.common.errors import DeadlineExceeded, ServiceError
from services.common.metrics import Metrics

REQUEST_ID = "x-request-id"
QUIET_SERVICES = ("grpc.health.v1.Health",)  # polled every few seconds: counted, not logged

log = structlog.get_logger("catwalk.rpc")


class _Status(NamedTuple):
    """grpc.Status is an interface; this is the value abort_with_status takes."""

    code: grpc.StatusCode
    details: str
    trailing_metadata: tuple[tuple[str, str | bytes], ...]


class _StatusType(_Status, grpc.Status):
    pass


class ServiceInterceptor(grpc.ServerInterceptor):
    def __init__(self, metrics: Metrics, min_deadline_s: float) -> None:
        self.metrics = metrics
        self.min_deadline_s = min_deadline_s

    def intercept_service(self, continuation: Callable[[Any], Any], handler_call_details: Any) -> Any:
        handler = continuation(handler_call_details)
        if handler is None or handler.request_streaming:
            return handler
        service, _, method = handler_call_details.method.lstrip("/").partition("/")
        metadata = dict(handler_call_details.invocation_metadata or ())
        request_id = str(metadata.get(REQUEST_ID) or uuid.uuid4().hex)[:128]

        if handler.unary_unary is not None:
            unary = handler.unary_unary

            def handle(request: Any, context: grpc.ServicerContext) -> Any:
                with self._call(context, service, method, request_id):
                    return unary(request, context)

            return grpc.unary_unary_rpc_method_handler(
                handle, request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer)

        stream = handler.unary_stream

        def handle_stream(request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
            with self._call(context, service, method, request_id):
                yield from stream(request, context)

        return grpc.unary_stream_rpc_method_handler(
            handle_stream, request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer)

    @contextmanager
    def _call(self, context: grpc.ServicerContext, service: str, method: str, request_id: str) -> Iterator[None]:
        started = time.monotonic()
        context.send_initial_metadata(((REQUEST_ID, request_id),))
        code = grpc.StatusCode.OK
        with structlog.contextvars.bound_contextvars(request_id=request_id, grpc_service=service,
                                                     grpc_method=method):
            try:
                remaining = context.time_remaining()
                if remaining is not None and remaining < self.min_deadline_s:
                    raise DeadlineExceeded(
                        f"deadline leaves {remaining * 1000:.0f} ms; this service needs at least "
                        f"{self.min_deadline_s * 1000:.0f} ms")
                with deadlines.call_deadline(remaining):
                    yield
                context.set_trailing_metadata(((REQUEST_ID, request_id),))
                if (context.time_remaining() or 0) <= 0:
                    code = grpc.StatusCode.DEADLINE_EXCEEDED  # the caller stopped waiting
            except GeneratorExit:  # a stream's caller went away
                code = grpc.StatusCode.CANCELLED
                raise
            except ServiceError as exc:
                code = exc.code
                context.abort_with_status(self._status(exc, request_id))
            except Exception as exc:
                if _aborted(context):  # a handler called context.abort itself: keep its status
                    code = context.code()
                    raise
                code = grpc.StatusCode.INTERNAL
                log.exception("unexpected error", error=repr(exc))
                context.abort_with_status(self._status(
                    ServiceError(f"internal error (request id {request_id})"), request_id, code))
            finally:
                duration = time.monotonic() - started
                self.metrics.observe(service, method, code.name, duration)
                if service not in QUIET_SERVICES or code != grpc.StatusCode.OK:
                    log.info("rpc", grpc_code=code.name, duration_ms=round(duration * 1000, 2),
                             peer=context.peer())

    @staticmethod
    def _status(exc: ServiceError, request_id: str, code: grpc.StatusCode | None = None) -> grpc.Status:
        status = exc.status(request_id)
        if code is not None:
            status.code = code.value[0]
        rich = rpc_status.to_status(status)
        return _StatusType(rich.code, rich.details, (*rich.trailing_metadata, (REQUEST_ID, request_id)))


def _aborted(context: grpc.ServicerContext) -> bool:
    code = context.code()
    return code is not None and code != grpc.StatusCode.OK
