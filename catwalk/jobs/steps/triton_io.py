"""Triton calls of the render step with tensors in system shared memory: one set of regions
per worker (per FlowEnv), registered once, grown when a chunk needs more and reused for every
chunk after; given back by FlowEnv.close() (or at process exit)."""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import tritonclient.grpc as grpcclient
import tritonclient.utils.shared_memory as shm
from tritonclient.utils import InferenceServerException, np_to_triton_dtype

from catwalk.jobs.steps.context import FlowCancelled, FlowFailed, failed

if TYPE_CHECKING:
    from catwalk.jobs.flow_env import FlowEnv

POLL_S = 0.1  # how often a running request checks for cancellation
_SESSIONS: dict[int, TritonSession] = {}
_LOCK = threading.Lock()


@dataclass
class _Region:
    name: str
    handle: Any
    size: int


class TritonSession:
    """A Triton client whose inputs and outputs travel through named shared-memory regions."""

    def __init__(self, url: str, channel_args: list[tuple[str, Any]], tag: str) -> None:
        self.client = grpcclient.InferenceServerClient(url, channel_args=channel_args)
        self.tag = tag
        self.regions: dict[str, _Region] = {}
        self.lock = threading.Lock()  # one request at a time uses the regions

    def _region(self, slot: str, size: int) -> _Region:
        region = self.regions.get(slot)
        if region is not None and region.size >= size:
            return region
        if region is not None:
            self._drop(region)
        name = f"catwalk_flow_{os.getpid()}_{self.tag}_{slot}"
        size = max(size, 1)
        handle = shm.create_shared_memory_region(name, "/" + name, size)
        try:
            self.client.register_system_shared_memory(name, "/" + name, size)
        except BaseException:
            shm.destroy_shared_memory_region(handle)
            raise
        region = self.regions[slot] = _Region(name, handle, size)
        return region

    def _drop(self, region: _Region) -> None:
        self.regions.pop(next((k for k, r in self.regions.items() if r is region), ""), None)
        try:
            self.client.unregister_system_shared_memory(region.name)
        finally:
            shm.destroy_shared_memory_region(region.handle)

    def infer(self, step: str, model: str, inputs: Mapping[str, np.ndarray],
              outputs: Mapping[str, tuple[tuple[int, ...], type]], timeout_s: float,
              cancelled: Callable[[], bool] = lambda: False) -> dict[str, np.ndarray]:
        """One request; outputs (shape, dtype) are known ahead, so they land in shared memory too.
        Arrays returned are copies (the regions are reused by the next chunk). `cancelled` is
        polled while Triton works: a cancelled job stops waiting at once (FlowCancelled)."""
        with self.lock:
            try:
                request = []
                for name, array in inputs.items():
                    array = np.ascontiguousarray(array)
                    region = self._region("in_" + name, array.nbytes)
                    shm.set_shared_memory_region(region.handle, [array])
                    tensor = grpcclient.InferInput(name, list(array.shape), np_to_triton_dtype(array.dtype))
                    tensor.set_shared_memory(region.name, array.nbytes)
                    request.append(tensor)
                wanted, places = [], {}
                for name, (shape, dtype) in outputs.items():
                    nbytes = int(np.prod(shape)) * np.dtype(dtype).itemsize
                    region = self._region("out_" + name, nbytes)
                    out = grpcclient.InferRequestedOutput(name)
                    out.set_shared_memory(region.name, nbytes)
                    wanted.append(out)
                    places[name] = (region, shape, dtype)
                self._wait(model, request, wanted, timeout_s, cancelled)
                return {name: np.array(shm.get_contents_as_numpy(region.handle, dtype, shape))
                        for name, (region, shape, dtype) in places.items()}
            except InferenceServerException as exc:
                raise _failure(step, model, exc) from None

    def _wait(self, model: str, request: list[grpcclient.InferInput], wanted: list[grpcclient.InferRequestedOutput],
              timeout_s: float, cancelled: Callable[[], bool]) -> None:
        done = threading.Event()
        errors: list[InferenceServerException] = []

        def finished(result: object, error: InferenceServerException | None) -> None:
            if error is not None:
                errors.append(error)
            done.set()

        call = self.client.async_infer(model, request, finished, outputs=wanted, client_timeout=timeout_s)
        while not done.wait(POLL_S):
            if cancelled():
                call.cancel()
                # Triton may still be writing the outputs: these regions are not reused
                for region in list(self.regions.values()):
                    with contextlib.suppress(InferenceServerException):
                        self._drop(region)
                raise FlowCancelled(f"cancelled while {model} was working")
        if errors:
            raise errors[0]

    def close(self) -> None:
        with self.lock:
            for region in list(self.regions.values()):
                # Triton gone: it forgets the registration itself; the segment is destroyed regardless
                with contextlib.suppress(InferenceServerException):
                    self._drop(region)
            self.client.close()


def _failure(step: str, model: str, exc: InferenceServerException) -> FlowFailed:
    """Triton's status → FlowFailed: down or too slow is retryable, a refused input is not."""
    status = (exc.status() or "").replace("StatusCode.", "")
    message = f"Triton {model}: {exc.message()}"
    if not status or (status in ("UNKNOWN", "INTERNAL") and "connect" in message.lower()):
        status = "UNAVAILABLE"
    if status == "INTERNAL" and "no garment" in message.lower():
        status = "INVALID_ARGUMENT"
    return failed(step, status, message)


def session(env: FlowEnv) -> TritonSession:
    with _LOCK:
        found = _SESSIONS.get(id(env))
        if found is None:
            found = _SESSIONS[id(env)] = TritonSession(env.backends.triton_url, env.channel_options(),
                                                       f"{id(env) & 0xFFFFFF:x}")
        return found


def close_sessions(env: FlowEnv) -> None:
    with _LOCK:
        found = _SESSIONS.pop(id(env), None)
    if found is not None:
        found.close()


@atexit.register
def _close_all() -> None:
    with _LOCK:
        sessions = list(_SESSIONS.values())
        _SESSIONS.clear()
    for s in sessions:
        with contextlib.suppress(Exception):  # exiting: nothing to report to
            s.close()
