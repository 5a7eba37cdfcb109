import datetime

from catwalk.v1 import tags_pb2 as _tags_pb2
from google.protobuf import empty_pb2 as _empty_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TemplateStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TEMPLATE_STATUS_UNSPECIFIED: _ClassVar[TemplateStatus]
    TEMPLATE_STATUS_READY: _ClassVar[TemplateStatus]
    TEMPLATE_STATUS_IMPORTING: _ClassVar[TemplateStatus]
    TEMPLATE_STATUS_FAILED: _ClassVar[TemplateStatus]

class RuleSeverity(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RULE_SEVERITY_UNSPECIFIED: _ClassVar[RuleSeverity]
    RULE_SEVERITY_BLOCK: _ClassVar[RuleSeverity]
    RULE_SEVERITY_PENALISE: _ClassVar[RuleSeverity]
TEMPLATE_STATUS_UNSPECIFIED: TemplateStatus
TEMPLATE_STATUS_READY: TemplateStatus
TEMPLATE_STATUS_IMPORTING: TemplateStatus
TEMPLATE_STATUS_FAILED: TemplateStatus
RULE_SEVERITY_UNSPECIFIED: RuleSeverity
RULE_SEVERITY_BLOCK: RuleSeverity
RULE_SEVERITY_PENALISE: RuleSeverity

class TemplateAssets(_message.Message):
    __slots__ = ("video_key", "pose_track_key", "parse_track_key", "reference_frame_key", "thumbnail_key")
    VIDEO_KEY_FIELD_NUMBER: _ClassVar[int]
    POSE_TRACK_KEY_FIELD_NUMBER: _ClassVar[int]
    PARSE_TRACK_KEY_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FRAME_KEY_FIELD_NUMBER: _ClassVar[int]
    THUMBNAIL_KEY_FIELD_NUMBER: _ClassVar[int]
    video_key: str
    pose_track_key: str
    parse_track_key: str
    reference_frame_key: str
    thumbnail_key: str
    def __init__(self, video_key: _Optional[str] = ..., pose_track_key: _Optional[str] = ..., parse_track_key: _Optional[str] = ..., reference_frame_key: _Optional[str] = ..., thumbnail_key: _Optional[str] = ...) -> None: ...

class Template(_message.Message):
    __slots__ = ("id", "name", "tags", "assets", "duration_s", "fps", "width", "height", "status", "visual_descriptor", "create_time", "source_key", "error")
    class TagsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _tags_pb2.TagValue
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_tags_pb2.TagValue, _Mapping]] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    ASSETS_FIELD_NUMBER: _ClassVar[int]
    DURATION_S_FIELD_NUMBER: _ClassVar[int]
    FPS_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    VISUAL_DESCRIPTOR_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    SOURCE_KEY_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    tags: _containers.MessageMap[str, _tags_pb2.TagValue]
    assets: TemplateAssets
    duration_s: float
    fps: float
    width: int
    height: int
    status: TemplateStatus
    visual_descriptor: _containers.RepeatedScalarFieldContainer[float]
    create_time: _timestamp_pb2.Timestamp
    source_key: str
    error: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., tags: _Optional[_Mapping[str, _tags_pb2.TagValue]] = ..., assets: _Optional[_Union[TemplateAssets, _Mapping]] = ..., duration_s: _Optional[float] = ..., fps: _Optional[float] = ..., width: _Optional[int] = ..., height: _Optional[int] = ..., status: _Optional[_Union[TemplateStatus, str]] = ..., visual_descriptor: _Optional[_Iterable[float]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., source_key: _Optional[str] = ..., error: _Optional[str] = ...) -> None: ...

class GetTemplateRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListTemplatesRequest(_message.Message):
    __slots__ = ("filters", "page_size", "page_token", "status")
    class FiltersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _tags_pb2.TagValue
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_tags_pb2.TagValue, _Mapping]] = ...) -> None: ...
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    filters: _containers.MessageMap[str, _tags_pb2.TagValue]
    page_size: int
    page_token: str
    status: TemplateStatus
    def __init__(self, filters: _Optional[_Mapping[str, _tags_pb2.TagValue]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., status: _Optional[_Union[TemplateStatus, str]] = ...) -> None: ...

class ListTemplatesResponse(_message.Message):
    __slots__ = ("templates", "next_page_token")
    TEMPLATES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    templates: _containers.RepeatedCompositeFieldContainer[Template]
    next_page_token: str
    def __init__(self, templates: _Optional[_Iterable[_Union[Template, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ImportTemplateRequest(_message.Message):
    __slots__ = ("source_key", "name", "tags")
    class TagsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _tags_pb2.TagValue
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_tags_pb2.TagValue, _Mapping]] = ...) -> None: ...
    SOURCE_KEY_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    source_key: str
    name: str
    tags: _containers.MessageMap[str, _tags_pb2.TagValue]
    def __init__(self, source_key: _Optional[str] = ..., name: _Optional[str] = ..., tags: _Optional[_Mapping[str, _tags_pb2.TagValue]] = ...) -> None: ...

class DeleteTemplateRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ValidateProductTagsRequest(_message.Message):
    __slots__ = ("tags",)
    class TagsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _tags_pb2.TagValue
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_tags_pb2.TagValue, _Mapping]] = ...) -> None: ...
    TAGS_FIELD_NUMBER: _ClassVar[int]
    tags: _containers.MessageMap[str, _tags_pb2.TagValue]
    def __init__(self, tags: _Optional[_Mapping[str, _tags_pb2.TagValue]] = ...) -> None: ...

class ValidateProductTagsResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class MatchTemplatesRequest(_message.Message):
    __slots__ = ("profile", "shot_types", "count")
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    SHOT_TYPES_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    profile: _tags_pb2.ProductProfile
    shot_types: _containers.RepeatedScalarFieldContainer[str]
    count: int
    def __init__(self, profile: _Optional[_Union[_tags_pb2.ProductProfile, _Mapping]] = ..., shot_types: _Optional[_Iterable[str]] = ..., count: _Optional[int] = ...) -> None: ...

class ScoreBreakdown(_message.Message):
    __slots__ = ("total", "tag_fit", "tag_matches", "visual_fit", "penalties")
    class TagMatchesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    class PenaltiesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    TAG_FIT_FIELD_NUMBER: _ClassVar[int]
    TAG_MATCHES_FIELD_NUMBER: _ClassVar[int]
    VISUAL_FIT_FIELD_NUMBER: _ClassVar[int]
    PENALTIES_FIELD_NUMBER: _ClassVar[int]
    total: float
    tag_fit: float
    tag_matches: _containers.ScalarMap[str, float]
    visual_fit: float
    penalties: _containers.ScalarMap[str, float]
    def __init__(self, total: _Optional[float] = ..., tag_fit: _Optional[float] = ..., tag_matches: _Optional[_Mapping[str, float]] = ..., visual_fit: _Optional[float] = ..., penalties: _Optional[_Mapping[str, float]] = ...) -> None: ...

class TemplateMatch(_message.Message):
    __slots__ = ("template", "score")
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    template: Template
    score: ScoreBreakdown
    def __init__(self, template: _Optional[_Union[Template, _Mapping]] = ..., score: _Optional[_Union[ScoreBreakdown, _Mapping]] = ...) -> None: ...

class Exclusion(_message.Message):
    __slots__ = ("template_id", "template_name", "rule", "reason")
    TEMPLATE_ID_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_NAME_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    template_id: str
    template_name: str
    rule: str
    reason: str
    def __init__(self, template_id: _Optional[str] = ..., template_name: _Optional[str] = ..., rule: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class MatchTemplatesResponse(_message.Message):
    __slots__ = ("matches", "exclusions", "excluded_by_rule", "considered", "skipped_rules")
    class ExcludedByRuleEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    MATCHES_FIELD_NUMBER: _ClassVar[int]
    EXCLUSIONS_FIELD_NUMBER: _ClassVar[int]
    EXCLUDED_BY_RULE_FIELD_NUMBER: _ClassVar[int]
    CONSIDERED_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_RULES_FIELD_NUMBER: _ClassVar[int]
    matches: _containers.RepeatedCompositeFieldContainer[TemplateMatch]
    exclusions: _containers.RepeatedCompositeFieldContainer[Exclusion]
    excluded_by_rule: _containers.ScalarMap[str, int]
    considered: int
    skipped_rules: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, matches: _Optional[_Iterable[_Union[TemplateMatch, _Mapping]]] = ..., exclusions: _Optional[_Iterable[_Union[Exclusion, _Mapping]]] = ..., excluded_by_rule: _Optional[_Mapping[str, int]] = ..., considered: _Optional[int] = ..., skipped_rules: _Optional[_Iterable[str]] = ...) -> None: ...

class Rule(_message.Message):
    __slots__ = ("name", "expression", "severity", "weight", "description", "enabled", "id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    EXPRESSION_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    expression: str
    severity: RuleSeverity
    weight: float
    description: str
    enabled: bool
    id: str
    def __init__(self, name: _Optional[str] = ..., expression: _Optional[str] = ..., severity: _Optional[_Union[RuleSeverity, str]] = ..., weight: _Optional[float] = ..., description: _Optional[str] = ..., enabled: bool = ..., id: _Optional[str] = ...) -> None: ...

class CreateRuleRequest(_message.Message):
    __slots__ = ("rule",)
    RULE_FIELD_NUMBER: _ClassVar[int]
    rule: Rule
    def __init__(self, rule: _Optional[_Union[Rule, _Mapping]] = ...) -> None: ...

class ListRulesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListRulesResponse(_message.Message):
    __slots__ = ("rules",)
    RULES_FIELD_NUMBER: _ClassVar[int]
    rules: _containers.RepeatedCompositeFieldContainer[Rule]
    def __init__(self, rules: _Optional[_Iterable[_Union[Rule, _Mapping]]] = ...) -> None: ...

class UpdateRuleRequest(_message.Message):
    __slots__ = ("rule",)
    RULE_FIELD_NUMBER: _ClassVar[int]
    rule: Rule
    def __init__(self, rule: _Optional[_Union[Rule, _Mapping]] = ...) -> None: ...

class DeleteRuleRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class TestRuleRequest(_message.Message):
    __slots__ = ("expression", "product_tags", "template_tags")
    class ProductTagsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _tags_pb2.TagValue
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_tags_pb2.TagValue, _Mapping]] = ...) -> None: ...
    class TemplateTagsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _tags_pb2.TagValue
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_tags_pb2.TagValue, _Mapping]] = ...) -> None: ...
    EXPRESSION_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_TAGS_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_TAGS_FIELD_NUMBER: _ClassVar[int]
    expression: str
    product_tags: _containers.MessageMap[str, _tags_pb2.TagValue]
    template_tags: _containers.MessageMap[str, _tags_pb2.TagValue]
    def __init__(self, expression: _Optional[str] = ..., product_tags: _Optional[_Mapping[str, _tags_pb2.TagValue]] = ..., template_tags: _Optional[_Mapping[str, _tags_pb2.TagValue]] = ...) -> None: ...

class TestRuleResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: bool
    def __init__(self, result: bool = ...) -> None: ...
