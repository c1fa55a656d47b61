"""Load-time errors of adapter files: data-driven cases in tests/adapt/cases/*.yaml.

Each case gives an adapter text, the expected message fragment and the expected line: every
mistake must fail before any data is read, naming file and line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from chukan_layout.adapt.loader import load_adapter
from chukan_layout.errors import DefinitionError

from .conftest import provide

CASES = sorted((Path(__file__).parent / "cases").glob("*.yaml"))


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_load_error(case: Path, tmp_path: Path) -> None:
    spec = yaml.safe_load(case.read_text(encoding="utf-8"))
    f = tmp_path / "adapter.yaml"
    f.write_text(spec["adapter"], encoding="utf-8")
    with pytest.raises(DefinitionError) as ei:
        load_adapter(f, layouts=provide)
    msg = str(ei.value)
    assert spec["error"] in msg, msg
    assert ei.value.file is not None and Path(ei.value.file).name in ("adapter.yaml",), msg
    assert ei.value.line == spec["line"], msg
    assert msg.startswith(f"{f}:{spec['line']}: "), msg


def test_valid_base_adapter_loads(tmp_path: Path) -> None:
    text = yaml.safe_load((Path(__file__).parent / "cases" / "unknown_transform.yaml").read_text())["adapter"]
    f = tmp_path / "adapter.yaml"
    f.write_text(text.replace("name_splitt", "name_split"), encoding="utf-8")
    ad = load_adapter(f, layouts=provide)
    (t,) = ad.targets
    assert [ci.item for ci in t.items] == ["atena_no", "shi", "birth"]
    assert t.side_items == {"birth_fusho": "birth"}
