"""`catwalk models look IMAGE`: every perception model on one photo, in words."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import typer
from tritonclient.utils import InferenceServerException

from catwalk.cli.output import fail, out, print_json
from catwalk.models.client import ClientError, connect, infer, read_image, triton_url
from catwalk.vision.labels import GarmentLandmark, Part, PoseKeypoint, Silhouette

# One colour per Part, for the overlay PNG.
PART_COLOURS = np.array([
    (0, 0, 0), (255, 204, 153), (102, 51, 0), (255, 153, 102), (220, 20, 60), (65, 105, 225),
    (30, 144, 255), (0, 128, 128), (0, 206, 209), (255, 215, 0), (255, 165, 0), (50, 205, 50),
    (148, 0, 211), (218, 112, 214), (139, 69, 19), (205, 133, 63)], np.uint8)


def person_findings(client, image: np.ndarray) -> dict:
    person = infer(client, "person_analysis", {"IMAGES": image[None]})
    face = infer(client, "face_id", {"IMAGES": image[None]})
    keypoints, mask, parse = person["KEYPOINTS"][0], person["MASK"][0], person["PARSE"][0]
    visible = keypoints[:, 3] > 0.5
    area = parse.size
    return {
        "person_found": bool(visible.any()),
        "visible_keypoints": int(visible.sum()),
        "keypoints": {PoseKeypoint(i).name.lower(): [round(float(v), 1) for v in keypoints[i]]
                      for i in (PoseKeypoint.NOSE, PoseKeypoint.LEFT_SHOULDER, PoseKeypoint.RIGHT_SHOULDER,
                                PoseKeypoint.LEFT_HIP, PoseKeypoint.RIGHT_HIP)},
        "person_area_pct": round(100 * float((mask > 127).mean()), 1),
        "parts_pct": {Part(p).name.lower(): round(100 * float((parse == p).sum()) / area, 1)
                      for p in np.unique(parse) if p != Part.BACKGROUND},
        "face": {"score": round(float(face["SCORE"][0, 0]), 3),
                 "box": [round(float(v)) for v in face["BOX"][0]],
                 "embedding_norm": round(float(np.linalg.norm(face["EMBEDDING"][0])), 3)},
        "_parse": parse,
    }


def garment_findings(client, image: np.ndarray) -> dict:
    garment = infer(client, "garment_segmenter", {"IMAGES": image[None]})
    landmarks = garment["LANDMARKS"][0]
    silhouette = Silhouette(int(garment["SILHOUETTE"][0, 0]))
    return {
        "silhouette": silhouette.name.lower(),
        "confidence": round(float(garment["SILHOUETTE_SCORES"][0].max()), 3),
        "garment_area_pct": round(100 * float((garment["MASK"][0] > 127).mean()), 1),
        "landmarks": {GarmentLandmark(i).name.lower(): [round(float(v)) for v in landmarks[i, :2]]
                      for i in range(len(landmarks)) if landmarks[i, 2] > 0},
        "_mask": garment["MASK"][0],
    }


def look(
    image_path: Path = typer.Argument(..., help="A photo (png, jpg, ...)."),
    garment: bool = typer.Option(False, "--garment", help="It is a product photo: segment the garment."),
    save: Path = typer.Option(None, help="Write an overlay PNG of what was found to this file."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Run the perception models on a photo and say what they found."""
    try:
        image = read_image(image_path)
        client = connect(triton_url())
        findings = garment_findings(client, image) if garment else person_findings(client, image)
    except ClientError as exc:
        fail(str(exc))
    except InferenceServerException as exc:
        fail(exc.message())
    overlay = findings.pop("_mask" if garment else "_parse")
    if save:
        colours = np.stack([overlay] * 3, -1) if garment else PART_COLOURS[overlay]
        blend = cv2.addWeighted(image, 0.45, colours, 0.55, 0)
        cv2.imwrite(str(save), cv2.cvtColor(np.hstack([image, blend]), cv2.COLOR_RGB2BGR))
    if as_json:
        print_json(findings)
        return
    h, w = image.shape[:2]
    out.print(f"[bold]{image_path}[/bold] ({w}x{h})")
    for key, value in findings.items():
        out.print(f"  {key.replace('_', ' ')}: {value}")
    if save:
        out.print(f"  overlay: {save}")
