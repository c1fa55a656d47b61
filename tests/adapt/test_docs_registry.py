"""docs/adapters.md stays in sync with the code; plugins load lazily and fail alone."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import pyarrow as pa
import pytest
import yaml
from tools import docs_adapters as docs

from chukan_layout.adapt import registry
from chukan_layout.adapt.loader import load_adapter
from chukan_layout.adapt.transforms.base import Args, Transform
from chukan_layout.errors import DefinitionError, PluginError

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "adapters.md"
FIX = Path(__file__).parent / "fixtures"


def test_transform_reference_is_generated_and_current() -> None:
    assert docs.main(["--check"]) == 0
    text = DOC.read_text(encoding="utf-8")
    for name in registry.transform_names():
        assert f"### `{name}`" in text


def _yaml_blocks(text: str) -> list[object]:
    return [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", text, re.S)]


def test_worked_example_in_docs_is_the_vendor_x_fixture() -> None:
    blocks = _yaml_blocks(DOC.read_text(encoding="utf-8"))
    fixture = yaml.safe_load((FIX / "vendor_x.yaml").read_text(encoding="utf-8"))
    src = next(b for b in blocks if isinstance(b, dict) and "jumin" in b.get("sources", {}))
    tgt = next(b for b in blocks if isinstance(b, dict) and "targets" in b and "tables" in b)
    assert src["sources"] == fixture["sources"]
    assert tgt["tables"] == fixture["tables"] and tgt["targets"] == fixture["targets"]
    load_adapter(FIX / "vendor_x.yaml")  # and it loads against the shipped juki.jumin layout


class Upper(Transform):
    """Upper-case ASCII letters. Example: ``- upper`` — ``"abc"`` → ``"ABC"``."""

    name = "upper"

    class Args(Args):
        pass

    def apply(self, inputs, ctx):
        import pyarrow.compute as pc

        return pc.utf8_upper(inputs[0])


class _EP:
    def __init__(self, name: str, target: object, group: str) -> None:
        self.name, self.group, self.value = name, group, f"fake:{name}"
        self._target = target
        self.loads = 0

    def load(self) -> object:
        self.loads += 1
        if isinstance(self._target, Exception):
            raise self._target
        return self._target


@pytest.fixture
def fake_eps(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    adapter_file = tmp_path / "plug.yaml"
    adapter_file.write_text(
        (FIX / "vendor_x.yaml").read_text(encoding="utf-8").replace("adapter: vendor_x", "adapter: plug")
    )
    eps = {
        registry.TRANSFORM_GROUP: [
            _EP("upper", Upper, registry.TRANSFORM_GROUP),
            _EP("broken", ImportError("No module named 'kanji_magic'"), registry.TRANSFORM_GROUP),
            _EP("notatransform", object(), registry.TRANSFORM_GROUP),
        ],
        registry.ADAPTER_GROUP: [
            _EP("plug", lambda: str(adapter_file), registry.ADAPTER_GROUP),
            _EP("badplug", RuntimeError("boom"), registry.ADAPTER_GROUP),
        ],
    }

    def entry_points(*, group: str):
        return eps.get(group, [])

    monkeypatch.setattr(metadata, "entry_points", entry_points)
    registry.clear_cache()
    yield eps
    registry.clear_cache()


def test_plugin_transform_loads_lazily(fake_eps) -> None:
    upper = fake_eps[registry.TRANSFORM_GROUP][0]
    assert "upper" in registry.transform_names() and upper.loads == 0  # listing does not import
    cls = registry.get_transform("upper")
    assert cls is Upper and upper.loads == 1
    registry.get_transform("upper")
    assert upper.loads == 1  # cached
    assert fake_eps[registry.TRANSFORM_GROUP][1].loads == 0  # the broken one was never touched
    assert cls(cls.Args()).apply([pa.array(["ab"])], None).to_pylist() == ["AB"]


def test_broken_plugin_is_reported_not_fatal(fake_eps) -> None:
    with pytest.raises(PluginError, match=r"plugin 'broken' .* failed to load: ImportError: No module named"):
        registry.get_transform("broken")
    with pytest.raises(PluginError, match="not a Transform subclass"):
        registry.get_transform("notatransform")
    assert registry.get_transform("trim").name == "trim"  # built-ins unaffected
    assert registry.get_transform("upper") is Upper  # other plugins unaffected
    problems = registry.plugin_problems()
    assert set(problems) == {f"{registry.TRANSFORM_GROUP}:broken", f"{registry.TRANSFORM_GROUP}:notatransform",
                             f"{registry.ADAPTER_GROUP}:badplug"}  # fmt: skip


def test_unknown_transform_lists_valid_ones(fake_eps) -> None:
    with pytest.raises(KeyError, match=r"unknown transform 'uper'; known: .*trim.*upper"):
        registry.get_transform("uper")


def test_plugin_adapter_by_name(fake_eps) -> None:
    ad = load_adapter("plug")
    assert ad.name == "plug"
    with pytest.raises(PluginError, match="badplug"):
        registry.resolve_adapter("badplug")
    with pytest.raises(DefinitionError, match=r"unknown adapter 'nope'; known: .*plug.*vendor_a"):
        registry.resolve_adapter("nope")


def test_broken_transform_plugin_in_an_adapter_names_file_and_line(fake_eps, tmp_path: Path) -> None:
    text = (
        (FIX / "vendor_x.yaml")
        .read_text(encoding="utf-8")
        .replace("seibetsu: SEX", "seibetsu: {from: SEX, steps: [broken]}")
    )
    f = tmp_path / "x.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"x\.yaml:\d+: plugin 'broken'"):
        load_adapter(f)
    ok = text.replace("steps: [broken]", "steps: [upper]")
    f.write_text(ok, encoding="utf-8")
    load_adapter(f)
