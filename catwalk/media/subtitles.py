"""Subtitles burned into the picture: the narration's timed words grouped into readable cues,
each drawn once (Noto Sans CJK, white with a dark outline and a soft shadow) and laid over
the frames it belongs to."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import noto_cjk_sans_otc
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from catwalk.media.voice import Timed

SC_FACE = 2  # NotoSansCJK-Regular.ttc: 0 JP, 1 KR, 2 SC, 3 TC, 4 HK
LINE_CHARS = {"en": 42, "zh": 16}
MAX_LINES = 2
HOLD_S = 0.3  # a cue stays this long after its last word
MIN_SHOW_S = 0.8
GAP_S = 0.04  # between one cue's end and the next one's start
PAUSE_S = 0.7  # a pause this long in speech starts a new cue
SENTENCE_END = tuple(".!?。！？…")
CLAUSE_END = tuple(",;:，、；：")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


@dataclass(frozen=True)
class Cue:
    text: str
    start_s: float
    end_s: float


def _word(w: Any) -> Timed:
    """A word from anything timed: an object with text/start_s/end_s or a 3-tuple."""
    if isinstance(w, tuple | list):
        return Timed(str(w[0]), float(w[1]), float(w[2]))
    return Timed(str(w.text), float(w.start_s), float(w.end_s))


def join_words(words: Sequence[str], language: str) -> str:
    """Words as a line: spaces between words, none between CJK characters."""
    out = ""
    for w in (w.strip() for w in words):
        if not w:
            continue
        if out and not (language == "zh" and (_CJK.match(out[-1]) or _CJK.match(w[0]))):
            out += " "
        out += w
    return out


def _length(words: list[Timed], language: str) -> int:
    return len(join_words([w.text for w in words], language))


def _split(words: list[Timed], limit: int, language: str) -> list[list[Timed]]:
    """A sentence in pieces of at most `limit` characters: halves as even as they can be,
    preferring a clause end (a comma) as the place to split."""
    if _length(words, language) <= limit or len(words) < 2:
        return [words]

    def cost(k: int) -> float:
        longer = max(_length(words[:k], language), _length(words[k:], language))
        return longer - (limit / 4 if words[k - 1].text.endswith(CLAUSE_END) else 0)

    k = min(range(1, len(words)), key=cost)
    return _split(words[:k], limit, language) + _split(words[k:], limit, language)


def cues_from_words(narration: Sequence[tuple[float, Sequence[Any]]], language: str = "en",
                    max_chars: int | None = None) -> list[Cue]:
    """Cues of at most two lines of `max_chars` (42 for en, 16 for zh) from each narration's
    (start in the video, words timed from its own start). A cue ends at a sentence end, at a
    long pause; a longer sentence is split evenly, at commas where it can;
    it shows from its first word's start to its last word's end plus a short hold, at least
    0.8 s where the next cue leaves room, and never overlaps the next."""
    limit = MAX_LINES * (max_chars or LINE_CHARS.get(language, LINE_CHARS["en"]))
    groups: list[list[Timed]] = []
    for offset, words in sorted(narration, key=lambda n: n[0]):
        sentence: list[Timed] = []
        for raw in words:
            w = _word(raw)
            if not w.text.strip():
                continue
            w = Timed(w.text.strip(), offset + w.start_s, offset + w.end_s)
            if sentence and w.start_s - sentence[-1].end_s > PAUSE_S:
                groups += _split(sentence, limit, language)
                sentence = []
            sentence.append(w)
            if w.text.endswith(SENTENCE_END):
                groups += _split(sentence, limit, language)
                sentence = []
        if sentence:
            groups += _split(sentence, limit, language)
    groups.sort(key=lambda g: g[0].start_s)
    cues: list[Cue] = []
    for i, g in enumerate(groups):
        start = g[0].start_s if not cues else max(g[0].start_s, cues[-1].end_s + GAP_S)
        end = max(g[-1].end_s + HOLD_S, start + MIN_SHOW_S)
        if i + 1 < len(groups):
            end = min(end, groups[i + 1][0].start_s - GAP_S)
        cues.append(Cue(join_words([w.text for w in g], language), round(start, 3), round(max(end, start + 0.04), 3)))
    return cues


@dataclass(frozen=True)
class Overlay:
    """An RGBA image [h, w, 4] to lay over a frame with its top-left corner at (x, y)."""
    x: int
    y: int
    rgba: np.ndarray


def _tokens(text: str) -> list[str]:
    """Units a line may break between: words, and single CJK characters (punctuation stays
    with the character before it)."""
    out: list[str] = []
    for part in text.split(" "):
        for piece in re.findall(r"[\u2e80-\u9fff\uf900-\ufaff]|[^\u2e80-\u9fff\uf900-\ufaff]+", part):
            if out and piece and _CJK.match(piece[0]) and not re.match(r"[\u2e80-\u9fff\uf900-\ufaff]", piece):
                out[-1] += piece  # CJK punctuation never starts a line
            else:
                out.append(piece)
        if out:
            out[-1] += " "
    return [t for t in out if t.strip()]


class SubtitleRenderer:
    """Draws cues for frames of width × height; each cue's overlay is drawn once."""

    def __init__(self, width: int, height: int, language: str = "en", font_path: str | None = None) -> None:
        self.width, self.height = width, height
        self.line_chars = LINE_CHARS.get(language, LINE_CHARS["en"])
        self.size = max(12, round(0.045 * min(width, height)))
        self.font_path = font_path or str(noto_cjk_sans_otc.FONT_PATH)
        self._cache: dict[str, Overlay | None] = {}

    def _font(self, size: int) -> ImageFont.FreeTypeFont:
        return ImageFont.truetype(self.font_path, size, index=SC_FACE)

    def wrap(self, text: str, font: ImageFont.FreeTypeFont) -> list[str]:
        """One line if it fits (90% of the width and the language's characters per line),
        else the two-line split with the shorter longer line; more only if two cannot fit."""
        room = 0.9 * self.width
        tokens = _tokens(text)

        def width(ts: list[str]) -> float:
            return float(font.getlength("".join(ts).strip()))

        def fits(ts: list[str]) -> bool:
            return width(ts) <= room and len("".join(ts).strip()) <= self.line_chars

        if fits(tokens) or len(tokens) < 2:
            return ["".join(tokens).strip()]
        best = min(range(1, len(tokens)), key=lambda k: max(width(tokens[:k]), width(tokens[k:])))
        if fits(tokens[:best]) and fits(tokens[best:]):
            return ["".join(tokens[:best]).strip(), "".join(tokens[best:]).strip()]
        lines: list[list[str]] = [[]]
        for t in tokens:
            if lines[-1] and not fits([*lines[-1], t]):
                lines.append([])
            lines[-1].append(t)
        return ["".join(line).strip() for line in lines]

    def overlay(self, text: str) -> Overlay | None:
        """The cue drawn as an RGBA overlay placed centred above the bottom safe area."""
        if text in self._cache:
            return self._cache[text]
        size = self.size
        font = self._font(size)
        lines = self.wrap(text, font)
        while len(lines) > MAX_LINES and size > 10:  # shrink rather than cover the picture
            size = round(size * 0.9)
            font = self._font(size)
            lines = self.wrap(text, font)
        result = self._draw(lines, font, size) if text.strip() else None
        self._cache[text] = result
        return result

    def _draw(self, lines: list[str], font: ImageFont.FreeTypeFont, size: int) -> Overlay:
        stroke = max(1, round(size / 12))
        shadow = max(1, round(size / 16))
        line_h = round(size * 1.3)
        widths = [round(font.getlength(line)) for line in lines]
        pad = stroke + 3 * shadow
        w = min(self.width, max(widths) + 2 * pad)
        h = line_h * len(lines) + 2 * pad
        text_layer = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        shadow_layer = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        draw, shade = ImageDraw.Draw(text_layer), ImageDraw.Draw(shadow_layer)
        for i, (line, lw) in enumerate(zip(lines, widths, strict=True)):
            x, y = (w - lw) / 2, pad + i * line_h
            shade.text((x + shadow, y + shadow), line, font=font, fill=(0, 0, 0, 150),
                       stroke_width=stroke, stroke_fill=(0, 0, 0, 150))
            draw.text((x, y), line, font=font, fill=(255, 255, 255, 255), stroke_width=stroke,
                      stroke_fill=(16, 16, 16, 235))
        shadow_layer = shadow_layer.filter(ImageFilter.GaussianBlur(shadow))
        merged = Image.alpha_composite(shadow_layer, text_layer)
        bottom = round(self.height * 0.9)  # 10% from the bottom: clear of players' controls
        x0 = (self.width - w) // 2
        y0 = max(0, bottom - h)
        return Overlay(x0, y0, np.asarray(merged, dtype=np.uint8)[: self.height - y0])


def composite(frame: np.ndarray, overlay: Overlay | None) -> np.ndarray:
    """Lay `overlay` over the RGB uint8 `frame` in place (only its box is touched)."""
    if overlay is None:
        return frame
    h, w = overlay.rgba.shape[:2]
    region = frame[overlay.y:overlay.y + h, overlay.x:overlay.x + w]
    rgba = overlay.rgba[: region.shape[0], : region.shape[1]]
    alpha = rgba[..., 3:4].astype(np.uint16)
    blended = (rgba[..., :3].astype(np.uint16) * alpha + region.astype(np.uint16) * (255 - alpha) + 127) // 255
    region[...] = blended.astype(np.uint8)
    return frame
