"""`catwalk up | down | status`."""

from __future__ import annotations

import os
import signal
import threading
import time

import typer
from rich.table import Table

from catwalk.cli.output import fail, out, print_json, step
from catwalk.stack import stack
from catwalk.stack.errors import StackError
from catwalk.stack.settings import SettingsError, StackSettings

INTERRUPTED = "interrupted: stopped what this `up` had started"


def settings(**overrides: str | None) -> StackSettings:
    env = dict(os.environ)
    env.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return StackSettings.from_env(env)
    except SettingsError as exc:
        fail(str(exc))


def up(
    models: str = typer.Option(None, help="Comma-separated models to load (default: all)."),
    timeout: float = typer.Option(None, help="Seconds each component (each model) may take to start."),
) -> None:
    """Start PostgreSQL, S3 and Triton on loopback; wait until each is healthy."""
    s = settings(CATWALK_MODELS=models, CATWALK_START_TIMEOUT=None if timeout is None else str(timeout))
    started = time.monotonic()
    interrupted = threading.Event()

    def on_interrupt(signum: int, frame: object) -> None:
        interrupted.set()
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_interrupt)
    try:
        stack.up(s, step)
        if interrupted.is_set():  # it was raised inside a finaliser, where Python drops it: honour it now
            stack.down(s)
            raise KeyboardInterrupt
    except StackError as exc:
        if not interrupted.is_set():  # a failure the interrupt caused is reported as the interrupt
            fail(f"{exc}\n(nothing was left running)")
        fail(INTERRUPTED, code=130)
    except KeyboardInterrupt:
        fail(INTERRUPTED, code=130)
    out.print(f"[green]stack up[/green] in {time.monotonic() - started:.1f}s; endpoints in {s.stack_file}")


def down() -> None:
    """Stop everything `catwalk up` started; leaves no process or shared-memory region."""
    s = settings()
    try:
        stack.down(s, step)
    except StackError as exc:
        fail(str(exc))
    out.print("[green]stack down[/green]")


def status(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Each component with its pid, endpoint and health. Exit 1 if any is unhealthy."""
    rows = stack.status(settings())
    if as_json:
        print_json([r.as_dict() for r in rows])
    else:
        table = Table("component", "state", "pid", "endpoint", "detail")
        for r in rows:
            state = "[green]healthy[/green]" if r.healthy else (
                "[red]unhealthy[/red]" if r.running else "[dim]stopped[/dim]")
            table.add_row(r.name, state, str(r.pid or "-"), r.endpoint or "-", r.detail)
        out.print(table)
    if not all(r.healthy for r in rows):
        raise typer.Exit(1)
