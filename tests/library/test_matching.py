"""MatchTemplates over a small real library: what the rules exclude and why, what ranks first."""

from __future__ import annotations

import pytest

from catwalk.library import db
from catwalk.library.matching import Profile, match_templates
from catwalk.library.rules import RuleSpec, create_rule
from catwalk.library.tags import InvalidTags, load_dictionary
from catwalk.library.templates import add_template, delete_template
from tests.library.conftest import template

BASE = {"shot_type": "full_body", "scene": "studio", "season": ["spring", "summer", "autumn", "winter"]}


def add(dsn, *records):
    with db.session(dsn) as s:
        return [add_template(s, r) for r in records]


def match(dsn, tags, shot_types=(), count=10, descriptor=None, max_exclusions=100):
    with db.session(dsn) as s:
        return match_templates(s, load_dictionary(s), Profile(tags, descriptor), list(shot_types), count,
                               max_exclusions)


def test_pocket_and_gender_rules_exclude_exactly_and_say_why(dsn):
    add(dsn,
        template("pockets-f", action="hands_in_pockets", model_gender="female", **BASE),
        template("pockets-m", action="hands_in_pockets", model_gender="male", **BASE),
        template("idle-f", action="idle", model_gender="female", **BASE),
        template("idle-m", action="idle", model_gender="male", **BASE),
        template("walk-f", action="walk", model_gender="female", shot_type="runway_walk"))
    no_pockets = match(dsn, {"gender": "women", "has_pockets": False})
    assert sorted(m.template.name for m in no_pockets.matches) == ["idle-f", "walk-f"]
    assert no_pockets.excluded_by_rule == {"gender": 2, "pocket": 2}
    by_name = {e.template_name: e for e in no_pockets.exclusions}
    assert set(by_name) == {"pockets-f", "pockets-m", "idle-m"}
    assert by_name["pockets-f"].rule == "pocket"
    assert "action=hands_in_pockets" in by_name["pockets-f"].reason
    assert "has_pockets=false" in by_name["pockets-f"].reason
    assert by_name["idle-m"].rule == "gender" and "model_gender=male" in by_name["idle-m"].reason
    assert by_name["pockets-m"].rule in ("gender", "pocket")  # both reject it; the first by name is named
    assert no_pockets.considered == 5

    with_pockets = match(dsn, {"gender": "unisex", "has_pockets": True})
    assert len(with_pockets.matches) == 5 and with_pockets.exclusions == []
    assert with_pockets.excluded_by_rule == {"gender": 0, "pocket": 0}

    unknown = match(dsn, {})  # nothing known: gender cannot judge; pockets not known, so held back
    assert sorted(m.template.name for m in unknown.matches) == ["idle-f", "idle-m", "walk-f"]
    assert unknown.excluded_by_rule == {"gender": 0, "pocket": 2}
    assert "has_pockets=false (missing)" in unknown.exclusions[0].reason


def test_shot_types_and_status_filter(dsn):
    add(dsn, template("walk", action="walk", shot_type="runway_walk"),
        template("turn", action="turn", shot_type="turn"),
        template("close", action="detail_closeup", shot_type="detail_closeup"),
        template("pending", action="turn", shot_type="turn", status="importing"))
    result = match(dsn, {"has_pockets": True}, ["turn", "detail_closeup"])
    assert sorted(m.template.name for m in result.matches) == ["close", "turn"]
    assert result.considered == 2
    with pytest.raises(ValueError, match=r"^shot_types\[0\]"):
        match(dsn, {}, ["moonwalk"])
    with pytest.raises(ValueError, match=r"^count:"):
        match(dsn, {}, count=0)
    with pytest.raises(InvalidTags) as err:
        match(dsn, {"season": "winter"})
    assert err.value.violations[0].field == "profile.tags.season"


def test_ranking_prefers_matching_season_style_and_scene(dsn):
    common = {"action": "idle", "shot_type": "full_body", "model_gender": "female"}
    add(dsn,
        template("summer-beach-casual", season=["summer"], scene="beach", style=["casual"], **common),
        template("winter-studio-business", season=["winter"], scene="studio", style=["business"], **common),
        template("winter-office-business", season=["autumn", "winter"], scene="office", style=["business"], **common),
        template("winter-studio-sporty", season=["winter"], scene="studio", style=["sporty"], **common))
    coat = {"gender": "women", "has_pockets": True, "season": ["autumn", "winter"], "style": ["business"],
            "scene": "office"}
    ranked = match(dsn, coat).matches
    assert [m.template.name for m in ranked][:3] == [
        "winter-office-business", "winter-studio-business", "winter-studio-sporty"]
    best = ranked[0].breakdown
    assert best.tag_matches["season"] == 1.0 and best.tag_matches["style"] == 1.0 and best.tag_matches["scene"] == 1.0
    assert best.tag_fit == pytest.approx(3.0) and best.penalties == {}
    last = ranked[-1]
    assert last.template.name == "summer-beach-casual"
    assert last.breakdown.penalties == {"season": 0.5}  # out of season, and a beach for a winter coat
    assert last.breakdown.total == pytest.approx(last.breakdown.tag_fit + last.breakdown.visual_fit - 0.5)
    assert [m.breakdown.total for m in ranked] == sorted((m.breakdown.total for m in ranked), reverse=True)

    dress = {"gender": "women", "season": ["summer"], "style": ["casual"], "occasion": ["vacation"]}
    top = match(dsn, dress).matches[0]
    assert top.template.name == "summer-beach-casual"
    assert top.breakdown.tag_matches["scene"] == 0.5  # a beach suits a vacation: half weight, not asked for

    office = {"gender": "women", "has_pockets": True, "occasion": ["work"]}  # office or studio suit work
    assert [m.breakdown.tag_matches["scene"] for m in match(dsn, office).matches] == [0.5, 0.5, 0.5, 0.0]


def test_visual_fit_breaks_a_tag_tie_and_ties_are_deterministic(dsn):
    warm, cool = [1.0] * 8 + [0.0] * 16, [0.0] * 16 + [1.0] * 8
    made = add(dsn, *(template(f"twin-{i}", action="idle", **BASE) for i in range(6)),
               template("warm", descriptor=warm, action="idle", **BASE),
               template("cool", descriptor=cool, action="idle", **BASE))
    result = match(dsn, {"has_pockets": True}, descriptor=warm, count=4)
    assert result.matches[0].template.name == "warm"
    assert result.matches[0].breakdown.visual_fit == pytest.approx(1.0)
    tied = sorted(r.id for r in made if r.name != "warm")  # no descriptor, or an orthogonal one: visual fit 0
    assert [m.template.id for m in result.matches[1:]] == tied[:3]  # equal scores: smaller id first
    assert match(dsn, {"has_pockets": True}, descriptor=warm, count=4) == result


def test_colour_contrast_and_age_group(dsn):
    add(dsn, template("white-backdrop", action="idle", backdrop_colour=["white"], model_age_group="adult", **BASE),
        template("black-backdrop", action="idle", backdrop_colour=["black"], model_age_group="kids", **BASE))
    white_tee = match(dsn, {"has_pockets": True, "colour_family": ["white"], "age_group": "adult"}).matches
    by_name = {m.template.name: m.breakdown.tag_matches for m in white_tee}
    assert by_name["black-backdrop"]["backdrop_colour"] == 0.5 and by_name["white-backdrop"]["backdrop_colour"] == 0
    assert by_name["white-backdrop"]["age_group"] == 0.5 and by_name["black-backdrop"]["age_group"] == 0


def test_penalise_rules_and_rule_changes_apply_at_once(dsn):
    add(dsn, template("sit", action="sit_down", **BASE), template("stand", action="idle", **BASE))
    mini = {"has_pockets": True, "length": "mini"}
    assert len(match(dsn, mini).matches) == 2
    with db.session(dsn) as s:
        create_rule(s, RuleSpec("no_sitting_in_minis", 'template.action == "sit_down" ? product.length != "mini" '
                                ': true', "penalise", 2.0))
    ranked = match(dsn, mini).matches
    assert [m.template.name for m in ranked] == ["stand", "sit"]
    assert ranked[1].breakdown.penalties == {"no_sitting_in_minis": 2.0}
    with db.session(dsn) as s:
        create_rule(s, RuleSpec("no_sitting", 'template.action != "sit_down"', "block"))
    result = match(dsn, mini)
    assert [m.template.name for m in result.matches] == ["stand"]
    assert result.excluded_by_rule["no_sitting"] == 1


def test_library_changes_are_seen_at_once(dsn):
    (first,) = add(dsn, template("one", action="idle", **BASE))
    assert [m.template.name for m in match(dsn, {"has_pockets": True}).matches] == ["one"]
    add(dsn, template("two", action="idle", **BASE))
    assert len(match(dsn, {"has_pockets": True}).matches) == 2
    with db.session(dsn) as s:
        delete_template(s, first.id)
    assert [m.template.name for m in match(dsn, {"has_pockets": True}).matches] == ["two"]


def test_cache_follows_updates_and_truncate(dsn):
    from sqlalchemy import text

    from catwalk.library.templates import update_template

    made = add(dsn, *(template(f"t{i}", action="idle", **BASE) for i in range(4)))
    women = {"gender": "women", "has_pockets": True}
    assert len(match(dsn, women).matches) == 4
    with db.session(dsn) as s:
        update_template(s, made[0].id, status="failed")  # leaves the ready set
        update_template(s, made[1].id, tags={"action": "idle", "model_gender": "male", **BASE})  # now excluded
    result = match(dsn, women)
    assert sorted(m.template.name for m in result.matches) == ["t2", "t3"]
    assert [e.template_name for e in result.exclusions] == ["t1"]
    with db.session(dsn) as s:
        update_template(s, made[0].id, status="ready")
    assert sorted(m.template.name for m in match(dsn, women).matches) == ["t0", "t2", "t3"]
    with db.session(dsn) as s:
        s.execute(text("TRUNCATE templates"))
    add(dsn, template("after", action="idle", **BASE))
    assert [m.template.name for m in match(dsn, women).matches] == ["after"]


def test_exclusion_list_is_capped_but_counts_are_exact(dsn):
    add(dsn, *(template(f"men-{i}", action="idle", model_gender="male", **BASE) for i in range(7)))
    result = match(dsn, {"gender": "women", "has_pockets": True}, max_exclusions=3)
    assert result.matches == [] and len(result.exclusions) == 3 and result.excluded_by_rule["gender"] == 7
