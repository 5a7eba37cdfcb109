"""`catwalk models list | validate | load | unload | infer | bench`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import typer
from rich.table import Table
from tritonclient.grpc import model_config_pb2 as mc
from tritonclient.utils import InferenceServerException

from catwalk.cli.look_command import look
from catwalk.cli.output import fail, out, print_json, step
from catwalk.cli.stack_commands import settings
from catwalk.models import bench as benchmark
from catwalk.models.client import ClientError, connect, tensor_from_file, triton_url
from catwalk.models.client import infer as run_inference
from catwalk.models.repository import load_repository
from catwalk.models.repository import validate as validate_repository
from catwalk.models.samples import sample_inputs

app = typer.Typer(help="Manage and try the models in the Triton repository.", no_args_is_help=True)
app.command()(look)

InputOption = typer.Option([], "--input", "-i", help="NAME=FILE (an image or a .npy file); repeat.")


def _client():
    try:
        return connect(triton_url())
    except ClientError as exc:
        fail(str(exc))


def _batching_text(config) -> str:
    if config.platform == "ensemble":
        return f"ensemble, max {config.max_batch_size}"
    if not config.HasField("dynamic_batching"):
        return f"none, max {config.max_batch_size}" if config.max_batch_size else "none"
    delay = config.dynamic_batching.max_queue_delay_microseconds
    return f"dynamic, max {config.max_batch_size}, delay {delay / 1000:g} ms"


def _instances_text(config) -> str:
    if config.platform == "ensemble":
        return "-"
    kind = mc.ModelInstanceGroup.Kind.Name
    return ", ".join(f"{g.count or 1}×{kind(g.kind).removeprefix('KIND_')}" for g in config.instance_group) or "-"


@app.command("list")
def list_models(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Every model in the repository: versions, state, batching, instances."""
    repository = settings().model_repository
    models, problems = load_repository(repository)
    states: dict[str, dict] = {}
    try:
        client = connect(triton_url())
        for entry in client.get_model_repository_index(as_json=True).get("models", []):
            states[entry["name"]] = entry
        server = True
    except (ClientError, InferenceServerException):
        server = False
    rows = []
    for name, info in models.items():
        entry = states.get(name, {})
        state = entry.get("state", "UNLOADED" if server else "server not running")
        config = info.config
        if state == "READY":
            config = client.get_model_config(name).config
        rows.append({
            "name": name,
            "versions": [entry["version"]] if entry.get("version") else sorted(
                p.name for p in (repository / name).iterdir() if p.is_dir() and p.name.isdigit()),
            "state": state,
            "reason": entry.get("reason", ""),
            "batching": _batching_text(config),
            "instances": _instances_text(config),
        })
    if as_json:
        print_json(rows)
        return
    table = Table("model", "versions", "state", "batching", "instances")
    for r in rows:
        colour = "green" if r["state"] == "READY" else "yellow"
        state = f"[{colour}]{r['state']}[/{colour}]" + (f" ({r['reason']})" if r["reason"] else "")
        table.add_row(r["name"], ",".join(r["versions"]), state, r["batching"], r["instances"])
    out.print(table)
    for problem in problems:
        out.print(f"[red]problem:[/red] {problem}")


@app.command()
def validate(
    repository: Path = typer.Option(None, help="Repository to check (default: the stack's)."),
) -> None:
    """Check every config, ensemble wiring and the README tensor contract, without a server."""
    repository = repository or settings().model_repository
    problems = validate_repository(repository)
    for problem in problems:
        out.print(f"[red]✗[/red] {problem}")
    if problems:
        fail(f"{len(problems)} problem(s) in {repository}")
    count = len(load_repository(repository)[0])
    out.print(f"[green]✓[/green] {count} models in {repository}: configs, ensembles and contract agree")


@app.command()
def load(name: str) -> None:
    """Load (or reload) a model from the repository."""
    client = _client()
    step(f"loading {name}")
    try:
        client.load_model(name)
    except InferenceServerException as exc:
        fail(f"{name}: {exc.message()}")
    out.print(f"[green]{name} ready[/green]")


@app.command()
def unload(name: str) -> None:
    """Unload a model."""
    client = _client()
    try:
        client.unload_model(name)
    except InferenceServerException as exc:
        fail(f"{name}: {exc.message()}")
    out.print(f"{name} unloaded")


def _parse_inputs(client, model: str, specs: list[str]) -> dict[str, np.ndarray]:
    config = client.get_model_config(model).config
    dims = {i.name: list(i.dims) for i in config.input}
    inputs = {}
    for spec in specs:
        name, sep, file = spec.partition("=")
        if not sep or name not in dims:
            fail(f"--input {spec!r}: expected NAME=FILE with NAME one of {sorted(dims)}")
        try:
            inputs[name] = tensor_from_file(Path(file), dims[name], config.max_batch_size > 0)
        except ClientError as exc:
            fail(str(exc))
    return inputs


def _summary(array: np.ndarray) -> str:
    if array.size <= 8:
        return np.array2string(array.ravel(), precision=4, separator=", ")
    return f"min {array.min():.4g} max {array.max():.4g} mean {array.mean():.4g}"


@app.command("infer")
def infer_command(
    name: str,
    inputs: list[str] = InputOption,
    as_json: bool = typer.Option(False, "--json", help="Print JSON (full data of small outputs)."),
    save: Path = typer.Option(None, help="Also write each output to DIR/<OUTPUT>.npy."),
) -> None:
    """Run one inference with inputs from files; print each output."""
    client = _client()
    try:
        arrays = _parse_inputs(client, name, inputs)
        missing = [i.name for i in client.get_model_config(name).config.input
                   if i.name not in arrays and not i.optional]
        if missing:
            fail(f"missing --input for {', '.join(missing)}")
        outputs = run_inference(client, name, arrays)
    except InferenceServerException as exc:
        fail(f"{name}: {exc.message()} ({exc.status()})")
    if save:
        save.mkdir(parents=True, exist_ok=True)
        for key, array in outputs.items():
            np.save(save / f"{key}.npy", array)
    if as_json:
        print_json({"model": name, "outputs": {
            key: {"shape": list(a.shape), "dtype": str(a.dtype),
                  **({"data": a.tolist()} if a.size <= 4096 else {"summary": _summary(a)})}
            for key, a in outputs.items()}})
        return
    table = Table("output", "shape", "dtype", "values")
    for key, array in outputs.items():
        table.add_row(key, str(list(array.shape)), str(array.dtype), _summary(array))
    out.print(table)


def print_bench(results: list[benchmark.BenchResult]) -> None:
    table = Table("model", "batching", "conc", "items/s", "p50 ms", "p99 ms", "fail",
                  "server: requests → executions (per request)")
    for r in results:
        counts = "; ".join(
            f"{m} {c.requests}→{c.executions} ({c.executions / c.requests:.2f})"
            for m, c in r.counts.items() if c.requests)
        table.add_row(r.model, "on" if r.batching else "off", str(r.concurrency),
                      f"{r.items_per_s:.1f}", f"{r.latency_ms(50):.0f}", f"{r.latency_ms(99):.0f}",
                      str(r.failures), counts)
    out.print(table)


@app.command("bench")
def bench_command(
    name: str,
    concurrency: int = typer.Option(4, min=1, max=256, help="Requests in flight."),
    requests: int = typer.Option(64, min=1, help="Requests to send."),
    no_batching: bool = typer.Option(False, "--no-batching", help="Reload without dynamic batching for the run."),
    batch: int = typer.Option(1, min=1, help="Images per request."),
    size: str = typer.Option("720x1280", help="Sample frame WIDTHxHEIGHT."),
    inputs: list[str] = InputOption,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Throughput, p50/p99 latency and the server's request vs execution counts."""
    try:
        width, height = (int(v) for v in size.lower().split("x"))
    except ValueError:
        fail(f"--size {size!r}: expected WIDTHxHEIGHT, e.g. 720x1280")
    url = triton_url()
    client = _client()
    try:
        given = _parse_inputs(client, name, inputs)
        wanted = [i.name for i in client.get_model_config(name).config.input
                  if i.name not in given and not i.optional]
        arrays = {**given, **sample_inputs(client, wanted, width, height, batch)}
        step(f"{name}: {requests} requests of {batch}×{width}x{height}, concurrency {concurrency}, "
             f"dynamic batching {'off' if no_batching else 'on'}")
        result = benchmark.run(url, name, arrays, concurrency, requests, batching=not no_batching)
    except ClientError as exc:
        fail(str(exc))
    except InferenceServerException as exc:
        fail(f"{name}: {exc.message()}")
    if as_json:
        print_json(result.as_dict())
    else:
        print_bench([result])
