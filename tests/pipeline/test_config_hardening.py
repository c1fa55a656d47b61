"""Configuration cannot hang or reach outside (issue 14, point 6): YAML bombs, RE2 patterns, confined paths."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from chukan_layout.cli import main
from chukan_layout.errors import DefinitionError, SpecLoadError

FIX = Path(__file__).resolve().parent.parent / "adapt" / "fixtures"
BOMB = "lol: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
    for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)


def test_an_alias_bomb_adapter_is_refused_with_file_and_line(tmp_path: Path) -> None:
    from chukan_layout.adapt.loader import load_adapter

    f = tmp_path / "bomb.yaml"
    f.write_text("adapter: bomb\n" + BOMB, "utf-8")
    t0 = time.monotonic()
    with pytest.raises(DefinitionError, match=r"bomb\.yaml:8: YAML aliases expand to more than"):
        load_adapter(f)
    assert time.monotonic() - t0 < 5
    r = CliRunner().invoke(main, ["convert", "-a", str(f), str(f), "-o", str(tmp_path / "out")])
    assert r.exit_code == 2 and "Traceback" not in r.output and "YAML aliases" in r.output


def test_an_alias_bomb_layout_is_refused(tmp_path: Path) -> None:
    from chukan_layout.spec.loader import read_yaml

    f = tmp_path / "bomb.layout.yaml"
    f.write_text(BOMB, "utf-8")
    with pytest.raises(SpecLoadError, match=r"bomb\.layout\.yaml:7: YAML aliases"):
        read_yaml(f)


def test_ordinary_aliases_in_the_shipped_layouts_still_load() -> None:
    from chukan_layout.spec.registry import load_layout

    assert load_layout("juki.jumin").spec.items  # juki.jumin.yaml uses *anchors for provenance


def test_oversized_yaml_is_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import chukan_layout.adapt.yaml_lines as yl
    from chukan_layout.adapt.loader import load_adapter

    monkeypatch.setattr(yl, "MAX_YAML_BYTES", 1000)
    f = tmp_path / "big.yaml"
    f.write_text("adapter: big\n# " + "x" * 2000 + "\n", "utf-8")
    with pytest.raises(DefinitionError, match="larger than"):
        load_adapter(f)


def test_patterns_have_re2_semantics_in_the_record_model() -> None:
    from chukan_layout.spec.records import RecordChecker
    from chukan_layout.spec.registry import load_layout

    base = load_layout("juki.jumin").spec
    item = next(it for it in base.items if it.id == "shimei")
    item = item.model_copy(update={"pattern": "(a+)+$", "length": None})
    lay = base.model_copy(update={"items": [item], "rules": [], "keys": [], "relations": []})
    checker = RecordChecker(lay, {})
    t0 = time.monotonic()
    assert "item.pattern" in checker.items[0].check("a" * 60 + "!", {})  # Python re: exponential
    # Python re: 14 s at 28 characters, doubling per character (60 here); 10 s leaves room for load
    assert time.monotonic() - t0 < 10


def test_a_pattern_re2_cannot_compile_is_refused_at_load(tmp_path: Path) -> None:
    from chukan_layout.spec.re2 import re2_problem

    assert re2_problem("[0-9]{7}") is None
    assert re2_problem("(?P<x>a") is not None  # unbalanced: RE2 refuses
    assert re2_problem("a{1001}") is not None  # beyond RE2's repeat limit (Python re accepts it)


def _adapter_with_definition_file(folder: Path, definition: Path) -> Path:
    text = (FIX / "vendor_x.yaml").read_text("utf-8")
    start = text.index("    definition:\n")
    end = text.index("targets:")
    body = f"    definition_file: {definition}\n"
    f = folder / "vendor_x.yaml"
    f.write_text(text[:start] + body + text[end:], "utf-8")
    return f


def adapter_reading_outside(tmp: Path) -> tuple[Path, Path]:
    """(vendor_x adapter in ``tmp/adapters`` whose definition_file is ``../elsewhere/def.yaml``,
    the ``elsewhere`` folder)."""
    text = (FIX / "vendor_x.yaml").read_text("utf-8")
    d = text[text.index("    definition:\n") : text.index("targets:")]
    outside = tmp / "elsewhere"
    outside.mkdir()
    (outside / "def.yaml").write_text("\n".join(ln[6:] for ln in d.splitlines()[1:]) + "\n", "utf-8")
    ad_dir = tmp / "adapters"
    ad_dir.mkdir()
    return _adapter_with_definition_file(ad_dir, Path("../elsewhere/def.yaml")), outside


def test_definition_files_outside_the_adapter_folder_are_refused(tmp_path: Path) -> None:
    from chukan_layout.adapt.confine import reset_allowed
    from chukan_layout.adapt.loader import load_adapter

    f, outside = adapter_reading_outside(tmp_path)
    ad_dir = f.parent
    with pytest.raises(DefinitionError, match=r"vendor_x\.yaml:\d+: .*outside the adapter's folder"):
        load_adapter(f)
    r = CliRunner().invoke(main, ["convert", "-a", str(f), str(f), "-o", str(tmp_path / "o")])
    assert r.exit_code == 2 and "--allow-outside" in r.output
    try:
        src = tmp_path / "JUMIN.DAT"
        src.write_bytes(b"")
        r = CliRunner().invoke(main, ["convert", "-a", str(f), str(src), "-o", str(tmp_path / "o"),
                                      "--allow-outside", str(outside)])  # fmt: skip
        assert "outside the adapter's folder" not in r.output and r.exit_code == 1, r.output  # empty: no_data
    finally:
        reset_allowed()
    (ad_dir / "link.yaml").symlink_to(outside / "def.yaml")  # a symlink does not get around it
    f = _adapter_with_definition_file(ad_dir, Path("link.yaml"))
    with pytest.raises(DefinitionError, match="outside the adapter's folder"):
        load_adapter(f)
