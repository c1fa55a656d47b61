"""pipeline._memory.steady_heap: glibc's thresholds set for a run, never over the user's own."""

from __future__ import annotations

import subprocess
import sys

import pytest

CODE = "from chukan_layout.pipeline._memory import steady_heap; print(steady_heap())"


def _run(env: dict[str, str]) -> str:
    return subprocess.run([sys.executable, "-c", CODE], env=env, capture_output=True, text=True,
                          check=True).stdout.strip()  # fmt: skip


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc mallopt")
def test_steady_heap_sets_glibc_thresholds_unless_the_user_did() -> None:
    import os

    base = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    libc = os.confstr("CS_GNU_LIBC_VERSION") if hasattr(os, "confstr") else None
    assert _run(base) == ("True" if libc else "False")
    assert _run({**base, "MALLOC_TRIM_THRESHOLD_": "1048576"}) == "False"
