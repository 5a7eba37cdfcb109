"""`catwalk studio` as a person uses it to look at the studio's output."""

from __future__ import annotations

import json
import subprocess

import numpy as np

from catwalk.media.video import probe, read_frames
from tests.conftest import REPO

CATWALK = str(REPO / ".venv" / "bin" / "catwalk")


def catwalk(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CATWALK, *args], capture_output=True, text=True, timeout=300)


def test_render_writes_a_playable_clip_of_the_asked_size_and_its_truth(tmp_path):
    clip = tmp_path / "clip.mp4"
    result = catwalk("studio", "render", "--motion", "walk", "--seconds", "1", "--aspect", "3:4",
                     "--resolution", "360", "--out", str(clip), "--truth", str(tmp_path / "truth"))
    assert result.returncode == 0, result.stderr
    info = probe(clip)
    assert (info["codec"], info["width"], info["height"], info["frames"]) == ("h264", 360, 480, 30)
    keypoints = np.load(tmp_path / "truth" / "keypoints.npy")
    assert keypoints.shape == (30, 33, 4)
    assert len(list((tmp_path / "truth" / "parts").glob("*.png"))) == 30
    first = next(read_frames(clip))
    assert first.shape == (480, 360, 3) and first.std() > 10, "a picture, not a blank frame"


def test_render_refuses_unknown_motions_and_aspects_without_writing(tmp_path):
    clip = tmp_path / "clip.mp4"
    bad = catwalk("studio", "render", "--motion", "moonwalk", "--out", str(clip))
    assert bad.returncode == 1 and "unknown motion 'moonwalk'" in bad.stderr
    bad = catwalk("studio", "render", "--aspect", "2:1", "--out", str(clip))
    assert bad.returncode == 1 and "aspect '2:1' is not one of 9:16, 16:9, 1:1, 3:4" in bad.stderr
    assert list(tmp_path.iterdir()) == []


def test_motions_lists_the_library_with_tags():
    result = catwalk("studio", "motions", "--json")
    assert result.returncode == 0
    motions = {m["name"]: m for m in json.loads(result.stdout)}
    assert motions["hands_in_pockets"]["requires_pockets"] is True
    assert motions["detail_closeup"]["shot_type"] == "detail_closeup"
    assert len(motions) == 11


def test_garment_writes_the_photo_its_mask_and_a_consistent_listing(tmp_path):
    photo, mask = tmp_path / "coat.png", tmp_path / "coat.mask.png"
    result = catwalk("studio", "garment", "--kind", "trench", "--pockets", "--set", "closure=double_breasted",
                     "--seed", "4", "--out", str(photo), "--mask", str(mask), "--json")
    assert result.returncode == 0, result.stderr
    listing = json.loads(result.stdout)
    assert listing["silhouette"] == "outerwear"
    assert listing["attributes"]["has_pockets"] is True and listing["attributes"]["double_breasted"] is True
    assert "风衣" in listing["title_zh"] and "Trench" in listing["title_en"]
    import cv2

    image, truth = cv2.imread(str(photo)), cv2.imread(str(mask), cv2.IMREAD_GRAYSCALE)
    assert image.shape[:2] == truth.shape and 0.1 < (truth > 0).mean() < 0.9
    assert image[truth == 0].mean() > 200, "outside the garment is the light background"


def test_garment_refuses_what_a_kind_cannot_have():
    result = catwalk("studio", "garment", "--kind", "trousers", "--set", "sleeve=long", "--out", "/tmp/never.png")
    assert result.returncode == 1 and result.stderr.startswith("error: sleeve:")
