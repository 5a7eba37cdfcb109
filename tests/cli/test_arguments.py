"""The CLI's NAME=VALUE options, parsed the same way by every command that takes them."""

from __future__ import annotations

import pytest
import typer

from catwalk.cli.service_client import parse_attributes


def test_merchant_attributes_are_name_value_pairs_and_a_bad_one_is_refused(capsys):
    assert parse_attributes(["材质=棉", "fit=loose=ish"]) == {"材质": "棉", "fit": "loose=ish"}
    with pytest.raises(typer.Exit):
        parse_attributes(["colour"])
    assert "--attr 'colour': expected NAME=VALUE" in capsys.readouterr().err
