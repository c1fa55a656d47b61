"""The worker joins the reader's small fixed-width batches before the later stages
(``_batches.coalesce``): same rows in the same order, one record type per batch, header values
as unjoined, and byte-identical outputs whatever the batch sizes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout import pipeline
from chukan_layout.pipeline._batches import coalesce, stage_rows
from chukan_layout.readers.definition import CsvDefinition, FixedWidthDefinition
from chukan_layout.synth.generate import GenerateResult, generate


class _FakeReader:
    """Yields batches of ``(rows, record type)``; a header record is "read" with a batch."""

    def __init__(self, plan: list[tuple[int, str, bool]]) -> None:
        self.plan = plan
        self.headers: list[dict[str, Any]] = []

    def __iter__(self) -> Iterator[pa.RecordBatch]:
        rec = 1
        for rows, rt, header in self.plan:
            if header:
                self.headers.append({"_record": rec})
            schema = pa.schema(
                [("値", pa.string()), ("_record", pa.int64())], metadata={b"record_type": rt.encode()}
            )
            values = pa.array([f"{rt}髙{i}" for i in range(rec, rec + rows)], pa.string())
            yield pa.RecordBatch.from_arrays(
                [values, pa.array(range(rec, rec + rows), pa.int64())], schema=schema
            )
            rec += rows


_PLANS = st.lists(st.tuples(st.integers(0, 40), st.sampled_from(["1", "2"]), st.booleans()), max_size=12)


@settings(max_examples=150, deadline=None)
@given(plan=_PLANS, rows=st.integers(1, 60))
def test_coalesce_keeps_rows_order_record_types_and_headers(
    plan: list[tuple[int, str, bool]], rows: int
) -> None:
    # the batches unjoined, each with the header flag the worker saw before this change
    plain, seen = [], 0
    for (_, _, header), b in zip(plan, _FakeReader(plan), strict=True):
        seen += header
        plain.append((b, seen > 0))
    out = list(coalesce(_FakeReader(plan), rows))
    # the same records, in order, each under its own record type and header flag
    flat = [
        (r, b.schema.metadata[b"record_type"], h) for b, h in plain for r in b.column("_record").to_pylist()
    ]
    got = [(r, b.schema.metadata[b"record_type"], h) for b, h in out for r in b.column("_record").to_pylist()]
    assert got == flat
    assert [v for b, _ in out for v in b.column("値").to_pylist()] == [
        v for b, _ in plain for v in b.column("値").to_pylist()
    ]
    # batches are joined only up to the target: at most one reader batch beyond it
    assert all(b.num_rows < rows + 40 for b, _ in out)
    if len({rt for _, rt, _ in plan}) == 1 and not any(h for *_, h in plan):  # nothing to end a group early
        assert all(b.num_rows >= rows for b, _ in out[:-1])
    assert len(out) <= len(plain)
    # without a row target the reader's batches pass through unchanged
    same = list(coalesce(_FakeReader(plan), None))
    assert [(b.num_rows, h) for b, h in same] == [(b.num_rows, h) for b, h in plain]


def test_stage_rows_only_join_fixed_width_batches() -> None:
    from chukan_layout.adapt.loader import load_adapter

    d = load_adapter("vendor_a").sources["jumin"].definition
    assert isinstance(d, FixedWidthDefinition)
    assert stage_rows(65536, d) == (8 << 20) // max(rt.record_length for rt in d.record_types)
    assert stage_rows(1024, d) == 1024
    assert stage_rows(65536, CsvDefinition(columns=["a"])) is None


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> GenerateResult:
    # 住民 records over more than two batches of 1024 rows, one batch by default
    return generate(tmp_path_factory.mktemp("exp"), vendors="a", residents=2200, faults=0.02, seed=3,
                    gaiji_share=0.05)  # fmt: skip


def test_batch_sizes_give_identical_outputs(export: GenerateResult, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    files = [p for p in export.vendor_files["vendor_a"] if p != export.gaiji_tables["vendor_a"]]
    jumin = next(p for p in files if p.name == "JUMIN.DAT")
    assert jumin.stat().st_size > 2 * 1024 * 1683  # batches of 1024 rows split it three ways at least
    runs = {}
    for name, size in (("joined", 65536), ("small", 1024)):  # 1024 rows: reader and stages alike
        pipeline.convert("vendor_a", files, tmp_path / name, gaiji_tables=[export.gaiji_tables["vendor_a"]],
                         batch_size=size, workers=1)  # fmt: skip
        runs[name] = {p.name: p.read_bytes() for p in sorted((tmp_path / name).iterdir()) if p.is_file()}
    assert runs["joined"] == runs["small"] and "gaiji.csv" in runs["joined"]
