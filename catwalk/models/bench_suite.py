"""`scripts/bench models`: pose_estimator, human_parser, person_analysis and
tryon_video_tracks (16-frame clip chunks) on 720x1280 frames at concurrency 1/4/8, dynamic
batching on vs off, with the server's execution/request ratio and the figures that explain
the gain (or its absence).

Runs on a stack of its own (temp dir, free ports) unless CATWALK_TRITON_URL is set.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from contextlib import contextmanager

from rich.console import Console
from rich.table import Table

from catwalk.models import bench
from catwalk.models.client import connect
from catwalk.models.samples import sample_clip, sample_inputs

MODELS = ("pose_estimator", "human_parser", "person_analysis", "tryon_video_tracks")
CLIP_FRAMES = 16  # frames per request of a video model (one clip chunk)
CONCURRENCY = (1, 4, 8)
WIDTH, HEIGHT = 720, 1280

console = Console(highlight=False, soft_wrap=True, width=132)


@contextmanager
def triton_server():
    """The URL of a Triton with the models loaded: the given one, or a stack of our own."""
    if os.environ.get("CATWALK_TRITON_URL"):
        yield os.environ["CATWALK_TRITON_URL"]
        return
    from catwalk.stack.stack import private_stack

    with private_stack(lambda line: console.print(f"[dim]{line}[/dim]"), CATWALK_SEED="0") as record:
        yield record["components"]["triton"]["endpoint"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests-per-slot", type=int, default=6,
                        help="requests per unit of concurrency (at least 16 per run)")
    parser.add_argument("--models", default=",".join(MODELS))
    args = parser.parse_args(argv)
    cores = os.cpu_count() or 1
    results: list[bench.BenchResult] = []
    layouts: dict[str, tuple[int, int]] = {}
    with triton_server() as url:
        client = connect(url)
        for model in args.models.split(","):
            layouts.update({step: _layout(client, step, cores) for step in bench.composing_models(client, model)})
            names = [i.name for i in client.get_model_config(model).config.input if not i.optional]
            video = "FRAMES" in names
            inputs = (sample_clip(client, names, WIDTH, HEIGHT, CLIP_FRAMES) if video
                      else sample_inputs(client, names, WIDTH, HEIGHT, batch=1))
            for batching in (True, False):
                for concurrency in CONCURRENCY:
                    requests = max(16, concurrency * args.requests_per_slot)
                    console.print(f"[dim]{model}: batching {'on' if batching else 'off'}, "
                                  f"concurrency {concurrency}, {requests} requests[/dim]")
                    results.append(bench.run(url, model, inputs, concurrency, requests, batching))
    report(results, cores, layouts)
    return 0


def _layout(client, model: str, cores: int) -> tuple[int, int]:
    """(instances, worker threads per instance) of a model."""
    config = client.get_model_config(model).config
    threads = config.parameters.get("worker_threads")
    per = int(threads.string_value) if threads and threads.string_value != "0" else cores
    return sum(g.count or 1 for g in config.instance_group), per


def report(results: list[bench.BenchResult], cores: int, layouts: dict[str, tuple[int, int]]) -> None:
    threads = {step: per for step, (_, per) in layouts.items()}
    table = Table(title=f"models at {WIDTH}x{HEIGHT}: one frame per request (video models: one "
                        f"{CLIP_FRAMES}-frame clip), {cores} CPU cores")
    for column in ("model", "conc", "batching", "frames/s", "p50 ms", "p99 ms",
                   "exec/request", "items/exec", "compute ms/item", "queue ms"):
        table.add_column(column, justify="left" if column in ("model", "batching") else "right")
    for r in results:
        steps = _steps(r)
        requests = max(c.requests for c in steps.values())
        executions = max(c.executions for c in steps.values())
        items = max(c.items for c in steps.values())
        compute_ms = sum(c.compute_ns for c in steps.values()) / items / 1e6
        table.add_row(r.model, str(r.concurrency), "on" if r.batching else "off",
                      f"{r.items_per_s:.1f}", f"{r.latency_ms(50):.0f}", f"{r.latency_ms(99):.0f}",
                      f"{executions / requests:.2f}", f"{items / executions:.2f}",
                      f"{compute_ms:.1f}", f"{r.counts[r.model].queue_ms_per_request:.0f}")
    console.print(table)
    console.print("exec/request and items/exec: the server's own counts (an ensemble: its busiest step); "
                  "compute ms/item: the server's execution time per item (an ensemble: its steps summed). "
                  f"An item is a frame, or for a video model a {CLIP_FRAMES}-frame clip.")
    console.print("[bold]gain from dynamic batching[/bold] (frames/s on ÷ off, same concurrency), "
                  "and why:")
    by_key = {(r.model, r.concurrency, r.batching): r for r in results}
    top = max(CONCURRENCY)
    for model in dict.fromkeys(r.model for r in results):
        gains = ", ".join(
            f"c={c}: {by_key[(model, c, True)].items_per_s / by_key[(model, c, False)].items_per_s:.2f}×"
            for c in CONCURRENCY)
        console.print(f"  {model}: {gains}")
        for step, on in _steps(by_key[(model, top, True)]).items():
            off = _steps(by_key[(model, top, False)])[step]
            count, per = layouts[step]
            if not on.executions or not off.executions:  # every request answered from its response cache
                console.print(f"    {step}: answered from Triton's response cache (the same input each time)")
                continue
            line = (f"    {step} ({count} instance(s) × {per} thread(s)): compute "
                    f"{off.compute_ms_per_item:.1f} ms/item alone → {on.compute_ms_per_item:.1f} "
                    f"in batches of {on.items / on.executions:.1f}; ")
            faster = on.compute_ms_per_item < 0.8 * off.compute_ms_per_item
            if faster and threads.get(step, 1) > 1:
                line += f"a batch spreads over its {threads[step]} threads"
            elif faster:
                line += "fewer, larger executions amortise the per-execution overhead"
            else:
                line += ("no gain per frame: its work holds the GIL, so on a CPU it scales with "
                         "instances rather than batches")
            console.print(line)


def _steps(result: bench.BenchResult) -> dict[str, bench.ServerCounts]:
    """The counts of the models that do the work: the model itself, or an ensemble's steps."""
    steps = {m: c for m, c in result.counts.items() if m != result.model}
    return steps or {result.model: result.counts[result.model]}


if __name__ == "__main__":
    started = time.monotonic()
    code = main(sys.argv[1:])
    console.print(f"[dim]took {time.monotonic() - started:.0f}s[/dim]")
    sys.exit(code)
