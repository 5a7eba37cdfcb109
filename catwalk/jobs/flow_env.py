"""What a flow talks to, built once per worker process from the environment: the backends
(Postgres, S3, Triton), the three services' endpoints, the quality gates and the deadlines.
One gRPC channel per service, made on first use, with gRPC's own retry of UNAVAILABLE."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import grpc
from minio import Minio

from services.common.backends import Backends
from services.common.settings import Env

JOBS_BUCKET = "catwalk-jobs"
MAX_MESSAGE_BYTES = 64 * 2**20


@dataclass(frozen=True)
class Gates:
    """A rendered shot passes when its garment covers the target region at least this well,
    its colour is this close to the product's and it shakes at most this much more than the
    pose, unless it hardly shakes at all: below `jitter_floor_px` px/frame² (noise of ~0.1 px,
    invisible) the ratio is not held against it, since a still pose makes it a ratio of
    near-zeros (a held pose: garment 0.025 over pose 0.011, "2.3x")."""

    min_coverage_iou: float = 0.6
    max_delta_e: float = 12.0
    max_jitter_ratio: float = 2.0
    jitter_floor_px: float = 0.2


@dataclass(frozen=True)
class FlowEnv:
    backends: Backends
    product_parser_url: str
    template_library_url: str
    media_assembler_url: str
    gates: Gates = Gates()
    step_deadline_s: float = 120.0  # one service call (a whole Assemble stream gets assemble_deadline_s)
    triton_deadline_s: float = 120.0  # one render chunk
    assemble_deadline_s: float = 600.0
    retry_attempts: int = 4  # UNAVAILABLE: tries in all, gRPC's retry policy
    retry_backoff_s: float = 0.5  # first backoff; doubles up to 5 s
    chunk_frames: int = 24  # frames dressed per try-on request (8..32), CONTEXT_FRAMES more either side
    max_fallbacks: int = 2  # templates tried after a shot's first fails a gate
    catalog_url: str = ""  # the merchant's item service for item ids; empty: the Postgres catalog
    _channels: dict[str, grpc.Channel] = field(default_factory=dict, compare=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> FlowEnv:
        e = Env(env)
        chunk = int(e.number("CATWALK_RENDER_CHUNK_FRAMES", 24, minimum=1))
        return cls(
            backends=Backends.from_env(env),
            product_parser_url=e.text("CATWALK_PRODUCT_PARSER_URL"),
            template_library_url=e.text("CATWALK_TEMPLATE_LIBRARY_URL"),
            media_assembler_url=e.text("CATWALK_MEDIA_ASSEMBLER_URL"),
            gates=Gates(
                min_coverage_iou=e.number("CATWALK_GATE_MIN_COVERAGE_IOU", 0.6),
                max_delta_e=e.number("CATWALK_GATE_MAX_DELTA_E", 12.0),
                max_jitter_ratio=e.number("CATWALK_GATE_MAX_JITTER_RATIO", 2.0),
                jitter_floor_px=e.number("CATWALK_GATE_JITTER_FLOOR_PX", 0.2),
            ),
            step_deadline_s=e.number("CATWALK_STEP_DEADLINE_S", 120.0, minimum=1.0),
            triton_deadline_s=e.number("CATWALK_TRITON_DEADLINE_S", 120.0, minimum=1.0),
            assemble_deadline_s=e.number("CATWALK_ASSEMBLE_DEADLINE_S", 600.0, minimum=1.0),
            retry_attempts=int(e.number("CATWALK_RETRY_ATTEMPTS", 4, minimum=1)),
            retry_backoff_s=e.number("CATWALK_RETRY_BACKOFF_S", 0.5, minimum=0.01),
            chunk_frames=min(32, max(8, chunk)),
            max_fallbacks=int(e.number("CATWALK_GATE_MAX_FALLBACKS", 2)),
            catalog_url=env.get("CATWALK_CATALOG_URL", "").strip(),
        )

    def s3(self) -> Minio:
        return self.backends.s3()

    def channel_options(self) -> list[tuple[str, Any]]:
        """gRPC retries UNAVAILABLE itself (exponential backoff); nothing is hand-rolled."""
        policy = {
            "methodConfig": [{
                "name": [{}],  # every service and method of the channel
                "retryPolicy": {
                    "maxAttempts": max(2, min(5, self.retry_attempts)),  # gRPC caps attempts at 5
                    "initialBackoff": f"{self.retry_backoff_s:.3f}s",
                    "maxBackoff": "5s",
                    "backoffMultiplier": 2,
                    "retryableStatusCodes": ["UNAVAILABLE"],
                },
            }],
        }
        return [("grpc.service_config", json.dumps(policy)), ("grpc.enable_retries", 1),
                ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
                ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES)]

    def channel(self, url: str) -> grpc.Channel:
        with self._lock:
            if url not in self._channels:
                self._channels[url] = grpc.insecure_channel(url, options=self.channel_options())
            return self._channels[url]

    def close(self) -> None:
        """Closes the channels and gives back the Triton shared-memory regions (a worker on exit)."""
        from catwalk.jobs.steps.triton_io import close_sessions

        close_sessions(self)
        with self._lock:
            for channel in self._channels.values():
                channel.close()
            self._channels.clear()
