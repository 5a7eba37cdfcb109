"""Pure pieces: the DSN for psycopg 3, queue settings from the environment, callback URLs."""

from __future__ import annotations

import pytest

from catwalk.jobs.queue import QueueSettings, psycopg_dsn
from services.common.settings import SettingsError
from services.video_jobs.validate import callback_url_problem


def test_the_sqlalchemy_url_becomes_a_libpq_url():
    assert psycopg_dsn("postgresql+psycopg2://catwalk:pw@127.0.0.1:55432/catwalk") == \
        "postgresql://catwalk:pw@127.0.0.1:55432/catwalk"


def test_queue_settings_come_from_the_environment_and_name_a_bad_one():
    settings = QueueSettings.from_env({"CATWALK_CALLBACK_BACKOFF": "1", "CATWALK_WORKER_STALLED_AFTER": "6"})
    assert (settings.callback_backoff_s, settings.stalled_after_s, settings.callback_attempts) == (1, 6.0, 6)
    with pytest.raises(SettingsError, match="CATWALK_JOB_ATTEMPTS"):
        QueueSettings.from_env({"CATWALK_JOB_ATTEMPTS": "many"})


@pytest.mark.parametrize(("url", "ok"), [
    ("https://hooks.example.com/catwalk?x=1", True),
    ("http://127.0.0.1:8080/hook", True),
    ("http://localhost/hook", True),
    ("http://[::1]:9000/hook", True),
    ("http://10.0.0.5/hook", False),
    ("http://hooks.example.com/hook", False),
    ("ftp://hooks.example.com/hook", False),
    ("https://", False),
    ("https://host:notaport/", False),
    ("https://example.com/" + "a" * 2000, False),
])
def test_callback_urls(url, ok):
    assert (callback_url_problem(url) is None) == ok


def test_the_jitter_gate_holds_the_ratio_only_against_visible_shaking():
    import dataclasses

    from catwalk.jobs.flow_env import Gates
    from catwalk.jobs.steps.garment import gate_failures
    from catwalk.quality.figures import ShotQuality

    nan = float("nan")
    still = ShotQuality(frames=50, garment_frames=50, colour_frames=10, garment_delta_e=3.0, garment_delta_e_max=4.0,
                        garment_luminance_ratio=1.0, coverage_frames=50, coverage_iou=0.9, coverage_iou_min=0.8,
                        garment_jitter=0.025, pose_jitter=0.011, jitter_ratio=0.025 / 0.011, face_frames=0,
                        faces_found=0, id_distance=nan, id_distance_max=nan)
    assert gate_failures(still, Gates()) == []  # a held pose: 2.3x of almost nothing
    shaking = dataclasses.replace(still, garment_jitter=0.9, pose_jitter=0.3, jitter_ratio=3.0)
    assert gate_failures(shaking, Gates()) == ["jitter ratio 3.000 > 2 (0.90 px/frame² > 0.2)"]
    assert gate_failures(still, Gates(jitter_floor_px=0.0)) != []
