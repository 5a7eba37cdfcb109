"""TemplateLibrary as `catwalk up` runs it: health, reflection, errors, ids, metrics, shutdown."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

from catwalk.stack.process import free_port, wait_until
from catwalk.stack.services import TemplateLibrary, health_check
from catwalk.v1 import template_library_pb2 as pb
from tests.conftest import REPO
from tests.services.conftest import violations

SERVICE = "catwalk.v1.TemplateLibrary"


def test_health_is_serving_for_the_service_and_the_server(channel):
    stub = health_pb2_grpc.HealthStub(channel)
    for name in ("", SERVICE):
        answer = stub.Check(health_pb2.HealthCheckRequest(service=name), timeout=5)
        assert answer.status == health_pb2.HealthCheckResponse.SERVING
    with pytest.raises(grpc.RpcError) as info:
        stub.Check(health_pb2.HealthCheckRequest(service="catwalk.v1.Nothing"), timeout=5)
    assert info.value.code() == grpc.StatusCode.NOT_FOUND


def test_reflection_lists_the_service_and_describes_its_methods(channel):
    database = ProtoReflectionDescriptorDatabase(channel)
    assert SERVICE in set(database.get_services())
    file = database.FindFileContainingSymbol(SERVICE)
    assert file.name == "catwalk/v1/template_library.proto"
    methods = {m.name for s in file.service if s.name == "TemplateLibrary" for m in s.method}
    assert {"MatchTemplates", "ListTemplates", "ImportTemplate", "TestRule"} <= methods


def test_bad_tags_are_invalid_argument_naming_each_field(library):
    request = pb.ValidateProductTagsRequest()
    request.tags["seasonn"].text = "summer"
    request.tags["has_pockets"].text = "maybe"
    request.tags["colour_family"].list.values.extend(["red", "plaid"])
    request.tags["gender"].SetInParent()  # no value at all
    with pytest.raises(grpc.RpcError) as info:
        library.ValidateProductTags(request, timeout=10)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    fields = violations(info.value)
    assert set(fields) == {"tags.seasonn", "tags.has_pockets", "tags.colour_family[1]", "tags.gender"}
    assert "unknown tag dimension 'seasonn'" in fields["tags.seasonn"]

    good = pb.ValidateProductTagsRequest()
    good.tags["season"].list.values.append("summer")
    good.tags["has_pockets"].flag = True
    library.ValidateProductTags(good, timeout=10)


def test_unknown_or_malformed_template_ids(library):
    with pytest.raises(grpc.RpcError) as missing:
        library.GetTemplate(pb.GetTemplateRequest(id="00000000-0000-4000-8000-000000000000"), timeout=10)
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.RpcError) as malformed:
        library.GetTemplate(pb.GetTemplateRequest(id="walk-01"), timeout=10)
    assert malformed.value.code() == grpc.StatusCode.INVALID_ARGUMENT and set(violations(malformed.value)) == {"id"}
    with pytest.raises(grpc.RpcError) as gone:
        library.DeleteTemplate(pb.DeleteTemplateRequest(id="00000000-0000-4000-8000-000000000000"), timeout=10)
    assert gone.value.code() == grpc.StatusCode.NOT_FOUND


def test_request_id_round_trips_and_is_in_the_json_log(library, service_record):
    _, call = library.ListRules.with_call(pb.ListRulesRequest(), timeout=10,
                                          metadata=(("x-request-id", "test-rid-42"),))
    assert ("x-request-id", "test-rid-42") in call.initial_metadata()

    def logged() -> list[dict]:
        lines = Path(service_record["log"]).read_text(encoding="utf-8").splitlines()
        return [e for e in map(_json, lines) if e and e.get("request_id") == "test-rid-42"]

    assert wait_until(lambda: bool(logged()), 5)
    entry = logged()[0]
    assert entry["event"] == "rpc" and entry["grpc_service"] == SERVICE and entry["grpc_method"] == "ListRules"
    assert entry["grpc_code"] == "OK" and entry["service"] == "template_library" and entry["duration_ms"] > 0


def _json(line: str) -> dict | None:
    try:
        return json.loads(line)
    except ValueError:
        return None


def _handled(service_record: dict, method: str, code: str) -> float:
    text = urllib.request.urlopen(service_record["metrics"], timeout=5).read().decode()
    key = f'grpc_server_handled_total{{grpc_code="{code}",grpc_method="{method}",grpc_service="{SERVICE}"}} '
    return next((float(line.removeprefix(key)) for line in text.splitlines() if line.startswith(key)), 0.0)


def test_metrics_count_calls_by_method_and_code(library, service_record):
    before = _handled(service_record, "GetTemplate", "NOT_FOUND")
    for _ in range(3):
        with pytest.raises(grpc.RpcError):
            library.GetTemplate(pb.GetTemplateRequest(id="00000000-0000-4000-8000-000000000001"), timeout=10)
    assert _handled(service_record, "GetTemplate", "NOT_FOUND") == before + 3


def test_a_deadline_too_short_is_refused_and_the_service_goes_on(library, service_record):
    before = _handled(service_record, "ListTemplates", "DEADLINE_EXCEEDED")
    with pytest.raises(grpc.RpcError) as info:
        library.ListTemplates(pb.ListTemplatesRequest(), timeout=0.01)
    assert info.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert wait_until(lambda: _handled(service_record, "ListTemplates", "DEADLINE_EXCEEDED") == before + 1, 5)
    library.ListTemplates(pb.ListTemplatesRequest(page_size=1), timeout=10)


def test_sigterm_drains_and_exits_cleanly(stack, tmp_path):
    """A second instance on ports of its own: SIGTERM → NOT_SERVING, in-flight calls finish, exit 0."""
    env = {**stack.env, "CATWALK_TEMPLATE_LIBRARY_PORT": str(free_port()),
           "CATWALK_TEMPLATE_LIBRARY_METRICS_PORT": str(free_port())}
    component = TemplateLibrary(type(stack.settings).from_env(env))
    log = tmp_path / "service.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "services.template_library"], cwd=REPO,
                                env={**os.environ, **component.environment(), "CATWALK_SHUTDOWN_GRACE": "3"},
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        assert wait_until(lambda: health_check(component.endpoint, SERVICE)[0], 60), log.read_text()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0, log.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    events = [e["event"] for e in map(_json, log.read_text().splitlines()) if e]
    assert events.index("stopping") < events.index("stopped")
    assert "Traceback" not in log.read_text()


def test_status_shows_the_service_healthy(stack):
    from catwalk.stack import stack as local_stack

    rows = {row.name: row for row in local_stack.status(stack.settings)}
    assert rows["template_library"].healthy and rows["template_library"].detail == "SERVING"
