"""A columnar snapshot of the ready templates, cached per database, for matching.

Ranking needs a score for every candidate, which in SQL is a scan of the whole library per
request; held as numpy columns (one int code per template dimension, a normalised
descriptor matrix) the same work is a few vector operations.

Freshness: every committed change to `templates` bumps library_state.templates_version and
stamps the changed rows (deleted ids go to template_deletions) with that version, in commit
order (migration 0002). A matcher reads the version (one indexed row) per request; when it
moved, it reads only the rows and deletions after its own version. A TRUNCATE or a new
dictionary makes it re-read everything (~1 s per 100,000 templates: the encoding is done by
PostgreSQL and comes back as one string per column).

Codes: a "one" dimension stores the value's position in the dictionary, "bool" 0/1, "many"
a bitmask of positions; MISSING (-1) when the template lacks the tag.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, text

from catwalk.library.dictionary import DimensionDef
from catwalk.library.schema import DESCRIPTOR_DIM
from catwalk.library.tags import Dictionary, Tags

MISSING = -1


def encode(dictionary: Dictionary, d: DimensionDef, value: object) -> int:
    """The code of one tag value (MISSING for None; unknown values count as absent)."""
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
    """Immutable once built (a refresh builds a new one), so readers need no lock."""

    version: int  # templates_version it is current at
    dictionary: Dictionary
    ids: np.ndarray  # str, ready templates in id order (the matcher's tie-break)
    names: np.ndarray  # object (str)
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
            unique, inverse = _unique_rows([self.codes[name] for name in key])
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

    def bits(self, dim: str) -> np.ndarray:
        """A "one" dimension as bitmasks (1 << code, 0 when missing), to test against a set of values."""
        key = ("bits", dim)
        with self._lock:
            found = self._combos.get(key)
        if found is None:
            codes = self.codes[dim]
            found = (np.where(codes == MISSING, 0, np.left_shift(1, np.maximum(codes, 0))), [])
            with self._lock:
                self._combos[key] = found
        return found[0]

    def tags_of(self, row: int, dims: tuple[DimensionDef, ...]) -> Tags:
        out: Tags = {}
        for d in dims:
            value = decode(self.dictionary, d, int(self.codes[d.name][row]))
            if value is not None:
                out[d.name] = value
        return out


def _code_sql(d: DimensionDef, param: str) -> str:
    """SQL computing a dimension's code from `tags` (NULL when missing)."""
    tag = f"tags->'{d.name}'"
    if d.kind == "bool":
        return f"CASE jsonb_typeof({tag}) WHEN 'boolean' THEN ({tag})::boolean::int END"
    if d.kind == "one":
        return f"array_position(CAST(:{param} AS text[]), tags->>'{d.name}') - 1"
    return (f"CASE jsonb_typeof({tag}) WHEN 'array' THEN COALESCE((SELECT bit_or(1::bigint << "
            f"(array_position(CAST(:{param} AS text[]), e) - 1)) FROM jsonb_array_elements_text({tag}) e), 0) END")


def _fetch(conn: Connection, dictionary: Dictionary, after: int | None) -> dict[str, Any]:
    """Ready templates (changed after version `after`, or all) as columns, encoded by PostgreSQL."""
    dims = dictionary.applicable("template")
    params: dict[str, Any] = {f"v{i}": list(dictionary.values(d.name)) for i, d in enumerate(dims)}
    zeros = ",".join(["0"] * DESCRIPTOR_DIM)
    columns = ", ".join(f"string_agg(COALESCE(({_code_sql(d, f'v{i}')})::text, '-1'), ',' ORDER BY id)"
                        for i, d in enumerate(dims))
    where = "status = 'ready'"
    if after is not None:
        where += " AND change_version > :after"
        params["after"] = after
    row = conn.execute(text(
        f"SELECT count(*), string_agg(id::text, ',' ORDER BY id), json_agg(name ORDER BY id)::text, "
        f"string_agg(COALESCE(btrim(descriptor::text, '[]'), '{zeros}'), ',' ORDER BY id), {columns} "
        f"FROM templates WHERE {where}"), params).one()
    n = int(row[0])
    if n == 0:
        return {"ids": np.zeros(0, "U36"), "names": np.zeros(0, object),
                "codes": {d.name: np.zeros(0, np.int64) for d in dims},
                "descriptors": np.zeros((0, DESCRIPTOR_DIM), np.float32)}
    return {
        "ids": np.asarray(row[1].split(","), "U36"), "names": np.asarray(json.loads(row[2]), object),
        "descriptors": np.fromstring(row[3], np.float32, sep=",").reshape(n, DESCRIPTOR_DIM),
        "codes": {d.name: np.fromstring(row[4 + i], np.int64, sep=",") for i, d in enumerate(dims)},
    }


def _build(version: int, dictionary: Dictionary, ids: np.ndarray, names: np.ndarray, codes: dict[str, np.ndarray],
           descriptors: np.ndarray) -> LibraryIndex:
    norms = np.linalg.norm(descriptors, axis=1, keepdims=True)
    unit = np.divide(descriptors, norms, out=np.zeros_like(descriptors), where=norms > 0)
    return LibraryIndex(version, dictionary, ids, names, codes, unit, norms[:, 0] > 0)


def read_index(engine: Engine, dictionary: Dictionary, cached: LibraryIndex | None = None) -> LibraryIndex:
    """The ready templates at the current version, in one REPEATABLE READ snapshot (so the
    version stored matches the rows). With `cached` (same dictionary), only the changes."""
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        version = int(conn.execute(text("SELECT templates_version FROM library_state WHERE id = 1")).scalar_one())
        if cached is not None and cached.version == version:
            return cached
        if cached is not None:
            gone = conn.execute(text("SELECT id::text FROM template_deletions WHERE change_version > :v"),
                                {"v": cached.version}).scalars().all()
            if None in gone:  # truncated: nothing of the cache survives
                cached = None
        if cached is None:
            fresh = _fetch(conn, dictionary, None)
            return _build(version, dictionary, fresh["ids"], fresh["names"], fresh["codes"], fresh["descriptors"])
        changed = _fetch(conn, dictionary, cached.version)
        stale = set(gone)
        stale |= set(changed["ids"].tolist())
        # a changed row may have left 'ready': ids changed after the cache but no longer ready
        left = text("SELECT id::text FROM templates WHERE change_version > :v AND status <> 'ready'")
        stale |= set(conn.execute(left, {"v": cached.version}).scalars().all())
    keep = np.ones(len(cached), bool)
    if stale and len(cached):
        wanted = np.asarray(sorted(stale), "U36")
        at = np.minimum(np.searchsorted(cached.ids, wanted), len(cached) - 1)
        keep[at[cached.ids[at] == wanted]] = False
    dropped = not keep.all()

    def kept(a: np.ndarray) -> np.ndarray:
        return a[keep] if dropped else a

    kept_ids = kept(cached.ids)
    at = np.searchsorted(kept_ids, changed["ids"])  # both sorted: a merge, not a sort of 100,000 strings
    names = np.insert(kept(cached.names), at, changed["names"])
    codes = {d: np.insert(kept(c), at, changed["codes"][d]) for d, c in cached.codes.items()}
    descriptors = np.insert(kept(cached.descriptors), at, changed["descriptors"], axis=0)  # unit rows stay unit
    return _build(version, dictionary, np.insert(kept_ids, at, changed["ids"]), names, codes, descriptors)


def _unique_rows(columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(axis=0, return_inverse) of the stacked columns; through one packed int64 key
    (several times faster) when the codes' ranges fit in 62 bits."""
    spans = [int(c.max()) + 2 for c in columns]  # codes run from MISSING (-1)
    if np.prod(np.asarray(spans, float)) >= 2.0 ** 62:
        unique, inverse = np.unique(np.stack(columns, axis=1), axis=0, return_inverse=True)
        return unique, inverse
    packed = np.zeros(len(columns[0]), np.int64)
    for c, span in zip(columns, spans, strict=True):
        packed = packed * span + (c + 1)
    keys, inverse = np.unique(packed, return_inverse=True)
    rows = np.zeros((len(keys), len(columns)), np.int64)
    for j in range(len(columns) - 1, -1, -1):
        keys, rows[:, j] = np.divmod(keys, spans[j])
        rows[:, j] -= 1
    return rows, inverse

_lock = threading.Lock()
_indexes: dict[str, LibraryIndex] = {}


def library_index(engine: Engine, templates_version: int, dictionary: Dictionary) -> LibraryIndex:
    """The cached snapshot, brought up to date when the library or dictionary version moved."""
    key = engine.url.render_as_string(hide_password=False)
    with _lock:
        cached = _indexes.get(key)
        if cached is not None and cached.dictionary.version != dictionary.version:
            cached = None
        if cached is not None and cached.version >= templates_version:
            return cached
        fresh = read_index(engine, dictionary, cached)
        _indexes[key] = fresh
        return fresh
