"""validation._spill_writes: a bucket's buffers appended to its spill file, every byte, in order."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np
import pytest

from chukan_layout.validation import _spill_writes
from chukan_layout.validation._spill_writes import _write_all, append_buffers
from chukan_layout.validation.store import PAIR


def test_spill_writes_every_byte_after_short_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A spill writes each bucket's buffers in one gathering write; a short write (a signal, a
    full disk's last bytes) is continued where it stopped, as is the plain-write fallback."""
    real = os.writev
    monkeypatch.setattr(os, "writev", lambda fd, bufs: real(fd, [bytes(b)[:7] for b in bufs[:1]]))
    views = [np.arange(10, dtype=np.int64).data, np.arange(3, dtype=np.int64).data]
    p = tmp_path / "a.bin"
    fd = os.open(p, os.O_WRONLY | os.O_CREAT)
    _write_all(fd, views)
    os.close(fd)
    assert p.read_bytes() == np.arange(10, dtype=np.int64).tobytes() + np.arange(3, dtype=np.int64).tobytes()
    monkeypatch.delattr(os, "writev")
    q = tmp_path / "b.bin"
    fd = os.open(q, os.O_WRONLY | os.O_CREAT)
    _write_all(fd, views)
    os.close(fd)
    assert q.read_bytes() == p.read_bytes()


def test_append_buffers_past_iov_max_and_across_spills(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More buffers than one writev takes (a bucket of many small batches) and a second spill to
    the same bucket: the file holds the pairs in arrival order, readable by the store's dtype, and
    only its owner may read it (宛名番号 codes of residents)."""
    monkeypatch.setattr(_spill_writes, "_IOV_MAX", 4)
    bufs = []
    for k in range(11):  # batches of 0 to 10 pairs (an empty one included)
        b = np.zeros(k, PAIR)
        b["lo"] = np.arange(k) + 100 * k
        b["pos"] = np.arange(k) + 1000 * k
        bufs.append(b)
    path = str(tmp_path / "4.3.bin")
    append_buffers(path, bufs[:7])
    append_buffers(path, bufs[7:])
    back = np.fromfile(path, dtype=PAIR)
    assert back.tolist() == np.concatenate(bufs).tolist()
    assert stat.S_IMODE(os.stat(path).st_mode) & 0o077 == 0
