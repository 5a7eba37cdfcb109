"""Shot cuts snapped to the music: each boundary between shots moves to the nearest
downbeat within a tolerance, else the nearest beat, else stays where it was wanted; the
video keeps its total length and no shot gets shorter than a minimum."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from catwalk.errors import FieldError

DEFAULT_TOLERANCE_S = 0.35
DEFAULT_MIN_SHOT_S = 1.0


class CutError(FieldError):
    """Bad input to plan_cuts; `field` names it as PlanCutsRequest does."""


@dataclass(frozen=True)
class Cut:
    shot_index: int
    start_s: float
    end_s: float
    snapped_to: str  # "downbeat", "beat", "none" or "end"
    shift_s: float  # end_s minus where the shot was wanted to end


@dataclass(frozen=True)
class CutPlan:
    cuts: list[Cut]
    total_s: float


def _check_times(values: Sequence[float], field: str) -> list[float]:
    times = [float(v) for v in values]
    if not all(math.isfinite(t) for t in times):
        raise CutError(field, "every time must be a finite number")
    if any(b <= a for a, b in itertools.pairwise(times)):
        raise CutError(field, "times must be strictly increasing")
    return times


def _nearest(times: list[float], wanted: float, low: float, high: float, tolerance: float) -> float | None:
    """The time in [low, high] nearest `wanted`, if within tolerance."""
    fitting = [t for t in times if low <= t <= high and abs(t - wanted) <= tolerance]
    return min(fitting, key=lambda t: abs(t - wanted)) if fitting else None


def plan_cuts(durations_s: Sequence[float], beats_s: Sequence[float], downbeats_s: Sequence[float],
              tolerance_s: float = DEFAULT_TOLERANCE_S, min_shot_s: float = DEFAULT_MIN_SHOT_S) -> CutPlan:
    """Where each shot starts and ends once its end is snapped to the beat grid."""
    durations = [float(d) for d in durations_s]
    if not durations:
        raise CutError("shot_durations_s", "give at least one shot duration")
    if not all(math.isfinite(d) and d > 0 for d in durations):
        raise CutError("shot_durations_s", "every duration must be a positive finite number")
    if not (math.isfinite(min_shot_s) and min_shot_s > 0):
        raise CutError("min_shot_s", f"{min_shot_s} is not a positive number of seconds")
    if not (math.isfinite(tolerance_s) and tolerance_s >= 0):
        raise CutError("tolerance_s", f"{tolerance_s} is not a non-negative number of seconds")
    short = [i for i, d in enumerate(durations) if d < min_shot_s]
    if short:
        raise CutError("shot_durations_s", f"shot {short[0]} is {durations[short[0]]:.3f} s, "
                       f"shorter than the minimum {min_shot_s} s")
    beats = _check_times(beats_s, "beats_s")
    downbeats = _check_times(downbeats_s, "downbeats_s")

    wanted = [sum(durations[: i + 1]) for i in range(len(durations))]
    total = wanted[-1]
    cuts: list[Cut] = []
    start = 0.0
    for i, end_wanted in enumerate(wanted[:-1]):
        # Room on both sides: this shot keeps its minimum, and the next can still end where
        # it was wanted, so every later boundary always has a place to go.
        low, high = start + min_shot_s, wanted[i + 1] - min_shot_s
        end, snapped = end_wanted, "none"
        for kind, grid in (("downbeat", downbeats), ("beat", beats)):
            found = _nearest(grid, end_wanted, low, high, tolerance_s)
            if found is not None:
                end, snapped = found, kind
                break
        cuts.append(Cut(i, start, end, snapped, end - end_wanted))
        start = end
    cuts.append(Cut(len(durations) - 1, start, total, "end", 0.0))
    return CutPlan(cuts, total)
