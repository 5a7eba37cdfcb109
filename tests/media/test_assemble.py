"""Final assembly: the MP4 a user gets (codecs, size, duration, loudness, streaming layout,
subtitles, crossfades), bad inputs named by field, progress and cancellation; and the
subtitle cues and their rendering."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import av
import numpy as np
import pytest
import soundfile

from catwalk.media import mix
from catwalk.media.assemble import (
    AssemblyCancelled,
    AssemblyError,
    AssemblyOptions,
    AssemblyResult,
    MusicInput,
    NarrationInput,
    ShotInput,
    assemble,
)
from catwalk.media.subtitles import LINE_CHARS, SubtitleRenderer, cues_from_words
from catwalk.media.video import read_frames, write_mp4

RED, BLUE = (200, 50, 40), (40, 60, 200)
WORDS = [("Meet", 0.0, 0.3), ("the", 0.35, 0.5), ("linen", 0.55, 0.9), ("shirt.", 0.95, 1.4)]


def _clip(path: Path, width: int, height: int, seconds: float, fps: float, colour: tuple[int, int, int]) -> Path:
    """Textured, moving frames of one dominant colour, never pure white."""
    rng = np.random.default_rng(0)
    texture = rng.integers(-25, 25, (height, width, 1))

    def frames() -> Iterator[np.ndarray]:
        for i in range(round(seconds * fps)):
            f = np.clip(np.array(colour)[None, None] + np.roll(texture, 3 * i, axis=1), 0, 215).astype(np.uint8)
            f[:, (5 * i) % width:(5 * i) % width + 8] = (210, 200, 60)
            yield f

    write_mp4(frames(), path, fps)
    return path


def _wav(path: Path, samples: np.ndarray, sr: int) -> Path:
    soundfile.write(str(path), samples.astype(np.float32), sr)
    return path


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("assemble")
    t = np.arange(22050 * 2) / 22050
    speech = 0.3 * sum(np.sin(2 * np.pi * 150 * k * t) / k for k in range(1, 5)) * (np.sin(2 * np.pi * 4 * t) > -0.3)
    tm = np.arange(44100 * 10) / 44100
    chord = 0.5 * sum(np.sin(2 * np.pi * f * tm) for f in (220.0, 277.2, 329.6)) / 3
    return {"red": _clip(d / "red.mp4", 320, 568, 3, 25, RED),
            "blue": _clip(d / "blue.mp4", 320, 568, 3, 30, BLUE),
            "voice": _wav(d / "voice.wav", speech, 22050),
            "music": _wav(d / "music.wav", np.stack([chord, chord], axis=1), 44100),
            "text": _text(d / "notes.txt"), "dir": d}


def _text(path: Path) -> Path:
    path.write_text("not a video\n" * 50)
    return path


def _shots(media: dict[str, Path]) -> list[ShotInput]:
    return [ShotInput(media["red"], 0.5, 2.5), ShotInput(media["blue"], 0.0, 2.0)]


@pytest.fixture(scope="module")
def made(media: dict[str, Path]) -> tuple[AssemblyResult, list[tuple[str, float, str]]]:
    events: list[tuple[str, float, str]] = []
    result = assemble(_shots(media), [NarrationInput(media["voice"], 0.5, WORDS)], MusicInput(media["music"], 1.0),
                      AssemblyOptions(aspect="9:16", short_side=360, crossfade_s=0.4), media["dir"] / "out.mp4",
                      progress=lambda *e: events.append(e))
    return result, events


def _decoded_audio(path: Path) -> tuple[np.ndarray, int]:
    with av.open(str(path)) as c:
        chunks = [f.to_ndarray() for f in c.decode(audio=0)]
        return np.concatenate(chunks, axis=1).T.astype(np.float64), c.streams.audio[0].rate


def test_output_is_a_streamable_h264_aac_mp4(made: tuple[AssemblyResult, list]) -> None:
    result, _ = made
    with av.open(str(result.path)) as c:
        video, audio = c.streams.video[0], c.streams.audio[0]
        assert (video.codec_context.name, audio.codec_context.name) == ("h264", "aac")
        assert (video.width, video.height) == (360, 640) == (result.width, result.height)
        assert video.format.name == "yuv420p"
        assert audio.rate == 48000 and audio.channels == 2
        assert 140_000 <= audio.bit_rate <= 200_000  # asked for 192 kb/s; AAC spends less on a simple mix
    data = result.path.read_bytes()
    assert data.index(b"moov") < data.index(b"mdat")  # faststart: the index comes first
    assert result.size_bytes == len(data)
    assert not list(result.path.parent.glob(".*partial"))


def test_duration_is_the_sum_of_the_shots_and_audio_matches(made: tuple[AssemblyResult, list]) -> None:
    result, _ = made
    frames = sum(1 for _ in read_frames(result.path))
    assert frames == result.frames == 100  # 2.0 s + 2.0 s at 25 fps
    assert abs(frames / 25 - 4.0) <= 1 / 25
    audio, sr = _decoded_audio(result.path)
    assert abs(len(audio) / sr - frames / 25) <= 1 / 25


def test_decoded_audio_is_mastered(made: tuple[AssemblyResult, list]) -> None:
    result, _ = made
    audio, sr = _decoded_audio(result.path)
    assert abs(mix.integrated_loudness(audio, sr) + 14) <= 1.0
    assert mix.true_peak_dbtp(audio, sr) <= -1.0
    assert abs(result.loudness_lufs + 14) <= 0.5 and result.true_peak_dbtp <= -1.0


def _bottom(frame: np.ndarray) -> np.ndarray:
    h = frame.shape[0]
    return frame[int(0.7 * h):int(0.95 * h)].astype(np.int16)


def test_subtitles_show_during_their_cue_only(media: dict[str, Path], made: tuple[AssemblyResult, list]) -> None:
    result, _ = made
    assert [c.text for c in result.subtitles] == ["Meet the linen shirt."]
    cue = result.subtitles[0]
    assert cue.start_s == pytest.approx(0.5) and cue.end_s >= 0.5 + 1.4
    plain = assemble(_shots(media), [NarrationInput(media["voice"], 0.5, WORDS)], MusicInput(media["music"], 1.0),
                     AssemblyOptions(short_side=360, crossfade_s=0.4, subtitles=False), media["dir"] / "plain.mp4")
    assert plain.subtitles == []
    for n, (with_subs, without) in enumerate(zip(read_frames(result.path), read_frames(plain.path), strict=True)):
        t = (n + 0.5) / 25
        white = np.sum(np.all(_bottom(with_subs) > 235, axis=2))
        changed = np.mean(np.abs(_bottom(with_subs) - _bottom(without)) > 40)
        if cue.start_s + 0.05 < t < cue.end_s - 0.05:
            assert white > 50 and changed > 0.01, f"no subtitle in frame {n}"
        elif t < cue.start_s - 0.05 or t > cue.end_s + 0.05:
            assert white == 0 and changed < 0.002, f"subtitle outside its cue in frame {n}"


def _colour_share(frame: np.ndarray) -> float:
    """Where a frame sits between the red shot (0) and the blue one (1), by its centre."""
    h, w = frame.shape[:2]
    r, _, b = frame[h // 4:h // 2, w // 4:3 * w // 4].reshape(-1, 3).mean(axis=0)
    red, blue = RED[2] - RED[0], BLUE[2] - BLUE[0]
    return float((b - r - red) / (blue - red))


def test_crossfade_blends_both_shots_around_the_cut(made: tuple[AssemblyResult, list]) -> None:
    result, _ = made
    frames = list(read_frames(result.path))
    shares = [_colour_share(f) for f in frames]
    assert max(shares[:40]) < 0.1 and min(shares[60:]) > 0.9  # red before the fade, blue after
    assert 0.35 < shares[49] < 0.65 and 0.35 < shares[50] < 0.65  # the cut at 2.0 s: half of each
    fade = shares[44:56]
    assert all(b >= a - 0.03 for a, b in pairwise(fade))  # a ramp, not a jump


def test_hard_cuts_switch_on_the_frame(media: dict[str, Path]) -> None:
    out = media["dir"] / "hard.mp4"
    assemble(_shots(media), [], None, AssemblyOptions(short_side=180, crossfade_s=0, subtitles=False), out)
    shares = [_colour_share(f) for f in read_frames(out)]
    assert len(shares) == 100
    assert max(shares[:50]) < 0.1 and min(shares[50:]) > 0.9


def test_progress_is_monotonic_and_reaches_100(made: tuple[AssemblyResult, list]) -> None:
    _, events = made
    percents = [p for _, p, _ in events]
    assert percents == sorted(percents) and percents[-1] == 100
    stages = [s for s, _, _ in events]
    assert stages[0] == "mixing" and "rendering" in stages and stages[-1] == "done"


@pytest.mark.parametrize(("aspect", "size"), [("9:16", (180, 320)), ("16:9", (320, 180)), ("1:1", (180, 180)),
                                              ("3:4", (180, 240))])
def test_every_aspect_fills_the_frame(media: dict[str, Path], aspect: str, size: tuple[int, int]) -> None:
    out = media["dir"] / f"aspect-{aspect.replace(':', 'x')}.mp4"
    result = assemble([ShotInput(media["red"], 0.0, 1.0)], [], None,
                      AssemblyOptions(aspect=aspect, short_side=180, subtitles=False,
                                      encode_thread=aspect != "1:1"), out)  # both ways of encoding
    frame = next(read_frames(out))
    assert (result.width, result.height) == size == (frame.shape[1], frame.shape[0])
    w = frame.shape[1]
    centre = frame[:, w // 2 - 10:w // 2 + 10].reshape(-1, 3).mean(axis=0)
    assert centre[0] > 150  # the shot itself, whole
    if aspect == "16:9":  # fitted over a blurred, darkened copy: no black bars
        side = frame[:, :w // 8].reshape(-1, 3).mean(axis=0)
        assert 40 < side[0] < 0.8 * centre[0]
    with av.open(str(out)) as c:
        assert c.streams.audio[0].codec_context.name == "aac"


@pytest.mark.parametrize(("change", "field"), [
    ({"shots": "text"}, "shots[1].s3_key"),
    ({"in_s": 5.0}, "shots[1].in_s"),
    ({"out_s": 9.0}, "shots[1].out_s"),
    ({"in_s": 2.0, "out_s": 1.0}, "shots[1].in_s"),
    ({"narration": "text"}, "narration[0].audio_key"),
    ({"aspect": "4:5"}, "aspect"),
    ({"short_side": 4}, "resolution"),
    ({"no_shots": True}, "shots"),
])
def test_bad_input_names_the_field_and_writes_nothing(media: dict[str, Path], change: dict, field: str) -> None:
    shots = [ShotInput(media["red"], 0.0, 1.0),
             ShotInput(media["text"] if change.get("shots") else media["blue"], change.get("in_s", 0.0),
                       change.get("out_s"))]
    narration = [NarrationInput(media["text"] if change.get("narration") else media["voice"], 0.0, WORDS)]
    options = AssemblyOptions(aspect=change.get("aspect", "9:16"), short_side=change.get("short_side", 180))
    out = media["dir"] / f"bad-{len(list(media['dir'].glob('bad-*')))}" / "out.mp4"
    out.parent.mkdir()
    with pytest.raises(AssemblyError) as e:
        assemble([] if change.get("no_shots") else shots, narration, None, options, out)
    assert e.value.field == field
    assert not any(out.parent.iterdir())


def test_cancel_leaves_no_file(media: dict[str, Path]) -> None:
    out = media["dir"] / "cancel" / "out.mp4"
    out.parent.mkdir()
    checks = []

    def cancelled() -> bool:
        checks.append(1)
        return len(checks) > 2  # after mixing and the first second of video

    with pytest.raises(AssemblyCancelled):
        assemble(_shots(media), [], MusicInput(media["music"]), AssemblyOptions(short_side=180), out,
                 cancelled=cancelled)
    assert len(checks) == 3
    assert not any(out.parent.iterdir())


# ---- subtitles ----

EN = ["Meet", "the", "linen", "shirt,", "cut", "loose", "for", "warm", "days.", "It", "breathes,", "it", "moves,",
      "and", "it", "goes", "from", "the", "office", "to", "the", "beach", "without", "a", "crease", "in", "sight.",
      "Yours", "today."]
ZH = list("这件亚麻衬衫剪裁宽松，适合温暖的日子，还有很多实用的口袋和拉链以及一些精致的装饰。它透气又舒适。")


def _timed(words: list[str], step: float) -> list[tuple[str, float, float]]:
    return [(w, i * step, i * step + 0.8 * step) for i, w in enumerate(words)]


@pytest.mark.parametrize(("language", "words", "step"), [("en", EN, 0.3), ("zh", ZH, 0.2)])
def test_cues_follow_words_never_overlap_and_fit(language: str, words: list[str], step: float) -> None:
    timed = _timed(words, step)
    cues = cues_from_words([(2.0, timed[:20]), (10.0, timed[20:])], language)
    renderer = SubtitleRenderer(720, 1280, language)
    starts = {round(2.0 + s, 3) for _, s, _ in timed[:20]} | {round(10.0 + s, 3) for _, s, _ in timed[20:]}
    for cue, following in pairwise(cues):
        assert cue.end_s <= following.start_s
    for cue in cues:
        assert round(cue.start_s, 3) in starts  # shown from its first word
        assert cue.end_s - cue.start_s >= 0.3
        assert len(cue.text) <= 2 * LINE_CHARS[language]
        lines = renderer.wrap(cue.text, renderer._font(renderer.size))
        assert len(lines) <= 2 and all(len(line) <= LINE_CHARS[language] for line in lines)
        if language == "zh":
            assert " " not in cue.text
    joined = "".join(c.text for c in cues).replace(" ", "")
    assert joined == "".join(words)  # every word, in order
    if language == "en":
        assert cues[0].text == "Meet the linen shirt, cut loose for warm days."  # split at the sentence end


def test_cue_is_held_briefly_but_not_over_the_next() -> None:
    cues = cues_from_words([(0.0, [("Hi.", 0.0, 0.2), ("Next", 0.5, 0.8), ("one.", 0.85, 1.2)])], "en")
    assert [c.text for c in cues] == ["Hi.", "Next one."]
    assert cues[0].end_s <= cues[1].start_s and cues[0].end_s >= 0.4  # held past the word, up to the next
    assert cues[1].end_s >= cues[1].start_s + 0.8  # minimum display where there is room


def test_chinese_renders_glyphs_not_tofu() -> None:
    renderer = SubtitleRenderer(720, 1280, "zh")
    missing = renderer.overlay("\U000f0000")  # a private-use code point: the font's missing-glyph box
    assert missing is not None
    shapes = []
    for ch in "衬衫宽松":
        o = renderer.overlay(ch)
        assert o is not None
        shapes.append(o.rgba[..., 3] > 128)
        assert o.rgba.shape != missing.rgba.shape or not np.array_equal(shapes[-1], missing.rgba[..., 3] > 128)
    assert all(not np.array_equal(a, b) for i, a in enumerate(shapes) for b in shapes[i + 1:] if a.shape == b.shape)


def test_overlay_is_white_with_a_dark_outline_near_the_bottom() -> None:
    renderer = SubtitleRenderer(720, 1280, "en")
    o = renderer.overlay("Meet the linen shirt.")
    assert o is not None
    rgb, alpha = o.rgba[..., :3].astype(int), o.rgba[..., 3]
    white = (rgb.min(axis=2) > 240) & (alpha > 240)
    dark = (rgb.max(axis=2) < 60) & (alpha > 200)
    assert white.sum() > 200 and dark.sum() > 200  # fill and outline
    assert 0.8 * 1280 < o.y + o.rgba.shape[0] <= 0.92 * 1280  # above the bottom safe margin
    assert abs((o.x + o.rgba.shape[1] / 2) - 360) <= 2  # centred
    assert renderer.overlay("Meet the linen shirt.") is o  # drawn once
