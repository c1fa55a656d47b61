"""Registry: shipped layouts load and round-trip (YAML → model → JSON Schema); package data is found."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import yaml

from chukan_layout.errors import SpecLoadError, UnknownLayoutError
from chukan_layout.resources import layout_specs_dir
from chukan_layout.spec import registry
from chukan_layout.spec.loader import check_files, load_layout_file
from chukan_layout.spec.model import Layout


@pytest.mark.parametrize("layout_id", registry.layout_ids())
def test_shipped_layout_round_trips(layout_id: str) -> None:
    loaded = registry.load_layout(layout_id)
    spec = loaded.spec
    # YAML → model → YAML → model is the identity
    again = Layout.model_validate(
        yaml.safe_load(yaml.safe_dump(spec.model_dump(mode="json", exclude_none=True)))
    )
    assert again == spec
    schema = json.loads(json.dumps(loaded.json_schema(), ensure_ascii=False))
    assert list(schema["properties"]) == spec.item_ids
    for it in spec.items:
        prop = schema["properties"][it.id]
        assert prop["title"] == it.name
        assert prop["x-chukan"]["provenance"] == it.provenance.status
    assert all(it.provenance.status in ("confirmed", "modelled") for it in spec.items)
    assert registry.load_layout(layout_id) is loaded  # cached


def test_shipped_folder_lints_clean() -> None:
    layouts, tables, problems = check_files([layout_specs_dir()])
    assert problems == []
    assert len(layouts) == len(registry.layout_ids()) and any(t.id == "gengo" for t in tables)


def test_unknown_layout_lists_valid_ids() -> None:
    with pytest.raises(UnknownLayoutError) as ei:
        registry.load_layout("juki.jumni")
    assert "unknown layout 'juki.jumni'; known:" in str(ei.value)
    assert "juki.jumin" in str(ei.value)


def test_user_folder_overrides_and_unregisters(tmp_path: Path, fixture_layouts: Path) -> None:
    assert "test.jumin" in registry.layout_ids()
    loaded = registry.load_layout("test.jumin")
    assert loaded.item("shimei").name == "氏名" and set(loaded.codes) == {
        "gengo",
        "jumin_shubetsu",
        "seibetsu",
    }
    with pytest.raises(KeyError, match="has no item 'shimeii'"):
        loaded.item("shimeii")
    # a user folder with its own juki.setai replaces the shipped one
    (tmp_path / "juki.setai.yaml").write_text(
        (fixture_layouts / "test.setai.yaml").read_text(encoding="utf-8").replace("test.setai", "juki.setai"),
        encoding="utf-8",
    )
    registry.register_layout_dir(tmp_path)
    try:
        assert len(registry.load_layout("juki.setai").spec.items) == 3
    finally:
        registry.unregister_layout_dir(tmp_path)
    assert len(registry.load_layout("juki.setai").spec.items) > 3


def test_broken_file_in_registry_raises_one_line(tmp_path: Path) -> None:
    (tmp_path / "x.broken.yaml").write_text("id: x.broken\nitems: [\n", encoding="utf-8")
    registry.register_layout_dir(tmp_path)
    try:
        with pytest.raises(SpecLoadError) as ei:
            registry.load_layout("x.broken")
        assert "\n" not in str(ei.value) and "YAML syntax error" in str(ei.value)
    finally:
        registry.unregister_layout_dir(tmp_path)


def test_load_layout_file_checks_codes(fixture_layouts: Path) -> None:
    with pytest.raises(SpecLoadError, match="unknown code table 'jumin_shubetsu'"):
        load_layout_file(fixture_layouts / "test.jumin.yaml", codes={})


def test_layout_specs_is_package_data(repo_root: Path) -> None:
    d = layout_specs_dir()
    assert (d / "codes" / "gengo.yaml").is_file() and len(list(d.glob("*.yaml"))) >= 12
    # setup.py maps the top-level folder into the package: chukan_layout/layout_specs
    setup_py = (repo_root / "setup.py").read_text(encoding="utf-8")
    assert '"chukan_layout.layout_specs": "layout_specs"' in setup_py
    assert '"chukan_layout.layout_specs.codes": ["*.yaml"]' in setup_py


@pytest.mark.slow
def test_wheel_contains_layout_specs(repo_root: Path, tmp_path: Path) -> None:
    t0 = time.monotonic()
    # build from a copy: an in-tree build would leave build/ in the checkout
    src = tmp_path / "src_copy"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", ".venv", "build", "out")
    for name in ("src", "layout_specs", "gaiji"):
        shutil.copytree(repo_root / name, src / name, ignore=ignore)
    for name in ("pyproject.toml", "setup.py", "README.md"):
        if (repo_root / name).exists():
            shutil.copy(repo_root / name, src / name)
    # without `wheel` installed the build needs isolation (setuptools + wheel from the pip cache / PyPI)
    isolation = [] if importlib.util.find_spec("wheel") is None else ["--no-build-isolation"]
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", *isolation, "-q", "-w", str(tmp_path), str(src)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    if proc.returncode != 0:
        if "Could not find a version" in proc.stderr or "NewConnectionError" in proc.stderr:
            pytest.skip("offline: cannot fetch the build backend for `pip wheel`")
        pytest.fail(f"pip wheel failed: {proc.stderr[-2000:]}")
    wheel = next(tmp_path.glob("chukan_layout-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {f"chukan_layout/layout_specs/{p.name}" for p in layout_specs_dir().glob("*.yaml")}
    shipped |= {
        f"chukan_layout/layout_specs/codes/{p.name}" for p in (layout_specs_dir() / "codes").glob("*.yaml")
    }
    assert shipped <= names, sorted(shipped - names)[:5]
    assert time.monotonic() - t0 < 180
