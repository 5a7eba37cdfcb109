"""Talking to the stack's Triton: where it is, tensors from files, one inference."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import cv2
import numpy as np
import tritonclient.grpc as grpcclient
from tritonclient.utils import np_to_triton_dtype

from catwalk.stack.settings import StackSettings
from catwalk.stack.stack import read_stack

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp")


class ClientError(RuntimeError):
    """A problem on the caller's side: no server, a bad --input."""


def triton_url(env: Mapping[str, str] = os.environ) -> str:
    """CATWALK_TRITON_URL, else the running local stack's gRPC endpoint."""
    if env.get("CATWALK_TRITON_URL"):
        return env["CATWALK_TRITON_URL"]
    record = read_stack(StackSettings.from_env(env))["components"].get("triton")
    if not record:
        raise ClientError("no Triton: run `catwalk up` or set CATWALK_TRITON_URL")
    return str(record["endpoint"])


def connect(url: str) -> grpcclient.InferenceServerClient:
    return grpcclient.InferenceServerClient(url)


def read_image(path: Path) -> np.ndarray:
    """RGB uint8 [H, W, 3] from an image file (alpha dropped, grey expanded)."""
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise ClientError(f"{path}: not a readable image")
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def tensor_from_file(path: Path, dims: list[int], batching: bool) -> np.ndarray:
    """An input tensor from an image or .npy file, given a batch dim of 1 when the file
    holds one item of a batching model."""
    if not path.exists():
        raise ClientError(f"{path}: no such file")
    if path.suffix.lower() == ".npy":
        array = np.load(path, allow_pickle=False)
    elif path.suffix.lower() in IMAGE_SUFFIXES:
        array = read_image(path)
    else:
        raise ClientError(f"{path}: use an image ({', '.join(IMAGE_SUFFIXES)}) or a .npy file")
    if batching and array.ndim == len(dims):
        array = array[None]
    return array


def input_tensor(name: str, array: np.ndarray, by_value: bool = True) -> grpcclient.InferInput:
    """A request input of the array's shape and type, carrying its data unless the caller
    points it at shared memory instead."""
    tensor = grpcclient.InferInput(name, list(array.shape), np_to_triton_dtype(array.dtype))
    if by_value:
        tensor.set_data_from_numpy(np.ascontiguousarray(array))
    return tensor


def infer(
    client: grpcclient.InferenceServerClient,
    model: str,
    inputs: Mapping[str, np.ndarray],
    timeout_s: float | None = None,
) -> dict[str, np.ndarray]:
    """One synchronous inference; every output as a numpy array."""
    request = [input_tensor(name, array) for name, array in inputs.items()]
    result = client.infer(model, request, client_timeout=timeout_s)
    response = result.get_response()
    return {out.name: result.as_numpy(out.name) for out in response.outputs}
