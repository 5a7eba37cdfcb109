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
