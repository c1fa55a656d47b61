"""adapt.loader: the one import path of the compiled adapter, and a cache hit that compiles nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from chukan_layout.adapt import _compile, _compiled, _steps, loader

_HIT = """
import sys
from chukan_layout.adapt.loader import Adapter, load_adapter
a = load_adapter("vendor_a")
assert isinstance(a, Adapter), type(a)
print(sorted(m for m in sys.modules if m.startswith("chukan_layout.adapt._")))
"""


def test_public_names_are_the_parts_objects() -> None:
    for name in ("Adapter", "SourceSpec", "CompiledItem", "CompiledMapping", "CompiledTarget", "role_of"):
        assert getattr(loader, name) is getattr(_compiled, name), name
    assert loader.compile_adapter is _compile.compile_adapter
    assert loader.compile_step is _steps.compile_step
    from chukan_layout.adapt import compile_adapter

    assert compile_adapter is _compile.compile_adapter
    assert [n for n in loader.__all__ if not hasattr(loader, n)] == []


def test_a_cached_adapter_loads_without_the_compile_checks(tmp_path: Path) -> None:
    env = {**os.environ, "CHUKAN_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("CHUKAN_NO_CACHE", None)

    def run() -> str:
        return subprocess.run(
            [sys.executable, "-c", _HIT], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()

    first = run()  # a miss: compiled, then stored
    assert "chukan_layout.adapt._compile" in first
    assert any(p.name.startswith("adapter-") for p in (tmp_path / "cache" / "compiled").iterdir())
    assert run() == "['chukan_layout.adapt._compiled']"  # a hit: unpickled, nothing compiled
