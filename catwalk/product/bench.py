"""`scripts/bench parser`: ParseProduct latency (p50/p99) for photo + title through the
service's gRPC, and beside it the parser's accuracy on studio garments whose truth is known.

Runs a stack of its own (free ports, `CATWALK_MODELS=garment_segmenter`, no starter library)
unless CATWALK_PRODUCT_PARSER_URL points at a running service. Each garment is parsed three
times: photo + zh title, photo + en title, photo alone. The first call for a photo is the
"cold" one; the later two find garment_segmenter's answer in Triton's response cache, as
every chunk of a job does, so they are timed apart.

Accuracy per attribute: category; colour (the first reported colour within CIEDE2000 10 of
the garment's true colour); pockets; sleeve length (garments with sleeves); garment length.
A missing tag counts as wrong.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import time
from collections.abc import Iterator

import grpc
import numpy as np
from PIL import Image
from rich.console import Console
from rich.table import Table

from catwalk.product.colours import ciede2000, rgb_to_lab
from catwalk.studio.garments import GarmentKind, ProductPhoto, draw_product, random_spec
from catwalk.v1 import product_parser_pb2 as pb
from catwalk.v1 import product_parser_pb2_grpc, tags_pb2

console = Console(highlight=False)
MODES = ("zh", "en", "photo only")
ATTRIBUTES = ("category", "colour ΔE00≤10", "pockets", "sleeve length", "garment length")


@contextlib.contextmanager
def parser_endpoint() -> Iterator[str]:
    """host:port of a ProductParser: the given one, or one in a stack of our own."""
    if os.environ.get("CATWALK_PRODUCT_PARSER_URL"):
        yield os.environ["CATWALK_PRODUCT_PARSER_URL"]
        return
    from catwalk.stack.stack import private_stack

    with private_stack(lambda line: console.print(f"[dim]{line}[/dim]"), CATWALK_SEED="0",
                       CATWALK_MODELS="garment_segmenter") as record:
        yield record["components"]["product_parser"]["endpoint"]


def garments(count: int, size: int) -> list[ProductPhoto]:
    """`count` studio garments, every kind in turn, patterns and colours as the seed draws them."""
    kinds = list(GarmentKind)
    return [draw_product(random_spec(seed=i, kind=kinds[i % len(kinds)]), seed=i, size=size) for i in range(count)]


def _png(image: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, "PNG")
    return buffer.getvalue()


def _text(profile: tags_pb2.ProductProfile, name: str) -> str | bool | None:
    tag = profile.tags.get(name)
    if tag is None:
        return None
    kind = tag.value.WhichOneof("kind")
    return None if kind in (None, "list") else getattr(tag.value, kind)


def delta_e(hex_colour: str, rgb: tuple[int, int, int]) -> float:
    measured = np.array([[int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]], np.uint8)
    return float(ciede2000(rgb_to_lab(measured), rgb_to_lab(np.array([rgb], np.uint8)))[0])


def score(photo: ProductPhoto, profile: tags_pb2.ProductProfile) -> dict[str, bool | None]:
    """attribute → right?, None where the garment has no such attribute."""
    spec = photo.spec
    return {
        "category": profile.category == str(spec.kind),
        "colour ΔE00≤10": bool(profile.colours) and delta_e(profile.colours[0].hex, spec.colour.rgb) <= 10,
        "pockets": _text(profile, "has_pockets") is spec.pockets,
        "sleeve length": None if spec.sleeve is None else _text(profile, "sleeve_length") == str(spec.sleeve),
        "garment length": _text(profile, "length") == str(spec.length),
    }


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q)) if values else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--garments", type=int, default=40)
    parser.add_argument("--size", type=int, default=800, help="photo size in px (longer side)")
    args = parser.parse_args(argv)
    photos = garments(args.garments, args.size)
    encoded = [_png(p.image) for p in photos]
    timings: dict[str, list[float]] = {"cold": [], "cached": []}
    results: dict[str, list[dict[str, bool | None]]] = {m: [] for m in MODES}
    failures: list[str] = []
    with parser_endpoint() as endpoint, grpc.insecure_channel(
            endpoint, options=[("grpc.max_send_message_length", 64 * 2**20)]) as channel:
        stub = product_parser_pb2_grpc.ProductParserStub(channel)
        warm = draw_product(random_spec(seed=10_000), seed=10_000, size=args.size)
        stub.ParseProduct(pb.ParseProductRequest(photo=pb.Photo(data=_png(warm.image)), title=warm.title_en),
                          timeout=120)  # first call loads the dictionary, jieba and the embedder
        console.print(f"[dim]parsing {len(photos)} studio garments x {len(MODES)} at {args.size}px[/dim]")
        for seed, (photo, data) in enumerate(zip(photos, encoded, strict=True)):
            for i, mode in enumerate(MODES):
                title = photo.title_zh if mode == "zh" else photo.title_en if mode == "en" else ""
                started = time.perf_counter()
                try:
                    profile = stub.ParseProduct(pb.ParseProductRequest(photo=pb.Photo(data=data), title=title),
                                                timeout=120)
                except grpc.RpcError as exc:
                    failures.append(f"{photo.spec.kind} (seed {seed}, {mode}): {exc.code().name}: {exc.details()}")
                    continue
                elapsed = time.perf_counter() - started
                if mode != "photo only":
                    timings["cold" if i == 0 else "cached"].append(elapsed * 1000)
                results[mode].append(score(photo, profile))

    latency = Table("ParseProduct (photo + title)", "calls", "p50 ms", "p99 ms", title="latency")
    for name, label in (("cold", "first sight of a photo (zh title)"),
                        ("cached", "same photo again (en title; segmenter cache)")):
        latency.add_row(label, str(len(timings[name])), f"{percentile(timings[name], 50):.0f}",
                        f"{percentile(timings[name], 99):.0f}")
    both = timings["cold"] + timings["cached"]
    latency.add_row("all", str(len(both)), f"{percentile(both, 50):.0f}", f"{percentile(both, 99):.0f}")
    accuracy = Table("attribute", *MODES, title=f"accuracy on {len(photos)} studio garments")
    for attribute in ATTRIBUTES:
        cells = []
        for mode in MODES:
            marks = [bool(r[attribute]) for r in results[mode] if r[attribute] is not None]
            cells.append(f"{sum(marks) / len(marks):.0%} ({sum(marks)}/{len(marks)})" if marks else "-")
        accuracy.add_row(attribute, *cells)
    console.print(latency)
    console.print(accuracy)
    for failure in failures:
        console.print(f"[red]failed:[/red] {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
