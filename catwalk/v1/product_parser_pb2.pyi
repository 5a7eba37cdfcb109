from catwalk.v1 import tags_pb2 as _tags_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Photo(_message.Message):
    __slots__ = ("data", "s3_key", "s3_bucket")
    DATA_FIELD_NUMBER: _ClassVar[int]
    S3_KEY_FIELD_NUMBER: _ClassVar[int]
    S3_BUCKET_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    s3_key: str
    s3_bucket: str
    def __init__(self, data: _Optional[bytes] = ..., s3_key: _Optional[str] = ..., s3_bucket: _Optional[str] = ...) -> None: ...

class ParseProductRequest(_message.Message):
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
    photo: Photo
    title: str
    description: str
    merchant_attributes: _containers.ScalarMap[str, str]
    def __init__(self, item_id: _Optional[str] = ..., photo: _Optional[_Union[Photo, _Mapping]] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., merchant_attributes: _Optional[_Mapping[str, str]] = ...) -> None: ...
