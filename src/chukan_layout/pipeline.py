"""The convert orchestration: read → adapt → (later stages) → write, with accounting.

:func:`convert` is the library form of ``chukan-layout convert``.  The flow, per input file::

    read(file, definition)          raw batches (+ read rejects with their raw bytes)
      → AdaptEngine.adapt            standard-layout batches per target (+ unrouted rows)
      → stages (seam)                each ``BatchStage`` may rewrite a layout batch (外字, validation …)
      → StandardCsvWriter            one CSV per layout, atomic (temp + rename)

Nothing is lost: per file, records seen == records routed to a target + rejected (read or
adapt) + control records (header / trailer / end), or :class:`AccountingError`.  On any
exception (or Ctrl-C) every output is aborted: no half-written file appears under its name.
The result (:class:`ConvertResult`) carries the per-file accounting, the outputs (path,
rows, sha256), the findings and the rejects file; ``summary.json`` holds the same.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pyarrow as pa

from .adapt import codes as adapt_codes
from .adapt.engine import RESERVED, AdaptEngine, LookupTable
from .adapt.loader import Adapter, LayoutProvider, SourceSpec, load_adapter
from .errors import AccountingError
from .findings import FindingSet
from .read.api import Reader, Reject, read
from .spec.model import Layout
from .write.atomic import atomic_output
from .write.rejects import RejectsWriter
from .write.standard_csv import StandardCsvWriter

SUMMARY_NAME = "summary.json"
REJECTS_NAME = "rejects.csv"


class BatchStage(Protocol):
    """A stage between adapt and write (the seam for 外字 mapping and validation).

    Called once per standard-layout batch; returns the (possibly rewritten) batch, same rows.
    """

    def __call__(self, layout: Layout, batch: pa.RecordBatch, findings: FindingSet) -> pa.RecordBatch: ...


@dataclass
class FileAccounting:
    """What became of every record of one input file."""

    file: str
    path: str
    source: str  # adapter source id
    role: str  # data | lookup
    records_in: int = 0  # records seen in the file (data + control + unreadable)
    control: int = 0  # header / trailer / end records
    read_rejected: int = 0
    adapt_rejected: int = 0  # data records that reached no target
    records_out: int = 0  # data records routed to ≥ 1 layout (lookup rows: loaded)
    written: dict[str, int] = field(default_factory=dict)  # layout id → rows written from this file

    @property
    def rejected(self) -> int:
        return self.read_rejected + self.adapt_rejected

    @property
    def balanced(self) -> bool:
        return self.records_in == self.records_out + self.rejected + self.control

    def check(self) -> None:
        if not self.balanced:
            raise AccountingError(
                f"{self.file}: records in {self.records_in} != out {self.records_out} + rejected "
                f"{self.rejected} + control {self.control}"
            )


@dataclass
class OutputFile:
    layout: str
    path: str
    records: int
    sha256: str


@dataclass
class ConvertResult:
    """Everything a convert run produced: accounting, outputs, findings, rejects."""

    adapter: str
    out_dir: str
    files: list[FileAccounting]
    outputs: dict[str, OutputFile]
    findings: FindingSet
    rejects_path: str | None
    rejects: int
    summary_path: str | None = None

    @property
    def records_in(self) -> int:
        return sum(f.records_in for f in self.files)

    @property
    def records_out(self) -> int:
        return sum(f.records_out for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        return {
            "adapter": self.adapter,
            "files": [{**asdict(f), "rejected": f.rejected, "balanced": f.balanced} for f in self.files],
            "outputs": {k: asdict(v) for k, v in self.outputs.items()},
            "rejects": {"path": self.rejects_path, "records": self.rejects},
            "totals": {
                "records_in": self.records_in,
                "records_out": self.records_out,
                "rejected": sum(f.rejected for f in self.files),
                "control": sum(f.control for f in self.files),
                "written": sum(o.records for o in self.outputs.values()),
            },
            "findings": [
                {k: v for k, v in r.items() if k != "samples"} for r in self.findings.rows()
            ],
        }


Progress = Callable[[int], None]  # called with the number of bytes read since the last call


def convert(
    adapter: str | Path | Adapter,
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    *,
    encoding: str | None = None,
    output_encoding: str = "utf-8",
    limit: int | None = None,
    batch_size: int = 65536,
    policy: str = "reject",
    layouts: LayoutProvider | None = None,
    stages: Sequence[BatchStage] = (),
    findings: FindingSet | None = None,
    progress: Progress | None = None,
    write_summary: bool = True,
) -> ConvertResult:
    """Convert vendor export files into standard-layout CSV files under ``out_dir``.

    ``adapter`` is a shipped/plugin adapter name, a path, or a loaded :class:`Adapter`;
    ``encoding`` overrides the adapter's input encoding; ``limit`` reads at most that many
    records per file (a quick trial); ``stages`` run on each layout batch before writing.
    """
    ad = adapter if isinstance(adapter, Adapter) else load_adapter(adapter, layouts)
    out = Path(out_dir)
    fs = findings if findings is not None else FindingSet()
    assigned = ad.assign(list(inputs))
    accounts: list[FileAccounting] = []
    with ExitStack() as stack:
        rejects = stack.enter_context(RejectsWriter(out / REJECTS_NAME))
        lookups: dict[str, LookupTable] = {}
        for src in ad.sources.values():
            if src.role == "lookup":
                lookups[src.id], accs = _load_lookup(src, assigned[src.id], rejects, fs, encoding, batch_size, policy)
                accounts += accs
        engine = AdaptEngine(ad, lookups)
        writers: dict[str, StandardCsvWriter] = {}
        for t in ad.targets:
            if t.layout.id not in writers:
                writers[t.layout.id] = stack.enter_context(
                    StandardCsvWriter(out / t.output_name, t.layout, encoding=output_encoding)
                )
        layouts_by_id = {t.layout.id: t.layout for t in ad.targets}
        for src in ad.data_sources():
            for path in assigned[src.id]:
                acc = FileAccounting(Path(path).name, str(path), src.id, "data")
                reader = _open_reader(path, src, rejects, fs, acc, encoding, batch_size, policy, limit)
                seen = 0
                engine.header_values = {}
                for batch in reader:
                    if reader.headers:
                        engine.header_values = {k: str(v) for k, v in reader.headers[0].items() if k not in RESERVED}
                    rt = (batch.schema.metadata or {}).get(b"record_type")
                    res = engine.adapt(src.id, batch, fs, record_type=rt.decode() if rt else None, file=acc.file)
                    assert res.routed is not None
                    acc.records_out += int(res.routed.sum())
                    if res.unrouted.size:
                        _reject_unrouted(batch, res.unrouted, acc, rejects, fs)
                    for lid, ob in res.outputs.items():
                        for stage in stages:
                            ob = stage(layouts_by_id[lid], ob, fs)
                        writers[lid].write(ob)
                        acc.written[lid] = acc.written.get(lid, 0) + ob.num_rows
                    if progress is not None:
                        progress(reader.stats.bytes_read - seen)
                        seen = reader.stats.bytes_read
                _close_account(reader, acc)
                accounts.append(acc)
        result_outputs = writers
        n_rejects = rejects.count
    outputs = {
        lid: OutputFile(lid, str(w.path), w.records, w.sha256) for lid, w in result_outputs.items()
    }
    result = ConvertResult(ad.name, str(out), accounts, outputs, fs,
                           str(out / REJECTS_NAME) if n_rejects else None, n_rejects)  # fmt: skip
    if write_summary:
        result.summary_path = str(out / SUMMARY_NAME)
        with atomic_output(out / SUMMARY_NAME) as f:
            f.write((json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return result


def _open_reader(
    path: str | Path, src: SourceSpec, rejects: RejectsWriter, fs: FindingSet, acc: FileAccounting,
    encoding: str | None, batch_size: int, policy: str, limit: int | None,
) -> Reader:  # fmt: skip
    def on_reject(r: Reject) -> None:
        rejects.add(source=r.source, record=r.record, offset=r.offset, stage="read", code=r.code,
                    reason=r.reason, raw=r.raw)  # fmt: skip
        fs.add(r.code, file=r.source, records=[r.record])
        acc.read_rejected += 1

    return read(path, src.definition, encoding=encoding, batch_size=batch_size, policy=policy,  # type: ignore[arg-type]
                source_id=acc.file, limit=limit, on_reject=on_reject)  # fmt: skip


def _close_account(reader: Reader, acc: FileAccounting) -> None:
    st = reader.stats
    acc.records_in = st.records_seen
    acc.control = st.control_records
    if st.records_rejected != acc.read_rejected:
        raise AccountingError(f"{acc.file}: reader rejected {st.records_rejected}, rejects file got {acc.read_rejected}")
    if st.records_yielded != acc.records_out + acc.adapt_rejected:
        raise AccountingError(
            f"{acc.file}: records read {st.records_yielded} != routed {acc.records_out} + unrouted {acc.adapt_rejected}"
        )
    acc.check()


def _reject_unrouted(
    batch: pa.RecordBatch, rows: np.ndarray, acc: FileAccounting, rejects: RejectsWriter, fs: FindingSet
) -> None:
    sub = batch.take(pa.array(rows))
    names = [n for n in sub.schema.names if n not in RESERVED]
    recs = sub.column("_record").to_pylist()
    cols = {n: sub.column(n).to_pylist() for n in names}
    for i, rec in enumerate(recs):  # only the (few) unrouted rows
        rejects.add(source=acc.file, record=rec, stage="adapt", code=adapt_codes.UNROUTED.code,
                    reason="record matched no target of the adapter", values={n: cols[n][i] for n in names})  # fmt: skip
    fs.add(adapt_codes.UNROUTED.code, file=acc.file, records=np.asarray(recs, dtype=np.int64))
    acc.adapt_rejected += len(recs)


def _load_lookup(
    src: SourceSpec, paths: list[Path], rejects: RejectsWriter, fs: FindingSet, encoding: str | None,
    batch_size: int, policy: str,
) -> tuple[LookupTable, list[FileAccounting]]:  # fmt: skip
    batches: list[pa.RecordBatch] = []
    accs = []
    for path in paths:
        acc = FileAccounting(Path(path).name, str(path), src.id, "lookup")
        reader = _open_reader(path, src, rejects, fs, acc, encoding, batch_size, policy, None)
        for b in reader:
            rt = (b.schema.metadata or {}).get(b"record_type")
            if src.record_type is None or rt is None or rt.decode() == src.record_type:
                batches.append(b)
                acc.records_out += b.num_rows
            else:
                _reject_unrouted(b, np.arange(b.num_rows), acc, rejects, fs)
        _close_account(reader, acc)
        accs.append(acc)
    return LookupTable.from_batches(src, batches), accs


__all__ = ["BatchStage", "ConvertResult", "FileAccounting", "OutputFile", "convert"]
