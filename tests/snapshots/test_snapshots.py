"""BCP snapshots: create → verify passes; a flipped byte, a removed row, a deleted file fail verify
naming the file; diff says what changed; restore of a verified snapshot gives back vendor A's bytes."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from chukan_layout.cli import main
from chukan_layout.errors import SnapshotError
from chukan_layout.snapshots import create_snapshot, diff_snapshots, restore_snapshot, verify_snapshot


@pytest.fixture()
def snap(town_a: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    create_snapshot(town_a[1], tmp_path / "snap", parquet=True)
    return tmp_path / "snap"


def test_create_writes_the_manifest_and_typed_parquet(snap: Path, town_a: tuple[Path, Path]) -> None:
    m = json.loads((snap / "snapshot.json").read_text(encoding="utf-8"))
    assert m["created_at"] == "2023-11-14T22:13:20Z" and m["format"] == "chukan-layout-snapshot/1"
    jumin = next(f for f in m["files"] if f["layout_id"] == "juki.jumin")
    assert (snap / jumin["path"]).read_bytes() == (town_a[1] / "juki_jumin.csv").read_bytes()
    table = pq.read_table(snap / jumin["parquet"]["path"])
    assert table.num_rows == jumin["records"] > 0
    types = jumin["parquet"]["columns"]
    assert types["atena_no"] == "string"  # digits keep their leading zeros
    assert "date32[day]" in types.values()  # dates where every value is a full date
    assert types["seinengappi"] == "string" or "00" not in str(table.column("seinengappi"))
    assert (
        pq.ParquetFile(snap / jumin["parquet"]["path"]).metadata.row_group(0).column(0).compression == "ZSTD"
    )


def test_verify_passes_then_names_what_changed(snap: Path) -> None:
    assert verify_snapshot(snap).problems == []
    setai = snap / "standard" / "juki_setai.csv"
    data = bytearray(setai.read_bytes())
    data[-10] ^= 0x01  # one byte flipped
    setai.write_bytes(bytes(data))
    res = verify_snapshot(snap, validate=False)
    assert res.exit_code == 1 and any(p.startswith("standard/juki_setai.csv: changed") for p in res.problems)


def test_verify_names_a_removed_row_and_a_deleted_file(snap: Path) -> None:
    kazei = snap / "standard" / "juminzei_kazei.csv"
    with open(kazei, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    with open(kazei, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n", quoting=csv.QUOTE_ALL).writerows(rows[:-1])
    (snap / "standard" / "kaigo_hihokensha.csv").unlink()
    res = verify_snapshot(snap, validate=False)
    assert any("juminzei_kazei.csv" in p and f"{len(rows) - 2} records" in p for p in res.problems)
    assert "standard/kaigo_hihokensha.csv: missing" in res.problems
    out = CliRunner().invoke(main, ["snapshot", "verify", str(snap), "--no-validate"])
    assert out.exit_code == 1 and "kaigo_hihokensha.csv: missing" in out.output


def test_verify_without_manifest_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match=r"no snapshot\.json"):
        verify_snapshot(tmp_path)
    assert CliRunner().invoke(main, ["snapshot", "verify", str(tmp_path)]).exit_code == 2


def test_diff_counts_added_removed_changed(snap: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(snap, other)
    setai = other / "standard" / "juki_setai.csv"
    with open(setai, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    name = rows[0].index("世帯主氏名")
    rows[3][name] = rows[3][name] + "（変更）"
    del rows[5]
    with open(setai, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n", quoting=csv.QUOTE_ALL).writerows(rows)
    res = diff_snapshots(snap, other, tmp_path / "diff")
    by = {d.layout_id: d for d in res.layouts}
    assert (by["juki.setai"].status, by["juki.setai"].removed, by["juki.setai"].changed, by["juki.setai"].added) == (
        "changed", 1, 1, 0)  # fmt: skip
    assert by["juki.jumin"].status == "unchanged" and res.exit_code == 1
    assert diff_snapshots(snap, snap).exit_code == 0


def test_restore_reproduces_vendor_a_and_refuses_a_broken_snapshot(snap: Path, town_a: tuple[Path, Path],
                                                                   tmp_path: Path) -> None:  # fmt: skip
    src, _ = town_a
    tables = [str(p) for p in src.glob("*.tsv")]
    res, exp = restore_snapshot(snap, "vendor_a", tmp_path / "import", gaiji_tables=tables)
    assert res.problems == [] and exp.exit_code == 0
    for orig in (p for p in src.iterdir() if p.suffix != ".tsv"):
        assert (tmp_path / "import" / orig.name).read_bytes() == orig.read_bytes(), orig.name
    (snap / "standard" / "juki_setai.csv").write_bytes(b"tampered")
    with pytest.raises(SnapshotError, match="restore refused"):
        restore_snapshot(snap, "vendor_a", tmp_path / "again", gaiji_tables=tables)
    assert not (tmp_path / "again").exists()


def test_cli_create_counts_like_the_reader_with_one_or_two_workers(
    town_a: tuple[Path, Path], tmp_path: Path
) -> None:
    from chukan_layout.readers.standard_csv import read_standard_csv
    from chukan_layout.spec.registry import load_layout

    out = CliRunner().invoke(
        main, ["snapshot", "create", str(town_a[1]), "-o", str(tmp_path / "s1"), "-j", "1"]
    )
    assert out.exit_code == 0, out.output
    create_snapshot(town_a[1], tmp_path / "s2", workers=2)
    one, two = (
        json.loads((tmp_path / s / "snapshot.json").read_text(encoding="utf-8")) for s in ("s1", "s2")
    )
    assert [(f["path"], f["records"], f["sha256"]) for f in one["files"]] == [
        (f["path"], f["records"], f["sha256"]) for f in two["files"]]  # fmt: skip
    for f in one["files"]:
        reader = read_standard_csv(tmp_path / "s1" / f["path"], load_layout(f["layout_id"]).spec)
        assert f["records"] == sum(b.num_rows for b in reader) + reader.reader.stats.records_rejected
        assert (tmp_path / "s1" / f["path"]).read_bytes() == (town_a[1] / Path(f["path"]).name).read_bytes()
        assert f"{f['path']}: {f['records']} records" in out.output
