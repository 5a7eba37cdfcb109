"""Throughput and latency of one model under concurrent load, with the server's own
request/execution counts, so a run shows whether dynamic batching merged requests."""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import astuple, dataclass, field
from functools import partial
from typing import Any

import numpy as np
import tritonclient.grpc as grpcclient
import tritonclient.utils.shared_memory as shm
from google.protobuf.json_format import MessageToJson
from tritonclient.utils import InferenceServerException

from catwalk.models.client import input_tensor


@dataclass(frozen=True)
class ServerCounts:
    requests: int  # successful requests
    executions: int  # model executions (a batch is one)
    items: int  # inferences (images)
    compute_ns: int  # time the model spent executing (all executions, each counted once)
    queue_ns: int  # time requests waited in the queue (summed over requests)

    def __sub__(self, other: ServerCounts) -> ServerCounts:
        return ServerCounts(*(a - b for a, b in zip(astuple(self), astuple(other), strict=True)))

    @property
    def compute_ms_per_item(self) -> float:
        return self.compute_ns / self.items / 1e6 if self.items else float("nan")

    @property
    def queue_ms_per_request(self) -> float:
        return self.queue_ns / self.requests / 1e6 if self.requests else float("nan")


@dataclass
class BenchResult:
    model: str
    batching: bool
    concurrency: int
    items_per_request: int
    wall_s: float
    latencies_ms: list[float]
    failures: int
    counts: dict[str, ServerCounts] = field(default_factory=dict)  # per model incl. ensemble steps

    @property
    def items_per_s(self) -> float:
        return len(self.latencies_ms) * self.items_per_request / self.wall_s if self.wall_s else 0.0

    def latency_ms(self, q: float) -> float:
        return float(np.percentile(self.latencies_ms, q)) if self.latencies_ms else float("nan")

    def as_dict(self) -> dict:
        return {
            "model": self.model, "batching": self.batching, "concurrency": self.concurrency,
            "items_per_request": self.items_per_request, "requests": len(self.latencies_ms),
            "failures": self.failures, "wall_s": round(self.wall_s, 3),
            "items_per_s": round(self.items_per_s, 2),
            "p50_ms": round(self.latency_ms(50), 1), "p99_ms": round(self.latency_ms(99), 1),
            "server": {m: {"requests": c.requests, "executions": c.executions, "items": c.items,
                           "executions_per_request": round(c.executions / c.requests, 3) if c.requests else None,
                           "compute_ms_per_item": round(c.compute_ms_per_item, 2),
                           "queue_ms_per_request": round(c.queue_ms_per_request, 2)}
                       for m, c in self.counts.items()},
        }


def composing_models(client: grpcclient.InferenceServerClient, model: str) -> list[str]:
    """The models an ensemble runs (recursively), or [model] for a plain model."""
    config = client.get_model_config(model).config
    if config.platform != "ensemble":
        return [model]
    found: list[str] = []
    for step in config.ensemble_scheduling.step:
        found += [m for m in composing_models(client, step.model_name) if m not in found]
    return found


def _counts(client: grpcclient.InferenceServerClient, model: str) -> ServerCounts:
    stats = client.get_inference_statistics(model_name=model, as_json=True)["model_stats"]
    return ServerCounts(
        requests=sum(int(s["inference_stats"]["success"].get("count", 0)) for s in stats),
        executions=sum(int(s.get("execution_count", 0)) for s in stats),
        items=sum(int(s.get("inference_count", 0)) for s in stats),
        # batch_stats count each execution once, per batch size: input + compute + output.
        compute_ns=sum(int(b[k].get("ns", 0)) for s in stats for b in s.get("batch_stats", [])
                       for k in ("compute_input", "compute_infer", "compute_output")),
        queue_ns=sum(int(s["inference_stats"]["queue"].get("ns", 0)) for s in stats),
    )


def _settle(client: grpcclient.InferenceServerClient, model: str, requests: int, timeout_s: float = 5.0) -> None:
    """Wait until the server's statistics count `requests`: they are updated just after
    the response is sent, so a read right after a reply can miss it."""
    deadline = time.monotonic() + timeout_s
    while _counts(client, model).requests < requests and time.monotonic() < deadline:
        time.sleep(0.01)


@contextlib.contextmanager
def dynamic_batching(client: grpcclient.InferenceServerClient, model: str, enabled: bool) -> Iterator[None]:
    """Run the block with the model's (or its steps') dynamic batcher on or off; off means
    reloading them with the batcher removed from their config, and back afterwards."""
    if enabled:
        yield
        return
    originals = {name: client.get_model_config(name).config for name in composing_models(client, model)}
    for name, original in originals.items():
        config = type(original)()
        config.CopyFrom(original)
        config.ClearField("dynamic_batching")
        client.load_model(name, config=_json(config))
    try:
        yield
    finally:
        # Explicitly: a plain load_model of an unchanged folder keeps the override.
        for name, original in originals.items():
            client.load_model(name, config=_json(original))


def _json(config) -> str:
    return MessageToJson(config, preserving_proto_field_name=True)


class _Regions:
    """System shared-memory regions registered with the server, all given back at the end."""

    def __init__(self, client: grpcclient.InferenceServerClient) -> None:
        self.client = client
        self.made: list[tuple[str, Any]] = []

    def new(self, name: str, nbytes: int) -> Any:
        region = f"catwalk_bench_{os.getpid()}_{len(self.made)}_{name}"
        handle = shm.create_shared_memory_region(region, "/" + region, nbytes)
        self.made.append((region, handle))
        self.client.register_system_shared_memory(region, "/" + region, nbytes)
        return region, handle

    def close(self, timeout_s: float = 5.0) -> None:
        deadline = time.monotonic() + timeout_s
        for region, handle in self.made:
            while True:
                try:
                    self.client.unregister_system_shared_memory(region)
                    break
                except InferenceServerException as exc:  # "currently in use": a request not yet released
                    if "in use" not in exc.message() or time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            shm.destroy_shared_memory_region(handle)


@contextlib.contextmanager
def _request_tensors(client: grpcclient.InferenceServerClient, model: str, inputs: Mapping[str, np.ndarray],
                     shared_memory: bool, slots: int, timeout_s: float,
                     ) -> Iterator[queue.SimpleQueue[tuple[list[grpcclient.InferInput], list | None]]]:
    """Request tensors for `slots` requests in flight at once: inputs by value, or in system
    shared memory that every request reads (they never change); with shared memory, each slot
    also has output regions of its own, sized by one request first (the warm-up), so
    results land there as the orchestrator's do instead of crossing gRPC."""
    regions = _Regions(client)
    try:
        tensors = []
        for name, array in inputs.items():
            array = np.ascontiguousarray(array)
            tensor = input_tensor(name, array, by_value=not shared_memory)
            if shared_memory:
                region, handle = regions.new(name, array.nbytes)
                shm.set_shared_memory_region(handle, [array])
                tensor.set_shared_memory(region, array.nbytes)
            tensors.append(tensor)
        warm = client.infer(model, tensors, client_timeout=timeout_s)  # also pays first-call set-up
        free: queue.SimpleQueue = queue.SimpleQueue()
        for _ in range(slots):
            outputs = None
            if shared_memory:
                outputs = []
                for out in warm.get_response().outputs:
                    nbytes = warm.as_numpy(out.name).nbytes
                    region, _ = regions.new(out.name, nbytes)
                    requested = grpcclient.InferRequestedOutput(out.name)
                    requested.set_shared_memory(region, nbytes)
                    outputs.append(requested)
            free.put((tensors, outputs))
        yield free
    finally:
        regions.close()


def run(
    url: str,
    model: str,
    inputs: Mapping[str, np.ndarray],
    concurrency: int,
    requests: int,
    batching: bool = True,
    shared_memory: bool = True,
    timeout_s: float = 120.0,
) -> BenchResult:
    """Send `requests` requests, at most `concurrency` in flight, and measure. Inputs and
    outputs go through system shared memory by default, as the orchestrator's frames do:
    the figures are then the server's, not gRPC's copying of megabytes per frame."""
    client = grpcclient.InferenceServerClient(url)
    # Frames per request: a video model's FRAMES are [clips, T, H, W, 3], an image model's [N, H, W, 3].
    frames = inputs.get("FRAMES")
    items = frames.shape[0] * frames.shape[1] if frames is not None and frames.ndim == 5 else \
        next(iter(inputs.values())).shape[0]
    with dynamic_batching(client, model, batching):
        models = [model] + [m for m in composing_models(client, model) if m != model]
        start_counts = _counts(client, model)
        with _request_tensors(client, model, inputs, shared_memory, concurrency, timeout_s) as free:
            _settle(client, model, start_counts.requests + 1)  # the warm-up request
            before = {m: _counts(client, m) for m in models}
            latencies: list[float] = []
            failures: list[str] = []
            done = threading.Semaphore(0)

            def finished(slot, started: float, result, error) -> None:  # tritonclient passes result=, error=
                if error is None:
                    latencies.append((time.perf_counter() - started) * 1000)
                else:
                    failures.append(str(error))
                free.put(slot)
                done.release()

            start = time.perf_counter()
            for _ in range(requests):
                slot = free.get()
                tensors, outputs = slot
                client.async_infer(model, tensors, callback=partial(finished, slot, time.perf_counter()),
                                   outputs=outputs, client_timeout=timeout_s)
            for _ in range(requests):
                done.acquire()
            wall = time.perf_counter() - start
            # Counted once the server lets a request go, which is also when it lets go of the
            # regions (a reply can arrive before that): then the regions may be given back.
            _settle(client, model, before[model].requests + len(latencies))
            after = {m: _counts(client, m) for m in models}
    client.close()
    counts = {m: after[m] - before[m] for m in models}
    if failures and not latencies:
        raise RuntimeError(f"every request to {model} failed: {failures[0]}")
    return BenchResult(model, batching, concurrency, items, wall, latencies, len(failures), counts)
