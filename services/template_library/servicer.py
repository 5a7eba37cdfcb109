"""TemplateLibrary RPCs → catwalk.library. Each method turns its request into library
arguments (naming what only the proto can get wrong: an unset tag value, an unspecified
enum), runs one unit of work, and raises services.common errors. The library checks its
arguments and names the field; `_library_errors` and `_rule_errors` map that onto the
request's fields. The interceptor turns the errors into statuses: none is built here."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import grpc
import structlog
from google.protobuf import empty_pb2
from minio import Minio
from sqlalchemy.orm import Session

from catwalk.library import matching, rules, templates
from catwalk.library.importer import ImportFailed, import_template
from catwalk.library.schema import ASSET_BUCKET, ASSET_KEYS
from catwalk.library.tags import Dictionary, InvalidTags, Subject, Tags, load_dictionary, validate_tags
from catwalk.v1 import template_library_pb2 as pb
from catwalk.v1 import template_library_pb2_grpc
from services.common.database import deadline_session
from services.common.deadlines import remaining_s
from services.common.errors import (
    AlreadyExists,
    FieldViolation,
    InvalidArgument,
    NotFound,
    Unavailable,
    invalid,
)
from services.template_library.convert import tags_from_proto, tags_to_proto

DB_STATEMENT_CAP_S = 30.0  # our own limit on one statement when the caller sets no deadline
IMPORT_CAP_S = 600.0  # our own limit on one import's analysis through Triton
DEFAULT_PAGE_SIZE = 50
DEFAULT_MATCH_COUNT = 10
# The library names arguments as it knows them; the request's field where that differs.
REQUEST_FIELDS = {"profile.descriptor": "profile.visual_descriptor"}
log = structlog.get_logger("catwalk.template_library")
SEVERITIES: dict[pb.RuleSeverity, rules.Severity] = {
    pb.RULE_SEVERITY_BLOCK: "block", pb.RULE_SEVERITY_PENALISE: "penalise"}
STATUSES = {"ready": pb.TEMPLATE_STATUS_READY, "importing": pb.TEMPLATE_STATUS_IMPORTING,
            "failed": pb.TEMPLATE_STATUS_FAILED}
STATUS_NAMES = {code: name for name, code in STATUSES.items()}


class TemplateLibraryServicer(template_library_pb2_grpc.TemplateLibraryServicer):
    def __init__(self, dsn: str, s3: Minio, triton_url: str) -> None:
        self.dsn = dsn
        self.s3 = s3
        self.triton_url = triton_url

    # -- tags and matching -------------------------------------------------------------

    def ValidateProductTags(self, request: pb.ValidateProductTagsRequest, context: grpc.ServicerContext
                            ) -> pb.ValidateProductTagsResponse:
        with self._session() as s:
            self._tags(request.tags, "tags", "product", load_dictionary(s))
        return pb.ValidateProductTagsResponse()

    def MatchTemplates(self, request: pb.MatchTemplatesRequest, context: grpc.ServicerContext
                       ) -> pb.MatchTemplatesResponse:
        values = {name: tag.value for name, tag in request.profile.tags.items()}
        tags, violations = tags_from_proto(values, "profile.tags")
        _raise_if(violations)
        profile = matching.Profile(tags, list(request.profile.visual_descriptor) or None)
        with self._session() as s, _library_errors():
            result = matching.match_templates(s, load_dictionary(s), profile, list(request.shot_types),
                                              request.count or DEFAULT_MATCH_COUNT)
        response = pb.MatchTemplatesResponse(considered=result.considered, skipped_rules=result.skipped_rules)
        for match in result.matches:
            b = match.breakdown
            item = response.matches.add(template=_template(match.template))
            item.score.total, item.score.tag_fit, item.score.visual_fit = b.total, b.tag_fit, b.visual_fit
            item.score.tag_matches.update(b.tag_matches)
            item.score.penalties.update(b.penalties)
        for e in result.exclusions:
            response.exclusions.add(template_id=str(e.template_id), template_name=e.template_name,
                                    rule=e.rule, reason=e.reason)
        response.excluded_by_rule.update(result.excluded_by_rule)
        return response

    # -- templates ---------------------------------------------------------------------

    def GetTemplate(self, request: pb.GetTemplateRequest, context: grpc.ServicerContext) -> pb.Template:
        template_id = _uuid(request.id, "id")
        with self._session() as s:
            record = templates.get_template(s, template_id)
            if record is None:
                raise NotFound(f"no template {template_id}")
            return _template(record)

    def ListTemplates(self, request: pb.ListTemplatesRequest, context: grpc.ServicerContext
                      ) -> pb.ListTemplatesResponse:
        filters, violations = tags_from_proto(request.filters, "filters")
        _raise_if(violations)
        with self._session() as s, _library_errors():
            records, next_token = templates.list_templates(
                s, filters, request.page_size or DEFAULT_PAGE_SIZE, request.page_token or None,
                status=STATUS_NAMES.get(request.status))
        return pb.ListTemplatesResponse(templates=[_template(r) for r in records], next_page_token=next_token or "")

    def ImportTemplate(self, request: pb.ImportTemplateRequest, context: grpc.ServicerContext) -> pb.Template:
        violations = []
        if not request.source_key.strip():
            violations.append(FieldViolation("source_key", "required: the video's key in bucket catwalk-library"))
        if not request.name.strip():
            violations.append(FieldViolation("name", "required"))
        tags, tag_violations = tags_from_proto(request.tags, "tags")
        _raise_if(violations + tag_violations)
        try:
            with _library_errors():
                record = import_template(self.dsn, self.s3, self.triton_url, request.source_key, request.name.strip(),
                                         tags or None, deadline_s=remaining_s(IMPORT_CAP_S))
        except ImportFailed as exc:
            if exc.retryable:  # Triton busy or down, a concurrent import of the same object
                raise Unavailable(exc.message) from None
            raise invalid(exc.field, exc.message) from None
        return _template(record)

    def DeleteTemplate(self, request: pb.DeleteTemplateRequest, context: grpc.ServicerContext) -> empty_pb2.Empty:
        template_id = _uuid(request.id, "id")
        with self._session() as s:
            record = templates.delete_template(s, template_id)
            if record is None:
                raise NotFound(f"no template {template_id}")
        # Objects go after the row is committed: a failure here leaves an orphan object, never
        # a template whose files are gone. The uploaded source is the operator's; it stays.
        for key in set(record.assets.values()) - {record.source_key}:
            try:
                self.s3.remove_object(ASSET_BUCKET, key)
            except Exception as exc:
                log.warning("asset not removed", key=key, error=str(exc))
        return empty_pb2.Empty()

    # -- rules -------------------------------------------------------------------------

    def CreateRule(self, request: pb.CreateRuleRequest, context: grpc.ServicerContext) -> pb.Rule:
        spec = _rule_spec(request.rule)
        with self._session() as s, _rule_errors():
            return _rule(rules.create_rule(s, spec))

    def ListRules(self, request: pb.ListRulesRequest, context: grpc.ServicerContext) -> pb.ListRulesResponse:
        with self._session() as s:
            return pb.ListRulesResponse(rules=[_rule(r) for r in rules.list_rules(s)])

    def UpdateRule(self, request: pb.UpdateRuleRequest, context: grpc.ServicerContext) -> pb.Rule:
        spec = _rule_spec(request.rule)
        with self._session() as s, _rule_errors():
            return _rule(rules.update_rule(s, spec.name, spec))

    def DeleteRule(self, request: pb.DeleteRuleRequest, context: grpc.ServicerContext) -> empty_pb2.Empty:
        if not request.name:
            raise invalid("name", "required")
        with self._session() as s, _rule_errors():
            rules.delete_rule(s, request.name)
        return empty_pb2.Empty()

    def TestRule(self, request: pb.TestRuleRequest, context: grpc.ServicerContext) -> pb.TestRuleResponse:
        if not request.expression.strip():
            raise invalid("expression", "required")
        with self._session() as s:
            dictionary = load_dictionary(s)
            product = self._tags(request.product_tags, "product_tags", "product", dictionary)
            template = self._tags(request.template_tags, "template_tags", "template", dictionary)
            with _rule_errors(prefix=""):
                return pb.TestRuleResponse(result=rules.test_rule(dictionary, request.expression, product, template))

    # -- helpers -----------------------------------------------------------------------

    def _session(self) -> contextlib.AbstractContextManager[Session]:
        return deadline_session(self.dsn, DB_STATEMENT_CAP_S)

    @staticmethod
    def _tags(values: Any, field: str, subject: Subject, dictionary: Dictionary) -> Tags:
        """Tags of a request field, every problem named (`field.dimension`, `field.dimension[i]`)."""
        tags, violations = tags_from_proto(values, field)
        _raise_if(violations + _ours(validate_tags(dictionary, tags, subject, prefix=field)))
        return tags


def _ours(violations: Sequence[Any]) -> list[FieldViolation]:
    return [FieldViolation(v.field, v.description) for v in violations]


def _raise_if(violations: list[FieldViolation]) -> None:
    if violations:
        raise InvalidArgument(violations)


def _uuid(value: str, field: str) -> str:
    if not value:
        raise invalid(field, "required")
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise invalid(field, f"{value!r} is not a template id (a UUID)") from None


@contextlib.contextmanager
def _library_errors() -> Iterator[None]:
    """The library checks its arguments and names the field: InvalidTags, or ValueError("field: why")."""
    try:
        yield
    except InvalidTags as exc:
        raise InvalidArgument(_ours(exc.violations)) from None
    except templates.TemplateExists as exc:
        raise AlreadyExists(str(exc)) from None
    except ValueError as exc:
        field, _, why = str(exc).partition(": ")
        raise invalid(REQUEST_FIELDS.get(field, field), why) from None


@contextlib.contextmanager
def _rule_errors(prefix: str = "rule.") -> Iterator[None]:
    """The library's rule errors as statuses; its checks (name, weight, CEL) are the only ones."""
    try:
        yield
    except rules.RuleConflict as exc:
        raise AlreadyExists(exc.message) from None
    except rules.RuleError as exc:
        raise invalid(f"{prefix}{exc.field}", exc.message) from None
    except rules.RuleNotFound as exc:
        raise NotFound(str(exc)) from None


def _rule_spec(rule: pb.Rule) -> rules.RuleSpec:
    severity = SEVERITIES.get(rule.severity)
    if severity is None:
        raise invalid("rule.severity", "RULE_SEVERITY_BLOCK or RULE_SEVERITY_PENALISE")
    return rules.RuleSpec(name=rule.name, expression=rule.expression, severity=severity, weight=rule.weight,
                          description=rule.description, enabled=rule.enabled)


def _rule(record: Any) -> pb.Rule:
    severity = {v: k for k, v in SEVERITIES.items()}[record.severity]
    return pb.Rule(id=str(record.id), name=record.name, expression=record.expression, severity=severity,
                   weight=record.weight, description=record.description, enabled=record.enabled)


def _template(record: Any) -> pb.Template:
    assets = record.assets or {}
    message = pb.Template(
        id=str(record.id), name=record.name, status=STATUSES.get(record.status, pb.TEMPLATE_STATUS_UNSPECIFIED),
        assets=pb.TemplateAssets(**{f"{key}_key": assets.get(key, "") for key in ASSET_KEYS}),
        duration_s=record.duration_s, fps=record.fps, width=record.width, height=record.height,
        visual_descriptor=list(record.descriptor) if record.descriptor is not None else [],
        source_key=record.source_key or "", error=record.error or "",
    )
    tags_to_proto(record.tags, message.tags)
    if record.created_at is not None:
        message.create_time.FromDatetime(record.created_at)
    return message
