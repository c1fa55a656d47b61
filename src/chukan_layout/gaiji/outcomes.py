"""What the 外字 stage reports: its finding codes, the ``gaiji.csv`` sidecar schema, and the
records an error-severity occurrence rejects."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..findings import FindingSet, register_code

register_code(
    "gaiji.unmapped",
    "error",
    "外字 without a usable mapping; original code kept",
    "外字の対応先がない（元のコードのまま）",
    stage="gaiji",
    doc="A PUA 外字 has no entry (or an `unmapped` one) in the 外字対応表, or the item's policy is `error`.\n"
    "Bad: 氏名 `山\\ue000` with no table entry for U+E000. Good: the table maps U+E000 → 髙 (U+9AD9).",
)
register_code(
    "gaiji.degraded",
    "warning",
    "外字 replaced by a substitute (代替)",
    "外字を代替文字に置き換えた",
    stage="gaiji",
    doc="A `degraded` table entry, a degrade fallback or a dropped IVS selector changed the character.\n"
    "Bad: U+E002 → 高 for 髙 (a different glyph, flagged). Good: an exact entry U+E002 → 髙.",
)
register_code(
    "gaiji.replaced",
    "warning",
    "外字 replaced by 〓 (policy replace)",
    "外字を〓に置き換えた",
    stage="gaiji",
    doc="The item's policy is `replace`: every 外字 became 〓 U+3013.\n"
    "Bad: 備考 `\\ue000号棟` → `〓号棟`. Good: map the code through the table instead.",
)
register_code(
    "gaiji.not_in_target", "warning", "character the receiving charset cannot store",
    "受入側の文字集合で保持できない文字",
    stage="gaiji",
    doc="A character (or IVS sequence) of the output value is outside the item's charset.\n"
    "Bad: 髙 in an item with charset jis_x0213. Good: 高 there, or charset mj / cp932.",
)  # fmt: skip

SIDECAR_SCHEMA = pa.schema(
    [  # type: ignore[arg-type]
        pa.field("file", pa.string()),
        pa.field("record", pa.int64()),
        pa.field("item", pa.string()),
        pa.field("position", pa.int32()),
        pa.field("source_code", pa.string()),
        pa.field("result", pa.string()),
        pa.field("status", pa.string()),
    ]
)
STATUS_CODE = {"unmapped": "gaiji.unmapped", "degraded": "gaiji.degraded", "replaced": "gaiji.replaced",
               "not_in_target": "gaiji.not_in_target"}  # fmt: skip


def error_records(sidecar: pa.Table, findings: FindingSet | None = None) -> np.ndarray:
    """Sorted unique record numbers whose sidecar status maps to an error-severity finding code.

    With the default severities that is every ``unmapped`` occurrence; the caller rejects those
    records when errors reject. Per file: filter ``sidecar`` by ``file`` first when mixing files.
    """
    fs = findings or FindingSet()
    bad = [s for s, code in STATUS_CODE.items() if str(fs.severity(code)) == "error"]
    if sidecar.num_rows == 0 or not bad:
        return np.empty(0, dtype=np.int64)
    mask = pc.is_in(sidecar.column("status"), value_set=pa.array(bad))
    return np.unique(sidecar.filter(mask).column("record").to_numpy())
