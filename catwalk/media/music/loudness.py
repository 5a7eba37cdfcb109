"""Loudness (ITU-R BS.1770 via pyloudnorm), true peak (4× oversampling) and a simple
look-ahead limiter, so a track can be mastered to a target loudness under a peak ceiling."""

from __future__ import annotations

import numpy as np
import pyloudnorm
from scipy.ndimage import minimum_filter1d, uniform_filter1d
from scipy.signal import firwin, upfirdn

TARGET_LUFS = -14.0
CEILING_DBTP = -1.0


def loudness_lufs(samples: np.ndarray, sample_rate: int) -> float:
    """Integrated loudness; -inf for silence."""
    return float(pyloudnorm.Meter(sample_rate).integrated_loudness(np.asarray(samples, dtype=np.float64)))


# The 4x interpolation filter (BS.1770 suggests 12 taps a phase; 24 is cleaner) and the most
# any output of it can exceed its largest input by: the bound that lets us skip quiet blocks.
_UP = 4
_FIR = firwin(_UP * 24 + 1, 1 / _UP, window=("kaiser", 6.0)) * _UP
_GAIN_BOUND = max(float(np.abs(_FIR[p::_UP]).sum()) for p in range(_UP))
_BLOCK = 16384


def true_peak_dbtp(samples: np.ndarray) -> float:
    """The peak of the signal oversampled 4x, in dB relative to full scale. Blocks are
    oversampled loudest first, and the rest skipped once no block can beat the peak found."""
    x = np.asarray(samples, dtype=np.float64)
    x = x.reshape(len(x), -1)
    if not x.size:
        return float("-inf")
    pad = len(_FIR) // _UP + 2
    delay = (len(_FIR) - 1) // 2
    level = np.max(np.abs(x), axis=1)
    starts = range(0, len(x), _BLOCK)
    bounds = [float(level[max(0, a - pad):a + _BLOCK + pad].max()) * _GAIN_BOUND for a in starts]
    best = 0.0
    for i in np.argsort(bounds)[::-1]:
        if bounds[i] <= best:
            break
        a = int(i) * _BLOCK
        lo, hi = max(0, a - pad), min(len(x), a + _BLOCK + pad)
        up = upfirdn(_FIR, x[lo:hi].T, _UP)  # (channels, up * (hi - lo) + taps - 1)
        core = up[:, delay + _UP * (a - lo): delay + _UP * (min(len(x), a + _BLOCK) - lo)]
        best = max(best, float(np.abs(core).max()))
    return 20 * float(np.log10(best)) if best > 0 else float("-inf")


def limit(samples: np.ndarray, sample_rate: int, ceiling: float, window_s: float = 0.02) -> np.ndarray:
    """Gain that never lets a sample exceed `ceiling`, eased in and out over `window_s`.

    Worked out on 32-sample blocks (the block's peak): a centred min-filter then a moving
    average of the same width stays at or below what every block needs, and so does the
    line between two block centres, so the per-sample gain never lets a peak through."""
    block = 32
    peak = np.max(np.abs(samples), axis=1)
    n = len(peak)
    padded = np.pad(peak, (0, -n % block))
    need = np.minimum(1.0, ceiling / np.maximum(padded.reshape(-1, block).max(axis=1), 1e-12))
    w = max(3, int(window_s * sample_rate / block)) | 1
    smooth = uniform_filter1d(minimum_filter1d(need, size=w), size=w)
    smooth = np.minimum(smooth, minimum_filter1d(need, size=3))  # the line between centres stays under
    centres = np.arange(len(need)) * block + (block - 1) / 2
    gain = np.interp(np.arange(n), centres, smooth)
    return samples * gain[:, None]


def master(samples: np.ndarray, sample_rate: int, target_lufs: float = TARGET_LUFS,
           ceiling_dbtp: float = CEILING_DBTP) -> np.ndarray:
    """Gain to `target_lufs`, limited so the true peak stays under `ceiling_dbtp`."""
    out = np.asarray(samples, dtype=np.float64)
    ceiling = 10 ** ((ceiling_dbtp - 0.6) / 20)  # sample ceiling, leaving room for inter-sample peaks
    for _ in range(3):  # limiting lowers loudness a little; two or three passes settle it
        level = loudness_lufs(out, sample_rate)
        if not np.isfinite(level):
            return out
        out = limit(out * 10 ** ((target_lufs - level) / 20), sample_rate, ceiling)
        if abs(loudness_lufs(out, sample_rate) - target_lufs) < 0.15:
            break
    tp = true_peak_dbtp(out)
    if tp > ceiling_dbtp - 0.05:
        out = out * 10 ** ((ceiling_dbtp - 0.1 - tp) / 20)
    return out
