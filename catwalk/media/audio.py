"""Audio bytes in and out: decode whatever libsndfile or FFmpeg (PyAV) reads into float32
stereo (narration, music, imports), and encode FLAC for the music library."""

from __future__ import annotations

from io import BytesIO

import numpy as np
import soundfile as sf


class AudioDecodeError(ValueError):
    """The bytes are not audio that libsndfile or FFmpeg can read."""


def _stereo(samples: np.ndarray) -> np.ndarray:
    samples = samples.reshape(len(samples), -1)
    if samples.shape[1] == 1:
        return np.repeat(samples, 2, axis=1)
    return samples[:, :2]


def _decode_av(data: bytes) -> tuple[np.ndarray, int]:
    import av

    try:
        with av.open(BytesIO(data), mode="r") as container:
            if not container.streams.audio:
                raise AudioDecodeError("no audio stream")
            stream = container.streams.audio[0]
            rate = stream.codec_context.sample_rate or stream.rate
            resampler = av.AudioResampler(format="flt", layout="stereo", rate=rate)
            chunks = [f.to_ndarray().reshape(-1, 2) for frame in container.decode(stream)
                      for f in resampler.resample(frame)]
            chunks += [f.to_ndarray().reshape(-1, 2) for f in resampler.resample(None)]
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise AudioDecodeError(str(exc)) from exc
    if not chunks or not rate:
        raise AudioDecodeError("no audio decoded")
    return np.concatenate(chunks).astype(np.float32), int(rate)


def decode_audio(data: bytes) -> tuple[np.ndarray, int]:
    """(samples float32 (n, 2), sample rate) of WAV, FLAC, OGG, MP3 or anything FFmpeg reads."""
    if not data:
        raise AudioDecodeError("no bytes")
    try:
        samples, rate = sf.read(BytesIO(data), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, TypeError):
        samples, rate = _decode_av(data)
    if len(samples) == 0:
        raise AudioDecodeError("no samples")
    return np.ascontiguousarray(_stereo(samples), dtype=np.float32), int(rate)


def encode_flac(samples: np.ndarray, sample_rate: int) -> bytes:
    """24-bit FLAC: lossless for the library, about half the size of WAV."""
    buffer = BytesIO()
    sf.write(buffer, np.clip(samples, -1.0, 1.0), sample_rate, format="FLAC", subtype="PCM_24")
    return buffer.getvalue()
