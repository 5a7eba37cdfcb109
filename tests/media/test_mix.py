"""The soundtrack mix: loudness and true peak after mastering, ducking, track placement."""

from __future__ import annotations

import numpy as np
import pytest

from catwalk.media import mix

SR = 48000


def _rms_db(x: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(np.square(x)))))


def _music(seconds: float, sr: int = SR, level: float = 0.2) -> np.ndarray:
    t = np.arange(round(seconds * sr)) / sr
    chord = sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6))
    return level * np.stack([chord, np.roll(chord, 40)], axis=1) / 3


def _speech(seconds: float, sr: int = SR) -> np.ndarray:
    """Voiced bursts like syllables: a harmonic tone gated at 4 Hz."""
    t = np.arange(round(seconds * sr)) / sr
    tone = sum(np.sin(2 * np.pi * 140 * k * t) / k for k in range(1, 6))
    return 0.3 * tone * (np.sin(2 * np.pi * 4 * t) > -0.3)


@pytest.mark.parametrize("level", [0.9, 0.01])
def test_loud_and_quiet_mixes_are_mastered_to_target(level: float) -> None:
    rng = np.random.default_rng(1)
    x = level * np.clip(rng.standard_normal((SR * 8, 2)), -3, 3) / 3 + _music(8, level=level)
    audio, loudness, peak = mix.master(x, SR)
    assert audio.dtype == np.float32
    assert abs(mix.integrated_loudness(audio, SR) - (-14.0)) <= 1.0
    assert abs(loudness - mix.integrated_loudness(audio, SR)) < 1e-6
    assert mix.true_peak_dbtp(audio, SR) <= -1.0
    assert peak <= -1.0


def test_inter_sample_peaks_are_caught() -> None:
    # A full-scale sine at fs/4 with a 45° phase: every sample is ±0.707 (−3 dBFS sample
    # peak) but the waveform between them reaches 0 dBTP; a sample-peak limiter misses it.
    t = np.arange(SR * 5)
    x = np.sin(np.pi / 2 * t + np.pi / 4)
    assert np.abs(x).max() < 0.71
    assert mix.true_peak_dbtp(x, SR) > -0.1
    limited = mix.limit_true_peak(x, SR, ceiling_dbtp=-1.0)
    assert mix.true_peak_dbtp(limited, SR) <= -1.0
    assert mix.true_peak_dbtp(limited, SR) > -2.0  # limited, not crushed
    audio, loudness, peak = mix.master(x, SR)
    assert peak <= -1.0 and mix.true_peak_dbtp(audio, SR) <= -1.0
    assert abs(loudness + 14) <= 1.0


def test_limiter_leaves_quiet_audio_alone() -> None:
    x = _music(3, level=0.1)
    assert np.allclose(mix.limit_true_peak(x, SR), x)


def test_ducking_lowers_music_under_speech_and_restores_it() -> None:
    music = _music(8)
    voice = np.zeros(SR * 8)
    voice[3 * SR:5 * SR] = _speech(2)
    ducked = mix.duck(music, voice, SR, depth_db=-12)
    before = _rms_db(ducked[SR:2 * SR]) - _rms_db(music[SR:2 * SR])
    during = _rms_db(ducked[int(3.5 * SR):int(4.5 * SR)]) - _rms_db(music[int(3.5 * SR):int(4.5 * SR)])
    after = _rms_db(ducked[int(6.5 * SR):8 * SR]) - _rms_db(music[int(6.5 * SR):8 * SR])
    assert abs(before) < 0.1
    assert -13 <= during <= -11  # held through the gaps between syllables
    assert abs(after) < 0.5
    # smooth: the gain (ducking a constant) never jumps, here not even 0.01 dB a sample
    gain_db = 20 * np.log10(mix.duck(np.ones(len(voice)), voice, SR, depth_db=-12))
    assert np.max(np.abs(np.diff(gain_db))) < 0.01
    assert gain_db.min() >= -12.01


def test_mix_places_narration_and_fades_music() -> None:
    sr_voice = 22050
    voice = _speech(2, sr_voice)
    music = _music(30, sr=44100)
    out = mix.mix_tracks(10.0, [(voice, sr_voice, 4.0)], (music, 44100, 5.0), sr=SR)
    assert out.shape == (10 * SR, 2) and out.dtype == np.float32
    bed = _rms_db(out[2 * SR:3 * SR])
    under_voice = _rms_db(out[int(4.5 * SR):int(5.5 * SR)])
    assert under_voice > bed + 3  # the narration stands clear of the bed
    assert _rms_db(out[-int(0.05 * SR):]) < bed - 20  # faded out by the end
    assert _rms_db(out[:int(0.02 * SR)]) < bed - 10  # and in at the start


def test_mix_without_music_or_voice() -> None:
    assert not np.any(mix.mix_tracks(2.0, [], None))
    only_music = mix.mix_tracks(4.0, [], (_music(2), SR, 0.0))
    assert only_music.shape == (4 * SR, 2)
    assert not np.any(only_music[2 * SR:])  # played once, never looped
