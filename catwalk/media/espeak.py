"""eSpeak NG speech synthesis through ctypes on the library that `espeakng-loader` ships
(libespeak-ng 1.52 and its data).

Licence: eSpeak NG is GPL-3.0-or-later. All of Catwalk's contact with it lives in this one
module, which only loads the shared library and calls its C API; the rest of Catwalk
reaches it through `synthesize()` and `sample_rate()` and never imports eSpeak symbols.
Swap this module out (or run it as a separate process) where GPL terms are not wanted.

eSpeak's C API keeps global state (one voice, one parameter set, one callback), so every
call holds one process-wide lock. ctypes was chosen over a subprocess worker: synchronous
mode with a callback is stable, costs no process start per call, and keeps the word and
sentence events (with their audio positions) that a command-line run would throw away.
"""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

LICENSE = "GPL-3.0-or-later"
DEFAULT_WPM = 175  # eSpeak's own default speaking rate

# espeak_AUDIO_OUTPUT, espeak_EVENT_TYPE, flags and parameters from speak_lib.h.
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000
_CHARS_UTF8 = 1
_ENDPAUSE = 0x1000  # a sentence's closing pause, so sentences joined keep their rhythm
_POS_CHARACTER = 1
_PARAM_RATE = 1
_EVENT_LIST_TERMINATED = 0
_EVENT_WORD = 1
_EVENT_SENTENCE = 2
_EE_OK = 0


class EspeakError(RuntimeError):
    """The library could not be loaded or refused a call (the message names which)."""


class _EventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    ]


_Callback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int,
                             ctypes.POINTER(_Event))


@dataclass(frozen=True)
class Mark:
    """A word or sentence eSpeak reported: its characters in the input text
    (text[start:start + length]) and where its audio begins, in samples."""

    start: int
    length: int
    sample: int


@dataclass(frozen=True)
class Audio:
    samples: np.ndarray  # float32 mono in [-1, 1]
    sample_rate: int
    words: tuple[Mark, ...]
    sentences: tuple[Mark, ...]


class _Engine:
    """The loaded library, its sample rate, and the buffers the callback fills."""

    def __init__(self) -> None:
        import espeakng_loader

        lib_path = espeakng_loader.get_library_path()
        data = Path(espeakng_loader.get_data_path())
        try:
            self.lib = ctypes.CDLL(lib_path)
        except OSError as e:
            raise EspeakError(f"cannot load eSpeak NG from {lib_path}: {e}") from e
        self.lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        self.lib.espeak_Initialize.restype = ctypes.c_int
        self.lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self.lib.espeak_SetVoiceByName.restype = ctypes.c_int
        self.lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        self.lib.espeak_SetParameter.restype = ctypes.c_int
        self.lib.espeak_SetSynthCallback.argtypes = [_Callback]
        self.lib.espeak_SetSynthCallback.restype = None
        self.lib.espeak_Synth.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                                          ctypes.c_uint, ctypes.c_uint, ctypes.POINTER(ctypes.c_uint),
                                          ctypes.c_void_p]
        self.lib.espeak_Synth.restype = ctypes.c_int
        # The path is the folder that holds espeak-ng-data.
        rate = self.lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, str(data.parent).encode(),
                                          _INITIALIZE_DONT_EXIT)
        if rate <= 0:
            raise EspeakError(f"espeak_Initialize failed ({rate}) with data at {data}")
        self.sample_rate = rate
        self.chunks: list[np.ndarray] = []
        self.words: list[tuple[int, int, int]] = []
        self.sentences: list[tuple[int, int, int]] = []
        self.callback = _Callback(self._on_synth)  # kept referenced: C holds only a pointer
        self.lib.espeak_SetSynthCallback(self.callback)

    def _on_synth(self, wav: ctypes._Pointer, count: int, events: ctypes._Pointer) -> int:
        if count > 0 and wav:
            self.chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        i = 0
        while events[i].type != _EVENT_LIST_TERMINATED:
            e = events[i]
            # text_position is 1-based in characters; audio_position is in ms.
            mark = (e.text_position - 1, e.length, round(e.audio_position * self.sample_rate / 1000))
            if e.type == _EVENT_WORD:
                self.words.append(mark)
            elif e.type == _EVENT_SENTENCE:
                self.sentences.append(mark)
            i += 1
        return 0


_LOCK = threading.Lock()
_ENGINE: _Engine | None = None


def _engine() -> _Engine:
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = _Engine()
    return _ENGINE


def sample_rate() -> int:
    """The rate eSpeak NG synthesises at (22050 Hz for its bundled voices)."""
    with _LOCK:
        return _engine().sample_rate


def synthesize(text: str, voice: str, words_per_minute: int = DEFAULT_WPM) -> Audio:
    """Speak `text` with the eSpeak voice named `voice` (e.g. "en-us", "cmn") at
    `words_per_minute` (eSpeak accepts 80..450), with its word and sentence events."""
    with _LOCK:
        eng = _engine()
        if eng.lib.espeak_SetVoiceByName(voice.encode()) != _EE_OK:
            raise EspeakError(f"eSpeak NG has no voice {voice!r}")
        if eng.lib.espeak_SetParameter(_PARAM_RATE, int(words_per_minute), 0) != _EE_OK:
            raise EspeakError(f"eSpeak NG refused rate {words_per_minute} wpm")
        eng.chunks, eng.words, eng.sentences = [], [], []
        data = text.encode("utf-8") + b"\0"
        buf = ctypes.create_string_buffer(data, len(data))
        status = eng.lib.espeak_Synth(buf, len(data), 0, _POS_CHARACTER, 0, _CHARS_UTF8 | _ENDPAUSE,
                                   None, None)
        if status != _EE_OK:
            raise EspeakError(f"espeak_Synth failed ({status})")
        pcm = np.concatenate(eng.chunks) if eng.chunks else np.zeros(0, np.int16)
        return Audio(
            samples=(pcm.astype(np.float32) / 32768.0),
            sample_rate=eng.sample_rate,
            words=tuple(Mark(*w) for w in eng.words),
            sentences=tuple(Mark(*s) for s in eng.sentences),
        )
