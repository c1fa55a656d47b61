"""Compiled layouts and adapters cached on disk by content: hits skip the parse, any change misses."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from chukan_layout.adapt import loader
from chukan_layout.spec import compiled_cache, registry

FIXTURE = Path(__file__).resolve().parent.parent / "adapt" / "fixtures" / "vendor_x.yaml"


@pytest.fixture()
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CHUKAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CHUKAN_NO_CACHE", raising=False)
    registry.clear_cache()
    yield tmp_path / "cache" / "compiled"
    registry.clear_cache()


def _adapter_with_definition_file(d: Path) -> Path:
    """vendor_x with its record definition moved to a file of its own (a dependency of the entry)."""
    data = yaml.safe_load(FIXTURE.read_text("utf-8"))
    definition = data["sources"]["jumin"].pop("definition")
    (d / "defs.yaml").write_text(yaml.safe_dump({"jumin": definition}, allow_unicode=True), "utf-8")
    data["sources"]["jumin"].update(definition_file="defs.yaml", definition_key="jumin")
    p = d / "vendor_x.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return p


def test_adapter_hit_and_invalidation(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _adapter_with_definition_file(tmp_path)
    first = loader.load_adapter(path)
    assert any(p.name.startswith("adapter-") for p in cache_dir.iterdir())
    calls: list[Path] = []
    real = loader._load_adapter

    def counting(file: Path, layouts: loader.LayoutProvider) -> loader.Adapter:
        calls.append(file)
        return real(file, layouts)

    monkeypatch.setattr(loader, "_load_adapter", counting)
    registry.clear_cache()
    again = loader.load_adapter(path)
    assert calls == []  # from the cache
    assert again.sources["jumin"].definition == first.sources["jumin"].definition
    assert [ci.item for ci in again.targets[0].items] == [ci.item for ci in first.targets[0].items]
    assert again.targets[0].layout == first.targets[0].layout
    # the definition file changes: the entry no longer matches, the adapter is compiled again
    defs = tmp_path / "defs.yaml"
    defs.write_text(defs.read_text("utf-8").replace("length: 20", "length: 19", 1), "utf-8")
    changed = loader.load_adapter(path)
    assert calls == [path]
    assert changed.sources["jumin"].definition != first.sources["jumin"].definition


def test_layout_hit_and_registry_change(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = registry.load_layout("juki.setai")
    registry.clear_cache()
    monkeypatch.setattr(registry, "_spec", lambda _id: pytest.fail("parsed although cached"))
    hit = registry.load_layout("juki.setai")
    assert hit.spec == first.spec and hit.codes == first.codes
    monkeypatch.undo()
    monkeypatch.setenv("CHUKAN_CACHE_DIR", str(cache_dir.parent))
    # a registered folder with an edited copy of the layout: other content, other key
    user = tmp_path / "layouts"
    user.mkdir()
    text = first.path.read_text("utf-8")
    (user / first.path.name).write_text(text.replace("name: 世帯", "name: 世帯（改）", 1), "utf-8")
    registry.register_layout_dir(user)
    try:
        edited = registry.load_layout("juki.setai")
        assert edited.path.parent == user.resolve() and edited.spec != first.spec
    finally:
        registry.unregister_layout_dir(user)
    assert registry.load_layout("juki.setai").spec == first.spec


def test_broken_entry_is_a_miss_and_cache_can_be_off(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = compiled_cache.content_key("layout", ["juki.setai", registry.registry_digest()])
    cache_dir.mkdir(parents=True)
    (cache_dir / f"layout-{key}.pickle").write_bytes(b"not a pickle")
    assert registry.load_layout("juki.setai").id == "juki.setai"
    assert compiled_cache.load("layout", key) is not None  # rewritten
    monkeypatch.setenv("CHUKAN_NO_CACHE", "1")
    assert compiled_cache.cache_dir() is None and compiled_cache.load("layout", key) is None


def test_pruned_to_its_size_least_recently_used_first(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    for k in range(4):
        compiled_cache.store("layout", f"k{k}", "x" * 1000)
        os.utime(cache_dir / f"layout-k{k}.pickle", (1000 + k, 1000 + k))  # written in this order
    stale = cache_dir / ".layout-kx.pickle.99.tmp"  # left by a killed writer
    stale.write_bytes(b"half")
    os.utime(stale, (0, 0))
    assert compiled_cache.load("layout", "k0") == "x" * 1000  # a hit: k0 is now the most recent
    monkeypatch.setenv("CHUKAN_CACHE_MAX_MB", str(3.5 * 1000 / (1 << 20)))  # room for 3.5 entries of 1 kB
    compiled_cache.store("layout", "k4", "y" * 1000)  # a write prunes: 5 entries > 3.5 kB
    left = sorted(p.name for p in cache_dir.iterdir())
    assert left == ["layout-k0.pickle", "layout-k3.pickle", "layout-k4.pickle"]  # k1, k2 unused longest
    # an explicit prune to nothing keeps nothing; a limit that is not a number falls back to the default
    assert compiled_cache.prune(limit=0) == 3 and list(cache_dir.iterdir()) == []
    monkeypatch.setenv("CHUKAN_CACHE_MAX_MB", "lots")
    assert compiled_cache.max_bytes() == compiled_cache.MAX_MB << 20
