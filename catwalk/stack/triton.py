"""Triton Inference Server (the tritonserver inside the `nvidia-pytriton` wheel), explicit
model control, models loaded one by one with a bounded wait so a hanging model is named."""

from __future__ import annotations

import os
import sysconfig
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import tritonclient.grpc as grpcclient
from tritonclient.utils import InferenceServerException

from catwalk.models.repository import calls, parse_config
from catwalk.stack.errors import StackError
from catwalk.stack.process import alive, spawn, stop_group, wait_until
from catwalk.stack.services import SERVICE_MODELS
from catwalk.stack.settings import StackSettings

RESPONSE_CACHE_BYTES = 256 * 1024 * 1024


def server_dir(opt: Path) -> Path:
    """Where scripts/setup unpacked the server (the wheel's own layout, so its rpaths hold)."""
    return opt / "triton"


def repository_models(repository: Path) -> list[str]:
    """Model names in the repository: every folder with a config.pbtxt, sorted."""
    return sorted(p.parent.name for p in repository.glob("*/config.pbtxt"))


def load_order(repository: Path, names: list[str]) -> list[list[str]]:
    """Waves to load, each loaded in parallel: a model comes after every model it calls
    (ensemble steps, a BLS model's `calls`), and what a named model calls is loaded too."""
    needs: dict[str, list[str]] = {}
    pending = list(names)
    while pending:
        name = pending.pop()
        if name in needs:
            continue
        path = repository / name / "config.pbtxt"
        if not path.exists():
            wanted_by = [n for n, called in needs.items() if name in called]
            raise StackError("triton", f"model {name!r} is not in {repository}"
                             + (f" (called by {', '.join(wanted_by)})" if wanted_by else ""))
        needs[name] = calls(parse_config(path))
        pending += needs[name]
    waves: list[list[str]] = []
    loaded: set[str] = set()
    while len(loaded) < len(needs):
        wave = sorted(n for n, called in needs.items() if n not in loaded and set(called) <= loaded)
        if not wave:
            raise StackError("triton", f"models call each other in a cycle: {', '.join(sorted(set(needs) - loaded))}")
        waves.append(wave)
        loaded.update(wave)
    return waves

# glibc malloc for the server and its model stubs: a video chunk allocates and frees tens of
# megabytes per request; by default each such block is a fresh mmap whose pages fault in
# again on every request, which cost the try-on renderer a third of its speed on a CPU.
# Freed memory is kept for the next request instead (the working set stays at its peak).
MALLOC_TUNING = {"MALLOC_MMAP_THRESHOLD_": str(1 << 30), "MALLOC_TRIM_THRESHOLD_": str(1 << 30)}


class Triton:
    name = "triton"

    def __init__(self, settings: StackSettings) -> None:
        self.settings = settings
        self.log = settings.logs / "triton.log"
        self.root = server_dir(settings.opt)
        # Each server's Python-backend shared memory carries its own prefix, so `down`
        # removes exactly the /dev/shm regions this server made.
        self.shm_prefix = f"catwalk_{settings.triton_grpc_port}_"

    @property
    def grpc_url(self) -> str:
        return f"{self.settings.host}:{self.settings.triton_grpc_port}"

    def start(self) -> dict[str, Any]:
        s = self.settings
        binary = self.root / "pytriton" / "tritonserver" / "bin" / "tritonserver"
        if not binary.exists():
            raise StackError(self.name, f"{binary} is missing: run scripts/setup")
        if not (s.models_venv / "bin" / "python3").exists():
            raise StackError(self.name, f"models venv {s.models_venv} is missing: run scripts/setup")
        env = dict(os.environ)
        # The Python backend stub finds its venv through `python3` on PATH.
        env["PATH"] = f"{s.models_venv / 'bin'}:{env.get('PATH', '/usr/bin:/bin')}"
        env["LD_LIBRARY_PATH"] = ":".join(
            [str(self.root / "nvidia_pytriton.libs"), sysconfig.get_config_var("LIBDIR")]
        )
        env.pop("PYTHONPATH", None)
        env.update(MALLOC_TUNING)
        self._remove_shm()
        argv = [
            str(binary),
            f"--model-repository={s.model_repository}",
            f"--backend-directory={self.root / 'backends'}",
            f"--cache-directory={self.root / 'caches'}",
            # Models with `response_cache` (garment_segmenter: every chunk of a job sends the
            # same product photo) answer a repeated request from memory.
            f"--cache-config=local,size={RESPONSE_CACHE_BYTES}",
            f"--http-address={s.host}", f"--http-port={s.triton_http_port}",
            f"--grpc-address={s.host}", f"--grpc-port={s.triton_grpc_port}",
            f"--metrics-address={s.host}", f"--metrics-port={s.triton_metrics_port}",
            "--allow-gpu-metrics=false",
            "--pinned-memory-pool-byte-size=0",
            "--cuda-memory-pool-byte-size=0:0",
            "--exit-timeout-secs=5",
            "--model-control-mode=explicit",
            f"--backend-config=python,shm-region-prefix-name={self.shm_prefix}",
        ]
        pid = spawn(argv, self.log, env=env)
        record = {
            "pid": pid,
            "endpoint": self.grpc_url,
            "http": f"http://{s.host}:{s.triton_http_port}",
            "metrics": f"http://{s.host}:{s.triton_metrics_port}/metrics",
            "log": str(self.log),
            "models": [],
        }
        try:
            self._wait_live(pid)
            record["models"] = self._load_models(pid)
        except BaseException:  # a failed load or Ctrl-C: leave no server behind
            self.stop(record)
            raise
        return record

    def health(self, record: dict[str, Any]) -> tuple[bool, str]:
        try:
            with grpcclient.InferenceServerClient(self.grpc_url) as client:
                if not client.is_server_ready(client_timeout=2):
                    return False, "server not ready"
                not_ready = [
                    m for m in record.get("models", [])
                    if not client.is_model_ready(m, client_timeout=2)
                ]
        except InferenceServerException as exc:
            return False, f"not answering: {exc.message()}"
        if not_ready:
            return False, f"model(s) not ready: {', '.join(not_ready)}"
        return True, f"{len(record.get('models', []))} models ready"

    def stop(self, record: dict[str, Any]) -> None:
        if alive(record.get("pid")):
            stop_group(record["pid"], timeout_s=20)
        self._remove_shm()

    # -- helpers ---------------------------------------------------------------------

    def _wait_live(self, pid: int) -> None:
        def live() -> bool:
            if not alive(pid):
                return True
            try:
                with grpcclient.InferenceServerClient(self.grpc_url) as client:
                    return bool(client.is_server_live(client_timeout=1))
            except InferenceServerException:
                return False

        timeout = self.settings.start_timeout_s
        if not wait_until(live, timeout, 0.2):
            raise StackError(self.name, f"server not live after {timeout:.0f}s; see {self.log}")
        if not alive(pid):
            raise StackError(self.name, f"server exited while starting: {self._log_tail()}")

    def _load_models(self, pid: int) -> list[str]:
        s = self.settings
        available = repository_models(s.model_repository)
        # A subset still gets what the stack's own services call, or they would never be healthy.
        wanted = list(dict.fromkeys([*s.models, *SERVICE_MODELS])) if s.models else available
        unknown = sorted(set(wanted) - set(available))
        if unknown:
            raise StackError(self.name, f"no such model(s) in {s.model_repository}: {unknown}")
        waves = load_order(s.model_repository, wanted)
        for wave in waves:
            with ThreadPoolExecutor(max(1, len(wave))) as pool:
                errors = [e for e in pool.map(self._load_one, wave) if e]
            if errors:
                raise StackError(self.name, "; ".join(errors) + f" (log: {self.log})")
        return sorted(name for wave in waves for name in wave)

    def _load_one(self, name: str) -> str | None:
        timeout = self.settings.start_timeout_s
        try:
            with grpcclient.InferenceServerClient(self.grpc_url) as client:
                client.load_model(name, client_timeout=timeout)
        except InferenceServerException as exc:
            if "Deadline Exceeded" in (exc.message() or "") or exc.status() == "StatusCode.DEADLINE_EXCEEDED":
                return f"model {name} did not load within {timeout:.0f}s (hangs while loading?)"
            return f"model {name} failed to load: {exc.message()}"
        return None

    def _remove_shm(self) -> None:
        for region in Path("/dev/shm").glob(f"{self.shm_prefix}*"):
            region.unlink(missing_ok=True)

    def _log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return f"(no log at {self.log})"
