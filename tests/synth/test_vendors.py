"""VendorFileWriter: the vendor files read back to the rendered values, and the manifest names
exactly the records a fault changed."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from chukan_layout.readers.api import read
from chukan_layout.readers.definition import NUMERIC_TYPES, FixedWidthDefinition
from chukan_layout.synth.profile import load_profile

from .conftest import golden_rows


def _norm(a: pa.Array, numeric: bool) -> list[str]:
    vals = pc.utf8_rtrim_whitespace(a.cast(pa.string())).to_pylist()
    if numeric:
        return [str(int(v)) if v not in ("", None) else "" for v in vals]
    return vals


@pytest.mark.parametrize("vendor", ["a", "b", "c"])
def test_vendor_files_read_back(clean, vendor: str) -> None:
    """Reading each vendor file with its record definition gives back the generated values."""
    res, cap = clean
    prof = load_profile(vendor)
    for vf in prof.files:
        d = vf.definition
        reader = read(res.out_dir / prof.vendor / vf.name, d, policy="strict")
        by_type: dict[str, list[pa.RecordBatch]] = defaultdict(list)
        for b in reader:
            rt = (b.schema.metadata or {}).get(b"record_type", b"").decode()
            by_type[rt].append(b)
        for rm in vf.records:
            expected = cap[f"{vf.name}:{rm.type or ''}"]
            got = pa.Table.from_batches(by_type[rm.type] if rm.type else next(iter(by_type.values())))
            numeric = set()
            if isinstance(d, FixedWidthDefinition):
                numeric = {f.name for f in d.record_type(rm.type or "").fields if f.type in NUMERIC_TYPES}
            for field in rm.map:
                exp = pa.concat_arrays([c[field] for c in expected])
                assert _norm(got.column(field).combine_chunks(), field in numeric) == _norm(
                    exp, field in numeric
                ), (vendor, vf.name, field)
        if isinstance(d, FixedWidthDefinition) and vf.trailer:
            assert reader.trailers, vf.name


def _records(path: Path, vendor: str, vf) -> list[bytes]:  # type: ignore[no-untyped-def]
    data = path.read_bytes()
    d = vf.definition
    if vendor == "vendor_c":
        out, i = [], 0
        while i + 4 <= len(data):
            n = int.from_bytes(data[i : i + 2], "big")
            out.append(data[i : i + n])
            i += n
        return out
    if vendor == "vendor_a":
        size = d.record_types[0].record_length + 2
        return [data[i : i + size] for i in range(0, len(data), size)]
    text = data.decode("cp932", errors="surrogateescape")
    return [",".join(r).encode("utf-8", "surrogateescape") for r in csv.reader(io.StringIO(text, newline=""))]


def test_manifest_matches_what_was_written(clean, faulty) -> None:
    """The faulty export differs from the clean one exactly in the records the manifest names."""
    res, _ = clean
    kinds = Counter(m.kind for m in faulty.faults())
    for k in (
        "bad_check_digit",
        "impossible_date",
        "out_of_era",
        "unknown_code",
        "over_long",
        "undecodable_bytes",
        "truncated_last_record",
        "duplicate_key",
        "orphan_reference",
        "wrong_trailer_count",
        "wrong_trailer_total",
        "unmapped_gaiji",
        "hankaku_kana",
    ):
        assert kinds[k] > 0, k
    listed: dict[tuple[str, str], set[int]] = defaultdict(set)
    for m in faulty.faults():
        listed[(m.vendor, m.file)].add(m.record)
    for v in "abc":
        prof = load_profile(v)
        for vf in prof.files:
            a = _records(res.out_dir / prof.vendor / vf.name, prof.vendor, vf)
            b = _records(faulty.out_dir / prof.vendor / vf.name, prof.vendor, vf)
            diff = {i + 1 for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y}
            want = listed[(prof.vendor, vf.name)]
            truncated = any(m.kind == "truncated_last_record" and m.file == vf.name for m in faulty.faults())
            if truncated:
                diff.add(len(a))
            assert diff == want, (vf.name, sorted(diff - want)[:5], sorted(want - diff)[:5])
    # golden stays identical; standard differs exactly at the listed records
    for lid, path in faulty.golden.items():
        assert path.read_bytes() == res.golden[lid].read_bytes()
    for lid, path in faulty.standard.items():
        g = golden_rows(res.golden[lid], lid)
        s = golden_rows(path, lid)
        diff = {i + 1 for i, (x, y) in enumerate(zip(g, s, strict=True)) if x != y}
        want = {m.record for m in faulty.faults() if m.vendor == "standard" and m.layout == lid}
        assert diff == want, lid
