"""The named colour palette a product photo's colours are reported in, and CIEDE2000.

Every name carries zh/en words, an sRGB reference and the `colour_family` value (from the
tag dictionary) it belongs to, so a measured colour becomes words for the script and a tag
for the matcher in one look-up. The palette holds the studio's 20 colours (same names and
references) plus common retail colours that fall between them. Pure numpy/OpenCV.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np
from skimage.color import deltaE_ciede2000


@dataclass(frozen=True)
class PaletteColour:
    name: str  # snake_case id, e.g. "sky_blue"
    zh: str
    en: str
    rgb: tuple[int, int, int]
    family: str  # a colour_family value of the dictionary


PALETTE: tuple[PaletteColour, ...] = (
    PaletteColour("black", "黑色", "black", (24, 24, 26), "black"),
    PaletteColour("white", "白色", "white", (250, 250, 248), "white"),
    PaletteColour("ivory", "象牙白", "ivory", (244, 238, 222), "white"),
    PaletteColour("beige", "米色", "beige", (222, 205, 178), "beige"),
    PaletteColour("camel", "驼色", "camel", (193, 146, 96), "beige"),
    PaletteColour("khaki", "卡其色", "khaki", (189, 170, 125), "beige"),
    PaletteColour("light_grey", "浅灰色", "light grey", (200, 200, 203), "grey"),
    PaletteColour("grey", "灰色", "grey", (140, 140, 144), "grey"),
    PaletteColour("charcoal", "炭灰色", "charcoal", (64, 64, 68), "grey"),
    PaletteColour("navy", "藏青色", "navy", (32, 42, 78), "navy"),
    PaletteColour("sky_blue", "天蓝色", "sky blue", (150, 195, 232), "blue"),
    PaletteColour("denim_blue", "牛仔蓝", "denim blue", (70, 100, 140), "blue"),
    PaletteColour("royal_blue", "宝蓝色", "royal blue", (40, 80, 180), "blue"),
    PaletteColour("red", "红色", "red", (190, 30, 40), "red"),
    PaletteColour("burgundy", "酒红色", "burgundy", (110, 25, 40), "red"),
    PaletteColour("pink", "粉色", "pink", (236, 170, 190), "pink"),
    PaletteColour("hot_pink", "玫红色", "hot pink", (215, 60, 130), "pink"),
    PaletteColour("coral", "珊瑚色", "coral", (240, 128, 110), "orange"),
    PaletteColour("orange", "橙色", "orange", (230, 120, 40), "orange"),
    PaletteColour("mustard", "姜黄色", "mustard", (205, 160, 45), "yellow"),
    PaletteColour("lemon", "柠檬黄", "lemon yellow", (245, 225, 80), "yellow"),
    PaletteColour("olive", "橄榄绿", "olive", (100, 105, 60), "green"),
    PaletteColour("forest_green", "墨绿色", "forest green", (30, 75, 50), "green"),
    PaletteColour("kelly_green", "翠绿色", "kelly green", (40, 150, 70), "green"),
    PaletteColour("mint", "薄荷绿", "mint", (170, 220, 190), "green"),
    PaletteColour("brown", "棕色", "brown", (110, 70, 40), "brown"),
    PaletteColour("chocolate", "巧克力色", "chocolate", (70, 45, 30), "brown"),
    PaletteColour("purple", "紫色", "purple", (110, 70, 140), "purple"),
    PaletteColour("lavender", "薰衣草紫", "lavender", (190, 170, 220), "purple"),
)


def rgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """CIE Lab (D65; L 0..100) of sRGB colours [..., 3] in 0..255, by OpenCV's float path."""
    arr = np.asarray(rgb, np.float32).reshape(-1, 1, 3) / 255.0
    lab = cv2.cvtColor(arr, cv2.COLOR_RGB2LAB)
    return np.asarray(lab, np.float64).reshape(np.shape(rgb))


def ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """CIEDE2000 colour difference between Lab colours (broadcasting over leading dims):
    the perceptual distance the "within ΔE00 10" checks and the palette look-up use
    (scikit-image's, as the quality figures use)."""
    lab1, lab2 = np.broadcast_arrays(np.asarray(lab1, np.float64), np.asarray(lab2, np.float64))
    return np.asarray(deltaE_ciede2000(lab1, lab2, channel_axis=-1))


@cache
def _palette_lab() -> np.ndarray:
    return rgb_to_lab(np.array([c.rgb for c in PALETTE], np.float64))


def nearest(lab: np.ndarray) -> tuple[PaletteColour, float]:
    """The palette colour nearest a Lab colour by CIEDE2000, and that distance."""
    d = ciede2000(np.asarray(lab, np.float64)[None, :], _palette_lab())
    i = int(np.argmin(d))
    return PALETTE[i], float(d[i])


def to_hex(rgb: np.ndarray) -> str:
    r, g, b = (int(v) for v in np.clip(np.round(np.asarray(rgb, np.float64)), 0, 255))
    return f"#{r:02x}{g:02x}{b:02x}"
