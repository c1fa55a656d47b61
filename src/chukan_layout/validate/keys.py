"""``key.duplicate``: unique record keys across all files of a layout, in bounded memory.

Each record's key (the layout's ``record_key`` items) becomes a 64-bit code (exact for
digit keys, a hash otherwise: :mod:`.hashing`) stored in a :class:`~.store.CodeStore`
(8 bytes per record). At :meth:`KeyIndex.finish` the duplicated codes are found partition
by partition; records sharing a code are grouped, and groups of *hash* codes are re-checked
exactly by re-reading only the files concerned (``reread``), so a hash collision never
becomes a false finding. Without ``reread`` such groups are reported with a detail saying
the match is by hash (probability of any false pair among n hashed keys ≈ n²/2^64).

The first occurrence (in order of files as first seen, then record number) is the original;
every later record with the same key gets one ``key.duplicate`` finding naming the original.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pyarrow as pa

from ..findings import FindingSet, Sensitivity, Severity, register_code
from .base import STAGE
from .context import BatchContext
from .hashing import TOP, decode_exact, joined, key_codes
from .store import CodeStore

KEY_DOC = """\
Two records of a layout have the same record key (``record_key``), within a file or across
the files of the layout.

The first occurrence is kept as the original; each later one is reported, with the
original's file and record number in the detail. The finding's item is the key items
joined by ``+`` (e.g. ``atena_no+rireki_no``).

Bad: 住民 records 12 and 40 both with 宛名番号 ``0000012343`` and 履歴番号 ``1``
Good: record 40 with 履歴番号 ``2``
"""

register_code("key.duplicate", Severity.ERROR, "Duplicate record key", "レコードキーの重複", stage=STAGE, doc=KEY_DOC)

Reread = Callable[[str], Iterable[pa.RecordBatch]]


class KeyIndex:
    """Collects record-key codes of one layout's batches; reports duplicates at the end."""

    def __init__(self, items: Sequence[str], sensitivity: Sensitivity | str = Sensitivity.NONE) -> None:
        self.items = list(items)
        self.item_label = "+".join(self.items)
        self.sensitivity = Sensitivity(sensitivity)
        self.store = CodeStore()

    @classmethod
    def for_layout(cls, layout: object) -> KeyIndex:
        """A key index over ``layout.record_key`` (masking samples like its most sensitive item)."""
        items = layout.record_key  # type: ignore[attr-defined]
        sens = [layout.item(i).sensitivity for i in items]  # type: ignore[attr-defined]
        return cls(items, next((s for s in sens if s is not Sensitivity.NONE), Sensitivity.NONE))

    def add(self, batch: pa.RecordBatch | pa.Table, *, file: str) -> None:
        """Record the keys of ``batch`` (rows with a blank key part are skipped: item.required covers them)."""
        ctx = BatchContext(batch)
        codes, complete = key_codes(ctx, self.items)
        self.store.append(codes[complete], ctx.records()[complete], file)

    def nbytes(self) -> int:
        return self.store.nbytes()

    def finish(self, findings: FindingSet, *, reread: Reread | None = None, raw_values: bool = False) -> int:
        """Report duplicates into ``findings``; return the number of duplicate records."""
        dups = self.store.duplicated_codes()
        if dups.size == 0:
            return 0
        pos = self.store.positions_of(dups)
        files, recs = self.store.locate(pos)
        codes = np.concatenate([c for c in self._codes_at(pos)]) if pos.size else np.zeros(0, np.uint64)
        keys: list[object] = [int(c) for c in codes]  # group key: the code, or the exact text for hashes
        if reread is not None and (codes & TOP).any():
            texts = self._reread_keys(reread, files, recs, codes)
            keys = [texts.get((int(f), int(r)), k) for f, r, k in zip(files, recs, keys, strict=True)]
        order = np.lexsort((recs, files))
        first: dict[object, tuple[int, int]] = {}
        out: dict[int, tuple[list[int], list[str | None], list[str]]] = {}
        for i in order:
            k = keys[i]
            f, r = int(files[i]), int(recs[i])
            if k not in first:
                first[k] = (f, r)
                continue
            of, orec = first[k]
            where = f"record {orec}" if of == f else f"{self.store.files[of]} record {orec}"
            hashed = isinstance(k, int) and bool(k & (1 << 63))
            detail = f"same key as {where}" + (" (hash match, not re-read)" if hashed else "")
            parts = decode_exact(int(codes[i]), len(self.items))
            value = "+".join(parts) if parts is not None else (k if isinstance(k, str) else None)
            bucket = out.setdefault(f, ([], [], []))
            bucket[0].append(r)
            bucket[1].append(value)
            bucket[2].append(detail)
        total = 0
        for f, (rs, vals, details) in out.items():
            findings.add("key.duplicate", file=self.store.files[f], item=self.item_label, records=rs, values=vals,
                         details=details, sensitivity=self.sensitivity, raw=raw_values)
            total += len(rs)
        return total

    def _codes_at(self, positions: np.ndarray) -> list[np.ndarray]:
        out = []
        for start, chunk in self.store.iter_chunks():
            sel = positions[(positions >= start) & (positions < start + chunk.size)]
            out.append(chunk[sel - start])
        return out

    def _reread_keys(self, reread: Reread, files: np.ndarray, recs: np.ndarray, codes: np.ndarray
                     ) -> dict[tuple[int, int], str]:
        """Exact key text of the hashed candidates, by re-reading only their files."""
        hashed = (codes & TOP) != 0
        texts: dict[tuple[int, int], str] = {}
        for f in np.unique(files[hashed]):
            wanted = np.unique(recs[hashed & (files == f)])
            for batch in reread(self.store.files[int(f)]):
                ctx = BatchContext(batch)
                rows = np.flatnonzero(np.isin(ctx.records(), wanted))
                if rows.size == 0:
                    continue
                text = joined([ctx.col(i).take(pa.array(rows)) for i in self.items]).to_pylist()
                for r, t in zip(ctx.records()[rows].tolist(), text, strict=True):
                    texts[(int(f), int(r))] = "+".join(t.split("\x1f"))
        return texts
