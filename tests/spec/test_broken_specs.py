"""Data-driven broken-spec cases (tests/cases/broken_specs.yaml): one clear line naming file, line and item."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from chukan_layout.spec.loader import check_files, load_code_file, load_layout_file
from tests.spec.conftest import FIXTURES

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "cases" / "broken_specs.yaml").read_text(encoding="utf-8")
)
CODES = {t.id: t for t in (load_code_file(p) for p in sorted((FIXTURES / "codes").glob("*.yaml")))}
TARGETS = {"test.setai": load_layout_file(FIXTURES / "test.setai.yaml")}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_broken_spec(case: dict[str, Any], tmp_path: Path) -> None:
    f = tmp_path / "case.jumin.yaml"
    f.write_text(case["spec"], encoding="utf-8")
    _, _, problems = check_files([f], CODES, TARGETS)
    messages = [str(p) for p in problems]
    if case["expect"] is None:
        assert messages == []
        return
    assert messages, "no problem reported"
    assert all("\n" not in m and m.startswith(str(f)) for m in messages), messages
    hits = [p for p in problems if case["expect"] in str(p)]
    assert hits, messages
    if "line" in case:
        assert hits[0].line == case["line"], messages
    assert "validation error" not in " ".join(messages) and "pydantic" not in " ".join(messages).lower()
