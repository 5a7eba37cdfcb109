"""How the mannequin looks: skin, hair, face colours and the base outfit (a plain tee and
trousers of known colour, and shoes). All colours are sRGB 0..255."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from catwalk.studio.body import GENDERS, Gender

RGB = tuple[int, int, int]
HairStyle = Literal["short", "long", "bun"]
HAIR_STYLES: tuple[HairStyle, ...] = ("short", "long", "bun")
TrouserLength = Literal["full", "cropped"]

SKIN_TONES: dict[str, RGB] = {
    "porcelain": (246, 214, 194), "light": (234, 192, 160), "medium": (212, 160, 120),
    "olive": (190, 142, 100), "tan": (160, 110, 75), "deep": (110, 72, 50),
}
HAIR_COLOURS: dict[str, RGB] = {
    "black": (28, 24, 22), "dark_brown": (58, 40, 30), "brown": (104, 70, 44),
    "auburn": (130, 60, 36), "blonde": (196, 160, 104), "grey": (150, 146, 142),
}
IRIS_COLOURS: dict[str, RGB] = {"brown": (92, 58, 34), "dark": (46, 32, 24), "blue": (70, 110, 150),
                                "green": (80, 110, 70), "hazel": (120, 94, 50)}
GARMENT_COLOURS: dict[str, RGB] = {
    "white": (236, 236, 232), "black": (34, 34, 38), "grey": (140, 142, 146), "navy": (36, 50, 92),
    "red": (178, 36, 42), "mustard": (206, 160, 48), "olive": (104, 112, 60), "sky": (126, 176, 220),
    "pink": (232, 160, 176), "beige": (210, 190, 156), "green": (48, 128, 86), "burgundy": (110, 30, 46),
}
TROUSER_COLOURS = ("black", "navy", "grey", "beige", "olive", "white")
SHOE_COLOURS: dict[str, RGB] = {"black": (30, 30, 32), "white": (232, 232, 228), "tan": (150, 100, 60),
                                "brown": (90, 56, 36)}


@dataclass(frozen=True)
class Look:
    """Colours and hair; `top`/`bottom` name entries of GARMENT_COLOURS (their RGB is the
    garment's known colour). sleeve: how far down the upper arm the tee's sleeves reach
    (0..1); trousers "cropped" leave the lower shin bare (labelled as leg)."""

    skin: str = "light"
    hair: str = "dark_brown"
    hair_style: HairStyle = "long"
    iris: str = "brown"
    top: str = "white"
    bottom: str = "navy"
    shoes: str = "black"
    sleeve: float = 0.45
    trousers: TrouserLength = "full"

    def __post_init__(self) -> None:
        checks = {"skin": self.skin in SKIN_TONES, "hair": self.hair in HAIR_COLOURS,
                  "hair_style": self.hair_style in HAIR_STYLES, "iris": self.iris in IRIS_COLOURS,
                  "top": self.top in GARMENT_COLOURS, "bottom": self.bottom in GARMENT_COLOURS,
                  "shoes": self.shoes in SHOE_COLOURS, "sleeve": 0.15 <= self.sleeve <= 1.0,
                  "trousers": self.trousers in ("full", "cropped")}
        bad = [name for name, ok in checks.items() if not ok]
        if bad:
            raise ValueError(f"Look has unknown values: {', '.join(bad)} ({self})")

    @classmethod
    def default(cls, gender: Gender = "female") -> Look:
        return cls(hair_style="long") if gender == "female" else cls(hair_style="short", hair="black", bottom="black")

    @classmethod
    def random(cls, seed: int, gender: Gender | None = None) -> Look:
        rng = np.random.default_rng([seed, 0x100C])
        if gender is None:
            gender = GENDERS[int(rng.integers(2))]

        def pick(options: tuple[str, ...] | list[str]) -> str:
            return str(options[int(rng.integers(len(options)))])

        styles: tuple[str, ...] = ("long", "long", "bun", "short") if gender == "female" else ("short",)
        bottom = pick(TROUSER_COLOURS)
        top = pick([c for c in GARMENT_COLOURS if c != bottom])
        return cls(skin=pick(list(SKIN_TONES)), hair=pick(list(HAIR_COLOURS)), hair_style=pick(styles),  # type: ignore[arg-type]
                   iris=pick(list(IRIS_COLOURS)), top=top, bottom=bottom, shoes=pick(list(SHOE_COLOURS)),
                   sleeve=round(float(rng.uniform(0.3, 0.6)), 3), trousers="cropped" if rng.random() < 0.25 else "full")

    def rgb(self, what: str) -> np.ndarray:
        """Albedo 0..1 float32 of "skin", "hair", "iris", "top", "bottom" or "shoes"."""
        table = {"skin": SKIN_TONES[self.skin], "hair": HAIR_COLOURS[self.hair], "iris": IRIS_COLOURS[self.iris],
                 "top": GARMENT_COLOURS[self.top], "bottom": GARMENT_COLOURS[self.bottom],
                 "shoes": SHOE_COLOURS[self.shoes]}
        return np.asarray(table[what], np.float32) / 255.0
