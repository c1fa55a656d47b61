"""The run's Arrow pool: jemalloc (gives freed batches back), unless the user chose one."""

from __future__ import annotations

import pyarrow as pa
import pytest

from chukan_layout.pipeline._memory import use_lean_pool


def test_a_run_switches_to_jemalloc_unless_the_user_chose_a_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    before = pa.default_memory_pool()
    try:
        monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "system")
        pa.set_memory_pool(pa.system_memory_pool())
        assert use_lean_pool() == "system" == pa.default_memory_pool().backend_name  # the user's choice
        monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL")
        try:
            pa.jemalloc_memory_pool()
        except NotImplementedError:  # a pyarrow built without jemalloc keeps its pool
            assert use_lean_pool() == "system"
            return
        assert use_lean_pool() == "jemalloc" == pa.default_memory_pool().backend_name
        buf = pa.array(["髙", "﨑"] * 1000).buffers()[-1]  # allocated from the new default pool
        assert buf is not None and pa.default_memory_pool().bytes_allocated() > 0
    finally:
        pa.set_memory_pool(before)


def test_the_lean_pool_takes_a_decay() -> None:
    """validate sets jemalloc's dirty-page decay (pipeline/_memory.DECAY_MS); convert leaves Arrow's."""
    from chukan_layout.pipeline._memory import DECAY_MS

    try:
        pa.jemalloc_memory_pool()
    except (NotImplementedError, pa.ArrowNotImplementedError):
        pytest.skip("pyarrow built without jemalloc")
    kept = pa.default_memory_pool()
    try:
        assert use_lean_pool(DECAY_MS) == "jemalloc" == pa.default_memory_pool().backend_name
    finally:
        pa.jemalloc_set_decay_ms(1000)  # Arrow's default again for the other tests
        pa.set_memory_pool(kept)
