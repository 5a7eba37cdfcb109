"""The starter library: template clips rendered by the studio, with their truth (pose and
parse tracks) stored as the tracks a try-on needs, so a fresh install can make videos
before an operator imports a single real clip. `catwalk up` seeds an empty library;
`catwalk templates seed` adds whatever of the starter set is missing."""

from __future__ import annotations

import multiprocessing
import os
import tempfile
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from minio import Minio

from catwalk.library.assets import TemplateFiles, remove_assets, upload_assets
from catwalk.library.db import session
from catwalk.library.tags import Tags
from catwalk.library.templates import TemplateRecord, add_template, get_template_by_name
from catwalk.media.video import write_mp4
from catwalk.studio.body import BodyShape, Gender
from catwalk.studio.look import Look
from catwalk.studio.mannequin import render_clip
from catwalk.studio.motion import MOTIONS
from catwalk.vision.descriptor import visual_descriptor

Report = Callable[[str], None]

WIDTH, HEIGHT, FPS, SECONDS = 720, 1280, 25, 4.0
DESCRIPTOR_SAMPLES = 4  # frames the visual descriptor is measured on

# What each scene suggests about the season, style and occasion a clip suits (the ranking
# prefers templates whose tags agree with the product's).
_SCENE_TAGS: dict[str, dict[str, list[str]]] = {
    "studio": {"season": ["spring", "summer", "autumn", "winter"], "style": ["minimalist", "business"],
               "occasion": ["work", "daily"]},
    "gradient": {"season": ["spring", "autumn"], "style": ["elegant", "business"], "occasion": ["work", "party"]},
    "room": {"season": ["autumn", "winter"], "style": ["casual", "vintage"], "occasion": ["daily", "date"]},
    "outdoor": {"season": ["spring", "summer"], "style": ["casual", "sporty", "street"],
                "occasion": ["daily", "vacation", "sport"]},
}


@dataclass(frozen=True)
class StarterTemplate:
    motion: str
    gender: Gender
    scene: str
    lighting: str
    seed: int

    @property
    def name(self) -> str:
        return f"studio-{self.motion.replace('_', '-')}-{self.gender}-{self.scene}-{self.lighting}"


def starter_templates() -> list[StarterTemplate]:
    """24 clips: every motion (so every action and shot type) for both genders, cycling
    through the scenes and lightings, plus a third runway walk and idle."""
    scenes, lightings = ("studio", "gradient", "room", "outdoor"), ("soft", "warm", "cool", "high_key")
    starters = []
    for i, motion in enumerate(MOTIONS):
        genders: tuple[Gender, ...] = ("female", "male")
        for j, gender in enumerate(genders):
            k = 2 * i + j
            starters.append(StarterTemplate(motion, gender, scenes[k % 4], lightings[(k // 4 + k) % 4], 100 + k))
    starters.append(StarterTemplate("walk", "female", "outdoor", "warm", 200))
    starters.append(StarterTemplate("idle", "male", "gradient", "high_key", 201))
    return starters


def starter_tags(t: StarterTemplate) -> Tags:
    tags = MOTIONS[t.motion].tags
    return {
        "action": tags.action, "shot_type": tags.shot_type, "tempo": tags.tempo, "camera_move": tags.camera_move,
        "requires_pockets": tags.requires_pockets, "loopable": tags.loopable,
        "model_gender": t.gender, "model_age_group": "adult", "body_type": "average",
        "scene": t.scene, "lighting": t.lighting, "orientation": "portrait", **_SCENE_TAGS[t.scene],
    }


def render_template(t: StarterTemplate) -> tuple[TemplateFiles, list[float]]:
    """Render one starter clip: its files and its visual descriptor."""
    with tempfile.TemporaryDirectory(prefix="catwalk-seed-") as tmp:
        return _render(t, Path(tmp))


def _render(t: StarterTemplate, workdir: Path) -> tuple[TemplateFiles, list[float]]:
    keypoints, parts, samples, masks = [], [], [], []
    total = round(SECONDS * FPS)
    every = max(1, total // DESCRIPTOR_SAMPLES)
    reference = None

    def images():
        nonlocal reference
        for frame in render_clip(t.motion, SECONDS, FPS, width=WIDTH, height=HEIGHT,
                                 body=BodyShape.random(t.seed, t.gender), look=Look.random(t.seed, t.gender),
                                 background=t.scene, lighting_preset=t.lighting, seed=t.seed):
            keypoints.append(frame.keypoints)
            parts.append(frame.parts)
            if frame.index % every == 0:
                samples.append(frame.image)
                masks.append(frame.mask)
            if reference is None:
                reference = frame.image
            yield frame.image

    video = workdir / "video.mp4"
    write_mp4(images(), video, FPS)
    assert reference is not None
    files = TemplateFiles.of(video, np.stack(keypoints), np.stack(parts), reference)
    return files, visual_descriptor(samples, masks).tolist()


def seed_library(dsn: str, s3: Minio, report: Report = lambda _: None, workers: int | None = None) -> int:
    """Add the starter templates that are missing (by name); how many were added. Clips
    render in worker processes (one per core); each is stored as soon as it is done."""
    with session(dsn) as s:
        missing = [t for t in starter_templates() if get_template_by_name(s, t.name) is None]
    if not missing:
        return 0
    added = 0
    context = multiprocessing.get_context("spawn")  # the caller may hold threads: no fork
    with ProcessPoolExecutor(workers or os.cpu_count() or 1, mp_context=context) as pool:
        futures = {pool.submit(render_template, t): t for t in missing}
        for future in as_completed(futures):
            t = futures[future]
            _store(dsn, s3, t, *future.result())
            added += 1
            report(f"template {added}/{len(missing)} stored: {t.name}")
    return added


def _store(dsn: str, s3: Minio, t: StarterTemplate, files: TemplateFiles, descriptor: list[float]) -> None:
    template_id = str(uuid.uuid4())
    keys = upload_assets(s3, template_id, files)
    try:
        with session(dsn) as s:
            add_template(s, TemplateRecord(
                id=template_id, name=t.name, status="ready", tags=starter_tags(t), assets=keys,
                descriptor=descriptor, duration_s=SECONDS, fps=FPS, width=WIDTH, height=HEIGHT))
    except BaseException:
        remove_assets(s3, keys.values())
        raise
