"""What a track's audio says about it: tempo, beats, downbeats, length, loudness, true peak.

librosa tracks the beats (its tempo estimate is quantised to the bins of its tempogram, so
the BPM is refitted to the beat times); the downbeat is the beat phase, of four, with the
most low-frequency onset energy — where the kick and the bass land hardest in 4/4.
Importing librosa JIT-compiles with numba: the caller points NUMBA_CACHE_DIR at a
persistent directory so that happens once per machine, not once per process.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from catwalk.media.mix import integrated_loudness, true_peak_dbtp

ANALYSIS_RATE = 22050
HOP = 256  # ~11.6 ms frames at 22.05 kHz: beat times to about a frame
BASS_FMAX_HZ = 160.0


@dataclass
class Analysis:
    bpm: float
    beats_s: list[float]
    downbeats_s: list[float]
    duration_s: float
    loudness_lufs: float
    true_peak_dbtp: float


def _beat_indices(beats: np.ndarray) -> tuple[np.ndarray, float]:
    """Each beat's index on a regular grid (a skipped beat leaves a gap in the indices)
    and the grid's period from a least-squares line through the beat times."""
    gaps = np.diff(beats)
    period = float(np.median(gaps))
    # Counted gap by gap, so a period a frame off never drifts the count by a whole beat.
    index = np.concatenate([[0], np.cumsum(np.maximum(1, np.round(gaps / period)))])
    if len(beats) >= 3:
        period = float(np.polyfit(index, beats, 1)[0])
    return index.astype(int), period


def analyse(samples: np.ndarray, sample_rate: int) -> Analysis:
    """Measure a track (float samples, mono (n,) or (n, channels))."""
    import librosa  # heavy (numba): only when a track is analysed

    audio = np.asarray(samples, dtype=np.float32)
    audio = audio.reshape(len(audio), -1)
    duration = len(audio) / sample_rate
    mono = audio.mean(axis=1)
    if sample_rate != ANALYSIS_RATE:
        mono = librosa.resample(mono, orig_sr=sample_rate, target_sr=ANALYSIS_RATE)
    envelope = librosa.onset.onset_strength(y=mono, sr=ANALYSIS_RATE, hop_length=HOP)
    _, frames = librosa.beat.beat_track(onset_envelope=envelope, sr=ANALYSIS_RATE, hop_length=HOP)
    beats = librosa.frames_to_time(frames, sr=ANALYSIS_RATE, hop_length=HOP)
    bpm, downbeats = 0.0, np.array([])
    if len(beats) >= 2:
        index, period = _beat_indices(beats)
        bpm = 60.0 / period
        # Linear (not log) low-band flux: a log scale flattens the accent that marks beat one.
        low = librosa.feature.melspectrogram(y=mono, sr=ANALYSIS_RATE, hop_length=HOP, fmax=BASS_FMAX_HZ,
                                             n_mels=8).sum(axis=0)
        flux = np.maximum(0.0, np.diff(low, prepend=low[0]))
        # The strongest bass onset within a few frames of each beat.
        near = np.stack([flux[np.clip(frames + d, 0, len(flux) - 1)] for d in range(-2, 4)]).max(axis=0)
        strength = [float(near[index % 4 == p].mean()) if np.any(index % 4 == p) else 0.0 for p in range(4)]
        downbeats = beats[index % 4 == int(np.argmax(strength))]
    return Analysis(
        bpm=round(bpm, 3),
        beats_s=[round(float(t), 4) for t in beats],
        downbeats_s=[round(float(t), 4) for t in downbeats],
        duration_s=duration,
        loudness_lufs=integrated_loudness(audio, sample_rate),
        true_peak_dbtp=true_peak_dbtp(audio, sample_rate),
    )
