"""MediaAssembler as `catwalk up` runs it, over the real stack (Postgres with the generated
starter music, S3): voices, script, music, cuts and a whole assembly read back from S3 the
way a caller would, and every kind of bad input refused with its field named.

    .venv/bin/pytest tests/services/test_media_assembler.py -q
"""

from __future__ import annotations

import io
import uuid

import av
import grpc
import numpy as np
import pytest
import soundfile
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

from catwalk.media.video import write_mp4
from catwalk.stack.s3 import s3_client
from catwalk.v1 import media_assembler_pb2 as pb
from catwalk.v1 import media_assembler_pb2_grpc, tags_pb2
from tests.services.conftest import violations

SERVICE = "catwalk.v1.MediaAssembler"
JOBS = "catwalk-jobs"


@pytest.fixture(scope="module")
def media_channel(stack):
    with grpc.insecure_channel(stack.record["components"]["media_assembler"]["endpoint"]) as channel:
        yield channel


@pytest.fixture(scope="module")
def media(media_channel) -> media_assembler_pb2_grpc.MediaAssemblerStub:
    return media_assembler_pb2_grpc.MediaAssemblerStub(media_channel)


@pytest.fixture(scope="module")
def s3(stack):
    return s3_client(f"http://{stack.settings.host}:{stack.settings.s3_port}", stack.settings.s3_access_key,
                     stack.settings.s3_secret_key)


def field_of(call, *args, **kwargs) -> tuple[grpc.StatusCode, dict[str, str]]:
    with pytest.raises(grpc.RpcError) as error:
        result = call(*args, timeout=60, **kwargs)
        if hasattr(result, "__iter__") and not hasattr(result, "ByteSize"):
            list(result)
    return error.value.code(), violations(error.value)


def clip(s3, key: str, seconds: float, hue: int, size=(720, 1280)) -> str:
    """A real H.264 clip with moving texture, put in catwalk-jobs."""
    w, h = size
    rng = np.random.default_rng(hue)
    base = rng.integers(0, 255, (h // 8, w // 8, 3), dtype=np.uint8).repeat(8, 0).repeat(8, 1)
    base[..., 0] = hue

    def frames():
        for i in range(round(seconds * 25)):
            yield np.roll(base, 6 * i, axis=1)

    path = f"/tmp/{uuid.uuid4().hex}.mp4"
    write_mp4(frames(), path, fps=25)
    s3.fput_object(JOBS, key, path)
    return key


def test_health_and_reflection(media_channel):
    health = health_pb2_grpc.HealthStub(media_channel)
    assert health.Check(health_pb2.HealthCheckRequest(service=SERVICE), timeout=5).status == \
        health_pb2.HealthCheckResponse.SERVING
    database = ProtoReflectionDescriptorDatabase(media_channel)
    assert SERVICE in database.get_services()
    file = database.FindFileContainingSymbol(SERVICE)
    methods = {m.name for s in file.service if s.name == "MediaAssembler" for m in s.method}
    assert {"WriteScript", "Synthesize", "ListVoices", "SelectMusic", "PlanCuts", "Assemble"} <= methods


def test_voices_cover_piper_english_and_espeak_mandarin_and_english(media):
    voices = {v.id: v for v in media.ListVoices(pb.ListVoicesRequest(), timeout=10).voices}
    assert voices["en-joe"].engine == "piper" and voices["en-joe"].language == "en"
    assert voices["zh-espeak"].language == "zh" and voices["en-espeak"].engine == "espeak-ng"
    zh = media.ListVoices(pb.ListVoicesRequest(language="zh"), timeout=10).voices
    assert zh and all(v.language == "zh" for v in zh)
    code, fields = field_of(media.ListVoices, pb.ListVoicesRequest(language="fr"))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "language" in fields


def test_synthesize_returns_speech_with_word_timings_inline_or_in_s3(media, s3):
    text = "This navy trench coat keeps its shape in the rain."
    speech = media.Synthesize(pb.SynthesizeRequest(text=text, voice="en-joe"), timeout=60)
    samples, rate = soundfile.read(io.BytesIO(speech.wav))
    assert rate == speech.sample_rate and abs(len(samples) / rate - speech.duration_s) < 0.05
    assert 1.5 < speech.duration_s < 8 and np.sqrt(np.mean(samples ** 2)) > 0.01
    assert [w.text.strip(".,").lower() for w in speech.words][:3] == ["this", "navy", "trench"]
    assert all(a.start_s <= b.start_s for a, b in zip(speech.words, speech.words[1:], strict=False))
    assert speech.words[-1].end_s <= speech.duration_s + 1e-3

    key = f"tests/voice/{uuid.uuid4().hex}.wav"
    stored = media.Synthesize(pb.SynthesizeRequest(text="这件风衣很适合春天。", voice="zh-espeak", output_key=key),
                              timeout=60)
    assert stored.audio_key == key and not stored.wav
    data = s3.get_object(JOBS, key).read()
    samples, rate = soundfile.read(io.BytesIO(data))
    assert len(samples) / rate == pytest.approx(stored.duration_s, abs=0.05) and stored.words


@pytest.mark.parametrize(("request_fields", "field"), [
    ({"text": "hello", "voice": "xx-nobody"}, "voice"),
    ({"text": "   ", "voice": "en-joe"}, "text"),
    ({"text": "word " * 400, "voice": "en-joe"}, "text"),
    ({"text": "hello", "voice": "en-joe", "rate": 9}, "rate"),
    ({"text": "hello", "voice": "en-joe", "output_key": "../escape.wav"}, "output_key"),
])
def test_bad_speech_requests_name_their_field(media, request_fields, field):
    code, fields = field_of(media.Synthesize, pb.SynthesizeRequest(**request_fields))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and field in fields


def profile() -> tags_pb2.ProductProfile:
    p = tags_pb2.ProductProfile(category="trench", language="zh")
    p.tags["category"].value.text = "trench"
    p.tags["category"].confidence = 0.9
    p.selling_points.add(zh="经典双排扣设计", en="A classic double-breasted cut")
    return p


def test_write_script_gives_one_fitting_line_per_long_enough_shot(media):
    shots = [pb.PlannedShot(shot_type="full_body", duration_s=4.0), pb.PlannedShot(shot_type="walk", duration_s=3.5)]
    written = media.WriteScript(pb.WriteScriptRequest(profile=profile(), shots=shots, seed=3), timeout=30)
    assert written.language == "zh" and written.source == "phrase_bank" and written.lines
    assert len({line.text for line in written.lines}) == len(written.lines)
    for line in written.lines:
        assert line.estimated_s <= shots[line.shot_index].duration_s
    assert "shots" in field_of(media.WriteScript, pb.WriteScriptRequest(profile=profile()))[1]


def test_music_library_has_generated_tracks_of_every_style_and_selects_long_enough(media):
    tracks = media.ListMusic(pb.ListMusicRequest(), timeout=10).tracks
    assert {t.style for t in tracks} == {"business", "casual", "street", "sporty", "elegant", "festive"}
    assert all(t.origin == "generated" and t.beats_s and t.bpm > 0 for t in tracks)
    chosen = media.SelectMusic(pb.SelectMusicRequest(style="sporty", duration_s=60, seed=1), timeout=10)
    assert chosen.style == "sporty" and chosen.duration_s >= 60
    assert chosen == media.SelectMusic(pb.SelectMusicRequest(style="sporty", duration_s=60, seed=1), timeout=10)
    assert "style" in field_of(media.SelectMusic, pb.SelectMusicRequest(style="polka", duration_s=60))[1]
    assert "duration_s" in field_of(media.SelectMusic, pb.SelectMusicRequest(style="casual", duration_s=-1))[1]


def test_plan_cuts_lands_on_beats_and_keeps_the_total(media):
    beats = [i * 0.5 for i in range(40)]
    plan = media.PlanCuts(pb.PlanCutsRequest(shot_durations_s=[3.1, 2.8, 4.1], beats_s=beats, downbeats_s=beats[::4]),
                          timeout=10)
    assert plan.total_s == pytest.approx(10.0)
    assert plan.cuts[-1].end_s == pytest.approx(10.0)
    for cut in plan.cuts[:-1]:
        assert cut.snapped_to in ("downbeat", "beat") and min(abs(cut.end_s - b) for b in beats) < 1e-6
    fields = field_of(media.PlanCuts, pb.PlanCutsRequest(beats_s=beats))[1]
    assert "shot_durations_s" in fields and not fields["shot_durations_s"].startswith("shot_durations_s")


def test_assemble_makes_a_streaming_mp4_in_s3_with_narration_music_and_subtitles(media, s3):
    run = uuid.uuid4().hex
    keys = [clip(s3, f"tests/{run}/shot-{i}.mp4", 2.5, hue) for i, hue in enumerate((30, 120, 220))]
    line = media.Synthesize(pb.SynthesizeRequest(text="Light, warm and ready for the rain.", voice="en-joe",
                                                 output_key=f"tests/{run}/line.wav"), timeout=60)
    track = media.SelectMusic(pb.SelectMusicRequest(style="casual", duration_s=7), timeout=10)
    request = pb.AssembleRequest(
        shots=[pb.ShotClip(s3_key=k, in_s=0.2, out_s=2.2) for k in keys],
        narration=[pb.Narration(audio_key=line.audio_key, start_s=0.5, words=line.words)],
        music_track_id=track.id, subtitles=True, aspect=pb.ASPECT_9_16, resolution=pb.RESOLUTION_720P,
        output_key=f"tests/{run}/video.mp4")
    updates = list(media.Assemble(request, timeout=300))
    percents = [u.percent for u in updates]
    assert percents == sorted(percents) and percents[-1] == 100.0
    result = updates[-1].result
    assert result.video_key == request.output_key and (result.width, result.height) == (720, 1280)
    assert result.duration_s == pytest.approx(6.0, abs=0.04)
    assert -15.0 <= result.loudness_lufs <= -13.0 and result.true_peak_dbtp <= -1.0
    assert result.subtitles and result.subtitles[0].start_s >= 0.5
    path = f"/tmp/{run}.mp4"
    s3.fget_object(JOBS, result.video_key, path)
    with av.open(path) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        assert video.codec_context.name == "h264" and audio.codec_context.name == "aac"
        assert float(container.duration / av.time_base) == pytest.approx(6.0, abs=0.1)
    with open(path, "rb") as file:
        head = file.read(4096)
    assert head.find(b"moov") != -1 and (head.find(b"mdat") == -1 or head.find(b"moov") < head.find(b"mdat"))


def test_assemble_refuses_missing_and_non_video_clips_and_unknown_music(media, s3):
    run = uuid.uuid4().hex
    good = clip(s3, f"tests/{run}/good.mp4", 1.5, 10, size=(320, 568))
    s3.put_object(JOBS, f"tests/{run}/notes.txt", io.BytesIO(b"not a video"), 11)
    base = {"output_key": f"tests/{run}/out.mp4"}
    code, fields = field_of(media.Assemble, pb.AssembleRequest(
        shots=[pb.ShotClip(s3_key=good), pb.ShotClip(s3_key=f"tests/{run}/absent.mp4")], **base))
    assert code == grpc.StatusCode.NOT_FOUND
    code, fields = field_of(media.Assemble, pb.AssembleRequest(shots=[pb.ShotClip(s3_key=f"tests/{run}/notes.txt")],
                                                               **base))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "shots[0].s3_key" in fields
    code, _ = field_of(media.Assemble, pb.AssembleRequest(shots=[pb.ShotClip(s3_key=good)],
                                                          music_track_id=str(uuid.uuid4()), **base))
    assert code == grpc.StatusCode.NOT_FOUND
    code, fields = field_of(media.Assemble, pb.AssembleRequest(shots=[pb.ShotClip(s3_key=good)]))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "output_key" in fields
    assert not any(o.object_name.endswith("out.mp4") for o in s3.list_objects(JOBS, prefix=f"tests/{run}/"))
