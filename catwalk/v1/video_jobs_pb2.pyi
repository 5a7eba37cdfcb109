import datetime

from catwalk.v1 import media_assembler_pb2 as _media_assembler_pb2
from catwalk.v1 import product_parser_pb2 as _product_parser_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class JobState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    JOB_STATE_UNSPECIFIED: _ClassVar[JobState]
    JOB_STATE_QUEUED: _ClassVar[JobState]
    JOB_STATE_RUNNING: _ClassVar[JobState]
    JOB_STATE_SUCCEEDED: _ClassVar[JobState]
    JOB_STATE_FAILED: _ClassVar[JobState]
    JOB_STATE_CANCELLED: _ClassVar[JobState]
JOB_STATE_UNSPECIFIED: JobState
JOB_STATE_QUEUED: JobState
JOB_STATE_RUNNING: JobState
JOB_STATE_SUCCEEDED: JobState
JOB_STATE_FAILED: JobState
JOB_STATE_CANCELLED: JobState

class ProductInput(_message.Message):
    __slots__ = ("item_id", "photo", "title", "description", "merchant_attributes")
    class MerchantAttributesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    PHOTO_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    item_id: str
    photo: _product_parser_pb2.Photo
    title: str
    description: str
    merchant_attributes: _containers.ScalarMap[str, str]
    def __init__(self, item_id: _Optional[str] = ..., photo: _Optional[_Union[_product_parser_pb2.Photo, _Mapping]] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., merchant_attributes: _Optional[_Mapping[str, str]] = ...) -> None: ...

class VideoOptions(_message.Message):
    __slots__ = ("duration_s", "aspect", "resolution", "language", "voice", "music_style", "no_subtitles", "shot_types", "seed")
    DURATION_S_FIELD_NUMBER: _ClassVar[int]
    ASPECT_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    VOICE_FIELD_NUMBER: _ClassVar[int]
    MUSIC_STYLE_FIELD_NUMBER: _ClassVar[int]
    NO_SUBTITLES_FIELD_NUMBER: _ClassVar[int]
    SHOT_TYPES_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    duration_s: float
    aspect: _media_assembler_pb2.Aspect
    resolution: _media_assembler_pb2.Resolution
    language: str
    voice: str
    music_style: str
    no_subtitles: bool
    shot_types: _containers.RepeatedScalarFieldContainer[str]
    seed: int
    def __init__(self, duration_s: _Optional[float] = ..., aspect: _Optional[_Union[_media_assembler_pb2.Aspect, str]] = ..., resolution: _Optional[_Union[_media_assembler_pb2.Resolution, str]] = ..., language: _Optional[str] = ..., voice: _Optional[str] = ..., music_style: _Optional[str] = ..., no_subtitles: bool = ..., shot_types: _Optional[_Iterable[str]] = ..., seed: _Optional[int] = ...) -> None: ...

class CreateVideoJobRequest(_message.Message):
    __slots__ = ("product", "options", "idempotency_key", "callback_url")
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    CALLBACK_URL_FIELD_NUMBER: _ClassVar[int]
    product: ProductInput
    options: VideoOptions
    idempotency_key: str
    callback_url: str
    def __init__(self, product: _Optional[_Union[ProductInput, _Mapping]] = ..., options: _Optional[_Union[VideoOptions, _Mapping]] = ..., idempotency_key: _Optional[str] = ..., callback_url: _Optional[str] = ...) -> None: ...

class JobProgress(_message.Message):
    __slots__ = ("step", "percent", "eta_s", "message")
    STEP_FIELD_NUMBER: _ClassVar[int]
    PERCENT_FIELD_NUMBER: _ClassVar[int]
    ETA_S_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    step: str
    percent: float
    eta_s: float
    message: str
    def __init__(self, step: _Optional[str] = ..., percent: _Optional[float] = ..., eta_s: _Optional[float] = ..., message: _Optional[str] = ...) -> None: ...

class JobResult(_message.Message):
    __slots__ = ("video_key", "video_url", "url_expires_at", "report_key", "report_url", "duration_s", "report")
    VIDEO_KEY_FIELD_NUMBER: _ClassVar[int]
    VIDEO_URL_FIELD_NUMBER: _ClassVar[int]
    URL_EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    REPORT_KEY_FIELD_NUMBER: _ClassVar[int]
    REPORT_URL_FIELD_NUMBER: _ClassVar[int]
    DURATION_S_FIELD_NUMBER: _ClassVar[int]
    REPORT_FIELD_NUMBER: _ClassVar[int]
    video_key: str
    video_url: str
    url_expires_at: _timestamp_pb2.Timestamp
    report_key: str
    report_url: str
    duration_s: float
    report: _struct_pb2.Struct
    def __init__(self, video_key: _Optional[str] = ..., video_url: _Optional[str] = ..., url_expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., report_key: _Optional[str] = ..., report_url: _Optional[str] = ..., duration_s: _Optional[float] = ..., report: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class JobError(_message.Message):
    __slots__ = ("code", "message", "step")
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    code: str
    message: str
    step: str
    def __init__(self, code: _Optional[str] = ..., message: _Optional[str] = ..., step: _Optional[str] = ...) -> None: ...

class VideoJob(_message.Message):
    __slots__ = ("id", "state", "request", "progress", "result", "error", "created_at", "updated_at", "attempts")
    ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    id: str
    state: JobState
    request: CreateVideoJobRequest
    progress: JobProgress
    result: JobResult
    error: JobError
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    attempts: int
    def __init__(self, id: _Optional[str] = ..., state: _Optional[_Union[JobState, str]] = ..., request: _Optional[_Union[CreateVideoJobRequest, _Mapping]] = ..., progress: _Optional[_Union[JobProgress, _Mapping]] = ..., result: _Optional[_Union[JobResult, _Mapping]] = ..., error: _Optional[_Union[JobError, _Mapping]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., attempts: _Optional[int] = ...) -> None: ...

class GetVideoJobRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class WatchVideoJobRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class CancelVideoJobRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListVideoJobsRequest(_message.Message):
    __slots__ = ("states", "page_size", "page_token")
    STATES_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    states: _containers.RepeatedScalarFieldContainer[JobState]
    page_size: int
    page_token: str
    def __init__(self, states: _Optional[_Iterable[_Union[JobState, str]]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListVideoJobsResponse(_message.Message):
    __slots__ = ("jobs", "next_page_token")
    JOBS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    jobs: _containers.RepeatedCompositeFieldContainer[VideoJob]
    next_page_token: str
    def __init__(self, jobs: _Optional[_Iterable[_Union[VideoJob, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
