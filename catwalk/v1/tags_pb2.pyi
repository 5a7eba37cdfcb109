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
    __slots__ = ("value", "confidence", "source")
    VALUE_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    value: TagValue
    confidence: float
    source: TagSource
    def __init__(self, value: _Optional[_Union[TagValue, _Mapping]] = ..., confidence: _Optional[float] = ..., source: _Optional[_Union[TagSource, str]] = ...) -> None: ...

class ProductProfile(_message.Message):
    __slots__ = ("tags", "visual_descriptor")
    class TagsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: ProfileTag
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[ProfileTag, _Mapping]] = ...) -> None: ...
    TAGS_FIELD_NUMBER: _ClassVar[int]
    VISUAL_DESCRIPTOR_FIELD_NUMBER: _ClassVar[int]
    tags: _containers.MessageMap[str, ProfileTag]
    visual_descriptor: _containers.RepeatedScalarFieldContainer[float]
    def __init__(self, tags: _Optional[_Mapping[str, ProfileTag]] = ..., visual_descriptor: _Optional[_Iterable[float]] = ...) -> None: ...
