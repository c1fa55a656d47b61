"""docs/adapters.md documents trailer ``control:``; its example is a valid record definition."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import TypeAdapter

from chukan_layout.readers.definition import RecordDefinition


def test_control_example_parses(repo_root: Path) -> None:
    text = (repo_root / "docs" / "adapters.md").read_text(encoding="utf-8")
    block = text.split("<!-- control-example:begin -->")[1].split("<!-- control-example:end -->")[0]
    body = block.split("```yaml\n")[1].split("```")[0]
    d = TypeAdapter(RecordDefinition).validate_python(yaml.safe_load(body))
    trailer = next(rt for rt in d.record_types if rt.role == "trailer")  # type: ignore[union-attr]
    assert trailer.control is not None
    assert trailer.control.count == "KENSU" and trailer.control.totals == {"GOKEI": "ZEIGAKU"}
    assert "file.count_mismatch" in text and "file.total_mismatch" in text
