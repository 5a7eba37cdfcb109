from catwalk.v1 import tags_pb2 as _tags_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Aspect(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ASPECT_UNSPECIFIED: _ClassVar[Aspect]
    ASPECT_9_16: _ClassVar[Aspect]
    ASPECT_16_9: _ClassVar[Aspect]
    ASPECT_1_1: _ClassVar[Aspect]
    ASPECT_3_4: _ClassVar[Aspect]

class Resolution(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RESOLUTION_UNSPECIFIED: _ClassVar[Resolution]
    RESOLUTION_720P: _ClassVar[Resolution]
    RESOLUTION_1080P: _ClassVar[Resolution]
ASPECT_UNSPECIFIED: Aspect
ASPECT_9_16: Aspect
ASPECT_16_9: Aspect
ASPECT_1_1: Aspect
ASPECT_3_4: Aspect
RESOLUTION_UNSPECIFIED: Resolution
RESOLUTION_720P: Resolution
RESOLUTION_1080P: Resolution

class TimedText(_message.Message):
    __slots__ = ("text", "start_s", "end_s")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    START_S_FIELD_NUMBER: _ClassVar[int]
    END_S_FIELD_NUMBER: _ClassVar[int]
    text: str
    start_s: float
    end_s: float
    def __init__(self, text: _Optional[str] = ..., start_s: _Optional[float] = ..., end_s: _Optional[float] = ...) -> None: ...

class PlannedShot(_message.Message):
    __slots__ = ("shot_type", "duration_s")
    SHOT_TYPE_FIELD_NUMBER: _ClassVar[int]
    DURATION_S_FIELD_NUMBER: _ClassVar[int]
    shot_type: str
    duration_s: float
    def __init__(self, shot_type: _Optional[str] = ..., duration_s: _Optional[float] = ...) -> None: ...

class WriteScriptRequest(_message.Message):
    __slots__ = ("profile", "shots", "language", "seed")
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    SHOTS_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    profile: _tags_pb2.ProductProfile
    shots: _containers.RepeatedCompositeFieldContainer[PlannedShot]
    language: str
    seed: int
    def __init__(self, profile: _Optional[_Union[_tags_pb2.ProductProfile, _Mapping]] = ..., shots: _Optional[_Iterable[_Union[PlannedShot, _Mapping]]] = ..., language: _Optional[str] = ..., seed: _Optional[int] = ...) -> None: ...

class ScriptLine(_message.Message):
    __slots__ = ("shot_index", "text", "start_s", "estimated_s")
    SHOT_INDEX_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    START_S_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_S_FIELD_NUMBER: _ClassVar[int]
    shot_index: int
    text: str
    start_s: float
    estimated_s: float
    def __init__(self, shot_index: _Optional[int] = ..., text: _Optional[str] = ..., start_s: _Optional[float] = ..., estimated_s: _Optional[float] = ...) -> None: ...

class Script(_message.Message):
    __slots__ = ("language", "lines", "source", "speaking_rate")
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    SPEAKING_RATE_FIELD_NUMBER: _ClassVar[int]
    language: str
    lines: _containers.RepeatedCompositeFieldContainer[ScriptLine]
    source: str
    speaking_rate: float
    def __init__(self, language: _Optional[str] = ..., lines: _Optional[_Iterable[_Union[ScriptLine, _Mapping]]] = ..., source: _Optional[str] = ..., speaking_rate: _Optional[float] = ...) -> None: ...

class Voice(_message.Message):
    __slots__ = ("id", "language", "engine", "description", "license", "sample_rate")
    ID_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    LICENSE_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_RATE_FIELD_NUMBER: _ClassVar[int]
    id: str
    language: str
    engine: str
    description: str
    license: str
    sample_rate: int
    def __init__(self, id: _Optional[str] = ..., language: _Optional[str] = ..., engine: _Optional[str] = ..., description: _Optional[str] = ..., license: _Optional[str] = ..., sample_rate: _Optional[int] = ...) -> None: ...

class ListVoicesRequest(_message.Message):
    __slots__ = ("language",)
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    language: str
    def __init__(self, language: _Optional[str] = ...) -> None: ...

class ListVoicesResponse(_message.Message):
    __slots__ = ("voices",)
    VOICES_FIELD_NUMBER: _ClassVar[int]
    voices: _containers.RepeatedCompositeFieldContainer[Voice]
    def __init__(self, voices: _Optional[_Iterable[_Union[Voice, _Mapping]]] = ...) -> None: ...

class SynthesizeRequest(_message.Message):
    __slots__ = ("text", "voice", "rate", "output_key")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    VOICE_FIELD_NUMBER: _ClassVar[int]
    RATE_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_KEY_FIELD_NUMBER: _ClassVar[int]
    text: str
    voice: str
    rate: float
    output_key: str
    def __init__(self, text: _Optional[str] = ..., voice: _Optional[str] = ..., rate: _Optional[float] = ..., output_key: _Optional[str] = ...) -> None: ...

class Speech(_message.Message):
    __slots__ = ("voice", "sample_rate", "duration_s", "wav", "audio_key", "sentences", "words")
    VOICE_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_RATE_FIELD_NUMBER: _ClassVar[int]
    DURATION_S_FIELD_NUMBER: _ClassVar[int]
    WAV_FIELD_NUMBER: _ClassVar[int]
    AUDIO_KEY_FIELD_NUMBER: _ClassVar[int]
    SENTENCES_FIELD_NUMBER: _ClassVar[int]
    WORDS_FIELD_NUMBER: _ClassVar[int]
    voice: str
    sample_rate: int
    duration_s: float
    wav: bytes
    audio_key: str
    sentences: _containers.RepeatedCompositeFieldContainer[TimedText]
    words: _containers.RepeatedCompositeFieldContainer[TimedText]
    def __init__(self, voice: _Optional[str] = ..., sample_rate: _Optional[int] = ..., duration_s: _Optional[float] = ..., wav: _Optional[bytes] = ..., audio_key: _Optional[str] = ..., sentences: _Optional[_Iterable[_Union[TimedText, _Mapping]]] = ..., words: _Optional[_Iterable[_Union[TimedText, _Mapping]]] = ...) -> None: ...

class MusicTrack(_message.Message):
    __slots__ = ("id", "name", "style", "origin", "audio_key", "sample_rate", "duration_s", "bpm", "beats_s", "downbeats_s", "loudness_lufs", "true_peak_dbtp", "attribution")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    STYLE_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_FIELD_NUMBER: _ClassVar[int]
    AUDIO_KEY_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_RATE_FIELD_NUMBER: _ClassVar[int]
    DURATION_S_FIELD_NUMBER: _ClassVar[int]
    BPM_FIELD_NUMBER: _ClassVar[int]
    BEATS_S_FIELD_NUMBER: _ClassVar[int]
    DOWNBEATS_S_FIELD_NUMBER: _ClassVar[int]
    LOUDNESS_LUFS_FIELD_NUMBER: _ClassVar[int]
    TRUE_PEAK_DBTP_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTION_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    style: str
    origin: str
    audio_key: str
    sample_rate: int
    duration_s: float
    bpm: float
    beats_s: _containers.RepeatedScalarFieldContainer[float]
    downbeats_s: _containers.RepeatedScalarFieldContainer[float]
    loudness_lufs: float
    true_peak_dbtp: float
    attribution: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., style: _Optional[str] = ..., origin: _Optional[str] = ..., audio_key: _Optional[str] = ..., sample_rate: _Optional[int] = ..., duration_s: _Optional[float] = ..., bpm: _Optional[float] = ..., beats_s: _Optional[_Iterable[float]] = ..., downbeats_s: _Optional[_Iterable[float]] = ..., loudness_lufs: _Optional[float] = ..., true_peak_dbtp: _Optional[float] = ..., attribution: _Optional[str] = ...) -> None: ...

class ListMusicRequest(_message.Message):
    __slots__ = ("style",)
    STYLE_FIELD_NUMBER: _ClassVar[int]
    style: str
    def __init__(self, style: _Optional[str] = ...) -> None: ...

class ListMusicResponse(_message.Message):
    __slots__ = ("tracks",)
    TRACKS_FIELD_NUMBER: _ClassVar[int]
    tracks: _containers.RepeatedCompositeFieldContainer[MusicTrack]
    def __init__(self, tracks: _Optional[_Iterable[_Union[MusicTrack, _Mapping]]] = ...) -> None: ...

class SelectMusicRequest(_message.Message):
    __slots__ = ("style", "duration_s", "seed")
    STYLE_FIELD_NUMBER: _ClassVar[int]
    DURATION_S_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    style: str
    duration_s: float
    seed: int
    def __init__(self, style: _Optional[str] = ..., duration_s: _Optional[float] = ..., seed: _Optional[int] = ...) -> None: ...

class PlanCutsRequest(_message.Message):
    __slots__ = ("shot_durations_s", "beats_s", "downbeats_s", "tolerance_s", "min_shot_s")
    SHOT_DURATIONS_S_FIELD_NUMBER: _ClassVar[int]
    BEATS_S_FIELD_NUMBER: _ClassVar[int]
    DOWNBEATS_S_FIELD_NUMBER: _ClassVar[int]
    TOLERANCE_S_FIELD_NUMBER: _ClassVar[int]
    MIN_SHOT_S_FIELD_NUMBER: _ClassVar[int]
    shot_durations_s: _containers.RepeatedScalarFieldContainer[float]
    beats_s: _containers.RepeatedScalarFieldContainer[float]
    downbeats_s: _containers.RepeatedScalarFieldContainer[float]
    tolerance_s: float
    min_shot_s: float
    def __init__(self, shot_durations_s: _Optional[_Iterable[float]] = ..., beats_s: _Optional[_Iterable[float]] = ..., downbeats_s: _Optional[_Iterable[float]] = ..., tolerance_s: _Optional[float] = ..., min_shot_s: _Optional[float] = ...) -> None: ...

class Cut(_message.Message):
    __slots__ = ("shot_index", "start_s", "end_s", "snapped_to", "shift_s")
    SHOT_INDEX_FIELD_NUMBER: _ClassVar[int]
    START_S_FIELD_NUMBER: _ClassVar[int]
    END_S_FIELD_NUMBER: _ClassVar[int]
    SNAPPED_TO_FIELD_NUMBER: _ClassVar[int]
    SHIFT_S_FIELD_NUMBER: _ClassVar[int]
    shot_index: int
    start_s: float
    end_s: float
    snapped_to: str
    shift_s: float
    def __init__(self, shot_index: _Optional[int] = ..., start_s: _Optional[float] = ..., end_s: _Optional[float] = ..., snapped_to: _Optional[str] = ..., shift_s: _Optional[float] = ...) -> None: ...

class CutPlan(_message.Message):
    __slots__ = ("cuts", "total_s")
    CUTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_S_FIELD_NUMBER: _ClassVar[int]
    cuts: _containers.RepeatedCompositeFieldContainer[Cut]
    total_s: float
    def __init__(self, cuts: _Optional[_Iterable[_Union[Cut, _Mapping]]] = ..., total_s: _Optional[float] = ...) -> None: ...

class ShotClip(_message.Message):
    __slots__ = ("s3_key", "s3_bucket", "in_s", "out_s")
    S3_KEY_FIELD_NUMBER: _ClassVar[int]
    S3_BUCKET_FIELD_NUMBER: _ClassVar[int]
    IN_S_FIELD_NUMBER: _ClassVar[int]
    OUT_S_FIELD_NUMBER: _ClassVar[int]
    s3_key: str
    s3_bucket: str
    in_s: float
    out_s: float
    def __init__(self, s3_key: _Optional[str] = ..., s3_bucket: _Optional[str] = ..., in_s: _Optional[float] = ..., out_s: _Optional[float] = ...) -> None: ...

class Narration(_message.Message):
    __slots__ = ("audio_key", "start_s", "words")
    AUDIO_KEY_FIELD_NUMBER: _ClassVar[int]
    START_S_FIELD_NUMBER: _ClassVar[int]
    WORDS_FIELD_NUMBER: _ClassVar[int]
    audio_key: str
    start_s: float
    words: _containers.RepeatedCompositeFieldContainer[TimedText]
    def __init__(self, audio_key: _Optional[str] = ..., start_s: _Optional[float] = ..., words: _Optional[_Iterable[_Union[TimedText, _Mapping]]] = ...) -> None: ...

class AssembleRequest(_message.Message):
    __slots__ = ("shots", "narration", "music_track_id", "subtitles", "aspect", "resolution", "output_key", "crossfade_s")
    SHOTS_FIELD_NUMBER: _ClassVar[int]
    NARRATION_FIELD_NUMBER: _ClassVar[int]
    MUSIC_TRACK_ID_FIELD_NUMBER: _ClassVar[int]
    SUBTITLES_FIELD_NUMBER: _ClassVar[int]
    ASPECT_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_KEY_FIELD_NUMBER: _ClassVar[int]
    CROSSFADE_S_FIELD_NUMBER: _ClassVar[int]
    shots: _containers.RepeatedCompositeFieldContainer[ShotClip]
    narration: _containers.RepeatedCompositeFieldContainer[Narration]
    music_track_id: str
    subtitles: bool
    aspect: Aspect
    resolution: Resolution
    output_key: str
    crossfade_s: float
    def __init__(self, shots: _Optional[_Iterable[_Union[ShotClip, _Mapping]]] = ..., narration: _Optional[_Iterable[_Union[Narration, _Mapping]]] = ..., music_track_id: _Optional[str] = ..., subtitles: bool = ..., aspect: _Optional[_Union[Aspect, str]] = ..., resolution: _Optional[_Union[Resolution, str]] = ..., output_key: _Optional[str] = ..., crossfade_s: _Optional[float] = ...) -> None: ...

class AssembleResult(_message.Message):
    __slots__ = ("video_key", "width", "height", "duration_s", "frames", "fps", "size_bytes", "loudness_lufs", "true_peak_dbtp", "subtitles")
    VIDEO_KEY_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    DURATION_S_FIELD_NUMBER: _ClassVar[int]
    FRAMES_FIELD_NUMBER: _ClassVar[int]
    FPS_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    LOUDNESS_LUFS_FIELD_NUMBER: _ClassVar[int]
    TRUE_PEAK_DBTP_FIELD_NUMBER: _ClassVar[int]
    SUBTITLES_FIELD_NUMBER: _ClassVar[int]
    video_key: str
    width: int
    height: int
    duration_s: float
    frames: int
    fps: float
    size_bytes: int
    loudness_lufs: float
    true_peak_dbtp: float
    subtitles: _containers.RepeatedCompositeFieldContainer[TimedText]
    def __init__(self, video_key: _Optional[str] = ..., width: _Optional[int] = ..., height: _Optional[int] = ..., duration_s: _Optional[float] = ..., frames: _Optional[int] = ..., fps: _Optional[float] = ..., size_bytes: _Optional[int] = ..., loudness_lufs: _Optional[float] = ..., true_peak_dbtp: _Optional[float] = ..., subtitles: _Optional[_Iterable[_Union[TimedText, _Mapping]]] = ...) -> None: ...

class AssembleProgress(_message.Message):
    __slots__ = ("stage", "percent", "message", "result")
    STAGE_FIELD_NUMBER: _ClassVar[int]
    PERCENT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    stage: str
    percent: float
    message: str
    result: AssembleResult
    def __init__(self, stage: _Optional[str] = ..., percent: _Optional[float] = ..., message: _Optional[str] = ..., result: _Optional[_Union[AssembleResult, _Mapping]] = ...) -> None: ...
