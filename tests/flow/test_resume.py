"""A job cancelled mid-render stops promptly, resumes at its next unfinished shot without
rewriting the finished ones, and a cancelled job's outputs can all be removed."""

from __future__ import annotations

import time

import pytest

from catwalk.jobs.flow import FlowCancelled, FlowFailed, remove_outputs, run_flow
from catwalk.jobs.steps.context import JobStore
from tests.flow.helpers import Recorder, video_request


class CancelDuringShot:
    """Trips once shot `shot` has rendered a chunk; remembers when, to time the stop."""

    def __init__(self, shot: int) -> None:
        self.shot = shot
        self.tripped_at: float | None = None
        self.progress = Recorder()

    def on_progress(self, step: str, percent: float, eta_s: float, message: str) -> None:
        self.progress(step, percent, eta_s, message)
        if self.tripped_at is None and message.startswith(f"shot {self.shot} "):
            self.tripped_at = time.monotonic()

    def __call__(self) -> bool:
        return self.tripped_at is not None


def _objects(store: JobStore) -> dict[str, tuple[str, object]]:
    return {o.object_name: (o.etag, o.last_modified)
            for o in store.s3.list_objects(store.bucket, store.prefix, recursive=True)}


def test_a_cancelled_job_resumes_at_its_next_shot(flow_env, garment, job_id, has_media_assembler):
    store = JobStore(flow_env.s3(), job_id)
    request = video_request(garment, duration_s=10.0)
    cancel = CancelDuringShot(1)
    with pytest.raises(FlowCancelled):
        run_flow(job_id, request, flow_env, cancel.on_progress, cancel)
    assert cancel.tripped_at is not None
    stopped_in = time.monotonic() - cancel.tripped_at
    print(f"\nstopped {stopped_in:.2f} s after the cancel")
    assert stopped_in < 2.5
    before = _objects(store)
    shot0 = f"jobs/{job_id}/shots/0.mp4"
    assert shot0 in before and f"jobs/{job_id}/steps/03-render.shot-0.json" in before
    assert f"jobs/{job_id}/shots/1.mp4" not in before  # killed mid-shot: nothing half-written
    assert f"jobs/{job_id}/steps/03-render.json" not in before

    again = Recorder()
    try:
        if has_media_assembler:
            result = run_flow(job_id, request, flow_env, again, lambda: False)
            assert result.report["steps"]["parse"]["from_checkpoint"] is True
            assert result.report["steps"]["plan"]["from_checkpoint"] is True
            assert result.report["steps"]["render"]["from_checkpoint"] is False
            assert result.video_key == f"jobs/{job_id}/video.mp4"
        else:  # the steps after render need MediaAssembler, which this stack does not run
            with pytest.raises(FlowFailed) as info:
                run_flow(job_id, request, flow_env, again, lambda: False)
            assert (info.value.step, info.value.code, info.value.retryable) == ("script", "UNAVAILABLE", True)
        after = _objects(store)
        assert after[shot0] == before[shot0], "a finished shot was rendered again"
        rendered = store.get_json("steps/03-render.json")["output"]
        assert [s["key"] for s in rendered] == [f"jobs/{job_id}/shots/{i}.mp4" for i in range(len(rendered))]
        assert all(s["key"] in after for s in rendered)
        # the resumed run rendered no frame of shot 0 and said its first steps came from checkpoints
        assert not any(m.startswith("shot 0 ") for _, _, _, m in again.calls)
        assert ("parse", 3.0, 0.0, "from checkpoint") in again.calls
        percents = [p for _, p, _, _ in again.calls]
        assert percents == sorted(percents)
    finally:
        remove_outputs(job_id, flow_env)
    assert not _objects(store)


def test_remove_outputs_clears_a_cancelled_job(flow_env, garment, job_id):
    store = JobStore(flow_env.s3(), job_id)
    cancel = CancelDuringShot(0)
    with pytest.raises(FlowCancelled):
        run_flow(job_id, video_request(garment, duration_s=10.0), flow_env, cancel.on_progress, cancel)
    left = _objects(store)
    assert f"jobs/{job_id}/input/photo" in left and f"jobs/{job_id}/steps/01-parse.json" in left
    remove_outputs(job_id, flow_env)
    assert not _objects(store)
    remove_outputs(job_id, flow_env)  # nothing left: still fine
