"""MediaAssembler → catwalk.media. The servicer checks each request, fetches what it names
from S3 into a per-call temporary directory, runs the pure media code (script, voice, music,
cuts, assembly) and puts the results back in S3. Errors are services.common errors naming
the request's field; the interceptor makes them statuses."""

from __future__ import annotations

import contextlib
import contextvars
import io
import math
import queue
import re
import tempfile
import threading
import time
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import grpc
import structlog
from minio import Minio
from minio.error import S3Error

from catwalk.library.schema import ASSET_BUCKET
from catwalk.media import assemble as assembly
from catwalk.media import cuts, script, voice
from catwalk.media.music import library as music
from catwalk.v1 import media_assembler_pb2 as pb
from catwalk.v1 import media_assembler_pb2_grpc
from services.common.deadlines import remaining_s
from services.common.errors import FailedPrecondition, NotFound, Unavailable, invalid
from services.media_assembler import convert

JOBS_BUCKET = "catwalk-jobs"
CLIP_BUCKETS = ("catwalk-jobs", "catwalk-library")
MAX_SHOTS = 64
MAX_NARRATION = 64
MAX_CLIP_BYTES = 512 * 2**20
MAX_AUDIO_BYTES = 64 * 2**20
MAX_VIDEO_S = 600.0
KEY = re.compile(r"^(?!/)(?!.*(^|/)\.\.(/|$))[\w./@+=-]{1,1024}$")  # S3 keys we write: no '..', no leading '/'
CJK = re.compile(r"[\u3400-\u9fff]")
SHORT_SIDE = {pb.RESOLUTION_UNSPECIFIED: 720, pb.RESOLUTION_720P: 720, pb.RESOLUTION_1080P: 1080}
ASPECT = {pb.ASPECT_UNSPECIFIED: "9:16", pb.ASPECT_9_16: "9:16", pb.ASPECT_16_9: "16:9",
          pb.ASPECT_1_1: "1:1", pb.ASPECT_3_4: "3:4"}
DEFAULT_CROSSFADE_S = 0.3
log = structlog.get_logger("catwalk.media_assembler")


def _check_key(field: str, key: str) -> None:
    """An S3 key this service may write."""
    if not KEY.match(key):
        raise invalid(field, "an S3 key of letters, digits and ./_-@+=, without '..' or a leading '/'")


@contextlib.contextmanager
def _music_errors(field: str | None = None) -> Iterator[None]:
    """The music library's refusals as statuses (`field` renames the library's own field)."""
    try:
        yield
    except music.InvalidMusic as exc:
        raise invalid(field or exc.field, exc.message) from None
    except music.TrackNotFound as exc:
        raise NotFound(str(exc)) from None
    except music.NoMusicForStyle as exc:
        raise FailedPrecondition(str(exc)) from None


class MediaAssemblerServicer(media_assembler_pb2_grpc.MediaAssemblerServicer):
    def __init__(self, dsn: str, s3: Minio, copywriter: script.Copywriter | None = None) -> None:
        self.dsn = dsn
        self.s3 = s3
        self.copywriter = copywriter

    # ---- script and voice ----

    def WriteScript(self, request: pb.WriteScriptRequest, context: grpc.ServicerContext) -> pb.Script:
        try:
            written = script.write_script(request.profile, request.shots, request.language, request.seed,
                                          copywriter=self.copywriter)
        except script.ScriptError as exc:
            raise invalid(exc.field, exc.message) from None
        if written.fallback_reason:
            log.warning("copywriter refused, phrase bank used", reason=written.fallback_reason)
        return convert.script(written)

    def ListVoices(self, request: pb.ListVoicesRequest, context: grpc.ServicerContext) -> pb.ListVoicesResponse:
        if request.language and request.language not in ("en", "zh"):
            raise invalid("language", f"{request.language!r}: use en, zh or leave it empty")
        return pb.ListVoicesResponse(voices=[convert.voice(v) for v in voice.list_voices(request.language or None)])

    def Synthesize(self, request: pb.SynthesizeRequest, context: grpc.ServicerContext) -> pb.Speech:
        if request.output_key:
            _check_key("output_key", request.output_key)
        try:
            speech = voice.synthesize(request.text, request.voice, request.rate or 1.0)
        except voice.VoiceError as exc:
            raise invalid(exc.field, exc.message) from None
        answer = convert.speech(speech)
        wav = speech.wav_bytes()
        if request.output_key:
            self._put(request.output_key, wav, "audio/wav")
            answer.audio_key = request.output_key
        else:
            answer.wav = wav
        return answer

    # ---- music and cuts ----

    def ListMusic(self, request: pb.ListMusicRequest, context: grpc.ServicerContext) -> pb.ListMusicResponse:
        with _music_errors():
            tracks = music.list_tracks(self.dsn, music.check_style(request.style) if request.style else None)
        return pb.ListMusicResponse(tracks=[convert.track(t) for t in tracks])

    def SelectMusic(self, request: pb.SelectMusicRequest, context: grpc.ServicerContext) -> pb.MusicTrack:
        if not (math.isfinite(request.duration_s) and 0 < request.duration_s <= MAX_VIDEO_S):
            raise invalid("duration_s", f"{request.duration_s}: give the video's length, 0 < s <= {MAX_VIDEO_S:.0f}")
        with _music_errors():
            return convert.track(music.select_music(self.dsn, request.style, request.duration_s, request.seed))

    def PlanCuts(self, request: pb.PlanCutsRequest, context: grpc.ServicerContext) -> pb.CutPlan:
        try:
            plan = cuts.plan_cuts(list(request.shot_durations_s), list(request.beats_s), list(request.downbeats_s),
                                  tolerance_s=request.tolerance_s or 0.35, min_shot_s=request.min_shot_s or 1.0)
        except cuts.CutError as exc:
            raise invalid(exc.field, exc.message) from None
        return convert.cut_plan(plan)

    # ---- assembly ----

    def Assemble(self, request: pb.AssembleRequest, context: grpc.ServicerContext) -> Iterator[pb.AssembleProgress]:
        options = self._options(request)
        with tempfile.TemporaryDirectory(prefix="catwalk-assemble-") as tmp:
            work = Path(tmp)
            yield pb.AssembleProgress(stage="fetching", percent=0.0, message=f"fetching {len(request.shots)} clips")
            shots = [assembly.ShotInput(self._fetch(clip.s3_bucket or JOBS_BUCKET, clip.s3_key, work / f"shot-{i}",
                                                    f"shots[{i}].s3_key", MAX_CLIP_BYTES),
                                        clip.in_s, clip.out_s or None)
                     for i, clip in enumerate(request.shots)]
            narration = [assembly.NarrationInput(self._fetch(JOBS_BUCKET, n.audio_key, work / f"voice-{i}",
                                                             f"narration[{i}].audio_key", MAX_AUDIO_BYTES),
                                                 n.start_s, [voice.Timed(w.text, w.start_s, w.end_s) for w in n.words])
                         for i, n in enumerate(request.narration)]
            bed = self._music(request.music_track_id, work)
            out = work / "video.mp4"
            result = yield from self._run(shots, narration, bed, options, out, context)
            yield pb.AssembleProgress(stage="uploading", percent=99.0, message=f"uploading {out.stat().st_size} bytes")
            self._put_file(request.output_key, out, "video/mp4")
        answer = convert.assembly(result)
        answer.video_key = request.output_key
        yield pb.AssembleProgress(stage="done", percent=100.0, message="done", result=answer)

    def _run(self, shots: list[assembly.ShotInput], narration: list[assembly.NarrationInput],
             bed: assembly.MusicInput | None, options: assembly.AssemblyOptions, out: Path,
             context: grpc.ServicerContext) -> Generator[pb.AssembleProgress, None, assembly.AssemblyResult]:
        """Runs the assembly in a thread (carrying this call's deadline) and streams its progress."""
        events: queue.Queue[tuple[str, float, str]] = queue.Queue()
        outcome: dict[str, Any] = {}

        def progress(stage: str, percent: float, message: str) -> None:
            events.put((stage, percent, message))

        def work() -> None:
            try:
                outcome["result"] = assembly.assemble(shots, narration, bed, options, out, progress=progress,
                                                      cancelled=lambda: not context.is_active())
            except BaseException as exc:  # handed to the call's thread, which raises it
                outcome["error"] = exc
            finally:
                events.put(("", -1.0, ""))  # the end

        thread = threading.Thread(target=contextvars.copy_context().run, args=(work,), daemon=True,
                                  name="assemble")
        thread.start()
        last = 0.0
        while True:
            stage, percent, message = events.get()
            if percent < 0:
                break
            last = max(last, 2.0 + 0.96 * min(max(percent, 0.0), 100.0))  # 2..98: fetching before, upload after
            yield pb.AssembleProgress(stage=stage, percent=round(last, 1), message=message)
        thread.join()
        if "error" in outcome:
            error = outcome["error"]
            if isinstance(error, assembly.AssemblyError):
                raise invalid(error.field, error.message) from None
            raise error
        result: assembly.AssemblyResult = outcome["result"]
        return result

    def _options(self, request: pb.AssembleRequest) -> assembly.AssemblyOptions:
        if not request.shots:
            raise invalid("shots", "give at least one shot clip")
        if len(request.shots) > MAX_SHOTS:
            raise invalid("shots", f"{len(request.shots)} shots; at most {MAX_SHOTS}")
        if len(request.narration) > MAX_NARRATION:
            raise invalid("narration", f"{len(request.narration)} lines; at most {MAX_NARRATION}")
        for i, clip in enumerate(request.shots):
            if not clip.s3_key:
                raise invalid(f"shots[{i}].s3_key", "required")
            if clip.s3_bucket and clip.s3_bucket not in CLIP_BUCKETS:
                raise invalid(f"shots[{i}].s3_bucket", f"{clip.s3_bucket!r}: use one of {', '.join(CLIP_BUCKETS)}")
        for i, line in enumerate(request.narration):
            if not line.audio_key:
                raise invalid(f"narration[{i}].audio_key", "required")
            if not (math.isfinite(line.start_s) and 0 <= line.start_s <= MAX_VIDEO_S):
                raise invalid(f"narration[{i}].start_s", f"{line.start_s}: 0..{MAX_VIDEO_S:.0f} s into the video")
        if request.aspect not in ASPECT:
            raise invalid("aspect", f"{request.aspect} is not an Aspect")
        if request.resolution not in SHORT_SIDE:
            raise invalid("resolution", f"{request.resolution} is not a Resolution")
        _check_key("output_key", request.output_key)
        crossfade = request.crossfade_s
        if not math.isfinite(crossfade) or crossfade > 1.0:
            raise invalid("crossfade_s", f"{crossfade}: 0..1 s (negative: hard cuts)")
        spoken = "".join(w.text for n in request.narration for w in n.words)
        language = "zh" if CJK.search(spoken) else "en"  # subtitles wrap by characters, without spaces
        return assembly.AssemblyOptions(
            aspect=ASPECT[request.aspect], short_side=SHORT_SIDE[request.resolution],
            crossfade_s=0.0 if crossfade < 0 else (crossfade or DEFAULT_CROSSFADE_S),
            subtitles=request.subtitles, language=language)

    def _music(self, track_id: str, work: Path) -> assembly.MusicInput | None:
        if not track_id:
            return None
        with _music_errors("music_track_id"):
            track = music.get_track(self.dsn, track_id)
        return assembly.MusicInput(self._fetch(ASSET_BUCKET, track.audio_key, work / "music", "music_track_id",
                                               MAX_AUDIO_BYTES))

    # ---- helpers ----

    def _fetch(self, bucket: str, key: str, path: Path, field: str, limit: int) -> Path:
        try:
            size = self.s3.stat_object(bucket, key).size or 0
            if size > limit:
                raise invalid(field, f"{key}: {size} bytes, over the {limit}-byte limit")
            self.s3.fget_object(bucket, key, str(path))
        except S3Error as exc:
            if exc.code in ("NoSuchKey", "NoSuchBucket", "NoSuchObject"):
                raise NotFound(f"{field}: no object {key!r} in {bucket}") from None
            raise Unavailable(f"S3 ({bucket}/{key}): {exc.code}") from None
        except (OSError, ValueError) as exc:
            raise Unavailable(f"S3 ({bucket}/{key}): {exc}") from None
        return path

    def _put(self, key: str, data: bytes, content_type: str) -> None:
        self._upload(lambda: self.s3.put_object(JOBS_BUCKET, key, io.BytesIO(data), len(data),
                                                  content_type=content_type))

    def _put_file(self, key: str, path: Path, content_type: str) -> None:
        self._upload(lambda: self.s3.fput_object(JOBS_BUCKET, key, str(path), content_type=content_type))

    @staticmethod
    def _upload(put: Callable[[], Any]) -> None:
        remaining_s(60.0)  # refuse to start an upload the caller no longer waits for
        started = time.monotonic()
        try:
            put()
        except (S3Error, OSError) as exc:
            raise Unavailable(f"S3 upload failed after {time.monotonic() - started:.1f}s: {exc}") from None
