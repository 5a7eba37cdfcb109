"""The flow's pure arithmetic: shot lengths for a duration, cuts fitted into rendered clips."""

from __future__ import annotations

import pytest

from catwalk.jobs.steps.media import fit_lengths
from catwalk.jobs.steps.plan import MAX_SHOT_S, MIN_SHOT_S, shot_lengths


@pytest.mark.parametrize("duration", [10.0, 12.5, 30.0, 60.0, 61.3, 180.0])
def test_shot_lengths_fill_the_duration_within_bounds(duration):
    lengths = shot_lengths(duration)
    assert sum(lengths) == pytest.approx(duration)
    assert all(MIN_SHOT_S <= x <= MAX_SHOT_S for x in lengths)


def test_a_short_total_is_one_shot():
    assert shot_lengths(2.0) == [2.0]


def test_cuts_that_fit_are_kept():
    assert fit_lengths([3.2, 3.5, 3.3], [3.7, 3.7, 3.7]) == ([3.2, 3.5, 3.3], 0.0)


def test_a_cut_longer_than_its_clip_gives_the_rest_to_the_next_shot():
    lengths, short = fit_lengths([3.9, 3.0, 3.1], [3.6, 3.7, 3.7])
    assert lengths == pytest.approx([3.6, 3.3, 3.1]) and short == 0.0


def test_the_last_shot_short_of_frames_takes_from_earlier_shots():
    lengths, short = fit_lengths([3.0, 3.0, 4.0], [3.7, 3.7, 3.6])
    assert lengths == pytest.approx([3.0, 3.4, 3.6]) and sum(lengths) == pytest.approx(10.0) and short == 0.0


def test_clips_too_short_for_the_total_say_by_how_much():
    lengths, short = fit_lengths([3.0, 3.0], [2.5, 2.8])
    assert lengths == pytest.approx([2.5, 2.8]) and short == pytest.approx(0.7)
