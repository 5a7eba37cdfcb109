"""How well the photo reader does on studio garments, whose truth is known: the figures the
tests assert and `scripts/bench parser` prints. Garments are drawn deterministically from a
seed, cycling kinds and patterns, and read through the served `garment_segmenter`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from catwalk.library.dictionary import DIMENSIONS
from catwalk.library.tags import Dictionary
from catwalk.product.colours import PALETTE, ciede2000, rgb_to_lab
from catwalk.product.evidence import VisionReading
from catwalk.product.vision import read_photo
from catwalk.studio.garments import GarmentKind, Pattern, ProductPhoto, draw_product, random_spec, silhouette_of

COLOUR_DE = 10.0  # a dominant colour within this ΔE00 of the truth counts as right
_PATTERN_CYCLE = (Pattern.SOLID, Pattern.STRIPES, Pattern.CHECKS, Pattern.FLORAL, Pattern.ABSTRACT,
                  Pattern.SOLID, Pattern.LOGO)
ATTRIBUTES = ("colour", "colour_family", "pattern", "silhouette", "sleeve_length", "length")


def studio_garments(n: int, seed: int = 0, size: int | None = None) -> list[ProductPhoto]:
    """n photos: kinds in turn, patterns cycled where the kind allows them; the same n and
    seed give the same photos."""
    kinds = list(GarmentKind)
    photos = []
    for i in range(n):
        kind, pattern = kinds[i % len(kinds)], _PATTERN_CYCLE[(i // len(kinds) + i) % len(_PATTERN_CYCLE)]
        try:
            spec = random_spec(seed + i, kind, pattern=pattern)
        except ValueError:  # the kind never has this pattern
            spec = random_spec(seed + i, kind)
        photos.append(draw_product(spec, seed + i, size=size))
    return photos


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)], np.float64)


def truth_family(photo: ProductPhoto) -> str:
    """The colour_family of the studio colour (the palette holds every studio colour by name)."""
    name = photo.spec.colour.name_en.replace(" ", "_")
    return next(c.family for c in PALETTE if c.name == name)


def score(reading: VisionReading, photo: ProductPhoto) -> dict[str, bool | None]:
    """Right or wrong per attribute; None where the garment has no truth for it (sleeves of
    trousers) or, for pattern, where it is a chest logo (read as the solid body: weak spot).
    Colour: the dominant colour for solid garments; for patterned ones, either of the two
    largest (a 50/50 stripe has no single dominant colour)."""
    spec = photo.spec
    values: dict[str, list[Any]] = {}
    for e in reading.evidence:
        values.setdefault(e.dimension, []).append(e.value)
    truth_lab = rgb_to_lab(np.array(spec.colour.rgb, np.float64))
    candidates = reading.colours[:1] if spec.pattern in (Pattern.SOLID, Pattern.LOGO) else reading.colours[:2]
    colour_ok = any(float(ciede2000(rgb_to_lab(_rgb(c.hex)), truth_lab)) <= COLOUR_DE for c in candidates)
    first = {k: v[0] for k, v in values.items()}
    return {
        "colour": colour_ok,
        "colour_family": truth_family(photo) in values.get("colour_family", []),
        "pattern": None if spec.pattern == Pattern.LOGO else first.get("pattern") == spec.pattern.value,
        "silhouette": first.get("silhouette") == silhouette_of(spec.kind).name.lower(),
        "sleeve_length": None if spec.sleeve is None else first.get("sleeve_length") == spec.sleeve.value,
        "length": first.get("length") == spec.length.value,
    }


@dataclass(frozen=True)
class StudioResult:
    photo: ProductPhoto
    reading: VisionReading
    correct: dict[str, bool | None]


def read_studio(segment: Callable[[np.ndarray], dict[str, np.ndarray]], photos: list[ProductPhoto],
                dictionary: Dictionary | None = None) -> list[StudioResult]:
    """Read each photo with `segment` (photo -> garment_segmenter's outputs, unbatched)."""
    dictionary = dictionary or Dictionary(DIMENSIONS)
    out = []
    for photo in photos:
        seg = segment(photo.image)
        reading = read_photo(photo.image, seg["MASK"], seg["LANDMARKS"], int(seg["SILHOUETTE"].reshape(-1)[0]),
                             seg["SILHOUETTE_SCORES"], dictionary)
        out.append(StudioResult(photo, reading, score(reading, photo)))
    return out


def summarise(results: list[StudioResult]) -> dict[str, float]:
    """Share right per attribute, over the garments that have a truth for it."""
    table = {}
    for name in ATTRIBUTES:
        marks = [bool(r.correct[name]) for r in results if r.correct[name] is not None]
        table[name] = float(np.mean(marks)) if marks else float("nan")
    return table


def triton_segmenter(client: Any) -> Callable[[np.ndarray], dict[str, np.ndarray]]:
    """garment_segmenter on a tritonclient gRPC client, one photo per request."""
    from catwalk.models.client import infer

    def segment(image: np.ndarray) -> dict[str, np.ndarray]:
        outputs = infer(client, "garment_segmenter", {"IMAGES": image[None]})
        return {name: value[0] for name, value in outputs.items()}

    return segment


def studio_accuracy(client: Any, n: int = 40, seed: int = 0) -> dict[str, float]:
    """Per-attribute accuracy of the photo reader over n studio garments through the served
    garment_segmenter (`client`: tritonclient.grpc.InferenceServerClient)."""
    return summarise(read_studio(triton_segmenter(client), studio_garments(n, seed)))
