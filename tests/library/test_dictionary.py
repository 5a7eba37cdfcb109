"""The dictionary as code: enough dimensions, unambiguous spellings, every value the studio
produces, and the migration's frozen copy in step with it."""

from __future__ import annotations

import pytest

from catwalk.library.dictionary import BY_NAME, DIMENSIONS
from catwalk.library.tags import Dictionary, _key, validate_tags
from tests.library.conftest import migration_module


def test_enough_dimensions_for_both_sides():
    assert len(DIMENSIONS) >= 30
    names = [d.name for d in DIMENSIONS]
    assert len(set(names)) == len(names)
    for required in ("category", "gender", "age_group", "season", "colour_family", "pattern", "material", "fit",
                     "length", "sleeve_length", "sleeve_type", "neckline", "collar", "closure", "has_pockets",
                     "waist", "thickness", "style", "occasion", "action", "shot_type", "camera_move", "scene",
                     "lighting", "model_gender", "body_type", "tempo", "orientation"):
        assert required in BY_NAME, required
    for d in DIMENSIONS:
        assert d.zh and d.en
        assert (d.kind == "bool") == (not d.values), d.name
        if d.kind == "many":
            assert len(d.values) <= 62, d.name  # the matcher packs a set into one int64


@pytest.mark.parametrize("d", DIMENSIONS, ids=lambda d: d.name)
def test_every_spelling_means_one_value(d):
    seen: dict[str, str] = {}
    for v in d.values:
        assert v.zh and v.en, v.value
        for spelling in (v.value, v.zh, v.en, *v.synonyms):
            other = seen.setdefault(_key(spelling), v.value)
            assert other == v.value, f"{d.name}: {spelling!r} means both {other} and {v.value}"


def test_normalise_zh_en_synonyms_any_case():
    dictionary = Dictionary(DIMENSIONS)
    assert dictionary.normalise("season", "秋季") == "autumn"
    assert dictionary.normalise("season", "FALL") == "autumn"
    assert dictionary.normalise("neckline", "V-Neck") == "v_neck"
    assert dictionary.normalise("colour_family", "Sky Blue") == "blue"
    assert dictionary.normalise("action", "手插口袋") == "hands_in_pockets"
    assert dictionary.normalise("has_pockets", "有") == "true"
    assert dictionary.normalise("season", "monsoon") is None
    assert dictionary.normalise("nope", "x") is None
    assert dictionary.normalise_dimension("袖长") == "sleeve_length"


def test_studio_motions_are_valid_template_tags():
    from catwalk.studio.motion import CAMERA_MOVES, MOTIONS

    dictionary = Dictionary(DIMENSIONS)
    for motion in MOTIONS.values():
        t = motion.tags
        tags = {"action": t.action, "shot_type": t.shot_type, "tempo": t.tempo, "camera_move": t.camera_move,
                "requires_pockets": t.requires_pockets, "loopable": t.loopable}
        assert validate_tags(dictionary, tags, "template") == [], motion.name
    assert set(CAMERA_MOVES) <= set(dictionary.values("camera_move"))


def test_studio_scenes_and_lightings_are_values():
    from catwalk.studio.backgrounds import BACKGROUNDS
    from catwalk.studio.lighting import LIGHTING

    dictionary = Dictionary(DIMENSIONS)
    assert set(BACKGROUNDS) <= set(dictionary.values("scene"))
    assert set(LIGHTING) <= set(dictionary.values("lighting"))


def test_studio_garment_listings_are_valid_product_tags():
    """Every studio garment's listing maps onto valid product tags (colours through synonyms)."""
    from catwalk.studio.listing import PALETTE, GarmentKind, random_spec, write_listing

    dictionary = Dictionary(DIMENSIONS)
    assert {str(k) for k in GarmentKind} <= set(dictionary.values("category"))
    for colour in PALETTE:
        assert dictionary.normalise("colour_family", colour.name_en), colour.name_en
        assert dictionary.normalise("colour_family", colour.name_zh), colour.name_zh
    for seed in range(60):
        a = write_listing(random_spec(seed), seed).attributes
        tags = {
            "category": a["category"], "silhouette": a["silhouette"], "pattern": a["pattern"], "length": a["length"],
            "closure": a["closure"], "has_pockets": a["has_pockets"], "gender": a["gender"],
            "season": str(a["season"]).split("/"), "material": [a["material"]], "style": [a["style"]],
            "occasion": [a["occasion"]], "hooded": a["hooded"], "belted": a["belted"], "drawstring": a["drawstring"],
            "colour_family": [dictionary.normalise("colour_family", str(a["colour"]))],
        }
        for key, dim in (("sleeve", "sleeve_length"), ("neckline", "neckline"), ("pocket_style", "pocket_style")):
            if key in a:
                tags[dim] = a[key]
        assert validate_tags(dictionary, tags, "product") == [], (seed, tags)


def test_migration_freezes_the_same_dictionary():
    frozen = migration_module().DIMENSIONS
    assert [(n, zh, en, a, k, tuple((v.value, v.zh, v.en, v.synonyms) for v in d.values))
            for d in DIMENSIONS for (n, zh, en, a, k) in [(d.name, d.zh, d.en, d.applies_to, d.kind)]] \
        == [(n, zh, en, a, k, tuple(values)) for n, zh, en, a, k, values in frozen]
