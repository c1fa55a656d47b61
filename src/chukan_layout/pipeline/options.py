"""The options of a run: one frozen object, built once (by the CLI or the caller) and passed whole.

    opts = ConvertOptions(workers=2, gaiji_tables=("GAIJI_A.tsv",))
    cl.convert("vendor_a", ["JUMIN.DAT"], "out/", opts)          # or: cl.convert(..., workers=2)
    cl.validate(["住民.csv"], ValidateOptions(layout="juki.jumin"))

The CLI and the library share every default: the ``convert`` and ``validate`` commands build
these objects from their flags and nothing else (the one exception: ``validate`` on the
command line always writes its report, to ``./report`` unless ``-o`` says where; the library
writes it only when ``report_dir`` is given). Values are checked here, once, with one clear
:class:`~chukan_layout.errors.OptionsError` line.

What is not an option but a *hook* (a callable or a mutable sink: ``progress``, ``findings``,
``stages``, a ``layouts`` provider) is passed beside the options (:class:`Hooks`) and reaches
the workers through their state, never through a module global.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from ..errors import OptionsError
from ..report import Thresholds
from .plan import PARTITION_BYTES

if TYPE_CHECKING:
    from ..input_hashes import ForkedHashes

EXECUTORS = ("processes", "dask")
OUTPUT_ENCODINGS = ("utf-8", "cp932")


def _paths(v: Any) -> tuple[Path, ...]:
    if v is None:
        return ()
    if isinstance(v, str | Path):
        return (Path(v),)
    return tuple(Path(p) for p in v)


@dataclass(frozen=True, kw_only=True)
class RunOptions:
    """What every run (``convert``, ``validate``) takes; the defaults are the CLI's.

    - ``thresholds``: the verdict limits (``--max-errors``, ``--max-reject-rate``).
    - ``severity_overrides``: ``{finding code: error | warning | info}`` (``--severity``).
    - ``raw_values``: unmasked sample values in the report (personal data!).
    - ``max_samples``: samples kept per finding (code × file × item); ``None`` keeps all.
    - ``report_dir``: where report.json / report.html / findings.csv go.
    - ``layouts_dir``: extra folders of layouts (``*.yaml`` + ``codes/``), searched before the
      shipped ones for the duration of the run (``--layouts DIR``).
    - ``workers``: worker processes (``None``: one per core, at most one per partition; inputs
      under 1 MiB in all stay in this process).
    - ``executor``: ``processes`` (a local process pool) or ``dask`` (``scheduler``: the address
      of a running ``dask.distributed`` scheduler; none starts a ``LocalCluster``).
    - ``partition_bytes``: input bytes per partition (the plan never depends on ``workers``:
      outputs are byte-identical whatever the executor and the number of workers).
    """

    batch_size: int = 65536
    raw_values: bool = False
    max_samples: int | None = 20
    severity_overrides: Mapping[str, str] = field(default_factory=dict)
    thresholds: Thresholds = field(default_factory=Thresholds)
    report_dir: Path | None = None
    layouts_dir: tuple[Path, ...] = ()
    workers: int | None = None
    executor: str = "processes"
    scheduler: str | None = None
    partition_bytes: int = PARTITION_BYTES

    def __post_init__(self) -> None:
        from ..findings import check_override

        set_ = object.__setattr__  # frozen: normalise once, here
        set_(self, "layouts_dir", _paths(self.layouts_dir))
        set_(self, "report_dir", None if self.report_dir is None else Path(self.report_dir))
        overrides: dict[str, str] = {}
        for code, level in dict(self.severity_overrides).items():
            try:
                overrides[code] = check_override(code, str(level))
            except (KeyError, ValueError) as e:
                raise OptionsError(f"severity_overrides: {str(e).strip(chr(39) + chr(34))}") from None
        set_(self, "severity_overrides", overrides)
        if self.batch_size < 1:
            raise OptionsError(f"batch_size must be ≥ 1, got {self.batch_size}")
        if self.workers is not None and self.workers < 1:
            raise OptionsError(f"workers must be ≥ 1 (or None: one per core), got {self.workers}")
        if self.max_samples is not None and self.max_samples < 0:
            raise OptionsError(f"max_samples must be ≥ 0, got {self.max_samples}")
        if self.partition_bytes < 1:
            raise OptionsError(f"partition_bytes must be ≥ 1, got {self.partition_bytes}")
        if self.executor not in EXECUTORS:
            raise OptionsError(f"executor must be one of {', '.join(EXECUTORS)}, got {self.executor!r}")
        if self.scheduler is not None and self.executor != "dask":
            raise OptionsError("a scheduler address needs executor='dask'")
        for d in self.layouts_dir:
            if not d.is_dir():
                raise OptionsError(f"layouts_dir {d}: not a folder of layouts")

    @contextlib.contextmanager
    def extra_layouts(self) -> Iterator[None]:
        """``layouts_dir`` registered with the layout registry for the duration of a run."""
        from ..spec.registry import layout_dirs, register_layout_dir, unregister_layout_dir

        known = set(layout_dirs())
        added = [d for d in self.layouts_dir if d.resolve() not in known]
        for d in self.layouts_dir:
            register_layout_dir(d)
        try:
            yield
        finally:
            for d in added:
                unregister_layout_dir(d)

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes`` (checked like the original)."""
        return dataclasses.replace(self, **changes)

    @classmethod
    def of(cls, options: Self | None = None, **changes: Any) -> Self:
        """``options`` (default: all defaults) with keyword ``changes``: the one place a run's options are built."""
        unknown = sorted(set(changes) - {f.name for f in dataclasses.fields(cls)})
        if unknown:
            raise OptionsError(f"unknown {cls.__name__} option(s): {', '.join(unknown)}")
        if options is None:
            return cls(**changes)
        if not isinstance(options, cls):
            raise OptionsError(f"expected {cls.__name__}, got {type(options).__name__}")
        return options.replace(**changes) if changes else options


@dataclass(frozen=True, kw_only=True)
class ConvertOptions(RunOptions):
    """The options of ``convert`` (vendor files → standard CSV files, validated, with a report).

    - ``encoding``: override the adapter's input encoding; ``output_encoding``: utf-8 | cp932.
    - ``limit``: read only the first N records of each file (a quick trial).
    - ``policy``: ``reject`` unreadable records, or ``strict`` (stop at the first one).
    - ``validate``: check every record, cross-record checks, trailers, report (default: yes).
    - ``on_error``: records with error findings go to ``reject``\\ s.csv or are kept (``keep``).
    - ``gaiji``: run the 外字 stage (``None``: when validating or given tables); its tables are
      the shipped ``gaiji/<adapter>.tsv`` (if any), then ``gaiji_tables`` (paths or shipped names);
      ``gaiji_policies`` ``{ITEM or LAYOUT:ITEM: map | degrade[:X] | replace | error}``;
      ``gaiji_source_system`` (default: the adapter's name); ``mj_index``: use the cached MJ index.
    - ``write_summary``: write summary.json. ``report_dir`` defaults to the output folder.
    - ``redact_rejects``: rejects.csv without raw bytes or values (for sharing; issue 14).
    """

    encoding: str | None = None
    output_encoding: str = "utf-8"
    limit: int | None = None
    policy: str = "reject"
    validate: bool = True
    on_error: str = "reject"
    gaiji: bool | None = None
    gaiji_tables: tuple[str, ...] = ()
    gaiji_policies: Mapping[str, str] = field(default_factory=dict)
    gaiji_source_system: str | None = None
    mj_index: bool = True
    write_summary: bool = True
    redact_rejects: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        set_ = object.__setattr__
        set_(self, "gaiji_tables", tuple(str(t) for t in self.gaiji_tables))
        set_(self, "gaiji_policies", {str(k): str(v) for k, v in dict(self.gaiji_policies).items()})
        if self.on_error not in ("reject", "keep"):
            raise OptionsError(f"on_error must be reject or keep, got {self.on_error!r}")
        if self.policy not in ("reject", "strict"):
            raise OptionsError(f"policy must be reject or strict, got {self.policy!r}")
        if self.output_encoding not in OUTPUT_ENCODINGS:
            raise OptionsError(f"output_encoding must be utf-8 or cp932, got {self.output_encoding!r}")
        if self.limit is not None and self.limit < 1:
            raise OptionsError(f"limit must be ≥ 1, got {self.limit}")

    @property
    def runs_gaiji(self) -> bool:
        """Whether the 外字 stage runs (``gaiji``, else when validating or given tables)."""
        return self.gaiji if self.gaiji is not None else (self.validate or bool(self.gaiji_tables))


@dataclass(frozen=True, kw_only=True)
class ValidateOptions(RunOptions):
    """The options of ``validate`` (standard-layout CSV files someone else produced).

    The layout of each file is ``layouts[file name]``, else ``layout``, else (``layouts_auto``
    or neither given) recognised from its header row or file name. ``encoding``: utf-8 | cp932.
    The report is written only when ``report_dir`` is given.
    """

    encoding: str = "utf-8"
    layout: str | None = None
    layouts: Mapping[str, str] = field(default_factory=dict)
    layouts_auto: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "layouts", dict(self.layouts))
        if self.encoding not in OUTPUT_ENCODINGS:
            raise OptionsError(f"encoding must be utf-8 or cp932, got {self.encoding!r}")


Progress = Callable[[int], None]  # called with the number of bytes read since the last call


@dataclass(frozen=True)
class Hooks:
    """What a caller plugs into a run that is not a plain value (kept out of the options).

    - ``progress(n)``: ``n`` more input bytes are done.
    - ``stages``: :class:`~.conversion.BatchStage` callables run on each layout batch before
      validation (they keep the run in this process: they cannot be sent to other processes).
    - ``layouts``: a layout provider (``layout id → Layout``) for adapters (same: in process).
    - ``hashes``: the inputs' SHA-256 already under way (:class:`~chukan_layout.input_hashes.ForkedHashes`,
      started by the command before its imports); the run hashes only the files it leaves out.
    """

    progress: Progress | None = None
    stages: Sequence[Any] = ()
    layouts: Callable[[str], Any] | None = None
    hashes: ForkedHashes | None = None

    @property
    def local(self) -> bool:
        """Whether the run must stay in this process (hooks that cannot be pickled)."""
        return bool(self.stages) or self.layouts is not None
