"""The dictionary read back from the migrated database, and validation naming every problem."""

from __future__ import annotations

from sqlalchemy import text

from catwalk.library import db
from catwalk.library.dictionary import DIMENSIONS
from catwalk.library.tags import FieldViolation, load_dictionary, validate_tags


def test_database_holds_the_dictionary(dsn):
    with db.session(dsn) as s:
        dictionary = load_dictionary(s)
    assert list(dictionary.dimensions.values()) == list(DIMENSIONS)


def test_dictionary_cache_follows_the_version(dsn):
    with db.session(dsn) as s:
        first = load_dictionary(s)
        assert load_dictionary(s) is first  # cached: nothing changed
        s.execute(text("UPDATE tag_values SET en = en WHERE dimension = 'season' AND value = 'spring'"))
    with db.session(dsn) as s:
        second = load_dictionary(s)
    assert second is not first and second.version > first.version


def test_validate_names_each_problem(dsn):
    with db.session(dsn) as s:
        dictionary = load_dictionary(s)
    tags = {
        "season": ["winter", "monsoon"], "colour_family": ["black", "sky blue", "black"], "moonphase": "full",
        "has_pockets": "yes", "gender": ["women"], "style": "casual", "action": "walk", "category": "coat",
        "neckline": "hood",
    }
    violations = validate_tags(dictionary, tags, "product")
    by_field = {v.field: v.description for v in violations}
    assert set(by_field) == {"tags.season[1]", "tags.colour_family[1]", "tags.colour_family[2]", "tags.moonphase",
                             "tags.has_pockets", "tags.gender", "tags.style", "tags.action"}
    assert "'monsoon' is not a value of season" in by_field["tags.season[1]"]
    assert "did you mean 'blue'" in by_field["tags.colour_family[1]"]
    assert "listed twice" in by_field["tags.colour_family[2]"]
    assert "unknown tag dimension 'moonphase'" in by_field["tags.moonphase"]
    assert "true or false" in by_field["tags.has_pockets"]
    assert "one value" in by_field["tags.gender"]
    assert "a list of values" in by_field["tags.style"]
    assert "describes templates, not products" in by_field["tags.action"]
    assert validate_tags(dictionary, {"季节": ["winter"]}, "product") == [
        FieldViolation("tags.季节", "unknown tag dimension '季节'; did you mean 'season'?")]
    assert validate_tags(dictionary, {"action": "hands_in_pockets", "season": ["summer"], "loopable": True},
                         "template") == []
