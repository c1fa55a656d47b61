"""Zero-copy numpy views of an Arrow ``string`` / ``binary`` array's buffers (one place for every stage)."""

from __future__ import annotations

from typing import Any, cast

import numpy as np
import pyarrow as pa


def string_buffers(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(offsets of length n+1 into ``data``, data uint8) of a string or binary array, zero-copy.

    The offsets are Arrow's own int32 (a read-only view, not rebased: ``offsets[0]`` may be > 0
    for a slice); an int64 copy per column per batch was a sixth of validate's check time."""
    n = len(arr)
    _validity, off_buf, data_buf = arr.buffers()
    assert off_buf is not None, "a string array has an offsets buffer"
    offsets = np.frombuffer(cast(Any, off_buf), dtype=np.int32, count=n + 1, offset=arr.offset * 4)
    data = (
        np.frombuffer(cast(Any, data_buf), dtype=np.uint8) if data_buf is not None else np.zeros(0, np.uint8)
    )
    return offsets, data
