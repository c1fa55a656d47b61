"""One bad RDW in a real vendor C export costs one record, its bytes kept whole (issue 14 point 4)."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest

from chukan_layout import convert
from chukan_layout.synth.generate import generate


@pytest.fixture(scope="module")
def jumin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("vendor_c")
    generate(root, vendors="c", residents=300, seed=5)
    return root / "vendor_c" / "JUMIN.EBC"


def _rdw_offsets(data: bytes) -> list[int]:
    out, p = [], 0
    while p < len(data):
        out.append(p)
        p += int.from_bytes(data[p : p + 2], "big")
    return out


def test_bad_rdw_of_record_10_is_one_reject_with_all_its_bytes(jumin: Path, tmp_path: Path) -> None:
    data = bytearray(jumin.read_bytes())
    offsets = _rdw_offsets(bytes(data))
    n, at = len(offsets), offsets[9]
    data[at + 2 : at + 4] = b"\x40\x40"  # EBCDIC blanks where the RDW's zero bytes belong
    skipped = bytes(data[at : offsets[10]])
    bad = tmp_path / "in" / "JUMIN.EBC"
    bad.parent.mkdir()
    bad.write_bytes(bytes(data))

    res = convert("vendor_c", [bad], tmp_path / "out", workers=1)
    (acc,) = res.files
    assert (acc.records_in, acc.read_rejected, acc.rejected_by_reason.get("read.framing")) == (n, 1, 1)
    assert acc.balanced and acc.records_out + acc.rejected + acc.control == n

    with open(tmp_path / "out" / "rejects.csv", encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["stage"] == "read"]
    (row,) = rows
    sha = hashlib.sha256(skipped).hexdigest()
    assert (row["record"], row["offset"], row["code"]) == ("10", str(at), "read.framing")
    assert f"at byte {at}; {len(skipped)} bytes skipped" in row["reason"] and sha in row["reason"]
    evidence = tmp_path / "out" / "rejects-raw" / f"{sha}.bin"
    assert evidence.read_bytes() == skipped  # the exact skipped bytes, all of them
    assert f"rejects-raw/{sha}.bin" in row["reason"]
    manifest = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    assert manifest["files"][f"rejects-raw/{sha}.bin"]["sha256"] == sha  # published with the run
    details = [s.detail for s in res.findings.samples[("read.framing", "JUMIN.EBC", "")]]
    assert any(
        d and f"at byte {at}; {len(skipped)} bytes skipped" in d for d in details
    )  # the finding says it
