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


def test_design_citations_point_into_the_committed_design_doc() -> None:
    import re

    design = (REPO / "docs" / "design.md").read_text("utf-8")
    sections = {m.group(1): m.start() for m in re.finditer(r"^## (\d+)\. ", design, re.M)}
    cited = 0
    for p in (REPO / "src").rglob("*.py"):
        text = p.read_text("utf-8")
        assert "DESIGN §" not in text, f"{p}: cite docs/design.md §N"
        for m in re.finditer(r"design\.md (§[\d.]+(?:, §[\d.]+)*)", text):
            for ref in re.findall(r"§(\d+)(?:\.(\d+))?", m.group(1)):
                sec, item = ref
                assert sec in sections, f"{p}: §{sec}"
                body = design[sections[sec] :].split("\n## ", 1)[0]
                assert not item or re.search(rf"^{item}\. \*\*", body, re.M), f"{p}: §{sec}.{item}"
                cited += 1
    assert cited >= 10
    assert "functions are verbs, packages are nouns" in design
