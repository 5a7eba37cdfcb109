"""Assembly benchmark: a 60 s 720x1280 video from eight 8 s studio clips, with music,
narration and subtitles.

    python -m catwalk.media.bench [--seconds 60] [--short-side 720] [--aspect 9:16] [--workdir DIR]

The source clips are mannequin clips rendered by the studio (720x1280, 25 fps, what the
starter templates are made of), kept under the work directory so a second run skips them;
the music bed is a generated track; the narration is spoken by Piper (en-joe). Prints wall
time, frames/s, the time of each stage, peak RSS, output size, loudness and true peak.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import av
import numpy as np
import soundfile

from catwalk.media import mix
from catwalk.media.assemble import AssemblyOptions, MusicInput, NarrationInput, ShotInput, assemble
from catwalk.media.video import write_mp4

CLIP_S, CLIP_FPS, CLIPS = 8.0, 25, 8
CLIPS_PLAN = [("walk", "female", "outdoor", "warm"), ("turn", "male", "studio", "soft"),
              ("idle", "female", "gradient", "cool"), ("arms_raise", "male", "room", "high_key"),
              ("detail_closeup", "female", "studio", "warm"), ("sit_down", "male", "outdoor", "soft"),
              ("walk", "male", "gradient", "high_key"), ("turn", "female", "room", "cool")]
LINES = ["Meet the linen shirt, cut loose for warm days.",
         "It breathes, it moves, and it goes from the office to the beach.",
         "Soft stone-washed linen, with a relaxed collar and rolled sleeves.",
         "Pair it with chinos for work, or shorts for the weekend.",
         "Made from European flax, it only gets softer with every wash.",
         "Find your size today, and make summer a little easier."]


def _render_clip(args: tuple[int, str, str, str, str, Path]) -> Path:
    from catwalk.studio.body import BodyShape, Gender
    from catwalk.studio.look import Look
    from catwalk.studio.mannequin import render_clip

    index, motion, named, scene, lighting, path = args
    gender: Gender = "male" if named == "male" else "female"
    if not path.exists():
        seed = 300 + index
        frames = render_clip(motion, CLIP_S, CLIP_FPS, width=720, height=1280,
                             body=BodyShape.random(seed, gender),
                             look=Look.random(seed, gender),
                             background=scene, lighting_preset=lighting, seed=seed)
        write_mp4((f.image for f in frames), path, CLIP_FPS)
    return path


def source_clips(workdir: Path) -> list[Path]:
    """The eight studio clips, rendered on all cores the first time."""
    workdir.mkdir(parents=True, exist_ok=True)
    jobs = [(i, *plan, workdir / f"clip-{i}-{plan[0]}.mp4") for i, plan in enumerate(CLIPS_PLAN[:CLIPS])]
    with ProcessPoolExecutor() as pool:
        return list(pool.map(_render_clip, jobs))


def music_bed(seconds: float, path: Path) -> Path:
    from catwalk.media.music.generate import generate_track

    track = generate_track("casual", seconds + 2, 98.0, seed=7)
    soundfile.write(str(path), track.samples, track.sample_rate)
    return path


def narration(seconds: float, workdir: Path) -> list[NarrationInput]:
    """One spoken line per stretch of the video, each a WAV with its word timings."""
    from catwalk.media.voice import synthesize

    out = []
    slot = seconds / len(LINES)
    for i, line in enumerate(LINES):
        speech = synthesize(line, "en-joe")
        path = workdir / f"line-{i}.wav"
        path.write_bytes(speech.wav_bytes())
        out.append(NarrationInput(path, i * slot + 0.4, speech.words))
    return out


def decoded_audio(path: Path) -> tuple[np.ndarray, int]:
    """The MP4's audio as decoded by a player: float [samples, channels] and its rate."""
    with av.open(str(path)) as container:
        chunks = [f.to_ndarray() for f in container.decode(audio=0)]
        return np.concatenate(chunks, axis=1).T, container.streams.audio[0].rate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--short-side", type=int, default=720)
    parser.add_argument("--aspect", default="9:16")
    parser.add_argument("--preset", default="veryfast")
    parser.add_argument("--one-thread", action="store_true", help="encode in the composing thread")
    parser.add_argument("--workdir", type=Path, default=Path(".catwalk/cache/media-bench"))
    args = parser.parse_args(argv)
    threads = "one thread" if args.one_thread else "encoder thread"

    started = time.perf_counter()
    clips = source_clips(args.workdir)
    print(f"source clips: {len(clips)} x {CLIP_S:.0f} s 720x1280 studio renders ready in "
          f"{time.perf_counter() - started:.1f}s (cached in {args.workdir})")
    per_shot = args.seconds / len(clips)
    lead = (CLIP_S - per_shot) / 2  # the middle of each clip
    shots = [ShotInput(c, max(0.0, lead), max(0.0, lead) + per_shot) for c in clips]
    with tempfile.TemporaryDirectory(prefix="catwalk-media-bench-") as tmp:
        work = Path(tmp)
        started = time.perf_counter()
        music = MusicInput(music_bed(args.seconds, work / "music.wav"))
        lines = narration(args.seconds, work)
        print(f"music bed and {len(lines)} narration lines (Piper en-joe) in {time.perf_counter() - started:.1f}s")
        out = work / "video.mp4"
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        result = assemble(shots, lines, music, AssemblyOptions(aspect=args.aspect, short_side=args.short_side,
                                                                preset=args.preset,
                                                                encode_thread=not args.one_thread), out)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        stages = ", ".join(f"{k} {v:.2f}s" for k, v in result.stage_s.items())
        print(f"assembled {result.width}x{result.height} {result.duration_s:.2f}s ({result.frames} frames at "
              f"{result.fps:g} fps, preset {args.preset}, {threads}) in {result.wall_s:.2f}s: "
              f"{result.frames / result.wall_s:.1f} frames/s")
        print(f"stages: {stages}")
        print(f"peak RSS {rss:.0f} MB ({rss_before:.0f} MB before assembly, Piper included); "
              f"output {result.size_bytes / 1e6:.2f} MB "
              f"({result.size_bytes * 8 / result.duration_s / 1e6:.2f} Mb/s); "
              f"loudness {result.loudness_lufs:.2f} LUFS, true peak {result.true_peak_dbtp:.2f} dBTP; "
              f"{len(result.subtitles)} subtitle cues")
        audio, rate = decoded_audio(out)
        print(f"decoded AAC: {len(audio) / rate:.3f}s, loudness {mix.integrated_loudness(audio, rate):.2f} LUFS, "
              f"true peak {mix.true_peak_dbtp(audio, rate):.2f} dBTP")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
