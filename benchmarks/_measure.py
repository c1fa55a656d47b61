"""Run one benchmark case in its own process and report wall time and peak RSS.

Each case is ``module:function`` called with JSON-able keyword arguments. The child
prints one JSON line ``{"seconds": …, "peak_rss_mib": …, "result": …}``; peak RSS is the
child's own ``ru_maxrss`` so cases never contaminate each other's figures.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

_CHILD = r"""
import importlib, json, resource, sys, time
sys.path.insert(0, {here!r})
mod, fn = {target!r}.split(":")
f = getattr(importlib.import_module(mod), fn)
kwargs = json.loads({kwargs!r})
t0 = time.perf_counter()
result = f(**kwargs)
secs = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("@@RESULT@@" + json.dumps({{"seconds": secs, "peak_rss_mib": rss, "result": result}}, default=str))
"""


def run_case(target: str, timeout: float = 3600, env: dict[str, str] | None = None, **kwargs: Any) -> dict[str, Any]:
    """Run ``target`` (``module:function`` under benchmarks/) in a fresh interpreter."""
    code = _CHILD.format(here=str(HERE), target=target, kwargs=json.dumps(kwargs))
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
    for line in proc.stdout.splitlines():
        if line.startswith("@@RESULT@@"):
            return json.loads(line[len("@@RESULT@@") :])
    raise RuntimeError(f"{target} failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")


def fmt_rate(n: int, secs: float) -> str:
    return f"{n / secs / 1000:,.0f}k/s" if secs > 0 else "-"
