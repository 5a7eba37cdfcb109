"""Glue between Triton's Python backend and the pure functions in `catwalk.vision`.

Every `model.py` subclasses `BatchedModel`: it names its per-item inputs and gives a
function from one item's arrays (one image, its keypoints, ...) to a dict of output
arrays. The base class does the rest, the same way for every model:

* reads the config once: output dtypes come from it, so types live in one place;
* checks each request on its own: a bad request gets its own `TritonError` and the
  others batched with it still succeed;
* spreads the items of all requests in a batch over a thread pool: the work is
  numpy/OpenCV/MediaPipe/dlib code that releases the GIL, so on a CPU a batch uses every
  core, which is what dynamic batching buys here (see `model_repository/README.md`);
* splits the outputs back per request.

Only `model.py` files import this module: it needs `triton_python_backend_utils`, which
exists inside the Triton stub alone.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Generic, TypeVar

import cv2
import numpy as np
import triton_python_backend_utils as pb_utils

from catwalk.vision.errors import NothingFound, VisionInputError

# Bounds on any image side, so a huge declared size fails fast with a clear message.
MIN_SIDE = 16
MAX_SIDE = 4096

T = TypeVar("T")


class PerThread(Generic[T]):
    """One instance of a non-thread-safe object (a MediaPipe graph) per worker thread."""

    def __init__(self, factory: Callable[[], T]) -> None:
        self._factory = factory
        self._local = threading.local()

    def get(self) -> T:
        obj = getattr(self._local, "obj", None)
        if obj is None:
            obj = self._local.obj = self._factory()
        return obj


def check_image(name: str, image: np.ndarray) -> None:
    """An item of an IMAGES-like input: [H, W, 3] uint8 within the size bounds."""
    if image.ndim != 3 or image.shape[2] != 3:
        raise VisionInputError(name, f"expected [H, W, 3] per item, got {list(image.shape)}")
    h, w = image.shape[:2]
    if min(h, w) < MIN_SIDE or max(h, w) > MAX_SIDE:
        raise VisionInputError(
            name, f"image size {w}x{h} is outside {MIN_SIDE}..{MAX_SIDE} pixels per side"
        )


class _Done:
    """A call made at once, with a Future's `result()` (raises what the call raised)."""

    def __init__(self, fn: Callable[..., Any], *args: Any) -> None:
        self._error: BaseException | None = None
        try:
            self._value = fn(*args)
        except Exception as exc:
            self._error = exc

    def result(self) -> Any:
        if self._error is not None:
            raise self._error
        return self._value


def _batch(items: list[np.ndarray], dtype: np.dtype) -> np.ndarray:
    """A request's items as one [N, ...] array, copied only when it must be (a video model's
    single 16-frame 720p clip is 44 MB: each needless copy costs ~15 ms)."""
    batch = items[0][None] if len(items) == 1 else np.stack(items)
    return np.ascontiguousarray(batch.astype(dtype, copy=False))


class BatchedModel(ABC):
    """Base of the batching Python-backend models; see the module docstring."""

    #: Per-item input tensors, in the order `process` takes them. Each is [N, ...] in a
    #: request; item i of a request is row i of every input (None: an optional one left out).
    inputs: Sequence[str] = ()

    def setup(self, params: dict[str, str]) -> None:
        """Build heavy objects once (weights, graphs). `params` are the config's parameters."""

    def check(self, arrays: Sequence[np.ndarray]) -> None:
        """Check one item's arrays; raise VisionInputError naming the tensor at fault."""

    @abstractmethod
    def process(self, *arrays: np.ndarray) -> dict[str, np.ndarray]:
        """One item's arrays -> {output name: array} without the batch dim."""

    # -- Triton entry points -------------------------------------------------------

    def initialize(self, args: dict[str, Any]) -> None:
        self.model_name = args["model_name"]
        # Where a torch model runs: Triton places KIND_GPU instances on a device of their own.
        gpu = args.get("model_instance_kind") == "GPU"
        self.device = f"cuda:{int(args.get('model_instance_device_id', 0))}" if gpu else "cpu"
        config = json.loads(args["model_config"])
        self.output_dtypes = {
            out["name"]: pb_utils.triton_string_to_numpy(out["data_type"])
            for out in config["output"]
        }
        params = {k: v["string_value"] for k, v in config.get("parameters", {}).items()}
        self.workers = int(params.get("worker_threads", "0")) or (os.cpu_count() or 1)
        # The pool parallelises across frames; OpenCV's own threads would oversubscribe the cores.
        cv2.setNumThreads(1)
        self.pool = ThreadPoolExecutor(self.workers, thread_name_prefix=self.model_name) if self.workers > 1 else None
        self.logger = pb_utils.Logger
        self.setup(params)
        torch = sys.modules.get("torch")  # a torch model's own intra-op threads, for the operator
        extra = f", torch {torch.get_num_threads()} intra-op threads" if torch else ""
        self.logger.log_info(f"{self.model_name}: ready with {self.workers} worker threads{extra}")

    def execute(self, requests: list[Any]) -> list[Any]:
        # Gather every item of every well-formed request, so the pool sees the whole batch.
        items: list[tuple[int, Sequence[np.ndarray]]] = []
        errors: dict[int, pb_utils.TritonError] = {}
        for r, request in enumerate(requests):
            try:
                items.extend((r, arrays) for arrays in self._items(request))
            except VisionInputError as exc:
                errors[r] = pb_utils.TritonError(str(exc), pb_utils.TritonError.INVALID_ARG)

        # One worker: run inline. Here, on the stub's main thread, malloc reuses its main arena;
        # a pool thread's arena cost the try-on renderer 10-30% in page faults.
        run = self.pool.submit if self.pool else _Done
        futures = [run(self.process, *arrays) for _, arrays in items]
        results: list[list[dict[str, np.ndarray]]] = [[] for _ in requests]
        for (r, _), future in zip(items, futures, strict=True):
            try:
                result = future.result()
            except (VisionInputError, NothingFound) as exc:
                errors.setdefault(r, pb_utils.TritonError(str(exc), pb_utils.TritonError.INVALID_ARG))
                continue
            except Exception as exc:  # a bug fails its own request, never the batch
                self.logger.log_error(f"{self.model_name}: {type(exc).__name__}: {exc}")
                errors.setdefault(r, pb_utils.TritonError(
                    f"{self.model_name} failed on this request: {type(exc).__name__}: {exc}",
                    pb_utils.TritonError.INTERNAL))
                continue
            results[r].append(result)

        responses = []
        for r in range(len(requests)):
            if r in errors:
                responses.append(pb_utils.InferenceResponse(error=errors[r]))
                continue
            outputs = [pb_utils.Tensor(name, _batch([res[name] for res in results[r]], dtype))
                       for name, dtype in self.output_dtypes.items()]
            responses.append(pb_utils.InferenceResponse(output_tensors=outputs))
        return responses

    def finalize(self) -> None:
        if self.pool:
            self.pool.shutdown(wait=True, cancel_futures=True)

    # -- helpers ---------------------------------------------------------------------

    def _items(self, request: Any) -> list[Sequence[np.ndarray | None]]:
        # Triton has already checked presence, dtype, rank and equal batch sizes; an optional
        # input the request left out is None for every item.
        tensors = [pb_utils.get_input_tensor_by_name(request, name) for name in self.inputs]
        arrays = [None if t is None else t.as_numpy() for t in tensors]
        size = arrays[0].shape[0]
        per_item: list[Sequence[np.ndarray | None]] = [tuple(None if a is None else a[i] for a in arrays)
                                                       for i in range(size)]
        for item in per_item:
            self.check(item)
        return per_item
