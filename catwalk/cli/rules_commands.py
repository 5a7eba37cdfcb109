"""`catwalk rules add | list | test | rm`: the CEL legality rules, through TemplateLibrary."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from catwalk.cli.output import out, print_json
from catwalk.cli.service_client import call, parse_tags, template_library
from catwalk.v1 import template_library_pb2 as pb

app = typer.Typer(help="Rules (CEL over product and template) that decide which templates a product may use.",
                  no_args_is_help=True)

SEVERITIES = {"block": pb.RULE_SEVERITY_BLOCK, "penalise": pb.RULE_SEVERITY_PENALISE}


def rule_dict(rule: pb.Rule) -> dict[str, Any]:
    return {"id": rule.id, "name": rule.name, "expression": rule.expression,
            "severity": pb.RuleSeverity.Name(rule.severity).removeprefix("RULE_SEVERITY_").lower(),
            "weight": rule.weight, "description": rule.description, "enabled": rule.enabled}


@app.command()
def add(
    name: str,
    expression: str = typer.Argument(..., help='CEL, true when allowed, e.g. '
                                     '\'template.action == "hands_in_pockets" ? product.has_pockets : true\''),
    severity: str = typer.Option("block", help="block (exclude the template) or penalise (lower its score)."),
    weight: float = typer.Option(1.0, min=0, help="Penalty when severity is penalise."),
    description: str = typer.Option("", help="Why the rule exists (shown with every exclusion)."),
    disabled: bool = typer.Option(False, "--disabled", help="Store it switched off."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Add a rule; refused when it does not compile or names an unknown tag."""
    if severity not in SEVERITIES:
        raise typer.BadParameter(f"{severity!r}: use block or penalise", param_hint="--severity")
    rule = pb.Rule(name=name, expression=expression, severity=SEVERITIES[severity], weight=weight,
                   description=description, enabled=not disabled)
    with template_library() as library:
        created = call(library.CreateRule, pb.CreateRuleRequest(rule=rule))
    if as_json:
        print_json(rule_dict(created))
        return
    out.print(f"[green]added[/green] rule {created.name}")


@app.command("list")
def list_rules(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Every rule with its expression, severity and weight."""
    with template_library() as library:
        rules = [rule_dict(r) for r in call(library.ListRules, pb.ListRulesRequest()).rules]
    if as_json:
        print_json(rules)
        return
    table = Table("name", "severity", "weight", "on", "expression")
    for r in rules:
        table.add_row(r["name"], r["severity"], f"{r['weight']:g}", "yes" if r["enabled"] else "no", r["expression"])
    out.print(table)


@app.command()
def test(
    expression: str,
    product: list[str] = typer.Option([], "--product", "-p", help="A product tag NAME=VALUE; repeat."),
    template: list[str] = typer.Option([], "--template", "-t", help="A template tag NAME=VALUE; repeat."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON: {result}."),
) -> None:
    """Evaluate an expression on given tags (stores nothing); exit 0 either way."""
    request = pb.TestRuleRequest(expression=expression, product_tags=parse_tags(product, "--product"),
                                 template_tags=parse_tags(template, "--template"))
    with template_library() as library:
        result = call(library.TestRule, request).result
    if as_json:
        print_json({"result": result})
        return
    out.print("[green]true[/green] (allowed)" if result else "[yellow]false[/yellow] (excluded or penalised)")


@app.command("rm")
def remove(name: str) -> None:
    """Delete a rule."""
    with template_library() as library:
        call(library.DeleteRule, pb.DeleteRuleRequest(name=name))
    out.print(f"deleted rule {name}")
