"""One partition of a convert run: read → adapt → 外字 → stages → validate → part files.

:func:`run_partition` is what every worker process (or the parent, with one worker) runs
for one :class:`~.plan.Partition`. Its standard CSV rows go straight into the run's outputs
where the partition before ends, once the parent has published that offset (:mod:`._place`: the
process executor's forked workers and a one-worker run), else to a part file; it writes its own
*part files* for the rest (rejects rows, ``gaiji.csv`` rows, and the 128-bit key /
reference codes of every layout row, appended batch by batch to a code spool for the
cross-record checks the parent runs once over the whole run) and returns a small picklable
:class:`PartResult`: accounting, findings, 外字 counters, trailer records and sums, part paths.

Rows inside a part are canonical: rejects and 外字 sidecar rows are sorted by record
number, so the same records give the same bytes whatever the batch or partition
boundaries (docs/design.md §4.9).

A range of an LF/CRLF file split on trust (``Partition.lines``) that holds a line of another
length is read on to the end of its file instead (``PartResult.rest_of_file``): the parent
then voids the later ranges of that file, which skip their work once they see the marker.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..adapt.engine import RESERVED
from ..errors import AccountingError, ReadError, UnevenLinesError
from ..findings import FindingSet, Severity
from ..readers.api import Reject, read
from ..readers.definition import FixedWidthDefinition, Framing
from ..validation.context import BatchContext
from ..validation.trailers import exact_sum
from ..write.standard_csv import StandardCsvWriter
from ._batches import batch_rows, coalesce, stage_rows
from ._evidence import keep_evidence
from ._place import PlacedCsvWriter, PlacedFile
from ._rejects import RejectSink, reject_invalid, reject_unrouted
from ._sidecar import SidecarPart
from ._spool import CodeSpool
from ._worker_state import PartResult, WorkerState
from .plan import Partition, RangeFile


def _shift(batch: pa.RecordBatch, shift: int) -> pa.RecordBatch:
    i = batch.schema.get_field_index("_record")
    col = pc.add(batch.column(i), pa.scalar(shift, pa.int64()))
    return batch.set_column(i, "_record", col)


def _control_fields(d: Any) -> list[str]:
    """Data fields a trailer of the definition sums (``ControlTotals.totals`` values)."""
    if not isinstance(d, FixedWidthDefinition):
        return []
    return sorted({f for rt in d.record_types if rt.control for f in rt.control.totals.values()})


def _error_records(bfs: FindingSet) -> dict[int, set[str]]:
    """record → error codes, from a per-batch FindingSet that keeps every sample."""
    out: dict[int, set[str]] = {}
    for key, smp in bfs.samples.items():
        code = key[0]
        if bfs.severity(code, key) is Severity.ERROR:
            for s in smp:
                if s.record > 0:
                    out.setdefault(s.record, set()).add(code)
    return out


def _validation_reasons(batch: pa.RecordBatch, rows: np.ndarray, errors: list[tuple[Any, np.ndarray]]
                        ) -> dict[int, set[str]]:  # fmt: skip
    """record → error codes (``code(item)``) of the rejected ``rows``, from the checks' own masks."""
    recs = BatchContext(batch).records()
    out: dict[int, set[str]] = {int(r): set() for r in recs[rows].tolist()}
    for c, mask in errors:
        why = f"{c.code}({c.item})"
        for r in recs[mask].tolist():
            out[int(r)].add(why)
    return out


def run_partition(st: WorkerState, part: Partition) -> PartResult:
    """Convert (and validate) one partition; see the module docstring."""
    if not part.lines:
        return _convert_range(st, part)
    marker = Path(st.cfg.parts_dir) / f"rest-{_file_key(part.path)}-{part.index:06d}"
    if any(q.name < marker.name for q in marker.parent.glob(f"rest-{_file_key(part.path)}-*")):
        return PartResult(part.index, part.file, part.source, void=True)
    try:
        return _convert_range(st, part)
    except UnevenLinesError:
        marker.touch()  # the later ranges of this file: void
        for q in Path(st.cfg.parts_dir).glob(f"p{part.index:06d}.*"):  # what the attempt wrote
            q.unlink()
        res = _convert_range(st, part.rest())
        res.rest_of_file = True
        return res


def _file_key(path: str) -> str:
    return hashlib.sha256(path.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def _in_file(e: ReadError, part: Partition) -> ReadError:
    """A reader's error of a range as one of the whole file: record number and byte offset in the file."""
    if (part.first_record == 1 and not part.start) or isinstance(e, UnevenLinesError):
        return e
    record = None if e.record is None else e.record + part.first_record - 1
    offset = None if e.offset is None else e.offset + part.start
    return type(e)(e.reason, e.file, record, offset, e.excerpt)


def _convert_range(st: WorkerState, part: Partition) -> PartResult:
    cfg = st.cfg
    opts = cfg.options
    progress = st.progress
    src = st.adapter.sources[part.source]
    fs = cfg.findings()
    res = PartResult(part.index, part.file, part.source, findings=fs)
    sink = RejectSink(Path(cfg.parts_dir) / f"p{part.index:06d}.rejects.csv")
    shift = part.first_record - 1

    def on_reject(r: Reject) -> None:
        rec = r.record + shift
        reason = r.reason
        if r.sha256 and r.size is not None:  # a skipped stretch: all its bytes beside rejects.csv
            reason += f"; raw_hex shows the first {len(r.raw)} bytes"
            if not opts.redact_rejects:
                kept = keep_evidence(
                    part.path, r.offset + part.start, r.size, r.sha256, Path(cfg.parts_dir).parent
                )
                reason += f", all {r.size} are in {kept}"
        sink.add(source=r.source, record=rec, offset=r.offset + part.start, stage="read", code=r.code,
                 reason=reason, raw=r.raw)  # fmt: skip
        fs.add(r.code, file=r.source, records=[rec], details=[reason] if r.sha256 else None)
        res.read_rejected += 1
        res.rejected_by_reason[r.code] = res.rejected_by_reason.get(r.code, 0) + 1

    sum_fields = _control_fields(src.definition) if opts.validate else []
    codes = CodeSpool(Path(cfg.parts_dir) / f"p{part.index:06d}.codes")
    sides = SidecarPart(Path(cfg.parts_dir) / f"p{part.index:06d}.gaiji.csv")
    writers: dict[str, StandardCsvWriter] = {}
    crlf = getattr(src.definition, "framing", None) is Framing.CRLF
    fh = RangeFile(part.path, part.start, part.end, (part.lines, crlf) if part.lines else None)
    definition = src.definition
    if part.columns is not None:  # a CSV range after the header row: the names come with the partition
        definition = definition.model_copy(update={"header": False, "columns": list(part.columns)})
    try:
        reader = read(
            fh,  # type: ignore[arg-type]
            definition,
            encoding=opts.encoding,
            batch_size=batch_rows(opts.batch_size, src.definition),
            policy=opts.policy,  # type: ignore[arg-type]
            source_id=part.file,
            limit=opts.limit,
            on_reject=on_reject,
            trim_padding=src.trim,  # the engine trims these values anyway: skip decoding the padding
            csv_guard=not part.clean,  # the split scan proved the byte guard cannot trip on this range
            batch_bytes=st.csv_batch_bytes,  # fixed width: unused (batch_rows)
        )  # type: ignore[arg-type]
        st.engine.header_values = dict(part.header_values)
        if st.gaiji is not None:
            from ..gaiji.summary import GaijiSummary

            for g in st.gaiji.stages.values():
                g._summary = GaijiSummary()  # per-partition counters (the stage objects live on)
        seen = 0
        for batch, header_read in coalesce(reader, stage_rows(opts.batch_size, src.definition)):
            if header_read:
                st.engine.header_values = {
                    k: str(v) for k, v in reader.headers[0].items() if k not in RESERVED
                }
            if shift:
                batch = _shift(batch, shift)
            for f in sum_fields:
                if f in batch.schema.names:
                    s, _ = exact_sum(batch.column(f))
                    res.sums[f] = res.sums.get(f, Decimal(0)) + s
            _one_batch(st, part, batch, fs, res, sink, codes, sides, writers)
            if batch.num_rows:  # this batch's rejects to the part file (later records may still come)
                sink.flush_upto(int(pc.max(batch.column("_record")).as_py()))
            if progress is not None:
                progress(reader.stats.bytes_read - seen)
                seen = reader.stats.bytes_read
        stats = reader.stats
        res.records_seen, res.control, res.yielded = (
            stats.records_seen,
            stats.control_records,
            stats.records_yielded,
        )
        res.bytes_read = stats.bytes_read
        res.headers = [dict(h, _record=h["_record"] + shift) for h in reader.headers]
        res.trailers = [dict(t, _record=t["_record"] + shift) for t in reader.trailers]
        _check(res, stats)
        for w in writers.values():
            w.close()
    except BaseException as e:
        for w in writers.values():
            w.abort()
        codes.abort()
        if isinstance(e, ReadError) and _in_file(e, part) is not e:  # --strict: where in the file
            raise _in_file(e, part) from None
        raise
    finally:
        fh.close()
    for lid, w in writers.items():
        at = w.where() if isinstance(w, PlacedCsvWriter) else None
        if at is not None:
            res.placed[lid] = at
        else:
            res.parts[lid] = str(w.path)
    _write_side_parts(st, part, res, sink, sides)
    if st.gaiji is not None:
        from ..gaiji.summary import GaijiSummary

        total = GaijiSummary()
        for g in st.gaiji.stages.values():
            total.merge(g.counters)
        res.gaiji = total
    res.codes_part = codes.close()
    return res


def _one_batch(st: WorkerState, part: Partition, batch: pa.RecordBatch, fs: FindingSet,
               res: PartResult, sink: RejectSink, codes: CodeSpool, sides: SidecarPart,
               writers: dict[str, StandardCsvWriter]) -> None:  # fmt: skip
    cfg = st.cfg
    opts = cfg.options
    rt = (batch.schema.metadata or {}).get(b"record_type")
    # adapt and 外字 findings of this batch keep every sample: they name the records to reject
    bfs = cfg.findings(max_samples=None)
    ar = st.engine.adapt(part.source, batch, bfs, record_type=rt.decode() if rt else None, file=part.file)
    assert ar.routed is not None
    res.routed += int(ar.routed.sum())
    if ar.unrouted.size:
        reject_unrouted(batch, ar.unrouted, res, sink, fs)
        res.rejected_by_reason["adapt.unrouted"] = res.rejected_by_reason.get("adapt.unrouted", 0) + int(
            ar.unrouted.size
        )
    outputs: dict[str, pa.RecordBatch] = {}
    batch_sides: list[pa.Table] = []
    for lid, ob in ar.outputs.items():
        layout = st.layouts[lid]
        if st.gaiji is not None:
            ob, side = st.gaiji.stage_for(layout).apply(ob, bfs, file=part.file)
            if side.num_rows:
                batch_sides.append(
                    side.append_column("_layout", pa.array(np.full(side.num_rows, st.order[lid], np.int32)))
                )
        for stage in st.stages:
            n = ob.num_rows
            ob = stage(layout, ob, fs)
            if ob.num_rows != n:  # a stage rewrites values; a lost row would vanish from the accounting
                name = getattr(stage, "__name__", type(stage).__name__)
                raise AccountingError(f"{part.file}: stage {name} returned {ob.num_rows} rows of {n} ({lid})")
        outputs[lid] = ob
    sides.add_batch(batch_sides)  # to the part file now: the rows of a partition never pile up
    bad: dict[int, set[str]] = _error_records(bfs) if opts.on_error == "reject" else {}
    fs.merge(bfs)
    if st.validation is not None:
        for lid, ob in outputs.items():
            errors: list[tuple[Any, np.ndarray]] = []
            mask = st.validation.check(lid, ob, file=part.file, errors=errors, findings=fs)
            codes.add(st.validation.codes(lid, ob))  # to the part file: a partition's codes never pile up
            if opts.on_error == "reject" and mask.any():
                for r, why in _validation_reasons(ob, np.flatnonzero(mask), errors).items():
                    bad.setdefault(r, set()).update(why)
    bad_recs = np.fromiter(sorted(bad), np.int64, len(bad))
    hits: list[tuple[str, pa.RecordBatch, np.ndarray]] = []  # per layout: its rows to reject, their records
    for lid, ob in outputs.items():
        if bad_recs.size:
            recs = BatchContext(ob).records()
            hit = np.isin(recs, bad_recs)
            if hit.any():
                hits.append((lid, ob.filter(pa.array(hit)), recs[hit]))
                ob = ob.filter(pa.array(~hit))
        w = writers.get(lid)
        if w is None:
            path = Path(cfg.parts_dir) / f"p{part.index:06d}.{lid}.csv"
            if st.placement is not None and lid in st.placement.outputs:
                placed = PlacedFile(st.placement, lid, part.index, path)
                w = writers[lid] = PlacedCsvWriter(placed, st.layouts[lid], encoding=opts.output_encoding)
            else:
                w = writers[lid] = StandardCsvWriter(
                    path, st.layouts[lid], encoding=opts.output_encoding, header="none", durable=False
                )
            w.open()
        w.write(ob)
        res.written[lid] = res.written.get(lid, 0) + ob.num_rows
    if hits:
        res.validate_rejected += reject_invalid(sink, part.file, hits, bad, res.rejected_by_reason)


def _check(res: PartResult, stats: Any) -> None:
    if stats.records_rejected != res.read_rejected:
        raise AccountingError(
            f"{res.file}: reader rejected {stats.records_rejected}, rejects got {res.read_rejected}"
        )
    if stats.records_yielded != res.routed + res.adapt_rejected:
        raise AccountingError(
            f"{res.file}: records read {stats.records_yielded} != routed {res.routed} + unrouted {res.adapt_rejected}"
        )


def _write_side_parts(st: WorkerState, part: Partition, res: PartResult, sink: RejectSink,
                      sides: SidecarPart) -> None:  # fmt: skip
    res.rejects_part, res.rejects = sink.close(), sink.count
    res.gaiji_part, res.gaiji_rows = sides.close(), sides.rows
