"""services/common in-process: a toy service behind the real bootstrap (no stack needed)."""

from __future__ import annotations

import json
import threading
import time
import urllib.request

import grpc
import pytest
import structlog
from google.protobuf import wrappers_pb2
from google.rpc import error_details_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_status import rpc_status

from catwalk.stack.process import free_port
from services.common import deadlines
from services.common.errors import FieldViolation, InvalidArgument, NotFound
from services.common.logs import configure_logging
from services.common.server import Running, Service
from services.common.settings import ServerSettings, SettingsError

SERVICE = "test.Toy"
healthy = {"db": True}


def echo(request: wrappers_pb2.StringValue, context: grpc.ServicerContext) -> wrappers_pb2.StringValue:
    if request.value == "bad":
        raise InvalidArgument([FieldViolation("value", "must not be bad"), FieldViolation("other", "also")])
    if request.value == "missing":
        raise NotFound("no such thing")
    if request.value == "crash":
        raise ZeroDivisionError("boom")
    if request.value == "slow":
        time.sleep(deadlines.remaining_s(5.0) + 0.05)
    if request.value == "busy":
        time.sleep(0.5)
    return wrappers_pb2.StringValue(value=request.value)


def count(request: wrappers_pb2.StringValue, context: grpc.ServicerContext):
    """Streams "0", "1", … up to the number asked; "2!" fails with bad input after two messages."""
    n, fail = int(request.value.rstrip("!")), request.value.endswith("!")
    for i in range(n):
        yield wrappers_pb2.StringValue(value=str(i))
    if fail:
        raise InvalidArgument([FieldViolation("value", "ends badly")])


def db_check() -> None:
    if not healthy["db"]:
        raise ConnectionError("db down")


def add_toy(server: grpc.Server) -> None:
    server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(SERVICE, {
        "Echo": grpc.unary_unary_rpc_method_handler(
            echo, request_deserializer=wrappers_pb2.StringValue.FromString,
            response_serializer=wrappers_pb2.StringValue.SerializeToString),
        "Count": grpc.unary_stream_rpc_method_handler(
            count, request_deserializer=wrappers_pb2.StringValue.FromString,
            response_serializer=wrappers_pb2.StringValue.SerializeToString)})])


def toy_settings() -> ServerSettings:
    return ServerSettings.from_env({"CATWALK_TOY_PORT": str(free_port()), "CATWALK_TOY_METRICS_PORT": str(free_port()),
                                    "CATWALK_HEALTH_INTERVAL": "0.1", "CATWALK_SHUTDOWN_GRACE": "2"},
                                   "toy", port=1, metrics_port=2)


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    log = tmp_path_factory.mktemp("toy") / "log.jsonl"
    settings = toy_settings()
    with open(log, "w") as stream:
        configure_logging("toy")  # as `serve` does, then to a file instead of stdout
        structlog.configure(logger_factory=structlog.WriteLoggerFactory(stream))
        running = Running(settings, [Service(SERVICE, add_toy, checks=(db_check,))])
        channel = grpc.insecure_channel(running.address)
        try:
            yield running, channel, log
        finally:
            channel.close()
            running.stop()
            structlog.reset_defaults()


def call(channel: grpc.Channel, value: str, **kwargs):
    method = channel.unary_unary(f"/{SERVICE}/Echo", request_serializer=wrappers_pb2.StringValue.SerializeToString,
                                 response_deserializer=wrappers_pb2.StringValue.FromString)
    return method.with_call(wrappers_pb2.StringValue(value=value), timeout=kwargs.pop("timeout", 5), **kwargs)


def log_lines(log) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def test_health_follows_the_dependency_checks(toy):
    _, channel, _ = toy
    stub = health_pb2_grpc.HealthStub(channel)

    def status() -> int:
        return stub.Check(health_pb2.HealthCheckRequest(service=SERVICE), timeout=2).status

    deadline = time.monotonic() + 5
    while status() != health_pb2.HealthCheckResponse.SERVING and time.monotonic() < deadline:
        time.sleep(0.05)
    assert status() == health_pb2.HealthCheckResponse.SERVING
    healthy["db"] = False
    time.sleep(0.4)
    assert status() == health_pb2.HealthCheckResponse.NOT_SERVING
    healthy["db"] = True
    time.sleep(0.4)
    assert status() == health_pb2.HealthCheckResponse.SERVING


def test_invalid_argument_carries_field_violations_and_the_request_id(toy):
    _, channel, log = toy
    with pytest.raises(grpc.RpcError) as info:
        call(channel, "bad", metadata=(("x-request-id", "req-bad-1"),))
    error = info.value
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    status = rpc_status.from_call(error)
    bad = error_details_pb2.BadRequest()
    request_info = error_details_pb2.RequestInfo()
    for detail in status.details:
        detail.Unpack(bad) if detail.Is(bad.DESCRIPTOR) else detail.Unpack(request_info)
    assert [(v.field, v.description) for v in bad.field_violations] == [("value", "must not be bad"),
                                                                         ("other", "also")]
    assert request_info.request_id == "req-bad-1"
    assert ("x-request-id", "req-bad-1") in error.trailing_metadata()
    line = next(entry for entry in log_lines(log) if entry.get("request_id") == "req-bad-1")
    assert line | {"grpc_service": SERVICE, "grpc_method": "Echo", "grpc_code": "INVALID_ARGUMENT",
                   "service": "toy"} == line


def test_request_id_round_trips_or_is_made(toy):
    _, channel, log = toy
    response, call_info = call(channel, "hi", metadata=(("x-request-id", "req-ok-7"),))
    assert response.value == "hi"
    assert ("x-request-id", "req-ok-7") in call_info.initial_metadata()
    assert ("x-request-id", "req-ok-7") in call_info.trailing_metadata()
    line = next(entry for entry in log_lines(log) if entry.get("request_id") == "req-ok-7")
    assert line["grpc_code"] == "OK" and line["duration_ms"] >= 0 and line["level"] == "info"
    _, made = call(channel, "hi")
    assert len(dict(made.initial_metadata())["x-request-id"]) == 32


def test_unexpected_error_is_internal_naming_the_request_id_and_logged_with_traceback(toy):
    _, channel, log = toy
    with pytest.raises(grpc.RpcError) as info:
        call(channel, "crash", metadata=(("x-request-id", "req-crash"),))
    assert info.value.code() == grpc.StatusCode.INTERNAL
    assert "req-crash" in info.value.details() and "boom" not in info.value.details()
    entries = [e for e in log_lines(log) if e.get("request_id") == "req-crash"]
    assert any(e.get("level") == "error" and "ZeroDivisionError" in json.dumps(e.get("exception")) for e in entries)
    assert call(channel, "still alive")[0].value == "still alive"


def test_not_found_and_metrics_count_each_call_by_code(toy):
    running, channel, _ = toy
    with pytest.raises(grpc.RpcError) as info:
        call(channel, "missing")
    assert info.value.code() == grpc.StatusCode.NOT_FOUND
    url = f"http://{running.settings.host}:{running.settings.metrics_port}/metrics"
    text = urllib.request.urlopen(url, timeout=5).read().decode()
    assert f'grpc_server_handled_total{{grpc_code="NOT_FOUND",grpc_method="Echo",grpc_service="{SERVICE}"}} 1.0' in text
    assert f'grpc_server_handling_seconds_count{{grpc_method="Echo",grpc_service="{SERVICE}"}}' in text


def test_deadlines_too_short_are_refused_and_passed_down(toy):
    _, channel, log = toy
    with pytest.raises(grpc.RpcError) as info:
        call(channel, "hi", timeout=0.015, metadata=(("x-request-id", "req-short"),))
    assert info.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    with pytest.raises(grpc.RpcError) as slow:  # the handler sleeps past what remaining_s gave it
        call(channel, "slow", timeout=0.3, metadata=(("x-request-id", "req-slow"),))
    assert slow.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    time.sleep(0.2)
    codes = {e["request_id"]: e["grpc_code"] for e in log_lines(log) if e.get("event") == "rpc"}
    assert codes.get("req-short") == "DEADLINE_EXCEEDED" and codes.get("req-slow") == "DEADLINE_EXCEEDED"


def test_messages_over_the_limit_are_refused(toy):
    running, channel, _ = toy
    with pytest.raises(grpc.RpcError) as info:
        call(channel, "x" * (running.settings.max_message_bytes + 1))
    assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert ServerSettings.from_env({"CATWALK_GRPC_MAX_MESSAGE_MB": "1"}, "toy", 1, 2).max_message_bytes == 2**20


def test_server_streams_get_request_ids_statuses_and_metrics_like_unary_calls(toy):
    running, channel, _ = toy
    method = channel.unary_stream(f"/{SERVICE}/Count", request_serializer=wrappers_pb2.StringValue.SerializeToString,
                                  response_deserializer=wrappers_pb2.StringValue.FromString)
    stream = method(wrappers_pb2.StringValue(value="3"), timeout=5, metadata=(("x-request-id", "stream-1"),))
    assert [m.value for m in stream] == ["0", "1", "2"]
    assert dict(stream.initial_metadata())["x-request-id"] == "stream-1"

    failing = method(wrappers_pb2.StringValue(value="2!"), timeout=5)
    received = []
    with pytest.raises(grpc.RpcError) as error:
        for message in failing:
            received.append(message.value)
    assert received == ["0", "1"]
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    bad = error_details_pb2.BadRequest()
    next(d for d in rpc_status.from_call(error.value).details if d.Is(bad.DESCRIPTOR)).Unpack(bad)
    assert [v.field for v in bad.field_violations] == ["value"]
    metrics = urllib.request.urlopen(f"http://127.0.0.1:{running.settings.metrics_port}/metrics").read().decode()
    assert 'method="Count"' in metrics and 'code="INVALID_ARGUMENT"' in metrics


def test_settings_name_the_bad_variable():
    with pytest.raises(SettingsError, match="CATWALK_TOY_PORT"):
        ServerSettings.from_env({"CATWALK_TOY_PORT": "http"}, "toy", 1, 2)
    with pytest.raises(SettingsError, match="CATWALK_GRPC_MIN_DEADLINE_MS"):
        ServerSettings.from_env({"CATWALK_GRPC_MIN_DEADLINE_MS": "-1"}, "toy", 1, 2)


def test_stop_turns_health_off_first_and_lets_calls_in_flight_finish():
    running = Running(toy_settings(), [Service(SERVICE, add_toy)])
    channel = grpc.insecure_channel(running.address)
    try:
        watch = health_pb2_grpc.HealthStub(channel).Watch(health_pb2.HealthCheckRequest(service=SERVICE), timeout=10)
        assert next(s.status for s in watch if s.status != health_pb2.HealthCheckResponse.NOT_SERVING) == (
            health_pb2.HealthCheckResponse.SERVING)
        in_flight = call_future(channel, "busy")
        time.sleep(0.1)
        stopping = threading.Thread(target=running.stop)
        stopping.start()
        assert next(s.status for s in watch if s.status != health_pb2.HealthCheckResponse.SERVING) == (
            health_pb2.HealthCheckResponse.NOT_SERVING)
        assert not in_flight.done()  # health went off while the call was still running
        assert in_flight.result(timeout=5).value == "busy"  # finished inside the grace time
        stopping.join(timeout=10)
        assert not stopping.is_alive()
        with pytest.raises(grpc.RpcError) as refused:
            call(channel, "after", timeout=2)
        assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
    finally:
        channel.close()


def call_future(channel: grpc.Channel, value: str):
    method = channel.unary_unary(f"/{SERVICE}/Echo", request_serializer=wrappers_pb2.StringValue.SerializeToString,
                                 response_deserializer=wrappers_pb2.StringValue.FromString)
    return method.future(wrappers_pb2.StringValue(value=value), timeout=5)
