"""Orchestration: the only package that imports every stage.

- :mod:`.options` — the one frozen options object of a run (:class:`ConvertOptions`,
  :class:`ValidateOptions`), built once by the CLI or the caller and passed whole.
- :mod:`.plan` — partitions of the inputs (byte ranges at record boundaries).
- :mod:`.executors` — where partitions are worked on (this process, a process pool, Dask:
  :mod:`._dask`), in order.
- :mod:`._worker` — one partition: read → adapt → 外字 → validate → part files; the state it
  runs with (:mod:`._worker_state`) and its batch sizes (:mod:`._batches`).
- :mod:`._merge` — the parent folds part results in partition order into the outputs
  (:mod:`._concat`: one output, header + parts, hashed, renamed into place at the end).
- :mod:`._report` — cross-record checks and the report of a run.
- :mod:`.conversion` — :func:`convert` (``chukan-layout convert``).
- :mod:`.standard` — :func:`validate` of standard files (``chukan-layout validate``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._result import ConvertResult, FileAccounting, OutputFile
    from .conversion import BatchStage, convert, validate
    from .options import ConvertOptions, Hooks, RunOptions, ValidateOptions

# Imported on first use: ``validate`` of standard files never needs the convert stages (the adapter
# engine, 外字, the convert worker: ≈ 0.4 s of imports before the first partition starts).
_LAZY = {
    "ConvertResult": "._result", "FileAccounting": "._result", "OutputFile": "._result",
    "BatchStage": ".conversion", "convert": ".conversion", "validate": ".conversion",
    "ConvertOptions": ".options", "Hooks": ".options", "RunOptions": ".options", "ValidateOptions": ".options",
}  # fmt: skip


def __getattr__(name: str) -> Any:
    mod = _LAZY.get(name)
    if mod is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(mod, __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "BatchStage",
    "ConvertOptions",
    "ConvertResult",
    "FileAccounting",
    "Hooks",
    "OutputFile",
    "RunOptions",
    "ValidateOptions",
    "convert",
    "validate",
]
