"""`catwalk keys create | list | revoke` against the suite's database."""

from __future__ import annotations

import json
import os
import subprocess

import grpc
import pytest

from catwalk.v1 import video_jobs_pb2 as pb
from tests.conftest import REPO

CATWALK = str(REPO / ".venv" / "bin" / "catwalk")


def keys(dsn: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CATWALK, "keys", *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "CATWALK_DATABASE_URL": dsn})


def test_a_key_is_shown_once_works_and_stops_working_when_revoked(jobs_dsn, jobs):
    made = keys(jobs_dsn, "create", "--tenant", "cli-shop", "--json")
    assert made.returncode == 0, made.stderr
    answer = json.loads(made.stdout)
    assert answer["key"].startswith("cwk_") and answer["callback_secret"]
    assert "cannot be shown again" in made.stderr
    auth = (("x-api-key", answer["key"]),)
    assert jobs.ListVideoJobs(pb.ListVideoJobsRequest(), metadata=auth).jobs == []

    listed = json.loads(keys(jobs_dsn, "list", "--json").stdout)
    prefix = answer["key"].split("_")[1]
    mine = [k for k in listed if k["prefix"] == prefix]
    assert mine and mine[0]["tenant"] == "cli-shop" and mine[0]["revoked_at"] is None
    assert answer["key"] not in json.dumps(listed)

    assert keys(jobs_dsn, "revoke", prefix).returncode == 0
    with pytest.raises(grpc.RpcError) as info:
        jobs.ListVideoJobs(pb.ListVideoJobsRequest(), metadata=auth)
    assert info.value.code() == grpc.StatusCode.UNAUTHENTICATED
    again = keys(jobs_dsn, "revoke", prefix)
    assert again.returncode == 1 and "no active key" in again.stderr
    assert keys(jobs_dsn, "create", "--tenant", " ").returncode != 0
