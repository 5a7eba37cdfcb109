"""catwalk/v1 is what scripts/protos makes from protos/ (no hand edits, nothing stale)."""

from __future__ import annotations

import subprocess

from tests.conftest import REPO


def test_generated_code_is_fresh(tmp_path):
    subprocess.run([str(REPO / "scripts" / "protos"), str(tmp_path)], check=True, capture_output=True)
    fresh = {p.name: p.read_text() for p in (tmp_path / "catwalk" / "v1").iterdir() if p.is_file()}
    committed = {p.name: p.read_text() for p in (REPO / "catwalk" / "v1").iterdir() if p.is_file()}
    assert fresh == committed, "run scripts/protos and commit catwalk/v1"
