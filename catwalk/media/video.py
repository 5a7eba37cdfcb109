"""Video files with PyAV (FFmpeg inside the wheel): H.264 MP4 written frame by frame, so a
clip is never held whole in memory; read back the same way."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from fractions import Fraction
from pathlib import Path

import av
import cv2
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


# FFmpeg "decodes" any text file as ANSI art (the tty demuxer); those are never clips.
TEXT_CODECS = frozenset({"ansi", "bintext", "xbin", "idf"})


def clip_duration(path: Path) -> float:
    """Seconds of a video file's first video stream (to the end of its last frame); a
    ValueError when the file is not a video FFmpeg can decode."""
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise ValueError("has no video stream")
            stream = container.streams.video[0]
            if stream.codec_context.name in TEXT_CODECS:
                raise ValueError("is a text file, not a video")
            first = next(container.decode(stream), None)
            if first is None:
                raise ValueError("has no decodable video frames")
            rate = float(stream.average_rate or stream.guessed_rate or 0)
            if stream.frames and rate:
                return stream.frames / rate
            if stream.duration is not None and stream.time_base is not None:
                return float(stream.duration * stream.time_base)
            if container.duration:
                return container.duration / av.time_base
            raise ValueError("has no duration")
    except (av.FFmpegError, UnicodeDecodeError) as e:
        raise ValueError(f"is not a readable video ({e.__class__.__name__})") from e


def conform(frame: av.VideoFrame, width: int, height: int) -> np.ndarray:
    """The frame as RGB uint8 [height, width, 3]: scaled when its aspect matches; otherwise
    fitted whole (nothing cropped, nothing stretched) over a blurred, darkened copy of itself
    that covers the frame, so there are no black bars."""
    sw, sh = frame.width, frame.height
    if abs(sw / sh - width / height) <= 0.01 * width / height:
        return frame.reformat(width, height, format="rgb24").to_ndarray()
    fit = min(width / sw, height / sh)
    fw, fh = max(2, 2 * round(sw * fit / 2)), max(2, 2 * round(sh * fit / 2))
    cover = max(width / sw, height / sh) / 8  # the backdrop is blurred anyway: build it small
    bw, bh = max(width // 8, round(sw * cover)), max(height // 8, round(sh * cover))
    small: np.ndarray = frame.reformat(bw, bh, format="rgb24").to_ndarray()
    x, y = (bw - width // 8) // 2, (bh - height // 8) // 2
    blurred = cv2.GaussianBlur(small[y:y + height // 8, x:x + width // 8], (0, 0), 2.5)
    darker = (blurred.astype(np.uint16) * 140 >> 8).astype(np.uint8)
    out = cv2.resize(darker, (width, height), interpolation=cv2.INTER_LINEAR)
    fx, fy = (width - fw) // 2, (height - fh) // 2
    out[fy:fy + fh, fx:fx + fw] = frame.reformat(fw, fh, format="rgb24").to_ndarray()
    return out


class ShotReader:
    """A clip's frames by time, conformed to width × height, decoded forward from `start_s`
    (seeking there first); past the clip's end the last frame holds. Only the frame on show
    and the next one are held."""

    def __init__(self, path: Path, start_s: float, width: int, height: int) -> None:
        self.container = av.open(str(path))
        self.stream = self.container.streams.video[0]
        self.stream.thread_type = "AUTO"
        self.base = self.stream.time_base or Fraction(1, 1000)
        self.origin = float((self.stream.start_time or 0) * self.base)
        if start_s > 0:
            self.container.seek(int((start_s + self.origin) / self.base), stream=self.stream, backward=True)
        self.frames = self.container.decode(self.stream)
        self.width, self.height = width, height
        self.current: av.VideoFrame | None = None
        self.pending: av.VideoFrame | None = None
        self.image: np.ndarray | None = None
        self.count = 0

    def _time(self, frame: av.VideoFrame) -> float:
        if frame.pts is None:
            return self.count / float(self.stream.average_rate or 25)
        return float(frame.pts * self.base) - self.origin

    def at(self, t: float) -> np.ndarray:
        """The frame on show at `t` seconds into the clip (times only move forward)."""
        while True:
            if self.pending is None:
                self.pending = next(self.frames, None)
                if self.pending is None:
                    break
                self.count += 1
            if self.current is not None and self._time(self.pending) > t + 1e-6:
                break
            self.current, self.pending, self.image = self.pending, None, None
        if self.current is None:
            raise ValueError("no frames at or after the seek point")
        if self.image is None:
            self.image = conform(self.current, self.width, self.height)
        return self.image

    def close(self) -> None:
        self.container.close()
