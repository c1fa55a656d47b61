"""The ``--parquet`` pass reads the kernel's copy behind it: the bytes read, the hash and the copy are
the source's whatever the read pattern (seeks back and forward, reads past the copy's progress), the
Parquet copy is byte-identical to the one-read tee's it replaces, and a source that changed is refused."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chukan_layout.errors import SnapshotError
from chukan_layout.snapshots import kernelcopy
from chukan_layout.snapshots.copyread import CopyReader
from chukan_layout.snapshots.create import create_snapshot
from chukan_layout.snapshots.tee import TeeReader

DATA = ('"氏名","住所"\r\n' + "".join(f'"髙橋{i}","﨑{i}"\r\n' for i in range(4_000))).encode("utf-8")

READS = st.lists(
    st.one_of(
        st.tuples(st.just("read"), st.integers(-1, 70_000)),
        st.tuples(st.just("seek"), st.integers(0, len(DATA) + 10)),
    ),
    max_size=12,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=READS, step=st.sampled_from([4 << 10, 64 << 10, 8 << 20]))
def test_reads_hash_and_copy_equal_the_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              ops: list[tuple[str, int]], step: int) -> None:  # fmt: skip
    monkeypatch.setattr(kernelcopy, "STEP", step)  # small steps: reads overtake the copy and wait
    src, dest = tmp_path / "a.csv", tmp_path / "b.csv"
    src.write_bytes(DATA)
    r = CopyReader(src, dest)
    for op, n in ops:
        if op == "seek":
            r.seek(n)
            continue
        pos = r.tell()
        got = r.read(n)
        assert got == DATA[pos : None if n < 0 else pos + n]
    assert r.finish() == (len(DATA), hashlib.sha256(DATA).hexdigest())
    assert dest.read_bytes() == DATA


def test_a_source_changed_while_copied_is_refused(tmp_path: Path) -> None:
    src, dest = tmp_path / "a.csv", tmp_path / "b.csv"
    src.write_bytes(DATA)
    r = CopyReader(src, dest)
    assert r.read() == DATA
    with open(src, "ab") as f:  # rewritten after the copy read it
        f.write(b'"x","y"\r\n')
    with pytest.raises(SnapshotError, match="changed while it was copied"):
        r.finish()


def test_a_source_cut_short_is_an_error_not_a_short_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, dest = tmp_path / "a.csv", tmp_path / "b.csv"
    src.write_bytes(DATA)
    real = kernelcopy._copy_range

    def shrinking(fi: int, fo: int, pos: int, n: int, mode: list[str]) -> int:
        os.truncate(src, 1000)  # the file shrinks under the copy
        return real(fi, fo, pos, n, mode)

    monkeypatch.setattr(kernelcopy, "_copy_range", shrinking)
    r = CopyReader(src, dest)
    with pytest.raises(SnapshotError, match="shorter than its size"):
        r.read()
    r.close()


def test_parquet_snapshot_equals_the_tee_pass(town_a: tuple[Path, Path], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Differential: the copy-then-read pass gives the same standard bytes, hashes, counts and Parquet
    bytes as the one-read tee it replaces."""
    _, std = town_a
    new = create_snapshot(std, tmp_path / "new", parquet=True, workers=1)

    def tee_reader(src: Path, dest: Path, hashing: bool = True) -> TeeReader:
        return TeeReader(src, dest, hashing=hashing)

    monkeypatch.setattr("chukan_layout.snapshots.copyread.CopyReader", tee_reader)
    old = create_snapshot(std, tmp_path / "old", parquet=True, workers=1)
    assert [f.model_dump(exclude={"reused"}) for f in new.files] == [
        f.model_dump(exclude={"reused"}) for f in old.files
    ]
    for f in new.files:
        assert f.parquet is not None
        assert (tmp_path / "new" / f.parquet.path).read_bytes() == (
            tmp_path / "old" / f.parquet.path
        ).read_bytes()
        assert (tmp_path / "new" / f.path).read_bytes() == (std / Path(f.path).name).read_bytes()


def test_the_pass_does_not_import_pandas(town_a: tuple[Path, Path], tmp_path: Path) -> None:
    """Each pool worker of ``create --parquet`` imported pandas (≈ 0.5 s of CPU) for one module-level
    ``pa.scalar`` of the CSV reader; nothing in the pass needs it."""
    import subprocess
    import sys

    _, std = town_a
    code = (
        "import sys; from pathlib import Path\n"
        "from chukan_layout.snapshots import create_snapshot\n"
        f"create_snapshot(Path({str(std)!r}), Path({str(tmp_path / 's')!r}), parquet=True, workers=1)\n"
        "assert 'pandas' not in sys.modules, 'pandas imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
