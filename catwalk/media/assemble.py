"""The final MP4: shots in order with crossfades centred on the cuts, each conformed to the
output frame, subtitles burned in, over the mastered soundtrack; H.264 + AAC with the index
at the front so it streams. Frames are decoded, composed and encoded one at a time, so memory
does not grow with the video's length. Maps 1:1 onto MediaAssembler.Assemble."""

from __future__ import annotations

import io
import math
import os
import queue
import resource
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np

from catwalk.errors import FieldError
from catwalk.media import mix
from catwalk.media.audio import AudioDecodeError, decode_audio
from catwalk.media.subtitles import Cue, SubtitleRenderer, composite, cues_from_words
from catwalk.media.video import ASPECTS, ShotReader, clip_duration, frame_size

Progress = Callable[[str, float, str], None]
AUDIO_RATE = mix.OUTPUT_RATE
AAC_FRAME = 1024
AAC_BIT_RATE = 192_000
CEILING_DBTP = -1.0
AAC_HEADROOM_DB = 0.5  # AAC's reconstruction overshoots the mastered peaks by about this much
PROGRESS_EVERY_S = 0.5


class AssemblyError(FieldError):
    """Bad input, named by its request field (`shots[2].s3_key`, `aspect`, …)."""


class AssemblyCancelled(Exception):
    """The caller cancelled; nothing was written."""


@dataclass(frozen=True)
class ShotInput:
    path: Path
    in_s: float = 0.0
    out_s: float | None = None  # None or 0: to the clip's end


@dataclass(frozen=True)
class NarrationInput:
    path: Path
    start_s: float
    words: Sequence[Any] = ()  # timed words (text, start_s, end_s) relative to start_s


@dataclass(frozen=True)
class MusicInput:
    path: Path
    offset_s: float = 0.0  # where in the track the video's music starts


@dataclass(frozen=True)
class AssemblyOptions:
    aspect: str = "9:16"
    short_side: int = 720
    fps: float = 25.0
    crossfade_s: float = 0.3  # 0: hard cuts
    subtitles: bool = True
    language: str = "en"
    crf: int = 21
    preset: str = "veryfast"
    encode_thread: bool = True  # encode while the next frames are composed


@dataclass
class AssemblyResult:
    path: Path
    width: int
    height: int
    duration_s: float
    frames: int
    fps: float
    size_bytes: int
    loudness_lufs: float
    true_peak_dbtp: float
    subtitles: list[Cue]
    wall_s: float = 0.0
    stage_s: dict[str, float] = field(default_factory=dict)
    peak_rss_mb: float = 0.0  # of the whole process, since it started


def _read_audio(path: Path, name: str) -> tuple[np.ndarray, int]:
    """Samples [n, 2] and the rate of a WAV (or anything libsndfile or FFmpeg reads)."""
    try:
        return decode_audio(path.read_bytes())
    except AudioDecodeError as exc:
        raise AssemblyError(name, f"not a readable audio file ({exc})") from exc


def _validate(shots: Sequence[ShotInput], narration: Sequence[NarrationInput], options: AssemblyOptions
              ) -> tuple[list[tuple[float, float]], int, int]:
    """Each shot's (in, out) seconds and the output size; an AssemblyError naming the field
    for anything wrong, before any output exists."""
    if options.aspect not in ASPECTS:
        raise AssemblyError("aspect", f"{options.aspect!r} is not one of {', '.join(ASPECTS)}")
    if options.short_side < 16 or options.short_side > 4320:
        raise AssemblyError("resolution", f"short side {options.short_side} px is outside 16..4320")
    if not (1 <= options.fps <= 120):
        raise AssemblyError("fps", f"{options.fps} is outside 1..120")
    if not shots:
        raise AssemblyError("shots", "no shots to assemble")
    if not 0 <= options.crossfade_s <= 1:
        raise AssemblyError("crossfade_s", f"{options.crossfade_s} s is outside 0..1")
    spans = []
    for i, shot in enumerate(shots):
        try:
            duration = clip_duration(shot.path)
        except (ValueError, OSError) as e:
            raise AssemblyError(f"shots[{i}].s3_key", f"{shot.path.name} {e}") from e
        in_s, out_s = shot.in_s, shot.out_s or duration
        if not 0 <= in_s < duration:
            raise AssemblyError(f"shots[{i}].in_s", f"{in_s} s is outside the clip (0..{duration:.3f} s)")
        if out_s > duration + 1e-3:
            raise AssemblyError(f"shots[{i}].out_s", f"{out_s} s is past the clip's end ({duration:.3f} s)")
        if out_s - in_s < 1 / options.fps:
            raise AssemblyError(f"shots[{i}].in_s", f"out {out_s} s is not after in {in_s} s by a frame")
        spans.append((in_s, min(out_s, duration)))
    for i, n in enumerate(narration):
        if n.start_s < 0:
            raise AssemblyError(f"narration[{i}].start_s", f"{n.start_s} s is before the video starts")
    width, height = frame_size(options.aspect, options.short_side)
    return spans, width, height


def _aac_stream(container: Any) -> Any:
    stream = container.add_stream("aac", rate=AUDIO_RATE)
    stream.layout = "stereo"
    stream.bit_rate = AAC_BIT_RATE
    return stream


def _aac_frames(audio: np.ndarray, start: int, end: int) -> Iterator[av.AudioFrame]:
    """Planar float [2, n] audio from `start` to `end` as AAC-sized frames with their pts."""
    for at in range(start, end, AAC_FRAME):
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(audio[:, at:min(end, at + AAC_FRAME)]),
                                           format="fltp", layout="stereo")
        frame.sample_rate, frame.pts, frame.time_base = AUDIO_RATE, at, Fraction(1, AUDIO_RATE)
        yield frame


def _decoded_peak_dbtp(audio: np.ndarray) -> float:
    """The true peak of `audio` [n, 2] after an AAC round trip at the output's settings."""
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="adts") as container:
        stream = _aac_stream(container)
        planar = np.ascontiguousarray(audio.T.astype(np.float32))
        for frame in _aac_frames(planar, 0, planar.shape[1]):
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    buffer.seek(0)
    with av.open(buffer, mode="r", format="adts") as container:
        decoded = np.concatenate([f.to_ndarray() for f in container.decode(audio=0)], axis=1)
    return mix.true_peak_dbtp(decoded.T, AUDIO_RATE)


def _soundtrack(duration: float, voices: list[tuple[np.ndarray, int, float]],
                bed: tuple[np.ndarray, int, float] | None) -> tuple[np.ndarray, float, float]:
    """The mastered mix, with the peak ceiling held after AAC encoding too (what a player
    decodes): mastered with some headroom, then trimmed by whatever AAC still overshoots."""
    audio, loudness, peak = mix.master(mix.mix_tracks(duration, voices, bed), AUDIO_RATE,
                                       ceiling_dbtp=CEILING_DBTP - AAC_HEADROOM_DB)
    if math.isfinite(peak):
        over = _decoded_peak_dbtp(audio) - (CEILING_DBTP - 0.05)
        if over > 0:
            audio = audio * np.float32(10 ** (-over / 20))
            loudness, peak = loudness - over, peak - over
    return audio, loudness, peak


class _Encoder:
    """H.264 + AAC into an MP4, video frames encoded on a thread of their own (x264 and
    the muxer release the GIL) while the caller composes the next ones."""

    def __init__(self, path: Path, width: int, height: int, fps: float, audio: np.ndarray, options: AssemblyOptions):
        self.container = av.open(str(path), mode="w", format="mp4", options={"movflags": "+faststart"})
        self.video = self.container.add_stream("libx264", rate=Fraction(fps).limit_denominator(1001))
        self.video.width, self.video.height, self.video.pix_fmt = width, height, "yuv420p"
        self.video.options = {"crf": str(options.crf), "preset": options.preset}
        self.audio_stream = _aac_stream(self.container)
        self.audio = np.ascontiguousarray(audio.T.astype(np.float32))  # planar [2, n]
        self.audio_at = 0
        self.fps = fps
        self.index = 0
        self.queue: queue.Queue[np.ndarray | None] = queue.Queue(maxsize=8)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="assemble-encode", daemon=True)
        if options.encode_thread:
            self.thread.start()

    def put(self, frame: np.ndarray) -> None:
        if not self.thread.is_alive() and self.error is None:
            self._encode(frame)  # encoding in the caller's thread
            return
        if self.error:
            raise self.error
        self.queue.put(frame)

    def _encode(self, rgb: np.ndarray) -> None:
        self.container.mux(self.video.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
        self.index += 1
        if self.index % max(1, round(self.fps)) == 0:  # interleave about a second at a time
            self._audio_until(self.index / self.fps + 1)

    def _audio_until(self, seconds: float) -> None:
        n = self.audio.shape[1]
        end = n if math.isinf(seconds) else min(n, AAC_FRAME * math.ceil(seconds * AUDIO_RATE / AAC_FRAME))
        for frame in _aac_frames(self.audio, self.audio_at, end):
            self.container.mux(self.audio_stream.encode(frame))
        self.audio_at = max(self.audio_at, end)

    def _run(self) -> None:
        try:
            while (rgb := self.queue.get()) is not None:
                self._encode(rgb)
        except BaseException as e:  # handed to the caller's thread
            self.error = e
            while self.queue.get() is not None:  # let the producer finish
                pass

    def close(self) -> None:
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()
        if self.error:
            raise self.error
        self.container.mux(self.video.encode())
        self._audio_until(math.inf)
        self.container.mux(self.audio_stream.encode())
        self.container.close()

    def abort(self) -> None:
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()
        self.container.close()


def _timeline(spans: list[tuple[float, float]], fps: float, crossfade_s: float
              ) -> tuple[list[int], list[float]]:
    """Each shot's first output frame (the last entry is the frame count) and the
    crossfade of each cut, no longer than either neighbour so fades never overlap."""
    starts, t = [0], 0.0
    for in_s, out_s in spans:
        t += out_s - in_s
        starts.append(round(t * fps))
    fades = [min(crossfade_s, (starts[i + 1] - starts[i]) / fps, (starts[i + 2] - starts[i + 1]) / fps)
             for i in range(len(spans) - 1)]
    return starts, fades


def assemble(shots: Sequence[ShotInput], narration: Sequence[NarrationInput], music: MusicInput | None,
             options: AssemblyOptions, out_path: Path, progress: Progress | None = None,
             cancelled: Callable[[], bool] | None = None) -> AssemblyResult:
    """Assemble the MP4 at `out_path` (written under a temporary name and renamed)."""
    began = time.monotonic()
    last_report = [-math.inf]

    def report(stage: str, percent: float, message: str = "", force: bool = False) -> None:
        now = time.monotonic()
        if progress and (force or now - last_report[0] >= PROGRESS_EVERY_S):
            last_report[0] = now
            progress(stage, round(min(100.0, percent), 2), message)

    spans, width, height = _validate(shots, narration, options)
    voices = [(*_read_audio(n.path, f"narration[{i}].audio_key"), n.start_s) for i, n in enumerate(narration)]
    bed = (*_read_audio(music.path, "music_track_id"), music.offset_s) if music else None
    starts, fades = _timeline(spans, options.fps, options.crossfade_s)
    total = starts[-1]
    duration = total / options.fps
    stages: dict[str, float] = {}

    report("mixing", 0, "mixing the soundtrack", force=True)
    t0 = time.monotonic()
    audio, loudness, peak = _soundtrack(duration, voices, bed)
    stages["mixing"] = time.monotonic() - t0
    if cancelled and cancelled():
        raise AssemblyCancelled("assembly cancelled")
    cues = cues_from_words([(n.start_s, n.words) for n in narration], options.language) if options.subtitles else []
    renderer = SubtitleRenderer(width, height, options.language)
    report("rendering", 5, f"{total} frames", force=True)

    out_path = Path(out_path)
    tmp = out_path.with_name(f".{out_path.name}.partial")
    t0 = time.monotonic()
    encoder = _Encoder(tmp, width, height, options.fps, audio, options)
    readers: dict[int, ShotReader] = {}
    try:
        check_every = max(1, round(options.fps))
        cue_at = 0
        for n in range(total):
            if n % check_every == 0 and cancelled and cancelled():
                raise AssemblyCancelled("assembly cancelled")
            frame = _compose(n, starts, fades, spans, shots, options.fps, readers, width, height)
            t = (n + 0.5) / options.fps
            while cue_at < len(cues) and cues[cue_at].end_s <= t:
                cue_at += 1
            if cue_at < len(cues) and cues[cue_at].start_s <= t:
                composite(frame, renderer.overlay(cues[cue_at].text))
            encoder.put(frame)
            report("rendering", 5 + 93 * (n + 1) / total, f"frame {n + 1} of {total}")
        stages["rendering"] = time.monotonic() - t0
        t0 = time.monotonic()
        report("encoding", 98, "finishing the file", force=True)
        encoder.close()
        stages["encoding"] = time.monotonic() - t0
        os.replace(tmp, out_path)
    except BaseException:
        encoder.abort()
        raise
    finally:
        for reader in readers.values():
            reader.close()
        tmp.unlink(missing_ok=True)
    report("done", 100, str(out_path), force=True)
    return AssemblyResult(out_path, width, height, duration, total, options.fps, out_path.stat().st_size,
                          loudness, peak, cues, time.monotonic() - began, stages,
                          resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _compose(n: int, starts: list[int], fades: list[float], spans: list[tuple[float, float]],
             shots: Sequence[ShotInput], fps: float, readers: dict[int, ShotReader], width: int, height: int
             ) -> np.ndarray:
    """Output frame n: its shot's frame at the matching source time, blended with the
    neighbour's inside a crossfade (c/2 either side of the cut)."""
    t = (n + 0.5) / fps  # the middle of the output frame's interval picks the source frame
    i = next(k for k in range(len(spans)) if n < starts[k + 1])
    for k in [k for k in readers if k < i - 1]:  # shots that are done
        readers.pop(k).close()

    def frame_of(k: int) -> np.ndarray:
        if k not in readers:
            lead = fades[k - 1] / 2 if k > 0 else 0.0
            readers[k] = ShotReader(shots[k].path, max(0.0, spans[k][0] - lead), width, height)
        return readers[k].at(spans[k][0] + t - starts[k] / fps)

    cut_before, cut_after = starts[i] / fps, starts[i + 1] / fps
    if i > 0 and t < cut_before + fades[i - 1] / 2:
        a = (t - (cut_before - fades[i - 1] / 2)) / fades[i - 1]
        return _blend(frame_of(i - 1), frame_of(i), a)
    if i + 1 < len(spans) and t >= cut_after - fades[i] / 2:
        a = (t - (cut_after - fades[i] / 2)) / fades[i]
        return _blend(frame_of(i), frame_of(i + 1), a)
    return frame_of(i).copy()  # the reader keeps its image; subtitles are drawn on this one


def _blend(a: np.ndarray, b: np.ndarray, weight: float) -> np.ndarray:
    """(1 - weight)·a + weight·b in uint16 fixed point."""
    w = round(min(1.0, max(0.0, weight)) * 256)
    return ((a.astype(np.uint16) * (256 - w) + b.astype(np.uint16) * w + 128) >> 8).astype(np.uint8)
