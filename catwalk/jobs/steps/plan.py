"""Step 2, plan: the ranked legal templates (TemplateLibrary.MatchTemplates) → a shot plan of
about duration_s: shots of 2.5..4 s, best-ranked first, shot types and actions varied, distinct
templates until the legal ones run out, each shot with its fallbacks for the quality gate."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from catwalk.jobs.steps.context import StepRun, calling, failed
from catwalk.v1 import tags_pb2
from catwalk.v1 import template_library_pb2 as tl
from catwalk.v1 import template_library_pb2_grpc as tl_grpc

STEP = "plan"
MIN_SHOT_S, MAX_SHOT_S, TARGET_SHOT_S = 2.5, 4.0, 3.5
MATCH_COUNT = 40


@dataclass(frozen=True)
class TemplateRef:
    id: str
    name: str
    shot_type: str
    action: str
    duration_s: float
    fps: float
    width: int
    height: int
    video_key: str
    pose_track_key: str
    parse_track_key: str
    score: float

    @classmethod
    def of(cls, match: tl.TemplateMatch) -> TemplateRef:
        t = match.template
        return cls(t.id, t.name, _text(t.tags, "shot_type"), _text(t.tags, "action"), t.duration_s, t.fps,
                   t.width, t.height, t.assets.video_key, t.assets.pose_track_key, t.assets.parse_track_key,
                   round(match.score.total, 4))


@dataclass(frozen=True)
class PlannedShot:
    index: int
    template: TemplateRef
    in_s: float
    out_s: float
    fallbacks: list[TemplateRef] = field(default_factory=list)

    @property
    def duration_s(self) -> float:
        return self.out_s - self.in_s


@dataclass(frozen=True)
class Plan:
    duration_s: float
    shot_types: list[str]
    shots: list[PlannedShot]
    considered: int
    excluded_by_rule: dict[str, int]
    exclusions: list[dict[str, str]]
    skipped_rules: list[str]
    reused_templates: list[str]

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        shots = [PlannedShot(s["index"], TemplateRef(**s["template"]), s["in_s"], s["out_s"],
                             [TemplateRef(**f) for f in s["fallbacks"]]) for s in data["shots"]]
        return cls(**{**data, "shots": shots})


def _text(tags: Any, name: str) -> str:
    value = tags.get(name)
    return value.text if value is not None and value.WhichOneof("kind") == "text" else ""


def shot_lengths(duration_s: float) -> list[float]:
    """Equal shots of about TARGET_SHOT_S summing to duration_s, each within 2.5..4 s when the
    total allows (a total under 2.5 s is one shot)."""
    count = max(1, round(duration_s / TARGET_SHOT_S))
    while count > 1 and duration_s / count < MIN_SHOT_S:
        count -= 1
    while duration_s / count > MAX_SHOT_S:
        count += 1
    return [duration_s / count] * count


def _frames(seconds: float, fps: float) -> int:
    return max(1, round(seconds * fps))


def choose(templates: list[TemplateRef], lengths: list[float], seed: int, max_fallbacks: int) -> list[PlannedShot]:
    """Best-ranked first; a shot avoids the previous shot's shot type and action when another
    template allows; a template is reused (at another in-point) only when every legal one is used."""
    rng = np.random.default_rng([seed, 0x5107])
    uses: dict[str, list[float]] = {}
    shots: list[PlannedShot] = []
    previous: TemplateRef | None = None
    for i, length in enumerate(lengths):
        fits = [t for t in templates if t.duration_s + 1e-6 >= min(length, t.duration_s)]
        fresh = [t for t in fits if t.id not in uses] or sorted(fits, key=lambda t: len(uses[t.id]))
        varied = [t for t in fresh if previous is None
                  or (t.shot_type != previous.shot_type and t.action != previous.action)]
        varied = varied or [t for t in fresh if previous is None or t.action != previous.action] or fresh
        pick = varied[0]
        shot_len = min(length, pick.duration_s)
        frame = 1.0 / pick.fps if pick.fps > 0 else 0.04
        slack = max(0.0, pick.duration_s - shot_len)
        starts = uses.setdefault(pick.id, [])
        in_s = 0.0
        if slack > frame:  # another in-point than the ones this template already gave
            candidates = [round(x / frame) * frame for x in rng.uniform(0, slack, 8)]
            in_s = max(candidates, key=lambda x: min((abs(x - s) for s in starts), default=math.inf))
            in_s = min(in_s, slack)
        starts.append(in_s)
        shots.append(PlannedShot(i, pick, in_s, in_s + shot_len))
        previous = pick
    return _with_fallbacks(shots, templates, max_fallbacks)


def _with_fallbacks(shots: list[PlannedShot], templates: list[TemplateRef], count: int) -> list[PlannedShot]:
    """Each shot's fallbacks: templates the plan does not use, its own shot type first, by rank,
    each given to one shot while there are enough; then any other template."""
    used = {s.template.id for s in shots}
    spare = [t for t in templates if t.id not in used]
    given: set[str] = set()
    out = []
    for shot in shots:
        def order(t: TemplateRef, shot: PlannedShot = shot) -> tuple[bool, bool, bool]:
            return t.id in used, t.id in given, t.shot_type != shot.template.shot_type
        candidates = sorted((t for t in [*spare, *templates] if t.id != shot.template.id), key=order)  # stable: rank
        fallbacks = list({t.id: t for t in candidates}.values())[:count]
        given.update(t.id for t in fallbacks)
        out.append(PlannedShot(shot.index, shot.template, shot.in_s, shot.out_s, fallbacks))
    return out


def wanted_shot_types(options_types: list[str], profile: tags_pb2.ProductProfile) -> list[str]:
    return list(options_types) or [s.shot_type for s in profile.shot_types]


def plan(run: StepRun, profile: tags_pb2.ProductProfile, duration_s: float, shot_types: list[str],
         seed: int) -> Plan:
    stub = tl_grpc.TemplateLibraryStub(run.env.channel(run.env.template_library_url))
    with calling(STEP, "TemplateLibrary"):
        answer = stub.MatchTemplates(tl.MatchTemplatesRequest(profile=profile, shot_types=shot_types,
                                                              count=MATCH_COUNT), timeout=run.env.step_deadline_s)
    templates = [TemplateRef.of(m) for m in answer.matches if m.template.fps > 0 and m.template.duration_s > 0]
    if not templates:
        raise failed(STEP, "FAILED_PRECONDITION",
                     f"no template may be used for this product (shot types {shot_types or 'any'}; "
                     f"{answer.considered} considered, excluded {dict(answer.excluded_by_rule)})")
    lengths = shot_lengths(duration_s)
    shots = choose(templates, lengths, seed, run.env.max_fallbacks)
    counts: dict[str, int] = {}
    for s in shots:
        counts[s.template.id] = counts.get(s.template.id, 0) + 1
    return Plan(
        duration_s=round(sum(s.duration_s for s in shots), 4),
        shot_types=shot_types,
        shots=shots,
        considered=answer.considered,
        excluded_by_rule=dict(sorted(answer.excluded_by_rule.items())),
        exclusions=[{"template_id": e.template_id, "template_name": e.template_name, "rule": e.rule,
                     "reason": e.reason} for e in answer.exclusions],
        skipped_rules=list(answer.skipped_rules),
        reused_templates=sorted(t for t, n in counts.items() if n > 1),
    )
