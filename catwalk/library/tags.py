"""Tags and the dictionary that says which tags exist: normalising free text (zh/en names,
synonyms, any case) to canonical values, and naming every problem in a tag set so a caller
can answer INVALID_ARGUMENT with one field violation per problem."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from catwalk.library.dictionary import DimensionDef, TagValueDef
from catwalk.library.schema import LibraryState, TagDimension, TagValue

Tags = dict[str, str | bool | list[str]]
Subject = Literal["product", "template"]

_TRUE = frozenset({"true", "yes", "y", "1", "是", "有"})
_FALSE = frozenset({"false", "no", "n", "0", "否", "无", "没有"})
_SEPARATORS = re.compile(r"[\s_\-]+")


def _key(text: str) -> str:
    """What two spellings must share to mean the same: case, spacing, '_' and '-' ignored."""
    return _SEPARATORS.sub(" ", text.strip().casefold()).strip()


@dataclass(frozen=True)
class FieldViolation:
    field: str  # e.g. "tags.season" or "tags.colour_family[1]"
    description: str


class InvalidTags(ValueError):
    """Tags that the dictionary refuses; `violations` names each problem."""

    def __init__(self, violations: list[FieldViolation]) -> None:
        self.violations = violations
        super().__init__("; ".join(f"{v.field}: {v.description}" for v in violations))


class Dictionary:
    """The tag dictionary in memory: dimensions by name, values in order, and a lookup of
    every spelling (value, zh, en, synonym) to its canonical value."""

    def __init__(self, dimensions: Iterable[DimensionDef], version: int = 0) -> None:
        self.version = version
        self.dimensions: dict[str, DimensionDef] = {d.name: d for d in dimensions}
        self._values: dict[str, dict[str, TagValueDef]] = {
            d.name: {v.value: v for v in d.values} for d in self.dimensions.values()}
        self._spellings: dict[str, dict[str, str]] = {}
        for d in self.dimensions.values():
            lookup: dict[str, str] = {}
            for v in d.values:  # canonical values and names win over synonyms
                for spelling in (v.value, v.en, v.zh):
                    lookup.setdefault(_key(spelling), v.value)
            for v in d.values:
                for spelling in v.synonyms:
                    lookup.setdefault(_key(spelling), v.value)
            self._spellings[d.name] = lookup
        self._dimension_names = {_key(s): d.name for d in self.dimensions.values() for s in (d.name, d.en, d.zh)}

    def dimension(self, name: str) -> DimensionDef | None:
        return self.dimensions.get(name)

    def values(self, dimension: str) -> tuple[str, ...]:
        return tuple(self._values.get(dimension, {}))

    def is_value(self, dimension: str, value: str) -> bool:
        return value in self._values.get(dimension, {})

    def applicable(self, subject: Subject) -> list[DimensionDef]:
        return [d for d in self.dimensions.values() if d.applies(subject)]

    def normalise_dimension(self, text: str) -> str | None:
        """A dimension's name from its name, zh or en name."""
        return self._dimension_names.get(_key(text))

    def normalise(self, dimension: str, text: str) -> str | None:
        """The canonical value `text` means in `dimension` (None if unknown). Bool
        dimensions answer "true" or "false"."""
        d = self.dimensions.get(dimension)
        if d is None:
            return None
        key = _key(text)
        if d.kind == "bool":
            return "true" if key in _TRUE else "false" if key in _FALSE else None
        return self._spellings[dimension].get(key)


def _describe_kind(d: DimensionDef) -> str:
    return {"bool": "true or false", "one": "one value (a string)", "many": "a list of values"}[d.kind]


def _value_problem(dictionary: Dictionary, d: DimensionDef, value: object) -> str | None:
    if not isinstance(value, str):
        return f"expected a value of {d.name} (a string), got {type(value).__name__}"
    if dictionary.is_value(d.name, value):
        return None
    known = ", ".join(dictionary.values(d.name))
    meant = dictionary.normalise(d.name, value)
    hint = f"; did you mean {meant!r}?" if meant else ""
    return f"{value!r} is not a value of {d.name} (known: {known}){hint}"


def validate_tags(dictionary: Dictionary, tags: Mapping[str, object], subject: Subject,
                  prefix: str = "tags") -> list[FieldViolation]:
    """Every problem in `tags`, one violation each: unknown dimension, dimension that does
    not describe `subject`, wrong kind (bool / one value / list), unknown or repeated value."""
    out: list[FieldViolation] = []
    for name, value in tags.items():
        field = f"{prefix}.{name}"
        d = dictionary.dimension(name)
        if d is None:
            meant = dictionary.normalise_dimension(name)
            hint = f"; did you mean {meant!r}?" if meant else ""
            out.append(FieldViolation(field, f"unknown tag dimension {name!r}{hint}"))
            continue
        if not d.applies(subject):
            other = "templates" if subject == "product" else "products"
            out.append(FieldViolation(field, f"{name} describes {other}, not {subject}s"))
            continue
        if d.kind == "bool":
            if not isinstance(value, bool):
                out.append(FieldViolation(field, f"{name} takes {_describe_kind(d)}, got {value!r}"))
        elif d.kind == "one":
            if isinstance(value, list | tuple | bool):
                out.append(FieldViolation(field, f"{name} takes {_describe_kind(d)}, got {value!r}"))
            elif (problem := _value_problem(dictionary, d, value)) is not None:
                out.append(FieldViolation(field, problem))
        else:
            if not isinstance(value, list | tuple):
                out.append(FieldViolation(field, f"{name} takes {_describe_kind(d)}, got {value!r}"))
                continue
            seen: set[object] = set()
            for i, item in enumerate(value):
                if (problem := _value_problem(dictionary, d, item)) is not None:
                    out.append(FieldViolation(f"{field}[{i}]", problem))
                elif item in seen:
                    out.append(FieldViolation(f"{field}[{i}]", f"{item!r} is listed twice"))
                seen.add(item)
    return out


def check_tags(dictionary: Dictionary, tags: Mapping[str, object], subject: Subject, prefix: str = "tags") -> Tags:
    """`tags` as a fresh dict (lists copied) when valid; InvalidTags otherwise."""
    violations = validate_tags(dictionary, tags, subject, prefix)
    if violations:
        raise InvalidTags(violations)
    return {k: list(v) if isinstance(v, list | tuple) else v for k, v in tags.items()}  # type: ignore[misc]


_cache_lock = threading.Lock()
_cache: dict[str, Dictionary] = {}


def dictionary_version(session: Session) -> int:
    return int(session.execute(select(LibraryState.dictionary_version).where(LibraryState.id == 1)).scalar_one())


def load_dictionary(session: Session, version: int | None = None) -> Dictionary:
    """The dictionary in the database, cached per database; re-read only when the
    dictionary's version counter moved (one indexed read otherwise). Pass `version` when
    the caller has just read it."""
    current = dictionary_version(session) if version is None else version
    key = session.get_bind().engine.url.render_as_string(hide_password=False)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None and cached.version == current:
        return cached
    values: dict[str, list[TagValueDef]] = {}
    for v in session.scalars(select(TagValue).order_by(TagValue.dimension, TagValue.position)):
        values.setdefault(v.dimension, []).append(TagValueDef(v.value, v.zh, v.en, tuple(v.synonyms)))
    dims = [DimensionDef(d.name, d.zh, d.en, d.applies_to, d.kind, tuple(values.get(d.name, ())))  # type: ignore[arg-type]
            for d in session.scalars(select(TagDimension).order_by(TagDimension.position))]
    loaded = Dictionary(dims, current)
    with _cache_lock:
        _cache[key] = loaded
    return loaded
