"""Entry point of the `catwalk` command."""

from __future__ import annotations

import typer

from catwalk.cli import (
    generate_command,
    keys_commands,
    models_commands,
    music_commands,
    products_commands,
    rules_commands,
    stack_commands,
    studio_commands,
    templates_commands,
)

app = typer.Typer(
    help="Catwalk: garment in, try-on video out. Local stack and operator tools.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command()(stack_commands.up)
app.command()(stack_commands.down)
app.command()(stack_commands.status)
app.command()(generate_command.generate)
app.add_typer(models_commands.app, name="models")
app.add_typer(studio_commands.app, name="studio")
app.add_typer(templates_commands.app, name="templates")
app.add_typer(rules_commands.app, name="rules")
app.add_typer(products_commands.app, name="products")
app.add_typer(music_commands.app, name="music")
app.add_typer(keys_commands.app, name="keys")


def main() -> None:
    app()
