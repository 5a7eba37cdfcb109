"""Steps 4..7 over MediaAssembler: the narration script, its voice, the music and the cuts
snapped to the music's beats."""

from __future__ import annotations

from typing import Any

from google.protobuf import json_format

from catwalk.jobs.steps.context import StepRun, calling, failed
from catwalk.jobs.steps.render import RenderedShot
from catwalk.v1 import media_assembler_pb2 as ma
from catwalk.v1 import media_assembler_pb2_grpc as ma_grpc
from catwalk.v1 import tags_pb2

SERVICE = "MediaAssembler"
# The language's voice when options.voice is empty and ListVoices does not answer first.
DEFAULT_VOICES = {"en": "en-joe", "zh": "zh-espeak"}
# A product's style (then occasion) tag → music style; anything else is "casual".
MUSIC_BY_STYLE = {
    "business": "business", "minimalist": "business", "commute": "business",
    "casual": "casual", "vintage": "casual", "preppy": "casual",
    "street": "street", "hiphop": "street", "punk": "street",
    "sporty": "sporty", "athleisure": "sporty", "outdoor": "sporty",
    "elegant": "elegant", "romantic": "elegant", "luxury": "elegant",
    "festive": "festive",
}
MUSIC_BY_OCCASION = {"work": "business", "party": "festive", "wedding": "elegant", "date": "elegant",
                     "sport": "sporty", "festival": "festive", "holiday": "festive", "daily": "casual",
                     "vacation": "casual"}
MUSIC_STYLES = ("business", "casual", "street", "sporty", "elegant", "festive")


def _stub(run: StepRun) -> ma_grpc.MediaAssemblerStub:
    return ma_grpc.MediaAssemblerStub(run.env.channel(run.env.media_assembler_url))


def _dict(message: Any) -> dict[str, Any]:
    return json_format.MessageToDict(message, preserving_proto_field_name=True,
                                     always_print_fields_with_no_presence=True)


def language_of(option: str, profile: tags_pb2.ProductProfile) -> str:
    if option:
        return option
    return profile.language if profile.language in ("zh", "en") else ("zh" if profile.language == "mixed" else "en")


def write_script(run: StepRun, profile: tags_pb2.ProductProfile, shots: list[RenderedShot], shot_types: list[str],
                 language: str, seed: int) -> dict[str, Any]:
    planned = [ma.PlannedShot(shot_type=s.template.shot_type, duration_s=s.out_s - s.in_s) for s in shots]
    with calling("script", SERVICE):
        script = _stub(run).WriteScript(ma.WriteScriptRequest(profile=profile, shots=planned, language=language,
                                                              seed=seed), timeout=run.env.step_deadline_s)
    return _dict(script)


def choose_voice(run: StepRun, option: str, language: str) -> str:
    if option:
        return option
    with calling("voice", SERVICE):
        voices = _stub(run).ListVoices(ma.ListVoicesRequest(language=language), timeout=run.env.step_deadline_s)
    return voices.voices[0].id if voices.voices else DEFAULT_VOICES.get(language, "en-joe")


def synthesize(run: StepRun, script: dict[str, Any], voice: str) -> dict[str, Any]:
    """One WAV per line at jobs/<id>/voice/<i>.wav; each line's speech with its timings."""
    lines = script.get("lines", [])
    speeches = []
    for i, line in enumerate(lines):
        run.check_cancelled()
        with calling("voice", SERVICE):
            speech = _stub(run).Synthesize(ma.SynthesizeRequest(text=line["text"], voice=voice,
                                                                output_key=run.store.key(f"voice/{i}.wav")),
                                           timeout=run.env.step_deadline_s)
        speeches.append(_dict(speech) | {"line": i})
        run.report((i + 1) / max(1, len(lines)), 0.0, f"line {i + 1}/{len(lines)}")
    return {"voice": voice, "lines": speeches}


def music_style(option: str, profile: tags_pb2.ProductProfile) -> str:
    """options.music_style, else the product's style tag, else its occasion, else casual (maps above)."""
    if option:
        return option
    for name, table in (("style", MUSIC_BY_STYLE), ("occasion", MUSIC_BY_OCCASION)):
        tag = profile.tags.get(name)
        if tag is None:
            continue
        kind = tag.value.WhichOneof("kind")
        values = [tag.value.text] if kind == "text" else list(tag.value.list.values) if kind == "list" else []
        for value in values:
            if value in table:
                return table[value]
    return "casual"


def select_music(run: StepRun, style: str, duration_s: float, seed: int) -> dict[str, Any]:
    with calling("music", SERVICE):
        track = _stub(run).SelectMusic(ma.SelectMusicRequest(style=style, duration_s=duration_s, seed=seed),
                                       timeout=run.env.step_deadline_s)
    return _dict(track)


def plan_cuts(run: StepRun, shots: list[RenderedShot], music: dict[str, Any]) -> dict[str, Any]:
    """Cuts on the beat; each shot's in/out moved to its snapped length, inside its clip (a shot
    its clip cannot lengthen gives the difference to the next shot, so the total is kept)."""
    wanted = [s.out_s - s.in_s for s in shots]
    with calling("cuts", SERVICE):
        plan = _stub(run).PlanCuts(ma.PlanCutsRequest(shot_durations_s=wanted, beats_s=music.get("beats_s", []),
                                                      downbeats_s=music.get("downbeats_s", [])),
                                   timeout=run.env.step_deadline_s)
    if len(plan.cuts) != len(shots):
        raise failed("cuts", "INTERNAL", f"{SERVICE} planned {len(plan.cuts)} cuts for {len(shots)} shots")
    available = [s.frames / s.fps if s.fps else s.out_s - s.in_s for s in shots]  # rendered clips start at 0
    lengths, short = fit_lengths([c.end_s - c.start_s for c in plan.cuts], available)
    clips = [{"shot_index": shot.index, "in_s": 0.0, "out_s": round(length, 4), "start_s": cut.start_s,
              "end_s": cut.end_s, "snapped_to": cut.snapped_to, "shift_s": cut.shift_s}
             for shot, cut, length in zip(shots, plan.cuts, lengths, strict=True)]
    return {"cuts": _dict(plan)["cuts"], "total_s": plan.total_s, "clips": clips, "unabsorbed_s": round(short, 4)}


def fit_lengths(wanted: list[float], available: list[float]) -> tuple[list[float], float]:
    """Each shot's length as near its wanted (snapped) length as its clip allows, the total
    kept: what a clip cannot give goes to the next shots, then to the earlier ones with room.
    Returns the lengths and what no clip could give (0 when the total is kept)."""
    lengths, carry = [], 0.0
    for want, have in zip(wanted, available, strict=True):
        used = min(want + carry, have)
        carry = want + carry - used
        lengths.append(used)
    for i in reversed(range(len(lengths))):
        if carry <= 1e-9:
            break
        take = min(available[i] - lengths[i], carry)
        lengths[i] += take
        carry -= take
    return lengths, max(0.0, carry)
