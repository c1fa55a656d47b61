"""What a convert run's workers share: the run's picklable :class:`RunConfig`, the
:class:`WorkerState` built from it once per process (adapter, stages, validation, 外字), and the
:class:`PartResult` each partition sends back to the parent (:mod:`._worker`); the run's 外字
tables (:func:`gaiji_tables`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from ..adapt.engine import AdaptEngine, LookupTable
from ..adapt.loader import Adapter, load_adapter
from ..errors import ChukanError
from ..findings import FindingSet
from ..validation.session import ValidationRun
from ._lookups import load_lookup_table
from ._place import Placement
from .options import ConvertOptions, Hooks

# raw CSV bytes per reader batch (the reader's default is 4 MiB): every later stage pays a fixed
# cost per item and batch (≈ 130 items), and 8 MiB batches cut vendor B's partition CPU ≈ 10%
# for ≈ +15 MiB per worker (16 MiB: no faster, +50 MiB)
CSV_BATCH_BYTES = 8 << 20
# ... but 4 MiB when the partitions run in the parent (1 worker), which also holds the code stores,
# the merge and the reports: 8 MiB put vendor B's 1-process run over the 300 MiB per process of
# issue 15 (1M: 296 vs 274 MiB with 4 MiB, alternated; bench_memory 305 / 313 MiB at 1M / 5M)
PARENT_CSV_BATCH_BYTES = 4 << 20


@dataclass(frozen=True)
class RunConfig:
    """Everything a worker needs to rebuild the run's stages (picklable).

    ``options`` are the run's options as the workers apply them (the 外字 tables resolved to
    paths, ``gaiji`` decided, ``on_error`` ``keep`` when nothing can reject).
    """

    options: ConvertOptions
    adapter_ref: str | None  # shipped name or YAML path (other processes load it themselves)
    parts_dir: str
    lookup_files: dict[str, list[str]] = field(default_factory=dict)

    def findings(self, max_samples: int | str | None = "cfg") -> FindingSet:
        n = self.options.max_samples if max_samples == "cfg" else max_samples
        fs = FindingSet(max_samples=n)  # type: ignore[arg-type]
        fs.set_overrides(self.options.severity_overrides)
        return fs


@dataclass
class PartResult:
    """What one partition produced (sent back to the parent)."""

    index: int
    file: str
    source: str
    records_seen: int = 0
    control: int = 0
    read_rejected: int = 0
    adapt_rejected: int = 0
    validate_rejected: int = 0
    routed: int = 0  # data records routed to ≥ 1 layout (written or rejected by validation)
    yielded: int = 0
    bytes_read: int = 0
    written: dict[str, int] = field(default_factory=dict)
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    parts: dict[str, str] = field(default_factory=dict)  # layout id → part file
    placed: dict[str, tuple[int, int]] = field(default_factory=dict)  # layout id → (offset, size)
    rejects_part: str | None = None
    rejects: int = 0
    gaiji_part: str | None = None
    gaiji_rows: int = 0
    findings: FindingSet = field(default_factory=FindingSet)
    gaiji: Any = None  # GaijiSummary
    codes_part: str | None = None  # key / reference codes, streamed batch by batch (_spool.CodeSpool)
    headers: list[dict[str, Any]] = field(default_factory=list)
    trailers: list[dict[str, Any]] = field(default_factory=list)
    sums: dict[str, Decimal] = field(default_factory=dict)
    rest_of_file: bool = False  # uneven lines: this partition read on to the end of its file
    void: bool = False  # an earlier range of the file read the rest of it: nothing done here

    @property
    def records_out(self) -> int:
        return self.routed - self.validate_rejected


class WorkerState:
    """The run's stages, built once per process, and the hooks the caller plugged in.

    Built by the parent (forked workers inherit it, stages compiled) or rebuilt from the
    picklable :class:`RunConfig` in a fresh process (spawned or a Dask worker). Tests and
    callers reach into a run only through ``hooks`` (stages, progress), never by patching
    this module.
    """

    def __init__(self, cfg: RunConfig, *, adapter: Adapter | None = None, hooks: Hooks | None = None,
                 lookups: dict[str, LookupTable] | None = None) -> None:  # fmt: skip
        self.cfg = cfg
        self.hooks = hooks if hooks is not None else Hooks()
        self.progress = self.hooks.progress
        opts = cfg.options
        # a fresh process (spawned pool or Dask worker) does partitions only; the parent's state
        # also runs them itself when the run has one worker (see csv_batch_bytes)
        self.csv_batch_bytes = CSV_BATCH_BYTES if adapter is None else PARENT_CSV_BATCH_BYTES
        if adapter is None:  # a fresh process: the extra layout folders first, then the adapter
            from ..spec.registry import register_layout_dir

            for d in opts.layouts_dir:
                register_layout_dir(d)
            assert cfg.adapter_ref is not None
            adapter = load_adapter(cfg.adapter_ref, self.hooks.layouts)
        self.adapter = adapter
        if lookups is None:
            lookups = {sid: load_lookup_table(adapter.sources[sid], paths, opts.encoding, opts.batch_size)
                       for sid, paths in cfg.lookup_files.items()}  # fmt: skip
        self.engine = AdaptEngine(adapter, lookups)
        self.layouts = {t.layout.id: t.layout for t in adapter.targets}
        self.order = {lid: i for i, lid in enumerate(self.layouts)}
        self.stages = list(self.hooks.stages)
        # set by the parent before its pool forks: rows go straight into the outputs (._place)
        self.placement: Placement | None = None
        # this process's half of the run's one ValidationRun: checks and codes, no indexes
        self.validation: ValidationRun | None = None
        if opts.validate:
            self.validation = ValidationRun(
                list(self.layouts.values()), raw_values=opts.raw_values, index=False
            )
            for lid in self.layouts:  # compiled here, once: forked workers inherit the compiled checks
                self.validation.compiled(lid)
        self.gaiji = build_gaiji(opts, adapter.name) if opts.runs_gaiji else None
        # pyarrow imports an installed pandas on its first array conversion (pa.array of a numpy
        # array, pa.scalar): ≈ 0.25 s CPU per process. Every process of a run gets there; done
        # here, before the pool forks, the workers inherit it instead of each paying it again.
        # (Drop this once convert, like validate, no longer converts through pa.array / pa.scalar.)
        # During a run (the command line's and the library's convert) pyarrow finds no pandas to
        # import (pipeline._probes): no cost there, unless the caller imported pandas already.
        pa.array(np.zeros(1, np.int8))

    def in_child(self) -> WorkerState:
        """This state in a worker process: the parent's progress callback stays in the parent."""
        self.progress = None
        self.csv_batch_bytes = CSV_BATCH_BYTES
        return self


def build_gaiji(opts: ConvertOptions, adapter_name: str) -> Any:
    """The 外字 stage of the run (tables loaded, MJ index when asked for and cached)."""
    from ..gaiji.convert_stage import GaijiConvertStage
    from ..gaiji.table import load_table

    idx = None
    if opts.mj_index:
        from ..gaiji.mj_index import MJIndex

        idx = MJIndex.load_cached(None)
    tables = [load_table(p, idx) for p in opts.gaiji_tables]
    return GaijiConvertStage(tables, source_system=opts.gaiji_source_system or adapter_name,
                             policies=opts.gaiji_policies, mj_index=idx)  # fmt: skip


def gaiji_tables(adapter_name: str, given: Sequence[str | Path]) -> list[Path]:
    """The shipped table named after the adapter (if any), then the given ones (paths or shipped names)."""
    from ..resources import gaiji_tables_dir

    out: list[Path] = []
    try:
        shipped = gaiji_tables_dir() / f"{adapter_name}.tsv"
        if shipped.is_file():
            out.append(shipped)
    except FileNotFoundError:
        pass
    for t in given:
        p = Path(t)
        if not p.exists():
            cand = gaiji_tables_dir() / f"{t}.tsv"
            if not cand.is_file():
                raise ChukanError(f"外字 table {t}: no such file (nor a shipped table {cand.name})")
            p = cand
        out.append(p)
    return out
