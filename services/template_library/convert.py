"""Tags between their proto form (map<string, TagValue>) and the library's (dict of str, bool
or list of str). Request parsing names the field of every value that is not set."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping

from catwalk.library.tags import Tags
from catwalk.v1 import tags_pb2
from services.common.errors import FieldViolation


def tags_from_proto(values: Mapping[str, tags_pb2.TagValue], field: str) -> tuple[Tags, list[FieldViolation]]:
    tags: Tags = {}
    violations = []
    for name, value in values.items():
        kind = value.WhichOneof("kind")
        if kind == "text":
            tags[name] = value.text
        elif kind == "flag":
            tags[name] = value.flag
        elif kind == "list":
            tags[name] = list(value.list.values)
        else:
            violations.append(FieldViolation(f"{field}.{name}", "no value set (text, flag or list)"))
    return tags, violations


def tag_value(value: str | bool | list[str] | tuple[str, ...]) -> tags_pb2.TagValue:
    if isinstance(value, bool):
        return tags_pb2.TagValue(flag=value)
    if isinstance(value, str):
        return tags_pb2.TagValue(text=value)
    return tags_pb2.TagValue(list=tags_pb2.StringList(values=list(value)))


def tags_to_proto(tags: Mapping[str, str | bool | list[str]], into: MutableMapping[str, tags_pb2.TagValue]) -> None:
    for name, value in tags.items():
        into[name].CopyFrom(tag_value(value))
