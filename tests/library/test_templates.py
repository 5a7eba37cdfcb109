"""Template rows: writes are validated, reads find them, paging is stable under inserts."""

from __future__ import annotations

import pytest

from catwalk.library import db
from catwalk.library.tags import InvalidTags
from catwalk.library.templates import (
    TemplateExists,
    add_template,
    count_templates,
    delete_template,
    get_template,
    get_template_by_source,
    list_templates,
    update_template,
)
from tests.library.conftest import template


def test_add_get_update_delete(dsn):
    record = template("walk-01", descriptor=[0.5] * 24, action="walk", shot_type="runway_walk", season=["summer"])
    record.source_key = "uploads/walk-01.mp4"
    with db.session(dsn) as s:
        added = add_template(s, record)
    assert added.id and added.created_at is not None and added.descriptor == [0.5] * 24
    with db.session(dsn) as s:
        assert get_template(s, added.id) == added
        assert get_template_by_source(s, "uploads/walk-01.mp4") == added
        assert get_template(s, "not-a-uuid") is None
        done = update_template(s, added.id, status="failed", error="decoder: not a video")
        assert done is not None and done.status == "failed" and done.error == "decoder: not a video"
        assert done.updated_at is not None and added.updated_at is not None and done.updated_at > added.updated_at
    with db.session(dsn) as s:
        gone = delete_template(s, added.id)
        assert gone is not None and gone.assets["video"] == "templates/walk-01/video.mp4"
        assert get_template(s, added.id) is None and delete_template(s, added.id) is None


def test_names_and_source_keys_are_unique(dsn):
    first = template("idle-01", action="idle")
    first.source_key = "uploads/a.mp4"
    with db.session(dsn) as s:
        add_template(s, first)
    second = template("idle-01", action="idle")
    with db.session(dsn) as s, pytest.raises(TemplateExists) as err:
        add_template(s, second)
    assert err.value.field == "name"
    third = template("idle-02", action="idle")
    third.source_key = "uploads/a.mp4"
    with db.session(dsn) as s, pytest.raises(TemplateExists) as err:
        add_template(s, third)
    assert err.value.field == "source_key"
    with db.session(dsn) as s:
        assert count_templates(s) == 1


def test_bad_tags_and_fields_are_refused(dsn):
    with db.session(dsn) as s:
        with pytest.raises(InvalidTags) as err:
            add_template(s, template("bad", action="moonwalk", has_pockets=True))
        assert {v.field for v in err.value.violations} == {"tags.action", "tags.has_pockets"}
        with pytest.raises(ValueError, match=r"^descriptor:"):
            add_template(s, template("bad", descriptor=[1.0, 2.0]))
        bad_status = template("bad")
        bad_status.status = "done"
        with pytest.raises(ValueError, match=r"^status:"):
            add_template(s, bad_status)
        assert count_templates(s) == 0


def test_filters(dsn):
    with db.session(dsn) as s:
        add_template(s, template("a", scene="beach", season=["summer"], shot_type="full_body"))
        add_template(s, template("b", scene="beach", season=["summer", "spring"], shot_type="turn"))
        add_template(s, template("c", scene="studio", season=["winter"], shot_type="full_body"))
        add_template(s, template("d", scene="studio", status="importing"))
    with db.session(dsn) as s:
        def names(**kw):
            return [t.name for t in list_templates(s, page_size=10, **kw)[0]]
        assert names(filters={"scene": "beach"}) == ["a", "b"]
        assert names(filters={"season": ["spring", "summer"]}) == ["b"]
        assert names(filters={"scene": "studio", "shot_type": "full_body"}) == ["c"]
        assert names(status="importing") == ["d"]
        with pytest.raises(InvalidTags) as err:
            names(filters={"scene": "moon"})
        assert err.value.violations[0].field == "filters.scene"


def test_paging_is_stable_while_templates_are_added(dsn):
    with db.session(dsn) as s:
        for i in range(25):
            add_template(s, template(f"old-{i:02d}", action="walk"))
    seen, token, added = [], None, 0
    while True:
        with db.session(dsn) as s:
            page, token = list_templates(s, {}, page_size=4, page_token=token)
        seen += [t.name for t in page]
        with db.session(dsn) as s:  # someone imports between every page
            add_template(s, template(f"new-{added:02d}", action="walk"))
            added += 1
        if token is None:
            break
    old = [n for n in seen if n.startswith("old-")]
    assert old == [f"old-{i:02d}" for i in range(25)]  # each old row once, in order
    assert len(seen) == len(set(seen))


@pytest.mark.parametrize("token", ["garbage", "eyJ4IjoxfQ", "", "!!!"])
def test_bad_page_token_names_the_field(dsn, token):
    with db.session(dsn) as s:
        if token == "":
            assert list_templates(s, {}, 5, token) == ([], None)
            return
        with pytest.raises(ValueError, match=r"^page_token:"):
            list_templates(s, {}, 5, token)


def test_bad_page_size(dsn):
    with db.session(dsn) as s, pytest.raises(ValueError, match=r"^page_size:"):
        list_templates(s, {}, 0)
