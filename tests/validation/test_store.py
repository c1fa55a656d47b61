"""validation.store: spill writes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest


def test_spill_writes_every_byte_after_short_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A spill writes each bucket's buffers in one gathering write; a short write (a signal, a
    full disk's last bytes) is continued where it stopped, as is the plain-write fallback."""
    import os

    from chukan_layout.validation import store

    real = os.writev
    monkeypatch.setattr(os, "writev", lambda fd, bufs: real(fd, [bytes(b)[:7] for b in bufs[:1]]))
    views = [np.arange(10, dtype=np.int64).data, np.arange(3, dtype=np.int64).data]
    p = tmp_path / "a.bin"
    fd = os.open(p, os.O_WRONLY | os.O_CREAT)
    store._write_all(fd, views)
    os.close(fd)
    assert p.read_bytes() == np.arange(10, dtype=np.int64).tobytes() + np.arange(3, dtype=np.int64).tobytes()
    monkeypatch.delattr(os, "writev")
    q = tmp_path / "b.bin"
    fd = os.open(q, os.O_WRONLY | os.O_CREAT)
    store._write_all(fd, views)
    os.close(fd)
    assert q.read_bytes() == p.read_bytes()
