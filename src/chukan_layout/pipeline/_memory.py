"""The Arrow memory pool of the processes that run a pipeline: the one that gives pages back.

Measured on a run's worker (vendor A and B, 30,000 residents, one process): with Arrow's
default mimalloc pool the freed batch buffers stay mapped (partly as transparent huge pages)
and the peak RSS was 246 / 267 MiB; with jemalloc 230 / 238 MiB; with the system allocator
327 MiB (glibc fragmentation). A run therefore switches pyarrow's default pool to jemalloc in
every process it works in (the parent, pool and Dask workers) — unless the user chose a pool
with ``ARROW_DEFAULT_MEMORY_POOL`` (their choice wins) or pyarrow was built without jemalloc.
Buffers allocated earlier keep their own pool: switching at any time is safe.

jemalloc returns freed pages to the system only after they have lain unused for its *decay*
time (Arrow's default 1 s): a run that frees and allocates batch buffers quickly holds a
varying heap of dirty pages. ``validate -j 1`` of the 5M 住民 CSV peaked at 234–298 MiB from
run to run with the default, at 221–233 MiB with :data:`DECAY_MS` (same wall, 27.6–33 s vs
28.3–31.1 s; 0 ms: a flat 195 MiB at 1.6× the wall), so a ``validate`` run sets
:data:`DECAY_MS`. A ``convert`` run keeps Arrow's default: there the shorter decay cost vendor
B's 1M run ≈ 0.4 CPU s more (page faults and purges; 8.48–9.18 → 8.95–9.37 s, alternated) and its
peak RSS is not near the line (178–203 MiB).
"""

from __future__ import annotations

import os
import sys

DECAY_MS = 250  # jemalloc's dirty-page decay (see the module docstring)


def use_lean_pool(decay_ms: int | None = None) -> str:
    """Make jemalloc pyarrow's default pool (see the module docstring); the pool's name now in use.
    ``decay_ms``: jemalloc's dirty-page decay too (None: Arrow's default)."""
    import pyarrow as pa

    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return pa.default_memory_pool().backend_name
    try:
        pool = pa.jemalloc_memory_pool()
    except (NotImplementedError, pa.ArrowNotImplementedError):
        return pa.default_memory_pool().backend_name
    if pa.default_memory_pool().backend_name != pool.backend_name:
        pa.set_memory_pool(pool)
    if decay_ms is not None:
        pa.jemalloc_set_decay_ms(decay_ms)
    return pool.backend_name


# glibc mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


def steady_heap(mmap_threshold: int = 64 << 20, trim_threshold: int = 128 << 20) -> bool:
    """glibc: serve the batch-sized numpy temporaries (1–10 MB each) from the heap and keep
    freed heap pages for the next batch, instead of a fresh ``mmap`` per array whose pages are
    faulted in (and zeroed) again every time. Whether it was set.

    The default threshold adapts only to sizes already freed and the heap is trimmed as soon as
    its top is free, so a worker's decode, adapt and validate passes kept paying page faults:
    vendor A 1M, 2 workers, worker CPU −4%, minor faults −30% at 50k, peak RSS unchanged (the
    pages are the next batch's). Left alone when the user set ``MALLOC_MMAP_THRESHOLD_`` or
    ``MALLOC_TRIM_THRESHOLD_``, and off glibc (no ``mallopt``: nothing happens)."""
    if not sys.platform.startswith("linux") or any(
        k in os.environ for k in ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")
    ):
        return False
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, mmap_threshold)) and bool(
        mallopt(_M_TRIM_THRESHOLD, trim_threshold)
    )
