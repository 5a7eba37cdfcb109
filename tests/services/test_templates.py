"""Templates through the service: paging, filters, matching with its explanations."""

from __future__ import annotations

import uuid

import grpc
import pytest

from catwalk.library.db import session
from catwalk.library.templates import TemplateRecord, add_template
from catwalk.v1 import template_library_pb2 as pb
from tests.services.conftest import violations


@pytest.fixture(scope="module")
def added(stack) -> list[str]:
    """Nine ready templates of our own (ids, in the order added), straight through the data layer."""
    tag = uuid.uuid4().hex[:6]
    ids = []
    with session(stack.database_url) as s:
        for i in range(9):
            action = "hands_in_pockets" if i % 3 == 0 else "walk"
            record = add_template(s, TemplateRecord(
                id="", name=f"svc-{tag}-{i}", status="ready",
                tags={"action": action, "shot_type": "full_body", "model_gender": "female" if i % 2 else "male",
                      "scene": "studio", "lighting": "soft", "requires_pockets": action == "hands_in_pockets"},
                assets={}, descriptor=None, duration_s=4.0, fps=30.0, width=720, height=1280))
            ids.append(record.id)
    return ids


def test_list_pages_through_everything_once_in_a_stable_order(library, added):
    seen: list[str] = []
    request = pb.ListTemplatesRequest(page_size=4)
    while True:
        page = library.ListTemplates(request, timeout=10)
        assert len(page.templates) <= 4
        seen += [t.id for t in page.templates]
        if not page.next_page_token:
            break
        request.page_token = page.next_page_token
    assert len(seen) == len(set(seen))
    positions = [seen.index(i) for i in added]
    assert positions == sorted(positions)


def test_list_filters_by_tags_and_names_bad_input(library, added):
    request = pb.ListTemplatesRequest(page_size=1000)
    request.filters["action"].text = "hands_in_pockets"
    found = library.ListTemplates(request, timeout=10).templates
    ours = {t.id for t in found} & set(added)
    assert ours == {added[0], added[3], added[6]}
    assert all(t.tags["action"].text == "hands_in_pockets" for t in found)
    failed = library.ListTemplates(pb.ListTemplatesRequest(status=pb.TEMPLATE_STATUS_FAILED), timeout=10).templates
    assert not {t.id for t in failed} & set(added)

    with pytest.raises(grpc.RpcError) as token:
        library.ListTemplates(pb.ListTemplatesRequest(page_token="not-a-token"), timeout=10)
    assert set(violations(token.value)) == {"page_token"}
    with pytest.raises(grpc.RpcError) as size:
        library.ListTemplates(pb.ListTemplatesRequest(page_size=5000), timeout=10)
    assert set(violations(size.value)) == {"page_size"}
    bad = pb.ListTemplatesRequest()
    bad.filters["actionn"].text = "walk"
    bad.filters["scene"].text = "moon"
    with pytest.raises(grpc.RpcError) as info:
        library.ListTemplates(bad, timeout=10)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert set(violations(info.value)) == {"filters.actionn", "filters.scene"}


def test_get_template_returns_what_was_stored(library, added):
    template = library.GetTemplate(pb.GetTemplateRequest(id=added[1]), timeout=10)
    assert template.status == pb.TEMPLATE_STATUS_READY and template.width == 720
    assert template.tags["action"].text == "walk" and template.tags["requires_pockets"].flag is False
    assert template.create_time.seconds > 0


def test_match_ranks_and_explains_every_exclusion(library, added):
    rule = pb.Rule(name=f"pockets_{uuid.uuid4().hex[:6]}", severity=pb.RULE_SEVERITY_BLOCK, enabled=True,
                   expression='template.action == "hands_in_pockets" ? product.has_pockets : true')
    library.CreateRule(pb.CreateRuleRequest(rule=rule), timeout=10)
    try:
        request = pb.MatchTemplatesRequest(shot_types=["full_body"], count=1000)
        request.profile.tags["has_pockets"].value.flag = False
        request.profile.tags["gender"].value.text = "women"
        result = library.MatchTemplates(request, timeout=10)
    finally:
        library.DeleteRule(pb.DeleteRuleRequest(name=rule.name), timeout=10)
    matched = {m.template.id for m in result.matches}
    excluded = {e.template_id: e for e in result.exclusions}  # each under the first blocking rule by name
    pocket_templates = {added[0], added[3], added[6]}
    assert pocket_templates <= set(excluded) and not matched & set(excluded)
    assert result.excluded_by_rule[rule.name] >= len(pocket_templates)
    assert all(e.rule and e.reason for e in excluded.values())
    assert added[1] in matched  # female model, walking: nothing against it
    totals = [m.score.total for m in result.matches]
    assert totals == sorted(totals, reverse=True) and result.considered >= len(added)


def test_match_names_bad_arguments(library):
    request = pb.MatchTemplatesRequest(shot_types=["moonwalk"])
    with pytest.raises(grpc.RpcError) as shot:
        library.MatchTemplates(request, timeout=10)
    assert set(violations(shot.value)) == {"shot_types[0]"}
    request = pb.MatchTemplatesRequest(count=5000)
    request.profile.visual_descriptor.extend([0.5, 0.5])
    with pytest.raises(grpc.RpcError) as count:
        library.MatchTemplates(request, timeout=10)
    assert set(violations(count.value)) == {"count"}
    request.count = 5
    with pytest.raises(grpc.RpcError) as descriptor:
        library.MatchTemplates(request, timeout=10)
    assert set(violations(descriptor.value)) == {"profile.visual_descriptor"}
    request = pb.MatchTemplatesRequest()
    request.profile.tags["sleeve"].value.text = "long"
    with pytest.raises(grpc.RpcError) as tags:
        library.MatchTemplates(request, timeout=10)
    assert set(violations(tags.value)) == {"profile.tags.sleeve"}


def test_import_of_a_non_video_is_invalid_and_stores_nothing(stack, library):
    import io

    from catwalk.stack.s3 import s3_client

    s = stack.settings
    s3 = s3_client(stack.record["components"]["s3"]["endpoint"], s.s3_access_key, s.s3_secret_key)
    s3.put_object("catwalk-library", "uploads/notes.mp4", io.BytesIO(b"not a video"), 11)
    name = f"svc-import-{uuid.uuid4().hex[:6]}"
    for key in ("uploads/notes.mp4", "uploads/missing.mp4"):
        with pytest.raises(grpc.RpcError) as info:
            library.ImportTemplate(pb.ImportTemplateRequest(source_key=key, name=name), timeout=60)
        assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "source_key" in violations(info.value)
    listed = library.ListTemplates(pb.ListTemplatesRequest(page_size=1000), timeout=10).templates
    assert name not in {t.name for t in listed}
    with pytest.raises(grpc.RpcError) as empty:
        library.ImportTemplate(pb.ImportTemplateRequest(), timeout=10)
    assert set(violations(empty.value)) == {"source_key", "name"}
