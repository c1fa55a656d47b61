"""The 外字 stage in ``pipeline.convert``'s ``BatchStage`` seam, plus the ``gaiji.csv`` sidecar.

``pipeline.convert`` calls each stage as ``stage(layout, batch, findings) -> batch``.
:class:`GaijiConvertStage` keeps one :class:`~.stage.GaijiStage` per layout, takes the file id
from the batch's ``_source`` column and appends every sidecar row to ``gaiji.csv``::

    with GaijiConvertStage(tables, source_system="vendor_a", sidecar=out / "gaiji.csv") as g:
        convert("vendor_a", inputs, out, stages=[g])
    g.summary()            # counts for the report

``gaiji.csv`` (UTF-8, CRLF, header ``file,record,item,position,source_code,result,status``) is
written atomically when the block ends without an exception; it always exists after a
successful run (header only when there was no 外字), so "no 外字" is visible, not assumed.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

from ..files import temp_path_for
from ..findings import FindingSet
from ..spec.model import Layout
from .mj_index import MJIndex
from .policy import Action, Policy
from .stage import SIDECAR_SCHEMA, GaijiStage, VendorCodes
from .summary import GaijiSummary
from .table import MappingTable

SIDECAR_NAME = "gaiji.csv"


class SidecarWriter:
    """Append sidecar tables to one CSV, atomically (temp file + rename on close)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.rows = 0
        self._tmp = temp_path_for(self.path)
        self._writer: pacsv.CSVWriter | None = None

    def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        opts = pacsv.WriteOptions(include_header=True, quoting_style="needed", eol="\r\n")  # type: ignore[call-arg]
        self._writer = pacsv.CSVWriter(str(self._tmp), SIDECAR_SCHEMA, write_options=opts)

    def write(self, table: pa.Table) -> None:
        if self._writer is None:
            self.open()
        if table.num_rows:
            assert self._writer is not None
            self._writer.write_table(table)
            self.rows += table.num_rows

    def close(self) -> None:
        if self._writer is None:
            self.open()
        assert self._writer is not None
        self._writer.close()
        self._tmp.replace(self.path)

    def abort(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._tmp.unlink(missing_ok=True)


class GaijiConvertStage:
    """A ``BatchStage`` running the 外字 stage on every layout batch of a convert run.

    ``policies`` maps ``item_id`` (applies in every layout that has the item) or
    ``"layout_id:item_id"`` to a policy. ``sidecar`` is the ``gaiji.csv`` path (``None``: keep
    the sidecar rows in memory, :attr:`sidecars`).
    """

    def __init__(
        self,
        tables: list[MappingTable],
        *,
        source_system: str,
        policies: Mapping[str, Policy | str] | None = None,
        default_policy: Policy | str = Action.MAP,
        mj_index: MJIndex | None = None,
        vendor_codes: VendorCodes | None = None,
        sidecar: str | Path | None = None,
    ) -> None:
        self.tables = tables
        self.source_system = source_system
        self.policies = dict(policies or {})
        self.default_policy = default_policy
        self.mj_index = mj_index
        self.vendor_codes = vendor_codes
        self.stages: dict[str, GaijiStage] = {}
        self.sidecars: list[pa.Table] = []
        self.writer = SidecarWriter(sidecar) if sidecar is not None else None

    def __enter__(self) -> GaijiConvertStage:
        if self.writer is not None:
            self.writer.open()
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if self.writer is not None:
            if exc_type is None:
                self.writer.close()
            else:
                self.writer.abort()

    def stage_for(self, layout: Layout) -> GaijiStage:
        st = self.stages.get(layout.id)
        if st is None:
            ids = set(layout.item_ids)
            pol: dict[str, Policy | str] = {
                k: v for k, v in self.policies.items() if ":" not in k and k in ids
            }
            pol.update(
                {k.split(":", 1)[1]: v for k, v in self.policies.items() if k.startswith(layout.id + ":")}
            )
            st = GaijiStage(layout, self.tables, source_system=self.source_system, policies=pol,
                            default_policy=self.default_policy, mj_index=self.mj_index,
                            vendor_codes=self.vendor_codes)  # fmt: skip
            self.stages[layout.id] = st
        return st

    def __call__(self, layout: Any, batch: pa.RecordBatch, findings: FindingSet) -> pa.RecordBatch:
        spec = layout if isinstance(layout, Layout) else layout.spec
        file = ""
        if "_source" in batch.schema.names and batch.num_rows:
            file = str(batch.column("_source")[0].as_py())
        out, side = self.stage_for(spec).apply(batch, findings, file=file)
        if self.writer is not None:
            self.writer.write(side)
        elif side.num_rows:
            self.sidecars.append(side)
        return out

    @property
    def counters(self) -> GaijiSummary:
        total = GaijiSummary()
        for st in self.stages.values():
            total.merge(st.counters)
        return total

    def summary(self) -> dict[str, Any]:
        """Counts over every layout (see :mod:`.summary`)."""
        return self.counters.as_dict()
