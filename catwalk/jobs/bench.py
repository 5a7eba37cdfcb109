"""`scripts/bench e2e`: one video job end to end through the public VideoJobs API, timed per
step: a studio trench (photo + title) → a 60 s 720×1280 video, on a stack of its own (seeded
with the starter templates and music, which is not timed) unless CATWALK_VIDEO_JOBS_URL and
CATWALK_API_KEY point at a running one.

    python -m catwalk.jobs.bench [--duration 60] [--resolution 720p|1080p] [--aspect 9:16]
"""

from __future__ import annotations

import argparse
import io
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import grpc
import psutil
from google.protobuf.json_format import MessageToDict
from PIL import Image
from rich.console import Console
from rich.table import Table

from catwalk.studio.garments import draw_product, random_spec
from catwalk.v1 import media_assembler_pb2 as media_pb
from catwalk.v1 import product_parser_pb2, video_jobs_pb2_grpc
from catwalk.v1 import video_jobs_pb2 as pb

TARGET_S = 120.0  # issue 8: a 60 s 720×1280 video on this 2-core machine
STEPS = ("parse", "plan", "render", "script", "voice", "music", "cuts", "assemble", "publish")
console = Console(highlight=False)


@contextmanager
def video_jobs() -> Iterator[tuple[str, str]]:
    """(VideoJobs endpoint, API key): the environment's, else a stack of its own."""
    if os.environ.get("CATWALK_VIDEO_JOBS_URL") and os.environ.get("CATWALK_API_KEY"):
        yield os.environ["CATWALK_VIDEO_JOBS_URL"], os.environ["CATWALK_API_KEY"]
        return
    from catwalk.jobs.tenants import create_key
    from catwalk.stack.stack import private_stack

    started = time.monotonic()
    with private_stack(lambda line: console.print(f"[dim]{line}[/dim]"), CATWALK_SEED="1") as record:
        console.print(f"[dim]stack up and seeded in {time.monotonic() - started:.0f}s (not timed below)[/dim]")
        _, key = create_key(record["components"]["postgres"]["endpoint"], "bench")
        yield record["components"]["video_jobs"]["endpoint"], key


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench e2e", description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--resolution", choices=("720p", "1080p"), default="720p")
    parser.add_argument("--aspect", choices=("9:16", "16:9", "1:1", "3:4"), default="9:16")
    args = parser.parse_args(argv)
    photo = draw_product(random_spec(7, "trench", pockets=True), 7)
    buffer = io.BytesIO()
    Image.fromarray(photo.image).save(buffer, "PNG")
    aspect = {"9:16": media_pb.ASPECT_9_16, "16:9": media_pb.ASPECT_16_9, "1:1": media_pb.ASPECT_1_1,
              "3:4": media_pb.ASPECT_3_4}[args.aspect]
    request = pb.CreateVideoJobRequest(
        product=pb.ProductInput(photo=product_parser_pb2.Photo(data=buffer.getvalue()),
                                title="双排扣风衣 卡其色 春秋款 有口袋"),
        options=pb.VideoOptions(duration_s=args.duration, aspect=aspect,
                                resolution=media_pb.RESOLUTION_1080P if args.resolution == "1080p"
                                else media_pb.RESOLUTION_720P),
        idempotency_key=f"bench-{uuid.uuid4().hex}")
    with video_jobs() as (endpoint, key), grpc.insecure_channel(
            endpoint, options=[("grpc.max_send_message_length", 64 * 2**20)]) as channel:
        jobs = video_jobs_pb2_grpc.VideoJobsStub(channel)
        metadata = (("x-api-key", key),)
        load_before = os.getloadavg()
        started = time.monotonic()
        job = jobs.CreateVideoJob(request, timeout=60, metadata=metadata)
        last_step = ""
        for update in jobs.WatchVideoJob(pb.WatchVideoJobRequest(id=job.id), timeout=1800, metadata=metadata):
            job = update
            if job.progress.step != last_step:
                last_step = job.progress.step
                console.print(f"[dim]{time.monotonic() - started:6.1f}s {last_step}[/dim]")
            if job.state in (pb.JOB_STATE_SUCCEEDED, pb.JOB_STATE_FAILED, pb.JOB_STATE_CANCELLED):
                break
        wall = time.monotonic() - started
    if job.state != pb.JOB_STATE_SUCCEEDED:
        console.print(f"[red]job {pb.JobState.Name(job.state)}: {job.error.step} {job.error.code} "
                      f"{job.error.message}[/red]")
        return 1
    report(MessageToDict(job.result.report, preserving_proto_field_name=True), wall, args, load_before)
    return 0


def report(data: dict, wall: float, args: argparse.Namespace, load_before: tuple[float, float, float]) -> None:
    steps = data.get("steps", {})
    shots = data.get("shots", [])
    frames = int(data.get("totals", {}).get("rendered_frames", 0) or 0)
    table = Table(title=f"end to end: {args.duration:.0f} s {args.aspect} {args.resolution} video "
                        f"({len(shots)} shots)")
    table.add_column("step")
    table.add_column("wall s", justify="right")
    table.add_column("share", justify="right")
    for name in [*STEPS, *(k for k in steps if k not in STEPS)]:
        if name in steps:
            seconds = float(steps[name]["wall_s"])
            table.add_row(name, f"{seconds:.1f}", f"{100 * seconds / wall:.0f}%")
    table.add_row("[bold]job, create → succeeded[/bold]", f"[bold]{wall:.1f}[/bold]", "")
    console.print(table)
    if frames and "render" in steps:
        attempts = [a for shot in shots for a in shot.get("attempts", [])]
        rendered = sum(int(a.get("quality", {}).get("frames", 0) or 0) for a in attempts)
        console.print(f"render: {frames} frames kept, {rendered} rendered in {len(attempts)} attempts for "
                      f"{len(shots)} shots, {rendered / float(steps['render']['wall_s']):.1f} frames/s")
        for shot in shots:
            for a in shot.get("attempts", []):
                if a.get("gate_failures"):
                    console.print(f"  shot {shot.get('index', 0)}: {a.get('template_name')} missed "
                                  f"{'; '.join(a['gate_failures'])}")
    verdict = "[green]meets[/green]" if wall <= TARGET_S else "[red]misses[/red]"
    console.print(f"target ≤ {TARGET_S:.0f} s for 60 s at 720p: {verdict} ({wall:.0f} s); "
                  f"{psutil.cpu_count()} cores, load average {load_before[0]:.1f} before, "
                  f"{os.getloadavg()[0]:.1f} after")


if __name__ == "__main__":
    raise SystemExit(main())
