"""Arrow ↔ numpy from buffers (validation.utf8) equals pyarrow's own conversions, slices and nulls
included; a validate run never imports pandas (pyarrow does on its first Python-value conversion)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.synth.generate import generate
from chukan_layout.validation.utf8 import int64_arrow, string_scalar, to_bool, to_int64, to_uint64

SLICE = st.tuples(st.integers(0, 9), st.integers(0, 70))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), st.booleans()), max_size=80), SLICE)
def test_to_bool_is_pyarrows_with_nulls_false(values: list[bool | None], cut: tuple[int, int]) -> None:
    arr = pa.array(values, pa.bool_()).slice(*cut)
    want = np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)
    assert to_bool(arr).tolist() == want.tolist()
    assert to_bool(pa.chunked_array([arr, arr], pa.bool_())).tolist() == want.tolist() * 2


INTS = st.sampled_from([pa.int8(), pa.int32(), pa.int64(), pa.uint32()])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(0, 120)), max_size=80), SLICE, INTS, st.integers(-3, 9))
def test_to_int64_is_pyarrows_with_nulls_filled(values: list[int | None], cut: tuple[int, int], typ: pa.DataType,
                                                fill: int) -> None:  # fmt: skip
    arr = pa.array(values, typ).slice(*cut)
    want = [fill if v is None else v for v in arr.to_pylist()]
    assert to_int64(arr, fill=fill).tolist() == want


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(-(2**63), 2**63 - 1), max_size=60), st.data())
def test_int64_arrow_round_trips(values: list[int], data: st.DataObject) -> None:
    a = np.array(values, np.int64)
    assert int64_arrow(a).to_pylist() == values
    valid = np.array(data.draw(st.lists(st.booleans(), min_size=len(values), max_size=len(values))), bool)
    got = int64_arrow(a, valid)
    assert got.to_pylist() == [v if ok else None for v, ok in zip(values, valid.tolist(), strict=True)]
    assert got.null_count == int((~valid).sum())
    u = pa.array([v % 2**64 for v in values], pa.uint64())
    assert to_uint64(u).tolist() == u.to_pylist()


def test_string_scalar() -> None:
    for s in ["", "髙﨑", "ﾊﾞ", "\x1f"]:
        assert string_scalar(s).as_py() == s and string_scalar(s).type == pa.string()


def test_validate_never_imports_pandas(tmp_path: Path) -> None:
    """Faulty data (findings with samples, key hashing, era checks), one worker: no pandas import."""
    g = generate(tmp_path / "g", vendors="standard", residents=60, faults=0.2, seed=2)
    files = [str(g.standard["juki.jumin"]), str(g.standard["juki.setai"])]
    code = (
        "import sys\n"
        "from chukan_layout.pipeline.standard import validate_files\n"
        f"r = validate_files({files!r}, layouts_auto=True, workers=1, report_dir={str(tmp_path / 'r')!r})\n"
        "assert r.report.findings, 'the faults give findings'\n"
        "print('pandas' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
