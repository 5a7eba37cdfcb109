"""Helpers of the flow tests: requests, progress recording, FlowEnv variants."""

from __future__ import annotations

import io
from typing import Any


def other_env(env, **changes: Any):
    """A FlowEnv like `env` with other knobs (its own channels and Triton session)."""
    from catwalk.jobs.flow_env import FlowEnv

    fields = {k: v for k, v in env.__dict__.items() if not k.startswith("_")}
    return FlowEnv(**{**fields, **changes})


def png(image) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, "PNG")
    return buffer.getvalue()


def video_request(garment, duration_s: float = 10.0, seed: int = 7, **options: Any):
    from catwalk.v1 import product_parser_pb2 as pp
    from catwalk.v1 import video_jobs_pb2 as vj

    return vj.CreateVideoJobRequest(
        product=vj.ProductInput(photo=pp.Photo(data=png(garment.image)), title=garment.title_en,
                                description=garment.description_en,
                                merchant_attributes={"has_pockets": "false"}),
        options=vj.VideoOptions(duration_s=duration_s, seed=seed, **options))


class Recorder:
    """progress() calls, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, float, float, str]] = []

    def __call__(self, step: str, percent: float, eta_s: float, message: str) -> None:
        self.calls.append((step, percent, eta_s, message))


