"""The flow's first steps on the real stack: parse and plan a studio garment, render one shot
through Triton, and a quality gate that sends a shot to its fallback template."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from catwalk.jobs.steps.parse import Parsed, parse
from catwalk.jobs.steps.plan import MAX_SHOT_S, MIN_SHOT_S, Plan, PlannedShot, plan
from catwalk.jobs.steps.render import RenderedShot, clip_end, render
from catwalk.media.video import probe, read_frames
from tests.flow.helpers import other_env, video_request

SHOT_TYPES = ["full_body", "runway_walk", "turn"]  # full_body holds the hands-in-pockets templates


@pytest.fixture
def parsed(step_run, garment) -> Parsed:
    return parse(step_run, video_request(garment).product)


def _plan(step_run, parsed: Parsed, duration_s: float = 10.0, seed: int = 7) -> Plan:
    return plan(step_run, parsed.profile_pb(), duration_s, SHOT_TYPES, seed)


def test_parse_uploads_the_photo_and_profiles_the_garment(step_run, parsed, garment):
    assert parsed.photo.bucket == "catwalk-jobs" and parsed.photo.key == f"jobs/{step_run.job_id}/input/photo"
    assert step_run.store.exists("input/photo")
    assert parsed.profile["category"] == "tshirt"
    assert parsed.profile["tags"]["has_pockets"]["value"]["flag"] is False
    assert Parsed.from_json(parsed.as_json()) == parsed


def test_plan_fills_the_duration_with_legal_varied_templates(step_run, parsed):
    p = _plan(step_run, parsed, duration_s=30.0)
    assert abs(sum(s.duration_s for s in p.shots) - 30.0) < 1e-6 and p.duration_s == pytest.approx(30.0)
    assert all(MIN_SHOT_S - 1e-6 <= s.duration_s <= MAX_SHOT_S + 1e-6 for s in p.shots)
    # a product without pockets never gets a hands-in-pockets template, and the report says which rule removed them
    assert all(s.template.action != "hands_in_pockets" for s in p.shots)
    assert all(f.action != "hands_in_pockets" for s in p.shots for f in s.fallbacks)
    assert p.excluded_by_rule.get("pocket", 0) >= 2
    assert {e["rule"] for e in p.exclusions} >= {"pocket"}
    assert any("hands-in-pockets" in e["template_name"] for e in p.exclusions if e["rule"] == "pocket")
    # distinct templates while the legal ones last, inside their clips, shot types varied, fallbacks other templates
    ids = [s.template.id for s in p.shots]
    assert len(set(ids)) == len(ids)
    assert all(s.in_s >= 0 and s.out_s <= s.template.duration_s + 1e-6 for s in p.shots)
    assert len({s.template.shot_type for s in p.shots}) >= 2
    assert all(s.template.id not in {f.id for f in s.fallbacks} for s in p.shots)
    # fallbacks are templates the plan does not use, shared between shots only when they run out
    assert all(f.id not in set(ids) for s in p.shots for f in s.fallbacks)
    assert not {f.id for f in p.shots[0].fallbacks} & {f.id for f in p.shots[1].fallbacks}
    assert all(s.template.shot_type in SHOT_TYPES for s in p.shots)
    # the same seed, the same plan; it survives its checkpoint
    assert _plan(step_run, parsed, duration_s=30.0) == p
    assert Plan.from_json(p.as_json()) == p


def test_a_long_video_reuses_templates_at_other_in_points(step_run, parsed):
    p = _plan(step_run, parsed, duration_s=120.0)
    assert abs(sum(s.duration_s for s in p.shots) - 120.0) < 1e-6
    assert p.reused_templates
    for template_id in p.reused_templates:
        ins = [s.in_s for s in p.shots if s.template.id == template_id]
        assert len(set(ins)) == len(ins), f"{template_id} reused at the same in-point: {ins}"


def _one_shot(p: Plan, seconds: float) -> PlannedShot:
    s = p.shots[0]
    return PlannedShot(0, s.template, s.in_s, s.in_s + seconds, s.fallbacks)


def test_render_one_shot(step_run, parsed):
    shot = _one_shot(_plan(step_run, parsed), 2.0)
    step_run.enter("render", 5, 70)
    [rendered] = render(step_run, [shot], parsed.photo, "short", 3)
    fps = shot.template.fps
    assert rendered.key == f"jobs/{step_run.job_id}/shots/0.mp4" and rendered.passed
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "0.mp4"
        path.write_bytes(step_run.store.get_bytes(rendered.key))
        info = probe(path)
        assert (info["width"], info["height"]) == (shot.template.width, shot.template.height)
        expected = round((clip_end(shot.template, shot.out_s) - shot.in_s) * fps)
        assert expected >= round(2.0 * fps)  # the shot and, where the template has them, frames after it
        assert info["frames"] == expected == rendered.frames
        first = next(read_frames(path))
    gates = step_run.env.gates
    q = rendered.quality
    print(f"\nshot 0 ({shot.template.name}): {q}")
    assert q["frames"] == rendered.frames and q["garment_frames"] > 0.9 * rendered.frames
    assert q["coverage_iou"] >= gates.min_coverage_iou
    assert q["garment_delta_e"] <= gates.max_delta_e
    assert q["jitter_ratio"] is None or q["jitter_ratio"] <= gates.max_jitter_ratio
    assert first.shape == (shot.template.height, shot.template.width, 3)
    # checkpointed per shot, with the product's garment mask once for the job
    assert RenderedShot.from_json(step_run.store.get_json("steps/03-render.shot-0.json")) == rendered
    assert step_run.store.get_json("steps/03-render.garment.json")["silhouette_name"] == "top"
    # progress per chunk with an ETA
    chunks = [c for c in step_run.progress.calls if c[0] == "render" and "frames/s" in c[3]]
    assert len(chunks) >= round(2.0 * fps) // step_run.env.chunk_frames
    assert all(5 <= c[1] <= 70 for c in chunks) and chunks[-1][1] == pytest.approx(70)
    assert chunks[0][2] > 0 and chunks[-1][2] == 0  # an ETA from the measured frames/s, 0 at the end


def test_a_shot_missing_a_gate_falls_back_to_the_next_template(stack, flow_env, step_run, parsed):
    strict = other_env(flow_env, gates=type(flow_env.gates)(min_coverage_iou=1.01), max_fallbacks=1)
    step_run.env = strict
    try:
        shot = _one_shot(_plan(step_run, parsed), 0.6)
        [rendered] = render(step_run, [shot], parsed.photo, "short", 3)
    finally:
        strict.close()
    assert [a.template_id for a in rendered.attempts] == [shot.template.id, shot.fallbacks[0].id]
    assert all(any("coverage IoU" in g for g in a.gate_failures) for a in rendered.attempts)
    assert not rendered.passed  # no template can meet it: the best is kept and flagged
    assert rendered.template.id in {shot.template.id, shot.fallbacks[0].id}
