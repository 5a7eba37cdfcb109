"""`catwalk products import | parse`: the local product catalog, and ProductParser.

`import` writes the stack's catalog (Postgres table `products`, photos in S3), as `templates
seed` writes the library; `parse` goes through ProductParser's public gRPC API.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from google.protobuf.json_format import MessageToDict
from rich.table import Table

from catwalk.cli.output import fail, out, print_json, step
from catwalk.cli.service_client import call, channel_to, parse_attributes, tags_dict
from catwalk.cli.stack_commands import settings
from catwalk.stack.s3 import s3_client
from catwalk.stack.stack import read_stack
from catwalk.v1 import product_parser_pb2 as pb
from catwalk.v1 import product_parser_pb2_grpc, tags_pb2

app = typer.Typer(help="Products: the local catalog, and parsing a product into its profile.", no_args_is_help=True)
PARSE_TIMEOUT_S = 120.0


@contextmanager
def product_parser() -> Iterator[product_parser_pb2_grpc.ProductParserStub]:
    with channel_to("product_parser") as channel:
        yield product_parser_pb2_grpc.ProductParserStub(channel)


def profile_dict(profile: tags_pb2.ProductProfile) -> dict[str, Any]:
    """A profile as JSON: proto field names, tag values plain, sources in lower case."""
    data = MessageToDict(profile, preserving_proto_field_name=True, always_print_fields_with_no_presence=True)
    data.pop("visual_descriptor", None)
    values = tags_dict({name: tag.value for name, tag in profile.tags.items()})
    data["tags"] = {
        name: {"value": values[name], "confidence": round(tag.confidence, 3),
               "source": tags_pb2.TagSource.Name(tag.source).removeprefix("TAG_SOURCE_").lower(),
               "reason": tag.reason}
        for name, tag in sorted(profile.tags.items())
    }
    return data


@app.command("import")
def import_products(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, metavar="FILE.jsonl",
                                help="JSON lines: item_id, title, description, attributes, image (a path)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON: {added, updated, errors}."),
) -> None:
    """Upsert items into the stack's product catalog (photos to S3 products/<sha256>.<ext>).
    A bad line is named and writes nothing; the others are imported; exit 1 if any was bad."""
    from catwalk.product.catalog import PostgresCatalog
    from catwalk.product.importer import import_jsonl

    s = settings()
    components = read_stack(s)["components"]
    dsn = os.environ.get("CATWALK_DATABASE_URL") or components.get("postgres", {}).get("endpoint")
    if not dsn or "s3" not in components:
        fail("the stack is not running: run `catwalk up`")
    s3 = s3_client(components["s3"]["endpoint"], s.s3_access_key, s.s3_secret_key)
    step(f"importing {file}")
    report = import_jsonl(file, PostgresCatalog(dsn), s3)
    if as_json:
        print_json({"added": report.added, "updated": report.updated, "errors": report.errors})
    else:
        out.print(f"[green]{len(report.added)} added, {len(report.updated)} updated[/green]"
                  + (f", [red]{len(report.errors)} bad line(s)[/red]" if report.errors else ""))
    for error in report.errors:
        step(f"[red]{error}[/red]")
    if report.errors:
        raise typer.Exit(1)


@app.command()
def parse(
    item_id: str = typer.Option(None, "--item-id", help="An item of the catalog."),
    image: Path = typer.Option(None, exists=True, dir_okay=False, help="A product photo file."),
    s3_key: str = typer.Option(None, "--s3-key", help="A product photo in S3 (bucket --bucket)."),
    bucket: str = typer.Option("catwalk-library", help="The bucket of --s3-key: catwalk-library or catwalk-jobs."),
    title: str = typer.Option("", help="The product title (zh or en)."),
    description: str = typer.Option("", help="The product description."),
    attributes: list[str] = typer.Option([], "--attr", "-a", help="A merchant attribute NAME=VALUE; repeat."),
    as_json: bool = typer.Option(False, "--json", help="Print the profile as JSON."),
) -> None:
    """Parse a product (an --item-id, or an --image / --s3-key with its --title) into its profile."""
    if sum(x is not None for x in (item_id, image, s3_key)) != 1:
        fail("give one of --item-id, --image or --s3-key")
    request = pb.ParseProductRequest(title=title, description=description,
                                     merchant_attributes=parse_attributes(attributes))
    if item_id is not None:
        request.item_id = item_id
    elif image is not None:
        request.photo.data = image.read_bytes()
    else:
        request.photo.s3_key, request.photo.s3_bucket = s3_key, bucket
    with product_parser() as parser:
        profile = call(parser.ParseProduct, request, timeout_s=PARSE_TIMEOUT_S)
    data = profile_dict(profile)
    if as_json:
        print_json(data)
        return
    colours = ", ".join(f"{c['en']} {c['hex']} {c['share']:.0%}" for c in data.get("colours", []))
    out.print(f"[bold]{profile.category or '?'}[/bold]  {colours}  ({profile.language or 'no text'})")
    table = Table("tag", "value", "confidence", "source", "reason")
    for name, tag in data["tags"].items():
        value = tag["value"]
        table.add_row(name, ",".join(value) if isinstance(value, list) else str(value), f"{tag['confidence']:.2f}",
                      tag["source"], tag["reason"])
    out.print(table)
    for conflict in profile.conflicts:
        out.print(f"[yellow]conflict[/yellow] {conflict.dimension}: {conflict.message}")
    for shot in profile.shot_types:
        out.print(f"shot {shot.shot_type}: {shot.reason}")
    for point in profile.selling_points:
        out.print(f"• {point.zh} / {point.en}")
    for warning in profile.warnings:
        out.print(f"[dim]warning: {warning}[/dim]")
