"""The music library: generated tracks that librosa hears as the generator meant them, import
of real audio files, refusals that leave nothing behind, seeding, choosing a track, the CLI."""

from __future__ import annotations

import json
import os
import re
import subprocess
import uuid
from io import BytesIO

import numpy as np
import pytest
import soundfile as sf

from catwalk.library.schema import ASSET_BUCKET
from catwalk.media.mix import integrated_loudness, true_peak_dbtp
from catwalk.media.music.generate import STYLES, generate_track, pick_tempo
from tests.conftest import REPO
from tests.library.conftest import alembic, create_database, drop_database

os.environ.setdefault("NUMBA_CACHE_DIR", str(REPO / ".catwalk" / "cache" / "numba"))
BEAT_TOLERANCE_S = 0.07


def near(measured: list[float], grid: list[float]) -> np.ndarray:
    """How far each measured time is from the nearest grid time."""
    m, g = np.asarray(measured), np.asarray(grid)
    return np.abs(m[:, None] - g[None, :]).min(axis=1)


def wav_bytes(samples: np.ndarray, rate: int, fmt: str = "WAV", subtype: str | None = "PCM_16") -> bytes:
    buffer = BytesIO()
    sf.write(buffer, samples, rate, format=fmt, subtype=subtype)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def s3(stack):
    from catwalk.stack.s3 import s3_client

    s = stack.settings
    return s3_client(stack.record["components"]["s3"]["endpoint"], s.s3_access_key, s.s3_secret_key)


def _database(stack):
    from catwalk.library import db

    name = f"music_test_{uuid.uuid4().hex[:8]}"
    dsn = create_database(stack.database_url, name)
    alembic(dsn, "upgrade", "head")
    return dsn, lambda: (db.dispose(dsn), drop_database(stack.database_url, name))


@pytest.fixture(scope="module")
def dsn(stack):
    found, drop = _database(stack)
    yield found
    drop()


@pytest.fixture(scope="module")
def seeded(stack, s3):
    """A database of its own holding exactly the seeded tracks, seeded as `catwalk up` seeds
    an empty music library (one template row, so the template library is left alone)."""
    from sqlalchemy import text

    from catwalk.library import db
    from catwalk.stack.stack import _seed_if_empty

    found, drop = _database(stack)
    with db.session(found) as s:
        s.execute(text("INSERT INTO templates (name) VALUES ('already here')"))
    lines: list[str] = []
    components = {"postgres": {"endpoint": found}, "s3": stack.record["components"]["s3"]}
    _seed_if_empty(stack.settings, {"components": components}, lines.append)
    yield found, lines
    drop()


def music_objects(s3) -> set[str]:
    return {o.object_name for o in s3.list_objects(ASSET_BUCKET, prefix="music/", recursive=True)}


# ---- the generator, measured by the analysis ----

@pytest.mark.parametrize("style", list(STYLES))
def test_a_generated_track_is_heard_at_its_tempo_on_its_grid_at_its_loudness(style):
    from catwalk.media.music.analysis import analyse

    bpm = pick_tempo(style, 3)
    track = generate_track(style, 45.0, bpm, seed=3)
    assert track.samples.dtype == np.float32 and track.samples.shape == (45 * 44100, 2)
    found = analyse(track.samples, track.sample_rate)
    assert abs(found.bpm - bpm) <= 1.0
    inside = [t for t in found.beats_s if track.beats_s[0] - 0.2 <= t <= track.beats_s[-1] + 0.2]
    assert len(inside) >= 0.9 * len(track.beats_s)
    assert near(inside, track.beats_s).max() <= BEAT_TOLERANCE_S
    assert near(found.downbeats_s, track.downbeats_s).max() <= BEAT_TOLERANCE_S  # beat one, not two or three
    assert track.downbeats_s == track.beats_s[::4]
    assert found.loudness_lufs == pytest.approx(-14.0, abs=1.0)
    assert found.true_peak_dbtp <= -1.0
    # Music all the way: every 5 s window has sound, and the last seconds fade out.
    windows = track.samples[: 40 * 44100].reshape(8, -1, 2)
    assert (np.sqrt((windows ** 2).mean(axis=(1, 2))) > 0.02).all()
    assert np.abs(track.samples[-100:]).max() < 0.01


def test_a_seed_makes_the_same_track_and_another_seed_another():
    a = generate_track("festive", 20.0, 120.0, seed=5)
    b = generate_track("festive", 20.0, 120.0, seed=5)
    c = generate_track("festive", 20.0, 120.0, seed=6)
    assert np.array_equal(a.samples, b.samples) and a.beats_s == b.beats_s
    assert not np.array_equal(a.samples, c.samples)


def test_styles_differ_in_tempo_range_key_and_sound():
    assert len({s.bpm_range for s in STYLES.values()}) >= 5
    assert len({(s.root, s.scale) for s in STYLES.values()}) == 6
    a = generate_track("sporty", 20.0, 128.0, seed=1).samples
    b = generate_track("elegant", 20.0, 128.0, seed=1).samples
    assert np.corrcoef(a[:, 0], b[:, 0])[0, 1] < 0.5


# ---- import ----

def test_a_track_imported_as_wav_flac_or_mp3_measures_the_same(dsn, s3):
    from catwalk.media.music.library import get_track, import_track, load_audio

    track = generate_track("casual", 30.0, 100.0, seed=9)
    wav = import_track(dsn, s3, wav_bytes(track.samples, 44100), "casual wav", "casual", "me")
    flac = import_track(dsn, s3, wav_bytes(track.samples, 44100, "FLAC", "PCM_24"), "casual flac", "casual")
    mp3 = import_track(dsn, s3, wav_bytes(track.samples, 44100, "MP3", None), "casual mp3", "casual")
    for t in (wav, flac, mp3):
        assert t.origin == "imported" and t.style == "casual" and t.audio_key == f"music/{t.id}.flac"
        assert abs(t.bpm - 100.0) <= 1.0
        assert near(t.downbeats_s, track.downbeats_s).max() <= BEAT_TOLERANCE_S
        assert t.loudness_lufs == pytest.approx(-14.0, abs=1.0) and t.duration_s == pytest.approx(30.0, abs=0.1)
    assert flac.bpm == pytest.approx(wav.bpm, abs=0.05)
    assert near(flac.beats_s, wav.beats_s).max() <= 0.012
    assert flac.loudness_lufs == pytest.approx(wav.loudness_lufs, abs=0.05)
    assert get_track(dsn, wav.id) == wav and wav.attribution == "me"
    samples, rate = load_audio(s3, wav)
    assert rate == 44100 and samples.shape == track.samples.shape
    assert np.abs(samples - track.samples).max() < 1e-3  # 16-bit WAV in, lossless FLAC stored


def _valid(seconds: float = 12.0) -> bytes:
    return wav_bytes(generate_track("street", seconds, 96.0, seed=1).samples, 44100)


@pytest.mark.parametrize(("case", "field"), [
    ("text", "audio"), ("empty", "audio"), ("short", "audio"), ("long", "audio"), ("silent", "audio"),
    ("style", "style"), ("name", "name"), ("blank name", "name"),
])
def test_a_bad_import_names_the_field_and_leaves_no_row_and_no_object(dsn, s3, case, field):
    from catwalk.media.music.library import InvalidMusic, import_track, list_tracks

    if case == "name" and not any(t.name == "taken" for t in list_tracks(dsn)):
        import_track(dsn, s3, _valid(), "taken", "street")
    bad = {
        "text": b"these are not the sounds you are looking for" * 100,
        "empty": b"",
        "short": wav_bytes(np.zeros((5 * 8000, 1)) + 0.1, 8000),
        "long": wav_bytes(np.full((16 * 60 * 8000, 1), 0.1), 8000),
        "silent": wav_bytes(np.zeros((12 * 8000, 2)), 8000),
    }
    data = bad[case] if case in bad else _valid()
    name = {"name": "taken", "blank name": "  "}.get(case, f"bad {case}")
    style = "disco" if case == "style" else "street"
    rows, objects = len(list_tracks(dsn)), music_objects(s3)
    with pytest.raises(InvalidMusic) as caught:
        import_track(dsn, s3, data, name, style)
    assert caught.value.field == field
    assert len(list_tracks(dsn)) == rows and music_objects(s3) == objects


# ---- seeding, choosing, deleting ----

def test_seeding_adds_two_tracks_a_style_on_the_generators_grid_once(seeded, s3):
    from catwalk.media.music.analysis import analyse
    from catwalk.media.music.library import list_tracks, load_audio, seed_music

    dsn, lines = seeded
    tracks = list_tracks(dsn)
    assert len(tracks) == 12 and len(lines) == 14
    assert lines[0].startswith("music: empty") and lines[-1].startswith("music: 12 starter tracks in ")
    for style in STYLES:
        mine = [t for t in tracks if t.style == style]
        assert sorted(round(t.duration_s) for t in mine) == [75, 95]
        assert len({t.bpm for t in mine}) == 2
        assert all(t.origin == "generated" and t.attribution == "generated by Catwalk" for t in mine)
        assert all(t.downbeats_s == t.beats_s[::4] and t.true_peak_dbtp <= -1.0 for t in mine)
    # The stored grid is what librosa hears in the stored audio.
    track = next(t for t in tracks if t.style == "elegant")
    samples, rate = load_audio(s3, track)
    found = analyse(samples, rate)
    assert abs(found.bpm - track.bpm) <= 1.0
    assert near(found.beats_s[2:-2], track.beats_s).max() <= BEAT_TOLERANCE_S
    assert integrated_loudness(samples, rate) == pytest.approx(track.loudness_lufs, abs=0.1)
    assert true_peak_dbtp(samples, rate) <= -1.0
    assert seed_music(dsn, s3) == 0 and len(list_tracks(dsn)) == 12


def test_select_music_picks_a_long_enough_track_of_the_style_the_same_for_a_seed(seeded):
    from catwalk.media.music.library import select_music

    dsn = seeded[0]
    assert select_music(dsn, "sporty", 80.0, seed=1).duration_s >= 80.0
    picks = {select_music(dsn, "business", 60.0, seed=s).id for s in range(12)}
    assert len(picks) == 2  # both fit: the seed chooses between them
    assert all(select_music(dsn, "business", 60.0, seed=4) == select_music(dsn, "business", 60.0, seed=4)
               for _ in range(3))
    longest = select_music(dsn, "street", 300.0, seed=1)
    assert longest.style == "street" and round(longest.duration_s) == 95


def test_select_music_refuses_an_unknown_style_and_a_style_with_no_tracks(seeded, s3):
    from catwalk.media.music.library import (
        InvalidMusic,
        NoMusicForStyle,
        TrackNotFound,
        delete_track,
        get_track,
        list_tracks,
        select_music,
    )

    dsn = seeded[0]
    with pytest.raises(InvalidMusic) as caught:
        select_music(dsn, "disco", 60.0, seed=1)
    assert caught.value.field == "style"
    festive = list_tracks(dsn, "festive")
    for t in festive:
        delete_track(dsn, s3, t.id)
        with pytest.raises(TrackNotFound):
            get_track(dsn, t.id)
        assert t.audio_key not in music_objects(s3)
    with pytest.raises(NoMusicForStyle):
        select_music(dsn, "festive", 60.0, seed=1)
    with pytest.raises(TrackNotFound):
        get_track(dsn, "not-a-uuid")


# ---- the CLI ----

def test_the_cli_generates_imports_and_lists_a_track(stack, dsn, tmp_path):
    env = {**stack.env, "CATWALK_DATABASE_URL": dsn, "NUMBA_CACHE_DIR": os.environ["NUMBA_CACHE_DIR"]}
    catwalk = str(REPO / ".venv" / "bin" / "catwalk")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([catwalk, "music", *args], env=env, capture_output=True, text=True, timeout=300)

    wav = tmp_path / "groove.wav"
    made = run("generate", "--style", "elegant", "--seconds", "24", "--bpm", "96", "--out", str(wav))
    assert made.returncode == 0, made.stderr
    assert sf.info(str(wav)).duration == pytest.approx(24.0)
    imported = run("import", str(wav), "--style", "elegant", "--name", "cli groove", "--attribution", "test")
    assert imported.returncode == 0, imported.stderr
    tempo = re.search(r"tempo ([\d.]+) bpm, (\d+) beats, (\d+) downbeats", imported.stdout)
    assert tempo and abs(float(tempo[1]) - 96) <= 1 and int(tempo[2]) >= 30 and int(tempo[3]) >= 8
    assert "LUFS" in imported.stdout
    listed = json.loads(run("list", "--style", "elegant", "--json").stdout)
    assert [t["name"] for t in listed] == ["cli groove"] and abs(listed[0]["bpm"] - 96) <= 1
    again = run("import", str(wav), "--style", "elegant", "--name", "cli groove")
    assert again.returncode == 1 and "name:" in again.stderr
    bad = run("list", "--style", "disco")
    assert bad.returncode == 1 and "style" in bad.stderr


def test_audio_libsndfile_cannot_read_is_decoded_through_ffmpeg():
    import av

    from catwalk.media.audio import decode_audio

    track = generate_track("street", 12.0, 96.0, seed=1)
    buffer = BytesIO()
    with av.open(buffer, "w", format="mp4") as container:  # AAC in M4A: not a libsndfile format
        stream = container.add_stream("aac", rate=44100, layout="stereo")
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(track.samples.T), format="fltp", layout="stereo")
        frame.sample_rate = 44100
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    samples, rate = decode_audio(buffer.getvalue())
    assert rate == 44100 and samples.shape[1] == 2 and abs(len(samples) / rate - 12.0) < 0.1
    assert integrated_loudness(samples, rate) == pytest.approx(-14.0, abs=0.5)
