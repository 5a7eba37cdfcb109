"""Fixtures shared by the suites. Imports stay inside fixtures: tests/vision runs in the
models' venv, which has none of the services' packages."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def stack_environment(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a stack of its own: a home dir and free ports."""
    from catwalk.stack.settings import private_environment

    env = private_environment(os.environ, home)
    env.setdefault("CATWALK_START_TIMEOUT", "180")
    env.setdefault("CATWALK_SEED", "0")  # the session stack asks for the starter library; others need none
    env.update(extra)
    return env


@dataclass
class RunningStack:
    env: dict[str, str]
    settings: object  # catwalk.stack.settings.StackSettings
    record: dict

    @property
    def triton_url(self) -> str:
        return self.record["components"]["triton"]["endpoint"]

    @property
    def database_url(self) -> str:
        return self.record["components"]["postgres"]["endpoint"]

    def triton(self):
        import tritonclient.grpc as grpcclient

        return grpcclient.InferenceServerClient(self.triton_url)


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """One real stack (PostgreSQL, S3, Triton with every model, the services, the starter
    library) for the session."""
    from catwalk.stack import stack as local_stack
    from catwalk.stack.settings import StackSettings

    # CATWALK_TEST_SEED=0 skips the starter library for a quick targeted run of suites that need none.
    env = stack_environment(tmp_path_factory.mktemp("stack"), CATWALK_SEED=os.environ.get("CATWALK_TEST_SEED", "1"))
    settings = StackSettings.from_env(env)
    try:
        record = local_stack.up(settings)
        yield RunningStack(env, settings, record)
    finally:
        local_stack.down(settings)


@pytest.fixture(scope="session")
def face_photos() -> Path:
    """Real portraits from the face_recognition 1.3.0 sdist (unpacked by scripts/setup)."""
    path = REPO / ".catwalk" / "opt" / "assets" / "faces"
    assert (path / "obama.jpg").exists(), "run scripts/setup first"
    return path


@pytest.fixture(scope="session")
def reports() -> Path:
    """Where a test run leaves things for people to look at (contact sheets, videos); ignored by git."""
    path = REPO / "reports"
    path.mkdir(exist_ok=True)
    return path
