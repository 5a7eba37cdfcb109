"""plan_cuts: shot boundaries on the beat grid, the total and the minimum shot kept."""

from __future__ import annotations

import math

import pytest

from catwalk.media.cuts import CutError, plan_cuts

BPM = 120.0
BEATS = [0.1 + k * 60 / BPM for k in range(64)]  # every 0.5 s from 0.1
DOWNBEATS = BEATS[::4]  # every 2 s from 0.1


def test_boundaries_land_on_downbeats_first_then_beats_and_the_total_is_kept():
    plan = plan_cuts([2.0, 1.7, 3.05, 2.5], BEATS, DOWNBEATS)
    ends = [c.end_s for c in plan.cuts]
    # 2.0 -> downbeat 2.1; 3.7 -> downbeat 4.1 is 0.4 away (over 0.35), so beat 3.6;
    # 6.75 -> no downbeat within 0.35 (6.1, 8.1), so the nearer beat 6.6 (7.1 is 0.35 away).
    assert [c.snapped_to for c in plan.cuts] == ["downbeat", "beat", "beat", "end"]
    assert ends[:3] == pytest.approx([2.1, 3.6, 6.6])
    assert plan.total_s == ends[-1] == pytest.approx(9.25)
    assert [c.shift_s for c in plan.cuts] == pytest.approx([0.1, -0.1, -0.15, 0.0])
    assert [c.start_s for c in plan.cuts] == pytest.approx([0.0, *ends[:3]])
    assert all(abs(c.shift_s) <= 0.35 for c in plan.cuts)


def test_a_downbeat_wins_over_a_nearer_beat_within_tolerance():
    plan = plan_cuts([4.3, 2.0], BEATS, DOWNBEATS)  # beat 4.35 is 0.05 away, downbeat 4.1 is 0.2
    assert plan.cuts[0].snapped_to == "downbeat" and plan.cuts[0].end_s == pytest.approx(4.1)


def test_a_boundary_with_nothing_near_stays_put():
    plan = plan_cuts([2.3, 2.0], [0.0, 1.0, 5.0], [0.0], tolerance_s=0.2)
    assert plan.cuts[0].snapped_to == "none" and plan.cuts[0].end_s == 2.3 and plan.cuts[0].shift_s == 0.0


def test_no_shot_gets_shorter_than_the_minimum_even_when_a_beat_is_nearer():
    # A 1.2 s shot whose end would snap 0.3 s earlier to a downbeat: it may not go under 1.0 s.
    beats = [0.0, 0.9, 1.5, 3.0]
    plan = plan_cuts([1.2, 1.1, 2.0], beats, [0.9], tolerance_s=0.35, min_shot_s=1.0)
    lengths = [c.end_s - c.start_s for c in plan.cuts]
    assert min(lengths) >= 1.0 - 1e-9
    assert plan.cuts[0].snapped_to == "none"  # 0.9 would leave 0.9 s; 1.5 is 0.3 away but leaves the next shot 0.8 s
    assert plan.total_s == pytest.approx(4.3)


def test_boundaries_strictly_increase_on_a_dense_random_plan():
    import random

    rng = random.Random(7)
    durations = [rng.uniform(1.0, 4.0) for _ in range(30)]
    plan = plan_cuts(durations, BEATS + [BEATS[-1] + 0.5 * k for k in range(1, 200)], DOWNBEATS, tolerance_s=0.6)
    assert plan.total_s == pytest.approx(sum(durations))
    assert all(b.start_s == a.end_s for a, b in zip(plan.cuts, plan.cuts[1:], strict=False))
    assert all(c.end_s - c.start_s >= 1.0 - 1e-9 for c in plan.cuts)
    assert sum(c.snapped_to in ("downbeat", "beat") for c in plan.cuts) == 29  # beats every 0.5 s, tolerance 0.6


def test_one_shot_is_the_whole_plan():
    plan = plan_cuts([5.0], [], [])
    assert len(plan.cuts) == 1 and plan.cuts[0].snapped_to == "end" and plan.total_s == 5.0


@pytest.mark.parametrize(("args", "field"), [
    (([], BEATS, DOWNBEATS), "shot_durations_s"),
    (([2.0, -1.0], BEATS, DOWNBEATS), "shot_durations_s"),
    (([2.0, math.nan], BEATS, DOWNBEATS), "shot_durations_s"),
    (([2.0, math.inf], BEATS, DOWNBEATS), "shot_durations_s"),
    (([2.0, 0.5], BEATS, DOWNBEATS), "shot_durations_s"),  # under min_shot_s
    (([2.0, 2.0], [1.0, 0.5, 2.0], DOWNBEATS), "beats_s"),
    (([2.0, 2.0], [1.0, math.nan], DOWNBEATS), "beats_s"),
    (([2.0, 2.0], BEATS, [2.0, 1.0]), "downbeats_s"),
])
def test_bad_input_names_the_field(args, field):
    with pytest.raises(CutError) as caught:
        plan_cuts(*args)
    assert caught.value.field == field


def test_a_bad_tolerance_names_its_field():
    with pytest.raises(CutError) as caught:
        plan_cuts([2.0, 2.0], BEATS, DOWNBEATS, tolerance_s=-0.1)
    assert caught.value.field == "tolerance_s"
