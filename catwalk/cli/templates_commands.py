"""`catwalk templates import | list | show | match | rm | seed`: the template library, through TemplateLibrary."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import typer
from google.protobuf.json_format import MessageToDict
from minio import Minio
from rich.table import Table

from catwalk.cli.output import fail, out, print_json, step
from catwalk.cli.service_client import call, parse_tags, tags_dict, template_library
from catwalk.cli.stack_commands import settings
from catwalk.library.schema import ASSET_BUCKET
from catwalk.stack.s3 import s3_client
from catwalk.stack.stack import read_stack
from catwalk.v1 import tags_pb2
from catwalk.v1 import template_library_pb2 as pb

app = typer.Typer(help="The template library: template videos with their tags and tracks.", no_args_is_help=True)

TagOption = typer.Option([], "--tag", "-t", help="NAME=VALUE (true/false: a flag; a,b or a, for one: a list); repeat.")


def template_dict(template: pb.Template) -> dict[str, Any]:
    """A template as JSON: proto field names, tags as plain values, no descriptor noise."""
    data = MessageToDict(template, preserving_proto_field_name=True, always_print_fields_with_no_presence=True)
    data["tags"] = tags_dict(template.tags)
    data["status"] = pb.TemplateStatus.Name(template.status).removeprefix("TEMPLATE_STATUS_").lower()
    return data


def _tags_text(template: pb.Template) -> str:
    return ", ".join(f"{k}={','.join(v) if isinstance(v, list) else v}" for k, v in tags_dict(template.tags).items()
                     if k in ("action", "shot_type", "model_gender", "scene", "lighting"))


@app.command("list")
def list_templates(
    filters: list[str] = typer.Option([], "--filter", "-f", help="NAME=VALUE a template's tags must have; repeat."),
    status: str = typer.Option(None, help="Only templates in this status: ready, importing or failed."),
    page_size: int = typer.Option(50, min=1, max=1000, help="Templates per page."),
    page_token: str = typer.Option("", help="Start at this page (a next_page_token)."),
    all_pages: bool = typer.Option(False, "--all", help="Follow next_page_token to the end."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON: {templates, next_page_token}."),
) -> None:
    """Templates in the library, one page (or --all)."""
    statuses = {"ready": pb.TEMPLATE_STATUS_READY, "importing": pb.TEMPLATE_STATUS_IMPORTING,
                "failed": pb.TEMPLATE_STATUS_FAILED}
    if status is not None and status not in statuses:
        raise typer.BadParameter(f"{status!r}: use ready, importing or failed", param_hint="--status")
    request = pb.ListTemplatesRequest(filters=parse_tags(filters, "--filter"), page_size=page_size,
                                      page_token=page_token,
                                      status=statuses[status] if status else pb.TEMPLATE_STATUS_UNSPECIFIED)
    found: list[pb.Template] = []
    with template_library() as library:
        while True:
            page = call(library.ListTemplates, request)
            found += page.templates
            request.page_token = page.next_page_token
            if not (all_pages and page.next_page_token):
                break
    if as_json:
        print_json({"templates": [template_dict(t) for t in found], "next_page_token": page.next_page_token})
        return
    table = Table("id", "name", "status", "seconds", "tags")
    for t in found:
        table.add_row(t.id, t.name, pb.TemplateStatus.Name(t.status).removeprefix("TEMPLATE_STATUS_").lower(),
                      f"{t.duration_s:.1f}", _tags_text(t))
    out.print(table)
    if page.next_page_token:
        out.print(f"[dim]more: --page-token {page.next_page_token}[/dim]")


@app.command()
def show(template_id: str = typer.Argument(..., metavar="ID"),
         as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """One template: assets, size, tags."""
    with template_library() as library:
        template = call(library.GetTemplate, pb.GetTemplateRequest(id=template_id))
    data = template_dict(template)
    if as_json:
        print_json(data)
        return
    table = Table("field", "value", show_header=False)
    for key, value in data.items():
        if key != "visual_descriptor":
            table.add_row(key, str(value))
    out.print(table)


@app.command("import")
def import_template(
    source_key: str = typer.Argument(None, metavar="[KEY]", help="The video's key in bucket catwalk-library."),
    file: Path = typer.Option(None, exists=True, dir_okay=False,
                              help="Upload this video first (to uploads/<its sha256>), then import it."),
    name: str = typer.Option(..., help="A unique template name."),
    tags: list[str] = TagOption,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Analyse a video in S3 (KEY, or --file uploaded first) through Triton and store it as a template."""
    if (source_key is None) == (file is None):
        fail("give the video's KEY in bucket catwalk-library, or --file to upload one")
    if file is not None:
        with open(file, "rb") as stream:  # same file, same key: importing it again is a no-op
            digest = hashlib.file_digest(stream, "sha256").hexdigest()[:32]
        source_key = f"uploads/{digest}{file.suffix.lower()}"
        step(f"uploading {file} to s3://{ASSET_BUCKET}/{source_key}")
        _stack_s3().fput_object(ASSET_BUCKET, source_key, str(file))
    step(f"importing s3://{ASSET_BUCKET}/{source_key} as {name!r} (analysed through Triton)")
    with template_library() as library:
        template = call(library.ImportTemplate, pb.ImportTemplateRequest(
            source_key=source_key, name=name, tags=parse_tags(tags, "--tag")), timeout_s=600)
    if as_json:
        print_json(template_dict(template))
        return
    out.print(f"[green]imported[/green] {template.name} ({template.id})")


@app.command("rm")
def remove(template_id: str = typer.Argument(..., metavar="ID")) -> None:
    """Delete a template and its assets."""
    with template_library() as library:
        call(library.DeleteTemplate, pb.DeleteTemplateRequest(id=template_id))
    out.print(f"deleted {template_id}")


def _stack_components() -> dict[str, Any]:
    components: dict[str, Any] = read_stack(settings())["components"]
    if "postgres" not in components or "s3" not in components:
        fail("the stack is not running: run `catwalk up`")
    return components


def _stack_s3() -> Minio:
    s = settings()
    return s3_client(_stack_components()["s3"]["endpoint"], s.s3_access_key, s.s3_secret_key)


@app.command()
def seed(as_json: bool = typer.Option(False, "--json", help="Print JSON: {added}.")) -> None:
    """Render the starter library from the studio into the stack's Postgres and S3."""
    from catwalk.library.seed import seed_library  # the studio renderer: heavy, only for this command

    added = seed_library(_stack_components()["postgres"]["endpoint"], _stack_s3(), step)
    if as_json:
        print_json({"added": added})
        return
    out.print(f"[green]seeded[/green] {added} template(s)")


@app.command()
def match(
    tags: list[str] = TagOption,
    profile_file: Path = typer.Option(None, "--profile", exists=True, dir_okay=False,
                                      help="A profile from `catwalk products parse --json` (its tags)."),
    shot_types: list[str] = typer.Option([], "--shot", "-s", help="A shot type to match; repeat (none = all)."),
    count: int = typer.Option(5, min=1, max=100, help="How many templates to rank."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON: the MatchTemplates response."),
) -> None:
    """Which templates suit a product, best first, and which rules excluded the others."""
    values: dict[str, Any] = {}
    if profile_file is not None:
        try:
            values = {name: tag["value"] for name, tag in json.loads(profile_file.read_text())["tags"].items()}
        except (ValueError, KeyError, TypeError) as exc:
            fail(f"--profile {profile_file}: not a profile from `catwalk products parse --json` ({exc})")
    profile = tags_pb2.ProductProfile()
    for name, value in values.items():
        profile.tags[name].value.CopyFrom(_tag_value(value))
    for name, value in parse_tags(tags, "--tag").items():
        profile.tags[name].value.CopyFrom(value)
    with template_library() as library:
        answer = call(library.MatchTemplates, pb.MatchTemplatesRequest(profile=profile, shot_types=shot_types,
                                                                      count=count))
    if as_json:
        data = MessageToDict(answer, preserving_proto_field_name=True, always_print_fields_with_no_presence=True)
        data["matches"] = [{"template": template_dict(m.template),
                            "score": MessageToDict(m.score, preserving_proto_field_name=True)} for m in answer.matches]
        print_json(data)
        return
    table = Table("score", "tag fit", "visual", "penalties")
    table.add_column("name", no_wrap=True)  # whole, so it can be copied; the tags column wraps instead
    table.add_column("tags")
    for m in answer.matches:
        table.add_row(f"{m.score.total:.2f}", f"{m.score.tag_fit:.2f}", f"{m.score.visual_fit:.2f}",
                      ", ".join(f"{k} -{v:.2f}" for k, v in m.score.penalties.items()), m.template.name,
                      _tags_text(m.template))
    out.print(table)
    out.print(f"{answer.considered} templates considered; excluded: "
              + (", ".join(f"{rule} {n}" for rule, n in sorted(answer.excluded_by_rule.items())) or "none"))
    for e in answer.exclusions[:5]:
        out.print(f"[dim]  {e.template_name}: {e.rule} — {e.reason}[/dim]")


def _tag_value(value: Any) -> tags_pb2.TagValue:
    if isinstance(value, bool):
        return tags_pb2.TagValue(flag=value)
    if isinstance(value, list):
        return tags_pb2.TagValue(list=tags_pb2.StringList(values=[str(v) for v in value]))
    return tags_pb2.TagValue(text=str(value))
