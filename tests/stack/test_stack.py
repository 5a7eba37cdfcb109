"""`catwalk up | down | status` against the real components."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import psutil
import pytest
import sqlalchemy as sa

from catwalk.stack import stack as local_stack
from catwalk.stack.errors import StackError
from catwalk.stack.s3 import s3_client
from catwalk.stack.settings import SettingsError, StackSettings
from tests.conftest import REPO, stack_environment

CATWALK = str(REPO / ".venv" / "bin" / "catwalk")


def run_cli(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([CATWALK, *args], env=env, capture_output=True, text=True, timeout=timeout)


def test_up_writes_endpoints_and_every_component_is_healthy(stack):
    record = json.loads(stack.settings.stack_file.read_text())
    assert set(record["components"]) == {"postgres", "s3", "triton", "template_library", "product_parser",
                                         "media_assembler", "video_jobs", "video_jobs_worker"}
    for component in record["components"].values():
        assert psutil.pid_exists(component["pid"])
        assert component["endpoint"]
    assert all(s.healthy for s in local_stack.status(stack.settings))

    result = run_cli(stack.env, "status", "--json")
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    models = len(list((REPO / "model_repository").glob("*/config.pbtxt")))
    assert rows["triton"]["healthy"] and rows["triton"]["detail"] == f"{models} models ready"
    assert rows["postgres"]["endpoint"] == stack.database_url


def test_postgres_is_migrated_to_head_with_the_extensions_the_library_needs(stack):
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(REPO / "migrations"))
    head = ScriptDirectory.from_config(config).get_current_head()
    engine = sa.create_engine(stack.database_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == head
        extensions = set(conn.execute(sa.text("SELECT extname FROM pg_extension")).scalars())
    engine.dispose()
    assert {"vector", "pg_trgm", "btree_gin"} <= extensions


def test_s3_buckets_exist_and_objects_round_trip_through_a_presigned_url(stack):
    s = stack.settings
    client = s3_client(stack.record["components"]["s3"]["endpoint"], s.s3_access_key, s.s3_secret_key)
    for bucket in s.buckets:
        assert client.bucket_exists(bucket)
    import io

    payload = b"catwalk" * 1000
    client.put_object("catwalk-jobs", "tests/hello.bin", io.BytesIO(payload), len(payload))
    url = client.presigned_get_object("catwalk-jobs", "tests/hello.bin")
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read() == payload


def test_down_leaves_no_process_port_or_shared_memory(tmp_path):
    env = stack_environment(tmp_path / "home", CATWALK_MODELS="pose_estimator")
    result = run_cli(env, "up")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "triton: up" in result.stderr
    settings = StackSettings.from_env(env)
    record = json.loads(settings.stack_file.read_text())
    pids = [c["pid"] for c in record["components"].values()]
    pids += [p.pid for pid in pids for p in psutil.Process(pid).children(recursive=True)]
    shm_prefix = f"catwalk_{settings.triton_grpc_port}_"
    assert list(Path("/dev/shm").glob(f"{shm_prefix}*")), "Triton's Python backend uses /dev/shm"

    result = run_cli(env, "down")
    assert result.returncode == 0, result.stderr
    time.sleep(0.5)
    assert [pid for pid in pids if _running(pid)] == []
    assert list(Path("/dev/shm").glob(f"{shm_prefix}*")) == []
    for port in (settings.postgres_port, settings.s3_port, settings.triton_grpc_port):
        with socket.socket() as sock:
            assert sock.connect_ex((settings.host, port)) != 0, f"port {port} still open"
    assert not settings.stack_file.exists()
    assert run_cli(env, "status").returncode == 1


def _running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


HANGING_MODEL = '''
import time


class TritonPythonModel:
    def initialize(self, args):
        time.sleep(3600)  # a model that never finishes loading

    def execute(self, requests):
        return []
'''


def test_a_model_that_hangs_while_loading_is_named_and_nothing_is_left_running(tmp_path):
    repository = tmp_path / "repository"
    (repository / "stuck_model" / "1").mkdir(parents=True)
    (repository / "stuck_model" / "1" / "model.py").write_text(HANGING_MODEL)
    (repository / "stuck_model" / "config.pbtxt").write_text(
        'name: "stuck_model"\nbackend: "python"\nmax_batch_size: 0\n'
        'input [{ name: "X" data_type: TYPE_FP32 dims: [1] }]\n'
        'output [{ name: "Y" data_type: TYPE_FP32 dims: [1] }]\n'
        'instance_group [{ kind: KIND_CPU }]\n'
    )
    env = stack_environment(tmp_path / "home", CATWALK_MODEL_REPOSITORY=str(repository),
                            CATWALK_START_TIMEOUT="8")
    settings = StackSettings.from_env(env)
    started = time.monotonic()
    with pytest.raises(StackError) as caught:
        local_stack.up(settings)
    assert caught.value.component == "triton"
    assert "stuck_model did not load within 8s" in str(caught.value)
    assert time.monotonic() - started < 60
    assert not settings.stack_file.exists()
    assert _processes_of(settings) == []


def test_ctrl_c_during_up_leaves_nothing_running(tmp_path):
    env = stack_environment(tmp_path / "home")
    settings = StackSettings.from_env(env)
    proc = subprocess.Popen([CATWALK, "up"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while "triton" not in _recorded(settings) and "s3" not in _recorded(settings):
        assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)  # while Triton starts
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130 and "interrupted: stopped what this `up` had started" in stderr
    time.sleep(0.5)
    assert _processes_of(settings) == []
    assert not settings.stack_file.exists()


def _recorded(settings: StackSettings) -> dict:
    try:
        return json.loads(settings.stack_file.read_text())["components"]
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def _processes_of(settings: StackSettings) -> list[psutil.Process]:
    """Live processes that belong to this stack (by its data dir or its Triton port)."""
    found = []
    for p in psutil.process_iter(["cmdline", "status"]):
        cmdline = " ".join(p.info["cmdline"] or [])
        if p.info["status"] != psutil.STATUS_ZOMBIE and (
                str(settings.home) in cmdline or f"--grpc-port={settings.triton_grpc_port}" in cmdline):
            found.append(p)
    return found


def test_a_busy_port_fails_naming_the_component_and_the_port(tmp_path):
    env = stack_environment(tmp_path / "home")
    settings = StackSettings.from_env(env)
    with socket.socket() as blocker:
        blocker.bind((settings.host, settings.s3_port))
        blocker.listen()
        result = run_cli(env, "up")
    assert result.returncode == 1
    assert f"s3: port(s) [{settings.s3_port}]" in result.stderr
    assert "nothing was left running" in result.stderr
    assert not settings.stack_file.exists()


def test_settings_name_the_variable_at_fault():
    with pytest.raises(SettingsError, match="CATWALK_S3_PORT='x' is not a port number"):
        StackSettings.from_env({"CATWALK_S3_PORT": "x"})
    with pytest.raises(SettingsError, match="CATWALK_TRITON_GRPC_PORT=70000 is outside"):
        StackSettings.from_env({"CATWALK_TRITON_GRPC_PORT": "70000"})
