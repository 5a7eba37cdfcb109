"""Rules through the service: create, list, update, test, delete; bad rules refused."""

from __future__ import annotations

import uuid

import grpc
import pytest

from catwalk.v1 import template_library_pb2 as pb
from tests.services.conftest import violations

POCKETS = 'template.action == "hands_in_pockets" ? product.has_pockets : true'


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def test_rule_crud(library):
    name = unique("pockets")
    rule = pb.Rule(name=name, expression=POCKETS, severity=pb.RULE_SEVERITY_BLOCK, weight=1,
                   description="hands in pockets needs pockets", enabled=True)
    created = library.CreateRule(pb.CreateRuleRequest(rule=rule), timeout=10)
    assert created.name == name and created.id and created.severity == pb.RULE_SEVERITY_BLOCK
    assert name in [r.name for r in library.ListRules(pb.ListRulesRequest(), timeout=10).rules]

    with pytest.raises(grpc.RpcError) as taken:
        library.CreateRule(pb.CreateRuleRequest(rule=rule), timeout=10)
    assert taken.value.code() == grpc.StatusCode.ALREADY_EXISTS

    rule.severity, rule.weight, rule.enabled = pb.RULE_SEVERITY_PENALISE, 0.5, False
    updated = library.UpdateRule(pb.UpdateRuleRequest(rule=rule), timeout=10)
    assert (updated.severity, updated.weight, updated.enabled, updated.id) == (
        pb.RULE_SEVERITY_PENALISE, 0.5, False, created.id)

    library.DeleteRule(pb.DeleteRuleRequest(name=name), timeout=10)
    assert name not in [r.name for r in library.ListRules(pb.ListRulesRequest(), timeout=10).rules]
    for call, request in ((library.DeleteRule, pb.DeleteRuleRequest(name=name)),
                          (library.UpdateRule, pb.UpdateRuleRequest(rule=rule))):
        with pytest.raises(grpc.RpcError) as gone:
            call(request, timeout=10)
        assert gone.value.code() == grpc.StatusCode.NOT_FOUND


@pytest.mark.parametrize("expression, says", [
    ("template.action == ", "does not compile"),
    ("product.moonwalk", "product.moonwalk is not a product tag"),
    ('template.action == "moonwalk"', "'moonwalk' is not a value of template.action"),
])
def test_a_rule_that_does_not_compile_or_names_an_unknown_tag_is_refused(library, expression, says):
    name = unique("bad")
    rule = pb.Rule(name=name, expression=expression, severity=pb.RULE_SEVERITY_BLOCK, enabled=True)
    with pytest.raises(grpc.RpcError) as info:
        library.CreateRule(pb.CreateRuleRequest(rule=rule), timeout=10)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert says in violations(info.value)["rule.expression"]
    assert name not in [r.name for r in library.ListRules(pb.ListRulesRequest(), timeout=10).rules]


def test_rule_fields_are_checked(library):
    no_severity = pb.Rule(name=unique("x"), expression="true")
    with pytest.raises(grpc.RpcError) as info:
        library.CreateRule(pb.CreateRuleRequest(rule=no_severity), timeout=10)
    assert set(violations(info.value)) == {"rule.severity"}
    bad_name = pb.Rule(name="Has Spaces", expression="true", severity=pb.RULE_SEVERITY_BLOCK)
    with pytest.raises(grpc.RpcError) as info:
        library.CreateRule(pb.CreateRuleRequest(rule=bad_name), timeout=10)
    assert set(violations(info.value)) == {"rule.name"}


def test_test_rule_evaluates_without_storing(library):
    request = pb.TestRuleRequest(expression=POCKETS)
    request.template_tags["action"].text = "hands_in_pockets"
    request.product_tags["has_pockets"].flag = False
    assert library.TestRule(request, timeout=10).result is False
    request.product_tags["has_pockets"].flag = True
    assert library.TestRule(request, timeout=10).result is True

    request.product_tags["has_pockets"].text = "yes"
    with pytest.raises(grpc.RpcError) as info:
        library.TestRule(request, timeout=10)
    assert set(violations(info.value)) == {"product_tags.has_pockets"}
    with pytest.raises(grpc.RpcError) as info:
        library.TestRule(pb.TestRuleRequest(expression="product.has_pockets &&"), timeout=10)
    assert "expression" in violations(info.value)
