"""RDW files split at the record boundaries a walk of their chain proves (issue 15 point 5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout import convert
from chukan_layout.pipeline.plan import plan
from chukan_layout.pipeline.rdw_split import rdw_cuts
from chukan_layout.synth.generate import generate

from .test_resync_convert import _rdw_offsets as _offsets  # the chain walked one record at a time


def _rdw_file(lengths: list[int], same: int) -> bytes:
    """Records of payload ``lengths`` (then ``same`` records of 90 bytes: a run of one length)."""
    out = bytearray()
    for i, n in enumerate([*lengths, *[90] * same]):
        out += (n + 4).to_bytes(2, "big") + b"\0\0" + bytes([0x40 + i % 7]) * n
    return bytes(out)


@settings(max_examples=60, deadline=None)
@given(lengths=st.lists(st.integers(0, 400), max_size=60), same=st.integers(0, 300),
       partition=st.integers(64, 4096))  # fmt: skip
def test_cuts_are_record_boundaries_with_the_records_before_them(
    tmp_path_factory: pytest.TempPathFactory, lengths: list[int], same: int, partition: int
) -> None:
    data = _rdw_file(lengths, same)
    path = tmp_path_factory.mktemp("rdw") / "JUMIN.EBC"
    path.write_bytes(data)
    cuts, why = rdw_cuts(path, partition)
    assert why is None
    offsets = _offsets(data)
    for prev, c in zip([None, *cuts], cuts, strict=False):
        assert offsets[c.records] == c.offset  # a record starts there, after exactly c.records records
        assert 0 < c.offset < len(data) and (prev is None or c.offset - prev.offset >= partition)
    first = [o for o in offsets if o >= partition]  # the first cut: the first boundary past one partition
    if cuts:
        assert cuts[0].offset == first[0]
    else:  # too small, one record, or its only cut would leave a sliver of a last range
        assert len(data) <= partition or not first or len(data) - first[0] < partition // 4


@pytest.mark.parametrize(("damage", "why"), [
    (lambda d: d[:190] + b"\x40\x40" + d[192:], "breaks at byte offset 188 (005e4040)"),
    (lambda d: d + b"\0\x09", "ends 2 bytes before the end of the file"),
    (lambda d: d[:-3], "runs past the end of the file"),
])  # fmt: skip
def test_a_chain_that_breaks_keeps_the_file_whole(tmp_path: Path, damage: object, why: str) -> None:
    data = _rdw_file([], 100)  # records of 94 bytes: the third RDW at byte 188
    path = tmp_path / "x.ebc"
    path.write_bytes(damage(data))  # type: ignore[operator]
    cuts, reason = rdw_cuts(path, 512)
    assert cuts == [] and reason is not None and why in reason


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("vendor_c")
    generate(root, vendors="c", residents=400, seed=11, faults=0.03)
    return root / "vendor_c"


def _outputs(d: Path) -> dict[str, bytes]:
    out = {p.name: p.read_bytes() for p in sorted(d.iterdir()) if p.is_file() and p.suffix == ".csv"}
    report = json.loads((d / "report.json").read_text(encoding="utf-8"))
    report.pop("generated_at", None)
    extra = report.get("options", {}).get("extra", {})
    out["partitions"] = extra.pop("partitions", "").encode()  # how the files were cut: differs by design
    out["report.json"] = json.dumps(report, sort_keys=True, ensure_ascii=False).encode()
    return out


def test_a_split_vendor_c_run_gives_the_outputs_of_a_whole_one(town: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    files = [town / "JUMIN.EBC", town / "SETAI.EBC"]
    small = 1 << 16
    assert files[0].stat().st_size > 4 * small  # the test really splits
    from chukan_layout.adapt.loader import load_adapter

    d = load_adapter("vendor_c").sources["jumin"].definition
    parts = plan([("jumin", files[0], d)], partition_bytes=small, header_of=lambda s, p: {})
    assert len(parts) > 3 and parts[0].first_record == 1 and parts[-1].end is None
    runs = {}
    for name, kw in {"whole": {"workers": 1}, "split": {"workers": 1, "partition_bytes": small},
                     "par": {"workers": 2, "partition_bytes": small}}.items():  # fmt: skip
        convert("vendor_c", files, tmp_path / name, **kw)  # type: ignore[arg-type]
        runs[name] = _outputs(tmp_path / name)
    notes = {k: runs[k].pop("partitions").decode() for k in runs}
    assert runs["whole"] == runs["split"] == runs["par"]
    assert "RDW chain walked" in notes["split"] and "RDW chain walked" not in notes["whole"]
    assert {"juki_jumin.csv", "juki_setai.csv", "findings.csv"} <= set(runs["whole"])


def test_a_broken_chain_is_read_whole_and_the_report_says_why(town: Path, tmp_path: Path) -> None:
    data = bytearray((town / "JUMIN.EBC").read_bytes())
    at = _offsets(bytes(data))[40]
    data[at + 2 : at + 4] = b"\x40\x40"
    bad = tmp_path / "in" / "JUMIN.EBC"
    bad.parent.mkdir()
    bad.write_bytes(bytes(data))
    whole = convert("vendor_c", [bad], tmp_path / "whole", workers=1)
    split = convert("vendor_c", [bad], tmp_path / "split", workers=2, partition_bytes=1 << 16)
    a, b = _outputs(tmp_path / "whole"), _outputs(tmp_path / "split")
    note = b.pop("partitions").decode()
    a.pop("partitions")
    assert a == b and f"the RDW chain breaks at byte offset {at}" in note
    assert whole.files[0].read_rejected == split.files[0].read_rejected >= 1
