"""The vectorized 外字 stage (distinct values spread over rows) equals the former per-row path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.findings import FindingSet
from chukan_layout.gaiji.detect import tokens
from chukan_layout.gaiji.stage import SIDECAR_SCHEMA, STATUS_CODE, GaijiStage
from chukan_layout.gaiji.table import format_code_points, load_table, table_from_entries
from chukan_layout.spec.model import Layout

from .conftest import VENDOR_TSV, M

# 外字 in the PUA (BMP and plane 15), IVS sequences, 髙/﨑 (and the compatibility ideograph 塚),
# ﾊﾝｶｸ with ﾞﾟ, 〜 vs ～, a lone selector, a JIS combining mark, plain kanji and ASCII
PIECES = ["山", "田", "　", "a", "1", "\ue000", "\ue001", "\ue002", "\ue003", "\ue005", "\U000f0001",
          "髙", "﨑", "\ufa10", "葛\U000e0104", "辻\U000e0102", "\U000e0100", "ﾊﾝｶｸ", "ｶﾞ", "ﾟ", "〜", "～",
          "か\u309a", "𠮷"]  # fmt: skip
CHARSETS = ["mj", "jis_x0213", "cp932", "jis_x0208", None]
POLICIES = ["map", "degrade", "degrade:＿", "replace", "error"]


def _layout(charsets: list[str | None]) -> Layout:
    items = [dict(id="atena_no", name="宛名番号", type="digits", provenance=M)]
    for i, cs in enumerate(charsets):
        extra = {"charset": cs} if cs else {}
        items.append(dict(id=f"n{i}", name=f"名{i}", type="text", sensitivity="name", provenance=M, **extra))
    return Layout(id="test.occ", gyomu="テスト", gyomu_id="test", file_name="テスト", title={"ja": "t", "en": "t"},
                  spec_version="test", record_key=["atena_no"], provenance=M, items=items)  # fmt: skip


def _per_row(stage: GaijiStage, batch: pa.RecordBatch, findings: FindingSet, file: str) -> tuple[Any, ...]:
    """The former ``GaijiStage.apply``: every suspicious row in a Python loop, every token of
    every value resolved on the spot (no memory), the counters one occurrence at a time."""
    records = batch.column("_record").to_numpy()
    columns = list(batch.columns)
    side: dict[str, list[Any]] = {f.name: [] for f in SIDECAR_SCHEMA}
    events: dict[tuple[str, str], tuple[list[int], list[str], list[str]]] = {}
    stage._summary.records += batch.num_rows
    for item, col_i, idx in stage._detect(batch):
        arr = columns[col_i]
        stage._summary.values_inspected += int(idx.size)
        changed: dict[int, str] = {}
        for row, value in zip(idx.tolist(), arr.take(pa.array(idx)).to_pylist(), strict=True):
            if value is None:
                continue
            rec = int(records[row])
            out, hit = [], False
            for pos, tok in tokens(value):
                if item.target.storable(tok):
                    out.append(tok)
                    continue
                result, status, detail = stage._resolve(tok, item)
                hit |= result != tok
                out.append(result)
                fcode = STATUS_CODE.get(status)
                if detail.startswith("not_storable:") and fcode is None:
                    fcode = "gaiji.not_in_target"
                code, rcode = format_code_points(tok), format_code_points(result)
                for k, v in (("file", file), ("record", rec), ("item", item.id), ("position", pos),
                             ("source_code", code), ("result", rcode), ("status", status)):  # fmt: skip
                    side[k].append(v)
                stage._count(item, status, code, result, detail)
                if fcode:
                    ev = events.setdefault((fcode, item.id), ([], [], []))
                    ev[0].append(rec)
                    ev[1].append(value)
                    ev[2].append(f"{code}→{rcode}" if result != tok else code)
            if hit:
                changed[row] = "".join(out)
        if changed:
            mask = np.zeros(len(arr), bool)
            mask[list(changed)] = True
            columns[col_i] = pc.replace_with_mask(
                arr, pa.array(mask), pa.array(list(changed.values()), arr.type)
            )
    sens = {it.id: it.sensitivity for it in stage.items}
    for (fcode, item_id), (recs, vals, details) in sorted(events.items()):
        findings.add(fcode, file=file, item=item_id, records=np.asarray(recs, np.int64), values=vals,
                     details=details, sensitivity=sens[item_id])  # fmt: skip
    return pa.RecordBatch.from_arrays(columns, schema=batch.schema), pa.table(side, schema=SIDECAR_SCHEMA)


def _table(tmp: Path) -> Any:
    p = tmp / "v.tsv"
    p.write_text(VENDOR_TSV, encoding="utf-8")
    return table_from_entries(list(load_table(p)))


_TABLE: list[Any] = []


def _vendor_table() -> Any:
    if not _TABLE:
        import tempfile

        with tempfile.TemporaryDirectory() as d:
            _TABLE.append(_table(Path(d)))
    return _TABLE[0]


value = st.lists(st.sampled_from(PIECES), max_size=5).map("".join)


@settings(max_examples=60, deadline=None)
@given(
    charsets=st.lists(st.sampled_from(CHARSETS), min_size=1, max_size=4),
    policies=st.lists(st.sampled_from(POLICIES), min_size=4, max_size=4),
    data=st.data(),
)
def test_vectorized_stage_equals_the_per_row_path(
    charsets: list[str | None], policies: list[str], data: st.DataObject
) -> None:
    """Batch, sidecar rows (order included), findings (counts and samples) and counters are
    the same, over two batches (the second meets remembered values) with repeats and nulls."""
    layout = _layout(charsets)
    pol = {f"n{i}": policies[i] for i in range(len(charsets))}
    new = GaijiStage(layout, [_vendor_table()], source_system="vendor_t", policies=pol)
    old = GaijiStage(layout, [_vendor_table()], source_system="vendor_t", policies=pol)
    pool = data.draw(st.lists(value, min_size=1, max_size=6))  # few distinct values: rows repeat them
    for b in range(2):
        n = data.draw(st.integers(1, 25))
        cols: dict[str, Any] = {"atena_no": pa.array([str(i) for i in range(n)], pa.string())}
        for i in range(len(charsets)):
            picks = data.draw(
                st.lists(st.one_of(st.sampled_from(pool), value, st.none()), min_size=n, max_size=n)
            )
            cols[f"n{i}"] = pa.array(picks, pa.string())
        cols["_record"] = pa.array(np.arange(n, dtype=np.int64) * 3 + 100 * b + 1)
        batch = pa.record_batch(cols)
        fs_new, fs_old = FindingSet(max_samples=None), FindingSet(max_samples=None)
        out_new, side_new = new.apply(batch, fs_new, file="jumin.csv")
        out_old, side_old = _per_row(old, batch, fs_old, file="jumin.csv")
        assert out_new.equals(out_old)
        assert side_new.schema == SIDECAR_SCHEMA
        assert side_new.to_pylist() == side_old.to_pylist()
        assert fs_new.counts == fs_old.counts
        assert fs_new.samples == fs_old.samples
        assert new.summary() == old.summary()
