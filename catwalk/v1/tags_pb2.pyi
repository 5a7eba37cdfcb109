from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TagSource(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TAG_SOURCE_UNSPECIFIED: _ClassVar[TagSource]
    TAG_SOURCE_MERCHANT: _ClassVar[TagSource]
    TAG_SOURCE_TEXT: _ClassVar[TagSource]
    TAG_SOURCE_VISION: _ClassVar[TagSource]
    TAG_SOURCE_OPERATOR: _ClassVar[TagSource]
TAG_SOURCE_UNSPECIFIED: TagSource
TAG_SOURCE_MERCHANT: TagSource
TAG_SOURCE_TEXT: TagSource
TAG_SOURCE_VISION: TagSource
TAG_SOURCE_OPERATOR: TagSource

class TagValue(_message.Message):
    __slots__ = ("text", "flag", "list")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    FLAG_FIELD_NUMBER: _ClassVar[int]
    LIST_FIELD_NUMBER: _ClassVar[int]
    text: str
    flag: bool
    list: StringList
    def __init__(self, text: _Optional[str] = ..., flag: bool = ..., list: _Optional[_Union[StringList, _Mapping]] = ...) -> None: ...

class StringList(_message.Message):
    __slots__ = ("values",)
    VALUES_FIELD_NUMBER: _ClassVar[int]
    values: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, values: _Optional[_Iterable[str]] = ...) -> None: ...

class ProfileTag(_message.Message):
    __slots__ = ("value", "confidence", "source", "reason")
    VALUE_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    value: TagValue
    confidence: float
    source: TagSource
    reason: str
    def __init__(self, value: _Optional[_Union[TagValue, _Mapping]] = ..., confidence: _Optional[float] = ..., source: _Optional[_Union[TagSource, str]] = ..., reason: _Optional[str] = ...) -> None: ...

class ProductColour(_message.Message):
    __slots__ = ("name", "zh", "en", "family", "hex", "share")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ZH_FIELD_NUMBER: _ClassVar[int]
    EN_FIELD_NUMBER: _ClassVar[int]
    FAMILY_FIELD_NUMBER: _ClassVar[int]
    HEX_FIELD_NUMBER: _ClassVar[int]
    SHARE_FIELD_NUMBER: _ClassVar[int]
    name: str
    zh: str
    en: str
    family: str
    hex: str
    share: float
    def __init__(self, name: _Optional[str] = ..., zh: _Optional[str] = ..., en: _Optional[str] = ..., family: _Optional[str] = ..., hex: _Optional[str] = ..., share: _Optional[float] = ...) -> None: ...

class TagConflict(_message.Message):
    __slots__ = ("dimension", "chosen", "overruled", "message")
    DIMENSION_FIELD_NUMBER: _ClassVar[int]
    CHOSEN_FIELD_NUMBER: _ClassVar[int]
    OVERRULED_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    dimension: str
    chosen: ProfileTag
    overruled: _containers.RepeatedCompositeFieldContainer[ProfileTag]
    message: str
    def __init__(self, dimension: _Optional[str] = ..., chosen: _Optional[_Union[ProfileTag, _Mapping]] = ..., overruled: _Optional[_Iterable[_Union[ProfileTag, _Mapping]]] = ..., message: _Optional[str] = ...) -> None: ...

class ShotSuggestion(_message.Message):
    __slots__ = ("shot_type", "reason")
    SHOT_TYPE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    shot_type: str
    reason: str
    def __init__(self, shot_type: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class SellingPoint(_message.Message):
    __slots__ = ("zh", "en", "dimensions")
    ZH_FIELD_NUMBER: _ClassVar[int]
    EN_FIELD_NUMBER: _ClassVar[int]
    DIMENSIONS_FIELD_NUMBER: _ClassVar[int]
    zh: str
    en: str
    dimensions: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, zh: _Optional[str] = ..., en: _Optional[str] = ..., dimensions: _Optional[_Iterable[str]] = ...) -> None: ...

class ProductProfile(_message.Message):
    __slots__ = ("tags", "visual_descriptor", "category", "colours", "conflicts", "shot_types", "selling_points", "language", "warnings")
    class TagsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: ProfileTag
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[ProfileTag, _Mapping]] = ...) -> None: ...
    TAGS_FIELD_NUMBER: _ClassVar[int]
    VISUAL_DESCRIPTOR_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    COLOURS_FIELD_NUMBER: _ClassVar[int]
    CONFLICTS_FIELD_NUMBER: _ClassVar[int]
    SHOT_TYPES_FIELD_NUMBER: _ClassVar[int]
    SELLING_POINTS_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    tags: _containers.MessageMap[str, ProfileTag]
    visual_descriptor: _containers.RepeatedScalarFieldContainer[float]
    category: str
    colours: _containers.RepeatedCompositeFieldContainer[ProductColour]
    conflicts: _containers.RepeatedCompositeFieldContainer[TagConflict]
    shot_types: _containers.RepeatedCompositeFieldContainer[ShotSuggestion]
    selling_points: _containers.RepeatedCompositeFieldContainer[SellingPoint]
    language: str
    warnings: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, tags: _Optional[_Mapping[str, ProfileTag]] = ..., visual_descriptor: _Optional[_Iterable[float]] = ..., category: _Optional[str] = ..., colours: _Optional[_Iterable[_Union[ProductColour, _Mapping]]] = ..., conflicts: _Optional[_Iterable[_Union[TagConflict, _Mapping]]] = ..., shot_types: _Optional[_Iterable[_Union[ShotSuggestion, _Mapping]]] = ..., selling_points: _Optional[_Iterable[_Union[SellingPoint, _Mapping]]] = ..., language: _Optional[str] = ..., warnings: _Optional[_Iterable[str]] = ...) -> None: ...
