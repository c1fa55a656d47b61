"""The small-kana check is off by default: measured precision is far below 95 % (issue 10)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from chukan_layout.adapt.loader import load_adapter

pytest.importorskip("japanese_personal_name_dataset")


def _bench(repo_root: Path):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "small_kana_bench", repo_root / "benchmarks" / "small_kana.py"
    )
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_figures_on_the_name_dataset_are_below_the_bar(repo_root: Path) -> None:
    bench = _bench(repo_root)
    m = bench.measure(bench.dataset_readings())
    for level in ("likely", "any"):
        assert m[level]["recall"] == 1.0
        assert 0.2 < m[level]["precision"] < 0.95  # far below the 95 % a default check needs
    assert round(m["likely"]["precision"], 3) == 0.278 and round(m["any"]["precision"], 3) == 0.243  # docs


def test_no_shipped_adapter_reports_it() -> None:
    for name in ("vendor_a", "vendor_b", "vendor_c"):
        ad = load_adapter(name)
        steps = [s for t in ad.targets for ci in t.items for b in ci.branches for s in b.steps]
        flags = [s for s in steps if s.name == "small_kana_flag"]
        assert bool(flags) == (name == "vendor_a")  # vendor A declares the habit (the exporter reverses it)
        assert not any(s.args.report for s in flags), name


def test_it_reports_only_when_asked(ctx) -> None:  # type: ignore[no-untyped-def]
    import pyarrow as pa

    from chukan_layout.adapt.transforms.base import builtin_transforms

    cls = builtin_transforms()["small_kana_flag"]
    for report, expected in ((False, 0), (True, 1)):
        c = ctx(2)
        out = cls(cls.Args(report=report)).apply([pa.array(["ｷﾖｳｺ", "ﾀﾛｳ"])], c)
        assert out.to_pylist() == ["ｷﾖｳｺ", "ﾀﾛｳ"] and sum(c.findings.counts.values()) == expected
