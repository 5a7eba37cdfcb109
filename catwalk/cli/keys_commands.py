"""`catwalk keys create | list | revoke`: the API keys of VideoJobs' tenants, in the stack's
Postgres (CATWALK_DATABASE_URL, else the local stack's). Keys are stored hashed: a key is
shown once, when it is made."""

from __future__ import annotations

import os

import typer
from rich.table import Table

from catwalk.cli.output import err, fail, out, print_json
from catwalk.jobs import tenants
from catwalk.stack.settings import StackSettings
from catwalk.stack.stack import read_stack

app = typer.Typer(help="API keys of the VideoJobs API (one tenant per name).", no_args_is_help=True)


def _dsn() -> str:
    dsn = os.environ.get("CATWALK_DATABASE_URL") or read_stack(StackSettings.from_env(os.environ))[
        "components"].get("postgres", {}).get("endpoint")
    if not dsn:
        fail("no database: run `catwalk up` or set CATWALK_DATABASE_URL")
    return str(dsn)


@app.command()
def create(tenant: str = typer.Option(..., "--tenant", help="Tenant name (created if new)."),
           as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Make a key for TENANT; prints it once, with the tenant's callback signing secret."""
    try:
        new = tenants.create_key_with_secret(_dsn(), tenant)
    except tenants.TenantError as exc:
        fail(str(exc))
    if as_json:
        print_json({"tenant_id": new.tenant_id, "key": new.key, "callback_secret": new.callback_secret})
    else:
        out.print(f"tenant {tenant} ({new.tenant_id})")
        out.print(f"key: {new.key}")
        out.print(f"callback secret: {new.callback_secret}")
    err.print("[yellow]warning:[/yellow] store the key now: it cannot be shown again (only its hash is kept)")


@app.command("list")
def list_keys(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Every key's prefix, tenant and dates (never the key)."""
    keys = tenants.list_keys(_dsn())
    if as_json:
        print_json([{"prefix": k.prefix, "tenant": k.tenant, "created_at": k.created_at,
                     "revoked_at": k.revoked_at} for k in keys])
        return
    table = Table("prefix", "tenant", "created", "revoked")
    for k in keys:
        table.add_row(k.prefix, k.tenant, f"{k.created_at:%Y-%m-%d %H:%M}",
                      f"{k.revoked_at:%Y-%m-%d %H:%M}" if k.revoked_at else "")
    out.print(table)


@app.command()
def revoke(prefix: str = typer.Argument(..., help="The key's prefix (cwk_<prefix>_…), as `keys list` shows.")) -> None:
    """Revoke a key at once: calls with it are UNAUTHENTICATED."""
    if not tenants.revoke(_dsn(), prefix):
        fail(f"no active key with prefix {prefix!r}")
    out.print(f"[green]revoked[/green] {prefix}")
