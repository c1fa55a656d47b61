"""Every generated document under docs/ is current: each generator of tools/ run with ``--check``."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest
from tools.docs import GENERATORS

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("generator", GENERATORS)
def test_generated_docs_are_current(generator: str) -> None:
    """In a fresh process: codes registered by other tests must not leak into docs/findings.md."""
    r = subprocess.run([sys.executable, "-m", generator, "--check"], cwd=REPO, capture_output=True, text=True)
    assert r.returncode == 0, f"{generator}: {r.stderr.strip()} (run make docs)"


def test_make_docs_runs_every_generator() -> None:
    assert "$(BIN)/python -m tools.docs" in (REPO / "Makefile").read_text("utf-8")
    assert all(callable(importlib.import_module(g).main) for g in GENERATORS)
    assert {p.stem for p in (REPO / "tools").glob("docs_*.py")} == {g.split(".")[1] for g in GENERATORS}


def test_no_doc_generator_is_left_in_the_runtime_package() -> None:
    src = REPO / "src" / "chukan_layout"
    assert not (src / "adapt" / "docs.py").exists() and not (src / "validation" / "docs.py").exists()
    offenders = [p for p in src.rglob("*.py") if 'if __name__ == "__main__"' in p.read_text("utf-8")
                 and "docs/" in p.read_text("utf-8")]  # fmt: skip
    assert not offenders, offenders
