"""A columnar snapshot of the ready templates, cached per database, for matching.

Ranking needs a score for every candidate, which in SQL is a scan of the whole library per
request; held as numpy columns (one int code per template dimension, a normalised
descriptor matrix) the same work is a few vector operations. The snapshot is keyed by the
library's version counter (bumped by a statement trigger on every committed change to
`templates`) and by the dictionary's version, and is re-read whole when either moves —
cheap at read time, ~1-2 s per 100,000 rows on reload.

Codes: a "one" dimension stores the value's position in the dictionary, "bool" 0/1, "many"
a bitmask of positions; MISSING (-1) when the template lacks the tag.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import Engine, text

from catwalk.library.dictionary import DimensionDef
from catwalk.library.schema import DESCRIPTOR_DIM
from catwalk.library.tags import Dictionary, Tags

MISSING = -1


def encode(dictionary: Dictionary, d: DimensionDef, value: object) -> int:
    """The code of one tag value (MISSING for None or a value the dictionary lacks)."""
    positions = {v: i for i, v in enumerate(dictionary.values(d.name))}
    if value is None:
        return MISSING
    if d.kind == "bool":
        return int(bool(value))
    if d.kind == "one":
        return positions.get(str(value), MISSING)
    mask = 0
    for item in value if isinstance(value, list | tuple) else [value]:
        if item in positions:
            mask |= 1 << positions[item]
    return mask


def decode(dictionary: Dictionary, d: DimensionDef, code: int) -> str | bool | list[str] | None:
    if code == MISSING:
        return None
    values = dictionary.values(d.name)
    if d.kind == "bool":
        return bool(code)
    if d.kind == "one":
        return values[code]
    return [v for i, v in enumerate(values) if code >> i & 1]


@dataclass
class LibraryIndex:
    version: int  # templates_version it was read at
    dictionary: Dictionary
    ids: list[str]  # ready templates in id order (the matcher's tie-break)
    names: list[str]
    codes: dict[str, np.ndarray]  # template dimension -> int64 [n]
    descriptors: np.ndarray  # float32 [n, DESCRIPTOR_DIM], unit rows, zeros where missing
    has_descriptor: np.ndarray  # bool [n]
    _combos: dict[tuple[str, ...], tuple[np.ndarray, list[Tags]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __len__(self) -> int:
        return len(self.ids)

    def combos(self, dims: tuple[DimensionDef, ...]) -> tuple[np.ndarray, list[Tags]]:
        """The distinct combinations of these dimensions' values in the library, and for each
        template the index of its combination: a rule that reads only these template tags
        needs evaluating once per combination, not once per template."""
        key = tuple(d.name for d in dims)
        with self._lock:
            found = self._combos.get(key)
        if found is not None:
            return found
        if len(self) == 0:
            found = (np.zeros(0, np.int64), [])
        else:
            stacked = np.stack([self.codes[name] for name in key], axis=1)
            unique, inverse = np.unique(stacked, axis=0, return_inverse=True)
            tags: list[Tags] = []
            for row in unique:
                combo: Tags = {}
                for d, code in zip(dims, row, strict=True):
                    value = decode(self.dictionary, d, int(code))
                    if value is not None:
                        combo[d.name] = value
                tags.append(combo)
            found = (inverse.reshape(-1).astype(np.int64), tags)
        with self._lock:
            self._combos[key] = found
        return found

    def tags_of(self, row: int, dims: tuple[DimensionDef, ...]) -> Tags:
        out: Tags = {}
        for d in dims:
            value = decode(self.dictionary, d, int(self.codes[d.name][row]))
            if value is not None:
                out[d.name] = value
        return out


def read_index(engine: Engine, dictionary: Dictionary) -> LibraryIndex:
    """Read the ready templates and their version in one REPEATABLE READ snapshot, so the
    version a cache stores matches the rows it holds."""
    dims = dictionary.applicable("template")
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        version = int(conn.execute(text("SELECT templates_version FROM library_state WHERE id = 1")).scalar_one())
        rows = conn.execute(text("SELECT id::text, name, tags, descriptor::real[] FROM templates "
                                 "WHERE status = 'ready' ORDER BY id")).all()
    n = len(rows)
    positions = {d.name: {v: i for i, v in enumerate(dictionary.values(d.name))} for d in dims}
    columns = {d.name: np.full(n, MISSING, np.int64) for d in dims}
    descriptors = np.zeros((n, DESCRIPTOR_DIM), np.float32)
    has = np.zeros(n, bool)
    for i, (_, _, tags, descriptor) in enumerate(rows):
        for d in dims:
            value = tags.get(d.name)
            if value is None:
                continue
            pos = positions[d.name]
            if d.kind == "one":
                columns[d.name][i] = pos.get(value, MISSING)
            elif d.kind == "bool":
                columns[d.name][i] = int(bool(value))
            else:
                columns[d.name][i] = sum(1 << pos[v] for v in set(value) if v in pos)
        if descriptor is not None:
            descriptors[i] = descriptor
            has[i] = True
    norms = np.linalg.norm(descriptors, axis=1, keepdims=True)
    np.divide(descriptors, norms, out=descriptors, where=norms > 0)
    has &= norms[:, 0] > 0
    return LibraryIndex(version, dictionary, [r[0] for r in rows], [r[1] for r in rows], columns, descriptors, has)


_lock = threading.Lock()
_indexes: dict[str, LibraryIndex] = {}


def library_index(engine: Engine, templates_version: int, dictionary: Dictionary) -> LibraryIndex:
    """The cached snapshot, re-read when the library or dictionary version moved."""
    key = engine.url.render_as_string(hide_password=False)
    with _lock:
        cached = _indexes.get(key)
        fresh_enough = cached is not None and cached.version >= templates_version
        if cached is not None and fresh_enough and cached.dictionary.version == dictionary.version:
            return cached
        fresh = read_index(engine, dictionary)
        _indexes[key] = fresh
        return fresh
