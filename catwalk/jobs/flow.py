"""The one pipeline a video job runs: parse → plan → render → script → voice → music → cuts →
assemble → publish. Each step's output is checkpointed to jobs/<job_id>/steps/<NN>-<step>.json
in catwalk-jobs after its artifacts are written, and read back when the job runs again, so a
job killed mid-way resumes at the first unfinished step (render: at the first unfinished shot)
and, its keys being deterministic, never leaves duplicate outputs. The steps live in
catwalk.jobs.steps; this module only orders them."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from catwalk.jobs.flow_env import FlowEnv, Gates
from catwalk.jobs.steps import assemble as assemble_step
from catwalk.jobs.steps import media
from catwalk.jobs.steps.context import FlowCancelled, FlowFailed, JobStore, Progress, StepRun, storage_errors
from catwalk.jobs.steps.parse import Parsed, parse
from catwalk.jobs.steps.plan import Plan, plan, wanted_shot_types
from catwalk.jobs.steps.render import RenderedShot, render
from catwalk.v1 import tags_pb2
from catwalk.v1 import video_jobs_pb2 as vj

__all__ = ["FlowCancelled", "FlowEnv", "FlowFailed", "FlowResult", "Gates", "remove_outputs", "run_flow"]

DEFAULT_DURATION_S = 60.0
REPORT_NAME = "report.json"
# step → (number, percent of the job at its start, at its end)
STEPS: dict[str, tuple[int, float, float]] = {
    "parse": (1, 0, 3), "plan": (2, 3, 5), "render": (3, 5, 70), "script": (4, 70, 72), "voice": (5, 72, 78),
    "music": (6, 78, 80), "cuts": (7, 80, 81), "assemble": (8, 81, 98), "publish": (9, 98, 100),
}


@dataclass(frozen=True)
class FlowResult:
    video_key: str
    report_key: str
    report: dict[str, Any]
    duration_s: float


class _Flow:
    def __init__(self, run: StepRun) -> None:
        self.run = run
        self.timings: dict[str, dict[str, Any]] = {}

    def step(self, name: str, work: Callable[[], Any]) -> Any:
        """The step's output: from its checkpoint, or done now and checkpointed."""
        number, lo, hi = STEPS[name]
        run = self.run
        run.check_cancelled()
        run.enter(name, lo, hi)
        checkpoint = run.checkpoint_name(number, name)
        with storage_errors(name):
            saved = run.store.get_json(checkpoint)
            if saved is not None:
                self.timings[name] = {"wall_s": saved["wall_s"], "from_checkpoint": True}
                run.report(1.0, 0.0, "from checkpoint")
                return saved["output"]
            began = time.perf_counter()
            output = work()
            wall = round(time.perf_counter() - began, 3)
            run.store.put_json(checkpoint, {"step": name, "wall_s": wall, "output": output})
        self.timings[name] = {"wall_s": wall, "from_checkpoint": False}
        run.report(1.0, 0.0, f"done in {wall:.1f} s")
        return output


def _sleeve(profile: tags_pb2.ProductProfile) -> str:
    tag = profile.tags.get("sleeve_length")
    return tag.value.text if tag is not None and tag.value.WhichOneof("kind") == "text" else ""


def run_flow(job_id: str, request: vj.CreateVideoJobRequest, env: FlowEnv, progress: Progress,
             cancelled: Callable[[], bool]) -> FlowResult:
    """Runs (or resumes) the job; FlowCancelled when `cancelled()` turns true, FlowFailed when a step cannot be done."""
    run = StepRun(job_id, env, JobStore(env.s3(), job_id), progress, cancelled)
    flow = _Flow(run)
    options = request.options
    duration_s = options.duration_s or DEFAULT_DURATION_S
    started = time.perf_counter()

    parsed = Parsed.from_json(flow.step("parse", lambda: parse(run, request.product).as_json()))
    profile = parsed.profile_pb()
    shot_types = wanted_shot_types(list(options.shot_types), profile)
    the_plan = Plan.from_json(flow.step("plan", lambda: plan(run, profile, duration_s, shot_types,
                                                              options.seed).as_json()))
    number = STEPS["render"][0]
    shots = [RenderedShot.from_json(s) for s in flow.step("render", lambda: [
        s.as_json() for s in render(run, the_plan.shots, parsed.photo, _sleeve(profile), number)])]
    language = media.language_of(options.language, profile)
    script = flow.step("script", lambda: media.write_script(run, profile, shots, shot_types, language, options.seed))
    voice = flow.step("voice", lambda: media.synthesize(
        run, script, media.choose_voice(run, options.voice, script.get("language") or language)))
    style = media.music_style(options.music_style, profile)
    music = flow.step("music", lambda: media.select_music(run, style, duration_s, options.seed))
    cuts = flow.step("cuts", lambda: media.plan_cuts(run, shots, music))
    video = flow.step("assemble", lambda: assemble_step.assemble(run, shots, cuts, script, voice, music, options))

    def publish() -> dict[str, Any]:
        report = _report(job_id, request, parsed, the_plan, shots, script, voice, music, cuts, video, flow.timings,
                         round(time.perf_counter() - started, 3))
        return {"report_key": run.store.put_json(REPORT_NAME, report), "report": report}

    published = flow.step("publish", publish)
    report = {**published["report"], "steps": dict(flow.timings)}  # this run's: resumed steps say so
    return FlowResult(video["video_key"], published["report_key"], report, float(video.get("duration_s", 0.0)))


def _report(job_id: str, request: vj.CreateVideoJobRequest, parsed: Parsed, the_plan: Plan, shots: list[RenderedShot],
            script: dict[str, Any], voice: dict[str, Any], music: dict[str, Any], cuts: dict[str, Any],
            video: dict[str, Any], timings: dict[str, dict[str, Any]], wall_s: float) -> dict[str, Any]:
    """The job's JSON report: what was decided at every step, and how long each took."""
    planned = {s.index: s for s in the_plan.shots}
    clips = {c["shot_index"]: c for c in cuts["clips"]}
    return {
        "job_id": job_id,
        "profile": parsed.profile,
        "photo": {"bucket": parsed.photo.bucket, "key": parsed.photo.key},
        "rules": {"considered": the_plan.considered, "excluded_by_rule": the_plan.excluded_by_rule,
                  "exclusions": the_plan.exclusions, "skipped_rules": the_plan.skipped_rules},
        "plan": {"duration_s": the_plan.duration_s, "shot_types": the_plan.shot_types,
                 "reused_templates": the_plan.reused_templates},
        "shots": [{
            "index": s.index, "key": s.key, "template_id": s.template.id, "template_name": s.template.name,
            "shot_type": s.template.shot_type, "action": s.template.action,
            "planned_template": planned[s.index].template.name, "in_s": s.in_s, "out_s": s.out_s,
            "frames": s.frames, "cut": clips.get(s.index), "quality": s.quality, "passed_gates": s.passed,
            "fell_back": s.template.id != planned[s.index].template.id,
            "attempts": [{"template_id": a.template_id, "template_name": a.template_name, "in_s": a.in_s,
                          "out_s": a.out_s, "gate_failures": a.gate_failures, "quality": a.quality,
                          "render_s": a.render_s} for a in s.attempts],
        } for s in shots],
        "script": script,
        "voice": {"voice": voice["voice"], "lines": [{k: line.get(k) for k in ("line", "audio_key", "duration_s")}
                                                     for line in voice["lines"]]},
        "music": {k: music.get(k) for k in ("id", "name", "style", "bpm", "duration_s", "attribution")},
        "cuts": {"total_s": cuts["total_s"], "cuts": cuts["cuts"]},
        "video": video,
        "request": {"duration_s": request.options.duration_s or DEFAULT_DURATION_S, "seed": request.options.seed,
                    "language": request.options.language, "subtitles": not request.options.no_subtitles},
        "steps": dict(timings),
        "totals": {"wall_s": wall_s, "shots": len(shots), "flagged_shots": sum(not s.passed for s in shots),
                   "fallbacks_used": sum(s.template.id != planned[s.index].template.id for s in shots),
                   "rendered_frames": sum(s.frames for s in shots),
                   "resumed_steps": sorted(k for k, v in timings.items() if v["from_checkpoint"])},
    }


def remove_outputs(job_id: str, env: FlowEnv) -> None:
    """Deletes every object under jobs/<job_id>/ in catwalk-jobs (a cancelled or expired job)."""
    left = JobStore(env.s3(), job_id).remove_all()
    if left:
        raise RuntimeError(f"job {job_id}: could not delete {len(left)} objects, e.g. {left[0]}")
