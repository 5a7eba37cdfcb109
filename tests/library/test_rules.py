"""CEL rules: refused at write time with the field at fault, stored, tested, and the
semantics of tags a product lacks."""

from __future__ import annotations

import pytest

from catwalk.library import db
from catwalk.library.dictionary import DIMENSIONS
from catwalk.library.rules import (
    RuleConflict,
    RuleError,
    RuleNotFound,
    RuleSpec,
    compile_rule,
    create_rule,
    delete_rule,
    get_rule,
    list_rules,
    test_rule,
    update_rule,
)
from catwalk.library.tags import Dictionary
from tests.library.conftest import migration_module

D = Dictionary(DIMENSIONS)
POCKET, GENDER, SEASON = (r[1] for r in migration_module().RULES)


@pytest.mark.parametrize(("expression", "message"), [
    ("template.action ==", "does not compile"),
    ("", "empty"),
    ("product.moonwalk == true", "product.moonwalk is not a product tag"),
    ("template.has_pockets", "template.has_pockets is not a template tag"),
    ('template.action == "moonwalk"', "'moonwalk' is not a value of template.action"),
    ('"moonwalk" != template.action', "'moonwalk' is not a value of template.action"),
    (r'template.action == "moon\u0077alk"', "'moonwalk' is not a value of template.action"),
    ('template.action == "走秀"', "'走秀' is not a value of template.action"),
    ('"monsoon" in product.season', "'monsoon' is not a value of product.season"),
    ('template.scene in ["studio", "moon"]', "'moon' is not a value of template.scene"),
    ('product.has_pockets == "yes"', "product.has_pockets is true or false"),
    ("customer.vip", "Undefined variable"),
    ("product.season", "must yield true or false"),
    ('size(template) > 0', "refer to tags as template.<dimension>"),
    ('product["gender"] == "men"', "refer to tags as product.<dimension>"),
])
def test_bad_rules_are_refused_naming_the_field(expression, message):
    with pytest.raises(RuleError) as err:
        compile_rule(expression, D)
    assert err.value.field == "expression"
    assert message in err.value.message


def test_seeded_rules_compile_and_read_the_right_tags():
    rules = {name: compile_rule(e, D) for name, e, *_ in migration_module().RULES}
    assert [d.name for d in rules["pocket"].template_dims] == ["action"]
    assert [d.name for d in rules["pocket"].product_dims] == ["has_pockets"]
    assert {d.name for d in rules["gender"].template_dims} == {"model_gender"}
    assert {d.name for d in rules["season"].template_dims} == {"season", "scene"}


def test_pocket_rule_and_missing_bool_reads_false():
    pockets = {"action": "hands_in_pockets"}
    assert test_rule(D, POCKET, {"has_pockets": True}, pockets)
    assert not test_rule(D, POCKET, {"has_pockets": False}, pockets)
    assert not test_rule(D, POCKET, {}, pockets)  # not known to have pockets: held back
    assert test_rule(D, POCKET, {}, {"action": "walk"})


def test_gender_rule_and_missing_value_passes():
    assert test_rule(D, GENDER, {"gender": "women"}, {"model_gender": "female"})
    assert not test_rule(D, GENDER, {"gender": "women"}, {"model_gender": "male"})
    assert not test_rule(D, GENDER, {"gender": "men"}, {"model_gender": "female"})
    assert test_rule(D, GENDER, {"gender": "unisex"}, {"model_gender": "male"})
    assert test_rule(D, GENDER, {}, {"model_gender": "male"})  # unknown gender: the rule cannot judge, passes
    assert test_rule(D, GENDER, {"gender": "men"}, {})  # template without a model gender: passes
    assert compile_rule(GENDER, D).evaluate({}, {"model_gender": "male"}) is None


def test_season_rule():
    assert test_rule(D, SEASON, {"season": ["winter"]}, {"season": ["autumn", "winter"], "scene": "studio"})
    assert not test_rule(D, SEASON, {"season": ["summer"]}, {"season": ["winter"], "scene": "studio"})
    assert not test_rule(D, SEASON, {"season": ["winter"]}, {"scene": "beach"})
    assert test_rule(D, SEASON, {"season": ["summer"]}, {"scene": "beach"})
    assert test_rule(D, SEASON, {}, {"season": ["winter"], "scene": "beach"})


def test_has_guard_lets_a_rule_decide_on_missing_tags():
    strict = 'has(product.gender) && product.gender == "men"'
    assert not test_rule(D, strict, {}, {})
    assert test_rule(D, strict, {"gender": "men"}, {})


def test_crud(dsn):
    spec = RuleSpec("no_sitting_in_minis", 'template.action == "sit_down" ? product.length != "mini" : true',
                    "penalise", 0.7, "A seated model rides a mini skirt up.")
    with db.session(dsn) as s:
        stored = create_rule(s, spec)
        assert stored.id and stored.weight == 0.7 and stored.severity == "penalise"
    with db.session(dsn) as s:
        with pytest.raises(RuleConflict) as err:
            create_rule(s, spec)
        assert err.value.field == "name"
    with db.session(dsn) as s:
        assert [r.name for r in list_rules(s)] == ["gender", "no_sitting_in_minis", "pocket", "season"]
        changed = update_rule(s, spec.name, RuleSpec(spec.name, spec.expression, "block", 1.0, enabled=False))
        assert changed.severity == "block" and not changed.enabled
        assert [r.name for r in list_rules(s, enabled_only=True)] == ["gender", "pocket", "season"]
    with db.session(dsn) as s:
        with pytest.raises(RuleError) as err:
            update_rule(s, spec.name, RuleSpec(spec.name, 'template.action == "moonwalk"', "block"))
        assert err.value.field == "expression"
        assert get_rule(s, spec.name).expression == spec.expression  # type: ignore[union-attr]
        assert delete_rule(s, spec.name).name == spec.name
        assert get_rule(s, spec.name) is None
        with pytest.raises(RuleNotFound):
            delete_rule(s, spec.name)


@pytest.mark.parametrize(("spec", "field"), [
    (RuleSpec("Bad Name", "true", "block"), "name"),
    (RuleSpec("ok", "true", "forbid"), "severity"),  # type: ignore[arg-type]
    (RuleSpec("ok", "true", "penalise", weight=-1), "weight"),
    (RuleSpec("ok", "true", "penalise", weight=float("nan")), "weight"),
    (RuleSpec("ok", "product.nope", "block"), "expression"),
])
def test_create_refuses_bad_fields_and_stores_nothing(dsn, spec, field):
    with db.session(dsn) as s:
        with pytest.raises(RuleError) as err:
            create_rule(s, spec)
        assert err.value.field == field
        assert get_rule(s, "ok") is None
