"""files.HashingWriter.copy_from: a part file appended by the kernel, hashed from a mapping —
the same bytes, count and SHA-256 as writing what was read, also where the kernel copy is
unavailable. files.ForkedHashes: a child process's SHA-256 of the inputs equals hashlib's, leaves
out a file changed since the start, and is stopped when its result is not taken."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest

from chukan_layout.files import ForkedHashes, HashingWriter


@pytest.fixture
def parts(tmp_path: Path) -> list[Path]:
    out = []
    for k, data in enumerate([b"", "髙橋,﨑\r\n".encode() * 5000, os.urandom(3 << 20), b"x"]):
        p = tmp_path / f"p{k}.csv"
        p.write_bytes(data)
        out.append(p)
    return out


def test_copy_from_appends_and_hashes_like_write(parts: list[Path], tmp_path: Path) -> None:
    want = b"head\r\n" + b"".join(p.read_bytes() + b"|" for p in parts)
    with open(tmp_path / "out.csv", "wb") as f:
        w = HashingWriter(f)
        w.write(b"head\r\n")  # still in the buffer when the kernel copies: flushed first
        for p in parts:
            assert w.copy_from(p) == p.stat().st_size
            w.write(b"|")  # a buffered write after a kernel copy lands after it
    assert (tmp_path / "out.csv").read_bytes() == want
    assert w.sha256 == hashlib.sha256(want).hexdigest() and w.bytes_written == len(want)


def test_copy_from_without_a_file_descriptor(parts: list[Path]) -> None:
    buf = io.BytesIO()
    w = HashingWriter(buf)
    w.write(b"h")
    for p in parts:
        w.copy_from(p)
    want = b"h" + b"".join(p.read_bytes() for p in parts)
    assert buf.getvalue() == want and w.sha256 == hashlib.sha256(want).hexdigest()


def test_copy_from_falls_back_when_the_kernel_refuses(
    parts: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def refuse(src: int, dst: int, count: int, offset_src: int | None = None, *a: object) -> int:
        calls.append(count)
        if len(calls) == 1:  # a first short copy, then the kernel gives up (EXDEV, EINVAL …)
            return real(src, dst, min(count, 1000), offset_src)
        raise OSError(18, "Invalid cross-device link")

    real = os.copy_file_range
    monkeypatch.setattr(os, "copy_file_range", refuse)
    with open(tmp_path / "out.csv", "wb") as f:
        w = HashingWriter(f)
        w.copy_from(parts[2])
        w.write(b"tail")
    want = parts[2].read_bytes() + b"tail"
    assert (tmp_path / "out.csv").read_bytes() == want and calls
    assert w.sha256 == hashlib.sha256(want).hexdigest() and w.bytes_written == len(want)


def test_copy_from_does_not_map_a_whole_part_into_memory(tmp_path: Path) -> None:
    """Hashing a part through one mapping made the parent's RSS as big as the part (1.1 GB for a
    vendor C 住民 file at 1M residents): the mapped pages are dropped a window at a time."""
    import subprocess
    import sys

    part = tmp_path / "part.csv"
    with open(part, "wb") as f:
        for i in range(96):
            f.write(bytes([48 + i % 10]) * (1 << 20))
    code = (
        "import resource, sys\n"
        "from chukan_layout.files import ForkedHashes, HashingWriter\n"
        "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "with open(sys.argv[2], 'wb') as raw:\n"
        "    w = HashingWriter(raw)\n"
        "    w.copy_from(sys.argv[1])\n"
        "print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) // 1024, w.sha256)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(part), str(tmp_path / "out")], check=True,
                         capture_output=True, text=True).stdout.split()  # fmt: skip
    assert int(out[0]) < 48  # MiB over the interpreter's own: one 16 MiB window, not 96 MiB
    assert out[1] == hashlib.sha256(part.read_bytes()).hexdigest()
    assert (tmp_path / "out").read_bytes() == part.read_bytes()


def _digests(paths: list[Path]) -> dict[str, tuple[int, str]]:
    return {str(p): (p.stat().st_size, hashlib.sha256(p.read_bytes()).hexdigest()) for p in paths}


def test_forked_hashes_equal_hashlib(parts: list[Path]) -> None:
    with ForkedHashes(parts) as fh:
        assert fh.result() == _digests(parts)  # the empty file and the 3 MiB one included
        assert fh.result() == _digests(parts)  # taken once, kept


def test_a_file_changed_since_the_start_is_left_out(parts: list[Path]) -> None:
    with ForkedHashes(parts) as fh:
        with parts[1].open("ab") as f:
            f.write("髙".encode())
        got = fh.result()
    assert str(parts[1]) not in got  # whatever the child read of it
    assert got == {k: v for k, v in _digests(parts).items() if k != str(parts[1])}


def test_close_stops_a_child_whose_result_is_not_taken(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    big.write_bytes(os.urandom(1 << 20) * 32)
    fh = ForkedHashes([big])
    pid = fh._pid
    assert pid
    fh.close()
    with pytest.raises(ChildProcessError):  # reaped: no zombie left behind
        os.waitpid(pid, 0)
    assert fh.result() == {}


def test_without_fork_nothing_starts(parts: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "fork")
    with ForkedHashes(parts) as fh:
        assert fh.result() == {}


def test_only_regular_files_are_hashed(parts: list[Path], tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)  # a pipe read by the child would be lost to the run
    with ForkedHashes([fifo, parts[1]]) as fh:
        assert fh.paths == [str(parts[1])]
        assert fh.result() == _digests([parts[1]])
