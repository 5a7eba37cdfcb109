"""run_flow from a product photo to the finished 10 s MP4 and its report (needs MediaAssembler
in the stack)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import av
import pytest

from catwalk.jobs.flow import STEPS, remove_outputs, run_flow
from catwalk.jobs.steps.context import JobStore
from tests.flow.helpers import Recorder, other_env, video_request


@pytest.fixture
def media_stack(has_media_assembler) -> None:
    if not has_media_assembler:
        pytest.skip("the stack runs no MediaAssembler")


def _probe(path: Path) -> tuple[float, float, int, int, bool]:
    """(duration s, fps, frames, width, has audio) by decoding every frame."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        fps = float(stream.average_rate or 0)
        width = stream.width
        audio = bool(container.streams.audio)
        frames = sum(1 for _ in container.decode(video=0))
    return frames / fps, fps, frames, width, audio


def test_a_ten_second_video_from_a_product_photo(media_stack, flow_env, garment, job_id):
    store = JobStore(flow_env.s3(), job_id)
    progress = Recorder()
    try:
        result = run_flow(job_id, video_request(garment, duration_s=10.0, language="en"), flow_env, progress,
                          lambda: False)
        assert result.video_key == f"jobs/{job_id}/video.mp4"
        assert result.report_key == f"jobs/{job_id}/report.json"
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "video.mp4"
            path.write_bytes(store.get_bytes(result.video_key))
            seconds, fps, frames, width, audio = _probe(path)
        print(f"\n{frames} frames at {fps:g} fps = {seconds:.3f} s; steps {result.report['steps']}")
        assert abs(seconds - 10.0) <= 1 / fps + 1e-6
        assert result.duration_s == pytest.approx(10.0, abs=1 / fps + 1e-6)
        assert audio and width == 720
        report = store.get_json("report.json")
        assert set(STEPS) - {"publish"} <= set(report["steps"])
        assert set(result.report["steps"]) == set(STEPS)
        assert not any(v["from_checkpoint"] for v in report["steps"].values())
        assert report["profile"]["category"] == "tshirt"
        assert report["rules"]["excluded_by_rule"].get("pocket", 0) >= 2
        assert report["shots"] and all(s["quality"]["coverage_iou"] is not None for s in report["shots"])
        assert sum(s["cut"]["out_s"] - s["cut"]["in_s"] for s in report["shots"]) == pytest.approx(10.0, abs=0.01)
        assert report["script"]["lines"] and len(report["voice"]["lines"]) == len(report["script"]["lines"])
        assert report["music"]["bpm"] > 0 and report["video"]["duration_s"] == pytest.approx(10.0, abs=0.05)
        assert [c[0] for c in progress.calls][-1] == "publish" and progress.calls[-1][1] == 100.0
        # run again: everything from checkpoints, the same result
        again = run_flow(job_id, video_request(garment, duration_s=10.0, language="en"), flow_env, Recorder(),
                         lambda: False)
        assert again.video_key == result.video_key
        assert all(v["from_checkpoint"] for k, v in again.report["steps"].items())
    finally:
        remove_outputs(job_id, flow_env)


def test_the_report_names_a_shot_that_fell_back(media_stack, flow_env, garment, job_id):
    """A coverage gate no render can meet: every shot is tried on its fallback too, the best
    kept and flagged. (2.5 s, one shot: the flow takes any length; the API asks 10..180 s.)"""
    strict = other_env(flow_env, gates=type(flow_env.gates)(min_coverage_iou=1.01), max_fallbacks=1)
    try:
        result = run_flow(job_id, video_request(garment, duration_s=2.5, language="en"), strict, Recorder(),
                          lambda: False)
        shots = result.report["shots"]
        assert len(shots) == 1
        assert all(len(s["attempts"]) == 2 and not s["passed_gates"] for s in shots)
        assert all(s["attempts"][1]["template_name"] != s["planned_template"] for s in shots)
        assert all(any("coverage IoU" in g for g in a["gate_failures"]) for s in shots for a in s["attempts"])
        assert result.report["totals"]["flagged_shots"] == len(shots)
    finally:
        strict.close()
        remove_outputs(job_id, flow_env)
