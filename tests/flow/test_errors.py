"""How the flow fails: what only the services can judge is a permanent INVALID_ARGUMENT, a
service that is down a retryable UNAVAILABLE, both naming the step."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from catwalk.jobs.flow import FlowFailed, remove_outputs, run_flow
from catwalk.jobs.steps.context import JobStore
from catwalk.stack.process import free_port
from tests.flow.helpers import Recorder, other_env, video_request


def test_a_photo_without_a_garment_is_a_permanent_invalid_argument(flow_env, garment, job_id):
    blank = replace(garment, image=np.full((640, 480, 3), 250, np.uint8))
    try:
        with pytest.raises(FlowFailed) as info:
            run_flow(job_id, video_request(blank), flow_env, Recorder(), lambda: False)
        assert (info.value.step, info.value.code, info.value.retryable) == ("parse", "INVALID_ARGUMENT", False)
        assert "photo" in info.value.message
        assert not JobStore(flow_env.s3(), job_id).exists("steps/01-parse.json")  # nothing checkpointed
    finally:
        remove_outputs(job_id, flow_env)


def test_triton_down_is_retryable_and_the_job_resumes_after_parse_and_plan(flow_env, garment, job_id):
    nobody = f"127.0.0.1:{free_port()}"
    down = other_env(flow_env, backends=replace(flow_env.backends, triton_url=nobody))
    try:
        with pytest.raises(FlowFailed) as info:
            run_flow(job_id, video_request(garment), down, Recorder(), lambda: False)
        assert (info.value.step, info.value.code, info.value.retryable) == ("render", "UNAVAILABLE", True)
        assert "Triton" in info.value.message
        store = JobStore(flow_env.s3(), job_id)
        assert store.exists("steps/01-parse.json") and store.exists("steps/02-plan.json")
        assert not store.exists("steps/03-render.json")
    finally:
        down.close()
        remove_outputs(job_id, flow_env)
