"""`catwalk generate`: a garment in, a try-on video and its report out, through the public
VideoJobs API (create, watch with a progress bar, download the result by its URL)."""

from __future__ import annotations

import json
import os
import stat
import time
import urllib.request
import uuid
from pathlib import Path

import grpc
import typer
from google.protobuf.json_format import MessageToDict
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from catwalk.cli.output import err, fail, step
from catwalk.cli.service_client import channel_to, describe, parse_attributes
from catwalk.cli.stack_commands import settings
from catwalk.stack.stack import read_stack
from catwalk.v1 import media_assembler_pb2 as media_pb
from catwalk.v1 import product_parser_pb2, video_jobs_pb2_grpc
from catwalk.v1 import video_jobs_pb2 as pb

ASPECTS = {"9:16": media_pb.ASPECT_9_16, "16:9": media_pb.ASPECT_16_9, "1:1": media_pb.ASPECT_1_1,
           "3:4": media_pb.ASPECT_3_4}
RESOLUTIONS = {"720p": media_pb.RESOLUTION_720P, "1080p": media_pb.RESOLUTION_1080P}
FINAL = (pb.JOB_STATE_SUCCEEDED, pb.JOB_STATE_FAILED, pb.JOB_STATE_CANCELLED)
LOCAL_TENANT = "local"


def api_key() -> str:
    """CATWALK_API_KEY, else the local stack's own key (made on first use, kept in
    <CATWALK_HOME>/api-key, readable by this user only)."""
    if os.environ.get("CATWALK_API_KEY"):
        return os.environ["CATWALK_API_KEY"]
    s = settings()
    path = s.home / "api-key"
    if path.exists():
        return path.read_text().strip()
    postgres = read_stack(s)["components"].get("postgres")
    if not postgres:
        fail("no API key: set CATWALK_API_KEY (`catwalk keys create`), or run `catwalk up` for a local one")
    from catwalk.jobs.tenants import create_key

    _, key = create_key(postgres["endpoint"], LOCAL_TENANT)
    path.write_text(key + "\n")
    path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    step(f"made the local stack's API key (tenant {LOCAL_TENANT!r}) in {path}")
    return key


def generate(
    image: Path = typer.Option(None, "--image", exists=True, dir_okay=False, help="The garment's product photo."),
    title: str = typer.Option("", "--title", help="The product's title (zh or en)."),
    description: str = typer.Option("", "--description"),
    item_id: str = typer.Option("", "--item-id", help="A catalog item instead of (or completing) --image."),
    attribute: list[str] = typer.Option([], "--attr", help="Merchant attribute NAME=VALUE (repeatable)."),
    out: Path = typer.Option(..., "--out", dir_okay=False, help="Where the MP4 goes; the report goes beside it."),
    duration: float = typer.Option(60.0, "--duration", help="Seconds, 10..180."),
    aspect: str = typer.Option("9:16", "--aspect", help="9:16, 16:9, 1:1 or 3:4."),
    resolution: str = typer.Option("720p", "--resolution", help="720p or 1080p."),
    language: str = typer.Option("", "--language", help="zh or en (default: the product's)."),
    voice: str = typer.Option("", "--voice", help="A voice id (default: the language's)."),
    music_style: str = typer.Option("", "--music", help="business, casual, street, sporty, elegant or festive."),
    no_subtitles: bool = typer.Option(False, "--no-subtitles"),
    shot: list[str] = typer.Option([], "--shot", help="A shot type to include (repeatable; default: the product's)."),
    seed: int = typer.Option(0, "--seed", help="Same seed, same choices."),
    idempotency_key: str = typer.Option("", "--idempotency-key", help="Default: a new one per run."),
    timeout: float = typer.Option(1800.0, "--timeout", help="Seconds to wait for the job."),
) -> None:
    """Make a try-on video for a garment: creates a VideoJob, shows its progress, and writes
    the video to --out and its report to <out>.report.json."""
    if image is None and not item_id:
        fail("give --image (with --title) or --item-id")
    if aspect not in ASPECTS:
        fail(f"--aspect {aspect!r}: use one of {', '.join(ASPECTS)}")
    if resolution not in RESOLUTIONS:
        fail(f"--resolution {resolution!r}: use one of {', '.join(RESOLUTIONS)}")
    product = pb.ProductInput(title=title, description=description, merchant_attributes=parse_attributes(attribute))
    if item_id:
        product.item_id = item_id
    else:
        product.photo.CopyFrom(product_parser_pb2.Photo(data=image.read_bytes()))
    request = pb.CreateVideoJobRequest(
        product=product, idempotency_key=idempotency_key or f"cli-{uuid.uuid4().hex}",
        options=pb.VideoOptions(duration_s=duration, aspect=ASPECTS[aspect], resolution=RESOLUTIONS[resolution],
                                language=language, voice=voice, music_style=music_style, no_subtitles=no_subtitles,
                                shot_types=shot, seed=seed))
    metadata = (("x-api-key", api_key()), ("x-request-id", f"cli-{uuid.uuid4().hex[:12]}"))
    started = time.monotonic()
    with channel_to("video_jobs") as channel:
        jobs = video_jobs_pb2_grpc.VideoJobsStub(channel)
        try:
            job = jobs.CreateVideoJob(request, timeout=60, metadata=metadata)
            step(f"job {job.id} queued")
            job = _watch(jobs, job, metadata, timeout)
        except grpc.RpcError as exc:
            fail(describe(exc))
    if job.state != pb.JOB_STATE_SUCCEEDED:
        state = pb.JobState.Name(job.state).removeprefix("JOB_STATE_")
        fail(f"job {job.id} {state}" + (f" at {job.error.step}: {job.error.code}: {job.error.message}"
                                          if job.error.code else ""))
    out.parent.mkdir(parents=True, exist_ok=True)
    _download(job.result.video_url, out)
    report = out.with_suffix(".report.json")
    report.write_text(json.dumps(MessageToDict(job.result.report, preserving_proto_field_name=True),
                                 indent=2, ensure_ascii=False) + "\n")
    err.print(f"[green]✓[/green] {out} ({job.result.duration_s:.1f} s video, made in "
              f"{time.monotonic() - started:.0f} s) and {report}")


def _watch(jobs: video_jobs_pb2_grpc.VideoJobsStub, job: pb.VideoJob, metadata: tuple[tuple[str, str], ...],
           timeout_s: float) -> pb.VideoJob:
    columns = (TextColumn("{task.fields[step]:<9}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
               TimeElapsedColumn(), TextColumn("{task.fields[eta]} {task.fields[message]}"))
    with Progress(*columns, console=err, transient=False) as bar:
        task = bar.add_task("job", total=100, step="queued", eta="", message="")
        for update in jobs.WatchVideoJob(pb.WatchVideoJobRequest(id=job.id), timeout=timeout_s, metadata=metadata):
            job, p = update, update.progress
            bar.update(task, completed=p.percent, step=p.step or "queued", message=p.message[:60],
                       eta=f"~{p.eta_s:.0f}s left" if p.eta_s > 0 else "")
            if job.state in FINAL:
                break
    return job


def _download(url: str, path: Path) -> None:
    partial = path.with_name(f".{path.name}.partial")
    with urllib.request.urlopen(url, timeout=120) as response, open(partial, "wb") as file:
        while chunk := response.read(1 << 20):
            file.write(chunk)
    partial.replace(path)
