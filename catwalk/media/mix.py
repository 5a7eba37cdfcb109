"""The soundtrack: narration placed over a music bed that ducks under it, mastered to a
loudness target with a true-peak ceiling (what streaming platforms ask: −14 LUFS, −1 dBTP).

Audio arrays are float32/float64 [samples] (mono) or [samples, channels]."""

from __future__ import annotations

import math

import numpy as np
import pyloudnorm
import soxr
from scipy.ndimage import maximum_filter1d, minimum_filter1d, uniform_filter1d
from scipy.signal import lfilter, resample_poly

OUTPUT_RATE = 48000
OVERSAMPLE = 4
VOICE_LUFS = -16.0  # narration before mastering; the bed sits below it
BED_UNDER_VOICE_DB = -8.0  # music level relative to the voice before ducking
FADE_IN_S = 0.3
FADE_OUT_S = 1.5


def _stereo(audio: np.ndarray) -> np.ndarray:
    a = np.asarray(audio, dtype=np.float64)
    if a.ndim == 1:
        return np.stack([a, a], axis=1)
    if a.shape[1] == 1:
        return np.repeat(a, 2, axis=1)
    return a[:, :2]


def _mono(audio: np.ndarray) -> np.ndarray:
    a = np.asarray(audio, dtype=np.float64)
    return a if a.ndim == 1 else a.mean(axis=1)


def _one_pole(x: np.ndarray, seconds: float, sr: int) -> np.ndarray:
    """First-order low-pass with time constant `seconds`, started at x[0] (no ramp from zero)."""
    a = math.exp(-1.0 / max(seconds * sr, 1.0))
    y, _ = lfilter([1 - a], [1, -a], x, zi=[a * x[0]] if len(x) else [0.0])
    return np.asarray(y)


def _attack_release(target: np.ndarray, attack_s: float, release_s: float, sr: int) -> np.ndarray:
    """Smooth a gain curve that falls fast (attack) and rises slowly (release): the lower
    of a fast and a slow follower is fast on the way down and slow on the way up."""
    return np.minimum(_one_pole(target, attack_s, sr), _one_pole(target, release_s, sr))


def duck(music: np.ndarray, voice: np.ndarray, sample_rate: int, depth_db: float = -12.0,
         attack_s: float = 0.08, release_s: float = 0.35) -> np.ndarray:
    """`music` lowered by `depth_db` wherever `voice` speaks, with smooth attack and release.
    The voice's level comes from an envelope follower; short pauses between words are held
    so the bed does not pump between them."""
    m = np.asarray(music, dtype=np.float64)
    v = _mono(voice)
    if len(v) != len(m):
        raise ValueError(f"voice has {len(v)} samples, music {len(m)}")
    if not len(v):
        return m
    power = _one_pole(v * v, 0.02, sample_rate)
    level_db = 10 * np.log10(power + 1e-12)
    threshold = max(-50.0, float(level_db.max()) - 35.0)
    speech = maximum_filter1d((level_db > threshold).astype(np.float64), size=max(1, int(0.25 * sample_rate)))
    gain_db = _attack_release(speech * depth_db, attack_s, release_s, sample_rate)
    gain = 10 ** (gain_db / 20)
    return m * (gain[:, None] if m.ndim == 2 else gain)


def integrated_loudness(audio: np.ndarray, sr: int) -> float:
    """ITU-R BS.1770 integrated loudness in LUFS (−inf for silence)."""
    a = np.asarray(audio, dtype=np.float64)
    if len(a) < int(0.4 * sr):  # shorter than one gating block
        a = np.concatenate([a, np.zeros((int(0.4 * sr) - len(a), *a.shape[1:]))])
    return float(pyloudnorm.Meter(sr).integrated_loudness(a))


def _oversampled_peaks(audio: np.ndarray, block: int = 1 << 16) -> np.ndarray:
    """Per original sample, the largest magnitude of the 4× oversampled signal from it to
    the next sample (all channels); worked through in blocks so memory stays small."""
    a = np.asarray(audio, dtype=np.float32)
    a = a[None] if a.ndim == 1 else a.T  # [channels, n]: whole rows are fast to reduce over
    n, pad = a.shape[1], 32  # pad: more than the interpolation filter's reach, in input samples
    out = np.empty(n)
    for start in range(0, n, block):
        end = min(n, start + block)
        lo, hi = max(0, start - pad), min(n, end + pad)
        up = np.abs(resample_poly(a[:, lo:hi], OVERSAMPLE, 1, axis=1))
        up = np.maximum.reduce(list(up))[(start - lo) * OVERSAMPLE:(end - lo) * OVERSAMPLE]
        phases = up.reshape(end - start, OVERSAMPLE)
        out[start:end] = np.maximum.reduce([phases[:, k] for k in range(OVERSAMPLE)])
    # an inter-sample peak between n and n+1 belongs to both
    return np.maximum(out, np.concatenate([[0.0], out[:-1]]))


def _db(peak: float) -> float:
    return 20 * math.log10(peak) if peak > 0 else -math.inf


def true_peak_dbtp(audio: np.ndarray, sr: int) -> float:
    """True peak in dBTP from 4× oversampling (BS.1770 annex 2)."""
    return _db(float(_oversampled_peaks(audio).max())) if len(audio) else -math.inf


def _limit(a: np.ndarray, sr: int, ceiling_dbtp: float, lookahead_s: float, release_s: float
           ) -> tuple[np.ndarray, float]:
    """The limited audio and its true peak."""
    ceiling = 10 ** ((ceiling_dbtp - 0.1) / 20)  # a little margin for the reconstruction between gain steps
    needed = np.minimum(1.0, ceiling / np.maximum(_oversampled_peaks(a), 1e-12))
    look = max(1, int(lookahead_s * sr))
    # every sample within `look` of a peak gets at most the peak's gain, then a moving
    # average of width `look` stays at or below what each peak needs
    held = minimum_filter1d(needed, size=2 * look + 1, mode="nearest")
    smooth = uniform_filter1d(held, size=look + 1, mode="nearest")
    gain = np.minimum(smooth, _one_pole(smooth, release_s, sr))
    out = a * (gain[:, None] if a.ndim == 2 else gain)
    peak = true_peak_dbtp(out, sr)
    if peak > ceiling_dbtp:  # the final trim: rarely more than a few hundredths of a dB
        out *= 10 ** (-(peak - ceiling_dbtp + 0.01) / 20)
        peak = true_peak_dbtp(out, sr)
    return out, peak


def limit_true_peak(audio: np.ndarray, sr: int, ceiling_dbtp: float = -1.0, lookahead_s: float = 0.005,
                    release_s: float = 0.05) -> np.ndarray:
    """Look-ahead limiter: gain from the oversampled peak, reached `lookahead_s` before each
    peak, released over `release_s`; the result's true peak is at most the ceiling."""
    a = np.asarray(audio, dtype=np.float64)
    return _limit(a, sr, ceiling_dbtp, lookahead_s, release_s)[0] if len(a) else a


def master(mix: np.ndarray, sr: int, target_lufs: float = -14.0, ceiling_dbtp: float = -1.0,
           passes: int = 3) -> tuple[np.ndarray, float, float]:
    """Normalise to `target_lufs`, then limit to `ceiling_dbtp`; again with more gain (the
    shortfall, then a secant step) while the limiter leaves the loudness more than 0.5 LU
    under the target, at most `passes` in all. (audio float32, loudness, true peak)."""
    a = np.asarray(mix, dtype=np.float64)
    loudness = integrated_loudness(a, sr)
    if not math.isfinite(loudness):  # silence: nothing to normalise
        return a.astype(np.float32), loudness, true_peak_dbtp(a, sr)
    gain_db = target_lufs - loudness
    slope = 1.0  # LU gained per dB of gain before the limiter: under 1 where it limits
    tried: tuple[float, float] | None = None
    for _ in range(passes):
        out, peak = _limit(a * 10 ** (gain_db / 20), sr, ceiling_dbtp, 0.005, 0.05)
        loudness = integrated_loudness(out, sr)
        if loudness >= target_lufs - 0.5:
            break
        if tried is not None and gain_db != tried[0]:  # the secant through the last two passes
            slope = min(1.0, max(0.2, (loudness - tried[1]) / (gain_db - tried[0])))
        tried = (gain_db, loudness)
        gain_db += (target_lufs - loudness) / slope
    return out.astype(np.float32), loudness, peak


def resample(audio: np.ndarray, sr: int, to: int = OUTPUT_RATE) -> np.ndarray:
    a = np.asarray(audio, dtype=np.float64)
    return a if sr == to else np.asarray(soxr.resample(a, sr, to))


def _gain_to(audio: np.ndarray, sr: int, lufs: float) -> np.ndarray:
    loudness = integrated_loudness(audio, sr)
    return audio * 10 ** ((lufs - loudness) / 20) if math.isfinite(loudness) else audio


def mix_tracks(duration_s: float, narration: list[tuple[np.ndarray, int, float]],
               music: tuple[np.ndarray, int, float] | None, sr: int = OUTPUT_RATE) -> np.ndarray:
    """Stereo float32 [round(duration_s·sr), 2]: each narration (samples, rate, start in the
    video) placed at its start; the music (samples, rate, offset into the track) played once
    from its offset, faded in and out (1.5 s before the end), a clear step below the voice
    and ducked under it. Anything past `duration_s` is cut."""
    n = round(duration_s * sr)
    voice = np.zeros(n)
    for samples, rate, start_s in narration:
        v = _mono(resample(samples, rate, sr))
        at = round(start_s * sr)
        take = max(0, min(len(v), n - at))
        voice[at:at + take] += v[:take]
    has_voice = bool(np.any(voice))
    if has_voice:
        voice = _gain_to(voice, sr, VOICE_LUFS)
    out = np.repeat(voice[:, None], 2, axis=1)
    if music is not None:
        samples, rate, offset_s = music
        m = _stereo(resample(samples, rate, sr))[round(offset_s * sr):][:n]
        if len(m):
            ramp = np.ones(len(m))
            fade_in = min(len(m), int(FADE_IN_S * sr))
            ramp[:fade_in] = np.linspace(0, 1, fade_in)
            fade_out = min(len(m), int(FADE_OUT_S * sr))
            ramp[len(m) - fade_out:] *= np.linspace(1, 0, fade_out)
            bed = np.zeros((n, 2))
            bed[:len(m)] = m * ramp[:, None]
            bed = _gain_to(bed, sr, VOICE_LUFS + BED_UNDER_VOICE_DB if has_voice else VOICE_LUFS)
            out += duck(bed, voice, sr) if has_voice else bed
    return out.astype(np.float32)
