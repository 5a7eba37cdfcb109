"""Step 8, assemble: the shot clips cut to the beat, the narration placed at each line's start
(moved with its shot's cut), the music, subtitles → jobs/<id>/video.mp4 (MediaAssembler.Assemble,
its streamed progress forwarded into the job's)."""

from __future__ import annotations

from typing import Any

from google.protobuf import json_format

from catwalk.jobs.flow_env import JOBS_BUCKET
from catwalk.jobs.steps.context import StepRun, calling, failed
from catwalk.jobs.steps.media import SERVICE, _stub
from catwalk.jobs.steps.render import RenderedShot
from catwalk.v1 import media_assembler_pb2 as ma
from catwalk.v1 import video_jobs_pb2 as vj

STEP = "assemble"
VIDEO_NAME = "video.mp4"


def narration_times(shots: list[RenderedShot], clips: list[dict[str, Any]], script: dict[str, Any]
                    ) -> list[float]:
    """Each line's start in the cut video: the same offset into its shot as the script planned."""
    planned_starts, t = [], 0.0
    for s in shots:
        planned_starts.append(t)
        t += s.out_s - s.in_s
    cut_starts, t = [], 0.0
    for c in clips:
        cut_starts.append(t)
        t += c["out_s"] - c["in_s"]
    times = []
    for line in script.get("lines", []):
        i = min(max(0, int(line.get("shot_index", 0))), len(shots) - 1)
        offset = max(0.0, float(line.get("start_s", 0.0)) - planned_starts[i])
        times.append(round(cut_starts[i] + offset, 4))
    return times


def assemble(run: StepRun, shots: list[RenderedShot], cuts: dict[str, Any], script: dict[str, Any],
             voice: dict[str, Any], music: dict[str, Any], options: vj.VideoOptions) -> dict[str, Any]:
    clips = cuts["clips"]
    starts = narration_times(shots, clips, script)
    narration = []
    for speech, start in zip(voice["lines"], starts, strict=True):
        words = [json_format.ParseDict(w, ma.TimedText()) for w in speech.get("words", [])]
        narration.append(ma.Narration(audio_key=speech["audio_key"], start_s=start, words=words))
    request = ma.AssembleRequest(
        shots=[ma.ShotClip(s3_key=s.key, s3_bucket=JOBS_BUCKET, in_s=c["in_s"], out_s=c["out_s"])
               for s, c in zip(shots, clips, strict=True)],
        narration=narration, music_track_id=music.get("id", ""), subtitles=not options.no_subtitles,
        aspect=options.aspect, resolution=options.resolution, output_key=run.store.key(VIDEO_NAME))
    result = None
    call = _stub(run).Assemble(request, timeout=run.env.assemble_deadline_s)
    with calling(STEP, SERVICE):
        for message in call:
            run.report(message.percent / 100.0, 0.0, f"{message.stage}: {message.message}".strip(": "))
            if message.HasField("result"):
                result = message.result
            if run.cancelled():
                call.cancel()  # the service stops rendering too
                break
    run.check_cancelled()
    if result is None:
        raise failed(STEP, "INTERNAL", f"{SERVICE}.Assemble ended without a result")
    return json_format.MessageToDict(result, preserving_proto_field_name=True) | {"narration_starts_s": starts}
