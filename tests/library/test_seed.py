"""The starter library `catwalk up` renders into an empty library (the session stack is
started with seeding on): what an operator and the matcher rely on."""

from __future__ import annotations

import numpy as np

from catwalk.library.db import session
from catwalk.library.seed import seed_library
from catwalk.library.templates import list_templates
from catwalk.library.tracks import decode_parse_track, decode_pose_track
from catwalk.stack.s3 import s3_client
from catwalk.studio.motion import MOTIONS


def all_templates(dsn):
    records, token = [], None
    with session(dsn) as s:
        while True:
            page, token = list_templates(s, {}, 100, token)
            records += page
            if not token:
                return records


def test_up_seeds_every_action_and_shot_type_for_both_genders(stack):
    records = [r for r in all_templates(stack.database_url) if r.name.startswith("studio-")]
    assert len(records) >= 24 and all(r.status == "ready" for r in records)
    tags = [r.tags for r in records]
    assert {t["action"] for t in tags} == {m.tags.action for m in MOTIONS.values()}
    assert {t["shot_type"] for t in tags} == {"full_body", "detail_closeup", "runway_walk", "turn"}
    assert {t["model_gender"] for t in tags} == {"female", "male"}
    assert len({t["scene"] for t in tags}) >= 4 and len({t["lighting"] for t in tags}) >= 4
    for t in tags:  # every action is there for both genders
        assert sum(u["action"] == t["action"] for u in tags) >= 2
    assert all(r.descriptor is not None and abs(np.linalg.norm(r.descriptor) - 1) < 1e-3 for r in records)


def test_a_seeded_template_carries_its_truth_as_tracks(stack):
    record = next(r for r in all_templates(stack.database_url) if r.tags.get("action") == "hands_in_pockets")
    assert record.tags["requires_pockets"] is True
    s = stack.settings
    s3 = s3_client(stack.record["components"]["s3"]["endpoint"], s.s3_access_key, s.s3_secret_key)
    pose = decode_pose_track(s3.get_object("catwalk-library", record.assets["pose_track"]).read())
    parse = decode_parse_track(s3.get_object("catwalk-library", record.assets["parse_track"]).read())
    frames = round(record.duration_s * record.fps)
    assert pose.shape == (frames, 33, 4) and parse.shape == (frames, record.height, record.width)
    assert (pose[:, [11, 12, 23, 24], 3] > 0.5).all()
    # seeding again adds nothing: the starter set is complete
    assert seed_library(stack.database_url, s3) == 0
