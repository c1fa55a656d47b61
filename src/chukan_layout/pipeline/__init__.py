"""Orchestration: the only package that imports every stage.

- :mod:`.options` — the one frozen options object of a run (:class:`ConvertOptions`,
  :class:`ValidateOptions`), built once by the CLI or the caller and passed whole.
- :mod:`.plan` — partitions of the inputs (byte ranges at record boundaries).
- :mod:`.executors` — where partitions are worked on (this process, a process pool), in order.
- :mod:`._worker` — one partition: read → adapt → 外字 → validate → part files.
- :mod:`._merge` — the parent folds part results in partition order into the outputs.
- :mod:`._report` — cross-record checks and the report of a run.
- :mod:`.conversion` — :func:`convert` (``chukan-layout convert``).
- :mod:`.standard` — :func:`validate` of standard files (``chukan-layout validate``).
"""

from __future__ import annotations

from ._result import ConvertResult, FileAccounting, OutputFile
from .conversion import BatchStage, convert, validate
from .options import ConvertOptions, Hooks, RunOptions, ValidateOptions

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
