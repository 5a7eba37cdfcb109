"""Entry point of the `catwalk` command."""

from __future__ import annotations

import typer

from catwalk.cli import models_commands, stack_commands, studio_commands

app = typer.Typer(
    help="Catwalk: garment in, try-on video out. Local stack and operator tools.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command()(stack_commands.up)
app.command()(stack_commands.down)
app.command()(stack_commands.status)
app.add_typer(models_commands.app, name="models")
app.add_typer(studio_commands.app, name="studio")


def main() -> None:
    app()
