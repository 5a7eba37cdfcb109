"""`catwalk models validate`: the repository checked against its contract, no server."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from catwalk.models.repository import validate
from catwalk.stack.errors import StackError
from catwalk.stack.triton import load_order
from tests.conftest import REPO

CATWALK = str(REPO / ".venv" / "bin" / "catwalk")


@pytest.fixture
def repository(tmp_path):
    copy = tmp_path / "model_repository"
    shutil.copytree(REPO / "model_repository", copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_the_shipped_repository_is_sound():
    assert validate(REPO / "model_repository") == []


def test_a_config_that_disagrees_with_the_readme_contract_is_named(repository):
    edit(repository / "pose_estimator" / "config.pbtxt", "dims: [ 33, 4 ]", "dims: [ 17, 3 ]")
    edit(repository / "pose_estimator" / "configs" / "gpu.pbtxt", "dims: [ 33, 4 ]", "dims: [ 17, 3 ]")
    problems = validate(repository)
    assert any(p.startswith("pose_estimator: tensor KEYPOINTS: README says") for p in problems), problems


def test_broken_ensemble_wiring_is_named(repository):
    edit(repository / "person_analysis" / "config.pbtxt",
         'output_map { key: "MASK" value: "MASK" }', 'output_map { key: "SEGMENTS" value: "MASK" }')
    problems = validate(repository)
    assert "person_analysis: step person_segmenter: it has no output 'SEGMENTS'" in problems


def test_a_batching_model_without_a_dynamic_batcher_is_named(repository):
    edit(repository / "face_embedder" / "config.pbtxt",
         "dynamic_batching {\n  max_queue_delay_microseconds: 2000\n}\n", "")
    problems = validate(repository)
    assert "face_embedder: batches (max_batch_size > 0) but has no dynamic_batching" in problems


def test_an_unparsable_config_and_a_missing_gpu_variant_are_named(repository):
    (repository / "human_parser" / "config.pbtxt").write_text("name: human_parser\nmax_batch_size: {")
    (repository / "face_analyzer" / "configs" / "gpu.pbtxt").unlink()
    problems = validate(repository)
    assert any(p.startswith("human_parser/config.pbtxt:") for p in problems), problems
    assert "face_analyzer: no GPU variant configs/gpu.pbtxt" in problems


def test_the_cli_prints_each_problem_and_fails(repository):
    (repository / "face_embedder" / "1" / "model.py").unlink()
    result = subprocess.run([CATWALK, "models", "validate", "--repository", str(repository)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "face_embedder: 1/model.py is missing" in result.stdout
    assert "1 problem(s)" in result.stderr
    ok = subprocess.run([CATWALK, "models", "validate"], capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and "14 models" in ok.stdout


def test_a_bls_model_calling_a_missing_model_is_named(repository):
    edit(repository / "tryon_video" / "config.pbtxt", "person_analysis,", "person_analyzer,")
    assert "tryon_video: calls 'person_analyzer', which is not in the repository" in validate(repository)


def test_models_load_after_what_they_call_and_bring_it_along():
    waves = load_order(REPO / "model_repository", ["tryon_video"])
    assert waves == [["garment_segmenter", "human_parser", "person_segmenter", "pose_estimator", "tryon_renderer"],
                     ["person_analysis", "tryon_video_tracks"], ["tryon_video"]]


def test_a_cycle_of_calls_is_refused(repository):
    edit(repository / "tryon_video" / "config.pbtxt", "person_analysis,", "tryon_video,")
    with pytest.raises(StackError, match="cycle: tryon_video"):
        load_order(repository, ["tryon_video"])
