"""The product photo reader on studio garments (truth known), through the served
garment_segmenter; input checks on the studio's own truth masks (no server needed)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from catwalk.library.dictionary import DIMENSIONS
from catwalk.library.tags import Dictionary
from catwalk.product.accuracy import ATTRIBUTES, read_studio, studio_garments, summarise, triton_segmenter
from catwalk.product.colours import PALETTE, ciede2000, nearest, rgb_to_lab
from catwalk.product.evidence import Source, VisionReading
from catwalk.product.vision import read_photo
from catwalk.studio.garments import ProductPhoto, draw_product, random_spec

# What the reader reaches on 60 studio garments (seed 0) through garment_segmenter, with a
# little room: colour 1.00, colour family 1.00, pattern ~0.95, silhouette ~0.85 (the
# segmenter's class), sleeve ~0.95, length ~0.9.
FLOOR = {"colour": 0.9, "colour_family": 0.9, "pattern": 0.85, "silhouette": 0.75, "sleeve_length": 0.85,
         "length": 0.8}


@pytest.fixture(scope="module")
def dictionary() -> Dictionary:
    return Dictionary(DIMENSIONS)


@pytest.fixture(scope="module")
def segment(stack):
    return triton_segmenter(stack.triton())


def _read(photo: ProductPhoto, segment, dictionary: Dictionary, image: np.ndarray | None = None) -> VisionReading:
    image = photo.image if image is None else image
    seg = segment(image)
    return read_photo(image, seg["MASK"], seg["LANDMARKS"], int(seg["SILHOUETTE"][0]), seg["SILHOUETTE_SCORES"],
                      dictionary)


def _truth_read(shot: ProductPhoto, dictionary: Dictionary, **change) -> VisionReading:
    args = dict(photo=shot.image, mask=shot.mask, landmarks=shot.landmarks, silhouette=int(shot.silhouette),
                silhouette_scores=np.eye(5, dtype=np.float32)[int(shot.silhouette)], dictionary=dictionary)
    args.update(change)
    return read_photo(**args)


def _families(reading: VisionReading) -> set[str]:
    return {str(e.value) for e in reading.evidence if e.dimension == "colour_family"}


def test_palette_names_families_of_the_dictionary(dictionary):
    assert len(PALETTE) >= 24
    assert len({c.name for c in PALETTE}) == len(PALETTE)
    for c in PALETTE:
        assert dictionary.is_value("colour_family", c.family), c
        assert c.zh and c.en
        found, distance = nearest(rgb_to_lab(np.array(c.rgb, np.float64)))
        assert found == c and distance < 1e-6


def test_ciede2000_matches_published_pairs():
    # Sharma, Wu and Dalal (2005), pairs 1 and 7
    assert float(ciede2000(np.array([50, 2.6772, -79.7751]), np.array([50, 0, -82.7485]))) == pytest.approx(2.0425,
                                                                                                          abs=1e-4)
    assert float(ciede2000(np.array([50, 0, 0]), np.array([50, -1, 2]))) == pytest.approx(2.3669, abs=1e-4)


def test_studio_accuracy_through_garment_segmenter(segment, dictionary):
    photos = studio_garments(60, seed=0)
    results = read_studio(segment, photos, dictionary)
    table = summarise(results)
    print("\nphoto reader on 60 studio garments (seed 0), through garment_segmenter:")
    for name in ATTRIBUTES:
        n = sum(r.correct[name] is not None for r in results)
        print(f"  {name:14s} {table[name]:6.1%}  (n={n}, floor {FLOOR[name]:.0%})")
    for r in results:
        wrong = [k for k, v in r.correct.items() if v is False]
        if wrong:
            s = r.photo.spec
            got = {e.dimension: e.value for e in r.reading.evidence if e.dimension in wrong}
            print(f"  miss: {s.kind} {s.colour.name_en} {s.pattern} sleeve={s.sleeve} length={s.length}: {got}")
    assert len({p.spec.kind for p in photos}) == 10
    assert len({p.spec.pattern for p in photos}) >= 5
    assert len({p.spec.colour.name_en for p in photos}) >= 12
    for name, floor in FLOOR.items():
        assert table[name] >= floor, (name, table)


def test_reading_is_vocabulary_deterministic_and_explained(segment, dictionary):
    photo = draw_product(random_spec(5, "shirt", pattern="checks"), 5)
    first, second = _read(photo, segment, dictionary), _read(photo, segment, dictionary)
    assert first == second
    assert len(first.descriptor) == 24
    assert first.colours and first.colours == sorted(first.colours, key=lambda c: -c.share)
    assert all(c.share >= 0.05 for c in first.colours)
    dims = {e.dimension for e in first.evidence}
    assert {"colour_family", "pattern", "silhouette", "sleeve_length", "length"} <= dims
    for e in first.evidence:
        assert e.source == Source.VISION and 0 < e.confidence <= 1 and e.reason
        assert isinstance(e.value, bool) or dictionary.is_value(e.dimension, e.value), e


def test_grayscale_photo_reads_as_neutral(segment, dictionary):
    photo = draw_product(random_spec(11, "tshirt", colour="red", pattern="solid"), 11)
    grey = cv2.cvtColor(cv2.cvtColor(photo.image, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
    reading = _read(photo, segment, dictionary, grey)
    assert _families(reading) <= {"black", "grey", "white"}, reading.evidence
    assert all(c.family in ("black", "grey", "white") for c in reading.colours)


def test_two_colour_garment_names_both(segment, dictionary):
    photo = draw_product(random_spec(3, "tshirt", colour="white", pattern="stripes", accent="navy"), 3)
    reading = _read(photo, segment, dictionary)
    assert {"navy", "white"} <= _families(reading), reading.evidence
    assert {c.family for c in reading.colours[:2]} == {"navy", "white"}
    assert "multi" not in _families(reading)
    assert next(e.value for e in reading.evidence if e.dimension == "pattern") == "stripes"


def test_tiny_garment_is_read_with_less_confidence(segment, dictionary):
    """A 100 px garment in the middle of a 400 px photo (2% of it) (the studio sweep stretched around it)."""
    spec = random_spec(21, "dress", colour="red", pattern="solid")
    tiny, big = draw_product(spec, 21, size=100), draw_product(spec, 21)
    h, w = tiny.image.shape[:2]
    pad = ((200 - h // 2, 200 - (h - h // 2)), (200 - w // 2, 200 - (w - w // 2)), (0, 0))
    image = np.pad(tiny.image, pad, mode="edge")
    small_reading, big_reading = _read(tiny, segment, dictionary, image), _read(big, segment, dictionary)
    assert small_reading.notes and "less sure" in small_reading.notes[0]
    assert "red" in _families(small_reading)
    truth = rgb_to_lab(np.array(spec.colour.rgb, np.float64))
    hex_ = small_reading.colours[0].hex
    assert float(ciede2000(rgb_to_lab(np.array([int(hex_[i:i + 2], 16) for i in (1, 3, 5)], float)), truth)) <= 10
    conf = {e.dimension: e.confidence for e in small_reading.evidence}
    big_conf = {e.dimension: e.confidence for e in big_reading.evidence}
    assert conf["colour_family"] < big_conf["colour_family"]
    assert conf["silhouette"] <= big_conf["silhouette"]


def test_multicolour_garment_is_multi(dictionary):
    photo = draw_product(random_spec(7, "tshirt", colour="white", pattern="solid"), 7)
    image = photo.image.copy()
    xs = np.nonzero(photo.mask)[1]
    x0, x1 = xs.min(), xs.max()
    thirds = [(x0 + (x1 - x0) * k // 3, x0 + (x1 - x0) * (k + 1) // 3) for k in range(3)]
    for (a, b), rgb in zip(thirds, [(190, 30, 40), (40, 80, 180), (40, 150, 70)], strict=True):
        band = np.zeros_like(photo.mask, bool)
        band[:, a:b + 1] = True
        image[band & (photo.mask > 0)] = rgb
    reading = _truth_read(photo, dictionary, photo=image)
    assert {"red", "blue", "green", "multi"} <= _families(reading), reading.evidence


@pytest.mark.parametrize(("change", "argument"), [
    ({"mask": "empty"}, "mask"),
    ({"mask": "small"}, "mask"),
    ({"photo": "grey2d"}, "photo"),
    ({"photo": "float"}, "photo"),
    ({"landmarks": np.zeros((13, 3), np.float32)}, "landmarks"),
    ({"landmarks": np.full((14, 3), np.nan, np.float32)}, "landmarks"),
    ({"silhouette": 9}, "silhouette"),
    ({"silhouette_scores": np.ones(3, np.float32)}, "silhouette_scores"),
])
def test_bad_inputs_name_the_argument(dictionary, change, argument):
    photo = draw_product(random_spec(1, "tshirt"), 1, size=200)
    value = next(iter(change.values()))
    if isinstance(value, np.ndarray):
        pass
    elif value == "empty":
        change = {"mask": np.zeros_like(photo.mask)}
    elif value == "small":
        change = {"mask": photo.mask[:-1]}
    elif value == "grey2d":
        change = {"photo": photo.image[..., 0]}
    elif value == "float":
        change = {"photo": photo.image.astype(np.float32)}
    with pytest.raises(ValueError, match=f"^{argument}:"):
        _truth_read(photo, dictionary, **change)


def test_studio_truth_inputs_read_the_same_way(dictionary):
    """Without the server: the studio's own mask and landmarks give the truth's sleeve and length."""
    for seed, kind in enumerate(("tshirt", "dress", "skirt", "trousers", "coat")):
        photo = draw_product(random_spec(seed, kind, pattern="solid"), seed)
        reading = _truth_read(photo, dictionary)
        got = {e.dimension: e.value for e in reading.evidence}
        assert got["length"] == photo.spec.length.value, (kind, reading.evidence)
        if photo.spec.sleeve is not None:
            assert got["sleeve_length"] == photo.spec.sleeve.value, (kind, reading.evidence)
        assert got["pattern"] == "solid"
