"""``snapshot create --base``: reuse is by SHA-256 only, and a snapshot with reused parts verifies and
restores like a fresh one; a damaged reused Parquet fails verify naming it."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from chukan_layout.cli import main
from chukan_layout.errors import ReadError
from chukan_layout.snapshots import create_snapshot, restore_snapshot, verify_snapshot


def _entries(snap: Path) -> dict[str, dict]:
    return {Path(f["path"]).name: f for f in json.loads((snap / "snapshot.json").read_text("utf-8"))["files"]}


def _change_a_value(path: Path) -> None:
    """Change one character of a value in the last record (the file stays valid)."""
    data = bytearray(path.read_bytes())
    i = data.rindex(b'"', 0, len(data) - 3) - 1  # the last byte of the last value that is not blank
    while data[i] == 0x22:
        i -= 1
    data[i] = 0x30 if data[i] != 0x30 else 0x31
    path.write_bytes(bytes(data))


@pytest.fixture(scope="module")
def base(town_a: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("base") / "2025-03"
    create_snapshot(town_a[1], out, parquet=True)
    return out


def test_unchanged_files_reuse_the_base_and_match_a_fresh_snapshot(
    base: Path, town_a: tuple[Path, Path], tmp_path: Path
) -> None:
    src = tmp_path / "standard"
    shutil.copytree(town_a[1], src)
    _change_a_value(src / "juki_setai.csv")
    out = CliRunner().invoke(main, ["snapshot", "create", str(src), "-o", str(tmp_path / "new"), "--parquet",
                                    "--base", str(base)])  # fmt: skip
    assert out.exit_code == 0, out.output
    fresh = tmp_path / "fresh"
    create_snapshot(src, fresh, parquet=True)
    new, old, ref = _entries(tmp_path / "new"), _entries(base), _entries(fresh)
    assert {n for n, f in new.items() if not f["reused"]} == {"juki_setai.csv"}
    assert f"{len(new) - 1} unchanged since {base}" in out.output
    for name, f in new.items():  # the same manifest entry as a fresh snapshot's, reused or not
        assert {k: v for k, v in f.items() if k != "reused"} == {
            k: v for k, v in ref[name].items() if k != "reused"
        }
        got = (tmp_path / "new" / f["parquet"]["path"]).read_bytes()
        assert got == (fresh / f["parquet"]["path"]).read_bytes(), name
    assert new["juki_setai.csv"]["sha256"] != old["juki_setai.csv"]["sha256"]
    jumin = tmp_path / "new" / new["juki_jumin.csv"]["parquet"]["path"]
    assert jumin.stat().st_ino == (base / old["juki_jumin.csv"]["parquet"]["path"]).stat().st_ino  # hard link
    assert json.loads((tmp_path / "new" / "snapshot.json").read_text("utf-8"))["base"] == str(base)


def test_a_reused_snapshot_verifies_and_restores(
    base: Path, town_a: tuple[Path, Path], tmp_path: Path
) -> None:
    create_snapshot(town_a[1], tmp_path / "new", parquet=True, base=base)
    assert all(f["reused"] for f in _entries(tmp_path / "new").values())
    src = town_a[0]
    res, exp = restore_snapshot(tmp_path / "new", "vendor_a", tmp_path / "import",
                                gaiji_tables=[str(p) for p in src.glob("*.tsv")])  # fmt: skip
    assert res.problems == [] and res.validation in ("pass", "warn") and exp.exit_code == 0
    for orig in (p for p in src.iterdir() if p.suffix != ".tsv"):
        assert (tmp_path / "import" / orig.name).read_bytes() == orig.read_bytes(), orig.name


def test_a_flipped_byte_in_a_reused_parquet_fails_verify_naming_it(base: Path, town_a: tuple[Path, Path],
                                                                   tmp_path: Path) -> None:  # fmt: skip
    shutil.copytree(
        base, tmp_path / "base"
    )  # a base of its own: the new snapshot's Parquet shares its inodes
    create_snapshot(town_a[1], tmp_path / "new", parquet=True, base=tmp_path / "base")
    pq = tmp_path / "new" / _entries(tmp_path / "new")["juki_setai.csv"]["parquet"]["path"]
    data = bytearray(pq.read_bytes())
    data[len(data) // 2] ^= 0x01
    pq.write_bytes(bytes(data))  # in place: the base's hard-linked copy is this file too
    out = CliRunner().invoke(main, ["snapshot", "verify", str(tmp_path / "new"), "--no-validate"])
    assert out.exit_code == 1 and "parquet/juki_setai.parquet: changed" in out.output, out.output
    assert any(
        p.startswith("parquet/juki_setai.parquet: changed")
        for p in verify_snapshot(tmp_path / "base").problems
    )
    # a base whose Parquet copy no longer has its recorded hash is not reused: converted again
    create_snapshot(town_a[1], tmp_path / "again", parquet=True, base=tmp_path / "base")
    again = _entries(tmp_path / "again")
    assert not again["juki_setai.csv"]["reused"] and again["juki_jumin.csv"]["reused"]
    assert verify_snapshot(tmp_path / "again", validate=False).problems == []


def test_a_base_of_another_tool_version_is_not_reused(
    base: Path, town_a: tuple[Path, Path], tmp_path: Path
) -> None:
    shutil.copytree(base, tmp_path / "base")
    m = json.loads((tmp_path / "base" / "snapshot.json").read_text("utf-8"))
    (tmp_path / "base" / "snapshot.json").write_text(json.dumps(m | {"tool_version": "0.0.0"}), "utf-8")
    create_snapshot(town_a[1], tmp_path / "new", base=tmp_path / "base")
    assert not any(f["reused"] for f in _entries(tmp_path / "new").values())


@pytest.fixture(scope="module")
def small(town_a: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, bytes]:
    """(one small standard file's folder, its snapshot with Parquet, the file's bytes)."""
    root = tmp_path_factory.mktemp("small")
    lines = (town_a[1] / "juki_setai.csv").read_bytes().splitlines(keepends=True)[:12]
    (root / "src").mkdir()
    (root / "src" / "juki_setai.csv").write_bytes(b"".join(lines))
    create_snapshot(root / "src", root / "base", parquet=True, workers=1)
    return root / "src", root / "base", b"".join(lines)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(where=st.floats(0, 1, exclude_max=True), mask=st.integers(1, 255))
@example(where=0.9999999999999998, mask=1)  # the last LF → VT: a record the reader refuses (ReadError)
def test_a_changed_file_is_never_reused(small: tuple[Path, Path, bytes], tmp_path_factory: pytest.TempPathFactory,
                                        where: float, mask: int) -> None:  # fmt: skip
    _, base, data = small
    header = data.index(b"\n") + 1
    flipped = bytearray(data)
    flipped[header + int(where * (len(data) - header))] ^= mask  # any byte after the header row
    work = tmp_path_factory.mktemp("flip")
    (work / "src").mkdir()
    (work / "src" / "juki_setai.csv").write_bytes(bytes(flipped))
    try:
        create_snapshot(work / "src", work / "fresh", parquet=True, workers=1)
    except (
        ReadError
    ) as e:  # bytes the reader refuses (one line, exit 2): refused with a base too, never reused
        with pytest.raises(ReadError, match=re.escape(str(e).split(":")[0])):
            create_snapshot(work / "src", work / "reused", parquet=True, workers=1, base=base)
        shutil.rmtree(work)
        return
    create_snapshot(work / "src", work / "reused", parquet=True, workers=1, base=base)
    got, ref = _entries(work / "reused")["juki_setai.csv"], _entries(work / "fresh")["juki_setai.csv"]
    assert not got["reused"] and got == ref
    assert got["sha256"] != _entries(base)["juki_setai.csv"]["sha256"]
    shutil.rmtree(work)


def test_restore_exports_the_profiles_layouts_and_lists_the_others(
    town_a: tuple[Path, Path], tmp_path: Path
) -> None:
    from chukan_layout.spec.registry import load_layout

    src = tmp_path / "standard"
    shutil.copytree(town_a[1], src)
    names = [it.name for it in load_layout("seiho.jukyu").spec.items]
    (src / "seiho_jukyu.csv").write_text(
        ",".join(f'"{n}"' for n in names) + "\r\n", "utf-8"
    )  # 生活保護: not vendor A's
    create_snapshot(src, tmp_path / "snap")
    res, exp = restore_snapshot(tmp_path / "snap", "vendor_a", tmp_path / "import", validate=False,
                                gaiji_tables=[str(p) for p in town_a[0].glob("*.tsv")])  # fmt: skip
    assert res.not_restored == ["standard/seiho_jukyu.csv"] and exp.exit_code == 0
    assert (tmp_path / "import" / "JUMIN.DAT").read_bytes() == (town_a[0] / "JUMIN.DAT").read_bytes()


def test_across_filesystems_the_base_parquet_is_copied(base: Path, town_a: tuple[Path, Path], tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    import errno
    import os

    def no_link(src: object, dst: object) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_link)
    create_snapshot(town_a[1], tmp_path / "new", parquet=True, base=base, workers=1)
    new = _entries(tmp_path / "new")
    pq = tmp_path / "new" / new["juki_jumin.csv"]["parquet"]["path"]
    assert (
        new["juki_jumin.csv"]["reused"]
        and pq.stat().st_ino != (base / pq.relative_to(tmp_path / "new")).stat().st_ino
    )
    assert verify_snapshot(tmp_path / "new", validate=False).problems == []


def test_a_base_that_is_not_a_snapshot_is_a_usage_error(town_a: tuple[Path, Path], tmp_path: Path) -> None:
    out = CliRunner().invoke(main, ["snapshot", "create", str(town_a[1]), "-o", str(tmp_path / "new"),
                                    "--base", str(town_a[1])])  # fmt: skip
    assert out.exit_code == 2 and "no snapshot.json" in out.output and not (tmp_path / "new").exists()


def test_deleting_the_base_leaves_the_new_snapshot_whole(
    base: Path, town_a: tuple[Path, Path], tmp_path: Path
) -> None:
    shutil.copytree(base, tmp_path / "base")
    create_snapshot(town_a[1], tmp_path / "new", parquet=True, base=tmp_path / "base", workers=1)
    shutil.rmtree(tmp_path / "base")  # rotated out
    assert verify_snapshot(tmp_path / "new", validate=False).problems == []
