"""Step 3, render: each planned shot dressed in the product through Triton's tryon_video_tracks
over the template's stored tracks, in chunks through shared memory, measured
(catwalk.quality.figures) and encoded to jobs/<id>/shots/<i>.mp4. A shot that misses a quality
gate is rendered again from its next fallback template; after the last, the best is kept and
flagged. Every shot is checkpointed on its own, so a resumed job starts at the next unfinished one."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np

from catwalk.jobs.steps.context import StepRun, failed
from catwalk.jobs.steps.garment import (
    GARMENT_TRACK,
    POSE_TRACK,
    STEP,
    ProductGarment,
    gate_failures,
    product_garment,
    target_parts,
)
from catwalk.jobs.steps.parse import PhotoRef
from catwalk.jobs.steps.plan import PlannedShot, TemplateRef
from catwalk.jobs.steps.triton_io import TritonSession, session
from catwalk.library.schema import ASSET_BUCKET
from catwalk.library.tracks import decode_parse_track, decode_pose_track
from catwalk.media.video import read_frames, write_mp4
from catwalk.quality.figures import ShotFrame, ShotQualityMeter

MODEL = "tryon_video_tracks"
RENDER_MARGIN_S = 0.4  # PlanCuts moves a cut by at most 0.35 s
CONTEXT_FRAMES = 6  # neighbours sent either side of a chunk for the renderer's smoothing (3 sigma)
COLOUR_EVERY = 5  # ΔE on every 5th frame showing the garment (5 a second): it was half the step's own time


@dataclass(frozen=True)
class Attempt:
    template_id: str
    template_name: str
    in_s: float
    out_s: float
    quality: dict[str, Any]
    gate_failures: list[str]
    render_s: float


@dataclass(frozen=True)
class RenderedShot:
    index: int
    key: str
    template: TemplateRef
    in_s: float
    out_s: float
    frames: int  # in the clip: the shot's and the margin after it
    width: int
    height: int
    fps: float
    quality: dict[str, Any]
    passed: bool  # every gate met; False: the best attempt, flagged
    attempts: list[Attempt] = field(default_factory=list)  # in order; the last is not always the one kept

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RenderedShot:
        return cls(**{**data, "template": TemplateRef(**data["template"]),
                      "attempts": [Attempt(**a) for a in data["attempts"]]})


def clip_end(template: TemplateRef, out_s: float) -> float:
    """Where a shot's clip ends: RENDER_MARGIN_S past its out-point where the template has it,
    so a cut moved later onto a beat still has frames."""
    return min(template.duration_s, out_s + RENDER_MARGIN_S)


@dataclass
class _Clip:
    """A template segment with its stored tracks."""

    frames: list[np.ndarray]
    keypoints: np.ndarray  # [T, 33, 4]
    parse: np.ndarray  # [T, H, W]


def _segment(run: StepRun, template: TemplateRef, in_s: float, out_s: float, workdir: Path) -> _Clip:
    video, pose, parse = _template_files(run, template, workdir)
    first = round(in_s * template.fps)
    count = max(1, round((out_s - in_s) * template.fps))
    frames = list(islice(read_frames(video), first, first + count))
    keypoints = np.load(pose, mmap_mode="r")[first:first + count]
    parse = np.load(parse, mmap_mode="r")[first:first + count]
    n = min(len(frames), len(keypoints), len(parse))
    if n == 0:
        raise failed(STEP, "FAILED_PRECONDITION", f"template {template.name}: no frames at {in_s:.2f}..{out_s:.2f} s")
    return _Clip(frames[:n], np.ascontiguousarray(keypoints[:n], np.float32), np.ascontiguousarray(parse[:n]))


def _template_files(run: StepRun, template: TemplateRef, workdir: Path) -> tuple[Path, Path, Path]:
    """The template's video, pose track and parse track as local files, fetched and decoded
    once per render step (a template serves several shots and fallbacks; its parse track
    takes ~0.3 s to decompress); the tracks as .npy, read a segment at a time."""
    video = workdir / f"template-{template.id}.mp4"
    pose, parse = video.with_suffix(".pose.npy"), video.with_suffix(".parse.npy")
    if not parse.exists():  # written last
        video.write_bytes(run.store.get_bytes(template.video_key, ASSET_BUCKET))
        np.save(pose, decode_pose_track(run.store.get_bytes(template.pose_track_key, ASSET_BUCKET)))
        np.save(parse, decode_parse_track(run.store.get_bytes(template.parse_track_key, ASSET_BUCKET)))
    return video, pose, parse


class _Pace:
    """Frames per second over the whole render, for the ETA."""

    def __init__(self, total_frames: int) -> None:
        self.total = max(1, total_frames)
        self.done = 0
        self.seconds = 0.0

    def add(self, frames: int, seconds: float) -> None:
        self.done += frames
        self.seconds += seconds

    def eta(self) -> float:
        return 0.0 if self.done == 0 else (self.total - self.done) * self.seconds / self.done


def _dress(run: StepRun, triton: TritonSession, clip: _Clip, garment: ProductGarment, parts: list[int],
           pace: _Pace, label: str) -> Iterator[tuple[np.ndarray, ShotFrame]]:
    """The dressed frames with what each is measured on, chunk by chunk. The next chunk is
    already in Triton while this one is measured and encoded, so neither side waits on the
    other (cancellation is checked before each request and polled during it)."""
    n = len(clip.frames)
    starts = range(0, n, run.env.chunk_frames)
    target = np.zeros(256, bool)  # parse label -> in the region the garment should cover
    target[parts] = True

    def infer(start: int) -> tuple[int, dict[str, np.ndarray]]:
        run.check_cancelled()
        stop = min(n, start + run.env.chunk_frames)
        lo, hi = max(0, start - CONTEXT_FRAMES), min(n, stop + CONTEXT_FRAMES)  # what the smoothing sees
        frames = np.stack(clip.frames[lo:hi])
        t, (h, w) = stop - start, frames.shape[1:3]
        return start, triton.infer(STEP, MODEL, {
            "FRAMES": frames[None], "PARSE": clip.parse[lo:hi][None], "KEYPOINTS": clip.keypoints[lo:hi][None],
            "GARMENT_PHOTO": garment.rgb[None], "CONTEXT": np.array([[start - lo, hi - stop]], np.int32),
        }, {"DRESSED": ((1, t, h, w, 3), np.uint8), "GARMENT_MASKS": ((1, t, h, w), np.uint8),
            "GARMENT_TRACKS": ((1, t, 14, 3), np.float32)}, run.env.triton_deadline_s, run.cancelled)

    with ThreadPoolExecutor(1, thread_name_prefix="render-ahead") as ahead:
        pending = ahead.submit(infer, starts[0])
        mark = time.perf_counter()
        for i in range(len(starts)):
            start, out = pending.result()
            if i + 1 < len(starts):
                pending = ahead.submit(infer, starts[i + 1])
            t = out["DRESSED"].shape[1]
            now = time.perf_counter()
            pace.add(t, now - mark)
            mark = now
            run.report(pace.done / pace.total, pace.eta(),
                       f"{label}: frames {start + t}/{n} ({pace.done / max(pace.seconds, 1e-9):.1f} frames/s)")
            for k in range(t):
                yield out["DRESSED"][0, k], ShotFrame(
                    image=out["DRESSED"][0, k], garment_mask=out["GARMENT_MASKS"][0, k],
                    target_mask=target[clip.parse[start + k]],
                    garment_points=out["GARMENT_TRACKS"][0, k][GARMENT_TRACK],
                    pose_points=clip.keypoints[start + k][POSE_TRACK])


def _attempt(run: StepRun, triton: TritonSession, shot: PlannedShot, template: TemplateRef, garment: ProductGarment,
             parts: list[int], pace: _Pace, workdir: Path, out: Path) -> tuple[Attempt, int, tuple[int, int]]:
    length = shot.out_s - shot.in_s
    in_s = shot.in_s if template.id == shot.template.id else 0.0  # a fallback starts at its clip's start
    out_s = in_s + min(length, template.duration_s)
    began = time.perf_counter()
    clip = _segment(run, template, in_s, clip_end(template, out_s), workdir)
    meter = ShotQualityMeter(garment.rgb, garment.mask, colour_every=COLOUR_EVERY)

    def frames() -> Iterator[np.ndarray]:
        for image, measured in _dress(run, triton, clip, garment, parts, pace, f"shot {shot.index} ({template.name})"):
            meter.add(measured)
            yield image

    count = write_mp4(frames(), out, template.fps, crf=23, preset="ultrafast")  # an intermediate: fast over small
    quality = meter.result()
    h, w = clip.frames[0].shape[:2]
    return (Attempt(template.id, template.name, round(in_s, 4), round(out_s, 4), quality.as_dict(),
                    gate_failures(quality, run.env.gates), round(time.perf_counter() - began, 3)), count, (w, h))


def render_shot(run: StepRun, triton: TritonSession, shot: PlannedShot, garment: ProductGarment, sleeve: str,
                pace: _Pace, workdir: Path) -> RenderedShot:
    parts = target_parts(garment.silhouette, sleeve)
    tried: list[tuple[Attempt, int, tuple[int, int], Path, TemplateRef]] = []
    for n, template in enumerate([shot.template, *shot.fallbacks]):
        path = workdir / f"shot-{shot.index}-{n}.mp4"
        attempt, count, size = _attempt(run, triton, shot, template, garment, parts, pace, workdir, path)
        tried.append((attempt, count, size, path, template))
        if not attempt.gate_failures:
            break
    best = min(tried, key=lambda a: (len(a[0].gate_failures), -(a[0].quality.get("coverage_iou") or 0.0)))
    attempt, count, (w, h), path, template = best
    key = run.store.put_file(f"shots/{shot.index}.mp4", path, "video/mp4")
    return RenderedShot(shot.index, key, template, attempt.in_s, attempt.out_s, count, w, h, template.fps,
                        attempt.quality, not attempt.gate_failures, [a[0] for a in tried])


def render(run: StepRun, shots: list[PlannedShot], photo: PhotoRef, sleeve: str, number: int) -> list[RenderedShot]:
    """Every shot, each from its checkpoint when it has one (resume)."""
    triton = session(run.env)
    garment = product_garment(run, triton, photo, number)
    done: list[RenderedShot] = []
    todo = []
    for shot in shots:
        saved = run.store.get_json(run.checkpoint_name(number, STEP, f"shot-{shot.index}"))
        if saved is not None:
            done.append(RenderedShot.from_json(saved))
        else:
            todo.append(shot)
    pace = _Pace(sum(max(1, round((clip_end(s.template, s.out_s) - s.in_s) * s.template.fps)) for s in todo))
    with tempfile.TemporaryDirectory(prefix=f"catwalk-{run.job_id}-") as tmp:
        for shot in todo:
            run.check_cancelled()
            rendered = render_shot(run, triton, shot, garment, sleeve, pace, Path(tmp))
            run.store.put_json(run.checkpoint_name(number, STEP, f"shot-{shot.index}"), rendered.as_json())
            done.append(rendered)
    return sorted(done, key=lambda r: r.index)
