"""Legality and preference rules in CEL over `product` and `template` tags.

A rule is refused at write time (RuleError naming the field) when it does not parse, names
a tag that is not a dimension of that side (`product.moonwalk`), compares a dimension with
a value it does not have (`template.action == "moonwalk"`), reaches tags other than as
`product.<dimension>` / `template.<dimension>`, or does not yield true/false.

Missing tags (a product the parser could not fully tag): a missing bool tag reads as false
(so "hands in pockets needs pockets" holds back a garment not known to have pockets); any
other missing tag makes the rule "unknown", and an unknown rule passes — a rule never
excludes or penalises on a guess. Guard with `has(product.x)` to decide otherwise.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

import cel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from catwalk.errors import FieldError
from catwalk.library.dictionary import DimensionDef
from catwalk.library.schema import Rule
from catwalk.library.tags import Dictionary, Subject, Tags, load_dictionary

Severity = Literal["block", "penalise"]
SIDES = ("product", "template")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_TOKEN = re.compile(r"""
    (?P<str>[rRbB]{0,2}(?:\"\"\"(?:\\.|[^\\])*?\"\"\"|'''(?:\\.|[^\\])*?'''|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'))
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[uU]?)
  | (?P<op>==|!=|<=|>=|&&|\|\||[-+*/%<>!?:.,\[\](){}])
  | (?P<space>\s+)
""", re.VERBOSE)


class RuleError(FieldError):
    """A rule that cannot be stored as given; `field` names the offending field."""


class RuleConflict(RuleError):
    """A rule of that name already exists."""


class RuleNotFound(LookupError):
    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"no rule named {name!r}")


@dataclass
class RuleSpec:
    name: str
    expression: str
    severity: Severity
    weight: float = 1.0
    description: str = ""
    enabled: bool = True


@dataclass
class StoredRule(RuleSpec):
    id: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class CompiledRule:
    expression: str
    program: cel.Program = field(compare=False)
    product_dims: tuple[DimensionDef, ...]  # the dimensions it reads, per side, by name
    template_dims: tuple[DimensionDef, ...]

    def evaluate(self, product: Mapping[str, object], template: Mapping[str, object]) -> bool | None:
        """True/False, or None ("unknown": a non-bool tag it needs is missing)."""
        context = {"product": _context(self.product_dims, product), "template": _context(self.template_dims, template)}
        try:
            result = self.program.execute(context)
        except Exception:  # KeyError: a missing tag; others cannot happen on validated tags
            return None
        return result if isinstance(result, bool) else None


def _context(dims: tuple[DimensionDef, ...], tags: Mapping[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for d in dims:
        if d.name in tags:
            out[d.name] = tags[d.name]
        elif d.kind == "bool":
            out[d.name] = False
    return out


def _tokens(expression: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(expression):
        m = _TOKEN.match(expression, pos)
        if m is None:  # cel.compile has accepted it, so this is a token we do not need to read
            out.append(("other", expression[pos]))
            pos += 1
            continue
        pos = m.end()
        if m.lastgroup != "space":
            out.append((m.lastgroup or "other", m.group()))
    return out


def _literal(token: tuple[str, str]) -> str | None:
    kind, text = token
    if kind != "str" or text[0] in "bB" or text[:2].lower() in ("rb", "br"):
        return None
    raw = text[0] in "rR"
    body = text[1:] if raw else text
    quote = 3 if body[:3] in ('"""', "'''") else 1
    inner = body[quote:-quote]
    if raw or "\\" not in inner:
        return inner
    try:  # escapes such as \" or \u00e9; for non-ASCII text the bytes round trip keeps it intact
        if inner.isascii():
            return inner.encode("ascii").decode("unicode_escape")
        return inner.encode("utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
    except (UnicodeDecodeError, UnicodeEncodeError):
        return None  # an escape we cannot read back: leave the check to evaluation


def _sample(dictionary: Dictionary, side: str, pick: int) -> Tags:
    tags: Tags = {}
    for d in dictionary.applicable("product" if side == "product" else "template"):
        values = dictionary.values(d.name)
        if d.kind == "bool":
            tags[d.name] = bool(pick % 2)
        elif d.kind == "one":
            tags[d.name] = values[pick % len(values)]
        else:
            tags[d.name] = [values[pick % len(values)]]
    return tags


def compile_rule(expression: str, dictionary: Dictionary) -> CompiledRule:
    """Parse and check a rule; RuleError(field="expression") says what is wrong."""
    if not expression.strip():
        raise RuleError("expression", "empty expression")
    try:
        program = cel.compile(expression)
    except Exception as err:
        raise RuleError("expression", f"does not compile: {err}") from None
    tokens = _tokens(expression)
    used: dict[str, dict[str, DimensionDef]] = {side: {} for side in SIDES}
    for i, (kind, text) in enumerate(tokens):
        if kind != "ident" or text not in SIDES or (i > 0 and tokens[i - 1][1] == "."):
            continue
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ("", "")
        if nxt[1] != "." or i + 2 >= len(tokens) or tokens[i + 2][0] != "ident":
            raise RuleError("expression", f"refer to tags as {text}.<dimension>, not {text}{nxt[1]}...")
        name = tokens[i + 2][1]
        d = dictionary.dimension(name)
        subject: Subject = "product" if text == "product" else "template"
        if d is None or not d.applies(subject):
            known = ", ".join(x.name for x in dictionary.applicable(subject))
            raise RuleError("expression", f"{text}.{name} is not a {subject} tag (known: {known})")
        used[text][name] = d
        _check_comparisons(dictionary, tokens, i, i + 2, f"{text}.{name}", d)
    compiled = CompiledRule(expression, program, tuple(used["product"].values()), tuple(used["template"].values()))
    for pick in range(2):
        try:
            result = program.execute({"product": _sample(dictionary, "product", pick),
                                      "template": _sample(dictionary, "template", pick)})
        except RuntimeError as err:
            raise RuleError("expression", f"{err}; only product and template are defined") from None
        except Exception as err:
            raise RuleError("expression", f"does not evaluate on well-formed tags: {err}") from None
        if not isinstance(result, bool):
            raise RuleError("expression", f"must yield true or false, yields {type(result).__name__}")
    return compiled


def _check_comparisons(dictionary: Dictionary, tokens: list[tuple[str, str]], start: int, end: int, ref: str,
                       d: DimensionDef) -> None:
    """String literals compared with a dimension (==, !=, `"x" in ref`, `ref in [..]`) must be its values."""
    literals: list[str | None] = []
    after = tokens[end + 1:end + 3]
    before = tokens[max(0, start - 2):start]
    if len(after) == 2 and after[0][1] in ("==", "!="):
        literals.append(_literal(after[1]))
    if len(before) == 2 and before[1][1] in ("==", "!=", "in"):
        literals.append(_literal(before[0]))
    if len(after) == 2 and after[0][1] == "in" and after[1][1] == "[":
        j = end + 3
        while j < len(tokens) and tokens[j][1] != "]":
            literals.append(_literal(tokens[j]) if tokens[j][0] == "str" else None)
            j += 1
    for value in literals:
        if value is None:
            continue
        if d.kind == "bool":
            raise RuleError("expression", f"{ref} is true or false, not {value!r}")
        if not dictionary.is_value(d.name, value):
            raise RuleError("expression", f"{value!r} is not a value of {ref} "
                                          f"(known: {', '.join(dictionary.values(d.name))})")


def test_rule(dictionary: Dictionary, expression: str, product: Tags, template: Tags) -> bool:
    """Whether the rule passes for this pair (an unknown result passes; see module doc)."""
    result = compile_rule(expression, dictionary).evaluate(product, template)
    return result is not False


test_rule.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def _check_spec(spec: RuleSpec, dictionary: Dictionary) -> CompiledRule:
    if not _NAME.match(spec.name):
        raise RuleError("name", "use 1-63 lower-case letters, digits and _, starting with a letter")
    if spec.severity not in ("block", "penalise"):
        raise RuleError("severity", f"{spec.severity!r} is not block or penalise")
    if not isinstance(spec.weight, int | float) or not math.isfinite(spec.weight) or spec.weight < 0:
        raise RuleError("weight", f"{spec.weight!r} is not a finite number >= 0")
    return compile_rule(spec.expression, dictionary)


def _stored(row: Rule) -> StoredRule:
    return StoredRule(row.name, row.expression, row.severity, row.weight,  # type: ignore[arg-type]
                      row.description, row.enabled, str(row.id), row.created_at, row.updated_at)


def create_rule(session: Session, spec: RuleSpec) -> StoredRule:
    _check_spec(spec, load_dictionary(session))
    row = Rule(name=spec.name, expression=spec.expression, severity=spec.severity, weight=float(spec.weight),
               description=spec.description, enabled=spec.enabled)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise RuleConflict("name", f"a rule named {spec.name!r} already exists") from None
    session.refresh(row)
    return _stored(row)


def update_rule(session: Session, name: str, spec: RuleSpec) -> StoredRule:
    """Replace a rule's fields (it may be renamed to spec.name)."""
    _check_spec(spec, load_dictionary(session))
    row = session.scalar(select(Rule).where(Rule.name == name).with_for_update())
    if row is None:
        raise RuleNotFound(name)
    row.name, row.expression, row.severity = spec.name, spec.expression, spec.severity
    row.weight, row.description, row.enabled = float(spec.weight), spec.description, spec.enabled
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise RuleConflict("name", f"a rule named {spec.name!r} already exists") from None
    session.refresh(row)
    return _stored(row)


def delete_rule(session: Session, name: str) -> StoredRule:
    row = session.scalar(select(Rule).where(Rule.name == name))
    if row is None:
        raise RuleNotFound(name)
    stored = _stored(row)
    session.delete(row)
    session.flush()
    return stored


def get_rule(session: Session, name: str) -> StoredRule | None:
    row = session.scalar(select(Rule).where(Rule.name == name))
    return None if row is None else _stored(row)


def list_rules(session: Session, enabled_only: bool = False) -> list[StoredRule]:
    query = select(Rule).order_by(Rule.name)
    if enabled_only:
        query = query.where(Rule.enabled)
    return [_stored(r) for r in session.scalars(query)]
