"""catwalk.media's dataclasses → catwalk.v1 messages (one place for the mapping)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from catwalk.v1 import media_assembler_pb2 as pb


def timed(items: Iterable[Any]) -> list[pb.TimedText]:
    return [pb.TimedText(text=t.text, start_s=t.start_s, end_s=t.end_s) for t in items]


def script(written: Any) -> pb.Script:
    return pb.Script(
        language=written.language, source=written.source, speaking_rate=written.speaking_rate,
        lines=[pb.ScriptLine(shot_index=line.shot_index, text=line.text, start_s=line.start_s,
                             estimated_s=line.estimated_s) for line in written.lines])


def voice(v: Any) -> pb.Voice:
    return pb.Voice(id=v.id, language=v.language, engine=v.engine, description=v.description,
                    license=v.license, sample_rate=v.sample_rate)


def speech(s: Any) -> pb.Speech:
    return pb.Speech(voice=s.voice, sample_rate=s.sample_rate, duration_s=s.duration_s,
                     sentences=timed(s.sentences), words=timed(s.words))


def track(t: Any) -> pb.MusicTrack:
    return pb.MusicTrack(
        id=str(t.id), name=t.name, style=t.style, origin=t.origin, audio_key=t.audio_key,
        sample_rate=t.sample_rate, duration_s=t.duration_s, bpm=t.bpm, beats_s=list(t.beats_s),
        downbeats_s=list(t.downbeats_s), loudness_lufs=t.loudness_lufs, true_peak_dbtp=t.true_peak_dbtp,
        attribution=t.attribution)


def cut_plan(plan: Any) -> pb.CutPlan:
    return pb.CutPlan(total_s=plan.total_s, cuts=[
        pb.Cut(shot_index=c.shot_index, start_s=c.start_s, end_s=c.end_s, snapped_to=c.snapped_to,
               shift_s=c.shift_s) for c in plan.cuts])


def assembly(result: Any) -> pb.AssembleResult:
    return pb.AssembleResult(
        width=result.width, height=result.height, duration_s=result.duration_s, frames=result.frames,
        fps=result.fps, size_bytes=result.size_bytes, loudness_lufs=result.loudness_lufs,
        true_peak_dbtp=result.true_peak_dbtp, subtitles=timed(result.subtitles))
