"""files.HashingWriter.copy_from: a part file appended by the kernel, hashed from a mapping —
the same bytes, count and SHA-256 as writing what was read, also where the kernel copy is
unavailable."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest

from chukan_layout.files import HashingWriter


def test_copy_from_appends_and_hashes_like_write(assorted_files: list[Path], tmp_path: Path) -> None:
    want = b"head\r\n" + b"".join(p.read_bytes() + b"|" for p in assorted_files)
    with open(tmp_path / "out.csv", "wb") as f:
        w = HashingWriter(f)
        w.write(b"head\r\n")  # still in the buffer when the kernel copies: flushed first
        for p in assorted_files:
            assert w.copy_from(p) == p.stat().st_size
            w.write(b"|")  # a buffered write after a kernel copy lands after it
    assert (tmp_path / "out.csv").read_bytes() == want
    assert w.sha256 == hashlib.sha256(want).hexdigest() and w.bytes_written == len(want)


def test_copy_from_without_a_file_descriptor(assorted_files: list[Path]) -> None:
    buf = io.BytesIO()
    w = HashingWriter(buf)
    w.write(b"h")
    for p in assorted_files:
        w.copy_from(p)
    want = b"h" + b"".join(p.read_bytes() for p in assorted_files)
    assert buf.getvalue() == want and w.sha256 == hashlib.sha256(want).hexdigest()


def test_copy_from_falls_back_when_the_kernel_refuses(
    assorted_files: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
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
        w.copy_from(assorted_files[2])
        w.write(b"tail")
    want = assorted_files[2].read_bytes() + b"tail"
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
        "from chukan_layout.files import HashingWriter\n"
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
