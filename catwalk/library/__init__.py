"""The template library's data layer: tag dictionary, templates, CEL rules and matching
over PostgreSQL. Importing does nothing; the service and CLI build on these modules:

    with session(dsn) as s:
        dictionary = load_dictionary(s)
        result = match_templates(s, dictionary, Profile(tags), ["full_body"], count=10)
"""

from catwalk.library.db import engine, session
from catwalk.library.dictionary import DIMENSIONS, DimensionDef, TagValueDef
from catwalk.library.matching import Exclusion, Match, MatchResult, Profile, ScoreBreakdown, match_templates
from catwalk.library.rules import (
    CompiledRule,
    RuleConflict,
    RuleError,
    RuleNotFound,
    RuleSpec,
    StoredRule,
    compile_rule,
    create_rule,
    delete_rule,
    get_rule,
    list_rules,
    test_rule,
    update_rule,
)
from catwalk.library.schema import ASSET_BUCKET, ASSET_KEYS, DESCRIPTOR_DIM
from catwalk.library.tags import Dictionary, FieldViolation, InvalidTags, Tags, load_dictionary, validate_tags
from catwalk.library.templates import (
    TemplateExists,
    TemplateRecord,
    add_template,
    count_templates,
    delete_template,
    get_template,
    get_template_by_name,
    get_template_by_source,
    list_templates,
    update_template,
)

__all__ = [
    "ASSET_BUCKET",
    "ASSET_KEYS",
    "DESCRIPTOR_DIM",
    "DIMENSIONS",
    "CompiledRule",
    "Dictionary",
    "DimensionDef",
    "Exclusion",
    "FieldViolation",
    "InvalidTags",
    "Match",
    "MatchResult",
    "Profile",
    "RuleConflict",
    "RuleError",
    "RuleNotFound",
    "RuleSpec",
    "ScoreBreakdown",
    "StoredRule",
    "TagValueDef",
    "Tags",
    "TemplateExists",
    "TemplateRecord",
    "add_template",
    "compile_rule",
    "count_templates",
    "create_rule",
    "delete_rule",
    "delete_template",
    "engine",
    "get_rule",
    "get_template",
    "get_template_by_name",
    "get_template_by_source",
    "list_rules",
    "list_templates",
    "load_dictionary",
    "match_templates",
    "session",
    "test_rule",
    "update_rule",
    "update_template",
    "validate_tags",
]
