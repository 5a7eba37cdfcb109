"""Starter music made procedurally: drums, bass, chord pads and a plucked arpeggio on an
exact 4/4 grid, so the library has a track of every style with a known beat grid.

Every note is rendered once per pitch and length (a cache) and added into the bus at its
sample offset, so a 90 s track costs a few hundred small array adds.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.signal import butter, sosfilt

from catwalk.errors import FieldError
from catwalk.media.mix import master

MAJOR = (0, 2, 4, 5, 7, 9, 11)
MINOR = (0, 2, 3, 5, 7, 8, 10)
GRID_START_S = 0.05  # the first beat: a hair after 0 so its onset is whole
TAIL_MIN_S = 1.6  # the final chord rings at least this long
INTRO_BARS = 2


@dataclass(frozen=True)
class Style:
    bpm_range: tuple[float, float]
    root: int  # MIDI note of the key's tonic (pad octave)
    scale: tuple[int, ...]
    progression: tuple[int, ...]  # scale degrees, one chord a bar
    kick: str  # 16 steps a bar: x loud, o soft, . rest
    snare: str
    hat: str  # x closed, O open
    bass: str  # 16 steps: r root, f fifth, u octave up, . rest (a note lasts to the next)
    arp: str  # 16 steps: a digit = chord tone index, . rest
    sevenths: bool
    pad_cutoff_hz: float
    clap: bool


STYLES: dict[str, Style] = {
    "business": Style((100, 112), 62, MAJOR, (0, 4, 5, 3),
                      "x...o...o...o...", "....x.......x...", "x.x.x.x.x.x.x.x.",
                      "r.....r.....r...", "0.1.2.1.0.1.2.1.", False, 1800, False),
    "casual": Style((92, 104), 67, MAJOR, (0, 5, 3, 4),
                    "x......ox.......", "....x.......x...", "x.x.x.x.x.x.x.xO",
                    "r.....f.r...f...", "0..1..2.3..2..1.", True, 1500, False),
    "street": Style((92, 100), 57, MINOR, (0, 5, 2, 6),
                    "x.....o.x.o.....", "....x.......x...", "xxxxxxxxxxxxxxxx",
                    "r.......r..r..f.", "2...1...0.......", True, 1200, True),
    "sporty": Style((124, 132), 64, MINOR, (0, 6, 5, 6),
                    "x...o...o...o...", "....x.......x...", "..O...O...O...O.",
                    "rrrrrrrrrrrrrrrr", "0.1.2.0.1.2.0.1.", False, 2400, True),
    "elegant": Style((90, 100), 65, MAJOR, (0, 2, 3, 4),
                     "x.......o.......", "....x.......x...", "x.x.x.x.x.x.x.x.",
                     "r.......f.......", "0.1.2.3.2.1.0.1.", True, 1100, False),
    "festive": Style((116, 126), 60, MAJOR, (0, 3, 5, 4),
                     "x...o...o...o...", "....x.......x...", "x.O.x.O.x.O.x.O.",
                     "r.u.r.u.r.u.r.u.", "0123012301230123", False, 2600, True),
}


@dataclass
class GeneratedTrack:
    samples: np.ndarray  # float32 (n, 2)
    sample_rate: int
    bpm: float
    beats_s: list[float]
    downbeats_s: list[float]
    loudness_lufs: float  # as mastered
    true_peak_dbtp: float


class StyleError(FieldError):
    """An unknown style or a tempo/length the generator cannot make."""


def midi_hz(note: float) -> float:
    return float(440.0 * 2 ** ((note - 69) / 12))


def chord_notes(style: Style, degree: int) -> list[int]:
    """The chord on a scale degree, stacked in thirds (a seventh where the style likes them)."""
    steps = (0, 2, 4, 6) if style.sevenths else (0, 2, 4)
    n = len(style.scale)
    return [style.root + style.scale[(degree + s) % n] + 12 * ((degree + s) // n) for s in steps]


# ---- instruments: each returns a mono float64 buffer at full scale ----

def _env(n: int, sr: int, attack_s: float, decay_s: float) -> np.ndarray:
    t = np.arange(n) / sr
    return np.minimum(1.0, t / max(attack_s, 1e-4)) * np.exp(-t / decay_s)


@lru_cache(maxsize=64)
def _kick(sr: int) -> np.ndarray:
    t = np.arange(int(0.45 * sr)) / sr
    freq = 48 + 110 * np.exp(-t / 0.035)
    phase = 2 * np.pi * np.cumsum(freq) / sr
    body = np.sin(phase) * np.exp(-t / 0.16)
    click = np.exp(-t / 0.003) * 0.5
    return np.tanh(1.6 * (body + click))


@lru_cache(maxsize=64)
def _snare(sr: int, clap: bool, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed + 11)
    n = int(0.3 * sr)
    t = np.arange(n) / sr
    noise = sosfilt(butter(2, [900, 7000], "bandpass", fs=sr, output="sos"), rng.standard_normal(n))
    if clap:  # three quick bursts, then a tail: a hand clap
        bursts = sum(np.exp(-np.maximum(t - d, 0) / 0.008) * (t >= d) for d in (0.0, 0.011, 0.022))
        return 0.9 * noise * (0.6 * bursts + np.exp(-t / 0.09) * (t >= 0.022))
    tone = np.sin(2 * np.pi * 185 * t) * np.exp(-t / 0.05)
    return 0.8 * noise * np.exp(-t / 0.07) + 0.5 * tone


@lru_cache(maxsize=64)
def _hat(sr: int, open_: bool, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed + 23)
    n = int((0.35 if open_ else 0.08) * sr)
    noise = sosfilt(butter(4, 7000, "highpass", fs=sr, output="sos"), rng.standard_normal(n))
    return 0.35 * noise * _env(n, sr, 0.001, 0.12 if open_ else 0.022)


@lru_cache(maxsize=512)
def _bass(sr: int, note: int, n: int) -> np.ndarray:
    t = np.arange(n) / sr
    f = midi_hz(note)
    tone = np.sin(2 * np.pi * f * t) + 0.35 * np.sin(4 * np.pi * f * t) + 0.12 * np.sin(6 * np.pi * f * t)
    release = np.clip((n - np.arange(n)) / (0.02 * sr), 0, 1)
    env = np.minimum(1.0, t / 0.006) * (0.55 + 0.45 * np.exp(-t / 0.18)) * release
    return np.tanh(1.3 * tone * env)


@lru_cache(maxsize=512)
def _pluck(sr: int, note: int) -> np.ndarray:
    """A soft electric-piano pluck: harmonics that die faster the higher they are."""
    n = int(0.9 * sr)
    t = np.arange(n) / sr
    f = midi_hz(note)
    out = np.zeros(n)
    for k in range(1, 7):
        if k * f < sr / 2.5:
            out += np.sin(2 * np.pi * k * f * t) * np.exp(-t * (3.0 + 2.5 * k)) / k
    return out * np.minimum(1.0, t / 0.003)


@lru_cache(maxsize=64)
def _pad(sr: int, notes: tuple[int, ...], n: int, cutoff: float, detune_cents: float) -> np.ndarray:
    """Detuned saws through a low-pass, slow attack and release: a warm chord pad."""
    t = np.arange(n) / sr
    out = np.zeros(n)
    for note in notes:
        for cents in (-detune_cents, 0.0, detune_cents):
            f = midi_hz(note + cents / 100)
            out += 2 * ((f * t + 0.37 * note) % 1.0) - 1
    out = sosfilt(butter(2, cutoff, "lowpass", fs=sr, output="sos"), out)
    attack = np.minimum(1.0, t / 0.25)
    release = np.clip((n - np.arange(n)) / (0.3 * sr), 0, 1)
    return out * attack * release / (3 * len(notes))


def _place(bus: np.ndarray, buf: np.ndarray, at: int, gain: float) -> None:
    end = min(len(bus), at + len(buf))
    if end > at >= 0:
        bus[at:end] += gain * buf[: end - at]


# ---- the arrangement ----

def generate_track(style: str, seconds: float, bpm: float, seed: int, sample_rate: int = 44100) -> GeneratedTrack:
    """A mastered stereo track of `style` at exactly `bpm`, `seconds` long: a two-bar
    intro, eight-bar sections with a fill at each end, and a final chord on a downbeat."""
    if style not in STYLES:
        raise StyleError("style", f"unknown style {style!r}: one of {', '.join(STYLES)}")
    if not (40 <= bpm <= 220):
        raise StyleError("bpm", f"bpm {bpm} outside 40..220")
    s = STYLES[style]
    sr = sample_rate
    beat = 60.0 / bpm
    bar = 4 * beat
    bars = int((seconds - GRID_START_S - TAIL_MIN_S) // bar)
    if bars < INTRO_BARS + 2:
        raise StyleError("seconds", f"{seconds} s is too short for a track at {bpm} bpm")
    rng = np.random.default_rng(seed)
    n = round(seconds * sr)
    drums, bass, pads_l, pads_r, arp = (np.zeros(n) for _ in range(5))
    step = beat / 4

    def at(bar_i: int, step_i: int) -> int:
        return round((GRID_START_S + bar_i * bar + step_i * step) * sr)

    # A per-seed variation: which section gets the arpeggio, small velocity humanisation.
    arp_sections = rng.permutation([True, True, False])
    for b in range(bars):
        intro = b < INTRO_BARS
        section = (b - INTRO_BARS) // 8
        fill = not intro and (b - INTRO_BARS) % 8 == 7
        chord = chord_notes(s, s.progression[b % len(s.progression)])
        vel = 0.9 + 0.1 * rng.random(16)
        for i in range(16):
            if fill and i >= 12:  # a snare roll into the next section
                _place(drums, _snare(sr, False, seed), at(b, i), 0.35 + 0.1 * (i - 12))
                continue
            k, sn, h = s.kick[i], s.snare[i], s.hat[i]
            if k != ".":
                _place(drums, _kick(sr), at(b, i), (1.0 if i == 0 else 0.8 if k == "x" else 0.65) *
                       (0.7 if intro else 1.0))
            if sn != "." and not intro:
                _place(drums, _snare(sr, s.clap, seed), at(b, i), 0.55 * vel[i])
            if h != ".":
                _place(drums, _hat(sr, h == "O", seed), at(b, i), 0.5 * vel[i])
        # Bass: each note lasts to the next one in the pattern.
        if not intro:
            hits = [i for i, c in enumerate(s.bass) if c != "."]
            for j, i in enumerate(hits):
                length = ((hits[j + 1] if j + 1 < len(hits) else 16) - i) * step
                offset = {"r": 0, "f": 7, "u": 12}[s.bass[i]]
                note = chord[0] - 24 + offset
                _place(bass, _bass(sr, note, int(length * sr * 0.95)), at(b, i), 0.9 if i == 0 else 0.75)
        # Pads: the chord for the bar, left and right detuned apart for width.
        pad_n = int(bar * sr) + int(0.3 * sr)
        cutoff = s.pad_cutoff_hz * (0.6 if intro else 1.0)
        _place(pads_l, _pad(sr, tuple(chord), pad_n, cutoff, 7.0), at(b, 0), 1.0)
        _place(pads_r, _pad(sr, tuple(chord), pad_n, cutoff, 11.0), at(b, 0), 1.0)
        if not intro and arp_sections[section % 3]:
            for i, c in enumerate(s.arp):
                if c != ".":
                    note = chord[int(c) % len(chord)] + 12
                    _place(arp, _pluck(sr, note), at(b, i), 0.35 * vel[i])

    # The ending: kick, crash and the tonic chord on the final downbeat, ringing out.
    end_at = at(bars, 0)
    tonic = chord_notes(s, 0)
    ring_n = n - end_at
    _place(drums, _kick(sr), end_at, 1.0)
    _place(drums, _hat(sr, True, seed + 1), end_at, 1.2)
    _place(bass, _bass(sr, tonic[0] - 24, ring_n), end_at, 0.9)
    fade = np.linspace(1.0, 0.0, ring_n) ** 2
    _place(pads_l, _pad(sr, tuple(tonic), ring_n, s.pad_cutoff_hz, 7.0) * fade, end_at, 1.2)
    _place(pads_r, _pad(sr, tuple(tonic), ring_n, s.pad_cutoff_hz, 11.0) * fade, end_at, 1.2)
    bass[end_at:] *= fade
    for j, note in enumerate(tonic):  # a strummed last chord
        _place(arp, _pluck(sr, note + 12), end_at + int(j * 0.03 * sr), 0.4)

    left = 0.9 * drums + 0.7 * bass + 0.55 * pads_l + 0.45 * arp
    right = 0.9 * drums + 0.7 * bass + 0.55 * pads_r + 0.35 * arp
    stereo, loudness, peak = master(np.stack([left, right], axis=1), sr)
    beats = [GRID_START_S + k * beat for k in range(4 * bars + 1)]
    return GeneratedTrack(stereo, sr, float(bpm), beats, beats[::4], loudness, peak)


def pick_tempo(style: str, seed: int) -> float:
    """A whole-number tempo in the style's range, chosen by the seed."""
    low, high = STYLES[style].bpm_range
    return float(np.random.default_rng(seed).integers(int(low), int(high) + 1))
