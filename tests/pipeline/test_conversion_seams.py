"""The names the benchmark scripts wrap on :mod:`chukan_layout.pipeline.conversion` (trace_timeline.py's
phases, bench_stages.py's partitions) are the ones a convert run calls: a wrapper put there sees the run.
If a name moves out of ``conversion``, its wrapper would time nothing and the scripts' phases would go
quietly missing; this test fails instead."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from chukan_layout import pipeline
from chukan_layout.pipeline import conversion
from chukan_layout.synth.generate import GenerateResult, generate
from tests.adapt.conftest import provide
from tests.adapt.test_engine_pipeline import FIX, _files

# wrapped by benchmarks/trace_timeline.py (trace_case) and bench_stages.py
WRAPPED = ("run_partition", "load_adapter", "ConvertPlan", "write_outputs", "convert_report", "published",
           "_last_copies")  # fmt: skip


def _counting(monkeypatch: pytest.MonkeyPatch, names: tuple[str, ...]) -> Counter[str]:
    calls: Counter[str] = Counter()

    def wrap(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*a: Any, **kw: Any) -> Any:
            calls[name] += 1
            return fn(*a, **kw)

        return counted

    for name in names:
        monkeypatch.setattr(conversion, name, wrap(name, getattr(conversion, name)))
    return calls


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> GenerateResult:
    return generate(tmp_path_factory.mktemp("seams"), vendors="a", residents=80, faults=0.0, seed=5)


def test_the_run_calls_every_wrapped_name(
    export: GenerateResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _counting(monkeypatch, WRAPPED)
    files = [p for p in export.vendor_files["vendor_a"] if p != export.gaiji_tables["vendor_a"]]
    res = pipeline.convert("vendor_a", files, tmp_path / "out", workers=1, partition_bytes=1 << 14)
    assert res.report is not None and res.records_in > 80
    assert calls["run_partition"] >= 2  # one per partition, in this process with one worker
    assert {n: calls[n] for n in WRAPPED if n != "run_partition"} == dict.fromkeys(
        (n for n in WRAPPED if n != "run_partition"), 1
    )


def test_lookup_sources_load_through_conversion(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting(monkeypatch, ("load_lookups",))
    files = _files(tmp_path)
    pipeline.convert(FIX / "multi.yaml", files, tmp_path / "out", layouts=provide, validate=False)
    assert calls["load_lookups"] == 1  # the fixture's one lookup source (MACHI.CSV)
