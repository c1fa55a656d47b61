"""chukan-layout: migrate Japanese municipal data into the 中間標準レイアウト仕様.

The library API is these seven functions, imported lazily so ``import chukan_layout`` stays
cheap (the CLI, ``chukan-layout``, is built on the same calls)::

    import chukan_layout as cl

    cl.list_layouts()                       # every registered layout, loaded (LoadedLayout), by id
    jumin = cl.load_layout("juki.jumin")    # one layout: .spec (Layout), .codes, .model
    jumin.model.model_validate({...})       # check one record with the generated Pydantic model

    reader = cl.read("JUMIN.DAT", definition)   # definition: a read.definition model
    for batch in reader: ...                # pyarrow.RecordBatch of strings + _record, _source
    reader.rejects, reader.trailers, reader.stats   # nothing lost: every record is accounted for

    result = cl.convert("vendor_a", ["JUMIN.DAT"], "out/")   # → pipeline.ConvertResult (validated)
    result.exit_code, result.report         # 0 pass / 1 FAIL; the sign-off report.Report

    report = cl.validate(["out/juki_jumin.csv"], layout="juki.jumin")   # → report.Report

    from chukan_layout.pipeline import ConvertOptions                  # the options as one object
    cl.convert("vendor_a", ["JUMIN.DAT"], "out/", ConvertOptions(workers=2, validate=False))

    res = cl.reconcile("old/", "new/", "out/reconcile")   # → reconciliation.ReconcileResult
    res.exit_code, res.report.totals, res.to_pandas()      # 0 match / 1 not; 照合表; differences

- :func:`load_layout(layout_id) <chukan_layout.spec.registry.load_layout>` and
  :func:`list_layouts() <chukan_layout.spec.registry.list_layouts>`: the layout registry.
- :func:`read(source, definition, *, encoding=None, batch_size=65536, policy="reject", ...)
  <chukan_layout.readers.api.read>`: a legacy export as a stream of Arrow batches (a ``Reader``).
- :func:`convert(adapter, inputs, out_dir, options=None, **changes) <chukan_layout.pipeline.convert>`:
  vendor files → standard CSV files, rejects, 外字 list and report (the ``convert`` command);
  ``options`` a :class:`~chukan_layout.pipeline.options.ConvertOptions` (defaults: the CLI's).
- :func:`validate(inputs, options=None, **changes) <chukan_layout.pipeline.validate>`: check
  standard CSV files someone else produced; ``options`` a
  :class:`~chukan_layout.pipeline.options.ValidateOptions` (the ``validate`` command).
- :func:`reconcile(old, new, out_dir=None, **options) <chukan_layout.reconciliation.reconcile>`:
  OLD vs NEW (突合): keyed differences, 照合表, ``reconcile.json`` / ``.html`` /
  ``differences.csv`` (the ``reconcile`` command).
- :func:`export(profile, inputs, out_dir, **options) <chukan_layout.exporter.export>`: standard
  files → a vendor's import format (the ``export`` command), the way back of ``convert``.

Functions are verbs and packages are nouns, so a function never shares its name with a
subpackage: the readers live in :mod:`chukan_layout.readers`, the validator in
:mod:`chukan_layout.validation`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what the lazy attributes are, for type checkers and editors
    from .exporter import export
    from .pipeline import convert
    from .readers.api import read
    from .reconciliation import reconcile
    from .spec.registry import list_layouts, load_layout

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "convert",
    "export",
    "list_layouts",
    "load_layout",
    "read",
    "reconcile",
    "validate",
]

_LAZY = {
    "load_layout": ("chukan_layout.spec.registry", "load_layout"),
    "list_layouts": ("chukan_layout.spec.registry", "list_layouts"),
    "read": ("chukan_layout.readers.api", "read"),
    "convert": ("chukan_layout.pipeline", "convert"),
    "validate": ("chukan_layout.pipeline", "validate"),
    "reconcile": ("chukan_layout.reconciliation", "reconcile"),
    "export": ("chukan_layout.exporter", "export"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'chukan_layout' has no attribute {name!r}")
