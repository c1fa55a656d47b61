"""One partition of a ``validate`` run: a standard CSV file (or a byte range of it) checked batch by batch.

Runs wherever the executor puts it (this process, a pool worker, a Dask worker): item checks
and row rules by the process's :class:`~chukan_layout.validation.ValidationRun` (no indexes),
findings into the partition's own set, key / reference codes streamed to a code spool. The
parent folds the :class:`StdResult` of every partition in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..findings import FindingSet
from ..readers.api import Reject
from ..readers.blank_columns import BlankColumns, blank_names
from ..readers.standard_csv import StandardCsvReader, partition_batch_bytes
from ..validation.session import ValidationRun
from ._spool import CodeSpool
from .options import ValidateOptions
from .plan import RangeFile


@dataclass(frozen=True)
class StdPart:
    """``path[start:end]`` of a standard CSV file of layout ``layout_id``."""

    index: int
    path: str
    file: str
    layout_id: str
    start: int = 0
    end: int | None = None
    first_record: int = 1  # physical record number of the range's first record (the header row is 1)
    columns: tuple[str, ...] | None = None  # the file's header names, for a range after the header
    size: int = 0
    clean: bool = False  # the file's split scan proved the CSV byte guard cannot trip (csv_split.CsvScan)


@dataclass
class StdResult:
    """What one partition found (sent back to the parent)."""

    index: int
    file: str
    findings: FindingSet
    records_seen: int = 0
    yielded: int = 0
    read_rejected: dict[str, int] = field(default_factory=dict)
    control: int = 0
    bad_rows: int = 0
    codes_part: str | None = None


@dataclass(frozen=True)
class StdConfig:
    """What a process needs to build its state (picklable)."""

    options: ValidateOptions
    layout_ids: tuple[str, ...]
    spool_dir: str


class StdState:
    """Compiled layouts of the run (a ValidationRun without indexes), built once per process."""

    def __init__(self, cfg: StdConfig, loaded: list[Any] | None = None) -> None:
        self.cfg = cfg
        self.progress: Callable[[int], None] | None = None
        # a partition in one batch (partition_batch_bytes) in worker processes only: in the parent
        # (one worker) the run's code stores and report live beside the batch (+30 MiB peak there)
        self.one_batch = False
        if loaded is None:  # a fresh process: the extra layout folders, then the layouts
            from ..spec.registry import load_layout, register_layout_dir

            for d in cfg.options.layouts_dir:
                register_layout_dir(d)
            loaded = [load_layout(lid) for lid in cfg.layout_ids]
        self.run = ValidationRun(loaded, raw_values=cfg.options.raw_values, index=False)
        # per file, the header names the last range read here found blank: the next range's hint
        self.blank = BlankColumns()
        for lid in self.run.layouts:
            self.run.compiled(lid)

    def in_child(self) -> StdState:
        self.progress = None
        self.one_batch = True
        return self


class StdStateFactory:
    """Builds :class:`StdState` in a fresh process (picklable)."""

    def __init__(self, cfg: StdConfig) -> None:
        self.cfg = cfg

    def __call__(self) -> StdState:
        from ._memory import DECAY_MS, steady_heap, use_lean_pool

        use_lean_pool(DECAY_MS)  # a spawned or Dask worker: the pool that gives freed batches back
        steady_heap()
        return StdState(self.cfg).in_child()


def validate_part(st: StdState, part: StdPart) -> StdResult:
    """Check one partition; codes to ``spool_dir/v<index>.codes``."""
    opts = st.cfg.options
    fs = FindingSet(max_samples=opts.max_samples)
    fs.set_overrides(opts.severity_overrides)  # codes and rule:<id> (``off`` included)
    res = StdResult(part.index, part.file, fs)

    def on_reject(r: Reject) -> None:  # record: the data row
        fs.add(r.code, file=part.file, records=[r.record], details=[r.reason])
        res.read_rejected[r.code] = res.read_rejected.get(r.code, 0) + 1

    spool = CodeSpool(Path(st.cfg.spool_dir) / f"v{part.index:06d}.codes")
    fh = RangeFile(part.path, part.start, part.end)
    try:
        std = StandardCsvReader(fh, st.run.layouts[part.layout_id], encoding=opts.encoding,  # type: ignore[arg-type]
                                batch_size=opts.batch_size, on_reject=on_reject, source_id=part.file,
                                columns=part.columns, first_record=part.first_record,
                                proven_clean=part.clean, batch_bytes=partition_batch_bytes(part.size if st.one_batch else 0),
                                blank_hint=st.blank.hint(part.file))  # fmt: skip
        seen = 0
        blank: set[str] | None = None  # item ids without a value byte in any batch so far
        for b in std:
            got = set(blank_names(b, [n for n in b.schema.names if not n.startswith("_")]))
            blank = got if blank is None else blank & got
            mask = st.run.check(part.layout_id, b, file=part.file, findings=fs)
            spool.add(st.run.codes(part.layout_id, b))
            res.bad_rows += int(mask.sum())
            if st.progress is not None:
                st.progress(std.reader.stats.bytes_read - seen)
                seen = std.reader.stats.bytes_read
        s = std.reader.stats
        res.records_seen, res.yielded, res.control = s.records_seen, s.records_yielded, s.control_records
        st.blank.learn(part.file, [h for h, item in std.mapping.items() if item in (blank or ())])
    except BaseException:
        spool.abort()
        raise
    finally:
        fh.close()
    res.codes_part = spool.close()
    return res
