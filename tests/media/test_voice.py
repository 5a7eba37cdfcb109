"""Speech from every voice: it sounds like speech (pauses, a voice-range pitch and
spectrum), lasts as long as the text needs, its word and sentence timings sit on the audio
(checked against an energy envelope computed here), rate and length change the duration,
bad input names its field, and the WAV reads back. All synthesis is real (Piper, eSpeak NG)."""

from __future__ import annotations

import io
import os
import re
import threading

import numpy as np
import pytest
import soundfile as sf

from catwalk.media import espeak
from catwalk.media.voice import MAX_TEXT_CHARS, Speech, VoiceError, list_voices, synthesize, warm

os.environ.setdefault("NUMBA_CACHE_DIR", os.path.join(os.getcwd(), ".catwalk/cache/numba"))

EN = "This linen shirt keeps you cool all summer. Soft fabric, relaxed fit, and a clean collar!"
ZH = "这件亚麻衬衫整个夏天都很凉爽。面料柔软，版型宽松！"
TEXTS = {"en-joe": EN, "en-espeak": EN, "zh-espeak": ZH}
FRAME_S = 0.02


def expected_words(text: str) -> list[str]:
    if re.search(r"[\u4e00-\u9fff]", text):
        return [c for c in text if "\u4e00" <= c <= "\u9fff"]
    return [w.strip(".,!?;:") for w in text.split()]


def frame_rms(speech: Speech) -> np.ndarray:
    hop = int(speech.sample_rate * FRAME_S)
    n = len(speech.samples) // hop
    return np.sqrt(np.mean(speech.samples[: n * hop].reshape(n, hop) ** 2, axis=1))


def loud_frames(speech: Speech, below_peak_db: float = 30.0) -> np.ndarray:
    rms = frame_rms(speech)
    return rms > rms.max() * 10 ** (-below_peak_db / 20)


@pytest.fixture(scope="module")
def speeches() -> dict[str, Speech]:
    return {v: synthesize(TEXTS[v], v) for v in TEXTS}


def test_the_voices_the_service_lists() -> None:
    ids = {v.id: v for v in list_voices()}
    assert {"en-joe", "en-espeak", "zh-espeak"} <= set(ids)
    assert ids["en-joe"].engine == "piper" and ids["zh-espeak"].engine == "espeak-ng"
    assert [v.id for v in list_voices("zh")] == ["zh-espeak"]
    assert {v.language for v in list_voices("en")} == {"en"}
    assert list_voices("") == list_voices()
    assert ids["en-espeak"].sample_rate == espeak.sample_rate()
    assert all(v.license and v.description for v in ids.values())


@pytest.mark.parametrize("voice_id", list(TEXTS))
def test_output_is_speech(speeches: dict[str, Speech], voice_id: str) -> None:
    import librosa

    s = speeches[voice_id]
    assert s.voice == voice_id and s.sample_rate == {v.id: v for v in list_voices()}[voice_id].sample_rate
    assert s.samples.dtype == np.float32 and np.abs(s.samples).max() <= 1.0
    rms = frame_rms(s)
    assert 20 * np.log10(rms.max() / max(np.sqrt(np.mean(s.samples ** 2)), 1e-9)) < 20  # not one click
    assert np.sqrt(np.mean(s.samples ** 2)) > 0.02  # far above a silent or near-silent output
    # Speech pauses between words and phrases: a tone or noise is loud all the time.
    loud = loud_frames(s).mean()
    assert 0.5 < loud < 0.95, loud
    # Its energy sits in the voice band, not in hiss.
    spec = np.abs(np.fft.rfft(s.samples))
    freqs = np.fft.rfftfreq(len(s.samples), 1 / s.sample_rate)
    centroid = float((spec * freqs).sum() / spec.sum())
    assert 300 < centroid < 3500, centroid
    # A voice: pitched frames with a speaking f0, on a stretch from the first word.
    start = int(s.words[0].start_s * s.sample_rate)
    f0, voiced, _ = librosa.pyin(s.samples[start: start + 2 * s.sample_rate], fmin=60, fmax=400,
                                 sr=s.sample_rate, frame_length=1024)
    assert voiced.mean() > 0.2, voiced.mean()  # noise: ~0; Piper and eSpeak: 0.25..0.6
    assert 70 < np.nanmedian(f0[voiced]) < 300


@pytest.mark.parametrize("voice_id", list(TEXTS))
def test_duration_fits_the_text(speeches: dict[str, Speech], voice_id: str) -> None:
    s = speeches[voice_id]
    n = len(expected_words(TEXTS[voice_id]))
    per_s = n / s.duration_s
    lo, hi = (2.0, 8.0) if voice_id.startswith("zh") else (1.5, 5.0)
    assert lo < per_s < hi, per_s


@pytest.mark.parametrize("voice_id", list(TEXTS))
def test_word_timings_sit_on_the_speech(speeches: dict[str, Speech], voice_id: str) -> None:
    s = speeches[voice_id]
    assert [w.text for w in s.words] == expected_words(TEXTS[voice_id])
    prev_end = 0.0
    for w in s.words:
        assert prev_end - 1e-6 <= w.start_s < w.end_s <= s.duration_s + 1e-6, w
        prev_end = w.end_s
    loud = np.flatnonzero(loud_frames(s))
    onset, offset = loud[0] * FRAME_S, (loud[-1] + 1) * FRAME_S
    assert abs(s.words[0].start_s - onset) < 0.1
    assert abs(s.words[-1].end_s - offset) < 0.25
    # Words cover the speech: almost every loud frame lies inside some word.
    covered = [any(w.start_s - FRAME_S <= i * FRAME_S <= w.end_s for w in s.words) for i in loud]
    assert np.mean(covered) > 0.9
    # Pauses (commas, the full stop: runs of 150 ms or more of quiet) fall between words.
    quiet = ~loud_frames(s, 40.0)
    pauses = [i for i in range(loud[0], loud[-1]) if quiet[i: i + 8].all()]
    assert pauses
    inside = [any(w.start_s + 0.03 < i * FRAME_S < w.end_s - 0.03 for w in s.words) for i in pauses]
    assert np.mean(inside) < 0.2, np.mean(inside)


@pytest.mark.parametrize("voice_id", list(TEXTS))
def test_sentences_and_the_pause_between_them(speeches: dict[str, Speech], voice_id: str) -> None:
    s = speeches[voice_id]
    text = TEXTS[voice_id]
    assert [t.text for t in s.sentences] == [p.strip() for p in re.findall(r"[^.!?。！？]+[.!?。！？]", text)]
    first, second = s.sentences
    assert first.start_s == s.words[0].start_s and second.end_s == s.words[-1].end_s
    assert first.end_s <= second.start_s
    # The gap between the sentences is a real pause: quieter than the speech around it.
    rms = frame_rms(s)
    gap = rms[int(first.end_s / FRAME_S) + 1: int(second.start_s / FRAME_S) - 1]
    assert len(gap) >= 3 and gap.max() < 0.1 * rms.max()


@pytest.mark.parametrize("voice_id", list(TEXTS))
def test_longer_text_and_faster_rate(speeches: dict[str, Speech], voice_id: str) -> None:
    short = synthesize(TEXTS[voice_id].split("。" if voice_id.startswith("zh") else ".")[0], voice_id)
    assert short.duration_s < 0.75 * speeches[voice_id].duration_s
    fast = synthesize(TEXTS[voice_id], voice_id, rate=1.5)
    assert fast.duration_s < 0.85 * speeches[voice_id].duration_s
    assert [w.text for w in fast.words] == [w.text for w in speeches[voice_id].words]


def test_a_voice_reads_the_other_language() -> None:
    s = synthesize("Linen shirt", "zh-espeak")
    assert [w.text for w in s.words] == ["Linen", "shirt"] and s.duration_s > 0.3
    s = synthesize("亚麻衬衫", "en-espeak")
    assert len(s.words) == 4 and np.sqrt(np.mean(s.samples ** 2)) > 0.02


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"text": "Hello", "voice_id": "fr-nobody"}, "voice"),
    ({"text": "", "voice_id": "en-espeak"}, "text"),
    ({"text": " \n\t ", "voice_id": "en-espeak"}, "text"),
    ({"text": "a" * (MAX_TEXT_CHARS + 1), "voice_id": "en-espeak"}, "text"),
    ({"text": "?!… — 🙂🎉 。！", "voice_id": "zh-espeak"}, "text"),
    ({"text": "Hello", "voice_id": "en-espeak", "rate": 0.4}, "rate"),
    ({"text": "Hello", "voice_id": "en-joe", "rate": 2.1}, "rate"),
])
def test_bad_input_names_its_field(kwargs: dict, field: str) -> None:
    with pytest.raises(VoiceError) as err:
        synthesize(**kwargs)
    assert err.value.field == field
    if field == "voice":
        assert "en-joe" in str(err.value) and "zh-espeak" in str(err.value)


def test_wav_round_trip(speeches: dict[str, Speech]) -> None:
    s = speeches["en-joe"]
    data, rate = sf.read(io.BytesIO(s.wav_bytes()), dtype="float32")
    info = sf.info(io.BytesIO(s.wav_bytes()))
    assert rate == s.sample_rate and info.channels == 1 and info.subtype == "PCM_16"
    assert len(data) == len(s.samples)
    assert np.abs(data - s.samples).max() < 2 / 32767


def test_warm_loads_once() -> None:
    warm("en-joe")
    assert warm("en-joe") < 0.05
    with pytest.raises(VoiceError):
        warm("nope")


def test_espeak_is_safe_from_threads_and_beside_piper() -> None:
    # eSpeak varies its output slightly from call to call, so compare words and lengths.
    serial = {v: synthesize(TEXTS[v], v) for v in ("en-espeak", "zh-espeak")}
    results: dict[int, tuple[str, Speech]] = {}

    def run(i: int) -> None:
        v = ("en-espeak", "zh-espeak")[i % 2]
        results[i] = (v, synthesize(TEXTS[v], v))

    piper: list[Speech] = []  # Piper phonemises with its own copy of eSpeak, alongside
    threads = [threading.Thread(target=run, args=(i,)) for i in range(6)]
    threads.append(threading.Thread(target=lambda: piper.append(synthesize("Soft linen shirt.", "en-joe"))))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 6
    assert [w.text for w in piper[0].words] == ["Soft", "linen", "shirt"]
    for v, speech in results.values():
        assert [w.text for w in speech.words] == [w.text for w in serial[v].words]
        assert abs(speech.duration_s - serial[v].duration_s) < 0.03 * serial[v].duration_s
        assert abs(speech.words[-1].end_s - serial[v].words[-1].end_s) < 0.1


def test_sentences_split_on_newlines_not_on_decimals() -> None:
    s = synthesize("It is 3.5 metres long\nReally light", "en-espeak")
    assert [t.text for t in s.sentences] == ["It is 3.5 metres long", "Really light"]
    assert [w.text for w in s.words] == ["It", "is", "3.5", "metres", "long", "Really", "light"]
    assert s.sentences[0].end_s <= s.sentences[1].start_s
