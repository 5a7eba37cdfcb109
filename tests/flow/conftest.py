"""The flow against the session's real stack (run with CATWALK_TEST_SEED=1 for the starter
library and CATWALK_MODELS=tryon_video_tracks,garment_segmenter), a studio garment as the product."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest


def _endpoint(stack, name: str) -> str:
    record = stack.record["components"].get(name)
    return record["endpoint"] if record else "127.0.0.1:1"  # a service the stack does not run: nobody answers


@pytest.fixture(scope="session")
def flow_env(stack) -> Iterator[Any]:
    from catwalk.jobs.flow_env import FlowEnv

    s = stack.settings
    env = FlowEnv.from_env({
        "CATWALK_DATABASE_URL": stack.database_url,
        "CATWALK_S3_URL": stack.record["components"]["s3"]["endpoint"],
        "CATWALK_S3_ACCESS_KEY": s.s3_access_key,
        "CATWALK_S3_SECRET_KEY": s.s3_secret_key,
        "CATWALK_TRITON_URL": stack.triton_url,
        "CATWALK_PRODUCT_PARSER_URL": _endpoint(stack, "product_parser"),
        "CATWALK_TEMPLATE_LIBRARY_URL": _endpoint(stack, "template_library"),
        "CATWALK_MEDIA_ASSEMBLER_URL": _endpoint(stack, "media_assembler"),
        "CATWALK_RETRY_ATTEMPTS": "2",
        "CATWALK_RETRY_BACKOFF_S": "0.1",
    })
    yield env
    env.close()


@pytest.fixture(scope="session")
def has_media_assembler(stack) -> bool:
    return "media_assembler" in stack.record["components"]


@pytest.fixture(scope="session")
def garment():
    """A studio t-shirt without pockets, solid colour: its flat-lay photo and listing."""
    from catwalk.studio.garments import draw_product
    from catwalk.studio.listing import random_spec

    spec = random_spec(seed=5, kind="tshirt", pattern="solid", pockets=False, colour="red")
    return draw_product(spec, seed=5, size=640)


@pytest.fixture
def job_id() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def step_run(flow_env, job_id):
    from catwalk.jobs.steps.context import JobStore, StepRun
    from tests.flow.helpers import Recorder

    run = StepRun(job_id, flow_env, JobStore(flow_env.s3(), job_id), Recorder(), lambda: False)
    yield run
    run.store.remove_all()

