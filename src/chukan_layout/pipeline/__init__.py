"""Orchestration: the only package that imports every stage.

- :mod:`.plan` — partitions of the inputs (byte ranges at record boundaries).
- :mod:`.worker` — one partition: read → adapt → 外字 → validate → part files.
- :mod:`.merge` — the parent folds part results in partition order into the outputs.
- :mod:`.report` — cross-record checks and the report of a run.
- :mod:`.conversion` — :func:`convert` (``chukan-layout convert``).
- :mod:`.standard` — :func:`validate` of standard files (``chukan-layout validate``).
"""

from __future__ import annotations

from .conversion import BatchStage, ConvertResult, FileAccounting, OutputFile, convert, validate

__all__ = ["BatchStage", "ConvertResult", "FileAccounting", "OutputFile", "convert", "validate"]
