"""Video files with PyAV (FFmpeg inside the wheel): H.264 MP4 written frame by frame, so a
clip is never held whole in memory; read back the same way."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

ASPECTS: dict[str, tuple[int, int]] = {"9:16": (9, 16), "16:9": (16, 9), "1:1": (1, 1), "3:4": (3, 4)}


def frame_size(aspect: str, short_side: int = 720) -> tuple[int, int]:
    """(width, height) for an aspect such as "9:16" whose shorter side is `short_side`
    (rounded to even numbers, as H.264 with 4:2:0 chroma needs)."""
    if aspect not in ASPECTS:
        raise ValueError(f"aspect {aspect!r} is not one of {', '.join(ASPECTS)}")
    if short_side < 16:
        raise ValueError(f"short side {short_side} is below 16 pixels")
    w, h = ASPECTS[aspect]
    scale = short_side / min(w, h)
    return 2 * round(w * scale / 2), 2 * round(h * scale / 2)


def write_mp4(frames: Iterable[np.ndarray], path: Path, fps: float, crf: int = 20,
              preset: str = "veryfast") -> int:
    """Encode RGB uint8 frames [H, W, 3] (all one size) to an H.264 MP4 at `path`; the
    number of frames. Written to a temporary name and renamed, so a failed encode never
    leaves a half-written file where the caller expects a video."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.partial")
    count = 0
    try:
        with av.open(str(tmp), mode="w", format="mp4") as container:
            stream = None
            for frame in frames:
                if stream is None:
                    stream = container.add_stream("libx264", rate=Fraction(fps).limit_denominator(1001))
                    stream.height, stream.width = frame.shape[:2]
                    stream.pix_fmt = "yuv420p"
                    stream.options = {"crf": str(crf), "preset": preset, "movflags": "+faststart"}
                for packet in stream.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(frame), format="rgb24")):
                    container.mux(packet)
                count += 1
            if stream is None:
                raise ValueError("no frames to write")
            for packet in stream.encode():
                container.mux(packet)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return count


def read_frames(path: Path) -> Iterator[np.ndarray]:
    """The video's frames as RGB uint8 arrays, one at a time."""
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            yield frame.to_ndarray(format="rgb24")


def probe(path: Path) -> dict[str, float | int | str]:
    """Codec, size, frame rate, frame count and duration of a video file's first stream."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = stream.frames or sum(1 for _ in container.decode(video=0))
        rate = float(stream.average_rate or 0)
        return {"codec": stream.codec_context.name, "width": stream.width, "height": stream.height,
                "fps": rate, "frames": frames, "seconds": frames / rate if rate else 0.0}
