"""`catwalk models` against the running stack, as an operator uses it."""

from __future__ import annotations

import json
import subprocess

import cv2
from skimage import data

from tests.conftest import REPO

CATWALK = str(REPO / ".venv" / "bin" / "catwalk")


def catwalk(stack, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([CATWALK, *args], env=stack.env, capture_output=True, text=True,
                          timeout=timeout)


def test_list_shows_every_model_ready_with_its_batching_and_instances(stack):
    result = catwalk(stack, "models", "list", "--json")
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert set(rows) == {"pose_estimator", "person_segmenter", "face_analyzer", "face_embedder",
                         "human_parser", "garment_segmenter", "face_id", "person_analysis",
                         "tryon_renderer", "tryon_video_tracks", "tryon_video", "motion_animator", "id_preserver",
                         "animate_video"}
    assert all(row["state"] == "READY" and row["versions"] == ["1"] for row in rows.values())
    assert rows["pose_estimator"]["batching"] == "dynamic, max 16, delay 2 ms"
    assert rows["pose_estimator"]["instances"] == "1×CPU"
    assert rows["face_id"]["batching"] == "ensemble, max 16"


def test_infer_reads_an_image_file_and_prints_the_outputs(stack, tmp_path):
    image = tmp_path / "astronaut.png"
    cv2.imwrite(str(image), cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR))
    result = catwalk(stack, "models", "infer", "face_id", "--input", f"IMAGES={image}", "--json",
                     "--save", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    outputs = json.loads(result.stdout)["outputs"]
    assert outputs["EMBEDDING"]["shape"] == [1, 128]
    assert outputs["SCORE"]["data"][0][0] > 0.8
    assert (tmp_path / "out" / "EMBEDDING.npy").exists()

    table = catwalk(stack, "models", "infer", "pose_estimator", "-i", f"IMAGES={image}")
    assert "KEYPOINTS" in table.stdout and "[1, 33, 4]" in table.stdout


def test_infer_names_what_is_wrong_with_the_input(stack, tmp_path):
    bad = catwalk(stack, "models", "infer", "pose_estimator", "--input", "PICTURE=x.png")
    assert bad.returncode == 1 and "expected NAME=FILE with NAME one of ['IMAGES']" in bad.stderr
    missing = catwalk(stack, "models", "infer", "pose_estimator", "--input", f"IMAGES={tmp_path}/no.png")
    assert missing.returncode == 1 and "no such file" in missing.stderr
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    unreadable = catwalk(stack, "models", "infer", "pose_estimator", "--input", f"IMAGES={text}")
    assert unreadable.returncode == 1 and "not a readable image" in unreadable.stderr
    tiny = tmp_path / "tiny.npy"
    import numpy as np

    np.save(tiny, np.zeros((4, 4, 3), np.uint8))
    refused = catwalk(stack, "models", "infer", "pose_estimator", "--input", f"IMAGES={tiny}")
    assert refused.returncode == 1 and "image size 4x4 is outside" in refused.stderr


def test_unload_and_load_change_what_the_server_serves(stack):
    assert catwalk(stack, "models", "unload", "face_id").returncode == 0
    rows = {r["name"]: r for r in json.loads(catwalk(stack, "models", "list", "--json").stdout)}
    assert rows["face_id"]["state"] == "UNAVAILABLE"
    loaded = catwalk(stack, "models", "load", "face_id")
    assert loaded.returncode == 0 and "face_id ready" in loaded.stdout
    missing = catwalk(stack, "models", "load", "no_such_model")
    assert missing.returncode == 1 and "no_such_model" in missing.stderr


def test_bench_reports_throughput_latency_and_server_counts(stack):
    result = catwalk(stack, "models", "bench", "pose_estimator", "--concurrency", "4",
                     "--requests", "12", "--size", "360x640", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["requests"] == 12 and report["failures"] == 0
    assert report["items_per_s"] > 0 and report["p99_ms"] >= report["p50_ms"] > 0
    assert report["server"]["pose_estimator"]["requests"] == 12


def test_bench_without_batching_runs_one_request_per_execution_then_restores(stack):
    result = catwalk(stack, "models", "bench", "person_analysis", "--concurrency", "4",
                     "--requests", "8", "--size", "360x640", "--no-batching", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    for step in ("pose_estimator", "person_segmenter", "human_parser"):
        counts = report["server"][step]
        assert counts["requests"] == counts["executions"] == 8
    rows = {r["name"]: r for r in json.loads(catwalk(stack, "models", "list", "--json").stdout)}
    assert rows["human_parser"]["batching"].startswith("dynamic")
