"""`catwalk studio motions | render | garment`: the studio's people and garments, to look at."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import cv2
import numpy as np
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from catwalk.cli.output import err, fail, out, print_json
from catwalk.media.video import ASPECTS, frame_size, write_mp4
from catwalk.vision.labels import GarmentLandmark

app = typer.Typer(help="Draw people who move and garments to dress them in, with the truth known.",
                  no_args_is_help=True)


@app.command()
def motions(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """The motion library with each motion's tags."""
    from catwalk.studio.motion import MOTIONS

    rows = [{"name": name, "description": m.description, **asdict(m.tags)} for name, m in MOTIONS.items()]
    if as_json:
        print_json(rows)
        return
    table = Table("motion", "shot type", "tempo", "pockets", "loopable", "camera", "description")
    for r in rows:
        table.add_row(r["name"], r["shot_type"], r["tempo"], "yes" if r["requires_pockets"] else "-",
                      "yes" if r["loopable"] else "-", r["camera_move"], r["description"])
    out.print(table)


@app.command()
def render(
    out_path: Path = typer.Option(..., "--out", help="The MP4 to write."),
    motion: str = typer.Option("walk", help="A motion from `catwalk studio motions`."),
    seconds: float = typer.Option(5.0, min=0.1, max=600, help="Clip length."),
    aspect: str = typer.Option("9:16", help=f"One of {', '.join(ASPECTS)}."),
    resolution: int = typer.Option(720, min=64, max=2160, help="The shorter side in pixels."),
    fps: float = typer.Option(30.0, min=1, max=120),
    gender: str = typer.Option("female", help="female or male."),
    background: str = typer.Option("studio", help="studio, gradient, room or outdoor."),
    lighting: str = typer.Option("soft", help="soft, warm, cool or high_key."),
    seed: int = typer.Option(0, help="Same seed, same clip."),
    truth: Path = typer.Option(None, help="Also write the truth here: keypoints.npy [T,33,4], "
                                          "parts/NNNNNN.png (Part labels), garments/NNNNNN.png (1 top, 2 bottom)."),
) -> None:
    """Render a mannequin performing a motion to an H.264 MP4 (frames stream to disk)."""
    from catwalk.studio.body import BodyShape
    from catwalk.studio.look import Look
    from catwalk.studio.mannequin import render_clip

    if gender not in ("female", "male"):
        fail(f"--gender {gender!r}: expected female or male")
    try:
        width, height = frame_size(aspect, resolution)
        frames = render_clip(motion, seconds, fps, width=width, height=height,
                             body=BodyShape.default(gender), look=Look.random(seed, gender),  # type: ignore[arg-type]
                             background=background, lighting_preset=lighting, seed=seed)
    except (KeyError, ValueError) as exc:
        fail(str(exc).strip("'\""))
    total = round(seconds * fps)
    keypoints: list[np.ndarray] = []
    if truth:
        for sub in ("parts", "garments"):
            (truth / sub).mkdir(parents=True, exist_ok=True)

    def images():
        for frame in frames:
            if truth:
                keypoints.append(frame.keypoints)
                cv2.imwrite(str(truth / "parts" / f"{frame.index:06d}.png"), frame.parts)
                garments = frame.upper_garment + 2 * frame.lower_garment * (1 - frame.upper_garment)
                cv2.imwrite(str(truth / "garments" / f"{frame.index:06d}.png"), garments.astype(np.uint8))
            progress.advance(task)
            yield frame.image

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=err, transient=True) as progress:
        task = progress.add_task(f"rendering {motion} {width}x{height}", total=total)
        count = write_mp4(images(), out_path, fps)
    if truth:
        np.save(truth / "keypoints.npy", np.stack(keypoints))
    out.print(f"wrote {out_path}: {count} frames, {width}x{height} at {fps:g} fps"
              + (f"; truth in {truth}" if truth else ""))


@app.command()
def garment(
    out_path: Path = typer.Option(..., "--out", help="The product photo (PNG) to write."),
    kind: str = typer.Option(None, help="tshirt, shirt, hoodie, sweater, sleeveless, coat, trench, dress, skirt "
                                        "or trousers (default: drawn from the seed)."),
    pockets: bool = typer.Option(None, "--pockets/--no-pockets", help="With or without pockets."),
    colour: str = typer.Option(None, help="A palette colour, in English or Chinese (navy, 藏青色)."),
    pattern: str = typer.Option(None, help="solid, stripes, checks, floral, abstract or logo."),
    fields: list[str] = typer.Option([], "--set", help="Any other spec field: FIELD=VALUE (closure=double_breasted)."),
    seed: int = typer.Option(0, help="Same seed, same garment and text."),
    size: int = typer.Option(None, min=64, max=4096, help="Long side in pixels (default: drawn from the seed)."),
    background: str = typer.Option(None, help="white or grey (default: white unless the garment would vanish)."),
    mask: Path = typer.Option(None, help="Also write the truth mask (PNG, 255 = garment) here."),
    as_json: bool = typer.Option(False, "--json", help="Print the spec, texts, attributes and truth as JSON."),
) -> None:
    """Draw a flat-lay product photo with its zh/en title and description and its truth."""
    from catwalk.studio.garments import draw_product, random_spec

    fixed: dict[str, object] = {k: v for k, v in
                                (("pockets", pockets), ("colour", colour), ("pattern", pattern)) if v is not None}
    for item in fields:
        key, sep, value = item.partition("=")
        if not sep:
            fail(f"--set {item!r}: expected FIELD=VALUE")
        fixed[key] = value
    try:
        spec = random_spec(seed, kind, **fixed)
        photo = draw_product(spec, seed, size=size, background=background)
    except (KeyError, ValueError, TypeError) as exc:
        fail(str(exc).strip("'\""))
    if not cv2.imwrite(str(out_path), cv2.cvtColor(photo.image, cv2.COLOR_RGB2BGR)):
        fail(f"could not write {out_path}")
    if mask:
        cv2.imwrite(str(mask), photo.mask * np.uint8(255))
    if as_json:
        print_json({
            "image": str(out_path), "mask": str(mask) if mask else None,
            "size": [int(photo.image.shape[1]), int(photo.image.shape[0])],
            "title_zh": photo.title_zh, "title_en": photo.title_en,
            "description_zh": photo.description_zh, "description_en": photo.description_en,
            "attributes": photo.attributes, "silhouette": photo.silhouette.name.lower(),
            "landmarks": {GarmentLandmark(i).name.lower(): [round(float(x)), round(float(y))]
                          for i, (x, y, visible) in enumerate(photo.landmarks) if visible},
        })
        return
    out.print(f"wrote {out_path} ({photo.image.shape[1]}x{photo.image.shape[0]})")
    out.print(f"  {photo.title_zh}\n  {photo.title_en}")
