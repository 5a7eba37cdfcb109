"""`catwalk templates` and `catwalk rules` against the stack's service."""

from __future__ import annotations

import json
import re
import subprocess

from tests.conftest import REPO

CATWALK = str(REPO / ".venv" / "bin" / "catwalk")


def catwalk(stack, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CATWALK, *args], env=stack.env, capture_output=True, text=True, timeout=120)


def test_rules_add_list_test_rm(stack):
    added = catwalk(stack, "rules", "add", "cli_gender", 'product.gender == "women" ? '
                    'template.model_gender == "female" : true', "--description", "model fits garment", "--json")
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["severity"] == "block"
    listed = catwalk(stack, "rules", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert "cli_gender" in {r["name"] for r in json.loads(listed.stdout)}
    tested = catwalk(stack, "rules", "test", "template.model_gender == 'female'", "-t", "model_gender=male", "--json")
    assert tested.returncode == 0 and json.loads(tested.stdout) == {"result": False}
    assert catwalk(stack, "rules", "rm", "cli_gender").returncode == 0


def test_rules_add_names_what_is_wrong(stack):
    refused = catwalk(stack, "rules", "add", "cli_bad", "product.moonwalk == true")
    assert refused.returncode == 1
    assert "INVALID_ARGUMENT" in refused.stderr and "rule.expression" in refused.stderr
    assert refused.stdout == ""


def test_templates_list_and_show(stack):
    listed = catwalk(stack, "templates", "list", "--json", "--all", "--page-size", "5", "--status", "ready")
    assert listed.returncode == 0, listed.stderr
    page = json.loads(listed.stdout)
    assert page["next_page_token"] == ""
    if page["templates"]:
        first = page["templates"][0]
        shown = catwalk(stack, "templates", "show", first["id"], "--json")
        assert shown.returncode == 0 and json.loads(shown.stdout)["name"] == first["name"]
    missing = catwalk(stack, "templates", "show", "00000000-0000-4000-8000-000000000000")
    assert missing.returncode == 1 and "NOT_FOUND" in missing.stderr
    bad = catwalk(stack, "templates", "list", "--filter", "nonsense")
    assert bad.returncode == 1 and "expected NAME=VALUE" in bad.stderr


def test_templates_seed_adds_only_what_is_missing(stack):
    seeded = catwalk(stack, "templates", "seed", "--json")  # `up` seeded the session's library already
    assert seeded.returncode == 0, seeded.stderr
    assert json.loads(seeded.stdout) == {"added": 0}
    listed = json.loads(catwalk(stack, "templates", "list", "--all", "--json").stdout)["templates"]
    assert len(listed) >= 24 and all(t["status"] == "ready" for t in listed if t["name"].startswith("studio"))


def test_templates_import_uploads_a_file_and_names_what_is_wrong(stack, tmp_path):
    notes = tmp_path / "notes.mp4"
    notes.write_text("not a video")
    refused = catwalk(stack, "templates", "import", "--file", str(notes), "--name", "cli-notes")
    assert refused.returncode == 1
    assert "uploading" in refused.stderr and "INVALID_ARGUMENT" in refused.stderr and "source_key" in refused.stderr
    neither = catwalk(stack, "templates", "import", "--name", "cli-nothing")
    assert neither.returncode == 1 and "or --file" in neither.stderr


def test_templates_match_ranks_the_starter_library_and_says_what_was_excluded(stack, tmp_path):
    result = catwalk(stack, "templates", "match", "--tag", "gender=women", "--tag", "has_pockets=false",
                     "--tag", "season=summer,", "--shot", "full_body", "--count", "5", "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert len(answer["matches"]) == 5
    assert all(m["template"]["tags"]["model_gender"] == "female" for m in answer["matches"])
    assert all(m["template"]["tags"]["shot_type"] == "full_body" for m in answer["matches"])
    totals = [m["score"]["total"] for m in answer["matches"]]
    assert totals == sorted(totals, reverse=True)
    # male models and the hands-in-pockets pose are excluded, each by its rule
    assert answer["excluded_by_rule"]["gender"] >= 1 and answer["excluded_by_rule"]["pocket"] >= 1
    assert {e["rule"] for e in answer["exclusions"]} >= {"gender", "pocket"}
    table = catwalk(stack, "templates", "match", "--tag", "gender=men", "--shot", "turn")
    assert table.returncode == 0, table.stderr
    assert re.search(r"templates considered; excluded: .*\bgender \d+", table.stdout), table.stdout
    bad = catwalk(stack, "templates", "match", "--tag", "gender=robot")
    assert bad.returncode == 1 and "gender" in bad.stderr
